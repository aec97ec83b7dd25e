import Foundation
import Testing
@testable import DAVServer

@Suite("The WebDAV file area")
struct FileAreaTests {
    static let home = "/dav/files/alice@example.org"

    @Test("folders and files: MKCOL, PUT of any type, GET, HEAD and listing")
    func foldersAndFiles() throws {
        let client = try DAVHarness().client()
        #expect(try client.request("MKCOL", "\(Self.home)/docs/").status == 201)
        #expect(try client.request("MKCOL", "\(Self.home)/docs/").status == 405)
        #expect(try client.request("MKCOL", "\(Self.home)/missing/child/").status == 409)
        let payload: [UInt8] = (0..<3000).map { UInt8($0 % 251) }
        let put = try client.request("PUT", "\(Self.home)/docs/blob.bin",
                                     headers: ["Content-Type": "application/x-test"], bytes: payload)
        #expect(put.status == 201)
        let etag = try #require(put.headers["etag"])
        let get = try client.request("GET", "\(Self.home)/docs/blob.bin")
        #expect(get.body == payload)
        #expect(get.headers["content-type"] == "application/x-test")
        #expect(get.headers["etag"] == etag)
        let head = try client.request("HEAD", "\(Self.home)/docs/blob.bin")
        #expect(head.headers["content-length"] == "3000")
        #expect(try client.request("GET", "\(Self.home)/docs/blob.bin", headers: ["If-None-Match": etag]).status == 304)
        let listing = try client.propfind("\(Self.home)/docs/", depth: "1", ["d:getcontentlength", "d:resourcetype"])
        #expect(listing.entry("/docs/blob.bin")?.text("getcontentlength") == "3000")
        #expect(try client.request("PUT", "\(Self.home)/nowhere/file.txt", body: "x").status == 409)
    }

