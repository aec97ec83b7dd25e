import Foundation
import TestSupport
import Testing

/// Replays the client transcripts in `fixtures/imap` against `tideline serve`.
@Suite("Client transcripts against tideline serve", .serialized)
struct TranscriptTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/imap")

    @Test("each transcript runs to the end with every expected response",
          arguments: ["ios-mail", "thunderbird-qresync", "outlook", "android-idle", "mbsync"])
    func replay(name: String) throws {
        let data = TemporaryDirectory("tideline-transcript")
        let cli = { (words: [String], input: String?) throws -> TidelineBinary.Result in
            try TidelineBinary.run(words + ["--data", data.path], input: input)
        }
        #expect(try cli(["domain", "add", "example.org"], nil).status == 0)
        #expect(try cli(["user", "add", "alice@example.org", "--password-stdin"], "alice-password\n").status == 0)
        let device = try cli(["device", "add", "alice@example.org", "--name", name, "--window-days", "5", "--json"], nil)
        let appPassword = try #require(
            (try JSONSerialization.jsonObject(with: Data(device.stdout.utf8)) as? [String: Any])?["app_password"]
                as? String)
        let imported = try cli(["import", "mbox", Self.fixtures.appendingPathComponent("old.mbox").path,
                                "--user", "alice@example.org"], nil)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("imported 3 messages"))

        let server = try ServerProcess(data: data.url)
        defer { server.stop() }
        for subject in ["First", "Second", "Third"] { try deliver(subject, port: server.lmtpPort) }

        let plain = Data("\u{0}alice@example.org\u{0}alice-password".utf8).base64EncodedString()
        var variables = ["USER": "alice@example.org", "PASSWORD": "alice-password", "DEVICE_PASSWORD": appPassword,
                         "PLAIN": plain]
        let script = try String(contentsOf: Self.fixtures.appendingPathComponent("\(name).imap"), encoding: .utf8)
        let client = try SocketClient(port: server.imapPort, timeout: 5)
        _ = try client.readLine()
        var seen: [String] = []
        var forbidden: [String] = []
        for (number, rawLine) in script.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(rawLine)
            let context = "\(name).imap line \(number + 1): \(line)\nserver said:\n\(seen.suffix(15).joined(separator: "\n"))"
            if line.hasPrefix("C: ") || line == "C:" {
                forbidden = []
                try client.send(substitute(String(line.dropFirst(3)), variables) + "\r\n")
            } else if line.hasPrefix("S!: ") {
                forbidden.append(substitute(String(line.dropFirst(4)), variables))
            } else if line.hasPrefix("S: ") {
                let pattern = substitute(String(line.dropFirst(3)), variables)
                while true {
                    let received: String
                    do { received = try client.readLine() } catch {
                        Issue.record("no line matched: \(context)")
                        return
                    }
                    seen.append(received)
                    for bad in forbidden where match(bad, received) != nil {
                        Issue.record("forbidden line \(received) appeared: \(context)")
                        return
                    }
                    if let captures = match(pattern, received) {
                        variables.merge(captures) { $1 }
                        break
                    }
                }
                forbidden = []
            } else if line.hasPrefix("! deliver ") {
                try deliver(String(line.dropFirst(10)), port: server.lmtpPort)
            }
        }
    }

    private func substitute(_ text: String, _ variables: [String: String]) -> String {
        var result = text
        for (name, value) in variables { result = result.replacingOccurrences(of: "${\(name)}", with: value) }
        return result
    }

    /// Matches `*` wildcards and `{{name}}` captures (a run without spaces, `]` or `)`);
    /// returns the captures, or nil.
    private func match(_ pattern: String, _ text: String) -> [String: String]? {
        TranscriptPattern(pattern, captureClass: "[^ \\])]").match(text)
    }

    private func deliver(_ subject: String, port: UInt16) throws {
        let mta = try SocketClient(port: port)
        _ = try mta.readLine()
        try mta.send("LHLO test\r\nMAIL FROM:<bob@example.net>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n")
        _ = try mta.readUntil(prefix: "354 ")
        try mta.send("From: Bob <bob@example.net>\r\nTo: alice@example.org\r\nSubject: \(subject)\r\n\r\n"
            + "Text of \(subject).\r\n.\r\nQUIT\r\n")
        #expect(try mta.readLine().hasPrefix("250 2.0.0"))
    }
}
