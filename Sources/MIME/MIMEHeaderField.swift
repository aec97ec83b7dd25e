/// One header field as it appears in the message (RFC 5322 section 2.2).
///
/// The name keeps its original case for display; comparisons ignore case. The raw value is every
/// byte after the colon, folding included, so nothing is lost; `value` is the unfolded text.
public struct MIMEHeaderField: Sendable, Equatable {
    /// The field name as written, without the colon.
    public let name: String

    /// The bytes after the colon up to the end of the field's last line, line breaks of folded
    /// lines included, the final line break excluded.
    public let rawValue: [UInt8]

    /// Where the whole field, name through its final line break, lies in the message bytes;
    /// `HEADER.FIELDS` fetches copy these ranges.
    public let range: Range<Int>

    public init(name: String, rawValue: [UInt8], range: Range<Int>) {
        self.name = name
        self.rawValue = rawValue
        self.range = range
    }

    /// The value unfolded (line breaks removed, RFC 5322 section 2.2.3), trimmed, with 8-bit
    /// bytes read as UTF-8 when valid and as windows-1252 otherwise. Encoded words stay encoded.
    public var value: String {
        MIMECharset.bestEffort(unfoldedBytes)
    }

    /// The raw value without line breaks, trimmed of surrounding whitespace.
    public var unfoldedBytes: [UInt8] {
        Array(rawValue.filter { !ASCII.isLineBreak($0) }[...].trimmingWhitespace())
    }

    /// The value with RFC 2047 encoded words decoded, for search and display.
    public var decodedValue: String {
        MIMEEncodedWords.decode(unfoldedBytes)
    }

    /// Whether the field is called `other`, ignoring ASCII case.
    public func hasName(_ other: String) -> Bool {
        name.utf8.count == other.utf8.count
            && zip(name.utf8, other.utf8).allSatisfy { ASCII.lowercased($0) == ASCII.lowercased($1) }
    }
}

/// Splits a header section into fields and finds where it ends.
enum HeaderParser {
    /// The fields of the header that starts at `range.lowerBound`, and the offset just past the
    /// blank line that ends it (or `range.upperBound` when there is none).
    ///
    /// Lines that are neither fields nor continuations (no colon, or a name with spaces or
    /// control bytes) stay part of the header bytes but are not fields, like a stray line in a
    /// real-world header; a continuation line with no field before it is skipped the same way.
    static func parse(_ bytes: [UInt8], in range: Range<Int>) -> (fields: [MIMEHeaderField], end: Int) {
        // Limitation: lines end at LF (with or without CR). Bare CR line ends, which no current
        // mailer writes, are not recognised, so such a message reads as one long header line.
        var fields: [MIMEHeaderField] = []
        var open: (start: Int, nameEnd: Int, valueStart: Int)?
        var openEnd = range.lowerBound
        var lineStart = range.lowerBound

        func close() {
            guard let field = open else { return }
            var valueEnd = openEnd
            if valueEnd > field.valueStart, bytes[valueEnd - 1] == ASCII.lf {
                valueEnd -= 1
            }
            if valueEnd > field.valueStart, bytes[valueEnd - 1] == ASCII.cr {
                valueEnd -= 1
            }
            let name = MIMECharset.latin1(bytes[field.start..<field.nameEnd])
            fields.append(MIMEHeaderField(
                name: name,
                rawValue: Array(bytes[field.valueStart..<max(field.valueStart, valueEnd)]),
                range: field.start..<openEnd
            ))
            open = nil
        }

        while lineStart < range.upperBound {
            let lineFeed = bytes.lineFeed(from: lineStart, before: range.upperBound)
            let next = min(lineFeed + 1, range.upperBound)
            let isBlank = lineFeed == lineStart
                || (lineFeed == lineStart + 1 && bytes[lineStart] == ASCII.cr)
            if isBlank {
                close()
                return (fields, next)
            }
            if ASCII.isWhitespace(bytes[lineStart]) {
                if open != nil {
                    openEnd = next
                }
            } else {
                close()
                if let nameEnd = fieldNameEnd(bytes, lineStart, lineFeed) {
                    open = (lineStart, nameEnd.name, nameEnd.colon + 1)
                    openEnd = next
                }
            }
            lineStart = next
        }
        close()
        return (fields, range.upperBound)
    }

    /// The end of a valid field name on the line and the colon's offset, or nil when the line is
    /// no field. Whitespace before the colon is allowed (RFC 5322 section 4.5.3, obsolete syntax).
    private static func fieldNameEnd(
        _ bytes: [UInt8], _ start: Int, _ end: Int
    ) -> (name: Int, colon: Int)? {
        var index = start
        while index < end, bytes[index] != ASCII.colon {
            index += 1
        }
        guard index < end else { return nil }
        var nameEnd = index
        while nameEnd > start, ASCII.isWhitespace(bytes[nameEnd - 1]) {
            nameEnd -= 1
        }
        guard nameEnd > start, bytes[start..<nameEnd].allSatisfy({ (0x21...0x7E).contains($0) }) else {
            return nil
        }
        return (nameEnd, index)
    }
}
