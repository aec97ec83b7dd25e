import TidelineStore

/// Which properties a PROPFIND or REPORT asks for (RFC 4918 section 14.20).
enum PropertyRequest {
    case names([XMLName])
    /// `allprop`, with the names an `include` element adds.
    case all(include: [XMLName])
    case propname

    /// Reads the request from a `propfind` element, or a REPORT body's children; a missing
    /// body means allprop.
    static func parse(_ element: XMLElement?) throws(DAVError) -> PropertyRequest {
        guard let element else { return .all(include: []) }
        if let prop = element.child(.dav("prop")) {
            return .names(prop.children.map(\.name))
        }
        if element.child(.dav("propname")) != nil { return .propname }
        if element.child(.dav("allprop")) != nil {
            return .all(include: element.child(.dav("include"))?.children.map(\.name) ?? [])
        }
        if element.name == .dav("propfind") {
            throw DAVError(400, "A propfind body needs prop, allprop or propname.")
        }
        return .all(include: [])
    }

    /// The names asked for explicitly, for reports that look for `calendar-data` and the like.
    var explicitNames: [XMLName] {
        switch self {
        case .names(let names): return names
        case .all(let include): return include
        case .propname: return []
        }
    }
}

extension LiveProperties {
    /// The properties of one resource as a multistatus response wants them: found values and
    /// missing names. `dead` are the stored properties; `extra` answers report-only properties
    /// such as `calendar-data`.
    mutating func answer(_ request: PropertyRequest, for resource: DAVResource, dead: [DAVProperty],
                         extra: (XMLName) throws -> PropertyValue? = { _ in nil }) throws
        -> (found: [(XMLName, PropertyValue)], missing: [XMLName])
    {
        var found: [(XMLName, PropertyValue)] = []
        var missing: [XMLName] = []
        let deadByName = Dictionary(dead.map { (XMLName($0.namespace, $0.name), $0.value) },
                                    uniquingKeysWith: { first, _ in first })
        func lookUp(_ name: XMLName) throws {
            if let value = try extra(name) ?? value(name, of: resource) {
                found.append((name, value))
            } else if let value = deadByName[name] {
                found.append((name, .fragment(value)))
            } else {
                missing.append(name)
            }
        }
        switch request {
        case .names(let names):
            var seen = Set<XMLName>()
            for name in names where seen.insert(name).inserted { try lookUp(name) }
        case .all(let include):
            var names = self.names(of: resource, forAllprop: true)
            names += dead.map { XMLName($0.namespace, $0.name) }.filter { !names.contains($0) }
            names += include.filter { !names.contains($0) }
            for name in names { try lookUp(name) }
        case .propname:
            var names = self.names(of: resource, forAllprop: false)
            names += dead.map { XMLName($0.namespace, $0.name) }.filter { !names.contains($0) }
            found = names.map { ($0, .text("")) }
        }
        return (found, missing)
    }
}
