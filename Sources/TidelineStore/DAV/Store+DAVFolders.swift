import Foundation

/// Copying and moving whole folders of the file area (WebDAV COPY and MOVE of collections).
extension Store {
    /// Copies a folder to `path` (a path below the same user's file-area root), with everything
    /// below it when `deep`, or as an empty folder. When `replace`, whatever is at `path` (a
    /// folder tree or a file) is removed first, in the same transaction.
    public func copyFolder(_ source: DAVCollection, to path: String, deep: Bool, replace: Bool) throws {
        try write { db in
            try prepareFolderTarget(db, userID: source.userID, path: path, replace: replace)
            let folders = deep ? try folderTree(db, source) : [source]
            for folder in folders {
                let newPath = path + folder.path.dropFirst(source.path.count)
                let id = try insertCollection(db, userID: source.userID, kind: .files, path: newPath, components: nil)
                try db.run("INSERT INTO dav_properties (collection_id, namespace, name, value) "
                              + "SELECT ?, namespace, name, value FROM dav_properties WHERE collection_id = ?",
                           [id, folder.id])
                guard deep else { continue }
                for row in try db.query("SELECT id, name FROM dav_objects WHERE collection_id = ?", [folder.id]) {
                    let seq = try nextSeq(db, id)
                    try db.run("INSERT INTO dav_objects (collection_id, name, etag, content_type, data, uid, component, "
                                  + "span_start, span_end, completed, modified, sync_seq) SELECT ?, name, ?, "
                                  + "content_type, data, uid, component, span_start, span_end, completed, ?, ? "
                                  + "FROM dav_objects WHERE id = ?",
                               [id, "\"\(id)-\(seq)\"", Date().storeSeconds, seq, row.int64(0)])
                    let newObject = db.lastInsertedRowID
                    try db.run("INSERT INTO dav_properties (object_id, namespace, name, value) "
                                  + "SELECT ?, namespace, name, value FROM dav_properties WHERE object_id = ?",
                               [newObject, row.int64(0)])
                }
            }
        }
    }

    /// Moves a folder and everything below it to `path`, replacing what is there when allowed.
    public func moveFolder(_ source: DAVCollection, to path: String, replace: Bool) throws {
        try write { db in
            try prepareFolderTarget(db, userID: source.userID, path: path, replace: replace)
            for folder in try folderTree(db, source) {
                let newPath = path + folder.path.dropFirst(source.path.count)
                try db.run("UPDATE dav_collections SET path = ? WHERE id = ?", [newPath, folder.id])
                try bumpCollection(db, folder.id)
            }
        }
    }

    /// Bytes of the files in a folder and every folder below it.
    public func folderTreeSize(_ folder: DAVCollection) throws -> Int64 {
        try read { db in
            // The folder and those below it, chosen as `folderTree` chooses them.
            try db.queryFirst("SELECT coalesce(sum(length(o.data)), 0) FROM dav_objects o "
                                + "JOIN dav_collections c ON c.id = o.collection_id WHERE c.id = ? "
                                + "OR (c.user_id = ? AND c.kind = 'files' AND substr(c.path, 1, ?) = ?)",
                              [folder.id, folder.userID, folder.path.unicodeScalars.count + 1, folder.path + "/"])?
                .int64(0) ?? 0
        }
    }

    /// Whether a file-area path holds a folder or a file.
    public func fileAreaEntryExists(userID: Int64, path: String) throws -> Bool {
        try read { db in try entryExists(db, userID: userID, path: path) }
    }

    private func entryExists(_ db: SQLiteConnection, userID: Int64, path: String) throws -> Bool {
        if try db.queryFirst("SELECT 1 FROM dav_collections WHERE user_id = ? AND kind = 'files' AND path = ?",
                             [userID, path]) != nil {
            return true
        }
        let (parent, name) = Self.split(path)
        return try db.queryFirst("SELECT 1 FROM dav_objects o JOIN dav_collections c ON c.id = o.collection_id "
                                    + "WHERE c.user_id = ? AND c.kind = 'files' AND c.path = ? AND o.name = ?",
                                 [userID, parent, name]) != nil
    }

    /// Checks the target's parent exists and clears the target when `replace`.
    private func prepareFolderTarget(_ db: SQLiteConnection, userID: Int64, path: String, replace: Bool) throws {
        let (parent, name) = Self.split(path)
        guard let parentID = try db.queryFirst("SELECT id FROM dav_collections WHERE user_id = ? AND kind = 'files' "
                                                  + "AND path = ?", [userID, parent])?.int64(0)
        else { throw DAVStoreError.missingParent }
        guard try entryExists(db, userID: userID, path: path) else { return }
        guard replace else { throw DAVStoreError.exists }
        try db.run("DELETE FROM dav_collections WHERE user_id = ? AND kind = 'files' AND (path = ? "
                      + "OR substr(path, 1, ?) = ?)", [userID, path, path.unicodeScalars.count + 1, path + "/"])
        if try db.queryFirst("SELECT 1 FROM dav_objects WHERE collection_id = ? AND name = ?", [parentID, name]) != nil {
            try db.run("DELETE FROM dav_objects WHERE collection_id = ? AND name = ?", [parentID, name])
            let seq = try nextSeq(db, parentID)
            try db.run("INSERT INTO dav_changes (collection_id, seq, name, deleted) VALUES (?, ?, ?, 1)",
                       [parentID, seq, name])
        }
    }

    /// A folder and every folder below it, parents first.
    private func folderTree(_ db: SQLiteConnection, _ root: DAVCollection) throws -> [DAVCollection] {
        let below = try db.query("SELECT \(Self.collectionColumns) FROM dav_collections WHERE user_id = ? "
                                    + "AND kind = 'files' AND substr(path, 1, ?) = ?",
                                 [root.userID, root.path.unicodeScalars.count + 1, root.path + "/"]).map(Self.collection(from:))
        return [root] + below.sorted { $0.path.count < $1.path.count }
    }

    public static func split(_ path: String) -> (parent: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        return (String(path[..<slash]), String(path[path.index(after: slash)...]))
    }
}
