/// A namespace-qualified XML name: `{DAV:}propfind`.
public struct XMLName: Hashable, Sendable, CustomStringConvertible {
    public let namespace: String
    public let local: String

    public init(_ namespace: String, _ local: String) {
        self.namespace = namespace
        self.local = local
    }

    public var description: String { "{\(namespace)}\(local)" }
}

/// The namespaces DAV clients speak.
public enum XMLNamespace {
    public static let dav = "DAV:"
    public static let caldav = "urn:ietf:params:xml:ns:caldav"
    public static let carddav = "urn:ietf:params:xml:ns:carddav"
    public static let calendarServer = "http://calendarserver.org/ns/"
    public static let apple = "http://apple.com/ns/ical/"
    /// Tideline's own elements: error descriptions next to a precondition that holds an href.
    public static let tideline = "urn:x-tideline:dav"
}

extension XMLName {
    static func dav(_ local: String) -> XMLName { XMLName(XMLNamespace.dav, local) }
    static func caldav(_ local: String) -> XMLName { XMLName(XMLNamespace.caldav, local) }
    static func carddav(_ local: String) -> XMLName { XMLName(XMLNamespace.carddav, local) }
    static func calendarServer(_ local: String) -> XMLName { XMLName(XMLNamespace.calendarServer, local) }
    static func apple(_ local: String) -> XMLName { XMLName(XMLNamespace.apple, local) }
}

/// A parsed XML element: name, attributes, children and text. Small and immutable; request
/// bodies are a few kilobytes.
public struct XMLElement: Sendable, Equatable {
    public let name: XMLName
    public let attributes: [XMLName: String]
    public let children: [XMLElement]
    /// Text directly inside this element (not in children), concatenated.
    public let text: String

    public init(name: XMLName, attributes: [XMLName: String] = [:], children: [XMLElement] = [], text: String = "") {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
    }

    public func child(_ name: XMLName) -> XMLElement? {
        children.first { $0.name == name }
    }

    public func children(_ name: XMLName) -> [XMLElement] {
        children.filter { $0.name == name }
    }

    public func attribute(_ local: String) -> String? {
        attributes.first { $0.key.local == local }?.value
    }
}
