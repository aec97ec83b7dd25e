import Foundation
import TestSupport
import Testing

/// Real DAV clients against `tideline serve`: python caldav, vdirsyncer and litmus.
@Suite("Interop with real CalDAV, CardDAV and WebDAV clients", .serialized)
struct DAVInteropTests {
    static let root = InteropTests.root

    /// A server with alice; her own login has the default 5-day window.
    static func prepared() throws -> (TemporaryDirectory, ServerProcess) {
        let data = TemporaryDirectory("tideline-dav-interop")
        _ = try TidelineBinary.run(["domain", "add", "example.org", "--data", data.path])
        _ = try TidelineBinary.run(["user", "add", "alice@example.org", "--password-stdin", "--data", data.path],
                                   input: "alice-password\n")
        return (data, try ServerProcess(data: data.url))
    }

    @Test("python caldav and vdirsyncer discover, sync both ways and see the window")
    func pythonClients() throws {
        let python = ProcessInfo.processInfo.environment["TIDELINE_PYTHON"]
            ?? Self.root.appendingPathComponent(".venv/bin/python").path
        try #require(FileManager.default.isExecutableFile(atPath: python),
                     "no Python venv at \(python): run scripts/setup first")
        let (data, server) = try Self.prepared()
        defer { server.stop(); _ = data }
        let work = TemporaryDirectory("tideline-vdirsyncer")
        let (status, output) = try InteropTests.run(python, [
            Self.root.appendingPathComponent("Tests/interop/dav_clients.py").path,
            "http://127.0.0.1:\(server.httpPort)", "alice@example.org", "alice-password", work.path,
        ])
        #expect(status == 0, "\(output)\n\(server.logText)")
        #expect(output.contains(" passed, 0 failed"), "\(output)")
    }

    @Test("litmus passes its basic, copymove, props and http suites on the file area")
    func litmus() throws {
        let binary = ["/usr/bin/litmus", "/usr/local/bin/litmus"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let litmus = try #require(binary, "litmus is not installed: run scripts/setup first")
        let (data, server) = try Self.prepared()
        defer { server.stop(); _ = data }
        // litmus writes its debug logs into the working directory.
        let work = TemporaryDirectory("tideline-litmus")
        let (status, output) = try InteropTests.run(litmus, [
            "http://127.0.0.1:\(server.httpPort)/dav/files/alice@example.org/", "alice@example.org", "alice-password",
        ], environment: ["TESTS": "basic copymove props http"], directory: work.url)
        #expect(status == 0, "\(output)")
        for suite in ["basic", "copymove", "props", "http"] {
            #expect(output.contains("<- summary for `\(suite)'"), "\(suite) did not run: \(output)")
        }
        #expect(!output.contains("FAIL"), "\(output)")
    }
}
