import Foundation
import SyncPolicy
import TidelineStore

/// `tideline policy set|unset|show`.
enum PolicyCommands {
    static let scopeOptions: Set<String> = ["domain", "user", "device"]
    static let settingOptions = Set(PolicySetting.allCases.map(\.rawValue))

    static let settingHelp = [
        "--server | --domain D | --user A | --device ID   the level to change (exactly one)",
        "--window-days N          days back a device syncs, 1-30 (default 5)",
        "--max-window-days N      cap on window-days for users and devices below (server or domain only)",
        "--inbox-only on|off      devices subscribe to INBOX alone (default on)",
        "--inbox-subfolders allow|deny   whether devices may create folders below INBOX (default allow)",
    ]

    /// The one level named by `--server`, `--domain`, `--user` or `--device`.
    static func scope(_ arguments: Arguments) throws(UsageError) -> PolicyScope {
        var scopes: [PolicyScope] = []
        if arguments.has("server") { scopes.append(.server) }
        if let domain = arguments.value("domain") { scopes.append(.domain(domain)) }
        if let user = arguments.value("user") { scopes.append(.user(user)) }
        if let device = arguments.value("device") { scopes.append(.device(device)) }
        guard scopes.count == 1 else {
            throw UsageError(message: scopes.isEmpty
                ? "name the level: --server, --domain DOMAIN, --user ADDRESS or --device ID"
                : "name only one level of --server, --domain, --user and --device")
        }
        return scopes[0]
    }

    static func set(_ context: CommandContext) throws {
        _ = try context.arguments.expect()
        let scope = try scope(context.arguments)
        var values: [(PolicySetting, PolicyValue)] = []
        for setting in PolicySetting.allCases {
            if let raw = context.arguments.value(setting.rawValue) {
                values.append((setting, try PolicyValue.parse(raw, for: setting)))
            }
        }
        guard !values.isEmpty else {
            throw UsageError(message: "give at least one setting, e.g. --window-days 7")
        }
        let store = try context.openStore()
        try store.setPolicy(values, for: scope, actor: context.actor)
        let changes = values.map { "\($0.0.rawValue)=\($0.1)" }.joined(separator: " ")
        Output.line("set \(changes) for \(scope)")
        if scope.level != .server {
            let effective = try store.effectivePolicy(for: scope)
            if effective.windowDays.cappedBy != nil {
                Output.line("note: window-days is capped at \(effective.windowDays.value)" + capNote(effective))
            }
        }
    }

    static func unset(_ context: CommandContext) throws {
        let scope = try scope(context.arguments)
        guard !context.arguments.positionals.isEmpty else {
            throw UsageError(message: "name at least one SETTING to unset")
        }
        var settings: [PolicySetting] = []
        for name in context.arguments.positionals {
            guard let setting = PolicySetting(rawValue: name) else { throw PolicyError.unknownSetting(name) }
            settings.append(setting)
        }
        try context.openStore().unsetPolicy(settings, for: scope, actor: context.actor)
        Output.line("unset \(settings.map(\.rawValue).joined(separator: " ")) for \(scope)")
    }

    static func show(_ context: CommandContext) throws {
        _ = try context.arguments.expect()
        let scope = try scope(context.arguments)
        let effective = try context.openStore().effectivePolicy(for: scope)
        if context.json {
            var object: [String: Any] = [:]
            for entry in effective.entries {
                var item: [String: Any] = ["source": entry.source.rawValue]
                item["value"] = entry.setting == .windowDays || entry.setting == .maxWindowDays
                    ? Int(entry.value)! as Any : entry.value
                if let cappedBy = entry.cappedBy { item["capped-by"] = cappedBy.rawValue }
                object[entry.setting.rawValue] = item
            }
            Output.json(object)
            return
        }
        Output.line("effective policy of \(scope):")
        Output.table([["SETTING", "VALUE", "FROM"]] + effective.entries.map { entry in
            let from = entry.source.rawValue + (entry.cappedBy.map { ", capped by \($0.rawValue)" } ?? "")
            return [entry.setting.rawValue, entry.value, from]
        })
    }

    /// ` (capped by the domain's max-window-days)` when the window was lowered by a cap.
    static func capNote(_ policy: EffectivePolicy) -> String {
        guard let cap = policy.windowDays.cappedBy else { return "" }
        return " (capped by the \(cap.rawValue)'s max-window-days)"
    }
}
