/*
 * Chain building: pick the leaf, find every path from it to a root through the bundle's
 * certificates and the trust store, choose one, verify it.
 *
 * A link child -> issuer needs the issuer's subject to equal the child's issuer name, the
 * authority key identifier to agree (X509_check_issued), and the child's signature to verify
 * with the issuer's key. The input order is never used to decide anything.
 */
#include "libcert/chain.h"

#include <ctype.h>
#include <openssl/err.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "bundle_int.h"
#include "libcert/key.h"
#include "util/error_int.h"
#include "util/time_int.h"
#include "x509_int.h"

#define MAX_DEPTH 12        /* certificates in one path */
#define MAX_PATHS 64        /* complete paths remembered */
#define MAX_STEPS 20000     /* path-search steps */
#define MAX_SIG_CHECKS 4096 /* signature verifications per build */

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

typedef struct cpath {
    size_t nodes[MAX_DEPTH];
    size_t n;
    path_end end;
    bool trusted;
} cpath;

#define MAX_LINKS 256

typedef struct link {
    X509 *parent, *child;
} link;

typedef struct builder {
    const cert_bundle *b;
    const cert_chain_opts *o;
    X509_STORE *store;
    X509_STORE_CTX *sctx;
    int64_t now;
    cnode *nodes;
    size_t n, cap;
    cpath *paths;
    size_t npaths;
    size_t steps, sigs;
    link links[MAX_LINKS]; /* signatures already checked */
    size_t nlinks;
    cert_err err; /* first hard error inside the search */
} builder;

struct cert_chain {
    const cert_bundle *bundle;
    size_t leaf_item;
    size_t key_item;
    X509 **out;
    size_t *out_items;
    size_t nout;
    X509 *root;
    bool root_owned;
    bool root_in_bundle;
    cert_trust_status trust;
    char *trust_reason;
    char *missing_issuer;
    cert_chain_note *notes;
    size_t nnotes, notes_cap;
};

static const cert_chain_opts default_opts = CERT_CHAIN_OPTS_INIT;

/* ---- nodes ---- */

static cert_err add_node(builder *bd, X509 *x, size_t item, bool store, size_t *idx)
{
    if (bd->n == bd->cap) {
        size_t ncap = bd->cap ? bd->cap * 2 : 16;
        cnode *nn = realloc(bd->nodes, ncap * sizeof(*nn));

        if (nn == NULL)
            return cert__error_nomem();
        bd->nodes = nn;
        bd->cap = ncap;
    }
    memset(&bd->nodes[bd->n], 0, sizeof(cnode));
    bd->nodes[bd->n].x = x;
    bd->nodes[bd->n].item = item;
    bd->nodes[bd->n].store = store;
    bd->nodes[bd->n].self_signed = -1;
    *idx = bd->n++;
    return CERT_OK;
}

#define SIG_MD_LEN 32 /* SHA-256 */

static bool sig_key(X509 *parent, X509 *child, unsigned char key[2 * SIG_MD_LEN]);
static int sig_cached(const unsigned char *key);
static void sig_remember(const unsigned char *key, bool ok);

static bool is_self_signed(builder *bd, size_t i)
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

static int64_t not_after(const X509 *x)
{
    int64_t nb, na;

    return cert__x509_validity(x, &nb, &na) ? na : INT64_MIN;
}

/* Whether `parent` issued `child`: names, AKI/SKI and key usage, then the signature. */
/*
 * Signatures between CA certificates, remembered for the whole process: an intermediate shared
 * by a thousand bundles is checked against its issuer once. Keyed by both certificates'
 * SHA-256 fingerprints (not the SHA-1 that OpenSSL caches in each X509: a SHA-1 collision with
 * a certificate seen earlier would skip the check of a forged signature); only CA children are
 * remembered (leaves are seen once).
 */
#define SIG_CACHE_SLOTS 4096

typedef struct sig_entry {
    unsigned char key[2 * SIG_MD_LEN];
    signed char ok; /* 0 empty, 1 valid, -1 invalid */
} sig_entry;

