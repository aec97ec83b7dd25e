import Foundation
import TestSupport
import Testing

/// The DAV front end of `tideline serve` across a hard kill and a restart.
@Suite("tideline serve: DAV across restarts")
struct DAVServeTests {
    static let auth = ["Authorization": "Basic " + Data("alice@example.org:alice-password".utf8).base64EncodedString()]
    static let calendar = "/dav/calendars/alice@example.org/default/"

    static func event(_ uid: String) -> [UInt8] {
        Array(("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:\(uid)\r\n"
               + "DTSTAMP:20261201T000000Z\r\nDTSTART:20300101T100000Z\r\nDTEND:20300101T110000Z\r\n"
               + "SUMMARY:\(uid)\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").utf8)
    }

    static func syncToken(port: UInt16, token: String) throws -> (Int, String) {
        let body = "<?xml version=\"1.0\"?><d:sync-collection xmlns:d=\"DAV:\"><d:sync-token>\(token)</d:sync-token>"
            + "<d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>"
        let response = try httpRequest(port: port, "REPORT", calendar, headers: auth.merging(["Depth": "0"]) { $1 },
                                       body: Array(body.utf8))
        return (response.status, String(decoding: response.body, as: UTF8.self))
    }

    @Test("an acknowledged PUT survives kill -9, and sync tokens stay valid after the restart")
    func killAndRestart() throws {
        let data = TemporaryDirectory("tideline-dav-restart")
        _ = try TidelineBinary.run(["domain", "add", "example.org", "--data", data.path])
        _ = try TidelineBinary.run(["user", "add", "alice@example.org", "--password-stdin", "--data", data.path],
                                   input: "alice-password\n")
        let first = try ServerProcess(data: data.url)
        let put = try httpRequest(port: first.httpPort, "PUT", Self.calendar + "kept.ics",
                                  headers: Self.auth.merging(["Content-Type": "text/calendar"]) { $1 },
                                  body: Self.event("kept"))
        #expect(put.status == 201)
        let (status, initial) = try Self.syncToken(port: first.httpPort, token: "")
        #expect(status == 207)
        let token = try #require(initial.range(of: "urn:x-tideline:sync:[0-9_]+", options: .regularExpression)
            .map { String(initial[$0]) })
        first.stop(signal: SIGKILL)

        let second = try ServerProcess(data: data.url)
        defer { second.stop() }
        let get = try httpRequest(port: second.httpPort, "GET", Self.calendar + "kept.ics", headers: Self.auth)
        #expect(get.status == 200)
        #expect(get.body == Self.event("kept"))
        #expect(get.headers["etag"] == put.headers["etag"])
        let (again, body) = try Self.syncToken(port: second.httpPort, token: token)
        #expect(again == 207, "\(body)")
        #expect(!body.contains("kept.ics"), "nothing changed since the token: \(body)")
        #expect(body.contains(token))
    }
}
