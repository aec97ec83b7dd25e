import CICal

/// The component types a calendar object resource can hold (RFC 4791 section 4.1); the raw
/// value is the iCalendar name.
public enum CalendarComponentKind: String, Sendable, Hashable, CaseIterable {
    case event = "VEVENT"
    case todo = "VTODO"
    case journal = "VJOURNAL"
    case freeBusy = "VFREEBUSY"

    init?(_ kind: icalcomponent_kind) {
        switch kind {
        case ICAL_VEVENT_COMPONENT: self = .event
        case ICAL_VTODO_COMPONENT: self = .todo
        case ICAL_VJOURNAL_COMPONENT: self = .journal
        case ICAL_VFREEBUSY_COMPONENT: self = .freeBusy
        default: return nil
        }
    }
}
