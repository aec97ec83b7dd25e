import Testing
@testable import SyncPolicy

@Suite("Resolving a chain of policy layers")
struct PolicyResolutionTests {
    func layer(_ values: [PolicySetting: PolicyValue], _ level: PolicyLevel) throws -> PolicyLayer {
        try PolicyLayer(values, at: level)
    }

    @Test("with nothing set, every value is the server default")
    func defaults() {
        let policy = PolicyChain().resolve()
        #expect(policy.windowDays == ResolvedValue(value: 5, source: .server))
        #expect(policy.maxWindowDays == ResolvedValue(value: 30, source: .server))
        #expect(policy.inboxOnly == ResolvedValue(value: true, source: .server))
        #expect(policy.inboxSubfolders == ResolvedValue(value: .allow, source: .server))
    }

    @Test("the most specific level that sets a value wins, and reports itself as the source")
    func mostSpecificWins() throws {
        let chain = PolicyChain(
            server: try layer([.windowDays: .days(3), .inboxOnly: .flag(false)], .server),
            domain: try layer([.windowDays: .days(7)], .domain),
            user: try layer([.windowDays: .days(9), .inboxSubfolders: .subfolders(.deny)], .user),
            device: try layer([.windowDays: .days(2)], .device))
        let policy = chain.resolve()
        #expect(policy.windowDays == ResolvedValue(value: 2, source: .device))
        #expect(policy.inboxOnly == ResolvedValue(value: false, source: .server))
        #expect(policy.inboxSubfolders == ResolvedValue(value: .deny, source: .user))
    }

    @Test("a window above the domain cap is clamped to it and says which level capped it")
    func domainCap() throws {
        let chain = PolicyChain(
            domain: try layer([.maxWindowDays: .days(10)], .domain),
            device: try layer([.windowDays: .days(20)], .device))
        let policy = chain.resolve()
        #expect(policy.windowDays == ResolvedValue(value: 10, source: .device, cappedBy: .domain))
        #expect(policy.maxWindowDays == ResolvedValue(value: 10, source: .domain))
        #expect(policy.window.days == 10)
    }

    @Test("a domain cap overrides the server's cap, a window under the cap is untouched")
    func capOverride() throws {
        let chain = PolicyChain(
            server: try layer([.maxWindowDays: .days(8)], .server),
            domain: try layer([.maxWindowDays: .days(20)], .domain),
            user: try layer([.windowDays: .days(15)], .user))
        let policy = chain.resolve()
        #expect(policy.windowDays == ResolvedValue(value: 15, source: .user))
        #expect(policy.maxWindowDays.source == .domain)
    }

    @Test("a cap below the default window lowers the default too")
    func capBelowDefault() throws {
        let chain = PolicyChain(domain: try layer([.maxWindowDays: .days(3)], .domain))
        #expect(chain.resolve().windowDays == ResolvedValue(value: 3, source: .server, cappedBy: .domain))
    }

    @Test("randomized chains always resolve to a window of 1...30 within the cap")
    func randomizedChains() throws {
        var generator = SplitMix64(seed: 0x7EDE11E)
        for _ in 0..<5_000 {
            var chain = PolicyChain()
            var layers: [PolicyLayer] = []
            for level in PolicyLevel.allCases {
                var layer = PolicyLayer()
                if Bool.random(using: &generator) {
                    try layer.set(.windowDays, to: .days(Int.random(in: 1...30, using: &generator)), at: level)
                }
                if level <= .domain && Bool.random(using: &generator) {
                    try layer.set(.maxWindowDays, to: .days(Int.random(in: 1...30, using: &generator)), at: level)
                }
                layers.append(layer)
            }
            chain.server = layers[0]
            chain.domain = layers[1]
            chain.user = layers[2]
            chain.device = layers[3]
            let policy = chain.resolve()
            #expect((1...30).contains(policy.windowDays.value))
            #expect(policy.windowDays.value <= policy.maxWindowDays.value)
            // The value equals the most specific setting, clamped to the effective cap.
            let set = layers.reversed().compactMap { layer -> Int? in
                if case .days(let days)? = layer[.windowDays] { return days }
                return nil
            }.first ?? 5
            #expect(policy.windowDays.value == min(set, policy.maxWindowDays.value))
        }
    }
}

/// A small seeded generator, so the randomized test is the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
