import CICal
import Foundation

/// One calendar object resource (RFC 4791 section 4.1): a VCALENDAR with the components of one
/// event, task, journal entry or free-busy block, that is a master and its overridden
/// instances, all sharing a UID.
///
/// Parsing checks what CalDAV requires of a stored resource and keeps the bytes exactly as
/// they were sent. The parsed tree stays with the value, so asking for the span, the instances
/// in a range, a filter match or expanded output does not parse again. Values can be shared
/// freely between threads; the libical work behind them is serialized (see `LibICal`).
public struct CalendarResource: Sendable {
    /// The resource as the client sent it.
    public let bytes: [UInt8]

    /// The UID shared by every component.
    public let uid: String

    /// The type of the components (all have the same).
    public let kind: CalendarComponentKind

    let tree: ICalTree

    /// The resource as text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Whether the master has RRULE or RDATE, or there are overridden instances.
    public var isRecurring: Bool {
        tree.components.count > 1 || tree.components.contains { $0.isRecurring || $0.recurrenceID != nil }
    }

    /// Parses and checks a resource given as text.
    public init(parsing text: String) throws(ICalendarError) {
        try self.init(parsing: Array(text.utf8))
    }

    /// Parses and checks a resource; the bytes must be UTF-8 (a leading byte order mark is
    /// allowed). The error says what is wrong, in words meant for the client.
    public init(parsing bytes: [UInt8]) throws(ICalendarError) {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        guard !body.contains(0), String(validating: body, as: UTF8.self) != nil else {
            throw ICalendarError(.notUTF8)
        }
        let tree = try LibICal.locked { () throws(ICalendarError) -> ICalTree in
            try CalendarValidation.parse(body)
        }
        self.bytes = bytes
        self.tree = tree
        self.kind = tree.components[0].kind
        self.uid = tree.components[0].uid ?? ""
    }
}
