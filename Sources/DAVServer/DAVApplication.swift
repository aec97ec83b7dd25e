import Foundation
import ServerCore
import SyncPolicy
import TidelineStore

/// The DAV front end: authenticates each request, finds what its URL names and hands it to the
/// method's handler. Health checks and discovery redirects need no login; everything under
/// `/dav/` does.
public final class DAVApplication: HTTPResponder, @unchecked Sendable {
    let store: Store
    let clock: any WallClock
    let started: Date
    let authentication: BasicAuthentication
    /// Whether Basic credentials are taken without TLS from other machines (loopback always).
    let allowsPlaintextLogin: Bool
    private let lock = NSLock()
    /// When each device's last-seen time was last written, so it is written once a minute.
    private var seenWritten: [String: Date] = [:]
    /// The most objects one collection may hold.
    let maxItemsPerCollection: Int
    /// Users whose default collections are known to exist.
    private var provisioned: Set<Int64> = []

    static let allowed = "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH, MKCOL, MKCALENDAR, COPY, MOVE, REPORT"
    static let davClasses = "1, 3, access-control, calendar-access, addressbook, extended-mkcol"

    public init(store: Store, clock: any WallClock = SystemClock(), started: Date = Date(),
                throttle: LoginThrottle = LoginThrottle(), allowsPlaintextLogin: Bool = false,
                maxItemsPerCollection: Int = DAVLimits.maxItemsPerCollection) {
        self.store = store
        self.maxItemsPerCollection = maxItemsPerCollection
        self.allowsPlaintextLogin = allowsPlaintextLogin
        self.clock = clock
        self.started = started
        authentication = BasicAuthentication(store: store, throttle: throttle)
    }

    public func respond(to request: HTTPRequest, from connection: Connection) -> HTTPResponse {
        do {
            guard connection.isSecure || connection.isLoopback || allowsPlaintextLogin
                    || request.path == "/healthz" || request.method == "OPTIONS" else {
                Log.info("dav.plaintext_refused", ["conn": connection.id, "peer": connection.peerHost])
                return HTTPResponse.text(403, "This server takes logins over HTTPS only; connect with https:// "
                                         + "to its HTTPS port.")
            }
            return try route(request, on: connection)
        } catch let error as DAVError {
            if error.status >= 500 {
                Log.error("dav.failed", ["conn": connection.id, "method": request.method, "path": request.path,
                                         "status": error.status, "reason": error.message])
            } else {
                Log.info("dav.refused", ["conn": connection.id, "method": request.method, "path": request.path,
                                         "status": error.status, "reason": error.message])
            }
            return error.response
        } catch {
            Log.error("dav.failed", ["conn": connection.id, "method": request.method, "path": request.path,
                                     "error": error])
            return HTTPResponse.text(500, "The server could not complete \(request.method) \(request.path); "
                                     + "the failure is logged. Retry later.")
        }
    }

    /// Forgets remembered logins whose owner matches, so that the next request of a disabled
    /// user or a removed device is checked against the store again.
    public func forgetLogins(where matches: (SessionOwner) -> Bool) {
        authentication.forget(where: matches)
    }

