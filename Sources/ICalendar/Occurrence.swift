import CICal
import Foundation

/// One occurrence of a component: its own times, how it meets a time range, and where it came
/// from. The internal counterpart of `CalendarInstance`.
struct Occurrence {
    /// The RFC 4791 section 9.9 test with this occurrence's times.
    var test: OccurrenceTest
    /// DTSTART of the occurrence as written (zone or floating kept), if it has one.
    var startTime: icaltimetype?
    /// DTSTART (for a task without DTSTART its DUE) on the timeline.
    var start: Date?
    /// The effective end on the timeline (equal to `start` for occurrences without length).
    var end: Date?
    /// For a recurring series, the start of the instance as the rule generated it.
    var recurrenceID: Date?
    /// The same, as written in the master's zone.
    var recurrenceIDTime: icaltimetype?
    /// Index into `ICalTree.components`.
    var componentIndex: Int
    /// Whether the occurrence comes from a component with RECURRENCE-ID.
    var isOverride: Bool
}

/// Builds the occurrence of a component at a given start, following RFC 4791 section 9.9 for
/// its effective end. Runs inside the libical lock.
struct OccurrenceBuilder {
    let floating: FloatingZone

    /// The occurrence of `component` starting at `startTime` (the component's own DTSTART for
    /// the first instance, a generated time for the others); `periodEnd` is the end an RDATE
    /// period gives.
    func occurrence(of component: ComponentFacts, index: Int, startTime: icaltimetype?,
                    periodEnd: Date? = nil) -> Occurrence {
        let start = startTime.map { TimeConversion.date($0, floating: floating) }
        var occurrence = Occurrence(test: .never, startTime: startTime, start: start, end: start,
                                    recurrenceID: nil, recurrenceIDTime: nil, componentIndex: index,
                                    isOverride: component.recurrenceID != nil)
        switch component.kind {
        case .event:
            guard let startTime, let start else { break }
            let end = periodEnd ?? eventEnd(of: component, startTime: startTime, start: start)
            occurrence.end = end
            occurrence.test = end > start ? .interval(start, end) : .instant(start)
        case .todo:
            occurrence.test = todoTest(of: component, startTime: startTime, start: start, periodEnd: periodEnd)
            if let hull = occurrence.test.hull, start == nil { occurrence.start = hull.start }
            occurrence.end = occurrence.test.hull?.end ?? occurrence.start
        case .journal:
            guard let startTime, let start else { break }
            if startTime.is_date != 0 {
                let end = date(TimeConversion.addingDays(1, to: startTime))
                occurrence.end = end
                occurrence.test = .interval(start, end)
            } else {
                occurrence.test = .instant(start)
            }
        case .freeBusy:
            occurrence.test = freeBusyTest(of: component, start: start)
            occurrence.start = occurrence.test.hull?.start
            occurrence.end = occurrence.test.hull?.end
        }
        return occurrence
    }

    private func date(_ time: icaltimetype) -> Date {
        TimeConversion.date(time, floating: floating)
    }

    /// DTEND or DTSTART + DURATION moved to this start; one day for an all-day event without
    /// either, no length for a timed one.
    private func eventEnd(of component: ComponentFacts, startTime: icaltimetype, start: Date) -> Date {
        if let duration = component.duration {
            return TimeConversion.adding(duration, to: startTime, floating: floating)
        }
        guard let dtstart = component.dtstart, let dtend = component.dtend else {
            return startTime.is_date != 0 ? date(TimeConversion.addingDays(1, to: startTime)) : start
        }
        return shifted(dtend, from: dtstart, to: startTime, start: start)
    }

    /// Where `end` lands when its DTSTART moves to `startTime`: whole days for DATE values,
    /// the exact difference for DATE-TIME values (RFC 5545 section 3.8.5.3).
    private func shifted(_ end: icaltimetype, from dtstart: icaltimetype, to startTime: icaltimetype,
                         start: Date) -> Date {
        if dtstart.is_date != 0, end.is_date != 0 {
            let days = TimeConversion.daysBetween(dtstart, end)
            return date(TimeConversion.addingDays(days, to: startTime))
        }
        return start.addingTimeInterval(date(end).timeIntervalSince(date(dtstart)))
    }

    /// The VTODO row of RFC 4791 section 9.9 that the component's properties select.
    private func todoTest(of component: ComponentFacts, startTime: icaltimetype?, start: Date?,
                          periodEnd: Date?) -> OccurrenceTest {
        if let startTime, let start {
            if let periodEnd { return .todoWithDuration(start: start, end: periodEnd) }
            if let duration = component.duration {
                let end = TimeConversion.adding(duration, to: startTime, floating: floating)
                return .todoWithDuration(start: start, end: end)
            }
            if let dtstart = component.dtstart, let due = component.due {
                return .todoWithDue(start: start, due: shifted(due, from: dtstart, to: startTime, start: start))
            }
            return .instant(start)
        }
        if let due = component.due { return .todoDue(date(due)) }
        return .todoDone(completed: component.completed.map(date), created: component.created.map(date))
    }

    private func freeBusyTest(of component: ComponentFacts, start: Date?) -> OccurrenceTest {
        if let start, let end = component.dtend.map(date) { return .freeBusy(start, end) }
        let periods = component.freeBusy.map { period(of: $0.period) }
        return periods.isEmpty ? .never : .periods(periods)
    }

    /// A PERIOD value on the timeline: start/end or start/duration.
    func period(of period: icalperiodtype) -> (Date, Date) {
        let start = date(period.start)
        if icaltime_is_null_time(period.end) == 0 { return (start, date(period.end)) }
        return (start, TimeConversion.adding(period.duration, to: period.start, floating: floating))
    }
}
