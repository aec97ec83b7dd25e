import TidelineStore

/// PROPFIND (RFC 4918 section 9.1) at Depth 0 or 1; Depth infinity is refused with the
/// `propfind-finite-depth` precondition, since a whole home could be very large.
extension DAVContext {
    func propfind(_ davPath: DAVPath) throws -> HTTPResponse {
        let depth = try depth()
        if depth == .infinity {
            throw DAVError(403, "PROPFIND with Depth: infinity is not served; ask with Depth 0 or 1.",
                           precondition: .dav("propfind-finite-depth"))
        }
        let body = try xmlBody()
        if let body, body.name != .dav("propfind") {
            throw DAVError(400, "A PROPFIND body must be a DAV:propfind element, not \(body.name).")
        }
        let request = try PropertyRequest.parse(body)
        let target = try existing(davPath)
        var live = LiveProperties(context: self)
        var status = Multistatus()
        try answer(request, for: target, dead: try deadProperties(of: target), live: &live, into: &status)
        if depth == .one {
            let members = try self.members(of: target)
            var memberProperties: [Int64: [DAVProperty]] = [:]
            if let collection = target.collection, case .collection = target, request.needsDeadProperties {
                memberProperties = try store.objectProperties(collectionID: collection.id)
            }
            for member in members {
                let dead: [DAVProperty]
                switch member {
                case .object(_, let info): dead = memberProperties[info.id] ?? []
                default: dead = try deadProperties(of: member)
                }
                try answer(request, for: member, dead: dead, live: &live, into: &status)
            }
        }
        return status.finish()
    }

    private func answer(_ request: PropertyRequest, for resource: DAVResource, dead: [DAVProperty],
                        live: inout LiveProperties, into status: inout Multistatus) throws {
        let (found, missing) = try live.answer(request, for: resource, dead: dead)
        status.response(href: href(of: resource), found: found, missing: missing)
    }

    /// The stored properties of a resource.
    func deadProperties(of resource: DAVResource) throws -> [DAVProperty] {
        switch resource {
        case .collection(let collection): return try store.properties(collectionID: collection.id)
        case .object(_, let info): return try store.properties(objectID: info.id)
        default: return []
        }
    }

    /// The members of a collection for Depth 1: a calendar's objects inside the device's
    /// window, an address book's cards, a folder's subfolders and files.
    func members(of resource: DAVResource) throws -> [DAVResource] {
        switch resource {
        case .root: return [.principals]
        case .principals: return [.principal(user)]
        case .principal, .object: return []
        case .home(let kind):
            try store.ensureDefaultCollections(userID: user.id)
            return try store.collections(userID: user.id, kind: kind).map { .collection($0) }
        case .collection(let collection):
            var members: [DAVResource] = []
            if collection.kind == .files {
                members += try store.subfolders(of: collection).map { .collection($0) }
            }
            let window = windowApplies(to: collection) ? self.window : nil
            members += try store.objects(collectionID: collection.id, window: window).map { .object(collection, $0) }
            return members
        }
    }
}

extension PropertyRequest {
    /// Whether answering needs the stored properties of each member: allprop, propname, or a
    /// name that is not a live property.
    var needsDeadProperties: Bool {
        switch self {
        case .all, .propname: return true
        case .names(let names): return names.contains { !LiveProperties.computed.contains($0) }
        }
    }
}
