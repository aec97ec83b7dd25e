import TidelineStore
import VCard

/// What CardDAV checks and keeps of a vCard at PUT, and how it answers `address-data`.
extension DAVContext {
    /// Parses a PUT body as one vCard; refuses it with `valid-address-data` and what is wrong.
    func contactIndex(of data: [UInt8], contentType: String) throws(DAVError) -> DAVObjectIndex {
        let type = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) }
        guard let type, ["text/vcard", "text/x-vcard", "text/directory"].contains(type.lowercased()) else {
            throw DAVError(415, "Address books take text/vcard; this body is \(contentType).",
                           precondition: .carddav("supported-address-data"))
        }
        do {
            let card = try VCardDocument(parsing: data)
            return DAVObjectIndex(uid: card.uid, component: "VCARD")
        } catch {
            throw DAVError(403, "The vCard is not valid: \(error.description).", precondition: .carddav("valid-address-data"))
        }
    }

    /// The `address-data` of a card: the whole card, or only the properties the request
    /// lists (RFC 6352 section 10.4).
    func addressData(_ data: [UInt8], request: XMLElement?) throws -> String {
        let props = request?.children(.carddav("prop")) ?? []
        guard request?.child(.carddav("allprop")) == nil, !props.isEmpty,
              let card = try? VCardDocument(parsing: data, requiringFormattedName: false)
        else { return String(decoding: data, as: UTF8.self) }
        let names = Set(props.compactMap { $0.attribute("name") })
        let valueless = Set(props.filter { $0.attribute("novalue") == "yes" }.compactMap { $0.attribute("name") })
        return card.serialized(onlyProperties: names, withoutValues: valueless)
    }
}
