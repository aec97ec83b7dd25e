/// Reads one unfolded content line into a `VCardProperty` (RFC 6350 section 3.3).
///
/// The grammar is `[group "."] name *(";" param) ":" value`, where a parameter is
/// `name "=" value *("," value)` and a value may be double-quoted to hold `,`, `;` and `:`.
/// Delimiters are all ASCII, so the scan runs over UTF-8 bytes, and each piece is checked to be
/// UTF-8 as it becomes a string. Spaces and tabs around names are tolerated; names themselves
/// are checked, because a stray character there usually means the line was broken in transit
/// and the client should hear about it.
enum ContentLineParser {
    private static let colon = UInt8(ascii: ":")
    private static let semicolon = UInt8(ascii: ";")
    private static let equals = UInt8(ascii: "=")
    private static let comma = UInt8(ascii: ",")
    private static let quote = UInt8(ascii: "\"")
    private static let dot = UInt8(ascii: ".")
    private static let caret = UInt8(ascii: "^")

    /// Bare vCard 2.1/3.0 parameters that stand for an ENCODING rather than a TYPE.
    private static let bareEncodings: Set<String> = ["QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT", "B"]

    static func property(from line: ContentLine) throws(VCardError) -> VCardProperty {
        let bytes = line.bytes
        let number = line.lineNumber
        var index = bytes.startIndex
        while index < bytes.endIndex, bytes[index] != semicolon, bytes[index] != colon {
            index += 1
        }
        guard index < bytes.endIndex else { throw VCardError(.missingColon, line: number) }
        let (group, name) = try groupAndName(bytes[bytes.startIndex..<index], line: number)

        var parameters: [VCardParameter] = []
        while bytes[index] == semicolon {
            index += 1
            if let parameter = try parameter(in: bytes, at: &index, line: number) {
                parameters.append(parameter)
            }
        }
        let value = try utf8(bytes[(index + 1)...], line: number)
        return VCardProperty(group: group, upperCasedName: name, parameters: parameters, value: value)
    }

    private static func groupAndName(
        _ bytes: ArraySlice<UInt8>, line: Int
    ) throws(VCardError) -> (group: String?, name: String) {
        let full = trimmed(bytes)
        guard !full.isEmpty else { throw VCardError(.missingName, line: line) }
        var group: String?
        var nameBytes = full
        if let dotIndex = full.firstIndex(of: dot) {
            let groupBytes = full[..<dotIndex]
            nameBytes = full[(dotIndex + 1)...]
            guard isValidName(groupBytes) else {
                throw VCardError(.invalidName(lossyText(full)), line: line)
            }
            group = ascii(groupBytes, uppercased: false)
        }
        guard !nameBytes.isEmpty else { throw VCardError(.missingName, line: line) }
        guard isValidName(nameBytes) else { throw VCardError(.invalidName(lossyText(full)), line: line) }
        return (group, ascii(nameBytes, uppercased: true))
    }

    /// Reads one parameter starting just after its `;`, leaving `index` on the `;` or `:` that
    /// ends it. Returns nil for an empty parameter (`TEL;;VOICE`), which is skipped.
    private static func parameter(
        in bytes: ArraySlice<UInt8>, at index: inout Int, line: Int
    ) throws(VCardError) -> VCardParameter? {
        let nameStart = index
        while index < bytes.endIndex, bytes[index] != equals, bytes[index] != semicolon,
              bytes[index] != colon {
            index += 1
        }
        guard index < bytes.endIndex else { throw VCardError(.missingColon, line: line) }
        let nameBytes = trimmed(bytes[nameStart..<index])
        if nameBytes.isEmpty, bytes[index] != equals {
            return nil
        }
        guard isValidName(nameBytes) else {
            throw VCardError(.invalidParameterName(lossyText(nameBytes)), line: line)
        }
        let name = ascii(nameBytes, uppercased: true)
        guard bytes[index] == equals else {
            // A vCard 3.0 shorthand: `;WORK` for `;TYPE=WORK`, `;QUOTED-PRINTABLE` for an encoding.
            let parameterName = bareEncodings.contains(name) ? "ENCODING" : "TYPE"
            let shorthand = ascii(nameBytes, uppercased: false)
            return VCardParameter(upperCasedName: parameterName, values: [shorthand])
        }
        index += 1

        var values: [String] = []
        while true {
            values.append(try parameterValue(in: bytes, at: &index, line: line))
            guard index < bytes.endIndex else { throw VCardError(.missingColon, line: line) }
            guard bytes[index] == comma else { break }
            index += 1
        }
        // Limitation: only TYPE splits a quoted value on commas; a quoted list in another
        // parameter (`SORT-AS="Doe,John"`) stays one value.
        if name == "TYPE", values.contains(where: { $0.utf8.contains(comma) }) {
            values = values.flatMap { value in
                value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            }
        }
        return VCardParameter(upperCasedName: name, values: values)
    }

