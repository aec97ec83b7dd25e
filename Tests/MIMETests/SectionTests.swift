import Testing
@testable import MIME

@Suite("IMAP section numbers and the bytes BODY[section] returns")
struct SectionTests {
    @Test("BODY[], BODY[HEADER] and BODY[TEXT] of a plain message")
    func wholeMessageSections() throws {
        let bytes = try TestMessages.bytes("simple")
        let message = MIMEMessage(bytes)
        #expect(message.bytes(of: MIMESection()) == bytes)
        let header = try #require(message.bytes(of: MIMESection([], .header)))
        let text = try #require(message.bytes(of: MIMESection([], .text)))
        #expect(header + text == bytes)
        #expect(header.text.hasPrefix("Return-Path: <alice@example.org>\r\n"))
        #expect(header.text.hasSuffix("Message-ID: <1234@mail.example.org>\r\n\r\n"))
        #expect(text.text == "Hi Bob,\r\n\r\nLunch on Thursday at noon?\r\n\r\n-- \r\nAlice\r\n")
        #expect(message.bytes(of: MIMESection([], .mime)) == nil)
    }

    @Test("a message that is not multipart has only part 1, its body")
    func singlePartNumbering() throws {
        let message = try TestMessages.message("simple")
        #expect(message.part(at: [1]) === message.root)
        #expect(message.part(at: []) === message.root)
        #expect(message.bytes(of: MIMESection([1])) == message.bytes(of: MIMESection([], .text)))
        #expect(message.part(at: [2]) == nil)
        #expect(message.part(at: [1, 1]) == nil)
        #expect(message.part(at: [0]) == nil)
        #expect(message.bytes(of: MIMESection([1], .header)) == nil)
        #expect(message.bytes(of: MIMESection([3], .mime)) == nil)
    }

    @Test("BODY[n] and BODY[n.MIME] of multipart children")
    func childSections() throws {
        let message = try TestMessages.message("alternative")
        let first = message.bytes(of: MIMESection([1]))
        #expect(first?.text == "La r=E9union est d=E9plac=E9e =E0 =\r\ndemain.")
        #expect(message.bytes(of: MIMESection([1], .mime))?.text == """
            Content-Type: text/plain; charset=iso-8859-1\r
            Content-Transfer-Encoding: quoted-printable\r
            \r

            """)
        #expect(message.bytes(of: MIMESection([2]))?.text
            == "PHA+TGEgcsOpdW5pb24gZXN0IGTDqXBsYWPDqWUgw6AgZGVtYWluLjwvcD4K")
        #expect(message.bytes(of: MIMESection([3])) == nil)
        #expect(message.bytes(of: MIMESection([1], .text)) == nil)
        let body = try #require(message.bytes(of: MIMESection([], .text)))
        #expect(body.text.hasPrefix("This is a multi-part message in MIME format.\r\n--==alt==\r\n"))
        #expect(body.text.hasSuffix("--==alt==--\r\n"))
    }

    @Test("numbers after a message/rfc822 part count inside the embedded message")
    func embeddedSections() throws {
        let message = try TestMessages.message("mixed")
        let embeddedText = "Hello from the past, café."
        let embeddedHeader = """
            From: Grace <grace@example.org>\r
            Subject: Original note\r
            Date: Mon, 15 Jan 2024 12:30 GMT\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Transfer-Encoding: 8bit\r
            \r

            """
        #expect(message.bytes(of: MIMESection([3]))?.text == embeddedHeader + embeddedText)
        #expect(message.bytes(of: MIMESection([3], .mime))?.text == "Content-Type: message/rfc822\r\n\r\n")
        #expect(message.bytes(of: MIMESection([3], .header))?.text == embeddedHeader)
        #expect(message.bytes(of: MIMESection([3], .text))?.text == embeddedText)
        #expect(message.bytes(of: MIMESection([3, 1]))?.text == embeddedText)
        #expect(message.bytes(of: MIMESection([3], .headerFields(["SUBJECT", "x-absent"])))?.text
            == "Subject: Original note\r\n\r\n")
        #expect(message.part(at: [3, 2]) == nil)
        #expect(message.bytes(of: MIMESection([2]))?.text == "JVBERi0xLjQK")
    }

    @Test("HEADER.FIELDS keeps the message's order and folding, and always ends with a blank line")
    func headerFields() throws {
        let message = try TestMessages.message("simple")
        let fields = message.bytes(of: MIMESection([], .headerFields(["subject", "From"])))
        let fromAndSubject = "From: Alice Example <alice@example.org>\r\n"
            + "Subject: Lunch on\r\n Thursday?\r\n\r\n"
        #expect(fields?.text == fromAndSubject)
        #expect(message.bytes(of: MIMESection([], .headerFields(["X-None"]))) == [13, 10])
        let excluded = ["return-path", "Message-ID", "To", "date"]
        #expect(message.bytes(of: MIMESection([], .headerFieldsNot(excluded)))?.text == fromAndSubject)
    }

    @Test("a field cut off at the end of a truncated message still gets its line break")
    func truncatedHeaderFields() {
        let message = MIMEMessage(Array("To: a@b\r\nSubject: cut".utf8))
        let subject = message.bytes(of: MIMESection([], .headerFields(["subject"])))
        #expect(subject?.text == "Subject: cut\r\n\r\n")
    }

    @Test("deep part numbers follow multiparts inside embedded messages (RFC 9051 6.4.5)")
    func nestedNumbering() {
        let bytes = crlf("""
            Content-Type: multipart/mixed; boundary=a

            --a

            part one
            --a
            Content-Type: multipart/alternative; boundary=b

            --b

            part two-one
            --b
            Content-Type: text/html

            part two-two
            --b--
            --a
            Content-Type: message/rfc822

            Subject: inner
            Content-Type: multipart/mixed; boundary=c

            --c

            part three-one
            --c
            Content-Type: message/rfc822

            Subject: innermost

            part three-two-one
            --c--
            --a--
            """)
        let message = MIMEMessage(bytes)
        func body(_ path: [Int]) -> String? {
            message.bytes(of: MIMESection(path))?.text
        }
        #expect(body([1]) == "part one")
        #expect(body([2, 1]) == "part two-one")
        #expect(body([2, 2]) == "part two-two")
        #expect(body([3, 1]) == "part three-one")
        #expect(body([3, 2, 1]) == "part three-two-one")
        #expect(message.bytes(of: MIMESection([3, 2], .header))?.text == "Subject: innermost\r\n\r\n")
        let mime = message.bytes(of: MIMESection([2], .mime))?.text ?? ""
        #expect(mime.hasPrefix("Content-Type: multipart/alternative"))
        let alternative = message.bytes(of: MIMESection([2]))?.text ?? ""
        #expect(alternative.hasPrefix("--b\r\n\r\npart two-one\r\n--b\r\n"))
        #expect(message.part(at: [2, 3]) == nil)
        #expect(message.part(at: [1, 1]) == nil)
        #expect(message.part(at: [3, 3]) == nil)
    }

    @Test("a message whose top level is message/rfc822 numbers the embedded message under part 1")
    func topLevelEmbedded() {
        let message = MIMEMessage(crlf("Content-Type: message/rfc822\n\nSubject: wrapped\n\ninside"))
        #expect(message.part(at: [1]) === message.root)
        #expect(message.bytes(of: MIMESection([1], .header))?.text == "Subject: wrapped\r\n\r\n")
        #expect(message.bytes(of: MIMESection([1, 1]))?.text == "inside")
    }
}
