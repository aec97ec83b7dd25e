import CSystem
import Foundation

/// One accepted TCP connection.
///
/// The event loop owns the socket's reading side, the inbound buffer and the framer. Output is
/// queued under a lock and written by whichever thread gets there first; the loop finishes
/// what a worker could not write. Session calls are queued and run on a worker one at a time.
public final class Connection: @unchecked Sendable {
    /// A unit of work for the session, run in order.
    enum Event {
        case start
        case frame(Frame)
        case idleTimeout
        case shutdown
        case wake
        case revoked(String)
        case ended
    }

    public let id: UInt64
    /// The peer's numeric IP address.
    public let peerHost: String
    public let peerPort: UInt16
    /// The port the peer connected to.
    public let localPort: UInt16
    let fd: Int32
    unowned let loop: EventLoop
    let limits: ServerLimits
    var session: (any Session)?

    // Loop thread only.
    var inbound = InboundBuffer()
    var framer: any Framer
    var lastInput: Double
    var timeoutSignalled = false
    var closeDeadline: Double?

    // Guarded by `lock`.
    private let lock = NSLock()
    private var outbound: [[UInt8]] = []
    private var outboundOffset = 0
    private(set) var outboundBytes = 0
    private var events: [Event] = []
    private var processing = false
    private var framingPaused = false
    private var closing = false
    private var closed = false
    private var registered: UInt32 = 0
    private var inEpollSet = false
    private var idleTimeoutSeconds: Double
    private var wakePending = false
    private var wakeAt: Double?
    private var tls: TLSSession?
    /// Set when STARTTLS begins: what was read before it is plaintext and must be dropped.
    private var tlsJustStarted = false
    private var signedInAs: SessionOwner?
    /// While set (a monotonic time), output is kept in `heldOutput` and no session call runs.
    private var heldUntil: Double?
    private var heldOutput: [[UInt8]] = []

    init(id: UInt64, fd: Int32, peer: (host: String, port: UInt16), localPort: UInt16, loop: EventLoop,
         service: any Service, limits: ServerLimits, now: Double) {
        self.id = id
        self.fd = fd
        peerHost = peer.host
        peerPort = peer.port
        self.localPort = localPort
        self.loop = loop
        self.limits = limits
        framer = service.makeFramer()
        idleTimeoutSeconds = service.initialIdleTimeout
        lastInput = now
    }

    /// Whether the connection is encrypted (implicit TLS, or after STARTTLS).
    public var isSecure: Bool {
        lock.withLock { tls != nil }
    }

    /// Who the connection is logged in as; the front end sets it at each successful login.
    public var owner: SessionOwner? {
        get { lock.withLock { signedInAs } }
        set { lock.withLock { signedInAs = newValue } }
    }

    /// Asks the session to end because its access was taken away; it says so the protocol's
    /// way (`Session.revoked`) after the command it is running, then closes.
    public func revoke(reason: String) {
        enqueue(.revoked(reason))
    }

    /// Whether the peer is on this machine, where plaintext logins are harmless.
    public var isLoopback: Bool {
        Server.isLoopback(peerHost)
    }

    /// Begins TLS on a plaintext connection (STARTTLS): sends `reply` in plaintext, then
    /// encrypts everything after it. Anything the peer sent after its STARTTLS command and
    /// before the handshake is dropped, as RFC 3207 and RFC 9051 require.
    public func startTLS(_ context: TLSContext, saying reply: String) throws {
        let session = try context.makeSession()
        lock.lock()
        defer { lock.unlock() }
        guard !closed, tls == nil else { return }
        // Commands framed after STARTTLS were read in plaintext: an injection, not the peer's.
        let dropped = events.count
        events.removeAll { if case .frame = $0 { return true } else { return false } }
        if dropped != events.count {
            Log.warning("tls.injection_dropped", ["conn": id, "peer": peerHost, "commands": dropped - events.count])
        }
        outbound.append(Array(reply.utf8))
        outboundBytes += reply.utf8.count
        if outbound.count == 1 { flushLocked() }
        tls = session
        tlsJustStarted = true
        refreshInterestLocked()
    }

    /// Whether STARTTLS began and no TLS bytes came yet: nothing buffered may be framed.
    var awaitsHandshakeBytes: Bool {
        lock.withLock { tlsJustStarted }
    }

    /// Installs TLS before the first byte (implicit TLS listeners).
    func adoptTLS(_ session: TLSSession) {
        lock.withLock { tls = session }
    }

