import Foundation
import ICalendar

/// Loads sample resources from fixtures/ics, found relative to this file.
enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/ics")

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func resource(_ name: String) throws -> CalendarResource {
        try CalendarResource(parsing: bytes(name))
    }
}

/// An instant written as `2024-03-13T08:30:00Z`.
func utc(_ text: String) -> Date {
    guard let date = ISO8601DateFormatter().date(from: text) else { fatalError("bad test date \(text)") }
    return date
}

/// A range between two instants written as in `utc`.
func range(_ start: String?, _ end: String?) -> CalendarTimeRange {
    CalendarTimeRange(start: start.map(utc), end: end.map(utc))
}

/// A VCALENDAR around `body`, with LF line ends as some clients send them.
func calendar(_ body: String) -> String {
    "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Tideline tests//EN\n\(body)\nEND:VCALENDAR\n"
}

/// A VEVENT with a UID and DTSTAMP around `body`, inside a VCALENDAR.
func event(_ body: String, uid: String = "test-event@example.org") -> String {
    calendar("BEGIN:VEVENT\nUID:\(uid)\nDTSTAMP:20240101T000000Z\n\(body)\nEND:VEVENT")
}

/// A VTODO with a UID around `body`, inside a VCALENDAR.
func todo(_ body: String) -> String {
    calendar("BEGIN:VTODO\nUID:test-task@example.org\nDTSTAMP:20240101T000000Z\n\(body)\nEND:VTODO")
}

/// Instance starts of a resource in a range, for comparing with hand-computed lists.
func starts(_ resource: CalendarResource, _ range: CalendarTimeRange, timeZone: TimeZone = .gmt) -> [Date] {
    resource.instances(in: range, timeZone: timeZone).map(\.start)
}

let berlin = TimeZone(identifier: "Europe/Berlin")!
let newYork = TimeZone(identifier: "America/New_York")!
