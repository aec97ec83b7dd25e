import Foundation
import ServerCore
import SyncPolicy
import TidelineStore

/// SELECT, EXAMINE, CLOSE, UNSELECT, IDLE, and the untagged reports of changes.
extension IMAPSession {
    var window: SyncWindow {
        policy?.window ?? SyncWindow(days: SyncLimits.defaultWindowDays)
    }

    func windowStart() -> Int64 {
        SelectedMailbox.windowStart(window, at: service.clock.now())
    }

    /// Reads a mailbox name argument and turns it into the store's UTF-8 form.
    func mailboxName(_ reader: inout CommandReader) throws -> String {
        let raw = try reader.astring()
        let name: String
        if rev2 {
            name = raw
        } else {
            guard let decoded = MailboxName.decodeUTF7(raw) else {
                throw IMAPRefusal.bad("Mailbox name is not valid modified UTF-7")
            }
            name = decoded
        }
        return Store.canonicalMailboxName(name)
    }

    /// A mailbox name as the client expects it: UTF-8 for IMAP4rev2, modified UTF-7 otherwise.
    func wireName(_ name: String) -> String {
        Wire.mailbox(rev2 ? name : MailboxName.encodeUTF7(name), utf8Allowed: rev2)
    }

    func userID() -> Int64 {
        principal!.user.id
    }

    func select(tag: String, readOnly: Bool, reader: inout CommandReader) throws {
        try reader.space()
        let name = try mailboxName(&reader)
        var resync: (validity: UInt32, modseq: UInt64, known: SequenceSet?)?
        if reader.skipSpace() {
            try reader.expect(UInt8(ascii: "("))
            repeat {
                let parameter = try reader.atom().uppercased()
                switch parameter {
                case "CONDSTORE":
                    condstore = true
                case "QRESYNC":
                    guard qresync else { throw IMAPRefusal.bad("QRESYNC must be enabled first (ENABLE QRESYNC)") }
                    try reader.space()
                    try reader.expect(UInt8(ascii: "("))
                    let validity = try reader.number()
                    try reader.space()
                    let modseq = try reader.number()
                    var known: SequenceSet?
                    if reader.skipSpace() && reader.peek() != UInt8(ascii: "(") {
                        known = try reader.sequenceSet()
                        _ = reader.skipSpace()
                    }
                    if reader.peek() == UInt8(ascii: "(") {
                        // The sequence match data only helps servers without a window; skip it.
                        try reader.expect(UInt8(ascii: "("))
                        _ = try reader.sequenceSet()
                        try reader.space()
                        _ = try reader.sequenceSet()
                        try reader.expect(UInt8(ascii: ")"))
                    }
                    try reader.expect(UInt8(ascii: ")"))
                    resync = (UInt32(truncatingIfNeeded: validity), modseq, known)
                default:
                    throw IMAPRefusal.bad("Unknown SELECT parameter \(parameter)")
                }
            } while reader.skipSpace()
            try reader.expect(UInt8(ascii: ")"))
        }
        try reader.end()

        var out = ResponseBuffer()
        if let previous = selected {
            service.events.unwatch(previous.mailbox.id, from: connection)
            selected = nil
            if qresync || rev2 { out.line("* OK [CLOSED] Previous mailbox closed") }
        }
        guard let mailbox = try store.mailbox(userID: userID(), name: name) else {
            connection.send(out.bytes)
            throw IMAPRefusal.no("NONEXISTENT", "No mailbox \(name)")
        }
        // The policy is read again at every SELECT, so a change applies from the next one.
        if let principal {
            policy = try store.effectivePolicy(for: principal.device.map { .device($0.id) }
                                                ?? .user(principal.user.address))
        }
        let start = windowStart()
        let view = try store.view(mailboxID: mailbox.id, since: start)
        let box = SelectedMailbox(mailbox: mailbox, readOnly: readOnly, window: window, messages: view)
        selected = box
        service.events.watch(mailbox.id, from: connection)

        var keywords = Set<String>()
        for message in view { for flag in message.flags where !flag.hasPrefix("\\") { keywords.insert(flag) } }
        let flags = (["\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft"] + keywords.sorted())
            .joined(separator: " ")
        out.line("* FLAGS (\(flags))")
        out.line("* OK [PERMANENTFLAGS (\(readOnly ? "" : flags + " \\*"))] Flags the client may change")
        out.line("* \(view.count) EXISTS")
        if !rev2 {
            out.line("* 0 RECENT")
            if let firstUnseen = view.firstIndex(where: { !Self.has("\\Seen", $0.flags) }) {
                out.line("* OK [UNSEEN \(firstUnseen + 1)] First unseen message")
            }
        }
        out.line("* OK [UIDVALIDITY \(mailbox.uidValidity)] UIDs valid")
        out.line("* OK [UIDNEXT \(mailbox.uidNext)] Predicted next UID")
        if condstore { out.line("* OK [HIGHESTMODSEQ \(mailbox.highestModseq)] Highest modseq") }
        if rev2 { out.line("* LIST () \"/\" \(wireName(mailbox.name))") }
        if let resync, resync.validity == mailbox.uidValidity {
            try reportResync(box, since: resync.modseq, known: resync.known, into: &out)
        }
        out.line("\(tag) OK [\(readOnly ? "READ-ONLY" : "READ-WRITE")] \(readOnly ? "EXAMINE" : "SELECT") completed")
        connection.send(out.bytes)
    }

