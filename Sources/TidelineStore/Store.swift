import Foundation

/// The embedded store: one SQLite database in a data directory.
///
/// Durability: the database runs in WAL mode with `synchronous=FULL`, so every committed
/// transaction is flushed to disk before `write` returns. A client is told that something
/// succeeded only after `write` returns, so nothing acknowledged is lost on power loss or
/// `kill -9`.
///
/// Concurrency: one writer connection, guarded by a lock, and a pool of reader connections.
/// WAL lets readers run while the writer commits, from any number of threads. Several
/// processes may open the same store (the CLI while the server runs); a writer waits up to
/// the busy timeout for another process's write to finish and then fails with `.busy`.
public final class Store: @unchecked Sendable {
    /// The name of the database file inside the data directory.
    public static let databaseName = "tideline.db"

    public let directory: URL
    public let databasePath: String

    private let writerLock = NSLock()
    private let writer: SQLiteConnection
    private let readers = NSCondition()
    private var idleReaders: [SQLiteConnection] = []
    private var openReaders = 0
    private let maxReaders: Int

    /// Opens the store in `directory`, creating the directory and database when missing and
    /// migrating the schema forward.
    public init(directory: URL, maxReaders: Int = 8, busyTimeoutMilliseconds: Int32 = 5_000) throws {
        self.directory = directory
        self.maxReaders = max(1, maxReaders)
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw StoreError.unusable("data directory \(directory.path) is a file; pass --data with a directory")
            }
        } else {
            do {
                try manager.createDirectory(
                    at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw StoreError.unusable(
                    "cannot create data directory \(directory.path): \(error.localizedDescription)")
            }
        }
        databasePath = directory.appendingPathComponent(Self.databaseName).path
        writer = try SQLiteConnection(
            path: databasePath, readOnly: false, create: true, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        try Self.configure(writer, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        try Schema.migrate(writer, path: databasePath)
        self.busyTimeout = busyTimeoutMilliseconds
    }

    private let busyTimeout: Int32

    private static func configure(_ connection: SQLiteConnection, busyTimeoutMilliseconds: Int32) throws {
        // WAL survives in the file; the others are per connection.
        let mode = try connection.queryFirst("PRAGMA journal_mode=WAL")?.string(0)
        guard mode == "wal" else {
            throw StoreError.unusable("the database cannot switch to WAL mode (it is \(mode ?? "unknown"))")
        }
        try connection.execute("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")
    }

    /// Runs `body` inside one write transaction and commits it durably.
    ///
    /// The transaction starts with `BEGIN IMMEDIATE`, so a conflict with another process shows
    /// up here as `.busy` and never halfway through `body`. Any error rolls everything back.
    public func write<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        writerLock.lock()
        defer { writerLock.unlock() }
        try writer.execute("BEGIN IMMEDIATE")
        do {
            let result = try body(writer)
            try writer.execute("COMMIT")
            return result
        } catch {
            try? writer.execute("ROLLBACK")
            throw error
        }
    }

    /// Runs `body` on a reader connection inside one read transaction (a consistent snapshot).
    public func read<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        let connection = try checkOutReader()
        defer { checkIn(connection) }
        try connection.execute("BEGIN")
        defer { try? connection.execute("COMMIT") }
        return try body(connection)
    }

    private func checkOutReader() throws -> SQLiteConnection {
        readers.lock()
        defer { readers.unlock() }
        while idleReaders.isEmpty && openReaders >= maxReaders {
            readers.wait()
        }
        if let connection = idleReaders.popLast() { return connection }
        openReaders += 1
        do {
            let connection = try SQLiteConnection(
                path: databasePath, readOnly: true, create: false, busyTimeoutMilliseconds: busyTimeout)
            try connection.execute("PRAGMA foreign_keys=ON;")
            return connection
        } catch {
            openReaders -= 1
            throw error
        }
    }

    private func checkIn(_ connection: SQLiteConnection) {
        readers.lock()
        idleReaders.append(connection)
        readers.signal()
        readers.unlock()
    }

    /// Runs SQLite's integrity and foreign key checks; returns the problems found (none: empty).
    public func integrityProblems() throws -> [String] {
        try read { db in
            var problems = try db.query("PRAGMA integrity_check").map { $0.string(0) }.filter { $0 != "ok" }
            problems += try db.query("PRAGMA foreign_key_check").map {
                "row \($0.string(1)) of \($0.string(0)) points at a missing row of \($0.string(2))"
            }
            return problems
        }
    }

    /// The schema version this store is at.
    public func schemaVersion() throws -> Int {
        try read { try $0.queryFirst("PRAGMA user_version")?.int(0) ?? 0 }
    }
}
