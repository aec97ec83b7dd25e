import Foundation
import TestSupport
import Testing

/// `scripts/crash-safety` with a small count against the built server: writes over LMTP, IMAP
/// APPEND and DAV PUT from several clients, SIGKILL at a random moment, restart, and a check that
/// every acknowledged item is there byte for byte and that `tideline check` passes.
///
/// The script is the test; this runs it in CI. Larger runs go by hand:
/// `scripts/crash-safety --rounds 50 --clients 6`.
@Suite("Crash safety under SIGKILL")
struct CrashSafetyTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The figures of the script's last line:
    /// `crash-safety: R rounds, N acknowledged, M missing, C corrupt, F failed checks (...)`.
    struct Summary {
        let rounds: Int
        let acknowledged: Int
        let missing: Int
        let corrupt: Int
        let failedChecks: Int

        init?(_ output: String) {
            let pattern = #/
                crash-safety: \s (\d+) \s rounds, \s (\d+) \s acknowledged, \s (\d+) \s missing,
                \s (\d+) \s corrupt, \s (\d+) \s failed \s checks
                /#
            guard let match = output.matches(of: pattern).last,
                  let rounds = Int(match.1), let acknowledged = Int(match.2),
                  let missing = Int(match.3), let corrupt = Int(match.4),
                  let failedChecks = Int(match.5) else { return nil }
            (self.rounds, self.acknowledged, self.missing) = (rounds, acknowledged, missing)
            (self.corrupt, self.failedChecks) = (corrupt, failedChecks)
        }
    }

    @Test("three SIGKILL rounds under load lose and damage nothing that was acknowledged")
    func killRounds() throws {
        let script = Self.root.appendingPathComponent("scripts/crash-safety")
        let python = ["/usr/bin/python3", "/usr/local/bin/python3"]
            .first { FileManager.default.isExecutableFile(atPath: $0) }
        let interpreter = try #require(python, "python3 is not installed: run scripts/setup first")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: interpreter)
        process.arguments = [
            script.path, "--rounds", "3", "--clients", "3",
            "--min-delay", "0.3", "--max-delay", "1.0", "--binary", TidelineBinary.url.path,
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let bytes = pipe.fileHandleForReading.readDataToEndOfFile()
        let output = String(decoding: bytes, as: UTF8.self)
        process.waitUntilExit()

        #expect(process.terminationStatus == 0, "\(output)")
        let summary = try #require(Summary(output), "no summary line in the output:\n\(output)")
        #expect(summary.rounds == 3)
        #expect(summary.acknowledged > 0, "no acknowledgements, nothing tested:\n\(output)")
        #expect(summary.missing == 0, "\(output)")
        #expect(summary.corrupt == 0, "\(output)")
        #expect(summary.failedChecks == 0, "\(output)")
        let rounds = output.split(separator: "\n").filter { $0.hasPrefix("round ") }
        #expect(rounds.count == 3, "\(output)")
        #expect(rounds.allSatisfy { $0.hasSuffix("check ok") }, "\(output)")
    }
}
