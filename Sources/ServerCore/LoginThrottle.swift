import Foundation

/// Slows repeated failed logins, per address and per client IP.
///
/// Each failure within the last `window` seconds doubles the delay before the next failed
/// reply (from `base` up to `maximum`); a success clears the address's count. The delay falls
/// on the failing connection only.
public final class LoginThrottle: @unchecked Sendable {
    private let lock = NSLock()
    private var failures: [String: [Double]] = [:]
    public let window: Double
    let base: Double
    let maximum: Double

    public init(window: Double = 600, base: Double = 0.25, maximum: Double = 5) {
        self.window = window
        self.base = base
        self.maximum = maximum
    }

    /// Records a failure for the address and the IP; returns the delay to apply.
    public func failed(address: String, ip: String, now: Double = Date().timeIntervalSince1970) -> Double {
        lock.withLock {
            var worst = 0
            for key in ["user:" + address.lowercased(), "ip:" + ip] {
                var list = (failures[key] ?? []).filter { now - $0 < window }
                list.append(now)
                failures[key] = list
                worst = max(worst, list.count)
            }
            if failures.count > 100_000 { prune(now: now) }
            return min(maximum, base * pow(2, Double(min(worst - 1, 16))))
        }
    }

    public func succeeded(address: String) {
        lock.withLock { failures["user:" + address.lowercased()] = nil }
    }

    private func prune(now: Double) {
        failures = failures.filter { $0.value.contains { now - $0 < window } }
    }
}
