import Foundation
import Testing
@testable import VCard

@Suite("Parsing cards as real clients write them")
struct FixtureParsingTests {
    @Test("an iOS Contacts card keeps item groups, repeated type parameters and the folded PHOTO")
    func iosContacts() throws {
        let card = try TestCards.document("ios-contacts.vcf")
        #expect(card.version == .v3)
        #expect(card.uid == "5B1F3A5C-6D3E-4C1B-9A58-0D1B2C3D4E5F")
        #expect(card.formattedName == "Dr. Johnny Q. Appleseed Jr.")
        #expect(card.properties.count == 22)

        let emails = card.properties(named: "email")
        #expect(emails.map(\.value) == [
            "johnny@example.com", "j.appleseed@orchards.example", "jq@school.example",
        ])
        #expect(emails[0].types == ["internet", "home", "pref"])
        #expect(emails[2].group == "item1")
        let label = try #require(card.properties.first { $0.name == "X-ABLABEL" && $0.group == "item1" })
        #expect(label.value == "school")

        let address = try #require(card.properties(named: "ADR").first)
        #expect(address.group == "item2")
        #expect(address.components == ["", "", "1 Orchard Way\nUnit 4", "Cupertino", "CA", "95014", "United States"])

        #expect(card.firstValue(of: "URL") == "http://orchards.example/johnny")
        #expect(card.firstValue(of: "NOTE") == "Met at the cider fair, 2019.\nLikes Granny Smith; hates Red Delicious.")

        let photo = try #require(card.properties(named: "PHOTO").first)
        let payload = try TestCards.text("photo.b64").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(photo.value == payload)
        #expect(photo.parameterValues(named: "encoding") == ["b"])
        #expect(Data(base64Encoded: photo.value)?.prefix(3) == Data([0xFF, 0xD8, 0xFF]))
    }

    @Test("a DAVx5 4.0 card decodes quoted type lists, caret escapes and folded non-ASCII text")
    func davx5() throws {
        let card = try TestCards.document("davx5.vcf")
        #expect(card.version == .v4)
        #expect(card.uid == "urn:uuid:0d9f1e52-3a6b-4c7d-8e9f-a0b1c2d3e4f5")
        #expect(card.formattedName == "Zoë Ångström")

        let phones = card.properties(named: "TEL")
        #expect(phones[1].parameterValues(named: "TYPE") == ["work", "voice"])
        #expect(phones[1].parameterValues(named: "PREF") == ["1"])

        let address = try #require(card.properties(named: "ADR").first)
        #expect(address.parameterValues(named: "LABEL") == ["Hauptstraße 1\n10115 Berlin\nGermany"])
        #expect(address.components == ["", "", "Hauptstraße 1", "Berlin", "", "10115", "Germany"])

        #expect(card.firstValue(of: "NOTE") == "Größe: 1,70 m – spricht Deutsch, English und Français. "
            + "Sehr lange Notiz, damit die Zeile gefaltet wird.")
        #expect(card.properties(named: "NICKNAME").first?.listValues == ["Zo", "Zozo"])
        #expect(card.firstValue(of: "X-PHONETIC-FIRST-NAME") == "Zo-eh")
    }

    @Test("a Thunderbird card saved with bare LF line ends parses like CRLF")
    func thunderbird() throws {
        let card = try TestCards.document("thunderbird.vcf")
        #expect(card.version == .v4)
        #expect(card.uid == "b1e5c9a4-7f21-4e0a-9d3c-2f6e8a1b0c4d")
        #expect(card.properties(named: "EMAIL").map(\.value) == ["alice@example.org", "alice.example@work.example"])
        #expect(card.firstValue(of: "NOTE") == "First line\nSecond line")
        #expect(card.firstValue(of: "X-MOZILLA-HTML") == "TRUE")

        let crlf = try TestCards.text("thunderbird.vcf").replacingOccurrences(of: "\n", with: "\r\n")
        #expect(try VCardDocument(parsing: crlf) == card)
    }

    @Test("a Google export splits into three cards that each parse, Cyrillic text included")
    func googleExport() throws {
        let pieces = VCardDocument.split(try TestCards.text("google-export.vcf"))
        #expect(pieces.count == 3)
        let cards = try pieces.map { try VCardDocument(parsing: $0) }
        #expect(cards.map(\.formattedName) == ["Bob Builder", "Carol Ng", "Dmitri Ivanov"])
        #expect(cards.allSatisfy { $0.uid == nil })
        #expect(cards[0].properties(named: "CATEGORIES").first?.listValues == ["myContacts", "Work"])
        #expect(cards[1].properties(named: "EMAIL").first?.group == "item1")
        #expect(cards[2].properties(named: "ADR").first?.components[3] == "Москва")
        #expect(throws: VCardError(.multipleCards, line: 11)) {
            try VCardDocument(parsing: TestCards.text("google-export.vcf"))
        }
    }

    @Test("quoted-printable values from old phones are decoded, soft line breaks included")
    func quotedPrintable() throws {
        let card = try TestCards.document("android-qp.vcf")
        #expect(card.formattedName == "Élodie Müller")
        #expect(card.properties(named: "N").first?.components == ["Élodie", "Müller", "", "", ""])
        #expect(card.firstValue(of: "NOTE") == "Première ligne, avec des accents éèà la suite")
        // The stored value keeps the encoded text, which is what the server hands back.
        #expect(card.properties(named: "FN").first?.value == "=C3=89lodie M=C3=BCller")
        let phone = try #require(card.properties(named: "TEL").first)
        #expect(phone.types == ["cell"])
    }
}
