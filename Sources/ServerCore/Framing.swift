/// A limit that an incoming unit went over.
public enum FramingLimit: Sendable, Equatable {
    /// A line longer than the line limit; the rest of the line is discarded.
    case line(limit: Int)
    /// A literal announced as `{size}` or `{size+}` over the literal limit.
    case literal(size: Int, limit: Int, synchronizing: Bool)
    /// A message head (HTTP request line and headers) over the head limit.
    case head(limit: Int)
    /// A message body over the body limit.
    case body(size: Int, limit: Int)
}

/// What the event loop hands a session: one complete unit, or a note that one was too big.
public enum Frame: Sendable, Equatable {
    /// One complete command, request or data block, with its line ending and literals.
    case complete([UInt8])
    /// A unit over a limit; `head` is its first bytes (up to 200) so a reply can name the tag.
    case oversized(FramingLimit, head: [UInt8])
    /// Input that cannot be framed (a bad length or chunk size); nothing after it can be trusted,
    /// so the session answers and closes.
    case malformed(reason: String)
}

/// The outcome of one call to a framer.
public enum FramingStep: Sendable, Equatable {
    /// No complete unit is buffered yet.
    case needMoreBytes
    /// A unit for the session. With `pause`, the loop frames nothing more until the session
    /// calls `Connection.resumeFraming`, because what follows depends on the session's answer
    /// (LMTP `DATA`, `STARTTLS`).
    case frame(Frame, pause: Bool)
    /// Bytes to send at once, in order with other output (an IMAP literal continuation).
    case reply([UInt8])
}

/// Splits inbound bytes into units for a session. Owned and called by the event loop thread.
public protocol Framer: Sendable {
    mutating func nextStep(from buffer: inout InboundBuffer) -> FramingStep
}

/// The position of the line feed that ends the line starting at `from`, if the buffer holds it.
private func lineFeed(in buffer: InboundBuffer, from: Int) -> Int? {
    buffer.firstIndex(of: 0x0a, from: from)
}

/// Frames CRLF-terminated lines (a bare LF is accepted too), each up to `maxLineLength` bytes.
public struct LineFramer: Framer {
    public let maxLineLength: Int
    private var scanned = 0
    private var discarding = false

    public init(maxLineLength: Int) {
        self.maxLineLength = maxLineLength
    }

    public mutating func nextStep(from buffer: inout InboundBuffer) -> FramingStep {
        while true {
            guard let end = lineFeed(in: buffer, from: scanned) else {
                scanned = buffer.count
                if discarding {
                    buffer.skip(buffer.count)
                    scanned = 0
                    return .needMoreBytes
                }
                if buffer.count > maxLineLength {
                    return startDiscarding(&buffer)
                }
                return .needMoreBytes
            }
            scanned = 0
            if discarding {
                buffer.skip(end + 1)
                discarding = false
                continue
            }
            if end + 1 > maxLineLength + 2 {
                return startDiscarding(&buffer)
            }
            return .frame(.complete(buffer.take(end + 1)), pause: false)
        }
    }

    private mutating func startDiscarding(_ buffer: inout InboundBuffer) -> FramingStep {
        let head = buffer.peek(0..<min(200, buffer.count))
        discarding = true
        scanned = 0
        return .frame(.oversized(.line(limit: maxLineLength), head: head), pause: false)
    }
}

/// Frames IMAP-style commands: lines that may carry literals, `{n}` (synchronizing, answered
/// with a continuation before the client sends the bytes), `{n+}` (sent at once, RFC 7888) and
/// the binary forms `~{n}` and `~{n+}` (RFC 3516). A frame is the whole command, literals
/// included, up to and including its final line ending.
public struct LiteralFramer: Framer {
    public let maxLineLength: Int
    public let maxLiteralSize: Int
    public let continuation: [UInt8]

    /// Bytes of the current command already scanned, from the buffer's start.
    private var scanned = 0
    /// Where the current line of the command begins.
    private var lineStart = 0
    /// Literal bytes still to come before the command's next line part.
    private var literalRemaining = 0
    private var discarding = false

