import TidelineStore

/// REPORT (RFC 3253 section 3.6) dispatch by the body's root element.
extension DAVContext {
    func report(_ davPath: DAVPath) throws -> HTTPResponse {
        guard let body = try xmlBody() else {
            throw DAVError(400, "REPORT needs a body naming the report, such as calendar-query or sync-collection.")
        }
        let target = try existing(davPath)
        switch body.name {
        case .dav("sync-collection"): return try syncCollection(body, target: target)
        case .caldav("calendar-multiget"), .carddav("addressbook-multiget"): return try multiget(body, target: target)
        case .caldav("calendar-query"): return try calendarQuery(body, target: target)
        case .caldav("free-busy-query"): return try freeBusyQuery(body, target: target)
        case .carddav("addressbook-query"): return try addressBookQuery(body, target: target)
        default:
            throw DAVError(403, "The report \(body.name) is not supported here; see supported-report-set.",
                           precondition: .dav("supported-report"))
        }
    }

    /// The collection a report runs on, which must be of `kind`.
    func reportCollection(_ target: DAVResource, _ kind: DAVKind, report: String) throws(DAVError) -> DAVCollection {
        guard case .collection(let collection) = target, collection.kind == kind else {
            throw DAVError(403, "\(report) runs on a \(kind == .calendar ? "calendar" : "an address book") "
                           + "collection; \(path) is not one.", precondition: .dav("supported-report"))
        }
        return collection
    }

    /// Report-only properties: `calendar-data` and `address-data` of an object, shaped by what
    /// the request asked for (expansion, property subsets).
    func reportData(_ name: XMLName, request: XMLElement?, info: DAVObjectInfo, data: [UInt8],
                    collection: DAVCollection) throws -> PropertyValue? {
        switch name {
        case .caldav("calendar-data") where collection.kind == .calendar:
            return .text(try calendarData(data, request: request, collection: collection))
        case .carddav("address-data") where collection.kind == .addressbook:
            return .text(try addressData(data, request: request))
        default:
            return nil
        }
    }

    /// Answers the asked properties of objects whose contents were read, into a multistatus.
    func answerObjects(_ objects: [(DAVObjectInfo, [UInt8])], in collection: DAVCollection, body: XMLElement,
                       status: inout Multistatus, live: inout LiveProperties) throws {
        let request = try PropertyRequest.parse(body)
        let dataNames: Set<XMLName> = [.caldav("calendar-data"), .carddav("address-data")]
        let dataRequest = body.child(.dav("prop"))?.children.first { dataNames.contains($0.name) }
        let dead = request.needsDeadProperties ? try store.objectProperties(collectionID: collection.id) : [:]
        for (info, data) in objects {
            let resource = DAVResource.object(collection, info)
            let (found, missing) = try live.answer(request, for: resource, dead: dead[info.id] ?? []) { name in
                try self.reportData(name, request: dataRequest, info: info, data: data, collection: collection)
            }
            status.response(href: href(of: resource), found: found, missing: missing)
        }
    }
}
