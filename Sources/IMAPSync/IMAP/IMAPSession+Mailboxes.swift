import Foundation
import ServerCore
import SyncPolicy
import TidelineStore

/// CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, LIST (RFC 5258, 5819, 6154), LSUB, STATUS.
extension IMAPSession {
    var inboxOnly: Bool { policy?.inboxOnly.value ?? true }

    /// The subscriptions this device sees: INBOX alone under `inbox-only`, else the user's own.
    func effectiveSubscriptions() throws -> Set<String> {
        inboxOnly ? ["INBOX"] : try store.subscriptions(userID: userID())
    }

    private func checkSubfolderPolicy(_ name: String) throws {
        if name.hasPrefix("INBOX/") && policy?.inboxSubfolders.value == .deny {
            throw IMAPRefusal.no("CANNOT", "The sync policy (inbox-subfolders deny) allows no folders below INBOX")
        }
    }

    func create(tag: String, reader: inout CommandReader) throws {
        try reader.space()
        let name = try mailboxName(&reader)
        var specialUse: String?
        if reader.skipSpace() {
            // CREATE-SPECIAL-USE: (USE (\Sent)); accepted for one attribute.
            let text = String(decoding: reader.rest(), as: UTF8.self)
            let uses = ["\\Sent", "\\Drafts", "\\Trash", "\\Junk", "\\Archive", "\\All", "\\Flagged"]
            specialUse = uses.first { text.localizedCaseInsensitiveContains($0) }
            if specialUse == nil { throw IMAPRefusal.no("USEATTR", "Unsupported special-use attribute") }
        }
        try reader.end()
        if let problem = MailboxName.validate(name) { throw IMAPRefusal.no("CANNOT", problem) }
        try checkSubfolderPolicy(name)
        if name == "INBOX" { throw IMAPRefusal.no("ALREADYEXISTS", "INBOX always exists") }
        _ = try store.createMailbox(userID: userID(), name: name, specialUse: specialUse)
        connection.send("\(tag) OK CREATE completed\r\n")
    }

    func delete(tag: String, reader: inout CommandReader) throws {
        try reader.space()
        let name = try mailboxName(&reader)
        try reader.end()
        if name == "INBOX" { throw IMAPRefusal.no("CANNOT", "INBOX cannot be deleted") }
        do {
            try store.deleteMailbox(userID: userID(), name: name)
        } catch StoreError.conflict(let text) {
            throw IMAPRefusal.no("HASCHILDREN", text)
        }
        if selected?.mailbox.name == name { selected = nil }
        connection.send("\(tag) OK DELETE completed\r\n")
    }

    func rename(tag: String, reader: inout CommandReader) throws {
        try reader.space()
        let old = try mailboxName(&reader)
        try reader.space()
        let new = try mailboxName(&reader)
        try reader.end()
        if let problem = MailboxName.validate(new) { throw IMAPRefusal.no("CANNOT", problem) }
        try checkSubfolderPolicy(new)
        if new == "INBOX" { throw IMAPRefusal.no("ALREADYEXISTS", "INBOX always exists") }
        try store.renameMailbox(userID: userID(), from: old, to: new)
        connection.send("\(tag) OK RENAME completed\r\n")
    }

    func subscribe(tag: String, on: Bool, reader: inout CommandReader) throws {
        try reader.space()
        let name = try mailboxName(&reader)
        try reader.end()
        let command = on ? "SUBSCRIBE" : "UNSUBSCRIBE"
        if inboxOnly {
            // The device's subscriptions are fixed to INBOX; the user's own list stays untouched.
            if on && name != "INBOX" {
                throw IMAPRefusal.no("CANNOT", "The sync policy of this device (inbox-only) subscribes INBOX only; "
                    + "open other folders on demand")
            }
            if !on && name == "INBOX" {
                throw IMAPRefusal.no("CANNOT", "The sync policy of this device (inbox-only) keeps INBOX subscribed")
            }
            connection.send("\(tag) OK \(command) completed\r\n")
            return
        }
        if on, try store.mailbox(userID: userID(), name: name) == nil {
            throw IMAPRefusal.no("NONEXISTENT", "No mailbox \(name)")
        }
        try store.setSubscribed(userID: userID(), name: name, on)
        connection.send("\(tag) OK \(command) completed\r\n")
    }

