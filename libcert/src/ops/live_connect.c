/* SPDX-License-Identifier: Apache-2.0 */
/*
 * certcheck --connect: each target's addresses tried in turn until a handshake completes, the
 * chain it served put through the pipeline (the engine and the handshake are live.c's).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcert/live.h"
#include "net/net_int.h"
#include "ops/live_int.h"
#include "util/error_int.h"
#include "util/pool.h"

static const cert_report_opts default_report_opts = CERT_REPORT_OPTS_INIT;
static const cert_live_opts default_live_opts = CERT_LIVE_OPTS_INIT;

typedef struct connect_run {
    live_engine *e;
    const char *const *targets;
    cert_report **out;
    pthread_mutex_t mu;
    cert_err err;
    char message[512]; /* the failing worker's, for the caller's thread */
} connect_run;

/* One target: its addresses tried in turn until a handshake completes; the report of what it
 * served, or of why nothing did. Only memory errors are returned. */
static cert_err connect_one(live_engine *e, const char *target, cert_report **out)
{
    cert_err err = CERT_OK;
    char host[256], label[300];
    unsigned int port;
    cert_resolved *a = NULL;
    cert_tls_peer *p = NULL;
    cert_served *s = NULL;
    cert_tls_opts to = CERT_TLS_OPTS_INIT;
    cert_report_opts ro = *e->ro;
    const char **hosts = NULL;
    cert_failure f = {CERT_OK, NULL, NULL, NULL, 0};
    X509 **sent = NULL;
    live_chain c;
    const char *sni;

    *out = NULL;
    CERT_TRY(cert_net_split_host_port(target, 443, host, sizeof(host), &port));
    snprintf(label, sizeof(label), strchr(host, ':') ? "[%s]:%u" : "%s:%u", host, port);
    sni = e->o->servername ? e->o->servername : cert_net_is_address(host) ? NULL : host;
    if (sni == NULL)
        CERT_FAIL(CERT_E_INVALID,
                  "--connect %s: an address needs --servername NAME (SNI carries a host name, "
                  "never an address: RFC 6066 section 3)",
                  target);
    err = cert_resolver_lookup(e->resolver, host, port, &a);
    if (err == CERT_OK && a->address_count == 0)
        err = cert__error_set(CERT_E_NET, "%s does not resolve (%s%s%s)", host, a->status,
                              a->server ? " from " : "", a->server ? a->server : "");
    if (err == CERT_E_NOMEM || err == CERT_E_INVALID)
        goto done;
    to.servername = sni;
    to.timeout_ms = e->o->timeout_ms;
    for (size_t i = 0; err == CERT_OK && i < a->address_count; i++) {
        bool unroutable;

        cert_served_free(s);
        if ((s = cert_live__served_new(host, sni, a->addresses[i], port, a->pinned)) == NULL)
            CERT_NOMEM();
        err = cert_tls__handshake(a->addresses[i], port, &to, &p, &unroutable);
        if (err == CERT_E_NOMEM || err == CERT_E_INVALID)
            goto done;
        if (err < 0 && i + 1 < a->address_count)
            err = CERT_OK; /* the next address */
        else if (err == CERT_OK)
            break;
    }
    if (err < 0) { /* nothing answered: the report says so (CERT_E_NET: exit 5) */
        CERT_TRY(cert_failure_from_last(&f, err));
        err = CERT_OK;
        CERT_TRY(cert_report_new_failure(label, &f, out));
        goto done;
    }
    /* The servername and --host are the names the served leaf must cover. */
    if ((hosts = calloc(e->ro->check.host_count + 1, sizeof(*hosts))) == NULL)
        CERT_NOMEM();
    hosts[0] = sni;
    for (size_t i = 0; i < e->ro->check.host_count; i++)
        hosts[i + 1] = e->ro->check.hosts[i];
    ro.check.hosts = hosts;
    ro.check.host_count = e->ro->check.host_count + 1;
    ro.check.key_not_expected = true;
    ro.check.key_required = false;
    ro.check.expect = NULL;
    ro.check.iam_path = NULL;
    if ((sent = calloc(cert_tls_peer_cert_count(p), sizeof(*sent))) == NULL)
        CERT_NOMEM();
    for (size_t i = 0; i < cert_tls_peer_cert_count(p); i++)
        sent[i] = cert_tls_peer_cert_at(p, i);
    CERT_TRY(cert_report_build_certs(label, sent, cert_tls_peer_cert_count(p), &ro, out));
    cert_live__chain_facts(*out, sent, cert_tls_peer_cert_count(p), &c);
    CERT_TRY(cert_live__served_facts(e, p, &c, s));
    err = cert_report_set_served(*out, s);
    s = NULL;
    CERT_TRY(err);
    cert_ops__say(&e->progress, "connect %s: %s %s from %s", label, cert_tls_peer_protocol(p),
                  cert_tls_peer_cipher(p), cert_tls_peer_address(p));

done:
    if (err < 0) {
        cert_report_free(*out);
        *out = NULL;
    }
    free(sent);
    free((void *)hosts);
    cert_failure_clear(&f);
    cert_served_free(s);
    cert_tls_peer_free(p);
    cert_resolved_free(a);
    return err;
}

