/// One parameter of a content line, such as `TYPE=work,voice` or `ENCODING=b`.
///
/// Values are stored decoded: surrounding double quotes are gone and RFC 6868 caret escapes
/// (`^n`, `^'`, `^^`) are resolved, so `LABEL="Flat 2^n10 High St"` holds a real line break.
/// `TYPE` values are also split on commas inside quotes, because `TYPE="home,pref"` (the form
/// RFC 6350 section 5.6 shows) means the same as `TYPE=home,pref`.
public struct VCardParameter: Sendable, Hashable {
    /// The parameter name, upper-cased: names are case-insensitive (RFC 6350 section 3.3).
    public let name: String

    /// The values in the order written; most parameters have one.
    public let values: [String]

    public init(name: String, values: [String]) {
        self.name = name.uppercased()
        self.values = values
    }

    /// For the parser, whose names are already upper-cased ASCII.
    init(upperCasedName name: String, values: [String]) {
        self.name = name
        self.values = values
    }

    /// The parameter as it goes into a content line, starting with its `;`.
    var contentLineForm: String {
        var text = ";" + name + "="
        for (index, value) in values.enumerated() {
            if index > 0 {
                text += ","
            }
            text += Self.quotedIfNeeded(Self.caretEncoded(value))
        }
        return text
    }

    /// RFC 6868 decoding: `^n` is a line break, `^'` a double quote, `^^` a caret. Any other caret
    /// stays as written, which is what the RFC asks of a lenient reader.
    static func caretDecoded(_ raw: Substring) -> String {
        guard raw.contains("^") else { return String(raw) }
        var result = ""
        var scalars = raw.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            guard scalar == "^" else {
                result.unicodeScalars.append(scalar)
                continue
            }
            guard let next = scalars.next() else {
                result.unicodeScalars.append(scalar)
                break
            }
            switch next {
            case "n", "N": result.unicodeScalars.append("\n")
            case "'": result.unicodeScalars.append("\"")
            case "^": result.unicodeScalars.append("^")
            default:
                result.unicodeScalars.append(scalar)
                result.unicodeScalars.append(next)
            }
        }
        return result
    }

    /// The inverse of `caretDecoded`: what cannot be written inside a parameter value, even quoted.
    static func caretEncoded(_ value: String) -> String {
        guard value.unicodeScalars.contains(where: { $0 == "^" || $0 == "\"" || $0 == "\n" || $0 == "\r" })
        else { return value }
        var result = ""
        var scalars = value.unicodeScalars.makeIterator()
        var pending = scalars.next()
        while let scalar = pending {
            pending = scalars.next()
            switch scalar {
            case "^": result += "^^"
            case "\"": result += "^'"
            case "\n": result += "^n"
            case "\r":
                // A CRLF pair is one line break; a lone CR becomes one too.
                result += "^n"
                if pending == "\n" {
                    pending = scalars.next()
                }
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Quotes a value holding a character that would end it (`,`, `;`, `:`) or other characters
    /// that RFC 6350 section 3.3 keeps out of unquoted values.
    private static func quotedIfNeeded(_ value: String) -> String {
        let needsQuotes = value.unicodeScalars.contains { scalar in
            scalar == "," || scalar == ";" || scalar == ":" || scalar.value < 0x20 || scalar.value == 0x7F
        }
        return needsQuotes ? "\"" + value + "\"" : value
    }
}
