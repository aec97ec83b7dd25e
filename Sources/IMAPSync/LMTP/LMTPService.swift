import Foundation
import ServerCore
import SyncPolicy
import TidelineStore

/// The LMTP listener's service (RFC 2033), for the site's MTA.
public struct LMTPService: Service {
    public let name = "lmtp"
    public let initialIdleTimeout: Double = 300
    public let store: Store
    public let clock: any WallClock
    public let events: MailboxEvents
    public var maxMessageSize = 50 << 20
    public var hostName: String
    /// Offered as STARTTLS (RFC 3207) when set.
    public let tls: TLSContext?

    public init(store: Store, clock: any WallClock, events: MailboxEvents, hostName: String? = nil,
                tls: TLSContext? = nil) {
        self.store = store
        self.clock = clock
        self.events = events
        self.hostName = hostName ?? ProcessInfo.processInfo.hostName
        self.tls = tls
    }

    public var refusal: [UInt8] {
        Array("421 4.3.2 Too many connections; try again later\r\n".utf8)
    }

    public func makeFramer() -> any Framer {
        LMTPFramer(maxLineLength: 4096, maxMessageSize: maxMessageSize)
    }

    public func makeSession(for connection: Connection) -> any Session {
        LMTPSession(service: self)
    }
}

/// One LMTP transaction at a time: LHLO, MAIL FROM, RCPT TO…, DATA, with one reply per
/// accepted recipient after the message.
final class LMTPSession: Session {
    let service: LMTPService
    private var greeted = false
    private var sender: String?
    private var recipients: [User] = []
    private var receivingData = false

    init(service: LMTPService) {
        self.service = service
    }

    func start(on connection: Connection) {
        connection.send("220 \(service.hostName) LMTP Tideline \(TidelineVersion.current) ready\r\n")
    }

