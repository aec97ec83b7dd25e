import TidelineStore
import VCard

/// addressbook-query (RFC 6352 section 8.6): cards of an address book matching a filter, with
/// an optional result limit (section 8.6.1: truncated results say so with 507).
extension DAVContext {
    func addressBookQuery(_ body: XMLElement, target: DAVResource) throws -> HTTPResponse {
        let collection = try reportCollection(target, .addressbook, report: "addressbook-query")
        let filter = try Self.cardFilter(body.child(.carddav("filter")))
        var limit = Int.max
        if let text = body.child(.carddav("limit"))?.child(.carddav("nresults"))?.text {
            guard let value = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), value > 0 else {
                throw DAVError(400, "nresults must be a positive number, not \(text).")
            }
            limit = value
        }
        let members = try store.objects(collectionID: collection.id)
        let contents = try store.objectData(ids: members.map(\.id))
        var matches: [(DAVObjectInfo, [UInt8])] = []
        var truncated = false
        for info in members {
            guard let data = contents[info.id],
                  let card = try? VCardDocument(parsing: data, requiringFormattedName: false),
                  card.matches(filter)
            else { continue }
            if matches.count == limit {
                truncated = true
                break
            }
            matches.append((info, data))
        }
        var live = LiveProperties(context: self)
        var status = Multistatus()
        try answerObjects(matches, in: collection, body: body, status: &status, live: &live)
        if truncated {
            status.response(href: href(of: target), status: 507)
        }
        return status.finish()
    }

    /// Reads a CARDDAV:filter element into the filter model.
    static func cardFilter(_ element: XMLElement?) throws(DAVError) -> VCardFilter {
        guard let element else { return VCardFilter(propertyFilters: []) }
        let test = try cardTest(element)
        var filters: [VCardPropertyFilter] = []
        for prop in element.children(.carddav("prop-filter")) {
            guard let name = prop.attribute("name"), !name.isEmpty else {
                throw DAVError(400, "Each prop-filter needs a name attribute.")
            }
            if prop.child(.carddav("is-not-defined")) != nil {
                filters.append(.notDefined(name))
                continue
            }
            var parameters: [VCardParameterFilter] = []
            for param in prop.children(.carddav("param-filter")) {
                guard let paramName = param.attribute("name"), !paramName.isEmpty else {
                    throw DAVError(400, "Each param-filter needs a name attribute.")
                }
                if param.child(.carddav("is-not-defined")) != nil {
                    parameters.append(.notDefined(paramName))
                } else {
                    parameters.append(VCardParameterFilter(name: paramName,
                                                           textMatch: try param.child(.carddav("text-match"))
                                                               .map(cardTextMatch)))
                }
            }
            filters.append(VCardPropertyFilter(name: name, test: try cardTest(prop),
                                               textMatches: try prop.children(.carddav("text-match"))
                                                   .map(cardTextMatch),
                                               parameterFilters: parameters))
        }
        return VCardFilter(test: test, propertyFilters: filters)
    }

    private static func cardTest(_ element: XMLElement) throws(DAVError) -> VCardFilterTest {
        guard let raw = element.attribute("test") else { return .anyOf }
        guard let test = VCardFilterTest(rawValue: raw) else {
            throw DAVError(400, "test must be anyof or allof, not \(raw).")
        }
        return test
    }

    private static func cardTextMatch(_ element: XMLElement) throws(DAVError) -> VCardTextMatch {
        var collation = VCardCollation.unicodeCasemap
        if let raw = element.attribute("collation") {
            guard let known = VCardCollation(rawValue: raw) else {
                throw DAVError(403, "The collation \(raw) is not supported; use i;ascii-casemap, i;unicode-casemap "
                               + "or i;octet.", precondition: .carddav("supported-collation"))
            }
            collation = known
        }
        var matchType = VCardMatchType.contains
        if let raw = element.attribute("match-type") {
            guard let known = VCardMatchType(rawValue: raw) else {
                throw DAVError(400, "match-type must be equals, contains, starts-with or ends-with, not \(raw).")
            }
            matchType = known
        }
        return VCardTextMatch(element.text, collation: collation, matchType: matchType,
                              isNegated: element.attribute("negate-condition") == "yes")
    }
}
