import Foundation
import TidelineStore

/// The sync-collection report (RFC 6578) on calendars and address books.
///
/// For a windowed calendar the report speaks of the device's view: a changed object outside
/// the window is reported removed, and so is every object that aged out since the token was
/// made (its window date lies after the token's `agedOut` mark and before the window start).
/// When the window grew since the token, every object in the view is reported, which covers
/// the ones it brought in.
extension DAVContext {
    func syncCollection(_ body: XMLElement, target: DAVResource) throws -> HTTPResponse {
        guard case .collection(let collection) = target, collection.kind != .files else {
            throw DAVError(403, "sync-collection runs on a calendar or an address book; \(path) is not one.",
                           precondition: .dav("supported-report"))
        }
        if let level = body.child(.dav("sync-level"))?.text.trimmingCharacters(in: .whitespaces), level != "1" {
            throw DAVError(403, "Only sync-level 1 is supported: calendars and address books have no "
                           + "nested collections.", precondition: .dav("supported-report"))
        }
        let tokenText = body.child(.dav("sync-token"))?.text.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        var live = LiveProperties(context: self)
        let windowed = windowApplies(to: collection)
        let window = self.window
        var status = Multistatus()

        guard !tokenText.isEmpty else {
            let members = try store.objects(collectionID: collection.id, window: windowed ? window : nil)
            let newToken = try live.state(of: collection).token
            try answerMembers(members, in: collection, body: body, status: &status, live: &live)
            return status.finish(syncToken: newToken.description)
        }
        guard let token = SyncToken(parsing: tokenText), token.collectionID == collection.id,
              let (current, changes) = try store.changes(collectionID: collection.id, since: token.seq)
        else {
            throw DAVError(403, "The sync token is not valid for this collection; sync again without a token.",
                           precondition: .dav("valid-sync-token"))
        }
        let agedOut = windowed ? try store.lastAgedOut(collectionID: collection.id, window: window) : 0
        let newToken = SyncToken(collectionID: collection.id, seq: current, agedOut: agedOut,
                                 windowDays: windowed ? windowDays : 0)
        var present: [DAVObjectInfo] = []
        var removed: [String] = []
        var listed = Set<String>()
        if windowed && token.windowDays < windowDays {
            present = try store.objects(collectionID: collection.id, window: window)
            listed.formUnion(present.map(\.name))
        }
        for (name, deleted) in changes where !listed.contains(name) {
            listed.insert(name)
            if !deleted, let info = try store.objectInfo(collectionID: collection.id, name: name),
               !windowed || Store.isInside(info.index, window) {
                present.append(info)
            } else {
                removed.append(name)
            }
        }
        if windowed {
            let left = try store.objectsLeaving(collectionID: collection.id, from: token.agedOut + 1, to: window.start)
            for info in left where listed.insert(info.name).inserted {
                removed.append(info.name)
            }
        }
        try answerMembers(present, in: collection, body: body, status: &status, live: &live)
        for name in removed {
            status.response(href: DAVHref.object(collection.kind, user.address, collection.path, name), status: 404)
        }
        return status.finish(syncToken: newToken.description)
    }

    /// Answers members whose metadata is known, reading contents only when the request asks for
    /// calendar or address data.
    private func answerMembers(_ members: [DAVObjectInfo], in collection: DAVCollection, body: XMLElement,
                               status: inout Multistatus, live: inout LiveProperties) throws {
        let names = body.child(.dav("prop"))?.children.map(\.name) ?? []
        let needsData = names.contains(.caldav("calendar-data")) || names.contains(.carddav("address-data"))
        var contents: [Int64: [UInt8]] = [:]
        if needsData { contents = try store.objectData(ids: members.map(\.id)) }
        let objects = members.map { ($0, contents[$0.id] ?? []) }
        try answerObjects(objects, in: collection, body: body, status: &status, live: &live)
    }
}
