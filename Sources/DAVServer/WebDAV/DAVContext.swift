import Foundation
import SyncPolicy
import TidelineStore

/// Everything a handler needs to serve one authenticated request.
struct DAVContext {
    let request: HTTPRequest
    let store: Store
    let principal: Principal
    /// The device's effective policy (the user's own for a login with the account password).
    let policy: EffectivePolicy
    let now: Date
    /// The request URL's path, percent-decoded where it names a resource.
    let path: String
    /// The most objects a collection may hold (`DAVLimits.maxItemsPerCollection` unless the
    /// application was given another).
    var maxItemsPerCollection = DAVLimits.maxItemsPerCollection

    var user: User { principal.user }

    /// The device's calendar window at `now`; address books and files are not windowed.
    var window: DAVWindow {
        DAVWindow(start: Int64(policy.window.start(at: now).timeIntervalSince1970.rounded(.down)))
    }

    var windowDays: Int { policy.windowDays.value }

    /// The `Depth` header: 0, 1 or infinity (the default when absent, as RFC 4918 says).
    func depth(default fallback: Depth = .infinity) throws(DAVError) -> Depth {
        guard let value = request.header("depth")?.lowercased() else { return fallback }
        switch value {
        case "0": return .zero
        case "1": return .one
        case "infinity": return .infinity
        default: throw DAVError(400, "Depth must be 0, 1 or infinity, not \"\(value)\".")
        }
    }

    enum Depth {
        case zero, one, infinity
    }

    /// Parses the XML body, or nil when there is none.
    func xmlBody() throws(DAVError) -> XMLElement? {
        let body = request.body
        guard body.contains(where: { $0 != 0x20 && $0 != 0x0a && $0 != 0x0d && $0 != 0x09 }) else { return nil }
        do {
            return try XMLParsing.parse(body)
        } catch {
            throw DAVError.badXML(error)
        }
    }
}

/// What a URL names once the store has been asked.
enum DAVResource {
    case root
    case principals
    case principal(User)
    /// The calendar or address book home (the file area's home is its root folder).
    case home(DAVKind)
    case collection(DAVCollection)
    case object(DAVCollection, DAVObjectInfo)

    /// The collection itself, or the one an object lives in.
    var collection: DAVCollection? {
        switch self {
        case .collection(let collection), .object(let collection, _): return collection
        default: return nil
        }
    }

    var isCollection: Bool {
        if case .object = self { return false }
        return true
    }
}

/// A URL that names nothing yet: the target of PUT, MKCOL, MKCALENDAR, COPY or MOVE.
struct DAVVacancy {
    let kind: DAVKind
    /// The collection it would go in; nil when that does not exist either (409 for PUT/MKCOL).
    let parent: DAVCollection?
    /// The path below the home of the would-be collection, for MKCOL.
    let collectionPath: String
    /// The last segment: the object's or the new collection's name.
    let name: String
    /// Whether a new collection may be made here (a calendar directly in the calendar home).
    let inHome: Bool
}

enum DAVResolution {
    case existing(DAVResource)
    case vacant(DAVVacancy)
}

extension DAVContext {
    /// Finds what a path names for the authenticated user; other users' paths are 404 so that
    /// nothing tells which accounts exist.
    func resolve(_ davPath: DAVPath) throws -> DAVResolution {
        if let owner = davPath.user, owner.lowercased() != user.address.lowercased() {
            throw DAVError.notFound(path)
        }
        switch davPath {
        case .root: return .existing(.root)
        case .principals: return .existing(.principals)
        case .principal: return .existing(.principal(user))
        case .home(.files, _):
            return .existing(.collection(try fileRoot()))
        case .home(let kind, _):
            return .existing(.home(kind))
        case .member(let kind, _, let segments):
            return try resolveMember(kind, segments)
        }
    }

    func fileRoot() throws -> DAVCollection {
        if let root = try store.collection(userID: user.id, kind: .files, path: "") { return root }
        try store.ensureDefaultCollections(userID: user.id)
        guard let root = try store.collection(userID: user.id, kind: .files, path: "") else {
            throw DAVError(500, "The file area of \(user.address) could not be made.")
        }
        return root
    }

    private func resolveMember(_ kind: DAVKind, _ segments: [String]) throws -> DAVResolution {
        let full = segments.joined(separator: "/")
        if let collection = try store.collection(userID: user.id, kind: kind, path: full) {
            return .existing(.collection(collection))
        }
        let parentPath = segments.dropLast().joined(separator: "/")
        let name = segments.last ?? ""
        let parent = kind == .files || segments.count == 2
            ? try store.collection(userID: user.id, kind: kind, path: parentPath) : nil
        if let parent, let info = try store.objectInfo(collectionID: parent.id, name: name) {
            return .existing(.object(parent, info))
        }
        return .vacant(DAVVacancy(kind: kind, parent: parent, collectionPath: full, name: name,
                                  inHome: kind == .files || segments.count == 1))
    }

    /// The resource a path names, or 404.
    func existing(_ davPath: DAVPath) throws -> DAVResource {
        guard case .existing(let resource) = try resolve(davPath) else { throw DAVError.notFound(path) }
        return resource
    }

    /// The href of a resource of this user.
    func href(of resource: DAVResource) -> String {
        switch resource {
        // A client that asked at `/` must find its own URL in the answer.
        case .root: return path == "/" ? "/" : DAVPath.prefix + "/"
        case .principals: return DAVPath.prefix + "/principals/"
        case .principal(let user): return DAVHref.principal(user.address)
        case .home(let kind): return DAVHref.home(kind, user.address)
        case .collection(let collection): return DAVHref.collection(collection.kind, user.address, collection.path)
        case .object(let collection, let info):
            return DAVHref.object(collection.kind, user.address, collection.path, info.name)
        }
    }

    /// Whether the calendar window applies to a collection for this device.
    func windowApplies(to collection: DAVCollection) -> Bool {
        collection.kind == .calendar
    }
}
