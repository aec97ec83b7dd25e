import Foundation

/// Reading a new password without echoing it or putting it on the command line.
enum PasswordInput {
    static let minimumLength = 8

    /// The password from stdin (`--password-stdin`), from a terminal prompt, or nil when neither
    /// is possible and `required` is false.
    static func read(fromStdin: Bool, required: Bool) throws -> String? {
        let password: String
        if fromStdin {
            guard let line = readLine(strippingNewline: true) else {
                throw CommandFailure(code: ExitCode.dataError,
                                     message: "--password-stdin given but standard input is empty")
            }
            password = line.hasSuffix("\r") ? String(line.dropLast()) : line
        } else if isatty(0) == 1 {
            guard let first = prompt("Password: "), let second = prompt("Password again: ") else {
                throw CommandFailure(code: ExitCode.dataError, message: "no password entered")
            }
            guard first == second else {
                throw CommandFailure(code: ExitCode.dataError, message: "the passwords differ; nothing was changed")
            }
            password = first
        } else if required {
            throw UsageError(message: "no terminal to ask for the password; pipe it in with --password-stdin")
        } else {
            return nil
        }
        guard password.count >= minimumLength else {
            throw CommandFailure(code: ExitCode.dataError,
                                 message: "the password is shorter than \(minimumLength) characters; "
                                    + "nothing was changed")
        }
        return password
    }

    /// Prompts on the terminal with echo off.
    private static func prompt(_ text: String) -> String? {
        FileHandle.standardError.write(Data(text.utf8))
        var saved = termios()
        tcgetattr(0, &saved)
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(0, TCSANOW, &silent)
        defer {
            tcsetattr(0, TCSANOW, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true)
    }
}
