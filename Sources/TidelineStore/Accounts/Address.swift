/// Validation and normalization of domain names and user addresses.
///
/// Both are lower-cased: logins and domains compare without regard to case. Local parts keep
/// to the unquoted characters of RFC 5322's dot-atom, so an address is also safe in a URL path
/// and a file name.
public enum Address {
    /// A lower-cased domain name of letters, digits and hyphens in dot-separated labels.
    // Limitation: internationalized domain names must be given in their xn-- form.
    public static func normalizeDomain(_ raw: String) throws -> String {
        let name = raw.lowercased()
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        let valid = !name.isEmpty && name.utf8.count <= 253 && labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.utf8.allSatisfy { isLetterOrDigit($0) || $0 == UInt8(ascii: "-") }
        }
        guard valid else {
            throw StoreError.invalid(
                "invalid domain name \"\(raw)\": use letters, digits and hyphens in dot-separated labels")
        }
        return name
    }

    /// Splits and normalizes `local@domain`; returns the full address and the domain.
    public static func normalize(_ raw: String) throws -> (address: String, domain: String) {
        let parts = raw.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw StoreError.invalid("invalid address \"\(raw)\": expected local-part@domain")
        }
        let local = parts[0].lowercased()
        let allowedPunctuation = Set("!#$%&'*+=?^_`{|}~-.".utf8)
        let localValid = !local.isEmpty && local.utf8.count <= 64 && !local.hasPrefix(".")
            && !local.hasSuffix(".") && !local.contains("..")
            && local.utf8.allSatisfy { isLetterOrDigit($0) || allowedPunctuation.contains($0) }
        guard localValid else {
            throw StoreError.invalid(
                "invalid address \"\(raw)\": the part before @ may hold letters, digits and "
                    + ". ! # $ % & ' * + = ? ^ _ ` { | } ~ -")
        }
        let domain = try normalizeDomain(String(parts[1]))
        return ("\(local)@\(domain)", domain)
    }

    private static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39)
    }
}
