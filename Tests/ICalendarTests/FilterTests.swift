import Foundation
import ICalendar
import Testing

@Suite("calendar-query filters (RFC 4791 section 9.7)")
struct FilterTests {
    /// A filter for VCALENDAR > `name` with a time range.
    private func timeFilter(_ name: String, _ timeRange: CalendarTimeRange) -> CalendarComponentFilter {
        CalendarComponentFilter(name: "VCALENDAR", componentFilters: [
            CalendarComponentFilter(name: name, timeRange: timeRange),
        ])
    }

    /// A filter for VCALENDAR > VEVENT with one prop-filter.
    private func propertyFilter(_ filter: CalendarPropertyFilter) -> CalendarComponentFilter {
        CalendarComponentFilter(name: "VCALENDAR", componentFilters: [
            CalendarComponentFilter(name: "VEVENT", propertyFilters: [filter]),
        ])
    }

    @Test("a VEVENT filter without conditions matches events and not tasks")
    func componentPresence() throws {
        let filter = CalendarComponentFilter(name: "VCALENDAR",
                                             componentFilters: [CalendarComponentFilter(name: "VEVENT")])
        #expect(try Fixture.resource("ios-weekly-berlin.ics").matches(filter))
        #expect(try !Fixture.resource("davx5-task-completed.ics").matches(filter))
        #expect(try !Fixture.resource("ios-weekly-berlin.ics").matches(CalendarComponentFilter(name: "VTODO")))
    }

    @Test("recurring events match a range holding any of their instances and no other")
    func recurringEvent() throws {
        let resource = try Fixture.resource("ios-weekly-berlin.ics")
        #expect(resource.matches(timeFilter("VEVENT", range("2024-04-17T07:59:00Z", "2024-04-17T09:00:00Z"))))
        #expect(!resource.matches(timeFilter("VEVENT", range("2024-04-17T08:00:00Z", "2024-04-18T00:00:00Z"))))
        #expect(!resource.matches(timeFilter("VEVENT", range("2024-03-27T00:00:00Z", "2024-03-28T00:00:00Z"))))
        #expect(resource.matches(timeFilter("VEVENT", range("2024-04-04T12:00:00Z", nil))))
        #expect(resource.matches(timeFilter("VEVENT", range(nil, "2024-03-13T08:31:00Z"))))
        #expect(!resource.matches(timeFilter("VEVENT", range(nil, "2024-03-13T08:30:00Z"))))
    }

    @Test("VTODO time ranges follow the RFC 4791 table", arguments: [
        // DTSTART + DUE: overlaps when (start < DUE or start <= DTSTART) and (end > DTSTART or end >= DUE).
        ("DTSTART:20240110T100000Z\nDUE:20240112T100000Z", "2024-01-11T00:00:00Z", "2024-01-11T01:00:00Z", true),
        ("DTSTART:20240110T100000Z\nDUE:20240112T100000Z", "2024-01-12T10:00:00Z", "2024-01-13T00:00:00Z", false),
        // DTSTART + DURATION: start <= DTSTART+DURATION and (end > DTSTART or end >= DTSTART+DURATION).
        ("DTSTART:20240110T100000Z\nDURATION:PT1H", "2024-01-10T11:00:00Z", "2024-01-10T12:00:00Z", true),
        ("DTSTART:20240110T100000Z\nDURATION:PT1H", "2024-01-10T11:00:01Z", "2024-01-10T12:00:00Z", false),
        // DTSTART only: start <= DTSTART and end > DTSTART.
        ("DTSTART:20240110T100000Z", "2024-01-10T10:00:00Z", "2024-01-10T10:00:01Z", true),
        ("DTSTART:20240110T100000Z", "2024-01-10T09:00:00Z", "2024-01-10T10:00:00Z", false),
        // DUE only: start < DUE and end >= DUE.
        ("DUE:20240110T100000Z", "2024-01-10T09:00:00Z", "2024-01-10T10:00:00Z", true),
        ("DUE:20240110T100000Z", "2024-01-10T10:00:00Z", "2024-01-10T11:00:00Z", false),
        // COMPLETED only: start <= COMPLETED and end >= COMPLETED.
        ("COMPLETED:20240110T100000Z", "2024-01-10T10:00:00Z", "2024-01-10T11:00:00Z", true),
        ("COMPLETED:20240110T100000Z", "2024-01-10T10:00:01Z", "2024-01-10T11:00:00Z", false),
        // CREATED only: end > CREATED.
        ("CREATED:20240110T100000Z", "2030-01-01T00:00:00Z", "2030-01-02T00:00:00Z", true),
        ("CREATED:20240110T100000Z", "2024-01-01T00:00:00Z", "2024-01-10T10:00:00Z", false),
        // COMPLETED and CREATED: either lies in the closed range.
        ("CREATED:20240101T100000Z\nCOMPLETED:20240110T100000Z", "2024-01-10T10:00:00Z", "2024-01-11T00:00:00Z", true),
        ("CREATED:20240101T100000Z\nCOMPLETED:20240110T100000Z", "2024-01-11T00:00:00Z", "2024-01-12T00:00:00Z", false),
        // No dates: always.
        ("SUMMARY:whenever", "1999-01-01T00:00:00Z", "1999-01-02T00:00:00Z", true),
    ])
    func todoTable(body: String, start: String, end: String, expected: Bool) throws {
        let resource = try CalendarResource(parsing: todo(body))
        #expect(resource.matches(timeFilter("VTODO", range(start, end))) == expected)
    }

