import Foundation
import TidelineStore

/// GET, HEAD, PUT and DELETE of objects (RFC 9110, RFC 4918 sections 9.4-9.7, RFC 4791
/// section 5.3.2, RFC 6352 section 6.3.2).
extension DAVContext {
    func get(_ davPath: DAVPath) throws -> HTTPResponse {
        let target = try existing(davPath)
        guard case .object(let collection, let info) = target else {
            return try listing(of: target)
        }
        let etag = info.etag
        if let none = request.header("if-none-match"), Self.etagList(none).contains(where: { $0 == "*" || $0 == etag }) {
            return HTTPResponse(status: 304, headers: [("ETag", etag)])
        }
        guard let (_, data) = try store.object(collectionID: collection.id, name: info.name) else {
            throw DAVError.notFound(path)
        }
        return HTTPResponse(status: 200, headers: [("Content-Type", info.contentType), ("ETag", etag),
                                                   ("Last-Modified", HTTPResponse.httpDate(info.modified))],
                            body: data)
    }

    /// A plain-text list of a collection's members, for people who open a URL in a browser.
    private func listing(of resource: DAVResource) throws -> HTTPResponse {
        let lines = try members(of: resource).map { href(of: $0) }
        return HTTPResponse(status: 200, headers: [("Content-Type", "text/plain; charset=utf-8")],
                            body: Array((([href(of: resource)] + lines).joined(separator: "\n") + "\n").utf8))
    }

    func put(_ davPath: DAVPath) throws -> HTTPResponse {
        let collection: DAVCollection
        let name: String
        switch try resolve(davPath) {
        case .existing(.object(let parent, let info)):
            (collection, name) = (parent, info.name)
        case .existing:
            throw DAVError(405, "\(path) is a collection; PUT stores objects inside collections.")
        case .vacant(let vacancy):
            guard let parent = vacancy.parent else {
                throw DAVError(409, "The collection for \(path) does not exist; make it first (MKCOL or MKCALENDAR).")
            }
            (collection, name) = (parent, vacancy.name)
        }
        if request.header("content-range") != nil {
            throw DAVError(400, "Partial PUT with Content-Range is not supported; send the whole object.")
        }
        let data = request.body
        let contentType = request.header("content-type") ?? Self.defaultContentType(for: collection.kind)
        let index = try index(of: data, contentType: contentType, for: collection)
        let existing = try store.objectInfo(collectionID: collection.id, name: name)
        try checkQuota(adding: Int64(data.count) - Int64(existing?.size ?? 0))
        if existing == nil { try checkRoom(in: collection) }
        var precondition = DAVPrecondition()
        if let match = request.header("if-match") { precondition.ifMatch = Self.etagList(match).first }
        if let none = request.header("if-none-match") { precondition.ifNoneMatchAny = Self.etagList(none).contains("*") }
        do {
            let (etag, created) = try store.putObject(collectionID: collection.id, name: name, data: data,
                                                      contentType: Self.storedType(contentType, kind: collection.kind),
                                                      index: index, precondition: precondition)
            return HTTPResponse(status: created ? 201 : 204, headers: [("ETag", etag)])
        } catch let error as DAVStoreError {
            throw translate(error, collection: collection)
        }
    }

    func delete(_ davPath: DAVPath) throws -> HTTPResponse {
        switch try existing(davPath) {
        case .object(let collection, let info):
            do {
                try store.deleteObject(collectionID: collection.id, name: info.name,
                                       ifMatch: request.header("if-match").flatMap { Self.etagList($0).first })
            } catch let error as DAVStoreError {
                throw translate(error, collection: collection)
            }
        case .collection(let collection) where !(collection.kind == .files && collection.path.isEmpty):
            if request.header("depth").map({ $0.lowercased() != "infinity" }) ?? false {
                throw DAVError(400, "DELETE of a collection needs Depth: infinity or no Depth header.")
            }
            try store.deleteCollection(collection)
        default:
            throw DAVError(403, "\(path) cannot be deleted; only collections and objects in a home can.")
        }
        return HTTPResponse(status: 204)
    }

    /// Refuses a write that would take the user over the storage quota (RFC 4331).
    func checkQuota(adding bytes: Int64) throws {
        let usage = try store.storageUsage(userID: user.id)
        guard usage.allows(bytes) else {
            throw DAVError(507, "The storage quota is full (\(usage.used) of \(usage.limit ?? 0) bytes in use); "
                           + "delete something and try again.", precondition: .dav("quota-not-exceeded"))
        }
    }

    /// Refuses a new object in a collection that holds the most it may.
    func checkRoom(in collection: DAVCollection) throws {
        let count = try store.objectCount(collectionID: collection.id)
        guard count < maxItemsPerCollection else {
            throw DAVError(507, "The collection holds \(count) items, the most one may; store new items in "
                           + "another collection or delete old ones.",
                           precondition: XMLName(XMLNamespace.tideline, "max-items-per-collection"))
        }
    }

    /// Maps a store refusal to its HTTP answer.
    func translate(_ error: DAVStoreError, collection: DAVCollection) -> DAVError {
        switch error {
        case .preconditionFailed:
            return DAVError(412, "The object changed or exists (If-Match / If-None-Match failed); "
                            + "fetch it again and retry.")
        case .uidConflict(let existing):
            let precondition: XMLName = collection.kind == .addressbook ? .carddav("no-uid-conflict")
                : .caldav("no-uid-conflict")
            var refusal = DAVError(409, "The UID is already used by \(existing) in this collection.",
                                   precondition: precondition)
            refusal.conflictingHref = DAVHref.object(collection.kind, user.address, collection.path, existing)
            return refusal
        case .missingParent:
            return DAVError(409, "The parent collection of \(path) does not exist; make it first.")
        case .exists:
            return DAVError(412, "The destination exists and Overwrite is F.")
        case .notFound:
            return DAVError.notFound(path)
        }
    }

    /// Entity tags from an If-Match or If-None-Match value (`*`, or a list, weak tags kept).
    static func etagList(_ value: String) -> [String] {
        value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .map { $0.hasPrefix("W/") ? String($0.dropFirst(2)) : $0 }
    }

    static func defaultContentType(for kind: DAVKind) -> String {
        switch kind {
        case .calendar: return "text/calendar"
        case .addressbook: return "text/vcard"
        case .files: return "application/octet-stream"
        }
    }

    /// The type stored with an object: calendars and contacts get their canonical type with
    /// UTF-8, files keep what the client said.
    static func storedType(_ sent: String, kind: DAVKind) -> String {
        switch kind {
        case .calendar: return "text/calendar; charset=utf-8"
        case .addressbook: return "text/vcard; charset=utf-8"
        case .files: return sent
        }
    }
}
