import Foundation
import TestSupport
import Testing

/// Runs the built `tideline` binary against a fresh data directory.
struct CLI {
    let directory = TemporaryDirectory("tideline-cli")

    @discardableResult
    func run(_ words: String..., input: String? = nil) throws -> TidelineBinary.Result {
        try TidelineBinary.run(words + ["--data", directory.path], input: input)
    }

    func json(_ words: String...) throws -> Any {
        let result = try TidelineBinary.run(words + ["--data", directory.path, "--json"])
        #expect(result.status == 0, "\(words) failed: \(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }
}

@Suite("The tideline command line", .serialized)
struct CLITests {
    let cli = CLI()

    @Test("domains and users: add, list, disable, and clear errors with exit 65 for bad data")
    func accounts() throws {
        #expect(try cli.run("domain", "add", "example.org").status == 0)
        let duplicate = try cli.run("domain", "add", "example.org")
        #expect(duplicate.status == 65)
        #expect(duplicate.stderr.contains("domain example.org already exists"))

        let missingDomain = try cli.run("user", "add", "bob@other.example", input: "password123\n")
        #expect(missingDomain.status == 65)
        #expect(missingDomain.stderr.contains("tideline domain add other.example"))

        let added = try cli.run("user", "add", "alice@example.org", "--password-stdin", input: "password123\n")
        #expect(added.status == 0, "\(added.stderr)")
        let short = try cli.run("user", "passwd", "alice@example.org", "--password-stdin", input: "short\n")
        #expect(short.status == 65)
        #expect(short.stderr.contains("shorter than 8"))

        #expect(try cli.run("user", "disable", "alice@example.org").status == 0)
        let users = try cli.json("user", "list", "--domain", "example.org") as? [[String: Any]]
        #expect(users?.first?["address"] as? String == "alice@example.org")
        #expect(users?.first?["disabled"] as? Bool == true)
        #expect(users?.first?["has_password"] as? Bool == true)

        let audit = try cli.json("audit") as? [[String: Any]]
        #expect(audit?.first?["action"] as? String == "user.disable")
        #expect(audit?.first?["old"] as? String == "enabled")
        #expect(audit?.first?["new"] as? String == "disabled")
    }

    @Test("device add prints the app password once, as text and as JSON")
    func devices() throws {
        try cli.run("domain", "add", "example.org")
        try cli.run("user", "add", "alice@example.org")
        let device = try cli.json("device", "add", "alice@example.org", "--name", "Alice's phone",
                                  "--window-days", "7") as? [String: Any]
        let id = try #require(device?["id"] as? String)
        let password = try #require(device?["app_password"] as? String)
        #expect(password.count == 24)
        #expect(device?["window_days"] as? Int == 7)

        let listed = try cli.run("device", "list", "alice@example.org")
        #expect(listed.stdout.contains(id))
        #expect(!listed.stdout.contains(password))

        let bad = try cli.run("device", "add", "alice@example.org", "--name", "x", "--window-days", "31")
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("window-days"))
        #expect((try cli.json("device", "list", "alice@example.org") as? [Any])?.count == 1)

        #expect(try cli.run("device", "remove", id).status == 0)
        #expect(try cli.run("device", "remove", id).status == 65)
    }

