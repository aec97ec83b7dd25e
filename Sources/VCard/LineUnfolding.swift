/// One logical content line after unfolding, with where it came from.
struct ContentLine {
    /// The unfolded bytes, without the line break. A slice of the resource itself when the line
    /// was not folded (the common case, so no copy is made), else a fresh joined copy.
    let bytes: ArraySlice<UInt8>

    /// The 1-based physical line the content line starts on, for error messages.
    let lineNumber: Int

    /// The physical lines in the resource, from the first byte of the first one to the last
    /// byte of the last one, its line break excluded. Output copies these to keep the text as
    /// the client wrote it.
    let span: Range<Int>
}

/// Joins folded lines (RFC 6350 section 3.2) and hands out the content lines one at a time.
///
/// Works on bytes so that a client which folded in the middle of a UTF-8 sequence, against the
/// RFC, still produces valid text once the pieces are joined; UTF-8 is checked later, on the
/// joined pieces. Line breaks may be CRLF or a bare LF; a continuation line starts with one
/// space or tab, which is removed. Blank lines are skipped. A quoted-printable value whose line
/// ends in `=` continues on the next line (the vCard 2.1 soft line break), and the `=` is removed
/// with the break.
struct LineUnfolding {
    private let bytes: [UInt8]
    private var position: Int
    private var lineNumber = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        position = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    }

    /// The next content line, or nil at the end of the resource.
    mutating func next() throws(VCardError) -> ContentLine? {
        var start = position
        var end = position
        // Skip blank lines; refuse a continuation with nothing to continue.
        while true {
            guard position < bytes.count else { return nil }
            (start, end) = physicalLine(at: position)
            lineNumber += 1
            if end > start { break }
        }
        if bytes[start] == 0x20 || bytes[start] == 0x09 {
            throw VCardError(.continuationWithoutProperty, line: lineNumber)
        }
        let firstLineNumber = lineNumber
        // Limitation: a quoted-printable value that wrongly ends in `=` swallows the next line,
        // even END:VCARD, and the card is then refused as missing its END.
        let quotedPrintable = Self.declaresQuotedPrintable(bytes[start..<end])
        var joined: [UInt8]?
        var spanEnd = end

        while position < bytes.count {
            let (nextStart, nextEnd) = peekLine(at: position)
            let isFold = nextEnd > nextStart && (bytes[nextStart] == 0x20 || bytes[nextStart] == 0x09)
            let lastByte = joined?.last ?? bytes[end - 1]
            let isSoftBreak = !isFold && quotedPrintable && lastByte == UInt8(ascii: "=")
            guard isFold || isSoftBreak else { break }
            if joined == nil {
                joined = Array(bytes[start..<end])
            }
            if isFold {
                joined!.append(contentsOf: bytes[(nextStart + 1)..<nextEnd])
            } else {
                joined!.removeLast()
                joined!.append(contentsOf: bytes[nextStart..<nextEnd])
            }
            _ = physicalLine(at: position)
            lineNumber += 1
            spanEnd = nextEnd
        }
        let content = joined.map { $0[...] } ?? bytes[start..<end]
        return ContentLine(bytes: content, lineNumber: firstLineNumber, span: start..<spanEnd)
    }

    /// The bounds of the physical line at `index` without its CR or LF, moving past its break.
    private mutating func physicalLine(at index: Int) -> (start: Int, end: Int) {
        let line = peekLine(at: index)
        var next = line.end
        if next < bytes.count, bytes[next] == 0x0D { next += 1 }
        if next < bytes.count, bytes[next] == 0x0A { next += 1 }
        position = next
        return line
    }

    /// The bounds of the physical line at `index` without its CR or LF.
    private func peekLine(at index: Int) -> (start: Int, end: Int) {
        var end = index
        while end < bytes.count, bytes[end] != 0x0A {
            end += 1
        }
        if end > index, bytes[end - 1] == 0x0D {
            end -= 1
        }
        return (index, end)
    }

    /// Whether the name and parameters (the part before the first colon) mention
    /// QUOTED-PRINTABLE, which is all that is needed to honour soft line breaks.
    private static func declaresQuotedPrintable(_ line: ArraySlice<UInt8>) -> Bool {
        let marker: [UInt8] = Array("QUOTED-PRINTABLE".utf8)
        let head = line.prefix { $0 != UInt8(ascii: ":") }
        guard head.count >= marker.count else { return false }
        var index = head.startIndex
        while index + marker.count <= head.endIndex {
            if head[index] == UInt8(ascii: "Q") || head[index] == UInt8(ascii: "q") {
                let candidate = head[index..<(index + marker.count)]
                if candidate.lazy.map(asciiUppercased).elementsEqual(marker) { return true }
            }
            index += 1
        }
        return false
    }
}

/// The byte with an ASCII lower-case letter turned into its capital; other bytes as they are.
@inline(__always)
func asciiUppercased(_ byte: UInt8) -> UInt8 {
    byte &- 0x61 < 26 ? byte &- 0x20 : byte
}
