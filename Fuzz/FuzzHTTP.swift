import DAVServer
import ServerCore

/// libFuzzer entry for the HTTP/1.1 request reader: the input is a byte stream from a client,
/// fed to the framer in reads of one size (the whole input when its length is a multiple of 3,
/// else 1 to 61 bytes, picked from the length) the way a socket delivers it, and every complete
/// frame is parsed as a request.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, size > 0 else { return 0 }
    let stream = Array(UnsafeBufferPointer(start: data, count: size))
    let stride = size % 3 == 0 ? size : size % 61 + 1
    var framer = HTTPFramer(maxHeadSize: 4096, maxBodySize: 16_384)
    var buffer = InboundBuffer()
    var offset = 0
    var steps = 0
    repeat {
        let end = min(offset + stride, stream.count)
        buffer.append(Array(stream[offset..<end]))
        offset = end
        var progressed = true
        while progressed {
            steps += 1
            // A framer that keeps producing steps without consuming input is a hang.
            precondition(steps < 1_000_000, "HTTPFramer made no progress")
            switch framer.nextStep(from: &buffer) {
            case .needMoreBytes:
                progressed = false
            case .reply:
                break
            case .frame(.complete(let bytes), _):
                if let request = try? HTTPRequest.parse(bytes) {
                    _ = request.keepAlive
                    _ = request.header("content-type")
                }
            case .frame:
                break
            }
        }
    } while offset < stream.count
    return 0
}
