import Foundation
import TestSupport
import Testing

/// Admin commands run in their own process while the server runs; the sessions they take
/// access from must end within seconds, on IMAP and DAV, and no one else's may.
@Suite("Admin changes end open sessions", .serialized)
struct RevocationTests {
    struct Account {
        let data = TemporaryDirectory("tideline-revocation")
        var devicePassword = ""
        var deviceID = ""

        init() throws {
            try cli(["domain", "add", "example.org"])
            try cli(["user", "add", "alice@example.org", "--password-stdin"], input: "alice-password\n")
            try cli(["user", "add", "bob@example.org", "--password-stdin"], input: "bob-password\n")
            let added = try cli(["device", "add", "alice@example.org", "--name", "phone", "--json"])
            let json = try JSONSerialization.jsonObject(with: Data(added.utf8)) as? [String: Any]
            devicePassword = try #require(json?["app_password"] as? String)
            deviceID = try #require(json?["id"] as? String)
        }

        @discardableResult
        func cli(_ words: [String], input: String? = nil) throws -> String {
            let result = try TidelineBinary.run(words + ["--data", data.path], input: input)
            try #require(result.status == 0, "tideline \(words.joined(separator: " ")): \(result.stderr)")
            return result.stdout
        }
    }

    /// An IMAP session logged in and IDLE-ing on INBOX, as a phone waits for mail.
    static func idlingSession(port: UInt16, user: String, password: String) throws -> SocketClient {
        let client = try SocketClient(port: port)
        _ = try client.readLine()
        try client.send("a1 LOGIN \(user) \"\(password)\"\r\n")
        #expect(try client.readUntil(prefix: "a1 ").last?.hasPrefix("a1 OK") == true)
        try client.send("a2 SELECT INBOX\r\n")
        #expect(try client.readUntil(prefix: "a2 ").last?.hasPrefix("a2 OK") == true)
        try client.send("a3 IDLE\r\n")
        #expect(try client.readLine().hasPrefix("+ "))
        return client
    }

    /// One keep-alive DAV request; returns the status.
    static func propfind(_ client: SocketClient, user: String, password: String) throws -> Int {
        let credentials = Data("\(user):\(password)".utf8).base64EncodedString()
        try client.send("PROPFIND /dav/calendars/\(user)/ HTTP/1.1\r\nHost: localhost\r\nDepth: 0\r\n"
                        + "Authorization: Basic \(credentials)\r\nContent-Length: 0\r\n\r\n")
        let status = Int(try client.readLine().split(separator: " ")[1]) ?? 0
        var length = 0
        while true {
            let line = try client.readLine()
            if line.isEmpty { break }
            if line.lowercased().hasPrefix("content-length:") {
                length = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
            }
        }
        _ = try client.read(count: length)
        return status
    }

    @Test("removing a device ends its IMAP and DAV sessions at once; the user's other sessions stay")
    func deviceRemoved() throws {
        let account = try Account()
        let server = try ServerProcess(data: account.data.url)
        defer { server.stop() }
        let phone = try Self.idlingSession(port: server.imapPort, user: "alice@example.org",
                                           password: account.devicePassword)
        let laptop = try Self.idlingSession(port: server.imapPort, user: "alice@example.org",
                                            password: "alice-password")
        let phoneDAV = try SocketClient(port: server.httpPort)
        #expect(try Self.propfind(phoneDAV, user: "alice@example.org", password: account.devicePassword) == 207)

        let started = Date()
        try account.cli(["device", "remove", account.deviceID])
        #expect(try phone.readLine().hasPrefix("* BYE [UNAVAILABLE] Access ended by the administrator"))
        #expect(try phone.readToEnd().isEmpty)
        #expect(try phoneDAV.readToEnd().isEmpty, "the device's DAV connection is closed")
        #expect(Date().timeIntervalSince(started) < 8, "sessions end within seconds")

        // The app password no longer logs in, even though DAV remembered it a moment ago.
        let again = try SocketClient(port: server.httpPort)
        #expect(try Self.propfind(again, user: "alice@example.org", password: account.devicePassword) == 401)
        // The laptop, on the user's own password, is still IDLE and still answers.
        try laptop.send("DONE\r\n")
        #expect(try laptop.readUntil(prefix: "a3 ").last?.hasPrefix("a3 OK") == true)
        try laptop.send("a4 NOOP\r\n")
        #expect(try laptop.readUntil(prefix: "a4 ").last?.hasPrefix("a4 OK") == true)
        #expect(server.logText.contains("event=access.revoked"))
        #expect(!server.logText.contains(account.devicePassword))
    }

    @Test("disabling a user ends every session of that user and none of another user's")
    func userDisabled() throws {
        let account = try Account()
        let server = try ServerProcess(data: account.data.url)
        defer { server.stop() }
        let alice = try Self.idlingSession(port: server.imapPort, user: "alice@example.org",
                                           password: "alice-password")
        let bob = try Self.idlingSession(port: server.imapPort, user: "bob@example.org", password: "bob-password")
        let aliceDAV = try SocketClient(port: server.httpPort)
        #expect(try Self.propfind(aliceDAV, user: "alice@example.org", password: "alice-password") == 207)
        let bobDAV = try SocketClient(port: server.httpPort)
        #expect(try Self.propfind(bobDAV, user: "bob@example.org", password: "bob-password") == 207)

        try account.cli(["user", "disable", "alice@example.org"])
        #expect(try alice.readLine().hasPrefix("* BYE [UNAVAILABLE]"))
        #expect(try aliceDAV.readToEnd().isEmpty)
        let retry = try SocketClient(port: server.httpPort)
        #expect(try Self.propfind(retry, user: "alice@example.org", password: "alice-password") == 401)

        try bob.send("DONE\r\n")
        #expect(try bob.readUntil(prefix: "a3 ").last?.hasPrefix("a3 OK") == true)
        #expect(try Self.propfind(bobDAV, user: "bob@example.org", password: "bob-password") == 207)
    }

    @Test("a new password ends the sessions that used the old one, not the device's")
    func passwordChanged() throws {
        let account = try Account()
        let server = try ServerProcess(data: account.data.url)
        defer { server.stop() }
        let laptop = try Self.idlingSession(port: server.imapPort, user: "alice@example.org",
                                            password: "alice-password")
        let phone = try Self.idlingSession(port: server.imapPort, user: "alice@example.org",
                                           password: account.devicePassword)
        try account.cli(["user", "passwd", "alice@example.org", "--password-stdin"], input: "new-password\n")
        #expect(try laptop.readLine().hasPrefix("* BYE [UNAVAILABLE] The password changed"))
        try phone.send("DONE\r\n")
        #expect(try phone.readUntil(prefix: "a3 ").last?.hasPrefix("a3 OK") == true)
    }
}
