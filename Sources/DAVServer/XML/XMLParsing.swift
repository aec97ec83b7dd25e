import CLibXML2
import Foundation

/// Why a request body is not acceptable XML; answered with 400.
public struct XMLParseError: Error, Equatable, CustomStringConvertible {
    public let description: String
}

/// Parses WebDAV request bodies with libxml2: no network, no DTD loading, no entity
/// expansion, documents with a DOCTYPE refused, nesting capped, nothing printed to stderr.
public enum XMLParsing {
    public static let maxDepth = 64

    /// libxml2 keeps error handlers per thread; this one drops messages instead of printing.
    private static let silence: xmlStructuredErrorFunc = { _, _ in }

    public static func parse(_ bytes: [UInt8]) throws(XMLParseError) -> XMLElement {
        guard !bytes.isEmpty else { throw XMLParseError(description: "the request body is empty") }
        xmlSetStructuredErrorFunc(nil, silence)
        xmlResetLastError()
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_NOCDATA.rawValue)
        let document = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                xmlReadMemory($0, Int32(buffer.count), "request.xml", nil, options)
            }
        }
        guard let document else {
            let message = xmlGetLastError().map { String(cString: $0.pointee.message).trimmingCharacters(in: .whitespacesAndNewlines) }
            throw XMLParseError(description: "the request body is not well-formed XML" + (message.map { ": \($0)" } ?? ""))
        }
        defer { xmlFreeDoc(document) }
        // Namespace errors (a prefix bound to "", an undeclared prefix) leave a document, but
        // one whose names cannot be trusted.
        if let error = xmlGetLastError(), error.pointee.domain == Int32(XML_FROM_NAMESPACE.rawValue) {
            let message = error.pointee.message.map { String(cString: $0) } ?? "namespace error"
            throw XMLParseError(description: "the request body breaks XML namespace rules: "
                                + message.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        guard document.pointee.intSubset == nil else {
            throw XMLParseError(description: "document type declarations are not accepted")
        }
        guard let root = xmlDocGetRootElement(document) else {
            throw XMLParseError(description: "the request body has no root element")
        }
        return try element(root, depth: 0)
    }

    private static func element(_ node: xmlNodePtr, depth: Int) throws(XMLParseError) -> XMLElement {
        guard depth < maxDepth else { throw XMLParseError(description: "XML nested deeper than \(maxDepth) levels") }
        let name = XMLName(namespace(of: node.pointee.ns), string(node.pointee.name))
        var attributes: [XMLName: String] = [:]
        var attribute = node.pointee.properties
        while let current = attribute {
            let value = xmlNodeGetContent(UnsafeMutableRawPointer(current).assumingMemoryBound(to: xmlNode.self))
            attributes[XMLName(namespace(of: current.pointee.ns), string(current.pointee.name))] =
                value.map { String(cString: $0) } ?? ""
            tl_xml_free(value)
            attribute = current.pointee.next
        }
        var children: [XMLElement] = []
        var text = ""
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                children.append(try element(current, depth: depth + 1))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content { text += String(cString: content) }
            case XML_ENTITY_REF_NODE:
                throw XMLParseError(description: "entity references are not accepted")
            default:
                break
            }
            child = current.pointee.next
        }
        return XMLElement(name: name, attributes: attributes, children: children, text: text)
    }

    private static func namespace(of ns: xmlNsPtr?) -> String {
        guard let ns, let href = ns.pointee.href else { return "" }
        return String(cString: href)
    }

    private static func string(_ pointer: UnsafePointer<xmlChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }
}
