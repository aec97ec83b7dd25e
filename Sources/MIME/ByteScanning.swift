/// Small byte-level helpers shared by the parsers.
///
/// Mail is bytes, not text: every parser in this module works on `[UInt8]` and indexes into the
/// original message so that byte ranges stay exact for IMAP section fetches.
enum ASCII {
    static let tab: UInt8 = 0x09
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let quote: UInt8 = 0x22
    static let percent: UInt8 = 0x25
    static let apostrophe: UInt8 = 0x27
    static let openParen: UInt8 = 0x28
    static let closeParen: UInt8 = 0x29
    static let star: UInt8 = 0x2A
    static let comma: UInt8 = 0x2C
    static let dash: UInt8 = 0x2D
    static let dot: UInt8 = 0x2E
    static let slash: UInt8 = 0x2F
    static let colon: UInt8 = 0x3A
    static let semicolon: UInt8 = 0x3B
    static let lessThan: UInt8 = 0x3C
    static let equals: UInt8 = 0x3D
    static let greaterThan: UInt8 = 0x3E
    static let question: UInt8 = 0x3F
    static let at: UInt8 = 0x40
    static let openBracket: UInt8 = 0x5B
    static let backslash: UInt8 = 0x5C
    static let closeBracket: UInt8 = 0x5D
    static let underscore: UInt8 = 0x5F

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == space || byte == tab
    }

    static func isLineBreak(_ byte: UInt8) -> Bool {
        byte == cr || byte == lf
    }

    static func lowercased(_ byte: UInt8) -> UInt8 {
        (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
    }

    /// The value of a hexadecimal digit in either case, or nil.
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    /// The bytes of `text` as ASCII, lower-cased; used to compare header names and keywords.
    static func lowercasedBytes(_ text: String) -> [UInt8] {
        text.utf8.map(lowercased)
    }
}

extension Array where Element == UInt8 {
    /// The index of the first LF at or after `start` and before `end`, or `end` if there is none.
    func lineFeed(from start: Int, before end: Int) -> Int {
        var index = start
        while index < end, self[index] != ASCII.lf {
            index += 1
        }
        return index
    }

    /// Whether the bytes at `offset` begin with `prefix`, staying before `end`.
    func hasPrefix(_ prefix: [UInt8], at offset: Int, before end: Int) -> Bool {
        guard offset + prefix.count <= end else { return false }
        for (index, byte) in prefix.enumerated() where self[offset + index] != byte {
            return false
        }
        return true
    }

    /// Whether the bytes at `offset` match `prefix` (given lower-cased) ignoring ASCII case.
    func hasPrefixIgnoringCase(_ prefix: [UInt8], at offset: Int, before end: Int) -> Bool {
        guard offset + prefix.count <= end else { return false }
        for (index, byte) in prefix.enumerated() where ASCII.lowercased(self[offset + index]) != byte {
            return false
        }
        return true
    }
}

extension ArraySlice where Element == UInt8 {
    /// The slice without leading and trailing spaces, tabs, CRs and LFs.
    func trimmingWhitespace() -> ArraySlice<UInt8> {
        var lower = startIndex
        var upper = endIndex
        while lower < upper, ASCII.isWhitespace(self[lower]) || ASCII.isLineBreak(self[lower]) {
            lower += 1
        }
        while upper > lower, ASCII.isWhitespace(self[upper - 1]) || ASCII.isLineBreak(self[upper - 1]) {
            upper -= 1
        }
        return self[lower..<upper]
    }
}

/// Counting text lines the way BODYSTRUCTURE reports them.
enum LineCounter {
    /// The number of lines in `range`: every LF ends one, and a last line without one still counts.
    static func lines(in bytes: [UInt8], _ range: Range<Int>) -> Int {
        var count = 0
        for index in range where bytes[index] == ASCII.lf {
            count += 1
        }
        if let last = range.last, bytes[last] != ASCII.lf {
            count += 1
        }
        return count
    }
}
