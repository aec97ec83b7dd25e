import Foundation
import FoundationXML
import TestSupport
import Testing

/// Replays the client transcripts in `fixtures/dav` against `tideline serve` over a real socket;
/// `fixtures/dav/README.md` describes the format.
@Suite("DAV client transcripts against tideline serve", .serialized)
struct DAVTranscriptTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/dav")

    static let names = ["ios-calendar", "macos-contacts", "davx5", "thunderbird", "evolution", "device-window"]

    @Test("each transcript runs to the end with every expected response", arguments: names)
    func replay(name: String) throws {
        let text = try String(contentsOf: Self.fixtures.appendingPathComponent("\(name).dav"), encoding: .utf8)
        let transcript = try DAVTranscript(name: "\(name).dav", text: text)
        let (data, variables) = try Self.prepareAccount()
        let server = try ServerProcess(data: data.url)
        defer { server.stop() }
        let replay = DAVReplay(port: server.httpPort, variables: variables)
        replay.run(transcript)
        for failure in replay.failures { Issue.record("\(failure)") }
        #expect(replay.exchanges > 0)
        if !replay.failures.isEmpty { print("server log:\n\(server.logText)") }
    }

    @Test("every transcript in fixtures/dav is replayed")
    func allListed() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path)
            .filter { $0.hasSuffix(".dav") }.map { String($0.dropLast(4)) }
        #expect(Set(files) == Set(Self.names))
    }

    @Test("a wrong expectation, an unknown placeholder and a bad line are reported, not passed")
    func replayerFails() throws {
        #expect(throws: DAVTranscript.Failure.self) { try DAVTranscript(name: "bad", text: "? PROPFIND /\n") }
        #expect(throws: DAVTranscript.Failure.self) { try DAVTranscript(name: "bad", text: "< 200\n") }
        let (data, variables) = try Self.prepareAccount()
        let server = try ServerProcess(data: data.url)
        defer { server.stop() }
        let cases = [
            "> GET /.well-known/caldav\n< 302\n",
            "> GET /.well-known/caldav\n< header Location: /elsewhere/\n",
            "! login {user} {password}\n> PROPFIND /dav/\n> Depth: 0\n< 207\n< no-response /dav/\n",
            "! login {user} {password}\n> PROPFIND /dav/\n> Depth: 0\n< response /dav/ prop d:getetag\n",
            "> GET /dav/calendars/{nobody}/\n< 401\n",
        ]
        for text in cases {
            let replay = DAVReplay(port: server.httpPort, variables: variables)
            replay.run(try DAVTranscript(name: "self-test", text: text))
            #expect(replay.failures.count == 1, "\(text) gave \(replay.failures)")
        }
        let good = DAVReplay(port: server.httpPort, variables: variables)
        good.run(try DAVTranscript(name: "self-test", text: "> GET /.well-known/caldav\n< 301\n"
                                   + "< header Location: {{where}}\n> GET {where}\n< 401\n"))
        #expect(good.failures.isEmpty, "\(good.failures)")
        #expect(good.variables["where"] == "/dav/")
    }

    /// A data directory with alice, a 5-day device and a 30-day device, and the variables the
    /// transcripts use for them.
    static func prepareAccount() throws -> (TemporaryDirectory, [String: String]) {
        let data = TemporaryDirectory("tideline-dav-transcript")
        let cli = { (words: [String], input: String?) throws -> TidelineBinary.Result in
            let result = try TidelineBinary.run(words + ["--data", data.path], input: input)
            try #require(result.status == 0, "tideline \(words.joined(separator: " ")): \(result.stderr)")
            return result
        }
        _ = try cli(["domain", "add", "example.org"], nil)
        _ = try cli(["user", "add", "alice@example.org", "--password-stdin"], "alice-password\n")
        var variables = ["user": "alice@example.org", "password": "alice-password"]
        for (label, days) in [("device", 5), ("device30", 30)] {
            let added = try cli(["device", "add", "alice@example.org", "--name", "\(label) phone",
                                 "--window-days", "5", "--json"], nil)
            let json = try JSONSerialization.jsonObject(with: Data(added.stdout.utf8)) as? [String: Any]
            let password = try #require(json?["app_password"] as? String, "no app_password in \(added.stdout)")
            let id = try #require(json?["id"].map { "\($0)" }, "no id in \(added.stdout)")
            variables["\(label)-password"] = password
            variables["\(label)-id"] = id
            if days != 5 { _ = try cli(["policy", "set", "--device", id, "--window-days", "\(days)"], nil) }
        }
        return (data, variables)
    }
}