    func list(tag: String, reader: inout CommandReader) throws {
        try reader.space()
        var selection = Set<String>()
        if reader.peek() == UInt8(ascii: "(") {
            selection = Set(try atomList(&reader))
            try reader.space()
        }
        let reference = try listMailbox(&reader)
        try reader.space()
        var patterns: [String] = []
        if reader.peek() == UInt8(ascii: "(") {
            try reader.expect(UInt8(ascii: "("))
            repeat { patterns.append(try listMailbox(&reader)) } while reader.skipSpace()
            try reader.expect(UInt8(ascii: ")"))
        } else {
            patterns.append(try listMailbox(&reader))
        }
        var returns = Set<String>()
        var statusItems: [String] = []
        if reader.skipSpace() {
            guard try reader.atom().uppercased() == "RETURN" else { throw reader.fail("Expected RETURN") }
            try reader.space()
            try reader.expect(UInt8(ascii: "("))
            while reader.peek() != UInt8(ascii: ")") {
                if !returns.isEmpty { try reader.space() }
                let option = try reader.atom().uppercased()
                returns.insert(option)
                if option == "STATUS" {
                    try reader.space()
                    statusItems = try atomList(&reader)
                }
            }
            try reader.expect(UInt8(ascii: ")"))
        }
        try reader.end()

        var out = ResponseBuffer()
        if patterns == [""] {
            out.line("* LIST (\\Noselect) \"/\" \"\"")
            out.line("\(tag) OK LIST completed")
            connection.send(out.bytes)
            return
        }
        let subscribedOnly = selection.contains("SUBSCRIBED")
        let specialOnly = selection.contains("SPECIAL-USE")
        let showSubscribed = subscribedOnly || returns.contains("SUBSCRIBED")
        let boxes = try store.mailboxes(userID: userID())
        let subscribed = try effectiveSubscriptions()
        let names = Set(boxes.map(\.name))
        let matchers = try patterns.map { try MailboxPattern(reference: decodeListName(reference), pattern: decodeListName($0)) }
        var candidates = boxes.map(\.name)
        if subscribedOnly { candidates = Array(Set(candidates).union(subscribed)).sorted() }
        for name in candidates where matchers.contains(where: { $0.matches(name) }) {
            let box = boxes.first { $0.name == name }
            if subscribedOnly && !subscribed.contains(name) { continue }
            if specialOnly && box?.specialUse == nil { continue }
            var attributes: [String] = []
            if box == nil { attributes.append("\\NonExistent") }
            let hasChildren = names.contains { $0.hasPrefix(name + "/") }
            attributes.append(hasChildren ? "\\HasChildren" : "\\HasNoChildren")
            if showSubscribed && subscribed.contains(name) { attributes.append("\\Subscribed") }
            if let use = box?.specialUse { attributes.append(use) }
            out.line("* LIST (\(attributes.joined(separator: " "))) \"/\" \(wireName(name))")
            if let box, !statusItems.isEmpty {
                out.line(try statusLine(for: box, items: statusItems))
            }
        }
        out.line("\(tag) OK LIST completed")
        connection.send(out.bytes)
    }

    func lsub(tag: String, reader: inout CommandReader) throws {
        try reader.space()
        let reference = try listMailbox(&reader)
        try reader.space()
        let pattern = try listMailbox(&reader)
        try reader.end()
        let matcher = try MailboxPattern(reference: decodeListName(reference), pattern: decodeListName(pattern))
        var out = ResponseBuffer()
        for name in try effectiveSubscriptions().sorted() where matcher.matches(name) {
            out.line("* LSUB () \"/\" \(wireName(name))")
        }
        out.line("\(tag) OK LSUB completed")
        connection.send(out.bytes)
    }

    func status(tag: String, reader: inout CommandReader) throws {
        try reader.space()
        let name = try mailboxName(&reader)
        try reader.space()
        let items = try atomList(&reader)
        try reader.end()
        guard let box = try store.mailbox(userID: userID(), name: name) else {
            throw IMAPRefusal.no("NONEXISTENT", "No mailbox \(name)")
        }
        connection.send(try statusLine(for: box, items: items) + "\r\n\(tag) OK STATUS completed\r\n")
    }

