import Foundation
import ServerCore
import SyncPolicy
import TestSupport
import TidelineStore
@testable import IMAPSync

/// An in-process server (the real IMAP and LMTP services on loopback sockets) over a fresh
/// store, with a clock the test moves by hand.
final class IMAPHarness: @unchecked Sendable {
    let directory = TemporaryDirectory("tideline-imap")
    let store: Store
    let clock: ManualClock
    let events: MailboxEvents
    let server: Server
    let imapPort: UInt16
    let lmtpPort: UInt16
    static let password = "alice-password"
    /// 2026-11-20 12:00:00 UTC.
    static let start = Date(timeIntervalSince1970: 1_795_694_400)

    init(maxLiteralSize: Int = 1 << 20, pollInterval: Double = 30, throttle: LoginThrottle = LoginThrottle()) throws {
        events = MailboxEvents(pollInterval: pollInterval)
        store = try Store(directory: directory.url)
        clock = ManualClock(Self.start)
        _ = try store.addDomain("example.org", actor: "test")
        _ = try store.addUser("alice@example.org", passwordHash: PasswordHash.make(Self.password), actor: "test")
        server = try Server(loopCount: 1)
        var limits = IMAPLimits()
        limits.maxLiteralSize = maxLiteralSize
        imapPort = try server.listen(on: ListenAddress(host: "127.0.0.1", port: 0),
                                     service: IMAPService(store: store, clock: clock, events: events, limits: limits,
                                                          throttle: throttle)).port
        lmtpPort = try server.listen(on: ListenAddress(host: "127.0.0.1", port: 0),
                                     service: LMTPService(store: store, clock: clock, events: events,
                                                          hostName: "mx.test")).port
        server.start()
    }

    deinit {
        server.stop()
    }

    /// Registers a device with its own window; returns its app password.
    func device(_ name: String, windowDays: Int) throws -> String {
        try store.addDevice(owner: "alice@example.org", name: name, policy: [(.windowDays, .days(windowDays))],
                            actor: "test").appPassword
    }

    /// Stores a message in a mailbox with an internal date `age` seconds before now.
    @discardableResult
    func deliver(subject: String, age: TimeInterval, mailbox: String = "INBOX", flags: [String] = []) throws -> UInt32 {
        let user = try store.user("alice@example.org")
        let box = try store.mailbox(userID: user.id, name: mailbox)!
        let text = "From: Bob <bob@example.net>\r\nTo: alice@example.org\r\nSubject: \(subject)\r\n"
            + "Message-ID: <\(subject.replacingOccurrences(of: " ", with: "."))@example.net>\r\n\r\nBody of \(subject).\r\n"
        let message = MessageContent.newMessage(Array(text.utf8), date: clock.now().addingTimeInterval(-age),
                                                flags: flags)
        return try store.append(message, to: box.id).uid
    }

    func connect(password: String = IMAPHarness.password) throws -> IMAPClient {
        let client = try IMAPClient(port: imapPort)
        try client.expectOK(client.run("LOGIN alice@example.org \(password)"))
        return client
    }
}

/// A test IMAP client: tags commands, reads responses with their literals.
final class IMAPClient {
    let socket: SocketClient
    private var counter = 0
    let greeting: String

    init(port: UInt16) throws {
        socket = try SocketClient(port: port)
        greeting = try socket.readLine()
    }

    struct Response: CustomStringConvertible {
        /// Untagged and continuation lines, literals inlined.
        let lines: [String]
        let tagged: String

        var description: String { (lines + [tagged]).joined(separator: "\n") }

        func untagged(_ prefix: String) -> [String] {
            lines.filter { $0.hasPrefix(prefix) }
        }
    }

    /// Sends `text` as one tagged command and reads until its tagged reply.
    func run(_ text: String) throws -> Response {
        counter += 1
        let tag = "t\(counter)"
        try socket.send("\(tag) \(text)\r\n")
        return try read(tag: tag)
    }

    func read(tag: String) throws -> Response {
        var lines: [String] = []
        while true {
            let line = try readResponseLine()
            if line.hasPrefix(tag + " ") { return Response(lines: lines, tagged: line) }
            lines.append(line)
        }
    }

    /// One response line with any literals read into it.
    func readResponseLine() throws -> String {
        var line = try socket.readLine()
        while line.hasSuffix("}"), let open = line.lastIndex(of: "{"),
              let size = Int(line[line.index(after: open)..<line.index(before: line.endIndex)]) {
            let data = try socket.read(count: size)
            line += "\r\n" + String(decoding: data, as: UTF8.self) + (try socket.readLine())
        }
        return line
    }

    func send(_ text: String) throws {
        try socket.send(text)
    }

    func expectOK(_ response: Response) throws {
        guard response.tagged.contains(" OK") else {
            throw SocketClient.Failure(description: "expected OK, got:\n\(response)")
        }
    }

    /// UIDs from `UID SEARCH ALL`.
    func uids() throws -> [UInt32] {
        let response = try run("UID SEARCH ALL")
        try expectOK(response)
        let line = response.untagged("* SEARCH").first ?? "* SEARCH"
        return line.split(separator: " ").dropFirst(2).compactMap { UInt32($0) }
    }
}
