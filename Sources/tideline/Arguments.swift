import Foundation

/// A command line that the user got wrong: printed with the command's usage, exit code 64.
struct UsageError: Error {
    let message: String
}

/// The words of one command after its name: positionals, `--option value` pairs and flags.
///
/// Options may also be written `--option=value`. `--` ends the options.
struct Arguments {
    private(set) var positionals: [String] = []
    private var values: [String: String] = [:]
    private var flags: Set<String> = []

    /// Parses `words` against the options a command takes. `--help` is always a flag.
    init(_ words: [String], valueOptions: Set<String>, flagOptions: Set<String>) throws(UsageError) {
        var index = 0
        var onlyPositionals = false
        while index < words.count {
            let word = words[index]
            index += 1
            if onlyPositionals || !word.hasPrefix("--") || word == "-" {
                positionals.append(word)
                continue
            }
            if word == "--" {
                onlyPositionals = true
                continue
            }
            var name = String(word.dropFirst(2))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if name == "help" || flagOptions.contains(name) {
                guard inlineValue == nil else { throw UsageError(message: "--\(name) takes no value") }
                flags.insert(name)
            } else if valueOptions.contains(name) || name == "data" {
                guard values[name] == nil else { throw UsageError(message: "--\(name) is given twice") }
                if let inlineValue {
                    values[name] = inlineValue
                } else {
                    guard index < words.count else { throw UsageError(message: "--\(name) needs a value") }
                    values[name] = words[index]
                    index += 1
                }
            } else {
                throw UsageError(message: "unknown option --\(name)")
            }
        }
    }

    func value(_ name: String) -> String? {
        values[name]
    }

    func has(_ flag: String) -> Bool {
        flags.contains(flag)
    }

    /// The positionals, checked to be exactly `names.count` of them.
    func expect(_ names: String...) throws(UsageError) -> [String] {
        guard positionals.count == names.count else {
            if positionals.count < names.count {
                throw UsageError(message: "missing \(names[positionals.count])")
            }
            throw UsageError(message: "unexpected argument \"\(positionals[names.count])\"")
        }
        return positionals
    }

    /// A whole number option within `range`, if given.
    func integer(_ name: String, in range: ClosedRange<Int>) throws(UsageError) -> Int? {
        guard let text = value(name) else { return nil }
        guard let number = Int(text), range.contains(number) else {
            throw UsageError(message: "--\(name) takes a whole number from \(range.lowerBound) to "
                + "\(range.upperBound), not \"\(text)\"")
        }
        return number
    }
}
