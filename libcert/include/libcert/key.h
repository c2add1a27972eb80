/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Keys: matching a private key to a certificate, describing keys, and exporting a private key in
 * the form IAM accepts.
 */
#ifndef LIBCERT_KEY_H
#define LIBCERT_KEY_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** How a private key is written. */
typedef enum cert_key_format {
    CERT_KEY_PKCS8 = 0,   /**< `BEGIN PRIVATE KEY`, unencrypted PKCS#8: what IAM takes */
    CERT_KEY_TRADITIONAL, /**< `BEGIN RSA PRIVATE KEY` / `BEGIN EC PRIVATE KEY` */
} cert_key_format;

/**
 * Whether `key` is the private half of `cert`'s public key.
 * @param cert borrowed
 * @param key  borrowed
 */
CERT_EXTERN bool cert_key_matches(const X509 *cert, const EVP_PKEY *key);

/**
 * Describe a key: "RSA 2048", "ECDSA P-256", "ECDSA P-256 (explicit parameters)", "Ed25519",
 * "RSA-PSS 2048", "DSA 2048".
 * @param key borrowed
 * @param buf written, always NUL-terminated when size > 0
 * @return buf
 */
CERT_EXTERN char *cert_key_describe(const EVP_PKEY *key, char *buf, size_t size);

/**
 * Write a private key as unencrypted PEM.
 * @param key borrowed
 * @param fmt CERT_KEY_PKCS8, or CERT_KEY_TRADITIONAL (RSA and EC keys only)
 * @param out new NUL-terminated buffer owned by the caller, holding key material: free it with
 *            cert_secret_free(*out, *len_out); NULL on failure
 * @param len_out length without the NUL
 * @return CERT_OK; CERT_E_INVALID (no traditional form for this key type); CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_key_write_pem(const EVP_PKEY *key, cert_key_format fmt, char **out,
                                        size_t *len_out);

/**
 * Wipe and free a buffer that held a secret. NULL is a no-op.
 * @param len bytes to wipe
 */
CERT_EXTERN void cert_secret_free(void *ptr, size_t len);

#ifdef __cplusplus
}
#endif

#endif
