import CICal

/// What one top-level component says about time, read from libical once at parse time so that
/// span, matching and expansion do not walk its properties again.
///
/// Holds libical pointers owned by the `ICalTree` it belongs to; use it only inside the lock
/// and while the tree is alive.
struct ComponentFacts {
    let pointer: OpaquePointer
    let kind: CalendarComponentKind
    var uid: String?
    var dtstart: icaltimetype?
    var dtend: icaltimetype?
    var due: icaltimetype?
    var duration: icaldurationtype?
    var recurrenceID: icaltimetype?
    var recurrenceRange: icalparameter_range = ICAL_RANGE_NONE
    var completed: icaltimetype?
    var created: icaltimetype?
    /// The RRULE properties; the rule itself is large, so it is read when expanding.
    var rrules: [OpaquePointer] = []
    var rdates: [icaldatetimeperiodtype] = []
    var exdates: [icaltimetype] = []
    /// FREEBUSY periods of a VFREEBUSY, with whether FBTYPE makes them count as busy.
    var freeBusy: [(period: icalperiodtype, type: BusyType?)] = []
    var isCancelled = false
    var isTentative = false
    var isTransparent = false
    /// How often each property that may appear at most once appears (for validation).
    var singleCounts: [String: Int] = [:]

    var name: String { kind.rawValue }
    var isRecurring: Bool { !rrules.isEmpty || !rdates.isEmpty }

    /// Properties that RFC 5545 allows at most once in VEVENT, VTODO and VJOURNAL.
    private static let counted: [icalproperty_kind: String] = [
        ICAL_UID_PROPERTY: "UID", ICAL_DTSTART_PROPERTY: "DTSTART", ICAL_DTEND_PROPERTY: "DTEND",
        ICAL_DUE_PROPERTY: "DUE", ICAL_DURATION_PROPERTY: "DURATION",
        ICAL_RECURRENCEID_PROPERTY: "RECURRENCE-ID",
    ]

    init(_ pointer: OpaquePointer, kind: CalendarComponentKind, zones: ZoneTable) {
        self.pointer = pointer
        self.kind = kind
        var property = icalcomponent_get_first_property(pointer, ICAL_ANY_PROPERTY)
        while let current = property {
            read(current, zones: zones)
            property = icalcomponent_get_next_property(pointer, ICAL_ANY_PROPERTY)
        }
    }

    private mutating func read(_ property: OpaquePointer, zones: ZoneTable) {
        let kind = icalproperty_isa(property)
        if let name = Self.counted[kind] { singleCounts[name, default: 0] += 1 }
        switch kind {
        case ICAL_UID_PROPERTY:
            uid = LibICal.string(icalproperty_get_uid(property))
        case ICAL_DTSTART_PROPERTY:
            dtstart = TimeConversion.time(of: property, zones: zones)
        case ICAL_DTEND_PROPERTY:
            dtend = TimeConversion.time(of: property, zones: zones)
        case ICAL_DUE_PROPERTY:
            due = TimeConversion.time(of: property, zones: zones)
        case ICAL_DURATION_PROPERTY:
            duration = icalproperty_get_duration(property)
        case ICAL_RECURRENCEID_PROPERTY:
            recurrenceID = TimeConversion.time(of: property, zones: zones)
            if let range = icalproperty_get_first_parameter(property, ICAL_RANGE_PARAMETER) {
                recurrenceRange = icalparameter_get_range(range)
            }
        case ICAL_COMPLETED_PROPERTY:
            completed = TimeConversion.time(of: property, zones: zones)
        case ICAL_CREATED_PROPERTY:
            created = TimeConversion.time(of: property, zones: zones)
        case ICAL_RRULE_PROPERTY:
            rrules.append(property)
        case ICAL_RDATE_PROPERTY:
            var rdate = icalproperty_get_rdate(property)
            rdate.time = TimeConversion.zoned(rdate.time, property: property, zones: zones)
            rdate.period.start = TimeConversion.zoned(rdate.period.start, property: property, zones: zones)
            rdate.period.end = TimeConversion.zoned(rdate.period.end, property: property, zones: zones)
            rdates.append(rdate)
        case ICAL_EXDATE_PROPERTY:
            exdates.append(TimeConversion.zoned(icalproperty_get_exdate(property), property: property, zones: zones))
        case ICAL_FREEBUSY_PROPERTY:
            freeBusy.append((icalproperty_get_freebusy(property), BusyType(fbtypeOf: property)))
        case ICAL_STATUS_PROPERTY:
            let status = icalproperty_get_status(property)
            isCancelled = status == ICAL_STATUS_CANCELLED
            isTentative = status == ICAL_STATUS_TENTATIVE
        case ICAL_TRANSP_PROPERTY:
            isTransparent = icalproperty_get_transp(property) == ICAL_TRANSP_TRANSPARENT
        default:
            break
        }
    }
}
