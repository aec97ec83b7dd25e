import Testing
@testable import MIME

@Suite("ENVELOPE and the address lists in it")
struct EnvelopeTests {
    @Test("a plain message's envelope, with Sender and Reply-To taken from From")
    func plainEnvelope() throws {
        let envelope = try TestMessages.message("simple").envelope
        let alice = "((\"Alice Example\" NIL \"alice\" \"example.org\"))"
        let expected = "(\"Tue, 1 Jul 2003 10:52:37 +0200\" \"Lunch on Thursday?\" "
            + "\(alice) \(alice) \(alice) "
            + "((\"Bob\" NIL \"bob\" \"example.net\")(\"Carol C.\" NIL \"carol\" \"example.net\")) "
            + "NIL NIL NIL \"<1234@mail.example.org>\")"
        #expect(envelope == expected)
    }

    @Test("encoded words stay encoded, an empty group is a start and an end marker")
    func encodedSubjectAndEmptyGroup() throws {
        let envelope = try TestMessages.message("alternative").envelope
        let jean = "((\"Dupont, Jean\" NIL \"jean\" \"example.fr\"))"
        let expected = "(\"2 Mar 24 9:05 EST\" "
            + "\"=?ISO-8859-1?Q?R=E9union?= =?ISO-8859-1?Q?_d=E9plac=E9e?=\" "
            + "\(jean) \(jean) \(jean) ((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)) "
            + "NIL NIL \"<orig.7@example.com>\" \"<alt.1@example.fr>\")"
        #expect(envelope == expected)
    }

    @Test("groups with members, source routes and addresses without a domain")
    func groupsRoutesAndMissingDomains() throws {
        let envelope = try TestMessages.message("mixed").envelope
        let expected = "(\"Wed, 17 Jan 2024 08:00:00 -0500\" \"Report and forwarded note\" "
            + "((\"Eve\" NIL \"eve\" \"example.com\")) ((NIL NIL \"list-bounces\" \"lists.example.com\")) "
            + "((NIL NIL \"team\" NIL)(NIL NIL \"ann\" \"example.com\")"
            + "(\"Ben B\" NIL \"ben\" \"example.com\")"
            + "(NIL NIL NIL NIL)) ((NIL \"@relay.example.com\" \"dave\" \"example.com\")) "
            + "((NIL NIL \"frank\" \"\")) NIL NIL \"<mixed.42@example.com>\")"
        #expect(envelope == expected)
    }

    @Test("8-bit header text goes out as literals counted in UTF-8 bytes")
    func eightBitLiterals() throws {
        let envelope = try TestMessages.message("eightbit-header").envelope
        let joerg = "((\"=?utf-8?B?SsO2cmc=?=\" NIL \"joerg\" \"example.de\"))"
        let expected = "(\"5 Feb 2024 14:00 +0100\" {17}\r\nGrüße aus Köln \(joerg) \(joerg) \(joerg) "
            + "((NIL NIL {5}\r\njörg \"example.de\")) NIL NIL NIL NIL)"
        #expect(envelope == expected)
    }

    @Test("an empty Sender falls back to From, and a message without fields is all NIL")
    func fallbacks() {
        let message = MIMEMessage(crlf("From: a@example.com\nSender:\nReply-To: r@example.com\n\nx"))
        let author = "((NIL NIL \"a\" \"example.com\"))"
        #expect(message.envelope
            == "(NIL NIL \(author) \(author) ((NIL NIL \"r\" \"example.com\")) NIL NIL NIL NIL NIL)")
        #expect(MIMEMessage([]).envelope == "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)")
    }

    @Test("quotes and backslashes in values are escaped inside quoted strings")
    func escaping() {
        let message = MIMEMessage(crlf("Subject: say \"hi\" \\o/\nTo: \"Smith, \\\"J\\\"\" <j@x.org>\n\n"))
        #expect(message.envelope == "(NIL \"say \\\"hi\\\" \\\\o/\" NIL NIL NIL "
            + "((\"Smith, \\\"J\\\"\" NIL \"j\" \"x.org\")) NIL NIL NIL NIL)")
    }

    @Test("display names: quoted, dotted, commented, and comments standing in for names")
    func displayNames() {
        let entries = MIMEAddressParser.parse(
            "John Q. Public <jqp@example.com>, \"Doe, Jane\" (work) <jane@example.com>, "
                + "kim@example.com (Kim (the boss) Lee), <bare@example.com>, \"quoted local\"@example.com"
        )
        #expect(entries == [
            .mailbox(MIMEAddress(displayName: "John Q. Public", mailbox: "jqp", host: "example.com")),
            .mailbox(MIMEAddress(displayName: "Doe, Jane", mailbox: "jane", host: "example.com")),
            .mailbox(MIMEAddress(displayName: "Kim (the boss) Lee", mailbox: "kim", host: "example.com")),
            .mailbox(MIMEAddress(mailbox: "bare", host: "example.com")),
            .mailbox(MIMEAddress(mailbox: "quoted local", host: "example.com")),
        ])
    }

    @Test("broken lists still give what can be read")
    func brokenLists() {
        let plain = MIMEAddress(mailbox: "a", host: "x.org")
        #expect(MIMEAddressParser.parse(",, a@x.org ,, ") == [.mailbox(plain)])
        #expect(MIMEAddressParser.parse("Ann <ann@x.org, bob@y.org") == [
            .mailbox(MIMEAddress(displayName: "Ann", mailbox: "ann", host: "x.org")),
            .mailbox(MIMEAddress(mailbox: "bob", host: "y.org")),
        ])
        #expect(MIMEAddressParser.parse("list: a@x.org, b@y.org") == [
            .group(name: "list", members: [
                MIMEAddress(mailbox: "a", host: "x.org"), MIMEAddress(mailbox: "b", host: "y.org"),
            ]),
        ])
        #expect(MIMEAddressParser.parse("<>") == [.mailbox(MIMEAddress(mailbox: "", host: nil))])
        #expect(MIMEAddressParser.parse("user@[192.0.2.1]") == [
            .mailbox(MIMEAddress(mailbox: "user", host: "[192.0.2.1]")),
        ])
        #expect(MIMEAddressParser.parse("").isEmpty)
        #expect(MIMEAddressParser.parse("(only a comment)").isEmpty)
    }

    @Test("a route lists every relay before the colon")
    func routes() {
        #expect(MIMEAddressParser.parse("Relay <@a.example,@b.example:user@c.example>") == [
            .mailbox(MIMEAddress(displayName: "Relay", route: "@a.example,@b.example", mailbox: "user",
                                 host: "c.example")),
        ])
    }
}
