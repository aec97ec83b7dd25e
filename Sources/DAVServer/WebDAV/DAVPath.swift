import Foundation
import TidelineStore

/// Where a request URL points, before the store is asked: the URL layout of the DAV front end.
///
/// ```
/// /dav/                                  root (current-user-principal for discovery)
/// /dav/principals/USER/                  a user's principal
/// /dav/calendars/USER/                   calendar home;  .../NAME/ a calendar; .../NAME/X.ics an object
/// /dav/addressbooks/USER/                address book home; .../NAME/ a book; .../NAME/X.vcf a card
/// /dav/files/USER/a/b/c                  the file area: folders and files at any depth
/// ```
///
/// Segments are percent-decoded; `.`, `..`, empty segments inside the path and decoded slashes
/// or NULs are refused, so no URL can name anything outside its owner's home.
enum DAVPath: Equatable {
    case root
    case principals
    case principal(user: String)
    /// A calendar, address book or file-area home; for files it is the area's root folder.
    case home(DAVKind, user: String)
    /// Below a home: one segment for calendars and address books, any number for files.
    case member(DAVKind, user: String, segments: [String])

    static let prefix = "/dav"

    /// Parses a request path; nil when it names nothing this server serves.
    static func parse(_ rawPath: String) throws(DAVError) -> DAVPath? {
        guard rawPath == prefix || rawPath.hasPrefix(prefix + "/") else { return nil }
        var raw = rawPath.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false)
            .map(String.init)
        if raw.first == "" { raw.removeFirst() }
        if raw.last == "" { raw.removeLast() }
        var segments: [String] = []
        for part in raw {
            guard let decoded = part.removingPercentEncoding, !decoded.isEmpty, decoded != ".", decoded != "..",
                  !decoded.contains("/"), !decoded.unicodeScalars.contains(where: { $0.value < 0x20 })
            else {
                throw DAVError(400, "The path segment \"\(part)\" is not allowed; use plain names without "
                               + "control characters, \"/\", \".\" or \"..\".")
            }
            segments.append(decoded)
        }
        guard let area = segments.first else { return .root }
        let user = segments.count > 1 ? segments[1] : nil
        let rest = Array(segments.dropFirst(2))
        switch area {
        case "principals":
            guard let user else { return .principals }
            return rest.isEmpty ? .principal(user: user) : nil
        case "calendars", "addressbooks", "files":
            let kind: DAVKind = area == "calendars" ? .calendar : area == "addressbooks" ? .addressbook : .files
            guard let user else { return nil }
            if rest.isEmpty { return .home(kind, user: user) }
            if kind != .files && rest.count > 2 { return nil }
            return .member(kind, user: user, segments: rest)
        default:
            return nil
        }
    }

    /// The user the path belongs to, if any.
    var user: String? {
        switch self {
        case .root, .principals: return nil
        case .principal(let user), .home(_, let user), .member(_, let user, _): return user
        }
    }
}

/// Builds percent-encoded hrefs for the URL layout above.
enum DAVHref {
    static func principal(_ user: String) -> String {
        "\(DAVPath.prefix)/principals/\(encode(user))/"
    }

    static func home(_ kind: DAVKind, _ user: String) -> String {
        "\(DAVPath.prefix)/\(area(kind))/\(encode(user))/"
    }

    static func collection(_ kind: DAVKind, _ user: String, _ path: String) -> String {
        guard !path.isEmpty else { return home(kind, user) }
        return home(kind, user) + path.split(separator: "/").map { encode(String($0)) }.joined(separator: "/") + "/"
    }

    static func object(_ kind: DAVKind, _ user: String, _ path: String, _ name: String) -> String {
        collection(kind, user, path) + encode(name)
    }

    static func area(_ kind: DAVKind) -> String {
        switch kind {
        case .calendar: return "calendars"
        case .addressbook: return "addressbooks"
        case .files: return "files"
        }
    }

    /// Percent-encodes one segment: everything but unreserved characters and a few sub-delims
    /// that clients leave alone (`@` keeps addresses readable).
    static func encode(_ segment: String) -> String {
        var out = ""
        for byte in segment.utf8 {
            switch byte {
            case 0x30...0x39, 0x41...0x5a, 0x61...0x7a, UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"), UInt8(ascii: "@"), UInt8(ascii: "+"), UInt8(ascii: "="), UInt8(ascii: ","):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// The path part of an href from a request body (absolute URL or path), percent-encoding kept.
    static func path(of href: String) -> String {
        let trimmed = href.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let scheme = trimmed.range(of: "://") else { return trimmed }
        let afterHost = trimmed[scheme.upperBound...]
        return afterHost.firstIndex(of: "/").map { String(afterHost[$0...]) } ?? "/"
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
