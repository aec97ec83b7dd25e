import Foundation
import ServerCore

/// In-process change notices for mailboxes: a delivery or a flag change wakes every connection
/// that has the mailbox selected, so IDLE-ing clients hear of it at once.
///
/// Changes made by another process (the import command) are not announced here; selected
/// sessions also look for changes on their own every `pollInterval` seconds while idle.
public final class MailboxEvents: @unchecked Sendable {
    public let pollInterval: Double
    private let lock = NSLock()
    private var watchers: [Int64: [UInt64: Connection]] = [:]

    public init(pollInterval: Double = 30) {
        self.pollInterval = pollInterval
    }

    /// Starts waking `connection` on changes to `mailboxID`.
    func watch(_ mailboxID: Int64, from connection: Connection) {
        lock.withLock { watchers[mailboxID, default: [:]][connection.id] = connection }
    }

    func unwatch(_ mailboxID: Int64, from connection: Connection) {
        lock.withLock {
            watchers[mailboxID]?[connection.id] = nil
            if watchers[mailboxID]?.isEmpty == true { watchers[mailboxID] = nil }
        }
    }

    /// Wakes every watcher of `mailboxID` except `origin`, whose own session reports its change.
    public func changed(_ mailboxID: Int64, except origin: Connection? = nil) {
        let targets = lock.withLock { watchers[mailboxID].map { Array($0.values) } ?? [] }
        for connection in targets where connection !== origin {
            connection.wake()
        }
    }
}
