import Testing
@testable import VCard

@Suite("Content lines: folding, groups, parameters and value escapes")
struct ContentLineTests {
    @Test("a fold inside a multi-byte UTF-8 character joins back into the character")
    func foldInsideCharacter() throws {
        // "Zoë" is Z o 0xC3 0xAB; the fold falls between 0xC3 and 0xAB.
        var bytes = Array("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Zo".utf8)
        bytes += [0xC3, 0x0D, 0x0A, 0x20, 0xAB]
        bytes += Array(" Smith\r\nEND:VCARD\r\n".utf8)
        let card = try VCardDocument(parsing: bytes)
        #expect(card.formattedName == "Zoë Smith")
    }

    @Test("tab continuations, bare LF, a byte order mark and blank lines are all accepted")
    func lenientLineBreaks() throws {
        let text = "\u{FEFF}BEGIN:VCARD\nVERSION:3.0\n\nFN:Ann\n\tOther\r\nNOTE:a\r\n  b\nEND:VCARD\n\n"
        let card = try VCardDocument(parsing: text)
        #expect(card.formattedName == "AnnOther")
        #expect(card.firstValue(of: "NOTE") == "a b")
    }

    @Test("names are case-insensitive and upper-cased; the group is kept as written")
    func namesAndGroups() throws {
        let card = try VCardDocument(parsing: TestCards.card("Item7.email;Type=HOME:a@example.com"))
        let email = try #require(card.properties.last)
        #expect(email.group == "Item7")
        #expect(email.name == "EMAIL")
        #expect(email.parameters == [VCardParameter(name: "TYPE", values: ["HOME"])])
    }

    @Test("quoted parameter values may hold colons, semicolons and commas")
    func quotedParameters() throws {
        let line = #"X-PLACE;X-GEO="12:34;56,78";X-N=a,"b:c",d:value:with:colons"#
        let card = try VCardDocument(parsing: TestCards.card(line))
        let place = try #require(card.properties.last)
        #expect(place.parameterValues(named: "X-GEO") == ["12:34;56,78"])
        #expect(place.parameterValues(named: "x-n") == ["a", "b:c", "d"])
        #expect(place.value == "value:with:colons")
    }

    @Test("TYPE lists split on commas, quoted or not, and 3.0 bare shorthands become TYPE or ENCODING")
    func typeLists() throws {
        let card = try VCardDocument(parsing: TestCards.card(
            "TEL;TYPE=home,pref:1", #"TEL;TYPE="work,voice":2"#, "TEL;WORK;VOICE:3", "NOTE;QUOTED-PRINTABLE:x"
        ))
        let phones = card.properties(named: "TEL")
        #expect(phones[0].parameterValues(named: "TYPE") == ["home", "pref"])
        #expect(phones[1].parameterValues(named: "TYPE") == ["work", "voice"])
        #expect(phones[2].parameters == [
            VCardParameter(name: "TYPE", values: ["WORK"]), VCardParameter(name: "TYPE", values: ["VOICE"]),
        ])
        #expect(card.properties(named: "NOTE").first?.parameterValues(named: "ENCODING") == ["QUOTED-PRINTABLE"])
    }

    @Test("RFC 6868 caret escapes decode in parameter values; an unknown one stays as written")
    func caretEscapes() throws {
        let card = try VCardDocument(parsing: TestCards.card(#"ADR;LABEL="a^nb ^'q^' ^^ ^x":;;;;;;"#))
        let label = card.properties(named: "ADR").first?.parameterValues(named: "LABEL")
        #expect(label == ["a\nb \"q\" ^ ^x"])
    }

    @Test("value escapes resolve to newline, comma, semicolon and backslash")
    func valueEscapes() throws {
        let card = try VCardDocument(parsing: TestCards.card(#"NOTE:a\nb\Nc\,d\;e\\f"#, #"N:O\;Brien;Pat\,Jo;;;"#))
        #expect(card.firstValue(of: "NOTE") == "a\nb\nc,d;e\\f")
        let name = try #require(card.properties(named: "N").first)
        #expect(name.components == ["O;Brien", "Pat,Jo", "", "", ""])
        #expect(name.componentLists[1] == ["Pat,Jo"])
        #expect(VCardProperty.escapedText("a;b,c\\d\ne") == #"a\;b\,c\\d\ne"#)
    }

    @Test("unknown, future and X- properties are kept with their parameters")
    func unknownProperties() throws {
        let card = try VCardDocument(parsing: TestCards.card("X-FOO;X-BAR=1:baz", "FUTURE-THING:42", "x-lower_case:y"))
        #expect(card.properties.map(\.name) == ["VERSION", "FN", "X-FOO", "FUTURE-THING", "X-LOWER_CASE"])
        #expect(card.properties[2].parameterValues(named: "X-BAR") == ["1"])
    }

    @Test("an empty parameter between semicolons is skipped")
    func emptyParameter() throws {
        let card = try VCardDocument(parsing: TestCards.card("TEL;;VOICE:5"))
        #expect(card.properties.last?.parameters == [VCardParameter(name: "TYPE", values: ["VOICE"])])
    }

    @Test("uid is nil without a UID property and unescaped with one")
    func uid() throws {
        #expect(try VCardDocument(parsing: TestCards.card()).uid == nil)
        #expect(try VCardDocument(parsing: TestCards.card(#"UID:abc\,def"#)).uid == "abc,def")
    }
}
