@testable import DAVServer

/// libFuzzer entry for WebDAV request bodies: parses the input with the libxml2 reader the
/// server uses, then reads the element tree the way PROPFIND, PROPPATCH and the REPORTs do,
/// so neither the parser nor the body readers may trap or hang on any document.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXML(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    guard let root = try? XMLParsing.parse(bytes) else { return 0 }
    _ = try? PropertyRequest.parse(root)
    _ = try? DAVContext.changes(in: root)
    if let filter = root.child(.caldav("filter"))?.child(.caldav("comp-filter")) {
        _ = try? DAVContext.componentFilter(filter)
    }
    _ = try? DAVContext.cardFilter(root.child(.carddav("filter")))
    if let range = root.child(.caldav("time-range")) {
        _ = try? DAVContext.timeRange(range)
    }
    return 0
}
