import Foundation

/// Process-wide resource limits the server adjusts at start.
public enum ProcessLimits {
    /// Raises the soft limit on open files to the hard limit: every connection is a descriptor,
    /// and the usual soft limit of 1024 would cap the server far below its connection limit.
    /// Returns the limit now in force.
    @discardableResult
    public static func raiseOpenFiles() -> UInt64 {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return UInt64(limit.rlim_cur)
    }
}