static pthread_mutex_t sig_lock = PTHREAD_MUTEX_INITIALIZER;
static sig_entry sig_cache[SIG_CACHE_SLOTS];

static bool sig_key(X509 *parent, X509 *child, unsigned char key[2 * SIG_MD_LEN])
{
    unsigned int n1 = 0, n2 = 0;

    if (!(X509_get_extension_flags(child) & EXFLAG_CA))
        return false;
    return X509_digest(child, cert__sha256_md(), key, &n1) &&
           X509_digest(parent, cert__sha256_md(), key + SIG_MD_LEN, &n2) && n1 == SIG_MD_LEN &&
           n2 == SIG_MD_LEN;
}

static size_t sig_slot(const unsigned char *key)
{
    size_t h;

    memcpy(&h, key, sizeof(h));
    return h % SIG_CACHE_SLOTS;
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

/* Record a link whose signature is known good, for verify_links(). */
static void link_verified(builder *bd, X509 *parent, X509 *child)
{
    if (bd->nlinks < MAX_LINKS) {
        bd->links[bd->nlinks].parent = parent;
        bd->links[bd->nlinks].child = child;
        bd->nlinks++;
    }
}

static bool issued(builder *bd, X509 *parent, X509 *child)
{
    EVP_PKEY *pk;
    unsigned char key[2 * SIG_MD_LEN];
    bool cacheable;
    int ok;

    if (X509_check_issued(parent, child) != X509_V_OK)
        return false;
    cacheable = sig_key(parent, child, key);
    if (cacheable && (ok = sig_cached(key)) != 0) {
        if (ok > 0)
            link_verified(bd, parent, child);
        return ok > 0;
    }
    if (bd->sigs >= MAX_SIG_CHECKS) {
        if (bd->err == CERT_OK)
            bd->err = cert__error_set(CERT_E_INPUT,
                                      "too many candidate issuers to check (over %d signature "
                                      "checks); the input is not a plausible bundle",
                                      MAX_SIG_CHECKS);
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

static cert_err push_idx(size_t **arr, size_t *n, size_t v)
{
    size_t *na = realloc(*arr, (*n + 1) * sizeof(**arr));

    if (na == NULL)
        return cert__error_nomem();
    na[(*n)++] = v;
    *arr = na;
    return CERT_OK;
}

static cert_err input_issuers(builder *bd, size_t c)
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
        if (issued(bd, bd->nodes[v].x, bd->nodes[c].x)) {
            err = push_idx(&bd->nodes[c].in_iss, &bd->nodes[c].n_in_iss, v);
            if (err < 0)
                return err;
            bd->nodes[v].issued_other = true;
        }
    }
    return bd->err;
}

static bool is_self_signed(builder *bd, size_t i);

/* Whether the store certificate t is a root the bundle holds too (self-signed, same subject and
 * key): then the bundle's copy is the path's top. A cross-signed certificate with the same
 * subject and key is not the same thing: it has another issuer. */
static bool store_dup_of_input(builder *bd, X509 *t)
{
    for (size_t v = 0; v < bd->n; v++) {
        if (bd->nodes[v].store || !is_self_signed(bd, v))
            continue;
        if (X509_NAME_cmp(X509_get_subject_name(bd->nodes[v].x), X509_get_subject_name(t)) == 0 &&
            EVP_PKEY_eq(X509_get0_pubkey(bd->nodes[v].x), X509_get0_pubkey(t)) == 1)
            return true;
    }
    return false;
}

static cert_err store_issuers(builder *bd, size_t c)
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
            err = add_node(bd, t, SIZE_MAX, true, &idx);
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

/* Whether an input self-signed certificate is a trust anchor (same subject and key). */
static bool in_store(builder *bd, X509 *x)
{
    STACK_OF(X509) * sk;
    bool found = false;

    if (bd->store == NULL)
        return false;
    sk = X509_STORE_CTX_get1_certs(bd->sctx, X509_get_subject_name(x));
    ERR_clear_error();
    for (int i = 0; sk != NULL && i < sk_X509_num(sk) && !found; i++)
        found = EVP_PKEY_eq(X509_get0_pubkey(sk_X509_value(sk, i)), X509_get0_pubkey(x)) == 1;
    sk_X509_pop_free(sk, X509_free);
    return found;
}

/* ---- path search ---- */

static void record(builder *bd, const size_t *path, size_t n, path_end end, bool trusted)
{
    cpath *p;

    if (bd->npaths >= MAX_PATHS)
        return;
    p = &bd->paths[bd->npaths++];
    memcpy(p->nodes, path, n * sizeof(*path));
    p->n = n;
    p->end = end;
    p->trusted = trusted;
}

static bool on_path(const size_t *path, size_t n, size_t v)
{
    for (size_t i = 0; i < n; i++) {
        if (path[i] == v)
            return true;
    }
    return false;
}

static cert_err search(builder *bd, size_t *path, size_t n)
{
    size_t c = path[n - 1];
    bool extended = false;
    cert_err err;

    if (++bd->steps > MAX_STEPS || bd->npaths >= MAX_PATHS)
        return CERT_OK;
    if (bd->nodes[c].store) {
        record(bd, path, n, END_ANCHOR, true);
        return CERT_OK;
    }
    if (is_self_signed(bd, c)) {
        record(bd, path, n, END_SELF, in_store(bd, bd->nodes[c].x));
        return CERT_OK;
    }
    err = input_issuers(bd, c);
    if (err < 0)
        return err;
    err = store_issuers(bd, c);
    if (err < 0)
        return err;
    if (n < MAX_DEPTH) {
        cnode *nd = &bd->nodes[c];

        /* Copy the lists: the recursion may add store nodes and move bd->nodes. */
        for (size_t k = 0; k < nd->n_in_iss + nd->n_st_iss; k++) {
            size_t v = k < bd->nodes[c].n_in_iss ? bd->nodes[c].in_iss[k]
                                                 : bd->nodes[c].st_iss[k - bd->nodes[c].n_in_iss];

            if (on_path(path, n, v))
                continue;
            extended = true;
            path[n] = v;
            err = search(bd, path, n + 1);
            if (err < 0)
                return err;
            nd = &bd->nodes[c];
        }
    }
    if (!extended)
        record(bd, path, n, END_INCOMPLETE, false);
    return CERT_OK;
}

/* The issuer CN of the top certificate that is not self-signed: what certbot's
 * --preferred-chain compares against. */
static bool path_preferred(builder *bd, const cpath *p, const char *want)
{
    char cn[256];
    size_t top = p->n - 1;

    if (want == NULL)
        return false;
    if (p->end == END_SELF && top > 0)
        top--;
    if (p->end == END_ANCHOR && top > 0 && is_self_signed(bd, p->nodes[top]))
        top--;
    cert__name_cn(X509_get_issuer_name(bd->nodes[p->nodes[top]].x), cn, sizeof(cn));
    return OPENSSL_strcasecmp(cn, want) == 0;
}

static bool path_has_expired(builder *bd, const cpath *p)
{
    for (size_t i = 1; i < p->n; i++) {
        const cnode *nd = &bd->nodes[p->nodes[i]];

        if (nd->store || (i == p->n - 1 && p->end == END_SELF))
            continue;
        if (not_after(nd->x) < bd->now)
            return true;
    }
    return false;
}

/* Length counted without a self-signed top, so that "anchored in the store" and "root in the
 * bundle" compare by their intermediates. */
static size_t path_len(builder *bd, const cpath *p)
{
    size_t n = p->n;

    if (n > 1 && (p->end == END_SELF || is_self_signed(bd, p->nodes[n - 1])))
        n--;
    return n;
}

static int path_class(const cpath *p)
{
    if (p->trusted)
        return 0;
    return p->end == END_INCOMPLETE ? 2 : 1;
}

static bool better(builder *bd, const cpath *a, const cpath *b)
{
    int ca = path_class(a), cb = path_class(b);
    bool pa, pb, ea, eb;

    if (ca != cb)
        return ca < cb;
    pa = path_preferred(bd, a, bd->o->preferred_chain);
    pb = path_preferred(bd, b, bd->o->preferred_chain);
    if (pa != pb)
        return pa;
    ea = path_has_expired(bd, a);
    eb = path_has_expired(bd, b);
    if (ea != eb)
        return !ea;
    return path_len(bd, a) < path_len(bd, b);
}

/* ---- leaf ---- */

static bool hexeq_fingerprint(const char *sel, const uint8_t md[32])
{
    char want[65], hex[65];
    size_t n = 0;

    for (const char *p = sel; *p != '\0'; p++) {
        if (*p == ':' || *p == ' ')
            continue;
        if (n >= 64 || !isxdigit((unsigned char)*p))
            return false;
        want[n++] = (char)tolower((unsigned char)*p);
    }
    want[n] = '\0';
    return n == 64 && strcmp(want, cert__hex32(md, hex)) == 0;
}

static bool matches_selector(X509 *x, const uint8_t *md, const char *sel)
{
    char buf[1024];
    GENERAL_NAMES *gens;
    bool found = false;

    if (hexeq_fingerprint(sel, md))
        return true;
    if (OPENSSL_strcasecmp(cert__name_string(X509_get_subject_name(x), buf, sizeof(buf)), sel) ==
            0 ||
        OPENSSL_strcasecmp(cert__name_cn(X509_get_subject_name(x), buf, sizeof(buf)), sel) == 0)
        return true;
    gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    for (int i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens) && !found; i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);

        if (g->type == GEN_DNS) {
            const ASN1_IA5STRING *s = g->d.dNSName;

            found = (size_t)s->length == strlen(sel) &&
                    OPENSSL_strncasecmp((const char *)s->data, sel, (size_t)s->length) == 0;
        }
    }
    GENERAL_NAMES_free(gens);
    return found;
}

