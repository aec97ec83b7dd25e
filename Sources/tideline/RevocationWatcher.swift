import DAVServer
import Foundation
import ServerCore
import TidelineStore

/// Ends the sessions of users and devices that an admin disabled or removed while the server
/// runs: the admin commands write a revocation in the store (they run in another process), and
/// this polls for new ones every `interval` seconds.
///
/// Each revocation is applied twice, when first seen and one interval later, so a login that
/// was checked just before the change and finished just after the first pass is still ended.
final class RevocationWatcher: @unchecked Sendable {
    private let store: Store
    private let server: Server
    private let dav: DAVApplication
    private let interval: Double
    private let stopped = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    init(store: Store, server: Server, dav: DAVApplication, interval: Double = 1) {
        self.store = store
        self.server = server
        self.dav = dav
        self.interval = interval
    }

    /// Starts polling after the newest revocation already in the store.
    func start() throws {
        let first = try store.latestRevocationID()
        let thread = Thread { [self] in
            poll(after: first)
            finished.signal()
        }
        thread.name = "tideline-revocations"
        thread.start()
    }

    /// Stops polling; returns once the thread has ended.
    func stop() {
        stopped.signal()
        finished.wait()
    }

    private func poll(after first: Int64) {
        var last = first
        var recent: [AccessRevocation] = []
        while stopped.wait(timeout: .now() + interval) == .timedOut {
            let fresh: [AccessRevocation]
            do {
                fresh = try store.revocations(after: last)
            } catch {
                Log.error("access.revocations_unreadable", ["error": error, "hint": "sessions are not cut until "
                                                                + "the store can be read again"])
                continue
            }
            for revocation in recent { apply(revocation, firstTime: false) }
            for revocation in fresh { apply(revocation, firstTime: true) }
            recent = fresh
            last = fresh.last?.id ?? last
        }
    }

    private func apply(_ revocation: AccessRevocation, firstTime: Bool) {
        let covers: @Sendable (SessionOwner) -> Bool = {
            revocation.covers(userID: $0.userID, deviceID: $0.deviceID)
        }
        dav.forgetLogins(where: covers)
        let reason: String
        switch revocation.scope {
        case .user: reason = "Access ended by the administrator (account disabled or removed)"
        case .device: reason = "Access ended by the administrator (this device was removed)"
        case .password: reason = "The password changed; log in again with the new one"
        }
        let sessions = server.revokeSessions(where: covers, reason: reason)
        if firstTime || sessions > 0 {
            Log.info("access.revoked", ["user_id": revocation.userID, "device": revocation.deviceID ?? "-",
                                        "scope": revocation.scope.rawValue, "sessions": sessions])
        }
    }
}
