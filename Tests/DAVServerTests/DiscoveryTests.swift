import Foundation
import ServerCore
import Testing
@testable import DAVServer

@Suite("Discovery, principals and authentication")
struct DiscoveryTests {
    @Test("well-known URLs redirect to the DAV root, which names the current user's principal")
    func wellKnown() throws {
        let harness = try DAVHarness()
        let anonymous = try DAVClient(port: harness.port, user: nil, password: nil)
        for path in ["/.well-known/caldav", "/.well-known/carddav"] {
            let redirect = try anonymous.request("PROPFIND", path)
            #expect(redirect.status == 301)
            #expect(redirect.headers["location"] == "/dav/")
        }
        let client = try harness.client()
        let root = try client.propfind("/dav/", ["d:current-user-principal"])
        #expect(root.status == 207)
        #expect(root.entry("/dav/")?.href(in: "current-user-principal") == "/dav/principals/alice@example.org/")
    }

    @Test("the principal names the homes and the user's address")
    func principal() throws {
        let harness = try DAVHarness()
        let client = try harness.client()
        let response = try client.propfind("/dav/principals/alice@example.org/", [
            "c:calendar-home-set", "card:addressbook-home-set", "c:calendar-user-address-set", "d:resourcetype",
            "d:displayname", "d:principal-URL", "x:unknown xmlns:x=\"urn:example\"",
        ])
        let entry = try #require(response.entry("/principals/alice@example.org/"))
        #expect(entry.href(in: "calendar-home-set") == "/dav/calendars/alice@example.org/")
        #expect(entry.href(in: "addressbook-home-set") == "/dav/addressbooks/alice@example.org/")
        let addresses = entry.found["calendar-user-address-set"]?.children.map(\.text) ?? []
        #expect(addresses.contains("mailto:alice@example.org"))
        #expect(entry.found["resourcetype"]?.child(XMLName("DAV:", "principal")) != nil)
        #expect(entry.text("displayname") == "alice@example.org")
        #expect(entry.failed["unknown"] == 404)
    }

    @Test("a new user's homes hold a calendar, a task list and an address book")
    func defaultCollections() throws {
        let harness = try DAVHarness()
        let client = try harness.client()
        let calendars = try client.propfind("/dav/calendars/alice@example.org/", depth: "1", [
            "d:resourcetype", "d:displayname", "c:supported-calendar-component-set", "cs:getctag", "d:sync-token",
        ])
        #expect(calendars.status == 207)
        let calendar = try #require(calendars.entry("/calendars/alice@example.org/default/"))
        #expect(calendar.found["resourcetype"]?.child(XMLName(XMLNamespace.caldav, "calendar")) != nil)
        #expect(calendar.text("displayname") == "Calendar")
        #expect(calendar.found["supported-calendar-component-set"]?.children.map { $0.attribute("name") } == ["VEVENT"])
        #expect(calendar.text("getctag")?.isEmpty == false)
        #expect(calendar.text("sync-token")?.hasPrefix("urn:x-tideline:sync:") == true)
        let tasks = try #require(calendars.entry("/calendars/alice@example.org/tasks/"))
        #expect(tasks.found["supported-calendar-component-set"]?.children.map { $0.attribute("name") } == ["VTODO"])
        let books = try client.propfind("/dav/addressbooks/alice@example.org/", depth: "1", ["d:resourcetype"])
        let book = try #require(books.entry("/addressbooks/alice@example.org/default/"))
        #expect(book.found["resourcetype"]?.child(XMLName(XMLNamespace.carddav, "addressbook")) != nil)
    }

    @Test("requests without or with wrong credentials get 401 with a realm and no hint")
    func unauthorized() throws {
        let harness = try DAVHarness()
        let anonymous = try DAVClient(port: harness.port, user: nil, password: nil)
        let missing = try anonymous.propfind("/dav/", ["d:current-user-principal"])
        #expect(missing.status == 401)
        #expect(missing.headers["www-authenticate"]?.contains("realm=\"Tideline\"") == true)
        let wrong = try harness.client(password: "nope").propfind("/dav/", ["d:current-user-principal"])
        let unknown = try harness.client(user: "nobody@example.org", password: "nope")
            .propfind("/dav/", ["d:current-user-principal"])
        #expect(wrong.status == 401)
        #expect(unknown.status == 401)
        #expect(wrong.text == unknown.text)
    }

    @Test("a device app password logs in as that device")
    func appPassword() throws {
        let harness = try DAVHarness()
        let password = try harness.device("phone", windowDays: 7)
        let response = try harness.client(password: password).propfind("/dav/", ["d:current-user-principal"])
        #expect(response.status == 207)
        let device = try harness.store.devices(of: "alice@example.org").first
        #expect(device?.lastSeen != nil)
    }

