/// One content line of a vCard: `[group.]NAME[;PARAM=value...]:value`.
///
/// The value is kept exactly as written (after unfolding), because a CardDAV server returns what
/// the client stored and must not rewrite escapes it does not understand. The decoded views
/// (`decodedValue`, `components`, `listValues`) are computed on demand for validation, UID
/// lookup and addressbook-query filters.
public struct VCardProperty: Sendable, Hashable {
    /// The group prefix, such as `item1` in `item1.EMAIL`, as written. Apple Contacts ties a label
    /// (`item1.X-ABLabel`) to the property it names this way (RFC 6350 section 3.3).
    public let group: String?

    /// The property name, upper-cased: names are case-insensitive.
    public let name: String

    /// The parameters in the order written. A vCard 3.0 bare shorthand such as `;WORK` is read as
    /// its own `TYPE=WORK` parameter, and a bare `;QUOTED-PRINTABLE` or `;BASE64` as `ENCODING`.
    public let parameters: [VCardParameter]

    /// The value text as written: escapes and any quoted-printable encoding are still in place.
    public let value: String

    /// Makes a property from a raw value; use `escapedText(_:)` to turn plain text into one.
    public init(group: String? = nil, name: String, parameters: [VCardParameter] = [], value: String) {
        self.group = group
        self.name = name.uppercased()
        self.parameters = parameters
        self.value = value
    }

    /// For the parser, whose names are already upper-cased ASCII.
    init(group: String?, upperCasedName name: String, parameters: [VCardParameter], value: String) {
        self.group = group
        self.name = name
        self.parameters = parameters
        self.value = value
    }

    /// Every value of every parameter called `name` (compared case-insensitively), in order.
    public func parameterValues(named name: String) -> [String] {
        let wanted = name.uppercased()
        return parameters.filter { $0.name == wanted }.flatMap(\.values)
    }

    /// The `TYPE` values, lower-cased, since `TYPE=WORK` and `type=work` mean the same.
    public var types: Set<String> {
        Set(parameterValues(named: "TYPE").map { $0.lowercased() })
    }

    /// The value with backslash escapes resolved (and quoted-printable decoded when the
    /// parameters say so). For a structured value such as N the unescaped `;` separators remain.
    public var decodedValue: String {
        TextEscaping.unescaped(Substring(transferDecodedValue))
    }

    /// The fields of a structured value (N, ADR, ORG, GENDER), split on unescaped `;` and then
    /// unescaped. `N:Doe;John;;;` gives `["Doe", "John", "", "", ""]`.
    public var components: [String] {
        TextEscaping.split(Substring(transferDecodedValue), on: ";").map(TextEscaping.unescaped)
    }

    /// The fields of a structured value with each field split again on unescaped `,`, for fields
    /// that hold lists, such as the additional names of N or, in vCard 4.0, street lines of ADR.
    public var componentLists: [[String]] {
        TextEscaping.split(Substring(transferDecodedValue), on: ";").map { field in
            TextEscaping.split(field, on: ",").map(TextEscaping.unescaped)
        }
    }

    /// The items of a list value (CATEGORIES, NICKNAME), split on unescaped `,` and unescaped.
    public var listValues: [String] {
        TextEscaping.split(Substring(transferDecodedValue), on: ",").map(TextEscaping.unescaped)
    }

    /// Plain text escaped for use as a TEXT value: `\`, `,`, `;` and line breaks.
    public static func escapedText(_ text: String) -> String {
        TextEscaping.escaped(text)
    }

    /// The content line, unfolded and without its line break. With `omittingValue`, the value is
    /// left out after the colon, as RFC 6352 section 10.4.2 asks for `novalue="yes"`.
    public func contentLine(omittingValue: Bool = false) -> String {
        var line = group.map { $0 + "." } ?? ""
        line += name
        for parameter in parameters {
            line += parameter.contentLineForm
        }
        line += ":"
        if !omittingValue {
            line += value
        }
        return line
    }

    /// The value with any quoted-printable transfer encoding removed, escapes still in place.
    private var transferDecodedValue: String {
        let encodings = parameterValues(named: "ENCODING")
        guard encodings.contains(where: { $0.uppercased() == "QUOTED-PRINTABLE" }) else { return value }
        return QuotedPrintable.decoded(value, charset: parameterValues(named: "CHARSET").first)
    }
}
