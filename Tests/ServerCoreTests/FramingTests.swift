import Testing
@testable import ServerCore

/// Feeds `chunks` to a framer one at a time and collects every step that is not `needMoreBytes`.
func frames<F: Framer>(_ framer: inout F, _ chunks: [String]) -> [FramingStep] {
    var buffer = InboundBuffer()
    var steps: [FramingStep] = []
    for chunk in chunks {
        buffer.append(Array(chunk.utf8))
        while true {
            let step = framer.nextStep(from: &buffer)
            if step == .needMoreBytes { break }
            steps.append(step)
        }
    }
    return steps
}

func complete(_ text: String) -> FramingStep {
    .frame(.complete(Array(text.utf8)), pause: false)
}

@Suite("Line framing")
struct LineFramerTests {
    @Test("lines split at CRLF, across reads, several per read")
    func lines() {
        var framer = LineFramer(maxLineLength: 100)
        let steps = frames(&framer, ["LHLO a\r\nMAIL FR", "OM:<x@y>\r\n", "QUIT\r\nNO"])
        #expect(steps == [complete("LHLO a\r\n"), complete("MAIL FROM:<x@y>\r\n"), complete("QUIT\r\n")])
    }

    @Test("an over-long line is reported once with its head, and the next line is framed normally")
    func tooLong() {
        var framer = LineFramer(maxLineLength: 10)
        let long = String(repeating: "x", count: 25)
        let steps = frames(&framer, [long, long, "\r\nOK\r\n"])
        #expect(steps.count == 2)
        guard case .frame(.oversized(.line(limit: 10), let head), _) = steps[0] else {
            Issue.record("expected an oversized line, got \(steps)")
            return
        }
        #expect(head.count == 25)
        #expect(steps[1] == complete("OK\r\n"))
    }
}

@Suite("IMAP literal framing")
struct LiteralFramerTests {
    let continuation = Array("+ go\r\n".utf8)

    @Test("a synchronizing literal gets a continuation and the command ends after its last line")
    func synchronizing() {
        var framer = LiteralFramer(maxLineLength: 100, maxLiteralSize: 1000, continuation: continuation)
        let steps = frames(&framer, ["a1 APPEND INBOX {5}\r\n", "hel", "lo", " (x)\r\na2 NOOP\r\n"])
        #expect(steps == [.reply(continuation), complete("a1 APPEND INBOX {5}\r\nhello (x)\r\n"), complete("a2 NOOP\r\n")])
    }

    @Test("non-synchronizing and binary literals need no continuation; CRLF inside a literal is data")
    func nonSynchronizing() {
        var framer = LiteralFramer(maxLineLength: 100, maxLiteralSize: 1000, continuation: continuation)
        let command = "a LOGIN {3+}\r\nx\r\n ~{5+}\r\n}\r\n\r\n\r\n"
        let steps = frames(&framer, [command])
        #expect(steps == [complete(command)])
    }

    @Test("a zero-length literal and several literals in one command")
    func several() {
        var framer = LiteralFramer(maxLineLength: 100, maxLiteralSize: 1000, continuation: continuation)
        let steps = frames(&framer, ["a LOGIN {0}\r\n {2}\r\n", "pw\r\n"])
        #expect(steps == [.reply(continuation), complete("a LOGIN {0}\r\n {2}\r\npw\r\n")])
    }

    @Test("a literal over the limit is refused before its bytes and the line is dropped")
    func tooBig() {
        var framer = LiteralFramer(maxLineLength: 100, maxLiteralSize: 10, continuation: continuation)
        let steps = frames(&framer, ["a1 APPEND INBOX {11}\r\n", "a2 NOOP\r\n"])
        #expect(steps.count == 2)
        guard case .frame(.oversized(.literal(size: 11, limit: 10, synchronizing: true), let head), _) = steps[0] else {
            Issue.record("expected an oversized literal, got \(steps)")
            return
        }
        #expect(String(decoding: head, as: UTF8.self).hasPrefix("a1 APPEND"))
        #expect(steps[1] == complete("a2 NOOP\r\n"))
    }

    @Test("brace text that is not a literal stays on the line", arguments: ["a X {5\r\n", "a X 5}\r\n", "a X {}\r\n", "a X {a}\r\n"])
    func notLiterals(line: String) {
        var framer = LiteralFramer(maxLineLength: 100, maxLiteralSize: 1000, continuation: continuation)
        #expect(frames(&framer, [line]) == [complete(line)])
    }

    @Test("an over-long line is reported and the following command still frames")
    func longLine() {
        var framer = LiteralFramer(maxLineLength: 20, maxLiteralSize: 1000, continuation: continuation)
        let steps = frames(&framer, ["t1 " + String(repeating: "A", count: 40), "B\r\nt2 NOOP\r\n"])
        #expect(steps.count == 2)
        if case .frame(.oversized(.line(limit: 20), let head), _) = steps[0] {
            #expect(String(decoding: head.prefix(3), as: UTF8.self) == "t1 ")
        } else {
            Issue.record("expected an oversized line, got \(steps)")
        }
        #expect(steps[1] == complete("t2 NOOP\r\n"))
    }
}

@Suite("Small parts of the core")
struct CorePartsTests {
    @Test("listen addresses parse IPv4, bracketed IPv6 and refuse the rest")
    func addresses() {
        #expect(ListenAddress(parsing: "127.0.0.1:1143") == ListenAddress(host: "127.0.0.1", port: 1143))
        #expect(ListenAddress(parsing: "[::1]:0") == ListenAddress(host: "::1", port: 0))
        #expect(ListenAddress(parsing: "127.0.0.1") == nil)
        #expect(ListenAddress(parsing: "127.0.0.1:99999") == nil)
        #expect(ListenAddress(parsing: ":80") == nil)
        #expect(ListenAddress(host: "::1", port: 8).description == "[::1]:8")
    }

    @Test("log values are bare tokens or quoted with escapes")
    func logQuoting() {
        #expect(Log.quoted("imap") == "imap")
        #expect(Log.quoted("") == "\"\"")
        #expect(Log.quoted("two words") == "\"two words\"")
        #expect(Log.quoted("a=b") == "\"a=b\"")
        #expect(Log.quoted("line\nbreak \"q\"") == "\"line\\nbreak \\\"q\\\"\"")
    }
}
