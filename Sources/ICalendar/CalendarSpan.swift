import Foundation

/// The stretch of time a resource can match, for the store's index: every instance of every
/// component lies within `start ... end`.
///
/// A range `[a, b)` can only match the resource when `spanStart < b` (or `<=`: see
/// `mayOverlap`) and `spanEnd >= a`; the store uses this to pick candidates, and
/// `CalendarResource.matches` gives the exact answer.
public struct CalendarSpan: Sendable, Hashable {
    /// The start of the first instance (a task without dates has none: it matches everything).
    public var start: Date?
    /// The end of the last instance; nil for an open-ended series (RRULE without COUNT or
    /// UNTIL, or a series too long to walk cheaply), a task with only CREATED, or a task
    /// without dates.
    public var end: Date?
    /// COMPLETED of a task (of its master when it recurs), so a window can skip done tasks.
    public var completed: Date?

    public init(start: Date?, end: Date?, completed: Date? = nil) {
        self.start = start
        self.end = end
        self.completed = completed
    }

    /// Whether a range may hold part of the resource: false only when it surely does not.
    public func mayOverlap(_ range: CalendarTimeRange) -> Bool {
        if let start, let rangeEnd = range.end, start > rangeEnd { return false }
        if let end, let rangeStart = range.start, end < rangeStart { return false }
        return true
    }
}
