import TidelineStore

/// calendar-multiget (RFC 4791 section 7.9) and addressbook-multiget (RFC 6352 section 8.7):
/// the asked properties of objects named by href. An href that names nothing, another user's
/// object, or a calendar object outside the device's window is answered 404.
extension DAVContext {
    func multiget(_ body: XMLElement, target: DAVResource) throws -> HTTPResponse {
        let hrefs = body.children(.dav("href")).map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard hrefs.count <= DAVLimits.maxMultigetHrefs else {
            throw DAVError(403, "A multiget may name at most \(DAVLimits.maxMultigetHrefs) hrefs; split the request.")
        }
        var live = LiveProperties(context: self)
        var status = Multistatus()
        for href in hrefs {
            guard let (collection, info, data) = try lookUpObject(href) else {
                status.response(href: href, status: 404)
                continue
            }
            try answerObjects([(info, data)], in: collection, body: body, status: &status, live: &live)
        }
        return status.finish()
    }

    /// The object an href names for this device, with its contents.
    private func lookUpObject(_ href: String) throws -> (DAVCollection, DAVObjectInfo, [UInt8])? {
        guard let davPath = try? DAVPath.parse(DAVHref.path(of: href)), davPath.user != nil,
              case .existing(.object(let collection, _))? = try? resolve(davPath),
              let (info, data) = try store.object(collectionID: collection.id, name: {
                  if case .member(_, _, let segments) = davPath { return segments.last ?? "" }
                  return ""
              }())
        else { return nil }
        if windowApplies(to: collection) && !Store.isInside(info.index, window) { return nil }
        return (collection, info, data)
    }
}
