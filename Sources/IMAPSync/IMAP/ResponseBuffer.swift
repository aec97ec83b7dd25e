/// Output of one command, gathered and sent in one write.
struct ResponseBuffer {
    private(set) var bytes: [UInt8] = []

    mutating func line(_ text: String) {
        bytes += Array(text.utf8)
        bytes += [0x0d, 0x0a]
    }

    mutating func append(_ text: String) {
        bytes += Array(text.utf8)
    }

    mutating func append(_ raw: [UInt8]) {
        bytes += raw
    }

    var isEmpty: Bool { bytes.isEmpty }
}

/// IMAP string forms for responses.
enum Wire {
    /// A quoted string when the text allows one, else a literal (CR, LF, NUL, non-ASCII for
    /// IMAP4rev1 clients, or long text).
    static func string(_ text: String, utf8Allowed: Bool = false) -> String {
        let needsLiteral = text.utf8.count > 1000 || text.unicodeScalars.contains {
            $0 == "\r" || $0 == "\n" || $0.value == 0 || (!utf8Allowed && $0.value > 0x7e)
        }
        if needsLiteral { return "{\(text.utf8.count)}\r\n" + text }
        var out = "\""
        for character in text {
            if character == "\"" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out + "\""
    }

    /// A mailbox name as an astring: bare when it is a plain atom, else a string.
    static func mailbox(_ name: String, utf8Allowed: Bool) -> String {
        let plain = !name.isEmpty && name.utf8.allSatisfy { byte in
            CommandReader.isAtomByte(byte) && byte != UInt8(ascii: "%")
        }
        return plain ? name : string(name, utf8Allowed: utf8Allowed)
    }
}
