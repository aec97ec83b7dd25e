import CICal

/// A VCALENDAR parsed by libical, owned here and freed with the last resource sharing it.
///
/// libical trees are not thread-safe even for reading, so the tree is only touched inside
/// `LibICal.locked`; that is what makes the unchecked `Sendable` sound.
final class ICalTree: @unchecked Sendable {
    /// The VCALENDAR component.
    let root: OpaquePointer
    /// The VEVENT, VTODO, VJOURNAL or VFREEBUSY components in the order they were written.
    let components: [ComponentFacts]
    /// The zones its TZIDs name.
    let zones: ZoneTable

    /// Takes ownership of `root`. Call inside the lock.
    init(root: OpaquePointer, zones: ZoneTable, components: [ComponentFacts]) {
        self.root = root
        self.zones = zones
        self.components = components
    }

    deinit {
        LibICal.locked { icalcomponent_free(root) }
    }

    /// The index of the component without RECURRENCE-ID, if there is one.
    var masterIndex: Int? {
        components.firstIndex { $0.recurrenceID == nil }
    }
}
