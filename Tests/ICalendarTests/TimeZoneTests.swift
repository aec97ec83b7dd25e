import Foundation
import ICalendar
import Testing

@Suite("Time zones, floating times and all-day dates")
struct TimeZoneTests {
    @Test("an IANA TZID without VTIMEZONE keeps 10:00 Berlin wall time across the October switch")
    func berlinByName() throws {
        let resource = try CalendarResource(parsing: event(
            "DTSTART;TZID=Europe/Berlin:20241020T100000\nDTEND;TZID=Europe/Berlin:20241020T110000\n"
            + "RRULE:FREQ=WEEKLY;COUNT=3"))
        // CEST (+2) on 20 October, CET (+1) from 27 October 03:00.
        #expect(starts(resource, .unbounded)
            == [utc("2024-10-20T08:00:00Z"), utc("2024-10-27T09:00:00Z"), utc("2024-11-03T09:00:00Z")])
    }

    @Test("an IANA TZID without VTIMEZONE keeps 09:00 New York wall time across the November switch")
    func newYorkByName() throws {
        let resource = try CalendarResource(parsing: event(
            "DTSTART;TZID=America/New_York:20241027T090000\nRRULE:FREQ=WEEKLY;COUNT=3"))
        // EDT (-4) on 27 October, EST (-5) from 3 November 02:00.
        #expect(starts(resource, .unbounded)
            == [utc("2024-10-27T13:00:00Z"), utc("2024-11-03T14:00:00Z"), utc("2024-11-10T14:00:00Z")])
    }

    @Test("a VTIMEZONE in the resource is used for the spring switch in Berlin")
    func berlinByVTimezone() throws {
        let resource = try Fixture.resource("ios-weekly-berlin.ics")
        // 20 March is CET (+1), 10 April CEST (+2).
        #expect(starts(resource, range("2024-03-20T00:00:00Z", "2024-04-11T00:00:00Z"))
            == [utc("2024-03-20T08:30:00Z"), utc("2024-04-04T12:30:00Z"), utc("2024-04-10T07:30:00Z")])
    }

    @Test("a VTIMEZONE whose TZID is not an IANA name is used by its rules")
    func customVTimezone() throws {
        let text = calendar("""
            BEGIN:VTIMEZONE
            TZID:W. Europe Standard Time
            BEGIN:STANDARD
            DTSTART:16010101T030000
            TZOFFSETFROM:+0200
            TZOFFSETTO:+0100
            RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
            END:STANDARD
            BEGIN:DAYLIGHT
            DTSTART:16010101T020000
            TZOFFSETFROM:+0100
            TZOFFSETTO:+0200
            RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
            END:DAYLIGHT
            END:VTIMEZONE
            BEGIN:VEVENT
            UID:outlook-1
            DTSTAMP:20240101T000000Z
            DTSTART;TZID=W. Europe Standard Time:20240328T090000
            DTEND;TZID=W. Europe Standard Time:20240328T093000
            RRULE:FREQ=DAILY;COUNT=5
            END:VEVENT
            """)
        let resource = try CalendarResource(parsing: text)
        // 28-30 March at 09:00 CET (08:00Z); 31 March and 1 April at 09:00 CEST (07:00Z).
        #expect(starts(resource, .unbounded) == [
            utc("2024-03-28T08:00:00Z"), utc("2024-03-29T08:00:00Z"), utc("2024-03-30T08:00:00Z"),
            utc("2024-03-31T07:00:00Z"), utc("2024-04-01T07:00:00Z"),
        ])
    }

    @Test("a floating time is placed in the calendar's time zone, including its DST change")
    func floating() throws {
        let resource = try CalendarResource(parsing: event(
            "DTSTART:20240330T120000\nDTEND:20240330T130000\nRRULE:FREQ=DAILY;COUNT=2"))
        #expect(starts(resource, .unbounded, timeZone: berlin)
            == [utc("2024-03-30T11:00:00Z"), utc("2024-03-31T10:00:00Z")])
        #expect(starts(resource, .unbounded) == [utc("2024-03-30T12:00:00Z"), utc("2024-03-31T12:00:00Z")])
        #expect(starts(resource, .unbounded, timeZone: newYork)
            == [utc("2024-03-30T16:00:00Z"), utc("2024-03-31T16:00:00Z")])
    }

    @Test("an all-day event lasts from midnight to midnight in the calendar's time zone")
    func allDay() throws {
        let resource = try Fixture.resource("google-allday-yearly.ics")
        let inBerlin = resource.instances(in: range("2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z"), timeZone: berlin)
        #expect(inBerlin.map(\.start) == [utc("2025-03-24T23:00:00Z")])
        #expect(inBerlin.map(\.end) == [utc("2025-03-26T23:00:00Z")])
        #expect(inBerlin.first?.isAllDay == true)
        let inUTC = resource.instances(in: range("2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z"))
        #expect(inUTC.map(\.start) == [utc("2025-03-25T00:00:00Z")])
        #expect(inUTC.map(\.end) == [utc("2025-03-27T00:00:00Z")])
    }

    @Test("an all-day event without DTEND lasts one day, 23 hours on the day DST starts")
    func allDayWithoutEnd() throws {
        let resource = try CalendarResource(parsing: event("DTSTART;VALUE=DATE:20240331"))
        let instance = resource.instances(in: .unbounded, timeZone: berlin).first
        #expect(instance?.start == utc("2024-03-30T23:00:00Z"))
        #expect(instance?.end == utc("2024-03-31T22:00:00Z"))
    }

    @Test("a DURATION of one day keeps the wall clock across DST, PT24H does not")
    func nominalDuration() throws {
        let day = try CalendarResource(parsing: event("DTSTART;TZID=Europe/Berlin:20240330T120000\nDURATION:P1D"))
        #expect(day.instances(in: .unbounded).first?.end == utc("2024-03-31T10:00:00Z"))
        let hours = try CalendarResource(parsing: event("DTSTART;TZID=Europe/Berlin:20240330T120000\nDURATION:PT24H"))
        #expect(hours.instances(in: .unbounded).first?.end == utc("2024-03-31T11:00:00Z"))
    }

    /// Found by fuzzing: libical keeps zone changes up to 2582 only and expanded them all again
    /// for each later time, so an end in year 7240 cost seconds per query.
    @Test("a time far past 2500 keeps its zone's rules as of 2500: summer and winter offsets")
    func pastLibicalZoneYears() throws {
        let summer = try CalendarResource(parsing: event("DTSTART;TZID=America/New_York:72400701T193000"))
        let winter = try CalendarResource(parsing: event("DTSTART;TZID=America/New_York:72401225T193000"))
        #expect(summer.span().start == utc("7240-07-01T23:30:00Z"))
        #expect(winter.span().start == utc("7240-12-26T00:30:00Z"))
        // The fuzzer's case: a monthly series whose every instance ends in 7240.
        let series = try CalendarResource(parsing: event(
            "DTSTART;TZID=America/New_York:20240109T180000\nDTEND;TZID=America/New_York:72401225T193000\n"
            + "RRULE:FREQ=MONTHLY;UNTIL=20240630T220000Z;BYDAY=2TU"))
        // Each instance lasts into 7240, so June 2024 overlaps all six.
        #expect(starts(series, range("2024-06-01T00:00:00Z", "2024-07-01T00:00:00Z")) == [
            "2024-01-09T23:00:00Z", "2024-02-13T23:00:00Z", "2024-03-12T22:00:00Z", "2024-04-09T22:00:00Z",
            "2024-05-14T22:00:00Z", "2024-06-11T22:00:00Z",
        ].map(utc))
    }

    @Test("a Berlin series well past 2037 still follows the DST rules")
    func farFuture() throws {
        let resource = try CalendarResource(parsing: event(
            "DTSTART;TZID=Europe/Berlin:20500101T120000\nRRULE:FREQ=MONTHLY;BYMONTHDAY=1;COUNT=8"))
        // 1 July 2050 is summer time (+2), 1 January winter time (+1).
        let found = starts(resource, .unbounded)
        #expect(found.first == utc("2050-01-01T11:00:00Z"))
        #expect(found.last == utc("2050-08-01T10:00:00Z"))
    }

    @Test("resources are shared between threads safely")
    func concurrency() async throws {
        let resource = try Fixture.resource("ios-weekly-berlin.ics")
        let counts = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var total = 0
                    for _ in 0..<50 {
                        total += resource.instances(in: .unbounded).count
                        total += (try? Fixture.resource("thunderbird-monthly-newyork.ics"))?
                            .instances(in: .unbounded).count ?? 0
                    }
                    return total
                }
            }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(counts == Array(repeating: 50 * (5 + 6), count: 8))
    }
}
