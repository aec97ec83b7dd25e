/// Reading header fields out of a raw HTTP head.
enum HTTPHead {
    /// The values of every field named `name` (lower-case), in order, trimmed.
    static func fieldValues(_ name: String, in head: [UInt8]) -> [String] {
        var values: [String] = []
        for line in lines(of: head).dropFirst() {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let fieldName = String(decoding: line[line.startIndex..<colon], as: UTF8.self)
            if fieldName.lowercased() == name {
                values.append(trim(line[(colon + 1)...]))
            }
        }
        return values
    }

    /// The head's lines without their line endings, up to the blank line.
    static func lines(of head: [UInt8]) -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var start = 0
        for index in head.indices where head[index] == 0x0a {
            var end = index
            if end > start && head[end - 1] == 0x0d { end -= 1 }
            if end == start { break }
            result.append(head[start..<end])
            start = index + 1
        }
        return result
    }

    static func trim(_ bytes: ArraySlice<UInt8>) -> String {
        var slice = bytes
        while let first = slice.first, first == 0x20 || first == 0x09 { slice = slice.dropFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice = slice.dropLast() }
        return String(decoding: slice, as: UTF8.self)
    }
}
