import Foundation
import TidelineStore

/// `tideline user quota` and `tideline quota default`: storage limits for mail and DAV data.
enum QuotaCommands {
    static let sizeHelp = [
        "SIZE is a number of bytes with an optional K, M, G or T suffix (1024-based), e.g. 500M or 2G,",
        "or `unlimited`; `default` returns a user to the server-wide default (built in: 10G).",
        "Over quota: IMAP APPEND and COPY get NO [OVERQUOTA], LMTP 552 5.2.2, DAV PUT 507.",
    ]

    static func user(_ context: CommandContext) throws {
        let positionals = context.arguments.positionals
        guard (1...2).contains(positionals.count) else {
            let problem = positionals.isEmpty ? "missing ADDRESS" : "unexpected argument \"\(positionals[2])\""
            throw UsageError(message: problem)
        }
        let store = try context.openStore()
        let address = positionals[0]
        if positionals.count == 2 {
            guard let setting = QuotaSetting(parsing: positionals[1]) else {
                throw CommandFailure(code: ExitCode.dataError,
                                     message: "quota \"\(positionals[1])\" is not a size like 500M or 2G, "
                                         + "`unlimited` or `default`; nothing was changed")
            }
            try store.setQuota(of: address, to: setting, actor: context.actor)
        }
        let user = try store.user(address)
        let setting = try store.quotaSetting(of: address)
        let usage = try store.storageUsage(userID: user.id)
        if context.json {
            Output.json(["address": user.address, "quota": setting.description, "used_bytes": usage.used,
                         "limit_bytes": usage.limit.map { $0 as Any } ?? NSNull()] as [String: Any])
            return
        }
        let limit = usage.limit.map { QuotaSetting.format($0) } ?? "unlimited"
        Output.line("\(user.address): \(usage.used) bytes in use of \(limit) (quota: \(setting))")
    }

    static func serverDefault(_ context: CommandContext) throws {
        let positionals = context.arguments.positionals
        guard positionals.count <= 1 else { throw UsageError(message: "unexpected argument \"\(positionals[1])\"") }
        let store = try context.openStore()
        if let text = positionals.first {
            guard let setting = QuotaSetting(parsing: text), setting != .serverDefault else {
                throw CommandFailure(code: ExitCode.dataError,
                                     message: "default quota \"\(text)\" is not a size like 10G or `unlimited`; "
                                         + "nothing was changed")
            }
            try store.setDefaultQuota(setting, actor: context.actor)
        }
        let setting = try store.defaultQuota()
        if context.json {
            Output.json(["default_quota": setting.description])
        } else {
            Output.line("default quota: \(setting)")
        }
    }
}
