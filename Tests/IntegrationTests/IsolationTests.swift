import Foundation
import TestSupport
import Testing

/// One user can never read, change or name another user's mail, calendars, contacts or files,
/// over IMAP or DAV, and no path or mailbox name climbs out of its owner's tree. The server is
/// the real `tideline serve`; bob's data is checked intact at the end of each test.
@Suite("Isolation between users over IMAP and DAV", .serialized)
struct IsolationTests {
    static let event = """
        BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Tideline tests//EN\r\nBEGIN:VEVENT\r\nUID:UID-HERE\r\n\
        DTSTAMP:20261201T000000Z\r\nDTSTART:20261205T100000Z\r\nDTEND:20261205T110000Z\r\n\
        SUMMARY:SUMMARY-HERE\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n
        """

    /// A server with alice and bob; bob has a message in INBOX, a folder, an event and a file.
    struct Site {
        let data = TemporaryDirectory("tideline-isolation")
        let server: ServerProcess

        init() throws {
            let domain = try TidelineBinary.run(["domain", "add", "example.org", "--data", data.path])
            try #require(domain.status == 0, "\(domain.stderr)")
            for user in ["alice", "bob"] {
                let added = try TidelineBinary.run(["user", "add", "\(user)@example.org", "--password-stdin",
                                                    "--data", data.path], input: "\(user)-password\n")
                try #require(added.status == 0, "\(added.stderr)")
            }
            server = try ServerProcess(data: data.url)
            let bob = try IsolationTests.imap(port: server.imapPort, user: "bob")
            try bob.send("b1 CREATE Private\r\nb2 APPEND INBOX {32+}\r\nSubject: bob-only secret\r\n\r\nhi\r\n\r\n")
            #expect(try bob.readUntil(prefix: "b2 ").last?.hasPrefix("b2 OK") == true)
            let put = try dav("PUT", "/dav/calendars/bob@example.org/default/b1.ics", as: "bob",
                              body: IsolationTests.event.replacingOccurrences(of: "UID-HERE", with: "b1")
                                .replacingOccurrences(of: "SUMMARY-HERE", with: "bob-only event"),
                              headers: ["Content-Type": "text/calendar"])
            #expect(put.status == 201)
            #expect(try dav("PUT", "/dav/files/bob@example.org/secret.txt", as: "bob", body: "bob-only file").status
                == 201)
        }

        func dav(_ method: String, _ path: String, as user: String, body: String = "",
                 headers: [String: String] = [:]) throws -> (status: Int, text: String) {
            let credentials = Data("\(user)@example.org:\(user)-password".utf8).base64EncodedString()
            let response = try httpRequest(port: server.httpPort, method, path,
                                           headers: headers.merging(["Authorization": "Basic \(credentials)"]) { $1 },
                                           body: Array(body.utf8))
            return (response.status, String(decoding: response.body, as: UTF8.self))
        }

