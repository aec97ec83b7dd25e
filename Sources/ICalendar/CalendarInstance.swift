import Foundation

/// One instance of a resource's recurrence set (or its single occurrence when it does not
/// recur), as it lies on the timeline.
public struct CalendarInstance: Sendable, Hashable {
    /// DTSTART of the instance; for a task without DTSTART, its DUE or other first date.
    public let start: Date
    /// The effective end (RFC 4791 section 9.9); equal to `start` for an instance without
    /// length, such as a timed event without DTEND and DURATION.
    public let end: Date
    /// The instance's RECURRENCE-ID: the start the rule gave it, before any override moved it.
    /// Nil when the resource does not recur.
    public let recurrenceID: Date?
    /// Whether the instance is written as its own component with RECURRENCE-ID.
    public let isOverride: Bool
    /// Whether DTSTART is a DATE (an all-day instance).
    public let isAllDay: Bool
    /// The position of the component it comes from among the resource's VEVENT, VTODO,
    /// VJOURNAL or VFREEBUSY components (VTIMEZONE not counted), in the order written.
    public let componentIndex: Int
}

extension CalendarResource {
    /// The instances that overlap `range` under the RFC 4791 section 9.9 rules, sorted by
    /// start. Floating times and dates are placed in `timeZone`.
    ///
    /// An override that moves an instance into the range is included; one that moves it out
    /// takes the instance with it. A task without any date has no instance here (it still
    /// matches every time-range filter).
    public func instances(in range: CalendarTimeRange, timeZone: TimeZone = .gmt) -> [CalendarInstance] {
        LibICal.locked {
            let expansion = RecurrenceExpansion(tree: tree, floating: FloatingZone(timeZone))
            return expansion.occurrences(in: range).occurrences
                .filter { $0.test.overlaps(range) }
                .compactMap { occurrence -> CalendarInstance? in
                    guard let start = occurrence.start else { return nil }
                    return CalendarInstance(start: start, end: occurrence.end ?? start,
                                            recurrenceID: isRecurring ? occurrence.recurrenceID : nil,
                                            isOverride: occurrence.isOverride,
                                            isAllDay: occurrence.startTime?.is_date == 1,
                                            componentIndex: occurrence.componentIndex)
                }
                .sorted { ($0.start, $0.componentIndex) < ($1.start, $1.componentIndex) }
        }
    }
}
