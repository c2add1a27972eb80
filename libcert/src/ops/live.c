/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What is really served: resolution and TLS handshakes to every address (net/), what each
 * served judged by libcert's own chain code and compared with what was expected, for
 * certcheck --connect, --distribution --live and certrotate --verify-live. The handshakes of a
 * run go at once, bounded like --jobs, so twenty aliases cost about one handshake.
 *
 * This file holds the engine of a run, the names of an alias, one handshake and many names at
 * once; the entry points are live_connect.c (certcheck --connect) and live_dist.c (the aliases
 * of distributions: certcheck --distribution --dns/--live, certrotate --verify-live).
 */
#include "libcert/live.h"

#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/net_int.h"
#include "ops/live_int.h"
#include "util/buf.h"
#include "util/error_int.h"
#include "util/pool.h"
#include "x509/x509_int.h"

cert_err cert_live__engine_init(live_engine *e, const cert_live_opts *o, const cert_report_opts *ro)
{
    cert_resolver_opts rop = CERT_RESOLVER_OPTS_INIT;

    memset(e, 0, sizeof(*e));
    e->o = o;
    e->ro = ro;
    rop.pins = o->resolve;
    rop.pin_count = o->resolve_count;
    rop.server = o->dns_server;
    cert_ops__progress_init(&e->progress, o->progress, o->progress_ud);
    pthread_mutex_init(&e->mu, NULL);
    return cert_resolver_new(&rop, &e->resolver);
}

void cert_live__engine_fini(live_engine *e)
{
    cert_resolver_free(e->resolver);
    free(e->chains);
    pthread_mutex_destroy(&e->mu);
    cert_ops__progress_fini(&e->progress);
    memset(e, 0, sizeof(*e));
}

static void sha256_hex(X509 *x, char out[65])
{
    uint8_t md[32];
    unsigned int len = 0;

    out[0] = '\0';
    if (x != NULL && X509_digest(x, EVP_sha256(), md, &len) && len == 32)
        cert__hex32(md, out);
}

void cert_live__expect(live_engine *e, X509 *leaf, const char *label)
{
    e->expected = leaf;
    e->expected_label = label;
    sha256_hex(leaf, e->expected_sha256);
}

/* ---- the names of an alias ---- */

static bool is_wildcard(const char *name)
{
    return name[0] == '*' && name[1] == '.';
}

/* Whether a wildcard alias ("*.example.com") covers host: exactly one more label (RFC 6125
 * 6.4.3, as CloudFront matches a wildcard alternate domain name). */
static bool wildcard_covers(const char *wild, const char *host)
{
    const char *rest = wild + 1, *dot = strchr(host, '.');
    size_t hl = strlen(host);

    if (hl > 0 && host[hl - 1] == '.')
        hl--;
    return dot != NULL && dot != host && (size_t)(dot - host) < hl &&
           strlen(rest) == hl - (size_t)(dot - host) &&
           strncasecmp(dot, rest, hl - (size_t)(dot - host)) == 0;
}

static cert_err push_name(cert_live_name ***v, size_t *n, const char *alias, const char *name,
                          bool stand_in)
{
    cert_live_name *x = calloc(1, sizeof(*x)), **nv;

    if (x == NULL || (x->alias = strdup(alias)) == NULL || (x->name = strdup(name)) == NULL ||
        (nv = realloc(*v, (*n + 1) * sizeof(*nv))) == NULL) {
        cert_live_name_free(x);
        return cert__error_nomem();
    }
    x->version = CERT_RESULTS_VERSION;
    x->stand_in = stand_in;
    nv[(*n)++] = x;
    *v = nv;
    return CERT_OK;
}

cert_err cert_live__names_for(const char *alias, const char *const *hosts, size_t nhosts,
                              cert_live_name ***v, size_t *n)
{
    size_t before = *n;
    char stand_in[300];
    cert_err err;

    if (!is_wildcard(alias))
        return push_name(v, n, alias, alias, false);
    /* SNI cannot carry a wildcard: a name the wildcard covers is checked instead, the --host
     * names first (the operator's own), else one made up. */
    for (size_t i = 0; i < nhosts; i++) {
        if (wildcard_covers(alias, hosts[i]) && (err = push_name(v, n, alias, hosts[i], false)) < 0)
            return err;
    }
    if (*n > before)
        return CERT_OK;
    snprintf(stand_in, sizeof(stand_in), LIVE_STAND_IN "%s", alias + 1);
    return push_name(v, n, alias, stand_in, true);
}

