import ServerCore
import SyncPolicy
import TidelineStore

/// The IMAP listener's service: literal-aware framing and one `IMAPSession` per connection.
public struct IMAPService: Service {
    public let name = "imap"
    /// Before login a minute; after login RFC 9051 asks for at least 30 minutes of patience.
    public let initialIdleTimeout: Double = 60
    public let store: Store
    public let clock: any WallClock
    public let events: MailboxEvents
    public let limits: IMAPLimits
    /// Offered as STARTTLS on plaintext connections when set.
    public let tls: TLSContext?
    /// Whether LOGIN and AUTHENTICATE work without TLS from other machines (loopback always may).
    public let allowsPlaintextLogin: Bool
    let throttle: LoginThrottle

    public init(store: Store, clock: any WallClock, events: MailboxEvents, limits: IMAPLimits = IMAPLimits(),
                tls: TLSContext? = nil, allowsPlaintextLogin: Bool = false, throttle: LoginThrottle = LoginThrottle()) {
        self.store = store
        self.clock = clock
        self.events = events
        self.limits = limits
        self.tls = tls
        self.allowsPlaintextLogin = allowsPlaintextLogin
        self.throttle = throttle
    }

    public var refusal: [UInt8] {
        Array("* BYE [UNAVAILABLE] Too many connections; retry shortly\r\n".utf8)
    }

    public func makeFramer() -> any Framer {
        LiteralFramer(maxLineLength: limits.maxLineLength, maxLiteralSize: limits.maxLiteralSize,
                      continuation: Array("+ Ready for literal data\r\n".utf8))
    }

    public func makeSession(for connection: Connection) -> any Session {
        IMAPSession(service: self)
    }
}

/// Size limits of the IMAP front end.
public struct IMAPLimits: Sendable {
    /// Longest command line, literals not counted.
    public var maxLineLength = 64 * 1024
    /// Largest literal, and so the largest message APPEND takes (advertised as APPENDLIMIT).
    public var maxLiteralSize = 50 << 20
    /// Seconds an authenticated connection may stay silent (RFC 9051 5.4: at least 30 minutes).
    public var authenticatedIdleTimeout: Double = 31 * 60

    public init() {}
}