    @Test("another user's principal, homes and objects are 404, and paths cannot climb out")
    func otherUsers() throws {
        let harness = try DAVHarness()
        let bob = try harness.client(user: "bob@example.org", password: "bob-password")
        #expect(try bob.request("PUT", "/dav/files/bob@example.org/secret.txt", body: "bob's").status == 201)
        let alice = try harness.client()
        for path in ["/dav/principals/bob@example.org/", "/dav/calendars/bob@example.org/",
                     "/dav/files/bob@example.org/secret.txt"] {
            #expect(try alice.propfind(path, ["d:resourcetype"]).status == 404, "\(path)")
        }
        #expect(try alice.request("GET", "/dav/files/bob@example.org/secret.txt").status == 404)
        #expect(try alice.request("PUT", "/dav/files/bob@example.org/x.txt", body: "x").status == 404)
        #expect(try alice.request("DELETE", "/dav/files/bob@example.org/secret.txt").status == 404)
        for path in ["/dav/files/alice@example.org/../bob@example.org/secret.txt",
                     "/dav/files/alice@example.org/%2e%2e/bob@example.org/secret.txt",
                     "/dav/files/alice@example.org/a%2fb"] {
            #expect(try alice.request("GET", path).status == 400, "\(path)")
        }
        #expect(try bob.request("GET", "/dav/files/bob@example.org/secret.txt").text == "bob's")
    }

    @Test("Depth infinity PROPFIND is refused with the finite-depth precondition")
    func infiniteDepth() throws {
        let client = try DAVHarness().client()
        let response = try client.propfind("/dav/calendars/alice@example.org/", depth: "infinity", ["d:resourcetype"])
        #expect(response.status == 403)
        #expect(response.xml.child(XMLName("DAV:", "propfind-finite-depth")) != nil)
    }

    @Test("bad XML, a DOCTYPE and entity tricks are refused with 400, and the connection goes on")
    func hostileXML() throws {
        let client = try DAVHarness().client()
        let truncated = try client.request("PROPFIND", "/dav/", headers: ["Depth": "0"],
                                           body: "<?xml version=\"1.0\"?><d:propfind xmlns:d=\"DAV:\"><d:prop>")
        #expect(truncated.status == 400)
        let doctype = """
            <?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\
            <d:propfind xmlns:d="DAV:"><d:prop><d:displayname>&x;</d:displayname></d:prop></d:propfind>
            """
        let refused = try client.request("PROPFIND", "/dav/", headers: ["Depth": "0"], body: doctype)
        #expect(refused.status == 400)
        #expect(!refused.text.contains("root:"))
        #expect(try client.propfind("/dav/", ["d:current-user-principal"]).status == 207)
    }

    @Test("OPTIONS names the DAV classes CalDAV and CardDAV clients look for")
    func options() throws {
        let client = try DAVHarness().client()
        let response = try client.request("OPTIONS", "/dav/calendars/alice@example.org/default/")
        #expect(response.status == 200)
        let classes = response.headers["dav"] ?? ""
        for name in ["1", "3", "calendar-access", "addressbook", "extended-mkcol"] {
            #expect(classes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.contains(name))
        }
        #expect(response.headers["allow"]?.contains("REPORT") == true)
    }
}

@Suite("DAV login throttling")
struct DAVThrottleTests {
    @Test("after too many failures, logins get 429 with Retry-After, even with the right password")
    func refusal() throws {
        let throttle = LoginThrottle(window: 600, base: 0, maximum: 0, addressLimit: 2, ipLimit: 100)
        let harness = try DAVHarness(throttle: throttle)
        for _ in 0..<2 {
            #expect(try harness.client(password: "wrong-one").propfind("/dav/", ["d:resourcetype"]).status == 401)
        }
        let refused = try harness.client().propfind("/dav/", ["d:resourcetype"])
        #expect(refused.status == 429)
        #expect(Int(refused.headers["retry-after"] ?? "") ?? 0 > 500)
        #expect(try harness.client(user: "bob@example.org", password: "bob-password")
            .propfind("/dav/", ["d:resourcetype"]).status == 207)
    }

    @Test("slowed failed logins hold no worker thread: other clients are answered while they wait")
    func failuresHoldNoThread() throws {
        // Every failure waits 5 s, far longer than the 40 password checks take.
        let throttle = LoginThrottle(window: 600, base: 5, maximum: 5, addressLimit: 100, ipLimit: 100)
        let harness = try DAVHarness(throttle: throttle)
        let bob = try harness.client(user: "bob@example.org", password: "bob-password")
        #expect(try bob.propfind("/dav/", ["d:resourcetype"]).status == 207)
        let failing = try (0..<40).map { _ in try harness.client(password: "wrong-one") }
        let request = "PROPFIND /dav/ HTTP/1.1\r\nHost: localhost\r\nAuthorization: \(failing[0].authorization!)\r\n"
            + "Depth: 0\r\nContent-Length: 0\r\n\r\n"
        for client in failing {
            try client.socket.send(request)
        }
        #expect(try bob.propfind("/dav/", ["d:resourcetype"]).status == 207)
        #expect(!failing.contains { $0.socket.hasInput }, "a failed login was answered before its delay")
        #expect(try failing[0].socket.readLine().hasPrefix("HTTP/1.1 401"))
        #expect(try failing[39].socket.readLine().hasPrefix("HTTP/1.1 401"))
    }
}
