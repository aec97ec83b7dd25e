import CSystem
import Foundation

/// One reactor thread: an epoll set of connections (and, on the first loop, listeners).
///
/// The loop reads sockets, frames input and queues session calls; it never runs protocol code,
/// so a session that waits on the store holds up only its own connection.
final class EventLoop: @unchecked Sendable {
    private static let wakeToken: UInt64 = 1 << 62
    private static let listenerBit: UInt64 = 1 << 63

    let epollFD: Int32
    private let wakeFD: Int32
    private unowned let server: Server
    private var connections: [UInt64: Connection] = [:]
    private var listeners: [Listener] = []
    private var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)
    private var lastSweep = monotonicSeconds()

    private let tasksLock = NSLock()
    private var tasks: [() -> Void] = []
    private var running = true
    private var thread: Thread?
    private let finished = DispatchSemaphore(value: 0)

    init(server: Server) throws {
        self.server = server
        epollFD = tl_epoll_create()
        wakeFD = tl_eventfd()
        guard epollFD >= 0, wakeFD >= 0 else {
            throw ServerError.system("cannot create an epoll set: \(Socket.errnoText())")
        }
        _ = tl_epoll_ctl(epollFD, TL_EPOLL_CTL_ADD, wakeFD, TL_EPOLLIN, Self.wakeToken)
    }

    deinit {
        Glibc.close(epollFD)
        Glibc.close(wakeFD)
    }

    var connectionCount: Int { connections.count }

    func start(name: String) {
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = name
        self.thread = thread
        thread.start()
    }

    /// Runs `task` on the loop thread soon. Safe from any thread.
    func execute(_ task: @escaping () -> Void) {
        tasksLock.withLock { tasks.append(task) }
        var one: UInt64 = 1
        _ = Glibc.write(wakeFD, &one, 8)
    }

    func stopAndWait() {
        execute { [self] in running = false }
        finished.wait()
    }

    func add(_ listener: Listener) {
        listeners.append(listener)
        _ = tl_epoll_ctl(epollFD, TL_EPOLL_CTL_ADD, listener.fd, TL_EPOLLIN,
                         Self.listenerBit | UInt64(listeners.count - 1))
    }

    /// Adopts an accepted socket. Runs on this loop's thread.
    func adopt(_ connection: Connection, service: any Service) {
        connections[connection.id] = connection
        connection.session = service.makeSession(for: connection)
        connection.register()
        connection.enqueue(.start)
    }

    private func run() {
        var masks = [UInt32](repeating: 0, count: 256)
        var tokens = [UInt64](repeating: 0, count: 256)
        while running {
            let count = tl_epoll_wait(epollFD, &masks, &tokens, 256, 1000)
            for index in 0..<max(0, Int(count)) {
                let token = tokens[index]
                if token == Self.wakeToken {
                    var value: UInt64 = 0
                    _ = Glibc.read(wakeFD, &value, 8)
                } else if token & Self.listenerBit != 0 {
                    let index = Int(token & ~Self.listenerBit)
                    if index < listeners.count { listeners[index].acceptAll(server: server) }
                } else if let connection = connections[token] {
                    handle(masks[index], on: connection)
                }
            }
            runTasks()
            let now = monotonicSeconds()
            if now - lastSweep >= 1 {
                lastSweep = now
                sweep(now: now)
            }
        }
        for listener in listeners { listener.close() }
        for connection in connections.values { closeNow(connection) }
    }

    private func runTasks() {
        while true {
            let batch: [() -> Void] = tasksLock.withLock {
                let taken = tasks
                tasks = []
                return taken
            }
            if batch.isEmpty { return }
            for task in batch { task() }
        }
    }

    private func handle(_ mask: UInt32, on connection: Connection) {
        // Errors and hang-ups are reported whatever the interest; one on a connection that is
        // not reading would otherwise wake the loop forever.
        if mask & (TL_EPOLLERR | TL_EPOLLHUP) != 0 && !connection.acceptsFrames {
            fail(connection)
            return
        }
        if mask & TL_EPOLLOUT != 0 {
            if !connection.flushFromLoop() {
                fail(connection)
                return
            }
            if connection.closeDeadline != nil && !connection.hasPendingOutput {
                closeNow(connection)
                return
            }
            if connection.outputBelowLowWater() { pump(connection) }
        }
        if mask & (TL_EPOLLIN | TL_EPOLLHUP | TL_EPOLLERR | TL_EPOLLRDHUP) != 0 {
            read(connection)
        }
    }

    /// Reads what the socket has (up to a bound per wake-up, for fairness) and frames it.
    private func read(_ connection: Connection) {
        var total = 0
        while total < 256 * 1024 && connection.acceptsFrames {
            let received = readBuffer.withUnsafeMutableBytes { raw in
                Glibc.recv(connection.fd, raw.baseAddress!, raw.count, Int32(MSG_DONTWAIT))
            }
            if received > 0 {
                total += received
                let failure = readBuffer.withUnsafeBytes { raw in
                    connection.absorb(UnsafeRawBufferPointer(rebasing: raw[0..<received]))
                }
                if let failure {
                    Log.info("tls.failed", ["conn": connection.id, "peer": connection.peerHost, "reason": failure])
                    fail(connection)
                    return
                }
                connection.lastInput = monotonicSeconds()
                connection.timeoutSignalled = false
                pump(connection)
                if !connection.inbound.isEmpty { acknowledgeQuickly(connection) }
                if received < readBuffer.count { break }
            } else if received == 0 {
                // The peer closed its side: let queued commands finish, then close.
                connection.close()
                return
            } else {
                if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { break }
                fail(connection)
                return
            }
        }
    }

    /// Asks the kernel to acknowledge the bytes just read at once rather than after the delayed
    /// ACK timer (~40 ms). Called when a read left part of a command or request behind: a client
    /// with Nagle's algorithm on (python's imaplib writing a literal and then its CRLF) holds the
    /// rest of what it sends until that ACK arrives, so every APPEND would wait for the timer.
    /// The kernel clears the flag again by itself, so it is set after each such read.
    private func acknowledgeQuickly(_ connection: Connection) {
        var one: Int32 = 1
        _ = setsockopt(connection.fd, Int32(IPPROTO_TCP), TCP_QUICKACK, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Takes complete frames from the connection's buffer while its session keeps up.
    func pump(_ connection: Connection) {
        guard connections[connection.id] === connection, !connection.awaitsHandshakeBytes else { return }
        while connection.acceptsFrames {
            switch connection.framer.nextStep(from: &connection.inbound) {
            case .needMoreBytes:
                return
            case .reply(let bytes):
                connection.send(bytes)
            case .frame(let frame, let pause):
                if pause { connection.pauseFraming() }
                connection.enqueue(.frame(frame))
            }
        }
    }

    /// The socket failed (reset, broken pipe): drop output and close.
    private func fail(_ connection: Connection) {
        connection.close()
        closeNow(connection)
    }

    /// The session has ended: close once the last output is written, or at the grace deadline.
    func finishClosing(_ connection: Connection) {
        guard connections[connection.id] === connection else { return }
        if connection.hasPendingOutput {
            connection.closeDeadline = monotonicSeconds() + connection.limits.closeGrace
        } else {
            closeNow(connection)
        }
    }

    private func closeNow(_ connection: Connection) {
        guard connections.removeValue(forKey: connection.id) != nil else { return }
        if connection.closeSocket() {
            server.connectionClosed(connection)
        }
    }

    /// Once a second: time out silent connections, and close those past their close deadline.
    private func sweep(now: Double) {
        for connection in connections.values {
            if let deadline = connection.closeDeadline {
                if now >= deadline { closeNow(connection) }
                continue
            }
            connection.fireWakeIfDue(now: now)
            if !connection.timeoutSignalled && now - connection.lastInput > connection.idleTimeout {
                connection.timeoutSignalled = true
                Log.debug("connection.idle_timeout", ["conn": connection.id, "peer": connection.peerHost])
                connection.enqueue(.idleTimeout)
            }
        }
    }

    /// Stops accepting: the listening sockets leave the set and close.
    func closeListeners() {
        execute { [self] in
            for listener in listeners {
                _ = tl_epoll_ctl(epollFD, TL_EPOLL_CTL_DEL, listener.fd, 0, 0)
                listener.close()
            }
            listeners = []
        }
    }

    /// Asks the sessions whose owner matches to end; returns how many were asked.
    func revokeSessions(where matches: @escaping @Sendable (SessionOwner) -> Bool, reason: String) -> Int {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var count = 0
        execute { [self] in
            for connection in connections.values {
                guard let owner = connection.owner, matches(owner) else { continue }
                connection.revoke(reason: reason)
                count += 1
            }
            done.signal()
        }
        done.wait()
        return count
    }

    /// Asks every session to say goodbye.
    func shutdownSessions() {
        execute { [self] in
            for connection in connections.values { connection.enqueue(.shutdown) }
        }
    }

    /// Closes what is still open, without waiting.
    func closeAll() {
        execute { [self] in
            for connection in Array(connections.values) {
                connection.close()
                closeNow(connection)
            }
        }
    }
}
