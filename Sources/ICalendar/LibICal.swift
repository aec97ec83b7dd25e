import CICal
import Foundation

/// The one door to libical: a process-wide lock and the small conversions every file needs.
///
/// libical keeps global state (the table of builtin time zones it loads lazily from
/// /usr/share/zoneinfo, the TZID prefix, its error number and a ring of temporary string
/// buffers), and even reading a component moves an iterator stored inside it. So every call
/// into libical from this module runs inside `locked`, which makes `CalendarResource` safe to
/// share between threads.
///
/// Limitation: the lock serializes all libical work in the process; parsing and expansion on
/// several threads at once queue behind each other instead of running in parallel.
enum LibICal {
    /// Recursive, so that a tree freed while the lock is held (a temporary inside a locked
    /// block) does not deadlock in its `deinit`.
    private static let lock = NSRecursiveLock()

    /// Runs `body` while holding the libical lock.
    static func locked<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Copies a string that libical owns (its ring buffer or a component's own storage).
    static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    /// Copies and frees a string that the caller owns (the `_r` functions).
    static func takeString(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        defer { icalmemory_free_buffer(pointer) }
        return String(cString: pointer)
    }

    /// The properties of `component` with the given kind, in order.
    static func properties(of component: OpaquePointer, kind: icalproperty_kind) -> [OpaquePointer] {
        var result: [OpaquePointer] = []
        var property = icalcomponent_get_first_property(component, kind)
        while let current = property {
            result.append(current)
            property = icalcomponent_get_next_property(component, kind)
        }
        return result
    }

    /// The first property of `component` with the given kind.
    static func property(of component: OpaquePointer, kind: icalproperty_kind) -> OpaquePointer? {
        icalcomponent_get_first_property(component, kind)
    }

    /// The direct children of `component` with the given kind, in order.
    static func children(of component: OpaquePointer, kind: icalcomponent_kind) -> [OpaquePointer] {
        var result: [OpaquePointer] = []
        var child = icalcomponent_get_first_component(component, kind)
        while let current = child {
            result.append(current)
            child = icalcomponent_get_next_component(component, kind)
        }
        return result
    }

    /// Removes and frees every property of `kind` from `component`.
    static func removeProperties(of component: OpaquePointer, kind: icalproperty_kind) {
        for property in properties(of: component, kind: kind) {
            icalcomponent_remove_property(component, property)
            icalproperty_free(property)
        }
    }

    /// The component's name, `VEVENT`; libical 3.0 keeps no name for `X-` components.
    ///
    /// Limitation: every `X-` component is named `X` here, so a comp-filter cannot tell two
    /// kinds of `X-` component apart.
    static func name(of component: OpaquePointer) -> String {
        string(icalcomponent_kind_to_string(icalcomponent_isa(component))) ?? "X"
    }

    /// The property's name as written, `DTSTART` or `X-FOO`.
    static func name(ofProperty property: OpaquePointer) -> String {
        takeString(icalproperty_get_property_name_r(property)) ?? "X-UNKNOWN"
    }

    /// The value of `TZID` on a property, if it has one.
    static func tzid(of property: OpaquePointer) -> String? {
        guard let parameter = icalproperty_get_first_parameter(property, ICAL_TZID_PARAMETER) else {
            return nil
        }
        return string(icalparameter_get_tzid(parameter))
    }
}