    /// Loop thread: turns bytes read from the socket into plaintext in `inbound`, queueing what
    /// TLS wants sent. Returns a reason when the connection must close.
    func absorb(_ raw: UnsafeRawBufferPointer) -> String? {
        lock.lock()
        guard let tls else {
            lock.unlock()
            inbound.append(raw)
            return nil
        }
        let wasDone = tls.handshakeDone
        let received = tls.receive(raw)
        if tlsJustStarted {
            tlsJustStarted = false
            inbound = InboundBuffer()
        }
        if !received.reply.isEmpty {
            outbound.append(received.reply)
            outboundBytes += received.reply.count
            if outbound.count == 1 { flushLocked() }
            refreshInterestLocked()
        }
        let protocolName = !wasDone && tls.handshakeDone ? tls.protocolName : nil
        lock.unlock()
        if let protocolName {
            Log.debug("tls.established", ["conn": id, "peer": peerHost, "protocol": protocolName])
        }
        received.plaintext.withUnsafeBytes { inbound.append($0) }
        return received.failure
    }

    /// Seconds of silence from the peer before the session is told to time out. Sessions raise
    /// it after login and for IMAP IDLE.
    public var idleTimeout: Double {
        get { lock.withLock { idleTimeoutSeconds } }
        set { lock.withLock { idleTimeoutSeconds = newValue } }
    }

    /// Whether the connection is closing or closed; output sent now is dropped.
    public var isClosing: Bool {
        lock.withLock { closing || closed }
    }

    /// Bytes queued for the peer and not yet written.
    public var pendingOutput: Int {
        lock.withLock { outboundBytes }
    }

    // MARK: Output

    public func send(_ text: String) {
        send(Array(text.utf8))
    }

