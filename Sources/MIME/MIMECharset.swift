import Foundation

/// Turning bytes in a named charset into a `String`, never failing.
///
/// Mail names charsets loosely and often lies about them, so every conversion ends in a fallback:
/// valid UTF-8 is taken as UTF-8 (RFC 6532 headers, mislabelled bodies), anything else as
/// windows-1252 and finally ISO-8859-1, which maps every byte. Foundation on Linux reaches the
/// CoreFoundation converters through raw `String.Encoding` values, which is how the East Asian
/// and Cyrillic charsets below are found.
public enum MIMECharset {
    /// Decodes `bytes` written in `charset` (an IANA name as found in mail, any case).
    ///
    /// An unknown or missing charset, or bytes the named converter refuses, fall back to UTF-8 when
    /// the bytes are valid UTF-8, else windows-1252, else ISO-8859-1.
    public static func decode(_ bytes: some Collection<UInt8>, charset: String?) -> String {
        if bytes.isEmpty {
            return ""
        }
        guard let charset, let encoding = encoding(named: charset),
              encoding != .utf8, encoding != .ascii else {
            return bestEffort(bytes)
        }
        if let text = String(bytes: Array(bytes), encoding: encoding) {
            return text
        }
        return bestEffort(bytes)
    }

    /// Decodes bytes of unknown charset: UTF-8 when valid, else windows-1252, else ISO-8859-1.
    public static func bestEffort(_ bytes: some Collection<UInt8>) -> String {
        if let text = String(validating: bytes, as: UTF8.self) {
            return text
        }
        if let text = String(bytes: Array(bytes), encoding: .windowsCP1252) {
            return text
        }
        return latin1(bytes)
    }

    /// Maps each byte to the code point of the same number; never fails.
    static func latin1(_ bytes: some Collection<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: bytes.map { Unicode.Scalar($0) })
        return String(scalars)
    }

    /// The Foundation encoding for an IANA charset name or one of its common aliases, or nil.
    public static func encoding(named name: String) -> String.Encoding? {
        // Limitation: Foundation on Linux has no converter for EUC-JP, ISO-8859-6 (Arabic) or
        // ISO-8859-8 (Hebrew); text in them takes the fallback path and comes out garbled.
        var key = name.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: " \t\"'"))
        if let star = key.firstIndex(of: "*") {
            // RFC 2231 section 5 allows a language after the charset: "utf-8*en".
            key = String(key[..<star])
        }
        if let known = namedEncodings[key] {
            return known
        }
        if let number = isoPartNumber(key), let code = isoCodes[number] {
            return coreFoundation(code)
        }
        if let number = windowsPageNumber(key), let code = windowsCodes[number] {
            return coreFoundation(code)
        }
        return nil
    }

    /// The `String.Encoding` that wraps a CoreFoundation encoding constant.
    private static func coreFoundation(_ code: UInt) -> String.Encoding {
        String.Encoding(rawValue: 0x8000_0000 | code)
    }

    /// N from "iso-8859-N" and the other spellings of it that mail uses.
    private static func isoPartNumber(_ key: String) -> Int? {
        let prefixes = ["iso-8859-", "iso8859-", "iso_8859-", "iso8859_", "iso-8859_"]
        for prefix in prefixes where key.hasPrefix(prefix) {
            let rest = key.dropFirst(prefix.count).prefix { $0.isNumber }
            return Int(rest)
        }
        return nil
    }

    /// N from "windows-125N", "cp125N", "x-cp125N".
    private static func windowsPageNumber(_ key: String) -> Int? {
        for prefix in ["windows-", "cp", "x-cp", "win-"] where key.hasPrefix(prefix) {
            return Int(key.dropFirst(prefix.count))
        }
        return nil
    }

    /// CoreFoundation constants for the ISO-8859 parts this Foundation converts.
    private static let isoCodes: [Int: UInt] = [
        1: 0x0201, 2: 0x0202, 3: 0x0203, 4: 0x0204, 5: 0x0205, 7: 0x0207, 9: 0x0209,
        10: 0x020A, 11: 0x020B, 13: 0x020D, 14: 0x020E, 15: 0x020F, 16: 0x0210,
    ]

    /// CoreFoundation constants for the Windows code pages 1250-1258 and the DOS ones mail uses.
    private static let windowsCodes: [Int: UInt] = [
        1250: 0x0501, 1251: 0x0502, 1252: 0x0500, 1253: 0x0503, 1254: 0x0504,
        1255: 0x0505, 1256: 0x0506, 1257: 0x0507, 1258: 0x0508,
        874: 0x041D, 932: 0x0420, 936: 0x0632, 949: 0x0422, 950: 0x0A03,
    ]

    private static let gb18030 = coreFoundation(0x0632)
    private static let big5 = coreFoundation(0x0A03)
    private static let eucKR = coreFoundation(0x0940)
    private static let windowsKorean = coreFoundation(0x0422)

    /// Names that are not ISO-8859 parts or Windows pages.
    ///
    /// GB2312 and GBK mail is decoded as GB18030, a superset that also accepts the mislabelled
    /// GBK text that is common in practice.
    private static let namedEncodings: [String: String.Encoding] = [
        "utf-8": .utf8, "utf8": .utf8, "unicode-1-1-utf-8": .utf8,
        "us-ascii": .ascii, "ascii": .ascii, "ansi_x3.4-1968": .ascii, "iso646-us": .ascii,
        "latin1": .isoLatin1, "l1": .isoLatin1, "latin2": .isoLatin2,
        "utf-16": .utf16, "utf-16le": .utf16LittleEndian, "utf-16be": .utf16BigEndian,
        "koi8-r": coreFoundation(0x0A02), "koi8-u": coreFoundation(0x0A08),
        "gb2312": gb18030, "gbk": gb18030, "gb18030": gb18030, "euc-cn": gb18030,
        "x-gbk": gb18030, "csgb2312": gb18030,
        "big5": big5, "big5-hkscs": big5, "x-big5": big5,
        "shift_jis": .shiftJIS, "shift-jis": .shiftJIS, "sjis": .shiftJIS, "x-sjis": .shiftJIS,
        "windows-31j": .shiftJIS, "ms_kanji": .shiftJIS,
        "euc-jp": .japaneseEUC, "x-euc-jp": .japaneseEUC,
        "iso-2022-jp": .iso2022JP, "csiso2022jp": .iso2022JP,
        "euc-kr": eucKR, "ks_c_5601-1987": windowsKorean, "korean": windowsKorean,
        "tis-620": coreFoundation(0x020B),
    ]
}
