/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Chain: pick the leaf, order its issuers, verify the path against a trust store.
 *
 * Order is computed from issuer and subject names and the authority/subject key identifiers,
 * and every link is confirmed by checking the signature; the input order is never trusted.
 */
#ifndef LIBCERT_CHAIN_H
#define LIBCERT_CHAIN_H

#include "bundle.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An ordered chain built from a bundle. Opaque. */
typedef struct cert_chain cert_chain;

/** A set of trust anchors. Thread-safe once built. Opaque. */
typedef struct cert_trust cert_trust;

/** A set of certificate revocation lists. Thread-safe once loaded. Opaque. */
typedef struct cert_crls cert_crls;

/** Certificates in one path, leaf and anchor included, by default (cert_chain_opts.max_depth). */
#define CERT_CHAIN_DEPTH_DEFAULT 12
/** The most cert_chain_opts.max_depth may be. */
#define CERT_CHAIN_DEPTH_MAX 32

/** Options for cert_chain_build(). Initialise with CERT_CHAIN_OPTS_INIT. */
typedef struct cert_chain_opts {
    unsigned int version;
    const char *leaf;            /**< pick the leaf: subject, DNS name or SHA-256 fingerprint */
    const char *preferred_chain; /**< prefer the path whose top certificate this issuer CN signed */
    bool with_root;              /**< keep the root in the output chain */
    cert_trust *trust;           /**< borrowed; NULL: the system's default store, loaded lazily */
    int64_t now;                 /**< seconds since the epoch, or CERT_TIME_NOW */
    /* version 2 */
    const cert_crls *crls;  /**< borrowed; revocation lists to apply to the path; NULL: none */
    unsigned int max_depth; /**< certificates in one path, leaf and anchor included (1 to
                                 CERT_CHAIN_DEPTH_MAX; 0: CERT_CHAIN_DEPTH_DEFAULT) */
} cert_chain_opts;

#define CERT_CHAIN_OPTS_VERSION 2
#define CERT_CHAIN_OPTS_INIT                                                                       \
    {                                                                                              \
        CERT_CHAIN_OPTS_VERSION, NULL, NULL, false, NULL, CERT_TIME_NOW, NULL,                     \
            CERT_CHAIN_DEPTH_DEFAULT                                                               \
    }

/** Outcome of verifying the path. */
typedef enum cert_trust_status {
    CERT_TRUST_OK = 0,     /**< the path ends at a trust anchor and verifies */
    CERT_TRUST_INCOMPLETE, /**< an issuer is missing (cert_chain_missing_issuer()) */
    CERT_TRUST_UNTRUSTED,  /**< complete, but not to a trusted root (cert_chain_trust_reason()) */
    CERT_TRUST_TOO_LONG,   /**< the path goes on past opts->max_depth certificates */
    CERT_TRUST_LOOP,       /**< the issuers certify each other in a loop and reach no root */
} cert_trust_status;

/** What the path search did, for cert_chain_counter(): its work, bounded so that hostile
 * inputs stay cheap (the bounds are CERT_CHAIN_LIMIT_*). */
typedef enum cert_chain_counter_kind {
    CERT_CHAIN_PATHS_FOUND = 0, /**< candidate paths recorded */
    CERT_CHAIN_PATHS_TRIED,     /**< candidate paths verified, the chosen one included */
    CERT_CHAIN_SIG_CHECKS,      /**< signatures verified (those known from earlier builds in the
                                     process are not counted) */
    CERT_CHAIN_CANDIDATES,      /**< issuer candidates looked at (names matched) */
    CERT_CHAIN_STEPS,           /**< search steps (certificates placed on a partial path) */
    CERT_CHAIN_BOUNDED,         /**< 1 when a bound stopped the search, 0 otherwise */
} cert_chain_counter_kind;

/** The bounds of one cert_chain_build(); reaching one stops the search, never fails it. */
#define CERT_CHAIN_LIMIT_PATHS 64        /**< candidate paths recorded and tried */
#define CERT_CHAIN_LIMIT_SIG_CHECKS 1024 /**< signature verifications */
#define CERT_CHAIN_LIMIT_CANDIDATES 8192 /**< issuer candidates looked at */
#define CERT_CHAIN_LIMIT_STEPS 20000     /**< search steps */

/** Why a certificate or key of the bundle is not in the chain, or other facts about it. */
typedef enum cert_chain_note_kind {
    CERT_NOTE_DUPLICATE = 0, /**< the same certificate (DER) appeared before */
    CERT_NOTE_UNRELATED,     /**< a certificate off the leaf's path */
    CERT_NOTE_ALT_PATH,      /**< a certificate of another valid path (a cross-sign) */
    CERT_NOTE_EXPIRED_CROSS, /**< an expired certificate of another path, dropped */
    CERT_NOTE_ROOT_OMITTED,  /**< the self-signed root, left out of the output chain */
    CERT_NOTE_UNRELATED_KEY, /**< a private key that is not the leaf's */
    CERT_NOTE_DUPLICATE_KEY, /**< the same private key appeared before */
    CERT_NOTE_INPUT_ORDER,   /**< the input listed the path in another order (item: none) */
} cert_chain_note_kind;

