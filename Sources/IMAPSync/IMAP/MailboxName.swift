import Foundation

/// Mailbox names on the wire: modified UTF-7 (RFC 3501 5.1.3) for IMAP4rev1 clients, UTF-8
/// for IMAP4rev2 (RFC 9051 5.1). The store keeps UTF-8 with `/` as the delimiter.
enum MailboxName {
    static let delimiter = "/"

    /// Encodes a UTF-8 name in modified UTF-7.
    static func encodeUTF7(_ name: String) -> String {
        var out = ""
        var pending: [UInt16] = []
        func flush() {
            guard !pending.isEmpty else { return }
            var bytes: [UInt8] = []
            for unit in pending { bytes += [UInt8(unit >> 8), UInt8(unit & 0xff)] }
            let base64 = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "/", with: ",")
                .replacingOccurrences(of: "=", with: "")
            out += "&" + base64 + "-"
            pending = []
        }
        for scalar in name.unicodeScalars {
            if scalar.value >= 0x20 && scalar.value <= 0x7e {
                flush()
                out += scalar == "&" ? "&-" : String(scalar)
            } else {
                pending += Array(String(scalar).utf16)
            }
        }
        flush()
        return out
    }

    /// Decodes modified UTF-7; nil for malformed input (bad base64, unterminated shift,
    /// characters that should not be encoded).
    static func decodeUTF7(_ text: String) -> String? {
        var out = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            guard character.isASCII, let ascii = character.asciiValue, ascii >= 0x20, ascii <= 0x7e else {
                return nil
            }
            if character != "&" {
                out.append(character)
                index = text.index(after: index)
                continue
            }
            guard let end = text[index...].firstIndex(of: "-") else { return nil }
            let encoded = text[text.index(after: index)..<end]
            index = text.index(after: end)
            if encoded.isEmpty {
                out.append("&")
                continue
            }
            var base64 = encoded.replacingOccurrences(of: ",", with: "/")
            while base64.count % 4 != 0 { base64 += "=" }
            guard let data = Data(base64Encoded: base64), data.count % 2 == 0 else { return nil }
            var units: [UInt16] = []
            var bytes = Array(data)
            while bytes.count >= 2 {
                units.append(UInt16(bytes[0]) << 8 | UInt16(bytes[1]))
                bytes.removeFirst(2)
            }
            let decoded = String(decoding: units, as: UTF16.self)
            // Printable ASCII must not be encoded (RFC 3501 5.1.3).
            guard !decoded.unicodeScalars.contains(where: { $0.value >= 0x20 && $0.value <= 0x7e }) else {
                return nil
            }
            // Lone surrogates decode to U+FFFD: refuse them.
            guard !decoded.contains("\u{FFFD}") else { return nil }
            out += decoded
        }
        return out
    }

    /// Checks a UTF-8 name for what the store accepts: no empty levels, no control characters,
    /// no wildcards, not over 255 bytes, no `..` levels that would read as paths.
    static func validate(_ name: String) -> String? {
        if name.isEmpty { return "Mailbox name is empty" }
        if name.utf8.count > 255 { return "Mailbox name is over 255 bytes" }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) {
            return "Mailbox name has control characters"
        }
        if name.contains("*") || name.contains("%") { return "Mailbox name has wildcard characters" }
        let levels = name.split(separator: "/", omittingEmptySubsequences: false)
        if levels.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
            return "Mailbox name has an empty, . or .. level"
        }
        return nil
    }
}
