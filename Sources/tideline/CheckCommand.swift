import Foundation

/// `tideline check`: runs the store's integrity checks, for admins after a crash and for the
/// crash-safety test.
enum CheckCommand {
    static func run(_ context: CommandContext) throws {
        _ = try context.arguments.expect()
        let problems = try context.openStore().integrityProblems()
        if context.json {
            Output.json(["ok": problems.isEmpty, "problems": problems] as [String: Any])
        } else if problems.isEmpty {
            Output.line("The store passed SQLite's integrity and foreign key checks.")
        } else {
            for problem in problems { Output.line(problem) }
        }
        guard problems.isEmpty else {
            throw CommandFailure(code: ExitCode.dataError,
                                 message: "check: the store has \(problems.count) problem(s), listed above; "
                                     + "stop the server and restore the data directory from a backup")
        }
    }
}
