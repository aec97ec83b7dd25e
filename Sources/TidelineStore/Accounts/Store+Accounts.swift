import Foundation

/// Domains and users. Every change writes an audit entry in the same transaction.
extension Store {
    public func addDomain(_ rawName: String, actor: String) throws -> Domain {
        let name = try Address.normalizeDomain(rawName)
        let now = Date()
        return try write { db in
            if try db.queryFirst("SELECT 1 FROM domains WHERE name = ?", [name]) != nil {
                throw StoreError.conflict("domain \(name) already exists")
            }
            try db.run("INSERT INTO domains (name, created) VALUES (?, ?)", [name, now.storeSeconds])
            let id = db.lastInsertedRowID
            try Audit.record(db, actor: actor, action: "domain.add", subject: name)
            return Domain(id: id, name: name, created: Date(storeSeconds: now.storeSeconds), userCount: 0)
        }
    }

    /// Removes a domain; refuses while it has users unless `force` is set, which removes them
    /// and everything they own.
    public func removeDomain(_ rawName: String, force: Bool, actor: String) throws {
        let name = try Address.normalizeDomain(rawName)
        try write { db in
            guard let row = try db.queryFirst(
                "SELECT d.id, count(u.id) FROM domains d LEFT JOIN users u ON u.domain_id = d.id "
                    + "WHERE d.name = ? GROUP BY d.id", [name])
            else {
                throw StoreError.notFound("domain \(name) does not exist; see `tideline domain list`")
            }
            let users = row.int(1)
            if users > 0 && !force {
                throw StoreError.conflict(
                    "domain \(name) still has \(users) user(s); remove them first, or pass --force "
                        + "to remove the domain with all its users and their data")
            }
            for user in try db.query("SELECT id FROM users WHERE domain_id = ?", [row.int64(0)]) {
                try Self.recordRevocation(db, userID: user.int64(0), scope: .user)
            }
            try db.run("DELETE FROM domains WHERE id = ?", [row.int64(0)])
            try Audit.record(db, actor: actor, action: "domain.remove", subject: name,
                             old: users > 0 ? "\(users) user(s)" : nil)
        }
    }

    public func domains() throws -> [Domain] {
        try read { db in
            try db.query(
                "SELECT d.id, d.name, d.created, count(u.id) FROM domains d "
                    + "LEFT JOIN users u ON u.domain_id = d.id GROUP BY d.id ORDER BY d.name"
            ).map { Domain(id: $0.int64(0), name: $0.string(1), created: Date(storeSeconds: $0.int64(2)),
                           userCount: $0.int(3)) }
        }
    }

    /// Adds a user; `passwordHash` nil leaves the account without a password (devices only).
    public func addUser(_ rawAddress: String, passwordHash: String?, actor: String) throws -> User {
        let (address, domain) = try Address.normalize(rawAddress)
        let now = Date()
        return try write { db in
            guard let domainID = try db.queryFirst("SELECT id FROM domains WHERE name = ?", [domain])?.int64(0)
            else {
                throw StoreError.notFound(
                    "domain \(domain) does not exist; add it first with `tideline domain add \(domain)`")
            }
            if try db.queryFirst("SELECT 1 FROM users WHERE address = ?", [address]) != nil {
                throw StoreError.conflict("user \(address) already exists")
            }
            try db.run(
                "INSERT INTO users (domain_id, address, password_hash, created) VALUES (?, ?, ?, ?)",
                [domainID, address, passwordHash, now.storeSeconds])
            let id = db.lastInsertedRowID
            for box in Self.defaultMailboxes {
                try insertMailbox(db, userID: id, name: box.name, specialUse: box.specialUse)
                try db.run("INSERT INTO subscriptions (user_id, name) VALUES (?, ?)", [id, box.name])
            }
            try Audit.record(db, actor: actor, action: "user.add", subject: address)
            return User(id: id, address: address, domain: domain, disabled: false,
                        hasPassword: passwordHash != nil, created: Date(storeSeconds: now.storeSeconds))
        }
    }

