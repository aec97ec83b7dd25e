import COpenSSL
import Foundation

/// The server's TLS configuration: a certificate chain and key from PEM files, TLS 1.2 and 1.3
/// only, forward-secret AEAD ciphers.
///
/// `reload()` reads the files again (on SIGHUP) and swaps in a new OpenSSL context: new
/// connections use the new certificate, open ones keep theirs, so nothing is dropped.
public final class TLSContext: @unchecked Sendable {
    public let certificatePath: String
    public let keyPath: String
    private let lock = NSLock()
    private var context: OpaquePointer

    /// TLS 1.2 suites: ECDHE with AES-GCM or ChaCha20-Poly1305 (TLS 1.3 suites are OpenSSL's
    /// defaults, all AEAD).
    static let tls12Ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
        + "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
        + "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"

    public init(certificatePath: String, keyPath: String) throws {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        context = try Self.makeContext(certificatePath: certificatePath, keyPath: keyPath)
    }

    deinit {
        SSL_CTX_free(context)
    }

    /// Reads the certificate and key again; on failure the old ones stay in use.
    public func reload() throws {
        let fresh = try Self.makeContext(certificatePath: certificatePath, keyPath: keyPath)
        let old = lock.withLock { () -> OpaquePointer in
            let old = context
            context = fresh
            return old
        }
        // Open connections hold their own references to the old context.
        SSL_CTX_free(old)
    }

    /// A server-side TLS state for one new connection.
    func makeSession() throws -> TLSSession {
        let ssl: OpaquePointer? = lock.withLock { SSL_new(context) }
        guard let ssl else { throw TLSError("SSL_new failed") }
        return TLSSession(ssl: ssl)
    }

    private static func makeContext(certificatePath: String, keyPath: String) throws -> OpaquePointer {
        guard let context = SSL_CTX_new(TLS_server_method()) else { throw TLSError("SSL_CTX_new failed") }
        var ok = tl_ssl_ctx_set_min_proto(context, TLS1_2_VERSION) == 1
        ok = ok && SSL_CTX_set_cipher_list(context, tls12Ciphers) == 1
        tl_ssl_ctx_harden(context)
        guard ok else {
            SSL_CTX_free(context)
            throw TLSError("the TLS settings were refused")
        }
        guard SSL_CTX_use_certificate_chain_file(context, certificatePath) == 1 else {
            SSL_CTX_free(context)
            throw TLSError("cannot use the certificate chain in \(certificatePath); give a PEM file with the "
                           + "server certificate first")
        }
        guard SSL_CTX_use_PrivateKey_file(context, keyPath, SSL_FILETYPE_PEM) == 1 else {
            SSL_CTX_free(context)
            throw TLSError("cannot use the private key in \(keyPath); give an unencrypted PEM key")
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            SSL_CTX_free(context)
            throw TLSError("the key in \(keyPath) does not belong to the certificate in \(certificatePath)")
        }
        return context
    }
}
