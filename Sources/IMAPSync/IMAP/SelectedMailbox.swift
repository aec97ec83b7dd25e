import Foundation
import SyncPolicy
import TidelineStore

/// The selected mailbox as one device sees it: the messages of its window, in UID order.
///
/// Sequence numbers are positions in `messages`. The view changes only when the session reports
/// it (EXPUNGE, EXISTS, FETCH), as IMAP requires: `refresh` computes the changes and applies
/// them in one step.
final class SelectedMailbox {
    let mailbox: Mailbox
    let readOnly: Bool
    let window: SyncWindow
    private(set) var messages: [MessageSummary]
    /// The mailbox modseq this view is current with.
    private(set) var knownModseq: UInt64

    init(mailbox: Mailbox, readOnly: Bool, window: SyncWindow, messages: [MessageSummary]) {
        self.mailbox = mailbox
        self.readOnly = readOnly
        self.window = window
        self.messages = messages
        knownModseq = mailbox.highestModseq
    }

    var count: Int { messages.count }

    var largestUID: UInt32 { messages.last?.uid ?? 0 }

    /// The window's first second at `now`: items dated at or after it are in view.
    static func windowStart(_ window: SyncWindow, at now: Date) -> Int64 {
        Int64(window.start(at: now).timeIntervalSince1970.rounded(.up))
    }

    /// The 1-based sequence number of `uid`, if in view.
    func sequence(of uid: UInt32) -> Int? {
        var low = 0
        var high = messages.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let value = messages[middle].uid
            if value == uid { return middle + 1 }
            if value < uid { low = middle + 1 } else { high = middle - 1 }
        }
        return nil
    }

    /// Positions (0-based) named by a sequence set of sequence numbers or UIDs, ascending.
    func positions(_ set: SequenceSet, byUID: Bool) -> [Int] {
        guard !messages.isEmpty else { return [] }
        if byUID {
            let ranges = set.resolved(largest: largestUID)
            return messages.indices.filter { index in ranges.contains { $0.contains(messages[index].uid) } }
        }
        var result = Set<Int>()
        for range in set.resolved(largest: UInt32(messages.count)) {
            let lower = Int(range.lowerBound)
            let upper = min(Int(range.upperBound), messages.count)
            if lower <= upper { for position in lower...upper { result.insert(position - 1) } }
        }
        return result.sorted()
    }

    /// Whether a sequence-number set names numbers beyond the view (a client error).
    func outOfRange(_ set: SequenceSet) -> Bool {
        set.ranges.contains { range in
            [range.first, range.last].contains { value in value.map { Int($0) > messages.count } ?? false }
        }
    }

    subscript(position: Int) -> MessageSummary {
        messages[position]
    }

    /// Records flag changes the session itself made and reports.
    func update(_ summary: MessageSummary) {
        guard let sequence = sequence(of: summary.uid) else { return }
        messages[sequence - 1] = summary
    }

    /// What changed since the view was last reported.
    struct Changes {
        /// Sequence numbers to report expunged, highest first, and their UIDs.
        var expunged: [(sequence: Int, uid: UInt32)] = []
        var newCount: Int?
        /// Messages whose flags changed, with their sequence numbers after the changes.
        var flagged: [(sequence: Int, summary: MessageSummary)] = []

        var isEmpty: Bool { expunged.isEmpty && newCount == nil && flagged.isEmpty }
    }

    /// Applies a sync snapshot and the window's start; returns what to report.
    func refresh(with sync: MailboxSync, windowStart: Int64) -> Changes {
        var changes = Changes()
        let gone = Set(sync.expunged)
        var kept: [MessageSummary] = []
        for (index, message) in messages.enumerated() {
            if gone.contains(message.uid) || message.internalDate < windowStart {
                changes.expunged.append((index + 1, message.uid))
            } else {
                kept.append(message)
            }
        }
        changes.expunged.reverse()
        messages = kept
        var added = false
        for summary in sync.changes where summary.internalDate >= windowStart {
            if let sequence = sequence(of: summary.uid) {
                if messages[sequence - 1] != summary {
                    messages[sequence - 1] = summary
                    changes.flagged.append((sequence, summary))
                }
            } else if summary.uid > largestUID {
                messages.append(summary)
                added = true
            }
        }
        if added { changes.newCount = messages.count }
        knownModseq = max(knownModseq, sync.mailbox.highestModseq)
        return changes
    }

    /// Removes messages the session itself expunged or moved away; returns their positions.
    func remove(uids: [UInt32]) -> [(sequence: Int, uid: UInt32)] {
        let set = Set(uids)
        var removed: [(Int, UInt32)] = []
        for (index, message) in messages.enumerated().reversed() where set.contains(message.uid) {
            removed.append((index + 1, message.uid))
            messages.remove(at: index)
        }
        return removed
    }

    /// The oldest internal date in view, for the next age-out wake-up.
    var oldestDate: Int64? {
        messages.map(\.internalDate).min()
    }
}
