import Foundation
import ServerCore
import TidelineStore

/// What every command gets: where the data lives and who is acting.
struct CommandContext {
    let arguments: Arguments

    /// `--data DIR`, else `$TIDELINE_DATA`, else `./tideline-data`.
    var dataDirectory: URL {
        let path = arguments.value("data") ?? ProcessInfo.processInfo.environment["TIDELINE_DATA"] ?? "tideline-data"
        return URL(fileURLWithPath: path)
    }

    /// The name written to the audit log for changes made from the command line.
    var actor: String {
        let environment = ProcessInfo.processInfo.environment
        let account = getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) }
        let name = environment["SUDO_USER"] ?? account ?? environment["USER"] ?? "uid \(getuid())"
        return "cli:\(name)"
    }

    func openStore() throws -> Store {
        try Store(directory: dataDirectory)
    }

    var json: Bool { arguments.has("json") }
}

/// One command of the `tideline` tool.
struct Command: Sendable {
    /// The words that name it: `["policy", "set"]`.
    let words: [String]
    /// Its usage line after `tideline`.
    let usage: String
    let summary: String
    /// Lines describing the options, printed by `--help`.
    var details: [String] = []
    var valueOptions: Set<String> = []
    var flags: Set<String> = []
    let run: @Sendable (CommandContext) throws -> Void

    var name: String { words.joined(separator: " ") }

    var help: String {
        var text = "usage: tideline \(usage)\n\n\(summary)\n"
        if !details.isEmpty { text += "\n" + details.map { "  " + $0 }.joined(separator: "\n") + "\n" }
        text += "\n  --data DIR   data directory (default: $TIDELINE_DATA, else ./tideline-data)\n"
        return text
    }
}

/// Finds and runs the command named by the arguments; returns the exit code.
enum CommandLineTool {
    static func run(_ arguments: [String]) -> Int32 {
        let words = Array(arguments.dropFirst())
        if words.isEmpty || words == ["--help"] || words == ["help"] {
            Output.line(overview())
            return words.isEmpty ? ExitCode.usage : ExitCode.ok
        }
        if words == ["--version"] || words == ["version"] {
            Output.line("tideline \(TidelineVersion.current)")
            return ExitCode.ok
        }
        // The longest run of leading words that names a command wins.
        let matches = Commands.all.filter { Array(words.prefix($0.words.count)) == $0.words }
        guard let command = matches.max(by: { $0.words.count < $1.words.count }) else {
            let group = Commands.all.filter { $0.words.first == words.first }
            if !group.isEmpty {
                let wantsHelp = words.count == 1 || words.dropFirst().first == "--help"
                let list = group.map { "  tideline \($0.usage)\n      \($0.summary)" }.joined(separator: "\n")
                if wantsHelp {
                    Output.line("commands:\n\(list)")
                    return words.count == 1 ? ExitCode.usage : ExitCode.ok
                }
                let typed = words.prefix(2).joined(separator: " ")
                Output.error("unknown command \"\(typed)\"; the \(words[0]) commands are:\n\(list)")
                return ExitCode.usage
            }
            Output.error("unknown command \"\(words[0])\"; run `tideline --help` for the list")
            return ExitCode.usage
        }
        do {
            let parsed = try Arguments(Array(words.dropFirst(command.words.count)),
                                       valueOptions: command.valueOptions, flagOptions: command.flags)
            if parsed.has("help") {
                Output.line(command.help)
                return ExitCode.ok
            }
            try command.run(CommandContext(arguments: parsed))
            return ExitCode.ok
        } catch let usage as UsageError {
            Output.error("\(command.name): \(usage.message)\nusage: tideline \(command.usage)")
            return ExitCode.usage
        } catch {
            let failure = Output.failure(from: error)
            Output.error("\(command.name): \(failure.message)")
            return failure.code
        }
    }

    static func overview() -> String {
        var text = "tideline: mail, calendar and contacts sync server\n\n"
        text += "usage: tideline COMMAND [OPTIONS]\n\ncommands:\n"
        for command in Commands.all {
            text += "  tideline \(command.usage)\n      \(command.summary)\n"
        }
        text += "\nEvery command takes --data DIR and --help. Exit codes: 64 usage, 65 bad data, 74 store unusable, "
        text += "75 store busy."
        return text
    }
}

