/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bundle input: every certificate and private key found in one or more inputs, each with where
 * it came from.
 *
 * Accepted: PEM (any order, any text around the blocks, LF or CRLF, a UTF-8 BOM, `Bag Attributes`
 * and `subject=` lines as `openssl pkcs12 -nodes` prints them), DER certificates and keys,
 * PKCS#12 (.p12/.pfx, legacy RC2/3DES included), PKCS#7 (.p7b/.p7c, PEM or DER). A directory is
 * every regular file in it (not recursing, sorted by name); "-" is standard input.
 */
#ifndef LIBCERT_BUNDLE_H
#define LIBCERT_BUNDLE_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A set of certificates and keys with their provenance. Opaque. */
typedef struct cert_bundle cert_bundle;

/** Where passphrases come from (see cert_passin_new()). Opaque. */
typedef struct cert_passin cert_passin;

/**
 * A cache of parsed CA certificates shared by many bundles (an intermediate that appears in a
 * thousand bundles is parsed once), keyed by the SHA-256 of the DER. Thread-safe. Opaque.
 */
typedef struct cert_cache cert_cache;

/** How an item was encoded in its file. */
typedef enum cert_format {
    CERT_FMT_PEM = 0,
    CERT_FMT_DER,
    CERT_FMT_PKCS12,
    CERT_FMT_PKCS7,
} cert_format;

/** What an item is. */
typedef enum cert_item_kind {
    CERT_ITEM_CERT = 0,
    CERT_ITEM_KEY,
} cert_item_kind;

/**
 * Provenance of one certificate or key. Strings are owned by the bundle and live as long as it.
 */
typedef struct cert_source {
    const char *file; /**< the input's name as given; "<stdin>" for "-" */
    cert_item_kind kind;
    size_t index;       /**< 1-based ordinal of this kind within the file ("certificate 3") */
    size_t block;       /**< 1-based PEM block number; 0 for binary input */
    size_t line;        /**< 1-based line of the PEM BEGIN line; 0 for binary input */
    size_t member;      /**< 1-based position inside a PKCS#12 or PKCS#7 container, else 0 */
    cert_format format; /**< how the item (or its container) was encoded */
    bool encrypted;     /**< the key was stored encrypted */
} cert_source;

/** Limits and passphrases for loading. Initialise with CERT_BUNDLE_OPTS_INIT. */
typedef struct cert_bundle_opts {
    unsigned int version;
    cert_passin *passin;  /**< borrowed; NULL: an encrypted input is an error */
    cert_cache *cache;    /**< borrowed; NULL: no sharing across bundles */
    size_t max_file_size; /**< bytes per input file; larger is refused */
    size_t max_items;     /**< PEM blocks plus container members per bundle */
    uint64_t
        max_kdf_iterations; /**< PBKDF2 / PKCS#12 KDF / MAC iterations above this are refused */
    OSSL_LIB_CTX *libctx;   /**< borrowed; parse certificates and plain keys in this OpenSSL
                                 library context (NULL: the default). It must outlive the
                                 bundle. A library context per thread is what lets OpenSSL
                                 3.0 parse on several cores: the default one's locks
                                 serialise its decoders. */
    /** (version 2) The key-derivation work one bundle may cost in all, over every file and
     * item in it (--max-kdf-work), counted before each derivation runs: one unit is one
     * iteration of PBKDF2, of the PKCS#12 KDF or of the PKCS#12 MAC's KDF (each attempt to
     * verify the MAC counts), N*r*p for scrypt, 1 for a traditional PEM key (DEK-Info). Past it
     * the input is refused (CERT_E_INPUT), so that many keys at max_kdf_iterations each cannot
     * hold a tool for minutes; each bundle of cert_report_each() has its own. */
    uint64_t max_kdf_work;
} cert_bundle_opts;

