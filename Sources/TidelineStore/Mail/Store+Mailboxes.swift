import Foundation

/// Mailboxes and subscriptions.
extension Store {
    /// The mailboxes every user gets: INBOX and the RFC 6154 special-use set, all subscribed.
    public static let defaultMailboxes: [(name: String, specialUse: String?)] = [
        ("INBOX", nil), ("Sent", "\\Sent"), ("Drafts", "\\Drafts"), ("Trash", "\\Trash"),
        ("Junk", "\\Junk"), ("Archive", "\\Archive"),
    ]

    /// Names compare as given, except that INBOX matches in any case (RFC 9051 5.1).
    public static func canonicalMailboxName(_ name: String) -> String {
        if name.uppercased() == "INBOX" { return "INBOX" }
        if name.uppercased().hasPrefix("INBOX/") { return "INBOX" + name.dropFirst(5) }
        return name
    }

    static let mailboxColumns = "id, user_id, name, uid_validity, uid_next, highest_modseq, special_use"

    static func mailbox(from row: SQLRow) -> Mailbox {
        Mailbox(id: row.int64(0), userID: row.int64(1), name: row.string(2), uidValidity: UInt32(row.int64(3)),
                uidNext: UInt32(row.int64(4)), highestModseq: UInt64(row.int64(5)), specialUse: row.optionalString(6))
    }

    /// Creates the default mailboxes that are missing; returns nothing when all exist.
    public func ensureDefaultMailboxes(userID: Int64) throws {
        let existing = try read { db in
            try db.query("SELECT name FROM mailboxes WHERE user_id = ?", [userID]).map { $0.string(0) }
        }
        let missing = Self.defaultMailboxes.filter { !existing.contains($0.name) }
        guard !missing.isEmpty else { return }
        try write { db in
            for box in missing {
                guard try db.queryFirst("SELECT 1 FROM mailboxes WHERE user_id = ? AND name = ?",
                                        [userID, box.name]) == nil else { continue }
                try insertMailbox(db, userID: userID, name: box.name, specialUse: box.specialUse)
                try db.run("INSERT OR IGNORE INTO subscriptions (user_id, name) VALUES (?, ?)", [userID, box.name])
            }
        }
    }

    @discardableResult
    func insertMailbox(_ db: SQLiteConnection, userID: Int64, name: String, specialUse: String?) throws -> Mailbox {
        // UIDVALIDITY grows per user, so a mailbox deleted and made again never reuses one.
        let last = try db.queryFirst("SELECT max(uid_validity) FROM mailboxes WHERE user_id = ?", [userID])?
            .optionalInt64(0) ?? 0
        let validity = max(Int64(Date().timeIntervalSince1970) & 0xffff_ffff, last + 1)
        try db.run(
            "INSERT INTO mailboxes (user_id, name, uid_validity, special_use, created) VALUES (?, ?, ?, ?, ?)",
            [userID, name, validity, specialUse, Date().storeSeconds])
        return Mailbox(id: db.lastInsertedRowID, userID: userID, name: name, uidValidity: UInt32(validity),
                       uidNext: 1, highestModseq: 1, specialUse: specialUse)
    }

    public func mailboxes(userID: Int64) throws -> [Mailbox] {
        try read { db in
            try db.query("SELECT \(Self.mailboxColumns) FROM mailboxes WHERE user_id = ? ORDER BY name", [userID])
                .map(Self.mailbox(from:))
        }
    }

    public func mailbox(userID: Int64, name: String) throws -> Mailbox? {
        try read { db in
            try db.queryFirst("SELECT \(Self.mailboxColumns) FROM mailboxes WHERE user_id = ? AND name = ?",
                              [userID, Self.canonicalMailboxName(name)]).map(Self.mailbox(from:))
        }
    }

    public func mailbox(id: Int64) throws -> Mailbox? {
        try read { db in
            try db.queryFirst("SELECT \(Self.mailboxColumns) FROM mailboxes WHERE id = ?", [id]).map(Self.mailbox(from:))
        }
    }

