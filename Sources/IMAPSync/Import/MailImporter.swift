import Foundation
import TidelineStore

/// One message found in a Maildir or mbox, ready to store.
struct ImportItem {
    /// Where it was found, for reports: a file name or `message N (line L)`.
    let position: String
    let bytes: [UInt8]
    let date: Date?
    let flags: [String]
    let key: String
}

/// Imports messages into one mailbox of one user, in batches, skipping what an earlier run
/// already imported and reporting bad messages without stopping.
public final class MailImporter {
    /// What an import did.
    public struct Report: Sendable {
        public var imported = 0
        public var duplicates = 0
        public var skipped: [String] = []
    }

    let store: Store
    let mailbox: Mailbox
    let maxMessageSize: Int
    private let progress: (Report) -> Void
    private var batch: [NewMessage] = []
    var report = Report()

    /// - Parameter progress: called every 1,000 messages, for long imports.
    public init(store: Store, user address: String, mailbox name: String, maxMessageSize: Int = 50 << 20,
                progress: @escaping (Report) -> Void) throws {
        self.store = store
        let user = try store.user(address)
        try store.ensureDefaultMailboxes(userID: user.id)
        let canonical = Store.canonicalMailboxName(name)
        if let existing = try store.mailbox(userID: user.id, name: canonical) {
            mailbox = existing
        } else {
            mailbox = try store.createMailbox(userID: user.id, name: canonical)
        }
        self.maxMessageSize = maxMessageSize
        self.progress = progress
    }

    func add(_ item: ImportItem) throws {
        guard !item.bytes.isEmpty else {
            report.skipped.append("\(item.position): empty message")
            return
        }
        guard item.bytes.count <= maxMessageSize else {
            report.skipped.append("\(item.position): \(item.bytes.count) bytes, over the \(maxMessageSize) limit")
            return
        }
        let bytes = Self.crlf(item.bytes)
        let content = MessageContent(bytes)
        let date = item.date ?? content.sentDate ?? Date()
        batch.append(MessageContent.newMessage(bytes, date: date, flags: item.flags, importKey: item.key,
                                               parsed: content))
        if batch.count >= 500 { try flush() }
    }

    /// Stores what is batched; call at the end.
    public func flush() throws {
        guard !batch.isEmpty else { return }
        let stored = try store.append(batch, to: mailbox.id)
        let before = (report.imported + report.duplicates) / 1000
        for result in stored {
            if result.duplicate { report.duplicates += 1 } else { report.imported += 1 }
        }
        batch = []
        if (report.imported + report.duplicates) / 1000 > before { progress(report) }
    }

    public func finish() throws -> Report {
        try flush()
        return report
    }

    /// Line endings as IMAP wants them: every LF preceded by CR.
    static func crlf(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(0x0a) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 40)
        var previous: UInt8 = 0
        for byte in bytes {
            if byte == 0x0a && previous != 0x0d { out.append(0x0d) }
            out.append(byte)
            previous = byte
        }
        return out
    }
}
