import Foundation
import ICalendar
import Testing

@Suite("Spans for the store's index")
struct SpanTests {
    @Test("a weekly series with COUNT spans its first start to its last end, override included")
    func countSpan() throws {
        let span = try Fixture.resource("ios-weekly-berlin.ics").span()
        #expect(span == CalendarSpan(start: utc("2024-03-13T08:30:00Z"), end: utc("2024-04-17T08:00:00Z")))
    }

    @Test("a series with UNTIL ends with its last instance")
    func untilSpan() throws {
        let span = try Fixture.resource("thunderbird-monthly-newyork.ics").span()
        // Last instance 11 June 18:00-19:30 EDT.
        #expect(span == CalendarSpan(start: utc("2024-01-09T23:00:00Z"), end: utc("2024-06-11T23:30:00Z")))
    }

    @Test("an override moved after the last instance extends the span")
    func overrideAfterEnd() throws {
        let text = calendar("""
            BEGIN:VEVENT
            UID:s
            DTSTART:20240101T100000Z
            DTEND:20240101T110000Z
            RRULE:FREQ=DAILY;COUNT=2
            END:VEVENT
            BEGIN:VEVENT
            UID:s
            RECURRENCE-ID:20240102T100000Z
            DTSTART:20240301T100000Z
            DTEND:20240301T120000Z
            END:VEVENT
            """)
        let span = try CalendarResource(parsing: text).span()
        #expect(span == CalendarSpan(start: utc("2024-01-01T10:00:00Z"), end: utc("2024-03-01T12:00:00Z")))
    }

    @Test("an RRULE without COUNT or UNTIL is open-ended")
    func openEnded() throws {
        let span = try Fixture.resource("google-allday-yearly.ics").span(timeZone: berlin)
        #expect(span == CalendarSpan(start: utc("2024-03-24T23:00:00Z"), end: nil))
        #expect(span.mayOverlap(range("2090-01-01T00:00:00Z", "2090-01-02T00:00:00Z")))
        #expect(!span.mayOverlap(range("2024-01-01T00:00:00Z", "2024-03-01T00:00:00Z")))
    }

    @Test("COUNT=1000000 is treated as open-ended instead of being walked")
    func hugeCount() throws {
        let span = try CalendarResource(parsing: event("DTSTART:20240101T080000Z\nRRULE:FREQ=SECONDLY;COUNT=1000000"))
            .span()
        #expect(span == CalendarSpan(start: utc("2024-01-01T08:00:00Z"), end: nil))
    }

    @Test("a long series with UNTIL ends at UNTIL plus its length and a day, never before its real end")
    func longUntil() throws {
        let span = try CalendarResource(parsing: event(
            "DTSTART:20240101T080000Z\nDTEND:20240101T090000Z\nRRULE:FREQ=DAILY;UNTIL=20341231T080000Z")).span()
        #expect(span.start == utc("2024-01-01T08:00:00Z"))
        #expect(span.end == utc("2035-01-01T09:00:00Z"))
    }

    @Test("an RDATE later than the rule's end is in the span")
    func rdateSpan() throws {
        let span = try CalendarResource(parsing: event(
            "DTSTART:20240101T080000Z\nRRULE:FREQ=DAILY;COUNT=2\nRDATE:20240601T080000Z")).span()
        #expect(span == CalendarSpan(start: utc("2024-01-01T08:00:00Z"), end: utc("2024-06-01T08:00:00Z")))
    }

    @Test("a completed task with only DUE spans its due time and reports COMPLETED")
    func completedTask() throws {
        let span = try Fixture.resource("davx5-task-completed.ics").span(timeZone: berlin)
        // DUE;VALUE=DATE:20240415 is midnight Berlin (CEST) = 14 April 22:00Z.
        #expect(span == CalendarSpan(start: utc("2024-04-14T22:00:00Z"), end: utc("2024-04-14T22:00:00Z"),
                                     completed: utc("2024-04-10T08:15:00Z")))
    }

    @Test("task spans follow the RFC 4791 table", arguments: [
        ("DTSTART:20240101T100000Z\nDUE:20240103T100000Z", "2024-01-01T10:00:00Z", "2024-01-03T10:00:00Z"),
        ("DTSTART:20240101T100000Z\nDURATION:PT2H", "2024-01-01T10:00:00Z", "2024-01-01T12:00:00Z"),
        ("DTSTART:20240101T100000Z", "2024-01-01T10:00:00Z", "2024-01-01T10:00:00Z"),
        ("CREATED:20240101T100000Z\nCOMPLETED:20240105T100000Z", "2024-01-01T10:00:00Z", "2024-01-05T10:00:00Z"),
        ("CREATED:20240101T100000Z", "2024-01-01T10:00:00Z", nil),
        ("SUMMARY:no dates", nil, nil),
    ])
    func taskSpans(body: String, start: String?, end: String?) throws {
        let span = try CalendarResource(parsing: todo(body)).span()
        #expect(span.start == start.map(utc))
        #expect(span.end == end.map(utc))
    }

    @Test("a journal spans its DTSTART day")
    func journal() throws {
        let span = try Fixture.resource("journal.ics").span()
        #expect(span == CalendarSpan(start: utc("2024-05-02T00:00:00Z"), end: utc("2024-05-03T00:00:00Z")))
    }
}