    /// Queues `bytes` for the peer, writing at once what the socket takes. Never blocks.
    public func send(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return }
        if heldUntil != nil {
            heldOutput.append(bytes)
            return
        }
        queueLocked(bytes)
    }

    /// Encrypts when TLS is on, queues and writes what the socket takes. Caller holds `lock`.
    private func queueLocked(_ bytes: [UInt8]) {
        let wire = tls.map { $0.encrypt(bytes) } ?? bytes
        guard !wire.isEmpty else { return }
        outbound.append(wire)
        outboundBytes += wire.count
        if outbound.count == 1 { flushLocked() }
        refreshInterestLocked()
    }

    /// Writes as much queued output as the socket takes. Returns false on a broken socket.
    @discardableResult
    private func flushLocked() -> Bool {
        while let first = outbound.first {
            let remaining = first.count - outboundOffset
            let written = first.withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress! + outboundOffset, remaining, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
            }
            if written < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return true }
                // The peer is gone: drop the output, the loop will see the error and close.
                outbound = []
                outboundOffset = 0
                outboundBytes = 0
                return false
            }
            outboundBytes -= written
            if written == remaining {
                outbound.removeFirst()
                outboundOffset = 0
            } else {
                outboundOffset += written
            }
        }
        return true
    }

    /// Called by the loop when the socket is writable.
    func flushFromLoop() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        let ok = flushLocked()
        refreshInterestLocked()
        return ok
    }

    // MARK: Closing

    /// Closes the connection after the queued output is written (within a few seconds).
    /// The session gets `ended` after any calls already queued.
    public func close() {
        lock.lock()
        guard !closing && !closed else {
            lock.unlock()
            return
        }
        closing = true
        refreshInterestLocked()
        lock.unlock()
        enqueue(.ended, evenIfClosing: true)
    }

    /// Sends a last message (a goodbye, an error) and closes.
    public func close(saying text: String) {
        send(text)
        close()
    }

    /// Called by the loop: closes the socket now. Safe to call more than once.
    func closeSocket() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return false }
        closed = true
        closing = true
        outbound = []
        outboundBytes = 0
        // With epoll, a descriptor leaves the set before it is closed and its number reused.
        _ = tl_epoll_ctl(loop.epollFD, TL_EPOLL_CTL_DEL, fd, 0, 0)
        Glibc.close(fd)
        return true
    }

    var hasPendingOutput: Bool {
        lock.withLock { !outbound.isEmpty }
    }

    // MARK: Input flow

    /// Lets the loop frame again after a frame that paused it, first letting the session adjust
    /// the framer (for instance, to read an LMTP message body). `adjust` runs on the loop thread.
    public func resumeFraming(adjusting adjust: (@Sendable (inout any Framer) -> Void)? = nil) {
        loop.execute { [self] in
            if let adjust { adjust(&framer) }
            lock.withLock {
                framingPaused = false
                refreshInterestLocked()
            }
            loop.pump(self)
        }
    }

    /// Whether the loop may take more frames now; false while paused or while the session is
    /// behind (many queued frames or much unwritten output).
    var acceptsFrames: Bool {
        lock.withLock { acceptsFramesLocked }
    }

    private var acceptsFramesLocked: Bool {
        !framingPaused && !closing && events.count < limits.maxQueuedFrames
            && outboundBytes < limits.outputHighWater
    }

    func pauseFraming() {
        lock.withLock {
            framingPaused = true
            refreshInterestLocked()
        }
    }

    /// Registers the socket with epoll for the first time.
    func register() {
        lock.withLock {
            registered = TL_EPOLLIN | TL_EPOLLRDHUP
            inEpollSet = true
            _ = tl_epoll_ctl(loop.epollFD, TL_EPOLL_CTL_ADD, fd, registered, id)
        }
    }

    /// Keeps the epoll interest in step with the state: read while frames are wanted, write
    /// while output waits.
    private func refreshInterestLocked() {
        guard !closed, inEpollSet else { return }
        // Level-triggered: asking for input (and hang-ups) only while frames are wanted keeps
        // a paused or closing connection from waking the loop again and again.
        var wanted: UInt32 = 0
        if acceptsFramesLocked { wanted |= TL_EPOLLIN | TL_EPOLLRDHUP }
        if !outbound.isEmpty { wanted |= TL_EPOLLOUT }
        if wanted != registered {
            registered = wanted
            _ = tl_epoll_ctl(loop.epollFD, TL_EPOLL_CTL_MOD, fd, wanted, id)
        }
    }

    // MARK: Wake-ups

    /// Queues one `Session.wake` call, unless one is queued already. Safe from any thread: this
    /// is how other sessions and deliveries tell an IDLE-ing session to look for news.
    public func wake() {
        let queue: Bool = lock.withLock {
            guard !wakePending else { return false }
            wakePending = true
            return true
        }
        if queue { enqueue(.wake) }
    }

    /// Asks for a `Session.wake` call after `seconds` (to the second), replacing an earlier
    /// request; nil cancels it.
    public func wake(after seconds: Double?) {
        let at = seconds.map { monotonicSeconds() + max(0, $0) }
        lock.withLock { wakeAt = at }
    }

    /// Called by the loop's sweep: fires a due wake-up.
    func fireWakeIfDue(now: Double) {
        let due: Bool = lock.withLock {
            guard let at = wakeAt, at <= now else { return false }
            wakeAt = nil
            return true
        }
        if due { wake() }
    }

    // MARK: Session calls

    func enqueue(_ event: Event, evenIfClosing: Bool = false) {
        lock.lock()
        if closed || (closing && !evenIfClosing) {
            lock.unlock()
            return
        }
        if tlsJustStarted, case .frame = event {
            // Framed from plaintext read before the handshake, by the loop racing the worker
            // that ran STARTTLS (which drops what was queued before it): an injection.
            lock.unlock()
            Log.warning("tls.injection_dropped", ["conn": id, "peer": peerHost, "commands": 1])
            return
        }
        events.append(event)
        refreshInterestLocked()
        let start = !processing
        processing = true
        lock.unlock()
        if start {
            DispatchQueue.global().async { self.drain() }
        }
    }

    /// Holds what the session sends from now on, and every session call after the current one,
    /// for `seconds`, without holding a thread: the output goes out and the calls run when the
    /// time is up. This is how a failed login is slowed down without letting a crowd of failing
    /// clients take every worker thread from everyone else's sessions.
    public func delayReplies(by seconds: Double) {
        guard seconds > 0 else { return }
        let until = monotonicSeconds() + seconds
        lock.withLock { heldUntil = max(heldUntil ?? 0, until) }
    }

    /// Runs queued session calls one after another on a worker thread. After a call that asked
    /// for `delayReplies`, it gives the thread back and carries on when the delay is over.
    private func drain() {
        while true {
            lock.lock()
            if let until = heldUntil {
                lock.unlock()
                let wait = max(0, until - monotonicSeconds())
                DispatchQueue.global().asyncAfter(deadline: .now() + wait) { [self] in
                    releaseHeldOutput()
                    drain()
                }
                return
            }
            guard !events.isEmpty else {
                processing = false
                lock.unlock()
                return
            }
            let event = events.removeFirst()
            let wasFull = events.count + 1 >= limits.maxQueuedFrames
            lock.unlock()
            if wasFull { loop.execute { [self] in loop.pump(self) } }
            run(event)
        }
    }

    /// Ends a `delayReplies` hold: the output kept back is queued in the order it was sent.
    private func releaseHeldOutput() {
        lock.lock()
        defer { lock.unlock() }
        heldUntil = nil
        let held = heldOutput
        heldOutput = []
        guard !closed else { return }
        for bytes in held { queueLocked(bytes) }
    }

    private func run(_ event: Event) {
        guard let session else { return }
        switch event {
        case .start: session.start(on: self)
        case .frame(let frame): session.receive(frame, on: self)
        case .idleTimeout: session.idleTimeout(on: self)
        case .shutdown: session.shutdown(on: self)
        case .wake:
            lock.withLock { wakePending = false }
            session.wake(on: self)
        case .revoked(let reason): session.revoked(on: self, reason: reason)
        case .ended:
            session.ended(on: self)
            self.session = nil
            loop.execute { [self] in loop.finishClosing(self) }
        }
    }

    /// Called by the loop after output drained below the low mark, so framing can go on.
    func outputBelowLowWater() -> Bool {
        lock.withLock { outboundBytes < limits.outputHighWater / 2 }
    }
}
