/// Why an IMAP command could not be parsed. Keeps the tag when one was read, so the reply can
/// be a tagged `BAD` instead of an untagged one.
public struct IMAPParseError: Error, Equatable {
    public let tag: String?
    public let reason: String
}

/// A cursor over one framed IMAP command (line and literals), reading the grammar of RFC 9051
/// section 9 piece by piece.
///
/// Command handlers pull the arguments they expect (`astring()`, `space()`, …); every read
/// either advances or throws, so a malformed command never half-applies.
public struct CommandReader {
    let bytes: [UInt8]
    private(set) var position = 0
    public private(set) var tag: String?

    public init(_ bytes: [UInt8]) {
        var end = bytes.count
        if end > 0 && bytes[end - 1] == 0x0a { end -= 1 }
        if end > 0 && bytes[end - 1] == 0x0d { end -= 1 }
        self.bytes = Array(bytes[0..<end])
    }

    public var atEnd: Bool { position >= bytes.count }

    func fail(_ reason: String) -> IMAPParseError {
        IMAPParseError(tag: tag, reason: reason)
    }

    /// Reads the tag, the space after it and the command name (upper-cased).
    public mutating func commandStart() throws(IMAPParseError) -> (tag: String, name: String) {
        let tagBytes = take { Self.isTagByte($0) }
        guard !tagBytes.isEmpty else { throw fail("Missing command tag") }
        tag = String(decoding: tagBytes, as: UTF8.self)
        try space()
        let name = take { Self.isAtomByte($0) }
        guard !name.isEmpty else { throw fail("Missing command name") }
        return (tag!, String(decoding: name, as: UTF8.self).uppercased())
    }

    public mutating func space() throws(IMAPParseError) {
        guard position < bytes.count, bytes[position] == 0x20 else { throw fail("Expected a space") }
        position += 1
    }

    /// Whether a space follows, consuming it if so.
    public mutating func skipSpace() -> Bool {
        guard position < bytes.count, bytes[position] == 0x20 else { return false }
        position += 1
        return true
    }

    public func peek() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    public mutating func expect(_ byte: UInt8) throws(IMAPParseError) {
        guard peek() == byte else { throw fail("Expected \"\(Character(UnicodeScalar(byte)))\"") }
        position += 1
    }

    /// Requires the end of the command.
    public func end() throws(IMAPParseError) {
        guard atEnd else { throw fail("Unexpected text at the end of the command") }
    }

    public mutating func atom() throws(IMAPParseError) -> String {
        let atom = take { Self.isAtomByte($0) }
        guard !atom.isEmpty else { throw fail("Expected an atom") }
        return String(decoding: atom, as: UTF8.self)
    }

    /// An astring: an atom (with `]` allowed), a quoted string or a literal, as raw bytes.
    public mutating func astringBytes() throws(IMAPParseError) -> [UInt8] {
        switch peek() {
        case UInt8(ascii: "\""): return try quoted()
        case UInt8(ascii: "{"), UInt8(ascii: "~"): return try literal()
        default:
            let atom = take { Self.isAtomByte($0) || $0 == UInt8(ascii: "]") }
            guard !atom.isEmpty else { throw fail("Expected an atom, quoted string or literal") }
            return atom
        }
    }

    public mutating func astring() throws(IMAPParseError) -> String {
        let raw = try astringBytes()
        guard let text = String(validating: raw, as: UTF8.self) else { throw fail("String is not valid UTF-8") }
        return text
    }

    /// A string: quoted or literal.
    public mutating func string() throws(IMAPParseError) -> [UInt8] {
        switch peek() {
        case UInt8(ascii: "\""): return try quoted()
        case UInt8(ascii: "{"), UInt8(ascii: "~"): return try literal()
        default: throw fail("Expected a quoted string or literal")
        }
    }

    mutating func quoted() throws(IMAPParseError) -> [UInt8] {
        try expect(UInt8(ascii: "\""))
        var result: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""): return result
            case UInt8(ascii: "\\"):
                let escapable: Set<UInt8> = [UInt8(ascii: "\""), UInt8(ascii: "\\")]
                guard position < bytes.count, escapable.contains(bytes[position]) else {
                    throw fail("Invalid escape in quoted string")
                }
                result.append(bytes[position])
                position += 1
            case 0x0d, 0x0a: throw fail("Line break in quoted string")
            default: result.append(byte)
            }
        }
        throw fail("Unterminated quoted string")
    }

    /// A literal `{n}`/`{n+}` (or binary `~{n}`) with its bytes, which the framer already
    /// gathered into the command.
    public mutating func literal() throws(IMAPParseError) -> [UInt8] {
        if peek() == UInt8(ascii: "~") { position += 1 }
        try expect(UInt8(ascii: "{"))
        let digits = take { $0 >= 0x30 && $0 <= 0x39 }
        guard !digits.isEmpty, digits.count <= 12, let size = Int(String(decoding: digits, as: UTF8.self)) else {
            throw fail("Invalid literal size")
        }
        if peek() == UInt8(ascii: "+") { position += 1 }
        try expect(UInt8(ascii: "}"))
        if peek() == 0x0d { position += 1 }
        try expect(0x0a)
        guard position + size <= bytes.count else { throw fail("Literal shorter than announced") }
        let data = Array(bytes[position..<(position + size)])
        position += size
        return data
    }

    /// The rest of the command as text, for commands parsed elsewhere.
    public mutating func rest() -> [UInt8] {
        let remaining = Array(bytes[position...])
        position = bytes.count
        return remaining
    }

    private mutating func take(while predicate: (UInt8) -> Bool) -> [UInt8] {
        let start = position
        while position < bytes.count && predicate(bytes[position]) { position += 1 }
        return Array(bytes[start..<position])
    }

    /// ATOM-CHAR: any CHAR except atom-specials `( ) { SP CTL % * " \ ]`.
    static func isAtomByte(_ byte: UInt8) -> Bool {
        guard byte > 0x20 && byte < 0x7f else { return false }
        switch byte {
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "{"), UInt8(ascii: "%"), UInt8(ascii: "*"),
             UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "]"):
            return false
        default: return true
        }
    }

    /// tag: ASTRING-CHAR except `+`.
    static func isTagByte(_ byte: UInt8) -> Bool {
        (isAtomByte(byte) || byte == UInt8(ascii: "]")) && byte != UInt8(ascii: "+")
    }
}
