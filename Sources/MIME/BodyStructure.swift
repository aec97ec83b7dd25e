/// BODY and BODYSTRUCTURE (RFC 9051 section 7.5.2) rendered from the part tree.
///
/// Type, subtype, encoding, parameter and disposition names go out upper-cased, as in the RFC's
/// examples; values as the sender wrote them. Sizes are the body's octets in the message as
/// stored, before any transfer decoding; line counts are those of `MIMEPart.lineCount`.
extension MIMEPart {
    /// The structure of this part, ready to be written after `BODYSTRUCTURE ` (`extensible`,
    /// with extension data) or `BODY ` (without).
    public func bodyStructure(extensible: Bool) -> String {
        switch structure {
        case .multipart(let children):
            return multipartStructure(children, extensible: extensible)
        case .message(let embedded):
            let fields = [
                "\"MESSAGE\"", IMAPString.string(contentType.subtype.uppercased()),
                bodyFields(), embedded.envelope, embedded.bodyStructure(extensible: extensible),
                String(lineCount),
            ]
            return "(" + fields.joined(separator: " ") + singlePartExtension(extensible) + ")"
        case .single, .opaque:
            return singlePartStructure(extensible: extensible)
        }
    }

    private func multipartStructure(_ children: [MIMEPart], extensible: Bool) -> String {
        var output = "("
        if children.isEmpty {
            // The grammar needs at least one body; a multipart in which no boundary line was
            // found shows one empty text part, as other servers do.
            output += "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 0 0)"
        }
        for child in children {
            output += child.bodyStructure(extensible: extensible)
        }
        output += " " + IMAPString.string(contentType.subtype.uppercased())
        if extensible {
            output += " " + parameterList(contentType.parameters) + " " + extensionTail()
        }
        return output + ")"
    }

    private func singlePartStructure(extensible: Bool) -> String {
        var items: [String]
        if case .opaque = structure {
            items = ["\"APPLICATION\"", "\"OCTET-STREAM\"", bodyFields()]
        } else {
            items = [
                IMAPString.string(contentType.type.uppercased()),
                IMAPString.string(contentType.subtype.uppercased()),
                bodyFields(),
            ]
            if contentType.isText {
                items.append(String(lineCount))
            }
        }
        return "(" + items.joined(separator: " ") + singlePartExtension(extensible) + ")"
    }

    /// body-fields: parameters, id, description, encoding, size.
    private func bodyFields() -> String {
        [
            parameterList(contentType.parameters),
            IMAPString.nstring(contentID),
            IMAPString.nstring(contentDescription),
            IMAPString.string(contentTransferEncoding.uppercased()),
            String(bodyRange.count),
        ].joined(separator: " ")
    }

    /// body-ext-1part after a space, or nothing for BODY: MD5, disposition, language, location.
    private func singlePartExtension(_ extensible: Bool) -> String {
        guard extensible else { return "" }
        return " " + IMAPString.nstring(contentMD5) + " " + extensionTail()
    }

    /// Disposition, language and location, the tail shared by both extension forms.
    private func extensionTail() -> String {
        var disposition = "NIL"
        if let value = contentDisposition {
            disposition = "(" + IMAPString.string(value.type.uppercased()) + " "
                + parameterList(value.parameters) + ")"
        }
        let languages = contentLanguage
        let language: String
        switch languages.count {
        case 0: language = "NIL"
        case 1: language = IMAPString.string(languages[0])
        default: language = "(" + languages.map(IMAPString.string).joined(separator: " ") + ")"
        }
        return disposition + " " + language + " " + IMAPString.nstring(contentLocation)
    }

    /// body-fld-param: NIL, or the pairs in parentheses.
    private func parameterList(_ parameters: [MIMEParameter]) -> String {
        guard !parameters.isEmpty else { return "NIL" }
        let pairs = parameters.map { parameter in
            let wire = parameter.wireForm
            return IMAPString.string(wire.name) + " " + IMAPString.string(wire.value)
        }
        return "(" + pairs.joined(separator: " ") + ")"
    }
}
