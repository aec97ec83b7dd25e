import CICal
import Foundation

extension CalendarResource {
    /// Whether the resource satisfies a calendar-query filter (RFC 4791 section 9.7), whose
    /// top comp-filter must name VCALENDAR. Time ranges follow section 9.9 and see every
    /// instance of a recurring component; floating times and dates are placed in `timeZone`.
    public func matches(_ filter: CalendarComponentFilter, timeZone: TimeZone = .gmt) -> Bool {
        guard filter.name.uppercased() == "VCALENDAR" else { return false }
        if filter.isNotDefined { return false }
        return LibICal.locked {
            let matcher = FilterMatcher(tree: tree, floating: FloatingZone(timeZone))
            return matcher.matches(filter, component: tree.root)
        }
    }
}

/// Evaluates a filter tree against the libical tree. Runs inside the libical lock.
private struct FilterMatcher {
    /// How far around a range the instances of a component are looked at for VALARM triggers.
    ///
    /// Limitation: an alarm that fires more than a week before or after its instance is only
    /// found for instances within a week of the range.
    static let alarmReach: TimeInterval = 7 * 86_400

    let tree: ICalTree
    let floating: FloatingZone

    /// Whether `component`, already known to carry the filter's name, satisfies its time range,
    /// prop-filters and comp-filters.
    func matches(_ filter: CalendarComponentFilter, component: OpaquePointer, parentIndex: Int? = nil) -> Bool {
        let index = tree.components.firstIndex { $0.pointer == component }
        if let range = filter.timeRange, component != tree.root {
            if let index {
                guard overlaps(componentAt: index, range) else { return false }
            } else if icalcomponent_isa(component) == ICAL_VALARM_COMPONENT, let parentIndex {
                guard alarm(component, of: parentIndex, overlaps: range) else { return false }
            } else {
                // Limitation: a time-range on components other than VEVENT, VTODO, VJOURNAL,
                // VFREEBUSY and VALARM (VTIMEZONE, STANDARD, DAYLIGHT) never matches.
                return false
            }
        }
        for propertyFilter in filter.propertyFilters where !matches(propertyFilter, in: component) {
            return false
        }
        for child in filter.componentFilters {
            let name = child.name.uppercased()
            let candidates = LibICal.children(of: component, kind: ICAL_ANY_COMPONENT)
                .filter { LibICal.name(of: $0) == name }
            if child.isNotDefined {
                if !candidates.isEmpty { return false }
                continue
            }
            let parent = index ?? parentIndex
            guard candidates.contains(where: { matches(child, component: $0, parentIndex: parent) }) else {
                return false
            }
        }
        return true
    }

    /// Whether an instance of the top-level component at `index` overlaps `range`.
    private func overlaps(componentAt index: Int, _ range: CalendarTimeRange) -> Bool {
        let expansion = RecurrenceExpansion(tree: tree, floating: floating)
        return expansion.occurrences(in: range, stoppingAt: { $0.test.overlaps(range) }).occurrences.contains {
            $0.componentIndex == index && $0.test.overlaps(range)
        }
    }

