import Foundation

/// DAV objects: calendar objects, contacts and files, with entity tags and change tracking.
extension Store {
    static let objectColumns = "id, collection_id, name, etag, content_type, length(data), modified, sync_seq, uid, "
        + "component, span_start, span_end, completed"

    static func objectInfo(from row: SQLRow) -> DAVObjectInfo {
        DAVObjectInfo(id: row.int64(0), collectionID: row.int64(1), name: row.string(2), etag: row.string(3),
                      contentType: row.string(4), size: row.int(5), modified: Date(storeSeconds: row.int64(6)),
                      syncSeq: row.int64(7),
                      index: DAVObjectIndex(uid: row.optionalString(8), component: row.optionalString(9),
                                            spanStart: row.optionalInt64(10), spanEnd: row.optionalInt64(11),
                                            completed: row.optionalInt64(12)))
    }

    /// The objects of a collection, or only those inside a calendar window, optionally only
    /// those whose span may overlap `range` (a pre-filter: callers check the instances). Each
    /// kind of component is one index range, so the work follows the window, not the calendar.
    public func objects(collectionID: Int64, window: DAVWindow? = nil, overlapping range: (Int64?, Int64?)? = nil)
        throws -> [DAVObjectInfo]
    {
        try read { db in
            var select = "SELECT \(Self.objectColumns) FROM dav_objects WHERE collection_id = ?"
            var rangeValues: [SQLValue] = []
            if let (start, end) = range {
                if let end {
                    select += " AND (span_start IS NULL OR span_start <= ?)"
                    rangeValues.append(.integer(end))
                }
                if let start {
                    select += " AND (span_end IS NULL OR span_end >= ?)"
                    rangeValues.append(.integer(start))
                }
            }
            guard let window else {
                return try db.query(select + " ORDER BY name", [.integer(collectionID)] + rangeValues)
                    .map(Self.objectInfo(from:))
            }
            let id = SQLValue.integer(collectionID)
            let start = SQLValue.integer(window.start)
            let parts: [(String, [SQLValue])] = [
                (" AND component = 'VTODO' AND completed IS NULL", []),
                (" AND component = 'VTODO' AND completed >= ?", [start]),
                (" AND component = 'VJOURNAL' AND span_start >= ?", [start]),
                (" AND component = 'VEVENT' AND span_end IS NULL", []),
                (" AND component = 'VEVENT' AND span_end >= ?", [start]),
                (" AND (component IS NULL OR component NOT IN ('VEVENT', 'VTODO', 'VJOURNAL'))", []),
            ]
            var rows: [SQLRow] = []
            for (condition, values) in parts {
                rows += try db.query(select + condition, [id] + rangeValues + values)
            }
            return rows.map(Self.objectInfo(from:)).sorted { $0.name < $1.name }
        }
    }

    /// Objects whose window date (an event's end, a task's completion, a journal's date) lies in
    /// `lower..<upper`: what left a window that moved from `lower` to `upper`.
    public func objectsLeaving(collectionID: Int64, from lower: Int64, to upper: Int64) throws -> [DAVObjectInfo] {
        guard lower < upper else { return [] }
        return try read { db in
            let select = "SELECT \(Self.objectColumns) FROM dav_objects WHERE collection_id = ?"
            var rows = try db.query(select + " AND component = 'VEVENT' AND span_end >= ? AND span_end < ?",
                                    [collectionID, lower, upper])
            rows += try db.query(select + " AND component = 'VTODO' AND completed >= ? AND completed < ?",
                                 [collectionID, lower, upper])
            rows += try db.query(select + " AND component = 'VJOURNAL' AND span_start >= ? AND span_start < ?",
                                 [collectionID, lower, upper])
            return rows.map(Self.objectInfo(from:))
        }
    }

    /// Whether an object is inside a calendar window, by the same rules as `objects(window:)`.
    public static func isInside(_ index: DAVObjectIndex, _ window: DAVWindow) -> Bool {
        switch index.component {
        case "VTODO": return index.completed.map { $0 >= window.start } ?? true
        case "VJOURNAL": return index.spanStart.map { $0 >= window.start } ?? false
        case "VEVENT": return index.spanEnd.map { $0 >= window.start } ?? true
        default: return true
        }
    }

    /// How many objects a collection holds (an index range count).
    public func objectCount(collectionID: Int64) throws -> Int {
        try read { db in
            try db.queryFirst("SELECT count(*) FROM dav_objects WHERE collection_id = ?", [collectionID])?.int(0) ?? 0
        }
    }