    /// Reads one value of a parameter, quoted or not, up to the `,`, `;` or `:` after it. Text
    /// right after a closing quote is kept as part of the value rather than rejected.
    private static func parameterValue(
        in bytes: ArraySlice<UInt8>, at index: inout Int, line: Int
    ) throws(VCardError) -> String {
        let start = index
        while index < bytes.endIndex, bytes[index] != quote, bytes[index] != comma,
              bytes[index] != semicolon, bytes[index] != colon {
            index += 1
        }
        guard index < bytes.endIndex, bytes[index] == quote else {
            // The common case: an unquoted value, read straight from the line.
            return try caretDecoded(bytes[start..<index], line: line)
        }
        var raw = Array(bytes[start..<index])
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == quote {
                guard let close = bytes[(index + 1)...].firstIndex(of: quote) else {
                    throw VCardError(.unterminatedQuote, line: line)
                }
                raw += bytes[(index + 1)..<close]
                index = close + 1
                continue
            }
            if byte == comma || byte == semicolon || byte == colon {
                break
            }
            raw.append(byte)
            index += 1
        }
        return try caretDecoded(raw[...], line: line)
    }

    private static func caretDecoded(_ bytes: ArraySlice<UInt8>, line: Int) throws(VCardError) -> String {
        let text = try utf8(bytes, line: line)
        return bytes.contains(caret) ? VCardParameter.caretDecoded(Substring(text)) : text
    }

    /// Letters, digits, `-`, and `_`, which some vendor X- names use although RFC 6350 does not.
    private static func isValidName(_ bytes: ArraySlice<UInt8>) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy { byte in
            (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var first = bytes.startIndex
        var last = bytes.endIndex
        while first < last, bytes[first] == 0x20 || bytes[first] == 0x09 {
            first += 1
        }
        while last > first, bytes[last - 1] == 0x20 || bytes[last - 1] == 0x09 {
            last -= 1
        }
        return bytes[first..<last]
    }

    /// A string from bytes already checked to be ASCII, optionally upper-cased on the way.
    private static func ascii(_ bytes: ArraySlice<UInt8>, uppercased: Bool) -> String {
        String(unsafeUninitializedCapacity: bytes.count) { buffer in
            var offset = 0
            for byte in bytes {
                buffer[offset] = uppercased ? asciiUppercased(byte) : byte
                offset += 1
            }
            return offset
        }
    }

    // Limitation: raw 8-bit text in another charset (`CHARSET=ISO-8859-1` without
    // quoted-printable, from vCard 2.1 exporters) is refused as not UTF-8 rather than converted.
    private static func utf8(_ bytes: ArraySlice<UInt8>, line: Int) throws(VCardError) -> String {
        // Most values are ASCII, which is valid UTF-8 as it stands and takes the fast path.
        if bytes.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: bytes, as: UTF8.self)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw VCardError(.notUTF8, line: line)
        }
        return text
    }

    /// Text for an error message, with bytes that are not UTF-8 shown as replacement characters.
    private static func lossyText(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
