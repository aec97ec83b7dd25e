import Foundation
import ServerCore
import SyncPolicy
import TidelineStore

/// A command that is refused with a tagged `NO` or `BAD`, with an optional response code.
struct IMAPRefusal: Error {
    enum Kind: String {
        case no = "NO"
        case bad = "BAD"
    }

    let kind: Kind
    let code: String?
    let text: String

    static func no(_ code: String?, _ text: String) -> IMAPRefusal {
        IMAPRefusal(kind: .no, code: code, text: text)
    }

    static func bad(_ text: String) -> IMAPRefusal {
        IMAPRefusal(kind: .bad, code: nil, text: text)
    }
}

/// One IMAP connection: its state (RFC 9051 3) and command dispatch. Command groups live in
/// `IMAPSession+…` files; the selected mailbox's window view lives in `SelectedMailbox`.
final class IMAPSession: Session {
    let service: IMAPService
    var connection: Connection!
    var principal: Principal?
    var policy: EffectivePolicy?
    var selected: SelectedMailbox?
    /// Extensions turned on with ENABLE (or, for CONDSTORE, by first use).
    var condstore = false
    var qresync = false
    var rev2 = false
    var idleTag: String?
    var clientID: String?
    /// The tag of an AUTHENTICATE waiting for its client response.
    var pendingAuthentication: String?

    init(service: IMAPService) {
        self.service = service
    }

    var store: Store { service.store }

    /// Whether a login may be sent here: over TLS, from this machine, or where the admin allows
    /// plaintext (RFC 9051 section 11.1).
    var loginAllowed: Bool {
        connection.isSecure || connection.isLoopback || service.allowsPlaintextLogin
    }

    var capabilities: String {
        var list = "IMAP4rev1 IMAP4rev2 LITERAL+ SASL-IR ID ENABLE IDLE"
        if principal == nil {
            if service.tls != nil && !connection.isSecure { list += " STARTTLS" }
            list += loginAllowed ? " AUTH=PLAIN" : " LOGINDISABLED"
        } else {
            list += " NAMESPACE UNSELECT UIDPLUS MOVE CONDSTORE QRESYNC LIST-EXTENDED LIST-STATUS SPECIAL-USE"
            list += " ESEARCH WITHIN CHILDREN STATUS=SIZE APPENDLIMIT=\(service.limits.maxLiteralSize)"
            list += " QUOTA QUOTA=RES-STORAGE"
        }
        return list
    }

    func start(on connection: Connection) {
        self.connection = connection
        connection.send("* OK [CAPABILITY \(capabilities)] Tideline IMAP ready\r\n")
    }

    func receive(_ frame: Frame, on connection: Connection) {
        switch frame {
        case .complete(let bytes):
            if let tag = idleTag {
                finishIdle(tag: tag, line: bytes)
            } else if let tag = pendingAuthentication {
                pendingAuthentication = nil
                continueAuthentication(tag: tag, line: bytes)
            } else {
                command(bytes)
            }
        case .oversized(.literal(let size, let limit, let synchronizing), let head):
            let tag = CommandReader(head).tagOrStar
            Log.info("imap.refused", ["conn": connection.id, "reason": "literal too big", "size": size])
            connection.send("\(tag) NO [TOOBIG] Literal of \(size) bytes is over the limit of \(limit)\r\n")
            if !synchronizing {
                // The literal's bytes are already on their way and cannot be told from commands.
                connection.close(saying: "* BYE Cannot skip an oversized non-synchronizing literal\r\n")
            }
        case .oversized(_, let head):
            let tag = CommandReader(head).tagOrStar
            Log.info("imap.refused", ["conn": connection.id, "reason": "line too long"])
            connection.send("\(tag) BAD Command line over \(service.limits.maxLineLength) bytes\r\n")
        case .malformed(let reason):
            connection.send("* BAD \(reason)\r\n")
        }
    }

    private func command(_ bytes: [UInt8]) {
        var reader = CommandReader(bytes)
        var tag = "*"
        do {
            let start = try reader.commandStart()
            tag = start.tag
            try run(start.name, tag: tag, reader: &reader)
        } catch let error as IMAPParseError {
            Log.info("imap.bad_command", ["conn": connection.id, "reason": error.reason])
            connection.send("\(error.tag ?? "*") BAD \(error.reason)\r\n")
        } catch let refusal as IMAPRefusal {
            let code = refusal.code.map { "[\($0)] " } ?? ""
            connection.send("\(tag) \(refusal.kind.rawValue) \(code)\(refusal.text)\r\n")
        } catch let error as StoreError {
            connection.send("\(tag) \(Self.response(for: error))\r\n")
        } catch {
            Log.error("imap.command_failed", ["conn": connection.id, "error": error])
            connection.send("\(tag) NO [SERVERBUG] The server failed; the error is logged\r\n")
        }
    }

