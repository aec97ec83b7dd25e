import Foundation
import SyncPolicy
import TestSupport
import Testing
@testable import TidelineStore

@Suite("Domains, users, devices, policies and the audit log")
struct AccountTests {
    let directory = TemporaryDirectory()
    let store: Store

    init() throws {
        store = try Store(directory: directory.url)
        _ = try store.addDomain("Example.ORG", actor: "admin")
    }

    @Test("names are validated and lower-cased; duplicates are conflicts")
    func names() throws {
        #expect(try store.domains().map(\.name) == ["example.org"])
        #expect(throws: StoreError.self) { try store.addDomain("bad domain", actor: "admin") }
        #expect(throws: StoreError.conflict("domain example.org already exists")) {
            try store.addDomain("example.org", actor: "admin")
        }
        let user = try store.addUser("Alice@Example.org", passwordHash: nil, actor: "admin")
        #expect(user.address == "alice@example.org")
        #expect(throws: StoreError.self) { try store.addUser("alice@example.org", passwordHash: nil, actor: "admin") }
        #expect(throws: StoreError.self) { try store.addUser("../x@example.org", passwordHash: nil, actor: "admin") }
        #expect {
            try store.addUser("bob@missing.example", passwordHash: nil, actor: "admin")
        } throws: { "\($0)".contains("tideline domain add missing.example") }
    }

    @Test("a domain with users is removed only with force, and takes its users along")
    func removeDomain() throws {
        _ = try store.addUser("alice@example.org", passwordHash: nil, actor: "admin")
        #expect(throws: StoreError.self) { try store.removeDomain("example.org", force: false, actor: "admin") }
        try store.removeDomain("example.org", force: true, actor: "admin")
        #expect(try store.users().isEmpty)
        #expect(try store.integrityProblems().isEmpty)
    }

    @Test("logins: user password, device app password, wrong password, unknown user, disabled user")
    func authentication() throws {
        _ = try store.addUser("alice@example.org", passwordHash: PasswordHash.make("correct horse"), actor: "admin")
        let added = try store.addDevice(owner: "alice@example.org", name: "Phone", actor: "admin")

        guard case .success(let own) = try store.authenticate(address: "ALICE@example.org", password: "correct horse")
        else { Issue.record("own password refused"); return }
        #expect(own.device == nil)

        guard case .success(let phone) = try store.authenticate(address: "alice@example.org", password: added.appPassword)
        else { Issue.record("app password refused"); return }
        #expect(phone.device?.id == added.device.id)

        // App passwords are accepted without dashes and in upper case, as phones often retype them.
        let retyped = added.appPassword.replacingOccurrences(of: "-", with: "").uppercased()
        guard case .success = try store.authenticate(address: "alice@example.org", password: retyped)
        else { Issue.record("retyped app password refused"); return }

        #expect(try store.authenticate(address: "alice@example.org", password: "wrong") == .failure(.invalidCredentials))
        #expect(try store.authenticate(address: "nobody@example.org", password: "x") == .failure(.invalidCredentials))
        #expect(try store.authenticate(address: "not an address", password: "x") == .failure(.invalidCredentials))

        try store.setDisabled("alice@example.org", true, actor: "admin")
        #expect(try store.authenticate(address: "alice@example.org", password: "correct horse") == .failure(.disabled))
        try store.removeDevice(added.device.id, actor: "admin")
        try store.setDisabled("alice@example.org", false, actor: "admin")
        #expect(try store.authenticate(address: "alice@example.org", password: added.appPassword)
                    == .failure(.invalidCredentials))
    }

    @Test("device records keep last login and client")
    func deviceSeen() throws {
        _ = try store.addUser("alice@example.org", passwordHash: nil, actor: "admin")
        let added = try store.addDevice(owner: "alice@example.org", name: "Phone", actor: "admin")
        let seen = Date(timeIntervalSince1970: 1_800_000_000)
        try store.recordDeviceSeen(added.device.id, client: "iOS Mail 18", at: seen)
        let device = try store.device(added.device.id)
        #expect(device.lastSeen == seen)
        #expect(device.client == "iOS Mail 18")
        #expect(try store.devices(of: "alice@example.org").map(\.id) == [added.device.id])
    }

    @Test("policies resolve along device, user, domain and server, and changes are audited")
    func policies() throws {
        _ = try store.addUser("alice@example.org", passwordHash: nil, actor: "admin")
        let added = try store.addDevice(owner: "alice@example.org", name: "Phone",
                                        policy: [(.windowDays, .days(25))], actor: "admin")
        try store.setPolicy([(.maxWindowDays, .days(14))], for: .domain("example.org"), actor: "admin")
        try store.setPolicy([(.inboxOnly, .flag(false))], for: .user("alice@example.org"), actor: "admin")

        let device = try store.effectivePolicy(for: .device(added.device.id))
        #expect(device.windowDays == ResolvedValue(value: 14, source: .device, cappedBy: .domain))
        #expect(device.inboxOnly == ResolvedValue(value: false, source: .user))

        let user = try store.effectivePolicy(for: .user("alice@example.org"))
        #expect(user.windowDays == ResolvedValue(value: 5, source: .server))

        try store.unsetPolicy([.windowDays], for: .device(added.device.id), actor: "admin")
        #expect(try store.effectivePolicy(for: .device(added.device.id)).windowDays.source == .server)

        let actions = try store.auditLog().map { "\($0.action) \($0.subject) \($0.oldValue ?? "-") \($0.newValue ?? "-")" }
        #expect(actions.contains("policy.set domain example.org max-window-days - 14"))
        #expect(actions.contains("policy.unset device \(added.device.id) window-days 25 -"))
    }

    @Test("an invalid policy stores nothing, not even the valid values beside it")
    func allOrNothing() throws {
        #expect(throws: PolicyError.self) {
            try store.setPolicy([(.windowDays, .days(7)), (.maxWindowDays, .days(9))],
                                for: .user(try store.addUser("a@example.org", passwordHash: nil, actor: "t").address),
                                actor: "admin")
        }
        #expect(try store.policyLayer(for: .user("a@example.org")).values.isEmpty)
        #expect(throws: StoreError.self) {
            try store.setPolicy([(.windowDays, .days(7))], for: .device("nope"), actor: "admin")
        }
    }

    @Test("removing a user removes its devices and policies with it")
    func cascade() throws {
        _ = try store.addUser("alice@example.org", passwordHash: nil, actor: "admin")
        let added = try store.addDevice(owner: "alice@example.org", name: "Phone",
                                        policy: [(.windowDays, .days(3))], actor: "admin")
        try store.removeUser("alice@example.org", actor: "admin")
        #expect(throws: StoreError.self) { try store.device(added.device.id) }
        let remaining = try store.read { try $0.queryFirst("SELECT count(*) FROM policies")?.int(0) }
        #expect(remaining == 0)
    }
}

