import Foundation
import SyncPolicy
import TidelineStore

/// `tideline device …`.
enum DeviceCommands {
    static func add(_ context: CommandContext) throws {
        let owner = try context.arguments.expect("ADDRESS")[0]
        guard let name = context.arguments.value("name") else { throw UsageError(message: "--name is required") }
        var policy: [(PolicySetting, PolicyValue)] = []
        if let days = context.arguments.value("window-days") {
            policy.append((.windowDays, try PolicyValue.parse(days, for: .windowDays)))
        }
        let store = try context.openStore()
        let added = try store.addDevice(owner: owner, name: name, policy: policy, actor: context.actor)
        let effective = try store.effectivePolicy(for: .device(added.device.id))
        if context.json {
            Output.json(["id": added.device.id, "owner": added.device.owner, "name": added.device.name,
                         "app_password": added.appPassword, "window_days": effective.windowDays.value])
            return
        }
        Output.line("device \(added.device.id) added for \(added.device.owner) (\"\(added.device.name)\")")
        Output.line("app password: \(added.appPassword)")
        Output.line("It is shown only now: enter it in the device's mail and calendar accounts as the password.")
        let note = PolicyCommands.capNote(effective)
        Output.line("The device syncs \(effective.windowDays.value) day(s) back\(note).")
    }

    static func list(_ context: CommandContext) throws {
        let owner = try context.arguments.expect("ADDRESS")[0]
        let devices = try context.openStore().devices(of: owner)
        if context.json {
            Output.json(devices.map {
                ["id": $0.id, "owner": $0.owner, "name": $0.name, "created": Output.timestamp($0.created),
                 "last_seen": $0.lastSeen.map(Output.timestamp) ?? NSNull(), "client": $0.client ?? NSNull()]
                    as [String: Any]
            })
            return
        }
        guard !devices.isEmpty else {
            let address = owner.lowercased()
            Output.line("\(address) has no devices; add one with `tideline device add \(address) --name NAME`")
            return
        }
        Output.table([["ID", "NAME", "CREATED", "LAST SEEN", "CLIENT"]] + devices.map {
            [$0.id, $0.name, Output.timestamp($0.created), Output.timestamp($0.lastSeen), $0.client ?? "-"]
        })
    }

    static func remove(_ context: CommandContext) throws {
        let id = try context.arguments.expect("ID")[0]
        try context.openStore().removeDevice(id, actor: context.actor)
        Output.line("device \(id) removed")
    }
}
