/// One parameter of a Content-Type or Content-Disposition field, after RFC 2231 reassembly.
///
/// Continuations (`name*0`, `name*1`, ...) are joined and an extended value's charset is
/// applied, so `value` is what the sender meant. For the IMAP wire the extended form is kept:
/// BODYSTRUCTURE strings should stay ASCII, so a non-ASCII value goes out as `NAME*` with the
/// charset, language and percent-encoded bytes, the way servers commonly pass it on.
public struct MIMEParameter: Sendable, Equatable {
    /// The attribute, lower-cased, without any RFC 2231 `*` or section number.
    public let name: String

    /// The decoded value. RFC 2047 encoded words, which some mailers put in file names against
    /// RFC 2047 section 5, stay encoded here; `MIMEEncodedWords.decode` reads them.
    public let value: String

    /// The charset named by an RFC 2231 extended value, if the value had one.
    public let charset: String?

    /// The language named by an RFC 2231 extended value, if any.
    public let language: String?

    /// The value's bytes before charset conversion; used to rebuild the extended form.
    let valueBytes: [UInt8]

    public init(name: String, value: String, charset: String? = nil, language: String? = nil) {
        self.name = name.lowercased()
        self.value = value
        self.charset = charset
        self.language = language
        self.valueBytes = Array(value.utf8)
    }

    init(name: String, value: String, charset: String?, language: String?, valueBytes: [UInt8]) {
        self.name = name
        self.value = value
        self.charset = charset
        self.language = language
        self.valueBytes = valueBytes
    }

    /// The attribute and value as they go into a BODYSTRUCTURE parameter list: plain when the
    /// value is printable ASCII or was sent as raw 8-bit text, else the RFC 2231 extended form
    /// (`NAME*`, `charset'lang'%XX`) it arrived in.
    public var wireForm: (name: String, value: String) {
        guard let charset, !valueBytes.allSatisfy({ (0x20...0x7E).contains($0) }) else {
            return (name.uppercased(), value)
        }
        var encoded = "\(charset)'\(language ?? "")'"
        for byte in valueBytes {
            if Self.isAttributeChar(byte) {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                encoded += "%" + String(byte >> 4, radix: 16, uppercase: true)
                    + String(byte & 0x0F, radix: 16, uppercase: true)
            }
        }
        return (name.uppercased() + "*", encoded)
    }

    /// RFC 2231 attribute-char: a token character other than "*", "'" and "%".
    private static func isAttributeChar(_ byte: UInt8) -> Bool {
        (0x21...0x7E).contains(byte) && !StructuredTokenizer.mimeSpecials.contains(byte)
            && byte != ASCII.star && byte != ASCII.apostrophe && byte != ASCII.percent
    }
}

/// Reads `; name=value` lists (RFC 2045 section 5.1) and reassembles RFC 2231 values.
enum ParameterParser {
    /// One `name=value` as written, before reassembly.
    private struct RawParameter {
        let attribute: String
        let value: [UInt8]
    }

    /// A piece of one parameter: its section number and whether it is percent-encoded.
    private struct Piece {
        let section: Int
        let extended: Bool
        let value: [UInt8]
    }

    /// The parameters in `tokens`, which should start at a ";" (anything before it is skipped).
    ///
    /// An unquoted value that runs over several words keeps them with single spaces, a form
    /// some mailers send for file names.
    static func parameters(_ tokens: ArraySlice<StructuredToken>) -> [MIMEParameter] {
        var raw: [RawParameter] = []
        var index = tokens.startIndex
        while index < tokens.endIndex {
            guard tokens[index].isSpecial(ASCII.semicolon) else {
                index += 1
                continue
            }
            index += 1
            guard index < tokens.endIndex, tokens[index].kind == .atom else { continue }
            let attribute = MIMECharset.latin1(tokens[index].text).lowercased()
            index += 1
            guard index < tokens.endIndex, tokens[index].isSpecial(ASCII.equals) else { continue }
            index += 1
            var value: [UInt8] = []
            while index < tokens.endIndex, !tokens[index].isSpecial(ASCII.semicolon) {
                let token = tokens[index]
                if token.kind != .comment {
                    if !value.isEmpty, token.followsSpace {
                        value.append(ASCII.space)
                    }
                    value += token.text
                }
                index += 1
            }
            raw.append(RawParameter(attribute: attribute, value: value))
        }
        return reassemble(raw)
    }

