/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rules that one certificate of a path is held to, by its position, shared by the path
 * verification (chain_check.c) and the checks: the RFC 5280 and CA/Browser Forum profile
 * (profile.c), name constraints (nameconstr.c), revocation (crl.c) and the rules the browsers
 * add for publicly trusted leaves (CT, lifetime: profile.c). Each adds problems (chain_int.h)
 * with a finding code of the catalogue.
 */
#ifndef LIBCERT_X509_PROFILE_INT_H
#define LIBCERT_X509_PROFILE_INT_H

#include <openssl/x509v3.h>
#include <stdbool.h>
#include <stdint.h>

#include "chain_int.h"

/* Where a certificate stands on a path. */
typedef enum cert_pos {
    CERT_POS_LEAF,   /* the end-entity certificate */
    CERT_POS_CA,     /* an intermediate */
    CERT_POS_ANCHOR, /* the top: a root or a trusted intermediate (RFC 5280 6.1: taken as given) */
} cert_pos;

/*
 * Every rule of one certificate at `pos` that does not depend on the others of the path
 * (chain_check.c): validity (not the leaf's: the checks' with --days), key, EKU (above the
 * leaf), signature algorithm (below the anchor), and the profile below. `role` names the
 * certificate in messages ("the intermediate"); `leaf_na` is the leaf's notAfter (for "expires
 * before the leaf"; INT64_MAX for none). Used by the path verification for every position,
 * and by the regression test on real roots and intermediates.
 */
cert_err cert_chain__cert_check(X509 *x, cert_pos pos, const char *role, int64_t now,
                                int64_t leaf_na, cproblems *out, size_t depth, bool leaf_only);

/*
 * The certificate profile of RFC 5280 and the CA/Browser Forum Baseline Requirements, for a
 * certificate at `pos`: chain.profile (error) where Chrome or Firefox refuse the certificate,
 * cert.profile (warning) where only an issuance rule is broken. Problems go to `out` at `depth`.
 */
cert_err cert__profile_check(X509 *x, cert_pos pos, int64_t now, cproblems *out, size_t depth,
                             bool leaf_only);

/* Whether an EC key is on P-256, P-384 or P-521 with a named curve (what browsers take). */
bool cert__ec_named_web_curve(EVP_PKEY *pk);

/*
 * The rules browsers apply to a leaf under a publicly trusted root only: embedded SCTs in the
 * number the CT policies require (cert.ct) and the lifetime limit (cert.lifetime).
 */
cert_err cert__public_leaf_check(X509 *leaf, int64_t now, cproblems *out);

/*
 * The name constraints `nc` of the CA `ca` applied to certificate `x` (at `depth`, `role` its
 * name in messages: "the leaf"): its subjectAltName entries of every form and, for
 * directoryName (and rfc822Name without a subjectAltName), its subject; never its CN.
 * Violations are name.constraint problems.
 */
cert_err cert__nc_check(const NAME_CONSTRAINTS *nc, X509 *ca, X509 *x, cproblems *out, size_t depth,
                        const char *role);

/*
 * The CRLs applied to a path (xs[0] the leaf, n certificates, `anchored` when the top is an
 * anchor): a CRL counts when its signature verifies with a certificate of the path and it is
 * current at `now`; a certificate it lists is cert.revoked. A CRL that is not current is
 * crl.stale, one that matches no issuer of the path crl.unrelated.
 */
cert_err cert__crl_check(const cert_crls *crls, X509 *const *xs, size_t n, bool anchored,
                         int64_t now, cproblems *out);

#endif
