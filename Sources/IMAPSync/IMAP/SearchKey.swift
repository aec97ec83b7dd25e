import Foundation

/// A SEARCH criterion (RFC 9051 6.4.4, with MODSEQ from RFC 7162 and OLDER/YOUNGER from 5032).
indirect enum SearchKey {
    case all
    case flag(String, set: Bool)
    case new
    case old
    case recent
    case header(String, String)
    case body(String)
    case text(String)
    /// Internal date compared by day (UTC): `before`, `on`, `since` a day number.
    case internalDay(Comparison, Int64)
    /// The Date header compared by day.
    case sentDay(Comparison, Int64)
    case larger(Int)
    case smaller(Int)
    case uid(SequenceSet)
    case sequence(SequenceSet)
    case modseq(UInt64)
    case older(Int64)
    case younger(Int64)
    case not(SearchKey)
    case or(SearchKey, SearchKey)
    case and([SearchKey])

    enum Comparison {
        case before, on, since
    }

    /// Whether evaluating needs the message bytes.
    var needsContent: Bool {
        switch self {
        case .header, .body, .text, .sentDay: return true
        case .not(let key): return key.needsContent
        case .or(let a, let b): return a.needsContent || b.needsContent
        case .and(let keys): return keys.contains { $0.needsContent }
        default: return false
        }
    }

    var usesModseq: Bool {
        switch self {
        case .modseq: return true
        case .not(let key): return key.usesModseq
        case .or(let a, let b): return a.usesModseq || b.usesModseq
        case .and(let keys): return keys.contains { $0.usesModseq }
        default: return false
        }
    }
}

/// A parsed SEARCH command.
struct SearchRequest {
    var returnOptions: [String]?
    var key: SearchKey
}

extension CommandReader {
    /// `[RETURN (…)] [CHARSET x] key…`
    mutating func searchRequest() throws -> SearchRequest {
        var returnOptions: [String]?
        var copy = self
        if (try? copy.atom().uppercased()) == "RETURN" {
            _ = try atom()
            try space()
            try expect(UInt8(ascii: "("))
            var options: [String] = []
            while peek() != UInt8(ascii: ")") {
                if !options.isEmpty { try space() }
                options.append(try atom().uppercased())
            }
            try expect(UInt8(ascii: ")"))
            try space()
            returnOptions = options
        }
        copy = self
        if (try? copy.atom().uppercased()) == "CHARSET" {
            _ = try atom()
            try space()
            let charset = try astring().uppercased()
            guard charset == "UTF-8" || charset == "US-ASCII" else {
                throw IMAPRefusal.no("BADCHARSET (UTF-8 US-ASCII)", "Unsupported charset \(charset)")
            }
            try space()
        }
        var keys: [SearchKey] = []
        repeat { keys.append(try searchKey(depth: 0)) } while skipSpace()
        try end()
        return SearchRequest(returnOptions: returnOptions, key: keys.count == 1 ? keys[0] : .and(keys))
    }

    private mutating func searchKey(depth: Int) throws -> SearchKey {
        guard depth < 32 else { throw fail("Search criteria nested too deep") }
        if peek() == UInt8(ascii: "(") {
            try expect(UInt8(ascii: "("))
            var keys: [SearchKey] = []
            repeat { keys.append(try searchKey(depth: depth + 1)) } while skipSpace()
            try expect(UInt8(ascii: ")"))
            return .and(keys)
        }
        if let byte = peek(), (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "*") {
            return .sequence(try sequenceSet())
        }
        let word = try atom().uppercased()
        func argument() throws -> String {
            try space()
            return try astring()
        }
        func day() throws -> Int64 {
            try space()
            let text = String(decoding: try astringBytes(), as: UTF8.self)
            guard let value = SearchDates.dayNumber(text) else { throw fail("Invalid date \(text)") }
            return value
        }
        func count() throws -> Int64 {
            try space()
            return Int64(clamping: try number())
        }
        switch word {
        case "ALL": return .all
        case "ANSWERED": return .flag("\\Answered", set: true)
        case "DELETED": return .flag("\\Deleted", set: true)
        case "DRAFT": return .flag("\\Draft", set: true)
        case "FLAGGED": return .flag("\\Flagged", set: true)
        case "SEEN": return .flag("\\Seen", set: true)
        case "UNANSWERED": return .flag("\\Answered", set: false)
        case "UNDELETED": return .flag("\\Deleted", set: false)
        case "UNDRAFT": return .flag("\\Draft", set: false)
        case "UNFLAGGED": return .flag("\\Flagged", set: false)
        case "UNSEEN": return .flag("\\Seen", set: false)
        case "KEYWORD": return .flag(try argument(), set: true)
        case "UNKEYWORD": return .flag(try argument(), set: false)
        case "NEW": return .new
        case "OLD": return .old
        case "RECENT": return .recent
        case "BCC", "CC", "FROM", "SUBJECT", "TO": return .header(word, try argument())
        case "HEADER":
            let name = try argument()
            return .header(name.uppercased(), try argument())
        case "BODY": return .body(try argument())
        case "TEXT": return .text(try argument())
        case "BEFORE": return .internalDay(.before, try day())
        case "ON": return .internalDay(.on, try day())
        case "SINCE": return .internalDay(.since, try day())
        case "SENTBEFORE": return .sentDay(.before, try day())
        case "SENTON": return .sentDay(.on, try day())
        case "SENTSINCE": return .sentDay(.since, try day())
        case "LARGER": return .larger(Int(try count()))
        case "SMALLER": return .smaller(Int(try count()))
        case "OLDER": return .older(try count())
        case "YOUNGER": return .younger(try count())
        case "UID":
            try space()
            return .uid(try sequenceSet())
        case "MODSEQ":
            try space()
            if peek() == UInt8(ascii: "\"") {
                // An entry name and type (RFC 7162 3.1.5) narrow the modseq to one flag; the
                // message's modseq covers them all.
                _ = try string()
                try space()
                _ = try atom()
                try space()
            }
            return .modseq(try number())
        case "NOT":
            try space()
            return .not(try searchKey(depth: depth + 1))
        case "OR":
            try space()
            let first = try searchKey(depth: depth + 1)
            try space()
            return .or(first, try searchKey(depth: depth + 1))
        default:
            throw fail("Unknown search key \(word)")
        }
    }
}

/// Day arithmetic for SEARCH dates: days since 1970 in UTC.
enum SearchDates {
    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// `1-Feb-1994` as a day number.
    static func dayNumber(_ text: String) -> Int64? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, let day = Int(parts[0]), (1...31).contains(day),
              let month = months.firstIndex(of: parts[1].lowercased()), let year = Int(parts[2]),
              (1...9999).contains(year)
        else { return nil }
        var components = DateComponents()
        components.year = year
        components.month = month + 1
        components.day = day
        components.timeZone = TimeZone(identifier: "UTC")
        guard let date = Calendar(identifier: .gregorian).date(from: components) else { return nil }
        return Int64((date.timeIntervalSince1970 / 86_400).rounded(.down))
    }

    static func day(ofSeconds seconds: Int64) -> Int64 {
        Int64((Double(seconds) / 86_400).rounded(.down))
    }
}