    /// QRESYNC (RFC 7162 3.2.5): everything the client knew that is no longer in its view is
    /// VANISHED (EARLIER) (expunged, or aged out of the window), then FETCH for what changed.
    private func reportResync(_ box: SelectedMailbox, since modseq: UInt64, known: SequenceSet?,
                              into out: inout ResponseBuffer) throws {
        let inView = Set(box.messages.map(\.uid))
        let largest = box.mailbox.uidNext &- 1
        var vanished: [UInt32] = []
        if let known {
            for range in known.resolved(largest: largest) where range.lowerBound <= largest {
                for uid in range.lowerBound...min(range.upperBound, largest) where !inView.contains(uid) {
                    vanished.append(uid)
                    if vanished.count > 1_000_000 { break }
                }
            }
        } else {
            // Without known UIDs, every UID below the next one and not in view: ranges keep it short.
            var previous: UInt32 = 0
            var ranges: [String] = []
            for uid in box.messages.map(\.uid) + [largest &+ 1] {
                if uid > previous + 1 {
                    ranges.append(previous + 1 == uid - 1 ? "\(uid - 1)" : "\(previous + 1):\(uid - 1)")
                }
                previous = uid
            }
            if !ranges.isEmpty && largest > 0 { out.line("* VANISHED (EARLIER) \(ranges.joined(separator: ","))") }
        }
        if !vanished.isEmpty { out.line("* VANISHED (EARLIER) \(SequenceSet.format(vanished.sorted()))") }
        for (index, message) in box.messages.enumerated() where message.modseq > modseq {
            out.line("* \(index + 1) FETCH (UID \(message.uid) FLAGS (\(message.flags.joined(separator: " "))) "
                + "MODSEQ (\(message.modseq)))")
        }
    }

    func close(tag: String, mailbox: SelectedMailbox, expunging: Bool, reader: inout CommandReader) throws {
        try reader.end()
        if expunging && !mailbox.readOnly {
            let removed = try store.expunge(mailboxID: mailbox.mailbox.id)
            if !removed.isEmpty { service.events.changed(mailbox.mailbox.id, except: connection) }
        }
        service.events.unwatch(mailbox.mailbox.id, from: connection)
        selected = nil
        connection.send("\(tag) OK \(expunging ? "CLOSE" : "UNSELECT") completed\r\n")
    }

    /// Brings the selected view up to date and writes EXPUNGE/VANISHED, EXISTS and FETCH lines.
    func reportChanges(into out: inout ResponseBuffer) throws {
        guard let box = selected else { return }
        let start = windowStart()
        let sync = try store.sync(mailboxID: box.mailbox.id, after: box.knownModseq, since: start)
        let changes = box.refresh(with: sync, windowStart: start)
        if !changes.expunged.isEmpty {
            if qresync {
                out.line("* VANISHED \(SequenceSet.format(changes.expunged.map(\.uid).sorted()))")
            } else {
                for entry in changes.expunged { out.line("* \(entry.sequence) EXPUNGE") }
            }
        }
        if let count = changes.newCount { out.line("* \(count) EXISTS") }
        for (sequence, summary) in changes.flagged {
            var items = "FLAGS (\(summary.flags.joined(separator: " ")))"
            if qresync { items = "UID \(summary.uid) " + items }
            if condstore { items += " MODSEQ (\(summary.modseq))" }
            out.line("* \(sequence) FETCH (\(items))")
        }
    }

    func startIdle(tag: String) {
        idleTag = tag
        var out = ResponseBuffer()
        out.line("+ idling")
        do { try reportChanges(into: &out) } catch {
            Log.error("imap.idle_refresh_failed", ["conn": connection.id, "error": error])
        }
        connection.send(out.bytes)
        scheduleNextWake()
    }

    func finishIdle(tag: String, line: [UInt8]) {
        idleTag = nil
        connection.wake(after: nil)
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.uppercased() == "DONE" {
            connection.send("\(tag) OK IDLE terminated\r\n")
        } else {
            connection.send("\(tag) BAD Expected DONE to end IDLE\r\n")
        }
    }

    /// While IDLE: wake when the oldest message leaves the window, and at least every poll
    /// interval to notice changes made by other processes.
    func scheduleNextWake() {
        guard idleTag != nil, let box = selected else { return }
        var delay = service.events.pollInterval
        if let oldest = box.oldestDate {
            let leaves = Double(oldest) + box.window.duration - service.clock.now().timeIntervalSince1970
            delay = min(delay, max(0, leaves) + 0.5)
        }
        connection.wake(after: delay)
    }

    static func has(_ flag: String, _ flags: [String]) -> Bool {
        flags.contains { $0.caseInsensitiveCompare(flag) == .orderedSame }
    }
}
