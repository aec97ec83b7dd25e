/// Why a store operation failed, in words an admin can act on.
///
/// Front ends map these to protocol errors; the CLI maps `.invalid`, `.notFound` and
/// `.conflict` to exit code 65 (data error) and the others to 70 (internal) or 75 (busy).
public enum StoreError: Error, Equatable, CustomStringConvertible {
    /// The request names something that does not exist.
    case notFound(String)
    /// The request conflicts with what is stored (a duplicate, a domain that still has users).
    case conflict(String)
    /// The request carries a malformed value.
    case invalid(String)
    /// Another process holds the store's write lock for longer than the busy timeout.
    case busy(String)
    /// The data directory or database cannot be used (permissions, a newer schema, corruption).
    case unusable(String)
    /// SQLite reported an error that the store did not expect.
    case sqlite(code: Int32, message: String)

    public var description: String {
        switch self {
        case .notFound(let text), .conflict(let text), .invalid(let text), .busy(let text),
             .unusable(let text):
            return text
        case .sqlite(let code, let message):
            return "database error \(code): \(message)"
        }
    }
}
