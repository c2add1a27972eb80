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

#define CERT_CHAIN_MAX_DEPTH 12        /* certificates in one path */
#define CERT_CHAIN_MAX_PATHS 64        /* complete paths remembered */
#define CERT_CHAIN_MAX_STEPS 20000     /* path-search steps */
#define CERT_CHAIN_MAX_SIG_CHECKS 4096 /* signature verifications per build */
#define CERT_CHAIN_MAX_LINKS 256       /* verified links remembered per build */

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
} cnode;

typedef enum { END_SELF, END_ANCHOR, END_INCOMPLETE } path_end;

/* A path from the leaf (nodes[0]) up, as node indices. */
typedef struct cpath {
    size_t nodes[CERT_CHAIN_MAX_DEPTH];
    size_t n;
    path_end end;
    bool trusted;
} cpath;

/* A parent -> child link whose signature is known good. */
typedef struct clink {
    X509 *parent, *child;
} clink;

typedef struct builder {
    const cert_bundle *b;
    const cert_chain_opts *o;
    X509_STORE *store;    /* borrowed from the trust store; NULL for none */
    X509_STORE_CTX *sctx; /* for looking certificates up in it */
    int64_t now;
    cnode *nodes;
    size_t n, cap;
    cpath *paths;
    size_t npaths;
    size_t steps, sigs;
    clink links[CERT_CHAIN_MAX_LINKS]; /* signatures already checked */
    size_t nlinks;
    cert_err err; /* first hard error inside the search */
} builder;

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

/* Whether the search already verified child's signature with parent's key. */
bool cert_chain__link_known(const builder *bd, const X509 *parent, const X509 *child);

/* ---- chain_path.c ---- */

/* notAfter as seconds since the epoch; INT64_MIN when malformed. */
int64_t cert_chain__not_after(const X509 *x);

/* Whether node v is on the path. */
bool cert_chain__on_path(const size_t *path, size_t n, size_t v);

/*
 * Every path from the leaf node up to a self-signed certificate or a trust anchor, within the
 * bounds above, into bd->paths; at least one (the leaf alone, incomplete, when nothing issued
 * it).
 */
cert_err cert_chain__paths_find(builder *bd, size_t leaf);

/* Whether path a ranks before b: trusted, then preferred issuer, unexpired, shortest. */
bool cert_chain__path_better(builder *bd, const cpath *a, const cpath *b);

/* The index of the best-ranked path of bd->paths (the first among equals). */
size_t cert_chain__path_best(builder *bd);

/* Whether the path's top certificate is a self-signed root. */
bool cert_chain__path_top_is_root(builder *bd, const cpath *p);

/*
 * Verify one path. *trust_out says how it ended; *detail_out (new, free()) is the missing
 * issuer's name (RFC 2253) for CERT_TRUST_INCOMPLETE, why it is untrusted for
 * CERT_TRUST_UNTRUSTED, NULL for CERT_TRUST_OK.
 */
cert_err cert_chain__path_verify(builder *bd, const cpath *p, cert_trust_status *trust_out,
                                 char **detail_out);

/* ---- chain_leaf.c ---- */

/*
 * Pick the leaf node: opts->leaf, else the certificate that matches one of `keys` (bundle key
 * indices, duplicates removed), else the one certificate that issued no other. *key_out is the
 * bundle index of the key that matches the leaf, or SIZE_MAX.
 */
cert_err cert_chain__pick_leaf(builder *bd, const size_t *keys, size_t nkeys, size_t *leaf_out,
                               size_t *key_out);

#endif
