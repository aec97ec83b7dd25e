import Foundation

/// Keeps an event that can repeat at an attacker's pace (refused connections, refused logins)
/// to one log line per key and interval, and counts the lines left out in between.
public final class RepeatLimiter: @unchecked Sendable {
    private let lock = NSLock()
    private var last: [String: (at: Double, unlogged: Int)] = [:]
    public let interval: Double
    private let capacity: Int

    public init(interval: Double = 60, capacity: Int = 4096) {
        self.interval = interval
        self.capacity = capacity
    }

    /// Whether to log the event for `key` now; when so, how many went unlogged since the last.
    public func admit(_ key: String, now: Double = monotonicSeconds()) -> Int? {
        lock.withLock {
            if let previous = last[key], now - previous.at < interval {
                last[key] = (previous.at, previous.unlogged + 1)
                return nil
            }
            let unlogged = last[key]?.unlogged ?? 0
            if last.count >= capacity { last = last.filter { now - $0.value.at < interval } }
            last[key] = (now, 0)
            return unlogged
        }
    }
}
