/// Backslash escaping of property values (RFC 6350 section 3.4, RFC 2426 section 4).
///
/// Everything here walks Unicode scalars, not Characters: Swift treats CRLF, and a backslash
/// followed by a combining mark, as one Character, which would hide the separators.
enum TextEscaping {
    /// Resolves escapes: `\n` and `\N` become a line feed, and a backslash before any other
    /// character is dropped, leaving that character. RFC 6350 only defines `\\`, `\,`, `\;` and
    /// `\n`, but Apple Contacts writes `http\://` in URLs, and dropping the backslash is the
    /// reading every client expects. A backslash at the very end is kept.
    static func unescaped(_ text: Substring) -> String {
        guard text.contains("\\") else { return String(text) }
        var result = ""
        var scalars = text.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            guard scalar == "\\" else {
                result.unicodeScalars.append(scalar)
                continue
            }
            guard let next = scalars.next() else {
                result.unicodeScalars.append(scalar)
                break
            }
            result.unicodeScalars.append(next == "n" || next == "N" ? "\n" : next)
        }
        return result
    }

    /// Splits at every `separator` that is not escaped by a backslash. The pieces keep their
    /// escapes, so a later split on another separator still sees them.
    static func split(_ text: Substring, on separator: Unicode.Scalar) -> [Substring] {
        var pieces: [Substring] = []
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var index = start
        while index < scalars.endIndex {
            let scalar = scalars[index]
            if scalar == "\\" {
                index = scalars.index(after: index)
                if index < scalars.endIndex {
                    index = scalars.index(after: index)
                }
                continue
            }
            if scalar == separator {
                pieces.append(Substring(scalars[start..<index]))
                start = scalars.index(after: index)
            }
            index = scalars.index(after: index)
        }
        pieces.append(Substring(scalars[start..<scalars.endIndex]))
        return pieces
    }

    /// Escapes text for a TEXT value: backslash, comma, semicolon, and line breaks as `\n`.
    static func escaped(_ text: String) -> String {
        var result = ""
        var scalars = text.unicodeScalars.makeIterator()
        var pending = scalars.next()
        while let scalar = pending {
            pending = scalars.next()
            switch scalar {
            case "\\": result += "\\\\"
            case ",": result += "\\,"
            case ";": result += "\\;"
            case "\n": result += "\\n"
            case "\r":
                result += "\\n"
                if pending == "\n" {
                    pending = scalars.next()
                }
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
