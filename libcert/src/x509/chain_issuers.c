/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Candidate issuers: the certificates a chain build meets (nodes), which of them issued which,
 * and which trust anchors issued them.
 *
 * A link child -> issuer needs the issuer's subject to equal the child's issuer name, the
 * authority key identifier to agree (cert_chain__may_issue), and the child's signature to verify
 * with the issuer's key. The issuer's keyUsage is not looked at here: an intermediate without
 * keyCertSign is on the path and its verification says what is wrong with it (RFC 5280 6.1.4
 * (n)), rather than "the issuer is missing" while it is in the input. Signatures between CA
 * certificates are remembered for the whole process, so an intermediate shared by a thousand
 * bundles is checked against its issuer once.
 */
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "bundle_int.h"
#include "chain_int.h"
#include "util/buf.h"
#include "util/error_int.h"
#include "util/time_int.h"
#include "x509_int.h"

/* ---- the process-wide signature cache ---- */

/*
 * Keyed by both certificates' SHA-256 fingerprints (not the SHA-1 that OpenSSL caches in each
 * X509: a SHA-1 collision with a certificate seen earlier would skip the check of a forged
 * signature); only CA children are remembered (leaves are seen once).
 */
#define SIG_MD_LEN 32 /* SHA-256 */
#define SIG_CACHE_SLOTS 4096

typedef struct sig_entry {
    unsigned char key[2 * SIG_MD_LEN];
    signed char ok; /* 0 empty, 1 valid, -1 invalid */
} sig_entry;

static pthread_mutex_t sig_lock = PTHREAD_MUTEX_INITIALIZER;
static sig_entry sig_cache[SIG_CACHE_SLOTS];

/* The cache key of the link parent -> child; false when the link is not cached (a leaf). */
static bool sig_key(X509 *parent, X509 *child, unsigned char key[2 * SIG_MD_LEN])
{
    unsigned int n1 = 0, n2 = 0;

    if (!(X509_get_extension_flags(child) & EXFLAG_CA))
        return false;
    return X509_digest(child, cert__sha256_md(), key, &n1) &&
           X509_digest(parent, cert__sha256_md(), key + SIG_MD_LEN, &n2) && n1 == SIG_MD_LEN &&
           n2 == SIG_MD_LEN;
}

/* The slot of a link: both fingerprints mixed in, so that the many candidate issuers of one
 * certificate (same-name cross-signs: 16 per certificate in the path-building bomb) spread over
 * the table instead of competing for the 8 slots after their child's. */
static size_t sig_slot(const unsigned char *key)
{
    uint64_t c, p;

    memcpy(&c, key, sizeof(c));
    memcpy(&p, key + SIG_MD_LEN, sizeof(p));
    return (size_t)((c ^ (p * UINT64_C(0x9E3779B97F4A7C15))) % SIG_CACHE_SLOTS);
}

/* 1 valid, -1 invalid, 0 not known. */
static int sig_cached(const unsigned char *key)
{
    int ok = 0;
    size_t i = sig_slot(key);

    pthread_mutex_lock(&sig_lock);
    for (size_t k = 0; k < 8; k++, i = (i + 1) % SIG_CACHE_SLOTS) {
        if (sig_cache[i].ok == 0)
            break;
        if (memcmp(sig_cache[i].key, key, sizeof(sig_cache[i].key)) == 0) {
            ok = sig_cache[i].ok;
            break;
        }
    }
    pthread_mutex_unlock(&sig_lock);
    return ok;
}

static void sig_remember(const unsigned char *key, bool ok)
{
    size_t i = sig_slot(key);

    pthread_mutex_lock(&sig_lock);
    for (size_t k = 0; k < 8; k++, i = (i + 1) % SIG_CACHE_SLOTS) {
        if (sig_cache[i].ok == 0) {
            memcpy(sig_cache[i].key, key, sizeof(sig_cache[i].key));
            sig_cache[i].ok = ok ? 1 : -1;
            break;
        }
    }
    pthread_mutex_unlock(&sig_lock);
}

/* ---- the builder and its nodes ---- */

cert_err cert_chain__builder_init(builder *bd, const cert_bundle *b, const cert_chain_opts *o)
{
    cert_trust *trust = o->trust ? o->trust : cert_trust__default();

    bd->b = b;
    bd->o = o;
    bd->now = cert__time_resolve(o->now);
    bd->crls = o->crls;
    bd->max_depth = o->max_depth == 0 ? CERT_CHAIN_DEPTH_DEFAULT : o->max_depth;
    bd->system_store = cert_trust__system(trust);
    bd->trust = trust;
    if (trust != NULL) {
        bd->store = cert_trust__store(trust);
        bd->sctx = X509_STORE_CTX_new();
        if (bd->sctx == NULL || !X509_STORE_CTX_init(bd->sctx, bd->store, NULL, NULL))
            return cert__error_nomem();
    }
    return CERT_OK;
}

