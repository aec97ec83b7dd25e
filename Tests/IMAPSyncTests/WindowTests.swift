import Foundation
import SyncPolicy
import Testing
import TidelineStore
@testable import IMAPSync

let day: TimeInterval = 86_400

@Suite("Device windows over IMAP", .serialized)
struct WindowTests {
    /// Messages at known ages: each device must see exactly those inside its window.
    let ages: [(String, TimeInterval)] = [
        ("an hour", 3_600), ("two days", 2 * day), ("just inside five", 5 * day - 60),
        ("just outside five", 5 * day + 60), ("eleven days", 11 * day), ("thirteen days", 13 * day),
        ("twenty-nine days", 29 * day), ("thirty-one days", 31 * day), ("a year", 365 * day),
    ]

    func seeded() throws -> (IMAPHarness, [String: UInt32]) {
        let harness = try IMAPHarness()
        var uids: [String: UInt32] = [:]
        for (subject, age) in ages { uids[subject] = try harness.deliver(subject: subject, age: age) }
        // The user's own login gets the user's policy: 12 days.
        try harness.store.setPolicy([(.windowDays, .days(12))], for: .user("alice@example.org"), actor: "test")
        return (harness, uids)
    }

    @Test("a 5-day device, a 30-day device and the user's own login each see exactly their window")
    func exactSets() throws {
        let (harness, uids) = try seeded()
        let phone = try harness.connect(password: harness.device("phone", windowDays: 5))
        let desktop = try harness.connect(password: harness.device("desktop", windowDays: 30))
        let own = try harness.connect()
        let expected: [(IMAPClient, [String])] = [
            (phone, ["an hour", "two days", "just inside five"]),
            (desktop, ["an hour", "two days", "just inside five", "just outside five", "eleven days",
                       "thirteen days", "twenty-nine days"]),
            (own, ["an hour", "two days", "just inside five", "just outside five", "eleven days"]),
        ]
        for (client, subjects) in expected {
            let select = try client.run("SELECT INBOX")
            try client.expectOK(select)
            #expect(select.lines.contains("* \(subjects.count) EXISTS"))
            #expect(try client.uids() == subjects.map { uids[$0]! }.sorted())
            let status = try client.run("STATUS INBOX (MESSAGES UNSEEN)")
            #expect(status.untagged("* STATUS").first == "* STATUS INBOX (MESSAGES \(subjects.count) UNSEEN \(subjects.count))")
            let fetch = try client.run("FETCH 1:* (UID)")
            #expect(fetch.untagged("* ").count == subjects.count)
            // A UID range reaching outside the window returns only the window's messages.
            let range = try client.run("UID FETCH 1:* (FLAGS)")
            #expect(range.lines.count == subjects.count)
        }
        // Everything is still on the server.
        let user = try harness.store.user("alice@example.org")
        let inbox = try harness.store.mailbox(userID: user.id, name: "INBOX")!
        #expect(try harness.store.view(mailboxID: inbox.id, since: nil).count == ages.count)
    }

    @Test("a message that ages out while selected is reported expunged, and only to that device")
    func slidingWindow() throws {
        let (harness, uids) = try seeded()
        let phone = try harness.connect(password: harness.device("phone", windowDays: 5))
        let desktop = try harness.connect(password: harness.device("desktop", windowDays: 30))
        try phone.expectOK(phone.run("SELECT INBOX"))
        try desktop.expectOK(desktop.run("SELECT INBOX"))
        // Two minutes later "just inside five" is outside the 5-day window: message 3 goes.
        harness.clock.advance(by: 120)
        let noop = try phone.run("NOOP")
        #expect(noop.lines == ["* 3 EXPUNGE"])
        #expect(try phone.uids() == [uids["an hour"]!, uids["two days"]!].sorted())
        let desktopNoop = try desktop.run("NOOP")
        #expect(desktopNoop.lines.isEmpty)
        // A day later, "twenty-nine days" leaves the 30-day window too.
        harness.clock.advance(by: day)
        let later = try desktop.run("NOOP")
        #expect(later.lines == ["* 7 EXPUNGE"])
        let user = try harness.store.user("alice@example.org")
        let inbox = try harness.store.mailbox(userID: user.id, name: "INBOX")!
        #expect(try harness.store.view(mailboxID: inbox.id, since: nil).count == ages.count)
    }

    @Test("a QRESYNC client reconnecting gets VANISHED (EARLIER) for messages that left its window")
    func qresyncReconnect() throws {
        let (harness, uids) = try seeded()
        let password = try harness.device("tablet", windowDays: 5)
        let first = try harness.connect(password: password)
        try first.expectOK(first.run("ENABLE QRESYNC"))
        let select = try first.run("SELECT INBOX (CONDSTORE)")
        let validity = select.lines.first { $0.contains("UIDVALIDITY") }!.split(separator: " ")[3].dropLast()
        let modseq = select.lines.first { $0.contains("HIGHESTMODSEQ") }!.split(separator: " ")[3].dropLast()
        try first.expectOK(first.run("LOGOUT"))

        harness.clock.advance(by: 3 * day + 60)
        let second = try harness.connect(password: password)
        try second.expectOK(second.run("ENABLE QRESYNC"))
        let known = [uids["an hour"]!, uids["two days"]!, uids["just inside five"]!].sorted()
        let resync = try second.run("SELECT INBOX (QRESYNC (\(validity) \(modseq) \(known.map(String.init).joined(separator: ","))))")
        try second.expectOK(resync)
        // "two days" is now five days old and gone, like "just inside five".
        let vanished = resync.untagged("* VANISHED (EARLIER)")
        #expect(vanished == ["* VANISHED (EARLIER) \(SequenceSet.format([uids["two days"]!, uids["just inside five"]!].sorted()))"])
        #expect(resync.lines.contains("* 1 EXISTS"))
    }

