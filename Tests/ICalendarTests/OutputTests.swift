import Foundation
import ICalendar
import Testing

@Suite("calendar-data output: expand and limit-recurrence-set (RFC 4791 section 9.6)")
struct OutputTests {
    /// The content lines of `text` with folds undone.
    private func lines(_ text: String) -> [String] {
        text.replacingOccurrences(of: "\r\n ", with: "").replacingOccurrences(of: "\r\n", with: "\n")
            .split(separator: "\n").map(String.init)
    }

    @Test("expand writes one UTC component per instance in range with RECURRENCE-ID, and re-parses")
    func expand() throws {
        let resource = try Fixture.resource("ios-weekly-berlin.ics")
        let text = resource.expanded(in: range("2024-03-20T00:00:00Z", "2024-04-11T00:00:00Z"))
        let output = lines(text)
        #expect(output.filter { $0 == "BEGIN:VEVENT" }.count == 3)
        #expect(output.filter { $0.hasPrefix("DTSTART") } == [
            "DTSTART:20240320T083000Z", "DTSTART:20240404T123000Z", "DTSTART:20240410T073000Z",
        ])
        #expect(output.filter { $0.hasPrefix("DTEND") } == [
            "DTEND:20240320T090000Z", "DTEND:20240404T130000Z", "DTEND:20240410T080000Z",
        ])
        #expect(output.filter { $0.hasPrefix("RECURRENCE-ID") } == [
            "RECURRENCE-ID:20240320T083000Z", "RECURRENCE-ID:20240403T073000Z", "RECURRENCE-ID:20240410T073000Z",
        ])
        #expect(!output.contains { $0.hasPrefix("RRULE") || $0.hasPrefix("EXDATE") || $0.hasPrefix("RDATE") })
        #expect(!output.contains { $0.contains("VTIMEZONE") || $0.contains("TZID") })
        #expect(output.contains("PRODID:-//Apple Inc.//iOS 17.4//EN"))

        // The expanded text is a valid resource of its own: the same three instances.
        let reparsed = try CalendarResource(parsing: text)
        #expect(reparsed.uid == resource.uid)
        #expect(starts(reparsed, .unbounded)
            == [utc("2024-03-20T08:30:00Z"), utc("2024-04-04T12:30:00Z"), utc("2024-04-10T07:30:00Z")])
    }

    @Test("expanding all-day instances keeps DATE values")
    func expandAllDay() throws {
        let resource = try Fixture.resource("google-allday-yearly.ics")
        let output = lines(resource.expanded(in: range("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z")))
        #expect(output.filter { $0.hasPrefix("DTSTART") || $0.hasPrefix("DTEND") || $0.hasPrefix("RECURRENCE-ID") }
            == ["DTSTART;VALUE=DATE:20260325", "DTEND;VALUE=DATE:20260327", "RECURRENCE-ID;VALUE=DATE:20260325"])
    }

    @Test("expanding a single event converts its zoned times to UTC and adds no RECURRENCE-ID")
    func expandSingle() throws {
        let resource = try CalendarResource(parsing: event(
            "DTSTART;TZID=America/New_York:20240704T120000\nDTEND;TZID=America/New_York:20240704T130000"))
        let output = lines(resource.expanded(in: .unbounded))
        #expect(output.contains("DTSTART:20240704T160000Z"))
        #expect(output.contains("DTEND:20240704T170000Z"))
        #expect(!output.contains { $0.hasPrefix("RECURRENCE-ID") })
    }

    @Test("limit-recurrence-set keeps the master and only overrides touching the range")
    func limitRecurrenceSet() throws {
        let resource = try Fixture.resource("ios-weekly-berlin.ics")
        let inside = lines(resource.limitedRecurrenceSet(to: range("2024-04-04T00:00:00Z", "2024-04-05T00:00:00Z")))
        #expect(inside.filter { $0 == "BEGIN:VEVENT" }.count == 2)
        #expect(inside.contains { $0.hasPrefix("RRULE") })
        let outside = lines(resource.limitedRecurrenceSet(to: range("2024-04-10T00:00:00Z", "2024-04-11T00:00:00Z")))
        #expect(outside.filter { $0 == "BEGIN:VEVENT" }.count == 1)
        #expect(!outside.contains { $0.hasPrefix("RECURRENCE-ID") })
        #expect(outside.contains { $0.hasPrefix("BEGIN:VTIMEZONE") })
    }
}
