import CSQLite
import Foundation

/// The destructor constant that makes SQLite copy bound text and blobs.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// One SQLite connection with a cache of prepared statements.
///
/// A connection is used by one thread at a time; `Store` hands connections out from a pool
/// and never shares one between threads at once.
public final class SQLiteConnection {
    private let handle: OpaquePointer
    private var statements: [String: OpaquePointer] = [:]

    /// Opens (and, when `create` is set, creates) the database at `path`.
    init(path: String, readOnly: Bool, create: Bool, busyTimeoutMilliseconds: Int32) throws {
        var flags = SQLITE_OPEN_NOMUTEX
        flags |= readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        if create { flags |= SQLITE_OPEN_CREATE }
        var db: OpaquePointer?
        let code = sqlite3_open_v2(path, &db, flags, nil)
        guard code == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw StoreError.unusable("cannot open database \(path): \(message)")
        }
        handle = db
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
        sqlite3_extended_result_codes(db, 1)
    }

    deinit {
        for statement in statements.values {
            sqlite3_finalize(statement)
        }
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that take no arguments and return no rows.
    public func execute(_ sql: String) throws {
        var errorText: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &errorText)
        if code != SQLITE_OK {
            let message = errorText.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(errorText)
            throw error(code: code, message: message)
        }
    }

    /// Runs a statement and returns all of its rows.
    public func query(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> [SQLRow] {
        var rows: [SQLRow] = []
        try each(sql, arguments) { rows.append($0) }
        return rows
    }

    /// Runs a statement and returns its first row, if any.
    public func queryFirst(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> SQLRow? {
        try query(sql, arguments).first
    }

    /// Runs a statement, handing each row to `body` as it is stepped.
    public func each(_ sql: String, _ arguments: [any SQLBindable], _ body: (SQLRow) throws -> Void) throws {
        let statement = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        try bind(arguments, to: statement)
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw error(code: code) }
            try body(row(of: statement))
        }
    }

    /// Runs a statement that changes data; returns the number of rows changed.
    @discardableResult
    public func run(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> Int {
        try each(sql, arguments) { _ in }
        return Int(sqlite3_changes(handle))
    }

    /// The rowid of the last row this connection inserted.
    public var lastInsertedRowID: Int64 {
        sqlite3_last_insert_rowid(handle)
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let cached = statements[sql] { return cached }
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else { throw error(code: code) }
        statements[sql] = statement
        return statement
    }

    private func bind(_ arguments: [any SQLBindable], to statement: OpaquePointer) throws {
        for (offset, argument) in arguments.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch argument.sqlValue {
            case .null: code = sqlite3_bind_null(statement, index)
            case .integer(let v): code = sqlite3_bind_int64(statement, index, v)
            case .real(let v): code = sqlite3_bind_double(statement, index, v)
            case .text(let s): code = sqlite3_bind_text(statement, index, s, -1, transient)
            case .blob(let b):
                code = b.withUnsafeBytes { raw in
                    sqlite3_bind_blob64(statement, index, raw.baseAddress, sqlite3_uint64(raw.count), transient)
                }
            }
            guard code == SQLITE_OK else { throw error(code: code) }
        }
    }

    private func row(of statement: OpaquePointer) -> SQLRow {
        let count = sqlite3_column_count(statement)
        var values: [SQLValue] = []
        values.reserveCapacity(Int(count))
        for column in 0..<count {
            switch sqlite3_column_type(statement, column) {
            case SQLITE_INTEGER: values.append(.integer(sqlite3_column_int64(statement, column)))
            case SQLITE_FLOAT: values.append(.real(sqlite3_column_double(statement, column)))
            case SQLITE_TEXT:
                values.append(.text(String(cString: sqlite3_column_text(statement, column))))
            case SQLITE_BLOB:
                let length = Int(sqlite3_column_bytes(statement, column))
                if length == 0 {
                    values.append(.blob([]))
                } else {
                    let base = sqlite3_column_blob(statement, column)!
                    let buffer = UnsafeRawBufferPointer(start: base, count: length)
                    values.append(.blob(Array(buffer)))
                }
            default: values.append(.null)
            }
        }
        return SQLRow(values: values)
    }

    private func error(code: Int32, message: String? = nil) -> StoreError {
        let text = message ?? String(cString: sqlite3_errmsg(handle))
        switch code & 0xff {
        case SQLITE_BUSY, SQLITE_LOCKED:
            return .busy("the store is locked by another process (\(text)); retry, or stop the other process")
        case SQLITE_CONSTRAINT:
            return .conflict(text)
        case SQLITE_CORRUPT, SQLITE_NOTADB:
            return .unusable("the database is damaged (\(text)); restore it from a backup")
        case SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_PERM:
            return .unusable("the database cannot be written (\(text)); check the data directory's permissions")
        case SQLITE_FULL:
            return .unusable("the disk holding the data directory is full")
        default:
            return .sqlite(code: code, message: text)
        }
    }
}
