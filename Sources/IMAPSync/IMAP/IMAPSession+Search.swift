import Foundation
import ServerCore
import TidelineStore

/// SEARCH and UID SEARCH, with ESEARCH results (RFC 4731) and MODSEQ (RFC 7162).
extension IMAPSession {
    func search(tag: String, mailbox: SelectedMailbox, byUID: Bool, reader: inout CommandReader) throws {
        try reader.space()
        let request = try reader.searchRequest()
        if request.key.usesModseq { condstore = true }
        let now = Int64(service.clock.now().timeIntervalSince1970)
        var matches: [Int] = []
        for position in 0..<mailbox.count {
            var content: MessageContent?
            let summary = mailbox[position]
            let loader = {
                if let content { return content }
                let bytes = try self.store.messageBytes(mailboxID: mailbox.mailbox.id, uid: summary.uid) ?? []
                let loaded = MessageContent(bytes)
                content = loaded
                return loaded
            }
            if try evaluate(request.key, summary, position: position, mailbox: mailbox, now: now, content: loader) {
                matches.append(position)
            }
        }
        let numbers = matches.map { byUID ? mailbox[$0].uid : UInt32($0 + 1) }
        let highestModseq = request.key.usesModseq ? matches.map { mailbox[$0].modseq }.max() : nil
        var out = ResponseBuffer()
        if let options = request.returnOptions ?? (rev2 ? [] : nil) {
            var parts = ["(TAG \(Wire.string(tag)))"]
            if byUID { parts.append("UID") }
            let wanted = options.isEmpty ? ["ALL"] : options
            if !numbers.isEmpty {
                if wanted.contains("MIN") { parts.append("MIN \(numbers.min()!)") }
                if wanted.contains("MAX") { parts.append("MAX \(numbers.max()!)") }
                if wanted.contains("ALL") { parts.append("ALL \(SequenceSet.format(numbers.sorted()))") }
            }
            if wanted.contains("COUNT") { parts.append("COUNT \(numbers.count)") }
            if let highestModseq { parts.append("MODSEQ \(highestModseq)") }
            out.line("* ESEARCH " + parts.joined(separator: " "))
        } else {
            var line = "* SEARCH" + numbers.map { " \($0)" }.joined()
            if let highestModseq { line += " (MODSEQ \(highestModseq))" }
            out.line(line)
        }
        try reportChanges(into: &out)
        out.line("\(tag) OK \(byUID ? "UID " : "")SEARCH completed")
        connection.send(out.bytes)
    }

    private func evaluate(_ key: SearchKey, _ summary: MessageSummary, position: Int, mailbox: SelectedMailbox,
                          now: Int64, content: () throws -> MessageContent) throws -> Bool {
        func recurse(_ inner: SearchKey) throws -> Bool {
            try evaluate(inner, summary, position: position, mailbox: mailbox, now: now, content: content)
        }
        switch key {
        case .all: return true
        case .flag(let flag, let set): return Self.has(flag, summary.flags) == set
        case .new, .recent: return false
        case .old: return true
        case .header(let name, let needle):
            let values = try content().headerValues(name)
            if needle.isEmpty { return !values.isEmpty }
            return values.contains { Self.contains($0, needle) }
        case .body(let needle): return Self.contains(try content().searchableText(includeHeaders: false), needle)
        case .text(let needle): return Self.contains(try content().searchableText(includeHeaders: true), needle)
        case .internalDay(let comparison, let day):
            return Self.compare(SearchDates.day(ofSeconds: summary.internalDate), comparison, day)
        case .sentDay(let comparison, let day):
            guard let sent = try content().sentDate else { return false }
            return Self.compare(SearchDates.day(ofSeconds: Int64(sent.timeIntervalSince1970)), comparison, day)
        case .larger(let size): return summary.size > size
        case .smaller(let size): return summary.size < size
        case .uid(let set): return set.contains(summary.uid, largest: mailbox.largestUID)
        case .sequence(let set): return set.contains(UInt32(position + 1), largest: UInt32(mailbox.count))
        case .modseq(let value): return summary.modseq >= value
        case .older(let seconds): return summary.internalDate <= now - seconds
        case .younger(let seconds): return summary.internalDate >= now - seconds
        case .not(let inner): return try !recurse(inner)
        case .or(let a, let b): return try recurse(a) || recurse(b)
        case .and(let keys):
            for inner in keys where try !recurse(inner) { return false }
            return true
        }
    }

    static func compare(_ value: Int64, _ comparison: SearchKey.Comparison, _ day: Int64) -> Bool {
        switch comparison {
        case .before: return value < day
        case .on: return value == day
        case .since: return value >= day
        }
    }

    /// Case-insensitive substring match, as IMAP SEARCH asks.
    static func contains(_ haystack: String, _ needle: String) -> Bool {
        needle.isEmpty || haystack.range(of: needle, options: [.caseInsensitive]) != nil
    }
}
