/// A sequence set (RFC 9051 9: `1:4,7,9:*`), of sequence numbers or of UIDs.
///
/// `*` is kept as nil until the set is resolved against the largest number in use.
struct SequenceSet: Equatable {
    struct Range: Equatable {
        let first: UInt32?
        let last: UInt32?
    }

    let ranges: [Range]

    /// Resolves `*` to `largest` and orders each range; an empty mailbox resolves `*` to 0.
    func resolved(largest: UInt32) -> [ClosedRange<UInt32>] {
        ranges.map { range in
            let a = range.first ?? largest
            let b = range.last ?? largest
            return min(a, b)...max(a, b)
        }
    }

    func contains(_ value: UInt32, largest: UInt32) -> Bool {
        resolved(largest: largest).contains { $0.contains(value) }
    }

    /// Formats sorted, distinct numbers compactly: `[1, 2, 3, 5]` gives `1:3,5`.
    static func format<S: Sequence>(_ numbers: S) -> String where S.Element == UInt32 {
        var parts: [String] = []
        var start: UInt32?
        var previous: UInt32 = 0
        for number in numbers {
            if let first = start, number == previous &+ 1 {
                previous = number
                _ = first
                continue
            }
            if let first = start { parts.append(first == previous ? "\(first)" : "\(first):\(previous)") }
            start = number
            previous = number
        }
        if let first = start { parts.append(first == previous ? "\(first)" : "\(first):\(previous)") }
        return parts.joined(separator: ",")
    }
}

extension CommandReader {
    /// A sequence set; numbers must be non-zero 32-bit values.
    mutating func sequenceSet() throws(IMAPParseError) -> SequenceSet {
        var ranges: [SequenceSet.Range] = []
        repeat {
            let first = try sequenceNumber()
            if peek() == UInt8(ascii: ":") {
                try expect(UInt8(ascii: ":"))
                ranges.append(.init(first: first, last: try sequenceNumber()))
            } else {
                ranges.append(.init(first: first, last: first))
            }
        } while skipComma()
        return SequenceSet(ranges: ranges)
    }

    private mutating func skipComma() -> Bool {
        guard peek() == UInt8(ascii: ",") else { return false }
        try? expect(UInt8(ascii: ","))
        return true
    }

    /// A number or `*` (nil).
    private mutating func sequenceNumber() throws(IMAPParseError) -> UInt32? {
        if peek() == UInt8(ascii: "*") {
            try expect(UInt8(ascii: "*"))
            return nil
        }
        let value = try number()
        guard value > 0, value <= UInt64(UInt32.max) else { throw fail("Sequence numbers start at 1") }
        return UInt32(value)
    }

    /// An unsigned decimal number of up to 19 digits.
    mutating func number() throws(IMAPParseError) -> UInt64 {
        var value: UInt64 = 0
        var digits = 0
        while let byte = peek(), byte >= 0x30, byte <= 0x39 {
            try expect(byte)
            guard digits < 19 else { throw fail("Number too large") }
            value = value * 10 + UInt64(byte - 0x30)
            digits += 1
        }
        guard digits > 0 else { throw fail("Expected a number") }
        return value
    }
}
