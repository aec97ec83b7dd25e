import Foundation
import ServerCore
import SyncPolicy
import TestSupport
import TidelineStore
@testable import DAVServer

/// An in-process DAV server (the real HTTP service on a loopback socket) over a fresh store,
/// with a clock the test moves by hand.
final class DAVHarness: @unchecked Sendable {
    let directory = TemporaryDirectory("tideline-dav")
    let store: Store
    let clock: ManualClock
    let server: Server
    let port: UInt16
    static let password = "alice-password"
    /// 2026-11-20 12:00:00 UTC, a Friday.
    static let start = Date(timeIntervalSince1970: 1_795_694_400)

    init(throttle: LoginThrottle = LoginThrottle(),
         maxItemsPerCollection: Int = DAVLimits.maxItemsPerCollection) throws {
        store = try Store(directory: directory.url)
        clock = ManualClock(Self.start)
        _ = try store.addDomain("example.org", actor: "test")
        _ = try store.addUser("alice@example.org", passwordHash: PasswordHash.make(Self.password), actor: "test")
        _ = try store.addUser("bob@example.org", passwordHash: PasswordHash.make("bob-password"), actor: "test")
        server = try Server(loopCount: 1)
        port = try server.listen(on: ListenAddress(host: "127.0.0.1", port: 0),
                                 service: HTTPService(responder: DAVApplication(
                                     store: store, clock: clock, throttle: throttle,
                                     maxItemsPerCollection: maxItemsPerCollection))).port
        server.start()
    }

    deinit {
        server.stop()
    }

    /// Registers a device of alice with its own window; returns its app password.
    func device(_ name: String, windowDays: Int) throws -> String {
        try store.addDevice(owner: "alice@example.org", name: name, policy: [(.windowDays, .days(windowDays))],
                            actor: "test").appPassword
    }

    func client(user: String = "alice@example.org", password: String = DAVHarness.password) throws -> DAVClient {
        let client = try DAVClient(port: port, user: user, password: password)
        client.harness = self
        return client
    }
}

/// A DAV client on one keep-alive connection with Basic credentials.
final class DAVClient {
    let socket: SocketClient
    let authorization: String?
    /// Keeps the server alive as long as a client of it is in use.
    var harness: DAVHarness?

    init(port: UInt16, user: String?, password: String?) throws {
        socket = try SocketClient(port: port)
        if let user, let password {
            authorization = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        } else {
            authorization = nil
        }
    }

    struct Response: CustomStringConvertible {
        let status: Int
        let headers: [String: String]
        let body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        var description: String { "\(status) \(text)" }

        /// The body parsed as XML (fails the test's expectation by returning an empty element).
        var xml: XMLElement {
            (try? XMLParsing.parse(body)) ?? XMLElement(name: XMLName("", "unparsable"))
        }

        /// For a multistatus: each response's href with its status or 200-propstat values.
        var responses: [MultistatusEntry] {
            xml.children(XMLName("DAV:", "response")).map(MultistatusEntry.init)
        }

        func entry(_ hrefSuffix: String) -> MultistatusEntry? {
            responses.first { $0.href.hasSuffix(hrefSuffix) }
        }
    }

    @discardableResult
    func request(_ method: String, _ path: String, headers: [String: String] = [:], body: String = "")
        throws -> Response
    {
        try request(method, path, headers: headers, bytes: Array(body.utf8))
    }

    @discardableResult
    func request(_ method: String, _ path: String, headers: [String: String] = [:], bytes: [UInt8])
        throws -> Response
    {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\n"
        if let authorization { head += "Authorization: \(authorization)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(bytes.count)\r\n\r\n"
        try socket.send(Array(head.utf8) + bytes)
        let statusLine = try socket.readLine()
        let status = Int(statusLine.split(separator: " ")[1]) ?? 0
        var fields: [String: String] = [:]
        while true {
            let line = try socket.readLine()
            if line.isEmpty { break }
            if let colon = line.firstIndex(of: ":") {
                fields[line[..<colon].lowercased()] = line[line.index(after: colon)...]
                    .trimmingCharacters(in: .whitespaces)
            }
        }
        let length = Int(fields["content-length"] ?? "0") ?? 0
        let content = method == "HEAD" ? [] : try socket.read(count: length)
        return Response(status: status, headers: fields, body: content)
    }

    func propfind(_ path: String, depth: String = "0", _ props: [String]) throws -> Response {
        let body = """
            <?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" \
            xmlns:card="urn:ietf:params:xml:ns:carddav" xmlns:cs="http://calendarserver.org/ns/" \
            xmlns:ical="http://apple.com/ns/ical/"><d:prop>\(props.map { "<\($0)/>" }.joined())</d:prop></d:propfind>
            """
        return try request("PROPFIND", path, headers: ["Depth": depth, "Content-Type": "application/xml"], body: body)
    }

    func report(_ path: String, _ body: String, depth: String = "1") throws -> Response {
        try request("REPORT", path, headers: ["Depth": depth, "Content-Type": "application/xml"], body: body)
    }
}

/// One `response` of a multistatus, read for assertions.
struct MultistatusEntry {
    let href: String
    let status: Int?
    /// Properties in 200 propstats, by local name, with their text content.
    let found: [String: XMLElement]
    /// Properties in non-200 propstats, by local name, with the status.
    let failed: [String: Int]

