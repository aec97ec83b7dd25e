import TidelineStore

/// Checks a body before it is stored in a collection, and learns what the store indexes.
extension DAVContext {
    func index(of data: [UInt8], contentType: String, for collection: DAVCollection) throws(DAVError)
        -> DAVObjectIndex
    {
        switch collection.kind {
        case .files:
            return DAVObjectIndex()
        case .addressbook:
            try checkSize(data, precondition: .carddav("max-resource-size"))
            return try contactIndex(of: data, contentType: contentType)
        case .calendar:
            try checkSize(data, precondition: .caldav("max-resource-size"))
            return try calendarIndex(of: data, contentType: contentType, for: collection)
        }
    }

    private func checkSize(_ data: [UInt8], precondition: XMLName) throws(DAVError) {
        guard data.count <= DAVLimits.maxObjectSize else {
            throw DAVError(413, "The object is \(data.count) bytes; the most this server takes is "
                           + "\(DAVLimits.maxObjectSize).", precondition: precondition)
        }
    }
}