/* ---- what one handshake served ---- */

void cert_live__chain_facts(const cert_report *rep, X509 *const *sent, size_t nsent, live_chain *c)
{
    const cert_chain *chain = cert_report_chain(rep);

    c->trust = NULL;
    c->root_sent = false;
    c->extra = 0;
    for (size_t i = 0; i < nsent; i++)
        c->root_sent = c->root_sent || X509_check_issued(sent[i], sent[i]) == X509_V_OK;
    if (chain == NULL)
        return;
    c->trust = cert_trust_status_name(cert_chain_trust(chain));
    for (size_t i = 0; i < cert_chain_note_count(chain); i++) {
        cert_chain_note_kind k = cert_chain_note_at(chain, i)->kind;

        c->extra += k == CERT_NOTE_UNRELATED || k == CERT_NOTE_DUPLICATE ||
                    k == CERT_NOTE_ALT_PATH || k == CERT_NOTE_EXPIRED_CROSS;
    }
}

/* The chain facts of what a --live address sent: judged once per distinct set of certificates
 * (the edges of one distribution send the same chain). */
static cert_err cached_chain_facts(live_engine *e, const char *label, X509 *const *sent,
                                   size_t nsent, live_chain *out)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned int len = 0;
    cert_report_opts ro = *e->ro;
    cert_report *rep = NULL;
    cert_err err = CERT_OK;
    bool hit = false;

    memset(out, 0, sizeof(*out));
    if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(md);
        return cert__error_nomem();
    }
    for (size_t i = 0; i < nsent; i++) {
        unsigned char *der = NULL;
        int n = i2d_X509(sent[i], &der);

        if (n > 0)
            EVP_DigestUpdate(md, der, (size_t)n);
        OPENSSL_free(der);
    }
    EVP_DigestFinal_ex(md, out->hash, &len);
    EVP_MD_CTX_free(md);
    /* Judged under the lock: the handshakes of a run end together, and the first to get here
     * judges a chain the others would all judge at the same moment. */
    pthread_mutex_lock(&e->mu);
    for (size_t i = 0; i < e->nchains && !hit; i++) {
        if (memcmp(e->chains[i].hash, out->hash, 32) == 0) {
            *out = e->chains[i];
            hit = true;
        }
    }
    if (!hit) {
        ro.check.hosts = NULL;
        ro.check.host_count = 0;
        ro.check.key_not_expected = true;
        ro.check.key_required = false;
        ro.check.expect = NULL;
        ro.check.iam_path = NULL;
        err = cert_report_build_certs(label, sent, nsent, &ro, &rep);
        if (err == CERT_OK) {
            cert_live__chain_facts(rep, sent, nsent, out);
            if (cert__array_reserve(&e->chains, &e->chains_cap, e->nchains, 8,
                                    sizeof(*e->chains)) == CERT_OK)
                e->chains[e->nchains++] = *out;
        }
    }
    pthread_mutex_unlock(&e->mu);
    cert_report_free(rep);
    return err;
}

/* Whether the leaf names an OCSP responder (authorityInfoAccess, id-ad-ocsp). */
static bool has_ocsp_url(X509 *leaf)
{
    STACK_OF(OPENSSL_STRING) *urls = X509_get1_ocsp(leaf);
    bool has = urls != NULL && sk_OPENSSL_STRING_num(urls) > 0;

    X509_email_free(urls);
    return has;
}

