/// Builds a `207 Multi-Status` body (RFC 4918 section 13): one response per resource, with a
/// propstat per status, or a bare status for resources that are gone.
struct Multistatus {
    private var writer = XMLWriter()

    init() {
        writer.openRoot(.dav("multistatus"))
    }

    /// A response with properties grouped by status: the values found (200) and the names the
    /// resource lacks (404), plus any other groups (403, 424, ...).
    mutating func response(href: String, found: [(XMLName, PropertyValue)], missing: [XMLName] = [],
                           others: [(status: Int, names: [XMLName], error: XMLName?)] = []) {
        writer.open(.dav("response"))
        writer.element(.dav("href"), href)
        if !found.isEmpty || (missing.isEmpty && others.isEmpty) {
            writer.open(.dav("propstat"))
            writer.open(.dav("prop"))
            for (name, value) in found { write(name, value) }
            writer.close(.dav("prop"))
            writer.element(.dav("status"), Self.statusLine(200))
            writer.close(.dav("propstat"))
        }
        for group in [(status: 404, names: missing, error: XMLName?.none)] + others where !group.names.isEmpty {
            writer.open(.dav("propstat"))
            writer.open(.dav("prop"))
            for name in group.names { writer.empty(name) }
            writer.close(.dav("prop"))
            writer.element(.dav("status"), Self.statusLine(group.status))
            if let error = group.error {
                writer.open(.dav("error"))
                writer.empty(error)
                writer.close(.dav("error"))
            }
            writer.close(.dav("propstat"))
        }
        writer.close(.dav("response"))
    }

    /// A response that is only a status: a member that was removed (sync-collection) or a
    /// multiget href that names nothing.
    mutating func response(href: String, status: Int) {
        writer.open(.dav("response"))
        writer.element(.dav("href"), href)
        writer.element(.dav("status"), Self.statusLine(status))
        writer.close(.dav("response"))
    }

    private mutating func write(_ name: XMLName, _ value: PropertyValue) {
        switch value {
        case .text(let text) where text.isEmpty:
            writer.empty(name)
        case .text(let text):
            writer.element(name, text)
        case .fragment(let fragment) where fragment.isEmpty:
            writer.empty(name)
        case .fragment(let fragment):
            writer.open(name)
            writer.raw(fragment)
            writer.close(name)
        }
    }

    /// Closes the document, with the new sync token for sync-collection.
    mutating func finish(syncToken: String? = nil) -> HTTPResponse {
        if let syncToken { writer.element(.dav("sync-token"), syncToken) }
        writer.close(.dav("multistatus"))
        return HTTPResponse(status: 207, headers: [("Content-Type", "application/xml; charset=utf-8")],
                            body: writer.bytes)
    }

    static func statusLine(_ status: Int) -> String {
        "HTTP/1.1 \(status) \(HTTPResponse.reason(for: status))"
    }
}
