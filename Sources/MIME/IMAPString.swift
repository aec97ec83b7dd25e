import Foundation

/// Renders values as IMAP `string` / `nstring` (RFC 9051 section 4.3), choosing the form.
///
/// Short printable 7-bit text goes out quoted; text with CR, LF, NUL or 8-bit characters, or
/// longer than `quotedLimit` bytes, goes out as a literal. The results are Swift strings: the
/// literal's `{n}` counts the UTF-8 bytes of its content, so the caller must write the string
/// as UTF-8, which is what the front end does with every response line.
public enum IMAPString {
    /// Values longer than this many bytes are sent as literals even when they could be quoted.
    public static let quotedLimit = 1024

    /// `NIL` for nil, else the value as a string.
    public static func nstring(_ value: String?) -> String {
        guard let value else { return "NIL" }
        return string(value)
    }

    /// The value as a quoted string or, when it cannot or should not be quoted, a literal.
    ///
    /// NUL is dropped from literals: RFC 9051's CHAR8 excludes it, and a literal8 would need the
    /// BINARY extension.
    public static func string(_ value: String) -> String {
        let utf8 = value.utf8
        let needsLiteral = utf8.count > quotedLimit
            || utf8.contains { $0 == 0 || $0 == ASCII.cr || $0 == ASCII.lf || $0 >= 0x80 }
        if needsLiteral {
            let content = value.contains("\0") ? value.replacingOccurrences(of: "\0", with: "") : value
            return "{\(content.utf8.count)}\r\n" + content
        }
        var quoted = "\""
        quoted.reserveCapacity(utf8.count + 2)
        for scalar in value.unicodeScalars {
            if scalar == "\\" || scalar == "\"" {
                quoted.unicodeScalars.append("\\")
            }
            quoted.unicodeScalars.append(scalar)
        }
        quoted.unicodeScalars.append("\"")
        return quoted
    }
}
