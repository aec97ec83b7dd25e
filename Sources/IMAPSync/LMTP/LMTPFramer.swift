import Foundation
import ServerCore

/// Frames LMTP input: command lines, and after `DATA` is accepted, the message up to the line
/// holding a single dot (RFC 5321 4.1.1.4).
///
/// A `DATA` line pauses framing until the session has answered it: only after `354` does the
/// client send the message, and after a refusal it sends commands again.
struct LMTPFramer: Framer {
    enum Mode {
        case commands
        case data
    }

    var mode = Mode.commands
    private var lines: LineFramer
    let maxMessageSize: Int
    private var scanned = 0
    private var discarding = false

    init(maxLineLength: Int, maxMessageSize: Int) {
        lines = LineFramer(maxLineLength: maxLineLength)
        self.maxMessageSize = maxMessageSize
    }

    mutating func nextStep(from buffer: inout InboundBuffer) -> FramingStep {
        switch mode {
        case .commands:
            let step = lines.nextStep(from: &buffer)
            if case .frame(.complete(let line), _) = step, Self.isDataCommand(line) {
                return .frame(.complete(line), pause: true)
            }
            return step
        case .data:
            return nextMessage(from: &buffer)
        }
    }

    /// Finds `CRLF . CRLF`; the frame is the message with the terminating dot line.
    private mutating func nextMessage(from buffer: inout InboundBuffer) -> FramingStep {
        // The message starts right after the DATA line, so its first line may be the dot.
        var index = scanned
        while let lf = buffer.firstIndex(of: 0x0a, from: index) {
            let lineStart = index
            let isDot = lf - lineStart == 2 && buffer[lineStart] == UInt8(ascii: ".") && buffer[lineStart + 1] == 0x0d
                || lf - lineStart == 1 && buffer[lineStart] == UInt8(ascii: ".")
            if isDot {
                mode = .commands
                scanned = 0
                if discarding {
                    discarding = false
                    buffer.skip(lf + 1)
                    return .frame(.oversized(.body(size: maxMessageSize + 1, limit: maxMessageSize), head: []),
                                  pause: false)
                }
                return .frame(.complete(buffer.take(lf + 1)), pause: false)
            }
            index = lf + 1
            if index > maxMessageSize {
                // Over the limit: keep reading to the dot, but drop what is buffered.
                discarding = true
                buffer.skip(index)
                index = 0
            }
        }
        scanned = index
        return .needMoreBytes
    }

    static func isDataCommand(_ line: [UInt8]) -> Bool {
        // "\r\n" is one Character in Swift: trim by character set, not by comparing the last one.
        String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).uppercased() == "DATA"
    }
}
