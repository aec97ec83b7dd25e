import Foundation

/// Messages: delivery and APPEND, window views, change tracking, flags, expunge, copy and move.
///
/// Every change takes a new modseq from its mailbox, so "what changed since modseq M" is a range
/// lookup; expunged UIDs are kept with their modseq for QRESYNC.
extension Store {
    static let summaryColumns = "uid, internal_date, size, flags, modseq"

    static func summary(from row: SQLRow) -> MessageSummary {
        MessageSummary(uid: UInt32(row.int64(0)), internalDate: row.int64(1), size: row.int(2),
                       flags: FlagText.split(row.string(3)), modseq: UInt64(row.int64(4)))
    }

    /// Raises the mailbox's modseq and returns the new value.
    func nextModseq(_ db: SQLiteConnection, mailboxID: Int64) throws -> UInt64 {
        guard let row = try db.queryFirst(
            "UPDATE mailboxes SET highest_modseq = highest_modseq + 1 WHERE id = ? RETURNING highest_modseq",
            [mailboxID])
        else { throw StoreError.notFound("mailbox \(mailboxID) no longer exists") }
        return UInt64(row.int64(0))
    }

    /// Stores messages in one mailbox in one transaction: all of them, durably, or none.
    public func append(_ messages: [NewMessage], to mailboxID: Int64) throws -> [StoredMessage] {
        try write { db in
            try messages.map { try insert($0, into: mailboxID, db) }
        }
    }

    public func append(_ message: NewMessage, to mailboxID: Int64) throws -> StoredMessage {
        try append([message], to: mailboxID)[0]
    }

