import TidelineStore

/// MKCOL (RFC 4918 section 9.3), extended MKCOL (RFC 5689) and MKCALENDAR (RFC 4791 section
/// 5.3.1): folders in the file area, calendars and address books directly in their homes.
extension DAVContext {
    func mkcol(_ davPath: DAVPath, calendar: Bool) throws -> HTTPResponse {
        let method = calendar ? "MKCALENDAR" : "MKCOL"
        guard case .vacant(let vacancy) = try resolve(davPath) else {
            throw DAVError(405, "\(path) already exists; \(method) makes only new collections.")
        }
        let body: XMLElement?
        do {
            body = try xmlBody()
        } catch {
            throw DAVError(415, "The \(method) body is not an XML \(calendar ? "mkcalendar" : "mkcol") element; "
                           + "send none or an extended MKCOL request (RFC 5689).")
        }
        var properties: [DAVProperty] = []
        var resourceType: [XMLName] = []
        if let body {
            let expected: XMLName = calendar ? .caldav("mkcalendar") : .dav("mkcol")
            guard body.name == expected else {
                throw DAVError(415, "A \(method) body must be a \(expected) element, not \(body.name).")
            }
            for set in body.children(.dav("set")) {
                for element in set.child(.dav("prop"))?.children ?? [] {
                    if element.name == .dav("resourcetype") {
                        resourceType = element.children.map(\.name)
                    } else {
                        properties.append(DAVProperty(namespace: element.name.namespace, name: element.name.local,
                                                      value: element.serializedContent()))
                    }
                }
            }
        }
        let kind = calendar ? DAVKind.calendar : try kindForMkcol(resourceType, in: vacancy)
        guard kind == vacancy.kind else {
            throw DAVError(403, "A \(kind == .calendar ? "calendar" : kind == .addressbook ? "address book" : "folder") "
                           + "cannot be made here; make it in the \(DAVHref.area(kind)) home.",
                           precondition: calendar ? .caldav("calendar-collection-location-ok") : .dav("valid-resourcetype"))
        }
        guard vacancy.inHome else {
            throw DAVError(403, "Collections go directly in the home \(DAVHref.home(kind, user.address)); "
                           + "nested ones are not allowed here.",
                           precondition: calendar ? .caldav("calendar-collection-location-ok") : nil)
        }
        var components: [String]?
        if kind == .calendar {
            let componentSet = properties.first { $0.name == "supported-calendar-component-set"
                && $0.namespace == XMLNamespace.caldav }
            components = componentSet.map { Self.componentNames(in: $0.value) } ?? ["VEVENT", "VTODO"]
            properties.removeAll { $0.name == "supported-calendar-component-set" }
            if components?.isEmpty ?? true || !(components ?? []).allSatisfy(["VEVENT", "VTODO", "VJOURNAL"].contains) {
                throw DAVError(403, "supported-calendar-component-set may list VEVENT, VTODO and VJOURNAL only.",
                               precondition: .caldav("supported-calendar-component"))
            }
        }
        do {
            _ = try store.createCollection(userID: user.id, kind: kind, path: vacancy.collectionPath,
                                           components: components, properties: properties)
        } catch DAVStoreError.missingParent {
            throw DAVError(409, "The parent folder of \(path) does not exist; make it first.")
        } catch DAVStoreError.exists {
            throw DAVError(405, "\(path) already exists.")
        }
        return HTTPResponse(status: 201, headers: [("Cache-Control", "no-cache")])
    }

    /// The kind an extended MKCOL asks for by its resource type; plain MKCOL makes a folder.
    private func kindForMkcol(_ resourceType: [XMLName], in vacancy: DAVVacancy) throws(DAVError) -> DAVKind {
        let extra = resourceType.filter { $0 != .dav("collection") }
        switch extra {
        case []: return vacancy.kind == .files ? .files : vacancy.kind
        case [.caldav("calendar")]: return .calendar
        case [.carddav("addressbook")]: return .addressbook
        default:
            throw DAVError(403, "Resource type \(extra.map(\.description).joined(separator: " ")) cannot be made; "
                           + "use collection, calendar or addressbook.", precondition: .dav("valid-resourcetype"))
        }
    }

    /// The `name` attributes of the `comp` elements in a stored component-set fragment.
    static func componentNames(in fragment: String) -> [String] {
        guard let element = try? XMLParsing.parse(Array("<r xmlns:c=\"\(XMLNamespace.caldav)\">\(fragment)</r>".utf8))
        else { return [] }
        return element.children.filter { $0.name.local == "comp" }.compactMap { $0.attribute("name")?.uppercased() }
    }
}
