import Foundation
import SyncPolicy
import Testing
import TidelineStore
@testable import IMAPSync

@Suite("Inbox-only subscriptions and the subfolder rule", .serialized)
struct SubscriptionPolicyTests {
    @Test("inbox-only devices see INBOX alone in LSUB and LIST (SUBSCRIBED), all folders in LIST")
    func inboxOnly() throws {
        let harness = try IMAPHarness()
        let phone = try harness.connect(password: harness.device("phone", windowDays: 5))
        let lsub = try phone.run("LSUB \"\" *")
        #expect(lsub.lines == ["* LSUB () \"/\" INBOX"])
        let subscribed = try phone.run("LIST (SUBSCRIBED) \"\" *")
        #expect(subscribed.lines.count == 1)
        #expect(subscribed.lines.first?.hasSuffix("\"/\" INBOX") == true)
        let all = try phone.run("LIST \"\" *")
        #expect(all.lines.count == 6)
        #expect(all.lines.contains("* LIST (\\HasNoChildren \\Sent) \"/\" Sent"))
        let refused = try phone.run("SUBSCRIBE Sent")
        #expect(refused.tagged.contains("NO [CANNOT]"))
        #expect(refused.tagged.contains("inbox-only"))
        // Other folders still open on demand.
        try phone.expectOK(phone.run("SELECT Sent"))
    }

    @Test("a device without the policy sees and keeps the user's own subscriptions")
    func userSubscriptions() throws {
        let harness = try IMAPHarness()
        let id = try harness.store.addDevice(owner: "alice@example.org", name: "laptop",
                                             policy: [(.inboxOnly, .flag(false))], actor: "test")
        let laptop = try harness.connect(password: id.appPassword)
        let lsub = try laptop.run("LSUB \"\" *")
        #expect(lsub.lines.count == 6)
        try laptop.expectOK(laptop.run("UNSUBSCRIBE Junk"))
        #expect(try laptop.run("LSUB \"\" *").lines.count == 5)
        // The inbox-only phone's view is unaffected, and the user's list kept Junk's removal.
        let phone = try harness.connect(password: harness.device("phone", windowDays: 5))
        #expect(try phone.run("LSUB \"\" *").lines.count == 1)
        let user = try harness.store.user("alice@example.org")
        #expect(try !harness.store.subscriptions(userID: user.id).contains("Junk"))
    }

    @Test("inbox-subfolders deny refuses CREATE and RENAME below INBOX, naming the policy")
    func subfolders() throws {
        let harness = try IMAPHarness()
        try harness.store.setPolicy([(.inboxSubfolders, .subfolders(.deny))], for: .domain("example.org"),
                                    actor: "test")
        let client = try harness.connect()
        let create = try client.run("CREATE INBOX/Receipts")
        #expect(create.tagged.contains("NO [CANNOT]"))
        #expect(create.tagged.contains("inbox-subfolders"))
        try client.expectOK(client.run("CREATE Projects"))
        let rename = try client.run("RENAME Projects INBOX/Projects")
        #expect(rename.tagged.contains("NO [CANNOT]"))
    }
}
