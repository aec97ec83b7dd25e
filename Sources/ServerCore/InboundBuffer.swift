/// Bytes read from a socket and not yet taken by a framer.
///
/// Owned by the event loop thread. Taken bytes are dropped from the front lazily, so taking
/// many small frames from one large read costs no copying of the rest.
public struct InboundBuffer: Sendable {
    private var storage: [UInt8] = []
    private var start = 0

    public init(_ bytes: [UInt8] = []) {
        storage = bytes
    }

    /// Number of bytes not yet taken.
    public var count: Int { storage.count - start }

    public var isEmpty: Bool { count == 0 }

    /// The byte `offset` bytes past the first untaken one.
    public subscript(offset: Int) -> UInt8 {
        storage[start + offset]
    }

    mutating func append(_ pointer: UnsafeRawBufferPointer) {
        compactIfWorthwhile()
        storage.append(contentsOf: pointer.bindMemory(to: UInt8.self))
    }

    public mutating func append(_ bytes: [UInt8]) {
        compactIfWorthwhile()
        storage.append(contentsOf: bytes)
    }

    /// The offset of the first `byte` at or after `from`, if there is one.
    public func firstIndex(of byte: UInt8, from: Int = 0) -> Int? {
        var index = start + from
        while index < storage.count {
            if storage[index] == byte { return index - start }
            index += 1
        }
        return nil
    }

    /// Copies bytes `range` (offsets from the first untaken byte) without taking them.
    public func peek(_ range: Range<Int>) -> [UInt8] {
        Array(storage[(start + range.lowerBound)..<(start + range.upperBound)])
    }

    /// Takes and returns the first `length` bytes.
    public mutating func take(_ length: Int) -> [UInt8] {
        let bytes = Array(storage[start..<(start + length)])
        start += length
        if start == storage.count { reset() }
        return bytes
    }

    /// Drops the first `length` bytes.
    public mutating func skip(_ length: Int) {
        start += length
        if start == storage.count { reset() }
    }

    private mutating func reset() {
        // Keep no capacity: an idle connection should hold no buffer memory.
        storage = []
        start = 0
    }

    private mutating func compactIfWorthwhile() {
        if start > 0 && start >= storage.count / 2 {
            storage.removeFirst(start)
            start = 0
        }
    }
}