    @Test("If-Match and If-None-Match guard overwrites")
    func conditionalPut() throws {
        let client = try DAVHarness().client()
        let first = try client.request("PUT", "\(Self.home)/note.txt", headers: ["If-None-Match": "*"], body: "one")
        #expect(first.status == 201)
        #expect(try client.request("PUT", "\(Self.home)/note.txt", headers: ["If-None-Match": "*"], body: "two")
            .status == 412)
        #expect(try client.request("PUT", "\(Self.home)/note.txt", headers: ["If-Match": "\"stale\""], body: "two")
            .status == 412)
        let second = try client.request("PUT", "\(Self.home)/note.txt",
                                        headers: ["If-Match": first.headers["etag"] ?? ""], body: "two")
        #expect(second.status == 204)
        #expect(second.headers["etag"] != first.headers["etag"])
        #expect(try client.request("DELETE", "\(Self.home)/note.txt", headers: ["If-Match": first.headers["etag"] ?? ""])
            .status == 412)
        #expect(try client.request("GET", "\(Self.home)/note.txt").text == "two")
    }

    @Test("dead properties are stored with their namespaces and returned; live ones are protected")
    func deadProperties() throws {
        let client = try DAVHarness().client()
        try client.request("PUT", "\(Self.home)/a.txt", body: "a")
        let patch = """
            <?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:" xmlns:z="urn:example:z">\
            <d:set><d:prop><z:colour>blue &amp; green</z:colour><z:tree><z:leaf>1</z:leaf></z:tree></d:prop></d:set>\
            </d:propertyupdate>
            """
        let response = try client.request("PROPPATCH", "\(Self.home)/a.txt", body: patch)
        #expect(response.status == 207)
        #expect(response.responses.first?.found.keys.sorted() == ["colour", "tree"])
        let read = try client.propfind("\(Self.home)/a.txt", ["z:colour xmlns:z=\"urn:example:z\"",
                                                              "z:tree xmlns:z=\"urn:example:z\""])
        let entry = try #require(read.responses.first)
        #expect(entry.text("colour") == "blue & green")
        #expect(entry.found["tree"]?.child(XMLName("urn:example:z", "leaf"))?.text == "1")
        let protected = """
            <?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:" xmlns:z="urn:example:z">\
            <d:set><d:prop><d:getetag>"x"</d:getetag><z:other>o</z:other></d:prop></d:set></d:propertyupdate>
            """
        let refused = try client.request("PROPPATCH", "\(Self.home)/a.txt", body: protected)
        #expect(refused.responses.first?.failed == ["getetag": 403, "other": 424])
        let remove = """
            <?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:" xmlns:z="urn:example:z">\
            <d:remove><d:prop><z:colour/></d:prop></d:remove></d:propertyupdate>
            """
        #expect(try client.request("PROPPATCH", "\(Self.home)/a.txt", body: remove).status == 207)
        let after = try client.propfind("\(Self.home)/a.txt", ["z:colour xmlns:z=\"urn:example:z\"", "z:other xmlns:z=\"urn:example:z\""])
        #expect(after.responses.first?.failed == ["colour": 404, "other": 404])
    }

    @Test("COPY and MOVE of files and folder trees honour Overwrite and Depth")
    func copyAndMove() throws {
        let client = try DAVHarness().client()
        try client.request("MKCOL", "\(Self.home)/src/")
        try client.request("MKCOL", "\(Self.home)/src/inner/")
        try client.request("PUT", "\(Self.home)/src/inner/deep.txt", body: "deep")
        try client.request("PUT", "\(Self.home)/one.txt", body: "one")
        try client.request("PUT", "\(Self.home)/two.txt", body: "two")
        let destination = { (path: String) in "http://localhost\(Self.home)/\(path)" }

        #expect(try client.request("COPY", "\(Self.home)/one.txt",
                                   headers: ["Destination": destination("two.txt"), "Overwrite": "F"]).status == 412)
        #expect(try client.request("COPY", "\(Self.home)/one.txt", headers: ["Destination": destination("two.txt")])
            .status == 204)
        #expect(try client.request("GET", "\(Self.home)/two.txt").text == "one")
        #expect(try client.request("MOVE", "\(Self.home)/one.txt", headers: ["Destination": destination("src/moved.txt")])
            .status == 201)
        #expect(try client.request("GET", "\(Self.home)/one.txt").status == 404)
        #expect(try client.request("GET", "\(Self.home)/src/moved.txt").text == "one")

        #expect(try client.request("COPY", "\(Self.home)/src/", headers: ["Destination": destination("copy/")])
            .status == 201)
        #expect(try client.request("GET", "\(Self.home)/copy/inner/deep.txt").text == "deep")
        #expect(try client.request("COPY", "\(Self.home)/src/",
                                   headers: ["Destination": destination("shallow/"), "Depth": "0"]).status == 201)
        #expect(try client.propfind("\(Self.home)/shallow/", depth: "1", ["d:resourcetype"]).responses.count == 1)
        #expect(try client.request("MOVE", "\(Self.home)/src/", headers: ["Destination": destination("copy/")])
            .status == 204)
        #expect(try client.request("GET", "\(Self.home)/copy/moved.txt").text == "one")
        #expect(try client.propfind("\(Self.home)/src/", ["d:resourcetype"]).status == 404)
        #expect(try client.request("MOVE", "\(Self.home)/copy/", headers: ["Destination": destination("copy/inner/x/")])
            .status == 403)
        #expect(try client.request("COPY", "\(Self.home)/two.txt", headers: ["Destination": destination("no/such.txt")])
            .status == 409)
    }

    @Test("DELETE of a folder removes everything below it")
    func deleteTree() throws {
        let client = try DAVHarness().client()
        try client.request("MKCOL", "\(Self.home)/tree/")
        try client.request("MKCOL", "\(Self.home)/tree/branch/")
        try client.request("PUT", "\(Self.home)/tree/branch/leaf.txt", body: "leaf")
        #expect(try client.request("DELETE", "\(Self.home)/tree/").status == 204)
        #expect(try client.request("GET", "\(Self.home)/tree/branch/leaf.txt").status == 404)
        #expect(try client.propfind("\(Self.home)/tree/branch/", ["d:resourcetype"]).status == 404)
        #expect(try client.request("DELETE", "\(Self.home)/").status == 403)
    }
}
