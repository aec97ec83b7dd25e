import Foundation

/// DAV collections and their properties.
extension Store {
    static let collectionColumns = "id, user_id, kind, path, sync_seq, components"

    static func collection(from row: SQLRow) -> DAVCollection {
        DAVCollection(id: row.int64(0), userID: row.int64(1), kind: DAVKind(rawValue: row.string(2)) ?? .files,
                      path: row.string(3), syncSeq: row.int64(4),
                      components: row.optionalString(5)?.split(separator: ",").map(String.init) ?? [])
    }

    /// The default calendar, task list and address book of a new user, and the file area's
    /// root; made on first use so users created before DAV existed get them too.
    public func ensureDefaultCollections(userID: Int64) throws {
        let existing = try read { db in
            try db.query("SELECT kind, path FROM dav_collections WHERE user_id = ?", [userID])
                .map { "\($0.string(0))/\($0.string(1))" }
        }
        let defaults: [(DAVKind, String, String?, String)] = [
            (.calendar, "default", "VEVENT", "Calendar"), (.calendar, "tasks", "VTODO", "Tasks"),
            (.addressbook, "default", nil, "Contacts"), (.files, "", nil, "Files"),
        ]
        let missing = defaults.filter { !existing.contains("\($0.0.rawValue)/\($0.1)") }
        guard !missing.isEmpty else { return }
        try write { db in
            for (kind, path, components, name) in missing {
                guard try db.queryFirst("SELECT 1 FROM dav_collections WHERE user_id = ? AND kind = ? AND path = ?",
                                        [userID, kind.rawValue, path]) == nil else { continue }
                let id = try insertCollection(db, userID: userID, kind: kind, path: path, components: components)
                try db.run("INSERT INTO dav_properties (collection_id, namespace, name, value) VALUES (?, ?, ?, ?)",
                           [id, "DAV:", "displayname", Self.xmlEscape(name)])
            }
        }
    }

    func insertCollection(_ db: SQLiteConnection, userID: Int64, kind: DAVKind, path: String,
                          components: String?) throws -> Int64 {
        try db.run("INSERT INTO dav_collections (user_id, kind, path, components, created) VALUES (?, ?, ?, ?, ?)",
                   [userID, kind.rawValue, path, components, Date().storeSeconds])
        return db.lastInsertedRowID
    }

    public func collections(userID: Int64, kind: DAVKind) throws -> [DAVCollection] {
        try read { db in
            try db.query("SELECT \(Self.collectionColumns) FROM dav_collections WHERE user_id = ? AND kind = ? "
                            + "ORDER BY path", [userID, kind.rawValue]).map(Self.collection(from:))
        }
    }

    public func collection(userID: Int64, kind: DAVKind, path: String) throws -> DAVCollection? {
        try read { db in
            try db.queryFirst("SELECT \(Self.collectionColumns) FROM dav_collections WHERE user_id = ? AND kind = ? "
                                + "AND path = ?", [userID, kind.rawValue, path]).map(Self.collection(from:))
        }
    }

    /// Makes a collection with its initial properties. A file-area folder needs its parent.
    public func createCollection(userID: Int64, kind: DAVKind, path: String, components: [String]?,
                                 properties: [DAVProperty]) throws -> DAVCollection {
        try write { db in
            if try db.queryFirst("SELECT 1 FROM dav_collections WHERE user_id = ? AND kind = ? AND path = ?",
                                 [userID, kind.rawValue, path]) != nil {
                throw DAVStoreError.exists
            }
            if kind == .files {
                let parent = path.split(separator: "/").dropLast().joined(separator: "/")
                guard try db.queryFirst("SELECT 1 FROM dav_collections WHERE user_id = ? AND kind = 'files' "
                                            + "AND path = ?", [userID, parent]) != nil
                else { throw DAVStoreError.missingParent }
                if let parentID = try db.queryFirst(
                    "SELECT id FROM dav_collections WHERE user_id = ? AND kind = 'files' AND path = ?",
                    [userID, parent])?.int64(0),
                   try db.queryFirst("SELECT 1 FROM dav_objects WHERE collection_id = ? AND name = ?",
                                     [parentID, String(path.split(separator: "/").last ?? "")]) != nil {
                    throw DAVStoreError.exists
                }
            }
            let id = try insertCollection(db, userID: userID, kind: kind, path: path,
                                          components: components?.joined(separator: ","))
            for property in properties { try setProperty(db, collectionID: id, objectID: nil, property) }
            return DAVCollection(id: id, userID: userID, kind: kind, path: path, syncSeq: 0, components: components ?? [])
        }
    }

