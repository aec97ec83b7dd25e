import Foundation
import TestSupport
import Testing
@testable import ServerCore

/// A line echo protocol for exercising the core over real sockets.
struct EchoService: Service {
    let name = "echo"
    var initialIdleTimeout: Double = 60

    var refusal: [UInt8] { Array("FULL\r\n".utf8) }

    func makeFramer() -> any Framer {
        LineFramer(maxLineLength: 1024)
    }

    func makeSession(for connection: Connection) -> any Session {
        EchoSession()
    }
}

final class EchoSession: Session {
    func start(on connection: Connection) {
        connection.send("HELLO\r\n")
    }

    func receive(_ frame: Frame, on connection: Connection) {
        guard case .complete(let bytes) = frame else {
            connection.send("TOO LONG\r\n")
            return
        }
        let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .newlines)
        switch line {
        case "QUIT":
            connection.close(saying: "BYE\r\n")
        case let text where text.hasPrefix("BIG "):
            // Output far over the high-water mark, for backpressure.
            let size = Int(text.dropFirst(4)) ?? 0
            connection.send([UInt8](repeating: UInt8(ascii: "z"), count: size) + Array("\r\n".utf8))
        default:
            connection.send(line + "\r\n")
        }
    }

    func idleTimeout(on connection: Connection) {
        connection.close(saying: "TIMEOUT\r\n")
    }

    func shutdown(on connection: Connection) {
        connection.close(saying: "SHUTDOWN\r\n")
    }
}

@Suite("The server core over real sockets", .serialized)
struct ServerTests {
    func startServer(_ service: EchoService = EchoService(), limits: ServerLimits = ServerLimits())
        throws -> (Server, UInt16)
    {
        let server = try Server(limits: limits, loopCount: 2)
        let address = try server.listen(on: ListenAddress(host: "127.0.0.1", port: 0), service: service)
        server.start()
        return (server, address.port)
    }

    @Test("pipelined lines are answered in order, and QUIT closes after the last output")
    func echoAndQuit() throws {
        let (server, port) = try startServer()
        defer { server.stop() }
        let client = try SocketClient(port: port)
        #expect(try client.readLine() == "HELLO")
        try client.send("one\r\ntwo\r\nthree\r\nQUIT\r\n")
        #expect(try client.readLine() == "one")
        #expect(try client.readLine() == "two")
        #expect(try client.readLine() == "three")
        #expect(try client.readLine() == "BYE")
        #expect(try client.readToEnd().isEmpty)
    }

    @Test("a connection over the limit gets the refusal and is closed; others keep working")
    func connectionLimit() throws {
        var limits = ServerLimits()
        limits.maxConnections = 2
        let (server, port) = try startServer(limits: limits)
        defer { server.stop() }
        let first = try SocketClient(port: port)
        let second = try SocketClient(port: port)
        #expect(try first.readLine() == "HELLO")
        #expect(try second.readLine() == "HELLO")
        let third = try SocketClient(port: port)
        #expect(try third.readLine() == "FULL")
        #expect(try third.readToEnd().isEmpty)
        try first.send("still here\r\n")
        #expect(try first.readLine() == "still here")
    }

    @Test("a silent connection is timed out by its session")
    func idleTimeout() throws {
        let (server, port) = try startServer(EchoService(initialIdleTimeout: 1))
        defer { server.stop() }
        let client = try SocketClient(port: port, timeout: 10)
        #expect(try client.readLine() == "HELLO")
        #expect(try client.readLine() == "TIMEOUT")
        #expect(try client.readToEnd().isEmpty)
    }

    @Test("a slow reader gets all of a large output, intact and in order")
    func slowReader() throws {
        let (server, port) = try startServer()
        defer { server.stop() }
        let client = try SocketClient(port: port)
        #expect(try client.readLine() == "HELLO")
        let size = 12 << 20
        try client.send("BIG \(size)\r\nafter\r\n")
        usleep(300_000)  // let the server fill the socket buffers and queue the rest
        let line = try client.readLine()
        #expect(line.count == size)
        #expect(line.allSatisfy { $0 == "z" })
        #expect(try client.readLine() == "after")
    }

    @Test("stop says goodbye to every session and closes them")
    func shutdown() throws {
        let (server, port) = try startServer()
        let clients = try (0..<5).map { _ in try SocketClient(port: port) }
        for client in clients { #expect(try client.readLine() == "HELLO") }
        server.stop()
        for client in clients {
            #expect(try client.readLine() == "SHUTDOWN")
            #expect(try client.readToEnd().isEmpty)
        }
        #expect(server.connectionCount == 0)
    }

    @Test("an abrupt disconnect mid-line leaves the server serving others")
    func abruptDisconnect() throws {
        let (server, port) = try startServer()
        defer { server.stop() }
        do {
            let rude = try SocketClient(port: port)
            try rude.send("half a li")
        }
        let polite = try SocketClient(port: port)
        #expect(try polite.readLine() == "HELLO")
        try polite.send("ping\r\n")
        #expect(try polite.readLine() == "ping")
        let deadline = Date().addingTimeInterval(5)
        while server.connectionCount > 1 && Date() < deadline { usleep(10_000) }
        #expect(server.connectionCount == 1)
    }
}