    public init(maxLineLength: Int, maxLiteralSize: Int, continuation: [UInt8] = Array("+ Ready\r\n".utf8)) {
        self.maxLineLength = maxLineLength
        self.maxLiteralSize = maxLiteralSize
        self.continuation = continuation
    }

    public mutating func nextStep(from buffer: inout InboundBuffer) -> FramingStep {
        while true {
            if literalRemaining > 0 {
                let available = buffer.count - scanned
                if available < literalRemaining {
                    scanned = buffer.count
                    literalRemaining -= available
                    return .needMoreBytes
                }
                scanned += literalRemaining
                literalRemaining = 0
                lineStart = scanned
            }
            guard let end = lineFeed(in: buffer, from: scanned) else {
                if discarding {
                    buffer.skip(buffer.count)
                    scanned = 0
                    return .needMoreBytes
                }
                scanned = buffer.count
                if buffer.count - lineStart > maxLineLength + 2 {
                    return oversized(.line(limit: maxLineLength), &buffer, discardRestOfLine: true)
                }
                return .needMoreBytes
            }
            if discarding {
                buffer.skip(end + 1)
                reset()
                continue
            }
            if end + 1 - lineStart > maxLineLength + 2 {
                return oversized(.line(limit: maxLineLength), &buffer, discardRestOfLine: true, lineEnd: end)
            }
            if let literal = Self.literal(endingLineAt: end, in: buffer, lineStart: lineStart) {
                if literal.size > maxLiteralSize {
                    let limit = FramingLimit.literal(
                        size: literal.size, limit: maxLiteralSize, synchronizing: literal.synchronizing)
                    return oversized(limit, &buffer, discardRestOfLine: false, lineEnd: end)
                }
                scanned = end + 1
                literalRemaining = literal.size
                lineStart = scanned
                if literal.size == 0 { continue }
                if literal.synchronizing { return .reply(continuation) }
                continue
            }
            let frame = buffer.take(end + 1)
            reset()
            return .frame(.complete(frame), pause: false)
        }
    }

    private mutating func reset() {
        scanned = 0
        lineStart = 0
        literalRemaining = 0
        discarding = false
    }

    /// Reports an oversized unit and drops what of it is buffered.
    ///
    /// A synchronizing literal's bytes never come (no continuation was sent), so the command
    /// ends at that line. A non-synchronizing literal's bytes are on their way and cannot be
    /// told apart from commands: the session is expected to close the connection.
    private mutating func oversized(
        _ limit: FramingLimit, _ buffer: inout InboundBuffer, discardRestOfLine: Bool, lineEnd: Int? = nil
    ) -> FramingStep {
        let head = buffer.peek(0..<min(200, buffer.count))
        if let lineEnd {
            buffer.skip(lineEnd + 1)
            reset()
        } else {
            buffer.skip(buffer.count)
            reset()
            discarding = discardRestOfLine
        }
        return .frame(.oversized(limit, head: head), pause: false)
    }

    /// The literal announced at the end of the line that ends at `end` (its line feed), if any.
    static func literal(endingLineAt end: Int, in buffer: InboundBuffer, lineStart: Int)
        -> (size: Int, synchronizing: Bool)?
    {
        var index = end - 1
        if index >= lineStart && buffer[index] == 0x0d { index -= 1 }
        guard index >= lineStart, buffer[index] == UInt8(ascii: "}") else { return nil }
        index -= 1
        var synchronizing = true
        if index >= lineStart && buffer[index] == UInt8(ascii: "+") {
            synchronizing = false
            index -= 1
        }
        var size = 0
        var multiplier = 1
        var digits = 0
        while index >= lineStart, buffer[index] >= 0x30, buffer[index] <= 0x39 {
            guard digits < 12 else { return nil }
            size += Int(buffer[index] - 0x30) * multiplier
            multiplier *= 10
            digits += 1
            index -= 1
        }
        guard digits > 0, index >= lineStart, buffer[index] == UInt8(ascii: "{") else { return nil }
        return (size, synchronizing)
    }
}
