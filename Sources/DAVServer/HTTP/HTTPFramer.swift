import Foundation
import ServerCore

/// Frames HTTP/1.1 requests: the head, then a body by `Content-Length` or chunked encoding.
///
/// A frame is the head (through its blank line) followed by the body with any chunked encoding
/// already removed, so the session needs no framing knowledge. `Expect: 100-continue` is
/// answered here, before the body is read, unless the announced body is over the limit.
public struct HTTPFramer: Framer {
    public let maxHeadSize: Int
    public let maxBodySize: Int

    private enum State {
        case head
        case body(headLength: Int, remaining: Int)
        case chunkSize(head: [UInt8], body: [UInt8])
        case chunkData(head: [UInt8], body: [UInt8], remaining: Int)
        case chunkDataEnd(head: [UInt8], body: [UInt8])
        case trailer(head: [UInt8], body: [UInt8])
        /// After a framing error nothing more is read; the session closes the connection.
        case broken
    }

    private var state = State.head
    private var scanned = 0

    public init(maxHeadSize: Int, maxBodySize: Int) {
        self.maxHeadSize = maxHeadSize
        self.maxBodySize = maxBodySize
    }

    public mutating func nextStep(from buffer: inout InboundBuffer) -> FramingStep {
        while true {
            switch state {
            case .broken:
                buffer.skip(buffer.count)
                return .needMoreBytes
            case .head:
                // Blank lines before a request line are allowed and skipped (RFC 9112 2.2).
                while buffer.count >= 2 && buffer[0] == 0x0d && buffer[1] == 0x0a { buffer.skip(2) }
                while buffer.count >= 1 && buffer[0] == 0x0a { buffer.skip(1) }
                guard let headEnd = Self.headEnd(in: buffer, from: scanned) else {
                    scanned = max(0, buffer.count - 3)
                    if buffer.count > maxHeadSize { return fail(.oversized(.head(limit: maxHeadSize), head: [])) }
                    return .needMoreBytes
                }
                scanned = 0
                if headEnd > maxHeadSize { return fail(.oversized(.head(limit: maxHeadSize), head: [])) }
                let head = buffer.peek(0..<headEnd)
                let framing = Self.bodyFraming(of: head)
                switch framing {
                case .invalid(let reason):
                    return fail(.malformed(reason: reason))
                case .length(let length):
                    if length > maxBodySize {
                        return fail(.oversized(.body(size: length, limit: maxBodySize), head: head))
                    }
                    state = .body(headLength: headEnd, remaining: length)
                    if length > 0 && buffer.count < headEnd + length && framing.expectsContinue(head) {
                        return .reply(Self.continueResponse)
                    }
                case .chunked:
                    buffer.skip(headEnd)
                    state = .chunkSize(head: head, body: [])
                    if buffer.isEmpty && framing.expectsContinue(head) { return .reply(Self.continueResponse) }
                }
            case .body(let headLength, let remaining):
                guard buffer.count >= headLength + remaining else { return .needMoreBytes }
                state = .head
                return .frame(.complete(buffer.take(headLength + remaining)), pause: false)
            case .chunkSize(let head, let body):
                guard let lineEnd = buffer.firstIndex(of: 0x0a) else {
                    if buffer.count > 1024 { return fail(.malformed(reason: "chunk size line too long")) }
                    return .needMoreBytes
                }
                let line = buffer.take(lineEnd + 1)
                guard let size = Self.chunkSize(line) else {
                    return fail(.malformed(reason: "invalid chunk size"))
                }
                if body.count + size > maxBodySize {
                    return fail(.oversized(.body(size: body.count + size, limit: maxBodySize), head: head))
                }
                state = size == 0
                    ? .trailer(head: head, body: body) : .chunkData(head: head, body: body, remaining: size)
            case .chunkData(let head, var body, let remaining):
                guard !buffer.isEmpty else { return .needMoreBytes }
                state = .broken  // drops the state's reference, so `body` grows in place
                let taken = min(remaining, buffer.count)
                body += buffer.take(taken)
                state = taken == remaining ? .chunkDataEnd(head: head, body: body)
                    : .chunkData(head: head, body: body, remaining: remaining - taken)
            case .chunkDataEnd(let head, let body):
                guard buffer.count >= 2 else { return .needMoreBytes }
                guard buffer[0] == 0x0d && buffer[1] == 0x0a else {
                    return fail(.malformed(reason: "chunk data not followed by CRLF"))
                }
                buffer.skip(2)
                state = .chunkSize(head: head, body: body)
            case .trailer(let head, let body):
                // Trailer fields are read and dropped; the empty line ends the message.
                guard let lineEnd = buffer.firstIndex(of: 0x0a) else {
                    if buffer.count > maxHeadSize { return fail(.malformed(reason: "trailer too long")) }
                    return .needMoreBytes
                }
                let line = buffer.take(lineEnd + 1)
                if line == [0x0d, 0x0a] || line == [0x0a] {
                    state = .head
                    return .frame(.complete(head + body), pause: false)
                }
            }
        }
    }

    private mutating func fail(_ frame: Frame) -> FramingStep {
        state = .broken
        return .frame(frame, pause: false)
    }

    static let continueResponse = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// The length of the head through its blank line, if the buffer holds all of it.
    static func headEnd(in buffer: InboundBuffer, from: Int) -> Int? {
        var index = from
        while let lf = buffer.firstIndex(of: 0x0a, from: index) {
            if buffer.count > lf + 2, buffer[lf + 1] == 0x0d, buffer[lf + 2] == 0x0a {
                return lf + 3
            }
            if buffer.count > lf + 1, buffer[lf + 1] == 0x0a { return lf + 2 }
            index = lf + 1
        }
        return nil
    }

    enum BodyFraming {
        case length(Int)
        case chunked
        case invalid(String)

        func expectsContinue(_ head: [UInt8]) -> Bool {
            HTTPHead.fieldValues("expect", in: head).contains { $0.lowercased() == "100-continue" }
        }
    }

    /// How the body is delimited (RFC 9112 6.3): chunked wins; otherwise one valid
    /// Content-Length; otherwise no body.
    static func bodyFraming(of head: [UInt8]) -> BodyFraming {
        let encodings = HTTPHead.fieldValues("transfer-encoding", in: head)
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if !encodings.isEmpty {
            guard encodings == ["chunked"] else {
                return .invalid("unsupported Transfer-Encoding \(encodings.joined(separator: ", "))")
            }
            return .chunked
        }
        let lengths = Set(HTTPHead.fieldValues("content-length", in: head).flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) })
        guard !lengths.isEmpty else { return .length(0) }
        guard lengths.count == 1, let text = lengths.first, !text.isEmpty, text.count <= 15,
              text.allSatisfy(\.isASCII), let length = Int(text), length >= 0
        else {
            return .invalid("invalid Content-Length")
        }
        return .length(length)
    }

    static func chunkSize(_ line: [UInt8]) -> Int? {
        var size = 0
        var digits = 0
        for byte in line {
            let value: Int
            switch byte {
            case 0x30...0x39: value = Int(byte - 0x30)
            case 0x61...0x66: value = Int(byte - 0x61 + 10)
            case 0x41...0x46: value = Int(byte - 0x41 + 10)
            case UInt8(ascii: ";"), 0x0d, 0x0a, 0x20, 0x09:
                return digits > 0 ? size : nil
            default: return nil
            }
            digits += 1
            guard digits <= 12 else { return nil }
            size = size * 16 + value
        }
        return nil
    }
}
