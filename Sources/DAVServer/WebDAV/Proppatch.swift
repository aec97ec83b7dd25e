import TidelineStore

/// PROPPATCH (RFC 4918 section 9.2): sets and removes stored properties, all or nothing.
/// Computed properties are protected (403 with `cannot-modify-protected-property`), and then
/// every other change in the request fails with 424.
extension DAVContext {
    func proppatch(_ davPath: DAVPath) throws -> HTTPResponse {
        guard let body = try xmlBody(), body.name == .dav("propertyupdate") else {
            throw DAVError(400, "A PROPPATCH body must be a DAV:propertyupdate element.")
        }
        let target = try existing(davPath)
        let (set, remove) = try Self.changes(in: body)
        let names = set.map { XMLName($0.namespace, $0.name) } + remove.map { XMLName($0.namespace, $0.name) }
        var status = Multistatus()
        let owner: (collection: Int64?, object: Int64?)
        switch target {
        case .collection(let collection): owner = (collection.id, nil)
        case .object(_, let info): owner = (nil, info.id)
        default:
            status.response(href: href(of: target), found: [],
                            others: [(403, names, .dav("cannot-modify-protected-property"))])
            return status.finish()
        }
        let protected = names.filter { LiveProperties.protected.contains($0) || !isWritable($0, on: target) }
        if !protected.isEmpty {
            let others = names.filter { !protected.contains($0) }
            status.response(href: href(of: target), found: [],
                            others: [(403, protected, .dav("cannot-modify-protected-property")),
                                     (424, others, nil)])
            return status.finish()
        }
        try store.updateProperties(collectionID: owner.collection, objectID: owner.object, set: set,
                                   remove: remove.map { ($0.namespace, $0.name) })
        status.response(href: href(of: target), found: names.map { ($0, .text("")) })
        return status.finish()
    }

    /// `supported-calendar-component-set` is chosen when a calendar is made and fixed after.
    private func isWritable(_ name: XMLName, on resource: DAVResource) -> Bool {
        name != .caldav("supported-calendar-component-set")
    }

    /// The set and remove instructions in document order; a later instruction for the same
    /// name wins, as RFC 4918 asks.
    static func changes(in update: XMLElement) throws(DAVError) -> (set: [DAVProperty], remove: [DAVProperty]) {
        var set: [XMLName: DAVProperty] = [:]
        var remove: [XMLName: DAVProperty] = [:]
        var order: [XMLName] = []
        for instruction in update.children {
            guard instruction.name == .dav("set") || instruction.name == .dav("remove") else { continue }
            guard let prop = instruction.child(.dav("prop")) else {
                throw DAVError(400, "Each set or remove in a PROPPATCH needs a DAV:prop element.")
            }
            for element in prop.children {
                let property = DAVProperty(namespace: element.name.namespace, name: element.name.local,
                                           value: element.serializedContent())
                if !order.contains(element.name) { order.append(element.name) }
                if instruction.name == .dav("set") {
                    set[element.name] = property
                    remove[element.name] = nil
                } else {
                    remove[element.name] = property
                    set[element.name] = nil
                }
            }
        }
        return (order.compactMap { set[$0] }, order.compactMap { remove[$0] })
    }
}
