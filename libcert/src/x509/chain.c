/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Chain building: pick the leaf (chain_leaf.c), find every path from it to a root through the
 * bundle's certificates and the trust store (chain_issuers.c, chain_path.c), rank them, verify
 * them in that order until one validates (chain_check.c): backtracking over the candidates,
 * never past the bounds; then the result: the chosen path, the output chain, its trust, its
 * problems, the paths rejected before it, notes on what was left out, the accessors, and the
 * chain written as PEM.
 *
 * The input order is never used to decide anything.
 */
#include "libcert/chain.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "chain_int.h"
#include "util/buf.h"
#include "util/error_int.h"
#include "x509_int.h"

/* A path tried before the chosen one and rejected. */
typedef struct crejected {
    char *reason;
    X509 **certs; /* borrowed from the bundle, or held in cert_chain.owned */
    size_t n;
} crejected;

struct cert_chain {
    const cert_bundle *bundle;
    size_t leaf_item;
    size_t key_item;
    X509 **out;
    size_t *out_items;
    size_t nout;
    X509 *root;
    bool root_in_bundle;
    cert_trust_status trust;
    char *trust_reason;
    char *missing_issuer;
    cert_chain_note *notes;
    size_t nnotes, notes_cap;
    X509 **path; /* the chosen path, leaf first */
    size_t *path_items;
    size_t npath;
    cproblems problems; /* of the chosen path */
    crejected *rejected;
    size_t nrejected, rejected_cap;
    X509 **owned; /* references held: store certificates on the paths kept */
    size_t nowned, owned_cap;
    size_t counters[CERT_CHAIN_BOUNDED + 1];
    bool anchor_public;
};

static const cert_chain_opts default_opts = CERT_CHAIN_OPTS_INIT;

/* ---- result ---- */

static cert_err note(cert_chain *c, cert_chain_note_kind kind, size_t item)
{
    cert_err err = cert__array_reserve(&c->notes, &c->notes_cap, c->nnotes, 8, sizeof(*c->notes));

    if (err < 0)
        return err;
    c->notes[c->nnotes].kind = kind;
    c->notes[c->nnotes].item = item;
    c->nnotes++;
    return CERT_OK;
}

/* Node i's certificate, to keep past the build: a store certificate gets a reference. */
static cert_err keep(builder *bd, cert_chain *c, size_t i, X509 **out)
{
    cert_err err;

    *out = bd->nodes[i].x;
    if (!bd->nodes[i].store)
        return CERT_OK;
    err = cert__array_reserve(&c->owned, &c->owned_cap, c->nowned, 4, sizeof(*c->owned));
    if (err < 0)
        return err;
    if (!X509_up_ref(bd->nodes[i].x))
        return cert__error_nomem();
    c->owned[c->nowned++] = bd->nodes[i].x;
    return CERT_OK;
}

static void add_out(cert_chain *c, X509 *x, size_t item)
{
    c->out[c->nout] = x;
    c->out_items[c->nout] = item;
    c->nout++;
}

/* The chosen path, and the output chain: the path's intermediates, then its root when
 * opts->with_root. */
static cert_err take_path(builder *bd, cert_chain *c, const cpath *best)
{
    cert_err err;
    size_t top = best->n - 1;
    bool top_is_root = cert_chain__path_top_is_root(bd, best);
    size_t last_inter = top_is_root ? top : best->n; /* exclusive end of the intermediates */

    if (top == 0)
        last_inter = 1; /* a self-signed leaf has no chain */
    c->leaf_item = bd->nodes[best->nodes[0]].item;
    c->path = calloc(best->n, sizeof(*c->path));
    c->path_items = calloc(best->n, sizeof(*c->path_items));
    c->out = calloc(best->n, sizeof(*c->out));
    c->out_items = calloc(best->n, sizeof(*c->out_items));
    if (c->path == NULL || c->path_items == NULL || c->out == NULL || c->out_items == NULL)
        return cert__error_nomem();
    for (size_t i = 0; i < best->n; i++) {
        err = keep(bd, c, best->nodes[i], &c->path[i]);
        if (err < 0)
            return err;
        c->path_items[i] = bd->nodes[best->nodes[i]].item;
    }
    c->npath = best->n;
    for (size_t i = 1; i < last_inter; i++) {
        if (!bd->nodes[best->nodes[i]].store) /* an intermediate trusted as an anchor is not sent */
            add_out(c, c->path[i], c->path_items[i]);
    }
    if (!top_is_root || top == 0)
        return CERT_OK;
    c->root = c->path[top];
    c->root_in_bundle = !bd->nodes[best->nodes[top]].store;
    if (bd->o->with_root)
        add_out(c, c->path[top], c->path_items[top]);
    else if (c->root_in_bundle)
        return note(c, CERT_NOTE_ROOT_OMITTED, c->path_items[top]);
    return CERT_OK;
}