    /// Groups pieces by name in order of first appearance and joins each group.
    private static func reassemble(_ raw: [RawParameter]) -> [MIMEParameter] {
        var order: [String] = []
        var pieces: [String: [Piece]] = [:]
        for parameter in raw {
            let (name, piece) = split(parameter)
            guard !name.isEmpty else { continue }
            if pieces[name] == nil {
                order.append(name)
            }
            pieces[name, default: []].append(piece)
        }
        return order.compactMap { name in join(name: name, pieces: pieces[name] ?? []) }
    }

    /// The base name of an attribute and the piece it carries: `name*` is an extended whole
    /// value, `name*N` a plain section, `name*N*` an extended section.
    private static func split(_ parameter: RawParameter) -> (String, Piece) {
        var attribute = Substring(parameter.attribute)
        var extended = false
        if attribute.hasSuffix("*") {
            extended = true
            attribute = attribute.dropLast()
        }
        var section = -1
        if let star = attribute.lastIndex(of: "*"),
           let number = Int(attribute[attribute.index(after: star)...]), number >= 0 {
            section = number
            attribute = attribute[..<star]
        }
        return (String(attribute), Piece(section: section, extended: extended, value: parameter.value))
    }

    /// Joins the pieces of one parameter. A whole value without sections wins over sections only
    /// when there are no sections; an extended whole value wins over a plain one (RFC 2231
    /// section 4 lets senders give both, plain for old readers).
    private static func join(name: String, pieces: [Piece]) -> MIMEParameter? {
        let sections = pieces.filter { $0.section >= 0 }.sorted { $0.section < $1.section }
        let chosen: [Piece]
        if !sections.isEmpty {
            var seen = Set<Int>()
            chosen = sections.filter { seen.insert($0.section).inserted }
        } else if let extended = pieces.first(where: \.extended) {
            chosen = [extended]
        } else if let plain = pieces.first {
            chosen = [plain]
        } else {
            return nil
        }
        var charset: String?
        var language: String?
        var bytes: [UInt8] = []
        for (position, piece) in chosen.enumerated() {
            guard piece.extended else {
                bytes += piece.value
                continue
            }
            var value = piece.value[...]
            if position == 0, let (set, lang, rest) = extendedPrefix(value) {
                charset = set.isEmpty ? nil : set
                language = lang.isEmpty ? nil : lang
                value = rest
            }
            bytes += percentDecoded(value)
        }
        return MIMEParameter(
            name: name, value: MIMECharset.decode(bytes, charset: charset),
            charset: charset, language: language, valueBytes: bytes
        )
    }

    /// Splits `charset'language'rest`; nil when the two apostrophes are missing.
    private static func extendedPrefix(_ value: ArraySlice<UInt8>)
        -> (String, String, ArraySlice<UInt8>)? {
        guard let first = value.firstIndex(of: ASCII.apostrophe),
              let second = value[(first + 1)...].firstIndex(of: ASCII.apostrophe) else {
            return nil
        }
        let charset = MIMECharset.latin1(value[value.startIndex..<first]).lowercased()
        let language = MIMECharset.latin1(value[(first + 1)..<second])
        return (charset, language, value[(second + 1)...])
    }

    private static func percentDecoded(_ value: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        var index = value.startIndex
        while index < value.endIndex {
            if value[index] == ASCII.percent, index + 2 < value.endIndex,
               let high = ASCII.hexValue(value[index + 1]), let low = ASCII.hexValue(value[index + 2]) {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(value[index])
                index += 1
            }
        }
        return output
    }
}
