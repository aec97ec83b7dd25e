import Foundation

/// The network server that the IMAP, LMTP and HTTP front ends plug into.
///
/// A few epoll loops (one per core, at most four) own the sockets; sessions run on worker
/// threads. Listeners are bound before `start`, so a port in use fails the start with a clear
/// error instead of half a server.
public final class Server: @unchecked Sendable {
    public let limits: ServerLimits
    private var loops: [EventLoop] = []
    private var bound: [(name: String, address: ListenAddress)] = []
    private let countLock = NSLock()
    private var openConnections = 0
    private var perIP: [String: Int] = [:]
    private var nextID: UInt64 = 0
    private var started = false

    public init(limits: ServerLimits = ServerLimits(), loopCount: Int? = nil) throws {
        self.limits = limits
        let count = loopCount ?? min(4, max(1, ProcessInfo.processInfo.activeProcessorCount))
        for _ in 0..<count {
            loops.append(try EventLoop(server: self))
        }
    }

    /// Binds a listener for `service`; returns the bound address (the real port for port 0).
    /// With `tls`, every connection starts with a TLS handshake (implicit TLS).
    @discardableResult
    public func listen(on address: ListenAddress, service: any Service, tls: TLSContext? = nil) throws
        -> ListenAddress
    {
        precondition(!started, "listen before start")
        let (fd, boundAddress) = try Socket.listen(on: address, backlog: 1024)
        loops[0].add(Listener(fd: fd, address: boundAddress, service: service, tls: tls))
        bound.append((service.name, boundAddress))
        Log.info("listener.bound", ["proto": service.name + (tls == nil ? "" : "s"), "addr": boundAddress])
        return boundAddress
    }

    public func start() {
        started = true
        for (index, loop) in loops.enumerated() {
            loop.start(name: "tideline-loop-\(index)")
        }
    }

    /// Open connections across all listeners.
    public var connectionCount: Int {
        countLock.withLock { openConnections }
    }

    /// Why a new connection was refused.
    enum Refusal: String {
        case serverFull = "connection limit reached"
        case addressFull = "per-address connection limit reached"
    }

    /// Counts a new connection in, or says why not.
    func admit(from host: String) -> Refusal? {
        countLock.withLock {
            guard openConnections < limits.maxConnections else { return .serverFull }
            if !Self.isLoopback(host) {
                guard perIP[host, default: 0] < limits.maxConnectionsPerIP else { return .addressFull }
                perIP[host, default: 0] += 1
            }
            openConnections += 1
            return nil
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "::1" || host.hasPrefix("127.") || host.hasPrefix("::ffff:127.")
    }

    func dispatch(fd: Int32, peer: (host: String, port: UInt16), localPort: UInt16, service: any Service,
                  tls: TLSContext?) {
        let id: UInt64 = countLock.withLock {
            nextID += 1
            return nextID
        }
        let loop = loops[Int(id % UInt64(loops.count))]
        let connection = Connection(id: id, fd: fd, peer: peer, localPort: localPort, loop: loop,
                                    service: service, limits: limits, now: monotonicSeconds())
        if let tls {
            do {
                connection.adoptTLS(try tls.makeSession())
            } catch {
                Log.error("tls.session_failed", ["conn": id, "peer": peer.host, "error": error])
                Glibc.close(fd)
                connectionClosed(connection)
                return
            }
        }
        loop.execute { loop.adopt(connection, service: service) }
        Log.debug("connection.open", ["proto": service.name, "conn": id, "peer": peer.host])
    }

    func connectionClosed(_ connection: Connection) {
        countLock.withLock {
            openConnections -= 1
            if let count = perIP[connection.peerHost] {
                perIP[connection.peerHost] = count > 1 ? count - 1 : nil
            }
        }
        Log.debug("connection.closed", ["conn": connection.id, "peer": connection.peerHost])
    }

    /// Ends every session, on every listener, whose owner matches (see `Session.revoked`);
    /// returns how many were asked to end.
    @discardableResult
    public func revokeSessions(where matches: @escaping @Sendable (SessionOwner) -> Bool, reason: String) -> Int {
        guard started else { return 0 }
        return loops.reduce(0) { $0 + $1.revokeSessions(where: matches, reason: reason) }
    }

    /// Stops listening, asks every session to say goodbye, waits up to the shutdown grace for
    /// them to close, closes the rest and stops the loops.
    public func stop() {
        guard started else { return }
        for loop in loops { loop.closeListeners() }
        for loop in loops { loop.shutdownSessions() }
        let deadline = monotonicSeconds() + limits.shutdownGrace
        while connectionCount > 0 && monotonicSeconds() < deadline {
            usleep(20_000)
        }
        for loop in loops { loop.closeAll() }
        for loop in loops { loop.stopAndWait() }
        started = false
    }
}