static cert_err ambiguous(builder *bd, const size_t *cands, size_t n, const char *why)
{
    char msg[900], line[700], src[300], subj[300];
    size_t off = 0;

    off += (size_t)snprintf(msg, sizeof(msg), "%s: %zu certificates could be the leaf (%s):",
                            cert_bundle_input_at(bd->b, 0), n, why);
    for (size_t i = 0; i < n && off < sizeof(msg); i++) {
        cnode *nd = &bd->nodes[cands[i]];

        snprintf(line, sizeof(line), "%s %s (%s)", i ? ";" : "",
                 cert__name_string(X509_get_subject_name(nd->x), subj, sizeof(subj)),
                 cert_source_describe(cert_bundle_cert_source(bd->b, nd->item), src, sizeof(src)));
        off += (size_t)snprintf(msg + off, sizeof(msg) - off, "%s", line);
    }
    return cert__error_set(
        CERT_E_INPUT, "%s; pick one with --leaf SUBJECT, DNS name or SHA-256 fingerprint", msg);
}

/* Keep only the end-entity candidates when there are any (a CA is a leaf only when nothing else
 * qualifies); returns the new count. */
static size_t prefer_end_entity(builder *bd, size_t *cands, size_t nc)
{
    size_t m = 0;

    if (nc < 2)
        return nc;
    for (size_t i = 0; i < nc; i++) {
        if (X509_check_ca(bd->nodes[cands[i]].x) == 0)
            cands[m++] = cands[i];
    }
    return m > 0 ? m : nc;
}

