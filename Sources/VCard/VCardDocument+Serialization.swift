/// Writing a vCard back out, whole or as the subset an `address-data` element asks for
/// (RFC 6352 section 10.4).
///
/// Kept properties are written as the client wrote them: their physical lines are copied from
/// the parsed resource, folding included, with every line break made CRLF (RFC 6350 section
/// 3.2). BEGIN and END are written afresh as `BEGIN:VCARD` and `END:VCARD`; blank lines and
/// anything outside the card are dropped. Parsing the output gives a card equal to the input.
extension VCardDocument {
    /// The longest a physical line may be, in octets, not counting its CRLF, when a line is
    /// written afresh rather than copied.
    public static let foldingWidth = 75

    /// Properties written even when an `address-data` request does not name them. RFC 6352
    /// returns only the properties asked for; VERSION is kept as well so that the result is
    /// still a vCard a client can read. BEGIN and END are always written.
    public static let alwaysReturnedProperties: Set<String> = ["VERSION"]

    /// The whole vCard, every property in its original order and spelling, with CRLF line ends.
    public func serialized() -> String {
        serialized(onlyProperties: nil)
    }

    /// The vCard for an `address-data` element: only the properties named in `names` (compared
    /// case-insensitively, group prefixes ignored, so `EMAIL` keeps `item1.EMAIL`) plus
    /// `alwaysReturnedProperties`; nil keeps all, as `allprop` asks. FN and UID are returned only
    /// when named, as RFC 6352 section 10.4.2 leaves the choice to the request; a result without
    /// FN reads back with `VCardDocument(parsing:requiringFormattedName: false)`.
    ///
    /// Properties named in `withoutValues` are written with nothing after the colon, for a
    /// `prop` with `novalue="yes"`. Such a line is written afresh from the parsed name and
    /// parameters, so a 3.0 shorthand such as `;WORK` comes out as `;TYPE=WORK`.
    public func serialized(onlyProperties names: Set<String>?, withoutValues: Set<String> = []) -> String {
        let wanted = names.map { Set($0.map { $0.uppercased() }) }
        let valueless = Set(withoutValues.map { $0.uppercased() })
        var output: [UInt8] = []
        output.reserveCapacity(source.count + 64)
        output += Self.beginLine
        for (property, span) in zip(properties, spans) {
            if let wanted, !wanted.contains(property.name),
               !Self.alwaysReturnedProperties.contains(property.name) {
                continue
            }
            // Limitation: a novalue line is written afresh from the parsed parts, not copied.
            if valueless.contains(property.name) {
                output += Self.folded(property.contentLine(omittingValue: true)).utf8
            } else {
                appendLines(of: span, to: &output)
            }
        }
        output += Self.endLine
        return String(decoding: output, as: UTF8.self)
    }

    /// Folds one content line: after at most 75 octets, a CRLF and a space, so a continuation line
    /// holds at most 74 octets of content. Breaks fall between Unicode scalars, never inside the
    /// UTF-8 bytes of one. The result ends with CRLF.
    static func folded(_ line: String) -> String {
        guard line.utf8.count > foldingWidth else { return line + "\r\n" }
        var text = ""
        var used = 0
        for scalar in line.unicodeScalars {
            let width = UTF8.width(scalar)
            if used + width > foldingWidth {
                text += "\r\n "
                used = 1
            }
            text.unicodeScalars.append(scalar)
            used += width
        }
        return text + "\r\n"
    }

    private static let beginLine = Array("BEGIN:VCARD\r\n".utf8)
    private static let endLine = Array("END:VCARD\r\n".utf8)

    /// Copies the physical lines in `span`, ending each with CRLF whatever the source used.
    private func appendLines(of span: Range<Int>, to output: inout [UInt8]) {
        var lineStart = span.lowerBound
        while lineStart < span.upperBound {
            var lineEnd = lineStart
            while lineEnd < span.upperBound, source[lineEnd] != 0x0A {
                lineEnd += 1
            }
            let next = lineEnd + 1
            if lineEnd > lineStart, source[lineEnd - 1] == 0x0D {
                lineEnd -= 1
            }
            output += source[lineStart..<lineEnd]
            output.append(0x0D)
            output.append(0x0A)
            lineStart = next
        }
    }
}
