import Foundation

/// Serializes process launches: tests run in parallel, and launching several processes at once
/// from many threads is where Foundation's `Process` on Linux has been fragile.
let launchLock = NSLock()

func launch(_ process: Process) throws {
    signal(SIGPIPE, SIG_IGN)
    try launchLock.withLock { try process.run() }
}

/// Runs the built `tideline` executable, as an admin or a script would.
public enum TidelineBinary {
    /// The executable next to the test bundle in the build directory.
    public static var url: URL {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = exe.deletingLastPathComponent()
        // The test runner is `…/debug/tidelinePackageTests.xctest`, a file on Linux.
        while !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("tideline").path),
              directory.path != "/" {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("tideline")
    }

    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// Runs `tideline ARGS` with `TIDELINE_DATA` unset, feeding `input` to stdin.
    public static func run(_ arguments: [String], input: String? = nil, environment: [String: String] = [:])
        throws -> Result
    {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["TIDELINE_DATA"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        let inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inPipe
        try launch(process)
        if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
        try inPipe.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// A `tideline serve` process on loopback with ephemeral ports, for integration tests.
public final class ServerProcess: @unchecked Sendable {
    public let process = Process()
    public let data: URL
    public private(set) var imapPort: UInt16 = 0
    public private(set) var httpPort: UInt16 = 0
    public private(set) var lmtpPort: UInt16 = 0
    public private(set) var imapsPort: UInt16 = 0
    public private(set) var httpsPort: UInt16 = 0
    private let errPipe = Pipe()
    private let lock = NSLock()
    private var log = ""

    /// Starts the server and waits until it logs `server.started`.
    public init(data: URL, extraArguments: [String] = [], environment: [String: String] = [:]) throws {
        self.data = data
        process.executableURL = TidelineBinary.url
        // Ephemeral loopback ports unless the test names its own.
        let defaults = ["--imap", "--dav", "--lmtp"].filter { !extraArguments.contains($0) }
            .flatMap { [$0, "127.0.0.1:0"] }
        process.arguments = ["serve", "--data", data.path] + defaults + extraArguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardError = errPipe
        process.standardOutput = FileHandle.nullDevice
        try launch(process)
        // A plain thread reads the log until the server exits and the pipe closes.
        let reader = errPipe.fileHandleForReading
        let logLock = lock
        let reading = Thread { [weak self] in
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                guard let self else { break }
                logLock.withLock { self.log += String(decoding: chunk, as: UTF8.self) }
            }
        }
        reading.start()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if logText.contains("event=server.started") { break }
            if !process.isRunning { break }
            usleep(20_000)
        }
        guard logText.contains("event=server.started") else {
            process.terminate()
            throw ServerStartError(log: logText)
        }
        for line in logText.split(separator: "\n") where line.contains("event=listener.bound") {
            guard let addr = line.split(separator: " ").first(where: { $0.hasPrefix("addr=") }),
                  let port = UInt16(addr.split(separator: ":").last ?? "") else { continue }
            let proto = line.split(separator: " ").first { $0.hasPrefix("proto=") }?.dropFirst(6) ?? ""
            switch proto {
            case "imap": imapPort = port
            case "http": httpPort = port
            case "lmtp": lmtpPort = port
            case "imaps": imapsPort = port
            case "https": httpsPort = port
            default: break
            }
        }
    }

    /// Everything the server has written to stderr so far.
    public var logText: String {
        lock.withLock { log }
    }

    /// Sends `signal` and waits for the process to exit; returns its status.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM) -> Int32 {
        if process.isRunning {
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

public struct ServerStartError: Error, CustomStringConvertible {
    public let log: String
    public var description: String { "tideline serve did not start; its log:\n\(log)" }
}
