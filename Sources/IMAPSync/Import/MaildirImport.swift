import Foundation
import TidelineStore

extension MailImporter {
    /// Imports the messages of a Maildir (`cur/` and `new/`).
    ///
    /// Flags come from the `:2,` info of the file name (D, F, P, R, S, T); the internal date is
    /// the file's modification time, the delivery time by Maildir convention. The import key is
    /// the file's unique name, so running the import again adds nothing.
    public func importMaildir(at directory: URL) throws -> Report {
        let manager = FileManager.default
        var files: [URL] = []
        var foundSubdirectory = false
        for sub in ["cur", "new"] {
            let folder = directory.appendingPathComponent(sub)
            guard let names = try? manager.contentsOfDirectory(atPath: folder.path) else { continue }
            foundSubdirectory = true
            files += names.filter { !$0.hasPrefix(".") }.sorted().map { folder.appendingPathComponent($0) }
        }
        guard foundSubdirectory else {
            throw StoreError.notFound("\(directory.path) is not a Maildir: it has no cur/ or new/ folder")
        }
        for file in files {
            let name = file.lastPathComponent
            guard let data = manager.contents(atPath: file.path) else {
                report.skipped.append("\(name): cannot be read")
                continue
            }
            let attributes = try? manager.attributesOfItem(atPath: file.path)
            let modified = attributes?[.modificationDate] as? Date
            let unique = name.split(separator: ":", maxSplits: 1).first.map(String.init) ?? name
            try add(ImportItem(position: name, bytes: Array(data), date: modified,
                               flags: Self.maildirFlags(name), key: "maildir:" + unique))
        }
        return try finish()
    }

    static func maildirFlags(_ fileName: String) -> [String] {
        guard let info = fileName.range(of: ":2,") else { return [] }
        var flags: [String] = []
        for letter in fileName[info.upperBound...] {
            switch letter {
            case "D": flags.append("\\Draft")
            case "F": flags.append("\\Flagged")
            case "P": flags.append("$Forwarded")
            case "R": flags.append("\\Answered")
            case "S": flags.append("\\Seen")
            case "T": flags.append("\\Deleted")
            default: break
            }
        }
        return flags
    }
}