cert_err cert_live__served_facts(const live_engine *e, const cert_tls_peer *p, const live_chain *c,
                                 cert_served *s)
{
    X509 *leaf = cert_tls_peer_cert_at(p, 0);
    char buf[1024];
    int64_t nb;

    s->state = CERT_SERVED_OK;
    if ((s->protocol = strdup(cert_tls_peer_protocol(p))) == NULL ||
        (s->cipher = strdup(cert_tls_peer_cipher(p))) == NULL ||
        (s->leaf_subject =
             strdup(cert__name_string(X509_get_subject_name(leaf), buf, sizeof(buf)))) == NULL)
        return cert__error_nomem();
    s->sent = cert_tls_peer_cert_count(p);
    s->root_sent = c->root_sent;
    s->extra = c->extra;
    s->trust = c->trust;
    s->ocsp_stapled = has_ocsp_url(leaf) ? cert_tls_peer_ocsp_stapled(p) : -1;
    sha256_hex(leaf, s->leaf_sha256);
    if (!cert__x509_validity(leaf, &nb, &s->leaf_not_after))
        s->leaf_not_after = INT64_MIN;
    s->covers = cert_name_covers(leaf, s->servername ? s->servername : s->host);
    s->elapsed_ms = cert_tls_peer_elapsed_ms(p);
    s->expected = -1;
    if (e->expected != NULL) {
        s->expected = X509_cmp(leaf, e->expected) == 0;
        memcpy(s->expected_sha256, e->expected_sha256, sizeof(s->expected_sha256));
        if (e->expected_label != NULL && (s->expected_label = strdup(e->expected_label)) == NULL)
            return cert__error_nomem();
    }
    return CERT_OK;
}

cert_served *cert_live__served_new(const char *host, const char *servername, const char *address,
                                   unsigned int port, bool pinned)
{
    cert_served *s = calloc(1, sizeof(*s));

    if (s == NULL || (s->host = strdup(host)) == NULL ||
        (servername != NULL && (s->servername = strdup(servername)) == NULL) ||
        (s->address = strdup(address)) == NULL) {
        cert_served_free(s);
        return NULL;
    }
    s->version = CERT_RESULTS_VERSION;
    s->port = port;
    s->pinned = pinned;
    s->ocsp_stapled = -1;
    s->covers = -1;
    s->expected = -1;
    s->leaf_not_after = INT64_MIN;
    return s;
}

/* The handshake for s (no report kept): its state, failure or facts. Only memory is an error. */
static cert_err handshake(live_engine *e, cert_served *s)
{
    cert_tls_opts to = CERT_TLS_OPTS_INIT;
    cert_tls_peer *p = NULL;
    bool unroutable = false;
    cert_err err;
    live_chain c;

    to.servername = s->servername;
    to.timeout_ms = e->o->timeout_ms;
    err = cert_tls__handshake(s->address, s->port, &to, &p, &unroutable);
    if (err == CERT_E_NOMEM)
        return err;
    if (err < 0) {
        s->state = unroutable ? CERT_SERVED_SKIPPED : CERT_SERVED_FAILED;
        return cert_failure_from_last(&s->failure, err);
    }
    {
        X509 **sent = calloc(cert_tls_peer_cert_count(p), sizeof(*sent));

        if (sent == NULL) {
            cert_tls_peer_free(p);
            return cert__error_nomem();
        }
        for (size_t i = 0; i < cert_tls_peer_cert_count(p); i++)
            sent[i] = cert_tls_peer_cert_at(p, i);
        err = cached_chain_facts(e, s->host, sent, cert_tls_peer_cert_count(p), &c);
        free(sent);
    }
    if (err == CERT_OK)
        err = cert_live__served_facts(e, p, &c, s);
    cert_tls_peer_free(p);
    if (err < 0 && err != CERT_E_NOMEM) { /* the chain could not be judged: say so, go on */
        s->state = CERT_SERVED_FAILED;
        err = cert_failure_from_last(&s->failure, err);
    }
    return err;
}

/* ---- many names at once ---- */

typedef struct check_run {
    live_engine *e;
    cert_live_name **names;
    size_t n;
    unsigned int port;
    cert_served **pairs; /* every (name, address), borrowed from names[]->served */
    size_t npairs;
    pthread_mutex_t mu;
    cert_err err; /* the first memory error */
} check_run;

static void fail_run(check_run *rn, cert_err err)
{
    pthread_mutex_lock(&rn->mu);
    if (rn->err == CERT_OK)
        rn->err = err;
    pthread_mutex_unlock(&rn->mu);
}

