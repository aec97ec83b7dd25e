import CICal
import Foundation

/// The kinds of busy time a free-busy reply distinguishes (FBTYPE, RFC 5545 section 3.2.9).
public enum BusyType: String, Sendable, Hashable, CaseIterable {
    case busy = "BUSY"
    case busyTentative = "BUSY-TENTATIVE"
    case busyUnavailable = "BUSY-UNAVAILABLE"

    /// The FBTYPE of a FREEBUSY property; nil for FREE, which is no busy time. Unknown types
    /// count as BUSY, as RFC 5545 asks.
    init?(fbtypeOf property: OpaquePointer) {
        guard let parameter = icalproperty_get_first_parameter(property, ICAL_FBTYPE_PARAMETER) else {
            self = .busy
            return
        }
        switch icalparameter_get_fbtype(parameter) {
        case ICAL_FBTYPE_FREE: return nil
        case ICAL_FBTYPE_BUSYTENTATIVE: self = .busyTentative
        case ICAL_FBTYPE_BUSYUNAVAILABLE: self = .busyUnavailable
        default: self = .busy
        }
    }

    var fbtype: icalparameter_fbtype {
        switch self {
        case .busy: ICAL_FBTYPE_BUSY
        case .busyTentative: ICAL_FBTYPE_BUSYTENTATIVE
        case .busyUnavailable: ICAL_FBTYPE_BUSYUNAVAILABLE
        }
    }
}

/// A stretch of busy time, `start` inclusive to `end` exclusive.
public struct BusyPeriod: Sendable, Hashable {
    public var start: Date
    public var end: Date
    public var type: BusyType

    public init(start: Date, end: Date, type: BusyType) {
        self.start = start
        self.end = end
        self.type = type
    }
}

extension CalendarResource {
    /// The busy time this resource contributes to a free-busy-query (RFC 4791 section 7.10),
    /// clipped to `range`: instances of a VEVENT unless TRANSP is TRANSPARENT or STATUS is
    /// CANCELLED (BUSY-TENTATIVE when STATUS is TENTATIVE, BUSY otherwise), and the FREEBUSY
    /// periods of a VFREEBUSY that are not FREE. Instances without length take no time.
    ///
    /// Limitation: VAVAILABILITY (RFC 7953) is not stored, so it adds no BUSY-UNAVAILABLE time.
    public func busyPeriods(in range: CalendarTimeRange, timeZone: TimeZone = .gmt) -> [BusyPeriod] {
        LibICal.locked {
            let floating = FloatingZone(timeZone)
            var periods: [BusyPeriod] = []
            func add(_ start: Date, _ end: Date, _ type: BusyType) {
                let clippedStart = range.start.map { max($0, start) } ?? start
                let clippedEnd = range.end.map { min($0, end) } ?? end
                if clippedStart < clippedEnd {
                    periods.append(BusyPeriod(start: clippedStart, end: clippedEnd, type: type))
                }
            }
            switch kind {
            case .event:
                let expansion = RecurrenceExpansion(tree: tree, floating: floating)
                for occurrence in expansion.occurrences(in: range).occurrences {
                    let component = tree.components[occurrence.componentIndex]
                    guard !component.isTransparent, !component.isCancelled,
                          case .interval(let start, let end) = occurrence.test else { continue }
                    add(start, end, component.isTentative ? .busyTentative : .busy)
                }
            case .freeBusy:
                let builder = OccurrenceBuilder(floating: floating)
                for component in tree.components {
                    for (period, type) in component.freeBusy {
                        guard let type else { continue }
                        let (start, end) = builder.period(of: period)
                        add(start, end, type)
                    }
                }
            case .todo, .journal:
                break
            }
            return periods.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
        }
    }
}

/// The VCALENDAR answer to a free-busy-query (RFC 4791 section 7.10).
public enum FreeBusyReply {
    /// Periods of the same type that overlap or touch, joined; sorted by type, then start.
    public static func merged(_ periods: [BusyPeriod]) -> [BusyPeriod] {
        var result: [BusyPeriod] = []
        for type in BusyType.allCases {
            let sorted = periods.filter { $0.type == type }.sorted { $0.start < $1.start }
            var current: BusyPeriod?
            for period in sorted {
                if var open = current, period.start <= open.end {
                    open.end = max(open.end, period.end)
                    current = open
                } else {
                    if let open = current { result.append(open) }
                    current = period
                }
            }
            if let open = current { result.append(open) }
        }
        return result
    }

    /// A VCALENDAR with one VFREEBUSY whose DTSTART and DTEND are the queried range and whose
    /// FREEBUSY properties hold the merged periods, all in UTC. `stamp` becomes DTSTAMP.
    public static func render(_ periods: [BusyPeriod], start: Date, end: Date, stamp: Date = Date()) -> String {
        LibICal.locked {
            let calendar = icalcomponent_new(ICAL_VCALENDAR_COMPONENT)!
            defer { icalcomponent_free(calendar) }
            icalcomponent_add_property(calendar, icalproperty_new_version("2.0"))
            icalcomponent_add_property(calendar, icalproperty_new_prodid(CalendarOutput.productID))
            let freeBusy = icalcomponent_new(ICAL_VFREEBUSY_COMPONENT)!
            icalcomponent_add_property(freeBusy, icalproperty_new_dtstamp(TimeConversion.utcTime(stamp)))
            icalcomponent_add_property(freeBusy, icalproperty_new_dtstart(TimeConversion.utcTime(start)))
            icalcomponent_add_property(freeBusy, icalproperty_new_dtend(TimeConversion.utcTime(end)))
            for period in merged(periods) {
                var value = icalperiodtype_null_period()
                value.start = TimeConversion.utcTime(period.start)
                value.end = TimeConversion.utcTime(period.end)
                let property = icalproperty_new_freebusy(value)!
                if period.type != .busy {
                    icalproperty_add_parameter(property, icalparameter_new_fbtype(period.type.fbtype))
                }
                icalcomponent_add_property(freeBusy, property)
            }
            icalcomponent_add_component(calendar, freeBusy)
            return LibICal.takeString(icalcomponent_as_ical_string_r(calendar)) ?? ""
        }
    }
}
