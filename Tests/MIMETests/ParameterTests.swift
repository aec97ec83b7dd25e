import Testing
@testable import MIME

@Suite("Content-Type and Content-Disposition parameters, RFC 2231 included")
struct ParameterTests {
    private func contentType(_ value: String) -> MIMEContentType? {
        MIMEContentType(parsing: Array(value.utf8))
    }

    @Test("type and subtype are lower-cased and quoted values unquoted")
    func basics() throws {
        let type = try #require(contentType("Text/HTML; Charset=\"UTF-8\"; format=flowed (comment)"))
        #expect(type.mediaType == "text/html")
        #expect(type.parameters.map(\.name) == ["charset", "format"])
        #expect(type.charset == "utf-8")
        #expect(type.parameter("FORMAT") == "flowed")
        #expect(contentType("text") == nil)
        #expect(contentType("") == nil)
    }

    @Test("continuations join in section order and the extended charset is applied")
    func continuations() throws {
        let type = try #require(contentType(
            "application/x-stuff; title*1*=%2A%2A%2Afun%2A%2A%2A%20; title*2=\"isn't it!\"; "
                + "title*0*=us-ascii'en'This%20is%20even%20more%20"))
        let title = try #require(type.parameters.first)
        #expect(title.name == "title")
        #expect(title.value == "This is even more ***fun*** isn't it!")
        #expect(title.charset == "us-ascii")
        #expect(title.language == "en")
        #expect(title.wireForm.name == "TITLE")
    }

    @Test("an extended value is decoded from its charset and keeps its extended wire form")
    func extendedCharset() throws {
        let disposition = try #require(MIMEContentDisposition(parsing: Array(
            "Attachment; filename=\"fallback.txt\"; filename*=iso-8859-1''%E9t%E9.txt".utf8)))
        #expect(disposition.type == "attachment")
        #expect(disposition.parameter("filename") == "été.txt")
        #expect(disposition.parameters.count == 1)
        #expect(disposition.parameters[0].wireForm == ("FILENAME*", "iso-8859-1''%E9t%E9.txt"))
    }

    @Test("plain continuations without a charset and unquoted values with spaces")
    func plainPieces() throws {
        let value = "text/plain; name*0=\"long \"; name*1=name.txt; note=two  words"
        let type = try #require(contentType(value))
        #expect(type.parameter("name") == "long name.txt")
        #expect(type.parameter("note") == "two words")
    }

    @Test("a parameter without a value or name is skipped")
    func brokenParameters() throws {
        let type = try #require(contentType("text/plain; ; =x; flag; charset=utf-8;"))
        #expect(type.parameters.map(\.name) == ["charset"])
    }
}