    /// Deletes a collection; for the file area, with every folder below it.
    public func deleteCollection(_ collection: DAVCollection) throws {
        try write { db in
            try db.run("DELETE FROM dav_collections WHERE id = ?", [collection.id])
            if collection.kind == .files {
                try db.run("DELETE FROM dav_collections WHERE user_id = ? AND kind = 'files' AND substr(path, 1, ?) = ?",
                           [collection.userID, collection.path.unicodeScalars.count + 1, collection.path + "/"])
            }
        }
    }

    /// Folders directly below a file-area folder.
    public func subfolders(of collection: DAVCollection) throws -> [DAVCollection] {
        let prefix = collection.path.isEmpty ? "" : collection.path + "/"
        return try read { db in
            try db.query("SELECT \(Self.collectionColumns) FROM dav_collections WHERE user_id = ? AND kind = 'files' "
                            + "AND path != '' AND substr(path, 1, ?) = ?", [collection.userID, prefix.unicodeScalars.count, prefix])
                .map(Self.collection(from:))
                .filter { !$0.path.dropFirst(prefix.count).contains("/") }
        }
    }

    // MARK: Properties

    public func properties(collectionID: Int64? = nil, objectID: Int64? = nil) throws -> [DAVProperty] {
        try read { db in
            try db.query("SELECT namespace, name, value FROM dav_properties WHERE collection_id IS ? AND object_id IS ?",
                         [collectionID, objectID])
                .map { DAVProperty(namespace: $0.string(0), name: $0.string(1), value: $0.string(2)) }
        }
    }

    /// The dead properties of every object in a collection, by object id, in one query.
    public func objectProperties(collectionID: Int64) throws -> [Int64: [DAVProperty]] {
        try read { db in
            var result: [Int64: [DAVProperty]] = [:]
            for row in try db.query("SELECT p.object_id, p.namespace, p.name, p.value FROM dav_properties p "
                                        + "JOIN dav_objects o ON o.id = p.object_id WHERE o.collection_id = ?",
                                    [collectionID]) {
                result[row.int64(0), default: []].append(
                    DAVProperty(namespace: row.string(1), name: row.string(2), value: row.string(3)))
            }
            return result
        }
    }

    /// Sets and removes properties in one transaction (PROPPATCH is all or nothing).
    public func updateProperties(collectionID: Int64? = nil, objectID: Int64? = nil, set: [DAVProperty],
                                 remove: [(namespace: String, name: String)]) throws {
        try write { db in
            for property in set { try setProperty(db, collectionID: collectionID, objectID: objectID, property) }
            for key in remove {
                try db.run("DELETE FROM dav_properties WHERE collection_id IS ? AND object_id IS ? AND namespace = ? "
                              + "AND name = ?", [collectionID, objectID, key.namespace, key.name])
            }
            if let collectionID { try bumpCollection(db, collectionID) }
        }
    }

    func setProperty(_ db: SQLiteConnection, collectionID: Int64?, objectID: Int64?, _ property: DAVProperty) throws {
        try db.run("DELETE FROM dav_properties WHERE collection_id IS ? AND object_id IS ? AND namespace = ? AND name = ?",
                   [collectionID, objectID, property.namespace, property.name])
        try db.run("INSERT INTO dav_properties (collection_id, object_id, namespace, name, value) VALUES (?, ?, ?, ?, ?)",
                   [collectionID, objectID, property.namespace, property.name, property.value])
    }

    /// Raises the collection's sequence without an object change (a property changed), so
    /// ctags change too.
    func bumpCollection(_ db: SQLiteConnection, _ collectionID: Int64) throws {
        try db.run("UPDATE dav_collections SET sync_seq = sync_seq + 1 WHERE id = ?", [collectionID])
    }

    static func xmlEscape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
