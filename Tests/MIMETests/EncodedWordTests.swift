import Testing
@testable import MIME

@Suite("RFC 2047 encoded words and charset conversion")
struct EncodedWordTests {
    @Test("B and Q words decode, and the space between adjacent words disappears")
    func basicWords() {
        #expect(MIMEEncodedWords.decode("=?utf-8?B?R3LDvMOfZQ==?=") == "Grüße")
        #expect(MIMEEncodedWords.decode("=?ISO-8859-1?Q?R=E9union?= =?ISO-8859-1?Q?_d=E9plac=E9e?=")
            == "Réunion déplacée")
        #expect(MIMEEncodedWords.decode("=?utf-8?q?a?=\r\n\t =?utf-8?q?b?=") == "ab")
        #expect(MIMEEncodedWords.decode("=?utf-8?q?a_b?=") == "a b")
    }

    @Test("whitespace between a word and plain text is kept")
    func mixedText() {
        #expect(MIMEEncodedWords.decode("Re: =?utf-8?q?caf=C3=A9?= time") == "Re: café time")
        #expect(MIMEEncodedWords.decode("plain  text") == "plain  text")
        #expect(MIMEEncodedWords.decode("=?utf-8?q?x?=  ") == "x  ")
    }

    @Test("a character split over two words survives because their bytes are joined first")
    func splitCharacter() {
        #expect(MIMEEncodedWords.decode("=?utf-8?B?5pel5g==?= =?utf-8?B?nKzoqp7jga7jg4bjgq3jgrnjg4g=?=")
            == "日本語のテキスト")
    }

    @Test("words glued to text, a language suffix, and lower-case hex are accepted")
    func lenientForms() {
        #expect(MIMEEncodedWords.decode("pre=?utf-8?q?fix?=post") == "prefixpost")
        #expect(MIMEEncodedWords.decode("=?UTF-8*en?Q?hello?=") == "hello")
        #expect(MIMEEncodedWords.decode("=?utf-8?q?=c3=a9?=") == "é")
    }

    @Test("malformed words are left as written")
    func malformed() {
        let broken = ["=?utf-8?x?abc?=", "=?utf-8?q?no end", "=??q?abc?=", "=?utf-8?q?a b?=", "=?", "a=?b"]
        for text in broken {
            #expect(MIMEEncodedWords.decode(text) == text)
        }
    }

    @Test("East Asian, Cyrillic and Central European charsets convert", arguments: [
        ("=?koi8-r?B?8NLJ18XU?=", "Привет"),
        ("=?iso-2022-jp?B?GyRCJDMkcyRLJEEkTxsoQg==?=", "こんにちは"),
        ("=?gb2312?B?xOO6ww==?=", "你好"),
        ("=?GBK?B?xOO6ww==?=", "你好"),
        ("=?big5?B?pKSk5Q==?=", "中文"),
        ("=?shift_jis?B?k/qWew==?=", "日本"),
        ("=?windows-1251?B?zOjw?=", "Мир"),
        ("=?iso-8859-2?B?o/NkvA==?=", "Łódź"),
        ("=?windows-1252?B?gDU=?=", "€5"),
        ("=?euc-kr?B?x9GxuQ==?=", "한국"),
    ])
    func charsets(encoded: String, decoded: String) {
        #expect(MIMEEncodedWords.decode(encoded) == decoded)
    }

    @Test("unknown charsets fall back to UTF-8 when valid, else to a single-byte reading")
    func unknownCharset() {
        #expect(MIMEEncodedWords.decode("=?x-unheard-of?q?caf=C3=A9?=") == "café")
        #expect(MIMEEncodedWords.decode("=?x-unheard-of?q?caf=E9?=") == "café")
        #expect(MIMEEncodedWords.decode("=?us-ascii?q?caf=E9?=") == "café")
        #expect(MIMECharset.decode([0xFF, 0xFE, 0x81], charset: "utf-8").count == 3)
    }

    @Test("raw 8-bit header values read as UTF-8 when valid, else as windows-1252")
    func rawEightBit() throws {
        let message = try TestMessages.message("eightbit-header")
        #expect(message.decodedHeader("subject") == ["Grüße aus Köln"])
        #expect(message.decodedHeader("x-legacy") == ["café"])
        #expect(message.decodedHeader("from") == ["Jörg <joerg@example.de>"])
        #expect(message.decodedHeader("x-missing").isEmpty)
    }

    @Test("charset names resolve through aliases and spellings")
    func charsetNames() {
        #expect(MIMECharset.encoding(named: "ISO_8859-15") != nil)
        #expect(MIMECharset.encoding(named: "\"utf8\"") == .utf8)
        #expect(MIMECharset.decode([0x80], charset: "cp1252") == "€")
        #expect(MIMECharset.encoding(named: "latin1") == .isoLatin1)
        #expect(MIMECharset.encoding(named: "no-such-charset") == nil)
        #expect(MIMECharset.decode([0xE9], charset: "ISO-8859-15") == "é")
        #expect(MIMECharset.decode([0xA4], charset: "iso-8859-15") == "€")
    }
}
