/// Why bytes are not an acceptable calendar object resource.
///
/// The `description` is written for people: CalDAV sends it in the body of a 403 response with
/// the `valid-calendar-data` or `valid-calendar-object-resource` precondition (RFC 4791 section
/// 5.3.2.1), so it names the component and the rule that was broken.
public struct ICalendarError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The rule that was broken.
    public enum Reason: Sendable, Equatable {
        /// The bytes are not UTF-8 (RFC 5545 section 3.1.4), or hold a NUL byte.
        case notUTF8
        /// libical found no `BEGIN:VCALENDAR` ... `END:VCALENDAR` in the text.
        case notICalendar
        /// The text holds more than one VCALENDAR.
        case multipleCalendars
        /// libical could not read part of the text; the payload is its message, the line kept.
        case malformed(String)
        /// No VERSION property, or a VERSION other than 2.0.
        case unsupportedVersion(String?)
        /// The resource has a METHOD property, which belongs to scheduling messages only.
        case methodNotAllowed
        /// No VEVENT, VTODO, VJOURNAL or VFREEBUSY.
        case noComponent
        /// A top-level component CalDAV does not store, such as VAVAILABILITY.
        case unsupportedComponent(String)
        /// Two component types in one resource, such as a VEVENT and a VTODO.
        case mixedComponents(String, String)
        /// A component without a UID.
        case missingUID(String)
        /// Two components with different UIDs.
        case differentUIDs(String, String)
        /// Two components without RECURRENCE-ID, or two with the same one.
        case duplicateInstance(String)
        /// A component lacks a property it must have, such as DTSTART on a VEVENT.
        case missingProperty(component: String, property: String)
        /// A component has two properties that exclude each other, such as DTEND and DURATION.
        case conflictingProperties(component: String, String, String)
        /// A property that may appear once appears more often.
        case repeatedProperty(component: String, property: String)
        /// An end (DTEND, DUE) lies before the start, or a DURATION is negative.
        case endBeforeStart(component: String, property: String)
        /// DTSTART is a DATE and the end a DATE-TIME or the other way round.
        case mixedValueTypes(component: String, property: String)
        /// A TZID names no VTIMEZONE in the resource and no time zone libical knows.
        case unknownTimeZone(String)
        /// A STANDARD or DAYLIGHT rule of the VTIMEZONE with this TZID does not recur yearly
        /// at its DTSTART's time (its transitions would be walked hour by hour).
        case irregularTimeZoneRule(String)
    }

    /// The rule that was broken.
    public let reason: Reason

    public init(_ reason: Reason) {
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .notUTF8:
            "calendar data must be UTF-8 text without NUL bytes"
        case .notICalendar:
            "not iCalendar data: expected BEGIN:VCALENDAR ... END:VCALENDAR"
        case .multipleCalendars:
            "more than one VCALENDAR; a calendar object resource holds exactly one"
        case .malformed(let message):
            "cannot parse the iCalendar data: \(message)"
        case .unsupportedVersion(let version?):
            "VERSION must be 2.0, not \"\(version)\""
        case .unsupportedVersion(nil):
            "missing VERSION:2.0 in the VCALENDAR"
        case .methodNotAllowed:
            "METHOD is not allowed in a stored calendar object; remove it (RFC 4791 section 4.1)"
        case .noComponent:
            "no VEVENT, VTODO, VJOURNAL or VFREEBUSY in the VCALENDAR"
        case .unsupportedComponent(let name):
            "\(name) cannot be stored; a resource holds VEVENT, VTODO, VJOURNAL or VFREEBUSY"
        case .mixedComponents(let first, let second):
            "\(first) and \(second) in one resource; store each component type separately"
        case .missingUID(let component):
            "\(component) has no UID"
        case .differentUIDs(let first, let second):
            "components with different UIDs (\"\(first)\" and \"\(second)\") in one resource"
        case .duplicateInstance(let component):
            "two \(component) components describe the same instance (same or no RECURRENCE-ID)"
        case .missingProperty(let component, let property):
            "\(component) has no \(property)"
        case .conflictingProperties(let component, let first, let second):
            "\(component) has both \(first) and \(second)"
        case .repeatedProperty(let component, let property):
            "\(component) has more than one \(property)"
        case .endBeforeStart(let component, let property):
            "\(component) \(property) lies before its DTSTART"
        case .mixedValueTypes(let component, let property):
            "\(component) DTSTART and \(property) must both be DATE or both be DATE-TIME"
        case .unknownTimeZone(let tzid):
            "TZID \"\(tzid)\" has no VTIMEZONE in the resource and is not a known time zone"
        case .irregularTimeZoneRule(let tzid):
            "VTIMEZONE \"\(tzid)\": STANDARD and DAYLIGHT rules must recur yearly at their DTSTART's time "
                + "(FREQ=YEARLY without BYHOUR, BYMINUTE or BYSECOND)"
        }
    }
}
