import COpenSSL

/// Why TLS could not be set up or a handshake failed, with OpenSSL's own reasons.
public struct TLSError: Error, CustomStringConvertible {
    public let description: String

    init(_ what: String) {
        description = what + Self.drainedQueue()
    }

    /// OpenSSL's queued error reasons for this thread, emptied as they are read.
    static func drainedQueue() -> String {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            guard code != 0 else { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            reasons.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return reasons.isEmpty ? "" : " (" + reasons.joined(separator: "; ") + ")"
    }
}
