import CICal
import Foundation

// Limitation: calendar-data subsetting (RFC 4791 section 9.6.1, comp and prop selection) and
// CALDAV:limit-freebusy-set (section 9.6.7) are not offered; the DAV layer returns whole
// components.

/// Names shared by the iCalendar text this module writes.
enum CalendarOutput {
    static let productID = "-//Tideline//CalDAV Server//EN"
}

extension CalendarResource {
    /// The resource for CALDAV:expand (RFC 4791 section 9.6.5): one component per instance that
    /// overlaps `range`, sorted by start, each with RECURRENCE-ID (when the resource recurs)
    /// and without RRULE, RDATE and EXDATE; date-times with a TZID become UTC and the
    /// VTIMEZONE components are left out. The VCALENDAR properties are kept.
    ///
    /// All-day DATE values stay DATE values, and floating times stay floating: neither names a
    /// time zone to convert from.
    public func expanded(in range: CalendarTimeRange, timeZone: TimeZone = .gmt) -> String {
        LibICal.locked {
            let expansion = RecurrenceExpansion(tree: tree, floating: FloatingZone(timeZone))
            let occurrences = expansion.occurrences(in: range).occurrences
                .filter { $0.test.overlaps(range) }
                .sorted { ($0.start ?? .distantPast) < ($1.start ?? .distantPast) }
            let calendar = icalcomponent_new(ICAL_VCALENDAR_COMPONENT)!
            defer { icalcomponent_free(calendar) }
            for property in LibICal.properties(of: tree.root, kind: ICAL_ANY_PROPERTY) {
                icalcomponent_add_property(calendar, icalproperty_new_clone(property))
            }
            for occurrence in occurrences {
                icalcomponent_add_component(calendar, instanceComponent(for: occurrence))
            }
            return LibICal.takeString(icalcomponent_as_ical_string_r(calendar)) ?? ""
        }
    }

    /// The resource for CALDAV:limit-recurrence-set (RFC 4791 section 9.6.6): the master as it
    /// is, and only those overridden instances whose own time or original time (RECURRENCE-ID
    /// plus the master's length) overlaps `range`.
    ///
    /// Limitation: the text is written again by libical, which folds lines its own way and
    /// drops parameters it does not know that are not `X-` parameters.
    public func limitedRecurrenceSet(to range: CalendarTimeRange, timeZone: TimeZone = .gmt) -> String {
        LibICal.locked {
            let expansion = RecurrenceExpansion(tree: tree, floating: FloatingZone(timeZone))
            let walked = expansion.occurrences(in: range).occurrences
            let length = walked.first { !$0.isOverride }.flatMap { o in
                o.start.flatMap { s in o.end.map { $0.timeIntervalSince(s) } }
            } ?? 0
            var keep = Set<Int>()
            for occurrence in walked {
                guard occurrence.isOverride else { keep.insert(occurrence.componentIndex); continue }
                let original = occurrence.recurrenceID.map { rid in
                    OccurrenceTest.interval(rid, rid.addingTimeInterval(max(length, 1)))
                }
                if occurrence.test.overlaps(range) || original?.overlaps(range) == true {
                    keep.insert(occurrence.componentIndex)
                }
            }
            if let master = tree.masterIndex { keep.insert(master) }
            let copy = icalcomponent_new_clone(tree.root)!
            defer { icalcomponent_free(copy) }
            var index = 0
            for child in LibICal.children(of: copy, kind: ICAL_ANY_COMPONENT) {
                let childKind = icalcomponent_isa(child)
                if childKind == ICAL_VTIMEZONE_COMPONENT || childKind == ICAL_X_COMPONENT { continue }
                if !keep.contains(index) {
                    icalcomponent_remove_component(copy, child)
                    icalcomponent_free(child)
                }
                index += 1
            }
            return LibICal.takeString(icalcomponent_as_ical_string_r(copy)) ?? ""
        }
    }

