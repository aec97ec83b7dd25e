/// Limits of the server core; the front ends add protocol limits of their own.
public struct ServerLimits: Sendable {
    /// Open connections across all listeners; more are refused with the service's refusal.
    public var maxConnections = 20_000
    /// Open connections from one client IP address (loopback is not counted: it is the site's
    /// own MTA and tools). Phones behind one office NAT share an address, so this is generous.
    public var maxConnectionsPerIP = 500
    /// Frames queued for a session before the loop stops reading from that connection.
    public var maxQueuedFrames = 16
    /// Unwritten output bytes above which the loop stops reading (a slow reader's backpressure).
    public var outputHighWater = 4 << 20
    /// Seconds a closing connection may take to write its last output.
    public var closeGrace = 5.0
    /// Seconds a stopping server waits for sessions to say goodbye before closing them.
    public var shutdownGrace = 3.0

    public init() {}
}

/// Seconds on a monotonic clock.
public func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

#if canImport(Glibc)
import Glibc
#endif
