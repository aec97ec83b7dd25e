/// One mailbox of an address field (RFC 5322 section 3.4), split the way IMAP's ENVELOPE
/// reports it: display name, obsolete source route, local part, domain.
public struct MIMEAddress: Sendable, Equatable {
    /// The display name as written, quotes removed; RFC 2047 encoded words stay encoded. For an
    /// address written `user@host (Name)` the comment serves as the name.
    public var displayName: String?

    /// The obsolete source route (RFC 5322 section 4.4), like `@relay.example,@other.example`.
    public var route: String?

    /// The local part, without quoting.
    public var mailbox: String

    /// The domain, or nil when the address has none (`undisclosed` or `<user>`).
    public var host: String?

    public init(displayName: String? = nil, route: String? = nil, mailbox: String, host: String?) {
        self.displayName = displayName
        self.route = route
        self.mailbox = mailbox
        self.host = host
    }
}

/// An entry of an address list: a single mailbox, or a named group of them (`team: a, b;`).
public enum MIMEAddressListEntry: Sendable, Equatable {
    case mailbox(MIMEAddress)
    case group(name: String, members: [MIMEAddress])
}

/// Parses address lists as mail actually writes them; never fails.
///
/// Beyond RFC 5322 it takes: groups without the closing ";", unterminated "<", phrases with
/// dots, comments anywhere, source routes, addresses without a domain, and stray commas.
public enum MIMEAddressParser {
    /// The entries of an unfolded address field value.
    public static func parse(_ value: [UInt8]) -> [MIMEAddressListEntry] {
        let tokens = StructuredTokenizer.tokens(value, specials: StructuredTokenizer.addressSpecials)
        var reader = Reader(tokens: tokens)
        return reader.list()
    }

    /// Parses a field value given as text.
    public static func parse(_ value: String) -> [MIMEAddressListEntry] {
        parse(Array(value.utf8))
    }

    /// A cursor over the tokens of one field.
    private struct Reader {
        let tokens: [StructuredToken]
        var index = 0

        mutating func list() -> [MIMEAddressListEntry] {
            var entries: [MIMEAddressListEntry] = []
            while index < tokens.count {
                if tokens[index].isSpecial(ASCII.comma) || tokens[index].isSpecial(ASCII.semicolon)
                    || tokens[index].kind == .comment {
                    index += 1
                    continue
                }
                if let colon = groupColon() {
                    let name = phrase(tokens[index..<colon]) ?? ""
                    index = colon + 1
                    var members: [MIMEAddress] = []
                    while index < tokens.count, !tokens[index].isSpecial(ASCII.semicolon) {
                        if isSpecial(ASCII.comma) || isSpecial(ASCII.colon) {
                            index += 1
                        } else if let member = mailbox() {
                            members.append(member)
                        }
                    }
                    index += 1
                    entries.append(.group(name: name, members: members))
                } else if let address = mailbox() {
                    entries.append(.mailbox(address))
                }
            }
            return entries
        }

        /// The index of a ":" that opens a group here: it comes before any "<", "@", "," or ";".
        private func groupColon() -> Int? {
            var cursor = index
            while cursor < tokens.count {
                let token = tokens[cursor]
                if token.isSpecial(ASCII.colon) {
                    return cursor
                }
                if token.kind == .special, [ASCII.lessThan, ASCII.at, ASCII.comma, ASCII.semicolon]
                    .contains(token.text[0]) {
                    return nil
                }
                cursor += 1
            }
            return nil
        }

        /// One mailbox, `name <addr>` or a bare `addr`, leaving the cursor at the "," or ";"
        /// after it. Always moves the cursor forward unless it is already at one of those.
        mutating func mailbox() -> MIMEAddress? {
            let start = index
            while index < tokens.count, !isEntryEnd(tokens[index]), !isSpecial(ASCII.lessThan) {
                index += 1
            }
            guard index < tokens.count, tokens[index].isSpecial(ASCII.lessThan) else {
                return bareAddress(tokens[start..<index])
            }
            let name = phrase(tokens[start..<index])
            index += 1
            var route: String?
            if index < tokens.count, tokens[index].isSpecial(ASCII.at) {
                let routeStart = index
                while index < tokens.count, !tokens[index].isSpecial(ASCII.colon),
                      !tokens[index].isSpecial(ASCII.greaterThan) {
                    index += 1
                }
                if index < tokens.count, tokens[index].isSpecial(ASCII.colon) {
                    route = joined(tokens[routeStart..<index])
                    index += 1
                } else {
                    index = routeStart
                }
            }
            let specStart = index
            while index < tokens.count, !isSpecial(ASCII.greaterThan), !isEntryEnd(tokens[index]) {
                index += 1
            }
            var address = addrSpec(tokens[specStart..<index])
            address.displayName = name
            address.route = route
            while index < tokens.count, !isEntryEnd(tokens[index]) {
                index += 1
            }
            return address
        }

        /// Whether the token under the cursor is the special `byte`.
        private func isSpecial(_ byte: UInt8) -> Bool {
            index < tokens.count && tokens[index].isSpecial(byte)
        }

        private func isEntryEnd(_ token: StructuredToken) -> Bool {
            token.isSpecial(ASCII.comma) || token.isSpecial(ASCII.semicolon)
        }

        /// An address without angle brackets; a comment in it stands in for the display name.
        private func bareAddress(_ slice: ArraySlice<StructuredToken>) -> MIMEAddress? {
            let content = slice.filter { $0.kind != .comment }
            guard !content.isEmpty else { return nil }
            var address = addrSpec(content[...])
            if let comment = slice.last(where: { $0.kind == .comment }), !comment.text.isEmpty {
                address.displayName = MIMECharset.bestEffort(comment.text)
            }
            return address
        }

        /// Splits `local@domain` at its last "@"; comments are dropped.
        private func addrSpec(_ slice: ArraySlice<StructuredToken>) -> MIMEAddress {
            let content = slice.filter { $0.kind != .comment }
            guard let at = content.lastIndex(where: { $0.isSpecial(ASCII.at) }) else {
                return MIMEAddress(mailbox: joined(content[...]), host: nil)
            }
            let host = joined(content[(at + 1)...])
            return MIMEAddress(mailbox: joined(content[..<at]), host: host.isEmpty ? nil : host)
        }

        /// Tokens glued together without spaces, as in a local part or domain.
        private func joined(_ slice: ArraySlice<StructuredToken>) -> String {
            var bytes: [UInt8] = []
            for token in slice where token.kind != .comment {
                bytes += token.text
            }
            return MIMECharset.bestEffort(bytes)
        }

        /// A display name: words with single spaces where the sender had space, quotes removed,
        /// comments dropped; nil when empty.
        private func phrase(_ slice: ArraySlice<StructuredToken>) -> String? {
            var bytes: [UInt8] = []
            for token in slice where token.kind != .comment {
                if !bytes.isEmpty, token.followsSpace {
                    bytes.append(ASCII.space)
                }
                bytes += token.text
            }
            return bytes.isEmpty ? nil : MIMECharset.bestEffort(bytes)
        }
    }
}
