import Testing
@testable import MIME

@Suite("Decoded text for SEARCH BODY and TEXT")
struct SearchTextTests {
    @Test("text parts are transfer-decoded and converted from their charsets")
    func decodedParts() throws {
        let text = try TestMessages.message("alternative").searchableText(includeHeaders: false)
        let sentence = "La réunion est déplacée à demain."
        #expect(text == "\(sentence)\n<p>\(sentence)</p>\n")
    }

    @Test("headers are decoded and come first only when asked for")
    func headers() throws {
        let message = try TestMessages.message("alternative")
        let withHeaders = message.searchableText(includeHeaders: true)
        #expect(withHeaders.hasPrefix("From: \"Dupont, Jean\" <jean@example.fr>\nTo: undisclosed"))
        #expect(withHeaders.contains("Subject: Réunion déplacée\n"))
        #expect(!message.searchableText(includeHeaders: false).contains("Subject:"))
    }

    @Test("attachments are skipped and an embedded message's header counts as body text")
    func attachmentsAndEmbedded() throws {
        let text = try TestMessages.message("mixed").searchableText(includeHeaders: false)
        #expect(text.hasPrefix("See the attached report.\nFrom: Grace <grace@example.org>\nSubject:"))
        #expect(text.hasSuffix("Hello from the past, café."))
        #expect(!text.contains("JVBER"))
        #expect(!text.contains("%PDF"))
    }

    @Test("the text is cut at the size limit on a character boundary")
    func limit() {
        let body = String(repeating: "é", count: MIMEMessage.searchTextLimit)
        let message = MIMEMessage(Array("Content-Type: text/plain; charset=utf-8\r\n\r\n\(body)".utf8))
        let text = message.searchableText(includeHeaders: true)
        #expect(text.utf8.count <= MIMEMessage.searchTextLimit)
        #expect(text.utf8.count >= MIMEMessage.searchTextLimit - 100)
        #expect(text.hasSuffix("é"))
    }
}
