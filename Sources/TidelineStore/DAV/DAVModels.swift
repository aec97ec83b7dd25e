import Foundation

/// What a DAV collection holds.
public enum DAVKind: String, Sendable {
    case calendar
    case addressbook
    case files
}

/// A collection of one user: a calendar, an address book, or a folder of the file area.
public struct DAVCollection: Sendable, Equatable {
    public let id: Int64
    public let userID: Int64
    public let kind: DAVKind
    /// The path below the user's home for that kind, without slashes at either end; the file
    /// area's root is the empty path.
    public let path: String
    /// The sequence number of the last change; sync tokens and ctags are built from it.
    public let syncSeq: Int64
    /// For calendars: the component types it takes (`VEVENT`, `VTODO`, `VJOURNAL`).
    public let components: [String]
}

/// What CalDAV and CardDAV learn from an object when it is stored, for queries and windows.
public struct DAVObjectIndex: Sendable, Equatable {
    public var uid: String?
    public var component: String?
    /// The span of all instances in seconds since 1970; nil start means unbounded, nil end
    /// means open-ended.
    public var spanStart: Int64?
    public var spanEnd: Int64?
    /// When a task was completed.
    public var completed: Int64?

    public init(uid: String? = nil, component: String? = nil, spanStart: Int64? = nil, spanEnd: Int64? = nil,
                completed: Int64? = nil) {
        self.uid = uid
        self.component = component
        self.spanStart = spanStart
        self.spanEnd = spanEnd
        self.completed = completed
    }
}

/// A stored object's metadata.
public struct DAVObjectInfo: Sendable, Equatable {
    public let id: Int64
    public let collectionID: Int64
    public let name: String
    /// The entity tag, quoted as HTTP wants it.
    public let etag: String
    public let contentType: String
    public let size: Int
    public let modified: Date
    public let syncSeq: Int64
    public let index: DAVObjectIndex
}

/// A property stored on a collection or object: its qualified name and its value as an XML
/// fragment (the element's content).
public struct DAVProperty: Sendable, Equatable {
    public let namespace: String
    public let name: String
    public let value: String

    public init(namespace: String, name: String, value: String) {
        self.namespace = namespace
        self.name = name
        self.value = value
    }
}

/// A device's calendar window as the store applies it: events ending at or after `start`,
/// tasks not completed or completed since, journals dated since.
public struct DAVWindow: Sendable, Equatable {
    public let start: Int64

    public init(start: Int64) {
        self.start = start
    }
}

/// HTTP preconditions for a write.
public struct DAVPrecondition: Sendable {
    public var ifMatch: String?
    public var ifNoneMatchAny = false

    public init(ifMatch: String? = nil, ifNoneMatchAny: Bool = false) {
        self.ifMatch = ifMatch
        self.ifNoneMatchAny = ifNoneMatchAny
    }
}

/// Why a DAV write was refused, for the HTTP layer to render.
public enum DAVStoreError: Error, Equatable {
    /// If-Match or If-None-Match failed: 412.
    case preconditionFailed
    /// Another object in the collection has this UID: 409 with no-uid-conflict, naming it.
    case uidConflict(existingName: String)
    /// The parent collection does not exist: 409.
    case missingParent
    /// The target exists and overwriting was not allowed: 412.
    case exists
    case notFound
}