/* Picks the leaf node and, when one matches, the key (bundle key index or SIZE_MAX). */
static cert_err pick_leaf(builder *bd, const size_t *keys, size_t nkeys, size_t *leaf_out,
                          size_t *key_out)
{
    cert_err err = CERT_OK;
    size_t *cands = NULL, nc = 0;
    size_t ninput = bd->n;

    *key_out = SIZE_MAX;
    cands = calloc(ninput ? ninput : 1, sizeof(*cands));
    if (cands == NULL)
        CERT_NOMEM();
    if (bd->o->leaf != NULL) {
        for (size_t i = 0; i < ninput; i++) {
            size_t it = bd->nodes[i].item;

            if (matches_selector(bd->nodes[i].x, cert_bundle_cert_sha256(bd->b, it), bd->o->leaf))
                cands[nc++] = i;
        }
        if (nc == 0)
            CERT_FAIL(CERT_E_INPUT,
                      "--leaf %s: no certificate of the input has that subject, CN, DNS name or "
                      "SHA-256 fingerprint",
                      bd->o->leaf);
        if (nc > 1)
            CERT_TRY(ambiguous(bd, cands, nc, "all match --leaf"));
    } else {
        /* A certificate that matches a private key is the leaf. */
        for (size_t i = 0; i < ninput; i++) {
            for (size_t k = 0; k < nkeys; k++) {
                if (cert_key_matches(bd->nodes[i].x, cert_bundle_key_at(bd->b, keys[k]))) {
                    cands[nc++] = i;
                    break;
                }
            }
        }
        /* Prefer end-entity certificates over a CA whose key happens to be here. */
        nc = prefer_end_entity(bd, cands, nc);
        if (nc > 1)
            CERT_TRY(ambiguous(bd, cands, nc, "each matches a private key"));
        if (nc == 0) {
            /* No key (or none that matches): the one certificate that issued no other. */
            for (size_t i = 0; i < ninput; i++)
                CERT_TRY(input_issuers(bd, i));
            for (size_t i = 0; i < ninput; i++) {
                if (!bd->nodes[i].issued_other)
                    cands[nc++] = i;
            }
            nc = prefer_end_entity(bd, cands, nc);
            if (nc > 1)
                CERT_TRY(ambiguous(bd, cands, nc, "none issued another and no key picks one"));
            if (nc == 0)
                CERT_FAIL(CERT_E_INPUT,
                          "%s: every certificate issued another (a loop); pick the leaf with "
                          "--leaf",
                          cert_bundle_input_at(bd->b, 0));
        }
    }
    *leaf_out = cands[0];
    for (size_t k = 0; k < nkeys; k++) {
        if (cert_key_matches(bd->nodes[cands[0]].x, cert_bundle_key_at(bd->b, keys[k]))) {
            *key_out = keys[k];
            break;
        }
    }

done:
    free(cands);
    return err;
}