    @Test("policy show reports value and source per setting; bad values exit 65 and store nothing",
          arguments: ["0", "31", "-3", "7x", ""])
    func policies(bad: String) throws {
        try cli.run("domain", "add", "example.org")
        try cli.run("user", "add", "alice@example.org")
        #expect(try cli.run("policy", "set", "--domain", "example.org", "--max-window-days", "10",
                            "--inbox-subfolders", "deny").status == 0)
        let set = try cli.run("policy", "set", "--user", "alice@example.org", "--window-days", "20")
        #expect(set.status == 0)
        #expect(set.stdout.contains("capped at 10"))

        let refused = try cli.run("policy", "set", "--user", "alice@example.org", "--window-days", bad)
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("invalid value \"\(bad)\" for window-days"))
        #expect(refused.stderr.contains("1 to 30"))

        let shown = try cli.json("policy", "show", "--user", "alice@example.org") as? [String: [String: Any]]
        #expect(shown?["window-days"]?["value"] as? Int == 10)
        #expect(shown?["window-days"]?["source"] as? String == "user")
        #expect(shown?["max-window-days"]?["source"] as? String == "domain")
        #expect(shown?["inbox-only"]?["value"] as? String == "on")
        #expect(shown?["inbox-only"]?["source"] as? String == "server")
        #expect(shown?["inbox-subfolders"]?["value"] as? String == "deny")

        #expect(try cli.run("policy", "unset", "--user", "alice@example.org", "window-days").status == 0)
        let after = try cli.json("policy", "show", "--user", "alice@example.org") as? [String: [String: Any]]
        #expect(after?["window-days"]?["value"] as? Int == 5)
        #expect(after?["window-days"]?["source"] as? String == "server")
    }

    @Test("check passes on a healthy store and reports a damaged one with exit 65")
    func check() throws {
        #expect(try cli.run("domain", "add", "example.org").status == 0)
        #expect(try cli.run("check").status == 0)
        let healthy = try cli.json("check") as? [String: Any]
        #expect(healthy?["ok"] as? Bool == true)
        // Break a foreign key behind the store's back: a user of a domain that does not exist.
        let database = cli.directory.url.appendingPathComponent("tideline.db").path
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sqlite.arguments = ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); "
            + "c.execute(\"INSERT INTO users (address, domain_id, created) VALUES ('x@nowhere', 999, 0)\"); "
            + "c.commit()", database]
        try sqlite.run()
        sqlite.waitUntilExit()
        #expect(sqlite.terminationStatus == 0)
        let damaged = try cli.run("check")
        #expect(damaged.status == 65)
        #expect(damaged.stdout.contains("users"), "\(damaged.stdout)")
        #expect(damaged.stderr.contains("restore"))
    }

    @Test("usage errors exit 64 and say what was wrong")
    func usage() throws {
        let cases: [([String], String)] = [
            (["frobnicate"], "unknown command"),
            (["domain", "add"], "missing DOMAIN"),
            (["domain", "add", "a.example", "--bogus"], "unknown option --bogus"),
            (["policy", "set", "--window-days", "5"], "name the level"),
            (["policy", "set", "--server", "--domain", "x.example", "--window-days", "5"], "only one level"),
            (["policy", "set", "--server"], "at least one setting"),
            (["device", "add", "a@b.example"], "--name is required"),
            (["serve", "--imap", "localhost"], "ADDR:PORT"),
            (["serve", "--log-level", "loud"], "--log-level"),
        ]
        for (words, message) in cases {
            let result = try TidelineBinary.run(words + ["--data", cli.directory.path])
            #expect(result.status == 64, "\(words): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(words): \(result.stderr)")
        }
    }

    @Test("every command answers --help with its usage and exit 0")
    func help() throws {
        for words in [["domain", "add"], ["user", "add"], ["device", "add"], ["policy", "set"], ["policy", "show"],
                      ["serve"], ["audit"]] {
            let result = try TidelineBinary.run(words + ["--help"])
            #expect(result.status == 0)
            #expect(result.stdout.contains("usage: tideline \(words.joined(separator: " "))"))
        }
        let top = try TidelineBinary.run(["--help"])
        #expect(top.status == 0)
        #expect(top.stdout.contains("tideline policy show"))
    }

    @Test("the data directory comes from --data, else TIDELINE_DATA")
    func dataDirectory() throws {
        let other = TemporaryDirectory("tideline-env")
        let viaEnvironment = try TidelineBinary.run(["domain", "add", "env.example"],
                                                    environment: ["TIDELINE_DATA": other.path])
        #expect(viaEnvironment.status == 0)
        #expect(FileManager.default.fileExists(atPath: other.url.appendingPathComponent("tideline.db").path))
        let listed = try TidelineBinary.run(["domain", "list"], environment: ["TIDELINE_DATA": other.path])
        #expect(listed.stdout.contains("env.example"))
        #expect(!(try cli.run("domain", "list").stdout.contains("env.example")))
    }
}

@Suite("Importing mail from the command line", .serialized)
struct ImportTests {
    let cli = CLI()

    func prepare() throws {
        try cli.run("domain", "add", "example.org")
        try cli.run("user", "add", "alice@example.org")
    }

    @Test("a Maildir imports with its flags, is safe to run twice, and bad files are reported")
    func maildir() throws {
        try prepare()
        let maildir = TemporaryDirectory("maildir")
        for sub in ["cur", "new", "tmp"] {
            try FileManager.default.createDirectory(at: maildir.url.appendingPathComponent(sub),
                                                    withIntermediateDirectories: true)
        }
        let seen = maildir.url.appendingPathComponent("cur/1700000000.M1P1.host:2,FS")
        try Data("Subject: seen\n\nbody\n".utf8).write(to: seen)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_700_000_000)],
                                              ofItemAtPath: seen.path)
        try Data("Subject: new\n\nbody\n".utf8).write(to: maildir.url.appendingPathComponent("new/1700000001.M2P1.host"))
        try Data().write(to: maildir.url.appendingPathComponent("new/1700000002.M3P1.host"))

        let first = try cli.json("import", "maildir", maildir.path, "--user", "alice@example.org") as? [String: Any]
        #expect(first?["imported"] as? Int == 2)
        let skipped = first?["skipped"] as? [String] ?? []
        #expect(skipped.count == 1)
        #expect(skipped.first?.hasPrefix("1700000002.M3P1.host: empty message") == true)
        let second = try cli.json("import", "maildir", maildir.path, "--user", "alice@example.org") as? [String: Any]
        #expect(second?["imported"] as? Int == 0)
        #expect(second?["duplicates"] as? Int == 2)
    }

    @Test("an mbox imports dated by From lines, twice without duplicates; a non-mbox is refused")
    func mbox() throws {
        try prepare()
        let folder = TemporaryDirectory("mbox")
        let file = folder.url.appendingPathComponent("archive.mbox")
        let text = "From a@example.net Mon Jan  6 08:00:00 2020\nSubject: one\n\nfirst\n>From the past\n\n"
            + "From a@example.net Tue Jan  7 08:00:00 2020\nSubject: two\n\nsecond\n"
        try Data(text.utf8).write(to: file)
        let first = try cli.json("import", "mbox", file.path, "--user", "alice@example.org", "--mailbox", "Old")
            as? [String: Any]
        #expect(first?["imported"] as? Int == 2)
        let again = try cli.json("import", "mbox", file.path, "--user", "alice@example.org", "--mailbox", "Old")
            as? [String: Any]
        #expect(again?["duplicates"] as? Int == 2)
        let notMbox = folder.url.appendingPathComponent("x")
        try Data("hello\n".utf8).write(to: notMbox)
        let refused = try cli.run("import", "mbox", notMbox.path, "--user", "alice@example.org")
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("not an mbox file"))
    }
}
