import Testing
@testable import SyncPolicy

@Suite("Parsing and validating policy values")
struct PolicyValueTests {
    @Test("window-days accepts whole days from 1 to 30", arguments: ["1", "5", "30"])
    func acceptsDays(raw: String) throws {
        #expect(try PolicyValue.parse(raw, for: .windowDays) == .days(Int(raw)!))
    }

    @Test("out-of-range and malformed days are refused with the setting, value and range",
          arguments: ["0", "31", "-3", "7x", "", " 7", "+7", "007x", "1e1", "٣"])
    func refusesBadDays(raw: String) {
        #expect(throws: PolicyError.invalidValue(setting: .windowDays, value: raw)) {
            try PolicyValue.parse(raw, for: .windowDays)
        }
        let message = PolicyError.invalidValue(setting: .windowDays, value: raw).description
        #expect(message.contains("window-days"))
        #expect(message.contains("\"\(raw)\""))
        #expect(message.contains("1 to 30"))
    }

    @Test("max-window-days has the same range")
    func capRange() throws {
        #expect(try PolicyValue.parse("12", for: .maxWindowDays) == .days(12))
        #expect(throws: PolicyError.self) { try PolicyValue.parse("31", for: .maxWindowDays) }
    }

    @Test("inbox-only takes on or off, inbox-subfolders allow or deny")
    func switches() throws {
        #expect(try PolicyValue.parse("on", for: .inboxOnly) == .flag(true))
        #expect(try PolicyValue.parse("off", for: .inboxOnly) == .flag(false))
        #expect(throws: PolicyError.invalidValue(setting: .inboxOnly, value: "yes")) {
            try PolicyValue.parse("yes", for: .inboxOnly)
        }
        #expect(try PolicyValue.parse("deny", for: .inboxSubfolders) == .subfolders(.deny))
        #expect(throws: PolicyError.self) { try PolicyValue.parse("Allow", for: .inboxSubfolders) }
    }

    @Test("the cap can only be stored for the server or a domain")
    func capLevels() throws {
        var layer = PolicyLayer()
        try layer.set(.maxWindowDays, to: .days(10), at: .domain)
        #expect(throws: PolicyError.notSettable(setting: .maxWindowDays, level: .user)) {
            try layer.set(.maxWindowDays, to: .days(10), at: .user)
        }
        #expect(throws: PolicyError.notSettable(setting: .maxWindowDays, level: .device)) {
            try layer.set(.maxWindowDays, to: .days(10), at: .device)
        }
    }

    @Test("a value of the wrong kind is refused by the layer")
    func wrongKind() {
        var layer = PolicyLayer()
        #expect(throws: PolicyError.self) { try layer.set(.windowDays, to: .flag(true), at: .user) }
        #expect(throws: PolicyError.self) { try layer.set(.windowDays, to: .days(40), at: .user) }
        #expect(layer.values.isEmpty)
    }
}