/* ---- result ---- */

static cert_err note(cert_chain *c, cert_chain_note_kind kind, size_t item)
{
    if (c->nnotes == c->notes_cap) {
        size_t ncap = c->notes_cap ? c->notes_cap * 2 : 8;
        cert_chain_note *nn = realloc(c->notes, ncap * sizeof(*nn));

        if (nn == NULL)
            return cert__error_nomem();
        c->notes = nn;
        c->notes_cap = ncap;
    }
    c->notes[c->nnotes].kind = kind;
    c->notes[c->nnotes].item = item;
    c->nnotes++;
    return CERT_OK;
}

/*
 * The signature step of X509_verify_cert(), replaced (X509_STORE_CTX_set_verify): the path
 * search has already checked every link's signature, so only a link it did not see is checked
 * here. Validity times are the checks' business (with --at), not the verifier's. Everything else
 * X509_verify_cert() does (trust, CA flags, path length, name constraints, critical extensions)
 * runs as usual.
 */
static int verify_links(X509_STORE_CTX *ctx)
{
    builder *bd = X509_STORE_CTX_get_app_data(ctx);
    STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
    int n = sk_X509_num(chain);

    for (int i = 0; i + 1 < n; i++) {
        X509 *child = sk_X509_value(chain, i), *parent = sk_X509_value(chain, i + 1);
        bool known = false;

        for (size_t k = 0; k < bd->nlinks && !known; k++)
            known = bd->links[k].parent == parent && bd->links[k].child == child;
        if (!known && X509_verify(child, X509_get0_pubkey(parent)) != 1) {
            X509_STORE_CTX_set_error_depth(ctx, i);
            X509_STORE_CTX_set_current_cert(ctx, child);
            X509_STORE_CTX_set_error(ctx, X509_V_ERR_CERT_SIGNATURE_FAILURE);
            return 0;
        }
    }
    return 1;
}

