import Foundation
import ICalendar
import TidelineStore

/// What CalDAV checks and indexes of a calendar object at PUT (RFC 4791 section 5.3.2.1).
extension DAVContext {
    /// Parses a PUT body as one calendar object resource and works out its span for the
    /// store's window and time-range index. Refusals name the CalDAV precondition and say what
    /// is wrong.
    func calendarIndex(of data: [UInt8], contentType: String, for collection: DAVCollection) throws(DAVError)
        -> DAVObjectIndex
    {
        let type = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) }
        guard type?.lowercased() == "text/calendar" else {
            throw DAVError(415, "Calendars take text/calendar; this body is \(contentType).",
                           precondition: .caldav("supported-calendar-data"))
        }
        let resource: CalendarResource
        do {
            resource = try CalendarResource(parsing: data)
        } catch {
            throw DAVError(403, "The calendar data is not valid: \(error.description).",
                           precondition: .caldav("valid-calendar-data"))
        }
        let allowed = collection.components.isEmpty ? ["VEVENT", "VTODO", "VJOURNAL"] : collection.components
        guard allowed.contains(resource.kind.rawValue) else {
            throw DAVError(403, "This calendar takes \(allowed.joined(separator: ", ")), not \(resource.kind.rawValue); "
                           + "store it in a calendar that does.", precondition: .caldav("supported-calendar-component"))
        }
        let span = resource.span(timeZone: floatingTimeZone(of: collection))
        return DAVObjectIndex(uid: resource.uid, component: resource.kind.rawValue,
                              spanStart: span.start.map(Self.seconds), spanEnd: span.end.map(Self.seconds),
                              completed: span.completed.map(Self.seconds))
    }

    static func seconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }

    /// The zone floating times and all-day dates of a calendar are read in: the calendar's
    /// `calendar-timezone` when it names a known zone, else UTC.
    func floatingTimeZone(of collection: DAVCollection) -> TimeZone {
        guard let stored = try? store.properties(collectionID: collection.id)
            .first(where: { $0.namespace == XMLNamespace.caldav && $0.name == "calendar-timezone" })?.value,
              let range = stored.range(of: "TZID:")
        else { return .gmt }
        let identifier = stored[range.upperBound...].prefix { !$0.isNewline && $0 != "\r" && $0 != "&" }
        return TimeZone(identifier: String(identifier).trimmingCharacters(in: .whitespaces)) ?? .gmt
    }
}
