import COpenSSL
import Foundation

/// Makes a self-signed certificate and key for trying the server out (`tideline serve --demo`):
/// an ECDSA P-256 key, valid a year, for `localhost` and 127.0.0.1. Clients will warn about it;
/// real sites give their own certificate with `--tls-cert` and `--tls-key`.
public enum SelfSignedCertificate {
    public static func make(commonName: String, certificatePath: String, keyPath: String) throws {
        guard let keyContext = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else {
            throw TLSError("cannot make a key context")
        }
        defer { EVP_PKEY_CTX_free(keyContext) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(keyContext) == 1,
              tl_evp_pkey_ctx_set_ec_curve(keyContext, NID_X9_62_prime256v1) == 1,
              EVP_PKEY_generate(keyContext, &key) == 1, let key
        else { throw TLSError("cannot generate an EC key") }
        defer { EVP_PKEY_free(key) }

        guard let certificate = X509_new() else { throw TLSError("cannot make a certificate") }
        defer { X509_free(certificate) }
        X509_set_version(certificate, 2)
        ASN1_INTEGER_set(X509_get_serialNumber(certificate), Int.random(in: 1...Int(Int32.max)))
        X509_gmtime_adj(X509_getm_notBefore(certificate), -3600)
        X509_gmtime_adj(X509_getm_notAfter(certificate), 365 * 86_400)
        X509_set_pubkey(certificate, key)
        let name = X509_get_subject_name(certificate)
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, commonName, -1, -1, 0)
        X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, "Tideline demo", -1, -1, 0)
        X509_set_issuer_name(certificate, name)
        if let names = X509V3_EXT_conf_nid(nil, nil, NID_subject_alt_name, "DNS:\(commonName),DNS:localhost,IP:127.0.0.1") {
            X509_add_ext(certificate, names, -1)
            X509_EXTENSION_free(names)
        }
        guard X509_sign(certificate, key, EVP_sha256()) > 0 else { throw TLSError("cannot sign the certificate") }

        let oldMask = umask(0o077)
        defer { umask(oldMask) }
        guard let keyFile = BIO_new_file(keyPath, "w") else { throw TLSError("cannot write \(keyPath)") }
        let keyWritten = PEM_write_bio_PrivateKey(keyFile, key, nil, nil, 0, nil, nil)
        BIO_free_all(keyFile)
        guard let certificateFile = BIO_new_file(certificatePath, "w") else {
            throw TLSError("cannot write \(certificatePath)")
        }
        let certificateWritten = PEM_write_bio_X509(certificateFile, certificate)
        BIO_free_all(certificateFile)
        guard keyWritten == 1, certificateWritten == 1 else {
            throw TLSError("cannot write the certificate and key")
        }
    }
}
