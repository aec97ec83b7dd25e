import Foundation
import MIME
import TidelineStore

/// A stored message read through the MIME parser: the sections FETCH returns and the text
/// SEARCH looks in. Parsing happens once per message per command.
struct MessageContent {
    let message: MIMEMessage

    init(_ bytes: [UInt8]) {
        message = MIMEMessage(bytes)
    }

    var bytes: [UInt8] { message.bytes }

    /// `BODY[section]`; nil when the section names no part.
    func section(_ section: BodySection) -> [UInt8]? {
        let text: MIMESection.Text?
        switch section.text {
        case .header: text = .header
        case .headerFields(let names): text = .headerFields(names)
        case .headerFieldsNot(let names): text = .headerFieldsNot(names)
        case .text: text = .text
        case .mime: text = .mime
        case nil: text = nil
        }
        return message.bytes(of: MIMESection(section.part, text))
    }

    /// `BINARY[part]` (RFC 3516): the part's body with its transfer encoding undone; nil for an
    /// encoding that cannot be undone.
    func binary(part path: [Int]) -> [UInt8]? {
        if path.isEmpty { return message.bytes }
        guard let part = message.part(at: path) else { return nil }
        let encoding = part.contentTransferEncoding.lowercased()
        guard ["7bit", "8bit", "binary", "base64", "quoted-printable", ""].contains(encoding) else { return nil }
        return MIMETransferDecoding.decode(part.bodyBytes, encoding: encoding)
    }

    /// Decoded values of a header field of the message (not of its parts).
    func headerValues(_ name: String) -> [String] {
        message.decodedHeader(name)
    }

    func searchableText(includeHeaders: Bool) -> String {
        message.searchableText(includeHeaders: includeHeaders)
    }

    var sentDate: Date? {
        message.root.sentDate
    }

    /// A message ready for the store, with its ENVELOPE, BODYSTRUCTURE and BODY computed now so
    /// that FETCH never parses it.
    static func newMessage(_ bytes: [UInt8], date: Date, flags: [String], importKey: String? = nil,
                           parsed: MessageContent? = nil) -> NewMessage {
        let content = parsed ?? MessageContent(bytes)
        return NewMessage(bytes: bytes, internalDate: date, flags: flags, envelope: content.message.envelope,
                          bodyStructure: content.message.bodyStructure(extensible: true),
                          body: content.message.bodyStructure(extensible: false), importKey: importKey)
    }
}
