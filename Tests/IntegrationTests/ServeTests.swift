import Foundation
import TestSupport
import Testing

@Suite("tideline serve on loopback", .serialized)
struct ServeTests {
    @Test("thousands of idle connections, a health check, and a clean shutdown")
    func idleConnectionsAndHealth() throws {
        let data = TemporaryDirectory("tideline-serve")
        let server = try ServerProcess(data: data.url)
        var clients: [SocketClient] = []
        for index in 0..<3_000 {
            let port = [server.imapPort, server.lmtpPort, server.httpPort][index % 3]
            clients.append(try SocketClient(port: port))
        }
        // Every IMAP and LMTP connection got its greeting: the server holds them all.
        for (index, client) in clients.enumerated() where index % 3 != 2 {
            let greeting = try client.readLine()
            #expect(greeting.hasPrefix(index % 3 == 0 ? "* OK" : "220 "))
        }
        let health = try httpRequest(port: server.httpPort, "GET", "/healthz")
        #expect(health.status == 200)
        let object = try JSONSerialization.jsonObject(with: Data(health.body)) as? [String: Any]
        #expect(object?["status"] as? String == "ok")
        #expect(object?["version"] as? String != nil)
        #expect(object?["uptime_seconds"] as? Int != nil)
        #expect(health.headers["date"] != nil)

        let outside = try httpRequest(port: server.httpPort, "GET", "/calendars/")
        #expect(outside.status == 404)
        #expect(String(decoding: outside.body, as: UTF8.self).contains("/.well-known/caldav"))
        let unauthenticated = try httpRequest(port: server.httpPort, "PROPFIND", "/dav/")
        #expect(unauthenticated.status == 401)

        #expect(server.stop(signal: SIGTERM) == 0)
        #expect(server.logText.contains("event=server.stopped"))
        // Each IMAP client was told the server is going away.
        #expect(try clients[0].readLine() == "* BYE Server shutting down")
    }

    @Test("an IMAP login with the demo account and with a device app password")
    func demoLogin() throws {
        let data = TemporaryDirectory("tideline-demo")
        let server = try ServerProcess(data: data.url, extraArguments: ["--demo"])
        defer { server.stop() }
        let client = try SocketClient(port: server.imapPort)
        #expect(try client.readLine().hasPrefix("* OK [CAPABILITY IMAP4rev1"))
        try client.send("a1 LOGIN demo@demo.test wrong-password\r\n")
        #expect(try client.readLine() == "a1 NO [AUTHENTICATIONFAILED] Invalid credentials")
        try client.send("a2 LOGIN demo@demo.test demo-password\r\n")
        #expect(try client.readLine().hasPrefix("a2 OK"))
        try client.send("a3 LOGOUT\r\n")
        #expect(try client.readUntil(prefix: "a3 ").last == "a3 OK LOGOUT completed")
        #expect(!server.logText.contains("demo-password"))
        #expect(!server.logText.contains("wrong-password"))
    }

    @Test("a second server on the same data directory is refused with a clear message")
    func exclusiveDataDirectory() throws {
        let data = TemporaryDirectory("tideline-lock")
        let first = try ServerProcess(data: data.url)
        defer { first.stop() }
        let second = try TidelineBinary.run(["serve", "--data", data.path, "--imap", "127.0.0.1:0",
                                             "--dav", "127.0.0.1:0", "--lmtp", "127.0.0.1:0"])
        #expect(second.status == 75)
        #expect(second.stderr.contains("another tideline serve"))
    }

    @Test("a port in use fails the start with exit 69 and names the address")
    func portInUse() throws {
        let data = TemporaryDirectory("tideline-port")
        let first = try ServerProcess(data: data.url)
        defer { first.stop() }
        let other = TemporaryDirectory("tideline-port2")
        let second = try TidelineBinary.run(["serve", "--data", other.path, "--imap", "127.0.0.1:\(first.imapPort)",
                                             "--dav", "127.0.0.1:0", "--lmtp", "127.0.0.1:0"])
        #expect(second.status == 69)
        #expect(second.stderr.contains("127.0.0.1:\(first.imapPort)"))
        #expect(second.stderr.contains("in use"))
    }
}
