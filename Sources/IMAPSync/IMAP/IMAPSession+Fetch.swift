import Foundation
import ServerCore
import TidelineStore

/// FETCH and UID FETCH, with CHANGEDSINCE and VANISHED (RFC 7162).
extension IMAPSession {
    func fetch(tag: String, mailbox: SelectedMailbox, byUID: Bool, reader: inout CommandReader) throws {
        try reader.space()
        let set = try reader.sequenceSet()
        try reader.space()
        var request = try reader.fetchRequest()
        if byUID && !request.attributes.contains(.uid) { request.attributes.insert(.uid, at: 0) }
        if request.changedSince != nil || request.attributes.contains(.modseq) { condstore = true }
        if request.vanished && (!byUID || !qresync || request.changedSince == nil) {
            throw IMAPRefusal.bad("VANISHED needs UID FETCH, ENABLE QRESYNC and CHANGEDSINCE")
        }
        if !byUID && mailbox.outOfRange(set) {
            throw IMAPRefusal.bad("Sequence number beyond the \(mailbox.count) messages in view")
        }
        var positions = mailbox.positions(set, byUID: byUID)
        if let since = request.changedSince {
            positions = positions.filter { mailbox[$0].modseq > since }
        }
        var out = ResponseBuffer()
        if request.vanished, let since = request.changedSince {
            let gone = try store.expunged(mailboxID: mailbox.mailbox.id, after: since)
                .filter { set.contains($0, largest: mailbox.largestUID) }
            if !gone.isEmpty { out.line("* VANISHED (EARLIER) \(SequenceSet.format(gone))") }
        }
        // Messages this FETCH reads get \Seen first, so the FLAGS sent below are the new ones.
        var seenChanged = Set<UInt32>()
        if !mailbox.readOnly && request.attributes.contains(where: \.setsSeen) {
            let unseen = positions.map { mailbox[$0] }.filter { !Self.has("\\Seen", $0.flags) }.map(\.uid)
            if !unseen.isEmpty {
                let update = try store.storeFlags(mailboxID: mailbox.mailbox.id, uids: unseen, .add, ["\\Seen"])
                for summary in update.changed {
                    mailbox.update(summary)
                    seenChanged.insert(summary.uid)
                }
                service.events.changed(mailbox.mailbox.id, except: connection)
            }
        }
        for position in positions {
            let summary = mailbox[position]
            var attributes = request.attributes
            if seenChanged.contains(summary.uid) && !attributes.contains(.flags) { attributes.append(.flags) }
            if request.changedSince != nil && !attributes.contains(.modseq) { attributes.append(.modseq) }
            try writeFetch(position + 1, summary, attributes, mailbox: mailbox, into: &out)
            try flushIfLarge(&out)
        }
        try reportChanges(into: &out)
        out.line("\(tag) OK \(byUID ? "UID " : "")FETCH completed")
        connection.send(out.bytes)
    }

    /// Sends a large response in pieces and waits while the client is slow to read, so one
    /// FETCH of many bodies never holds them all in memory.
    func flushIfLarge(_ out: inout ResponseBuffer) throws {
        guard out.bytes.count >= 256 * 1024 else { return }
        connection.send(out.bytes)
        out = ResponseBuffer()
        while connection.pendingOutput > 4 << 20 && !connection.isClosing {
            usleep(2_000)
        }
    }

    private func writeFetch(_ sequence: Int, _ summary: MessageSummary, _ attributes: [FetchAttribute],
                            mailbox: SelectedMailbox, into out: inout ResponseBuffer) throws {
        var content: MessageContent?
        var forms: MessageForms?
        func loadContent() throws -> MessageContent {
            if let content { return content }
            guard let bytes = try store.messageBytes(mailboxID: mailbox.mailbox.id, uid: summary.uid) else {
                throw IMAPRefusal.no("EXPUNGEISSUED", "A message was expunged by another session")
            }
            let loaded = MessageContent(bytes)
            content = loaded
            return loaded
        }
        func loadForms() throws -> MessageForms {
            if let forms { return forms }
            guard let loaded = try store.messageForms(mailboxID: mailbox.mailbox.id, uid: summary.uid) else {
                throw IMAPRefusal.no("EXPUNGEISSUED", "A message was expunged by another session")
            }
            forms = loaded
            return loaded
        }
        out.append("* \(sequence) FETCH (")
        for (index, attribute) in attributes.enumerated() {
            if index > 0 { out.append(" ") }
            switch attribute {
            case .uid: out.append("UID \(summary.uid)")
            case .flags: out.append("FLAGS (\(summary.flags.joined(separator: " ")))")
            case .internalDate: out.append("INTERNALDATE \"\(Self.internalDate(summary.internalDate))\"")
            case .size: out.append("RFC822.SIZE \(summary.size)")
            case .modseq: out.append("MODSEQ (\(summary.modseq))")
            case .envelope: out.append("ENVELOPE " + (try loadForms().envelope))
            case .bodyStructure: out.append("BODYSTRUCTURE " + (try loadForms().bodyStructure))
            case .body: out.append("BODY " + (try loadForms().body))
            case .rfc822: literal("RFC822", try loadContent().bytes, into: &out)
            case .rfc822Header:
                literal("RFC822.HEADER", try loadContent().section(BodySection(part: [], text: .header)) ?? [], into: &out)
            case .rfc822Text:
                literal("RFC822.TEXT", try loadContent().section(BodySection(part: [], text: .text)) ?? [], into: &out)
            case .section(let section, let partial, _):
                let data = try loadContent().section(section) ?? []
                let origin = partial.map { "<\($0.offset)>" } ?? ""
                literal("BODY[\(section.label)]\(origin)", Self.slice(data, partial), into: &out)
            case .binary(let part, let partial, _):
                guard let data = try loadContent().binary(part: part) else {
                    throw IMAPRefusal.no("UNKNOWN-CTE", "The part's content transfer encoding cannot be decoded")
                }
                let origin = partial.map { "<\($0.offset)>" } ?? ""
                let label = part.map(String.init).joined(separator: ".")
                literal("BINARY[\(label)]\(origin)", Self.slice(data, partial), into: &out)
            case .binarySize(let part):
                guard let data = try loadContent().binary(part: part) else {
                    throw IMAPRefusal.no("UNKNOWN-CTE", "The part's content transfer encoding cannot be decoded")
                }
                out.append("BINARY.SIZE[\(part.map(String.init).joined(separator: "."))] \(data.count)")
            }
        }
        out.append(")\r\n")
    }

    private func literal(_ name: String, _ data: [UInt8], into out: inout ResponseBuffer) {
        out.append("\(name) {\(data.count)}\r\n")
        out.append(data)
    }

    static func slice(_ data: [UInt8], _ partial: FetchAttribute.Partial?) -> [UInt8] {
        guard let partial else { return data }
        guard partial.offset < data.count else { return [] }
        let end = min(data.count, partial.offset + partial.length)
        return Array(data[partial.offset..<end])
    }

    /// `03-Dec-2026 19:58:42 +0000` (RFC 9051 date-time), in UTC.
    static func internalDate(_ seconds: Int64) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let day = parts.tm_mday < 10 ? " \(parts.tm_mday)" : "\(parts.tm_mday)"
        return "\(day)-\(months[Int(parts.tm_mon)])-\(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) +0000"
    }
}