/// A parsed `.dav` transcript: requests, the expectations on each response, and logins.
struct DAVTranscript {
    /// One step, with the line it came from for messages.
    enum Step {
        case login(user: String, password: String)
        case logout
        case request(head: [String], body: [String]?)
        case expect(String)
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let name: String
    let steps: [(line: Int, step: Step)]

    init(name: String, text: String) throws {
        self.name = name
        var steps: [(Int, Step)] = []
        var head: [String] = []
        var body: [String]?
        var requestLine = 0
        func flush() {
            guard !head.isEmpty else { return }
            steps.append((requestLine, .request(head: head, body: body)))
            head = []
            body = nil
        }
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
            let number = index + 1
            if line == ">" || line.hasPrefix("> ") {
                let content = String(line.dropFirst(2))
                if head.isEmpty { requestLine = number }
                if body != nil { body?.append(content) } else if line == ">" { body = [] } else { head.append(content) }
                continue
            }
            flush()
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("< ") {
                guard steps.contains(where: { if case .request = $0.1 { true } else { false } }) else {
                    throw Failure(description: "\(name) line \(number): an expectation before any request")
                }
                steps.append((number, .expect(String(line.dropFirst(2)))))
            } else if line == "! logout" {
                steps.append((number, .logout))
            } else if line.hasPrefix("! login ") {
                let words = line.dropFirst(8).split(separator: " ").map(String.init)
                guard words.count == 2 else {
                    throw Failure(description: "\(name) line \(number): `! login` takes a user and a password")
                }
                steps.append((number, .login(user: words[0], password: words[1])))
            } else {
                throw Failure(description: "\(name) line \(number): not a request, expectation or directive: "
                              + line)
            }
        }
        flush()
        self.steps = steps
    }
}

/// Runs a transcript on one keep-alive connection, collecting failures instead of stopping at
/// the first wrong expectation of a response; it stops before the next request.
final class DAVReplay {
    private(set) var variables: [String: String]
    private(set) var failures: [String] = []
    /// How many requests were answered.
    private(set) var exchanges = 0
    /// The replay time that `{now...}` placeholders count from, in whole seconds.
    let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
    private let port: UInt16
    private var authorization: String?
    private var connection: SocketClient?
    private var response: DAVExchangeResponse?
    private var lastRequest = ""

    init(port: UInt16, variables: [String: String]) {
        self.port = port
        self.variables = variables
    }

    func run(_ transcript: DAVTranscript) {
        var failedBefore = 0
        for (line, step) in transcript.steps {
            let place = "\(transcript.name) line \(line)"
            do {
                switch step {
                case .login(let user, let password):
                    let credentials = try substitute(user) + ":" + substitute(password)
                    authorization = "Basic " + Data(credentials.utf8).base64EncodedString()
                case .logout:
                    authorization = nil
                case .request(let head, let body):
                    if failures.count > failedBefore { return }
                    try send(head: head, body: body)
                    exchanges += 1
                case .expect(let text):
                    if let problem = try check(text) {
                        failures.append("\(place): `< \(text)`: \(problem)\n\(describe())")
                    }
                }
            } catch {
                failures.append("\(place): \(error)\n\(describe())")
                return
            }
            if case .request = step { failedBefore = failures.count }
        }
    }

    /// The last request line and response, cut short, for failure messages.
    private func describe() -> String {
        guard let response else { return "no response yet" }
        let text = String(decoding: response.body, as: UTF8.self)
        let headers = response.headers.map { "\($0.key): \($0.value)" }.sorted().joined(separator: "\n")
        return "request: \(lastRequest)\nresponse: \(response.status)\n\(headers)\n\n\(text.prefix(3000))"
    }

    private func send(head: [String], body: [String]?) throws {
        let lines = try head.map(substitute)
        let bodyText = try body.map { try $0.map(substitute).joined(separator: "\r\n") + "\r\n" } ?? ""
        let bytes = Array(bodyText.utf8)
        lastRequest = lines[0]
        var text = lines[0] + " HTTP/1.1\r\nHost: localhost\r\n"
        if let authorization { text += "Authorization: \(authorization)\r\n" }
        for line in lines.dropFirst() { text += line + "\r\n" }
        text += "Content-Length: \(bytes.count)\r\n\r\n"
        let method = lines[0].split(separator: " ").first.map(String.init) ?? ""
        let client = try connection ?? SocketClient(port: port)
        connection = client
        try client.send(Array(text.utf8) + bytes)
        let received = try DAVExchangeResponse(reading: client, method: method)
        response = received
        if received.headers["connection"]?.lowercased() == "close" { connection = nil }
    }

