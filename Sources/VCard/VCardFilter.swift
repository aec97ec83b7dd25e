/// How the tests inside a filter combine: the `test` attribute of `filter` and `prop-filter`
/// (RFC 6352 sections 10.5 and 10.5.1). The raw values are the attribute values.
public enum VCardFilterTest: String, Sendable, Hashable, CaseIterable {
    /// Logical OR, the default.
    case anyOf = "anyof"
    /// Logical AND.
    case allOf = "allof"
}

/// The `filter` of an addressbook-query REPORT (RFC 6352 section 10.5), as data.
///
/// The XML is read by the CardDAV front end; this is what it builds, and
/// `VCardDocument.matches(_:)` evaluates it. A filter with no property filters matches every
/// card, since nothing narrows the search.
public struct VCardFilter: Sendable, Hashable {
    /// Whether any or all of `propertyFilters` must match.
    public let test: VCardFilterTest

    /// The `prop-filter` children in order.
    public let propertyFilters: [VCardPropertyFilter]

    public init(test: VCardFilterTest = .anyOf, propertyFilters: [VCardPropertyFilter]) {
        self.test = test
        self.propertyFilters = propertyFilters
    }
}

/// A `prop-filter` (RFC 6352 section 10.5.1): a condition on the properties of one name.
///
/// The name is compared case-insensitively with property names, and a property's group prefix
/// is ignored, so a filter on `EMAIL` sees `item1.EMAIL`.
///
/// The text matches and parameter filters are applied to one property at a time: the filter
/// matches when at least one property of the name passes them, combined by `test`. So with
/// `allof`, a text match on the value and a parameter filter on `TYPE=work` must both hold for
/// the same EMAIL, which is what a client asking for "a work address at example.com" means.
public struct VCardPropertyFilter: Sendable, Hashable {
    /// The property name, upper-cased.
    public let name: String

    /// True for `is-not-defined`: the filter matches exactly when the card has no property of
    /// the name, and the other fields are empty.
    public let isNotDefined: Bool

    /// Whether any or all of `textMatches` and `parameterFilters` must hold for a property.
    public let test: VCardFilterTest

    /// The `text-match` children, applied to the unescaped value.
    public let textMatches: [VCardTextMatch]

    /// The `param-filter` children.
    public let parameterFilters: [VCardParameterFilter]

    /// A filter that tests the properties called `name`. With no text matches and no parameter
    /// filters it matches any card that has such a property.
    public init(
        name: String,
        test: VCardFilterTest = .anyOf,
        textMatches: [VCardTextMatch] = [],
        parameterFilters: [VCardParameterFilter] = []
    ) {
        self.name = name.uppercased()
        self.isNotDefined = false
        self.test = test
        self.textMatches = textMatches
        self.parameterFilters = parameterFilters
    }

    /// A filter that matches cards without any property called `name` (`is-not-defined`).
    public static func notDefined(_ name: String) -> VCardPropertyFilter {
        VCardPropertyFilter(notDefined: name)
    }

    private init(notDefined name: String) {
        self.name = name.uppercased()
        self.isNotDefined = true
        self.test = .anyOf
        self.textMatches = []
        self.parameterFilters = []
    }
}

/// A `param-filter` (RFC 6352 section 10.5.2): a condition on one parameter of a property.
public struct VCardParameterFilter: Sendable, Hashable {
    /// The parameter name, upper-cased; compared case-insensitively.
    public let name: String

    /// True for `is-not-defined`: the property must not have the parameter.
    public let isNotDefined: Bool

    /// The `text-match`, if any. Without one, the parameter only has to be present. With one,
    /// the parameter has to be present and the match is tried on each of its values (so
    /// `TYPE=work,voice` holds `work`); a negated match holds when no value matches.
    public let textMatch: VCardTextMatch?

    /// A filter on the parameter called `name`: present, and matching `textMatch` when given.
    public init(name: String, textMatch: VCardTextMatch? = nil) {
        self.name = name.uppercased()
        self.isNotDefined = false
        self.textMatch = textMatch
    }

    /// A filter that holds when the property has no parameter called `name`.
    public static func notDefined(_ name: String) -> VCardParameterFilter {
        VCardParameterFilter(notDefined: name)
    }

    private init(notDefined name: String) {
        self.name = name.uppercased()
        self.isNotDefined = true
        self.textMatch = nil
    }
}

/// A `text-match` (RFC 6352 section 10.5.4): text to find in a value under a collation.
public struct VCardTextMatch: Sendable, Hashable {
    /// The text to look for, as plain text (not vCard-escaped).
    public let text: String

    /// How characters compare. RFC 6352 makes `i;unicode-casemap` the default.
    public let collation: VCardCollation

    /// Where the text must occur; `contains` by default.
    public let matchType: VCardMatchType

    /// True for `negate-condition="yes"`: the match holds when the text is not found.
    public let isNegated: Bool

    /// `text` in the collation's comparison form, worked out once rather than per value.
    private let key: [UInt8]

    public init(
        _ text: String,
        collation: VCardCollation = .unicodeCasemap,
        matchType: VCardMatchType = .contains,
        isNegated: Bool = false
    ) {
        self.text = text
        self.collation = collation
        self.matchType = matchType
        self.isNegated = isNegated
        self.key = collation.key(for: text)
    }

    /// Whether `value` (plain text) satisfies this match, negation included.
    public func matches(_ value: String) -> Bool {
        isFound(in: value) != isNegated
    }

    /// Whether the text occurs in `value` as `matchType` asks, before any negation.
    func isFound(in value: String) -> Bool {
        collation.matches(collation.key(for: value), key, matchType: matchType)
    }
}