    /// An object's metadata without its content.
    public func objectInfo(collectionID: Int64, name: String) throws -> DAVObjectInfo? {
        try read { db in
            try db.queryFirst("SELECT \(Self.objectColumns) FROM dav_objects WHERE collection_id = ? AND name = ?",
                              [collectionID, name]).map(Self.objectInfo(from:))
        }
    }

    /// The contents of several objects of a collection by name, for multiget; missing names
    /// are left out.
    public func objects(collectionID: Int64, names: [String]) throws -> [(DAVObjectInfo, [UInt8])] {
        try read { db in
            var found: [(DAVObjectInfo, [UInt8])] = []
            for name in names {
                if let row = try db.queryFirst("SELECT \(Self.objectColumns), data FROM dav_objects "
                                                 + "WHERE collection_id = ? AND name = ?", [collectionID, name]) {
                    found.append((Self.objectInfo(from: row), row.blob(13)))
                }
            }
            return found
        }
    }

    /// The contents of objects by id, in one read transaction.
    public func objectData(ids: [Int64]) throws -> [Int64: [UInt8]] {
        try read { db in
            var data: [Int64: [UInt8]] = [:]
            for id in ids {
                if let row = try db.queryFirst("SELECT data FROM dav_objects WHERE id = ?", [id]) {
                    data[id] = row.blob(0)
                }
            }
            return data
        }
    }

    public func object(collectionID: Int64, name: String) throws -> (DAVObjectInfo, [UInt8])? {
        try read { db in
            try db.queryFirst("SELECT \(Self.objectColumns), data FROM dav_objects WHERE collection_id = ? AND name = ?",
                              [collectionID, name]).map { (Self.objectInfo(from: $0), $0.blob(13)) }
        }
    }

