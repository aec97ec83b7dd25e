import Foundation
import TestSupport
import Testing

/// TLS on every listener, and the plaintext-login rules, against `tideline serve`.
@Suite("TLS and plaintext logins", .serialized)
struct TLSTests {
    static let root = InteropTests.root

    /// A demo server (self-signed certificate in DATA/demo-tls) with IMAPS and HTTPS.
    static func demoServer(extra: [String] = []) throws -> (TemporaryDirectory, ServerProcess) {
        let data = TemporaryDirectory("tideline-tls")
        let server = try ServerProcess(data: data.url, extraArguments: [
            "--demo", "--imaps", "127.0.0.1:0", "--https", "127.0.0.1:0",
        ] + extra)
        return (data, server)
    }

    @Test("python's ssl: IMAPS, STARTTLS on IMAP and LMTP, HTTPS, and no injection after STARTTLS")
    func pythonSSL() throws {
        let (data, server) = try Self.demoServer()
        defer { server.stop(); _ = data }
        let (status, output) = try InteropTests.run("/usr/bin/python3", [
            Self.root.appendingPathComponent("Tests/interop/tls_clients.py").path, String(server.imapPort),
            String(server.imapsPort), String(server.httpsPort), String(server.lmtpPort), "demo@demo.test",
            "demo-password", data.url.appendingPathComponent("demo-tls/cert.pem").path,
        ])
        #expect(status == 0, "\(output)\n\(server.logText)")
        #expect(output.contains(" passed, 0 failed"), "\(output)")
    }

    @Test("openssl s_client: TLS 1.2 and 1.3 are served, TLS 1.1 is refused")
    func protocolVersions() throws {
        let (data, server) = try Self.demoServer()
        defer { server.stop(); _ = data }
        let connect = "127.0.0.1:\(server.imapsPort)"
        for version in ["-tls1_2", "-tls1_3"] {
            let (_, output) = try Self.sClient([connect, version], input: "a LOGOUT\r\n")
            #expect(output.contains("* OK"), "\(version): \(output)")
            #expect(output.contains(version == "-tls1_2" ? "TLSv1.2" : "TLSv1.3"), "\(output)")
        }
        let (_, refused) = try Self.sClient([connect, "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"], input: "")
        #expect(refused.contains("alert protocol version"), "\(refused)")
    }

    @Test("SIGHUP reloads the certificate for new connections and keeps open ones")
    func reload() throws {
        let (data, server) = try Self.demoServer()
        defer { server.stop(); _ = data }
        let connect = "127.0.0.1:\(server.imapsPort)"
        let (_, before) = try Self.sClient([connect], input: "a LOGOUT\r\n")
        #expect(before.contains("O = Tideline demo"), "\(before)")

        // An IMAPS session opened before the reload.
        let open = Process()
        open.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        open.arguments = ["s_client", "-connect", connect, "-quiet"]
        let input = Pipe()
        let output = Pipe()
        open.standardInput = input
        open.standardOutput = output
        open.standardError = FileHandle.nullDevice
        try open.run()
        defer { if open.isRunning { open.terminate() } }
        let greeting = try Self.readLine(output.fileHandleForReading)
        #expect(greeting.hasPrefix("* OK"))

        let folder = data.url.appendingPathComponent("demo-tls")
        let (status, made) = try InteropTests.run("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
            "-subj", "/CN=reloaded.test", "-keyout", folder.appendingPathComponent("key.pem").path,
            "-out", folder.appendingPathComponent("cert.pem").path,
        ])
        #expect(status == 0, "\(made)")
        kill(server.process.processIdentifier, SIGHUP)
        let deadline = Date().addingTimeInterval(5)
        while !server.logText.contains("event=tls.reloaded") && Date() < deadline { usleep(20_000) }
        #expect(server.logText.contains("event=tls.reloaded"), "\(server.logText)")

        let (_, after) = try Self.sClient([connect], input: "a LOGOUT\r\n")
        #expect(after.contains("CN = reloaded.test"), "\(after)")
        input.fileHandleForWriting.write(Data("a NOOP\r\n".utf8))
        #expect(try Self.readLine(output.fileHandleForReading).hasPrefix("a OK"), "the open session goes on")
    }

    @Test("from another machine, plaintext logins are refused unless the admin allows them")
    func plaintextRefused() throws {
        let address = try #require(Self.nonLoopbackIPv4(), "this machine has no non-loopback IPv4 address")
        let data = TemporaryDirectory("tideline-plaintext")
        let server = try ServerProcess(data: data.url, extraArguments: ["--demo", "--imap", "0.0.0.0:0",
                                                                        "--dav", "0.0.0.0:0"])
        defer { server.stop() }
        let client = try SocketClient(port: server.imapPort, host: address)
        let greeting = try client.readLine()
        #expect(greeting.contains("LOGINDISABLED") && greeting.contains("STARTTLS") && !greeting.contains("AUTH=PLAIN"),
                "\(greeting)")
        try client.send("a LOGIN demo@demo.test demo-password\r\n")
        #expect(try client.readLine().hasPrefix("a NO [PRIVACYREQUIRED]"))
        let auth = "Basic " + Data("demo@demo.test:demo-password".utf8).base64EncodedString()
        let dav = try httpRequest(host: address, port: server.httpPort, "PROPFIND", "/dav/",
                                  headers: ["Authorization": auth, "Depth": "0"])
        #expect(dav.status == 403)
        #expect(String(decoding: dav.body, as: UTF8.self).contains("HTTPS"))
        server.stop()

        let allowing = try ServerProcess(data: data.url, extraArguments: ["--imap", "0.0.0.0:0", "--dav", "0.0.0.0:0",
                                                                          "--allow-plaintext-login"])
        defer { allowing.stop() }
        let second = try SocketClient(port: allowing.imapPort, host: address)
        _ = try second.readLine()
        try second.send("a LOGIN demo@demo.test demo-password\r\n")
        #expect(try second.readLine().hasPrefix("a OK"))
    }

    static func sClient(_ arguments: [String], input: String) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["s_client", "-connect"] + arguments + ["-ign_eof"]
        let stdin = Pipe()
        let pipe = Pipe()
        process.standardInput = stdin
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    static func readLine(_ handle: FileHandle) throws -> String {
        var line: [UInt8] = []
        while true {
            let byte = handle.readData(ofLength: 1)
            guard let first = byte.first else { break }
            if first == 0x0a { break }
            line.append(first)
        }
        return String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The first IPv4 address of an interface that is up and not loopback.
    static func nonLoopbackIPv4() -> String? {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0 else { return nil }
        defer { freeifaddrs(list) }
        var current = list
        while let entry = current {
            defer { current = entry.pointee.ifa_next }
            guard let address = entry.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_INET),
                  entry.pointee.ifa_flags & UInt32(IFF_LOOPBACK) == 0, entry.pointee.ifa_flags & UInt32(IFF_UP) != 0
            else { continue }
            var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            guard getnameinfo(address, socklen_t(MemoryLayout<sockaddr_in>.size), &host, socklen_t(host.count), nil, 0,
                              NI_NUMERICHOST) == 0 else { continue }
            return String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return nil
    }
}
