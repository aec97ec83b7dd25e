import Foundation
import ServerCore

/// Answers one HTTP request; implemented by the DAV application.
public protocol HTTPResponder: Sendable {
    func respond(to request: HTTPRequest, from connection: Connection) -> HTTPResponse
}

/// One HTTP/1.1 connection: parses each framed request, asks the responder, writes the answer,
/// and keeps the connection open unless either side asked to close.
final class HTTPSession: Session {
    private let responder: any HTTPResponder

    init(responder: any HTTPResponder) {
        self.responder = responder
    }

    func start(on connection: Connection) {}

    func receive(_ frame: Frame, on connection: Connection) {
        switch frame {
        case .complete(let bytes):
            let request: HTTPRequest
            do {
                request = try HTTPRequest.parse(bytes)
            } catch {
                refuse(400, "Malformed request: \(error.reason).", on: connection)
                return
            }
            let started = monotonicNow()
            let response = responder.respond(to: request, from: connection)
            let keepAlive = request.keepAlive
            connection.send(response.serialized(keepAlive: keepAlive, headRequest: request.method == "HEAD"))
            Log.debug("http.request", ["conn": connection.id, "method": request.method, "path": request.path,
                                       "status": response.status,
                                       "ms": String(format: "%.1f", (monotonicNow() - started) * 1000)])
            if !keepAlive { connection.close() }
        case .oversized(.head(let limit), _):
            refuse(431, "Request head over \(limit) bytes; send fewer or shorter header fields.", on: connection)
        case .oversized(.body(let size, let limit), _):
            refuse(413, "Request body of \(size) bytes is over the limit of \(limit) bytes.", on: connection)
        case .oversized(_, _):
            refuse(400, "Request over a size limit.", on: connection)
        case .malformed(let reason):
            refuse(400, "Malformed request: \(reason).", on: connection)
        }
    }

    /// Answers a request that cannot be served and closes: after a framing error the rest of the
    /// stream cannot be trusted.
    private func refuse(_ status: Int, _ text: String, on connection: Connection) {
        Log.info("http.refused", ["conn": connection.id, "peer": connection.peerHost, "status": status,
                                  "reason": text])
        connection.send(HTTPResponse.text(status, text).serialized(keepAlive: false, headRequest: false))
        connection.close()
    }

    private func monotonicNow() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}

/// The HTTP listener's service: HTTP framing with the configured limits.
public struct HTTPService: Service {
    public let name = "http"
    public let initialIdleTimeout: Double
    public let maxHeadSize: Int
    public let maxBodySize: Int
    let responder: any HTTPResponder

    public init(responder: any HTTPResponder, idleTimeout: Double = 120, maxHeadSize: Int = 32 * 1024,
                maxBodySize: Int = 32 << 20) {
        self.responder = responder
        initialIdleTimeout = idleTimeout
        self.maxHeadSize = maxHeadSize
        self.maxBodySize = maxBodySize
    }

    public var refusal: [UInt8] {
        HTTPResponse.text(503, "The server is at its connection limit; retry shortly.")
            .serialized(keepAlive: false, headRequest: false)
    }

    public func makeFramer() -> any Framer {
        HTTPFramer(maxHeadSize: maxHeadSize, maxBodySize: maxBodySize)
    }

    public func makeSession(for connection: Connection) -> any Session {
        HTTPSession(responder: responder)
    }
}
