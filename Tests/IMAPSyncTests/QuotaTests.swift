import Foundation
import TestSupport
import Testing
import TidelineStore
@testable import IMAPSync

@Suite("Storage quotas over IMAP and LMTP")
struct QuotaTests {
    @Test("usage follows appends, copies, expunges and deleted mailboxes, and matches a recount")
    func accounting() throws {
        let harness = try IMAPHarness()
        let user = try harness.store.user("alice@example.org")
        try harness.store.ensureDefaultMailboxes(userID: user.id)
        let recount = {
            try harness.store.read { db in
                try db.queryFirst("SELECT coalesce(sum(m.size), 0) FROM messages m JOIN mailboxes b "
                                    + "ON b.id = m.mailbox_id WHERE b.user_id = ?", [user.id])?.int64(0) ?? -1
            }
        }
        #expect(try harness.store.storageUsage(userID: user.id).used == 0)
        for index in 0..<3 { try harness.deliver(subject: "m\(index)", age: 60) }
        #expect(try harness.store.storageUsage(userID: user.id).used == recount())
        let client = try harness.connect()
        try client.expectOK(client.run("CREATE Archive/2026"))
        try client.expectOK(client.run("SELECT INBOX"))
        try client.expectOK(client.run("COPY 1:2 Archive/2026"))
        try client.expectOK(client.run("STORE 1 +FLAGS (\\Deleted)"))
        try client.expectOK(client.run("EXPUNGE"))
        let afterCopy = try harness.store.storageUsage(userID: user.id).used
        #expect(try afterCopy == recount())
        #expect(afterCopy > 0)
        try client.expectOK(client.run("DELETE Archive/2026"))
        #expect(try harness.store.storageUsage(userID: user.id).used == recount())
    }

    @Test("over quota, APPEND and COPY get NO [OVERQUOTA], LMTP 552, and GETQUOTAROOT reports it")
    func refusals() throws {
        let harness = try IMAPHarness()
        try harness.deliver(subject: "first", age: 60)
        let user = try harness.store.user("alice@example.org")
        let used = try harness.store.storageUsage(userID: user.id).used
        try harness.store.setQuota(of: "alice@example.org", to: .bytes(used + 100), actor: "test")
        let client = try harness.connect()
        #expect(try client.run("CAPABILITY").lines.first?.contains("QUOTA=RES-STORAGE") == true)
        let root = try client.run("GETQUOTAROOT INBOX")
        #expect(root.lines == ["* QUOTAROOT INBOX \"\"",
                               "* QUOTA \"\" (STORAGE \((used + 1023) / 1024) \((used + 100 + 1023) / 1024))"])
        let big = String(repeating: "x", count: 200)
        try client.send("a1 APPEND INBOX {\(big.utf8.count + 14)+}\r\nSubject: b\r\n\r\n\(big)\r\n")
        #expect(try client.read(tag: "a1").tagged.hasPrefix("a1 NO [OVERQUOTA]"))
        try client.expectOK(client.run("SELECT INBOX"))
        #expect(try client.run("COPY 1 INBOX").tagged.contains("NO [OVERQUOTA]"))
        #expect(try client.run("SETQUOTA \"\" (STORAGE 1)").tagged.contains("NO [NOPERM]"))

        let mta = try SocketClient(port: harness.lmtpPort)
        _ = try mta.readLine()
        try mta.send("LHLO mx\r\n")
        _ = try mta.readUntil(prefix: "250 ")
        try mta.send("MAIL FROM:<b@example.net>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n")
        _ = try mta.readLine()
        _ = try mta.readLine()
        #expect(try mta.readLine().hasPrefix("354"))
        try mta.send("Subject: too big\r\n\r\n\(big)\r\n.\r\n")
        #expect(try mta.readLine() == "552 5.2.2 <alice@example.org> mailbox full")

        try harness.store.setQuota(of: "alice@example.org", to: .unlimited, actor: "test")
        #expect(try client.run("GETQUOTAROOT INBOX").lines == ["* QUOTAROOT INBOX"])
        try client.send("a2 APPEND INBOX {\(big.utf8.count + 14)+}\r\nSubject: b\r\n\r\n\(big)\r\n")
        #expect(try client.read(tag: "a2").tagged.hasPrefix("a2 OK"))
    }

    @Test("quota settings parse sizes and the server default applies to users without their own")
    func settings() throws {
        #expect(QuotaSetting(parsing: "500M") == .bytes(500 << 20))
        #expect(QuotaSetting(parsing: "2g") == .bytes(2 << 30))
        #expect(QuotaSetting(parsing: "unlimited") == .unlimited)
        #expect(QuotaSetting(parsing: "0") == nil)
        #expect(QuotaSetting(parsing: "12x") == nil)
        #expect(QuotaSetting.format(1536 << 20) == "1536M")
        let harness = try IMAPHarness()
        let user = try harness.store.user("alice@example.org")
        #expect(try harness.store.storageUsage(userID: user.id).limit == QuotaSetting.builtInDefault)
        try harness.store.setDefaultQuota(.bytes(1 << 30), actor: "test")
        #expect(try harness.store.storageUsage(userID: user.id).limit == 1 << 30)
        try harness.store.setQuota(of: "alice@example.org", to: .bytes(5 << 20), actor: "test")
        #expect(try harness.store.storageUsage(userID: user.id).limit == 5 << 20)
        #expect(try harness.store.auditLog(limit: 5).contains { $0.action == "user.quota" && $0.newValue == "5M" })
    }
}
