import Foundation
import SyncPolicy
import TidelineStore

/// Exit codes, after BSD's sysexits: scripts can tell a typo from bad data from a busy store.
enum ExitCode {
    static let ok: Int32 = 0
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let unavailable: Int32 = 69
    static let software: Int32 = 70
    static let ioError: Int32 = 74
    static let tempFail: Int32 = 75
}

/// A failure that ends a command with a message on stderr and an exit code.
struct CommandFailure: Error {
    let code: Int32
    let message: String
}

enum Output {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// A progress note for long commands, on stderr so it never mixes with parseable output.
    static func progress(_ text: String) {
        FileHandle.standardError.write(Data(("tideline: " + text + "\n").utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data(("tideline: " + text + "\n").utf8))
    }

    /// Prints one JSON value on a line, keys sorted so output is stable for scripts and diffs.
    static func json(_ value: Any) {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("null".utf8)
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    /// Prints rows as columns padded to the widest cell.
    static func table(_ rows: [[String]]) {
        guard let columns = rows.map(\.count).max() else { return }
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        for row in rows {
            var text = ""
            for (index, cell) in row.enumerated() {
                let last = index == row.count - 1
                text += last ? cell : cell.padding(toLength: widths[index] + 2, withPad: " ", startingAt: 0)
            }
            line(text)
        }
    }

    static func timestamp(_ date: Date?) -> String {
        guard let date else { return "never" }
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: date)
    }

    /// Maps an error from the store or the policy model to an exit code and message.
    static func failure(from error: Error) -> CommandFailure {
        switch error {
        case let failure as CommandFailure: return failure
        case let usage as UsageError: return CommandFailure(code: ExitCode.usage, message: usage.message)
        case let policy as PolicyError: return CommandFailure(code: ExitCode.dataError, message: policy.description)
        case let store as StoreError:
            switch store {
            case .notFound, .conflict, .invalid:
                return CommandFailure(code: ExitCode.dataError, message: store.description)
            case .busy: return CommandFailure(code: ExitCode.tempFail, message: store.description)
            case .unusable: return CommandFailure(code: ExitCode.ioError, message: store.description)
            case .sqlite: return CommandFailure(code: ExitCode.software, message: store.description)
            }
        default:
            return CommandFailure(code: ExitCode.software, message: "\(error)")
        }
    }
}
