import Foundation
@testable import MIME

/// Sample messages for the tests: fixture files under fixtures/mail and inline builders.
enum TestMessages {
    /// The folder of sample messages, found from this file's place in the repository.
    static let fixtureFolder = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("fixtures/mail")

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: fixtureFolder.appendingPathComponent("\(name).eml")))
    }

    static func message(_ name: String) throws -> MIMEMessage {
        MIMEMessage(try bytes(name))
    }

    static let fixtureNames = ["simple", "alternative", "mixed", "missing-boundary", "eightbit-header"]
}

/// The text with every LF turned into CRLF, as bytes: inline messages are written with LF.
func crlf(_ text: String) -> [UInt8] {
    Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
}

extension Array where Element == UInt8 {
    /// The bytes read as UTF-8, for readable expectations.
    var text: String {
        String(decoding: self, as: UTF8.self)
    }
}

/// A small seeded generator so the robustness tests are repeatable.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
