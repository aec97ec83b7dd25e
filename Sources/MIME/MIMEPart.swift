import Foundation

/// One body part of a message, or a whole message's top level, with byte ranges into the
/// original message (RFC 2045, RFC 2046).
///
/// Every part keeps the whole message's bytes (shared storage, not a copy) so any part can hand
/// out its own header, body and section bytes. Parts are immutable; a class so that a
/// message/rfc822 part can hold the embedded message's root part.
public final class MIMEPart: Sendable {
    /// What a part's body holds, as the parser understood it.
    public enum Structure: Sendable {
        /// A leaf: text, an attachment, anything that is not split further.
        case single
        /// A multipart body split at its boundary, in order. May be empty when no boundary line
        /// was found.
        case multipart([MIMEPart])
        /// A message/rfc822 (or message/global) body, parsed as a message; the value is the
        /// embedded message's root part.
        case message(MIMEPart)
        /// A multipart or message part that is not looked into: nested too deep, a multipart with
        /// no boundary, or a message with a transfer encoding that hides it. BODYSTRUCTURE shows
        /// it as application/octet-stream so the reply stays well-formed.
        case opaque
    }

    /// The complete message these ranges point into.
    public let source: [UInt8]

    /// The whole part: its header (possibly empty) and body. For an embedded message's root this
    /// is the body of the message/rfc822 part that holds it.
    public let range: Range<Int>

    /// The header section, including the blank line that ends it when there is one.
    public let headerRange: Range<Int>

    /// The body, after the header's blank line; for a multipart, preamble to epilogue.
    public let bodyRange: Range<Int>

    /// The header fields in order.
    public let fields: [MIMEHeaderField]

    /// The effective content type: the parsed field, or the default for where the part sits.
    public let contentType: MIMEContentType

    public let structure: Structure

    /// How many multipart or message levels lie above this part; the top-level part is 0.
    public let depth: Int

    init(
        source: [UInt8], range: Range<Int>, headerRange: Range<Int>, fields: [MIMEHeaderField],
        contentType: MIMEContentType, structure: Structure, depth: Int
    ) {
        self.source = source
        self.range = range
        self.headerRange = headerRange
        self.bodyRange = headerRange.upperBound..<range.upperBound
        self.fields = fields
        self.contentType = contentType
        self.structure = structure
        self.depth = depth
    }

    /// The parts of a multipart, in order; empty for any other part.
    public var children: [MIMEPart] {
        if case .multipart(let parts) = structure {
            return parts
        }
        return []
    }

    /// Where each child lies in the message bytes.
    public var childRanges: [Range<Int>] {
        children.map(\.range)
    }

    /// For a message/rfc822 part, the root part of the message it holds.
    public var embeddedMessage: MIMEPart? {
        if case .message(let root) = structure {
            return root
        }
        return nil
    }

    public var headerBytes: [UInt8] {
        Array(source[headerRange])
    }

    public var bodyBytes: [UInt8] {
        Array(source[bodyRange])
    }

    /// The header and body together.
    public var bytes: [UInt8] {
        Array(source[range])
    }

    // MARK: Header fields

    /// The fields called `name`, ignoring case, in order.
    public func fields(named name: String) -> [MIMEHeaderField] {
        fields.filter { $0.hasName(name) }
    }

    /// The unfolded, trimmed value of the first field called `name`; encoded words stay encoded.
    public func value(of name: String) -> String? {
        fields.first { $0.hasName(name) }?.value
    }

    /// Every value of the field called `name`, unfolded, with RFC 2047 encoded words decoded.
    public func decodedHeader(_ name: String) -> [String] {
        fields(named: name).map(\.decodedValue)
    }

    /// The Content-Transfer-Encoding, lower-cased; `7bit` when absent (RFC 2045 section 6.1).
    public var contentTransferEncoding: String {
        PartParser.transferEncoding(fields)
    }

    /// The Content-ID as written, angle brackets included.
    public var contentID: String? {
        value(of: "Content-ID")
    }

    /// The Content-Description as written; encoded words stay encoded, as IMAP wants.
    public var contentDescription: String? {
        value(of: "Content-Description")
    }

    public var contentDisposition: MIMEContentDisposition? {
        fields.first { $0.hasName("Content-Disposition") }.flatMap {
            MIMEContentDisposition(parsing: $0.unfoldedBytes)
        }
    }

    /// The language tags of Content-Language (RFC 3282), in order.
    public var contentLanguage: [String] {
        guard let field = fields.first(where: { $0.hasName("Content-Language") }) else { return [] }
        let tokens = StructuredTokenizer.mimeTokens(field.unfoldedBytes)
        return tokens
            .filter { $0.kind == .atom }
            .map { MIMECharset.latin1($0.text) }
    }

    /// The Content-Location URI (RFC 2557), with the whitespace of folding removed.
    public var contentLocation: String? {
        value(of: "Content-Location").map { String($0.filter { !$0.isWhitespace }) }
    }

    /// The Content-MD5 value (RFC 1864) as written.
    public var contentMD5: String? {
        value(of: "Content-MD5")
    }

    /// The number of text lines in the body, as BODYSTRUCTURE reports for text and message parts.
    public var lineCount: Int {
        LineCounter.lines(in: source, bodyRange)
    }

    /// The Date field parsed, or nil when absent or unreadable; for SENTBEFORE and friends.
    public var sentDate: Date? {
        value(of: "Date").flatMap(MIMEDate.parse)
    }
}