static void connect_item(size_t i, void *state, void *ud)
{
    connect_run *rn = ud;
    cert_err err;

    (void)state;
    err = connect_one(rn->e, rn->targets[i], &rn->out[i]);
    if (err < 0) {
        pthread_mutex_lock(&rn->mu);
        if (rn->err == CERT_OK) {
            rn->err = err;
            snprintf(rn->message, sizeof(rn->message), "%s", cert_error_last()->message);
        }
        pthread_mutex_unlock(&rn->mu);
    }
}

cert_err cert_live_connect(const char *const *targets, size_t count, const cert_report *expect,
                           const cert_live_opts *o, const cert_report_opts *ro, cert_report ***out)
{
    static const cert_pool_ops ops = {NULL, NULL, connect_item};
    cert_err err = CERT_OK;
    live_engine e;
    connect_run rn;
    bool engine = false;
    char host[256];
    unsigned int port;

    if (out == NULL || targets == NULL || count == 0)
        return cert__error_set(CERT_E_INVALID, "cert_live_connect: no target");
    *out = NULL;
    o = o ? o : &default_live_opts;
    ro = ro ? ro : &default_report_opts;
    memset(&rn, 0, sizeof(rn));
    /* Every target's form first: a bad one is the caller's mistake, before any handshake. */
    for (size_t i = 0; i < count; i++) {
        CERT_TRY(cert_net_split_host_port(targets[i], 443, host, sizeof(host), &port));
        if (o->servername == NULL && cert_net_is_address(host))
            CERT_FAIL(CERT_E_INVALID,
                      "--connect %s: an address needs --servername NAME (SNI carries a host "
                      "name, never an address: RFC 6066 section 3)",
                      targets[i]);
    }
    CERT_TRY(cert_live__engine_init(&e, o, ro));
    engine = true;
    if (expect != NULL && cert_report_chain(expect) != NULL)
        cert_live__expect(&e, cert_chain_leaf(cert_report_chain(expect)),
                          cert_report_label(expect));
    rn.e = &e;
    rn.targets = targets;
    pthread_mutex_init(&rn.mu, NULL);
    if ((rn.out = calloc(count, sizeof(*rn.out))) == NULL)
        CERT_NOMEM();
    cert__pool_run(count, o->jobs > 0 ? o->jobs : LIVE_JOBS, &ops, &rn);
    pthread_mutex_destroy(&rn.mu);
    if (rn.err < 0)
        CERT_FAIL(rn.err, "%s", rn.message);
    *out = rn.out;
    rn.out = NULL;

done:
    cert_reports_free(rn.out, count);
    if (engine)
        cert_live__engine_fini(&e);
    return err;
}
