import VCard

/// libFuzzer entry for the vCard reader: splits the input as an import file, parses each
/// card (and the whole input as one card), and serializes and filters what was accepted.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVCard(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    var cards = VCardDocument.split(String(decoding: bytes, as: UTF8.self)).compactMap {
        try? VCardDocument(parsing: $0)
    }
    if let whole = try? VCardDocument(parsing: bytes, requiringFormattedName: false) { cards.append(whole) }
    let filter = VCardFilter(test: .allOf, propertyFilters: [
        VCardPropertyFilter(name: "EMAIL", textMatches: [VCardTextMatch("example")]),
        VCardPropertyFilter(name: "TEL", parameterFilters: [VCardParameterFilter(name: "TYPE")]),
    ])
    for card in cards {
        _ = card.serialized()
        _ = card.serialized(onlyProperties: ["FN", "EMAIL"], withoutValues: ["PHOTO"])
        _ = card.uid
        _ = card.formattedName
        _ = card.matches(filter)
        // What was written must read back.
        _ = try? VCardDocument(parsing: card.serialized(), requiringFormattedName: false)
    }
    return 0
}
