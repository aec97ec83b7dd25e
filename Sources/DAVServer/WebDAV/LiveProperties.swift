import Foundation
import TidelineStore

/// A property's value as it goes into a multistatus response.
enum PropertyValue {
    /// Text, escaped when written.
    case text(String)
    /// An XML fragment already serialized with the response root's prefixes (`d:`, `c:`, ...)
    /// or with inline namespace declarations (stored dead properties).
    case fragment(String)
}

/// Facts about a collection that several properties need (sync token, ctag), computed once per
/// request.
struct CollectionState {
    let token: SyncToken
    var ctag: String { token.ctag }
}

/// The properties the server computes (RFC 4918 section 15, RFC 3744, RFC 5397, RFC 4791
/// section 5.2 and 6.2, RFC 6352 section 6.2, RFC 6578, RFC 4331, and CalendarServer's getctag).
struct LiveProperties {
    let context: DAVContext
    private var states: [Int64: CollectionState] = [:]

    init(context: DAVContext) {
        self.context = context
    }

    static let protected: Set<XMLName> = [
        .dav("resourcetype"), .dav("getetag"), .dav("getcontentlength"), .dav("getlastmodified"),
        .dav("current-user-principal"), .dav("principal-URL"), .dav("owner"), .dav("current-user-privilege-set"),
        .dav("supported-report-set"), .dav("sync-token"), .dav("quota-available-bytes"), .dav("quota-used-bytes"),
        .dav("principal-collection-set"), .dav("creationdate"), .dav("lockdiscovery"), .dav("supportedlock"),
        .calendarServer("getctag"), .caldav("calendar-home-set"), .caldav("calendar-user-address-set"),
        .caldav("supported-calendar-component-set"), .caldav("supported-calendar-data"),
        .caldav("max-resource-size"), .carddav("addressbook-home-set"), .carddav("supported-address-data"),
        .carddav("max-resource-size"), .caldav("calendar-data"), .carddav("address-data"),
    ]

    /// Every property this type may compute; any other name can only be a stored one.
    static let computed: Set<XMLName> = protected.union([.dav("getcontenttype")])

    /// The live properties a resource has, for `allprop` and `propname` (RFC 4918 9.1: allprop
    /// leaves out the expensive ones; quota properties are among those).
    func names(of resource: DAVResource, forAllprop: Bool) -> [XMLName] {
        var names: [XMLName] = [.dav("resourcetype"), .dav("current-user-principal"),
                                .dav("current-user-privilege-set")]
        switch resource {
        case .root, .principals:
            break
        case .principal:
            names += [.dav("displayname"), .dav("principal-URL"), .dav("principal-collection-set"),
                      .caldav("calendar-home-set"), .carddav("addressbook-home-set"),
                      .caldav("calendar-user-address-set")]
        case .home:
            names += [.dav("owner")]
        case .collection(let collection):
            names += [.dav("owner"), .dav("supported-report-set")]
            switch collection.kind {
            case .calendar:
                names += [.dav("sync-token"), .calendarServer("getctag"), .caldav("supported-calendar-component-set"),
                          .caldav("supported-calendar-data"), .caldav("max-resource-size")]
            case .addressbook:
                names += [.dav("sync-token"), .calendarServer("getctag"), .carddav("supported-address-data"),
                          .carddav("max-resource-size")]
            case .files:
                break
            }
        case .object:
            names += [.dav("getetag"), .dav("getcontenttype"), .dav("getcontentlength"), .dav("getlastmodified"),
                      .dav("owner")]
        }
        switch resource {
        case .home where !forAllprop, .collection where !forAllprop:
            names += [.dav("quota-available-bytes"), .dav("quota-used-bytes")]
        default:
            break
        }
        return names
    }

