import CSystem
import Foundation

/// A listening socket for one service.
final class Listener: @unchecked Sendable {
    let fd: Int32
    let address: ListenAddress
    let service: any Service
    /// Set for implicit-TLS listeners (IMAPS, HTTPS): every connection starts with a handshake.
    let tls: TLSContext?
    /// A flood of refused connections from one IP writes one line a minute, not one each.
    private let refusalLog = RepeatLimiter()

    init(fd: Int32, address: ListenAddress, service: any Service, tls: TLSContext?) {
        self.fd = fd
        self.address = address
        self.service = service
        self.tls = tls
    }

    /// Accepts every pending connection and hands each to a loop; refuses those over the limit.
    func acceptAll(server: Server) {
        while true {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let client = withUnsafeMutablePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { tl_accept4(fd, $0, &length) }
            }
            if client < 0 {
                switch errno {
                case EAGAIN, EWOULDBLOCK, EINTR, ECONNABORTED: return
                case EMFILE, ENFILE:
                    Log.error("accept.failed", ["proto": service.name, "error": Socket.errnoText(),
                                                "hint": "raise the open file limit (ulimit -n)"])
                    return
                default:
                    Log.warning("accept.failed", ["proto": service.name, "error": Socket.errnoText()])
                    return
                }
            }
            let peer = Socket.describe(storage)
            var one: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            if let refusal = server.admit(from: peer.host) {
                logRefusal(refusal, peer: peer.host)
                let refusal = service.refusal
                _ = refusal.withUnsafeBytes { raw in
                    Glibc.send(client, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
                }
                Glibc.close(client)
                continue
            }
            server.dispatch(fd: client, peer: peer, localPort: address.port, service: service, tls: tls)
        }
    }

    func close() {
        Glibc.close(fd)
    }

    private func logRefusal(_ refusal: Server.Refusal, peer: String) {
        guard let unlogged = refusalLog.admit(peer) else { return }
        Log.warning("connection.refused", ["proto": service.name, "peer": peer, "reason": refusal.rawValue,
                                           "unlogged_since_last": unlogged])
    }
}
