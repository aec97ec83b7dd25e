/// The protocol side of one connection (an IMAP, LMTP or HTTP session).
///
/// Calls come on worker threads, never on the event loop, and never two at once for the same
/// connection: a session may block on the store without stalling other connections, and needs
/// no lock for its own state. Output goes through `Connection.send`, from any thread.
public protocol Session: AnyObject {
    /// The connection is open: send the greeting.
    func start(on connection: Connection)
    /// One unit from the framer.
    func receive(_ frame: Frame, on connection: Connection)
    /// The peer sent nothing for longer than the idle timeout: say goodbye and close.
    func idleTimeout(on connection: Connection)
    /// The server is stopping: say goodbye and close.
    func shutdown(on connection: Connection)
    /// Something the session asked to hear about happened (`Connection.wake()`), or a wake-up
    /// time it set (`Connection.wake(after:)`) has come. Wake-ups that pile up arrive as one.
    func wake(on connection: Connection)
    /// An admin took the session's access away (a disabled user, a removed device): say so
    /// if the protocol can, and close.
    func revoked(on connection: Connection, reason: String)
    /// The connection is closing; no further calls follow. Release what the session holds.
    func ended(on connection: Connection)
}

extension Session {
    public func idleTimeout(on connection: Connection) {
        connection.close()
    }

    public func shutdown(on connection: Connection) {
        connection.close()
    }

    public func wake(on connection: Connection) {}

    public func revoked(on connection: Connection, reason: String) {
        connection.close()
    }

    public func ended(on connection: Connection) {}
}

/// A protocol served on a listener: how to frame its bytes and make its sessions.
public protocol Service: Sendable {
    /// A short name for logs: `imap`, `lmtp`, `http`.
    var name: String { get }
    /// Seconds a new connection may stay silent before `Session.idleTimeout`.
    var initialIdleTimeout: Double { get }
    /// Sent, best effort, to a connection refused because the server is full.
    var refusal: [UInt8] { get }
    func makeFramer() -> any Framer
    func makeSession(for connection: Connection) -> any Session
}