    /// The value of a live property of a resource, or nil when the resource does not have it.
    mutating func value(_ name: XMLName, of resource: DAVResource) throws -> PropertyValue? {
        let user = context.user
        switch (name.namespace, name.local) {
        case (XMLNamespace.dav, "resourcetype"):
            return .fragment(resourceType(resource))
        case (XMLNamespace.dav, "current-user-principal"):
            return .fragment(href(DAVHref.principal(user.address)))
        case (XMLNamespace.dav, "current-user-privilege-set"):
            return .fragment(privileges(resource))
        case (XMLNamespace.dav, "principal-URL"):
            guard case .principal = resource else { return nil }
            return .fragment(href(DAVHref.principal(user.address)))
        case (XMLNamespace.dav, "principal-collection-set"):
            guard case .principal = resource else { return nil }
            return .fragment(href(DAVPath.prefix + "/principals/"))
        case (XMLNamespace.dav, "owner"):
            switch resource {
            case .home, .collection, .object: return .fragment(href(DAVHref.principal(user.address)))
            default: return nil
            }
        case (XMLNamespace.dav, "displayname"):
            guard case .principal = resource else { return nil }
            return .text(user.address)
        case (XMLNamespace.caldav, "calendar-home-set"):
            guard case .principal = resource else { return nil }
            return .fragment(href(DAVHref.home(.calendar, user.address)))
        case (XMLNamespace.carddav, "addressbook-home-set"):
            guard case .principal = resource else { return nil }
            return .fragment(href(DAVHref.home(.addressbook, user.address)))
        case (XMLNamespace.caldav, "calendar-user-address-set"):
            guard case .principal = resource else { return nil }
            return .fragment(href("mailto:" + user.address) + href(DAVHref.principal(user.address)))
        case (XMLNamespace.dav, "supported-report-set"):
            guard case .collection(let collection) = resource else { return nil }
            return .fragment(supportedReports(collection.kind))
        case (XMLNamespace.dav, "sync-token"):
            guard case .collection(let collection) = resource, collection.kind != .files else { return nil }
            return .text(try state(of: collection).token.description)
        case (XMLNamespace.calendarServer, "getctag"):
            guard case .collection(let collection) = resource, collection.kind != .files else { return nil }
            return .text(try state(of: collection).ctag)
        case (XMLNamespace.caldav, "supported-calendar-component-set"):
            guard case .collection(let collection) = resource, collection.kind == .calendar else { return nil }
            let components = collection.components.isEmpty ? ["VEVENT", "VTODO", "VJOURNAL"] : collection.components
            return .fragment(components.map { "<c:comp name=\"\($0)\"/>" }.joined())
        case (XMLNamespace.caldav, "supported-calendar-data"):
            guard case .collection(let collection) = resource, collection.kind == .calendar else { return nil }
            return .fragment("<c:calendar-data content-type=\"text/calendar\" version=\"2.0\"/>")
        case (XMLNamespace.carddav, "supported-address-data"):
            guard case .collection(let collection) = resource, collection.kind == .addressbook else { return nil }
            return .fragment("<card:address-data-type content-type=\"text/vcard\" version=\"3.0\"/>"
                             + "<card:address-data-type content-type=\"text/vcard\" version=\"4.0\"/>")
        case (XMLNamespace.caldav, "max-resource-size"), (XMLNamespace.carddav, "max-resource-size"):
            guard case .collection(let collection) = resource,
                  collection.kind == (name.namespace == XMLNamespace.caldav ? .calendar : .addressbook)
            else { return nil }
            return .text(String(DAVLimits.maxObjectSize))
        case (XMLNamespace.dav, "getetag"):
            guard case .object(_, let info) = resource else { return nil }
            return .text(info.etag)
        case (XMLNamespace.dav, "getcontenttype"):
            guard case .object(_, let info) = resource else { return nil }
            return .text(info.contentType)
        case (XMLNamespace.dav, "getcontentlength"):
            guard case .object(_, let info) = resource else { return nil }
            return .text(String(info.size))
        case (XMLNamespace.dav, "getlastmodified"):
            guard case .object(_, let info) = resource else { return nil }
            return .text(HTTPResponse.httpDate(info.modified))
        case (XMLNamespace.dav, "quota-used-bytes"):
            switch resource {
            case .home, .collection: return .text(String(try context.store.storageUsage(userID: user.id).used))
            default: return nil
            }
        case (XMLNamespace.dav, "quota-available-bytes"):
            switch resource {
            case .home, .collection:
                let usage = try context.store.storageUsage(userID: user.id)
                let disk = DAVLimits.availableBytes(at: context.store.directory)
                return .text(String(usage.limit.map { min(max(0, $0 - usage.used), disk) } ?? disk))
            default: return nil
            }
        default:
            return nil
        }
    }

    /// The sync token and ctag of a collection for this device, computed once per request.
    mutating func state(of collection: DAVCollection) throws -> CollectionState {
        if let known = states[collection.id] { return known }
        let token: SyncToken
        if context.windowApplies(to: collection) {
            let marker = try context.store.lastAgedOut(collectionID: collection.id, window: context.window)
            token = SyncToken(collectionID: collection.id, seq: collection.syncSeq, agedOut: marker,
                              windowDays: context.windowDays)
        } else {
            token = SyncToken(collectionID: collection.id, seq: collection.syncSeq, agedOut: 0, windowDays: 0)
        }
        let state = CollectionState(token: token)
        states[collection.id] = state
        return state
    }

    private func href(_ value: String) -> String {
        "<d:href>\(XMLWriter.escape(value))</d:href>"
    }

    private func resourceType(_ resource: DAVResource) -> String {
        switch resource {
        case .root, .principals, .home: return "<d:collection/>"
        case .principal: return "<d:principal/>"
        case .collection(let collection):
            switch collection.kind {
            case .calendar: return "<d:collection/><c:calendar/>"
            case .addressbook: return "<d:collection/><card:addressbook/>"
            case .files: return "<d:collection/>"
            }
        case .object: return ""
        }
    }

    private func privileges(_ resource: DAVResource) -> String {
        let names: [String]
        switch resource {
        case .root, .principals, .principal:
            names = ["read", "read-current-user-privilege-set"]
        case .home, .collection, .object:
            names = ["all", "read", "write", "write-properties", "write-content", "bind", "unbind",
                     "read-current-user-privilege-set"]
        }
        return names.map { "<d:privilege><d:\($0)/></d:privilege>" }.joined()
    }

    private func supportedReports(_ kind: DAVKind) -> String {
        let reports: [String]
        switch kind {
        case .calendar: reports = ["c:calendar-query", "c:calendar-multiget", "c:free-busy-query", "d:sync-collection"]
        case .addressbook: reports = ["card:addressbook-query", "card:addressbook-multiget", "d:sync-collection"]
        case .files: reports = []
        }
        return reports.map { "<d:supported-report><d:report><\($0)/></d:report></d:supported-report>" }.joined()
    }
}
