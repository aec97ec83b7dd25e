import Foundation

/// Sizes the DAV front end enforces, with the values it advertises.
public enum DAVLimits {
    /// The largest calendar object or vCard accepted (`max-resource-size`); larger ones get
    /// 413 with the `max-resource-size` precondition.
    static let maxObjectSize = 4 << 20
    /// The most objects one calendar, address book or file folder holds; a PUT, COPY or MOVE
    /// of a new object into a full one gets 507 with the `tl:max-items-per-collection`
    /// precondition. A calendar of ten years at 50 events a week is 26,000 objects.
    public static let maxItemsPerCollection = 100_000
    /// The most hrefs a multiget may ask for at once.
    static let maxMultigetHrefs = 5_000

    /// Free bytes on the file system holding the data directory, for `quota-available-bytes`.
    static func availableBytes(at directory: URL) -> Int64 {
        var stats = statvfs()
        guard statvfs(directory.path, &stats) == 0 else { return 0 }
        return Int64(stats.f_bavail) * Int64(stats.f_frsize)
    }
}
