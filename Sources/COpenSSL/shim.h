#ifndef LIENTHONG_COPENSSL_SHIM_H
#define LIENTHONG_COPENSSL_SHIM_H

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

#endif
