import Foundation
import Testing
@testable import DAVServer

/// Device windows on calendars: what a 5-day device, a 30-day device and the user's own login
/// see, before and after the window slides.
@Suite("Calendar windows per device")
struct CalendarWindowTests {
    static let calendar = "/dav/calendars/alice@example.org/default/"
    static let tasks = "/dav/calendars/alice@example.org/tasks/"

    /// A calendar with events on both sides of the 5-day and 30-day window starts.
    static func prepared() throws -> (DAVHarness, phone: DAVClient, tablet: DAVClient, own: DAVClient) {
        let harness = try DAVHarness()
        let phone = try harness.client(password: try harness.device("phone", windowDays: 5))
        let tablet = try harness.client(password: try harness.device("tablet", windowDays: 30))
        let own = try harness.client()
        let events: [(String, String)] = [
            // Ended 2 days ago: inside 5 and 30 days.
            ("recent.ics", Samples.event("recent", start: Samples.at(days: -2.1))),
            // Ended 10 days ago: inside 30 only.
            ("ten-days.ics", Samples.event("ten-days", start: Samples.at(days: -10.1))),
            // Ended 40 days ago: in neither.
            ("old.ics", Samples.event("old", start: Samples.at(days: -40))),
            ("future.ics", Samples.event("future", start: Samples.at(days: 7))),
            // A weekly series begun 100 days ago that never ends: always in play.
            ("series.ics", Samples.event("series", start: Samples.at(days: -100), extra: ["RRULE:FREQ=WEEKLY"])),
            // Five weekly instances from 100 days ago: over long ago.
            ("ended-series.ics", Samples.event("ended-series", start: Samples.at(days: -100),
                                               extra: ["RRULE:FREQ=WEEKLY;COUNT=5"])),
        ]
        for (name, body) in events {
            let response = try own.put(calendar + name, body)
            #expect(response.status == 201, "\(name): \(response)")
        }
        return (harness, phone, tablet, own)
    }

    @Test("PROPFIND Depth 1 lists each device's view, never the events before its window")
    func listing() throws {
        let (_, phone, tablet, own) = try Self.prepared()
        let five = ["future.ics", "recent.ics", "series.ics"]
        #expect(try phone.memberNames(Self.calendar) == five)
        #expect(try own.memberNames(Self.calendar) == five)
        #expect(try tablet.memberNames(Self.calendar) == ["future.ics", "recent.ics", "series.ics", "ten-days.ics"])
    }

    @Test("calendar-query and sync-collection speak of the same view as PROPFIND")
    func queriesMatchTheView() throws {
        let (_, phone, tablet, _) = try Self.prepared()
        let query = """
            <?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">\
            <d:prop><d:getetag/></d:prop><c:filter><c:comp-filter name="VCALENDAR">\
            <c:comp-filter name="VEVENT"/></c:comp-filter></c:filter></c:calendar-query>
            """
        let names = { (response: DAVClient.Response) in
            response.responses.map { String($0.href.split(separator: "/").last ?? "") }.sorted()
        }
        #expect(names(try phone.report(Self.calendar, query)) == ["future.ics", "recent.ics", "series.ics"])
        #expect(names(try tablet.report(Self.calendar, query)).count == 4)
        #expect(try phone.sync(Self.calendar).present == ["future.ics", "recent.ics", "series.ics"])
    }

    @Test("a time range is cut to the window: last year finds nothing on a 5-day device")
    func timeRangeIntersection() throws {
        let (_, phone, tablet, _) = try Self.prepared()
        let range = { (start: Date, end: Date) in
            """
            <?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">\
            <d:prop><d:getetag/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">\
            <c:time-range start="\(Samples.stamp(start))" end="\(Samples.stamp(end))"/></c:comp-filter>\
            </c:comp-filter></c:filter></c:calendar-query>
            """
        }
        // The weekly series has instances every week, including 40-50 days ago.
        let longAgo = range(Samples.at(days: -50), Samples.at(days: -35))
        #expect(try phone.report(Self.calendar, longAgo).responses.isEmpty)
        let tabletLongAgo = try tablet.report(Self.calendar, longAgo).responses
        #expect(tabletLongAgo.isEmpty, "40-50 days ago is outside 30 days too")
        let lastTwoWeeks = range(Samples.at(days: -14), Samples.at(days: 0))
        let phoneNames = try phone.report(Self.calendar, lastTwoWeeks).responses.map(\.href)
        #expect(phoneNames.count == 2, "recent and the series: \(phoneNames)")
        let tabletNames = try tablet.report(Self.calendar, lastTwoWeeks).responses.map(\.href)
        #expect(tabletNames.count == 3, "ten-days too: \(tabletNames)")
    }

