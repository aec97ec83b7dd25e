import SyncPolicy
import Foundation

/// Registered devices and their app passwords.
extension Store {
    /// A device just registered, with its app password in clear: shown once, never stored.
    public struct NewDevice: Sendable {
        public let device: Device
        public let appPassword: String
    }

    /// Registers a device for `owner`, makes its app password and stores the device's own
    /// policy values, all in one transaction.
    public func addDevice(
        owner rawAddress: String, name: String, policy: [(PolicySetting, PolicyValue)] = [], actor: String
    ) throws -> NewDevice {
        let (address, _) = try Address.normalize(rawAddress)
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 100, !trimmed.contains(where: \.isNewline) else {
            throw StoreError.invalid("invalid device name \"\(name)\": give 1 to 100 characters on one line")
        }
        try Self.validate(policy, at: .device)
        let password = AppPassword.generate()
        let normalized = AppPassword.normalize(password)
        let hash = try PasswordHash.make(normalized)
        let selector = AppPassword.selector(of: normalized)!
        let now = Date()
        return try write { db in
            guard let userID = try db.queryFirst("SELECT id FROM users WHERE address = ?", [address])?.int64(0)
            else { throw Self.noSuchUser(address) }
            let id = AppPassword.deviceID()
            try db.run(
                "INSERT INTO devices (id, user_id, name, secret_selector, secret_hash, created) "
                    + "VALUES (?, ?, ?, ?, ?, ?)", [id, userID, trimmed, selector, hash, now.storeSeconds])
            try Audit.record(db, actor: actor, action: "device.add", subject: id,
                             new: "\(address) \"\(trimmed)\"")
            try store(policy, at: .device(id), in: db, actor: actor)
            let device = Device(id: id, owner: address, name: trimmed, created: Date(storeSeconds: now.storeSeconds),
                                lastSeen: nil, client: nil)
            return NewDevice(device: device, appPassword: password)
        }
    }

    static let deviceColumns = "v.id, u.address, v.name, v.created, v.last_seen, v.client"
    static let deviceTables = "devices v JOIN users u ON u.id = v.user_id"

    /// `SELECT` of the device columns with `tail` (a WHERE or ORDER BY clause).
    static func selectDevices(_ tail: String) -> String {
        "SELECT \(deviceColumns) FROM \(deviceTables) \(tail)"
    }

    static func device(from row: SQLRow) -> Device {
        Device(id: row.string(0), owner: row.string(1), name: row.string(2),
               created: Date(storeSeconds: row.int64(3)), lastSeen: row.optionalInt64(4).map(Date.init(storeSeconds:)),
               client: row.optionalString(5))
    }

    public func devices(of rawAddress: String) throws -> [Device] {
        let (address, _) = try Address.normalize(rawAddress)
        return try read { db in
            guard try db.queryFirst("SELECT 1 FROM users WHERE address = ?", [address]) != nil else {
                throw Self.noSuchUser(address)
            }
            return try db.query(Self.selectDevices("WHERE u.address = ? ORDER BY v.created, v.id"),
                                [address]).map(Self.device(from:))
        }
    }

    public func device(_ id: String) throws -> Device {
        try read { db in
            guard let row = try db.queryFirst(Self.selectDevices("WHERE v.id = ?"), [id]) else {
                throw Self.noSuchDevice(id)
            }
            return Self.device(from: row)
        }
    }

    public func removeDevice(_ id: String, actor: String) throws {
        try write { db in
            // The device columns, then its owner's id for the revocation.
            let select = "SELECT \(Self.deviceColumns), v.user_id FROM \(Self.deviceTables) WHERE v.id = ?"
            guard let row = try db.queryFirst(select, [id]) else {
                throw Self.noSuchDevice(id)
            }
            let device = Self.device(from: row)
            try Self.recordRevocation(db, userID: row.int64(6), deviceID: id, scope: .device)
            try db.run("DELETE FROM devices WHERE id = ?", [id])
            try Audit.record(db, actor: actor, action: "device.remove", subject: id,
                             old: "\(device.owner) \"\(device.name)\"")
        }
    }

    /// Records a login of the device and what the client called itself.
    public func recordDeviceSeen(_ id: String, client: String?, at date: Date = Date()) throws {
        _ = try write { db in
            if let client {
                try db.run("UPDATE devices SET last_seen = ?, client = ? WHERE id = ?",
                           [date.storeSeconds, String(client.prefix(200)), id])
            } else {
                try db.run("UPDATE devices SET last_seen = ? WHERE id = ?", [date.storeSeconds, id])
            }
        }
    }

    static func noSuchDevice(_ id: String) -> StoreError {
        .notFound("device \(id) does not exist; see `tideline device list ADDRESS`")
    }
}