static cert_err verify_path(builder *bd, cert_chain *c, const cpath *p)
{
    cert_err err = CERT_OK;
    X509_STORE_CTX *ctx = NULL;
    STACK_OF(X509) *untrusted = NULL;
    X509_VERIFY_PARAM *vp;
    char reason[600], subj[300];

    ctx = X509_STORE_CTX_new();
    untrusted = sk_X509_new_null();
    if (ctx == NULL || untrusted == NULL)
        CERT_NOMEM();
    for (size_t i = 1; i < p->n; i++) {
        if (!bd->nodes[p->nodes[i]].store && !sk_X509_push(untrusted, bd->nodes[p->nodes[i]].x))
            CERT_NOMEM();
    }
    if (!X509_STORE_CTX_init(ctx, bd->store, bd->nodes[p->nodes[0]].x, untrusted))
        CERT_NOMEM();
    X509_STORE_CTX_set_app_data(ctx, bd);
    X509_STORE_CTX_set_verify(ctx, verify_links);
    vp = X509_STORE_CTX_get0_param(ctx);
    /* Trust only: validity is the expiry checks' business (with their own clock, --at), weak
     * signatures are sig.weak's; any certificate of the trust store may be an anchor, as
     * `openssl verify -partial_chain`. */
    X509_VERIFY_PARAM_set_flags(vp, X509_V_FLAG_NO_CHECK_TIME | X509_V_FLAG_PARTIAL_CHAIN);
    X509_VERIFY_PARAM_set_auth_level(vp, 0);
    if (X509_verify_cert(ctx) == 1) {
        c->trust = CERT_TRUST_OK;
    } else {
        X509 *at = X509_STORE_CTX_get_current_cert(ctx);

        c->trust = CERT_TRUST_UNTRUSTED;
        snprintf(reason, sizeof(reason), "%s%s%s",
                 X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)), at ? " at " : "",
                 at ? cert__name_string(X509_get_subject_name(at), subj, sizeof(subj)) : "");
        c->trust_reason = strdup(reason);
        if (c->trust_reason == NULL)
            CERT_NOMEM();
    }

done:
    ERR_clear_error();
    sk_X509_free(untrusted);
    X509_STORE_CTX_free(ctx);
    return err;
}

static cert_err finish(builder *bd, cert_chain *c, const cpath *best, const cpath *all, size_t nall)
{
    cert_err err = CERT_OK;
    size_t top = best->n - 1;
    bool top_is_root =
        best->end == END_SELF || (best->end == END_ANCHOR && is_self_signed(bd, best->nodes[top]));
    size_t last_inter = top_is_root ? top : best->n; /* exclusive end of the intermediates */
    char name[600];

    if (top == 0)
        last_inter = 1; /* a self-signed leaf has no chain */
    c->leaf_item = bd->nodes[best->nodes[0]].item;
    c->out = calloc(best->n, sizeof(*c->out));
    c->out_items = calloc(best->n, sizeof(*c->out_items));
    if (c->out == NULL || c->out_items == NULL)
        CERT_NOMEM();
    for (size_t i = 1; i < last_inter; i++) {
        cnode *nd = &bd->nodes[best->nodes[i]];

        if (nd->store)
            continue; /* an intermediate trusted as an anchor is not sent */
        c->out[c->nout] = nd->x;
        c->out_items[c->nout] = nd->item;
        c->nout++;
    }
    if (top_is_root && top > 0) {
        cnode *nd = &bd->nodes[best->nodes[top]];

        c->root = nd->x;
        c->root_in_bundle = !nd->store;
        if (nd->store) {
            if (!X509_up_ref(nd->x))
                CERT_NOMEM();
            c->root_owned = true;
        }
        if (bd->o->with_root) {
            c->out[c->nout] = nd->x;
            c->out_items[c->nout] = nd->item;
            c->nout++;
        } else if (!nd->store) {
            CERT_TRY(note(c, CERT_NOTE_ROOT_OMITTED, nd->item));
        }
    }
    /* Trust. */
    if (best->end == END_INCOMPLETE) {
        c->trust = CERT_TRUST_INCOMPLETE;
        c->missing_issuer = strdup(cert__name_string(
            X509_get_issuer_name(bd->nodes[best->nodes[top]].x), name, sizeof(name)));
        if (c->missing_issuer == NULL)
            CERT_NOMEM();
    } else if (!best->trusted) {
        c->trust = CERT_TRUST_UNTRUSTED;
        char subj[500];

        snprintf(name, sizeof(name), "the root %s is not in the trust store",
                 cert__name_string(X509_get_subject_name(bd->nodes[best->nodes[top]].x), subj,
                                   sizeof(subj)));
        c->trust_reason = strdup(name);
        if (c->trust_reason == NULL)
            CERT_NOMEM();
    } else {
        CERT_TRY(verify_path(bd, c, best));
    }
    /* Input order: the path's certificates should appear leaf first, then each issuer. */
    {
        size_t prev = 0;
        bool first = true, ordered = true;

        for (size_t i = 0; i < best->n; i++) {
            size_t it = bd->nodes[best->nodes[i]].item;

            if (it == SIZE_MAX)
                continue;
            if (!first && it < prev)
                ordered = false;
            prev = it;
            first = false;
        }
        if (!ordered)
            CERT_TRY(note(c, CERT_NOTE_INPUT_ORDER, SIZE_MAX));
    }
    /* Every other bundle certificate: on another path, or unrelated. */
    for (size_t v = 0; v < bd->n; v++) {
        bool other = false;

        if (bd->nodes[v].store || on_path(best->nodes, best->n, v))
            continue;
        for (size_t k = 0; k < nall && !other; k++)
            other = on_path(all[k].nodes, all[k].n, v);
        if (!other)
            CERT_TRY(note(c, CERT_NOTE_UNRELATED, bd->nodes[v].item));
        else if (not_after(bd->nodes[v].x) < bd->now)
            CERT_TRY(note(c, CERT_NOTE_EXPIRED_CROSS, bd->nodes[v].item));
        else
            CERT_TRY(note(c, CERT_NOTE_ALT_PATH, bd->nodes[v].item));
    }

done:
    return err;
}