#define CERT_BUNDLE_OPTS_VERSION 2
/** The default of max_kdf_work: ten keys at the per-key maximum, about 3 s of PBKDF2-SHA256;
 * a PKCS#12 file as OpenSSL writes it costs 3 x 2,048. */
#define CERT_BUNDLE_KDF_WORK_DEFAULT 10000000u
/** 4 MiB a file (IAM takes a chain of at most 2,097,152 characters), 1,000 items, 1,000,000
 * iterations a key (about 0.3 s of PBKDF2-SHA256; OpenSSL writes 2,048), 10,000,000 a
 * bundle. */
#define CERT_BUNDLE_OPTS_INIT                                                                      \
    {                                                                                              \
        CERT_BUNDLE_OPTS_VERSION, NULL, NULL, 4u << 20, 1000, 1000000, NULL,                       \
            CERT_BUNDLE_KDF_WORK_DEFAULT                                                           \
    }

/**
 * Make an empty bundle.
 * @param out new bundle owned by the caller (cert_bundle_free()); NULL on failure
 * @return CERT_OK or CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_bundle_new(cert_bundle **out);

/** Free a bundle and every certificate and key it holds (keys are wiped). NULL is a no-op. */
CERT_EXTERN void cert_bundle_free(cert_bundle *bundle);

/**
 * Add everything found in a file, a directory (its regular files, sorted, not recursing) or
 * standard input ("-").
 *
 * A named file with no certificate and no key is an error; inside a directory such a file (a
 * README) is skipped. May load OpenSSL's legacy provider into the default library context when
 * an input is encrypted with a legacy cipher (RC2, DES): call it before starting other threads
 * that use OpenSSL when inputs may be encrypted (cert_bundle_needs_main_thread() tells).
 *
 * @param bundle the bundle to add to; on failure it may hold items from earlier files
 * @param path   borrowed; copied for provenance
 * @param opts   borrowed; NULL means CERT_BUNDLE_OPTS_INIT
 * @return CERT_OK; CERT_E_IO (unreadable); CERT_E_INPUT (malformed, over a limit, wrong or
 *         missing passphrase: cert_error_last() names the file, block and line);
 *         CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_bundle_load_file(cert_bundle *bundle, const char *path,
                                           const cert_bundle_opts *opts);

/**
 * Add everything found in a buffer.
 * @param bundle the bundle to add to
 * @param data   borrowed; not modified, not kept
 * @param len    length of data
 * @param name   borrowed; copied; the name messages use for this input
 * @param opts   borrowed; NULL means CERT_BUNDLE_OPTS_INIT
 * @return as cert_bundle_load_file() (never CERT_E_IO)
 */
CERT_EXTERN cert_err cert_bundle_load_mem(cert_bundle *bundle, const uint8_t *data, size_t len,
                                          const char *name, const cert_bundle_opts *opts);

/**
 * Whether loading these bytes may need a passphrase or a legacy cipher (PKCS#12, an encrypted
 * key, a binary file): such inputs should be loaded on the main thread, before worker threads
 * start. Cheap: looks at the bytes only.
 * @param data borrowed
 */
CERT_EXTERN bool cert_bundle_needs_main_thread(const uint8_t *data, size_t len);

/** Number of certificates in the bundle, duplicates included, in input order. */
CERT_EXTERN size_t cert_bundle_cert_count(const cert_bundle *bundle);

/**
 * The i-th certificate, i < cert_bundle_cert_count().
 * @return borrowed; lives as long as the bundle; NULL when i is out of range
 */
CERT_EXTERN X509 *cert_bundle_cert_at(const cert_bundle *bundle, size_t i);

/** SHA-256 of the i-th certificate's DER (32 bytes), borrowed; NULL when out of range. */
CERT_EXTERN const uint8_t *cert_bundle_cert_sha256(const cert_bundle *bundle, size_t i);

/** Provenance of the i-th certificate, borrowed; NULL when out of range. */
CERT_EXTERN const cert_source *cert_bundle_cert_source(const cert_bundle *bundle, size_t i);

