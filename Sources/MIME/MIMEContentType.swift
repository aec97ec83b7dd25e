/// A media type with its parameters (RFC 2045 section 5).
///
/// Type and subtype are lower-cased; parameter names too. A part without a usable Content-Type
/// gets the default of RFC 2045 section 5.2, `text/plain; charset=us-ascii`, or
/// `message/rfc822` inside a multipart/digest (RFC 2046 section 5.1.5).
public struct MIMEContentType: Sendable, Equatable {
    public let type: String
    public let subtype: String
    public let parameters: [MIMEParameter]

    public init(type: String, subtype: String, parameters: [MIMEParameter] = []) {
        self.type = type.lowercased()
        self.subtype = subtype.lowercased()
        if self.type == "text", !parameters.contains(where: { $0.name == "charset" }) {
            // RFC 2045 section 5.2: text without a charset is US-ASCII; IMAP clients expect to see it.
            self.parameters = parameters + [MIMEParameter(name: "charset", value: "US-ASCII")]
        } else {
            self.parameters = parameters
        }
    }

    /// `text/plain; charset=us-ascii`, for parts that say nothing or say it wrong.
    public static let defaultText = MIMEContentType(type: "text", subtype: "plain")

    /// `message/rfc822`, the default inside multipart/digest.
    public static let defaultDigestEntry = MIMEContentType(type: "message", subtype: "rfc822")

    /// Parses a Content-Type value; nil when it has no `type/subtype` made of tokens.
    public init?(parsing value: [UInt8]) {
        let tokens = StructuredTokenizer.mimeTokens(value)
            .filter { $0.kind != .comment }
        guard tokens.count >= 3, tokens[0].kind == .atom, tokens[1].isSpecial(ASCII.slash),
              tokens[2].kind == .atom else {
            return nil
        }
        self.init(
            type: MIMECharset.latin1(tokens[0].text),
            subtype: MIMECharset.latin1(tokens[2].text),
            parameters: ParameterParser.parameters(tokens[3...])
        )
    }

    /// The first parameter called `name` (any case), decoded.
    public func parameter(_ name: String) -> String? {
        let key = name.lowercased()
        return parameters.first { $0.name == key }?.value
    }

    /// `type/subtype`.
    public var mediaType: String {
        "\(type)/\(subtype)"
    }

    public var isMultipart: Bool {
        type == "multipart"
    }

    /// Whether the part holds a whole message: message/rfc822, or message/global (RFC 6532),
    /// which IMAP describes the same way (RFC 9051 section 7.5.2).
    public var isMessage: Bool {
        type == "message" && (subtype == "rfc822" || subtype == "global")
    }

    public var isText: Bool {
        type == "text"
    }

    /// The multipart boundary, if the parameter is there and not empty.
    public var boundary: String? {
        guard let boundary = parameter("boundary"), !boundary.isEmpty else { return nil }
        return boundary
    }

    /// The charset parameter, lower-cased.
    public var charset: String? {
        parameter("charset")?.lowercased()
    }
}

/// A Content-Disposition field (RFC 2183): `inline` or `attachment` and its parameters.
public struct MIMEContentDisposition: Sendable, Equatable {
    /// The disposition type, lower-cased.
    public let type: String
    public let parameters: [MIMEParameter]

    public init(type: String, parameters: [MIMEParameter] = []) {
        self.type = type.lowercased()
        self.parameters = parameters
    }

    /// Parses a Content-Disposition value; nil when it does not start with a token.
    public init?(parsing value: [UInt8]) {
        let tokens = StructuredTokenizer.mimeTokens(value)
            .filter { $0.kind != .comment }
        guard let first = tokens.first, first.kind == .atom else { return nil }
        let parameters = ParameterParser.parameters(tokens[1...])
        self.init(type: MIMECharset.latin1(first.text), parameters: parameters)
    }

    /// The first parameter called `name` (any case), decoded; `filename` is the usual one.
    public func parameter(_ name: String) -> String? {
        let key = name.lowercased()
        return parameters.first { $0.name == key }?.value
    }
}
