import ServerCore

/// A parsed HTTP/1.1 request, body already de-chunked by the framer.
public struct HTTPRequest: Sendable {
    public let method: String
    /// The request target as sent: origin form (`/path?query`) or absolute form.
    public let target: String
    /// The path of the target, percent-encoding kept.
    public let path: String
    public let query: String?
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    public let minorVersion: Int
    /// Header fields in order, names lower-cased.
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]

    /// The first value of a field, by lower-case name.
    public func header(_ name: String) -> String? {
        headers.first { $0.name == name }?.value
    }

    /// Whether the connection stays open after the response (RFC 9112 9.3).
    public var keepAlive: Bool {
        let tokens = headers.filter { $0.name == "connection" }
            .flatMap { $0.value.lowercased().split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        if tokens.contains("close") { return false }
        return minorVersion >= 1 || tokens.contains("keep-alive")
    }

    /// Why a head could not be parsed; answered with 400.
    public struct ParseError: Error, Equatable {
        public let reason: String
    }

    /// Parses the head of a framed request; the rest of `frame` is the body.
    public static func parse(_ frame: [UInt8]) throws(ParseError) -> HTTPRequest {
        guard let headLength = HTTPFramer.headEnd(in: InboundBuffer(frame), from: 0) else {
            throw ParseError(reason: "incomplete request head")
        }
        let lines = HTTPHead.lines(of: Array(frame[0..<headLength]))
        guard let requestLine = lines.first else { throw ParseError(reason: "empty request") }
        let parts = requestLine.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw ParseError(reason: "malformed request line") }
        let method = String(decoding: parts[0], as: UTF8.self)
        let target = String(decoding: parts[1], as: UTF8.self)
        let version = String(decoding: parts[2], as: UTF8.self)
        guard !method.isEmpty, method.utf8.allSatisfy(Self.isTokenByte) else {
            throw ParseError(reason: "malformed method")
        }
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else {
            throw ParseError(reason: "unsupported HTTP version \(version)")
        }
        guard !target.isEmpty, target.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else {
            throw ParseError(reason: "malformed request target")
        }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else {
                throw ParseError(reason: "malformed header line")
            }
            let name = line[line.startIndex..<colon]
            guard name.allSatisfy(Self.isTokenByte) else {
                throw ParseError(reason: "malformed header name")
            }
            headers.append((String(decoding: name, as: UTF8.self).lowercased(), HTTPHead.trim(line[(colon + 1)...])))
        }
        if version == "HTTP/1.1" && !headers.contains(where: { $0.name == "host" }) {
            throw ParseError(reason: "missing Host header")
        }
        var path = target
        var query: String?
        if let mark = target.firstIndex(of: "?") {
            path = String(target[..<mark])
            query = String(target[target.index(after: mark)...])
        }
        if path.hasPrefix("http://") || path.hasPrefix("https://") {
            // Absolute form: keep the path part only.
            let afterScheme = path[path.index(path.firstIndex(of: "/")!, offsetBy: 2)...]
            path = afterScheme.firstIndex(of: "/").map { String(afterScheme[$0...]) } ?? "/"
        }
        return HTTPRequest(method: method, target: target, path: path, query: query,
                           minorVersion: version == "HTTP/1.1" ? 1 : 0, headers: headers,
                           body: Array(frame[headLength...]))
    }

    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5a, 0x61...0x7a: return true
        default: return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}
