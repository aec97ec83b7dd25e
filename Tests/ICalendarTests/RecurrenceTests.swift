import Foundation
import ICalendar
import Testing

@Suite("Expanding recurrence sets")
struct RecurrenceTests {
    @Test("weekly with an EXDATE and an overridden instance, as iOS writes it")
    func weeklyWithExceptions() throws {
        let resource = try Fixture.resource("ios-weekly-berlin.ics")
        // Wednesdays 13, 20, 27 March and 3, 10, 17 April 2024 at 09:30 Berlin; 27 March is
        // excluded; 3 April moved to 4 April 14:30. Berlin switches to CEST on 31 March.
        let instances = resource.instances(in: .unbounded)
        #expect(instances.map(\.start) == [utc("2024-03-13T08:30:00Z"), utc("2024-03-20T08:30:00Z"),
                                           utc("2024-04-04T12:30:00Z"), utc("2024-04-10T07:30:00Z"),
                                           utc("2024-04-17T07:30:00Z")])
        #expect(instances.map(\.end) == [utc("2024-03-13T09:00:00Z"), utc("2024-03-20T09:00:00Z"),
                                         utc("2024-04-04T13:00:00Z"), utc("2024-04-10T08:00:00Z"),
                                         utc("2024-04-17T08:00:00Z")])
        #expect(instances.map(\.isOverride) == [false, false, true, false, false])
        #expect(instances[2].recurrenceID == utc("2024-04-03T07:30:00Z"))
        #expect(instances[2].componentIndex == 1)
        #expect(instances[0].recurrenceID == utc("2024-03-13T08:30:00Z"))
    }

    @Test("an override moves its instance out of one range and into another")
    func movedOverride() throws {
        let resource = try Fixture.resource("ios-weekly-berlin.ics")
        #expect(starts(resource, range("2024-04-03T00:00:00Z", "2024-04-04T00:00:00Z")).isEmpty)
        #expect(starts(resource, range("2024-04-04T00:00:00Z", "2024-04-05T00:00:00Z"))
            == [utc("2024-04-04T12:30:00Z")])
        #expect(starts(resource, range("2024-03-27T00:00:00Z", "2024-03-28T00:00:00Z")).isEmpty)
    }

    @Test("monthly on the second Tuesday until June, across the US DST change")
    func secondTuesday() throws {
        let resource = try Fixture.resource("thunderbird-monthly-newyork.ics")
        // 9 Jan, 13 Feb at 18:00 EST (23:00Z); from 10 March EDT: 12 Mar, 9 Apr, 14 May, 11 Jun
        // at 18:00 EDT (22:00Z). UNTIL 30 June ends the series.
        #expect(starts(resource, .unbounded) == [
            utc("2024-01-09T23:00:00Z"), utc("2024-02-13T23:00:00Z"), utc("2024-03-12T22:00:00Z"),
            utc("2024-04-09T22:00:00Z"), utc("2024-05-14T22:00:00Z"), utc("2024-06-11T22:00:00Z"),
        ])
    }

    @Test("monthly on the last Friday, three times")
    func lastFriday() throws {
        let resource = try CalendarResource(parsing: event(
            "DTSTART:20240126T120000Z\nDTEND:20240126T130000Z\nRRULE:FREQ=MONTHLY;BYDAY=-1FR;COUNT=3"))
        // 31 Jan 2024 is a Wednesday, 29 Feb a Thursday, 31 March a Sunday.
        #expect(starts(resource, .unbounded)
            == [utc("2024-01-26T12:00:00Z"), utc("2024-02-23T12:00:00Z"), utc("2024-03-29T12:00:00Z")])
    }

    @Test("RDATE adds instances, a PERIOD RDATE with its own length, and EXDATE as DATE removes a day")
    func rdates() throws {
        let resource = try CalendarResource(parsing: event("""
            DTSTART:20240101T090000Z
            DURATION:PT1H
            RRULE:FREQ=DAILY;COUNT=3
            RDATE:20240110T090000Z
            RDATE;VALUE=PERIOD:20240111T150000Z/PT2H
            EXDATE;VALUE=DATE:20240102
            """))
        let instances = resource.instances(in: .unbounded)
        #expect(instances.map(\.start) == [utc("2024-01-01T09:00:00Z"), utc("2024-01-03T09:00:00Z"),
                                           utc("2024-01-10T09:00:00Z"), utc("2024-01-11T15:00:00Z")])
        #expect(instances.last?.end == utc("2024-01-11T17:00:00Z"))
    }

    @Test("a range far into an open-ended daily series finds its instances without walking from DTSTART")
    func farRange() throws {
        let resource = try CalendarResource(parsing: event("DTSTART:20000101T080000Z\nRRULE:FREQ=DAILY"))
        #expect(starts(resource, range("2090-06-01T00:00:00Z", "2090-06-03T00:00:00Z"))
            == [utc("2090-06-01T08:00:00Z"), utc("2090-06-02T08:00:00Z")])
    }

    @Test("an event without end is a moment: it matches a range that starts at it, not one that ends at it")
    func momentEvent() throws {
        let resource = try CalendarResource(parsing: event("DTSTART:20240105T100000Z"))
        #expect(starts(resource, range("2024-01-05T10:00:00Z", "2024-01-05T11:00:00Z")).count == 1)
        #expect(starts(resource, range("2024-01-05T09:00:00Z", "2024-01-05T10:00:00Z")).isEmpty)
        let instance = resource.instances(in: .unbounded).first
        #expect(instance?.end == instance?.start)
        #expect(instance?.recurrenceID == nil)
    }

    @Test("a huge COUNT does not hang a query near DTSTART")
    func hugeCount() throws {
        let resource = try CalendarResource(parsing: event(
            "DTSTART:20240101T080000Z\nRRULE:FREQ=DAILY;COUNT=1000000"))
        #expect(starts(resource, range("2024-01-02T00:00:00Z", "2024-01-03T00:00:00Z"))
            == [utc("2024-01-02T08:00:00Z")])
    }
}