    private func insert(_ message: NewMessage, into mailboxID: Int64, _ db: SQLiteConnection) throws -> StoredMessage {
        guard let box = try db.queryFirst("SELECT uid_validity, uid_next FROM mailboxes WHERE id = ?", [mailboxID])
        else { throw StoreError.notFound("mailbox \(mailboxID) no longer exists") }
        if let key = message.importKey, let existing = try db.queryFirst(
            "SELECT uid, modseq FROM messages WHERE mailbox_id = ? AND import_key = ?", [mailboxID, key]) {
            return StoredMessage(uidValidity: UInt32(box.int64(0)), uid: UInt32(existing.int64(0)),
                                 modseq: UInt64(existing.int64(1)), duplicate: true)
        }
        let uid = box.int64(1)
        let modseq = try nextModseq(db, mailboxID: mailboxID)
        try db.run("INSERT INTO blobs (data) VALUES (?)", [message.bytes])
        let blob = db.lastInsertedRowID
        try db.run(
            "INSERT INTO messages (mailbox_id, uid, internal_date, size, flags, modseq, blob_id, envelope, "
                + "body_structure, body, import_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [mailboxID, uid, message.internalDate.storeSeconds, message.bytes.count, FlagText.join(message.flags),
             Int64(modseq), blob, message.envelope, message.bodyStructure, message.body, message.importKey])
        try db.run("UPDATE mailboxes SET uid_next = uid_next + 1 WHERE id = ?", [mailboxID])
        return StoredMessage(uidValidity: UInt32(box.int64(0)), uid: UInt32(uid), modseq: modseq, duplicate: false)
    }

    /// The messages with an internal date at or after `since` (all when nil), in UID order.
    /// With the date index this reads only the window's rows.
    public func view(mailboxID: Int64, since: Int64?) throws -> [MessageSummary] {
        try read { db in
            var rows = try db.query(
                "SELECT \(Self.summaryColumns) FROM messages WHERE mailbox_id = ? AND internal_date >= ?",
                [mailboxID, since ?? Int64.min]
            ).map(Self.summary(from:))
            rows.sort { $0.uid < $1.uid }
            return rows
        }
    }

    /// Messages changed (added or flagged) after `modseq`, within the window.
    public func changes(mailboxID: Int64, after modseq: UInt64, since: Int64?) throws -> [MessageSummary] {
        try read { db in
            try db.query(
                "SELECT \(Self.summaryColumns) FROM messages WHERE mailbox_id = ? AND modseq > ? "
                    + "AND internal_date >= ? ORDER BY uid",
                [mailboxID, Int64(modseq), since ?? Int64.min]
            ).map(Self.summary(from:))
        }
    }

    /// UIDs expunged after `modseq`.
    public func expunged(mailboxID: Int64, after modseq: UInt64) throws -> [UInt32] {
        try read { db in
            try db.query("SELECT uid FROM expunged WHERE mailbox_id = ? AND modseq > ? ORDER BY uid",
                         [mailboxID, Int64(modseq)]).map { UInt32($0.int64(0)) }
        }
    }

    /// The raw bytes of one message.
    public func messageBytes(mailboxID: Int64, uid: UInt32) throws -> [UInt8]? {
        try read { db in
            try db.queryFirst(
                "SELECT b.data FROM messages m JOIN blobs b ON b.id = m.blob_id WHERE m.mailbox_id = ? AND m.uid = ?",
                [mailboxID, Int64(uid)])?.blob(0)
        }
    }

    /// The cached ENVELOPE, BODYSTRUCTURE and BODY of one message.
    public func messageForms(mailboxID: Int64, uid: UInt32) throws -> MessageForms? {
        try read { db in
            try db.queryFirst(
                "SELECT envelope, body_structure, body FROM messages WHERE mailbox_id = ? AND uid = ?",
                [mailboxID, Int64(uid)]
            ).map { MessageForms(envelope: $0.string(0), bodyStructure: $0.string(1), body: $0.string(2)) }
        }
    }

    /// Changes the flags of the given messages. With `unchangedSince`, messages modified after
    /// that modseq are left alone and reported (RFC 7162 3.1.3).
    public func storeFlags(mailboxID: Int64, uids: [UInt32], _ change: FlagChange, _ flags: [String],
                           unchangedSince: UInt64? = nil) throws -> FlagUpdate {
        try write { db in
            var changed: [MessageSummary] = []
            var refused: [UInt32] = []
            var modseq: UInt64?
            for uid in uids {
                guard let row = try db.queryFirst(
                    "SELECT \(Self.summaryColumns) FROM messages WHERE mailbox_id = ? AND uid = ?",
                    [mailboxID, Int64(uid)])
                else { continue }
                let current = Self.summary(from: row)
                if let unchangedSince, current.modseq > unchangedSince {
                    refused.append(uid)
                    continue
                }
                let updated = Self.apply(change, flags, to: current.flags)
                guard Set(updated.map { $0.lowercased() }) != Set(current.flags.map { $0.lowercased() }) else {
                    continue
                }
                let next = try modseq ?? nextModseq(db, mailboxID: mailboxID)
                modseq = next
                try db.run("UPDATE messages SET flags = ?, modseq = ? WHERE mailbox_id = ? AND uid = ?",
                           [FlagText.join(updated), Int64(next), mailboxID, Int64(uid)])
                changed.append(MessageSummary(uid: uid, internalDate: current.internalDate, size: current.size,
                                              flags: updated, modseq: next))
            }
            return FlagUpdate(changed: changed, modifiedSince: refused)
        }
    }

    static func apply(_ change: FlagChange, _ flags: [String], to current: [String]) -> [String] {
        func contains(_ list: [String], _ flag: String) -> Bool {
            list.contains { $0.caseInsensitiveCompare(flag) == .orderedSame }
        }
        switch change {
        case .replace:
            var result: [String] = []
            for flag in flags where !contains(result, flag) { result.append(flag) }
            return result
        case .add:
            var result = current
            for flag in flags where !contains(result, flag) { result.append(flag) }
            return result
        case .remove:
            return current.filter { !contains(flags, $0) }
        }
    }

    /// Removes messages flagged `\Deleted` (only those in `uids` when given); returns their UIDs.
    public func expunge(mailboxID: Int64, uids: [UInt32]? = nil) throws -> [UInt32] {
        try write { db in
            var targets = try db.query(
                "SELECT uid, flags FROM messages WHERE mailbox_id = ? AND ' ' || lower(flags) || ' ' LIKE '% \\deleted %'",
                [mailboxID]
            ).map { UInt32($0.int64(0)) }
            if let uids {
                let wanted = Set(uids)
                targets = targets.filter(wanted.contains)
            }
            try remove(db, uids: targets, from: mailboxID)
            return targets.sorted()
        }
    }

    private func remove(_ db: SQLiteConnection, uids: [UInt32], from mailboxID: Int64) throws {
        guard !uids.isEmpty else { return }
        let modseq = try nextModseq(db, mailboxID: mailboxID)
        for uid in uids {
            try db.run("DELETE FROM messages WHERE mailbox_id = ? AND uid = ?", [mailboxID, Int64(uid)])
            try db.run("INSERT OR REPLACE INTO expunged (mailbox_id, uid, modseq) VALUES (?, ?, ?)",
                       [mailboxID, Int64(uid), Int64(modseq)])
        }
    }

    /// Copies messages to another mailbox, sharing their bytes; returns (source, new) UID pairs.
    public func copy(uids: [UInt32], from source: Int64, to target: Int64) throws -> (UInt32, [(UInt32, UInt32)]) {
        try write { db in
            try transfer(db, uids: uids, from: source, to: target, removeSource: false)
        }
    }

    /// Moves messages (RFC 6851): copy, then expunge from the source, in one transaction.
    public func move(uids: [UInt32], from source: Int64, to target: Int64) throws -> (UInt32, [(UInt32, UInt32)]) {
        try write { db in
            try transfer(db, uids: uids, from: source, to: target, removeSource: true)
        }
    }

    func transfer(_ db: SQLiteConnection, uids: [UInt32], from source: Int64, to target: Int64,
                  removeSource: Bool) throws -> (UInt32, [(UInt32, UInt32)]) {
        guard let box = try db.queryFirst("SELECT uid_validity FROM mailboxes WHERE id = ?", [target]) else {
            throw StoreError.notFound("target mailbox no longer exists")
        }
        var pairs: [(UInt32, UInt32)] = []
        let modseq = uids.isEmpty ? 0 : try nextModseq(db, mailboxID: target)
        for uid in uids.sorted() {
            guard let next = try db.queryFirst("SELECT uid_next FROM mailboxes WHERE id = ?", [target])?.int64(0),
                  try db.run(
                      "INSERT INTO messages (mailbox_id, uid, internal_date, size, flags, modseq, blob_id, envelope, "
                          + "body_structure, body) SELECT ?, ?, internal_date, size, flags, ?, blob_id, envelope, "
                          + "body_structure, body FROM messages WHERE mailbox_id = ? AND uid = ?",
                      [target, next, Int64(modseq), source, Int64(uid)]) == 1
            else { continue }
            try db.run("UPDATE mailboxes SET uid_next = uid_next + 1 WHERE id = ?", [target])
            pairs.append((uid, UInt32(next)))
        }
        if removeSource {
            try remove(db, uids: pairs.map(\.0), from: source)
        }
        return (UInt32(box.int64(0)), pairs)
    }

    /// Message counts for STATUS, over the window when `since` is given.
    public func counts(mailboxID: Int64, since: Int64?) throws -> MailboxCounts {
        try read { db in
            let row = try db.queryFirst(
                "SELECT count(*), "
                    + "sum(CASE WHEN ' ' || lower(flags) || ' ' LIKE '% \\seen %' THEN 0 ELSE 1 END), "
                    + "sum(CASE WHEN ' ' || lower(flags) || ' ' LIKE '% \\deleted %' THEN 1 ELSE 0 END), "
                    + "sum(size) FROM messages WHERE mailbox_id = ? AND internal_date >= ?",
                [mailboxID, since ?? Int64.min])
            return MailboxCounts(messages: row?.int(0) ?? 0, unseen: row?.int(1) ?? 0, deleted: row?.int(2) ?? 0,
                                 size: row?.int(3) ?? 0)
        }
    }
}

