#ifndef LIENTHONG_COPENSSL_SHIM_H
#define LIENTHONG_COPENSSL_SHIM_H

#include <string.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/x509_vfy.h>
#include <openssl/core_names.h>

/* Function-like macros Swift cannot call. */
static inline void lt_OPENSSL_free(void *p) { OPENSSL_free(p); }
static inline long lt_BIO_get_mem_data(BIO *b, char **pp) { return BIO_get_mem_data(b, pp); }

static inline STACK_OF(X509) *lt_sk_X509_new_null(void) { return sk_X509_new_null(); }
static inline int lt_sk_X509_push(STACK_OF(X509) *s, X509 *x) { return sk_X509_push(s, x); }
static inline int lt_sk_X509_num(const STACK_OF(X509) *s) { return sk_X509_num(s); }
static inline X509 *lt_sk_X509_value(const STACK_OF(X509) *s, int i) { return sk_X509_value(s, i); }
static inline void lt_sk_X509_free(STACK_OF(X509) *s) { sk_X509_free(s); }
static inline void lt_sk_X509_pop_free(STACK_OF(X509) *s) { sk_X509_pop_free(s, X509_free); }

static inline int lt_sk_GENERAL_NAME_num(const STACK_OF(GENERAL_NAME) *s) { return sk_GENERAL_NAME_num(s); }
static inline GENERAL_NAME *lt_sk_GENERAL_NAME_value(const STACK_OF(GENERAL_NAME) *s, int i) { return sk_GENERAL_NAME_value(s, i); }
static inline void lt_GENERAL_NAMES_free(STACK_OF(GENERAL_NAME) *s) { GENERAL_NAMES_free(s); }

static inline long lt_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int v) { return SSL_CTX_set_min_proto_version(ctx, v); }

/* PEM passphrases without the terminal prompt OpenSSL falls back to when no callback is given. */
typedef struct lt_passphrase {
    const char *bytes;
    int length;
    int asked;
} lt_passphrase;

static inline int lt_passphrase_cb(char *buf, int size, int rwflag, void *u) {
    (void)rwflag;
    lt_passphrase *p = (lt_passphrase *)u;
    if (p == NULL) return -1;
    p->asked = 1;
    if (p->bytes == NULL || p->length <= 0 || p->length > size) return -1;
    memcpy(buf, p->bytes, (size_t)p->length);
    return p->length;
}

static inline EVP_PKEY *lt_PEM_read_bio_PrivateKey(BIO *bio, lt_passphrase *p) {
    return PEM_read_bio_PrivateKey(bio, NULL, lt_passphrase_cb, p);
}

static inline int lt_PEM_write_bio_PKCS8PrivateKey(BIO *bio, EVP_PKEY *key, const char *pass, int passlen) {
    if (pass == NULL) return PEM_write_bio_PKCS8PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL);
    return PEM_write_bio_PKCS8PrivateKey(bio, key, EVP_aes_256_cbc(), (char *)pass, passlen, NULL, NULL);
}

static inline X509 *lt_PEM_read_bio_X509(BIO *bio) { return PEM_read_bio_X509(bio, NULL, NULL, (void *)""); }
static inline X509_CRL *lt_PEM_read_bio_X509_CRL(BIO *bio) { return PEM_read_bio_X509_CRL(bio, NULL, NULL, (void *)""); }
static inline EVP_PKEY *lt_PEM_read_bio_PUBKEY(BIO *bio) { return PEM_read_bio_PUBKEY(bio, NULL, NULL, (void *)""); }

/* One-line RFC 2253 names with UTF-8 left readable. */
static inline unsigned long lt_name_print_flags(void) { return XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB; }

/* The URI of a subjectAltName entry, or NULL when the entry is not a URI. */
static inline const ASN1_STRING *lt_GENERAL_NAME_uri(const GENERAL_NAME *n) {
    return n->type == GEN_URI ? n->d.uniformResourceIdentifier : NULL;
}

static inline GENERAL_NAMES *lt_X509_subject_alt_names(X509 *x) {
    return (GENERAL_NAMES *)X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
}

static inline int lt_sk_X509_REVOKED_num(const STACK_OF(X509_REVOKED) *s) { return sk_X509_REVOKED_num(s); }
static inline X509_REVOKED *lt_sk_X509_REVOKED_value(const STACK_OF(X509_REVOKED) *s, int i) { return sk_X509_REVOKED_value(s, i); }

/* Chain verification with a tolerance for missing or stale CRLs (the "warn" revocation policy).
   The context's app data points at an lt_verify_state that records what was tolerated. */
typedef struct lt_verify_state {
    int tolerate_crl_problems;
    int tolerated_crl_missing;
    int tolerated_crl_expired;
} lt_verify_state;

static inline int lt_verify_cb(int ok, X509_STORE_CTX *ctx) {
    if (ok) return ok;
    lt_verify_state *st = (lt_verify_state *)X509_STORE_CTX_get_ex_data(ctx, 0);
    if (st == NULL || !st->tolerate_crl_problems) return ok;
    switch (X509_STORE_CTX_get_error(ctx)) {
    case X509_V_ERR_UNABLE_TO_GET_CRL:
        st->tolerated_crl_missing = 1;
        return 1;
    case X509_V_ERR_CRL_HAS_EXPIRED:
    case X509_V_ERR_CRL_NOT_YET_VALID:
        st->tolerated_crl_expired = 1;
        return 1;
    default:
        return ok;
    }
}

static inline void lt_X509_STORE_CTX_use_state(X509_STORE_CTX *ctx, lt_verify_state *st) {
    X509_STORE_CTX_set_ex_data(ctx, 0, st);
    X509_STORE_CTX_set_verify_cb(ctx, lt_verify_cb);
}

static inline STACK_OF(X509) *lt_X509_chain_copy(X509_STORE_CTX *ctx) { return X509_STORE_CTX_get1_chain(ctx); }

#endif
