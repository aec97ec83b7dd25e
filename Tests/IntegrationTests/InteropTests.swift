import Foundation
import TestSupport
import Testing

/// Real clients against `tideline serve`: python's imaplib and imapclient, and mbsync.
@Suite("Interop with real IMAP clients", .serialized)
struct InteropTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A server with alice, a 5-day device, three old messages and three new ones.
    static func prepared() throws -> (TemporaryDirectory, ServerProcess, String) {
        let data = TemporaryDirectory("tideline-interop")
        let run = { (words: [String], input: String?) throws -> TidelineBinary.Result in
            try TidelineBinary.run(words + ["--data", data.path], input: input)
        }
        _ = try run(["domain", "add", "example.org"], nil)
        _ = try run(["user", "add", "alice@example.org", "--password-stdin"], "alice-password\n")
        let device = try run(["device", "add", "alice@example.org", "--name", "phone", "--window-days", "5", "--json"],
                             nil)
        let object = try JSONSerialization.jsonObject(with: Data(device.stdout.utf8)) as? [String: Any]
        let appPassword = object?["app_password"] as? String ?? ""
        _ = try run(["import", "mbox", root.appendingPathComponent("fixtures/imap/old.mbox").path,
                     "--user", "alice@example.org"], nil)
        let server = try ServerProcess(data: data.url)
        for subject in ["First", "Second", "Third"] {
            let mta = try SocketClient(port: server.lmtpPort)
            _ = try mta.readLine()
            try mta.send("LHLO t\r\nMAIL FROM:<b@example.net>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n")
            _ = try mta.readUntil(prefix: "354 ")
            try mta.send("From: b@example.net\r\nSubject: \(subject)\r\n\r\nbody\r\n.\r\n")
            _ = try mta.readLine()
        }
        return (data, server, appPassword)
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                    directory: URL? = nil) throws -> (Int32, String)
    {
        let process = Process()
        if let directory { process.currentDirectoryURL = directory }
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    @Test("python imaplib and imapclient")
    func python() throws {
        let python = ProcessInfo.processInfo.environment["TIDELINE_PYTHON"]
            ?? Self.root.appendingPathComponent(".venv/bin/python").path
        try #require(FileManager.default.isExecutableFile(atPath: python),
                     "no Python venv at \(python): run scripts/setup first")
        let (data, server, appPassword) = try Self.prepared()
        defer { server.stop(); _ = data }
        let (status, output) = try Self.run(python, [
            Self.root.appendingPathComponent("Tests/interop/imap_clients.py").path, String(server.imapPort),
            "alice@example.org", "alice-password", appPassword,
        ])
        #expect(status == 0, "\(output)")
        #expect(output.contains(" passed, 0 failed"), "\(output)")
    }

    @Test("mbsync pulls exactly the device's window into a local Maildir")
    func mbsync() throws {
        let binary = ["/usr/bin/mbsync", "/usr/local/bin/mbsync"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let mbsync = try #require(binary, "mbsync is not installed: run scripts/setup first")
        let (data, server, appPassword) = try Self.prepared()
        defer { server.stop(); _ = data }
        let local = TemporaryDirectory("tideline-mbsync")
        let config = """
            IMAPAccount tideline
            Host 127.0.0.1
            Port \(server.imapPort)
            User alice@example.org
            Pass \(appPassword)
            SSLType None
            AuthMechs LOGIN

            IMAPStore remote
            Account tideline

            MaildirStore local
            Path \(local.path)/
            Inbox \(local.path)/INBOX

            Channel inbox
            Far :remote:
            Near :local:
            Patterns INBOX
            Create Near
            Sync Pull
            SyncState *

            """
        let rc = local.url.appendingPathComponent("mbsyncrc")
        try config.write(to: rc, atomically: true, encoding: .utf8)
        let (status, output) = try Self.run(mbsync, ["-c", rc.path, "-a"])
        #expect(status == 0, "\(output)")
        let fetched = ["cur", "new"].flatMap { sub in
            (try? FileManager.default.contentsOfDirectory(atPath: "\(local.path)/INBOX/\(sub)")) ?? []
        }
        #expect(fetched.count == 3, "\(output)")
        // A second run finds nothing new.
        let (again, secondOutput) = try Self.run(mbsync, ["-c", rc.path, "-a"])
        #expect(again == 0, "\(secondOutput)")
    }
}
