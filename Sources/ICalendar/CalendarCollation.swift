import Foundation

/// The collations a CalDAV text-match may name (RFC 4791 section 7.5); the raw value is the
/// identifier from RFC 4790 as it appears in the `collation` attribute.
public enum CalendarCollation: String, Sendable, Hashable, CaseIterable {
    /// ASCII letters compare without case, all other octets as they are (the CalDAV default).
    case asciiCasemap = "i;ascii-casemap"
    /// The UTF-8 octets as they are.
    case octet = "i;octet"
    /// RFC 5051: each character mapped to its titlecase, then to its compatibility
    /// decomposition (NFKD), then compared as octets; so `MÜNCHEN` contains `mün`.
    ///
    /// Limitation: titlecase mappings that expand to several characters (such as `ß`) are left
    /// as they are, so `STRASSE` does not find `straße`.
    case unicodeCasemap = "i;unicode-casemap"

    /// Looks up a collation by its identifier; nil for one CalDAV servers need not support
    /// (the DAV layer answers those with the supported-collation precondition).
    public init?(identifier: String) {
        self.init(rawValue: identifier)
    }

    /// Whether `value` contains `text` under this collation; every value contains "".
    public func contains(_ value: String, _ text: String) -> Bool {
        let needle = key(text)
        guard !needle.isEmpty else { return true }
        let haystack = key(value)
        guard haystack.count >= needle.count else { return false }
        for offset in 0...(haystack.count - needle.count)
        where haystack[offset] == needle[0] && haystack[offset..<(offset + needle.count)].elementsEqual(needle) {
            return true
        }
        return false
    }

    /// The octets two strings are compared through.
    func key(_ text: String) -> [UInt8] {
        switch self {
        case .octet:
            return Array(text.utf8)
        case .asciiCasemap:
            return text.utf8.map { (0x61...0x7A).contains($0) ? $0 - 0x20 : $0 }
        case .unicodeCasemap:
            if text.utf8.allSatisfy({ $0 < 0x80 }) { return CalendarCollation.asciiCasemap.key(text) }
            var mapped = String.UnicodeScalarView()
            for scalar in text.unicodeScalars {
                let title = scalar.properties.titlecaseMapping.unicodeScalars
                if title.count == 1, let single = title.first { mapped.append(single) } else { mapped.append(scalar) }
            }
            return Array(String(mapped).decomposedStringWithCompatibilityMapping.utf8)
        }
    }
}