    public func setPassword(of rawAddress: String, passwordHash: String, actor: String) throws {
        let (address, _) = try Address.normalize(rawAddress)
        try write { db in
            guard let id = try db.queryFirst("SELECT id FROM users WHERE address = ?", [address])?.int64(0)
            else { throw Self.noSuchUser(address) }
            try db.run("UPDATE users SET password_hash = ? WHERE id = ?", [passwordHash, id])
            try Self.recordRevocation(db, userID: id, scope: .password)
            // The hash itself is a secret: the audit entry says only that it changed.
            try Audit.record(db, actor: actor, action: "user.passwd", subject: address)
        }
    }

    public func setDisabled(_ rawAddress: String, _ disabled: Bool, actor: String) throws {
        let (address, _) = try Address.normalize(rawAddress)
        try write { db in
            guard let row = try db.queryFirst("SELECT id, disabled FROM users WHERE address = ?", [address])
            else { throw Self.noSuchUser(address) }
            let was = row.bool(1)
            guard was != disabled else { return }
            try db.run("UPDATE users SET disabled = ? WHERE address = ?", [disabled, address])
            if disabled { try Self.recordRevocation(db, userID: row.int64(0), scope: .user) }
            try Audit.record(db, actor: actor, action: disabled ? "user.disable" : "user.enable",
                             subject: address, old: was ? "disabled" : "enabled",
                             new: disabled ? "disabled" : "enabled")
        }
    }

    public func removeUser(_ rawAddress: String, actor: String) throws {
        let (address, _) = try Address.normalize(rawAddress)
        try write { db in
            guard let id = try db.queryFirst("SELECT id FROM users WHERE address = ?", [address])?.int64(0) else {
                throw Self.noSuchUser(address)
            }
            try Self.recordRevocation(db, userID: id, scope: .user)
            try db.run("DELETE FROM users WHERE id = ?", [id])
            try Audit.record(db, actor: actor, action: "user.remove", subject: address)
        }
    }

    static let userColumns = "u.id, u.address, d.name, u.disabled, u.password_hash IS NOT NULL, u.created"
    static let userTables = "users u JOIN domains d ON d.id = u.domain_id"

    /// `SELECT` of the user columns with `tail` (a WHERE or ORDER BY clause).
    static func selectUsers(_ tail: String) -> String {
        "SELECT \(userColumns) FROM \(userTables) \(tail)"
    }

    static func user(from row: SQLRow) -> User {
        User(id: row.int64(0), address: row.string(1), domain: row.string(2), disabled: row.bool(3),
             hasPassword: row.bool(4), created: Date(storeSeconds: row.int64(5)))
    }

    /// Users of one domain, or of all domains when `domain` is nil, ordered by address.
    public func users(inDomain rawDomain: String? = nil) throws -> [User] {
        let domain = try rawDomain.map(Address.normalizeDomain)
        return try read { db in
            if let domain {
                guard try db.queryFirst("SELECT 1 FROM domains WHERE name = ?", [domain]) != nil else {
                    throw StoreError.notFound("domain \(domain) does not exist; see `tideline domain list`")
                }
                return try db.query(Self.selectUsers("WHERE d.name = ? ORDER BY u.address"), [domain])
                    .map(Self.user(from:))
            }
            return try db.query(Self.selectUsers("ORDER BY u.address")).map(Self.user(from:))
        }
    }

    public func user(_ rawAddress: String) throws -> User {
        let (address, _) = try Address.normalize(rawAddress)
        return try read { db in
            guard let row = try db.queryFirst(Self.selectUsers("WHERE u.address = ?"), [address]) else {
                throw Self.noSuchUser(address)
            }
            return Self.user(from: row)
        }
    }

    static func noSuchUser(_ address: String) -> StoreError {
        .notFound("user \(address) does not exist; see `tideline user list`")
    }
}
