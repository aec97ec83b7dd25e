/// A parsed mail message: the original bytes and the tree of parts found in them.
///
/// Parsing never fails. Whatever the bytes are (missing boundaries, bare LF line ends, 8-bit
/// headers, truncation, absurd nesting) the result is a tree whose ranges cover real bytes, so
/// the IMAP front end can always answer FETCH. The tree is built once, in `init`.
public struct MIMEMessage: Sendable {
    /// The message exactly as stored.
    public let bytes: [UInt8]

    /// The top-level part: the message header and the body it describes.
    public let root: MIMEPart

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.root = PartParser(source: bytes).parseMessage(in: 0..<bytes.count, depth: 0)
    }

    /// The header fields of the message.
    public var fields: [MIMEHeaderField] {
        root.fields
    }

    /// Every value of the message header field `name`, with RFC 2047 encoded words decoded.
    public func decodedHeader(_ name: String) -> [String] {
        root.decodedHeader(name)
    }

    /// The ENVELOPE of the message as it is written after `ENVELOPE ` (RFC 9051 section 7.5.2).
    public var envelope: String {
        root.envelope
    }

    /// BODYSTRUCTURE (`extensible: true`) or BODY (`false`) of the message, ready to be written
    /// after that word (RFC 9051 section 7.5.2).
    public func bodyStructure(extensible: Bool) -> String {
        root.bodyStructure(extensible: extensible)
    }

    /// The part at an IMAP part number (RFC 9051 section 6.4.5); see `MIMEPart.part(at:)`.
    public func part(at path: [Int]) -> MIMEPart? {
        root.part(at: path)
    }

    /// The bytes an IMAP FETCH of `BODY[section]` returns, or nil when the section does not
    /// exist in this message. Partial fetches (`<origin.count>`) are left to the caller.
    public func bytes(of section: MIMESection) -> [UInt8]? {
        if section.path.isEmpty && section.text == nil {
            return bytes
        }
        return root.bytes(of: section)
    }
}