void cert_chain__builder_clear(builder *bd)
{
    for (size_t i = 0; i < bd->n; i++) {
        free(bd->nodes[i].in_iss);
        free(bd->nodes[i].st_iss);
        if (bd->nodes[i].store)
            X509_free(bd->nodes[i].x);
        X509_free(bd->nodes[i].twin);
    }
    free(bd->nodes);
    free(bd->paths);
    X509_STORE_CTX_free(bd->sctx);
}

cert_err cert_chain__add_node(builder *bd, X509 *x, size_t item, bool store, size_t *idx)
{
    cert_err err = cert__array_reserve(&bd->nodes, &bd->cap, bd->n, 16, sizeof(*bd->nodes));

    if (err < 0)
        return err;
    memset(&bd->nodes[bd->n], 0, sizeof(cnode));
    bd->nodes[bd->n].x = x;
    bd->nodes[bd->n].item = item;
    bd->nodes[bd->n].store = store;
    bd->nodes[bd->n].self_signed = -1;
    bd->nodes[bd->n].twin_known = -1;
    *idx = bd->n++;
    return CERT_OK;
}

bool cert_chain__self_signed(builder *bd, size_t i)
{
    cnode *nd = &bd->nodes[i];
    unsigned char key[2 * SIG_MD_LEN];
    bool cacheable;
    int known;

    if (nd->self_signed >= 0)
        return nd->self_signed == 1;
    if (X509_NAME_cmp(X509_get_subject_name(nd->x), X509_get_issuer_name(nd->x)) != 0) {
        nd->self_signed = 0;
        return false;
    }
    /* Names, key identifiers and the signature itself; a root shared by many bundles once. */
    cacheable = sig_key(nd->x, nd->x, key);
    if (cacheable && (known = sig_cached(key)) != 0) {
        nd->self_signed = known > 0;
        return known > 0;
    }
    nd->self_signed = X509_self_signed(nd->x, 1) == 1;
    ERR_clear_error();
    if (cacheable)
        sig_remember(key, nd->self_signed == 1);
    return nd->self_signed == 1;
}

/* ---- links ---- */

/* Record a link whose signature is known good, for the verifier (cert_chain__link_known()). */
static void link_verified(builder *bd, X509 *parent, X509 *child)
{
    if (bd->nlinks < CERT_CHAIN_MAX_LINKS) {
        bd->links[bd->nlinks].parent = parent;
        bd->links[bd->nlinks].child = child;
        bd->nlinks++;
    }
}

bool cert_chain__link_known(const builder *bd, const X509 *parent, const X509 *child)
{
    for (size_t k = 0; k < bd->nlinks; k++) {
        if (bd->links[k].parent == parent && bd->links[k].child == child)
            return true;
    }
    return false;
}

bool cert_chain__may_issue(const X509 *parent, const X509 *child)
{
    const ASN1_OCTET_STRING *akid = X509_get0_authority_key_id((X509 *)child);
    const ASN1_OCTET_STRING *skid = X509_get0_subject_key_id((X509 *)parent);

    if (X509_NAME_cmp(X509_get_subject_name(parent), X509_get_issuer_name(child)) != 0)
        return false;
    return akid == NULL || skid == NULL || ASN1_OCTET_STRING_cmp(akid, skid) == 0;
}

/* Whether `parent` issued `child`: names and AKI/SKI, then the signature. */
static bool issued(builder *bd, X509 *parent, X509 *child)
{
    EVP_PKEY *pk;
    unsigned char key[2 * SIG_MD_LEN];
    bool cacheable;
    int ok;

    if (!cert_chain__may_issue(parent, child))
        return false;
    cacheable = sig_key(parent, child, key);
    if (cacheable && (ok = sig_cached(key)) != 0) {
        if (ok > 0)
            link_verified(bd, parent, child);
        return ok > 0;
    }
    if (bd->sigs >= CERT_CHAIN_LIMIT_SIG_CHECKS) {
        /* A bound, not an error: the search goes on with what it knows (the result says a
         * bound was reached, cert_chain_counter(CERT_CHAIN_BOUNDED)). */
        bd->bounded = true;
        return false;
    }
    bd->sigs++;
    pk = X509_get0_pubkey(parent);
    ok = pk != NULL && X509_verify(child, pk) == 1;
    ERR_clear_error();
    if (cacheable)
        sig_remember(key, ok);
    if (ok)
        link_verified(bd, parent, child);
    return ok;
}

/* ---- issuers of one node ---- */

static cert_err push_idx(size_t **arr, size_t *n, size_t v)
{
    size_t *na = realloc(*arr, (*n + 1) * sizeof(**arr));

    if (na == NULL)
        return cert__error_nomem();
    na[(*n)++] = v;
    *arr = na;
    return CERT_OK;
}