    /// The tagged reply for a store error.
    static func response(for error: StoreError) -> String {
        switch error {
        case .notFound(let text): return "NO [NONEXISTENT] \(text)"
        case .conflict(let text): return "NO [ALREADYEXISTS] \(text)"
        case .invalid(let text): return "NO [CANNOT] \(text)"
        case .busy: return "NO [INUSE] The mail store is busy; try again"
        case .unusable, .sqlite:
            Log.error("imap.store_failed", ["error": error])
            return "NO [SERVERBUG] The mail store failed; the error is logged"
        }
    }

    private func run(_ name: String, tag: String, reader: inout CommandReader) throws {
        switch name {
        case "CAPABILITY":
            try reader.end()
            connection.send("* CAPABILITY \(capabilities)\r\n\(tag) OK CAPABILITY completed\r\n")
            return
        case "NOOP", "CHECK":
            try reader.end()
            var out = ResponseBuffer()
            try reportChanges(into: &out)
            out.line("\(tag) OK \(name) completed")
            connection.send(out.bytes)
            return
        case "LOGOUT":
            try reader.end()
            connection.close(saying: "* BYE Logging out\r\n\(tag) OK LOGOUT completed\r\n")
            return
        case "ID":
            try reader.space()
            try identify(tag: tag, reader: &reader)
            return
        default:
            break
        }
        guard principal != nil else {
            switch name {
            case "LOGIN", "AUTHENTICATE":
                guard loginAllowed else {
                    Log.info("imap.plaintext_login_refused", ["conn": connection.id, "peer": connection.peerHost])
                    throw IMAPRefusal.no("PRIVACYREQUIRED", "Log in over TLS: use STARTTLS first or connect to IMAPS")
                }
                if name == "LOGIN" { try login(tag: tag, reader: &reader) } else {
                    try authenticate(tag: tag, reader: &reader)
                }
            case "STARTTLS":
                try reader.end()
                guard let tls = service.tls else {
                    throw IMAPRefusal.no("CANNOT", "TLS is not configured on this server; ask its administrator")
                }
                guard !connection.isSecure else { throw IMAPRefusal.bad("TLS is already active") }
                try connection.startTLS(tls, saying: "\(tag) OK Begin TLS negotiation now\r\n")
            default:
                throw IMAPRefusal.bad(Self.known.contains(name) ? "\(name) needs a login first" : "Unknown command \(name)")
            }
            return
        }
        switch name {
        case "LOGIN", "AUTHENTICATE": throw IMAPRefusal.bad("Already logged in")
        case "ENABLE": try enable(tag: tag, reader: &reader)
        case "GETQUOTAROOT", "GETQUOTA", "SETQUOTA": try quota(name, tag: tag, reader: &reader)
        case "SELECT", "EXAMINE": try select(tag: tag, readOnly: name == "EXAMINE", reader: &reader)
        case "CREATE": try create(tag: tag, reader: &reader)
        case "DELETE": try delete(tag: tag, reader: &reader)
        case "RENAME": try rename(tag: tag, reader: &reader)
        case "SUBSCRIBE", "UNSUBSCRIBE": try subscribe(tag: tag, on: name == "SUBSCRIBE", reader: &reader)
        case "LIST": try list(tag: tag, reader: &reader)
        case "LSUB": try lsub(tag: tag, reader: &reader)
        case "NAMESPACE":
            try reader.end()
            connection.send("* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n\(tag) OK NAMESPACE completed\r\n")
        case "STATUS": try status(tag: tag, reader: &reader)
        case "APPEND": try append(tag: tag, reader: &reader)
        case "IDLE":
            try reader.end()
            startIdle(tag: tag)
        default:
            try runSelected(name, tag: tag, reader: &reader)
        }
    }

