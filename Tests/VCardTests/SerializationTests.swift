import Testing
@testable import VCard

@Suite("Writing cards back: full round trips and address-data subsets (RFC 6352 section 10.4)")
struct SerializationTests {
    static let fixtures = ["ios-contacts.vcf", "davx5.vcf", "thunderbird.vcf", "android-qp.vcf"]

    @Test("a CRLF card comes back byte for byte, folding included",
          arguments: ["ios-contacts.vcf", "davx5.vcf", "android-qp.vcf"])
    func byteForByte(_ name: String) throws {
        let card = try TestCards.document(name)
        #expect(card.serialized() == (try TestCards.text(name)))
    }

    @Test("a bare-LF card comes back with CRLF line ends and nothing else changed")
    func lineEnds() throws {
        let card = try TestCards.document("thunderbird.vcf")
        let expected = try TestCards.text("thunderbird.vcf").replacingOccurrences(of: "\n", with: "\r\n")
        #expect(card.serialized() == expected)
    }

    @Test("parsing the output gives an equal card, and writing that again gives the same text", arguments: fixtures)
    func roundTrip(_ name: String) throws {
        let card = try TestCards.document(name)
        let again = try VCardDocument(parsing: card.serialized())
        #expect(again == card)
        #expect(again.serialized() == card.serialized())
    }

    @Test("blank lines, a byte order mark and a stray END spelling are normalised away")
    func normalised() throws {
        let card = try VCardDocument(parsing: "\u{FEFF}begin:vcard\n\nVERSION:4.0\nFN:A\nend:VCard \n")
        #expect(card.serialized() == "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:A\r\nEND:VCARD\r\n")
    }

    @Test("address-data keeps only the named properties, VERSION, and item-grouped ones, as written")
    func subset() throws {
        let card = try TestCards.document("ios-contacts.vcf")
        let output = card.serialized(onlyProperties: ["email", "FN"])
        let expected = TestCards.crlf(
            "BEGIN:VCARD", "VERSION:3.0", "FN:Dr. Johnny Q. Appleseed Jr.",
            "EMAIL;type=INTERNET;type=HOME;type=pref:johnny@example.com",
            "EMAIL;type=INTERNET;type=WORK:j.appleseed@orchards.example",
            "item1.EMAIL;type=INTERNET:jq@school.example", "END:VCARD"
        )
        #expect(output == expected)
        let reread = try VCardDocument(parsing: output)
        #expect(reread.properties.map(\.name) == ["VERSION", "FN", "EMAIL", "EMAIL", "EMAIL"])
        #expect(reread.uid == nil)
    }

    @Test("a subset without FN is refused by the full check and reads back as a partial card")
    func subsetWithoutFormattedName() throws {
        let card = try TestCards.document("davx5.vcf")
        let output = card.serialized(onlyProperties: ["UID", "ADR"])
        #expect(TestCards.error(parsing: output) == VCardError(.missingFormattedName))
        let partial = try VCardDocument(parsing: output, requiringFormattedName: false)
        #expect(partial.uid == "urn:uuid:0d9f1e52-3a6b-4c7d-8e9f-a0b1c2d3e4f5")
        #expect(partial.properties(named: "ADR").first?.components[2] == "Hauptstraße 1")
        // The folded ADR line is copied with its original fold.
        #expect(output.contains("Hauptstraße \r\n 1;Berlin"))
    }

    @Test("novalue writes the property's name and parameters with nothing after the colon")
    func withoutValues() throws {
        let card = try TestCards.document("ios-contacts.vcf")
        let output = card.serialized(onlyProperties: ["PHOTO", "TEL"], withoutValues: ["photo"])
        let expected = TestCards.crlf(
            "BEGIN:VCARD", "VERSION:3.0",
            "TEL;type=CELL;type=VOICE;type=pref:+1 (408) 555-0100", "TEL;type=WORK;type=VOICE:+1 408 555 0199",
            "PHOTO;ENCODING=b;TYPE=JPEG:", "END:VCARD"
        )
        #expect(output == expected)
    }

    @Test("a line written afresh is folded at 75 octets without splitting a character")
    func folding() {
        let line = "NOTE:" + String(repeating: "é", count: 40)
        let folded = VCardDocument.folded(line)
        let physical = folded.split(separator: "\r\n", omittingEmptySubsequences: true)
        #expect(physical.allSatisfy { $0.utf8.count <= 75 })
        #expect(physical.count == 2)
        #expect(physical[0].utf8.count == 75)
        #expect(folded.replacingOccurrences(of: "\r\n ", with: "") == line + "\r\n")
    }
}
