import Foundation
import ICalendar
import Testing

@Suite("Checking calendar object resources (RFC 4791 section 4.1)")
struct ValidationTests {
    private func failure(_ text: String) -> ICalendarError? {
        do {
            _ = try CalendarResource(parsing: text)
            return nil
        } catch {
            return error
        }
    }

    @Test("a resource written by iOS parses, keeps its bytes and reports UID and kind")
    func iosResource() throws {
        let bytes = try Fixture.bytes("ios-weekly-berlin.ics")
        let resource = try CalendarResource(parsing: bytes)
        #expect(resource.bytes == bytes)
        #expect(resource.uid == "4F1C8A52-1D2B-4E7A-9C33-2B9E0D7A6C11")
        #expect(resource.kind == .event)
        #expect(resource.isRecurring)
    }

    @Test("resources from Thunderbird, Google, DAVx5 and others parse with their kind",
          arguments: [("thunderbird-monthly-newyork.ics", CalendarComponentKind.event),
                      ("google-allday-yearly.ics", .event), ("davx5-task-completed.ics", .todo),
                      ("journal.ics", .journal), ("freebusy.ics", .freeBusy)])
    func clientResources(name: String, kind: CalendarComponentKind) throws {
        #expect(try Fixture.resource(name).kind == kind)
    }

    @Test("a byte order mark before BEGIN:VCALENDAR is accepted")
    func byteOrderMark() throws {
        let resource = try CalendarResource(parsing: [0xEF, 0xBB, 0xBF] + Array(event("DTSTART:20240101T100000Z").utf8))
        #expect(resource.uid == "test-event@example.org")
    }

    @Test("each broken rule is refused with a description that names it", arguments: [
        (event("DTSTART:20240101T100000Z").replacingOccurrences(of: "VERSION:2.0\n", with: ""),
         "missing VERSION:2.0 in the VCALENDAR"),
        (event("DTSTART:20240101T100000Z").replacingOccurrences(of: "VERSION:2.0", with: "VERSION:1.0"),
         "VERSION must be 2.0, not \"1.0\""),
        (event("DTSTART:20240101T100000Z").replacingOccurrences(of: "VERSION:2.0", with: "VERSION:2.0\nMETHOD:PUBLISH"),
         "METHOD is not allowed in a stored calendar object; remove it (RFC 4791 section 4.1)"),
        (calendar("X-WR-CALNAME:empty"), "no VEVENT, VTODO, VJOURNAL or VFREEBUSY in the VCALENDAR"),
        (calendar("BEGIN:VEVENT\nUID:a\nDTSTART:20240101T100000Z\nEND:VEVENT\nBEGIN:VTODO\nUID:a\nEND:VTODO"),
         "VEVENT and VTODO in one resource; store each component type separately"),
        (calendar("BEGIN:VEVENT\nUID:a\nDTSTART:20240101T100000Z\nEND:VEVENT\n"
            + "BEGIN:VEVENT\nUID:b\nRECURRENCE-ID:20240102T100000Z\nDTSTART:20240102T100000Z\nEND:VEVENT"),
         "components with different UIDs (\"a\" and \"b\") in one resource"),
        (calendar("BEGIN:VEVENT\nDTSTART:20240101T100000Z\nEND:VEVENT"), "VEVENT has no UID"),
        (calendar("BEGIN:VEVENT\nUID:a\nDTSTART:20240101T100000Z\nEND:VEVENT\n"
            + "BEGIN:VEVENT\nUID:a\nDTSTART:20240102T100000Z\nEND:VEVENT"),
         "two VEVENT components describe the same instance (same or no RECURRENCE-ID)"),
        (event("SUMMARY:no start"), "VEVENT has no DTSTART"),
        (event("DTSTART:20240101T100000Z\nDTEND:20240101T110000Z\nDURATION:PT1H"),
         "VEVENT has both DTEND and DURATION"),
        (event("DTSTART:20240101T100000Z\nDTEND:20240101T090000Z"), "VEVENT DTEND lies before its DTSTART"),
        (event("DTSTART;VALUE=DATE:20240101\nDTEND:20240102T090000Z"),
         "VEVENT DTSTART and DTEND must both be DATE or both be DATE-TIME"),
        (todo("DUE:20240101T100000Z\nDURATION:PT1H\nDTSTART:20240101T090000Z"), "VTODO has both DUE and DURATION"),
        (todo("DURATION:PT1H"), "VTODO has no DTSTART"),
        (event("DTSTART;TZID=Mars/Olympus_Mons:20240101T100000"),
         "TZID \"Mars/Olympus_Mons\" has no VTIMEZONE in the resource and is not a known time zone"),
        (event("DTSTART:20240101T100000Z\nDTSTART:20240102T100000Z"), "VEVENT has more than one DTSTART"),
        // Found by fuzzing: an hourly observance rule took seconds to expand.
        (calendar("BEGIN:VTIMEZONE\nTZID:Hourly\nBEGIN:STANDARD\nDTSTART:19961027T030000\n"
                  + "RRULE:FREQ=HOURLY;BYMONTH=10;BYDAY=-1SU\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\n"
                  + "END:STANDARD\nEND:VTIMEZONE\nBEGIN:VEVENT\nUID:a\nDTSTAMP:20240101T000000Z\n"
                  + "DTSTART;TZID=Hourly:20240101T100000\nEND:VEVENT"),
         "VTIMEZONE \"Hourly\": STANDARD and DAYLIGHT rules must recur yearly at their DTSTART's time "
            + "(FREQ=YEARLY without BYHOUR, BYMINUTE or BYSECOND)"),
        (calendar("BEGIN:VTIMEZONE\nTZID:Every hour of March\nBEGIN:DAYLIGHT\nDTSTART:19810329T020000\n"
                  + "RRULE:FREQ=YEARLY;BYMONTH=3;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11\nTZOFFSETFROM:+0100\n"
                  + "TZOFFSETTO:+0200\nEND:DAYLIGHT\nEND:VTIMEZONE\nBEGIN:VEVENT\nUID:a\n"
                  + "DTSTAMP:20240101T000000Z\nDTSTART:20240101T100000Z\nEND:VEVENT"),
         "VTIMEZONE \"Every hour of March\": STANDARD and DAYLIGHT rules must recur yearly at their DTSTART's time "
            + "(FREQ=YEARLY without BYHOUR, BYMINUTE or BYSECOND)"),
        (calendar("BEGIN:VAVAILABILITY\nUID:a\nEND:VAVAILABILITY"),
         "VAVAILABILITY cannot be stored; a resource holds VEVENT, VTODO, VJOURNAL or VFREEBUSY"),
        (event("DTSTART:20240101T100000Z") + event("DTSTART:20240101T100000Z"),
         "more than one VCALENDAR; a calendar object resource holds exactly one"),
        ("BEGIN:VEVENT\nUID:a\nEND:VEVENT\n", "not iCalendar data: expected BEGIN:VCALENDAR ... END:VCALENDAR"),
        ("BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:a\n",
         "not iCalendar data: expected BEGIN:VCALENDAR ... END:VCALENDAR"),
        ("", "not iCalendar data: expected BEGIN:VCALENDAR ... END:VCALENDAR"),
    ])
    func refusals(text: String, description: String) {
        #expect(failure(text)?.description == description)
    }

