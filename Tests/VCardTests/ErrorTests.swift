import Testing
@testable import VCard

/// Every way a resource is refused, with the exact text a client sees in the
/// `valid-address-data` precondition.
@Suite("Refusing invalid vCards with a message that names the line")
struct ErrorTests {
    /// One refused input, what it must report, and why it is wrong.
    struct Case: Sendable, CustomTestStringConvertible {
        let input: [UInt8]
        let error: VCardError
        let description: String
        var testDescription: String { description }

        init(_ text: String, _ error: VCardError, _ description: String) {
            self.init(Array(text.utf8), error, description)
        }

        init(_ bytes: [UInt8], _ error: VCardError, _ description: String) {
            self.input = bytes
            self.error = error
            self.description = description
        }
    }

    static let cases: [Case] = [
        Case(Array("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:A".utf8) + [0xFF] + Array("\r\nEND:VCARD\r\n".utf8),
             VCardError(.notUTF8, line: 3),
             "line 3: text is not valid UTF-8; vCard 3.0 and 4.0 must be sent as UTF-8"),
        Case(" BEGIN:VCARD\r\n", VCardError(.continuationWithoutProperty, line: 1),
             "line 1: folded continuation line with no property before it"),
        Case("BEGIN:VCARD\r\nVERSION:4.0\r\nFN A\r\nEND:VCARD\r\n", VCardError(.missingColon, line: 3),
             "line 3: property without a \":\" before its value"),
        Case("BEGIN:VCARD\r\nVERSION:4.0\r\n:A\r\nEND:VCARD\r\n", VCardError(.missingName, line: 3),
             "line 3: property without a name"),
        Case("BEGIN:VCARD\r\nVERSION:4.0\r\nF N:A\r\nEND:VCARD\r\n", VCardError(.invalidName("F N"), line: 3),
             "line 3: property name \"F N\" may only hold letters, digits, \"-\" and \"_\""),
        Case("BEGIN:VCARD\r\nVERSION:4.0\r\nFN;X/Y=1:A\r\nEND:VCARD\r\n",
             VCardError(.invalidParameterName("X/Y"), line: 3),
             "line 3: parameter name \"X/Y\" may only hold letters, digits, \"-\" and \"_\""),
        Case("BEGIN:VCARD\r\nVERSION:4.0\r\nFN;X=\"open:A\r\nEND:VCARD\r\n", VCardError(.unterminatedQuote, line: 3),
             "line 3: parameter value with an unterminated double quote"),
        Case("\r\n\r\n", VCardError(.empty), "no vCard in the resource; it is empty"),
        Case("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", VCardError(.missingBegin, line: 1),
             "line 1: expected BEGIN:VCARD"),
        Case("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:A\r\n", VCardError(.missingEnd),
             "missing END:VCARD; the text ends inside the vCard"),
        Case("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:A\r\nBEGIN:VCARD\r\nEND:VCARD\r\n", VCardError(.nestedBegin, line: 4),
             "line 4: BEGIN inside a vCard (is an END:VCARD missing?)"),
        Case("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:A\r\nEND:VCALENDAR\r\n",
             VCardError(.mismatchedEnd("VCALENDAR"), line: 4),
             "line 4: END:VCALENDAR does not close BEGIN:VCARD"),
        Case("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:A\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:4.0\r\nFN:B\r\nEND:VCARD\r\n",
             VCardError(.multipleCards, line: 5),
             "line 5: more than one vCard in the resource; store each contact as its own resource"),
        Case("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:A\r\nEND:VCARD\r\nNOTE:stray\r\n", VCardError(.textAfterEnd, line: 5),
             "line 5: text after END:VCARD"),
        Case("BEGIN:VCARD\r\nFN:A\r\nEND:VCARD\r\n", VCardError(.missingVersion),
             "missing VERSION (required in vCard 3.0 and 4.0)"),
        Case("BEGIN:VCARD\r\nVERSION:4.0\r\nVERSION:3.0\r\nFN:A\r\nEND:VCARD\r\n",
             VCardError(.duplicateVersion, line: 3), "line 3: more than one VERSION"),
        Case("BEGIN:VCARD\r\nVERSION:2.1\r\nFN:A\r\nEND:VCARD\r\n", VCardError(.unsupportedVersion("2.1"), line: 2),
             "line 2: VERSION must be 3.0 or 4.0, not \"2.1\""),
        Case("BEGIN:VCARD\r\nVERSION:4.0\r\nN:A;B;;;\r\nEND:VCARD\r\n", VCardError(.missingFormattedName),
             "missing FN (required in vCard 3.0 and 4.0)"),
        Case("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:A\r\nUID:1\r\nNOTE:x\r\nUID:2\r\nEND:VCARD\r\n",
             VCardError(.duplicateUID, line: 6), "line 6: more than one UID"),
    ]

    @Test("each broken resource is refused with its reason, line and message", arguments: cases)
    func refused(_ example: Case) {
        let error = TestCards.error(parsing: example.input)
        #expect(error == example.error)
        #expect(error?.description == example.description)
    }

    @Test("every reason is covered by a case above")
    func everyReasonCovered() {
        let covered = Set(Self.cases.map { String(describing: $0.error.reason).prefix { $0 != "(" } })
        #expect(covered.count == 19)
    }

    @Test("the line named is the physical line, counting folded and blank lines before it")
    func physicalLineNumbers() {
        let text = "BEGIN:VCARD\r\nVERSION:4.0\r\nNOTE:long\r\n  folded\r\n\r\nFN:A\r\nBAD LINE\r\nEND:VCARD\r\n"
        #expect(TestCards.error(parsing: text) == VCardError(.missingColon, line: 7))
    }

    @Test("a partial card without FN reads back when FN is not required, and nothing else is relaxed")
    func partialCards() throws {
        let text = "BEGIN:VCARD\r\nVERSION:4.0\r\nEMAIL:a@example.com\r\nEND:VCARD\r\n"
        let card = try VCardDocument(parsing: text, requiringFormattedName: false)
        #expect(card.properties.map(\.name) == ["VERSION", "EMAIL"])
        #expect(throws: VCardError(.missingVersion)) {
            try VCardDocument(parsing: "BEGIN:VCARD\r\nEND:VCARD\r\n", requiringFormattedName: false)
        }
    }
}
