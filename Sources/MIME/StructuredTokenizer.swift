/// A lexical token of a structured header field (RFC 5322 section 3.2, RFC 2045 section 5.1).
struct StructuredToken: Equatable {
    enum Kind: Equatable {
        /// A run of bytes that are not specials, whitespace or controls; 8-bit bytes included
        /// (RFC 6532 lets UTF-8 appear here).
        case atom
        /// A quoted string; `text` holds its content with the quoting backslashes removed.
        case quoted
        /// A comment; `text` holds its content, nested comments flattened.
        case comment
        /// A domain literal; `text` holds it brackets included.
        case domainLiteral
        /// One special character; `text` holds it.
        case special
    }

    let kind: Kind
    let text: [UInt8]
    /// Whether whitespace came right before the token, so phrases can be rebuilt as written.
    let followsSpace: Bool

    func isSpecial(_ byte: UInt8) -> Bool {
        kind == .special && text.first == byte
    }
}

/// Splits an unfolded structured field value into tokens; never fails.
///
/// An unterminated quoted string, comment or domain literal runs to the end of the value, which
/// is what a reader would guess the sender meant.
struct StructuredTokenizer {
    /// The specials of RFC 5322 addresses and dates.
    static let addressSpecials: Set<UInt8> = Set("()<>[]:;@\\,.\"".utf8)

    /// The tspecials of MIME parameters (RFC 2045 section 5.1), where "." is part of a token.
    static let mimeSpecials: Set<UInt8> = Set("()<>@,;:\\\"/[]?=".utf8)

    /// Comment nesting beyond this depth is read as plain comment text.
    static let maxCommentDepth = 64

    /// The tokens of a MIME field value (Content-Type, Content-Disposition and the like).
    static func mimeTokens(_ bytes: [UInt8]) -> [StructuredToken] {
        tokens(bytes, specials: mimeSpecials)
    }

    static func tokens(_ bytes: [UInt8], specials: Set<UInt8>) -> [StructuredToken] {
        var tokens: [StructuredToken] = []
        var index = 0
        var sawSpace = false
        while index < bytes.count {
            let byte = bytes[index]
            if ASCII.isWhitespace(byte) || ASCII.isLineBreak(byte) {
                sawSpace = true
                index += 1
                continue
            }
            let token: StructuredToken
            switch byte {
            case ASCII.quote:
                let (text, end) = delimited(bytes, from: index + 1, closing: ASCII.quote)
                token = StructuredToken(kind: .quoted, text: text, followsSpace: sawSpace)
                index = end
            case ASCII.openParen:
                let (text, end) = comment(bytes, from: index + 1)
                token = StructuredToken(kind: .comment, text: text, followsSpace: sawSpace)
                index = end
            case ASCII.openBracket where specials == addressSpecials:
                let (text, end) = delimited(bytes, from: index + 1, closing: ASCII.closeBracket)
                token = StructuredToken(
                    kind: .domainLiteral, text: [ASCII.openBracket] + text + [ASCII.closeBracket],
                    followsSpace: sawSpace
                )
                index = end
            case _ where specials.contains(byte) || byte < 0x20 || byte == 0x7F:
                token = StructuredToken(kind: .special, text: [byte], followsSpace: sawSpace)
                index += 1
            default:
                let start = index
                while index < bytes.count, isAtomByte(bytes[index], specials) {
                    index += 1
                }
                let text = Array(bytes[start..<index])
                token = StructuredToken(kind: .atom, text: text, followsSpace: sawSpace)
            }
            tokens.append(token)
            sawSpace = false
        }
        return tokens
    }

    private static func isAtomByte(_ byte: UInt8, _ specials: Set<UInt8>) -> Bool {
        byte > 0x20 && byte != 0x7F && !specials.contains(byte)
    }

    /// The content up to `closing` (backslash escapes removed) and the index after it.
    private static func delimited(_ bytes: [UInt8], from start: Int, closing: UInt8) -> ([UInt8], Int) {
        var text: [UInt8] = []
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if byte == closing {
                return (text, index + 1)
            }
            if byte == ASCII.backslash, index + 1 < bytes.count {
                text.append(bytes[index + 1])
                index += 2
                continue
            }
            if !ASCII.isLineBreak(byte) {
                text.append(byte)
            }
            index += 1
        }
        return (text, index)
    }

    /// A comment's content, nested comments kept as text, and the index after its last ")".
    private static func comment(_ bytes: [UInt8], from start: Int) -> ([UInt8], Int) {
        var text: [UInt8] = []
        var depth = 1
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if byte == ASCII.backslash, index + 1 < bytes.count {
                text.append(bytes[index + 1])
                index += 2
                continue
            }
            if byte == ASCII.openParen, depth < maxCommentDepth {
                depth += 1
            } else if byte == ASCII.closeParen {
                depth -= 1
                if depth == 0 {
                    return (text, index + 1)
                }
            }
            if !ASCII.isLineBreak(byte) {
                text.append(byte)
            }
            index += 1
        }
        return (text, index)
    }
}
