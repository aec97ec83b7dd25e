import CICal

/// The zones a resource's TZIDs name: its own VTIMEZONE components first, then libical's
/// builtin zones. Built once at parse time, inside the libical lock.
///
/// libical works out a VTIMEZONE's transitions from the year of its first observance (1970 or
/// 1981 in what Thunderbird and iOS write) up to a few years from now, on first use; done anew
/// for every parsed resource, that costs most of a millisecond. Clients repeat the same
/// VTIMEZONE text in every resource, so zones are shared through `VTimezoneCache`.
struct ZoneTable {
    private var zones: [String: OpaquePointer] = [:]

    init(root: OpaquePointer) {
        for vtimezone in LibICal.children(of: root, kind: ICAL_VTIMEZONE_COMPONENT) {
            guard let property = LibICal.property(of: vtimezone, kind: ICAL_TZID_PROPERTY),
                  let tzid = LibICal.string(icalproperty_get_tzid(property)) else { continue }
            if let zone = VTimezoneCache.zone(for: vtimezone) ?? icalcomponent_get_timezone(root, tzid) {
                zones[tzid] = zone
            }
        }
    }

    /// The zone `tzid` names, or nil when neither the resource nor libical knows it.
    func zone(forTZID tzid: String) -> OpaquePointer? {
        zones[tzid] ?? TimeConversion.builtinZone(named: tzid)
    }
}

/// libical zones built from VTIMEZONE components, keyed by the component's text, kept for the
/// life of the process (trees point into them, so they are never freed).
///
/// Limitation: after `capacity` distinct VTIMEZONE texts, new ones are no longer shared and
/// each resource works out its own transitions again (correct, only slower).
enum VTimezoneCache {
    static let capacity = 2_000

    /// Guarded by the libical lock.
    nonisolated(unsafe) private static var zones: [String: OpaquePointer] = [:]

    static func zone(for vtimezone: OpaquePointer) -> OpaquePointer? {
        guard let key = LibICal.takeString(icalcomponent_as_ical_string_r(vtimezone)) else { return nil }
        if let zone = zones[key] { return zone }
        guard zones.count < capacity, let zone = icaltimezone_new() else { return nil }
        guard icaltimezone_set_component(zone, icalcomponent_new_clone(vtimezone)) != 0 else {
            icaltimezone_free(zone, 1)
            return nil
        }
        zones[key] = zone
        return zone
    }
}
