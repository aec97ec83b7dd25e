import Foundation
import ServerCore
import TestSupport
import Testing
import TidelineStore
@testable import IMAPSync

@Suite("IMAP commands, push and robustness over a socket", .serialized)
struct ProtocolTests {
    @Test("a message delivered over LMTP reaches an IDLE-ing client within a second")
    func lmtpToIdle() throws {
        let harness = try IMAPHarness()
        let idler = try harness.connect()
        try idler.expectOK(idler.run("SELECT INBOX"))
        try idler.send("i1 IDLE\r\n")
        #expect(try idler.readResponseLine() == "+ idling")

        let mta = try SocketClient(port: harness.lmtpPort)
        #expect(try mta.readLine().hasPrefix("220 "))
        try mta.send("LHLO mx.example.net\r\n")
        #expect(try mta.readUntil(prefix: "250 ").last?.hasPrefix("250 ") == true)
        try mta.send("MAIL FROM:<bob@example.net>\r\nRCPT TO:<alice@example.org>\r\nRCPT TO:<nobody@example.org>\r\n")
        #expect(try mta.readLine() == "250 2.1.0 Sender OK")
        #expect(try mta.readLine() == "250 2.1.5 Recipient OK")
        #expect(try mta.readLine() == "550 5.1.1 No such user here")
        try mta.send("DATA\r\n")
        #expect(try mta.readLine().hasPrefix("354 "))
        let sent = Date()
        try mta.send("Subject: pushed\r\nFrom: bob@example.net\r\n\r\nHello\r\n..dot line\r\n.\r\n")
        #expect(try mta.readLine() == "250 2.0.0 <alice@example.org> delivered")

        #expect(try idler.readResponseLine() == "* 1 EXISTS")
        #expect(Date().timeIntervalSince(sent) < 1.0)
        try idler.send("DONE\r\n")
        #expect(try idler.read(tag: "i1").tagged == "i1 OK IDLE terminated")
        let body = try idler.run("FETCH 1 (BODY.PEEK[TEXT] BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        #expect(body.lines.first?.contains("Hello\r\n.dot line\r\n") == true, "\(body)")
        #expect(body.lines.first?.contains("Subject: pushed") == true)
    }

    @Test("flag changes from one client reach another that is IDLE")
    func flagPush() throws {
        let harness = try IMAPHarness()
        try harness.deliver(subject: "shared", age: 60)
        let watcher = try harness.connect()
        let actor = try harness.connect()
        try watcher.expectOK(watcher.run("SELECT INBOX"))
        try actor.expectOK(actor.run("SELECT INBOX"))
        try watcher.send("w IDLE\r\n")
        #expect(try watcher.readResponseLine() == "+ idling")
        let store = try actor.run("STORE 1 +FLAGS (\\Flagged)")
        #expect(store.lines == ["* 1 FETCH (FLAGS (\\Flagged))"])
        #expect(try watcher.readResponseLine() == "* 1 FETCH (FLAGS (\\Flagged))")
        try watcher.send("DONE\r\n")
        try watcher.expectOK(watcher.read(tag: "w"))
    }

    @Test("malformed, unknown and out-of-state commands get BAD or NO and the session goes on")
    func robustness() throws {
        let harness = try IMAPHarness(maxLiteralSize: 1000)
        let client = try IMAPClient(port: harness.imapPort)
        #expect(try client.run("SELECT INBOX").tagged.contains("BAD"))
        #expect(try client.run("FROBNICATE").tagged.contains("BAD"))
        try client.send("\r\n")
        #expect(try client.readResponseLine().hasPrefix("* BAD"))
        #expect(try client.run("LOGIN \"unterminated").tagged.contains("BAD"))
        try client.expectOK(client.run("LOGIN alice@example.org \(IMAPHarness.password)"))
        #expect(try client.run("FETCH 1 FLAGS").tagged.contains("BAD"))
        #expect(try client.run("SELECT &Jjo-bad&").tagged.contains("BAD"))
        try client.send("big APPEND INBOX {5000}\r\n")
        #expect(try client.readResponseLine().hasPrefix("big NO [TOOBIG]"))
        try client.send("long NOOP " + String(repeating: "x", count: 70_000) + "\r\n")
        #expect(try client.readResponseLine().hasPrefix("long BAD"))
        try client.expectOK(client.run("SELECT INBOX"))
        #expect(try client.run("FETCH 5 FLAGS").tagged.contains("BAD"))
        #expect(try client.run("UID FETCH 1:* (FLAGS) (CHANGEDSINCE").tagged.contains("BAD"))
        #expect(try client.run("SEARCH CHARSET KOI8-R TEXT x").tagged.contains("NO [BADCHARSET"))
        try client.expectOK(client.run("NOOP"))
        // An abrupt disconnect mid-command does not disturb the next session.
        do {
            let rude = try IMAPClient(port: harness.imapPort)
            try rude.send("x LOGIN alice@example.org {10}\r\n")
        }
        let next = try harness.connect()
        try next.expectOK(next.run("SELECT INBOX"))
    }

    @Test("failed logins are refused, logged without the password, and slowed")
    func failedLogin() throws {
        let harness = try IMAPHarness()
        let client = try IMAPClient(port: harness.imapPort)
        let started = Date()
        for _ in 0..<3 {
            #expect(try client.run("LOGIN alice@example.org wrong").tagged.contains("NO [AUTHENTICATIONFAILED]"))
        }
        // 0.25 + 0.5 + 1 seconds of delay.
        #expect(Date().timeIntervalSince(started) >= 1.5)
        let plain = Data("\u{0}alice@example.org\u{0}\(IMAPHarness.password)".utf8).base64EncodedString()
        try client.expectOK(client.run("AUTHENTICATE PLAIN \(plain)"))
    }

    @Test("slowed failed logins hold no worker thread: other sessions are answered while they wait")
    func failedLoginsHoldNoThread() throws {
        // Every failure waits 5 s, far longer than the 40 password checks take.
        let throttle = LoginThrottle(window: 600, base: 5, maximum: 5, addressLimit: 100, ipLimit: 100)
        let harness = try IMAPHarness(throttle: throttle)
        let alice = try harness.connect()
        let failing = try (0..<40).map { _ in try IMAPClient(port: harness.imapPort) }
        for client in failing {
            try client.socket.send("f LOGIN alice@example.org wrong\r\n")
        }
        try alice.expectOK(alice.run("NOOP"))
        try alice.expectOK(alice.run("SELECT INBOX"))
        #expect(!failing.contains { $0.socket.hasInput }, "a failed login was answered before its delay")
        #expect(try failing[0].read(tag: "f").tagged.contains("NO [AUTHENTICATIONFAILED]"))
        #expect(try failing[39].read(tag: "f").tagged.contains("NO [AUTHENTICATIONFAILED]"))
    }

    @Test("after too many failures the account is refused without a password check, over IMAP and DAV alike")
    func loginRefusal() throws {
        let throttle = LoginThrottle(window: 600, base: 0, maximum: 0, addressLimit: 3, ipLimit: 100)
        let harness = try IMAPHarness(throttle: throttle)
        let client = try IMAPClient(port: harness.imapPort)
        for _ in 0..<3 {
            #expect(try client.run("LOGIN alice@example.org wrong").tagged.contains("NO [AUTHENTICATIONFAILED]"))
        }
        let refused = try client.run("LOGIN alice@example.org \(IMAPHarness.password)").tagged
        #expect(refused.contains("NO [UNAVAILABLE]") && refused.contains("minute"), "\(refused)")
        // Another account from the same (loopback) address is still served.
        _ = try harness.store.addUser("carol@example.org", passwordHash: PasswordHash.make("carol-password"),
                                      actor: "test")
        try client.expectOK(client.run("LOGIN carol@example.org carol-password"))
    }

    @Test("mailbox management: CREATE with parents, RENAME, DELETE, STATUS, UTF-7 names")
    func mailboxes() throws {
        let harness = try IMAPHarness()
        let client = try harness.connect()
        try client.expectOK(client.run("CREATE Projects/2026/Q4"))
        let list = try client.run("LIST \"\" Projects*")
        #expect(list.lines.count == 3)
        #expect(list.lines.contains("* LIST (\\HasChildren) \"/\" Projects"))
        try client.expectOK(client.run("RENAME Projects Work"))
        #expect(try client.run("LIST \"\" Work/%").lines == ["* LIST (\\HasChildren) \"/\" Work/2026"])
        #expect(try client.run("DELETE Work").tagged.contains("NO [HASCHILDREN]"))
        try client.expectOK(client.run("CREATE &AMk-t&AOk-"))
        #expect(try client.run("LIST \"\" &AMk-t&AOk-").lines == ["* LIST (\\HasNoChildren) \"/\" &AMk-t&AOk-"])
        try client.expectOK(client.run("ENABLE IMAP4rev2"))
        #expect(try client.run("LIST \"\" \"Été\"").lines == ["* LIST (\\HasNoChildren) \"/\" \"Été\""])
        let status = try client.run("STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN SIZE HIGHESTMODSEQ)")
        #expect(status.untagged("* STATUS INBOX (MESSAGES 0 UIDNEXT 1 UIDVALIDITY ").count == 1)
    }

    @Test("COPY and MOVE report COPYUID; EXPUNGE removes only deleted messages")
    func copyMoveExpunge() throws {
        let harness = try IMAPHarness()
        for index in 1...3 { try harness.deliver(subject: "m\(index)", age: Double(index) * 60) }
        let client = try harness.connect()
        try client.expectOK(client.run("SELECT INBOX"))
        let copy = try client.run("COPY 1:2 Archive")
        #expect(copy.tagged.contains("[COPYUID "))
        let move = try client.run("UID MOVE 3 Trash")
        #expect(move.lines.first?.hasPrefix("* OK [COPYUID ") == true)
        #expect(move.lines.contains("* 3 EXPUNGE"))
        try client.expectOK(client.run("STORE 1 +FLAGS.SILENT (\\Deleted)"))
        let expunge = try client.run("EXPUNGE")
        #expect(expunge.lines == ["* 1 EXPUNGE"])
        let status = try client.run("STATUS Archive (MESSAGES)")
        #expect(status.lines == ["* STATUS Archive (MESSAGES 2)"])
    }

    @Test("FETCH returns ENVELOPE, BODYSTRUCTURE, sections and partials; SEARCH finds by header and text")
    func fetchAndSearch() throws {
        let harness = try IMAPHarness()
        let client = try harness.connect()
        let message = "From: =?UTF-8?Q?Bj=C3=B6rn?= <bjorn@example.net>\r\nTo: alice@example.org\r\n"
            + "Subject: Quarterly numbers\r\nDate: Tue, 17 Nov 2026 09:00:00 +0100\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n\r\nRevenue grew in Zürich.\r\n"
        try client.send("a APPEND INBOX {\(message.utf8.count)+}\r\n\(message)\r\n")
        try client.expectOK(client.read(tag: "a"))
        try client.expectOK(client.run("SELECT INBOX"))
        let fetch = try client.run("FETCH 1 (ENVELOPE BODYSTRUCTURE RFC822.SIZE BODY.PEEK[]<0.6> FLAGS)")
        let line = try #require(fetch.lines.first)
        #expect(line.contains("ENVELOPE (\"Tue, 17 Nov 2026 09:00:00 +0100\" \"Quarterly numbers\""))
        #expect(line.contains("BODYSTRUCTURE (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\")"))
        #expect(line.contains("BODY[]<0> {6}\r\nFrom: "))
        #expect(line.contains("RFC822.SIZE \(message.utf8.count)"))
        #expect(try client.run("SEARCH CHARSET UTF-8 FROM {6+}\r\nBjörn").untagged("* SEARCH") == ["* SEARCH 1"])
        #expect(try client.run("SEARCH CHARSET UTF-8 TEXT \"zürich\"").untagged("* SEARCH") == ["* SEARCH 1"])
        #expect(try client.run("SEARCH SUBJECT invoices").untagged("* SEARCH") == ["* SEARCH"])
        #expect(try client.run("SEARCH SENTON 17-Nov-2026 UNSEEN").untagged("* SEARCH") == ["* SEARCH 1"])
        let esearch = try client.run("UID SEARCH RETURN (COUNT MIN) ALL")
        #expect(esearch.lines.first?.hasPrefix("* ESEARCH (TAG \"") == true)
        #expect(esearch.lines.first?.hasSuffix("UID MIN 1 COUNT 1") == true)
        let seen = try client.run("FETCH 1 BODY[TEXT]")
        #expect(seen.lines.first?.contains("FLAGS (\\Seen)") == true)
    }
}
