// swift-tools-version:6.0
import PackageDescription

/// Tideline: one server for IMAP, CalDAV and CardDAV sync, with per-device sync windows.
///
/// Layers, lowest first: C system libraries, the pure policy model, the store, the server core,
/// the protocol front ends, then the `tideline` executable.
let package = Package(
    name: "tideline",
    products: [
        .executable(name: "tideline", targets: ["tideline"]),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CCrypt", pkgConfig: "libcrypt", providers: [.apt(["libcrypt-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CICal", pkgConfig: "libical", providers: [.apt(["libical-dev"])]),
        .target(name: "CSystem"),

        .target(name: "SyncPolicy"),
        .target(name: "MIME"),
        .target(name: "ICalendar", dependencies: ["CICal"]),
        .target(name: "VCard"),
        .target(name: "TidelineStore", dependencies: ["CSQLite", "CCrypt", "SyncPolicy"]),
        .target(name: "ServerCore", dependencies: ["CSystem", "COpenSSL"]),
        .target(name: "IMAPSync", dependencies: ["ServerCore", "TidelineStore", "SyncPolicy", "MIME"]),
        .target(name: "DAVServer", dependencies: ["ServerCore", "TidelineStore", "SyncPolicy", "CLibXML2",
                                                 "ICalendar", "VCard"]),
        .executableTarget(
            name: "tideline",
            dependencies: ["SyncPolicy", "TidelineStore", "ServerCore", "IMAPSync", "DAVServer"]
        ),

        // Helpers shared by the test targets: temporary directories, the built binary, socket clients.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "SyncPolicyTests", dependencies: ["SyncPolicy"]),
        .testTarget(name: "MIMETests", dependencies: ["MIME"]),
        .testTarget(name: "ICalendarTests", dependencies: ["ICalendar"]),
        .testTarget(name: "VCardTests", dependencies: ["VCard"]),
        .testTarget(name: "IMAPSyncTests", dependencies: ["IMAPSync", "TidelineStore", "ServerCore", "SyncPolicy",
                                                         "TestSupport"]),
        .testTarget(name: "DAVServerTests", dependencies: ["DAVServer", "TidelineStore", "ServerCore", "SyncPolicy",
                                                          "TestSupport"]),
        .testTarget(name: "TidelineStoreTests", dependencies: ["TidelineStore", "SyncPolicy", "TestSupport"]),
        .testTarget(name: "ServerCoreTests", dependencies: ["ServerCore", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["tideline", "TestSupport"]),
        .testTarget(name: "IntegrationTests", dependencies: ["tideline", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
