/// Cutting a file of many vCards (an export from a phone or a mail client) into single vCards.
extension VCardDocument {
    /// The text of each `BEGIN:VCARD` ... `END:VCARD` block, unchanged, line ends included.
    ///
    /// Text between blocks is dropped. A block whose END is missing runs up to the next
    /// `BEGIN:VCARD` or the end of the text and is returned as it is, so that parsing it reports
    /// the missing END rather than the import silently losing a contact. Nested vCards (the
    /// vCard 2.1 AGENT property) are not recognised: an inner BEGIN starts a new block.
    // Limitation: a vCard nested in an AGENT property is cut off as a card of its own.
    public static func split(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        var cards: [String] = []
        var cardStart: Int?
        var lineStart = 0
        while lineStart < bytes.count {
            let newline = bytes[lineStart...].firstIndex(of: 0x0A)
            let lineEnd = newline ?? bytes.count
            let next = newline.map { $0 + 1 } ?? bytes.count
            let marker = markerLine(bytes[lineStart..<lineEnd])
            if marker == "BEGIN:VCARD" {
                if let start = cardStart {
                    cards.append(String(decoding: bytes[start..<lineStart], as: UTF8.self))
                }
                cardStart = lineStart
            } else if marker == "END:VCARD", let start = cardStart {
                cards.append(String(decoding: bytes[start..<next], as: UTF8.self))
                cardStart = nil
            }
            lineStart = next
        }
        if let start = cardStart {
            cards.append(String(decoding: bytes[start...], as: UTF8.self))
        }
        return cards
    }

    /// The line upper-cased without blanks or CR, if it is short enough to be BEGIN or END and
    /// is not the continuation of a folded line.
    private static func markerLine(_ line: ArraySlice<UInt8>) -> String? {
        guard line.count <= 32, let first = line.first, first != 0x20, first != 0x09 else { return nil }
        let kept = line.filter { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }
        return String(decoding: kept, as: UTF8.self).uppercased()
    }
}
