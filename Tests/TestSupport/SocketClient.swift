import Foundation

/// A blocking TCP client with a receive timeout, for speaking protocols to the real server.
public final class SocketClient: @unchecked Sendable {
    public let fd: Int32
    private var buffer: [UInt8] = []
    /// How far `buffer` has been searched for a line feed, so long lines are scanned once.
    private var scanned = 0

    public struct Failure: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    public init(port: UInt16, host: String = "127.0.0.1", timeout: Double = 10) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, host, &address.sin_addr)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let text = String(cString: strerror(errno))
            close(fd)
            throw Failure(description: "connect to \(host):\(port): \(text)")
        }
        var time = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        close(fd)
    }

    public func send(_ text: String) throws {
        try send(Array(text.utf8))
    }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw Failure(description: "send: \(String(cString: strerror(errno)))") }
            offset += sent
        }
    }

    /// Reads until `CRLF`; returns the line without it. Throws on timeout or close.
    public func readLine() throws -> String {
        while true {
            if let index = buffer[scanned...].firstIndex(of: 0x0a) {
                var line = Array(buffer[0..<index])
                buffer.removeFirst(index + 1)
                scanned = 0
                if line.last == 0x0d { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            scanned = buffer.count
            try fill()
        }
    }

    /// Reads exactly `count` bytes.
    public func read(count: Int) throws -> [UInt8] {
        while buffer.count < count { try fill() }
        let bytes = Array(buffer[0..<count])
        buffer.removeFirst(count)
        scanned = 0
        return bytes
    }

    /// Reads lines until one starts with `prefix` (an IMAP tag); returns all of them.
    public func readUntil(prefix: String) throws -> [String] {
        var lines: [String] = []
        while true {
            let line = try readLine()
            lines.append(line)
            if line.hasPrefix(prefix) { return lines }
        }
    }

    /// Whether bytes from the peer are waiting, buffered or readable now; never blocks.
    public var hasInput: Bool {
        if !buffer.isEmpty { return true }
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) > 0
    }

    /// Reads until the peer closes; returns what came.
    public func readToEnd() throws -> [UInt8] {
        while true {
            do { try fill() } catch let failure as Failure where failure.description == "closed" {
                let rest = buffer
                buffer = []
                scanned = 0
                return rest
            }
        }
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count == 0 { throw Failure(description: "closed") }
        if count < 0 { throw Failure(description: "recv: \(String(cString: strerror(errno)))") }
        buffer += chunk[0..<count]
    }
}

/// Sends one HTTP/1.1 request on a fresh connection and returns status, headers and body.
public func httpRequest(host: String = "127.0.0.1", port: UInt16, _ method: String, _ path: String,
                        headers: [String: String] = [:], body: [UInt8] = []) throws
    -> (status: Int, headers: [String: String], body: [UInt8])
{
    let client = try SocketClient(port: port, host: host)
    var head = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
    for (name, value) in headers { head += "\(name): \(value)\r\n" }
    if !body.isEmpty { head += "Content-Length: \(body.count)\r\n" }
    try client.send(Array((head + "\r\n").utf8) + body)
    let statusLine = try client.readLine()
    let status = Int(statusLine.split(separator: " ")[1]) ?? 0
    var fields: [String: String] = [:]
    while true {
        let line = try client.readLine()
        if line.isEmpty { break }
        if let colon = line.firstIndex(of: ":") {
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
    }
    let length = Int(fields["content-length"] ?? "0") ?? 0
    let content = method == "HEAD" ? [] : try client.read(count: length)
    return (status, fields, content)
}
