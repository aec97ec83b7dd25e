import Foundation
import IMAPSync
import TidelineStore

/// `tideline import maildir|mbox`: brings existing mail into a user's mailbox.
enum ImportCommand {
    static let details = [
        "--user ADDRESS    the user to import for (required)",
        "--mailbox NAME    the mailbox to import into (default INBOX; made when missing)",
        "Safe to run again: messages already imported are skipped. Bad messages are reported",
        "by position and skipped; the import goes on.",
    ]

    static func maildir(_ context: CommandContext) throws {
        let path = try context.arguments.expect("DIR")[0]
        try run(context) { try $0.importMaildir(at: URL(fileURLWithPath: path)) }
    }

    static func mbox(_ context: CommandContext) throws {
        let path = try context.arguments.expect("FILE")[0]
        try run(context) { try $0.importMbox(at: URL(fileURLWithPath: path)) }
    }

    private static func run(_ context: CommandContext,
                            _ body: (MailImporter) throws -> MailImporter.Report) throws {
        guard let user = context.arguments.value("user") else { throw UsageError(message: "--user is required") }
        let mailbox = context.arguments.value("mailbox") ?? "INBOX"
        let store = try context.openStore()
        let started = Date()
        let importer = try MailImporter(store: store, user: user, mailbox: mailbox) { report in
            Output.progress("imported \(report.imported) messages so far (\(report.duplicates) already there)")
        }
        let report = try body(importer)
        let seconds = Date().timeIntervalSince(started)
        if context.json {
            Output.json(["imported": report.imported, "duplicates": report.duplicates, "skipped": report.skipped,
                         "seconds": (seconds * 10).rounded() / 10])
            return
        }
        Output.line("imported \(report.imported) messages into \(user.lowercased()) \(mailbox) in "
            + String(format: "%.1f", seconds) + " s; \(report.duplicates) were already there; "
            + "\(report.skipped.count) skipped")
        for problem in report.skipped { Output.line("  skipped \(problem)") }
    }
}