/** One note; `item` indexes the bundle's certificates, or its keys for the _KEY kinds. */
typedef struct cert_chain_note {
    cert_chain_note_kind kind;
    size_t item;
} cert_chain_note;

/**
 * Make an empty set of revocation lists; fill it with cert_crls_load_file().
 * @param out new set owned by the caller (cert_crls_free()); NULL on failure
 * @return CERT_OK; CERT_E_INVALID (out is NULL); CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_crls_new(cert_crls **out);

/**
 * Add the CRLs of a file: PEM (one or more X509 CRL blocks) or DER (one CRL). Whether a CRL
 * counts is decided per chain: its signature must verify with an issuer on the chosen path.
 * @param crls a set not yet given to cert_chain_build()
 * @param path borrowed; at most 64 MiB are read
 * @return CERT_OK; CERT_E_IO (unreadable: the message names the file); CERT_E_INPUT (not a
 *         CRL in PEM or DER); CERT_E_INVALID; CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_crls_load_file(cert_crls *crls, const char *path);

/** Number of CRLs loaded. */
CERT_EXTERN size_t cert_crls_count(const cert_crls *crls);

/** Free a set of CRLs. NULL is a no-op. */
CERT_EXTERN void cert_crls_free(cert_crls *crls);

/**
 * Make a trust store.
 * @param ca_file PEM file of trusted certificates, loaded now; NULL for none
 * @param ca_path OpenSSL hashed directory, looked up lazily; NULL for none
 *                With both NULL, the system default (SSL_CERT_FILE / SSL_CERT_DIR honoured),
 *                read lazily through the hashed directory, so most runs read a few files only.
 * @param out     new store owned by the caller (cert_trust_free()); NULL on failure
 * @return CERT_OK; CERT_E_IO or CERT_E_INPUT for an unreadable or malformed ca_file; CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_trust_new(const char *ca_file, const char *ca_path, cert_trust **out);

/**
 * Where a trust store's certificates come from, for people: "--ca-file", "--ca-path",
 * "--ca-file and --ca-path" or "the system store" (also for NULL, the default store).
 * @return a static string; never NULL
 */
CERT_EXTERN const char *cert_trust_origin(const cert_trust *trust);

/** Free a trust store. NULL is a no-op. */
CERT_EXTERN void cert_trust_free(cert_trust *trust);

/**
 * Pick the leaf and order its chain.
 *
 * The leaf is the certificate that matches a private key of the bundle; without a matching key,
 * the one certificate that issued no other (a CA certificate only when nothing else qualifies);
 * opts->leaf overrides both.
 *
 * Every path from the leaf to a root is listed (issuers by name and key identifier, each link
 * confirmed by its signature), within the bounds CERT_CHAIN_LIMIT_* and opts->max_depth. The
 * paths are ranked: trusted before untrusted, before one longer than opts->max_depth, before a
 * loop, before incomplete; then the preferred issuer; then no expired certificate; then the
 * shortest. They are then verified in that order, and the first one that validates completely
 * (every certificate held to the rules of its position, as browsers do) is the chain; the
 * better-ranked ones that failed are kept with the reason (cert_chain_rejected_count()). When
 * none validates, the best-ranked is the chain and its problems are the findings.
 *
 * @param bundle borrowed; it must outlive the chain (the chain points at its certificates,
 *               keys and sources)
 * @param opts   borrowed; NULL means CERT_CHAIN_OPTS_INIT
 * @param out    new chain owned by the caller (cert_chain_free()); NULL on failure
 * @return CERT_OK; CERT_E_INPUT (no certificate; no certificate matches opts->leaf; several
 *         candidates for the leaf: the message lists them and says to use --leaf);
 *         CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_chain_build(const cert_bundle *bundle, const cert_chain_opts *opts,
                                      cert_chain **out);

/** Free a chain. NULL is a no-op. */
CERT_EXTERN void cert_chain_free(cert_chain *chain);

/** The bundle the chain was built from, borrowed. */
CERT_EXTERN const cert_bundle *cert_chain_bundle(const cert_chain *chain);

/** The leaf, borrowed; never NULL for a built chain. */
CERT_EXTERN X509 *cert_chain_leaf(const cert_chain *chain);

/** Index of the leaf among the bundle's certificates. */
CERT_EXTERN size_t cert_chain_leaf_item(const cert_chain *chain);

/** The private key that matches the leaf, borrowed; NULL when the bundle has none. */
CERT_EXTERN EVP_PKEY *cert_chain_key(const cert_chain *chain);

/** Index of that key among the bundle's keys; SIZE_MAX when there is none. */
CERT_EXTERN size_t cert_chain_key_item(const cert_chain *chain);

