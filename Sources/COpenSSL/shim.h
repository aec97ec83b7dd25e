// OpenSSL 3 (Debian's libssl-dev): TLS for IMAPS, STARTTLS and HTTPS, and the demo's
// self-signed certificate. Macros Swift cannot call are wrapped as inline functions.
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/evp.h>
#include <openssl/ec.h>

static inline long tl_ssl_ctx_set_min_proto(SSL_CTX *ctx, int version) {
    return SSL_CTX_set_min_proto_version(ctx, version);
}

static inline long tl_ssl_ctx_set_max_proto(SSL_CTX *ctx, int version) {
    return SSL_CTX_set_max_proto_version(ctx, version);
}

static inline long tl_bio_pending(BIO *bio) {
    return (long)BIO_ctrl_pending(bio);
}

static inline void tl_ssl_ctx_set_session_cache_off(SSL_CTX *ctx) {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
}

static inline long tl_ssl_ctx_set_tmp_ecdh_auto(SSL_CTX *ctx) {
    return SSL_CTX_set_ecdh_auto(ctx, 1);
}

static inline int tl_evp_pkey_ctx_set_ec_curve(EVP_PKEY_CTX *ctx, int nid) {
    return EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx, nid);
}

static inline const char *tl_ssl_protocol_name(const SSL *ssl) {
    return SSL_get_version(ssl);
}

// No compression (CRIME), no renegotiation, the server's cipher order.
static inline void tl_ssl_ctx_harden(SSL_CTX *ctx) {
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
}
