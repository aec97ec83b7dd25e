/// Who a logged-in connection speaks for: the store's user id, and the device whose app
/// password it used (nil for the user's own password).
///
/// The front ends set it on the connection at login, so that an admin's change (a disabled
/// user, a removed device) can find and end that user's or device's sessions on every protocol.
public struct SessionOwner: Sendable, Hashable {
    public let userID: Int64
    public let deviceID: String?

    public init(userID: Int64, deviceID: String?) {
        self.userID = userID
        self.deviceID = deviceID
    }
}
