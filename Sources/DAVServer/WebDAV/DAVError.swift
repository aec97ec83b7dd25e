/// A DAV request that cannot be served, rendered as an HTTP status with, where RFC 4918,
/// 4791, 6352 or 6578 names one, a precondition element inside `DAV:error`.
///
/// The message says what was wrong and what to do; it goes into the body (inside the
/// precondition element, or as plain text) and into the log line.
struct DAVError: Error {
    let status: Int
    let precondition: XMLName?
    let message: String
    var headers: [(name: String, value: String)] = []
    /// For `no-uid-conflict`: the href of the object that already has the UID (RFC 4791 5.3.2.1).
    var conflictingHref: String?

    init(_ status: Int, _ message: String, precondition: XMLName? = nil) {
        self.status = status
        self.message = message
        self.precondition = precondition
    }

    static func notFound(_ path: String) -> DAVError {
        DAVError(404, "Nothing is at \(path).")
    }

    static func badXML(_ error: XMLParseError) -> DAVError {
        DAVError(400, "The request body is not acceptable: \(error.description).")
    }

    var response: HTTPResponse {
        guard let precondition else {
            var response = HTTPResponse.text(status, message)
            response.headers += headers
            return response
        }
        var writer = XMLWriter()
        writer.openRoot(.dav("error"))
        if let conflictingHref {
            writer.open(precondition)
            writer.element(.dav("href"), conflictingHref)
            writer.close(precondition)
            writer.element(XMLName(XMLNamespace.tideline, "description"), message)
        } else {
            writer.element(precondition, message)
        }
        writer.close(.dav("error"))
        return HTTPResponse(status: status, headers: [("Content-Type", "application/xml; charset=utf-8")] + headers,
                            body: writer.bytes)
    }
}