/**
 * Number of certificates in the output chain: the intermediates in issuing order (the leaf's
 * issuer first), plus the root when opts->with_root was set and a root was found.
 */
CERT_EXTERN size_t cert_chain_count(const cert_chain *chain);

/** The i-th certificate of the output chain, borrowed; NULL when out of range. */
CERT_EXTERN X509 *cert_chain_at(const cert_chain *chain, size_t i);

/**
 * Index of the i-th output certificate among the bundle's certificates; SIZE_MAX for a root
 * that came from the trust store.
 */
CERT_EXTERN size_t cert_chain_item_at(const cert_chain *chain, size_t i);

/**
 * Write the output chain as PEM, one CERTIFICATE block each, LF line endings: the intermediates
 * in issuing order (the leaf's issuer first), then the root when the chain holds it
 * (opts->with_root) and `with_root` is true. The leaf is not written. The same chain always gives
 * the same bytes.
 *
 * certsplit's chain.pem passes true (the chain as built); IAM's CertificateChain passes false
 * (IAM wants the intermediates without the root: IAM API Reference, UploadServerCertificate).
 *
 * @param chain     borrowed
 * @param with_root keep the root when the chain holds one (from the bundle or the trust store);
 *                  false leaves it out. A root the chain left out (opts->with_root unset) is
 *                  never added.
 * @param out       new NUL-terminated string owned by the caller (free()); "" when there is
 *                  nothing to write (a leaf issued by the root itself); NULL on failure
 * @param len_out   its length without the NUL; 0 on failure
 * @return CERT_OK; CERT_E_INVALID (a NULL argument); CERT_E_INTERNAL (OpenSSL could not encode a
 *         certificate); CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_chain_write_pem(const cert_chain *chain, bool with_root, char **out,
                                          size_t *len_out);

/** The root the path ends at (from the bundle or the trust store), borrowed; NULL if none. */
CERT_EXTERN X509 *cert_chain_root(const cert_chain *chain);

/** Whether the root came from the bundle (and so was left out or kept by with_root). */
CERT_EXTERN bool cert_chain_root_in_bundle(const cert_chain *chain);

/** Outcome of verification. */
CERT_EXTERN cert_trust_status cert_chain_trust(const cert_chain *chain);

/**
 * The name of a trust status as the JSON reports spell it: "trusted", "incomplete",
 * "untrusted", "too_long", "loop" (static); "unknown" for a value this version does not know.
 */
CERT_EXTERN const char *cert_trust_status_name(cert_trust_status s);

/** Why the chain is untrusted (OpenSSL's verify message), borrowed; "" when trusted. */
CERT_EXTERN const char *cert_chain_trust_reason(const cert_chain *chain);

/**
 * For an incomplete chain, the issuer name (RFC 2253) that no input or trust anchor provides,
 * borrowed; NULL otherwise.
 */
CERT_EXTERN const char *cert_chain_missing_issuer(const cert_chain *chain);

/**
 * Number of certificates on the chosen path: the leaf, every intermediate, and the anchor when
 * the path reaches one (a root or a trusted intermediate, from the bundle or the trust store).
 */
CERT_EXTERN size_t cert_chain_path_length(const cert_chain *chain);

/** The i-th certificate of the chosen path (0 is the leaf), borrowed; NULL when out of range. */
CERT_EXTERN X509 *cert_chain_path_at(const cert_chain *chain, size_t i);

/** Index of the i-th certificate of the path among the bundle's certificates; SIZE_MAX for one
 * from the trust store or out of range. */
CERT_EXTERN size_t cert_chain_path_item_at(const cert_chain *chain, size_t i);

/** Number of paths ranked before the chosen one that were tried and rejected. */
CERT_EXTERN size_t cert_chain_rejected_count(const cert_chain *chain);

/**
 * Why the i-th rejected path (in rank order) failed: one line, "code: message" with the
 * finding code of the first error, borrowed; NULL when out of range.
 */
CERT_EXTERN const char *cert_chain_rejected_reason(const cert_chain *chain, size_t i);

/** Number of certificates on the i-th rejected path; 0 when out of range. */
CERT_EXTERN size_t cert_chain_rejected_length(const cert_chain *chain, size_t i);

/** The j-th certificate (0 is the leaf) of the i-th rejected path, borrowed; NULL when out of
 * range. */
CERT_EXTERN X509 *cert_chain_rejected_cert(const cert_chain *chain, size_t i, size_t j);

/** A counter of the path search (cert_chain_counter_kind); 0 for an unknown kind. */
CERT_EXTERN size_t cert_chain_counter(const cert_chain *chain, cert_chain_counter_kind kind);

/** Number of notes (dropped items, input order). */
CERT_EXTERN size_t cert_chain_note_count(const cert_chain *chain);

/** The i-th note, borrowed; NULL when out of range. */
CERT_EXTERN const cert_chain_note *cert_chain_note_at(const cert_chain *chain, size_t i);

#ifdef __cplusplus
}
#endif

#endif