cert_err cert_chain__input_issuers(builder *bd, size_t c)
{
    cert_err err;

    if (bd->nodes[c].in_iss_done)
        return CERT_OK;
    bd->nodes[c].in_iss_done = true;
    for (size_t v = 0; v < bd->n; v++) {
        if (v == c || bd->nodes[v].store)
            continue;
        if (X509_NAME_cmp(X509_get_subject_name(bd->nodes[v].x),
                          X509_get_issuer_name(bd->nodes[c].x)) != 0)
            continue;
        if (bd->candidates >= CERT_CHAIN_LIMIT_CANDIDATES) {
            bd->bounded = true;
            break;
        }
        bd->candidates++;
        if (issued(bd, bd->nodes[v].x, bd->nodes[c].x)) {
            err = push_idx(&bd->nodes[c].in_iss, &bd->nodes[c].n_in_iss, v);
            if (err < 0)
                return err;
            bd->nodes[v].issued_other = true;
        }
    }
    return bd->err;
}

/* Whether the store certificate t is a root the bundle holds too (self-signed, same subject and
 * key): then the bundle's copy is the path's top. A cross-signed certificate with the same
 * subject and key is not the same thing: it has another issuer. */
static bool store_dup_of_input(builder *bd, X509 *t)
{
    for (size_t v = 0; v < bd->n; v++) {
        if (bd->nodes[v].store || !cert_chain__self_signed(bd, v))
            continue;
        if (X509_NAME_cmp(X509_get_subject_name(bd->nodes[v].x), X509_get_subject_name(t)) == 0 &&
            EVP_PKEY_eq(X509_get0_pubkey(bd->nodes[v].x), X509_get0_pubkey(t)) == 1)
            return true;
    }
    return false;
}

cert_err cert_chain__store_issuers(builder *bd, size_t c)
{
    cert_err err = CERT_OK;
    STACK_OF(X509) *sk = NULL;

    if (bd->nodes[c].st_iss_done || bd->store == NULL)
        return CERT_OK;
    bd->nodes[c].st_iss_done = true;
    sk = X509_STORE_CTX_get1_certs(bd->sctx, X509_get_issuer_name(bd->nodes[c].x));
    ERR_clear_error();
    for (int i = 0; sk != NULL && i < sk_X509_num(sk); i++) {
        X509 *t = sk_X509_value(sk, i);
        size_t idx = SIZE_MAX;

        if (bd->candidates >= CERT_CHAIN_LIMIT_CANDIDATES) {
            bd->bounded = true;
            break;
        }
        bd->candidates++;
        if (store_dup_of_input(bd, t) || !issued(bd, t, bd->nodes[c].x))
            continue;
        /* Reuse the node when this anchor was met before. */
        for (size_t v = 0; v < bd->n; v++) {
            if (bd->nodes[v].store && X509_cmp(bd->nodes[v].x, t) == 0)
                idx = v;
        }
        if (idx == SIZE_MAX) {
            if (!X509_up_ref(t))
                CERT_NOMEM();
            err = cert_chain__add_node(bd, t, SIZE_MAX, true, &idx);
            if (err < 0) {
                X509_free(t);
                goto done;
            }
        }
        CERT_TRY(push_idx(&bd->nodes[c].st_iss, &bd->nodes[c].n_st_iss, idx));
    }

done:
    sk_X509_pop_free(sk, X509_free);
    return err;
}

/* The store's certificate with x's subject and key (a new reference), or NULL. */
static X509 *store_copy(builder *bd, X509 *x)
{
    STACK_OF(X509) * sk;
    X509 *found = NULL;

    if (bd->store == NULL)
        return NULL;
    sk = X509_STORE_CTX_get1_certs(bd->sctx, X509_get_subject_name(x));
    ERR_clear_error();
    for (int i = 0; sk != NULL && i < sk_X509_num(sk) && found == NULL; i++) {
        X509 *t = sk_X509_value(sk, i);

        if (EVP_PKEY_eq(X509_get0_pubkey(t), X509_get0_pubkey(x)) == 1 && X509_up_ref(t))
            found = t;
    }
    ERR_clear_error();
    sk_X509_pop_free(sk, X509_free);
    return found;
}

bool cert_chain__in_store(builder *bd, X509 *x)
{
    X509 *t = store_copy(bd, x);

    X509_free(t);
    return t != NULL;
}

X509 *cert_chain__twin(builder *bd, size_t i)
{
    cnode *nd = &bd->nodes[i];

    if (nd->store)
        return NULL;
    if (nd->twin_known < 0) {
        nd->twin = store_copy(bd, nd->x);
        nd->twin_known = nd->twin != NULL;
    }
    return nd->twin;
}
