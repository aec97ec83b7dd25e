import SyncPolicy

/// What a stored policy layer belongs to.
public enum PolicyScope: Sendable, Equatable, CustomStringConvertible {
    case server
    case domain(String)
    case user(String)
    case device(String)

    public var level: PolicyLevel {
        switch self {
        case .server: return .server
        case .domain: return .domain
        case .user: return .user
        case .device: return .device
        }
    }

    public var description: String {
        switch self {
        case .server: return "server"
        case .domain(let name): return "domain \(name)"
        case .user(let address): return "user \(address)"
        case .device(let id): return "device \(id)"
        }
    }
}

/// Policy layers at each level, and the chains that resolve them.
extension Store {
    /// The row keys (domain, user, device) of a scope, after checking that it exists.
    private struct ScopeKey {
        var domainID: Int64?
        var userID: Int64?
        var deviceID: String?
        var subject: String
    }

    private func key(for scope: PolicyScope, in db: SQLiteConnection) throws -> ScopeKey {
        switch scope {
        case .server:
            return ScopeKey(subject: "server")
        case .domain(let raw):
            let name = try Address.normalizeDomain(raw)
            guard let id = try db.queryFirst("SELECT id FROM domains WHERE name = ?", [name])?.int64(0) else {
                throw StoreError.notFound("domain \(name) does not exist; see `tideline domain list`")
            }
            return ScopeKey(domainID: id, subject: "domain \(name)")
        case .user(let raw):
            let (address, _) = try Address.normalize(raw)
            guard let id = try db.queryFirst("SELECT id FROM users WHERE address = ?", [address])?.int64(0) else {
                throw Self.noSuchUser(address)
            }
            return ScopeKey(userID: id, subject: "user \(address)")
        case .device(let id):
            guard try db.queryFirst("SELECT 1 FROM devices WHERE id = ?", [id]) != nil else {
                throw Self.noSuchDevice(id)
            }
            return ScopeKey(deviceID: id, subject: "device \(id)")
        }
    }

    private func layer(level: PolicyLevel, key: ScopeKey, in db: SQLiteConnection) throws -> PolicyLayer {
        let rows = try db.query(
            "SELECT setting, value FROM policies WHERE level = ? AND domain_id IS ? AND user_id IS ? "
                + "AND device_id IS ?", [level.rawValue, key.domainID, key.userID, key.deviceID])
        var layer = PolicyLayer()
        for row in rows {
            do {
                guard let setting = PolicySetting(rawValue: row.string(0)) else {
                    throw PolicyError.unknownSetting(row.string(0))
                }
                try layer.set(setting, to: PolicyValue.parse(row.string(1), for: setting), at: level)
            } catch {
                throw StoreError.unusable("stored policy of \(key.subject) is invalid: \(error)")
            }
        }
        return layer
    }

    /// The values stored at exactly this scope.
    public func policyLayer(for scope: PolicyScope) throws -> PolicyLayer {
        try read { db in try layer(level: scope.level, key: key(for: scope, in: db), in: db) }
    }

    /// Stores the given values at `scope` after validating all of them; all or nothing.
    public func setPolicy(_ values: [(PolicySetting, PolicyValue)], for scope: PolicyScope, actor: String) throws {
        try Self.validate(values, at: scope.level)
        try write { db in try store(values, at: scope, in: db, actor: actor) }
    }

    static func validate(_ values: [(PolicySetting, PolicyValue)], at level: PolicyLevel) throws {
        var check = PolicyLayer()
        for (setting, value) in values {
            try check.set(setting, to: value, at: level)
        }
    }

    /// Writes validated values inside the caller's transaction, with an audit entry each.
    func store(_ values: [(PolicySetting, PolicyValue)], at scope: PolicyScope, in db: SQLiteConnection,
               actor: String) throws {
        let key = try key(for: scope, in: db)
        let before = try layer(level: scope.level, key: key, in: db)
        for (setting, value) in values {
            try deleteSetting(setting, level: scope.level, key: key, in: db)
            try db.run(
                "INSERT INTO policies (level, domain_id, user_id, device_id, setting, value) VALUES (?, ?, ?, ?, ?, ?)",
                [scope.level.rawValue, key.domainID, key.userID, key.deviceID, setting.rawValue, value.description])
            try Audit.record(db, actor: actor, action: "policy.set", subject: "\(key.subject) \(setting.rawValue)",
                             old: before[setting]?.description, new: value.description)
        }
    }

    private func deleteSetting(_ setting: PolicySetting, level: PolicyLevel, key: ScopeKey,
                               in db: SQLiteConnection) throws {
        try db.run(
            "DELETE FROM policies WHERE level = ? AND domain_id IS ? AND user_id IS ? AND device_id IS ? "
                + "AND setting = ?",
            [level.rawValue, key.domainID, key.userID, key.deviceID, setting.rawValue])
    }

    /// Removes the given settings from `scope`, so they fall back to less specific levels.
    public func unsetPolicy(_ settings: [PolicySetting], for scope: PolicyScope, actor: String) throws {
        try write { db in
            let key = try key(for: scope, in: db)
            let before = try layer(level: scope.level, key: key, in: db)
            for setting in settings {
                guard let old = before[setting] else { continue }
                try deleteSetting(setting, level: scope.level, key: key, in: db)
                try Audit.record(db, actor: actor, action: "policy.unset",
                                 subject: "\(key.subject) \(setting.rawValue)", old: old.description)
            }
        }
    }

    /// The chain of layers that applies to `scope`, read in one snapshot.
    public func policyChain(for scope: PolicyScope) throws -> PolicyChain {
        try read { db in
            var chain = PolicyChain()
            chain.server = try layer(level: .server, key: ScopeKey(subject: "server"), in: db)
            let key = try key(for: scope, in: db)
            var domainID = key.domainID
            var userID = key.userID
            if let deviceID = key.deviceID {
                chain.device = try layer(level: .device, key: key, in: db)
                userID = try db.queryFirst("SELECT user_id FROM devices WHERE id = ?", [deviceID])?.int64(0)
            }
            if let userID {
                chain.user = try layer(level: .user, key: ScopeKey(userID: userID, subject: "user"), in: db)
                domainID = try db.queryFirst("SELECT domain_id FROM users WHERE id = ?", [userID])?.int64(0)
            }
            if let domainID {
                chain.domain = try layer(level: .domain, key: ScopeKey(domainID: domainID, subject: "domain"), in: db)
            }
            return chain
        }
    }

    /// The effective policy of `scope`: its chain, resolved.
    public func effectivePolicy(for scope: PolicyScope) throws -> EffectivePolicy {
        try policyChain(for: scope).resolve()
    }
}
