import Foundation
import TidelineStore

/// `tideline domain …`, `tideline user …` and `tideline audit`.
enum AccountCommands {
    static func domainAdd(_ context: CommandContext) throws {
        let name = try context.arguments.expect("DOMAIN")[0]
        let domain = try context.openStore().addDomain(name, actor: context.actor)
        Output.line("domain \(domain.name) added")
    }

    static func domainRemove(_ context: CommandContext) throws {
        let name = try context.arguments.expect("DOMAIN")[0]
        try context.openStore().removeDomain(name, force: context.arguments.has("force"), actor: context.actor)
        Output.line("domain \(name.lowercased()) removed")
    }

    static func domainList(_ context: CommandContext) throws {
        _ = try context.arguments.expect()
        let domains = try context.openStore().domains()
        if context.json {
            Output.json(domains.map {
                ["name": $0.name, "users": $0.userCount, "created": Output.timestamp($0.created)] as [String: Any]
            })
            return
        }
        guard !domains.isEmpty else {
            Output.line("no domains yet; add one with `tideline domain add DOMAIN`")
            return
        }
        Output.table([["DOMAIN", "USERS", "CREATED"]]
            + domains.map { [$0.name, String($0.userCount), Output.timestamp($0.created)] })
    }

    static func userAdd(_ context: CommandContext) throws {
        let address = try context.arguments.expect("ADDRESS")[0]
        let store = try context.openStore()
        // Fail on a bad address or missing domain before asking for a password.
        _ = try Address.normalize(address)
        let password = try PasswordInput.read(fromStdin: context.arguments.has("password-stdin"), required: false)
        let user = try store.addUser(address, passwordHash: password.map(PasswordHash.make), actor: context.actor)
        Output.line("user \(user.address) added")
        if password == nil {
            Output.line("no password set: the user logs in with device app passwords "
                + "(`tideline device add \(user.address) --name NAME`)")
            Output.line("or gets one with `tideline user passwd \(user.address)`")
        }
    }

    static func userPasswd(_ context: CommandContext) throws {
        let address = try context.arguments.expect("ADDRESS")[0]
        let store = try context.openStore()
        _ = try store.user(address)
        let password = try PasswordInput.read(fromStdin: context.arguments.has("password-stdin"), required: true)!
        try store.setPassword(of: address, passwordHash: PasswordHash.make(password), actor: context.actor)
        Output.line("password of \(address.lowercased()) changed")
    }

    static func userDisable(_ context: CommandContext) throws {
        let address = try context.arguments.expect("ADDRESS")[0]
        try context.openStore().setDisabled(address, true, actor: context.actor)
        Output.line("user \(address.lowercased()) disabled; logins are refused, data is kept")
    }

    static func userEnable(_ context: CommandContext) throws {
        let address = try context.arguments.expect("ADDRESS")[0]
        try context.openStore().setDisabled(address, false, actor: context.actor)
        Output.line("user \(address.lowercased()) enabled")
    }

    static func userRemove(_ context: CommandContext) throws {
        let address = try context.arguments.expect("ADDRESS")[0]
        try context.openStore().removeUser(address, actor: context.actor)
        Output.line("user \(address.lowercased()) removed")
    }

    static func userList(_ context: CommandContext) throws {
        _ = try context.arguments.expect()
        let users = try context.openStore().users(inDomain: context.arguments.value("domain"))
        if context.json {
            Output.json(users.map {
                ["address": $0.address, "domain": $0.domain, "disabled": $0.disabled, "has_password": $0.hasPassword,
                 "created": Output.timestamp($0.created)] as [String: Any]
            })
            return
        }
        guard !users.isEmpty else {
            Output.line("no users; add one with `tideline user add ADDRESS`")
            return
        }
        Output.table([["ADDRESS", "STATE", "PASSWORD", "CREATED"]] + users.map {
            [$0.address, $0.disabled ? "disabled" : "enabled", $0.hasPassword ? "set" : "none",
             Output.timestamp($0.created)]
        })
    }

    static func audit(_ context: CommandContext) throws {
        _ = try context.arguments.expect()
        let limit = try context.arguments.integer("limit", in: 1...100_000) ?? 50
        let entries = try context.openStore().auditLog(limit: limit)
        if context.json {
            Output.json(entries.map {
                ["at": Output.timestamp($0.at), "actor": $0.actor, "action": $0.action, "subject": $0.subject,
                 "old": $0.oldValue ?? NSNull(), "new": $0.newValue ?? NSNull()] as [String: Any]
            })
            return
        }
        Output.table([["AT", "ACTOR", "ACTION", "SUBJECT", "CHANGE"]] + entries.map {
            let change = [$0.oldValue.map { "\($0) ->" } ?? ($0.newValue == nil ? "" : "->"), $0.newValue ?? ""]
                .joined(separator: " ").trimmingCharacters(in: .whitespaces)
            return [Output.timestamp($0.at), $0.actor, $0.action, $0.subject, change]
        })
    }
}