    /// `* STATUS name (…)`; message counts speak of this device's window.
    func statusLine(for box: Mailbox, items: [String]) throws -> String {
        let counts = try store.counts(mailboxID: box.id, since: windowStart())
        var parts: [String] = []
        for item in items {
            switch item.uppercased() {
            case "MESSAGES": parts.append("MESSAGES \(counts.messages)")
            case "UIDNEXT": parts.append("UIDNEXT \(box.uidNext)")
            case "UIDVALIDITY": parts.append("UIDVALIDITY \(box.uidValidity)")
            case "UNSEEN": parts.append("UNSEEN \(counts.unseen)")
            case "DELETED": parts.append("DELETED \(counts.deleted)")
            case "SIZE": parts.append("SIZE \(counts.size)")
            case "RECENT": parts.append("RECENT 0")
            case "HIGHESTMODSEQ":
                condstore = true
                parts.append("HIGHESTMODSEQ \(box.highestModseq)")
            default: throw IMAPRefusal.bad("Unknown STATUS item \(item)")
            }
        }
        return "* STATUS \(wireName(box.name)) (\(parts.joined(separator: " ")))"
    }

    /// A parenthesized list of atoms, upper-cased, in the order given.
    func atomList(_ reader: inout CommandReader) throws -> [String] {
        var items: [String] = []
        try reader.expect(UInt8(ascii: "("))
        while reader.peek() != UInt8(ascii: ")") {
            if !items.isEmpty { try reader.space() }
            items.append(try reader.atom().uppercased())
        }
        try reader.expect(UInt8(ascii: ")"))
        return items
    }

    /// A list-mailbox: an atom that may hold `%`, `*` and `]`, or a string.
    private func listMailbox(_ reader: inout CommandReader) throws -> String {
        if reader.peek() == UInt8(ascii: "\"") || reader.peek() == UInt8(ascii: "{") {
            return String(decoding: try reader.string(), as: UTF8.self)
        }
        var bytes: [UInt8] = []
        while let byte = reader.peek(),
              CommandReader.isAtomByte(byte) || byte == UInt8(ascii: "%") || byte == UInt8(ascii: "*")
                || byte == UInt8(ascii: "]") {
            bytes.append(byte)
            try reader.expect(byte)
        }
        guard !bytes.isEmpty else { throw reader.fail("Expected a mailbox pattern") }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func decodeListName(_ raw: String) throws -> String {
        // Each wildcard multiplies the matching work: a handful is all any client sends.
        if raw.filter({ $0 == "*" || $0 == "%" }).count > 8 {
            throw IMAPRefusal.bad("Too many wildcards in the mailbox pattern (at most 8)")
        }
        if rev2 { return raw }
        guard let decoded = MailboxName.decodeUTF7(raw) else {
            throw IMAPRefusal.bad("Mailbox pattern is not valid modified UTF-7")
        }
        return decoded
    }
}

/// LIST patterns: the reference and pattern joined, `*` matching anything and `%` anything but
/// the hierarchy delimiter; INBOX matches in any case.
struct MailboxPattern {
    private let pattern: [Character]

    init(reference: String, pattern: String) {
        var joined = pattern
        if !reference.isEmpty && !pattern.hasPrefix("/") {
            joined = reference.hasSuffix("/") || reference.isEmpty ? reference + pattern : reference + "/" + pattern
        }
        if joined.uppercased().hasPrefix("INBOX") && (joined.count == 5 || Array(joined)[5] == "/") {
            joined = "INBOX" + joined.dropFirst(5)
        }
        self.pattern = Array(joined)
    }

    func matches(_ name: String) -> Bool {
        Self.match(pattern[...], Array(name)[...])
    }

    private static func match(_ pattern: ArraySlice<Character>, _ name: ArraySlice<Character>) -> Bool {
        guard let first = pattern.first else { return name.isEmpty }
        switch first {
        case "*":
            for split in name.startIndex...name.endIndex where match(pattern.dropFirst(), name[split...]) {
                return true
            }
            return false
        case "%":
            for split in name.startIndex...name.endIndex {
                if split > name.startIndex && name[split - 1] == "/" { break }
                if match(pattern.dropFirst(), name[split...]) { return true }
            }
            return false
        default:
            guard let head = name.first, head == first else { return false }
            return match(pattern.dropFirst(), name.dropFirst())
        }
    }
}
