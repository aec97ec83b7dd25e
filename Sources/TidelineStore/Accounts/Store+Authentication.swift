import Foundation

/// Who a successful login is: a user, and the registered device when an app password was used.
public struct Principal: Sendable, Equatable {
    public let user: User
    /// The device whose app password was given; nil for a login with the user's own password
    /// (an unregistered device, which gets the user's effective policy).
    public let device: Device?
}

/// Why a login failed. Unknown users and wrong passwords are one case, so that no reply tells
/// an attacker which addresses exist.
public enum LoginFailure: Error, Equatable {
    case invalidCredentials
    /// The password was right but the account is disabled.
    case disabled
}

extension Store {
    /// Checks a login against the user's password and then the user's device app passwords.
    ///
    /// An unknown or malformed address still costs one hash, so timing does not tell whether the
    /// account exists. Returns a failure rather than throwing for wrong credentials; throws only
    /// when the store itself fails.
    public func authenticate(address rawAddress: String, password: String) throws -> Result<Principal, LoginFailure> {
        let address = try? Address.normalize(rawAddress).address
        let found: (User, String?)? = try read { db in
            guard let address,
                  let row = try db.queryFirst(Self.selectUsers("WHERE u.address = ?"), [address]),
                  let hash = try db.queryFirst("SELECT password_hash FROM users WHERE address = ?", [address])
            else { return nil }
            return (Self.user(from: row), hash.optionalString(0))
        }
        guard let (user, passwordHash) = found else {
            _ = PasswordHash.verify(password, against: PasswordHash.decoy)
            return .failure(.invalidCredentials)
        }
        if let passwordHash, PasswordHash.verify(password, against: passwordHash) {
            return user.disabled ? .failure(.disabled) : .success(Principal(user: user, device: nil))
        }
        let typed = AppPassword.normalize(password)
        guard let selector = AppPassword.selector(of: typed) else { return .failure(.invalidCredentials) }
        let candidates = try read { db in
            try db.query(
                "SELECT \(Self.deviceColumns), v.secret_hash FROM \(Self.deviceTables) "
                    + "WHERE v.user_id = ? AND v.secret_selector = ?",
                [user.id, selector]
            ).map { (Self.device(from: $0), $0.string(6)) }
        }
        for (device, secretHash) in candidates where PasswordHash.verify(typed, against: secretHash) {
            return user.disabled ? .failure(.disabled) : .success(Principal(user: user, device: device))
        }
        return .failure(.invalidCredentials)
    }
}
