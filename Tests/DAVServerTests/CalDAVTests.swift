import Foundation
import Testing
@testable import DAVServer

@Suite("CalDAV: objects, validation, queries and reports")
struct CalDAVTests {
    static let calendar = "/dav/calendars/alice@example.org/default/"

    /// A client whose 30-day window leaves future-dated tests alone.
    static func client() throws -> (DAVHarness, DAVClient) {
        let harness = try DAVHarness()
        return (harness, try harness.client(password: try harness.device("desk", windowDays: 30)))
    }

    @Test("invalid calendar data is refused with valid-calendar-data and a description")
    func invalidData() throws {
        let (_, client) = try Self.client()
        let broken = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:x\r\nSUMMARY:no start\r\n"
            + "END:VEVENT\r\nEND:VCALENDAR\r\n"
        let response = try client.put(Self.calendar + "broken.ics", broken)
        #expect(response.status == 403)
        let element = response.xml.child(XMLName(XMLNamespace.caldav, "valid-calendar-data"))
        #expect(element?.text.contains("DTSTART") == true, "\(response)")
        let notCalendar = try client.put(Self.calendar + "text.ics", "hello", type: "text/plain")
        #expect(notCalendar.status == 415)
        #expect(try client.request("GET", Self.calendar + "broken.ics").status == 404)
    }

    @Test("a second object with the same UID is refused with no-uid-conflict naming the first")
    func uidConflict() throws {
        let (_, client) = try Self.client()
        let body = Samples.event("same-uid", start: Samples.at(days: 3))
        #expect(try client.put(Self.calendar + "one.ics", body).status == 201)
        let response = try client.put(Self.calendar + "two.ics", body)
        #expect(response.status == 409)
        let conflict = response.xml.child(XMLName(XMLNamespace.caldav, "no-uid-conflict"))
        #expect(conflict?.child(XMLName("DAV:", "href"))?.text == Self.calendar + "one.ics")
        #expect(try client.put(Self.calendar + "one.ics", body).status == 204)
    }

    @Test("a task in an events-only calendar is refused with supported-calendar-component")
    func wrongComponent() throws {
        let (_, client) = try Self.client()
        let response = try client.put(Self.calendar + "task.ics", Samples.task("t", completed: nil))
        #expect(response.status == 403)
        #expect(response.xml.child(XMLName(XMLNamespace.caldav, "supported-calendar-component")) != nil)
    }

    @Test("calendar-query finds recurring instances in range and honours EXDATE")
    func recurringQuery() throws {
        let (_, client) = try Self.client()
        // Weekly from two days ahead, with the second instance (day 9) excluded.
        let start = Samples.at(days: 2)
        try client.put(Self.calendar + "weekly.ics", Samples.event("weekly", start: start, extra: [
            "RRULE:FREQ=WEEKLY;COUNT=4", "EXDATE:\(Samples.stamp(start.addingTimeInterval(7 * Samples.day)))",
        ]))
        try client.put(Self.calendar + "single.ics", Samples.event("single", start: Samples.at(days: 9)))
        let query = { (from: Double, to: Double) in
            """
            <?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">\
            <d:prop><d:getetag/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">\
            <c:time-range start="\(Samples.stamp(Samples.at(days: from)))" \
            end="\(Samples.stamp(Samples.at(days: to)))"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>
            """
        }
        let names = { (body: String) throws -> [String] in
            try client.report(Self.calendar, body).responses.map { String($0.href.split(separator: "/").last!) }.sorted()
        }
        #expect(try names(query(8, 10)) == ["single.ics"], "the excluded instance does not match")
        #expect(try names(query(15, 17)) == ["weekly.ics"])
        #expect(try names(query(30, 40)) == [], "four instances end after three weeks")
        let textQuery = """
            <?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">\
            <d:prop><d:getetag/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">\
            <c:prop-filter name="SUMMARY"><c:text-match>SINGLE</c:text-match></c:prop-filter>\
            </c:comp-filter></c:comp-filter></c:filter></c:calendar-query>
            """
        #expect(try names(textQuery) == ["single.ics"])
    }