static cert_err resolve_one(check_run *rn, cert_live_name *n)
{
    cert_resolved *a = NULL;
    cert_err err = cert_resolver_lookup(rn->e->resolver, n->name, rn->port, &a);

    if (err == CERT_E_NOMEM)
        return err;
    if (err < 0)
        return cert_failure_from_last(&n->failure, err);
    n->dns_status = a->status;
    if (a->server != NULL && (n->dns_server = strdup(a->server)) == NULL)
        err = cert__error_nomem();
    n->cnames = a->cnames;
    n->cname_count = a->cname_count;
    a->cnames = NULL;
    a->cname_count = 0;
    if (err == CERT_OK && a->address_count > 0 &&
        (n->served = calloc(a->address_count, sizeof(*n->served))) == NULL)
        err = cert__error_nomem();
    for (size_t i = 0; err == CERT_OK && i < a->address_count; i++) {
        /* SNI carries a name, never an address (RFC 6066 section 3) */
        const char *sni = cert_net_is_address(n->name) ? NULL : n->name;

        if ((n->served[i] =
                 cert_live__served_new(n->name, sni, a->addresses[i], rn->port, a->pinned)) == NULL)
            err = cert__error_nomem();
        else
            n->served_count++;
    }
    cert_resolved_free(a);
    return err;
}

static void resolve_item(size_t i, void *state, void *ud)
{
    check_run *rn = ud;
    cert_err err;

    (void)state;
    if ((err = resolve_one(rn, rn->names[i])) < 0)
        fail_run(rn, err);
}

static void handshake_item(size_t i, void *state, void *ud)
{
    check_run *rn = ud;
    cert_served *s = rn->pairs[i];
    cert_err err;

    (void)state;
    if ((err = handshake(rn->e, s)) < 0) {
        fail_run(rn, err);
        return;
    }
    cert_ops__say(&rn->e->progress, "live %s %s: %s%s", s->host, s->address,
                  cert_served_state_name(s->state),
                  s->state != CERT_SERVED_OK ? ""
                  : s->expected == 1         ? " (the expected certificate)"
                  : s->expected == 0         ? " (ANOTHER certificate)"
                                             : "");
}

cert_err cert_live__check_names(live_engine *e, cert_live_name **names, size_t n, unsigned int port)
{
    static const cert_pool_ops resolve_ops = {NULL, NULL, resolve_item};
    static const cert_pool_ops handshake_ops = {NULL, NULL, handshake_item};
    unsigned int jobs = e->o->jobs > 0 ? e->o->jobs : LIVE_JOBS;
    check_run rn;
    size_t total = 0;

    memset(&rn, 0, sizeof(rn));
    rn.e = e;
    rn.names = names;
    rn.n = n;
    rn.port = port;
    pthread_mutex_init(&rn.mu, NULL);
    cert__pool_run(n, jobs, &resolve_ops, &rn);
    for (size_t i = 0; rn.err == CERT_OK && i < n; i++)
        total += names[i]->served_count;
    if (rn.err == CERT_OK && total > 0) {
        if ((rn.pairs = calloc(total, sizeof(*rn.pairs))) == NULL) {
            rn.err = cert__error_nomem();
        } else {
            for (size_t i = 0; i < n; i++)
                for (size_t k = 0; k < names[i]->served_count; k++)
                    rn.pairs[rn.npairs++] = names[i]->served[k];
            cert__pool_run(rn.npairs, jobs, &handshake_ops, &rn);
        }
    }
    free(rn.pairs);
    pthread_mutex_destroy(&rn.mu);
    return rn.err;
}

size_t cert_live__address_count(cert_live_name *const *names, size_t n)
{
    size_t count = 0;

    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < names[i]->served_count; k++) {
            bool seen = false;
            const char *a = names[i]->served[k]->address;

            for (size_t j = 0; j <= i && !seen; j++)
                for (size_t m = 0; m < (j == i ? k : names[j]->served_count) && !seen; m++)
                    seen = strcmp(names[j]->served[m]->address, a) == 0;
            count += !seen;
        }
    }
    return count;
}