@Suite("Access revocations for the running server")
struct RevocationStoreTests {
    let directory = TemporaryDirectory()
    let store: Store

    init() throws {
        store = try Store(directory: directory.url)
        _ = try store.addDomain("example.org", actor: "admin")
        _ = try store.addDomain("example.net", actor: "admin")
    }

    @Test("disabling, removing, a new password, a removed device and a removed domain each write one")
    func written() throws {
        let alice = try store.addUser("alice@example.org", passwordHash: nil, actor: "admin")
        let bob = try store.addUser("bob@example.net", passwordHash: nil, actor: "admin")
        let phone = try store.addDevice(owner: "alice@example.org", name: "Phone", actor: "admin").device
        let start = try store.latestRevocationID()
        try store.setDisabled("alice@example.org", false, actor: "admin")
        #expect(try store.revocations(after: start).isEmpty, "enabling an enabled user ends nothing")

        try store.removeDevice(phone.id, actor: "admin")
        try store.setPassword(of: "alice@example.org", passwordHash: "x", actor: "admin")
        try store.setDisabled("alice@example.org", true, actor: "admin")
        try store.setDisabled("alice@example.org", false, actor: "admin")
        try store.removeDomain("example.net", force: true, actor: "admin")
        let found = try store.revocations(after: start)
        #expect(found.map(\.scope) == [.device, .password, .user, .user])
        #expect(found.map(\.userID) == [alice.id, alice.id, alice.id, bob.id])
        #expect(found[0].deviceID == phone.id)
        #expect(try store.latestRevocationID() == found.last?.id)
        #expect(try store.revocations(after: found[1].id).count == 2)
    }

    @Test("each scope covers exactly its sessions")
    func coverage() {
        let device = AccessRevocation(id: 1, userID: 7, deviceID: "d1", scope: .device)
        #expect(device.covers(userID: 7, deviceID: "d1"))
        #expect(!device.covers(userID: 7, deviceID: "d2"))
        #expect(!device.covers(userID: 7, deviceID: nil))
        #expect(!device.covers(userID: 8, deviceID: "d1"))
        let password = AccessRevocation(id: 2, userID: 7, deviceID: nil, scope: .password)
        #expect(password.covers(userID: 7, deviceID: nil))
        #expect(!password.covers(userID: 7, deviceID: "d1"))
        let user = AccessRevocation(id: 3, userID: 7, deviceID: nil, scope: .user)
        #expect(user.covers(userID: 7, deviceID: "d1") && user.covers(userID: 7, deviceID: nil))
        #expect(!user.covers(userID: 9, deviceID: nil))
    }
}
