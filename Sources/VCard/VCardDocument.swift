/// The vCard versions a CardDAV server accepts (RFC 6352 section 5.1 requires 3.0 support; 4.0 is
/// what DAVx5 and Thunderbird write when the server offers it).
public enum VCardVersion: String, Sendable, Hashable, CaseIterable {
    case v3 = "3.0"
    case v4 = "4.0"
}

/// One vCard: the content lines between `BEGIN:VCARD` and `END:VCARD`, checked and split apart.
///
/// CardDAV stores each contact exactly as the client sent it; this type is what the server uses
/// to decide that the text is a vCard at all (the `valid-address-data` precondition), to read
/// its UID, and to evaluate addressbook-query filters. Parsing is lenient about what clients
/// really write (bare LF line ends, vCard 3.0 TYPE shorthands, quoted-printable values, unknown
/// properties) and strict only where CardDAV needs it: one vCard per resource, VERSION 3.0 or
/// 4.0, an FN, and at most one UID.
///
/// RFC 2426 also requires N in vCard 3.0, but clients omit it for organizations and servers
/// accept that, so it is not checked here.
public struct VCardDocument: Sendable, Hashable {
    /// The value of the VERSION property.
    public let version: VCardVersion

    /// Every property between BEGIN and END, in order, VERSION included.
    public let properties: [VCardProperty]

    /// The resource as it was parsed. Output copies the lines of kept properties from here, so
    /// a client gets back its own text (folding and spelling included), not a rewrite.
    let source: [UInt8]

    /// For each entry of `properties`, the bytes of its physical lines in `source`.
    let spans: [Range<Int>]

    /// Parses a resource that must hold exactly one complete vCard.
    ///
    /// - Parameter requiringFormattedName: false skips the FN check, to read back a partial
    ///   card such as an `address-data` result that did not ask for FN. Everything else is
    ///   checked either way.
    public init(parsing text: String, requiringFormattedName: Bool = true) throws(VCardError) {
        try self.init(parsing: Array(text.utf8), requiringFormattedName: requiringFormattedName)
    }

    /// Parses a resource given as bytes, which must be UTF-8 (a leading byte order mark is
    /// skipped). Use this on request bodies so a fold inside a multi-byte character still works.
    public init(parsing bytes: [UInt8], requiringFormattedName: Bool = true) throws(VCardError) {
        var lines = LineUnfolding(bytes)
        guard let first = try lines.next() else { throw VCardError(.empty) }
        let begin = try ContentLineParser.property(from: first)
        guard Self.isMarker(begin, "BEGIN") else {
            throw VCardError(.missingBegin, line: first.lineNumber)
        }

        var properties: [VCardProperty] = []
        var spans: [Range<Int>] = []
        properties.reserveCapacity(24)
        spans.reserveCapacity(24)
        var version: (text: String, line: Int)?
        var formattedNameFound = false
        var uidLine: Int?
        var endFound = false
        while let line = try lines.next() {
            if endFound {
                let next = try? ContentLineParser.property(from: line)
                let isAnotherCard = next.map { Self.isMarker($0, "BEGIN") } ?? false
                throw VCardError(isAnotherCard ? .multipleCards : .textAfterEnd, line: line.lineNumber)
            }
            let property = try ContentLineParser.property(from: line)
            switch property.name {
            case "BEGIN":
                throw VCardError(.nestedBegin, line: line.lineNumber)
            case "END":
                guard Self.isMarker(property, "END") else {
                    throw VCardError(.mismatchedEnd(property.value), line: line.lineNumber)
                }
                endFound = true
                continue
            case "VERSION":
                guard version == nil else { throw VCardError(.duplicateVersion, line: line.lineNumber) }
                version = (property.value.trimmingBlanks(), line.lineNumber)
            case "FN":
                formattedNameFound = true
            case "UID":
                guard uidLine == nil else { throw VCardError(.duplicateUID, line: line.lineNumber) }
                uidLine = line.lineNumber
            default:
                break
            }
            properties.append(property)
            spans.append(line.span)
        }
        guard endFound else { throw VCardError(.missingEnd) }
        guard let version else { throw VCardError(.missingVersion) }
        guard let known = VCardVersion(rawValue: version.text) else {
            throw VCardError(.unsupportedVersion(version.text), line: version.line)
        }
        guard formattedNameFound || !requiringFormattedName else {
            throw VCardError(.missingFormattedName)
        }
        self.version = known
        self.properties = properties
        self.source = bytes
        self.spans = spans
    }

    /// Two cards are equal when their versions and properties are, however they were folded.
    public static func == (lhs: VCardDocument, rhs: VCardDocument) -> Bool {
        lhs.version == rhs.version && lhs.properties == rhs.properties
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(version)
        hasher.combine(properties)
    }

    /// The UID (RFC 6350 section 6.7.6), unescaped, or nil when the card has none. CardDAV
    /// requires UIDs to be unique within an address book (RFC 6352 section 6.3.2.1).
    public var uid: String? {
        firstValue(of: "UID")
    }

    /// The first FN, unescaped; parsing guarantees there is one.
    public var formattedName: String {
        firstValue(of: "FN") ?? ""
    }

    /// The properties called `name`, compared case-insensitively, in order.
    public func properties(named name: String) -> [VCardProperty] {
        let wanted = name.uppercased()
        return properties.filter { $0.name == wanted }
    }

    /// The unescaped value of the first property called `name`, or nil when there is none.
    public func firstValue(of name: String) -> String? {
        let wanted = name.uppercased()
        return properties.first { $0.name == wanted }?.decodedValue
    }

    /// Whether a property is `BEGIN:VCARD` or `END:VCARD` (the value compared case-insensitively
    /// and without surrounding blanks, since some exporters leave a trailing space).
    private static func isMarker(_ property: VCardProperty, _ name: String) -> Bool {
        property.name == name && property.group == nil
            && property.value.trimmingBlanks().uppercased() == "VCARD"
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    func trimmingBlanks() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
              let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        return String(scalars[first...last])
    }
}