    @Test("multiget answers 404 for hrefs outside the device's window")
    func multiget() throws {
        let (_, phone, tablet, _) = try Self.prepared()
        let body = """
            <?xml version="1.0"?><c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">\
            <d:prop><d:getetag/><c:calendar-data/></d:prop><d:href>\(Self.calendar)recent.ics</d:href>\
            <d:href>\(Self.calendar)ten-days.ics</d:href><d:href>\(Self.calendar)missing.ics</d:href>\
            </c:calendar-multiget>
            """
        let phoneAnswer = try phone.report(Self.calendar, body)
        #expect(phoneAnswer.entry("recent.ics")?.text("calendar-data")?.contains("UID:recent") == true)
        #expect(phoneAnswer.entry("ten-days.ics")?.status == 404)
        #expect(phoneAnswer.entry("missing.ics")?.status == 404)
        #expect(try tablet.report(Self.calendar, body).entry("ten-days.ics")?.status == nil)
    }

    @Test("an event that ages out is reported removed by the next sync, and the ctag moves")
    func agingOut() throws {
        let (harness, phone, tablet, _) = try Self.prepared()
        let first = try phone.sync(Self.calendar)
        let tabletFirst = try tablet.sync(Self.calendar)
        let ctag = try phone.propfind(Self.calendar, ["cs:getctag"]).responses.first?.text("getctag")
        // Unchanged a day later: nothing aged out, nothing to report, same token.
        harness.clock.advance(by: Samples.day)
        let quiet = try phone.sync(Self.calendar, token: first.token)
        #expect(quiet.present.isEmpty && quiet.removed.isEmpty)
        #expect(quiet.token == first.token)
        // Three more days: `recent` ended six days ago.
        harness.clock.advance(by: 3 * Samples.day)
        let later = try phone.sync(Self.calendar, token: first.token)
        #expect(later.removed == ["recent.ics"])
        #expect(later.present.isEmpty)
        #expect(later.token != first.token)
        #expect(try phone.propfind(Self.calendar, ["cs:getctag"]).responses.first?.text("getctag") != ctag)
        #expect(try phone.memberNames(Self.calendar) == ["future.ics", "series.ics"])
        // The tablet's window still holds it, and the server keeps it.
        let tabletLater = try tablet.sync(Self.calendar, token: tabletFirst.token)
        #expect(tabletLater.removed.isEmpty)
        #expect(try tablet.memberNames(Self.calendar).contains("recent.ics"))
        #expect(try phone.request("GET", Self.calendar + "recent.ics").status == 200)
        // A sync from the newer token reports nothing more.
        let again = try phone.sync(Self.calendar, token: later.token)
        #expect(again.present.isEmpty && again.removed.isEmpty)
    }

    @Test("a device may PUT an event older than its window: stored, then outside its view")
    func putOld() throws {
        let (harness, phone, tablet, _) = try Self.prepared()
        let token = try phone.sync(Self.calendar).token
        let put = try phone.put(Self.calendar + "back-dated.ics", Samples.event("back-dated", start: Samples.at(days: -9)))
        #expect(put.status == 201)
        #expect(try !phone.memberNames(Self.calendar).contains("back-dated.ics"))
        #expect(try tablet.memberNames(Self.calendar).contains("back-dated.ics"))
        let sync = try phone.sync(Self.calendar, token: token)
        #expect(!sync.present.contains("back-dated.ics"))
        let user = try harness.store.user("alice@example.org")
        let collection = try #require(try harness.store.collection(userID: user.id, kind: .calendar, path: "default"))
        #expect(try harness.store.objectInfo(collectionID: collection.id, name: "back-dated.ics") != nil)
    }

    @Test("a wider window after a policy change brings older events back through sync")
    func wideningWindow() throws {
        let (harness, phone, _, _) = try Self.prepared()
        let first = try phone.sync(Self.calendar)
        let device = try #require(try harness.store.devices(of: "alice@example.org").first { $0.name == "phone" })
        try harness.store.setPolicy([(.windowDays, .days(30))], for: .device(device.id), actor: "test")
        let wider = try phone.sync(Self.calendar, token: first.token)
        #expect(wider.present.contains("ten-days.ics"))
        #expect(wider.removed.isEmpty)
    }

    @Test("tasks: open ones and those completed inside the window are seen, older completed ones are not")
    func tasks() throws {
        let (_, phone, tablet, own) = try Self.prepared()
        try own.put(Self.tasks + "open.ics", Samples.task("open", completed: nil))
        try own.put(Self.tasks + "done-recently.ics", Samples.task("done-recently", completed: Samples.at(days: -1)))
        try own.put(Self.tasks + "done-long-ago.ics", Samples.task("done-long-ago", completed: Samples.at(days: -12)))
        #expect(try phone.memberNames(Self.tasks) == ["done-recently.ics", "open.ics"])
        #expect(try tablet.memberNames(Self.tasks) == ["done-long-ago.ics", "done-recently.ics", "open.ics"])
    }
}
