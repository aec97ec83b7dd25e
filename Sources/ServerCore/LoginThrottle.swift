import Foundation

/// Slows, then refuses, repeated failed logins per address and per client IP; shared by IMAP
/// and DAV so guesses over both protocols count together.
///
/// Each failure within the last `window` seconds doubles the delay before the next failed
/// reply (from `base` up to `maximum`). After `addressLimit` failures for one address, or
/// `ipLimit` from one client IP, further logins are refused without checking the password
/// until the oldest of those failures leaves the window. A success clears the address's count.
/// Loopback clients (webmail, the site's tools) are not refused by IP.
public final class LoginThrottle: @unchecked Sendable {
    private let lock = NSLock()
    private var failures: [String: [Double]] = [:]
    public let window: Double
    public let addressLimit: Int
    public let ipLimit: Int
    let base: Double
    let maximum: Double
    /// Refused logins come as fast as a client can send them: the front ends log one line a
    /// minute per address and client IP.
    public let refusalLog = RepeatLimiter()

    public init(window: Double = 600, base: Double = 0.25, maximum: Double = 5, addressLimit: Int = 10,
                ipLimit: Int = 50) {
        self.window = window
        self.base = base
        self.maximum = maximum
        self.addressLimit = addressLimit
        self.ipLimit = ipLimit
    }

    /// Seconds until a login for `address` from `ip` will be checked again, or nil when it may
    /// be checked now.
    public func refusal(address: String, ip: String, now: Double = Date().timeIntervalSince1970) -> Double? {
        lock.withLock {
            var wait: Double?
            let checks = [("user:" + address.lowercased(), addressLimit)]
                + (Server.isLoopback(ip) ? [] : [("ip:" + ip, ipLimit)])
            for (key, limit) in checks {
                let recent = (failures[key] ?? []).filter { now - $0 < window }
                guard recent.count >= limit else { continue }
                let until = recent[recent.count - limit] + window - now
                wait = max(wait ?? 0, until)
            }
            return wait
        }
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
