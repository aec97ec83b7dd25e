import DAVServer
import Foundation
import IMAPSync
import ServerCore
import SyncPolicy
import TidelineStore

/// `tideline serve`: binds the IMAP, DAV and LMTP listeners and runs until told to stop.
enum ServeCommand {
    static let details = [
        "--imap ADDR:PORT        IMAP listener (default 127.0.0.1:1143)",
        "--dav ADDR:PORT         HTTP listener for CalDAV and CardDAV (default 127.0.0.1:8080)",
        "--lmtp ADDR:PORT        LMTP listener for the MTA (default 127.0.0.1:2424)",
        "--imaps ADDR:PORT       IMAP over implicit TLS (default 127.0.0.1:1993; needs a certificate)",
        "--https ADDR:PORT       CalDAV and CardDAV over TLS (default 127.0.0.1:8443; needs a certificate)",
        "--tls-cert FILE         PEM certificate chain, server certificate first",
        "--tls-key FILE          PEM private key of that certificate (unencrypted)",
        "                        With a certificate, IMAP and LMTP also offer STARTTLS; SIGHUP reloads both files.",
        "--allow-plaintext-login accept passwords without TLS from other machines (loopback always may)",
        "--demo                  create a demo domain, user and device (once) and print how to connect;",
        "                        without --tls-cert it also makes a self-signed certificate in DATA/demo-tls",
        "--log-level LEVEL       debug, info, warning or error (default info)",
        "--max-connections N     open connections in all (default 20000)",
        "--max-connections-per-ip N  open connections from one client IP, loopback not counted (default 500)",
        "Port 0 picks a free port; the bound addresses are logged as event=listener.bound.",
    ]

    static func run(_ context: CommandContext) throws {
        _ = try context.arguments.expect()
        let arguments = context.arguments
        let levelName = arguments.value("log-level") ?? "info"
        guard let level = LogLevel(name: levelName) else {
            throw UsageError(message: "--log-level takes debug, info, warning or error, not \"\(levelName)\"")
        }
        let imap = try address(arguments, "imap", default: "127.0.0.1:1143")
        let dav = try address(arguments, "dav", default: "127.0.0.1:8080")
        let lmtp = try address(arguments, "lmtp", default: "127.0.0.1:2424")
        let imaps = try address(arguments, "imaps", default: "127.0.0.1:1993")
        let https = try address(arguments, "https", default: "127.0.0.1:8443")
        let allowsPlaintext = arguments.has("allow-plaintext-login")
        var limits = ServerLimits()
        if let max = try arguments.integer("max-connections", in: 1...1_000_000) { limits.maxConnections = max }
        if let max = try arguments.integer("max-connections-per-ip", in: 1...1_000_000) {
            limits.maxConnectionsPerIP = max
        }

        Log.setLevel(level)
        let openFiles = ProcessLimits.raiseOpenFiles()
        if openFiles < UInt64(limits.maxConnections) + 64 {
            Log.warning("limits.open_files", ["limit": openFiles, "max_connections": limits.maxConnections,
                                              "hint": "raise the hard limit (ulimit -Hn) or lower --max-connections"])
        }
        Signals.ignoreBrokenPipe()
        // Before any thread starts, so that only the main thread's sigwait receives them.
        Signals.block([SIGINT, SIGTERM, SIGHUP])

        let store = try context.openStore()
        let lock = try ServeLock(directory: context.dataDirectory)
        defer { lock.release() }
        Log.info("store.opened", ["data": context.dataDirectory.path, "schema": try store.schemaVersion()])
        let demo = arguments.has("demo") ? try DemoAccount.ensure(in: store) : nil
        let tls = try tlsContext(arguments, demo: demo != nil, data: context.dataDirectory)

        let server = try Server(limits: limits)
        let clock = SystemClock()
        let events = MailboxEvents()
        // One throttle for every protocol, so guessing over IMAP and DAV counts together.
        let throttle = LoginThrottle()
        let imapService = IMAPService(store: store, clock: clock, events: events, tls: tls,
                                      allowsPlaintextLogin: allowsPlaintext, throttle: throttle)
        let davApplication = DAVApplication(store: store, clock: clock, throttle: throttle,
                                            allowsPlaintextLogin: allowsPlaintext)
        let davService = HTTPService(responder: davApplication)
        var bound = BoundAddresses()
        do {
            bound.imap = try server.listen(on: imap, service: imapService)
            bound.dav = try server.listen(on: dav, service: davService)
            bound.lmtp = try server.listen(on: lmtp, service: LMTPService(store: store, clock: clock, events: events,
                                                                          tls: tls))
            if let tls {
                bound.imaps = try server.listen(on: imaps, service: imapService, tls: tls)
                bound.https = try server.listen(on: https, service: davService, tls: tls)
            }
        } catch let error as ServerError {
            throw CommandFailure(code: ExitCode.unavailable, message: "\(error)")
        }
        server.start()
        let revocations = RevocationWatcher(store: store, server: server, dav: davApplication)
        try revocations.start()
        Log.info("server.started", ["version": TidelineVersion.current, "pid": getpid()])
        if let demo {
            demo.printInstructions(bound)
        }

        while true {
            let signal = Signals.wait(for: [SIGINT, SIGTERM, SIGHUP])
            if signal == SIGHUP {
                guard let tls else {
                    Log.info("signal.ignored", ["signal": "SIGHUP", "reason": "no certificate to reload"])
                    continue
                }
                do {
                    try tls.reload()
                    Log.info("tls.reloaded", ["cert": tls.certificatePath])
                } catch {
                    Log.error("tls.reload_failed", ["error": error, "hint": "the previous certificate stays in use"])
                }
                continue
            }
            Log.info("server.stopping", ["signal": Signals.name(of: signal)])
            break
        }
        revocations.stop()
        server.stop()
        Log.info("server.stopped")
    }

