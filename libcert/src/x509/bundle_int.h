/* SPDX-License-Identifier: Apache-2.0 */
/* Bundle internals shared by the loaders (PEM, DER, PKCS#12, PKCS#7). */
#ifndef LIBCERT_X509_BUNDLE_INT_H
#define LIBCERT_X509_BUNDLE_INT_H

#include <openssl/x509.h>

#include "libcert/bundle.h"

typedef struct bundle_cert {
    X509 *x509;
    uint8_t sha256[32];
    cert_source src;
} bundle_cert;

typedef struct bundle_key {
    EVP_PKEY *pkey;
    cert_source src;
} bundle_key;

typedef struct bundle_skip {
    char *label;
    cert_source src;
} bundle_skip;

struct cert_bundle {
    bundle_cert *certs;
    size_t ncerts, certs_cap;
    bundle_key *keys;
    size_t nkeys, keys_cap;
    bundle_skip *skips;
    size_t nskips, skips_cap;
    char **names; /* every file name a source points at, and the inputs as given */
    size_t nnames, names_cap;
    char **inputs;
    size_t ninputs, inputs_cap;
    size_t items;      /* counted against opts->max_items */
    uint64_t kdf_work; /* key derivation charged so far, against opts->max_kdf_work */
};

/* State while loading one file. */
typedef struct load_ctx {
    cert_bundle *b;
    const cert_bundle_opts *opts;
    const char *name; /* owned by b->names */
    size_t ncert;     /* certificates seen in this file so far */
    size_t nkey;
    size_t block; /* PEM block being handled */
    size_t line;  /* its BEGIN line */
    bool in_dir;  /* loaded as part of a directory */
} load_ctx;

/* Record a certificate from DER bytes (the cache is consulted first). */
cert_err cert_bundle__add_cert_der(load_ctx *ctx, const uint8_t *der, size_t len, cert_source src,
                                   bool aux);
/* Record a parsed certificate; takes ownership of x509 (also on failure). */
cert_err cert_bundle__add_cert(load_ctx *ctx, X509 *x509, cert_source src);
/* Record a key; takes ownership of pkey (also on failure). */
cert_err cert_bundle__add_key(load_ctx *ctx, EVP_PKEY *pkey, cert_source src);
cert_err cert_bundle__add_skip(load_ctx *ctx, const char *label, size_t len, cert_source src);
/* Count one more item against max_items. */
cert_err cert_bundle__count_item(load_ctx *ctx);
/* Charge `work` units of key derivation (bundle.h, max_kdf_work) to the bundle before they run;
 * CERT_E_INPUT naming `what` past the budget. */
cert_err cert_bundle__kdf_charge(load_ctx *ctx, uint64_t work, const char *what);
/* Make a source for the item being loaded now. */
cert_source cert_bundle__source(load_ctx *ctx, cert_item_kind kind, cert_format fmt);
/* "bundle.pem: block 3 (line 41)" or "bundle.der" for messages. */
const char *cert_bundle__where(const load_ctx *ctx, char *buf, size_t size);

/* Loaders. */
cert_err cert_bundle__load_pem(load_ctx *ctx, const uint8_t *data, size_t len);
cert_err cert_bundle__load_der(load_ctx *ctx, const uint8_t *data, size_t len);
cert_err cert_bundle__load_pkcs7(load_ctx *ctx, const uint8_t *der, size_t len, cert_format fmt);
cert_err cert_bundle__load_pkcs12(load_ctx *ctx, const uint8_t *der, size_t len);
cert_err cert_bundle__load_p8_encrypted(load_ctx *ctx, const uint8_t *der, size_t len,
                                        cert_format fmt);

/* Passphrase for the file being loaded (prompting if so configured). *pass_out is borrowed
 * from the passin object. CERT_E_INPUT when there is none. */
cert_err cert_passin__get(cert_passin *p, const char *for_name, const char **pass_out,
                          size_t *len_out);
/* Forget a cached prompted passphrase that turned out wrong. */
void cert_passin__reject(cert_passin *p);

/* Password-based encryption: refuse absurd KDF parameters, charge the derivation to the
 * bundle's budget, and make sure the cipher is available, loading the legacy provider when it
 * is needed. `what` names the item. */
cert_err cert_pbe__check(const X509_ALGOR *alg, load_ctx *ctx, const char *what);
/* Same for a legacy PEM DEK-Info cipher name ("DES-CBC"). */
cert_err cert_pbe__check_cipher_name(const char *name, const char *what);

/* An unencrypted private key from DER (PKCS#8 or the type-specific form), or NULL. Uses one
 * decoder context per thread: building one costs OpenSSL 3.0 about 450 us, using it 60 us. */
EVP_PKEY *cert_key__decode_der(OSSL_LIB_CTX *libctx, const uint8_t *der, size_t len);

/* Certificate cache. */
X509 *cert_cache__get(cert_cache *c, const uint8_t sha256[32]);
void cert_cache__put(cert_cache *c, const uint8_t sha256[32], X509 *x509);

/* SHA-256, with the digest fetched once; false only when OpenSSL fails (memory). */
bool cert__sha256(const uint8_t *data, size_t len, uint8_t out[32]);

/* That SHA-256 (never NULL; OpenSSL's own until the fetch succeeds), for X509_digest(). */
const EVP_MD *cert__sha256_md(void);

#endif
