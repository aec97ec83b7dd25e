import Testing
@testable import MIME

@Suite("IMAP string rendering")
struct IMAPStringTests {
    @Test("nil is NIL and short 7-bit text is quoted with escapes")
    func quoted() {
        #expect(IMAPString.nstring(nil) == "NIL")
        #expect(IMAPString.nstring("") == "\"\"")
        #expect(IMAPString.string("NIL") == "\"NIL\"")
        #expect(IMAPString.string("a \"b\" \\c") == "\"a \\\"b\\\" \\\\c\"")
    }

    @Test("line breaks, 8-bit text and long values become literals counted in UTF-8 bytes")
    func literals() {
        #expect(IMAPString.string("two\r\nlines") == "{10}\r\ntwo\r\nlines")
        #expect(IMAPString.string("naïve") == "{6}\r\nnaïve")
        let long = String(repeating: "x", count: IMAPString.quotedLimit + 1)
        #expect(IMAPString.string(long) == "{\(long.utf8.count)}\r\n" + long)
        let limit = String(repeating: "y", count: IMAPString.quotedLimit)
        #expect(IMAPString.string(limit) == "\"\(limit)\"")
    }

    @Test("NUL forces a literal and is left out of it")
    func nul() {
        #expect(IMAPString.string("a\u{0}b") == "{2}\r\nab")
    }
}
