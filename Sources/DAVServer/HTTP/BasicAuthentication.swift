import Foundation
import ServerCore
import TidelineStore

/// HTTP Basic authentication (RFC 7617) against the store: the user's own password or a device
/// app password, as over IMAP.
///
/// DAV clients send credentials with every request, and each check costs a slow password hash
/// by design, so a successful check is remembered for `cacheSeconds` under a keyed digest of
/// the header (the password itself is never kept). Failures are slowed per address and per
/// client IP by the shared login throttle.
final class BasicAuthentication: @unchecked Sendable {
    let store: Store
    let throttle: LoginThrottle
    let cacheSeconds: Double
    private let lock = NSLock()
    private var cache: [Int: (header: Int, principal: Principal, expires: Double)] = [:]
    /// A per-process random key, so digests cannot be computed outside this process.
    private let key = UInt64.random(in: .min ... .max)

    static let challenge = "Basic realm=\"Tideline\", charset=\"UTF-8\""

    init(store: Store, throttle: LoginThrottle = LoginThrottle(), cacheSeconds: Double = 60) {
        self.store = store
        self.throttle = throttle
        self.cacheSeconds = cacheSeconds
    }

    enum Outcome {
        case success(Principal)
        /// No or unusable credentials: 401 with the challenge.
        case missing
        /// Wrong credentials; the answer is to be held back `delay` seconds (the throttle's).
        case failed(address: String, disabled: Bool, delay: Double)
        /// Too many failures for the address or IP: not checked; retry after the seconds given.
        case refused(address: String, retryAfter: Double)
    }

    func authenticate(_ request: HTTPRequest, peer: String, now: Double = Date().timeIntervalSince1970) throws
        -> Outcome
    {
        guard let header = request.header("authorization") else { return .missing }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
              let decoded = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
              let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return .missing }
        let address = String(text[..<colon])
        let password = String(text[text.index(after: colon)...])
        let digest = self.digest(header)
        if let hit = lock.withLock({ cache[digest] }), hit.expires > now {
            return .success(hit.principal)
        }
        if let wait = throttle.refusal(address: address, ip: peer, now: now) {
            return .refused(address: address, retryAfter: wait)
        }
        switch try store.authenticate(address: address, password: password) {
        case .success(let principal):
            throttle.succeeded(address: address)
            lock.withLock {
                if cache.count > 10_000 { cache = cache.filter { $0.value.expires > now } }
                cache[digest] = (digest, principal, now + cacheSeconds)
            }
            return .success(principal)
        case .failure(let failure):
            let delay = throttle.failed(address: address, ip: peer)
            return .failed(address: address, disabled: failure == .disabled, delay: delay)
        }
    }

    /// Drops the remembered logins whose owner matches.
    func forget(where matches: (SessionOwner) -> Bool) {
        lock.withLock {
            cache = cache.filter {
                !matches(SessionOwner(userID: $0.value.principal.user.id, deviceID: $0.value.principal.device?.id))
            }
        }
    }

    private func digest(_ header: String) -> Int {
        var hasher = Hasher()
        hasher.combine(key)
        hasher.combine(header)
        return hasher.finalize()
    }
}
