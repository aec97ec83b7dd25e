import COpenSSL

/// The TLS state of one connection, over memory buffers: the event loop keeps owning the socket
/// and hands this type the bytes it reads; what TLS wants sent comes back as bytes to queue.
///
/// Not thread-safe by itself: `Connection` calls it under its own lock, which also keeps the
/// order of encrypted records in the output queue.
final class TLSSession {
    private let ssl: OpaquePointer
    /// Network bytes from the peer go in here.
    private let input: OpaquePointer
    /// Network bytes for the peer come out of here.
    private let output: OpaquePointer
    /// Plaintext the session sent before the handshake finished (the IMAPS greeting).
    private var waiting: [UInt8] = []
    private(set) var handshakeDone = false

    init(ssl: OpaquePointer) {
        self.ssl = ssl
        input = BIO_new(BIO_s_mem())
        output = BIO_new(BIO_s_mem())
        SSL_set_bio(ssl, input, output)
        SSL_set_accept_state(ssl)
    }

    deinit {
        SSL_free(ssl)
    }

    /// The negotiated protocol, such as `TLSv1.3`.
    var protocolName: String {
        String(cString: tl_ssl_protocol_name(ssl))
    }

    struct Received {
        var plaintext: [UInt8] = []
        /// Bytes TLS wants sent (handshake messages, alerts, records of waiting plaintext).
        var reply: [UInt8] = []
        /// Set when the peer closed TLS or the handshake failed; the connection must close.
        var failure: String?
    }

    /// Feeds bytes read from the socket; returns what they decrypt to.
    func receive(_ bytes: UnsafeRawBufferPointer) -> Received {
        var result = Received()
        if bytes.count > 0 {
            _ = BIO_write(input, bytes.baseAddress, Int32(bytes.count))
        }
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
            if count > 0 {
                result.plaintext += chunk[0..<Int(count)]
                continue
            }
            let error = SSL_get_error(ssl, count)
            switch error {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                break
            case SSL_ERROR_ZERO_RETURN:
                result.failure = "the peer closed TLS"
            default:
                result.failure = handshakeDone ? "TLS error" + TLSError.drainedQueue()
                    : "TLS handshake failed" + TLSError.drainedQueue()
            }
            break
        }
        if !handshakeDone && SSL_is_init_finished(ssl) == 1 {
            handshakeDone = true
            if !waiting.isEmpty {
                let pending = waiting
                waiting = []
                write(pending)
            }
        }
        result.reply = drainOutput()
        return result
    }

    /// Encrypts plaintext for the peer; before the handshake is done it waits.
    func encrypt(_ plaintext: [UInt8]) -> [UInt8] {
        guard handshakeDone else {
            waiting += plaintext
            return []
        }
        write(plaintext)
        return drainOutput()
    }

    private func write(_ plaintext: [UInt8]) {
        var offset = 0
        while offset < plaintext.count {
            let written = plaintext.withUnsafeBytes { raw in
                SSL_write(ssl, raw.baseAddress! + offset, Int32(min(raw.count - offset, 1 << 20)))
            }
            guard written > 0 else { return }
            offset += Int(written)
        }
    }

    private func drainOutput() -> [UInt8] {
        let pending = tl_bio_pending(output)
        guard pending > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: pending)
        let read = bytes.withUnsafeMutableBytes { BIO_read(output, $0.baseAddress, Int32($0.count)) }
        return read > 0 ? Array(bytes[0..<Int(read)]) : []
    }
}
