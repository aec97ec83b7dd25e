/// Random secrets and identifiers handed out for devices.
///
/// An app password is 20 characters from a 31-letter alphabet without look-alikes (99 bits),
/// shown in groups of four: `k7mq-2xhd-9wpa-c4tn-e3rf`. Its first four characters are stored
/// in clear as a selector, so a login verifies one slow hash instead of one per device; the
/// other 79 bits stay secret.
public enum AppPassword {
    static let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789".utf8)
    static let length = 20
    static let selectorLength = 4

    /// A new random app password, grouped with dashes.
    public static func generate() -> String {
        let raw = randomString(length: length)
        var grouped = ""
        for (index, character) in raw.enumerated() {
            if index > 0 && index % 4 == 0 { grouped.append("-") }
            grouped.append(character)
        }
        return grouped
    }

    /// The password as typed, with dashes, spaces and case differences removed.
    public static func normalize(_ typed: String) -> String {
        String(typed.lowercased().filter { $0 != "-" && $0 != " " })
    }

    /// The clear selector of a normalized password, or nil when it cannot be an app password.
    public static func selector(of normalized: String) -> String? {
        guard normalized.count == length, normalized.utf8.allSatisfy(alphabet.contains) else { return nil }
        return String(normalized.prefix(selectorLength))
    }

    /// A random device identifier: `d` and nine letters or digits.
    public static func deviceID() -> String {
        "d" + randomString(length: 9)
    }

    private static func randomString(length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(length)
        for _ in 0..<length {
            bytes.append(alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
