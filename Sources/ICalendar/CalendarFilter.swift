/// A CALDAV:comp-filter (RFC 4791 section 9.7.1). The filter of a calendar-query is one of
/// these named VCALENDAR; the DAV layer builds it from the request XML.
///
/// A comp-filter matches when a component of that name exists (at this level) for which the
/// time range, every prop-filter and every nested comp-filter match; with `isNotDefined`, when
/// no component of that name exists.
public struct CalendarComponentFilter: Sendable, Hashable {
    /// The component name, such as VCALENDAR, VEVENT or VALARM (compared without case).
    public var name: String
    /// CALDAV:is-not-defined: matches only when no such component exists.
    public var isNotDefined: Bool
    /// CALDAV:time-range, tested with the rules of RFC 4791 section 9.9 for the component kind.
    public var timeRange: CalendarTimeRange?
    public var propertyFilters: [CalendarPropertyFilter]
    public var componentFilters: [CalendarComponentFilter]

    public init(name: String, isNotDefined: Bool = false, timeRange: CalendarTimeRange? = nil,
                propertyFilters: [CalendarPropertyFilter] = [],
                componentFilters: [CalendarComponentFilter] = []) {
        self.name = name
        self.isNotDefined = isNotDefined
        self.timeRange = timeRange
        self.propertyFilters = propertyFilters
        self.componentFilters = componentFilters
    }
}

/// A CALDAV:prop-filter (RFC 4791 section 9.7.2): matches when one property of that name
/// satisfies the time range, the text match and every param-filter together; with
/// `isNotDefined`, when the component has no such property.
public struct CalendarPropertyFilter: Sendable, Hashable {
    /// The property name, such as UID, SUMMARY or ATTENDEE (compared without case).
    public var name: String
    public var isNotDefined: Bool
    /// For DATE and DATE-TIME properties: matches when the value lies in the range (a DATE
    /// stands for its whole day).
    public var timeRange: CalendarTimeRange?
    public var textMatch: CalendarTextMatch?
    public var parameterFilters: [CalendarParameterFilter]

    public init(name: String, isNotDefined: Bool = false, timeRange: CalendarTimeRange? = nil,
                textMatch: CalendarTextMatch? = nil, parameterFilters: [CalendarParameterFilter] = []) {
        self.name = name
        self.isNotDefined = isNotDefined
        self.timeRange = timeRange
        self.textMatch = textMatch
        self.parameterFilters = parameterFilters
    }
}

/// A CALDAV:param-filter (RFC 4791 section 9.7.3).
public struct CalendarParameterFilter: Sendable, Hashable {
    /// The parameter name, such as PARTSTAT or TZID (compared without case).
    public var name: String
    public var isNotDefined: Bool
    public var textMatch: CalendarTextMatch?

    public init(name: String, isNotDefined: Bool = false, textMatch: CalendarTextMatch? = nil) {
        self.name = name
        self.isNotDefined = isNotDefined
        self.textMatch = textMatch
    }
}

/// A CALDAV:text-match (RFC 4791 section 9.7.5): a substring search under a collation.
public struct CalendarTextMatch: Sendable, Hashable {
    /// The text to look for.
    public var text: String
    public var collation: CalendarCollation
    /// CALDAV:text-match's `negate-condition="yes"`: matches when the text is *not* found.
    public var isNegated: Bool

    public init(_ text: String, collation: CalendarCollation = .asciiCasemap, isNegated: Bool = false) {
        self.text = text
        self.collation = collation
        self.isNegated = isNegated
    }

    /// Whether `value` satisfies the match.
    public func matches(_ value: String) -> Bool {
        collation.contains(value, text) != isNegated
    }
}