    /// Commands of the selected state, `UID` forms included.
    private func runSelected(_ name: String, tag: String, reader: inout CommandReader) throws {
        var command = name
        var byUID = false
        if name == "UID" {
            try reader.space()
            command = try reader.atom().uppercased()
            byUID = true
        }
        let selectedCommands: Set<String> = ["CLOSE", "UNSELECT", "EXPUNGE", "SEARCH", "FETCH", "STORE", "COPY",
                                             "MOVE"]
        guard selectedCommands.contains(command) else {
            throw IMAPRefusal.bad("Unknown command \(byUID ? "UID " : "")\(command)")
        }
        guard let mailbox = selected else { throw IMAPRefusal.bad("\(command) needs a selected mailbox") }
        switch (command, byUID) {
        case ("CLOSE", false): try close(tag: tag, mailbox: mailbox, expunging: true, reader: &reader)
        case ("UNSELECT", false): try close(tag: tag, mailbox: mailbox, expunging: false, reader: &reader)
        case ("EXPUNGE", _): try expunge(tag: tag, mailbox: mailbox, byUID: byUID, reader: &reader)
        case ("SEARCH", _): try search(tag: tag, mailbox: mailbox, byUID: byUID, reader: &reader)
        case ("FETCH", _): try fetch(tag: tag, mailbox: mailbox, byUID: byUID, reader: &reader)
        case ("STORE", _): try storeFlags(tag: tag, mailbox: mailbox, byUID: byUID, reader: &reader)
        case ("COPY", _), ("MOVE", _):
            try transfer(tag: tag, mailbox: mailbox, byUID: byUID, move: command == "MOVE", reader: &reader)
        default: throw IMAPRefusal.bad("UID \(command) is not a command")
        }
    }

    static let known: Set<String> = [
        "ENABLE", "SELECT", "EXAMINE", "CREATE", "DELETE", "RENAME", "SUBSCRIBE", "UNSUBSCRIBE", "LIST", "LSUB",
        "NAMESPACE", "STATUS", "APPEND", "IDLE", "CLOSE", "UNSELECT", "EXPUNGE", "SEARCH", "FETCH", "STORE", "COPY",
        "MOVE", "UID", "GETQUOTAROOT", "GETQUOTA", "SETQUOTA",
    ]

    private func identify(tag: String, reader: inout CommandReader) throws {
        clientID = try IDCommand.parse(&reader)
        if let device = principal?.device, let clientID {
            try store.recordDeviceSeen(device.id, client: clientID, at: service.clock.now())
        }
        let version = TidelineVersion.current
        connection.send("* ID (\"name\" \"Tideline\" \"version\" \"\(version)\")\r\n\(tag) OK ID completed\r\n")
    }

    private func enable(tag: String, reader: inout CommandReader) throws {
        var turnedOn: [String] = []
        while reader.skipSpace() {
            let name = try reader.atom().uppercased()
            switch name {
            case "CONDSTORE" where !condstore:
                condstore = true
                turnedOn.append(name)
            case "QRESYNC" where !qresync:
                qresync = true
                condstore = true
                turnedOn.append(name)
            case "IMAP4REV2" where !rev2:
                rev2 = true
                turnedOn.append("IMAP4rev2")
            default: break
            }
        }
        try reader.end()
        connection.send("* ENABLED\(turnedOn.map { " " + $0 }.joined())\r\n\(tag) OK ENABLE completed\r\n")
    }

    func idleTimeout(on connection: Connection) {
        connection.close(saying: "* BYE Autologout; idle for too long\r\n")
    }

    func shutdown(on connection: Connection) {
        connection.close(saying: "* BYE Server shutting down\r\n")
    }

    func revoked(on connection: Connection, reason: String) {
        Log.info("imap.session_revoked", ["conn": connection.id, "user": principal?.user.address ?? "-",
                                          "device": principal?.device?.id ?? "-", "reason": reason])
        connection.close(saying: "* BYE [UNAVAILABLE] \(reason)\r\n")
    }

    func wake(on connection: Connection) {
        guard idleTag != nil else { return }
        var out = ResponseBuffer()
        do {
            try reportChanges(into: &out)
        } catch {
            Log.error("imap.idle_refresh_failed", ["conn": connection.id, "error": error])
        }
        if !out.isEmpty { connection.send(out.bytes) }
        scheduleNextWake()
    }

    func ended(on connection: Connection) {
        if let selected { service.events.unwatch(selected.mailbox.id, from: connection) }
        selected = nil
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
