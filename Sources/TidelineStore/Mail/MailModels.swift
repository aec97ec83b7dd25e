import Foundation

/// A mailbox of one user. Names are UTF-8 with `/` as the hierarchy delimiter; `INBOX` is
/// always spelled in capitals.
public struct Mailbox: Sendable, Equatable {
    public let id: Int64
    public let userID: Int64
    public let name: String
    public let uidValidity: UInt32
    /// The UID the next message will get.
    public let uidNext: UInt32
    /// The modseq of the last change (RFC 7162); every change raises it.
    public let highestModseq: UInt64
    /// `\Sent`, `\Drafts`, `\Trash`, `\Junk`, `\Archive` (RFC 6154), or nil.
    public let specialUse: String?
}

/// What the store keeps per message for listing, windows and change tracking.
public struct MessageSummary: Sendable, Equatable {
    public let uid: UInt32
    /// The internal date in whole seconds since 1970; windows are decided on it.
    public let internalDate: Int64
    public let size: Int
    public let flags: [String]
    public let modseq: UInt64

    public init(uid: UInt32, internalDate: Int64, size: Int, flags: [String], modseq: UInt64) {
        self.uid = uid
        self.internalDate = internalDate
        self.size = size
        self.flags = flags
        self.modseq = modseq
    }
}

/// A message to store, parsed by the caller: the store keeps the IMAP forms as given.
public struct NewMessage: Sendable {
    public let bytes: [UInt8]
    public let internalDate: Date
    public let flags: [String]
    /// The ENVELOPE, BODYSTRUCTURE and BODY responses, in IMAP syntax.
    public let envelope: String
    public let bodyStructure: String
    public let body: String
    /// A key that identifies an imported message, so importing twice adds nothing.
    public let importKey: String?

    public init(bytes: [UInt8], internalDate: Date, flags: [String], envelope: String, bodyStructure: String,
                body: String, importKey: String? = nil) {
        self.bytes = bytes
        self.internalDate = internalDate
        self.flags = flags
        self.envelope = envelope
        self.bodyStructure = bodyStructure
        self.body = body
        self.importKey = importKey
    }
}

/// Where a stored message went.
public struct StoredMessage: Sendable, Equatable {
    public let uidValidity: UInt32
    public let uid: UInt32
    public let modseq: UInt64
    /// True when an import key matched an earlier message and nothing new was stored.
    public let duplicate: Bool
}

/// The cached IMAP forms of one message.
public struct MessageForms: Sendable {
    public let envelope: String
    public let bodyStructure: String
    public let body: String
}

/// Counts for STATUS, over a window when one is given.
public struct MailboxCounts: Sendable, Equatable {
    public let messages: Int
    public let unseen: Int
    public let deleted: Int
    public let size: Int
}

/// How STORE changes flags.
public enum FlagChange: Sendable {
    case add
    case remove
    case replace
}

/// The outcome of a flag change.
public struct FlagUpdate: Sendable {
    /// Messages whose flags changed, with their new flags and modseq.
    public let changed: [MessageSummary]
    /// Messages not changed because they were modified after UNCHANGEDSINCE (RFC 7162 3.1.3).
    public let modifiedSince: [UInt32]
}

enum FlagText {
    static func join(_ flags: [String]) -> String {
        flags.joined(separator: " ")
    }

    static func split(_ text: String) -> [String] {
        text.split(separator: " ").map(String.init)
    }
}