    @Test("a value libical cannot read is reported with libical's message")
    func libicalErrors() {
        let error = failure(event("DTSTART:20240101T100000Z\nDTEND:2024013T1"))
        #expect(error?.description.hasPrefix("cannot parse the iCalendar data: ") == true)
        #expect(error?.description.contains("DTEND") == true)
        let rule = failure(event("DTSTART:20240101T100000Z\nRRULE:FREQ=SOMETIMES"))
        #expect(rule?.description.contains("RRULE") == true)
    }

    @Test("empty DESCRIPTION and LOCATION lines, as Google writes them, are accepted")
    func emptyValues() throws {
        let resource = try CalendarResource(parsing: event("DTSTART:20240101T100000Z\nDESCRIPTION:\nLOCATION:"))
        #expect(resource.kind == .event)
    }

    @Test("bytes that are not UTF-8 or hold NUL are refused")
    func notUTF8() {
        #expect(throws: ICalendarError(.notUTF8)) {
            try CalendarResource(parsing: Array(event("SUMMARY:caf").utf8) + [0xE9])
        }
        #expect(throws: ICalendarError(.notUTF8)) {
            try CalendarResource(parsing: Array("BEGIN:VCALENDAR\0".utf8))
        }
    }

    @Test("a task, a journal without dates and a lone overridden instance are valid")
    func validWithoutMaster() throws {
        #expect(try CalendarResource(parsing: todo("SUMMARY:someday")).kind == .todo)
        let journal = calendar("BEGIN:VJOURNAL\nUID:j\nDTSTAMP:20240101T000000Z\nSUMMARY:x\nEND:VJOURNAL")
        #expect(try CalendarResource(parsing: journal).kind == .journal)
        let lone = event("RECURRENCE-ID:20240108T100000Z\nDTSTART:20240108T120000Z")
        #expect(try CalendarResource(parsing: lone).isRecurring)
    }
}
