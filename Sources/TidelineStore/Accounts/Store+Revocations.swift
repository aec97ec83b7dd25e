import Foundation

/// Sessions that an admin's change ends: every session of a disabled or removed user, every
/// session of a removed device, and the sessions that logged in with a password that changed.
public struct AccessRevocation: Sendable, Equatable {
    /// Which of the user's sessions the revocation covers.
    public enum Scope: String, Sendable {
        /// Every session of the user, however it logged in.
        case user
        /// The sessions of one device (its app password).
        case device
        /// The sessions that logged in with the user's own password.
        case password
    }

    public let id: Int64
    public let userID: Int64
    /// The device, for `.device`; nil otherwise.
    public let deviceID: String?
    public let scope: Scope

    /// Whether a session of `userID`, logged in as `deviceID` (nil: the user's password), is ended.
    public func covers(userID: Int64, deviceID: String?) -> Bool {
        guard userID == self.userID else { return false }
        switch scope {
        case .user: return true
        case .device: return deviceID != nil && deviceID == self.deviceID
        case .password: return deviceID == nil
        }
    }
}

extension Store {
    /// Rows older than this are dropped when new ones are written: a server reads them within
    /// seconds, and one that was down has no sessions to end.
    static let revocationRetention: Int64 = 24 * 3600

    static func recordRevocation(_ db: SQLiteConnection, userID: Int64, deviceID: String? = nil,
                                 scope: AccessRevocation.Scope) throws {
        let now = Date().storeSeconds
        try db.run("DELETE FROM access_revocations WHERE at < ?", [now - revocationRetention])
        try db.run("INSERT INTO access_revocations (at, user_id, device_id, scope) VALUES (?, ?, ?, ?)",
                   [now, userID, deviceID, scope.rawValue])
    }

    /// The id of the newest revocation, or 0; a server starts reading after it.
    public func latestRevocationID() throws -> Int64 {
        try read { db in try db.queryFirst("SELECT coalesce(max(id), 0) FROM access_revocations")?.int64(0) ?? 0 }
    }

    /// Revocations written after `id`, oldest first.
    public func revocations(after id: Int64) throws -> [AccessRevocation] {
        try read { db in
            try db.query("SELECT id, user_id, device_id, scope FROM access_revocations WHERE id > ? ORDER BY id",
                         [id]).compactMap { row in
                AccessRevocation.Scope(rawValue: row.string(3)).map {
                    AccessRevocation(id: row.int64(0), userID: row.int64(1), deviceID: row.optionalString(2),
                                     scope: $0)
                }
            }
        }
    }
}
