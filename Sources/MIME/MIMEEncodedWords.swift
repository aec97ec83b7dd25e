/// Decodes RFC 2047 encoded words (`=?charset?B|Q?text?=`) in header text.
///
/// Lenient where mail is: words are recognised even when glued to other text, a language suffix
/// on the charset (RFC 2231 section 5) is ignored, and adjacent words in the same charset are
/// joined before conversion so a character split across two words survives. Whitespace between
/// two encoded words is dropped (RFC 2047 section 6.2). Malformed words stay as written.
public enum MIMEEncodedWords {
    /// The decoded text of an unfolded header value.
    public static func decode(_ bytes: [UInt8]) -> String {
        var decoder = Decoder()
        var index = 0
        while index < bytes.count {
            if bytes[index] == ASCII.equals, let word = encodedWord(bytes, at: index) {
                decoder.add(word)
                index = word.end
                continue
            }
            decoder.add(bytes[index])
            index += 1
        }
        return decoder.finish()
    }

    /// Decodes header text given as a string (its UTF-8 bytes).
    public static func decode(_ text: String) -> String {
        decode(Array(text.utf8))
    }

    /// One recognised encoded word, already transfer-decoded.
    struct Word {
        let charset: String
        let bytes: [UInt8]
        let end: Int
    }

    /// Encoded words longer than this are not real ones (RFC 2047 says 75; mail overshoots).
    static let maxWordLength = 1000

    /// The encoded word starting at `start`, or nil when the bytes there are not one.
    static func encodedWord(_ bytes: [UInt8], at start: Int) -> Word? {
        let limit = min(bytes.count, start + maxWordLength)
        guard start + 1 < limit, bytes[start + 1] == ASCII.question else { return nil }
        var cursor = start + 2
        let charsetStart = cursor
        while cursor < limit, bytes[cursor] != ASCII.question {
            guard bytes[cursor] > 0x20, bytes[cursor] < 0x7F else { return nil }
            cursor += 1
        }
        guard cursor > charsetStart, cursor + 2 < limit, bytes[cursor + 2] == ASCII.question else {
            return nil
        }
        let encoding = ASCII.lowercased(bytes[cursor + 1])
        guard encoding == 0x62 || encoding == 0x71 else { return nil }  // "b" or "q"
        let charsetEnd = cursor
        let textStart = cursor + 3
        cursor = textStart
        // Encoded text holds no whitespace and no "?" (RFC 2047 sections 4 and 5), so the first
        // "?" must start the closing "?=". Stopping there also keeps the scan linear.
        while cursor < limit, bytes[cursor] != ASCII.question {
            guard bytes[cursor] > 0x20 else { return nil }
            cursor += 1
        }
        guard cursor + 1 < limit, bytes[cursor + 1] == ASCII.equals else { return nil }
        var charset = MIMECharset.latin1(bytes[charsetStart..<charsetEnd]).lowercased()
        if let star = charset.firstIndex(of: "*") {
            charset = String(charset[..<star])
        }
        let text = bytes[textStart..<cursor]
        let decoded = encoding == 0x62 ? MIMETransferDecoding.base64(text) : qDecoded(text)
        return Word(charset: charset, bytes: decoded, end: cursor + 2)
    }

    /// The Q encoding: quoted-printable where "_" stands for a space (RFC 2047 section 4.2).
    static func qDecoded(_ text: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let byte = text[index]
            if byte == ASCII.underscore {
                output.append(ASCII.space)
            } else if byte == ASCII.equals, index + 2 < text.endIndex,
                      let high = ASCII.hexValue(text[index + 1]),
                      let low = ASCII.hexValue(text[index + 2]) {
                output.append(high << 4 | low)
                index += 2
            } else {
                output.append(byte)
            }
            index += 1
        }
        return output
    }

    /// Collects plain bytes and decoded words and converts each run once.
    private struct Decoder {
        var output = ""
        var plain: [UInt8] = []
        var pendingSpace: [UInt8] = []
        var wordCharset: String?
        var wordBytes: [UInt8] = []
        var lastWasWord = false

        mutating func add(_ byte: UInt8) {
            if lastWasWord {
                if ASCII.isWhitespace(byte) || ASCII.isLineBreak(byte) {
                    pendingSpace.append(byte)
                    return
                }
                flushWord()
                plain += pendingSpace
                pendingSpace.removeAll()
                lastWasWord = false
            }
            plain.append(byte)
        }

        mutating func add(_ word: Word) {
            // Whitespace between two encoded words is not part of the text.
            pendingSpace.removeAll()
            if wordCharset != word.charset {
                flushWord()
            }
            flushPlain()
            wordCharset = word.charset
            wordBytes += word.bytes
            lastWasWord = true
        }

        mutating func flushPlain() {
            if !plain.isEmpty {
                output += MIMECharset.bestEffort(plain)
                plain.removeAll()
            }
        }

        mutating func flushWord() {
            if let charset = wordCharset {
                output += MIMECharset.decode(wordBytes, charset: charset)
                wordBytes.removeAll()
                wordCharset = nil
            }
        }

        mutating func finish() -> String {
            flushWord()
            plain += pendingSpace
            flushPlain()
            return output
        }
    }
}
