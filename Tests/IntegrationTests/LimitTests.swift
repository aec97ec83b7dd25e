import Foundation
import TestSupport
import Testing

/// The documented limits of `tideline serve`, each met with its clear error over a real socket,
/// and the connection or server going on for everyone else.
@Suite("Limits of tideline serve", .serialized)
struct LimitTests {
    static func site(_ extra: [String] = []) throws -> (TemporaryDirectory, ServerProcess) {
        let data = TemporaryDirectory("tideline-limits")
        let domain = try TidelineBinary.run(["domain", "add", "example.org", "--data", data.path])
        try #require(domain.status == 0, "\(domain.stderr)")
        let added = try TidelineBinary.run(
            ["user", "add", "alice@example.org", "--password-stdin", "--data", data.path], input: "alice-password\n")
        try #require(added.status == 0, "\(added.stderr)")
        return (data, try ServerProcess(data: data.url, extraArguments: extra))
    }

    static let auth = ["Authorization": "Basic " + Data("alice@example.org:alice-password".utf8).base64EncodedString()]

    @Test("connections over the per-IP limit are refused; other addresses and loopback still connect")
    func perAddress() throws {
        let address = try #require(TLSTests.nonLoopbackIPv4(), "this machine has no non-loopback IPv4 address")
        let (_, server) = try Self.site(["--imap", "0.0.0.0:0", "--max-connections-per-ip", "3"])
        defer { server.stop() }
        var held: [SocketClient] = []
        for _ in 0..<3 {
            let client = try SocketClient(port: server.imapPort, host: address)
            #expect(try client.readLine().hasPrefix("* OK"))
            held.append(client)
        }
        let refused = try SocketClient(port: server.imapPort, host: address)
        #expect(try refused.readLine() == "* BYE [UNAVAILABLE] Too many connections; retry shortly")
        #expect(try refused.readToEnd().isEmpty)
        for _ in 0..<3 {
            let more = try SocketClient(port: server.imapPort, host: address)
            #expect(try more.readToEnd().starts(with: Array("* BYE [UNAVAILABLE]".utf8)))
        }
        let refusals = server.logText.split(separator: "\n").filter { $0.contains("event=connection.refused") }
        #expect(refusals.count == 1, "a burst of refusals is logged once: \(refusals)")
        let local = try SocketClient(port: server.imapPort)
        #expect(try local.readLine().hasPrefix("* OK"), "loopback is not counted against the limit")
        held.removeLast()
        // The freed slot is reusable once the server has seen the close.
        var admitted = false
        for _ in 0..<50 where !admitted {
            usleep(50_000)
            let again = try SocketClient(port: server.imapPort, host: address)
            admitted = try again.readLine().hasPrefix("* OK")
        }
        #expect(admitted)
        #expect(server.logText.contains("reason=\"per-address connection limit reached\""))
    }

    @Test("HTTP: an over-long head gets 431, an over-large body 413, deep XML 400, a huge object 413")
    func http() throws {
        let (_, server) = try Self.site()
        defer { server.stop() }
        let longHead = try httpRequest(port: server.httpPort, "GET", "/healthz",
                                       headers: ["X-Filler": String(repeating: "a", count: 40_000)])
        #expect(longHead.status == 431)
        let client = try SocketClient(port: server.httpPort)
        try client.send("PUT /dav/files/alice@example.org/big.bin HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Length: \(64 << 20)\r\n\r\n")
        #expect(try client.readLine().hasPrefix("HTTP/1.1 413"), "refused before the body is sent")

        let deep = String(repeating: "<d:prop>", count: 100) + String(repeating: "</d:prop>", count: 100)
        let xml = try httpRequest(port: server.httpPort, "PROPFIND", "/dav/calendars/alice@example.org/",
                                  headers: Self.auth.merging(["Depth": "0", "Content-Type": "application/xml"]) { $1 },
                                  body: Array("<d:propfind xmlns:d=\"DAV:\">\(deep)</d:propfind>".utf8))
        #expect(xml.status == 400)
        #expect(String(decoding: xml.body, as: UTF8.self).contains("deeper than 64"))

        let description = String(repeating: "x", count: 70)
        let lines = Array(repeating: "DESCRIPTION:\(description)", count: 5 << 20 / 84)
        let event = (["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//EN", "BEGIN:VEVENT", "UID:big",
                      "DTSTAMP:20261201T000000Z", "DTSTART:20261201T100000Z"] + lines
                     + ["END:VEVENT", "END:VCALENDAR"]).joined(separator: "\r\n") + "\r\n"
        let huge = try httpRequest(port: server.httpPort, "PUT", "/dav/calendars/alice@example.org/default/big.ics",
                                   headers: Self.auth.merging(["Content-Type": "text/calendar"]) { $1 },
                                   body: Array(event.utf8))
        #expect(huge.status == 413)
        #expect(String(decoding: huge.body, as: UTF8.self).contains("max-resource-size"))
        #expect(try httpRequest(port: server.httpPort, "GET", "/healthz").status == 200)
    }

    @Test("IMAP: an over-long command line gets BAD and the session goes on")
    func imapLine() throws {
        let (_, server) = try Self.site()
        defer { server.stop() }
        let client = try SocketClient(port: server.imapPort)
        _ = try client.readLine()
        try client.send("a1 LOGIN alice@example.org alice-password\r\n")
        #expect(try client.readUntil(prefix: "a1 ").last?.hasPrefix("a1 OK") == true)
        try client.send("a2 SEARCH SUBJECT " + String(repeating: "x", count: 70_000) + "\r\n")
        #expect(try client.readUntil(prefix: "a2 ").last == "a2 BAD Command line over 65536 bytes")
        try client.send("a3 NOOP\r\n")
        #expect(try client.readUntil(prefix: "a3 ").last?.hasPrefix("a3 OK") == true)
    }
}