    // MARK: Expectations

    /// Checks one expectation against the last response; nil when it holds, else what is wrong.
    private func check(_ text: String) throws -> String? {
        guard let response else { return "no response to check" }
        let words = text.split(separator: " ", maxSplits: 1).map(String.init)
        let keyword = words[0]
        let rest = words.count > 1 ? words[1] : ""
        if let status = Int(keyword), rest.isEmpty {
            return response.status == status ? nil : "status is \(response.status), not \(status)"
        }
        switch keyword {
        case "header":
            guard let colon = rest.firstIndex(of: ":") else { return "write `header Name: pattern`" }
            let name = rest[..<colon].lowercased()
            let pattern = try substitute(rest[rest.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            guard let value = response.headers[name] else { return "no \(name) header" }
            return capture(pattern, value) ? nil : "\(name) is \(value)"
        case "no-header":
            let value = response.headers[rest.lowercased()]
            return value.map { "\(rest) is present: \($0)" }
        case "contains", "lacks":
            let needle = try substitute(rest)
            let found = String(decoding: response.body, as: UTF8.self).contains(needle)
            return found == (keyword == "contains") ? nil : keyword == "contains" ? "not in the body" : "in the body"
        case "xml":
            let document = try response.xml()
            let (path, comparison) = try Self.splitComparison(rest)
            let names = try path.split(separator: "/").map { try XMLTreeName(String($0)) }
            guard names.first == document.name else { return "the root is \(document.name), not \(names[0])" }
            return try compare(document.elements(at: Array(names.dropFirst())), comparison, path)
        case "count":
            let parts = rest.split(separator: " ").map(String.init)
            guard let count = Int(parts.first ?? "") else { return "write `count N [href-pattern]`" }
            let hrefs = try response.xml().children(.dav("response")).map(Self.href)
            let pattern = try parts.count > 1 ? substitute(parts[1]) : "*"
            let matching = hrefs.filter { match(pattern, $0) != nil }
            return matching.count == count ? nil : "\(matching.count) responses match: \(matching)"
        case "response", "no-response":
            return try checkResponse(rest, present: keyword == "response")
        default:
            return "unknown expectation \(keyword)"
        }
    }

    /// `response HREF [status N | prop PATH [= or != PATTERN] | missing PATH | propstat N PATH]`.
    private func checkResponse(_ text: String, present: Bool) throws -> String? {
        let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
        guard let hrefPattern = try parts.first.map(substitute) else { return "name an href" }
        let candidates = try response!.xml().children(.dav("response"))
            .filter { match(hrefPattern, Self.href($0)) != nil }
        guard present else {
            return candidates.isEmpty ? nil : "present: \(candidates.map(Self.href))"
        }
        guard !candidates.isEmpty else { return "no response for \(hrefPattern)" }
        let detail = parts.count > 1 ? parts[1].split(separator: " ", maxSplits: 1).map(String.init) : []
        var problems: [String] = []
        for candidate in candidates {
            let href = Self.href(candidate)
            if let captures = match(hrefPattern, href) { variables.merge(captures) { $1 } }
            guard let kind = detail.first else { return nil }
            let argument = detail.count > 1 ? detail[1] : ""
            let problem: String?
            switch kind {
            case "status":
                let status = candidate.child(.dav("status")).map { Self.code($0.text) }
                problem = status == Int(argument) ? nil : "\(href) has status \(status.map(String.init) ?? "none")"
            case "prop", "missing":
                let (path, comparison) = try Self.splitComparison(argument)
                let wanted = kind == "prop" ? 200 : 404
                if kind == "missing" && comparison != nil { return "`missing` takes no value" }
                problem = try compare(Self.properties(of: candidate, status: wanted, path: path), comparison,
                                      "\(path) (\(wanted)) of \(href)")
            case "propstat":
                let words = argument.split(separator: " ").map(String.init)
                guard words.count == 2, let status = Int(words[0]) else { return "write `propstat N name`" }
                problem = try compare(Self.properties(of: candidate, status: status, path: words[1]), nil,
                                      "\(words[1]) (\(status)) of \(href)")
            default:
                return "unknown response check \(kind)"
            }
            guard let problem else { return nil }
            problems.append(problem)
        }
        return problems.joined(separator: "; ")
    }

    /// Splits `path = pattern` or `path != pattern`.
    private static func splitComparison(_ text: String) throws -> (String, (equal: Bool, pattern: String)?) {
        for (separator, equal) in [(" != ", false), (" = ", true)] {
            if let range = text.range(of: separator) {
                return (String(text[..<range.lowerBound]), (equal, String(text[range.upperBound...])))
            }
        }
        return (text, nil)
    }

    /// Whether some element exists and, if a comparison is given, whether its text matches.
    private func compare(_ elements: [XMLTree], _ comparison: (equal: Bool, pattern: String)?, _ what: String)
        throws -> String?
    {
        guard !elements.isEmpty else { return "no \(what)" }
        guard let comparison else { return nil }
        let pattern = try substitute(comparison.pattern)
        let texts = elements.map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) }
        if comparison.equal {
            return texts.contains { capture(pattern, $0) } ? nil : "\(what) is \(texts), not \(pattern)"
        }
        return texts.allSatisfy { match(pattern, $0) == nil } ? nil : "\(what) is \(texts)"
    }

