import Foundation

/// How a CardDAV `text-match` compares its text with a property value (RFC 6352 section 10.5.4).
/// The raw values are the collation identifiers of RFC 4790, as they appear in the `collation`
/// attribute; RFC 6352 makes `i;unicode-casemap` the default, and a front end answers any other
/// identifier (where `init(rawValue:)` gives nil) with the `supported-collation` precondition.
public enum VCardCollation: String, Sendable, Hashable, CaseIterable {
    /// RFC 4790 section 9.2: ASCII letters compare without case; every other octet is compared
    /// as it is, so `Ü` and `ü` differ.
    case asciiCasemap = "i;ascii-casemap"

    /// RFC 5051: both strings become "titlecased canonicalized UTF-8", then compare as octets.
    ///
    /// RFC 5051 maps each character to its simple titlecase (UnicodeData.txt, no SpecialCasing)
    /// and replaces it with its full compatibility decomposition, repeating until nothing changes.
    /// Here that is done as: map every scalar to `titlecaseMapping` where that mapping is a single
    /// scalar (a multi-scalar mapping comes from SpecialCasing, so the scalar is kept), then apply
    /// Foundation's `decomposedStringWithCompatibilityMapping` (NFKD), and repeat to a fixed point.
    /// Foundation's `folding(options:)` is not used: it removes diacritics outright and folds `ß`
    /// to `ss`, neither of which RFC 5051 does.
    ///
    /// Consequences worth knowing:
    /// - `MÜLLER` equals `müller`, and `Müller` contains `mül`.
    /// - Decomposition leaves diacritics as combining marks after the base letter, so `Müller`
    ///   starts with `mu` and contains `m`, but does not contain `mul` and does not equal `Muller`.
    /// - `ß` has no single-character titlecase, so `Straße` does not match `STRASSE`, and the
    ///   capital `ẞ` (U+1E9E) does not match `ß` either.
    /// - Ligatures and compatibility forms decompose: `ﬁ` matches `FI`, `㎏` matches `kg`.
    // Limitation: NFKD also splits Hangul syllables into jamo, which RFC 5051 does not; equality
    // is unaffected, but a lone jamo can be found inside a syllable.
    // Limitation: Foundation exposes only the full titlecase mapping, so a character whose full
    // mapping is several characters keeps its case; for the few whose simple mapping differs,
    // the result can differ from RFC 5051's after decomposition.
    case unicodeCasemap = "i;unicode-casemap"

    /// RFC 4790 section 9.3: the UTF-8 octets as they are.
    case octet = "i;octet"

    /// Whether `value` matches `text` under this collation and the match type. An empty `text`
    /// is contained in, starts and ends every value, and equals only the empty value.
    public func matches(_ value: String, text: String, matchType: VCardMatchType = .contains) -> Bool {
        matches(key(for: value), key(for: text), matchType: matchType)
    }

    /// The comparison itself, on keys made by `key(for:)`.
    func matches(_ haystack: [UInt8], _ needle: [UInt8], matchType: VCardMatchType) -> Bool {
        switch matchType {
        case .equals: return haystack == needle
        case .startsWith: return haystack.starts(with: needle)
        case .endsWith: return haystack.reversed().starts(with: needle.reversed())
        case .contains: return Self.contains(haystack, needle)
        }
    }

    /// The octets that stand for `text` under this collation; two strings compare through these.
    func key(for text: String) -> [UInt8] {
        switch self {
        case .octet:
            return Array(text.utf8)
        case .asciiCasemap:
            return text.utf8.map(asciiUppercased)
        case .unicodeCasemap:
            if text.utf8.allSatisfy({ $0 < 0x80 }) {
                return text.utf8.map(asciiUppercased)
            }
            return Array(Self.titlecasedCanonical(text).utf8)
        }
    }

    /// RFC 5051's titlecased canonicalized form, as described on `unicodeCasemap`.
    private static func titlecasedCanonical(_ text: String) -> String {
        var current = text
        // Each round can only shorten a chain of mappings; real data settles in one or two.
        for _ in 0..<4 {
            var titled = String.UnicodeScalarView()
            for scalar in current.unicodeScalars {
                let mapping = scalar.properties.titlecaseMapping.unicodeScalars
                if mapping.count == 1, let single = mapping.first {
                    titled.append(single)
                } else {
                    titled.append(scalar)
                }
            }
            let decomposed = String(titled).decomposedStringWithCompatibilityMapping
            if decomposed.unicodeScalars.elementsEqual(current.unicodeScalars) {
                break
            }
            current = decomposed
        }
        return current
    }

    /// Plain substring search over octets; values are short, and long ones (photos) rarely
    /// share more than a byte or two with a search text before a mismatch.
    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard needle.count <= haystack.count else { return false }
        let first = needle[0]
        for start in 0...(haystack.count - needle.count) where haystack[start] == first {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) {
                return true
            }
        }
        return false
    }
}

/// Where a CardDAV `text-match` must find its text in the value (RFC 6352 section 10.5.4). The
/// raw values are those of the `match-type` attribute; RFC 6352 makes `contains` the default.
public enum VCardMatchType: String, Sendable, Hashable, CaseIterable {
    case equals
    case contains
    case startsWith = "starts-with"
    case endsWith = "ends-with"
}
