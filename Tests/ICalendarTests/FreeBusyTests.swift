import Foundation
import ICalendar
import Testing

@Suite("free-busy-query (RFC 4791 section 7.10)")
struct FreeBusyTests {
    @Test("busy periods of a recurring event are its instances clipped to the range")
    func recurring() throws {
        let resource = try Fixture.resource("ios-weekly-berlin.ics")
        let periods = resource.busyPeriods(in: range("2024-04-04T12:45:00Z", "2024-04-11T00:00:00Z"))
        #expect(periods == [
            BusyPeriod(start: utc("2024-04-04T12:45:00Z"), end: utc("2024-04-04T13:00:00Z"), type: .busy),
            BusyPeriod(start: utc("2024-04-10T07:30:00Z"), end: utc("2024-04-10T08:00:00Z"), type: .busy),
        ])
    }

    @Test("transparent and cancelled events are free, tentative ones BUSY-TENTATIVE")
    func statuses() throws {
        let whole = range("2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z")
        let base = "DTSTART:20240101T100000Z\nDTEND:20240101T110000Z\n"
        #expect(try CalendarResource(parsing: event(base + "TRANSP:TRANSPARENT")).busyPeriods(in: whole).isEmpty)
        #expect(try CalendarResource(parsing: event(base + "STATUS:CANCELLED")).busyPeriods(in: whole).isEmpty)
        #expect(try CalendarResource(parsing: event(base + "STATUS:TENTATIVE")).busyPeriods(in: whole).map(\.type)
            == [.busyTentative])
        #expect(try CalendarResource(parsing: event("DTSTART:20240101T100000Z")).busyPeriods(in: whole).isEmpty)
    }

    @Test("a VFREEBUSY contributes its periods that are not FREE")
    func freeBusyComponent() throws {
        let periods = try Fixture.resource("freebusy.ics")
            .busyPeriods(in: range("2024-05-06T00:00:00Z", "2024-05-07T00:00:00Z"))
        #expect(periods == [
            BusyPeriod(start: utc("2024-05-06T09:00:00Z"), end: utc("2024-05-06T10:00:00Z"), type: .busy),
            BusyPeriod(start: utc("2024-05-06T12:00:00Z"), end: utc("2024-05-06T12:30:00Z"), type: .busyTentative),
        ])
    }

    @Test("the reply merges overlapping and touching periods per type and writes them in UTC")
    func reply() throws {
        let periods = [
            BusyPeriod(start: utc("2024-05-06T09:00:00Z"), end: utc("2024-05-06T10:00:00Z"), type: .busy),
            BusyPeriod(start: utc("2024-05-06T09:30:00Z"), end: utc("2024-05-06T11:00:00Z"), type: .busy),
            BusyPeriod(start: utc("2024-05-06T11:00:00Z"), end: utc("2024-05-06T11:15:00Z"), type: .busy),
            BusyPeriod(start: utc("2024-05-06T13:00:00Z"), end: utc("2024-05-06T14:00:00Z"), type: .busy),
            BusyPeriod(start: utc("2024-05-06T10:00:00Z"), end: utc("2024-05-06T10:30:00Z"), type: .busyTentative),
        ]
        let text = FreeBusyReply.render(periods, start: utc("2024-05-06T00:00:00Z"), end: utc("2024-05-07T00:00:00Z"),
                                        stamp: utc("2024-05-05T12:00:00Z"))
        let lines = text.replacingOccurrences(of: "\r\n ", with: "").components(separatedBy: "\r\n")
        #expect(lines.contains("DTSTART:20240506T000000Z"))
        #expect(lines.contains("DTEND:20240507T000000Z"))
        #expect(lines.contains("DTSTAMP:20240505T120000Z"))
        #expect(lines.filter { $0.hasPrefix("FREEBUSY") } == [
            "FREEBUSY:20240506T090000Z/20240506T111500Z",
            "FREEBUSY:20240506T130000Z/20240506T140000Z",
            "FREEBUSY;FBTYPE=BUSY-TENTATIVE:20240506T100000Z/20240506T103000Z",
        ])
        let reparsed = try CalendarResource(parsing: text.replacingOccurrences(
            of: "BEGIN:VFREEBUSY\r\n", with: "BEGIN:VFREEBUSY\r\nUID:reply\r\n"))
        #expect(reparsed.kind == .freeBusy)
    }
}