    /// A range with a start and no end is what DAVx5 and a device window ask; the series' first
    /// instance after that start decides, whatever the instances after it.
    @Test("an open-ended series matches a range with only a start, years on, past an EXDATE")
    func openEndedSeriesOpenRange() throws {
        let resource = try CalendarResource(parsing: event(
            "DTSTART:20200106T090000Z\nDTEND:20200106T100000Z\nRRULE:FREQ=WEEKLY\nEXDATE:20261207T090000Z"))
        #expect(resource.matches(timeFilter("VEVENT", range("2026-12-01T00:00:00Z", nil))))
        #expect(resource.matches(timeFilter("VEVENT", range("2099-06-01T00:00:00Z", nil))))
        #expect(resource.instances(in: range("2026-12-01T00:00:00Z", "2026-12-15T00:00:00Z")).map(\.start)
            == [utc("2026-12-14T09:00:00Z")])
    }

    @Test("a series whose last instances are excluded or moved earlier misses a range after them")
    func endedSeriesOpenRange() throws {
        let excluded = try CalendarResource(parsing: event(
            "DTSTART:20240101T090000Z\nDTEND:20240101T100000Z\nRRULE:FREQ=DAILY;COUNT=3\nEXDATE:20240103T090000Z"))
        #expect(!excluded.matches(timeFilter("VEVENT", range("2024-01-03T00:00:00Z", nil))))
        #expect(excluded.matches(timeFilter("VEVENT", range("2024-01-02T09:30:00Z", nil))))
        let moved = try CalendarResource(parsing: calendar("""
            BEGIN:VEVENT\nUID:moved@example.org\nDTSTAMP:20240101T000000Z\nDTSTART:20240101T090000Z
            DTEND:20240101T100000Z\nRRULE:FREQ=DAILY;COUNT=3\nEND:VEVENT
            BEGIN:VEVENT\nUID:moved@example.org\nDTSTAMP:20240101T000000Z\nRECURRENCE-ID:20240103T090000Z
            DTSTART:20240101T110000Z\nDTEND:20240101T120000Z\nEND:VEVENT
            """))
        #expect(!moved.matches(timeFilter("VEVENT", range("2024-01-03T00:00:00Z", nil))))
        #expect(moved.matches(timeFilter("VEVENT", range("2024-01-01T11:30:00Z", nil))))
    }

    @Test("a recurring task matches at a later instance with its DUE moved along")
    func recurringTask() throws {
        let resource = try CalendarResource(parsing: todo(
            "DTSTART:20240101T090000Z\nDUE:20240101T170000Z\nRRULE:FREQ=WEEKLY;COUNT=4"))
        #expect(resource.matches(timeFilter("VTODO", range("2024-01-22T16:00:00Z", "2024-01-22T16:30:00Z"))))
        #expect(!resource.matches(timeFilter("VTODO", range("2024-01-29T00:00:00Z", "2024-02-05T00:00:00Z"))))
    }

    @Test("journals match on their DTSTART day; a journal without DTSTART never matches a range")
    func journals() throws {
        let resource = try Fixture.resource("journal.ics")
        #expect(resource.matches(timeFilter("VJOURNAL", range("2024-05-02T23:00:00Z", "2024-05-04T00:00:00Z"))))
        #expect(!resource.matches(timeFilter("VJOURNAL", range("2024-05-03T00:00:00Z", "2024-05-04T00:00:00Z"))))
        let undated = try CalendarResource(parsing: calendar(
            "BEGIN:VJOURNAL\nUID:j\nDTSTAMP:20240101T000000Z\nEND:VJOURNAL"))
        #expect(!undated.matches(timeFilter("VJOURNAL", range(nil, nil))))
    }

    @Test("a VFREEBUSY matches when a FREEBUSY period overlaps the range")
    func freeBusyComponent() throws {
        let resource = try Fixture.resource("freebusy.ics")
        #expect(resource.matches(timeFilter("VFREEBUSY", range("2024-05-06T12:15:00Z", "2024-05-06T12:20:00Z"))))
        #expect(!resource.matches(timeFilter("VFREEBUSY", range("2024-05-07T00:00:00Z", "2024-05-08T00:00:00Z"))))
    }

    @Test("a VALARM filter matches when a trigger of some instance falls in the range")
    func alarms() throws {
        let resource = try Fixture.resource("ios-weekly-berlin.ics")
        let alarmFilter = { (timeRange: CalendarTimeRange) in
            CalendarComponentFilter(name: "VCALENDAR", componentFilters: [
                CalendarComponentFilter(name: "VEVENT", componentFilters: [
                    CalendarComponentFilter(name: "VALARM", timeRange: timeRange),
                ]),
            ])
        }
        // The 10 April instance starts 07:30Z, so its alarm fires 07:15Z.
        #expect(resource.matches(alarmFilter(range("2024-04-10T07:10:00Z", "2024-04-10T07:20:00Z"))))
        #expect(!resource.matches(alarmFilter(range("2024-04-10T07:20:00Z", "2024-04-10T07:30:00Z"))))
        // With only a start: the 17 April instance, the last, fires at 07:15Z.
        #expect(resource.matches(alarmFilter(range("2024-04-10T07:16:00Z", nil))))
        #expect(!resource.matches(alarmFilter(range("2024-04-17T07:16:00Z", nil))))
        let endless = try CalendarResource(parsing: event(
            "DTSTART:20200106T090000Z\nDTEND:20200106T100000Z\nRRULE:FREQ=WEEKLY\n"
                + "BEGIN:VALARM\nACTION:DISPLAY\nDESCRIPTION:Soon\nTRIGGER:-PT15M\nEND:VALARM"))
        #expect(endless.matches(alarmFilter(range("2099-06-01T00:00:00Z", nil))))
    }

    @Test("text-match is a substring match, without ASCII case by default")
    func textMatchDefault() throws {
        let resource = try Fixture.resource("thunderbird-monthly-newyork.ics")
        let text = { (name: String, text: String) in
            let filter = CalendarPropertyFilter(name: name, textMatch: CalendarTextMatch(text))
            return resource.matches(self.propertyFilter(filter))
        }
        #expect(text("SUMMARY", "BOOK"))
        #expect(text("location", "library, ROOM"))
        #expect(!text("SUMMARY", "movie"))
    }

    @Test("i;octet compares case, i;unicode-casemap folds non-ASCII letters, i;ascii-casemap does not")
    func collations() throws {
        let resource = try Fixture.resource("thunderbird-monthly-newyork.ics")
        func attendee(_ text: String, _ collation: CalendarCollation) -> Bool {
            resource.matches(propertyFilter(CalendarPropertyFilter(name: "ATTENDEE", parameterFilters: [
                CalendarParameterFilter(name: "CN", textMatch: CalendarTextMatch(text, collation: collation)),
            ])))
        }
        #expect(attendee("Müller", .octet))
        #expect(!attendee("müller", .octet))
        #expect(attendee("BJÖRN", .unicodeCasemap))
        #expect(!attendee("BJÖRN", .asciiCasemap))
        #expect(attendee("BJöRN", .asciiCasemap))
        #expect(CalendarCollation(identifier: "i;basic") == nil)
    }

    @Test("negate-condition inverts a text-match")
    func negate() throws {
        let resource = try Fixture.resource("thunderbird-monthly-newyork.ics")
        let summary = { (text: String) in
            CalendarPropertyFilter(name: "SUMMARY", textMatch: CalendarTextMatch(text, isNegated: true))
        }
        #expect(resource.matches(propertyFilter(summary("movie"))))
        #expect(!resource.matches(propertyFilter(summary("club"))))
    }

    @Test("is-not-defined matches absent properties, parameters and components only")
    func isNotDefined() throws {
        let resource = try Fixture.resource("thunderbird-monthly-newyork.ics")
        #expect(resource.matches(propertyFilter(CalendarPropertyFilter(name: "DESCRIPTION", isNotDefined: true))))
        #expect(!resource.matches(propertyFilter(CalendarPropertyFilter(name: "SUMMARY", isNotDefined: true))))
        let noRSVP = CalendarPropertyFilter(name: "ATTENDEE", parameterFilters: [
            CalendarParameterFilter(name: "RSVP", isNotDefined: true),
        ])
        #expect(resource.matches(propertyFilter(noRSVP)))
        let accepted = CalendarPropertyFilter(name: "ATTENDEE", parameterFilters: [
            CalendarParameterFilter(name: "PARTSTAT", textMatch: CalendarTextMatch("ACCEPTED", collation: .octet)),
        ])
        #expect(resource.matches(propertyFilter(accepted)))
        let noAlarm = CalendarComponentFilter(name: "VCALENDAR", componentFilters: [
            CalendarComponentFilter(name: "VEVENT", componentFilters: [
                CalendarComponentFilter(name: "VALARM", isNotDefined: true),
            ]),
        ])
        #expect(resource.matches(noAlarm))
        let withAlarm = try CalendarResource(parsing: event(
            "DTSTART:20240101T100000Z\nBEGIN:VALARM\nACTION:DISPLAY\nDESCRIPTION:x\nTRIGGER:-PT5M\nEND:VALARM"))
        #expect(!withAlarm.matches(noAlarm))
        // The iOS series: the master has an alarm, its moved instance has none, and one
        // VEVENT without VALARM is enough.
        #expect(try Fixture.resource("ios-weekly-berlin.ics").matches(noAlarm))
        let noTodo = CalendarComponentFilter(name: "VCALENDAR", componentFilters: [
            CalendarComponentFilter(name: "VTODO", isNotDefined: true),
        ])
        #expect(resource.matches(noTodo))
    }

    @Test("a UID prop-filter with equal text finds the resource")
    func uidFilter() throws {
        let resource = try Fixture.resource("thunderbird-monthly-newyork.ics")
        #expect(resource.matches(propertyFilter(CalendarPropertyFilter(
            name: "UID", textMatch: CalendarTextMatch("b7c5e2d4-0f3a-4c1e-9a8b-6d2f1e0c9b7a", collation: .octet)))))
    }

    @Test("a prop-filter time-range tests the property's own value")
    func propertyTimeRange() throws {
        let resource = try Fixture.resource("thunderbird-monthly-newyork.ics")
        let created = { (timeRange: CalendarTimeRange) in
            self.propertyFilter(CalendarPropertyFilter(name: "CREATED", timeRange: timeRange))
        }
        #expect(resource.matches(created(range("2024-01-05T15:00:00Z", "2024-01-05T15:00:01Z"))))
        #expect(!resource.matches(created(range("2024-01-06T00:00:00Z", nil))))
    }

    @Test("a time range with prop-filters needs one component to satisfy both")
    func combined() throws {
        let resource = try Fixture.resource("ios-weekly-berlin.ics")
        let movedInApril = CalendarComponentFilter(name: "VCALENDAR", componentFilters: [
            CalendarComponentFilter(name: "VEVENT", timeRange: range("2024-04-04T00:00:00Z", "2024-04-05T00:00:00Z"),
                                    propertyFilters: [
                                        CalendarPropertyFilter(name: "SUMMARY", textMatch: CalendarTextMatch("moved")),
                                    ]),
        ])
        #expect(resource.matches(movedInApril))
        var masterOnly = movedInApril
        masterOnly.componentFilters[0].timeRange = range("2024-04-10T00:00:00Z", "2024-04-11T00:00:00Z")
        #expect(!resource.matches(masterOnly))
    }
}
