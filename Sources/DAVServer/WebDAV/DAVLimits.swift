import Foundation

/// Sizes the DAV front end enforces, with the values it advertises.
enum DAVLimits {
    /// The largest calendar object or vCard accepted (`max-resource-size`); larger ones get
    /// 413 with the `max-resource-size` precondition.
    static let maxObjectSize = 4 << 20
    /// The most hrefs a multiget may ask for at once.
    static let maxMultigetHrefs = 5_000
    /// The most instances one object is expanded to in a report.
    static let maxExpandedInstances = 10_000

    /// Free bytes on the file system holding the data directory, for `quota-available-bytes`.
    static func availableBytes(at directory: URL) -> Int64 {
        var stats = statvfs()
        guard statvfs(directory.path, &stats) == 0 else { return 0 }
        return Int64(stats.f_bavail) * Int64(stats.f_frsize)
    }
}
