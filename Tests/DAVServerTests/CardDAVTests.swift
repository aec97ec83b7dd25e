import Foundation
import Testing
@testable import DAVServer

@Suite("CardDAV: contacts, validation and queries")
struct CardDAVTests {
    static let book = "/dav/addressbooks/alice@example.org/default/"

    static func filled() throws -> (DAVHarness, DAVClient) {
        let harness = try DAVHarness()
        let client = try harness.client()
        for (uid, name, email) in [("ann", "Ann Example", "ann@example.net"), ("bob", "Bob Sample", "bob@work.test"),
                                   ("cem", "Cem Öztürk", "cem@example.net")] {
            let response = try client.put(book + "\(uid).vcf", Samples.card(uid, name: name, email: email),
                                          type: "text/vcard")
            #expect(response.status == 201)
        }
        return (harness, client)
    }

    @Test("an invalid vCard is refused with valid-address-data saying what is wrong")
    func invalid() throws {
        let (_, client) = try Self.filled()
        let response = try client.put(Self.book + "bad.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nN:x;;;;\r\nEND:VCARD\r\n",
                                      type: "text/vcard")
        #expect(response.status == 403)
        #expect(response.xml.child(XMLName(XMLNamespace.carddav, "valid-address-data"))?.text.contains("FN") == true,
                "\(response)")
        let conflict = try client.put(Self.book + "ann2.vcf", Samples.card("ann", name: "Ann Two", email: "a@b.c"),
                                      type: "text/vcard")
        #expect(conflict.status == 409)
        #expect(conflict.xml.child(XMLName(XMLNamespace.carddav, "no-uid-conflict")) != nil)
    }

    @Test("addressbook-query matches text in a property, case-insensitively, with anyof and allof")
    func query() throws {
        let (_, client) = try Self.filled()
        let query = { (test: String, filters: String) in
            """
            <?xml version="1.0"?><card:addressbook-query xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav">\
            <d:prop><d:getetag/></d:prop><card:filter test="\(test)">\(filters)</card:filter></card:addressbook-query>
            """
        }
        let names = { (body: String) throws -> [String] in
            try client.report(Self.book, body).responses.map { String($0.href.split(separator: "/").last!) }.sorted()
        }
        let email = "<card:prop-filter name=\"EMAIL\"><card:text-match>EXAMPLE.NET</card:text-match></card:prop-filter>"
        let fn = "<card:prop-filter name=\"FN\"><card:text-match match-type=\"starts-with\">ann</card:text-match>"
            + "</card:prop-filter>"
        #expect(try names(query("anyof", email)) == ["ann.vcf", "cem.vcf"])
        #expect(try names(query("allof", email + fn)) == ["ann.vcf"])
        #expect(try names(query("anyof", "<card:prop-filter name=\"FN\"><card:text-match>öztürk</card:text-match>"
                                  + "</card:prop-filter>")) == ["cem.vcf"])
        let unknownCollation = "<card:prop-filter name=\"FN\"><card:text-match collation=\"i;klingon\">x"
            + "</card:text-match></card:prop-filter>"
        #expect(try client.report(Self.book, query("anyof", unknownCollation)).status == 403)
    }

    @Test("addressbook-multiget returns only the asked vCard properties")
    func multiget() throws {
        let (_, client) = try Self.filled()
        let body = """
            <?xml version="1.0"?><card:addressbook-multiget xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav">\
            <d:prop><d:getetag/><card:address-data><card:prop name="EMAIL"/></card:address-data></d:prop>\
            <d:href>\(Self.book)ann.vcf</d:href><d:href>\(Self.book)none.vcf</d:href></card:addressbook-multiget>
            """
        let response = try client.report(Self.book, body)
        let data = try #require(response.entry("ann.vcf")?.text("address-data"))
        #expect(data.contains("EMAIL;TYPE=INTERNET:ann@example.net"))
        #expect(data.contains("VERSION:3.0"))
        #expect(!data.contains("TEL"))
        #expect(response.entry("none.vcf")?.status == 404)
    }

    @Test("address books are not windowed: an old card stays visible to a 5-day device")
    func notWindowed() throws {
        let (harness, _) = try Self.filled()
        harness.clock.advance(by: 60 * Samples.day)
        let phone = try harness.client(password: try harness.device("phone", windowDays: 5))
        #expect(try phone.memberNames(Self.book) == ["ann.vcf", "bob.vcf", "cem.vcf"])
        let sync = try phone.sync(Self.book)
        #expect(sync.present.count == 3)
        try phone.request("DELETE", Self.book + "bob.vcf")
        #expect(try phone.sync(Self.book, token: sync.token).removed == ["bob.vcf"])
    }
}