    @Test("expand returns one instance per occurrence with RECURRENCE-ID")
    func expand() throws {
        let (_, client) = try Self.client()
        try client.put(Self.calendar + "daily.ics", Samples.event("daily", start: Samples.at(days: 1),
                                                                  extra: ["RRULE:FREQ=DAILY;COUNT=10"]))
        let body = """
            <?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">\
            <d:prop><c:calendar-data><c:expand start="\(Samples.stamp(Samples.at(days: 0)))" \
            end="\(Samples.stamp(Samples.at(days: 4)))"/></c:calendar-data></d:prop>\
            <c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">\
            <c:time-range start="\(Samples.stamp(Samples.at(days: 0)))" end="\(Samples.stamp(Samples.at(days: 4)))"/>\
            </c:comp-filter></c:comp-filter></c:filter></c:calendar-query>
            """
        let data = try #require(try client.report(Self.calendar, body).responses.first?.text("calendar-data"))
        #expect(data.components(separatedBy: "BEGIN:VEVENT").count - 1 == 3, "\(data)")
        #expect(data.components(separatedBy: "RECURRENCE-ID").count - 1 == 3)
        #expect(!data.contains("RRULE"))
    }

    @Test("free-busy-query merges busy time and leaves out transparent events")
    func freeBusy() throws {
        let (_, client) = try Self.client()
        try client.put(Self.calendar + "a.ics", Samples.event("a", start: Samples.at(days: 1), hours: 2))
        try client.put(Self.calendar + "b.ics", Samples.event("b", start: Samples.at(days: 1).addingTimeInterval(3600),
                                                              hours: 2))
        try client.put(Self.calendar + "free.ics", Samples.event("free", start: Samples.at(days: 2), extra: ["TRANSP:TRANSPARENT"]))
        let body = """
            <?xml version="1.0"?><c:free-busy-query xmlns:c="urn:ietf:params:xml:ns:caldav">\
            <c:time-range start="\(Samples.stamp(Samples.at(days: 0)))" end="\(Samples.stamp(Samples.at(days: 3)))"/>\
            </c:free-busy-query>
            """
        let response = try client.report(Self.calendar, body)
        #expect(response.status == 200)
        let busy = response.text.split(separator: "\r\n").filter { $0.hasPrefix("FREEBUSY") }
        let expected = "\(Samples.stamp(Samples.at(days: 1)))/\(Samples.stamp(Samples.at(days: 1).addingTimeInterval(3 * 3600)))"
        #expect(busy.count == 1 && busy[0].hasSuffix(expected), "\(response.text)")
    }

    @Test("MKCALENDAR with properties, PROPPATCH of colour and order as Apple clients send them")
    func mkcalendar() throws {
        let (_, client) = try Self.client()
        let body = """
            <?xml version="1.0"?><c:mkcalendar xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">\
            <d:set><d:prop><d:displayname>Work</d:displayname><c:supported-calendar-component-set>\
            <c:comp name="VEVENT"/><c:comp name="VTODO"/></c:supported-calendar-component-set></d:prop></d:set>\
            </c:mkcalendar>
            """
        let path = "/dav/calendars/alice@example.org/work/"
        #expect(try client.request("MKCALENDAR", path, body: body).status == 201)
        #expect(try client.request("MKCALENDAR", path, body: body).status == 405)
        #expect(try client.request("MKCALENDAR", "/dav/addressbooks/alice@example.org/cal/").status == 403)
        let patch = """
            <?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:" xmlns:i="http://apple.com/ns/ical/">\
            <d:set><d:prop><i:calendar-color>#FF2968FF</i:calendar-color><i:calendar-order>3</i:calendar-order>\
            </d:prop></d:set></d:propertyupdate>
            """
        #expect(try client.request("PROPPATCH", path, body: patch).status == 207)
        let read = try client.propfind(path, ["d:displayname", "ical:calendar-color", "ical:calendar-order",
                                              "c:supported-calendar-component-set"])
        let entry = try #require(read.responses.first)
        #expect(entry.text("displayname") == "Work")
        #expect(entry.text("calendar-color") == "#FF2968FF")
        #expect(entry.text("calendar-order") == "3")
        #expect(entry.found["supported-calendar-component-set"]?.children.compactMap { $0.attribute("name") }
            == ["VEVENT", "VTODO"])
        #expect(try client.put(path + "task.ics", Samples.task("t", completed: nil)).status == 201)
    }

    @Test("sync-collection reports changes and deletions after a token, and refuses unknown tokens")
    func syncCollection() throws {
        let (_, client) = try Self.client()
        try client.put(Self.calendar + "a.ics", Samples.event("a", start: Samples.at(days: 1)))
        try client.put(Self.calendar + "b.ics", Samples.event("b", start: Samples.at(days: 2)))
        let first = try client.sync(Self.calendar)
        #expect(first.present == ["a.ics", "b.ics"])
        try client.put(Self.calendar + "c.ics", Samples.event("c", start: Samples.at(days: 3)))
        try client.request("DELETE", Self.calendar + "a.ics")
        let second = try client.sync(Self.calendar, token: first.token)
        #expect(second.present == ["c.ics"])
        #expect(second.removed == ["a.ics"])
        for bad in ["urn:x-tideline:sync:999_1_0_30", "http://elsewhere/token", "urn:x-tideline:sync:1_99999_0_30"] {
            let body = """
                <?xml version="1.0"?><d:sync-collection xmlns:d="DAV:"><d:sync-token>\(bad)</d:sync-token>\
                <d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>
                """
            let response = try client.report(Self.calendar, body, depth: "0")
            #expect(response.status == 403)
            #expect(response.xml.child(XMLName("DAV:", "valid-sync-token")) != nil, "\(bad)")
        }
    }
}

