import Foundation

/// A rolling window of whole days that ends now.
///
/// A device with a window of N days sees items from `now - N × 24 h` on. The start moves with
/// the clock, so an item leaves the window exactly N × 24 h after its date; calendar days and
/// time zones play no part.
public struct SyncWindow: Sendable, Equatable {
    public let days: Int

    public init(days: Int) {
        precondition((1...SyncLimits.maxDays).contains(days), "window of \(days) days is outside 1...30")
        self.days = days
    }

    /// The length of the window in seconds.
    public var duration: TimeInterval {
        TimeInterval(days) * 86_400
    }

    /// The earliest instant inside the window at `now`.
    public func start(at now: Date) -> Date {
        now.addingTimeInterval(-duration)
    }

    /// Whether an item dated `date` is inside the window at `now` (the start is inclusive).
    public func contains(_ date: Date, at now: Date) -> Bool {
        date >= start(at: now)
    }
}

/// The source of "now" for anything that depends on time, so tests can move time by hand.
public protocol WallClock: Sendable {
    func now() -> Date
}

/// The real clock.
public struct SystemClock: WallClock {
    public init() {}

    public func now() -> Date {
        Date()
    }
}

/// A clock that stands still until told to move; for tests and for replaying fixtures.
public final class ManualClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    public init(_ start: Date) {
        current = start
    }

    public func now() -> Date {
        lock.withLock { current }
    }

    public func advance(by interval: TimeInterval) {
        lock.withLock { current = current.addingTimeInterval(interval) }
    }

    public func set(_ date: Date) {
        lock.withLock { current = date }
    }
}
