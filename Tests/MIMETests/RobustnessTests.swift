import Testing
@testable import MIME

@Suite("Parsing survives any input")
struct RobustnessTests {
    /// Runs everything the front end might ask of a message and checks the ranges hold together.
    private func exercise(_ bytes: [UInt8]) {
        let message = MIMEMessage(bytes)
        check(message.root, within: 0..<bytes.count)
        _ = message.envelope
        _ = message.bodyStructure(extensible: true)
        _ = message.bodyStructure(extensible: false)
        _ = message.searchableText(includeHeaders: true)
        _ = message.decodedHeader("subject")
        _ = message.root.sentDate
        for path in paths(of: message.root, prefix: [], budget: 40) {
            for text: MIMESection.Text? in [nil, .header, .text, .mime, .headerFields(["subject"]),
                                            .headerFieldsNot(["from"])] {
                _ = message.bytes(of: MIMESection(path, text))
            }
        }
    }

    private func check(_ part: MIMEPart, within bounds: Range<Int>) {
        #expect(part.range.lowerBound >= bounds.lowerBound && part.range.upperBound <= bounds.upperBound)
        #expect(part.headerRange.lowerBound == part.range.lowerBound)
        #expect(part.bodyRange.upperBound == part.range.upperBound)
        _ = part.lineCount
        _ = part.contentDisposition
        _ = part.contentLanguage
        for child in part.children {
            check(child, within: part.bodyRange)
        }
        if let embedded = part.embeddedMessage {
            check(embedded, within: part.bodyRange)
        }
    }

    /// Part numbers that exist or nearly exist, so lookups of missing parts run too.
    private func paths(of part: MIMEPart, prefix: [Int], budget: Int) -> [[Int]] {
        var result = [prefix, prefix + [1], prefix + [2]]
        guard prefix.count < 6, budget > 0 else { return result }
        for (index, _) in part.children.enumerated().prefix(4) {
            if let child = part.part(at: [index + 1]) {
                result += paths(of: child, prefix: prefix + [index + 1], budget: budget / 2)
            }
        }
        return result
    }

    @Test("mutated, truncated and spliced fixtures never crash the parser or renderers")
    func mutatedFixtures() throws {
        var random = SplitMix64(state: 0x5EED)
        let fixtures = try TestMessages.fixtureNames.map(TestMessages.bytes)
        let tokens = ["\r\n", "\n", "--outer", "--==alt==--", "=?utf-8?B?", "?=", "\"", "(", ")", "<", ">",
                      ":", ";", "=", "\r\n\r\n", "Content-Type: multipart/mixed; boundary=outer\r\n",
                      "Content-Type: message/rfc822\r\n", "\u{0}", "\u{FF}"].map { Array($0.utf8) }
        for _ in 0..<1_500 {
            var bytes = fixtures.randomElement(using: &random)!
            for _ in 0..<Int.random(in: 1...6, using: &random) where !bytes.isEmpty {
                let at = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<5, using: &random) {
                case 0: bytes[at] = UInt8.random(in: 0...255, using: &random)
                case 1: bytes.removeSubrange(at..<min(bytes.count, at + Int(random.next() % 40) + 1))
                case 2: bytes.insert(contentsOf: tokens.randomElement(using: &random)!, at: at)
                case 3: bytes.removeSubrange(at...)
                default: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + 80)], at: at)
                }
            }
            exercise(bytes)
        }
    }

    @Test("random bytes and random header-like text never crash")
    func randomInput() {
        var random = SplitMix64(state: 42)
        let alphabet = Array("ab:;<>@,.()\"\\=?_ \t\r\n-/*'%".utf8)
        for round in 0..<200 {
            let length = Int.random(in: 0...600, using: &random)
            let bytes = (0..<length).map { _ in
                round.isMultiple(of: 2)
                    ? UInt8.random(in: 0...255, using: &random)
                    : alphabet.randomElement(using: &random)!
            }
            exercise(bytes)
            _ = MIMEAddressParser.parse(bytes)
            _ = MIMEEncodedWords.decode(bytes)
            _ = MIMEContentType(parsing: bytes)
            _ = MIMEDate.parse(String(decoding: bytes, as: UTF8.self))
            _ = MIMETransferDecoding.quotedPrintable(bytes)
        }
    }

    @Test("thousands of nested multiparts and messages stop at the depth cap")
    func deepNesting() {
        var text = ""
        for level in 0..<2_000 {
            text += level.isMultiple(of: 2)
                ? "Content-Type: multipart/mixed; boundary=b\(level)\r\n\r\n--b\(level)\r\n"
                : "Content-Type: message/rfc822\r\n\r\n"
        }
        let message = MIMEMessage(Array(text.utf8))
        var deepest = 0
        func walk(_ part: MIMEPart) {
            deepest = max(deepest, part.depth)
            part.children.forEach(walk)
            part.embeddedMessage.map(walk)
        }
        walk(message.root)
        #expect(deepest == PartParser.maxDepth)
        exercise(Array(text.utf8))
    }

    @Test("thousands of boundary lines give thousands of parts, the last one open to the end")
    func manyParts() {
        let text = "Content-Type: multipart/mixed; boundary=x\r\n\r\n"
            + String(repeating: "--x\r\n", count: 5_000)
        let message = MIMEMessage(Array(text.utf8))
        #expect(message.root.children.count == 5_000)
        let structure = message.bodyStructure(extensible: true)
        #expect(structure.hasSuffix(" \"MIXED\" (\"BOUNDARY\" \"x\") NIL NIL NIL)"))
    }
}