    /// The TLS context from --tls-cert and --tls-key, or the demo's self-signed one.
    private static func tlsContext(_ arguments: Arguments, demo: Bool, data: URL) throws -> TLSContext? {
        var certificate = arguments.value("tls-cert")
        var key = arguments.value("tls-key")
        guard (certificate == nil) == (key == nil) else {
            throw UsageError(message: "--tls-cert and --tls-key go together; give both PEM files or neither")
        }
        if certificate == nil && demo {
            let folder = data.appendingPathComponent("demo-tls")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            certificate = folder.appendingPathComponent("cert.pem").path
            key = folder.appendingPathComponent("key.pem").path
            if !FileManager.default.fileExists(atPath: certificate!) {
                try SelfSignedCertificate.make(commonName: "localhost", certificatePath: certificate!, keyPath: key!)
                Log.info("tls.demo_certificate", ["cert": certificate!])
            }
        }
        guard let certificate, let key else { return nil }
        do {
            return try TLSContext(certificatePath: certificate, keyPath: key)
        } catch {
            throw CommandFailure(code: ExitCode.dataError, message: "TLS: \(error)")
        }
    }

    private static func address(_ arguments: Arguments, _ name: String, default fallback: String)
        throws -> ListenAddress
    {
        let text = arguments.value(name) ?? fallback
        guard let address = ListenAddress(parsing: text) else {
            throw UsageError(message: "--\(name) takes a numeric ADDR:PORT such as \(fallback) or [::1]:0, "
                + "not \"\(text)\"")
        }
        return address
    }
}

/// An exclusive lock on the data directory, so two servers never serve one store.
///
/// The CLI's admin commands do not take it: SQLite lets them write while the server runs.
struct ServeLock {
    private let fd: Int32

    init(directory: URL) throws {
        let path = directory.appendingPathComponent("serve.lock").path
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw CommandFailure(code: ExitCode.ioError, message: "cannot open \(path): \(reason)")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            close(fd)
            throw CommandFailure(
                code: ExitCode.tempFail,
                message: "another tideline serve (pid \(holder ?? "unknown")) is using \(directory.path); "
                    + "stop it first or pass another --data")
        }
        ftruncate(fd, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(fd, $0, strlen($0)) }
    }

    func release() {
        close(fd)
    }
}
