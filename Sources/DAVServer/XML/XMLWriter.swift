import Foundation

/// Builds XML response bodies with fixed prefixes for the DAV namespaces.
public struct XMLWriter {
    private(set) var text = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    private var extraNamespaces: [String: String] = [:]

    static let prefixes: [String: String] = [
        XMLNamespace.dav: "d", XMLNamespace.caldav: "c", XMLNamespace.carddav: "card",
        XMLNamespace.calendarServer: "cs", XMLNamespace.apple: "ical",
        XMLNamespace.tideline: "tl",
    ]

    public init() {}

    /// The qualified name for an element, declaring an `xN` prefix inline for other namespaces.
    func qualified(_ name: XMLName) -> (name: String, declaration: String) {
        if let prefix = Self.prefixes[name.namespace] { return ("\(prefix):\(name.local)", "") }
        if name.namespace.isEmpty { return (name.local, " xmlns=\"\"") }
        return ("x:\(name.local)", " xmlns:x=\"\(Self.escape(name.namespace))\"")
    }

    /// Opens the root element with every known namespace declared.
    mutating func openRoot(_ name: XMLName) {
        let declarations = Self.prefixes.sorted { $0.value < $1.value }
            .map { " xmlns:\($0.value)=\"\($0.key)\"" }.joined()
        text += "<\(qualified(name).name)\(declarations)>"
    }

    mutating func open(_ name: XMLName) {
        let q = qualified(name)
        text += "<\(q.name)\(q.declaration)>"
    }

    mutating func close(_ name: XMLName) {
        text += "</\(qualified(name).name)>"
    }

    mutating func empty(_ name: XMLName) {
        let q = qualified(name)
        text += "<\(q.name)\(q.declaration)/>"
    }

    mutating func element(_ name: XMLName, _ value: String) {
        let q = qualified(name)
        text += "<\(q.name)\(q.declaration)>\(Self.escape(value))</\(q.name)>"
    }

    /// Inserts an already serialized fragment (a stored dead property's content).
    mutating func raw(_ fragment: String) {
        text += fragment
    }

    public var bytes: [UInt8] { Array(text.utf8) }

    public static func escape(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\r": out += "&#13;"
            default:
                // Characters XML 1.0 cannot carry are dropped rather than producing a broken document.
                if scalar.value < 0x20 && scalar != "\n" && scalar != "\t" { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension XMLElement {
    /// Serializes the element back to XML (for storing dead properties), declaring namespaces
    /// inline.
    public func serialized() -> String {
        var out = ""
        write(into: &out, parentNamespace: nil)
        return out
    }

    /// The element's content (its text and children) as an XML fragment, for storing a dead
    /// property's value; children declare their namespaces inline.
    public func serializedContent() -> String {
        var out = XMLWriter.escape(children.isEmpty ? text : text.trimmingCharacters(in: .whitespacesAndNewlines))
        for child in children { child.write(into: &out, parentNamespace: nil) }
        return out
    }

    private func write(into out: inout String, parentNamespace: String?) {
        let declaration = name.namespace == parentNamespace ? "" : " xmlns=\"\(XMLWriter.escape(name.namespace))\""
        out += "<\(name.local)\(declaration)"
        for (key, value) in attributes.sorted(by: { $0.key.local < $1.key.local }) where key.namespace.isEmpty {
            out += " \(key.local)=\"\(XMLWriter.escape(value))\""
        }
        if children.isEmpty && text.isEmpty {
            out += "/>"
            return
        }
        out += ">" + XMLWriter.escape(text)
        for child in children { child.write(into: &out, parentNamespace: name.namespace) }
        out += "</\(name.local)>"
    }
}
