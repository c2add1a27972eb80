/*
 * Path search: every path from the leaf up through the bundle's certificates and the trust
 * store, bounded so that hostile inputs stay cheap; their ranking (trusted, preferred issuer,
 * unexpired, shortest); and the verification of one path with OpenSSL's verifier.
 */
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chain_int.h"
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

static void record(builder *bd, const size_t *path, size_t n, path_end end, bool trusted)
{
    cpath *p;

    if (bd->npaths >= CERT_CHAIN_MAX_PATHS)
        return;
    p = &bd->paths[bd->npaths++];
    memcpy(p->nodes, path, n * sizeof(*path));
    p->n = n;
    p->end = end;
    p->trusted = trusted;
}

static cert_err search(builder *bd, size_t *path, size_t n)
{
    size_t c = path[n - 1];
    bool extended = false;
    cert_err err;

    if (++bd->steps > CERT_CHAIN_MAX_STEPS || bd->npaths >= CERT_CHAIN_MAX_PATHS)
        return CERT_OK;
    if (bd->nodes[c].store) {
        record(bd, path, n, END_ANCHOR, true);
        return CERT_OK;
    }
    if (cert_chain__self_signed(bd, c)) {
        record(bd, path, n, END_SELF, cert_chain__in_store(bd, bd->nodes[c].x));
        return CERT_OK;
    }
    err = cert_chain__input_issuers(bd, c);
    if (err < 0)
        return err;
    err = cert_chain__store_issuers(bd, c);
    if (err < 0)
        return err;
    if (n < CERT_CHAIN_MAX_DEPTH) {
        cnode *nd = &bd->nodes[c];

        /* Copy the lists: the recursion may add store nodes and move bd->nodes. */
        for (size_t k = 0; k < nd->n_in_iss + nd->n_st_iss; k++) {
            size_t v = k < bd->nodes[c].n_in_iss ? bd->nodes[c].in_iss[k]
                                                 : bd->nodes[c].st_iss[k - bd->nodes[c].n_in_iss];

            if (cert_chain__on_path(path, n, v))
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

cert_err cert_chain__paths_find(builder *bd, size_t leaf)
{
    size_t path[CERT_CHAIN_MAX_DEPTH];
    cert_err err;

    bd->paths = calloc(CERT_CHAIN_MAX_PATHS, sizeof(*bd->paths));
    if (bd->paths == NULL)
        return cert__error_nomem();
    path[0] = leaf;
    err = search(bd, path, 1);
    if (err < 0)
        return err;
    if (bd->npaths == 0)
        record(bd, path, 1, END_INCOMPLETE, false);
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
    return p->end == END_INCOMPLETE ? 2 : 1;
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

size_t cert_chain__path_best(builder *bd)
{
    size_t best = 0;

    for (size_t i = 1; i < bd->npaths; i++) {
        if (cert_chain__path_better(bd, &bd->paths[i], &bd->paths[best]))
            best = i;
    }
    return best;
}

/* ---- verification ---- */

/*
 * The signature step of X509_verify_cert(), replaced (X509_STORE_CTX_set_verify): the path
 * search has already checked every link's signature, so only a link it did not see is checked
 * here. Validity times are the checks' business (with --at), not the verifier's. Everything else
 * X509_verify_cert() does (trust, CA flags, path length, name constraints, critical extensions)
 * runs as usual.
 */
static int verify_links(X509_STORE_CTX *ctx)
{
    const builder *bd = X509_STORE_CTX_get_app_data(ctx);
    STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
    int n = sk_X509_num(chain);

    for (int i = 0; i + 1 < n; i++) {
        X509 *child = sk_X509_value(chain, i), *parent = sk_X509_value(chain, i + 1);

        if (!cert_chain__link_known(bd, parent, child) &&
            X509_verify(child, X509_get0_pubkey(parent)) != 1) {
            X509_STORE_CTX_set_error_depth(ctx, i);
            X509_STORE_CTX_set_current_cert(ctx, child);
            X509_STORE_CTX_set_error(ctx, X509_V_ERR_CERT_SIGNATURE_FAILURE);
            return 0;
        }
    }
    return 1;
}

/* A path that ends at a trust anchor, through OpenSSL's verifier. */
static cert_err verify_anchored(builder *bd, const cpath *p, cert_trust_status *trust_out,
                                char **detail_out)
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
        *trust_out = CERT_TRUST_OK;
    } else {
        X509 *at = X509_STORE_CTX_get_current_cert(ctx);

        *trust_out = CERT_TRUST_UNTRUSTED;
        snprintf(reason, sizeof(reason), "%s%s%s",
                 X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)), at ? " at " : "",
                 at ? cert__name_string(X509_get_subject_name(at), subj, sizeof(subj)) : "");
        *detail_out = strdup(reason);
        if (*detail_out == NULL)
            CERT_NOMEM();
    }

done:
    ERR_clear_error();
    sk_X509_free(untrusted);
    X509_STORE_CTX_free(ctx);
    return err;
}

cert_err cert_chain__path_verify(builder *bd, const cpath *p, cert_trust_status *trust_out,
                                 char **detail_out)
{
    X509 *top = bd->nodes[p->nodes[p->n - 1]].x;
    char name[600], subj[500];

    *detail_out = NULL;
    if (p->end == END_INCOMPLETE) {
        *trust_out = CERT_TRUST_INCOMPLETE;
        *detail_out = strdup(cert__name_string(X509_get_issuer_name(top), name, sizeof(name)));
    } else if (!p->trusted) {
        *trust_out = CERT_TRUST_UNTRUSTED;
        snprintf(name, sizeof(name), "the root %s is not in the trust store",
                 cert__name_string(X509_get_subject_name(top), subj, sizeof(subj)));
        *detail_out = strdup(name);
    } else {
        return verify_anchored(bd, p, trust_out, detail_out);
    }
    return *detail_out != NULL ? CERT_OK : cert__error_nomem();
}
