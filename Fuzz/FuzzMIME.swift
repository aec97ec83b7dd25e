import MIME

/// libFuzzer entry for the MIME parser: parses the input as a stored message and runs
/// everything an IMAP FETCH or SEARCH can ask of it, so no derived view may trap or hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMIME(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let message = MIMEMessage(bytes)
    _ = message.envelope
    _ = message.bodyStructure(extensible: true)
    _ = message.bodyStructure(extensible: false)
    _ = message.searchableText(includeHeaders: true)
    _ = message.decodedHeader("Subject")
    _ = message.root.sentDate
    visit(message.root, path: [], in: message, budget: 64)
    return 0
}

/// Fetches every section of every part up to `budget` parts deep into the tree, the way a
/// client walking BODYSTRUCTURE would, and decodes each leaf body.
private func visit(_ part: MIMEPart, path: [Int], in message: MIMEMessage, budget: Int) {
    guard budget > 0, path.count < 8 else { return }
    let texts: [MIMESection.Text?] = [nil, .header, .text, .mime, .headerFields(["FROM", "SUBJECT"]),
                                      .headerFieldsNot(["DATE"])]
    for text in texts {
        _ = message.bytes(of: MIMESection(path, text))
    }
    _ = part.contentDisposition
    _ = part.contentLanguage
    _ = part.lineCount
    _ = MIMETransferDecoding.decode(part.bodyBytes, encoding: part.contentTransferEncoding)
    for (index, child) in part.children.prefix(8).enumerated() {
        visit(child, path: path + [index + 1], in: message, budget: budget / 2)
    }
}
