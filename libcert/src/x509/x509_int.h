/* SPDX-License-Identifier: Apache-2.0 */
/* Small X.509 helpers shared by chain, checks and report. */
#ifndef LIBCERT_X509_INT_H
#define LIBCERT_X509_INT_H

#include <openssl/x509.h>
#include <stdbool.h>
#include <stdint.h>

#include "libcert/chain.h"
#include "libcert/checks.h"

/** CERT_E_INVALID (with the message every tool prints) when an --allow code is not a finding
 * code; CERT_OK otherwise. */
cert_err cert_checks__allow_valid(const cert_check_opts *o);

/**
 * Add one finding of a catalogued code to *f (made when NULL), after the checks ran: the findings
 * other floors derive (what a TLS server served, where an alias's DNS leads). Its severity is the
 * catalogue's, downgraded to a warning when `allow` names it; the list stays in cert_checks_run()'s
 * order. CERT_E_INTERNAL for a code not in the catalogue.
 */
cert_err cert_findings__add(cert_findings **f, const char *const *allow, size_t nallow,
                            const char *code, size_t item, const cert_source *src, const char *fmt,
                            ...) CERT_PRINTF(7, 8);

/** RFC 2253 form of a name ("CN=www.example.com,O=Example"), into buf. */
char *cert__name_string(const X509_NAME *name, char *buf, size_t size);

/** The subject's last CN, into buf; "" when there is none. */
char *cert__name_cn(const X509_NAME *name, char *buf, size_t size);

/** Lower-case hex of 32 bytes into buf (at least 65 bytes). */
char *cert__hex32(const uint8_t md[32], char *buf);

/** notBefore / notAfter as seconds since the epoch; false when malformed. */
bool cert__x509_validity(const X509 *x, int64_t *not_before, int64_t *not_after);

/** Call cb with each DNS name and IP address (text) of the subjectAltName; returns how many. */
size_t cert__x509_names(const X509 *x, void (*cb)(const char *name, void *ud), void *ud);

/** As cert__x509_names(), the DNS names only. */
size_t cert__x509_dns_names(const X509 *x, void (*cb)(const char *name, void *ud), void *ud);

/**
 * The set of the subjectAltName's DNS names as one comparable string: lower-case (RFC 6125
 * 6.4.1: DNS names compare without case), a trailing dot dropped, sorted, each once, joined by
 * '\n'. Two certificates name the same hosts exactly when their strings are equal.
 * @param out new string (free()); NULL when the certificate has no DNS name
 * @return CERT_OK or CERT_E_NOMEM
 */
cert_err cert__x509_dns_set(const X509 *x, char **out);

/** A NUL-terminated copy of a memory BIO's contents: *out new (free()), *len_out its length
 * without the NUL. CERT_E_NOMEM on failure, *out NULL. */
cert_err cert__bio_dup(BIO *bio, char **out, size_t *len_out);

/**
 * The output chain as PEM into bio: what cert_chain_write_pem() writes, for a caller that puts
 * more into the same BIO (certsplit's fullchain.pem, the leaf first).
 */
cert_err cert_chain__write_pem_bio(const cert_chain *chain, bool with_root, BIO *bio);

/** The system default trust store, made once per process. NULL when it cannot be made. */
cert_trust *cert_trust__default(void);

/** The X509_STORE of a trust store (borrowed). */
X509_STORE *cert_trust__store(const cert_trust *t);

/** Whether a trust store is the system's default one (made with no CA file or directory): its
 * roots are the public ones, to which the CT and lifetime rules of the browsers apply. */
bool cert_trust__system(const cert_trust *t);

/** Whether a trust anchor of the path is a public root, to which the browsers' CT and lifetime
 * rules apply: a root of the system store that is also among the root program's own roots
 * (LIBCERT_PUBLIC_ROOTS, else /usr/share/ca-certificates/mozilla, read once), compared by public
 * key; a root installed locally (/usr/local/share/ca-certificates) is not public. Where no such
 * list exists every root of the system store counts; LIBCERT_PUBLIC_STORE (a test knob) makes
 * every root public unless LIBCERT_PUBLIC_ROOTS names the list. Thread-safe. */
bool cert_trust__anchor_public(cert_trust *t, X509 *anchor);

/** The one severity of a catalogue code; CERT_SEV_ERROR for an unknown one. */
cert_severity cert_check__severity(const char *code);

/* ---- the checks: checks.c runs the rules of checks_leaf.c and checks_chain.c ---- */

/* What every rule of one cert_checks_run() sees, and the list its findings go into. */
typedef struct checks_ctx {
    const cert_chain *chain;
    const cert_bundle *b;
    const cert_check_opts *o;
    int64_t now;
    cert_findings *f;
} checks_ctx;

/* The rules' helpers (checks.c): add one finding of a catalogued code to c's list (its catalogue
 * severity, --allow applied); a certificate's subject into buf; the source of a bundle item
 * (NULL for SIZE_MAX). */
cert_err cert_checks__add(checks_ctx *c, const char *code, size_t item, const cert_source *src,
                          const char *fmt, ...) CERT_PRINTF(5, 6);
const char *cert_checks__subj(X509 *x, char *buf, size_t size);
const cert_source *cert_checks__csrc(checks_ctx *c, size_t item);

/* The rules, each adding its findings to c's list; only errors (memory, a code not in the
 * catalogue) are returned. The leaf's (checks_leaf.c): */
cert_err cert_checks__key(checks_ctx *c);
cert_err cert_checks__validity(checks_ctx *c);
cert_err cert_checks__key_type(checks_ctx *c);
cert_err cert_checks__server(checks_ctx *c);
cert_err cert_checks__names(checks_ctx *c);
/* The chain's (checks_chain.c): */
cert_err cert_checks__notes(checks_ctx *c);
cert_err cert_checks__trust(checks_ctx *c);
cert_err cert_checks__path(checks_ctx *c);
cert_err cert_checks__limits(checks_ctx *c);
cert_err cert_checks__iam(checks_ctx *c);

/** The problems found on the chosen path (chain_check.c), for the checks: count, and the i-th
 * one's code, the bundle item of the certificate it is about (SIZE_MAX: from the store) and its
 * message. */
size_t cert_chain__problem_count(const cert_chain *chain);
const char *cert_chain__problem_at(const cert_chain *chain, size_t i, size_t *item_out,
                                   const char **msg_out);

/** Whether the chain's anchor is a public root: from the system store, see trust.c. */
bool cert_chain__anchor_public(const cert_chain *chain);

/* The curve of an EC key: its OpenSSL group name in `group` (empty when unknown); false when
 * the certificate spelled the curve out as explicit parameters instead of naming it. */
bool cert__ec_group(EVP_PKEY *pk, char *group, size_t size);

#endif
