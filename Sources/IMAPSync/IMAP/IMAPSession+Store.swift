import Foundation
import ServerCore
import TidelineStore

/// STORE, COPY, MOVE, EXPUNGE and APPEND: the commands that change messages.
extension IMAPSession {
    static let systemFlags = ["\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft"]

    /// A flag list `(\Seen $Label)` or bare flags, with system flags in their canonical case.
    func flagList(_ reader: inout CommandReader, parenthesized: Bool) throws -> [String] {
        var flags: [String] = []
        let open = reader.peek() == UInt8(ascii: "(")
        if parenthesized && !open { throw reader.fail("Expected a flag list") }
        if open { try reader.expect(UInt8(ascii: "(")) }
        while let byte = reader.peek(), byte != UInt8(ascii: ")") {
            if !flags.isEmpty { try reader.space() }
            var name = ""
            if reader.peek() == UInt8(ascii: "\\") {
                try reader.expect(UInt8(ascii: "\\"))
                let atom = try reader.atom()
                guard let system = Self.systemFlags.first(where: { $0.caseInsensitiveCompare("\\" + atom) == .orderedSame })
                else { throw IMAPRefusal.bad("\\\(atom) is not a flag clients may set") }
                name = system
            } else {
                name = try reader.atom()
            }
            if !flags.contains(where: { $0.caseInsensitiveCompare(name) == .orderedSame }) { flags.append(name) }
            if !open { break }
        }
        if open { try reader.expect(UInt8(ascii: ")")) }
        return flags
    }

    func storeFlags(tag: String, mailbox: SelectedMailbox, byUID: Bool, reader: inout CommandReader) throws {
        try reader.space()
        let set = try reader.sequenceSet()
        try reader.space()
        var unchangedSince: UInt64?
        if reader.peek() == UInt8(ascii: "(") {
            try reader.expect(UInt8(ascii: "("))
            guard try reader.atom().uppercased() == "UNCHANGEDSINCE" else { throw reader.fail("Expected UNCHANGEDSINCE") }
            try reader.space()
            unchangedSince = try reader.number()
            try reader.expect(UInt8(ascii: ")"))
            try reader.space()
            condstore = true
        }
        let action = try reader.atom().uppercased()
        let change: FlagChange
        switch action.replacingOccurrences(of: ".SILENT", with: "") {
        case "FLAGS": change = .replace
        case "+FLAGS": change = .add
        case "-FLAGS": change = .remove
        default: throw IMAPRefusal.bad("Expected FLAGS, +FLAGS or -FLAGS")
        }
        let silent = action.hasSuffix(".SILENT")
        try reader.space()
        let flags = try flagList(&reader, parenthesized: false)
        try reader.end()
        guard !mailbox.readOnly else { throw IMAPRefusal.no("READ-ONLY", "The mailbox is open read-only (EXAMINE)") }
        if !byUID && mailbox.outOfRange(set) {
            throw IMAPRefusal.bad("Sequence number beyond the \(mailbox.count) messages in view")
        }
        let uids = mailbox.positions(set, byUID: byUID).map { mailbox[$0].uid }
        let update = try store.storeFlags(mailboxID: mailbox.mailbox.id, uids: uids, change, flags,
                                          unchangedSince: unchangedSince)
        var out = ResponseBuffer()
        for summary in update.changed {
            mailbox.update(summary)
            guard !silent || unchangedSince != nil, let sequence = mailbox.sequence(of: summary.uid) else { continue }
            var items = "FLAGS (\(summary.flags.joined(separator: " ")))"
            if byUID || qresync { items = "UID \(summary.uid) " + items }
            if condstore { items += " MODSEQ (\(summary.modseq))" }
            out.line("* \(sequence) FETCH (\(items))")
        }
        if !update.changed.isEmpty { service.events.changed(mailbox.mailbox.id, except: connection) }
        try reportChanges(into: &out)
        var code = ""
        if !update.modifiedSince.isEmpty {
            let failed = byUID ? update.modifiedSince : update.modifiedSince.compactMap { mailbox.sequence(of: $0) }
                .map(UInt32.init)
            code = "[MODIFIED \(SequenceSet.format(failed.sorted()))] "
        }
        out.line("\(tag) OK \(code)\(byUID ? "UID " : "")STORE completed")
        connection.send(out.bytes)
    }

    func transfer(tag: String, mailbox: SelectedMailbox, byUID: Bool, move: Bool, reader: inout CommandReader) throws {
        try reader.space()
        let set = try reader.sequenceSet()
        try reader.space()
        let name = try mailboxName(&reader)
        try reader.end()
        let command = (byUID ? "UID " : "") + (move ? "MOVE" : "COPY")
        if move && mailbox.readOnly { throw IMAPRefusal.no("READ-ONLY", "The mailbox is open read-only (EXAMINE)") }
        if !byUID && mailbox.outOfRange(set) {
            throw IMAPRefusal.bad("Sequence number beyond the \(mailbox.count) messages in view")
        }
        guard let target = try store.mailbox(userID: userID(), name: name) else {
            throw IMAPRefusal.no("TRYCREATE", "No mailbox \(name); create it first")
        }
        let positions = mailbox.positions(set, byUID: byUID)
        let uids = positions.map { mailbox[$0].uid }
        if !move {
            try checkQuota(for: Int64(positions.reduce(0) { $0 + mailbox[$1].size }))
        }
        let (validity, pairs) = move
            ? try store.move(uids: uids, from: mailbox.mailbox.id, to: target.id)
            : try store.copy(uids: uids, from: mailbox.mailbox.id, to: target.id)
        service.events.changed(target.id, except: connection)
        var out = ResponseBuffer()
        let copyUID = pairs.isEmpty ? ""
            : "[COPYUID \(validity) \(SequenceSet.formatList(pairs.map(\.0))) \(SequenceSet.formatList(pairs.map(\.1)))] "
        if move {
            service.events.changed(mailbox.mailbox.id, except: connection)
            if !copyUID.isEmpty { out.line("* OK \(copyUID)Moved") }
            try reportChanges(into: &out)
            out.line("\(tag) OK \(command) completed")
        } else {
            try reportChanges(into: &out)
            out.line("\(tag) OK \(copyUID)\(command) completed")
        }
        connection.send(out.bytes)
    }

