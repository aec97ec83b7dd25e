import Foundation
import TidelineStore

extension MailImporter {
    /// Imports an mbox file: messages start at lines beginning `From `, whose date becomes the
    /// internal date; `>From ` lines are unquoted one level (mboxrd). `Status:` and
    /// `X-Status:` headers give flags. The import key is built from the From_ line, the
    /// Message-ID and the size, so running the import again adds nothing.
    public func importMbox(at file: URL) throws -> Report {
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw StoreError.notFound("\(file.path) cannot be read")
        }
        let bytes = Array(data)
        guard bytes.starts(with: Array("From ".utf8)) else {
            throw StoreError.invalid("\(file.path) is not an mbox file: it does not start with a From line")
        }
        var index = 0
        var line = 1
        var number = 0
        while index < bytes.count {
            number += 1
            let startLine = line
            let fromEnd = bytes[index...].firstIndex(of: 0x0a) ?? bytes.count
            let fromLine = String(decoding: bytes[index..<fromEnd], as: UTF8.self)
            var cursor = min(fromEnd + 1, bytes.count)
            line += 1
            var message: [UInt8] = []
            while cursor < bytes.count {
                let end = bytes[cursor...].firstIndex(of: 0x0a).map { $0 + 1 } ?? bytes.count
                let content = bytes[cursor..<end]
                // In mboxrd every "From " inside a message is quoted, so an unquoted one starts the next.
                if content.starts(with: Array("From ".utf8)) { break }
                message += Self.unquoteFrom(content)
                cursor = end
                line += 1
            }
            index = cursor
            // The blank line before the next From_ line belongs to the mbox, not the message.
            if message.suffix(2) == [0x0a, 0x0a] || message.suffix(3) == [0x0a, 0x0d, 0x0a] {
                message.removeLast(message.last == 0x0a && message.suffix(2).first == 0x0d ? 2 : 1)
            }
            let position = "message \(number) (line \(startLine))"
            let date = Self.fromLineDate(fromLine)
            if date == nil { report.skipped.append("\(position): no date on the From line; used the Date header") }
            let parsed = MessageContent(message)
            let messageID = parsed.headerValues("MESSAGE-ID").first ?? ""
            let key = "mbox:\(fromLine.trimmingCharacters(in: .whitespacesAndNewlines))|\(messageID)|\(message.count)"
            try add(ImportItem(position: position, bytes: message, date: date, flags: Self.statusFlags(parsed),
                               key: key))
        }
        return try finish()
    }

    static func unquoteFrom(_ line: ArraySlice<UInt8>) -> [UInt8] {
        var quotes = 0
        while quotes < line.count && line[line.startIndex + quotes] == UInt8(ascii: ">") { quotes += 1 }
        if quotes > 0 && line.dropFirst(quotes).starts(with: Array("From ".utf8)) {
            return Array(line.dropFirst())
        }
        return Array(line)
    }

    /// The asctime date at the end of `From sender Thu Dec  3 19:58:42 2026`.
    static func fromLineDate(_ line: String) -> Date? {
        let words = line.split(separator: " ", omittingEmptySubsequences: true)
        guard words.count >= 6 else { return nil }
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        for start in 2..<(words.count - 3) {
            guard let month = months.firstIndex(of: words[start].prefix(3).lowercased()),
                  let day = Int(words[start + 1]) else { continue }
            let time = words[start + 2].split(separator: ":").compactMap { Int($0) }
            guard time.count >= 2, let year = Int(words[start + 3].prefix(4)) else { continue }
            var components = DateComponents()
            components.year = year
            components.month = month + 1
            components.day = day
            components.hour = time[0]
            components.minute = time[1]
            components.second = time.count > 2 ? time[2] : 0
            components.timeZone = TimeZone(identifier: "UTC")
            return Calendar(identifier: .gregorian).date(from: components)
        }
        return nil
    }

    static func statusFlags(_ message: MessageContent) -> [String] {
        let status = (message.headerValues("STATUS").first ?? "") + (message.headerValues("X-STATUS").first ?? "")
        var flags: [String] = []
        if status.contains("R") { flags.append("\\Seen") }
        if status.contains("A") { flags.append("\\Answered") }
        if status.contains("F") { flags.append("\\Flagged") }
        if status.contains("D") { flags.append("\\Deleted") }
        if status.contains("T") { flags.append("\\Draft") }
        return flags
    }
}