@Suite("CalDAV: moving objects and quota")
struct CalDAVTransferTests {
    @Test("MOVE of an event to another calendar keeps it, with a new href, and both syncs see it")
    func moveBetweenCalendars() throws {
        let harness = try DAVHarness()
        let client = try harness.client()
        let from = CalDAVTests.calendar
        let to = "/dav/calendars/alice@example.org/other/"
        #expect(try client.request("MKCALENDAR", to).status == 201)
        try client.put(from + "e.ics", Samples.event("e", start: Samples.at(days: 2)))
        let fromToken = try client.sync(from).token
        let toToken = try client.sync(to).token
        let move = try client.request("MOVE", from + "e.ics", headers: ["Destination": "http://localhost\(to)e.ics"])
        #expect(move.status == 201)
        #expect(try client.request("GET", from + "e.ics").status == 404)
        #expect(try client.request("GET", to + "e.ics").text.contains("UID:e"))
        #expect(try client.sync(from, token: fromToken).removed == ["e.ics"])
        #expect(try client.sync(to, token: toToken).present == ["e.ics"])
        // A task cannot be copied into an events-only calendar.
        try client.put("/dav/calendars/alice@example.org/tasks/t.ics", Samples.task("t", completed: nil))
        let copy = try client.request("COPY", "/dav/calendars/alice@example.org/tasks/t.ics",
                                      headers: ["Destination": "http://localhost\(from)t.ics"])
        #expect(copy.status == 403)
    }

    @Test("quota properties report the bytes stored and the space left")
    func quota() throws {
        let harness = try DAVHarness()
        let client = try harness.client()
        let body = Samples.event("sized", start: Samples.at(days: 1))
        try client.put(CalDAVTests.calendar + "sized.ics", body)
        try client.put("/dav/files/alice@example.org/f.bin", String(repeating: "x", count: 1000),
                       type: "application/octet-stream")
        let entry = try #require(try client.propfind("/dav/calendars/alice@example.org/",
                                                     ["d:quota-used-bytes", "d:quota-available-bytes"]).responses.first)
        #expect(entry.text("quota-used-bytes") == String(body.utf8.count + 1000))
        #expect((Int64(entry.text("quota-available-bytes") ?? "") ?? 0) > 0)
    }
}

