/// Evaluation of addressbook-query filters (RFC 6352 section 10.5) against a parsed card.
///
/// Text matches see plain text: backslash escapes are resolved and quoted-printable values
/// decoded first. A structured value such as N or ADR is matched as one text, its fields still
/// joined by `;` (`N:Doe;John;;;` is matched as `Doe;John;;;`), the way RFC 6352 describes a
/// match against "the property value"; so `contains "John"` finds it and `equals "John"` does
/// not. List values such as CATEGORIES are likewise one text with their commas.
extension VCardDocument {
    /// Whether the card passes `filter`; a filter with no property filters passes every card.
    public func matches(_ filter: VCardFilter) -> Bool {
        guard !filter.propertyFilters.isEmpty else { return true }
        switch filter.test {
        case .anyOf: return filter.propertyFilters.contains { matches($0) }
        case .allOf: return filter.propertyFilters.allSatisfy { matches($0) }
        }
    }

    /// Whether the card passes one property filter: for `is-not-defined`, when it has no property
    /// of the name; otherwise when at least one property of the name passes the filter's tests.
    public func matches(_ filter: VCardPropertyFilter) -> Bool {
        let candidates = properties.lazy.filter { $0.name == filter.name }
        if filter.isNotDefined {
            return candidates.isEmpty
        }
        return candidates.contains { property in property.passes(filter) }
    }
}

extension VCardProperty {
    /// Whether this one property passes the text matches and parameter filters of `filter`,
    /// combined by its test. A filter with neither is passed by any property of its name.
    func passes(_ filter: VCardPropertyFilter) -> Bool {
        if filter.textMatches.isEmpty && filter.parameterFilters.isEmpty {
            return true
        }
        // Decode the value once, and only when a text match needs it.
        var value: String?
        func text() -> String {
            if let value { return value }
            let decoded = decodedValue
            value = decoded
            return decoded
        }
        switch filter.test {
        case .anyOf:
            return filter.textMatches.contains { $0.matches(text()) }
                || filter.parameterFilters.contains { passes($0) }
        case .allOf:
            return filter.textMatches.allSatisfy { $0.matches(text()) }
                && filter.parameterFilters.allSatisfy { passes($0) }
        }
    }

    /// Whether this property passes one parameter filter (RFC 6352 section 10.5.2).
    func passes(_ filter: VCardParameterFilter) -> Bool {
        let values = parameterValues(named: filter.name)
        let isDefined = parameters.contains { $0.name == filter.name }
        if filter.isNotDefined {
            return !isDefined
        }
        guard isDefined else { return false }
        guard let match = filter.textMatch else { return true }
        let found = values.contains { match.isFound(in: $0) }
        return found != match.isNegated
    }
}
