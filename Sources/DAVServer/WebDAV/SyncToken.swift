import Foundation

/// A sync token (RFC 6578) and ctag of one collection as one device sees it.
///
/// `seq` is the collection's change sequence. For calendars under a window, `agedOut` is the
/// newest window date among objects that had already left the device's window when the token
/// was made, and `windowDays` the window then: with them the next sync-collection can report
/// what aged out since (dates after `agedOut` now outside the window) and what a wider window
/// brought in. The token changes only when something changed or aged out, so clients that
/// compare tokens or ctags do not sync for nothing. Tokens are plain numbers from the store,
/// so they stay valid across restarts.
struct SyncToken: Equatable, CustomStringConvertible {
    let collectionID: Int64
    let seq: Int64
    let agedOut: Int64
    let windowDays: Int

    static let scheme = "urn:x-tideline:sync:"

    var description: String {
        "\(Self.scheme)\(collectionID)_\(seq)_\(agedOut)_\(windowDays)"
    }

    var ctag: String {
        "\(seq)_\(agedOut)_\(windowDays)"
    }

    /// Parses a token a client sent back; nil when it is not one of this server's.
    init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix(Self.scheme) else { return nil }
        let parts = trimmed.dropFirst(Self.scheme.count).split(separator: "_").map { Int64($0) }
        guard parts.count == 4, let id = parts[0], let seq = parts[1], let agedOut = parts[2],
              let days = parts[3], seq >= 0, days >= 0, days <= 30
        else { return nil }
        self.init(collectionID: id, seq: seq, agedOut: agedOut, windowDays: Int(days))
    }

    init(collectionID: Int64, seq: Int64, agedOut: Int64, windowDays: Int) {
        self.collectionID = collectionID
        self.seq = seq
        self.agedOut = agedOut
        self.windowDays = windowDays
    }
}
