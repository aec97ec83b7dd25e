/// Where a policy value is set. Later levels are more specific and win over earlier ones.
///
/// The order is server default, then domain, then user, then device: a device's own setting
/// beats its owner's, which beats the domain's, which beats the server default.
public enum PolicyLevel: String, Sendable, CaseIterable, Comparable, Codable {
    case server
    case domain
    case user
    case device

    public static func < (lhs: PolicyLevel, rhs: PolicyLevel) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
