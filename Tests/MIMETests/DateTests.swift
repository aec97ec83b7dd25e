import Testing
@testable import MIME

@Suite("RFC 5322 dates, obsolete forms included")
struct DateTests {
    @Test("dates convert to the right instant", arguments: [
        ("Tue, 1 Jul 2003 10:52:37 +0200", 1_057_049_557),
        ("Tue,  1 Jul 2003 10:52:37 +0200 (CEST)", 1_057_049_557),
        ("1 Jul 2003 10:52:37 +0200", 1_057_049_557),
        ("2 Mar 24 9:05 EST", 1_709_388_300),
        ("Mon, 15 Jan 2024 12:30 GMT", 1_705_321_800),
        ("Fri, 1 Jan 99 00:00:00 UT", 915_148_800),
        ("Fri, 21 Nov 1997 09:55:06 -0600 (Central (US) time)", 880_127_706),
        ("Thu, 13 Feb 1969 23:32:54 -0330", -27_723_426),
        ("Mon Jan  2 15:04:05 2006", 1_136_214_245),
        ("21 Nov 097 09:55:06 GMT", 880_106_106),
        ("Thu, 29 Feb 2024 23:59:59 +0530", 1_709_231_399),
        ("Sat, 1 January 2000 00:00:60 Z", 946_684_859),
        ("Sat, 01 Jan 2000 00:00:59", 946_684_859),
        ("Sat, 1 Jan 2000 00:00:59 A", 946_684_859),
        ("Wed, 17 Jan 2024 08:00:00 -0500", 1_705_496_400),
    ])
    func parses(text: String, seconds: Int) {
        #expect(MIMEDate.parse(text)?.timeIntervalSince1970 == Double(seconds))
    }

    @Test("text without a day, month, year and time, or out of range, gives nil", arguments: [
        "", "yesterday", "1 Jul 2003", "31 Feb 2024 10:00", "1 Foo 2024 10:00", "1 Jul 2003 25:00",
        "1 Jul 2003 10:61", "1 Jul 99999 10:00", "1 Jul 2003 +0200", "((( 1 Jul 2003 10:00",
    ])
    func rejects(text: String) {
        #expect(MIMEDate.parse(text) == nil)
    }
}
