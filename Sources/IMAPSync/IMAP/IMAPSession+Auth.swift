import Foundation
import ServerCore
import TidelineStore

/// LOGIN and AUTHENTICATE PLAIN (RFC 4616, with SASL-IR, RFC 4959).
extension IMAPSession {
    func login(tag: String, reader: inout CommandReader) throws {
        try reader.space()
        let user = try reader.astring()
        try reader.space()
        let password = try reader.astring()
        try reader.end()
        try verify(tag: tag, user: user, password: password)
    }

    func authenticate(tag: String, reader: inout CommandReader) throws {
        try reader.space()
        let mechanism = try reader.atom().uppercased()
        guard mechanism == "PLAIN" else {
            throw IMAPRefusal.no("CANNOT", "Only the PLAIN mechanism is supported")
        }
        if reader.skipSpace() {
            let initial = try reader.atom()
            try reader.end()
            try finishPlain(tag: tag, response: initial)
        } else {
            try reader.end()
            pendingAuthentication = tag
            connection.send("+ \r\n")
        }
    }

    /// The client's answer to the `+` continuation of AUTHENTICATE.
    func continueAuthentication(tag: String, line: [UInt8]) {
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            if text == "*" { throw IMAPRefusal.bad("AUTHENTICATE cancelled") }
            try finishPlain(tag: tag, response: text)
        } catch let refusal as IMAPRefusal {
            let code = refusal.code.map { "[\($0)] " } ?? ""
            connection.send("\(tag) \(refusal.kind.rawValue) \(code)\(refusal.text)\r\n")
        } catch {
            Log.error("imap.login_error", ["conn": connection.id, "error": error])
            connection.send("\(tag) NO [UNAVAILABLE] Login is not possible right now\r\n")
        }
    }

    /// Decodes `authzid NUL authcid NUL password`; an authzid other than the user is refused.
    private func finishPlain(tag: String, response: String) throws {
        guard let data = Data(base64Encoded: response == "=" ? "" : response) else {
            throw IMAPRefusal.bad("The PLAIN response is not valid base64")
        }
        let parts = data.split(separator: 0, omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        guard parts.count == 3 else { throw IMAPRefusal.bad("The PLAIN response needs three parts") }
        if !parts[0].isEmpty && parts[0].lowercased() != parts[1].lowercased() {
            throw IMAPRefusal.no("AUTHORIZATIONFAILED", "Logging in as another user is not allowed")
        }
        try verify(tag: tag, user: parts[1], password: parts[2])
    }

    private func verify(tag: String, user: String, password: String) throws {
        if let wait = service.throttle.refusal(address: user, ip: connection.peerHost) {
            if let unlogged = service.throttle.refusalLog.admit(user.lowercased() + " " + connection.peerHost) {
                Log.info("imap.login_refused", ["conn": connection.id, "peer": connection.peerHost, "user": user,
                                                "reason": "too many failed logins", "retry_s": Int(wait.rounded(.up)),
                                                "unlogged_since_last": unlogged])
            }
            throw IMAPRefusal.no("UNAVAILABLE", "Too many failed logins for this account or address; "
                                 + "try again in \(Int((wait / 60).rounded(.up))) minute(s)")
        }
        // Limitation: the password hash is worked out on this worker thread; many logins at
        // once (some 30 ms of CPU each) keep other sessions' commands waiting meanwhile.
        let result = try store.authenticate(address: user, password: password)
        guard case .success(let principal) = result else {
            let disabled = result == .failure(.disabled)
            let delay = service.throttle.failed(address: user, ip: connection.peerHost)
            Log.info("imap.login_failed", ["conn": connection.id, "peer": connection.peerHost, "user": user,
                                           "reason": disabled ? "account disabled" : "invalid credentials",
                                           "delay_s": delay])
            // The NO goes out after the delay, and the session's next command waits for it.
            connection.delayReplies(by: delay)
            throw disabled ? IMAPRefusal.no("CONTACTADMIN", "Account disabled; contact your administrator")
                : IMAPRefusal.no("AUTHENTICATIONFAILED", "Invalid credentials")
        }
        service.throttle.succeeded(address: user)
        self.principal = principal
        connection.owner = SessionOwner(userID: principal.user.id, deviceID: principal.device?.id)
        policy = try store.effectivePolicy(for: principal.device.map { .device($0.id) } ?? .user(principal.user.address))
        try store.ensureDefaultMailboxes(userID: principal.user.id)
        connection.idleTimeout = service.limits.authenticatedIdleTimeout
        if let device = principal.device {
            try store.recordDeviceSeen(device.id, client: clientID, at: service.clock.now())
        }
        Log.info("imap.login", ["conn": connection.id, "peer": connection.peerHost, "user": principal.user.address,
                                "device": principal.device?.id ?? "-", "window_days": policy?.windowDays.value ?? 0])
        connection.send("\(tag) OK [CAPABILITY \(capabilities)] Logged in\r\n")
    }
}