/* A path tried and rejected, with the first reason against it. */
static cert_err reject(builder *bd, cert_chain *c, const cpath *p, const cproblem *why,
                       const char *trust_detail)
{
    cert_err err =
        cert__array_reserve(&c->rejected, &c->rejected_cap, c->nrejected, 4, sizeof(*c->rejected));
    crejected *r;

    if (err < 0)
        return err;
    r = &c->rejected[c->nrejected];
    memset(r, 0, sizeof(*r));
    r->certs = calloc(p->n, sizeof(*r->certs));
    if (r->certs == NULL)
        return cert__error_nomem();
    c->nrejected++;
    for (size_t i = 0; i < p->n; i++) {
        err = keep(bd, c, p->nodes[i], &r->certs[i]);
        if (err < 0)
            return err;
    }
    r->n = p->n;
    if (why != NULL)
        err = asprintf(&r->reason, "%s: %s", why->code, why->msg) < 0 ? CERT_E_NOMEM : CERT_OK;
    else
        err = asprintf(&r->reason, "chain.untrusted: %s",
                       trust_detail ? trust_detail : "not trusted") < 0
                  ? CERT_E_NOMEM
                  : CERT_OK;
    if (err < 0) {
        r->reason = NULL;
        return cert__error_nomem();
    }
    return CERT_OK;
}

/* The verdict of the chosen path, and its problems for the checks. */
static void take_verdict(cert_chain *c, cproblems *pr, cert_trust_status trust, char *detail)
{
    c->trust = trust;
    if (trust == CERT_TRUST_INCOMPLETE)
        c->missing_issuer = detail;
    else
        c->trust_reason = detail;
    c->problems = *pr;
    memset(pr, 0, sizeof(*pr));
}

/*
 * Try the paths in rank order; the first that validates is the chain. Only a path that reaches
 * a trust anchor can validate, so the trial stops at the first that does not; when none
 * validates, the best-ranked is the chain, and the others that were tried are kept as rejected.
 */
static cert_err choose(builder *bd, cert_chain *c, const size_t *order, size_t *chosen_out)
{
    cert_err err = CERT_OK;
    cproblems pr, first;
    cert_trust_status trust = CERT_TRUST_INCOMPLETE, first_trust = CERT_TRUST_INCOMPLETE;
    char *detail = NULL, *first_detail = NULL;
    const cproblem *why;
    size_t k;

    memset(&pr, 0, sizeof(pr));
    memset(&first, 0, sizeof(first));
    for (k = 0; k < bd->npaths && bd->paths[order[k]].trusted; k++) {
        const cpath *p = &bd->paths[order[k]];

        CERT_TRY(cert_chain__path_check(bd, p, &pr, &trust, &detail));
        if (cert_chain__path_passes(&pr, trust, &why)) {
            *chosen_out = order[k];
            take_verdict(c, &pr, trust, detail);
            detail = NULL;
            goto done;
        }
        CERT_TRY(reject(bd, c, p, why, detail));
        if (k == 0) {
            first = pr;
            first_trust = trust;
            first_detail = detail;
            memset(&pr, 0, sizeof(pr));
        } else {
            cert_chain__problems_clear(&pr);
            free(detail);
        }
        detail = NULL;
    }
    /* None validates: the best-ranked path is the chain, and the others tried stay rejected. */
    *chosen_out = order[0];
    if (k == 0) {
        CERT_TRY(
            cert_chain__path_check(bd, &bd->paths[order[0]], &first, &first_trust, &first_detail));
    } else {
        free(c->rejected[0].reason);
        free(c->rejected[0].certs);
        memmove(c->rejected, c->rejected + 1, (c->nrejected - 1) * sizeof(*c->rejected));
        c->nrejected--;
    }
    take_verdict(c, &first, first_trust, first_detail);
    first_detail = NULL;

done:
    cert_chain__problems_clear(&pr);
    cert_chain__problems_clear(&first);
    free(detail);
    free(first_detail);
    return err;
}

