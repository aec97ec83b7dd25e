/// One data item of FETCH (RFC 9051 6.4.5), parsed.
enum FetchAttribute: Equatable {
    case uid
    case flags
    case internalDate
    case size
    case envelope
    case bodyStructure
    case body
    case modseq
    case rfc822
    case rfc822Header
    case rfc822Text
    case section(BodySection, partial: Partial?, peek: Bool)
    case binary(part: [Int], partial: Partial?, peek: Bool)
    case binarySize(part: [Int])

    struct Partial: Equatable {
        let offset: Int
        let length: Int
    }

    /// Whether fetching this item marks the message `\Seen` (RFC 9051 6.4.5).
    var setsSeen: Bool {
        switch self {
        case .rfc822, .rfc822Text: return true
        case .section(_, _, let peek), .binary(_, _, let peek): return !peek
        default: return false
        }
    }

    /// Whether the item needs the message bytes (not just the stored summary and forms).
    var needsContent: Bool {
        switch self {
        case .rfc822, .rfc822Header, .rfc822Text, .section, .binary, .binarySize: return true
        default: return false
        }
    }
}

/// A BODY[…] section: a part path and what of that part.
struct BodySection: Equatable {
    enum Text: Equatable {
        case header
        case headerFields([String])
        case headerFieldsNot([String])
        case text
        case mime
    }

    let part: [Int]
    let text: Text?

    /// The section as echoed in the response: `1.2.HEADER.FIELDS (FROM TO)`.
    var label: String {
        var parts = part.map(String.init)
        switch text {
        case .header: parts.append("HEADER")
        case .headerFields(let names): parts.append("HEADER.FIELDS (\(names.joined(separator: " ")))")
        case .headerFieldsNot(let names): parts.append("HEADER.FIELDS.NOT (\(names.joined(separator: " ")))")
        case .text: parts.append("TEXT")
        case .mime: parts.append("MIME")
        case nil: break
        }
        return parts.joined(separator: ".")
    }
}

/// A parsed FETCH command's items and modifiers.
struct FetchRequest {
    var attributes: [FetchAttribute] = []
    var changedSince: UInt64?
    var vanished = false
}

extension CommandReader {
    mutating func fetchRequest() throws(IMAPParseError) -> FetchRequest {
        var request = FetchRequest()
        if peek() == UInt8(ascii: "(") {
            try expect(UInt8(ascii: "("))
            repeat { request.attributes += try fetchAttribute() } while skipSpace()
            try expect(UInt8(ascii: ")"))
        } else {
            request.attributes = try fetchAttribute()
        }
        if skipSpace() {
            try expect(UInt8(ascii: "("))
            repeat {
                let modifier = try atom().uppercased()
                switch modifier {
                case "CHANGEDSINCE":
                    try space()
                    request.changedSince = try number()
                case "VANISHED":
                    request.vanished = true
                default:
                    throw fail("Unknown FETCH modifier \(modifier)")
                }
            } while skipSpace()
            try expect(UInt8(ascii: ")"))
        }
        try end()
        return request
    }

    /// One item, or the items a macro stands for.
    private mutating func fetchAttribute() throws(IMAPParseError) -> [FetchAttribute] {
        var name = [UInt8]()
        while let byte = peek(), byte != 0x20, byte != UInt8(ascii: "["), byte != UInt8(ascii: ")"),
              byte != UInt8(ascii: "(") {
            name.append(byte)
            try expect(byte)
        }
        let word = String(decoding: name, as: UTF8.self).uppercased()
        switch word {
        case "ALL": return [.flags, .internalDate, .size, .envelope]
        case "FAST": return [.flags, .internalDate, .size]
        case "FULL": return [.flags, .internalDate, .size, .envelope, .body]
        case "UID": return [.uid]
        case "FLAGS": return [.flags]
        case "INTERNALDATE": return [.internalDate]
        case "RFC822.SIZE": return [.size]
        case "ENVELOPE": return [.envelope]
        case "BODYSTRUCTURE": return [.bodyStructure]
        case "MODSEQ": return [.modseq]
        case "RFC822": return [.rfc822]
        case "RFC822.HEADER": return [.rfc822Header]
        case "RFC822.TEXT": return [.rfc822Text]
        case "BODY" where peek() != UInt8(ascii: "["): return [.body]
        case "BODY", "BODY.PEEK":
            let section = try bodySection()
            return [.section(section, partial: try partial(), peek: word == "BODY.PEEK")]
        case "BINARY", "BINARY.PEEK":
            let part = try binarySection()
            return [.binary(part: part, partial: try partial(), peek: word == "BINARY.PEEK")]
        case "BINARY.SIZE":
            return [.binarySize(part: try binarySection())]
        default:
            throw fail(word.isEmpty ? "Expected a FETCH item" : "Unknown FETCH item \(word)")
        }
    }

    private mutating func bodySection() throws(IMAPParseError) -> BodySection {
        try expect(UInt8(ascii: "["))
        var part: [Int] = []
        while let byte = peek(), byte >= 0x31, byte <= 0x39 {
            let value = try number()
            guard value > 0, value < 10_000 else { throw fail("Invalid section part") }
            part.append(Int(value))
            guard part.count <= 32 else { throw fail("Section nested too deep") }
            if peek() == UInt8(ascii: ".") { try expect(UInt8(ascii: ".")) } else { break }
        }
        var text: BodySection.Text?
        if peek() != UInt8(ascii: "]") {
            var word = [UInt8]()
            while let byte = peek(), byte != UInt8(ascii: "]"), byte != 0x20 {
                word.append(byte)
                try expect(byte)
            }
            switch String(decoding: word, as: UTF8.self).uppercased() {
            case "HEADER": text = .header
            case "TEXT": text = .text
            case "MIME" where !part.isEmpty: text = .mime
            case "HEADER.FIELDS":
                try space()
                text = .headerFields(try headerList())
            case "HEADER.FIELDS.NOT":
                try space()
                text = .headerFieldsNot(try headerList())
            default: throw fail("Invalid section specifier")
            }
        }
        try expect(UInt8(ascii: "]"))
        return BodySection(part: part, text: text)
    }

    private mutating func headerList() throws(IMAPParseError) -> [String] {
        try expect(UInt8(ascii: "("))
        var names: [String] = []
        repeat {
            names.append(try astring().uppercased())
        } while skipSpace()
        try expect(UInt8(ascii: ")"))
        return names
    }

    private mutating func binarySection() throws(IMAPParseError) -> [Int] {
        try expect(UInt8(ascii: "["))
        var part: [Int] = []
        while peek() != UInt8(ascii: "]") {
            let value = try number()
            guard value > 0, value < 10_000 else { throw fail("Invalid section part") }
            part.append(Int(value))
            if peek() == UInt8(ascii: ".") { try expect(UInt8(ascii: ".")) }
        }
        try expect(UInt8(ascii: "]"))
        return part
    }

    private mutating func partial() throws(IMAPParseError) -> FetchAttribute.Partial? {
        guard peek() == UInt8(ascii: "<") else { return nil }
        try expect(UInt8(ascii: "<"))
        let offset = try number()
        try expect(UInt8(ascii: "."))
        let length = try number()
        guard length > 0, offset < 1 << 40, length < 1 << 40 else { throw fail("Invalid partial range") }
        try expect(UInt8(ascii: ">"))
        return .init(offset: Int(offset), length: Int(length))
    }
}