/** Number of private keys in the bundle, in input order. */
CERT_EXTERN size_t cert_bundle_key_count(const cert_bundle *bundle);

/**
 * The i-th private key, i < cert_bundle_key_count().
 * @return borrowed; lives as long as the bundle; NULL when out of range
 */
CERT_EXTERN EVP_PKEY *cert_bundle_key_at(const cert_bundle *bundle, size_t i);

/** Provenance of the i-th key, borrowed; NULL when out of range. */
CERT_EXTERN const cert_source *cert_bundle_key_source(const cert_bundle *bundle, size_t i);

/** Number of PEM blocks that were skipped (a CSR, a CRL, `EC PARAMETERS`, a public key). */
CERT_EXTERN size_t cert_bundle_skipped_count(const cert_bundle *bundle);

/**
 * The i-th skipped block.
 * @param label_out the PEM label ("CERTIFICATE REQUEST"), borrowed from the bundle
 * @return its provenance (kind is meaningless), borrowed; NULL when out of range
 */
CERT_EXTERN const cert_source *cert_bundle_skipped_at(const cert_bundle *bundle, size_t i,
                                                      const char **label_out);

/**
 * Number of the input names given to the bundle (files and directories, as given).
 */
CERT_EXTERN size_t cert_bundle_input_count(const cert_bundle *bundle);

/** The i-th input name, borrowed; NULL when out of range. */
CERT_EXTERN const char *cert_bundle_input_at(const cert_bundle *bundle, size_t i);

/**
 * Describe a source for messages: "certificate 3 of bundle.pem (line 42)",
 * "key 1 of bundle.p12 (PKCS#12)".
 * @param src borrowed
 * @param buf written, always NUL-terminated when size > 0
 * @return buf
 */
CERT_EXTERN char *cert_source_describe(const cert_source *src, char *buf, size_t size);

/**
 * Whether two PEM texts hold the same certificates in the same order, compared by DER, not by
 * text: line endings, text around the blocks and other PEM blocks do not count (IAM and the AWS
 * CLI rewrite line endings). Both empty (or NULL) is the same. A CERTIFICATE block that does not
 * parse ends that side's list, as OpenSSL's PEM reader stops there.
 * @param pem_a borrowed; NUL-terminated PEM text; NULL is ""
 * @param pem_b borrowed; likewise
 * @return true when the certificates match one for one; false otherwise, also when only one
 *         side ends or memory runs out
 */
CERT_EXTERN bool cert_bundle_same_certs(const char *pem_a, const char *pem_b);

/**
 * Make a passphrase source from an OpenSSL-style spec: "pass:TEXT", "env:VAR", "file:PATH"
 * (first line), "fd:N" (first line; read once). With spec NULL the passphrase is asked for on
 * the controlling terminal when first needed, as OpenSSL does, unless `batch` is true or there
 * is no terminal: then an encrypted input is an error that says to use --passin.
 * @param spec  borrowed; copied; NULL for the terminal
 * @param batch never prompt
 * @param out   new source owned by the caller (cert_passin_free()); NULL on failure
 * @return CERT_OK, CERT_E_INVALID (spec not of those forms), CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_passin_new(const char *spec, bool batch, cert_passin **out);

/** Free a passphrase source, wiping the passphrase. NULL is a no-op. */
CERT_EXTERN void cert_passin_free(cert_passin *passin);

/**
 * Make a cache for parsed CA certificates (see cert_cache).
 * @param out new cache owned by the caller (cert_cache_free()); bundles keep their own
 *            references, so cache and bundles may be freed in any order; NULL on failure
 * @return CERT_OK or CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_cache_new(cert_cache **out);

/** Free a cache. NULL is a no-op. */
CERT_EXTERN void cert_cache_free(cert_cache *cache);

#ifdef __cplusplus
}
#endif

#endif
