import Foundation
import ServerCore
import TidelineStore

/// The DAV front end's request router.
///
/// Until WebDAV, CalDAV and CardDAV are served, it answers the health check and says plainly
/// that everything else is not implemented.
public struct DAVApplication: HTTPResponder {
    let store: Store
    let started: Date

    public init(store: Store, started: Date = Date()) {
        self.store = store
        self.started = started
    }

    public func respond(to request: HTTPRequest, from connection: Connection) -> HTTPResponse {
        switch (request.method, request.path) {
        case ("GET", "/healthz"), ("HEAD", "/healthz"):
            return health()
        default:
            // Limitation: WebDAV, CalDAV and CardDAV are not served yet; every other request gets 501.
            return HTTPResponse.text(501, "\(request.method) \(request.path) is not implemented by this server yet.")
        }
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
