import Foundation
import ICalendar

/// Reads CalDAV filter XML (RFC 4791 section 9.7) into the ICalendar filter model.
extension DAVContext {
    static func componentFilter(_ element: XMLElement, depth: Int = 0) throws(DAVError) -> CalendarComponentFilter {
        guard depth < 8 else {
            throw DAVError(403, "comp-filters nest deeper than 8 levels.", precondition: .caldav("valid-filter"))
        }
        let name = try filterName(element)
        if element.child(.caldav("is-not-defined")) != nil {
            return CalendarComponentFilter(name: name, isNotDefined: true)
        }
        var properties: [CalendarPropertyFilter] = []
        for prop in element.children(.caldav("prop-filter")) {
            properties.append(try propertyFilter(prop))
        }
        var components: [CalendarComponentFilter] = []
        for comp in element.children(.caldav("comp-filter")) {
            components.append(try componentFilter(comp, depth: depth + 1))
        }
        return CalendarComponentFilter(name: name, timeRange: try element.child(.caldav("time-range")).map(timeRange),
                                       propertyFilters: properties, componentFilters: components)
    }

    private static func propertyFilter(_ element: XMLElement) throws(DAVError) -> CalendarPropertyFilter {
        let name = try filterName(element)
        if element.child(.caldav("is-not-defined")) != nil {
            return CalendarPropertyFilter(name: name, isNotDefined: true)
        }
        var parameters: [CalendarParameterFilter] = []
        for param in element.children(.caldav("param-filter")) {
            let paramName = try filterName(param)
            if param.child(.caldav("is-not-defined")) != nil {
                parameters.append(CalendarParameterFilter(name: paramName, isNotDefined: true))
            } else {
                parameters.append(CalendarParameterFilter(name: paramName,
                                                          textMatch: try param.child(.caldav("text-match"))
                                                              .map(textMatch)))
            }
        }
        return CalendarPropertyFilter(name: name, timeRange: try element.child(.caldav("time-range")).map(timeRange),
                                      textMatch: try element.child(.caldav("text-match")).map(textMatch),
                                      parameterFilters: parameters)
    }

    private static func filterName(_ element: XMLElement) throws(DAVError) -> String {
        guard let name = element.attribute("name"), !name.isEmpty else {
            throw DAVError(403, "Each \(element.name.local) needs a name attribute.", precondition: .caldav("valid-filter"))
        }
        return name
    }

    private static func textMatch(_ element: XMLElement) throws(DAVError) -> CalendarTextMatch {
        var collation = CalendarCollation.asciiCasemap
        if let raw = element.attribute("collation") {
            guard let known = CalendarCollation(identifier: raw) else {
                throw DAVError(403, "The collation \(raw) is not supported; use i;ascii-casemap, i;octet or "
                               + "i;unicode-casemap.", precondition: .caldav("supported-collation"))
            }
            collation = known
        }
        return CalendarTextMatch(element.text, collation: collation,
                                 isNegated: element.attribute("negate-condition") == "yes")
    }

    /// A time-range element's start and end, UTC date-times as RFC 4791 section 9.9 writes them.
    static func timeRange(_ element: XMLElement) throws(DAVError) -> CalendarTimeRange {
        func date(_ attribute: String) throws(DAVError) -> Date? {
            guard let text = element.attribute(attribute) else { return nil }
            guard let date = utcDate(text) else {
                throw DAVError(403, "The time-range \(attribute) \"\(text)\" is not a UTC date-time like "
                               + "20261203T000000Z.", precondition: .caldav("valid-filter"))
            }
            return date
        }
        let range = CalendarTimeRange(start: try date("start"), end: try date("end"))
        if range.start == nil && range.end == nil {
            throw DAVError(403, "A time-range needs a start, an end or both.", precondition: .caldav("valid-filter"))
        }
        if let start = range.start, let end = range.end, end <= start {
            throw DAVError(403, "The time-range end must come after its start.", precondition: .caldav("valid-filter"))
        }
        return range
    }

    /// Parses `YYYYMMDDTHHMMSSZ`.
    static func utcDate(_ text: String) -> Date? {
        let digits = Array(text.trimmingCharacters(in: .whitespaces).utf8)
        guard digits.count == 16, digits[8] == UInt8(ascii: "T"), digits[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in digits[range] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
              let hour = number(9..<11), let minute = number(11..<13), let second = number(13..<15),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute,
                                        second: second)
        components.timeZone = .gmt
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar.date(from: components)
    }
}
