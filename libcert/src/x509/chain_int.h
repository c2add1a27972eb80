/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Chain building internals, shared by the files that build a chain:
 *   chain_issuers.c  the certificates met (nodes), who issued whom, the signature cache
 *   chain_path.c     every path from the leaf up, their ranking, the verification of one
 *   chain_leaf.c     which certificate is the leaf
 *   chain.c          cert_chain_build() and the result: output chain, trust, notes, accessors,
 *                    the chain as PEM
 *
 * A builder lives for one cert_chain_build() call. Node indices are stable; node pointers are
 * not (a store certificate found later may move the array).
 */
#ifndef LIBCERT_X509_CHAIN_INT_H
#define LIBCERT_X509_CHAIN_INT_H

#include <openssl/x509.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libcert/chain.h"

#define CERT_CHAIN_MAX_LINKS 256 /* verified links remembered per build */

/* One certificate met while building: from the bundle or from the trust store. */
typedef struct cnode {
    X509 *x;     /* borrowed from the bundle, or a reference we hold (store) */
    size_t item; /* bundle index, SIZE_MAX for a store certificate */
    bool store;
    int self_signed;          /* -1 not yet known */
    size_t *in_iss, n_in_iss; /* issuers among the bundle's certificates */
    bool in_iss_done;
    size_t *st_iss, n_st_iss; /* issuers from the trust store */
    bool st_iss_done;
    bool issued_other; /* issued another bundle certificate */
    X509 *twin;        /* a bundle root the store holds too: the store's copy (reference held),
                          whose extensions and validity are the ones that count */
    int twin_known;    /* -1 not yet looked up */
} cnode;

/*
 * How a path ends: at a self-signed certificate of the bundle, at a trust anchor of the store,
 * at a certificate whose issuer is nowhere, at the depth limit with issuers still above, or at a
 * certificate whose only issuers are already on the path (a loop).
 */
typedef enum { END_SELF, END_ANCHOR, END_INCOMPLETE, END_DEPTH, END_LOOP } path_end;

/* A path from the leaf (nodes[0]) up, as node indices. */
typedef struct cpath {
    size_t nodes[CERT_CHAIN_DEPTH_MAX];
    size_t n;
    path_end end;
    bool trusted;
} cpath;

/* A parent -> child link whose signature is known good. */
typedef struct clink {
    X509 *parent, *child;
} clink;

/* One problem of a path: a finding code of the catalogue, the certificate it is about (its
 * depth: 0 is the leaf) and the message. leaf_only: intrinsic to the leaf, the same on every
 * path, so it does not decide between paths. */
typedef struct cproblem {
    const char *code;
    size_t depth;
    bool leaf_only;
    char *msg;
} cproblem;

typedef struct cproblems {
    cproblem *v;
    size_t n, cap;
} cproblems;

typedef struct builder {
    const cert_bundle *b;
    const cert_chain_opts *o;
    X509_STORE *store;    /* borrowed from the trust store; NULL for none */
    X509_STORE_CTX *sctx; /* for looking certificates up in it */
    bool system_store;    /* the store is the system's (public roots): CT and lifetime rules */
    cert_trust *trust; /* borrowed: which of its anchors are public (cert_trust__anchor_public) */
    const cert_crls *crls;
    size_t max_depth;
    int64_t now;
    cnode *nodes;
    size_t n, cap;
    cpath *paths;
    size_t npaths, paths_cap;
    size_t steps, sigs, candidates, tried;
    bool bounded;                      /* a bound stopped the search */
    clink links[CERT_CHAIN_MAX_LINKS]; /* signatures already checked */
    size_t nlinks;
    cert_err err; /* first hard error inside the search */
} builder;

/* ---- problems (chain_check.c) ---- */