@Suite("DAV storage quota")
struct DAVQuotaTests {
    @Test("a PUT over quota gets 507 with quota-not-exceeded; replacing an object counts only the difference")
    func overQuota() throws {
        let harness = try DAVHarness()
        let client = try harness.client()
        let home = "/dav/files/alice@example.org/"
        try harness.store.setQuota(of: "alice@example.org", to: .bytes(1000), actor: "test")
        #expect(try client.put(home + "a.bin", String(repeating: "a", count: 800), type: "application/octet-stream")
            .status == 201)
        let refused = try client.put(home + "b.bin", String(repeating: "b", count: 300),
                                     type: "application/octet-stream")
        #expect(refused.status == 507)
        #expect(refused.xml.child(XMLName("DAV:", "quota-not-exceeded")) != nil)
        #expect(try client.put(home + "a.bin", String(repeating: "c", count: 900), type: "application/octet-stream")
            .status == 204)
        let available = try client.propfind(home, ["d:quota-available-bytes", "d:quota-used-bytes"]).responses.first
        #expect(available?.text("quota-available-bytes") == "100")
        #expect(available?.text("quota-used-bytes") == "900")
        #expect(try client.request("COPY", home + "a.bin", headers: ["Destination": "http://localhost\(home)c.bin"])
            .status == 507)
    }

    @Test("COPY of a folder counts every file below it against the quota; MOVE counts nothing")
    func folderCopy() throws {
        let harness = try DAVHarness()
        let client = try harness.client()
        let home = "/dav/files/alice@example.org/"
        try harness.store.setQuota(of: "alice@example.org", to: .bytes(1000), actor: "test")
        #expect(try client.request("MKCOL", home + "docs/").status == 201)
        #expect(try client.request("MKCOL", home + "docs/old/").status == 201)
        #expect(try client.put(home + "docs/a.bin", String(repeating: "a", count: 200),
                               type: "application/octet-stream").status == 201)
        #expect(try client.put(home + "docs/old/b.bin", String(repeating: "b", count: 300),
                               type: "application/octet-stream").status == 201)
        // 501 bytes in use: a copy of docs/ adds 500, one byte too many.
        #expect(try client.put(home + "one.bin", "x", type: "application/octet-stream").status == 201)
        let refused = try client.request("COPY", home + "docs/",
                                         headers: ["Destination": "http://localhost\(home)copy/"])
        #expect(refused.status == 507)
        #expect(try client.request("MOVE", home + "docs/", headers: ["Destination": "http://localhost\(home)moved/"])
            .status == 201)
        #expect(try client.request("DELETE", home + "one.bin").status == 204)
        #expect(try client.request("COPY", home + "moved/", headers: ["Destination": "http://localhost\(home)copy/"])
            .status == 201)
    }
}

@Suite("DAV items per collection")
struct DAVItemLimitTests {
    @Test("a full collection refuses new objects with 507 and max-items-per-collection, but takes updates")
    func fullCollection() throws {
        let harness = try DAVHarness(maxItemsPerCollection: 3)
        let client = try harness.client()
        let calendar = "/dav/calendars/alice@example.org/default/"
        for index in 0..<3 {
            let event = Samples.event("e\(index)", start: Samples.at(days: Double(index)))
            #expect(try client.put(calendar + "e\(index).ics", event).status == 201)
        }
        let refused = try client.put(calendar + "e3.ics", Samples.event("e3", start: Samples.at(days: 3)))
        #expect(refused.status == 507)
        #expect(refused.xml.child(XMLName(XMLNamespace.tideline, "max-items-per-collection")) != nil)
        #expect(refused.text.contains("holds 3 items"))
        #expect(try client.put(calendar + "e0.ics", Samples.event("e0", start: Samples.at(days: 5)))
            .status == 204, "replacing an object adds none")

        #expect(try client.request("MKCALENDAR", "/dav/calendars/alice@example.org/work/").status == 201)
        let work = "/dav/calendars/alice@example.org/work/"
        #expect(try client.put(work + "w.ics", Samples.event("w", start: Samples.at(days: 1))).status == 201)
        #expect(try client.request("COPY", work + "w.ics", headers: ["Destination": calendar + "w.ics"]).status == 507)
        #expect(try client.request("MOVE", work + "w.ics", headers: ["Destination": calendar + "w.ics"]).status == 507)
        #expect(try client.memberNames(calendar) == ["e0.ics", "e1.ics", "e2.ics"])

        #expect(try client.request("DELETE", calendar + "e1.ics").status == 204)
        #expect(try client.request("MOVE", work + "w.ics", headers: ["Destination": calendar + "w.ics"]).status == 201)
    }
}
