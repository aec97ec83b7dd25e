/// A setting of the sync policy, named as admins type it on the command line.
public enum PolicySetting: String, Sendable, CaseIterable, Codable {
    /// Whole days back from now that a device syncs.
    case windowDays = "window-days"
    /// A domain's cap on the window that users and devices under it may get.
    case maxWindowDays = "max-window-days"
    /// Whether devices auto-sync (subscribe to) INBOX alone.
    case inboxOnly = "inbox-only"
    /// Whether devices may create folders below INBOX.
    case inboxSubfolders = "inbox-subfolders"

    /// The levels at which the setting may be stored.
    ///
    /// The cap belongs to the server and to domains: letting a user raise their own cap would
    /// defeat it.
    public var settableLevels: [PolicyLevel] {
        switch self {
        case .maxWindowDays: return [.server, .domain]
        case .windowDays, .inboxOnly, .inboxSubfolders: return PolicyLevel.allCases
        }
    }

    /// The allowed values in words, for error messages and help.
    public var allowedValues: String {
        switch self {
        case .windowDays, .maxWindowDays: return "a whole number of days from 1 to \(SyncLimits.maxDays)"
        case .inboxOnly: return "on or off"
        case .inboxSubfolders: return "allow or deny"
        }
    }
}

/// Hard limits of the policy model.
public enum SyncLimits {
    /// No device ever syncs more than this many days back.
    public static let maxDays = 30
    /// The window a device gets when nobody set one.
    public static let defaultWindowDays = 5
}

/// Whether folders below INBOX may be created by devices.
public enum SubfolderRule: String, Sendable, Codable, CaseIterable {
    case allow
    case deny
}

/// A validated value for one setting.
public enum PolicyValue: Sendable, Equatable, CustomStringConvertible {
    case days(Int)
    case flag(Bool)
    case subfolders(SubfolderRule)

    /// The value as admins type it: `7`, `on`, `deny`.
    public var description: String {
        switch self {
        case .days(let n): return String(n)
        case .flag(let on): return on ? "on" : "off"
        case .subfolders(let rule): return rule.rawValue
        }
    }

    /// Parses and validates a raw value for `setting`.
    ///
    /// - Throws: `PolicyError.invalidValue` naming the setting, the value and the allowed range
    ///   for anything out of range or malformed (`0`, `31`, `-3`, `7x`, the empty string).
    public static func parse(_ raw: String, for setting: PolicySetting) throws(PolicyError) -> PolicyValue {
        let invalid = PolicyError.invalidValue(setting: setting, value: raw)
        switch setting {
        case .windowDays, .maxWindowDays:
            // Only plain ASCII digits: no sign, no spaces, no "7x".
            guard !raw.isEmpty, raw.count <= 3, raw.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let days = Int(raw), (1...SyncLimits.maxDays).contains(days)
            else { throw invalid }
            return .days(days)
        case .inboxOnly:
            switch raw {
            case "on": return .flag(true)
            case "off": return .flag(false)
            default: throw invalid
            }
        case .inboxSubfolders:
            guard let rule = SubfolderRule(rawValue: raw) else { throw invalid }
            return .subfolders(rule)
        }
    }

    /// Whether this value is of the kind `setting` takes; used when reading stored values.
    public func fits(_ setting: PolicySetting) -> Bool {
        switch (setting, self) {
        case (.windowDays, .days(let n)), (.maxWindowDays, .days(let n)):
            return (1...SyncLimits.maxDays).contains(n)
        case (.inboxOnly, .flag), (.inboxSubfolders, .subfolders): return true
        default: return false
        }
    }
}

/// Why a policy value or assignment was refused. Nothing is stored when one is thrown.
public enum PolicyError: Error, Equatable, CustomStringConvertible {
    case invalidValue(setting: PolicySetting, value: String)
    case unknownSetting(String)
    case notSettable(setting: PolicySetting, level: PolicyLevel)

    public var description: String {
        switch self {
        case .invalidValue(let setting, let value):
            return "invalid value \"\(value)\" for \(setting.rawValue): expected \(setting.allowedValues)"
        case .unknownSetting(let name):
            let known = PolicySetting.allCases.map(\.rawValue).joined(separator: ", ")
            return "unknown setting \"\(name)\": expected one of \(known)"
        case .notSettable(let setting, let level):
            let levels = setting.settableLevels.map(\.rawValue).joined(separator: " or ")
            return "\(setting.rawValue) cannot be set for a \(level.rawValue); set it for the \(levels)"
        }
    }
}
