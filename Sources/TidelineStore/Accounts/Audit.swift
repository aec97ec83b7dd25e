import Foundation

/// The audit log of account and policy changes: who, when, what, old and new value.
enum Audit {
    static func record(
        _ db: SQLiteConnection, actor: String, action: String, subject: String, old: String? = nil, new: String? = nil
    ) throws {
        try db.run(
            "INSERT INTO audit_log (at, actor, action, subject, old_value, new_value) VALUES (?, ?, ?, ?, ?, ?)",
            [Date().storeSeconds, actor, action, subject, old, new])
    }
}

extension Store {
    /// The newest `limit` audit entries, newest first.
    public func auditLog(limit: Int = 100) throws -> [AuditEntry] {
        try read { db in
            try db.query(
                "SELECT id, at, actor, action, subject, old_value, new_value FROM audit_log "
                    + "ORDER BY id DESC LIMIT ?", [limit]
            ).map {
                AuditEntry(id: $0.int64(0), at: Date(storeSeconds: $0.int64(1)), actor: $0.string(2),
                           action: $0.string(3), subject: $0.string(4), oldValue: $0.optionalString(5),
                           newValue: $0.optionalString(6))
            }
        }
    }
}