cert_err cert_chain_build(const cert_bundle *b, const cert_chain_opts *o, cert_chain **out)
{
    cert_err err = CERT_OK;
    builder bd;
    cert_chain *c = NULL;
    size_t *keys = NULL, nkeys = 0, leaf = 0, key = SIZE_MAX, best = 0;
    size_t path[MAX_DEPTH];
    cert_trust *trust;

    memset(&bd, 0, sizeof(bd));
    if (out != NULL)
        *out = NULL;
    if (out == NULL || b == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_chain_build: NULL argument");
    if (o == NULL)
        o = &default_opts;
    bd.b = b;
    bd.o = o;
    bd.now = cert__time_resolve(o->now);
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        CERT_NOMEM();
    c->bundle = b;
    c->key_item = SIZE_MAX;
    if (cert_bundle_cert_count(b) == 0)
        CERT_FAIL(CERT_E_INPUT, "%s: no certificate found; give the certificate too",
                  cert_bundle_input_count(b) ? cert_bundle_input_at(b, 0) : "input");
    trust = o->trust ? o->trust : cert_trust__default();
    if (trust != NULL) {
        bd.store = cert_trust__store(trust);
        bd.sctx = X509_STORE_CTX_new();
        if (bd.sctx == NULL || !X509_STORE_CTX_init(bd.sctx, bd.store, NULL, NULL))
            CERT_NOMEM();
    }
    /* Unique certificates, by DER. */
    for (size_t i = 0; i < cert_bundle_cert_count(b); i++) {
        const uint8_t *md = cert_bundle_cert_sha256(b, i);
        bool dup = false;
        size_t idx;

        for (size_t j = 0; j < bd.n && !dup; j++)
            dup = memcmp(cert_bundle_cert_sha256(b, bd.nodes[j].item), md, 32) == 0;
        if (dup)
            CERT_TRY(note(c, CERT_NOTE_DUPLICATE, i));
        else
            CERT_TRY(add_node(&bd, cert_bundle_cert_at(b, i), i, false, &idx));
    }
    /* Unique keys. */
    keys = calloc(cert_bundle_key_count(b) + 1, sizeof(*keys));
    if (keys == NULL)
        CERT_NOMEM();
    for (size_t i = 0; i < cert_bundle_key_count(b); i++) {
        bool dup = false;

        for (size_t j = 0; j < nkeys && !dup; j++)
            dup = EVP_PKEY_eq(cert_bundle_key_at(b, keys[j]), cert_bundle_key_at(b, i)) == 1;
        if (dup)
            CERT_TRY(note(c, CERT_NOTE_DUPLICATE_KEY, i));
        else
            keys[nkeys++] = i;
    }
    ERR_clear_error();
    CERT_TRY(pick_leaf(&bd, keys, nkeys, &leaf, &key));
    c->key_item = key;
    for (size_t k = 0; k < nkeys; k++) {
        if (keys[k] != key)
            CERT_TRY(note(c, CERT_NOTE_UNRELATED_KEY, keys[k]));
    }
    bd.paths = calloc(MAX_PATHS, sizeof(*bd.paths));
    if (bd.paths == NULL)
        CERT_NOMEM();
    path[0] = leaf;
    CERT_TRY(search(&bd, path, 1));
    if (bd.npaths == 0)
        record(&bd, path, 1, END_INCOMPLETE, false);
    for (size_t i = 1; i < bd.npaths; i++) {
        if (better(&bd, &bd.paths[i], &bd.paths[best]))
            best = i;
    }
    CERT_TRY(finish(&bd, c, &bd.paths[best], bd.paths, bd.npaths));
    *out = c;
    c = NULL;

done:
    for (size_t i = 0; i < bd.n; i++) {
        free(bd.nodes[i].in_iss);
        free(bd.nodes[i].st_iss);
        if (bd.nodes[i].store)
            X509_free(bd.nodes[i].x);
    }
    free(bd.nodes);
    free(bd.paths);
    free(keys);
    X509_STORE_CTX_free(bd.sctx);
    cert_chain_free(c);
    ERR_clear_error();
    return err;
}

void cert_chain_free(cert_chain *c)
{
    if (c == NULL)
        return;
    if (c->root_owned)
        X509_free(c->root);
    free(c->out);
    free(c->out_items);
    free(c->trust_reason);
    free(c->missing_issuer);
    free(c->notes);
    free(c);
}

const cert_bundle *cert_chain_bundle(const cert_chain *c)
{
    return c->bundle;
}

X509 *cert_chain_leaf(const cert_chain *c)
{
    return cert_bundle_cert_at(c->bundle, c->leaf_item);
}

size_t cert_chain_leaf_item(const cert_chain *c)
{
    return c->leaf_item;
}

EVP_PKEY *cert_chain_key(const cert_chain *c)
{
    return c->key_item == SIZE_MAX ? NULL : cert_bundle_key_at(c->bundle, c->key_item);
}

size_t cert_chain_key_item(const cert_chain *c)
{
    return c->key_item;
}

size_t cert_chain_count(const cert_chain *c)
{
    return c->nout;
}

X509 *cert_chain_at(const cert_chain *c, size_t i)
{
    return i < c->nout ? c->out[i] : NULL;
}

size_t cert_chain_item_at(const cert_chain *c, size_t i)
{
    return i < c->nout ? c->out_items[i] : SIZE_MAX;
}

X509 *cert_chain_root(const cert_chain *c)
{
    return c->root;
}

bool cert_chain_root_in_bundle(const cert_chain *c)
{
    return c->root != NULL && c->root_in_bundle;
}

cert_trust_status cert_chain_trust(const cert_chain *c)
{
    return c->trust;
}

const char *cert_chain_trust_reason(const cert_chain *c)
{
    return c->trust_reason ? c->trust_reason : "";
}

const char *cert_chain_missing_issuer(const cert_chain *c)
{
    return c->missing_issuer;
}

size_t cert_chain_note_count(const cert_chain *c)
{
    return c->nnotes;
}

const cert_chain_note *cert_chain_note_at(const cert_chain *c, size_t i)
{
    return i < c->nnotes ? &c->notes[i] : NULL;
}
