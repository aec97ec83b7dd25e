import Testing
@testable import TidelineStore

@Suite("Password hashes through libcrypt")
struct PasswordHashTests {
    @Test("hashes are yescrypt, salted, and verify only the right password")
    func roundTrip() throws {
        let first = try PasswordHash.make("s3cret pass")
        let second = try PasswordHash.make("s3cret pass")
        #expect(first.hasPrefix("$y$"))
        #expect(first != second)
        #expect(PasswordHash.verify("s3cret pass", against: first))
        #expect(PasswordHash.verify("s3cret pass", against: second))
        #expect(!PasswordHash.verify("s3cret pasS", against: first))
        #expect(!PasswordHash.verify("", against: first))
    }

    @Test("malformed or locked hashes never verify", arguments: ["", "*", "!", "!$y$abc", "plain"])
    func locked(stored: String) {
        #expect(!PasswordHash.verify("anything", against: stored))
    }

    @Test("app passwords have the documented shape and selector")
    func appPasswords() {
        let password = AppPassword.generate()
        #expect(password.count == 24)
        #expect(password.split(separator: "-").count == 5)
        let normalized = AppPassword.normalize(password)
        #expect(AppPassword.selector(of: normalized) == String(normalized.prefix(4)))
        #expect(AppPassword.selector(of: "short") == nil)
        #expect(AppPassword.generate() != password)
    }
}
