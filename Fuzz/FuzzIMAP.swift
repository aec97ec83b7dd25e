import Foundation
@testable import IMAPSync
import ServerCore

/// libFuzzer entry for the IMAP command reader: the input is what a client sends, framed into
/// commands (lines with their literals) the way the server frames a connection, and each command
/// is parsed with the grammar its name selects. No store or session is involved: this target
/// covers parsing only, which is where untrusted bytes meet the server first.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIMAP(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let stream = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    var framer = LiteralFramer(maxLineLength: 8192, maxLiteralSize: 16_384)
    var buffer = InboundBuffer(stream)
    var steps = 0
    while true {
        steps += 1
        precondition(steps < 1_000_000, "LiteralFramer made no progress")
        switch framer.nextStep(from: &buffer) {
        case .needMoreBytes: return 0
        case .reply: continue
        case .frame(.complete(let bytes), _): parseCommand(bytes)
        case .frame(.oversized(_, let head), _): _ = CommandReader(head).tagOrStar
        case .frame(.malformed, _): continue
        }
    }
}

/// Parses one framed command as far as the grammar goes without a session.
private func parseCommand(_ bytes: [UInt8]) {
    var reader = CommandReader(bytes)
    guard let start = try? reader.commandStart() else { return }
    var name = start.name
    if name == "UID" {
        guard reader.skipSpace(), let sub = try? reader.atom().uppercased() else { return }
        name = sub
    }
    switch name {
    case "FETCH":
        guard reader.skipSpace(), let set = try? reader.sequenceSet(), reader.skipSpace() else { return }
        _ = set.resolved(largest: 100)
        _ = try? reader.fetchRequest()
    case "SEARCH":
        guard reader.skipSpace() else { return }
        _ = try? reader.searchRequest()
    case "STORE", "COPY", "MOVE", "EXPUNGE":
        guard reader.skipSpace(), let set = try? reader.sequenceSet() else { return }
        _ = set.contains(7, largest: UInt32.max)
        _ = SequenceSet.format(set.resolved(largest: 50).flatMap { Array($0.prefix(50)) })
        _ = reader.rest()
    case "ID":
        guard reader.skipSpace() else { return }
        _ = try? IDCommand.parse(&reader)
    case "APPEND", "SELECT", "EXAMINE", "CREATE", "DELETE", "RENAME", "SUBSCRIBE", "UNSUBSCRIBE",
         "STATUS", "LIST", "LSUB", "GETQUOTAROOT":
        // Every one of these starts with a mailbox name (LIST with a reference name).
        while reader.skipSpace(), let raw = try? reader.astring() {
            if let decoded = MailboxName.decodeUTF7(raw) {
                _ = MailboxName.validate(decoded)
                _ = MailboxName.encodeUTF7(decoded)
            }
        }
        if reader.peek() == UInt8(ascii: "\""), let text = try? reader.string() {
            _ = IMAPSession.parseDateTime(String(decoding: text, as: UTF8.self))
        }
    default:
        _ = reader.rest()
    }
}
