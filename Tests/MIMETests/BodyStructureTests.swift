import Testing
@testable import MIME

@Suite("BODY and BODYSTRUCTURE in RFC 9051 wire form")
struct BodyStructureTests {
    @Test("a plain message is one text body with size, line count and the default charset")
    func plainText() throws {
        let message = try TestMessages.message("simple")
        #expect(message.bodyStructure(extensible: false)
            == "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 53 6)")
        #expect(message.bodyStructure(extensible: true)
            == "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 53 6 NIL NIL NIL NIL)")
    }

    @Test("a multipart lists its children without spaces, then its subtype and extension data")
    func alternative() throws {
        let message = try TestMessages.message("alternative")
        let plain = "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"iso-8859-1\") NIL NIL \"QUOTED-PRINTABLE\" 44 2"
        let html = "(\"TEXT\" \"HTML\" (\"CHARSET\" \"utf-8\") NIL NIL \"BASE64\" 60 1"
        #expect(message.bodyStructure(extensible: false) == "(\(plain))\(html)) \"ALTERNATIVE\")")
        let extended = "(\(plain) NIL NIL NIL NIL)\(html) NIL NIL NIL NIL) "
            + "\"ALTERNATIVE\" (\"BOUNDARY\" \"==alt==\") NIL NIL NIL)"
        #expect(message.bodyStructure(extensible: true) == extended)
    }

    @Test("attachments carry id, description, disposition and languages; messages carry envelope and body")
    func mixed() throws {
        let message = try TestMessages.message("mixed")
        let grace = "((\"Grace\" NIL \"grace\" \"example.org\"))"
        let innerEnvelope = "(\"Mon, 15 Jan 2024 12:30 GMT\" \"Original note\" \(grace) \(grace) \(grace) "
            + "NIL NIL NIL NIL NIL)"
        let text = "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 24 1"
        let pdf = "(\"APPLICATION\" \"PDF\" (\"NAME\" \"report.pdf\") \"<part2@example.com>\" "
            + "\"Quarterly report\" \"BASE64\" 12"
        let inner = "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"8BIT\" 27 1"
        let forwarded = "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 194 \(innerEnvelope) "

        #expect(message.bodyStructure(extensible: false)
            == "(\(text))\(pdf))\(forwarded)\(inner)) 7) \"MIXED\")")
        let disposition = "(\"ATTACHMENT\" (\"FILENAME*\" \"utf-8''r%C3%A9sum%C3%A9.pdf\"))"
        #expect(message.bodyStructure(extensible: true)
            == "(\(text) NIL NIL NIL NIL)\(pdf) NIL \(disposition) (\"en\" \"fr\") NIL)"
            + "\(forwarded)\(inner) NIL NIL NIL NIL) 7 NIL NIL NIL NIL) "
            + "\"MIXED\" (\"BOUNDARY\" \"outer\") NIL NIL NIL)")
    }

    @Test("a multipart cut short still lists the parts found")
    func missingBoundary() throws {
        let message = try TestMessages.message("missing-boundary")
        let text = "\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\""
        #expect(message.bodyStructure(extensible: false) == "((\(text) 5 1)(\(text) 25 1) \"MIXED\")")
    }

    @Test("a multipart with no boundary line inside shows one empty text part")
    func emptyMultipart() {
        let message = MIMEMessage(crlf("Content-Type: multipart/mixed; boundary=zz\n\nno parts here\n"))
        #expect(message.root.children.isEmpty)
        #expect(message.bodyStructure(extensible: false)
            == "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 0 0) \"MIXED\")")
    }

    @Test("an opaque part is described as application/octet-stream with its own parameters")
    func opaque() {
        let message = MIMEMessage(crlf("Content-Type: multipart/related\n\n--x\n\nbody\n"))
        #expect(message.bodyStructure(extensible: false)
            == "(\"APPLICATION\" \"OCTET-STREAM\" NIL NIL NIL \"7BIT\" 13)")
        let encoded = MIMEMessage(crlf("""
            Content-Type: message/rfc822
            Content-Transfer-Encoding: base64

            U3ViamVjdDogeA==
            """))
        #expect(encoded.bodyStructure(extensible: false)
            == "(\"APPLICATION\" \"OCTET-STREAM\" NIL NIL NIL \"BASE64\" 16)")
    }

    @Test("a single language, a location and an MD5 fill the one-part extension data")
    func singlePartExtensions() {
        let message = MIMEMessage(crlf("""
            Content-Type: image/png; name=dot.png
            Content-Transfer-Encoding: base64
            Content-Disposition: inline
            Content-Language: de
            Content-Location: dot.png
            Content-MD5: AAAAAAAAAAAAAAAAAAAAAA==

            iVBORw0KGgo=
            """))
        #expect(message.bodyStructure(extensible: true)
            == "(\"IMAGE\" \"PNG\" (\"NAME\" \"dot.png\") NIL NIL \"BASE64\" 12 "
            + "\"AAAAAAAAAAAAAAAAAAAAAA==\" (\"INLINE\" NIL) \"de\" \"dot.png\")")
    }

    @Test("message/global is described like message/rfc822, with its own subtype")
    func globalMessage() {
        let message = MIMEMessage(crlf("Content-Type: message/global\n\nSubject: ünïcode\n\nhi"))
        let leaf = "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 2 1)"
        #expect(message.bodyStructure(extensible: false) == "(\"MESSAGE\" \"GLOBAL\" NIL NIL NIL \"7BIT\" 24 "
            + "(NIL {9}\r\nünïcode NIL NIL NIL NIL NIL NIL NIL NIL) \(leaf) 3)")
    }

    @Test("a message/rfc822 body nested in a message/rfc822 body gives nested envelopes")
    func nestedMessages() {
        let message = MIMEMessage(crlf("Content-Type: message/rfc822\n\nContent-Type: message/rfc822\n\n"
            + "Subject: deepest\n\nhi"))
        let deepest = "(NIL \"deepest\" NIL NIL NIL NIL NIL NIL NIL NIL)"
        let middle = "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)"
        let leaf = "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 2 1)"
        let inner = "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 22 \(deepest) \(leaf) 3)"
        #expect(message.bodyStructure(extensible: false)
            == "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 54 \(middle) \(inner) 5)")
    }
}
