import Foundation

/// A line or body pattern of a client transcript in `fixtures/`: `*` is any run of characters
/// and `{{name}}` captures a run of the characters `captureClass` allows. Matches whole texts.
public struct TranscriptPattern {
    private let expression: NSRegularExpression?
    private let names: [String]

    /// `captureClass` is a regular-expression class such as `[^\s<]`; with `acrossLines`, `*`
    /// also runs over line ends.
    public init(_ pattern: String, captureClass: String, acrossLines: Bool = false) {
        var regex = "^"
        var names: [String] = []
        var rest = Substring(pattern)
        while let first = rest.first {
            if rest.hasPrefix("{{"), let close = rest.range(of: "}}") {
                names.append(String(rest[rest.index(rest.startIndex, offsetBy: 2)..<close.lowerBound]))
                regex += "(\(captureClass)+)"
                rest = rest[close.upperBound...]
            } else {
                regex += first == "*" ? ".*" : NSRegularExpression.escapedPattern(for: String(first))
                rest = rest.dropFirst()
            }
        }
        expression = try? NSRegularExpression(pattern: regex + "$",
                                              options: acrossLines ? .dotMatchesLineSeparators : [])
        self.names = names
    }

    /// The captures by name when the whole of `text` matches, else nil.
    public func match(_ text: String) -> [String: String]? {
        guard let found = expression?.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else {
            return nil
        }
        var captures: [String: String] = [:]
        for (index, name) in names.enumerated() {
            if let range = Range(found.range(at: index + 1), in: text) { captures[name] = String(text[range]) }
        }
        return captures
    }
}
