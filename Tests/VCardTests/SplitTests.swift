import Testing
@testable import VCard

@Suite("Cutting a multi-card export into single cards")
struct SplitTests {
    @Test("blocks come back unchanged, text between them is dropped")
    func blocks() {
        let first = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nEND:VCARD\r\n"
        let second = "begin:vcard\nVERSION:4.0\nFN:B\nend:vcard\n"
        #expect(VCardDocument.split("junk\r\n" + first + "\r\n" + second) == [first, second])
    }

    @Test("a block missing its END runs to the next BEGIN, so parsing it reports the missing END")
    func missingEnd() {
        let broken = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\n"
        let good = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:B\r\nEND:VCARD\r\n"
        let pieces = VCardDocument.split(broken + good)
        #expect(pieces == [broken, good])
        #expect(TestCards.error(parsing: pieces[0]) == VCardError(.missingEnd))
    }
}