    /// Logs the request's credentials in (setting the connection's owner, or slowing its answer
    /// after a failure) and dispatches it.
    private func route(_ request: HTTPRequest, on connection: Connection) throws -> HTTPResponse {
        let peer = connection.peerHost
        switch (request.method, request.path) {
        case ("GET", "/healthz"), ("HEAD", "/healthz"):
            return health()
        case (_, "/.well-known/caldav"), (_, "/.well-known/carddav"):
            return HTTPResponse(status: 301, headers: [("Location", DAVPath.prefix + "/")])
        default:
            break
        }
        let davPath: DAVPath
        if request.path == "/" {
            davPath = .root
        } else if let parsed = try DAVPath.parse(request.path) {
            davPath = parsed
        } else {
            throw DAVError(404, "Nothing is at \(request.path); DAV clients start at /dav/ or /.well-known/caldav.")
        }
        if request.method == "OPTIONS" {
            return HTTPResponse(status: 200, headers: [("DAV", Self.davClasses), ("Allow", Self.allowed),
                                                       ("Accept-Ranges", "none")])
        }
        let principal: Principal
        switch try authentication.authenticate(request, peer: peer) {
        case .success(let found):
            principal = found
            connection.owner = SessionOwner(userID: found.user.id, deviceID: found.device?.id)
        case .missing:
            return unauthorized("Log in with your address and password or a device app password.")
        case .refused(let address, let wait):
            if let unlogged = authentication.throttle.refusalLog.admit(address.lowercased() + " " + peer) {
                Log.info("dav.login_refused", ["conn": connection.id, "peer": peer, "user": address,
                                               "reason": "too many failed logins", "retry_s": Int(wait.rounded(.up)),
                                               "unlogged_since_last": unlogged])
            }
            var response = HTTPResponse.text(429, "Too many failed logins for this account or address; try again "
                                             + "in \(Int((wait / 60).rounded(.up))) minute(s).")
            response.headers.append(("Retry-After", String(Int(wait.rounded(.up)))))
            return response
        case .failed(let address, let disabled, let delay):
            Log.info("dav.login_failed", ["conn": connection.id, "peer": peer, "user": address,
                                          "reason": disabled ? "account disabled" : "invalid credentials",
                                          "delay_s": delay])
            connection.delayReplies(by: delay)
            return unauthorized(disabled ? "This account is disabled; contact your administrator."
                                : "The address or password is wrong.")
        }
        let now = clock.now()
        recordSeen(principal, request: request, at: now)
        try provision(principal.user)
        let scope: PolicyScope = principal.device.map { .device($0.id) } ?? .user(principal.user.address)
        var context = DAVContext(request: request, store: store, principal: principal,
                                 policy: try store.effectivePolicy(for: scope), now: now,
                                 path: request.path.removingPercentEncoding ?? request.path)
        context.maxItemsPerCollection = maxItemsPerCollection
        return try context.dispatch(davPath)
    }

    private func unauthorized(_ text: String) -> HTTPResponse {
        var response = HTTPResponse.text(401, text)
        response.headers.append(("WWW-Authenticate", BasicAuthentication.challenge))
        return response
    }

    /// Writes a device's last-seen time and client string at most once a minute.
    private func recordSeen(_ principal: Principal, request: HTTPRequest, at now: Date) {
        guard let device = principal.device else { return }
        let due = lock.withLock {
            guard (seenWritten[device.id].map { now.timeIntervalSince($0) >= 60 }) ?? true else { return false }
            seenWritten[device.id] = now
            return true
        }
        guard due else { return }
        do {
            try store.recordDeviceSeen(device.id, client: request.header("user-agent"), at: now)
        } catch {
            Log.error("dav.device_seen_failed", ["device": device.id, "error": error])
        }
    }

    /// Makes a user's default calendar, task list, address book and file area on first use.
    private func provision(_ user: User) throws {
        guard !lock.withLock({ provisioned.contains(user.id) }) else { return }
        try store.ensureDefaultCollections(userID: user.id)
        _ = lock.withLock { provisioned.insert(user.id) }
    }

    /// 200 with the version and uptime when the store answers, 503 when it does not.
    private func health() -> HTTPResponse {
        let uptime = Int(Date().timeIntervalSince(started))
        do {
            _ = try store.schemaVersion()
            return .json(200, ["status": "ok", "version": TidelineVersion.current, "uptime_seconds": uptime])
        } catch {
            Log.error("health.store_failed", ["error": error])
            return .json(503, ["status": "store unavailable", "version": TidelineVersion.current,
                               "uptime_seconds": uptime])
        }
    }
}

extension DAVContext {
    func dispatch(_ davPath: DAVPath) throws -> HTTPResponse {
        switch request.method {
        case "PROPFIND": return try propfind(davPath)
        case "PROPPATCH": return try proppatch(davPath)
        case "GET", "HEAD": return try get(davPath)
        case "PUT": return try put(davPath)
        case "DELETE": return try delete(davPath)
        case "MKCOL": return try mkcol(davPath, calendar: false)
        case "MKCALENDAR": return try mkcol(davPath, calendar: true)
        case "COPY": return try copyOrMove(davPath, move: false)
        case "MOVE": return try copyOrMove(davPath, move: true)
        case "REPORT": return try report(davPath)
        default:
            var refusal = DAVError(405, "\(request.method) is not supported here; allowed: \(DAVApplication.allowed).")
            refusal.headers = [("Allow", DAVApplication.allowed)]
            throw refusal
        }
    }
}
