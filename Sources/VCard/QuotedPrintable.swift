import Foundation

/// Decoding of vCard 2.1-style `ENCODING=QUOTED-PRINTABLE` values with their `CHARSET`.
///
/// vCard 3.0 and 4.0 dropped quoted-printable, but Android's exporter and older phones still
/// write it into 3.0 cards, so values are decoded rather than rejected. The raw value keeps the
/// encoded text, which is what a CardDAV server stores and returns.
enum QuotedPrintable {
    /// Turns `=XX` escapes into bytes and reads the bytes in `charset` (UTF-8 when absent).
    /// A malformed escape is kept as written; soft line breaks were removed during unfolding.
    static func decoded(_ text: String, charset: String?) -> String {
        let input = Array(text.utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "="), index + 2 < input.count,
               let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2]) {
                bytes.append(high << 4 | low)
                index += 3
            } else if byte == UInt8(ascii: "="), index == input.count - 1 {
                // A trailing soft break left over from a value that ended the resource.
                index += 1
            } else {
                bytes.append(byte)
                index += 1
            }
        }
        return decode(bytes, charset: charset)
    }

    // Limitation: only UTF-8, ISO-8859-1 (and its aliases), Windows-1252 and US-ASCII are read;
    // other charsets are read as UTF-8 with replacement characters.
    private static func decode(_ bytes: [UInt8], charset: String?) -> String {
        switch charset?.lowercased() {
        case "iso-8859-1", "latin1", "iso_8859-1", "l1":
            return String(bytes: bytes, encoding: .isoLatin1) ?? String(decoding: bytes, as: UTF8.self)
        case "windows-1252", "cp1252":
            return String(bytes: bytes, encoding: .windowsCP1252) ?? String(decoding: bytes, as: UTF8.self)
        default:
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