    /// Stores an object, checking If-Match / If-None-Match and UID uniqueness inside the
    /// transaction; returns the new entity tag and whether the object is new.
    public func putObject(collectionID: Int64, name: String, data: [UInt8], contentType: String,
                          index: DAVObjectIndex, precondition: DAVPrecondition = DAVPrecondition()) throws
        -> (etag: String, created: Bool)
    {
        try write { db in
            let current = try db.queryFirst("SELECT id, etag FROM dav_objects WHERE collection_id = ? AND name = ?",
                                            [collectionID, name])
            if precondition.ifNoneMatchAny && current != nil { throw DAVStoreError.preconditionFailed }
            if let expected = precondition.ifMatch, expected != "*" && current?.string(1) != expected
                || expected == "*" && current == nil {
                throw DAVStoreError.preconditionFailed
            }
            if let uid = index.uid, let other = try db.queryFirst(
                "SELECT name FROM dav_objects WHERE collection_id = ? AND uid = ? AND name != ?", [collectionID, uid, name]) {
                throw DAVStoreError.uidConflict(existingName: other.string(0))
            }
            let seq = try nextSeq(db, collectionID)
            let etag = "\"\(collectionID)-\(seq)\""
            let now = Date().storeSeconds
            if let current {
                try db.run("UPDATE dav_objects SET etag = ?, content_type = ?, data = ?, uid = ?, component = ?, "
                              + "span_start = ?, span_end = ?, completed = ?, modified = ?, sync_seq = ? WHERE id = ?",
                           [etag, contentType, data, index.uid, index.component, index.spanStart, index.spanEnd,
                            index.completed, now, seq, current.int64(0)])
            } else {
                try db.run("INSERT INTO dav_objects (collection_id, name, etag, content_type, data, uid, component, "
                              + "span_start, span_end, completed, modified, sync_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           [collectionID, name, etag, contentType, data, index.uid, index.component, index.spanStart,
                            index.spanEnd, index.completed, now, seq])
            }
            try db.run("INSERT INTO dav_changes (collection_id, seq, name, deleted) VALUES (?, ?, ?, 0)",
                       [collectionID, seq, name])
            return (etag, current == nil)
        }
    }

    public func deleteObject(collectionID: Int64, name: String, ifMatch: String? = nil) throws {
        try write { db in
            guard let current = try db.queryFirst("SELECT etag FROM dav_objects WHERE collection_id = ? AND name = ?",
                                                  [collectionID, name])
            else { throw DAVStoreError.notFound }
            if let ifMatch, ifMatch != "*" && ifMatch != current.string(0) { throw DAVStoreError.preconditionFailed }
            try db.run("DELETE FROM dav_objects WHERE collection_id = ? AND name = ?", [collectionID, name])
            let seq = try nextSeq(db, collectionID)
            try db.run("INSERT INTO dav_changes (collection_id, seq, name, deleted) VALUES (?, ?, ?, 1)",
                       [collectionID, seq, name])
        }
    }

    /// Copies or moves an object to another collection (or name), replacing the target when
    /// `overwrite` allows; returns whether the target is new.
    public func transferObject(from source: Int64, name: String, to target: Int64, as newName: String,
                               index: DAVObjectIndex, overwrite: Bool, move: Bool) throws -> Bool {
        try write { db in
            guard let row = try db.queryFirst("SELECT data, content_type, id FROM dav_objects WHERE collection_id = ? "
                                                + "AND name = ?", [source, name])
            else { throw DAVStoreError.notFound }
            let existing = try db.queryFirst("SELECT 1 FROM dav_objects WHERE collection_id = ? AND name = ?",
                                             [target, newName]) != nil
            if existing && !overwrite { throw DAVStoreError.exists }
            if let uid = index.uid, let other = try db.queryFirst(
                "SELECT name FROM dav_objects WHERE collection_id = ? AND uid = ? AND name != ?",
                [target, uid, newName]), !(move && source == target && other.string(0) == name) {
                throw DAVStoreError.uidConflict(existingName: other.string(0))
            }
            if move && source == target && index.uid != nil {
                // The moving object is about to leave; free its UID for the new name first.
                try db.run("UPDATE dav_objects SET uid = NULL WHERE id = ?", [row.int64(2)])
            }
            let seq = try nextSeq(db, target)
            try db.run("DELETE FROM dav_objects WHERE collection_id = ? AND name = ?", [target, newName])
            try db.run("INSERT INTO dav_objects (collection_id, name, etag, content_type, data, uid, component, "
                          + "span_start, span_end, completed, modified, sync_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       [target, newName, "\"\(target)-\(seq)\"", row.string(1), row.blob(0), index.uid,
                        index.component, index.spanStart, index.spanEnd, index.completed, Date().storeSeconds, seq])
            try db.run("INSERT INTO dav_properties (object_id, namespace, name, value) "
                          + "SELECT ?, namespace, name, value FROM dav_properties WHERE object_id = ?",
                       [db.lastInsertedRowID, row.int64(2)])
            try db.run("INSERT INTO dav_changes (collection_id, seq, name, deleted) VALUES (?, ?, ?, 0)",
                       [target, seq, newName])
            if move {
                try db.run("DELETE FROM dav_objects WHERE id = ?", [row.int64(2)])
                let seq = try nextSeq(db, source)
                try db.run("INSERT INTO dav_changes (collection_id, seq, name, deleted) VALUES (?, ?, ?, 1)",
                           [source, seq, name])
            }
            return !existing
        }
    }

    /// Names changed after `seq`, each with whether its last change was a deletion; nil when
    /// `seq` is ahead of the collection (an unknown token).
    public func changes(collectionID: Int64, since seq: Int64) throws -> (current: Int64, changes: [(String, Bool)])? {
        try read { db in
            guard let current = try db.queryFirst("SELECT sync_seq FROM dav_collections WHERE id = ?",
                                                  [collectionID])?.int64(0), seq <= current
            else { return nil }
            var last: [String: Bool] = [:]
            var order: [String] = []
            for row in try db.query("SELECT name, deleted FROM dav_changes WHERE collection_id = ? AND seq > ? "
                                        + "ORDER BY seq", [collectionID, seq]) {
                if last[row.string(0)] == nil { order.append(row.string(0)) }
                last[row.string(0)] = row.bool(1)
            }
            return (current, order.map { ($0, last[$0]!) })
        }
    }

    /// The newest window date among objects that have left the window: a part of ctags and
    /// sync tokens that changes whenever something ages out, found with three index lookups.
    public func lastAgedOut(collectionID: Int64, window: DAVWindow) throws -> Int64 {
        try read { db in
            let queries = [
                "SELECT max(span_end) FROM dav_objects WHERE collection_id = ? AND component = 'VEVENT' AND span_end < ?",
                "SELECT max(completed) FROM dav_objects WHERE collection_id = ? AND component = 'VTODO' "
                    + "AND completed < ?",
                "SELECT max(span_start) FROM dav_objects WHERE collection_id = ? AND component = 'VJOURNAL' "
                    + "AND span_start < ?",
            ]
            var newest: Int64 = 0
            for query in queries {
                newest = max(newest, try db.queryFirst(query, [collectionID, window.start])?.optionalInt64(0) ?? 0)
            }
            return newest
        }
    }

    func nextSeq(_ db: SQLiteConnection, _ collectionID: Int64) throws -> Int64 {
        guard let row = try db.queryFirst("UPDATE dav_collections SET sync_seq = sync_seq + 1 WHERE id = ? "
                                            + "RETURNING sync_seq", [collectionID])
        else { throw DAVStoreError.notFound }
        return row.int64(0)
    }
}