    init(_ element: XMLElement) {
        href = element.child(XMLName("DAV:", "href"))?.text ?? ""
        status = element.child(XMLName("DAV:", "status")).map { Self.code($0.text) }
        var found: [String: XMLElement] = [:]
        var failed: [String: Int] = [:]
        for propstat in element.children(XMLName("DAV:", "propstat")) {
            let code = Self.code(propstat.child(XMLName("DAV:", "status"))?.text ?? "")
            for prop in propstat.child(XMLName("DAV:", "prop"))?.children ?? [] {
                if code == 200 { found[prop.name.local] = prop } else { failed[prop.name.local] = code }
            }
        }
        self.found = found
        self.failed = failed
    }

    static func code(_ line: String) -> Int {
        Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    func text(_ local: String) -> String? {
        found[local]?.text
    }

    func href(in local: String) -> String? {
        found[local]?.child(XMLName("DAV:", "href"))?.text
    }
}

/// iCalendar and vCard bodies for tests, with dates relative to the harness clock.
enum Samples {
    static func stamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .gmt
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }

    /// An event `start` with a length of `hours`, plus extra content lines (RRULE, EXDATE...).
    static func event(_ uid: String, start: Date, hours: Double = 1, extra: [String] = []) -> String {
        let lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Tideline tests//EN", "BEGIN:VEVENT", "UID:\(uid)",
                     "DTSTAMP:\(stamp(DAVHarness.start))", "DTSTART:\(stamp(start))",
                     "DTEND:\(stamp(start.addingTimeInterval(hours * 3600)))", "SUMMARY:\(uid)"]
            + extra + ["END:VEVENT", "END:VCALENDAR"]
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func task(_ uid: String, completed: Date?) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Tideline tests//EN", "BEGIN:VTODO", "UID:\(uid)",
                     "DTSTAMP:\(stamp(DAVHarness.start))", "SUMMARY:\(uid)"]
        if let completed { lines += ["STATUS:COMPLETED", "COMPLETED:\(stamp(completed))"] }
        return (lines + ["END:VTODO", "END:VCALENDAR"]).joined(separator: "\r\n") + "\r\n"
    }

    static func card(_ uid: String, name: String, email: String) -> String {
        ["BEGIN:VCARD", "VERSION:3.0", "UID:\(uid)", "FN:\(name)", "N:\(name);;;;", "EMAIL;TYPE=INTERNET:\(email)",
         "TEL;TYPE=CELL:+49 30 1234567", "END:VCARD"].joined(separator: "\r\n") + "\r\n"
    }

    static let day: TimeInterval = 86_400

    /// A time relative to the harness's starting clock.
    static func at(days: Double) -> Date {
        DAVHarness.start.addingTimeInterval(days * day)
    }
}

extension DAVClient {
    @discardableResult
    func put(_ path: String, _ body: String, type: String = "text/calendar; charset=utf-8",
             headers: [String: String] = [:]) throws -> Response {
        try request("PUT", path, headers: headers.merging(["Content-Type": type]) { first, _ in first }, body: body)
    }

    /// The object names a Depth 1 PROPFIND lists in a collection.
    func memberNames(_ collection: String) throws -> [String] {
        try propfind(collection, depth: "1", ["d:getetag"]).responses.map(\.href)
            .filter { !$0.hasSuffix("/") }.map { String($0.split(separator: "/").last ?? "") }.sorted()
    }

    /// Runs sync-collection; returns the new token, the names reported present and removed.
    func sync(_ collection: String, token: String = "") throws -> (token: String, present: [String], removed: [String]) {
        let body = """
            <?xml version="1.0"?><d:sync-collection xmlns:d="DAV:"><d:sync-token>\(token)</d:sync-token>\
            <d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>
            """
        let response = try report(collection, body, depth: "0")
        let newToken = response.xml.child(XMLName("DAV:", "sync-token"))?.text ?? ""
        let entries = response.responses
        let name = { (href: String) in String(href.split(separator: "/").last ?? "") }
        return (newToken, entries.filter { $0.status == nil }.map { name($0.href) }.sorted(),
                entries.filter { $0.status == 404 }.map { name($0.href) }.sorted())
    }
}
