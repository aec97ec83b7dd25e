/// Why a resource is not an acceptable vCard, with the line it went wrong on when there is one.
///
/// The `description` is written for people: CardDAV puts it in the body of a 403 response with
/// the `valid-address-data` precondition (RFC 6352 section 6.3.2.1), and an import prints it next
/// to the file name, so it names the line and the rule that was broken.
public struct VCardError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The rule that was broken.
    public enum Reason: Sendable, Equatable {
        /// The bytes of a line are not UTF-8 (RFC 6350 section 3.1 allows nothing else).
        case notUTF8
        /// A line starts with a space or tab, so it continues a line, but nothing came before it.
        case continuationWithoutProperty
        /// A content line has no `:` between its name and parameters and its value.
        case missingColon
        /// A content line starts with `:` or `;`.
        case missingName
        /// A property or group name holds characters other than letters, digits, `-` and `_`.
        case invalidName(String)
        /// A parameter name holds characters other than letters, digits, `-` and `_`.
        case invalidParameterName(String)
        /// A parameter value opens a double quote and the line ends before it closes.
        case unterminatedQuote
        /// The resource holds no content lines at all.
        case empty
        /// The first content line is something other than `BEGIN:VCARD`.
        case missingBegin
        /// The text ends before `END:VCARD`.
        case missingEnd
        /// A `BEGIN` line comes inside the vCard, usually because an `END:VCARD` is missing.
        case nestedBegin
        /// An `END` line names something other than `VCARD`.
        case mismatchedEnd(String)
        /// A second `BEGIN:VCARD` follows the first vCard; CardDAV allows one per resource.
        case multipleCards
        /// Something other than another vCard follows `END:VCARD`.
        case textAfterEnd
        /// No `VERSION` property.
        case missingVersion
        /// More than one `VERSION` property.
        case duplicateVersion
        /// A `VERSION` other than 3.0 and 4.0, the two that CardDAV servers take.
        case unsupportedVersion(String)
        /// No `FN` property.
        case missingFormattedName
        /// More than one `UID` property (RFC 6350 section 6.7.6 allows at most one).
        case duplicateUID
    }

    /// The rule that was broken.
    public let reason: Reason

    /// The 1-based line in the resource where the offending content line starts, if the problem
    /// belongs to one line rather than to the vCard as a whole.
    public let line: Int?

    public init(_ reason: Reason, line: Int? = nil) {
        self.reason = reason
        self.line = line
    }

    public var description: String {
        guard let line else { return message }
        return "line \(line): \(message)"
    }

    /// The sentence for the reason alone, without the line number.
    public var message: String {
        switch reason {
        case .notUTF8: "text is not valid UTF-8; vCard 3.0 and 4.0 must be sent as UTF-8"
        case .continuationWithoutProperty: "folded continuation line with no property before it"
        case .missingColon: "property without a \":\" before its value"
        case .missingName: "property without a name"
        case .invalidName(let name):
            "property name \"\(name)\" may only hold letters, digits, \"-\" and \"_\""
        case .invalidParameterName(let name):
            "parameter name \"\(name)\" may only hold letters, digits, \"-\" and \"_\""
        case .unterminatedQuote: "parameter value with an unterminated double quote"
        case .empty: "no vCard in the resource; it is empty"
        case .missingBegin: "expected BEGIN:VCARD"
        case .missingEnd: "missing END:VCARD; the text ends inside the vCard"
        case .nestedBegin: "BEGIN inside a vCard (is an END:VCARD missing?)"
        case .mismatchedEnd(let value): "END:\(value) does not close BEGIN:VCARD"
        case .multipleCards: "more than one vCard in the resource; store each contact as its own resource"
        case .textAfterEnd: "text after END:VCARD"
        case .missingVersion: "missing VERSION (required in vCard 3.0 and 4.0)"
        case .duplicateVersion: "more than one VERSION"
        case .unsupportedVersion(let version): "VERSION must be 3.0 or 4.0, not \"\(version)\""
        case .missingFormattedName: "missing FN (required in vCard 3.0 and 4.0)"
        case .duplicateUID: "more than one UID"
        }
    }
}