    func receive(_ frame: Frame, on connection: Connection) {
        switch frame {
        case .complete(let bytes):
            if receivingData {
                receivingData = false
                deliver(Self.unstuff(bytes), on: connection)
                return
            }
            let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .newlines)
            command(line, on: connection)
        case .oversized(.line(let limit), _):
            connection.send("500 5.5.2 Line over \(limit) bytes\r\n")
        case .oversized(_, _), .malformed(_):
            receivingData = false
            // One reply per recipient, as after any message (RFC 2033 4.2).
            let reply = "552 5.3.4 Message over \(service.maxMessageSize) bytes\r\n"
            connection.send(String(repeating: reply, count: max(1, recipients.count)))
            reset()
        }
    }

    private func command(_ line: String, on connection: Connection) {
        let verb = line.split(separator: " ", maxSplits: 1).first.map { $0.uppercased() } ?? ""
        let argument = line.count > verb.count ? String(line.dropFirst(verb.count + 1)) : ""
        switch verb {
        case "LHLO":
            greeted = true
            reset()
            let startTLS = service.tls != nil && !connection.isSecure ? "250-STARTTLS\r\n" : ""
            connection.send("250-\(service.hostName)\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n"
                + "250-8BITMIME\r\n\(startTLS)250 SIZE \(service.maxMessageSize)\r\n")
        case "STARTTLS":
            guard let tls = service.tls, !connection.isSecure else {
                return connection.send("454 4.7.0 TLS not available\r\n")
            }
            // RFC 3207 4.2: the client starts over with LHLO after the handshake.
            greeted = false
            reset()
            do {
                try connection.startTLS(tls, saying: "220 2.0.0 Ready to start TLS\r\n")
            } catch {
                Log.error("lmtp.starttls_failed", ["conn": connection.id, "error": error])
                connection.send("454 4.7.0 TLS not available\r\n")
            }
        case "MAIL":
            guard greeted else { return connection.send("503 5.5.1 Send LHLO first\r\n") }
            guard sender == nil else { return connection.send("503 5.5.1 Sender already given\r\n") }
            guard let path = Self.path(after: "FROM:", in: argument) else {
                return connection.send("501 5.5.4 Syntax: MAIL FROM:<address>\r\n")
            }
            sender = path
            connection.send("250 2.1.0 Sender OK\r\n")
        case "RCPT":
            guard sender != nil else { return connection.send("503 5.5.1 Send MAIL FROM first\r\n") }
            guard let path = Self.path(after: "TO:", in: argument), !path.isEmpty else {
                return connection.send("501 5.5.4 Syntax: RCPT TO:<address>\r\n")
            }
            recipient(path, on: connection)
        case "DATA":
            guard !recipients.isEmpty else {
                connection.resumeFraming()
                return connection.send("503 5.5.1 No valid recipients\r\n")
            }
            receivingData = true
            connection.send("354 Send the message, end with a line holding a single dot\r\n")
            connection.resumeFraming { framer in
                if var lmtp = framer as? LMTPFramer {
                    lmtp.mode = .data
                    framer = lmtp
                }
            }
        case "RSET":
            reset()
            connection.send("250 2.0.0 OK\r\n")
        case "NOOP":
            connection.send("250 2.0.0 OK\r\n")
        case "QUIT":
            connection.close(saying: "221 2.0.0 Bye\r\n")
        default:
            connection.send("500 5.5.2 Unknown command\r\n")
        }
    }

    private func recipient(_ address: String, on connection: Connection) {
        do {
            let user = try service.store.user(address)
            guard !user.disabled else {
                // Temporary: an admin may enable the account again; the MTA retries meanwhile.
                return connection.send("450 4.2.1 Mailbox \(user.address) is disabled\r\n")
            }
            recipients.append(user)
            connection.send("250 2.1.5 Recipient OK\r\n")
        } catch StoreError.notFound, StoreError.invalid {
            connection.send("550 5.1.1 No such user here\r\n")
        } catch {
            Log.error("lmtp.lookup_failed", ["conn": connection.id, "error": error])
            connection.send("451 4.3.0 Temporary lookup failure\r\n")
        }
    }

    /// Stores the message in each recipient's INBOX and answers once per accepted RCPT, in
    /// order. Each reply is sent only after that recipient's copy is committed to disk.
    private func deliver(_ bytes: [UInt8], on connection: Connection) {
        let received = service.clock.now()
        let header = "Return-Path: <\(sender ?? "")>\r\n"
        let message = MessageContent.newMessage(Array(header.utf8) + bytes, date: received, flags: [])
        var delivered: [Int64: String] = [:]
        var replies = ""
        for user in recipients {
            if let reply = delivered[user.id] {
                replies += reply
                continue
            }
            let reply: String
            do {
                try service.store.ensureDefaultMailboxes(userID: user.id)
                let usage = try service.store.storageUsage(userID: user.id)
                guard usage.allows(Int64(message.bytes.count)) else {
                    Log.info("lmtp.over_quota", ["conn": connection.id, "user": user.address, "used": usage.used,
                                                 "limit": usage.limit ?? 0, "size": message.bytes.count])
                    let reply = "552 5.2.2 <\(user.address)> mailbox full\r\n"
                    delivered[user.id] = reply
                    replies += reply
                    continue
                }
                guard let inbox = try service.store.mailbox(userID: user.id, name: "INBOX") else {
                    throw StoreError.notFound("INBOX of \(user.address) is missing")
                }
                let stored = try service.store.append(message, to: inbox.id)
                service.events.changed(inbox.id)
                Log.info("lmtp.delivered", ["conn": connection.id, "user": user.address, "uid": stored.uid,
                                            "size": message.bytes.count])
                reply = "250 2.0.0 <\(user.address)> delivered\r\n"
            } catch {
                Log.error("lmtp.delivery_failed", ["conn": connection.id, "user": user.address, "error": error])
                reply = "451 4.3.0 <\(user.address)> temporary failure storing the message; try again later\r\n"
            }
            delivered[user.id] = reply
            replies += reply
        }
        connection.send(replies)
        reset()
    }

    /// The message without its terminating dot line and with leading dots unstuffed
    /// (RFC 5321 4.5.2); bare line feeds become CRLF, as IMAP requires.
    static func unstuff(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count)
        var lineStart = true
        var index = 0
        while index < data.count {
            let byte = data[index]
            if lineStart && byte == UInt8(ascii: ".") {
                // The final line is the terminator: stop there.
                let rest = data[(index + 1)...]
                if rest.elementsEqual([0x0d, 0x0a]) || rest.elementsEqual([0x0a]) || rest.isEmpty { break }
                index += 1
                lineStart = false
                continue
            }
            if byte == 0x0a && (out.last != 0x0d) { out.append(0x0d) }
            out.append(byte)
            lineStart = byte == 0x0a
            index += 1
        }
        return out
    }

    private func reset() {
        sender = nil
        recipients = []
    }

    /// The address in `FROM:<a@b> PARAMS` or `TO:<a@b>`; `<>` gives the empty string.
    static func path(after keyword: String, in argument: String) -> String? {
        guard argument.uppercased().hasPrefix(keyword) else { return nil }
        let rest = argument.dropFirst(keyword.count).trimmingCharacters(in: .whitespaces)
        guard rest.hasPrefix("<"), let close = rest.firstIndex(of: ">") else { return nil }
        return String(rest[rest.index(after: rest.startIndex)..<close])
    }

    func shutdown(on connection: Connection) {
        connection.close(saying: "421 4.3.2 Server shutting down\r\n")
    }

    func idleTimeout(on connection: Connection) {
        connection.close(saying: "421 4.4.2 Idle for too long\r\n")
    }
}
