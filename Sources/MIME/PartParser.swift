/// Builds the part tree of a message from its bytes, top down.
///
/// Each multipart body is split at its own boundary lines before its children are parsed, so a
/// child that lacks its closing boundary still ends where its parent's next boundary begins.
/// Work is bounded: nesting stops at `maxDepth`, and each level scans only its own bytes.
struct PartParser {
    /// Multipart and message levels deeper than this are kept as opaque leaves.
    static let maxDepth = 32

    let source: [UInt8]

    /// The top-level part of the message that fills `range`.
    func parseMessage(in range: Range<Int>, depth: Int) -> MIMEPart {
        parsePart(in: range, depth: depth, defaultType: .defaultText)
    }

    private func parsePart(in range: Range<Int>, depth: Int, defaultType: MIMEContentType) -> MIMEPart {
        let header = HeaderParser.parse(source, in: range)
        let headerRange = range.lowerBound..<header.end
        let bodyRange = header.end..<range.upperBound
        let contentType = header.fields.first { $0.hasName("Content-Type") }
            .flatMap { MIMEContentType(parsing: $0.unfoldedBytes) } ?? defaultType
        let structure: MIMEPart.Structure
        if contentType.isMultipart {
            if let boundary = contentType.boundary, depth < Self.maxDepth {
                let childDefault = contentType.subtype == "digest"
                    ? MIMEContentType.defaultDigestEntry : .defaultText
                let children = split(bodyRange, at: Array(boundary.utf8)).map {
                    parsePart(in: $0, depth: depth + 1, defaultType: childDefault)
                }
                structure = .multipart(children)
            } else {
                structure = .opaque
            }
        } else if contentType.isMessage {
            let encoding = Self.transferEncoding(header.fields)
            if depth < Self.maxDepth, ["7bit", "8bit", "binary"].contains(encoding) {
                structure = .message(parseMessage(in: bodyRange, depth: depth + 1))
            } else {
                // Limitation: a message/rfc822 part sent in base64 or quoted-printable (which
                // RFC 2046 section 5.2.1 forbids) is not decoded and looked into.
                structure = .opaque
            }
        } else {
            structure = .single
        }
        return MIMEPart(
            source: source, range: range, headerRange: headerRange, fields: header.fields,
            contentType: contentType, structure: structure, depth: depth
        )
    }

    /// The Content-Transfer-Encoding token, lower-cased; `7bit` when absent (RFC 2045 section 6.1).
    static func transferEncoding(_ fields: [MIMEHeaderField]) -> String {
        guard let field = fields.first(where: { $0.hasName("Content-Transfer-Encoding") }) else {
            return "7bit"
        }
        let tokens = StructuredTokenizer.mimeTokens(field.unfoldedBytes)
        guard let token = tokens.first(where: { $0.kind == .atom }) else { return "7bit" }
        return MIMECharset.latin1(token.text).lowercased()
    }

    /// The ranges of the body parts between boundary lines (RFC 2046 section 5.1.1).
    ///
    /// The line break before a boundary line belongs to the boundary, not to the part before it.
    /// A boundary line is `--boundary`, optionally `--` for the last one, then only whitespace.
    /// Without a closing boundary the last part runs to the end of the body.
    func split(_ body: Range<Int>, at boundary: [UInt8]) -> [Range<Int>] {
        let delimiter = [ASCII.dash, ASCII.dash] + boundary
        var parts: [Range<Int>] = []
        var partStart: Int?
        var lineStart = body.lowerBound
        while lineStart < body.upperBound {
            let lineFeed = source.lineFeed(from: lineStart, before: body.upperBound)
            let next = min(lineFeed + 1, body.upperBound)
            if let isClose = delimiterKind(lineStart, lineFeed, delimiter) {
                if let start = partStart {
                    parts.append(start..<max(start, contentEnd(before: lineStart, floor: start)))
                }
                if isClose {
                    return parts
                }
                partStart = next
            }
            lineStart = next
        }
        if let start = partStart {
            parts.append(start..<body.upperBound)
        }
        return parts
    }

    /// Whether the line is a boundary line: nil if not, true for the closing one.
    private func delimiterKind(_ start: Int, _ end: Int, _ delimiter: [UInt8]) -> Bool? {
        guard source.hasPrefix(delimiter, at: start, before: end) else { return nil }
        var index = start + delimiter.count
        var isClose = false
        if source.hasPrefix([ASCII.dash, ASCII.dash], at: index, before: end) {
            isClose = true
            index += 2
        }
        while index < end {
            let byte = source[index]
            guard ASCII.isWhitespace(byte) || byte == ASCII.cr else { return nil }
            index += 1
        }
        return isClose
    }

    /// Where a part's content ends when a boundary line starts at `lineStart`: before the CRLF
    /// or LF that precedes the boundary line, but never before `floor`.
    private func contentEnd(before lineStart: Int, floor: Int) -> Int {
        var end = lineStart
        if end > floor, source[end - 1] == ASCII.lf {
            end -= 1
            if end > floor, source[end - 1] == ASCII.cr {
                end -= 1
            }
        }
        return end
    }
}
