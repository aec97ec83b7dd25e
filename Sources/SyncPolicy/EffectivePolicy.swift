/// One resolved value and the level that supplied it.
public struct ResolvedValue<Value: Sendable & Equatable>: Sendable, Equatable {
    public let value: Value
    public let source: PolicyLevel
    /// The level whose cap lowered the value, when the value as set was above a cap.
    public let cappedBy: PolicyLevel?

    public init(value: Value, source: PolicyLevel, cappedBy: PolicyLevel? = nil) {
        self.value = value
        self.source = source
        self.cappedBy = cappedBy
    }
}

/// The layers that apply to one device (or to a user, a domain), least specific first.
///
/// Missing layers are empty: a user's own login (no registered device) resolves with an empty
/// device layer, and a domain's policy with empty user and device layers.
public struct PolicyChain: Sendable, Equatable {
    public var server: PolicyLayer
    public var domain: PolicyLayer
    public var user: PolicyLayer
    public var device: PolicyLayer

    public init(
        server: PolicyLayer = PolicyLayer(), domain: PolicyLayer = PolicyLayer(),
        user: PolicyLayer = PolicyLayer(), device: PolicyLayer = PolicyLayer()
    ) {
        self.server = server
        self.domain = domain
        self.user = user
        self.device = device
    }

    /// The layers with their levels, most specific first.
    private var mostSpecificFirst: [(PolicyLevel, PolicyLayer)] {
        [(.device, device), (.user, user), (.domain, domain), (.server, server)]
    }

    private func find(_ setting: PolicySetting) -> (PolicyValue, PolicyLevel)? {
        for (level, layer) in mostSpecificFirst {
            if let value = layer[setting] { return (value, level) }
        }
        return nil
    }

    /// Resolves the chain: the most specific value set wins, and the window is clamped to the
    /// effective cap (itself never above the server limit of 30 days).
    public func resolve() -> EffectivePolicy {
        var cap = ResolvedValue(value: SyncLimits.maxDays, source: .server)
        if case let (.days(days), level)? = find(.maxWindowDays) {
            cap = ResolvedValue(value: min(days, SyncLimits.maxDays), source: level)
        }
        var window = ResolvedValue(value: SyncLimits.defaultWindowDays, source: .server)
        if case let (.days(days), level)? = find(.windowDays) {
            window = ResolvedValue(value: days, source: level)
        }
        if window.value > cap.value {
            window = ResolvedValue(value: cap.value, source: window.source, cappedBy: cap.source)
        }
        var inboxOnly = ResolvedValue(value: true, source: .server)
        if case let (.flag(on), level)? = find(.inboxOnly) {
            inboxOnly = ResolvedValue(value: on, source: level)
        }
        var subfolders = ResolvedValue(value: SubfolderRule.allow, source: .server)
        if case let (.subfolders(rule), level)? = find(.inboxSubfolders) {
            subfolders = ResolvedValue(value: rule, source: level)
        }
        return EffectivePolicy(
            windowDays: window, maxWindowDays: cap, inboxOnly: inboxOnly, inboxSubfolders: subfolders)
    }
}

/// The policy a device (or user, or domain) actually gets, with the source of every value.
public struct EffectivePolicy: Sendable, Equatable {
    public let windowDays: ResolvedValue<Int>
    public let maxWindowDays: ResolvedValue<Int>
    public let inboxOnly: ResolvedValue<Bool>
    public let inboxSubfolders: ResolvedValue<SubfolderRule>

    /// The sync window this policy gives.
    public var window: SyncWindow {
        SyncWindow(days: windowDays.value)
    }

    /// Every setting with its value in admin words, its source and any cap, in a fixed order.
    public var entries: [(setting: PolicySetting, value: String, source: PolicyLevel, cappedBy: PolicyLevel?)] {
        [
            (.windowDays, String(windowDays.value), windowDays.source, windowDays.cappedBy),
            (.maxWindowDays, String(maxWindowDays.value), maxWindowDays.source, nil),
            (.inboxOnly, inboxOnly.value ? "on" : "off", inboxOnly.source, nil),
            (.inboxSubfolders, inboxSubfolders.value.rawValue, inboxSubfolders.source, nil),
        ]
    }
}