/* Input order: the path's certificates should appear leaf first, then each issuer. */
static cert_err note_input_order(builder *bd, cert_chain *c, const cpath *best)
{
    size_t prev = 0;
    bool first = true;

    for (size_t i = 0; i < best->n; i++) {
        size_t it = bd->nodes[best->nodes[i]].item;

        if (it == SIZE_MAX)
            continue;
        if (!first && it < prev)
            return note(c, CERT_NOTE_INPUT_ORDER, SIZE_MAX);
        prev = it;
        first = false;
    }
    return CERT_OK;
}

/* Which bundle certificates the leaf reaches through issuer links, however long the path: a
 * certificate past the depth limit or a bound is the leaf's, not unrelated. */
static cert_err reachable(builder *bd, size_t leaf, bool *reach)
{
    size_t *queue = calloc(bd->n, sizeof(*queue)), head = 0, tail = 0;
    cert_err err = CERT_OK;

    if (queue == NULL)
        return cert__error_nomem();
    reach[leaf] = true;
    queue[tail++] = leaf;
    while (head < tail && err == CERT_OK) {
        size_t v = queue[head++];

        if (bd->nodes[v].store || cert_chain__self_signed(bd, v))
            continue;
        err = cert_chain__input_issuers(bd, v);
        for (size_t k = 0; err == CERT_OK && k < bd->nodes[v].n_in_iss; k++) {
            size_t w = bd->nodes[v].in_iss[k];

            if (!reach[w]) {
                reach[w] = true;
                queue[tail++] = w;
            }
        }
    }
    free(queue);
    return err;
}

/* Every other bundle certificate: on another path, past the depth limit, or unrelated. */
static cert_err note_others(builder *bd, cert_chain *c, const cpath *best)
{
    cert_err err = CERT_OK;
    bool *reach = NULL;

    for (size_t v = 0; v < bd->n && err == CERT_OK; v++) {
        bool other = false;

        if (bd->nodes[v].store || cert_chain__on_path(best->nodes, best->n, v))
            continue;
        for (size_t k = 0; k < bd->npaths && !other; k++)
            other = cert_chain__on_path(bd->paths[k].nodes, bd->paths[k].n, v);
        if (!other) {
            if (reach == NULL) {
                reach = calloc(bd->n, sizeof(*reach));
                if (reach == NULL)
                    return cert__error_nomem();
                err = reachable(bd, best->nodes[0], reach);
                if (err < 0)
                    break;
            }
            if (!reach[v])
                err = note(c, CERT_NOTE_UNRELATED, bd->nodes[v].item);
        } else if (cert_chain__not_after(bd->nodes[v].x) < bd->now) {
            err = note(c, CERT_NOTE_EXPIRED_CROSS, bd->nodes[v].item);
        } else {
            err = note(c, CERT_NOTE_ALT_PATH, bd->nodes[v].item);
        }
    }
    free(reach);
    return err;
}

/* The bundle's certificates as nodes, each once (by DER); the repeats become notes. */
static cert_err unique_certs(builder *bd, cert_chain *c)
{
    cert_err err = CERT_OK;
    const cert_bundle *b = bd->b;

    for (size_t i = 0; i < cert_bundle_cert_count(b) && err == CERT_OK; i++) {
        const uint8_t *md = cert_bundle_cert_sha256(b, i);
        bool dup = false;
        size_t idx;

        for (size_t j = 0; j < bd->n && !dup; j++)
            dup = memcmp(cert_bundle_cert_sha256(b, bd->nodes[j].item), md, 32) == 0;
        if (dup)
            err = note(c, CERT_NOTE_DUPLICATE, i);
        else
            err = cert_chain__add_node(bd, cert_bundle_cert_at(b, i), i, false, &idx);
    }
    return err;
}

/* The bundle's keys, each once, as indices into keys (room for every key); the repeats become
 * notes. */
static cert_err unique_keys(const cert_bundle *b, cert_chain *c, size_t *keys, size_t *nkeys_out)
{
    cert_err err = CERT_OK;
    size_t nkeys = 0;

    for (size_t i = 0; i < cert_bundle_key_count(b) && err == CERT_OK; i++) {
        bool dup = false;

        for (size_t j = 0; j < nkeys && !dup; j++)
            dup = EVP_PKEY_eq(cert_bundle_key_at(b, keys[j]), cert_bundle_key_at(b, i)) == 1;
        if (dup)
            err = note(c, CERT_NOTE_DUPLICATE_KEY, i);
        else
            keys[nkeys++] = i;
    }
    ERR_clear_error();
    *nkeys_out = nkeys;
    return err;
}

