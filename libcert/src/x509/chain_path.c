/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Path search: every path from the leaf up through the bundle's certificates and the trust
 * store, bounded so that hostile inputs stay cheap (opts->max_depth certificates a path, and
 * CERT_CHAIN_LIMIT_* paths, steps, issuer candidates and signature checks a build); and their
 * ranking (trusted, preferred issuer, unexpired, shortest). Verifying one is chain_check.c's.
 *
 * The search is a depth-first walk over the issuer lists of chain_issuers.c. A path ends at a
 * trust anchor of the store, at a self-signed certificate, where no issuer is known
 * (incomplete), where the depth limit is reached with issuers still above (too long), or where
 * every issuer is already on the path (a loop): the last two are told apart so that the report
 * says what happened instead of "add that intermediate".
 */
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "chain_int.h"
#include "util/buf.h"
#include "util/error_int.h"
#include "x509_int.h"

int64_t cert_chain__not_after(const X509 *x)
{
    int64_t nb, na;

    return cert__x509_validity(x, &nb, &na) ? na : INT64_MIN;
}

bool cert_chain__on_path(const size_t *path, size_t n, size_t v)
{
    for (size_t i = 0; i < n; i++) {
        if (path[i] == v)
            return true;
    }
    return false;
}

/* ---- search ---- */

static cert_err record(builder *bd, const size_t *path, size_t n, path_end end, bool trusted)
{
    cert_err err;
    cpath *p;

    if (bd->npaths >= CERT_CHAIN_LIMIT_PATHS) {
        bd->bounded = true;
        return CERT_OK;
    }
    err = cert__array_reserve(&bd->paths, &bd->paths_cap, bd->npaths, 4, sizeof(*bd->paths));
    if (err < 0)
        return err;
    p = &bd->paths[bd->npaths++];
    memcpy(p->nodes, path, n * sizeof(*path));
    p->n = n;
    p->end = end;
    p->trusted = trusted;
    return CERT_OK;
}

static cert_err search(builder *bd, size_t *path, size_t n)
{
    size_t c = path[n - 1], nissuers, extended = 0, looped = 0;
    cert_err err;

    if (bd->npaths >= CERT_CHAIN_LIMIT_PATHS || bd->steps >= CERT_CHAIN_LIMIT_STEPS) {
        bd->bounded = true;
        return CERT_OK;
    }
    bd->steps++;
    if (bd->nodes[c].store)
        return record(bd, path, n, END_ANCHOR, true);
    if (cert_chain__self_signed(bd, c))
        return record(bd, path, n, END_SELF, cert_chain__twin(bd, c) != NULL);
    err = cert_chain__input_issuers(bd, c);
    if (err < 0)
        return err;
    err = cert_chain__store_issuers(bd, c);
    if (err < 0)
        return err;
    nissuers = bd->nodes[c].n_in_iss + bd->nodes[c].n_st_iss;
    for (size_t k = 0; k < nissuers; k++) {
        /* Read the lists through bd->nodes each time: the recursion may add store nodes and
         * move the array. */
        size_t v = k < bd->nodes[c].n_in_iss ? bd->nodes[c].in_iss[k]
                                             : bd->nodes[c].st_iss[k - bd->nodes[c].n_in_iss];

        if (cert_chain__on_path(path, n, v)) {
            looped++;
            continue;
        }
        extended++;
        if (n >= bd->max_depth)
            continue; /* the path would go on: too long, recorded below */
        path[n] = v;
        err = search(bd, path, n + 1);
        if (err < 0)
            return err;
    }
    if (extended > 0 && n >= bd->max_depth)
        return record(bd, path, n, END_DEPTH, false);
    if (extended == 0)
        return record(bd, path, n, looped > 0 ? END_LOOP : END_INCOMPLETE, false);
    return CERT_OK;
}

cert_err cert_chain__paths_find(builder *bd, size_t leaf)
{
    size_t path[CERT_CHAIN_DEPTH_MAX];
    cert_err err;

    path[0] = leaf;
    err = search(bd, path, 1);
    if (err < 0)
        return err;
    if (bd->npaths == 0) {
        bd->bounded = true; /* bounded before the first path: say the leaf alone is incomplete */
        err = cert__array_reserve(&bd->paths, &bd->paths_cap, 0, 1, sizeof(*bd->paths));
        if (err < 0)
            return err;
        bd->paths[0].nodes[0] = leaf;
        bd->paths[0].n = 1;
        bd->paths[0].end = END_INCOMPLETE;
        bd->paths[0].trusted = false;
        bd->npaths = 1;
    }
    return CERT_OK;
}

/* ---- ranking ---- */

bool cert_chain__path_top_is_root(builder *bd, const cpath *p)
{
    return p->end == END_SELF ||
           (p->end == END_ANCHOR && cert_chain__self_signed(bd, p->nodes[p->n - 1]));
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
    if (p->end == END_ANCHOR && top > 0 && cert_chain__self_signed(bd, p->nodes[top]))
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
        if (cert_chain__not_after(nd->x) < bd->now)
            return true;
    }
    return false;
}

/* Length counted without a self-signed top, so that "anchored in the store" and "root in the
 * bundle" compare by their intermediates. */
static size_t path_len(builder *bd, const cpath *p)
{
    size_t n = p->n;

    if (n > 1 && (p->end == END_SELF || cert_chain__self_signed(bd, p->nodes[n - 1])))
        n--;
    return n;
}

static int path_class(const cpath *p)
{
    if (p->trusted)
        return 0;
    switch (p->end) {
    case END_SELF:
    case END_ANCHOR:
        return 1;
    case END_DEPTH:
        return 2;
    case END_LOOP:
        return 3;
    case END_INCOMPLETE:
        break;
    }
    return 4;
}

bool cert_chain__path_better(builder *bd, const cpath *a, const cpath *b)
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

void cert_chain__paths_rank(builder *bd, size_t *order)
{
    /* Insertion sort: at most CERT_CHAIN_LIMIT_PATHS, stable, and one path costs nothing. */
    for (size_t i = 0; i < bd->npaths; i++) {
        size_t j = i;

        order[i] = i;
        while (j > 0 &&
               cert_chain__path_better(bd, &bd->paths[order[j]], &bd->paths[order[j - 1]])) {
            size_t t = order[j];

            order[j] = order[j - 1];
            order[j - 1] = t;
            j--;
        }
    }
}