    /// The elements at `path` inside the props of a response's propstats with `status`.
    private static func properties(of response: XMLTree, status: Int, path: String) throws -> [XMLTree] {
        let names = try path.split(separator: "/").map { try XMLTreeName(String($0)) }
        return response.children(.dav("propstat"))
            .filter { code($0.child(.dav("status"))?.text ?? "") == status }
            .compactMap { $0.child(.dav("prop")) }
            .flatMap { $0.elements(at: names) }
    }

    private static func href(_ response: XMLTree) -> String {
        let raw = response.child(.dav("href"))?.text.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return raw.removingPercentEncoding ?? raw
    }

    private static func code(_ line: String) -> Int {
        Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    // MARK: Placeholders and patterns

    /// Replaces `{name}` with a variable and `{now+Nd...}` with a date; `{{name}}` captures are
    /// left for `match`. An unknown name is an error, so a typo cannot pass silently.
    func substitute<Text: StringProtocol>(_ text: Text) throws -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            if rest[open...].hasPrefix("{{"), let close = rest[open...].range(of: "}}") {
                result += rest[open..<close.upperBound]
                rest = rest[close.upperBound...]
                continue
            }
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            let name = String(rest[rest.index(after: open)..<close])
            if let value = variables[name] {
                result += value
            } else if let date = try Self.date(name, from: now) {
                result += date
            } else {
                throw DAVTranscript.Failure(description: "unknown placeholder {\(name)}")
            }
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    /// `now`, `now-40d`, `now+1d+2h`, with `:date` (YYYYMMDD) or `:floating` (no `Z`) after.
    static func date(_ name: String, from now: Date) throws -> String? {
        let parts = name.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts[0].hasPrefix("now") else { return nil }
        var seconds = 0.0
        let offsets = try NSRegularExpression(pattern: "([+-])([0-9]+)([dhm])")
        let expression = parts[0].dropFirst(3)
        let whole = NSRange(expression.startIndex..., in: expression)
        let found = offsets.matches(in: String(expression), range: NSRange(location: 0, length: whole.length))
        guard found.reduce(0, { $0 + $1.range.length }) == whole.length else {
            throw DAVTranscript.Failure(description: "cannot read the date {\(name)}; write e.g. {now-40d+2h}")
        }
        for item in found {
            let piece = (String(expression) as NSString)
            let amount = Double(piece.substring(with: item.range(at: 2)))!
            let unit = ["d": 86_400.0, "h": 3_600.0, "m": 60.0][piece.substring(with: item.range(at: 3))]!
            seconds += (piece.substring(with: item.range(at: 1)) == "-" ? -1 : 1) * amount * unit
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .gmt
        switch parts.count > 1 ? parts[1] : "" {
        case "": formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        case "date": formatter.dateFormat = "yyyyMMdd"
        case "floating": formatter.dateFormat = "yyyyMMdd'T'HHmmss"
        default: throw DAVTranscript.Failure(description: "unknown date format in {\(name)}")
        }
        return formatter.string(from: now.addingTimeInterval(seconds))
    }

    /// Matches a pattern and keeps its captures; false when it does not match.
    private func capture(_ pattern: String, _ text: String) -> Bool {
        guard let captures = match(pattern, text) else { return false }
        variables.merge(captures) { $1 }
        return true
    }

    /// Matches the whole text against a pattern where `*` is any run of characters and
    /// `{{name}}` captures a run without spaces or `<`; returns the captures, or nil.
    private func match(_ pattern: String, _ text: String) -> [String: String]? {
        TranscriptPattern(pattern, captureClass: "[^\\s<]", acrossLines: true).match(text)
    }
}

/// One HTTP response read from the connection: status, headers (lowercased names, repeated
/// ones joined with commas) and the body its `Content-Length` gives.
struct DAVExchangeResponse {
    let status: Int
    let headers: [String: String]
    let body: [UInt8]

    init(reading client: SocketClient, method: String) throws {
        let statusLine = try client.readLine()
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw DAVTranscript.Failure(description: "not an HTTP status line: \(statusLine)")
        }
        var fields: [String: String] = [:]
        while true {
            let line = try client.readLine()
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            let name = line[..<colon].lowercased()
            fields[name] = fields[name].map { $0 + ", " + value } ?? value
        }
        if fields["transfer-encoding"] != nil {
            throw DAVTranscript.Failure(description: "chunked responses are not read by this replayer")
        }
        let length = Int(fields["content-length"] ?? "0") ?? 0
        self.status = status
        headers = fields
        body = method == "HEAD" ? [] : try client.read(count: length)
    }

    /// The body as an XML tree; a body that is not well-formed XML fails the expectation.
    func xml() throws -> XMLTree {
        try XMLTree.parse(body)
    }
}

/// A namespace-qualified name written with the fixed prefixes of the transcripts.
struct XMLTreeName: Equatable, CustomStringConvertible {
    let namespace: String
    let local: String

