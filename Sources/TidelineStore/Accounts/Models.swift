import Foundation

/// A mail domain the server hosts.
public struct Domain: Sendable, Equatable {
    public let id: Int64
    public let name: String
    public let created: Date
    public let userCount: Int
}

/// A user account; the login is the full, lower-cased address.
public struct User: Sendable, Equatable {
    public let id: Int64
    public let address: String
    public let domain: String
    public let disabled: Bool
    public let hasPassword: Bool
    public let created: Date
}

/// A registered device of a user: a phone or desktop client with its own app password.
public struct Device: Sendable, Equatable {
    public let id: String
    public let owner: String
    public let name: String
    public let created: Date
    /// When the device last logged in, if ever.
    public let lastSeen: Date?
    /// What the client said of itself (IMAP `ID`, HTTP `User-Agent`) at its last login.
    public let client: String?
}

/// One recorded change to accounts or policies.
public struct AuditEntry: Sendable, Equatable {
    public let id: Int64
    public let at: Date
    public let actor: String
    public let action: String
    public let subject: String
    public let oldValue: String?
    public let newValue: String?
}

extension Date {
    /// Whole seconds since 1970, as the store keeps times.
    var storeSeconds: Int64 { Int64(timeIntervalSince1970.rounded(.down)) }

    init(storeSeconds: Int64) {
        self.init(timeIntervalSince1970: TimeInterval(storeSeconds))
    }
}