    func expunge(tag: String, mailbox: SelectedMailbox, byUID: Bool, reader: inout CommandReader) throws {
        var only: [UInt32]?
        if byUID {
            try reader.space()
            let set = try reader.sequenceSet()
            only = mailbox.positions(set, byUID: true).map { mailbox[$0].uid }
        }
        try reader.end()
        guard !mailbox.readOnly else { throw IMAPRefusal.no("READ-ONLY", "The mailbox is open read-only (EXAMINE)") }
        let removed = try store.expunge(mailboxID: mailbox.mailbox.id, uids: only)
        if !removed.isEmpty { service.events.changed(mailbox.mailbox.id, except: connection) }
        var out = ResponseBuffer()
        try reportChanges(into: &out)
        out.line("\(tag) OK \(byUID ? "UID " : "")EXPUNGE completed")
        connection.send(out.bytes)
    }

    func append(tag: String, reader: inout CommandReader) throws {
        try reader.space()
        let name = try mailboxName(&reader)
        try reader.space()
        var flags: [String] = []
        var date = service.clock.now()
        if reader.peek() == UInt8(ascii: "(") {
            flags = try flagList(&reader, parenthesized: true)
            try reader.space()
        }
        if reader.peek() == UInt8(ascii: "\"") {
            let text = String(decoding: try reader.string(), as: UTF8.self)
            guard let parsed = Self.parseDateTime(text) else { throw IMAPRefusal.bad("Invalid date-time \"\(text)\"") }
            date = parsed
            try reader.space()
        }
        let bytes = try reader.literal()
        try reader.end()
        guard let target = try store.mailbox(userID: userID(), name: name) else {
            throw IMAPRefusal.no("TRYCREATE", "No mailbox \(name); create it first")
        }
        guard !bytes.isEmpty else { throw IMAPRefusal.no("CANNOT", "An empty message cannot be stored") }
        try checkQuota(for: Int64(bytes.count))
        let stored = try store.append(MessageContent.newMessage(bytes, date: date, flags: flags), to: target.id)
        service.events.changed(target.id, except: connection)
        var out = ResponseBuffer()
        try reportChanges(into: &out)
        out.line("\(tag) OK [APPENDUID \(stored.uidValidity) \(stored.uid)] APPEND completed")
        connection.send(out.bytes)
    }

    /// Refuses a write that would take the user over the storage quota (RFC 9208 OVERQUOTA).
    func checkQuota(for bytes: Int64) throws {
        let usage = try store.storageUsage(userID: userID())
        guard usage.allows(bytes) else {
            Log.info("imap.over_quota", ["conn": connection.id, "user": principal?.user.address ?? "-",
                                         "used": usage.used, "limit": usage.limit ?? 0, "size": bytes])
            throw IMAPRefusal.no("OVERQUOTA", "The mailbox is full (\(usage.used / 1024) of "
                                 + "\((usage.limit ?? 0) / 1024) KiB in use); delete messages and try again")
        }
    }

    /// Parses `dd-Mon-yyyy hh:mm:ss +zzzz` (the day may have a leading space).
    static func parseDateTime(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: " ")
        guard parts.count == 3 else { return nil }
        let dayParts = parts[0].split(separator: "-")
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        let timeParts = parts[1].split(separator: ":")
        guard dayParts.count == 3, let day = Int(dayParts[0]), let month = months.firstIndex(of: dayParts[1].lowercased()),
              let year = Int(dayParts[2]), timeParts.count == 3, let hour = Int(timeParts[0]),
              let minute = Int(timeParts[1]), let second = Int(timeParts[2]), parts[2].count == 5,
              let zone = Int(parts[2].dropFirst()), let sign = parts[2].first, sign == "+" || sign == "-",
              (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        var components = DateComponents()
        components.year = year
        components.month = month + 1
        components.day = day
        components.hour = hour
        components.minute = minute
        components.second = second
        components.timeZone = TimeZone(secondsFromGMT: (sign == "-" ? -1 : 1) * ((zone / 100) * 3600 + (zone % 100) * 60))
        return Calendar(identifier: .gregorian).date(from: components)
    }
}

extension SequenceSet {
    /// Numbers in the given order, with runs compressed: COPYUID pairs keep their order.
    static func formatList(_ numbers: [UInt32]) -> String {
        var parts: [String] = []
        var index = 0
        while index < numbers.count {
            var end = index
            while end + 1 < numbers.count && numbers[end + 1] == numbers[end] &+ 1 { end += 1 }
            parts.append(end == index ? "\(numbers[index])" : "\(numbers[index]):\(numbers[end])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }
}
