import Foundation
import SyncPolicy
import TestSupport
import Testing
@testable import TidelineStore

@Suite("The SQLite store: schema, durability settings and concurrency")
struct StoreTests {
    @Test("a new data directory gets the latest schema, WAL and foreign keys")
    func freshStore() throws {
        let directory = TemporaryDirectory()
        let store = try Store(directory: directory.url.appendingPathComponent("data"))
        #expect(try store.schemaVersion() == Schema.latestVersion)
        let mode = try store.read { try $0.queryFirst("PRAGMA journal_mode")?.string(0) }
        #expect(mode == "wal")
        let synchronous = try store.write { try $0.queryFirst("PRAGMA synchronous")?.int(0) }
        #expect(synchronous == 2)  // FULL
        #expect(try store.integrityProblems().isEmpty)
    }

    @Test("reopening keeps data and does not re-run migrations")
    func reopen() throws {
        let directory = TemporaryDirectory()
        do {
            let store = try Store(directory: directory.url)
            _ = try store.addDomain("example.org", actor: "test")
        }
        let again = try Store(directory: directory.url)
        #expect(try again.domains().map(\.name) == ["example.org"])
        #expect(try again.schemaVersion() == Schema.latestVersion)
    }

    @Test("a store written by a newer tideline is refused with a clear error")
    func newerSchema() throws {
        let directory = TemporaryDirectory()
        do {
            let store = try Store(directory: directory.url)
            _ = try store.write { try $0.execute("PRAGMA user_version = 999") }
        }
        #expect {
            try Store(directory: directory.url)
        } throws: { error in
            "\(error)".contains("schema version 999") && "\(error)".contains("newer tideline")
        }
    }

    @Test("a data directory path that is a file is refused")
    func fileAsDirectory() throws {
        let directory = TemporaryDirectory()
        let file = directory.url.appendingPathComponent("plain")
        try Data("x".utf8).write(to: file)
        #expect { try Store(directory: file) } throws: { "\($0)".contains("is a file") }
    }

    @Test("many threads reading and writing at once lose nothing")
    func concurrentAccess() async throws {
        let directory = TemporaryDirectory()
        let store = try Store(directory: directory.url)
        _ = try store.addDomain("example.org", actor: "test")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for index in 0..<15 {
                        _ = try store.addUser("u\(worker)-\(index)@example.org", passwordHash: nil, actor: "test")
                        _ = try store.users(inDomain: "example.org")
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try store.users().count == 120)
        #expect(try store.domains().first?.userCount == 120)
    }

    @Test("two store instances on one directory (as two processes) both work")
    func twoOpeners() throws {
        let directory = TemporaryDirectory()
        let first = try Store(directory: directory.url)
        let second = try Store(directory: directory.url)
        _ = try first.addDomain("one.example", actor: "test")
        _ = try second.addDomain("two.example", actor: "test")
        #expect(try first.domains().map(\.name) == ["one.example", "two.example"])
    }

    @Test("a writer blocked by another process's transaction fails with a busy error, not a hang")
    func busyWriter() throws {
        let directory = TemporaryDirectory()
        let first = try Store(directory: directory.url)
        let second = try Store(directory: directory.url, busyTimeoutMilliseconds: 100)
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let holder = Thread {
            _ = try? first.write { _ in
                entered.signal()
                release.wait()
            }
        }
        holder.start()
        entered.wait()
        #expect {
            try second.addDomain("blocked.example", actor: "test")
        } throws: { error in
            guard case StoreError.busy(let text) = error else { return false }
            return text.contains("locked by another process")
        }
        release.signal()
    }
}