    /// RFC 4791 section 9.9 for VALARM: a trigger time (or one of its repetitions) of some
    /// instance of the parent lies in the range.
    private func alarm(_ alarm: OpaquePointer, of parentIndex: Int, overlaps range: CalendarTimeRange) -> Bool {
        guard let trigger = LibICal.property(of: alarm, kind: ICAL_TRIGGER_PROPERTY) else { return false }
        let value = icalproperty_get_trigger(trigger)
        let repeats = LibICal.property(of: alarm, kind: ICAL_REPEAT_PROPERTY)
            .map { Int(icalproperty_get_repeat($0)) } ?? 0
        let interval = LibICal.property(of: alarm, kind: ICAL_DURATION_PROPERTY)
            .map { TimeConversion.exactSeconds(icalproperty_get_duration($0))
                + TimeInterval(TimeConversion.nominalDays(icalproperty_get_duration($0))) * 86_400 } ?? 0
        var firstTimes: [Date] = []
        if icaltime_is_null_time(value.time) == 0 {
            firstTimes = [TimeConversion.date(value.time, floating: floating)]
        } else {
            let related = icalproperty_get_first_parameter(trigger, ICAL_RELATED_PARAMETER)
            let fromEnd = related.map { icalparameter_get_related($0) == ICAL_RELATED_END } ?? false
            let offset = TimeConversion.exactSeconds(value.duration)
                + TimeInterval(TimeConversion.nominalDays(value.duration)) * 86_400
            let wider = CalendarTimeRange(start: range.start?.addingTimeInterval(-Self.alarmReach),
                                          end: range.end?.addingTimeInterval(Self.alarmReach))
            let expansion = RecurrenceExpansion(tree: tree, floating: floating)
            let anchor = { (occurrence: Occurrence) in fromEnd ? occurrence.end : occurrence.start }
            // With no range end, an instance whose first trigger is at or after the range start
            // matches, and so none after it need walking.
            let stop: ((Occurrence) -> Bool)? = range.end != nil ? nil : { occurrence in
                guard let start = range.start, let at = anchor(occurrence) else { return false }
                return at.addingTimeInterval(offset) >= start
            }
            for occurrence in expansion.occurrences(in: wider, stoppingAt: stop).occurrences
            where occurrence.componentIndex == parentIndex {
                guard let at = anchor(occurrence) else { continue }
                firstTimes.append(at.addingTimeInterval(offset))
            }
        }
        return firstTimes.contains { first in
            (0...max(0, min(repeats, 1_000))).contains { step in
                OccurrenceTest.instant(first.addingTimeInterval(TimeInterval(step) * interval)).overlaps(range)
            }
        }
    }

    private func matches(_ filter: CalendarPropertyFilter, in component: OpaquePointer) -> Bool {
        let name = filter.name.uppercased()
        let properties = LibICal.properties(of: component, kind: ICAL_ANY_PROPERTY)
            .filter { LibICal.name(ofProperty: $0) == name }
        if filter.isNotDefined { return properties.isEmpty }
        return properties.contains { property in
            if let range = filter.timeRange {
                guard let time = TimeConversion.time(of: property, zones: tree.zones) else { return false }
                let start = TimeConversion.date(time, floating: floating)
                let test: OccurrenceTest = time.is_date != 0
                    ? .interval(start, TimeConversion.date(TimeConversion.addingDays(1, to: time), floating: floating))
                    : .instant(start)
                guard test.overlaps(range) else { return false }
            }
            if let textMatch = filter.textMatch, !textMatch.matches(Self.text(of: property)) { return false }
            return filter.parameterFilters.allSatisfy { matches($0, on: property) }
        }
    }

    private func matches(_ filter: CalendarParameterFilter, on property: OpaquePointer) -> Bool {
        let name = filter.name.uppercased()
        var values: [String] = []
        var parameter = icalproperty_get_first_parameter(property, ICAL_ANY_PARAMETER)
        while let current = parameter {
            let text = LibICal.takeString(icalparameter_as_ical_string_r(current)) ?? ""
            if let equals = text.firstIndex(of: "="), text[..<equals].uppercased() == name {
                var value = String(text[text.index(after: equals)...])
                if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                    value = String(value.dropFirst().dropLast())
                }
                values.append(value)
            }
            parameter = icalproperty_get_next_parameter(property, ICAL_ANY_PARAMETER)
        }
        if filter.isNotDefined { return values.isEmpty }
        guard let textMatch = filter.textMatch else { return !values.isEmpty }
        return values.contains { textMatch.matches($0) }
    }

    /// The value a text-match sees: TEXT values unescaped, others as written.
    static func text(of property: OpaquePointer) -> String {
        guard let value = icalproperty_get_value(property) else { return "" }
        if icalvalue_isa(value) == ICAL_TEXT_VALUE { return LibICal.string(icalvalue_get_text(value)) ?? "" }
        return LibICal.takeString(icalvalue_as_ical_string_r(value)) ?? ""
    }
}