/* Leaf and key, then every path from the leaf; the first that validates becomes the chain. */
static cert_err build(builder *bd, cert_chain *c)
{
    cert_err err = CERT_OK;
    size_t *keys = NULL, *order = NULL, nkeys = 0, leaf = 0, key = SIZE_MAX, chosen = 0;
    const cpath *best;

    keys = calloc(cert_bundle_key_count(bd->b) + 1, sizeof(*keys));
    if (keys == NULL)
        CERT_NOMEM();
    CERT_TRY(unique_keys(bd->b, c, keys, &nkeys));
    CERT_TRY(cert_chain__pick_leaf(bd, keys, nkeys, &leaf, &key));
    c->key_item = key;
    for (size_t k = 0; k < nkeys; k++) {
        if (keys[k] != key)
            CERT_TRY(note(c, CERT_NOTE_UNRELATED_KEY, keys[k]));
    }
    CERT_TRY(cert_chain__paths_find(bd, leaf));
    order = calloc(bd->npaths, sizeof(*order));
    if (order == NULL)
        CERT_NOMEM();
    cert_chain__paths_rank(bd, order);
    CERT_TRY(choose(bd, c, order, &chosen));
    best = &bd->paths[chosen];
    c->anchor_public =
        bd->system_store && best->trusted &&
        cert_trust__anchor_public(bd->trust, cert_chain__node_cert(bd, best->nodes[best->n - 1]));
    CERT_TRY(take_path(bd, c, best));
    CERT_TRY(note_input_order(bd, c, best));
    CERT_TRY(note_others(bd, c, best));
    c->counters[CERT_CHAIN_PATHS_FOUND] = bd->npaths;
    c->counters[CERT_CHAIN_PATHS_TRIED] = bd->tried;
    c->counters[CERT_CHAIN_SIG_CHECKS] = bd->sigs;
    c->counters[CERT_CHAIN_CANDIDATES] = bd->candidates;
    c->counters[CERT_CHAIN_STEPS] = bd->steps;
    c->counters[CERT_CHAIN_BOUNDED] = bd->bounded;

done:
    free(keys);
    free(order);
    return err;
}

/* The caller's options over the defaults: only the members its version has (docs/ABI.md). */
static cert_err opts_resolve(const cert_chain_opts *in, cert_chain_opts *out)
{
    *out = default_opts;
    if (in == NULL)
        return CERT_OK;
    if (in->version < 1 || in->version > CERT_CHAIN_OPTS_VERSION)
        return cert__error_set(CERT_E_INVALID,
                               "cert_chain_opts version %u: this libcert knows 1 to %d (the "
                               "caller was built against another libcert)",
                               in->version, CERT_CHAIN_OPTS_VERSION);
    out->leaf = in->leaf;
    out->preferred_chain = in->preferred_chain;
    out->with_root = in->with_root;
    out->trust = in->trust;
    out->now = in->now;
    if (in->version >= 2) {
        out->crls = in->crls;
        out->max_depth = in->max_depth == 0 ? CERT_CHAIN_DEPTH_DEFAULT : in->max_depth;
    }
    if (out->max_depth > CERT_CHAIN_DEPTH_MAX)
        return cert__error_set(CERT_E_INVALID, "max_depth %u: at most %d certificates a path",
                               out->max_depth, CERT_CHAIN_DEPTH_MAX);
    return CERT_OK;
}

