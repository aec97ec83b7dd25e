import Foundation

/// Severity of a log event; events below the configured level are dropped.
public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case debug, info, warning, error

    public var name: String {
        switch self {
        case .debug: return "debug"
        case .info: return "info"
        case .warning: return "warning"
        case .error: return "error"
        }
    }

    public init?(name: String) {
        guard let level = Self.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = level
    }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}

/// One line per event on stderr: `ts=… level=… event=… key=value …`.
///
/// Values with spaces, quotes, `=` or control characters are quoted and escaped, so every line
/// splits the same way. Each line goes out in one `write` call, so lines from different threads
/// never interleave. Callers must not pass secrets: there is no field that is masked for them.
public enum Log {
    nonisolated(unsafe) private static var threshold = LogLevel.info
    private static let lock = NSLock()

    /// Sets the lowest level written; call once at start, before other threads log.
    public static func setLevel(_ level: LogLevel) {
        lock.withLock { threshold = level }
    }

    public static func isEnabled(_ level: LogLevel) -> Bool {
        lock.withLock { level >= threshold }
    }

    public static func debug(_ event: String, _ fields: KeyValuePairs<String, Any> = [:]) {
        emit(.debug, event, fields)
    }

    public static func info(_ event: String, _ fields: KeyValuePairs<String, Any> = [:]) {
        emit(.info, event, fields)
    }

    public static func warning(_ event: String, _ fields: KeyValuePairs<String, Any> = [:]) {
        emit(.warning, event, fields)
    }

    public static func error(_ event: String, _ fields: KeyValuePairs<String, Any> = [:]) {
        emit(.error, event, fields)
    }

    static func emit(_ level: LogLevel, _ event: String, _ fields: KeyValuePairs<String, Any>) {
        guard isEnabled(level) else { return }
        var line = "ts=\(timestamp()) level=\(level.name) event=\(quoted(event))"
        for (key, value) in fields {
            line += " \(key)=\(quoted(String(describing: value)))"
        }
        line += "\n"
        var bytes = Array(line.utf8)
        bytes.withUnsafeMutableBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(2, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 { break }
                offset += written
            }
        }
    }

    /// The value as written: bare when it is a plain token, else in double quotes with escapes.
    public static func quoted(_ value: String) -> String {
        let plain = !value.isEmpty && value.unicodeScalars.allSatisfy { scalar in
            scalar.value > 0x20 && scalar.value != 0x7f && scalar != "\"" && scalar != "=" && scalar != "\\"
        }
        if plain { return value }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    out += String(format: "\\x%02x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1,
                      parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec, now.tv_nsec / 1_000_000)
    }
}