    static let prefixes = ["d": "DAV:", "c": "urn:ietf:params:xml:ns:caldav", "card": "urn:ietf:params:xml:ns:carddav",
                           "cs": "http://calendarserver.org/ns/", "ical": "http://apple.com/ns/ical/"]

    init(namespace: String, local: String) {
        self.namespace = namespace
        self.local = local
    }

    /// Reads `prefix:local`.
    init(_ text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let namespace = Self.prefixes[parts[0]] else {
            throw DAVTranscript.Failure(description: "write names as d:, c:, card:, cs: or ical: NAME, not \(text)")
        }
        self.init(namespace: namespace, local: parts[1])
    }

    static func dav(_ local: String) -> XMLTreeName { XMLTreeName(namespace: "DAV:", local: local) }

    var description: String {
        let prefix = Self.prefixes.first { $0.value == namespace }?.key
        return prefix.map { "\($0):\(local)" } ?? "{\(namespace)}\(local)"
    }
}

/// A small XML tree of a response body, built with Foundation's parser; the reader checks that
/// the root element closed, since that parser takes a cut-off document without complaint.
final class XMLTree {
    let name: XMLTreeName
    private(set) var children: [XMLTree] = []
    private(set) var text = ""

    init(name: XMLTreeName) {
        self.name = name
    }

    func child(_ name: XMLTreeName) -> XMLTree? {
        children.first { $0.name == name }
    }

    func children(_ name: XMLTreeName) -> [XMLTree] {
        children.filter { $0.name == name }
    }

    /// Every element reached by following `path` from this one's children.
    func elements(at path: [XMLTreeName]) -> [XMLTree] {
        path.reduce([self]) { level, name in level.flatMap { $0.children(name) } }
    }

    static func parse(_ bytes: [UInt8]) throws -> XMLTree {
        let builder = Builder()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = true
        parser.delegate = builder
        guard parser.parse(), let root = builder.root, builder.stack.isEmpty else {
            throw DAVTranscript.Failure(description: "the body is not a complete XML document: "
                                        + (parser.parserError.map { "\($0)" } ?? "cut short"))
        }
        return root
    }

    /// Collects elements and text as the parser reports them.
    private final class Builder: NSObject, XMLParserDelegate {
        var root: XMLTree?
        var stack: [XMLTree] = []

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            let element = XMLTree(name: XMLTreeName(namespace: namespaceURI ?? "", local: elementName))
            if let parent = stack.last { parent.children.append(element) } else { root = element }
            stack.append(element)
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                    qualifiedName: String?) {
            stack.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }
    }
}
