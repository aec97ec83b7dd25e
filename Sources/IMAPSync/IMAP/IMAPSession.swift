import Foundation
import ServerCore
import SyncPolicy
import TidelineStore

/// One IMAP connection's state and command handling (RFC 9051 section 3 states).
final class IMAPSession: Session {
    enum State {
        case notAuthenticated
        case authenticated(Principal)
        case logout
    }

    let service: IMAPService
    var state = State.notAuthenticated
    var clientID: String?

    init(service: IMAPService) {
        self.service = service
    }

    var capabilities: String {
        "IMAP4rev1 LITERAL+ ID"
    }

    func start(on connection: Connection) {
        connection.send("* OK [CAPABILITY \(capabilities)] Tideline IMAP ready\r\n")
    }

    func receive(_ frame: Frame, on connection: Connection) {
        switch frame {
        case .complete(let bytes):
            var reader = CommandReader(bytes)
            do {
                let (tag, name) = try reader.commandStart()
                try run(name, tag: tag, reader: &reader, on: connection)
            } catch let error as IMAPParseError {
                Log.info("imap.bad_command", ["conn": connection.id, "reason": error.reason])
                connection.send("\(error.tag ?? "*") BAD \(error.reason)\r\n")
            } catch {
                Log.error("imap.command_failed", ["conn": connection.id, "error": error])
                connection.send("\(reader.tag ?? "*") NO [SERVERBUG] The server failed; the error is logged\r\n")
            }
        case .oversized(.literal(let size, let limit, let synchronizing), let head):
            let tag = CommandReader(head).tagOrStar
            connection.send("\(tag) NO [TOOBIG] Literal of \(size) bytes is over the limit of \(limit)\r\n")
            if !synchronizing {
                // The literal's bytes are already on their way and cannot be told from commands.
                connection.close(saying: "* BYE Cannot skip an oversized non-synchronizing literal\r\n")
            }
        case .oversized(_, let head):
            let tag = CommandReader(head).tagOrStar
            connection.send("\(tag) BAD Command line over \(service.limits.maxLineLength) bytes\r\n")
        case .malformed(let reason):
            connection.send("* BAD \(reason)\r\n")
        }
    }

    private func run(_ name: String, tag: String, reader: inout CommandReader, on connection: Connection) throws {
        switch name {
        case "CAPABILITY":
            try reader.end()
            connection.send("* CAPABILITY \(capabilities)\r\n\(tag) OK CAPABILITY completed\r\n")
        case "NOOP":
            try reader.end()
            connection.send("\(tag) OK NOOP completed\r\n")
        case "LOGOUT":
            try reader.end()
            state = .logout
            connection.close(saying: "* BYE Logging out\r\n\(tag) OK LOGOUT completed\r\n")
        case "ID":
            try reader.space()
            clientID = try IDCommand.parse(&reader)
            let version = TidelineVersion.current
            connection.send("* ID (\"name\" \"Tideline\" \"version\" \"\(version)\")\r\n\(tag) OK ID completed\r\n")
        case "LOGIN":
            try reader.space()
            let user = try reader.astring()
            try reader.space()
            let password = try reader.astring()
            try reader.end()
            try login(tag: tag, user: user, password: password, on: connection)
        default:
            // Limitation: only CAPABILITY, NOOP, LOGOUT, ID and LOGIN are served so far.
            connection.send("\(tag) BAD Unknown or unsupported command \(name)\r\n")
        }
    }

    private func login(tag: String, user: String, password: String, on connection: Connection) throws {
        guard case .notAuthenticated = state else {
            connection.send("\(tag) BAD Already logged in\r\n")
            return
        }
        switch try service.store.authenticate(address: user, password: password) {
        case .success(let principal):
            state = .authenticated(principal)
            connection.idleTimeout = service.limits.authenticatedIdleTimeout
            if let device = principal.device {
                try service.store.recordDeviceSeen(device.id, client: clientID, at: service.clock.now())
            }
            Log.info("imap.login", ["conn": connection.id, "peer": connection.peerHost, "user": principal.user.address,
                                    "device": principal.device?.id ?? "-"])
            connection.send("\(tag) OK [CAPABILITY \(capabilities)] Logged in\r\n")
        case .failure(let failure):
            Log.info("imap.login_failed", ["conn": connection.id, "peer": connection.peerHost, "user": user,
                                           "reason": failure == .disabled ? "disabled" : "invalid credentials"])
            let text = failure == .disabled
                ? "[CONTACTADMIN] Account disabled" : "[AUTHENTICATIONFAILED] Invalid credentials"
            connection.send("\(tag) NO \(text)\r\n")
        }
    }

    func idleTimeout(on connection: Connection) {
        connection.close(saying: "* BYE Autologout; idle for too long\r\n")
    }

    func shutdown(on connection: Connection) {
        connection.close(saying: "* BYE Server shutting down\r\n")
    }
}

extension CommandReader {
    /// The tag of a (possibly truncated) command, or `*` when none can be read.
    var tagOrStar: String {
        var copy = self
        return (try? copy.commandStart().tag) ?? "*"
    }
}

/// The client identification of RFC 2971: `ID NIL` or `ID ("name" "value" …)`.
enum IDCommand {
    /// Returns the client's name and version as one string for the device record.
    static func parse(_ reader: inout CommandReader) throws(IMAPParseError) -> String? {
        if reader.peek() != UInt8(ascii: "(") {
            let nilAtom = try reader.atom()
            guard nilAtom.uppercased() == "NIL" else { throw reader.fail("Expected NIL or a parameter list") }
            try reader.end()
            return nil
        }
        try reader.expect(UInt8(ascii: "("))
        var fields: [String: String] = [:]
        while reader.peek() != UInt8(ascii: ")") {
            if !fields.isEmpty { try reader.space() }
            let key = String(decoding: try reader.string(), as: UTF8.self).lowercased()
            try reader.space()
            let value: String?
            if reader.peek() == UInt8(ascii: "\"") || reader.peek() == UInt8(ascii: "{") {
                value = String(decoding: try reader.string(), as: UTF8.self)
            } else {
                guard try reader.atom().uppercased() == "NIL" else { throw reader.fail("Expected a string or NIL") }
                value = nil
            }
            guard fields.count < 30 else { throw reader.fail("Too many ID fields") }
            fields[key] = value ?? ""
        }
        try reader.expect(UInt8(ascii: ")"))
        try reader.end()
        let parts = [fields["name"], fields["version"], fields["os"]].compactMap { $0 }.filter { !$0.isEmpty }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }
}