/* Append a problem; the message is formatted. CERT_E_NOMEM on failure. */
cert_err cert_chain__problem_add(cproblems *p, const char *code, size_t depth, bool leaf_only,
                                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Free the problems' messages and array; the struct is left empty. */
void cert_chain__problems_clear(cproblems *p);

/* ---- chain_issuers.c ---- */

/* Set up for one build: options, clock and a lookup context in the trust store. */
cert_err cert_chain__builder_init(builder *bd, const cert_bundle *b, const cert_chain_opts *o);

/* Free what the builder holds (nodes, their issuer lists, store references, paths). */
void cert_chain__builder_clear(builder *bd);

/* Add a node; *idx is its index. A store certificate's reference passes to the builder. */
cert_err cert_chain__add_node(builder *bd, X509 *x, size_t item, bool store, size_t *idx);

/* Whether node i is self-signed (names and signature), remembered per node and per process. */
bool cert_chain__self_signed(builder *bd, size_t i);

/* Fill node c's list of issuers among the bundle's certificates (once). */
cert_err cert_chain__input_issuers(builder *bd, size_t c);

/* Fill node c's list of issuers from the trust store (once), adding them as nodes. */
cert_err cert_chain__store_issuers(builder *bd, size_t c);

/* Whether an input self-signed certificate is a trust anchor (same subject and key). */
bool cert_chain__in_store(builder *bd, X509 *x);

/* The store's copy of node i (same subject and key), or NULL; looked up once per node. */
X509 *cert_chain__twin(builder *bd, size_t i);

/* Whether parent may have issued child: the names chain and the key identifiers, when both are
 * there, agree. The keyUsage is not looked at (the verification reports it). */
bool cert_chain__may_issue(const X509 *parent, const X509 *child);

/* Whether the search already verified child's signature with parent's key. */
bool cert_chain__link_known(const builder *bd, const X509 *parent, const X509 *child);

/* ---- chain_path.c ---- */

/* notAfter as seconds since the epoch; INT64_MIN when malformed. */
int64_t cert_chain__not_after(const X509 *x);

/* Whether node v is on the path. */
bool cert_chain__on_path(const size_t *path, size_t n, size_t v);

/*
 * Every path from the leaf node up to a self-signed certificate or a trust anchor, within the
 * bounds (opts->max_depth, CERT_CHAIN_LIMIT_*), into bd->paths; at least one (the leaf alone,
 * incomplete, when nothing issued it). A bound reached sets bd->bounded.
 */
cert_err cert_chain__paths_find(builder *bd, size_t leaf);

/* Whether path a ranks before b: trusted, untrusted, too long, loop, incomplete; then the
 * preferred issuer, no expired certificate, shortest. */
bool cert_chain__path_better(builder *bd, const cpath *a, const cpath *b);

/* bd->paths' indices in rank order (stable: equals keep their search order) into order. */
void cert_chain__paths_rank(builder *bd, size_t *order);

/* Whether the path's top certificate is a self-signed root. */
bool cert_chain__path_top_is_root(builder *bd, const cpath *p);

/* ---- chain_check.c ---- */

/*
 * Verify one path and hold every certificate on it to the rules of its position: OpenSSL's
 * verifier for trust and the CA rules of RFC 5280 section 6.1.4 (basicConstraints, keyUsage,
 * pathLenConstraint, critical extensions), then validity, keys, signature algorithms, EKU,
 * name constraints, the certificate profile and revocation. The problems go to *out.
 * *trust_out says how the path ended; *detail_out (new, free()) is the missing issuer's name
 * (RFC 2253) for CERT_TRUST_INCOMPLETE, why it is untrusted for CERT_TRUST_UNTRUSTED, NULL
 * otherwise.
 */
cert_err cert_chain__path_check(builder *bd, const cpath *p, cproblems *out,
                                cert_trust_status *trust_out, char **detail_out);

/* Whether a checked path validates: trusted, and no error that is not the leaf's own. The first
 * error that decides against it into *why (borrowed from pr; NULL when it passes or fails only
 * on trust). */
bool cert_chain__path_passes(const cproblems *pr, cert_trust_status trust, const cproblem **why);

/* The certificate whose extensions and validity count at node i: a bundle root's store twin
 * when the store holds it, else the node's own. */
X509 *cert_chain__node_cert(builder *bd, size_t i);

/* ---- chain_leaf.c ---- */

/*
 * Pick the leaf node: opts->leaf, else the certificate that matches one of `keys` (bundle key
 * indices, duplicates removed), else the one certificate that issued no other. *key_out is the
 * bundle index of the key that matches the leaf, or SIZE_MAX.
 */
cert_err cert_chain__pick_leaf(builder *bd, const size_t *keys, size_t nkeys, size_t *leaf_out,
                               size_t *key_out);

#endif
