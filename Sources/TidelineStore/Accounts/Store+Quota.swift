import Foundation

/// A user's storage quota as set: the server default, none, or a number of bytes.
public enum QuotaSetting: Sendable, Equatable, CustomStringConvertible {
    case serverDefault
    case unlimited
    case bytes(Int64)

    /// The built-in default when the admin has set none: 10 GiB.
    public static let builtInDefault: Int64 = 10 << 30

    /// Parses `500M`, `2G`, `1024`, `unlimited` (sizes in bytes with K, M, G, T suffixes of 1024).
    public init?(parsing text: String) {
        let lower = text.lowercased()
        if lower == "unlimited" || lower == "none" {
            self = .unlimited
            return
        }
        if lower == "default" {
            self = .serverDefault
            return
        }
        let units: [Character: Int64] = ["k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40]
        var digits = Substring(lower)
        var unit: Int64 = 1
        if let last = digits.last, let multiplier = units[last] {
            unit = multiplier
            digits = digits.dropLast()
        }
        guard let number = Int64(digits), number > 0, number <= Int64.max / unit else { return nil }
        self = .bytes(number * unit)
    }

    public var description: String {
        switch self {
        case .serverDefault: return "default"
        case .unlimited: return "unlimited"
        case .bytes(let bytes): return Self.format(bytes)
        }
    }

    /// Bytes in the largest unit that divides them evenly: `2G`, `1536M`.
    public static func format(_ bytes: Int64) -> String {
        for (suffix, size) in [("T", Int64(1) << 40), ("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)]
        where bytes % size == 0 {
            return "\(bytes / size)\(suffix)"
        }
        return String(bytes)
    }
}

/// What a user stores and may store.
public struct StorageUsage: Sendable, Equatable {
    /// Bytes of messages (each copy counted) and DAV objects.
    public let used: Int64
    /// The effective limit; nil when unlimited.
    public let limit: Int64?

    /// Whether `more` bytes still fit.
    public func allows(_ more: Int64) -> Bool {
        guard let limit else { return true }
        return more <= 0 || used + more <= limit
    }
}

/// Storage quotas: per user, with a server-wide default.
extension Store {
    /// The user's usage and effective limit, in one read.
    public func storageUsage(userID: Int64) throws -> StorageUsage {
        try read { db in
            guard let row = try db.queryFirst("SELECT used_bytes, quota_bytes FROM users WHERE id = ?", [userID]) else {
                throw StoreError.notFound("no user with id \(userID)")
            }
            let setting = Self.quotaSetting(row.optionalInt64(1))
            let limit: Int64?
            switch setting {
            case .bytes(let bytes): limit = bytes
            case .unlimited: limit = nil
            case .serverDefault: limit = try Self.defaultQuota(db).limit
            }
            return StorageUsage(used: row.int64(0), limit: limit)
        }
    }

    /// The quota set for a user (not resolved against the default).
    public func quotaSetting(of rawAddress: String) throws -> QuotaSetting {
        let (address, _) = try Address.normalize(rawAddress)
        return try read { db in
            guard let row = try db.queryFirst("SELECT quota_bytes FROM users WHERE address = ?", [address]) else {
                throw Self.noSuchUser(address)
            }
            return Self.quotaSetting(row.optionalInt64(0))
        }
    }

    public func setQuota(of rawAddress: String, to setting: QuotaSetting, actor: String) throws {
        let (address, _) = try Address.normalize(rawAddress)
        try write { db in
            guard let row = try db.queryFirst("SELECT quota_bytes FROM users WHERE address = ?", [address]) else {
                throw Self.noSuchUser(address)
            }
            let old = Self.quotaSetting(row.optionalInt64(0))
            guard old != setting else { return }
            try db.run("UPDATE users SET quota_bytes = ? WHERE address = ?", [Self.stored(setting), address])
            try Audit.record(db, actor: actor, action: "user.quota", subject: address, old: old.description,
                             new: setting.description)
        }
    }

    /// The server-wide default quota for users without their own.
    public func defaultQuota() throws -> QuotaSetting {
        try read { db in try Self.defaultQuota(db).setting }
    }

    public func setDefaultQuota(_ setting: QuotaSetting, actor: String) throws {
        guard setting != .serverDefault else { throw StoreError.invalid("the default quota needs a size or unlimited") }
        try write { db in
            let old = try Self.defaultQuota(db).setting
            try db.run("INSERT INTO settings (name, value) VALUES ('default-quota-bytes', ?) "
                          + "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                       [String(Self.stored(setting) ?? -1)])
            try Audit.record(db, actor: actor, action: "server.default_quota", subject: "server",
                             old: old.description, new: setting.description)
        }
    }

    private static func defaultQuota(_ db: SQLiteConnection) throws -> (setting: QuotaSetting, limit: Int64?) {
        guard let text = try db.queryFirst("SELECT value FROM settings WHERE name = 'default-quota-bytes'")?.string(0),
              let value = Int64(text)
        else { return (.bytes(QuotaSetting.builtInDefault), QuotaSetting.builtInDefault) }
        return value < 0 ? (.unlimited, nil) : (.bytes(value), value)
    }

    private static func quotaSetting(_ stored: Int64?) -> QuotaSetting {
        guard let stored else { return .serverDefault }
        return stored < 0 ? .unlimited : .bytes(stored)
    }

    private static func stored(_ setting: QuotaSetting) -> Int64? {
        switch setting {
        case .serverDefault: return nil
        case .unlimited: return -1
        case .bytes(let bytes): return bytes
        }
    }
}
