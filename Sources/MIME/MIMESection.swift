/// A section specification of `BODY[...]` (RFC 9051 section 6.4.5): a part number, then
/// optionally which piece of that part.
public struct MIMESection: Sendable, Equatable {
    /// The piece of a part a section names after its part number.
    public enum Text: Sendable, Equatable {
        /// The message header, blank line included.
        case header
        /// Only the listed fields of the message header (names compared ignoring case), then
        /// the blank line.
        case headerFields([String])
        /// All but the listed fields of the message header, then the blank line.
        case headerFieldsNot([String])
        /// The message body, without its header.
        case text
        /// The MIME header of a body part, blank line included; needs a part number.
        case mime
    }

    /// The part number, outermost first; empty for the message itself.
    public var path: [Int]
    public var text: Text?

    public init(_ path: [Int] = [], _ text: Text? = nil) {
        self.path = path
        self.text = text
    }
}

extension MIMEPart {
    /// The part at an IMAP part number, reading this part as the top of a message.
    ///
    /// The rules of RFC 9051 section 6.4.5: the parts of a multipart are numbered from 1; a
    /// message that is not multipart has only part 1, its body, which is this part itself; and
    /// the numbers after a message/rfc822 part's number count within the message it holds.
    /// An empty path is this part. Returns nil for a number that names no part.
    public func part(at path: [Int]) -> MIMEPart? {
        var current = self
        var atMessageTop = true
        for number in path {
            guard number >= 1 else { return nil }
            if case .multipart(let children) = current.structure {
                guard number <= children.count else { return nil }
                current = children[number - 1]
            } else if !atMessageTop, case .message(let embedded) = current.structure {
                if case .multipart(let children) = embedded.structure {
                    guard number <= children.count else { return nil }
                    current = children[number - 1]
                } else {
                    guard number == 1 else { return nil }
                    current = embedded
                }
            } else if atMessageTop {
                guard number == 1 else { return nil }
            } else {
                return nil
            }
            atMessageTop = false
        }
        return current
    }

    /// The bytes of `section` with this part read as the top of a message, or nil when the
    /// section does not exist.
    ///
    /// `HEADER`, `HEADER.FIELDS`, `HEADER.FIELDS.NOT` and `TEXT` after a part number need a
    /// message/rfc822 part, whose embedded message they describe; `MIME` needs a part number.
    /// Header subsets end with a CRLF blank line even when no field matched.
    public func bytes(of section: MIMESection) -> [UInt8]? {
        guard let part = part(at: section.path) else { return nil }
        guard let text = section.text else {
            return section.path.isEmpty ? bytes : part.bodyBytes
        }
        if text == .mime {
            return section.path.isEmpty ? nil : part.headerBytes
        }
        let message: MIMEPart
        if section.path.isEmpty {
            message = part
        } else if let embedded = part.embeddedMessage {
            message = embedded
        } else {
            return nil
        }
        switch text {
        case .header:
            return message.headerBytes
        case .text:
            return message.bodyBytes
        case .headerFields(let names):
            return message.headerBytes(selecting: names, excluding: false)
        case .headerFieldsNot(let names):
            return message.headerBytes(selecting: names, excluding: true)
        case .mime:
            return nil
        }
    }

    /// The header fields whose names are (or, `excluding`, are not) in `names`, each exactly as
    /// written with its folding and line break, followed by a blank line.
    public func headerBytes(selecting names: [String], excluding: Bool) -> [UInt8] {
        var output: [UInt8] = []
        for field in fields where names.contains(where: field.hasName) != excluding {
            output += source[field.range]
            if output.last != ASCII.lf {
                // The field was the last bytes of a truncated message; finish its line.
                output += [ASCII.cr, ASCII.lf]
            }
        }
        output += [ASCII.cr, ASCII.lf]
        return output
    }
}
