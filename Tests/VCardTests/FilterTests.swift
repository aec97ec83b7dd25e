import Testing
@testable import VCard

@Suite("addressbook-query filters (RFC 6352 section 10.5)")
struct FilterTests {
    static let text = TestCards.crlf(
        "BEGIN:VCARD", "VERSION:4.0", "FN:Jürgen Müller", "N:Müller;Jürgen;;;",
        "EMAIL;TYPE=work:juergen@firma.example", "item1.EMAIL;TYPE=home:JM@Example.ORG",
        "TEL;TYPE=cell,voice:+49 170 1234567", "NICKNAME:Straße", "CATEGORIES:Kunden,VIP",
        #"NOTE:ﬁne print\, small"#, "ADR;TYPE=work:;;Hauptstr. 5;Köln;;50667;Deutschland", "END:VCARD"
    )

    let card: VCardDocument

    init() throws {
        card = try VCardDocument(parsing: Self.text)
    }

    /// Whether the card passes one property filter holding one text match.
    func matches(
        _ name: String, _ text: String, _ collation: VCardCollation = .unicodeCasemap,
        _ matchType: VCardMatchType = .contains, negated: Bool = false
    ) -> Bool {
        let match = VCardTextMatch(text, collation: collation, matchType: matchType, isNegated: negated)
        return card.matches(VCardFilter(propertyFilters: [VCardPropertyFilter(name: name, textMatches: [match])]))
    }

    @Test("the defaults are anyof, i;unicode-casemap and contains, as RFC 6352 sets them")
    func defaults() {
        let match = VCardTextMatch("x")
        #expect(match.collation == .unicodeCasemap)
        #expect(match.matchType == .contains)
        #expect(!match.isNegated)
        #expect(VCardFilter(propertyFilters: []).test == .anyOf)
        #expect(VCardPropertyFilter(name: "fn").test == .anyOf)
        #expect(VCardCollation(rawValue: "i;ascii-casemap") == .asciiCasemap)
        #expect(VCardCollation(rawValue: "i;unknown") == nil)
    }

    @Test("i;ascii-casemap folds only ASCII letters")
    func asciiCasemap() {
        #expect(matches("EMAIL", "example.org", .asciiCasemap))
        #expect(matches("FN", "JÜRGEN", .asciiCasemap) == false)
        #expect(matches("FN", "JüRGEN", .asciiCasemap))
    }

    @Test("i;unicode-casemap folds case beyond ASCII and decomposes compatibility characters")
    func unicodeCasemap() {
        #expect(matches("FN", "JÜRGEN MÜLLER", .unicodeCasemap, .equals))
        #expect(matches("FN", "mül"))
        #expect(matches("NOTE", "FINE PRINT"))
        // Decomposition leaves the umlaut as a mark after the base letter, and ß has no
        // one-letter capital, so neither of these is a match (see VCardCollation).
        #expect(matches("FN", "mul") == false)
        #expect(matches("NICKNAME", "STRASSE") == false)
        #expect(matches("NICKNAME", "straße", .unicodeCasemap, .equals))
    }

    @Test("i;octet compares bytes exactly")
    func octet() {
        #expect(matches("EMAIL", "Example.ORG", .octet))
        #expect(matches("EMAIL", "example.org", .octet) == false)
        #expect(matches("FN", "Jürgen Müller", .octet, .equals))
    }

    @Test("each match type anchors the text where it says")
    func matchTypes() {
        #expect(matches("FN", "jürgen müller", .unicodeCasemap, .equals))
        #expect(matches("FN", "jürgen", .unicodeCasemap, .equals) == false)
        #expect(matches("FN", "JÜR", .unicodeCasemap, .startsWith))
        #expect(matches("FN", "müller", .unicodeCasemap, .startsWith) == false)
        #expect(matches("FN", "MÜLLER", .unicodeCasemap, .endsWith))
        #expect(matches("FN", "jürgen", .unicodeCasemap, .endsWith) == false)
        #expect(matches("FN", "gen mü"))
        #expect(matches("FN", "", .unicodeCasemap, .contains))
    }

    @Test("negate-condition inverts the match for each property, and never matches an absent one")
    func negation() {
        // One of the two EMAILs does not mention firma, so the card matches.
        #expect(matches("EMAIL", "firma", negated: true))
        #expect(matches("FN", "müller", negated: true) == false)
        #expect(matches("FN", "schmidt", negated: true))
        #expect(matches("PHOTO", "anything", negated: true) == false)
    }

    @Test("values are matched unescaped; structured values as one text with their semicolons")
    func unescapedAndStructured() {
        #expect(matches("NOTE", "print, small"))
        #expect(matches("NOTE", #"print\,"#) == false)
        #expect(matches("N", "müller;jürgen;;;", .unicodeCasemap, .equals))
        #expect(matches("N", "Jürgen"))
        #expect(matches("N", "Jürgen Müller") == false)
        #expect(matches("ADR", "köln"))
        #expect(matches("CATEGORIES", "kunden,vip", .asciiCasemap, .equals))
    }