    /// A copy of the occurrence's component standing for just this instance.
    private func instanceComponent(for occurrence: Occurrence) -> OpaquePointer {
        let facts = tree.components[occurrence.componentIndex]
        let component = icalcomponent_new_clone(facts.pointer)!
        for kind in [ICAL_RRULE_PROPERTY, ICAL_RDATE_PROPERTY, ICAL_EXDATE_PROPERTY, ICAL_EXRULE_PROPERTY] {
            LibICal.removeProperties(of: component, kind: kind)
        }
        if !occurrence.isOverride, let startTime = occurrence.startTime, let start = occurrence.start,
           let dtstart = facts.dtstart {
            let move = { (original: icaltimetype) -> icaltimetype in
                if original.is_date != 0 {
                    return TimeConversion.addingDays(TimeConversion.daysBetween(dtstart, original), to: startTime)
                }
                let offset = TimeConversion.date(original, floating: FloatingZone(TimeZone.gmt))
                    .timeIntervalSince(TimeConversion.date(dtstart, floating: FloatingZone(TimeZone.gmt)))
                return Self.output(startTime, date: start.addingTimeInterval(offset), offset: offset)
            }
            set(ICAL_DTSTART_PROPERTY, in: component, to: move(dtstart))
            if let dtend = facts.dtend { set(ICAL_DTEND_PROPERTY, in: component, to: move(dtend)) }
            if let due = facts.due { set(ICAL_DUE_PROPERTY, in: component, to: move(due)) }
            if isRecurring, let rid = occurrence.recurrenceIDTime {
                LibICal.removeProperties(of: component, kind: ICAL_RECURRENCEID_PROPERTY)
                let value = rid.is_date != 0 ? rid : Self.output(rid, date: start, offset: 0)
                let property = icalproperty_new_recurrenceid(value)!
                if value.is_date != 0 { icalproperty_set_value(property, icalvalue_new_date(value)) }
                icalcomponent_add_property(component, property)
            }
        }
        convertToUTC(component)
        return component
    }

    /// A start-relative time for output: UTC for zoned times, floating times kept floating.
    private static func output(_ like: icaltimetype, date: Date, offset: TimeInterval) -> icaltimetype {
        guard like.zone == nil else { return TimeConversion.utcTime(date) }
        var floating = icaltime_normalize(like)
        // Whole days and the seconds left over: the offset between two four-digit years is
        // too many seconds for the Int32 field, but never too many days.
        let days = (offset / 86_400).rounded(.down)
        guard abs(days) < 10_000 * 366 else { return TimeConversion.utcTime(date) }
        floating.day += Int32(days)
        floating.second += Int32(offset - days * 86_400)
        floating = icaltime_normalize(floating)
        floating.zone = nil
        return floating
    }

    /// Replaces the value of the first `kind` property, dropping its TZID.
    private func set(_ kind: icalproperty_kind, in component: OpaquePointer, to time: icaltimetype) {
        guard let property = LibICal.property(of: component, kind: kind) else { return }
        icalproperty_remove_parameter_by_kind(property, ICAL_TZID_PARAMETER)
        icalproperty_remove_parameter_by_kind(property, ICAL_VALUE_PARAMETER)
        icalproperty_set_value(property, time.is_date != 0 ? icalvalue_new_date(time) : icalvalue_new_datetime(time))
    }

    /// Rewrites every DATE-TIME with a TZID, here and in subcomponents, as UTC.
    private func convertToUTC(_ component: OpaquePointer) {
        for property in LibICal.properties(of: component, kind: ICAL_ANY_PROPERTY) {
            guard LibICal.tzid(of: property) != nil,
                  let time = TimeConversion.time(of: property, zones: tree.zones), time.is_date == 0 else { continue }
            let date = TimeConversion.date(time, floating: FloatingZone(TimeZone.gmt))
            icalproperty_remove_parameter_by_kind(property, ICAL_TZID_PARAMETER)
            icalproperty_set_value(property, icalvalue_new_datetime(TimeConversion.utcTime(date)))
        }
        for child in LibICal.children(of: component, kind: ICAL_ANY_COMPONENT) {
            convertToUTC(child)
        }
    }
}
