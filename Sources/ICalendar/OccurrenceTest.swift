import Foundation

/// How one occurrence of a component overlaps a time range: the rows of the tables in RFC 4791
/// section 9.9, with the times of that occurrence filled in.
enum OccurrenceTest {
    /// Start and a later end: overlaps when `start < e` and `end > s` (events with DTEND or a
    /// positive DURATION, all-day events and journals).
    case interval(Date, Date)
    /// A moment: overlaps when `start <= t` and `end > t` (events and journals without length,
    /// tasks with DTSTART only).
    case instant(Date)
    /// VTODO with DTSTART and DURATION.
    case todoWithDuration(start: Date, end: Date)
    /// VTODO with DTSTART and DUE.
    case todoWithDue(start: Date, due: Date)
    /// VTODO with DUE only.
    case todoDue(Date)
    /// VTODO without DTSTART and DUE, with COMPLETED, CREATED or both.
    case todoDone(completed: Date?, created: Date?)
    /// VFREEBUSY with DTSTART and DTEND: overlaps when `start <= e` and `end > s`.
    case freeBusy(Date, Date)
    /// VFREEBUSY with FREEBUSY periods only: overlaps when any period does.
    case periods([(Date, Date)])
    /// Overlaps every range (VTODO without any date).
    case always
    /// Overlaps no range (VJOURNAL without DTSTART, empty VFREEBUSY).
    case never

    /// Whether the occurrence overlaps `range` under the RFC 4791 section 9.9 rules.
    func overlaps(_ range: CalendarTimeRange) -> Bool {
        switch self {
        case .interval(let s, let e):
            return range.startsBefore(e) && range.endsAfter(s)
        case .instant(let t):
            return range.startsAtOrBefore(t) && range.endsAfter(t)
        case .todoWithDuration(let s, let e):
            return range.startsAtOrBefore(e) && (range.endsAfter(s) || range.endsAtOrAfter(e))
        case .todoWithDue(let s, let due):
            return (range.startsBefore(due) || range.startsAtOrBefore(s))
                && (range.endsAfter(s) || range.endsAtOrAfter(due))
        case .todoDue(let due):
            return range.startsBefore(due) && range.endsAtOrAfter(due)
        case .todoDone(let completed?, let created?):
            return (range.startsAtOrBefore(created) || range.startsAtOrBefore(completed))
                && (range.endsAtOrAfter(created) || range.endsAtOrAfter(completed))
        case .todoDone(let completed?, nil):
            return range.startsAtOrBefore(completed) && range.endsAtOrAfter(completed)
        case .todoDone(nil, let created?):
            return range.endsAfter(created)
        case .todoDone(nil, nil), .always:
            return true
        case .freeBusy(let s, let e):
            return range.startsAtOrBefore(e) && range.endsAfter(s)
        case .periods(let periods):
            return periods.contains { range.startsBefore($0.1) && range.endsAfter($0.0) }
        case .never:
            return false
        }
    }

    /// The earliest and latest moment the test looks at; nil on a side that is unbounded.
    /// Nil as a whole for `.never`.
    var hull: (start: Date?, end: Date?)? {
        switch self {
        case .interval(let s, let e), .todoWithDuration(let s, let e), .freeBusy(let s, let e):
            return (s, e)
        case .instant(let t), .todoDue(let t):
            return (t, t)
        case .todoWithDue(let s, let due):
            return (min(s, due), max(s, due))
        case .todoDone(let completed?, let created?):
            return (min(completed, created), max(completed, created))
        case .todoDone(let completed?, nil):
            return (completed, completed)
        case .todoDone(nil, let created?):
            return (created, nil)
        case .todoDone(nil, nil), .always:
            return (nil, nil)
        case .periods(let periods):
            guard let first = periods.first else { return nil }
            return periods.reduce((first.0, first.1)) { (min($0.0, $1.0), max($0.1, $1.1)) }
        case .never:
            return nil
        }
    }
}