    @Test("property names compare case-insensitively and group prefixes are ignored")
    func namesAndGroups() {
        #expect(matches("email", "jm@example.org", .asciiCasemap, .equals))
        #expect(matches("X-UNKNOWN", "") == false)
    }

    @Test("filter anyof needs one property filter to match, allof needs all; an empty filter matches")
    func filterTest() {
        let present = VCardPropertyFilter(name: "FN")
        let absent = VCardPropertyFilter(name: "PHOTO")
        #expect(card.matches(VCardFilter(test: .anyOf, propertyFilters: [present, absent])))
        #expect(card.matches(VCardFilter(test: .allOf, propertyFilters: [present, absent])) == false)
        #expect(card.matches(VCardFilter(test: .allOf, propertyFilters: [present, VCardPropertyFilter(name: "TEL")])))
        #expect(card.matches(VCardFilter(test: .anyOf, propertyFilters: [absent])) == false)
        #expect(card.matches(VCardFilter(test: .anyOf, propertyFilters: [])))
        #expect(card.matches(VCardFilter(test: .allOf, propertyFilters: [])))
    }

    @Test("is-not-defined matches exactly when the card has no property of the name")
    func propertyNotDefined() {
        #expect(card.matches(VCardFilter(propertyFilters: [.notDefined("PHOTO")])))
        #expect(card.matches(VCardFilter(propertyFilters: [.notDefined("nickname")])) == false)
    }

    @Test("prop-filter allof must hold for one property; anyof for any test on any property")
    func propertyFilterTest() {
        let workType = VCardParameterFilter(name: "TYPE", textMatch: VCardTextMatch("work", matchType: .equals))
        let exampleOrg = VCardTextMatch("example.org")
        let allOf = VCardPropertyFilter(name: "EMAIL", test: .allOf, textMatches: [exampleOrg],
                                        parameterFilters: [workType])
        let anyOf = VCardPropertyFilter(name: "EMAIL", test: .anyOf, textMatches: [exampleOrg],
                                        parameterFilters: [workType])
        // The work address is at firma.example and the example.org one is home.
        #expect(card.matches(VCardFilter(propertyFilters: [allOf])) == false)
        #expect(card.matches(VCardFilter(propertyFilters: [anyOf])))
        let firma = VCardPropertyFilter(name: "EMAIL", test: .allOf, textMatches: [VCardTextMatch("firma")],
                                        parameterFilters: [workType])
        #expect(card.matches(VCardFilter(propertyFilters: [firma])))
        let twoTexts = VCardPropertyFilter(name: "FN", test: .allOf,
                                           textMatches: [VCardTextMatch("jürgen"), VCardTextMatch("schmidt")])
        #expect(card.matches(VCardFilter(propertyFilters: [twoTexts])) == false)
    }

    @Test("param-filter: presence, absence, a value in a list, and negation over all values")
    func parameterFilters() {
        func telMatches(_ parameterFilter: VCardParameterFilter) -> Bool {
            card.matches(VCardFilter(propertyFilters: [
                VCardPropertyFilter(name: "TEL", parameterFilters: [parameterFilter]),
            ]))
        }
        #expect(telMatches(VCardParameterFilter(name: "type")))
        #expect(telMatches(VCardParameterFilter(name: "PREF")) == false)
        #expect(telMatches(.notDefined("PREF")))
        #expect(telMatches(.notDefined("TYPE")) == false)
        #expect(telMatches(VCardParameterFilter(name: "TYPE", textMatch: VCardTextMatch("VOICE", matchType: .equals))))
        #expect(telMatches(VCardParameterFilter(name: "TYPE", textMatch: VCardTextMatch("cell", isNegated: true)))
            == false)
        #expect(telMatches(VCardParameterFilter(name: "TYPE", textMatch: VCardTextMatch("fax", isNegated: true))))
        #expect(telMatches(VCardParameterFilter(name: "PREF", textMatch: VCardTextMatch("1", isNegated: true)))
            == false)
    }

    @Test("filters see through quoted-printable and 3.0 TYPE shorthands")
    func legacyEncodings() throws {
        let old = try TestCards.document("android-qp.vcf")
        let name = VCardPropertyFilter(name: "FN", textMatches: [VCardTextMatch("ÉLODIE")])
        #expect(old.matches(VCardFilter(propertyFilters: [name])))
        let cell = VCardParameterFilter(name: "TYPE", textMatch: VCardTextMatch("cell", matchType: .equals))
        #expect(old.matches(VCardFilter(propertyFilters: [VCardPropertyFilter(name: "TEL", parameterFilters: [cell])])))
    }

    @Test("an iOS item-grouped EMAIL is found by a plain EMAIL filter")
    func groupedFixture() throws {
        let ios = try TestCards.document("ios-contacts.vcf")
        let school = VCardPropertyFilter(name: "EMAIL", textMatches: [VCardTextMatch("SCHOOL.example")])
        #expect(ios.matches(VCardFilter(propertyFilters: [school])))
    }
}
