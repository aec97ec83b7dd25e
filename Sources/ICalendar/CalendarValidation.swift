import CICal
import Foundation

/// The checks of RFC 4791 section 4.1 and the parts of RFC 5545 that time computations rely
/// on, run on a freshly parsed libical tree. Runs inside the libical lock.
enum CalendarValidation {
    /// Parses `body` and returns the checked tree, or the first problem found.
    static func parse(_ body: ArraySlice<UInt8>) throws(ICalendarError) -> ICalTree {
        var text = Array(body)
        text.append(0)
        let parsed = text.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { icalparser_parse_string($0.baseAddress) }
        }
        guard let root = parsed else { throw ICalendarError(.notICalendar) }
        do {
            // Before the zones are built: libical works out their transitions on first use.
            try checkObservanceRules(in: root)
            let zones = ZoneTable(root: root)
            let components = try check(root, zones: zones)
            return ICalTree(root: root, zones: zones, components: components)
        } catch {
            icalcomponent_free(root)
            throw error
        }
    }

    private static func check(_ root: OpaquePointer, zones: ZoneTable) throws(ICalendarError) -> [ComponentFacts] {
        switch icalcomponent_isa(root) {
        case ICAL_VCALENDAR_COMPONENT: break
        case ICAL_XROOT_COMPONENT:
            let calendars = LibICal.children(of: root, kind: ICAL_VCALENDAR_COMPONENT).count
            throw ICalendarError(calendars > 1 ? .multipleCalendars : .notICalendar)
        default: throw ICalendarError(.notICalendar)
        }
        if let message = firstParseError(in: root) { throw ICalendarError(.malformed(message)) }
        let versions = LibICal.properties(of: root, kind: ICAL_VERSION_PROPERTY)
        guard let version = versions.first else { throw ICalendarError(.unsupportedVersion(nil)) }
        guard versions.count == 1 else {
            throw ICalendarError(.repeatedProperty(component: "VCALENDAR", property: "VERSION"))
        }
        let versionText = LibICal.string(icalproperty_get_version(version)) ?? ""
        guard versionText.trimmingCharacters(in: .whitespaces) == "2.0" else {
            throw ICalendarError(.unsupportedVersion(versionText))
        }
        if LibICal.property(of: root, kind: ICAL_METHOD_PROPERTY) != nil {
            throw ICalendarError(.methodNotAllowed)
        }
        let components = try topLevelComponents(of: root, zones: zones)
        try checkIdentity(components)
        let utc = FloatingZone(TimeZone.gmt)
        for component in components {
            try checkTimes(of: component, utc: utc)
            try checkTimeZones(in: component.pointer, zones: zones)
        }
        return components
    }

    /// Every real time zone changes at most a few times a year, by yearly rules. libical walks
    /// an observance's rule from its DTSTART to some years ahead, so an hourly rule (or a
    /// yearly one listing hours) would cost seconds under the libical lock, which every
    /// calendar request shares: such a VTIMEZONE is refused.
    ///
    /// Limitation: RFC 5545 allows any rule here; a resource whose VTIMEZONE changes offset
    /// monthly or at listed hours is refused rather than stored.
    private static func checkObservanceRules(in root: OpaquePointer) throws(ICalendarError) {
        // Only the root's VTIMEZONEs become zones (a root that is not a VCALENDAR is refused
        // later, unused).
        let unset = Int16(ICAL_RECURRENCE_ARRAY_MAX.rawValue)
        for vtimezone in LibICal.children(of: root, kind: ICAL_VTIMEZONE_COMPONENT) {
            let rules = LibICal.children(of: vtimezone, kind: ICAL_ANY_COMPONENT)
                .flatMap { LibICal.properties(of: $0, kind: ICAL_RRULE_PROPERTY) }
                .map { icalproperty_get_rrule($0) }
            let irregular = rules.contains {
                $0.freq != ICAL_YEARLY_RECURRENCE || $0.by_hour.0 != unset || $0.by_minute.0 != unset
                    || $0.by_second.0 != unset
            }
            guard irregular else { continue }
            let tzid = LibICal.property(of: vtimezone, kind: ICAL_TZID_PROPERTY)
                .flatMap { LibICal.string(icalproperty_get_tzid($0)) } ?? ""
            throw ICalendarError(.irregularTimeZoneRule(tzid))
        }
    }

    /// The first message libical left in an X-LIC-ERROR property, anywhere in the tree.
    ///
    /// An empty value ("No value for DESCRIPTION") is not counted: clients write empty
    /// DESCRIPTION and LOCATION lines, and libical only drops the property.
    private static func firstParseError(in component: OpaquePointer) -> String? {
        for property in LibICal.properties(of: component, kind: ICAL_XLICERROR_PROPERTY) {
            let message = LibICal.string(icalproperty_get_xlicerror(property)) ?? "unknown error"
            if message.hasPrefix("No value for") { continue }
            return message.trimmingCharacters(in: .whitespaces)
        }
        for child in LibICal.children(of: component, kind: ICAL_ANY_COMPONENT) {
            if let message = firstParseError(in: child) { return message }
        }
        return nil
    }

    private static func topLevelComponents(of root: OpaquePointer,
                                           zones: ZoneTable) throws(ICalendarError) -> [ComponentFacts] {
        var components: [ComponentFacts] = []
        for child in LibICal.children(of: root, kind: ICAL_ANY_COMPONENT) {
            let childKind = icalcomponent_isa(child)
            if childKind == ICAL_VTIMEZONE_COMPONENT || childKind == ICAL_X_COMPONENT { continue }
            guard let kind = CalendarComponentKind(childKind) else {
                throw ICalendarError(.unsupportedComponent(LibICal.name(of: child)))
            }
            if let first = components.first, first.kind != kind {
                throw ICalendarError(.mixedComponents(first.name, kind.rawValue))
            }
            components.append(ComponentFacts(child, kind: kind, zones: zones))
        }
        guard !components.isEmpty else { throw ICalendarError(.noComponent) }
        return components
    }

    /// One UID for all, one master, and each RECURRENCE-ID once.
    private static func checkIdentity(_ components: [ComponentFacts]) throws(ICalendarError) {
        var seen = Set<Int64>()
        var masters = 0
        for component in components {
            for (property, count) in component.singleCounts where count > 1 {
                throw ICalendarError(.repeatedProperty(component: component.name, property: property))
            }
            guard let uid = component.uid else { throw ICalendarError(.missingUID(component.name)) }
            if let first = components[0].uid, first != uid {
                throw ICalendarError(.differentUIDs(first, uid))
            }
            if let rid = component.recurrenceID {
                let instant = TimeConversion.instant(rid, in: rid.zone ?? TimeConversion.utc)
                guard seen.insert(Int64(instant.timeIntervalSince1970)).inserted else {
                    throw ICalendarError(.duplicateInstance(component.name))
                }
            } else {
                masters += 1
                if masters > 1 { throw ICalendarError(.duplicateInstance(component.name)) }
            }
        }
    }

    /// DTSTART where it is needed, ends after starts, and no DTEND or DUE with DURATION.
    private static func checkTimes(of component: ComponentFacts, utc: FloatingZone) throws(ICalendarError) {
        let name = component.name
        let endName: String
        let end: icaltimetype?
        switch component.kind {
        case .event:
            guard component.dtstart != nil else {
                throw ICalendarError(.missingProperty(component: name, property: "DTSTART"))
            }
            endName = "DTEND"
            end = component.dtend
        case .todo:
            endName = "DUE"
            end = component.due
        case .journal, .freeBusy:
            endName = "DTEND"
            end = component.kind == .freeBusy ? component.dtend : nil
        }
        if component.duration != nil {
            if end != nil {
                throw ICalendarError(.conflictingProperties(component: name, endName, "DURATION"))
            }
            guard component.dtstart != nil else {
                throw ICalendarError(.missingProperty(component: name, property: "DTSTART"))
            }
        }
        if !component.rrules.isEmpty, component.dtstart == nil {
            throw ICalendarError(.missingProperty(component: name, property: "DTSTART"))
        }
        if let duration = component.duration, duration.is_neg != 0,
           TimeConversion.exactSeconds(duration) != 0 || TimeConversion.nominalDays(duration) != 0 {
            throw ICalendarError(.endBeforeStart(component: name, property: "DURATION"))
        }
        guard let start = component.dtstart, let end else { return }
        if (start.is_date != 0) != (end.is_date != 0) {
            throw ICalendarError(.mixedValueTypes(component: name, property: endName))
        }
        if TimeConversion.date(end, floating: utc) < TimeConversion.date(start, floating: utc) {
            throw ICalendarError(.endBeforeStart(component: name, property: endName))
        }
    }

    /// Every TZID in the component and its subcomponents names a zone that can be found.
    private static func checkTimeZones(in component: OpaquePointer, zones: ZoneTable) throws(ICalendarError) {
        for property in LibICal.properties(of: component, kind: ICAL_ANY_PROPERTY) {
            guard let tzid = LibICal.tzid(of: property) else { continue }
            if zones.zone(forTZID: tzid) == nil {
                throw ICalendarError(.unknownTimeZone(tzid))
            }
        }
        for child in LibICal.children(of: component, kind: ICAL_ANY_COMPONENT) {
            try checkTimeZones(in: child, zones: zones)
        }
    }
}
