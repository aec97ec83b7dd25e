import CCrypt
import Foundation

/// Salted, slow password hashes made by libcrypt's yescrypt (`$y$`), the Debian default.
///
/// Hashing and verifying go through `crypt_r`, which is thread-safe; comparison of the
/// result runs in constant time. Older stored hashes of any method libcrypt knows still verify.
public enum PasswordHash {
    /// The hash method prefix used for new hashes.
    static let method = "$y$"

    /// Hashes `password` with a fresh random salt at libcrypt's default cost.
    public static func make(_ password: String) throws -> String {
        var setting = [CChar](repeating: 0, count: Int(CRYPT_GENSALT_OUTPUT_SIZE))
        // A nil random source makes libcrypt read the OS's random generator itself.
        guard crypt_gensalt_rn(method, 0, nil, 0, &setting, Int32(setting.count)) != nil else {
            throw StoreError.unusable("libcrypt cannot make a yescrypt salt (errno \(errno))")
        }
        let settingText = String(decoding: setting.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let hash = crypt(password, setting: settingText) else {
            throw StoreError.unusable("libcrypt cannot hash with yescrypt (errno \(errno))")
        }
        return hash
    }

    /// Whether `password` matches `stored`; false for malformed or disabled (`*`, `!`) hashes.
    public static func verify(_ password: String, against stored: String) -> Bool {
        guard stored.hasPrefix("$"), let computed = crypt(password, setting: stored) else {
            return false
        }
        return constantTimeEquals(Array(computed.utf8), Array(stored.utf8))
    }

    /// A valid hash of a random password, verified against when a login names an unknown user
    /// so that the reply takes as long as for a known one.
    public static let decoy: String = {
        var bytes = [UInt8](repeating: 0, count: 18)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        return (try? make(Data(bytes).base64EncodedString())) ?? "*"
    }()

    private static func crypt(_ password: String, setting: String) -> String? {
        let data = UnsafeMutablePointer<crypt_data>.allocate(capacity: 1)
        defer {
            // The buffer held the password: clear it before it goes back to the allocator.
            memset(data, 0, MemoryLayout<crypt_data>.size)
            data.deallocate()
        }
        memset(data, 0, MemoryLayout<crypt_data>.size)
        guard let result = crypt_r(password, setting, data) else { return nil }
        let text = String(cString: result)
        // libcrypt signals failure with a string that starts with '*'.
        return text.hasPrefix("*") ? nil : text
    }

    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
