import CICal
import Foundation

extension CalendarResource {
    /// RRULE times walked to find where a series ends before calling it open-ended.
    ///
    /// A longer rule with UNTIL ends at UNTIL plus one instance's length (exact enough for an
    /// index); a longer rule with COUNT is treated as open-ended, which never hides the
    /// resource from a window.
    public static let spanInstanceLimit = 1_000

    /// The first start and last end over all instances, for the store's index (RFC 4791 section
    /// 9.9 decides each instance's effective end: DTEND, DTSTART + DURATION, one day for an
    /// all-day event, the task table for VTODO). Floating times and dates are placed in
    /// `timeZone`, the calendar's time zone.
    public func span(timeZone: TimeZone = .gmt) -> CalendarSpan {
        LibICal.locked {
            let floating = FloatingZone(timeZone)
            let expansion = RecurrenceExpansion(tree: tree, floating: floating)
            let master = tree.masterIndex.map { tree.components[$0] }
            let rules = master?.rrules.map { icalproperty_get_rrule($0) } ?? []
            let openEnded = rules.contains { $0.count == 0 && icaltime_is_null_time($0.until) != 0 }
            // An open-ended rule needs no walking: its start is DTSTART and it has no end.
            let walked = expansion.occurrences(in: .unbounded, limit: openEnded ? 0 : Self.spanInstanceLimit)
            var span = CalendarSpan(start: nil, end: nil)
            var first = true
            for occurrence in walked.occurrences {
                guard let hull = occurrence.test.hull else { continue }
                if first {
                    span = CalendarSpan(start: hull.start, end: hull.end)
                    first = false
                    continue
                }
                span.start = span.start.flatMap { start in hull.start.map { min(start, $0) } }
                span.end = span.end.flatMap { end in hull.end.map { max(end, $0) } }
            }
            if first { span = CalendarSpan(start: Date.distantFuture, end: Date.distantPast) }
            if openEnded {
                span.end = nil
            } else if walked.isTruncated {
                span.end = boundedEnd(rules: rules, span: span, occurrences: walked.occurrences, floating: floating)
            }
            if kind == .todo { span.completed = master?.completed.map { TimeConversion.date($0, floating: floating) } }
            return span
        }
    }

    /// The end of a series cut off by the limit: UNTIL plus the length of an instance when every
    /// rule has UNTIL, otherwise open.
    private func boundedEnd(rules: [icalrecurrencetype], span: CalendarSpan, occurrences: [Occurrence],
                            floating: FloatingZone) -> Date? {
        guard let current = span.end, rules.allSatisfy({ $0.count == 0 }) else { return nil }
        let length = occurrences.compactMap { o in o.start.flatMap { s in o.end.map { $0.timeIntervalSince(s) } } }
            .max() ?? 0
        let until = rules.map { TimeConversion.date($0.until, floating: floating) }.max() ?? current
        // A day of slack: a DATE UNTIL means the end of that day in the calendar's zone.
        return max(current, until.addingTimeInterval(length + 86_400))
    }
}
