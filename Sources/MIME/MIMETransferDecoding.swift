/// Content-Transfer-Encoding decoders (RFC 2045 section 6) that accept whatever mail brings.
///
/// Bad input never stops decoding: stray characters are skipped, broken escapes are kept as they
/// were, and a truncated tail decodes as far as it goes. Search and display only need the text.
public enum MIMETransferDecoding {
    /// Decodes `bytes` according to a Content-Transfer-Encoding name; identity encodings
    /// (7bit, 8bit, binary) and unknown ones return the bytes unchanged.
    public static func decode(_ bytes: some Collection<UInt8>, encoding: String) -> [UInt8] {
        switch encoding.lowercased() {
        case "base64": base64(bytes)
        case "quoted-printable": quotedPrintable(bytes)
        default: Array(bytes)
        }
    }

    /// Decodes base64, skipping characters outside the alphabet and accepting missing padding.
    ///
    /// Padding ends a group, so two encoded blobs glued together still decode.
    public static func base64(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count / 4 * 3 + 3)
        var group: UInt32 = 0
        var count = 0
        for byte in bytes {
            if byte == ASCII.equals {
                flush(group, count, into: &output)
                group = 0
                count = 0
                continue
            }
            guard let value = base64Value(byte) else { continue }
            group = group << 6 | UInt32(value)
            count += 1
            if count == 4 {
                output.append(UInt8(truncatingIfNeeded: group >> 16))
                output.append(UInt8(truncatingIfNeeded: group >> 8))
                output.append(UInt8(truncatingIfNeeded: group))
                group = 0
                count = 0
            }
        }
        flush(group, count, into: &output)
        return output
    }

    /// Writes the whole bytes held by a partial group of two or three characters.
    private static func flush(_ group: UInt32, _ count: Int, into output: inout [UInt8]) {
        switch count {
        case 2:
            output.append(UInt8(truncatingIfNeeded: group >> 4))
        case 3:
            output.append(UInt8(truncatingIfNeeded: group >> 10))
            output.append(UInt8(truncatingIfNeeded: group >> 2))
        default:
            break
        }
    }

    private static func base64Value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x41...0x5A: byte - 0x41
        case 0x61...0x7A: byte - 0x61 + 26
        case 0x30...0x39: byte - 0x30 + 52
        case 0x2B, 0x2D: 62  // "+", and "-" from the URL-safe alphabet some senders use
        case 0x2F, 0x5F: 63  // "/", and "_"
        default: nil
        }
    }

    /// Decodes quoted-printable: `=XX` escapes, soft line breaks, and transport whitespace at
    /// line ends (RFC 2045 section 6.7, rule 3, says a decoder removes it).
    ///
    /// An `=` that starts no valid escape is kept as a literal `=`.
    public static func quotedPrintable(_ input: some Collection<UInt8>) -> [UInt8] {
        let bytes = Array(input)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var pendingSpace: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if ASCII.isWhitespace(byte) {
                pendingSpace.append(byte)
                index += 1
                continue
            }
            if !ASCII.isLineBreak(byte) {
                output.append(contentsOf: pendingSpace)
            }
            pendingSpace.removeAll(keepingCapacity: true)
            guard byte == ASCII.equals else {
                output.append(byte)
                index += 1
                continue
            }
            if index + 2 < bytes.count, let high = ASCII.hexValue(bytes[index + 1]),
               let low = ASCII.hexValue(bytes[index + 2]) {
                output.append(high << 4 | low)
                index += 3
            } else if let end = softBreakEnd(bytes, after: index) {
                index = end
            } else {
                output.append(byte)
                index += 1
            }
        }
        output.append(contentsOf: pendingSpace)
        return output
    }

    /// Where a soft line break that starts with the `=` at `index` ends: the `=`, optional
    /// whitespace, then CRLF, LF or the end of the input.
    private static func softBreakEnd(_ bytes: [UInt8], after index: Int) -> Int? {
        var cursor = index + 1
        while cursor < bytes.count, ASCII.isWhitespace(bytes[cursor]) {
            cursor += 1
        }
        if cursor == bytes.count {
            return cursor
        }
        if bytes[cursor] == ASCII.lf {
            return cursor + 1
        }
        if bytes[cursor] == ASCII.cr {
            return cursor + 1 < bytes.count && bytes[cursor + 1] == ASCII.lf ? cursor + 2 : cursor + 1
        }
        return nil
    }
}
