import Testing
@testable import MIME

@Suite("Splitting messages into header, body and parts")
struct MessageParsingTests {
    @Test("a plain message is one text part whose header ends after the blank line")
    func plainMessage() throws {
        let message = try TestMessages.message("simple")
        let root = message.root
        #expect(root.fields.map(\.name) == ["Return-Path", "Date", "From", "To", "Subject", "Message-ID"])
        #expect(root.headerBytes.text.hasSuffix("<1234@mail.example.org>\r\n\r\n"))
        #expect(root.bodyBytes.text.hasPrefix("Hi Bob,\r\n"))
        #expect(root.headerRange.upperBound == root.bodyRange.lowerBound)
        #expect(root.range == 0..<message.bytes.count)
        #expect(root.contentType == .defaultText)
        if case .single = root.structure {} else { Issue.record("expected a single part") }
        #expect(root.lineCount == 6)
    }

    @Test("folded fields keep their raw bytes and unfold to one line")
    func foldedField() throws {
        let root = try TestMessages.message("simple").root
        let subject = try #require(root.fields(named: "subject").first)
        #expect(subject.rawValue.text == " Lunch on\r\n Thursday?")
        #expect(subject.value == "Lunch on Thursday?")
        #expect(root.value(of: "SUBJECT") == "Lunch on Thursday?")
        #expect(Array(root.source[subject.range]).text == "Subject: Lunch on\r\n Thursday?\r\n")
    }

    @Test("a multipart is split at its boundary lines, without preamble and epilogue")
    func multipartChildren() throws {
        let root = try TestMessages.message("alternative").root
        #expect(root.contentType.mediaType == "multipart/alternative")
        #expect(root.contentType.boundary == "==alt==")
        let children = root.children
        #expect(children.count == 2)
        #expect(children[0].bodyBytes.text == "La r=E9union est d=E9plac=E9e =E0 =\r\ndemain.")
        #expect(children[0].contentTransferEncoding == "quoted-printable")
        #expect(children[0].contentType.charset == "iso-8859-1")
        #expect(children[1].bodyBytes.text.hasPrefix("PHA+TGEgcsOpdW5pb24gZXN0IGTDqX"))
        #expect(children[1].bodyBytes.text.hasSuffix("BsYWPDqWUgw6AgZGVtYWluLjwvcD4K"))
        #expect(children[1].depth == 1)
        #expect(root.childRanges == children.map(\.range))
        for child in children {
            #expect(root.bodyRange.contains(child.range.lowerBound))
            #expect(child.range.upperBound <= root.bodyRange.upperBound)
        }
    }

    @Test("a message/rfc822 part holds the embedded message's root part")
    func embeddedMessage() throws {
        let root = try TestMessages.message("mixed").root
        #expect(root.children.count == 3)
        let forwarded = root.children[2]
        #expect(forwarded.contentType.mediaType == "message/rfc822")
        let embedded = try #require(forwarded.embeddedMessage)
        #expect(embedded.range == forwarded.bodyRange)
        #expect(embedded.value(of: "Subject") == "Original note")
        #expect(embedded.contentType.charset == "utf-8")
        #expect(embedded.bodyBytes.text == "Hello from the past, café.")
        #expect(embedded.depth == 2)
    }

    @Test("without a closing boundary the last part runs to the end of the message")
    func missingClosingBoundary() throws {
        let root = try TestMessages.message("missing-boundary").root
        #expect(root.children.map(\.bodyBytes.text) == ["first", "second and never closed\r\n"])
    }

    @Test("bare LF line ends are read like CRLF")
    func bareLineFeeds() {
        let bytes = Array("""
            Subject: lf only
            Content-Type: multipart/mixed; boundary=x

            --x
            Content-Type: text/plain

            one
            --x

            two
            --x--
            """.utf8)
        let root = MIMEMessage(bytes).root
        #expect(root.value(of: "subject") == "lf only")
        #expect(root.children.map(\.bodyBytes.text) == ["one", "two"])
        #expect(root.children[1].fields.isEmpty)
        #expect(root.children[1].contentType == .defaultText)
    }

    @Test("a header without a blank line fills the whole message and leaves an empty body")
    func headerOnly() {
        let root = MIMEMessage(Array("Subject: cut\r\nFrom: a@b".utf8)).root
        #expect(root.fields.count == 2)
        #expect(root.value(of: "from") == "a@b")
        #expect(root.bodyRange.isEmpty)
        #expect(root.headerRange == root.range)
    }

    @Test("a message that starts with a blank line has no fields and all of it after as body")
    func emptyHeader() {
        let root = MIMEMessage(crlf("\nbody\n")).root
        #expect(root.fields.isEmpty)
        #expect(root.headerBytes == [13, 10])
        #expect(root.bodyBytes.text == "body\r\n")
    }

