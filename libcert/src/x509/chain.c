/*
 * Chain building: pick the leaf (chain_leaf.c), find every path from it to a root through the
 * bundle's certificates and the trust store (chain_issuers.c, chain_path.c), choose one, verify
 * it; then the result: the output chain, its trust, notes on what was left out, the accessors,
 * and the chain written as PEM.
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

static void add_out(cert_chain *c, const cnode *nd)
{
    c->out[c->nout] = nd->x;
    c->out_items[c->nout] = nd->item;
    c->nout++;
}

/* The output chain: the path's intermediates, then its root when opts->with_root. */
static cert_err take_path(builder *bd, cert_chain *c, const cpath *best)
{
    size_t top = best->n - 1;
    bool top_is_root = cert_chain__path_top_is_root(bd, best);
    size_t last_inter = top_is_root ? top : best->n; /* exclusive end of the intermediates */
    const cnode *nd;

    if (top == 0)
        last_inter = 1; /* a self-signed leaf has no chain */
    c->leaf_item = bd->nodes[best->nodes[0]].item;
    c->out = calloc(best->n, sizeof(*c->out));
    c->out_items = calloc(best->n, sizeof(*c->out_items));
    if (c->out == NULL || c->out_items == NULL)
        return cert__error_nomem();
    for (size_t i = 1; i < last_inter; i++) {
        nd = &bd->nodes[best->nodes[i]];
        if (!nd->store) /* an intermediate trusted as an anchor is not sent */
            add_out(c, nd);
    }
    if (!top_is_root || top == 0)
        return CERT_OK;
    nd = &bd->nodes[best->nodes[top]];
    c->root = nd->x;
    c->root_in_bundle = !nd->store;
    if (nd->store) {
        if (!X509_up_ref(nd->x))
            return cert__error_nomem();
        c->root_owned = true;
    }
    if (bd->o->with_root)
        add_out(c, nd);
    else if (!nd->store)
        return note(c, CERT_NOTE_ROOT_OMITTED, nd->item);
    return CERT_OK;
}

static cert_err take_trust(builder *bd, cert_chain *c, const cpath *best)
{
    char *detail = NULL;
    cert_err err = cert_chain__path_verify(bd, best, &c->trust, &detail);

    if (c->trust == CERT_TRUST_INCOMPLETE)
        c->missing_issuer = detail;
    else
        c->trust_reason = detail;
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

/* Every other bundle certificate: on another path, or unrelated. */
static cert_err note_others(builder *bd, cert_chain *c, const cpath *best)
{
    cert_err err = CERT_OK;

    for (size_t v = 0; v < bd->n && err == CERT_OK; v++) {
        bool other = false;

        if (bd->nodes[v].store || cert_chain__on_path(best->nodes, best->n, v))
            continue;
        for (size_t k = 0; k < bd->npaths && !other; k++)
            other = cert_chain__on_path(bd->paths[k].nodes, bd->paths[k].n, v);
        if (!other)
            err = note(c, CERT_NOTE_UNRELATED, bd->nodes[v].item);
        else if (cert_chain__not_after(bd->nodes[v].x) < bd->now)
            err = note(c, CERT_NOTE_EXPIRED_CROSS, bd->nodes[v].item);
        else
            err = note(c, CERT_NOTE_ALT_PATH, bd->nodes[v].item);
    }
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

/* Leaf and key, then every path from the leaf; the best becomes the chain. */
static cert_err build(builder *bd, cert_chain *c)
{
    cert_err err = CERT_OK;
    size_t *keys = NULL, nkeys = 0, leaf = 0, key = SIZE_MAX;
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
    best = &bd->paths[cert_chain__path_best(bd)];
    CERT_TRY(take_path(bd, c, best));
    CERT_TRY(take_trust(bd, c, best));
    CERT_TRY(note_input_order(bd, c, best));
    CERT_TRY(note_others(bd, c, best));

done:
    free(keys);
    return err;
}

cert_err cert_chain_build(const cert_bundle *b, const cert_chain_opts *o, cert_chain **out)
{
    cert_err err = CERT_OK;
    builder bd;
    cert_chain *c = NULL;

    memset(&bd, 0, sizeof(bd));
    if (out != NULL)
        *out = NULL;
    if (out == NULL || b == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_chain_build: NULL argument");
    if (o == NULL)
        o = &default_opts;
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        CERT_NOMEM();
    c->bundle = b;
    c->key_item = SIZE_MAX;
    if (cert_bundle_cert_count(b) == 0)
        CERT_FAIL(CERT_E_INPUT, "%s: no certificate found; give the certificate too",
                  cert_bundle_input_count(b) ? cert_bundle_input_at(b, 0) : "input");
    CERT_TRY(cert_chain__builder_init(&bd, b, o));
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
