import Foundation

/// A CALDAV:time-range (RFC 4791 section 9.9): from `start` inclusive to `end` exclusive,
/// either side open when nil.
public struct CalendarTimeRange: Sendable, Hashable {
    public var start: Date?
    public var end: Date?

    public init(start: Date?, end: Date?) {
        self.start = start
        self.end = end
    }

    /// Everything, from the beginning of time to its end.
    public static let unbounded = CalendarTimeRange(start: nil, end: nil)

    /// `start < value` (the range begins before it); true when the range has no start.
    func startsBefore(_ value: Date) -> Bool { start.map { $0 < value } ?? true }
    /// `start <= value`.
    func startsAtOrBefore(_ value: Date) -> Bool { start.map { $0 <= value } ?? true }
    /// `end > value` (the range ends after it); true when the range has no end.
    func endsAfter(_ value: Date) -> Bool { end.map { $0 > value } ?? true }
    /// `end >= value`.
    func endsAtOrAfter(_ value: Date) -> Bool { end.map { $0 >= value } ?? true }
}