    @Test("stray lines in a header are kept as header bytes but are not fields")
    func strayHeaderLines() {
        let root = MIMEMessage(crlf("""
             orphan continuation
            Not a field
            X-Spaced : yes
            Bad Name: no
            To: a

            x
            """)).root
        #expect(root.fields.map(\.name) == ["X-Spaced", "To"])
        #expect(root.value(of: "x-spaced") == "yes")
        #expect(root.bodyBytes.text == "x")
    }

    @Test("a missing or unreadable Content-Type means text/plain in US-ASCII")
    func defaultContentType() {
        let missing = MIMEMessage(crlf("Subject: x\n\nbody")).root
        #expect(missing.contentType.parameters == [MIMEParameter(name: "charset", value: "US-ASCII")])
        let garbage = MIMEMessage(crlf("Content-Type: ;;/\n\nbody")).root
        #expect(garbage.contentType == .defaultText)
        let noCharset = MIMEMessage(crlf("Content-Type: TEXT/HTML\n\nbody")).root
        #expect(noCharset.contentType.mediaType == "text/html")
        #expect(noCharset.contentType.charset == "us-ascii")
    }

    @Test("parts of a multipart/digest default to message/rfc822")
    func digestDefault() {
        let bytes = crlf("""
            Content-Type: multipart/digest; boundary=d

            --d

            Subject: first digest entry

            hello
            --d
            Content-Type: text/plain

            not a message
            --d--
            """)
        let root = MIMEMessage(bytes).root
        #expect(root.children[0].contentType.mediaType == "message/rfc822")
        #expect(root.children[0].embeddedMessage?.value(of: "Subject") == "first digest entry")
        #expect(root.children[1].contentType.mediaType == "text/plain")
    }

    @Test("a multipart without a boundary parameter is kept whole as an opaque part")
    func multipartWithoutBoundary() {
        let root = MIMEMessage(crlf("Content-Type: multipart/mixed\n\n--x\n\nhi\n--x--\n")).root
        guard case .opaque = root.structure else {
            Issue.record("expected an opaque part")
            return
        }
        #expect(root.children.isEmpty)
    }

    @Test("a boundary line must be the boundary plus optional whitespace, or the closing form")
    func boundaryMatching() {
        let bytes = crlf("""
            Content-Type: multipart/mixed; boundary=b

            --b\t
            --bad idea, not a boundary
            --b-- trailing words make this no boundary either
            --b--  \("")
            epilogue
            """)
        let root = MIMEMessage(bytes).root
        #expect(root.children.count == 1)
        #expect(root.children[0].range.count > 0)
        #expect(Array(root.source[root.children[0].range]).text.contains("--bad idea"))
        #expect(Array(root.source[root.children[0].range]).text.hasSuffix("either"))
    }

    @Test("nesting deeper than the cap is kept as opaque parts instead of being parsed")
    func nestingCap() {
        var text = ""
        for level in 0..<40 {
            text += "Content-Type: multipart/mixed; boundary=\"level\(level)\"\n\n--level\(level)\n"
        }
        text += "Content-Type: text/plain\n\ndeep\n"
        let root = MIMEMessage(crlf(text)).root
        var part = root
        while let child = part.children.first {
            part = child
        }
        #expect(part.depth == PartParser.maxDepth)
        guard case .opaque = part.structure else {
            Issue.record("expected the deepest parsed part to be opaque")
            return
        }
        #expect(MIMEMessage(crlf(text)).bodyStructure(extensible: true).contains("\"OCTET-STREAM\""))
    }

    @Test("the content header accessors read their fields")
    func contentAccessors() throws {
        let attachment = try TestMessages.message("mixed").root.children[1]
        #expect(attachment.contentType.parameter("NAME") == "report.pdf")
        #expect(attachment.contentTransferEncoding == "base64")
        #expect(attachment.contentID == "<part2@example.com>")
        #expect(attachment.contentDescription == "Quarterly report")
        #expect(attachment.contentLanguage == ["en", "fr"])
        #expect(attachment.contentDisposition?.type == "attachment")
        #expect(attachment.contentDisposition?.parameter("filename") == "résumé.pdf")
        #expect(attachment.contentLocation == nil)
        #expect(attachment.contentMD5 == nil)

        let other = MIMEMessage(crlf("""
            Content-Location: http://example.com/
             a/b.html
            Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==
            Content-Transfer-Encoding: Quoted-Printable (for the mail gateway)

            x
            """)).root
        #expect(other.contentLocation == "http://example.com/a/b.html")
        #expect(other.contentMD5 == "Q2hlY2sgSW50ZWdyaXR5IQ==")
        #expect(other.contentTransferEncoding == "quoted-printable")
        #expect(other.contentDisposition == nil)
    }

    @Test("the Date field is parsed for searches by sent date")
    func sentDate() throws {
        let root = try TestMessages.message("simple").root
        #expect(root.sentDate?.timeIntervalSince1970 == 1_057_049_557)
    }
}