    @Test("APPEND of a message older than the window is stored and named, but stays out of view")
    func appendOld() throws {
        let (harness, _) = try seeded()
        let phone = try harness.connect(password: harness.device("phone", windowDays: 5))
        try phone.expectOK(phone.run("SELECT INBOX"))
        let before = try phone.uids()
        let message = "Subject: old\r\n\r\nold body\r\n"
        try phone.send("a1 APPEND INBOX (\\Seen) \"01-Jan-2020 10:00:00 +0000\" {\(message.utf8.count)+}\r\n\(message)\r\n")
        let reply = try phone.read(tag: "a1")
        #expect(reply.tagged.hasPrefix("a1 OK [APPENDUID "))
        #expect(try phone.uids() == before)
        let desktop = try harness.connect(password: harness.device("wide", windowDays: 30))
        try desktop.expectOK(desktop.run("SELECT INBOX"))
        #expect(try desktop.uids().count == 7)
        let user = try harness.store.user("alice@example.org")
        let inbox = try harness.store.mailbox(userID: user.id, name: "INBOX")!
        #expect(try harness.store.view(mailboxID: inbox.id, since: nil).count == ages.count + 1)
    }

    @Test("a policy change applies from the device's next SELECT")
    func policyChange() throws {
        let (harness, _) = try seeded()
        let id = try harness.store.addDevice(owner: "alice@example.org", name: "phone",
                                             policy: [(.windowDays, .days(5))], actor: "test")
        let phone = try harness.connect(password: id.appPassword)
        try phone.expectOK(phone.run("SELECT INBOX"))
        #expect(try phone.uids().count == 3)
        try harness.store.setPolicy([(.windowDays, .days(12))], for: .device(id.device.id), actor: "test")
        #expect(try phone.uids().count == 3)
        let again = try phone.run("SELECT INBOX")
        #expect(again.lines.contains("* 5 EXISTS"))
    }
}

@Suite("Window changes while connected", .serialized)
struct LiveWindowTests {
    @Test("a message leaving the window during IDLE is reported expunged without any command")
    func ageOutDuringIdle() throws {
        let harness = try IMAPHarness(pollInterval: 1)
        try harness.deliver(subject: "old soon", age: 5 * day - 30)
        try harness.deliver(subject: "fresh", age: 60)
        let phone = try harness.connect(password: harness.device("phone", windowDays: 5))
        try phone.expectOK(phone.run("SELECT INBOX"))
        try phone.send("i IDLE\r\n")
        #expect(try phone.readResponseLine() == "+ idling")
        harness.clock.advance(by: 60)
        #expect(try phone.readResponseLine() == "* 1 EXPUNGE")
        try phone.send("DONE\r\n")
        try phone.expectOK(phone.read(tag: "i"))
        #expect(try phone.uids().count == 1)
    }

    @Test("the client string from ID and the login time are recorded for the device")
    func deviceRecord() throws {
        let harness = try IMAPHarness()
        let added = try harness.store.addDevice(owner: "alice@example.org", name: "phone", actor: "test")
        let client = try IMAPClient(port: harness.imapPort)
        try client.expectOK(client.run("ID (\"name\" \"K-9 Mail\" \"version\" \"6.8\")"))
        try client.expectOK(client.run("LOGIN alice@example.org \(added.appPassword)"))
        let device = try harness.store.device(added.device.id)
        #expect(device.client == "K-9 Mail 6.8")
        #expect(device.lastSeen == Date(timeIntervalSince1970: IMAPHarness.start.timeIntervalSince1970.rounded(.down)))
    }

    @Test("IMAP4rev2 sessions get ESEARCH and UTF-8 names; LIST-STATUS adds STATUS lines")
    func rev2() throws {
        let harness = try IMAPHarness()
        try harness.deliver(subject: "one", age: 60)
        let client = try harness.connect()
        #expect(try client.run("ENABLE IMAP4rev2").lines == ["* ENABLED IMAP4rev2"])
        try client.expectOK(client.run("SELECT INBOX"))
        let search = try client.run("SEARCH ALL")
        #expect(search.lines.first?.hasSuffix("ALL 1") == true, "\(search)")
        let list = try client.run("LIST \"\" INBOX RETURN (STATUS (MESSAGES UNSEEN))")
        #expect(list.lines == ["* LIST (\\HasNoChildren) \"/\" INBOX", "* STATUS INBOX (MESSAGES 1 UNSEEN 1)"])
    }
}