    /// Creates a mailbox and any missing parents (RFC 9051 6.3.4).
    public func createMailbox(userID: Int64, name rawName: String, specialUse: String? = nil) throws -> Mailbox {
        let name = Self.canonicalMailboxName(rawName)
        return try write { db in
            if try db.queryFirst("SELECT 1 FROM mailboxes WHERE user_id = ? AND name = ?", [userID, name]) != nil {
                throw StoreError.conflict("mailbox \(name) already exists")
            }
            let parts = name.split(separator: "/", omittingEmptySubsequences: false)
            for depth in 1..<max(1, parts.count) {
                let parent = parts[0..<depth].joined(separator: "/")
                if try db.queryFirst("SELECT 1 FROM mailboxes WHERE user_id = ? AND name = ?",
                                     [userID, parent]) == nil {
                    try insertMailbox(db, userID: userID, name: parent, specialUse: nil)
                }
            }
            return try insertMailbox(db, userID: userID, name: name, specialUse: specialUse)
        }
    }

    /// Deletes a mailbox with its messages. INBOX and mailboxes with children are refused.
    public func deleteMailbox(userID: Int64, name rawName: String) throws {
        let name = Self.canonicalMailboxName(rawName)
        guard name != "INBOX" else { throw StoreError.invalid("INBOX cannot be deleted") }
        try write { db in
            guard let id = try db.queryFirst("SELECT id FROM mailboxes WHERE user_id = ? AND name = ?",
                                             [userID, name])?.int64(0)
            else { throw StoreError.notFound("mailbox \(name) does not exist") }
            if try db.queryFirst("SELECT 1 FROM mailboxes WHERE user_id = ? AND substr(name, 1, ?) = ?",
                                 [userID, name.count + 1, name + "/"]) != nil {
                throw StoreError.conflict("mailbox \(name) has child mailboxes; delete them first")
            }
            try db.run("DELETE FROM messages WHERE mailbox_id = ?", [id])
            try db.run("DELETE FROM mailboxes WHERE id = ?", [id])
        }
    }

    /// Renames a mailbox and its children. Renaming INBOX moves its messages to a new mailbox
    /// and leaves INBOX empty (RFC 9051 6.3.6).
    public func renameMailbox(userID: Int64, from rawOld: String, to rawNew: String) throws {
        let old = Self.canonicalMailboxName(rawOld)
        let new = Self.canonicalMailboxName(rawNew)
        try write { db in
            guard let source = try db.queryFirst(
                "SELECT \(Self.mailboxColumns) FROM mailboxes WHERE user_id = ? AND name = ?", [userID, old]
            ).map(Self.mailbox(from:)) else {
                throw StoreError.notFound("mailbox \(old) does not exist")
            }
            if try db.queryFirst("SELECT 1 FROM mailboxes WHERE user_id = ? AND name = ?", [userID, new]) != nil {
                throw StoreError.conflict("mailbox \(new) already exists")
            }
            if new.hasPrefix(old + "/") { throw StoreError.invalid("a mailbox cannot move below itself") }
            if old == "INBOX" {
                let target = try insertMailbox(db, userID: userID, name: new, specialUse: nil)
                let uids = try db.query("SELECT uid FROM messages WHERE mailbox_id = ? ORDER BY uid", [source.id])
                    .map { UInt32($0.int64(0)) }
                _ = try transfer(db, uids: uids, from: source.id, to: target.id, removeSource: true)
                return
            }
            let children = try db.query(
                "SELECT id, name FROM mailboxes WHERE user_id = ? AND (name = ? OR substr(name, 1, ?) = ?)",
                [userID, old, old.count + 1, old + "/"])
            for row in children {
                let renamed = new + row.string(1).dropFirst(old.count)
                try db.run("UPDATE mailboxes SET name = ? WHERE id = ?", [renamed, row.int64(0)])
            }
            // Parents of the new name are created as for CREATE.
            let parts = new.split(separator: "/", omittingEmptySubsequences: false)
            for depth in 1..<max(1, parts.count) {
                let parent = parts[0..<depth].joined(separator: "/")
                if try db.queryFirst("SELECT 1 FROM mailboxes WHERE user_id = ? AND name = ?",
                                     [userID, parent]) == nil {
                    try insertMailbox(db, userID: userID, name: parent, specialUse: nil)
                }
            }
        }
    }

    public func subscriptions(userID: Int64) throws -> Set<String> {
        try read { db in
            Set(try db.query("SELECT name FROM subscriptions WHERE user_id = ?", [userID]).map { $0.string(0) })
        }
    }

    public func setSubscribed(userID: Int64, name: String, _ subscribed: Bool) throws {
        let name = Self.canonicalMailboxName(name)
        _ = try write { db in
            if subscribed {
                try db.run("INSERT OR IGNORE INTO subscriptions (user_id, name) VALUES (?, ?)", [userID, name])
            } else {
                try db.run("DELETE FROM subscriptions WHERE user_id = ? AND name = ?", [userID, name])
            }
        }
    }
}
