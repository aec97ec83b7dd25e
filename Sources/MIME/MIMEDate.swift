import Foundation

/// Reads the date-time of RFC 5322 section 3.3, obsolete forms of section 4.3 included.
///
/// Accepted beyond the strict grammar: a missing or misspelt weekday, two- and three-digit
/// years, missing seconds, "." as the time separator, named and military zones, a missing zone
/// (taken as UTC), comments and stray commas anywhere, month and day in either order, and the
/// asctime layout `Mon Jan  2 15:04:05 2006`.
public enum MIMEDate {
    /// The instant `text` names, or nil when no day, month, year and time can be found in it or
    /// they are out of range.
    public static func parse(_ text: String) -> Date? {
        // Real dates are short; reading only the start bounds the work on a junk header.
        let words = self.words(String(text.prefix(maxLength)))
        var day: Int?
        var month: Int?
        var year: Int?
        var time: (hour: Int, minute: Int, second: Int)?
        var offset: Int?
        for word in words {
            if time == nil, word.contains(":") || (day != nil && year != nil && word.contains(".")) {
                time = clock(word)
                if time != nil {
                    continue
                }
            }
            if let sign = word.first, sign == "+" || sign == "-" {
                if offset == nil, word.count == 5, let value = Int(word.dropFirst()), value >= 0 {
                    let minutes = value / 100 * 60 + value % 100
                    offset = (sign == "-" ? -minutes : minutes) * 60
                }
                continue
            }
            if word.count <= 9, word.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(word) {
                if day == nil, word.count <= 2 {
                    day = number
                } else if year == nil {
                    year = fullYear(number, digits: word.count)
                }
                continue
            }
            let lowered = word.lowercased()
            if month == nil, lowered.count >= 3,
               let index = monthNames.firstIndex(of: lowered.prefix(3)) {
                month = index + 1
                continue
            }
            if offset == nil, time != nil, let zone = namedZones[lowered] {
                offset = zone * 3600
            } else if offset == nil, time != nil, lowered.count == 1, lowered != "j" {
                // Military zones: RFC 5322 section 4.3 says their meaning is unreliable; read as -0000.
                offset = 0
            }
        }
        guard let day, let month, let year, let time else { return nil }
        guard (1...9999).contains(year), (1...daysIn(month: month, year: year)).contains(day),
              time.hour < 24, time.minute < 60, time.second <= 60 else {
            return nil
        }
        let days = daysFromEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + time.hour * 3600 + time.minute * 60 + min(time.second, 59)
        return Date(timeIntervalSince1970: TimeInterval(seconds - (offset ?? 0)))
    }

    /// Characters past this many are not read.
    static let maxLength = 1024

    /// The words of the value with comments removed, split at whitespace and commas.
    private static func words(_ text: String) -> [String] {
        var cleaned = ""
        var depth = 0
        for character in text {
            if character == "(" {
                depth += 1
            } else if character == ")" {
                depth = max(0, depth - 1)
            } else if depth == 0 {
                cleaned.append(character == "," ? " " : character)
            }
        }
        return cleaned.split(whereSeparator: \.isWhitespace).map(String.init)
    }

    /// `hh:mm`, `hh:mm:ss`, or the same with "."; nil when not all numbers.
    private static func clock(_ word: String) -> (Int, Int, Int)? {
        let separator: Character = word.contains(":") ? ":" : "."
        let pieces = word.split(separator: separator, omittingEmptySubsequences: false)
        guard (2...3).contains(pieces.count), pieces.allSatisfy({ !$0.isEmpty && $0.count <= 2 }) else {
            return nil
        }
        let numbers = pieces.compactMap { Int($0) }
        guard numbers.count == pieces.count else { return nil }
        return (numbers[0], numbers[1], numbers.count == 3 ? numbers[2] : 0)
    }

    /// RFC 5322 section 4.3: two-digit years below 50 are 20xx, others 19xx; three digits add 1900.
    private static func fullYear(_ number: Int, digits: Int) -> Int {
        switch digits {
        case ...2: number < 50 ? 2000 + number : 1900 + number
        case 3: 1900 + number
        default: number
        }
    }

    private static let monthNames: [Substring] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]

    /// Zone names of RFC 5322 section 4.3 and a few that mail still carries, in hours from UTC.
    private static let namedZones: [String: Int] = [
        "ut": 0, "utc": 0, "gmt": 0, "z": 0, "wet": 0,
        "bst": 1, "cet": 1, "met": 1, "cest": 2, "eet": 2,
        "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
        "jst": 9, "kst": 9, "hkt": 8,
    ]

    private static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to the given proleptic Gregorian date (the civil-from-days inverse).
    private static func daysFromEpoch(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let monthIndex = (month + 9) % 12
        let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