/// What changed in a mailbox after a modseq, read in one snapshot.
public struct MailboxSync: Sendable {
    public let mailbox: Mailbox
    /// Messages added or changed after the modseq, within the window.
    public let changes: [MessageSummary]
    /// UIDs expunged after the modseq.
    public let expunged: [UInt32]
}

extension Store {
    public func sync(mailboxID: Int64, after modseq: UInt64, since: Int64?) throws -> MailboxSync {
        try read { db in
            guard let mailbox = try db.queryFirst("SELECT \(Self.mailboxColumns) FROM mailboxes WHERE id = ?",
                                                  [mailboxID]).map(Self.mailbox(from:))
            else { throw StoreError.notFound("the selected mailbox was deleted") }
            let changes = try db.query(
                "SELECT \(Self.summaryColumns) FROM messages WHERE mailbox_id = ? AND modseq > ? "
                    + "AND internal_date >= ? ORDER BY uid",
                [mailboxID, Int64(modseq), since ?? Int64.min]
            ).map(Self.summary(from:))
            let expunged = try db.query("SELECT uid FROM expunged WHERE mailbox_id = ? AND modseq > ? ORDER BY uid",
                                        [mailboxID, Int64(modseq)]).map { UInt32($0.int64(0)) }
            return MailboxSync(mailbox: mailbox, changes: changes, expunged: expunged)
        }
    }
}
