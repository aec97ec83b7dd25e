/// The decoded text IMAP SEARCH BODY and TEXT look through (RFC 9051 section 6.4.4).
extension MIMEMessage {
    /// At most this many UTF-8 bytes of text are gathered for one message.
    public static let searchTextLimit = 1 << 20

    /// The text of every text/* part, transfer-decoded and converted from its charset, parts
    /// separated by newlines; HTML markup is left in. Embedded messages add their decoded header
    /// fields, since those are body text of the outer message. With `includeHeaders`, the
    /// message's own header fields (decoded, `Name: value` lines) come first, for TEXT search.
    ///
    /// The result is cut at `searchTextLimit` bytes, so a huge message costs bounded work.
    public func searchableText(includeHeaders: Bool) -> String {
        var collector = TextCollector(limit: Self.searchTextLimit)
        collector.visit(root, addHeader: includeHeaders)
        return collector.text
    }
}

/// Walks a part tree and gathers decoded text up to a byte limit.
private struct TextCollector {
    let limit: Int
    var text = ""
    var used = 0

    init(limit: Int) {
        self.limit = limit
    }

    var isFull: Bool {
        used >= limit
    }

    mutating func visit(_ part: MIMEPart, addHeader: Bool) {
        guard !isFull else { return }
        if addHeader {
            for field in part.fields {
                append(field.name + ": " + field.decodedValue)
            }
        }
        switch part.structure {
        case .multipart(let children):
            for child in children {
                visit(child, addHeader: false)
            }
        case .message(let embedded):
            visit(embedded, addHeader: true)
        case .single where part.contentType.isText:
            appendBody(of: part)
        case .single, .opaque:
            break
        }
    }

    /// Decodes a text part's body. Only as much of the encoded body is read as could still fit:
    /// no transfer encoding makes text more than three times shorter than its encoded form.
    private mutating func appendBody(of part: MIMEPart) {
        let room = limit - used
        let (tripled, overflow) = room.multipliedReportingOverflow(by: 3)
        let readable = part.bodyRange.prefix(overflow ? room : tripled)
        let encoding = part.contentTransferEncoding
        let decoded = MIMETransferDecoding.decode(part.source[readable], encoding: encoding)
        append(MIMECharset.decode(decoded, charset: part.contentType.charset))
    }

    private mutating func append(_ piece: String) {
        guard !isFull, !piece.isEmpty else { return }
        if !text.isEmpty {
            text += "\n"
            used += 1
        }
        let room = max(0, limit - used)
        if piece.utf8.count <= room {
            text += piece
            used += piece.utf8.count
            return
        }
        // Cut on a character boundary: back off over UTF-8 continuation bytes.
        let bytes = Array(piece.utf8)
        var cut = room
        while cut > 0, bytes[cut] & 0xC0 == 0x80 {
            cut -= 1
        }
        text += String(decoding: bytes[..<cut], as: UTF8.self)
        used = limit
    }
}