cert_err cert_chain_build(const cert_bundle *b, const cert_chain_opts *opts, cert_chain **out)
{
    cert_err err = CERT_OK;
    builder bd;
    cert_chain_opts o;
    cert_chain *c = NULL;

    memset(&bd, 0, sizeof(bd));
    if (out != NULL)
        *out = NULL;
    if (out == NULL || b == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_chain_build: NULL argument");
    CERT_TRY(opts_resolve(opts, &o));
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        CERT_NOMEM();
    c->bundle = b;
    c->key_item = SIZE_MAX;
    if (cert_bundle_cert_count(b) == 0)
        CERT_FAIL(CERT_E_INPUT, "%s: no certificate found; give the certificate too",
                  cert_bundle_input_count(b) ? cert_bundle_input_at(b, 0) : "input");
    CERT_TRY(cert_chain__builder_init(&bd, b, &o));
    CERT_TRY(unique_certs(&bd, c));
    CERT_TRY(build(&bd, c));
    *out = c;
    c = NULL;

done:
    cert_chain__builder_clear(&bd);
    cert_chain_free(c);
    ERR_clear_error();
    return err;
}

void cert_chain_free(cert_chain *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->nowned; i++)
        X509_free(c->owned[i]);
    for (size_t i = 0; i < c->nrejected; i++) {
        free(c->rejected[i].reason);
        free(c->rejected[i].certs);
    }
    cert_chain__problems_clear(&c->problems);
    free(c->rejected);
    free(c->owned);
    free(c->path);
    free(c->path_items);
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

const char *cert_trust_status_name(cert_trust_status s)
{
    static const char *names[] = {"trusted", "incomplete", "untrusted", "too_long", "loop"};

    return (size_t)s < sizeof(names) / sizeof(names[0]) ? names[s] : "unknown";
}

const char *cert_chain_trust_reason(const cert_chain *c)
{
    return c->trust_reason ? c->trust_reason : "";
}

const char *cert_chain_missing_issuer(const cert_chain *c)
{
    return c->missing_issuer;
}

size_t cert_chain_path_length(const cert_chain *c)
{
    return c->npath;
}

X509 *cert_chain_path_at(const cert_chain *c, size_t i)
{
    return i < c->npath ? c->path[i] : NULL;
}

size_t cert_chain_path_item_at(const cert_chain *c, size_t i)
{
    return i < c->npath ? c->path_items[i] : SIZE_MAX;
}

size_t cert_chain_rejected_count(const cert_chain *c)
{
    return c->nrejected;
}

const char *cert_chain_rejected_reason(const cert_chain *c, size_t i)
{
    return i < c->nrejected ? c->rejected[i].reason : NULL;
}

size_t cert_chain_rejected_length(const cert_chain *c, size_t i)
{
    return i < c->nrejected ? c->rejected[i].n : 0;
}

X509 *cert_chain_rejected_cert(const cert_chain *c, size_t i, size_t j)
{
    return i < c->nrejected && j < c->rejected[i].n ? c->rejected[i].certs[j] : NULL;
}

size_t cert_chain_counter(const cert_chain *c, cert_chain_counter_kind kind)
{
    return (unsigned)kind <= CERT_CHAIN_BOUNDED ? c->counters[kind] : 0;
}

size_t cert_chain_note_count(const cert_chain *c)
{
    return c->nnotes;
}

const cert_chain_note *cert_chain_note_at(const cert_chain *c, size_t i)
{
    return i < c->nnotes ? &c->notes[i] : NULL;
}

size_t cert_chain__problem_count(const cert_chain *c)
{
    return c->problems.n;
}

const char *cert_chain__problem_at(const cert_chain *c, size_t i, size_t *item_out,
                                   const char **msg_out)
{
    const cproblem *p;

    if (i >= c->problems.n)
        return NULL;
    p = &c->problems.v[i];
    *item_out = p->depth < c->npath ? c->path_items[p->depth] : SIZE_MAX;
    *msg_out = p->msg;
    return p->code;
}

bool cert_chain__anchor_public(const cert_chain *c)
{
    return c->anchor_public;
}

/* ---- the chain as PEM ---- */

cert_err cert_chain__write_pem_bio(const cert_chain *c, bool with_root, BIO *bio)
{
    for (size_t i = 0; i < c->nout; i++) {
        if (!with_root && c->out[i] == c->root)
            continue;
        if (!PEM_write_bio_X509(bio, c->out[i]))
            return cert__error_openssl(CERT_E_INTERNAL, "cannot encode a certificate");
    }
    return CERT_OK;
}

cert_err cert_chain_write_pem(const cert_chain *c, bool with_root, char **out, size_t *len_out)
{
    cert_err err = CERT_OK;
    BIO *bio = NULL;

    if (out != NULL)
        *out = NULL;
    if (len_out != NULL)
        *len_out = 0;
    if (c == NULL || out == NULL || len_out == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_chain_write_pem: NULL argument");
    bio = BIO_new(BIO_s_mem());
    if (bio == NULL)
        CERT_NOMEM();
    CERT_TRY(cert_chain__write_pem_bio(c, with_root, bio));
    CERT_TRY(cert__bio_dup(bio, out, len_out));

done:
    BIO_free(bio);
    return err;
}
