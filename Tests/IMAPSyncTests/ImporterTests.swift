import Foundation
import TestSupport
import Testing
import TidelineStore
@testable import IMAPSync

@Suite("The mail importer")
struct ImporterTests {
    @Test("Maildir flags and file times become IMAP flags and internal dates; line ends become CRLF")
    func maildirDetails() throws {
        let harness = try IMAPHarness()
        let maildir = TemporaryDirectory("maildir-unit")
        try FileManager.default.createDirectory(at: maildir.url.appendingPathComponent("cur"),
                                                withIntermediateDirectories: true)
        let file = maildir.url.appendingPathComponent("cur/1700000000.M1P1.host:2,DFPRST")
        try Data("Subject: all flags\n\nbody\n".utf8).write(to: file)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_700_000_000)],
                                              ofItemAtPath: file.path)
        var notes: [MailImporter.Report] = []
        let importer = try MailImporter(store: harness.store, user: "alice@example.org", mailbox: "Imported") {
            notes.append($0)
        }
        let report = try importer.importMaildir(at: maildir.url)
        #expect(report.imported == 1)
        let user = try harness.store.user("alice@example.org")
        let box = try #require(try harness.store.mailbox(userID: user.id, name: "Imported"))
        let message = try #require(try harness.store.view(mailboxID: box.id, since: nil).first)
        #expect(message.internalDate == 1_700_000_000)
        #expect(Set(message.flags) == ["\\Draft", "\\Flagged", "$Forwarded", "\\Answered", "\\Seen", "\\Deleted"])
        let bytes = try #require(try harness.store.messageBytes(mailboxID: box.id, uid: message.uid))
        #expect(String(decoding: bytes, as: UTF8.self) == "Subject: all flags\r\n\r\nbody\r\n")
    }

    @Test("mbox From_ dates, Status flags and >From unquoting")
    func mboxDetails() throws {
        #expect(MailImporter.fromLineDate("From someone@example.net Tue Jan  7 08:00:00 2020")
                    == Date(timeIntervalSince1970: 1_578_384_000))
        #expect(MailImporter.fromLineDate("From nobody") == nil)
        #expect(MailImporter.unquoteFrom(Array(">>From x\n".utf8)[...]) == Array(">From x\n".utf8))
        #expect(MailImporter.unquoteFrom(Array(">Fromage\n".utf8)[...]) == Array(">Fromage\n".utf8))
        let content = MessageContent(Array("Status: RO\r\nX-Status: AF\r\n\r\n".utf8))
        #expect(Set(MailImporter.statusFlags(content)) == ["\\Seen", "\\Answered", "\\Flagged"])
    }
}

@Suite("Small IMAP parts")
struct IMAPPartsTests {
    @Test("modified UTF-7 round-trips and refuses malformed input")
    func utf7() {
        for name in ["INBOX", "Été & Hiver", "日本語/メール", "a&b", "Entwürfe"] {
            #expect(MailboxName.decodeUTF7(MailboxName.encodeUTF7(name)) == name)
        }
        #expect(MailboxName.encodeUTF7("Été") == "&AMk-t&AOk-")
        #expect(MailboxName.decodeUTF7("&Jjo-bad&") == nil)
        #expect(MailboxName.decodeUTF7("&AGE-") == nil)  // encodes plain "a"
        #expect(MailboxName.decodeUTF7("tab\there") == nil)
    }

    @Test("sequence sets format compactly and resolve *")
    func sequenceSets() throws {
        #expect(SequenceSet.format([1, 2, 3, 5, 7, 8]) == "1:3,5,7:8")
        var reader = CommandReader(Array("a FETCH 4:*,1 x".utf8))
        _ = try reader.commandStart()
        try reader.space()
        let set = try reader.sequenceSet()
        #expect(set.resolved(largest: 9) == [4...9, 1...1])
        #expect(set.resolved(largest: 2) == [2...4, 1...1])
    }

    @Test("LIST patterns: * crosses levels, % does not, INBOX in any case")
    func patterns() {
        #expect(MailboxPattern(reference: "", pattern: "*").matches("a/b/c"))
        #expect(!MailboxPattern(reference: "", pattern: "%").matches("a/b"))
        #expect(MailboxPattern(reference: "a", pattern: "%").matches("a/b"))
        #expect(MailboxPattern(reference: "", pattern: "inbox").matches("INBOX"))
        #expect(!MailboxPattern(reference: "", pattern: "In%").matches("Inbox/x"))
    }

    @Test("LMTP data is unstuffed and its terminator dropped")
    func unstuff() {
        let data = Array("a\r\n..b\r\n.c\n\r\n.\r\n".utf8)
        #expect(String(decoding: LMTPSession.unstuff(data), as: UTF8.self) == "a\r\n.b\r\nc\r\n\r\n")
    }

    @Test("APPEND date-times parse with zones; nonsense is refused")
    func dateTimes() {
        #expect(IMAPSession.parseDateTime(" 7-Jan-2020 08:00:00 +0100") == Date(timeIntervalSince1970: 1_578_380_400))
        #expect(IMAPSession.parseDateTime("07-Jan-2020 25:00:00 +0000") == nil)
        #expect(IMAPSession.parseDateTime("yesterday") == nil)
        #expect(IMAPSession.internalDate(1_578_384_000) == " 7-Jan-2020 08:00:00 +0000")
    }
}
