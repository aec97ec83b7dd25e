import ServerCore
import TidelineStore

/// QUOTA (RFC 9208): one quota root, "", holding the user's whole storage (mail and DAV).
extension IMAPSession {
    func quota(_ command: String, tag: String, reader: inout CommandReader) throws {
        try reader.space()
        switch command {
        case "GETQUOTAROOT":
            let name = try mailboxName(&reader)
            try reader.end()
            guard try store.mailbox(userID: userID(), name: name) != nil else {
                throw IMAPRefusal.no("NONEXISTENT", "No mailbox \(name)")
            }
            let usage = try store.storageUsage(userID: userID())
            var out = ResponseBuffer()
            let quoted = wireName(name)
            if usage.limit == nil {
                out.line("* QUOTAROOT \(quoted)")
            } else {
                out.line("* QUOTAROOT \(quoted) \"\"")
                out.line("* QUOTA \"\" \(Self.resources(usage))")
            }
            out.line("\(tag) OK GETQUOTAROOT completed")
            connection.send(out.bytes)
        case "GETQUOTA":
            let root = String(decoding: try reader.astringBytes(), as: UTF8.self)
            try reader.end()
            let usage = try store.storageUsage(userID: userID())
            guard root.isEmpty, usage.limit != nil else {
                throw IMAPRefusal.no("NONEXISTENT",
                                     "No quota root \"\(root)\"; the only one is \"\" when a quota is set")
            }
            connection.send("* QUOTA \"\" \(Self.resources(usage))\r\n\(tag) OK GETQUOTA completed\r\n")
        default:
            throw IMAPRefusal.no("NOPERM", "Quotas are set by the administrator (tideline user quota)")
        }
    }

    /// `(STORAGE used limit)` in units of 1024 octets, rounded up.
    static func resources(_ usage: StorageUsage) -> String {
        let kib = { (bytes: Int64) in (bytes + 1023) / 1024 }
        return "(STORAGE \(kib(usage.used)) \(kib(usage.limit ?? 0)))"
    }
}
