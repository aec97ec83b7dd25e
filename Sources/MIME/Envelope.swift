/// The ENVELOPE of a message (RFC 9051 section 7.5.2), built from its top-level header.
extension MIMEPart {
    /// The envelope of the message whose top this part is, written as IMAP expects after
    /// `ENVELOPE `: date, subject, from, sender, reply-to, to, cc, bcc, in-reply-to, message-id.
    ///
    /// Values are the unfolded field values as sent; RFC 2047 encoded words are not decoded,
    /// as the RFC asks. Sender and Reply-To fall back to From when missing or empty. When a field
    /// appears more than once the first one counts.
    public var envelope: String {
        let from = addressField("From")
        let sender = addressField("Sender")
        let replyTo = addressField("Reply-To")
        let items = [
            IMAPString.nstring(value(of: "Date")),
            IMAPString.nstring(value(of: "Subject")),
            render(from),
            render(sender.isEmpty ? from : sender),
            render(replyTo.isEmpty ? from : replyTo),
            render(addressField("To")),
            render(addressField("Cc")),
            render(addressField("Bcc")),
            IMAPString.nstring(value(of: "In-Reply-To")),
            IMAPString.nstring(value(of: "Message-ID")),
        ]
        return "(" + items.joined(separator: " ") + ")"
    }

    /// The parsed entries of the first field called `name`, or none.
    public func addressField(_ name: String) -> [MIMEAddressListEntry] {
        guard let field = fields.first(where: { $0.hasName(name) }) else { return [] }
        return MIMEAddressParser.parse(field.unfoldedBytes)
    }

    /// An address list in envelope form: NIL when empty; a group is a start marker with its
    /// name in the mailbox slot, its members, and an all-NIL end marker.
    private func render(_ entries: [MIMEAddressListEntry]) -> String {
        guard !entries.isEmpty else { return "NIL" }
        var output = "("
        for entry in entries {
            switch entry {
            case .mailbox(let address):
                output += render(address)
            case .group(let name, let members):
                output += "(NIL NIL \(IMAPString.string(name)) NIL)"
                for member in members {
                    output += render(member)
                }
                output += "(NIL NIL NIL NIL)"
            }
        }
        return output + ")"
    }

    /// One address. A missing domain goes out as an empty string, because a NIL host would mark
    /// the entry as a group (RFC 9051 section 7.5.2).
    private func render(_ address: MIMEAddress) -> String {
        let parts = [
            IMAPString.nstring(address.displayName),
            IMAPString.nstring(address.route),
            IMAPString.string(address.mailbox),
            IMAPString.string(address.host ?? ""),
        ]
        return "(" + parts.joined(separator: " ") + ")"
    }
}
