import Foundation
import ServerCore
import SyncPolicy
import TidelineStore

/// The demo account of `tideline serve --demo`: made once, reused on later runs.
struct DemoAccount {
    static let domain = "demo.test"
    static let address = "demo@demo.test"
    static let password = "demo-password"
    static let deviceName = "Demo phone"

    let device: Device
    /// The device's app password, known only on the run that created the device.
    let appPassword: String?

    static func ensure(in store: Store) throws -> DemoAccount {
        let actor = "serve --demo"
        if try !store.domains().contains(where: { $0.name == domain }) {
            _ = try store.addDomain(domain, actor: actor)
        }
        if try !store.users(inDomain: domain).contains(where: { $0.address == address }) {
            _ = try store.addUser(address, passwordHash: PasswordHash.make(password), actor: actor)
        }
        if let existing = try store.devices(of: address).first(where: { $0.name == deviceName }) {
            return DemoAccount(device: existing, appPassword: nil)
        }
        let added = try store.addDevice(owner: address, name: deviceName, actor: actor)
        Log.info("demo.created", ["user": address, "device": added.device.id])
        return DemoAccount(device: added.device, appPassword: added.appPassword)
    }

    func printInstructions(_ bound: BoundAddresses) {
        guard let imap = bound.imap, let dav = bound.dav, let lmtp = bound.lmtp else { return }
        var text = """
        Tideline demo is running. Stop it with Ctrl-C.
          IMAP    \(imap)   user \(Self.address)   password \(Self.password)
          CalDAV  http://\(dav)/.well-known/caldav    (calendars at http://\(dav)/dav/calendars/\(Self.address)/)
          CardDAV http://\(dav)/.well-known/carddav   (contacts at http://\(dav)/dav/addressbooks/\(Self.address)/)
          Files   http://\(dav)/dav/files/\(Self.address)/   (WebDAV; same login)
          LMTP    \(lmtp)   deliver to \(Self.address)
          IMAPS   \(bound.imaps.map { "\($0)" } ?? "off")   HTTPS \(bound.https.map { "https://\($0)/" } ?? "off")
          device  \(device.id) ("\(Self.deviceName)")
        """
        if let appPassword {
            text += "   app password \(appPassword) (shown once)"
        } else {
            text += "   its app password was shown when it was made; "
                + "`tideline device add \(Self.address) --name NAME` makes another"
        }
        let connect = "m = imaplib.IMAP4('\(imap.host)', \(imap.port))"
        let login = "m.login('\(Self.address)', '\(Self.password)')"
        text += "\n  Try: python3 -c \"import imaplib; \(connect); print(\(login))\""
        text += "\n       curl -u \(Self.address):\(Self.password) -X PROPFIND -H 'Depth: 1' "
            + "http://\(dav)/dav/calendars/\(Self.address)/\n"
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

/// Where `serve` listens, for the demo's instructions.
struct BoundAddresses {
    var imap: ListenAddress?
    var dav: ListenAddress?
    var lmtp: ListenAddress?
    var imaps: ListenAddress?
    var https: ListenAddress?
}