        /// Bob's message, folder, event and file are all still there, unchanged.
        func expectBobIntact() throws {
            let bob = try IsolationTests.imap(port: server.imapPort, user: "bob")
            try bob.send("c1 LIST \"\" *\r\n")
            let list = try bob.readUntil(prefix: "c1 ")
            #expect(list.contains { $0.hasSuffix(" Private") })
            #expect(!list.contains { $0.contains("Stolen") || $0.contains("escape") })
            try bob.send("c2 SELECT INBOX\r\n")
            #expect(try bob.readUntil(prefix: "c2 ").contains("* 1 EXISTS"))
            try bob.send("c3 FETCH 1 BODY.PEEK[HEADER.FIELDS (SUBJECT)]\r\n")
            #expect(try bob.readUntil(prefix: "c3 ").contains("Subject: bob-only secret"))
            let event = try dav("GET", "/dav/calendars/bob@example.org/default/b1.ics", as: "bob")
            #expect(event.status == 200 && event.text.contains("SUMMARY:bob-only event"))
            #expect(try dav("GET", "/dav/files/bob@example.org/secret.txt", as: "bob").text == "bob-only file")
            let listing = try dav("PROPFIND", "/dav/files/bob@example.org/", as: "bob", headers: ["Depth": "1"])
            #expect(listing.status == 207 && !listing.text.contains("stolen") && !listing.text.contains("x.txt"))
        }
    }

    static func imap(port: UInt16, user: String) throws -> SocketClient {
        let client = try SocketClient(port: port)
        _ = try client.readLine()
        try client.send("a0 LOGIN \(user)@example.org \(user)-password\r\n")
        try #require(try client.readUntil(prefix: "a0 ").last?.hasPrefix("a0 OK") == true)
        return client
    }

    @Test("IMAP: another user's mailboxes cannot be listed, opened, written or named by a path")
    func imapIsolation() throws {
        let site = try Site()
        defer { site.server.stop() }
        let alice = try Self.imap(port: site.server.imapPort, user: "alice")
        var step = 0
        func run(_ command: String) throws -> [String] {
            step += 1
            try alice.send("t\(step) \(command)\r\n")
            return try alice.readUntil(prefix: "t\(step) ")
        }
        for (reference, pattern) in [("\"\"", "*"), ("\"../\"", "*"), ("\"~bob@example.org/\"", "*"),
                                     ("\"\"", "\"../bob@example.org/*\""), ("\"#shared/\"", "*")] {
            let lines = try run("LIST \(reference) \(pattern)")
            #expect(!lines.contains { $0.contains("Private") }, "LIST \(reference) \(pattern): \(lines)")
            #expect(lines.last?.contains("OK") == true)
        }
        let foreign = ["\"../bob@example.org/INBOX\"", "\"bob@example.org/INBOX\"", "\"/INBOX\"",
                       "\"INBOX/../Private\"", "\"~bob@example.org/INBOX\"", "\"#shared/INBOX\""]
        for name in foreign {
            #expect(try run("SELECT \(name)").last?.contains("NO [NONEXISTENT]") == true, "SELECT \(name)")
            #expect(try run("STATUS \(name) (MESSAGES)").last?.contains("NO [NONEXISTENT]") == true)
            #expect(try run("APPEND \(name) {8+}\r\nx: y\r\n\r\n").last?.contains("NO [TRYCREATE]") == true)
        }
        for name in ["\"../escape\"", "\"a/../b\"", "\"/etc/passwd\"", "\"a//b\"", "\".\"", "\"a/./b\""] {
            #expect(try run("CREATE \(name)").last?.contains("NO [CANNOT]") == true, "CREATE \(name)")
        }
        #expect(try run("APPEND INBOX {8+}\r\nx: y\r\n\r\n").last?.contains("OK") == true)
        #expect(try run("SELECT INBOX").last?.contains("OK") == true)
        #expect(try run("COPY 1 \"../bob@example.org/INBOX\"").last?.contains("NO [TRYCREATE]") == true)
        #expect(try run("MOVE 1 \"../bob@example.org/INBOX\"").last?.contains("NO [TRYCREATE]") == true)
        #expect(try run("RENAME Junk \"../bob@example.org/Stolen\"").last?.contains("NO [CANNOT]") == true)
        #expect(try run("DELETE \"../bob@example.org/Private\"").last?.contains("NO [NONEXISTENT]") == true)
        let search = try run("SEARCH SUBJECT bob-only")
        #expect(search.contains("* SEARCH"), "bob's message is not in alice's INBOX: \(search)")
        #expect(try run("UID FETCH 1:* (FLAGS)").count == 2, "one message of alice's own, no more")
        try site.expectBobIntact()
    }

    @Test("DAV: another user's collections, objects and files are 404 to every method, Destination included")
    func davIsolation() throws {
        let site = try Site()
        defer { site.server.stop() }
        let own = Self.event.replacingOccurrences(of: "UID-HERE", with: "a1")
            .replacingOccurrences(of: "SUMMARY-HERE", with: "alice event")
        #expect(try site.dav("PUT", "/dav/calendars/alice@example.org/default/a1.ics", as: "alice", body: own,
                             headers: ["Content-Type": "text/calendar"]).status == 201)
        #expect(try site.dav("PUT", "/dav/files/alice@example.org/mine.txt", as: "alice", body: "mine").status == 201)

        let proppatch = "<d:propertyupdate xmlns:d=\"DAV:\"><d:set><d:prop><d:displayname>taken</d:displayname>"
            + "</d:prop></d:set></d:propertyupdate>"
        let sync = "<d:sync-collection xmlns:d=\"DAV:\"><d:sync-token/><d:sync-level>1</d:sync-level>"
            + "<d:prop><d:getetag/></d:prop></d:sync-collection>"
        // Bob exists and nobody does not: both answer alike, so no reply tells which addresses exist.
        for owner in ["bob@example.org", "nobody@example.org"] {
            let calendar = "/dav/calendars/\(owner)/default/"
            let requests: [(String, String, String, [String: String])] = [
                ("GET", calendar + "b1.ics", "", [:]),
                ("PUT", calendar + "x.ics", own, ["Content-Type": "text/calendar"]),
                ("DELETE", calendar + "b1.ics", "", [:]),
                ("PROPFIND", calendar, "", ["Depth": "1"]),
                ("PROPPATCH", calendar, proppatch, ["Content-Type": "application/xml"]),
                ("REPORT", calendar, sync, ["Content-Type": "application/xml"]),
                ("MKCALENDAR", "/dav/calendars/\(owner)/new/", "", [:]),
                ("MKCOL", "/dav/files/\(owner)/new/", "", [:]),
                ("GET", "/dav/files/\(owner)/secret.txt", "", [:]),
                ("COPY", "/dav/files/\(owner)/secret.txt", "",
                 ["Destination": "/dav/files/alice@example.org/stolen.txt"]),
                ("PROPFIND", "/dav/principals/\(owner)/", "", ["Depth": "0"]),
            ]
            for (method, path, body, headers) in requests {
                let status = try site.dav(method, path, as: "alice", body: body, headers: headers).status
                #expect(status == 404, "\(method) \(path) gave \(status)")
            }
        }
        // Writing into bob's tree through Destination, plainly or by climbing out of alice's.
        let destinations = [
            ("/dav/files/alice@example.org/mine.txt", "http://localhost/dav/files/bob@example.org/x.txt", 404),
            ("/dav/files/alice@example.org/mine.txt", "/dav/files/bob@example.org/x.txt", 404),
            ("/dav/calendars/alice@example.org/default/a1.ics", "/dav/calendars/bob@example.org/default/a1.ics", 404),
            ("/dav/files/alice@example.org/mine.txt", "/dav/files/alice@example.org/../bob@example.org/x.txt", 400),
            ("/dav/files/alice@example.org/mine.txt", "/dav/files/alice@example.org/%2e%2e/bob@example.org/x.txt",
             400),
        ]
        for method in ["COPY", "MOVE"] {
            for (source, destination, expected) in destinations {
                let status = try site.dav(method, source, as: "alice", headers: ["Destination": destination]).status
                #expect(status == expected, "\(method) \(source) -> \(destination) gave \(status)")
            }
        }
        // A multiget in alice's calendar that names bob's event gets 404 for it and no data.
        let multiget = "<c:calendar-multiget xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:caldav\"><d:prop>"
            + "<d:getetag/><c:calendar-data/></d:prop><d:href>/dav/calendars/bob@example.org/default/b1.ics</d:href>"
            + "<d:href>/dav/calendars/alice@example.org/../bob@example.org/default/b1.ics</d:href>"
            + "<d:href>/dav/calendars/alice@example.org/default/a1.ics</d:href></c:calendar-multiget>"
        let report = try site.dav("REPORT", "/dav/calendars/alice@example.org/default/", as: "alice", body: multiget,
                                  headers: ["Content-Type": "application/xml", "Depth": "1"])
        #expect(report.status == 207)
        #expect(report.text.contains("alice event"))
        #expect(!report.text.contains("bob-only"))
        #expect(report.text.components(separatedBy: "404 Not Found").count == 3)
        try site.expectBobIntact()
    }
}
