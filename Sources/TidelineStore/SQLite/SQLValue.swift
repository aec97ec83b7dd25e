/// A value bound to or read from a SQLite statement.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// Anything that binds as a statement argument.
public protocol SQLBindable {
    var sqlValue: SQLValue { get }
}

extension Int: SQLBindable {
    public var sqlValue: SQLValue { .integer(Int64(self)) }
}

extension Int64: SQLBindable {
    public var sqlValue: SQLValue { .integer(self) }
}

extension Bool: SQLBindable {
    public var sqlValue: SQLValue { .integer(self ? 1 : 0) }
}

extension String: SQLBindable {
    public var sqlValue: SQLValue { .text(self) }
}

extension Double: SQLBindable {
    public var sqlValue: SQLValue { .real(self) }
}

extension Array: SQLBindable where Element == UInt8 {
    public var sqlValue: SQLValue { .blob(self) }
}

extension SQLValue: SQLBindable {
    public var sqlValue: SQLValue { self }
}

extension Optional: SQLBindable where Wrapped: SQLBindable {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// One result row; columns are read by position, in the order of the SELECT.
public struct SQLRow: Sendable {
    public let values: [SQLValue]

    public func int(_ column: Int) -> Int {
        if case .integer(let v) = values[column] { return Int(v) }
        return 0
    }

    public func int64(_ column: Int) -> Int64 {
        if case .integer(let v) = values[column] { return v }
        return 0
    }

    public func optionalInt64(_ column: Int) -> Int64? {
        if case .integer(let v) = values[column] { return v }
        return nil
    }

    public func string(_ column: Int) -> String {
        optionalString(column) ?? ""
    }

    public func optionalString(_ column: Int) -> String? {
        switch values[column] {
        case .text(let s): return s
        case .integer(let v): return String(v)
        default: return nil
        }
    }

    public func bool(_ column: Int) -> Bool {
        int64(column) != 0
    }

    public func blob(_ column: Int) -> [UInt8] {
        switch values[column] {
        case .blob(let b): return b
        case .text(let s): return Array(s.utf8)
        default: return []
        }
    }
}
