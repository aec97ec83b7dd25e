import Foundation
import TidelineStore

/// COPY and MOVE (RFC 4918 sections 9.8 and 9.9): objects between a user's collections, and
/// folders of the file area with their contents. Calendars and address books themselves are
/// not copied or moved; their objects are.
extension DAVContext {
    func copyOrMove(_ davPath: DAVPath, move: Bool) throws -> HTTPResponse {
        let method = move ? "MOVE" : "COPY"
        let source = try existing(davPath)
        guard let destinationHeader = request.header("destination") else {
            throw DAVError(400, "\(method) needs a Destination header naming the target URL.")
        }
        let destinationPath = DAVHref.path(of: destinationHeader)
        guard let destination = try DAVPath.parse(destinationPath) else {
            throw DAVError(502, "The destination \(destinationHeader) is not on this server's DAV tree.")
        }
        let overwrite: Bool
        switch request.header("overwrite")?.uppercased() {
        case nil, "T": overwrite = true
        case "F": overwrite = false
        case let other?: throw DAVError(400, "Overwrite must be T or F, not \(other).")
        }
        let target = try resolve(destination)
        switch source {
        case .object(let collection, let info):
            return try transfer(object: info, from: collection, to: target, overwrite: overwrite, move: move)
        case .collection(let folder) where folder.kind == .files && !folder.path.isEmpty:
            return try transfer(folder: folder, to: target, destination: destination, overwrite: overwrite, move: move)
        default:
            throw DAVError(403, "\(path) cannot be copied or moved; copy or move the objects in it instead.")
        }
    }

    private func transfer(object info: DAVObjectInfo, from collection: DAVCollection, to target: DAVResolution,
                          overwrite: Bool, move: Bool) throws -> HTTPResponse {
        let targetCollection: DAVCollection
        let targetName: String
        var replacedFolder = false
        switch target {
        case .existing(.object(let parent, let existing)):
            (targetCollection, targetName) = (parent, existing.name)
        case .existing(.collection(let existing)) where existing.kind == .files:
            guard overwrite else { throw DAVError(412, "The destination exists and Overwrite is F.") }
            try store.deleteCollection(existing)
            replacedFolder = true
            guard let parent = try store.collection(userID: user.id, kind: .files,
                                                    path: Store.split(existing.path).parent)
            else { throw DAVError(409, "The destination's parent folder does not exist.") }
            (targetCollection, targetName) = (parent, Store.split(existing.path).name)
        case .existing:
            throw DAVError(409, "The destination is a collection; name an object inside it.")
        case .vacant(let vacancy):
            guard let parent = vacancy.parent else {
                throw DAVError(409, "The destination's collection does not exist; make it first.")
            }
            (targetCollection, targetName) = (parent, vacancy.name)
        }
        if targetCollection.id == collection.id && targetName == info.name {
            throw DAVError(403, "The source and the destination are the same resource.")
        }
        guard let (_, data) = try store.object(collectionID: collection.id, name: info.name) else {
            throw DAVError.notFound(path)
        }
        let index = try self.index(of: data, contentType: info.contentType, for: targetCollection)
        if !move { try checkQuota(adding: Int64(data.count)) }
        if targetCollection.id != collection.id,
           try store.objectInfo(collectionID: targetCollection.id, name: targetName) == nil {
            try checkRoom(in: targetCollection)
        }
        do {
            let created = try store.transferObject(from: collection.id, name: info.name, to: targetCollection.id,
                                                   as: targetName, index: index, overwrite: overwrite, move: move)
            return HTTPResponse(status: created && !replacedFolder ? 201 : 204)
        } catch let error as DAVStoreError {
            throw translate(error, collection: targetCollection)
        }
    }

    private func transfer(folder: DAVCollection, to target: DAVResolution, destination: DAVPath, overwrite: Bool,
                          move: Bool) throws -> HTTPResponse {
        guard case .member(.files, _, let segments) = destination else {
            throw DAVError(403, "A folder can only be copied or moved within the file area.")
        }
        let newPath = segments.joined(separator: "/")
        if newPath == folder.path || newPath.hasPrefix(folder.path + "/") {
            throw DAVError(403, "A folder cannot be copied or moved into itself.")
        }
        let existed: Bool
        if case .existing = target { existed = true } else { existed = false }
        let deep = try depth() != .zero
        if move && !deep {
            throw DAVError(400, "MOVE of a collection moves everything below it; send Depth: infinity or none.")
        }
        if !move { try checkQuota(adding: try store.folderTreeSize(folder)) }
        do {
            if move {
                try store.moveFolder(folder, to: newPath, replace: overwrite)
            } else {
                try store.copyFolder(folder, to: newPath, deep: deep, replace: overwrite)
            }
        } catch DAVStoreError.missingParent {
            throw DAVError(409, "The destination's parent folder does not exist; make it first.")
        } catch DAVStoreError.exists {
            throw DAVError(412, "The destination exists and Overwrite is F.")
        }
        return HTTPResponse(status: existed ? 204 : 201)
    }
}
