import Foundation
@testable import VCard

/// Fixtures from `fixtures/vcf` and small inline cards shared by the suites.
enum TestCards {
    static let fixtureFolder = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/vcf")

    /// The raw bytes of `fixtures/vcf/<name>`.
    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: fixtureFolder.appendingPathComponent(name)))
    }

    /// The text of `fixtures/vcf/<name>`.
    static func text(_ name: String) throws -> String {
        String(decoding: try bytes(name), as: UTF8.self)
    }

    static func document(_ name: String) throws -> VCardDocument {
        try VCardDocument(parsing: bytes(name))
    }

    /// Content lines joined with CRLF, with a final CRLF.
    static func crlf(_ lines: String...) -> String {
        lines.joined(separator: "\r\n") + "\r\n"
    }

    /// A complete 4.0 card around `body` lines.
    static func card(_ body: String...) -> String {
        (["BEGIN:VCARD", "VERSION:4.0", "FN:Test Person"] + body + ["END:VCARD"])
            .joined(separator: "\r\n") + "\r\n"
    }

    /// The error parsing `text` throws, or nil when it parses.
    static func error(parsing text: String) -> VCardError? {
        error(parsing: Array(text.utf8))
    }

    static func error(parsing bytes: [UInt8]) -> VCardError? {
        do {
            _ = try VCardDocument(parsing: bytes)
            return nil
        } catch {
            return error
        }
    }
}
