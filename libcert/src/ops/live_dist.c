/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The aliases of distributions: certcheck --distribution --dns / --live (where each alias's
 * Route 53 record leads, dns.c; what its addresses serve) and certrotate --verify-live (whether
 * every alias serves the new certificate). The engine and the handshakes are live.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcert/cloudfront.h"
#include "libcert/live.h"
#include "libcert/remote.h"
#include "net/net_int.h"
#include "ops/live_int.h"
#include "ops/rotate_int.h"
#include "util/error_int.h"

static const cert_report_opts default_report_opts = CERT_REPORT_OPTS_INIT;
static const cert_live_opts default_live_opts = CERT_LIVE_OPTS_INIT;

/* ---- certcheck --distribution --dns / --live ---- */

/* One distribution's live result on its report. Only memory errors are returned. */
static cert_err dist_live(cert_aws *aws, live_engine *e, live_dns_cache *dc, const char *id,
                          const cert_cf_dist *dist, cert_report *rep)
{
    cert_err err = CERT_OK;
    cert_live_result *l = calloc(1, sizeof(*l));
    const cert_chain *chain = cert_report_chain(rep);

    if (l == NULL || (l->distribution = strdup(id)) == NULL ||
        (dist->domain_name != NULL && (l->domain_name = strdup(dist->domain_name)) == NULL) ||
        (l->expected_label = strdup(cert_report_label(rep))) == NULL)
        CERT_NOMEM();
    l->version = CERT_RESULTS_VERSION;
    l->port = e->o->port ? e->o->port : 443;
    cert_live__expect(e, chain ? cert_chain_leaf(chain) : NULL, l->expected_label);
    memcpy(l->expected_sha256, e->expected_sha256, sizeof(l->expected_sha256));
    if (e->o->dns) {
        l->dns_checked = true;
        CERT_TRY(cert_live__dns(aws, dc, (const char *const *)dist->aliases, dist->alias_count,
                                dist->domain_name, l));
    }
    if (e->o->live) {
        l->live_checked = true;
        if ((l->resolver = strdup(cert_resolver_describe(e->resolver))) == NULL)
            CERT_NOMEM();
        for (size_t i = 0; i < dist->alias_count; i++)
            CERT_TRY(cert_live__names_for(dist->aliases[i], e->ro->check.hosts,
                                          e->ro->check.host_count, &l->live, &l->live_count));
        CERT_TRY(cert_live__check_names(e, l->live, l->live_count, l->port));
        l->addresses = cert_live__address_count(l->live, l->live_count);
    }
    err = cert_report_set_live(rep, l);
    l = NULL;

done:
    cert_live_result_free(l);
    cert_live__expect(e, NULL, NULL);
    return err;
}

cert_err cert_live_distributions(cert_aws *aws, const char *const *ids, size_t count,
                                 const cert_live_opts *o, const cert_report_opts *ro,
                                 cert_report ***out)
{
    cert_err err = CERT_OK;
    remote_names names = {NULL, 0, false};
    live_dns_cache dc;
    live_engine e;
    bool engine = false;
    cert_report **v = NULL;
    cert_failure f = {CERT_OK, NULL, NULL, NULL, 0};
    cert_cf_dist dist;

    if (out == NULL || aws == NULL || ids == NULL || count == 0)
        return cert__error_set(CERT_E_INVALID, "cert_live_distributions: NULL argument");
    *out = NULL;
    o = o ? o : &default_live_opts;
    ro = ro ? ro : &default_report_opts;
    memset(&dc, 0, sizeof(dc));
    memset(&dist, 0, sizeof(dist));
    CERT_TRY(cert_aws_service_check(aws, CERT_AWS_CLOUDFRONT));
    CERT_TRY(cert_live__engine_init(&e, o, ro));
    engine = true;
    if ((v = calloc(count, sizeof(*v))) == NULL)
        CERT_NOMEM();
    for (size_t n = 0; n < count; n++) {
        err = cert_remote__dist_report(aws, &names, ids[n], ro, &dist, &v[n]);
        if (err == CERT_E_NOMEM || err == CERT_E_INVALID)
            goto done;
        if (err < 0) { /* this distribution's own failure; the others go on */
            CERT_TRY(cert_remote__failure_report(aws, err, ids[n], &f, &v[n]));
            err = CERT_OK;
        } else {
            CERT_TRY(dist_live(aws, &e, &dc, ids[n], &dist, v[n]));
        }
        cert_cf_dist_clear(&dist);
    }
    *out = v;
    v = NULL;

done:
    cert_reports_free(v, count);
    cert_cf_dist_clear(&dist);
    cert_failure_clear(&f);
    cert_remote__names_free(&names);
    cert_live__dns_cache_free(&dc);
    if (engine)
        cert_live__engine_fini(&e);
    return err;
}

/* ---- certrotate --verify-live ---- */

/* "3 addresses serve the new certificate", "1 of 3 addresses serves another certificate (...)" */
static cert_err summarize(const cert_live_name *n, cert_live_check *lc)
{
    size_t ok = 0, other = 0, failed = 0, skipped = 0, total = n->served_count;
    const cert_served *bad = NULL;
    int rc;

    for (size_t i = 0; i < total; i++) {
        const cert_served *s = n->served[i];

        if (s->state == CERT_SERVED_SKIPPED)
            skipped++;
        else if (s->state == CERT_SERVED_FAILED)
            failed++, bad = bad ? bad : s;
        else if (s->expected == 1)
            ok++;
        else
            other++, bad = s;
    }
    lc->ok = n->failure.err == CERT_OK && ok > 0 && other == 0 && failed == 0;
    if (n->failure.err < 0)
        rc = asprintf(&lc->message, "%s", n->failure.message ? n->failure.message : "not resolved");
    else if (total == 0)
        rc = asprintf(&lc->message, "%s does not resolve (%s)", n->name,
                      n->dns_status ? n->dns_status : "?");
    else if (lc->ok)
        rc = asprintf(&lc->message, "serves the new certificate (%zu address%s%s)", ok,
                      ok == 1 ? "" : "es", skipped ? ", some not routable from here" : "");
    else if (bad != NULL && bad->state == CERT_SERVED_OK)
        rc = asprintf(&lc->message, "serves another certificate (%s) at %zu of %zu addresses",
                      bad->leaf_subject ? bad->leaf_subject : "?", other, total);
    else if (bad != NULL)
        rc = asprintf(&lc->message, "%s", bad->failure.message ? bad->failure.message : "failed");
    else
        rc = asprintf(&lc->message, "no address could be checked from here");
    if (rc < 0) {
        lc->message = NULL;
        return cert__error_nomem();
    }
    return CERT_OK;
}

cert_err cert_rotate__live_checks(const cert_rotate_opts *o, cert_rotate_result *r, X509 *leaf)
{
    cert_err err = CERT_OK;
    cert_live_opts lo = CERT_LIVE_OPTS_INIT;
    live_engine e;
    bool engine = false;
    cert_live_name **names = NULL;
    size_t n = 0, nlive = 0;
    const char *pin = NULL;
    char host[256], *connect_pin = NULL;
    unsigned int port = 443;
    const char *pins[1];

    lo.resolve = o->resolve;
    lo.resolve_count = o->resolve_count;
    lo.dns_server = o->dns_server;
    lo.port = o->port;
    lo.progress = o->progress;
    lo.progress_ud = o->progress_ud;
    if (o->connect != NULL) {
        /* The deprecated --connect HOST[:PORT]: every alias on that port, at that host's
         * addresses: what --resolve '*:PORT:ADDRESS' and --port PORT say now. */
        cert_resolver *r1 = NULL;
        cert_resolved *a = NULL;

        CERT_TRY(cert_net_split_host_port(o->connect, 443, host, sizeof(host), &port));
        lo.port = port;
        err = cert_resolver_new(NULL, &r1);
        if (err == CERT_OK)
            err = cert_resolver_lookup(r1, host, port, &a);
        if (err == CERT_OK && a->address_count > 0 &&
            asprintf(&connect_pin, strchr(a->addresses[0], ':') ? "*:%u:[%s]" : "*:%u:%s", port,
                     a->addresses[0]) < 0)
            connect_pin = NULL;
        cert_resolved_free(a);
        cert_resolver_free(r1);
        CERT_TRY(err);
        if (connect_pin == NULL)
            CERT_FAIL(CERT_E_NET, "--connect %s: %s does not resolve", o->connect, host);
        pin = connect_pin;
        pins[0] = pin;
        lo.resolve = pins;
        lo.resolve_count = 1;
    }
    CERT_TRY(cert_live__engine_init(&e, &lo, &o->report));
    engine = true;
    cert_live__expect(&e, leaf, "the new certificate");
    for (size_t i = 0; i < r->attach->count; i++)
        nlive += r->confirmed[i] ? r->attach->dists[i].alias_count : 0;
    r->live = calloc(nlive ? nlive : 1, sizeof(*r->live));
    r->live_detail = calloc(nlive ? nlive : 1, sizeof(*r->live_detail));
    if (r->live == NULL || r->live_detail == NULL ||
        (r->live_resolver = strdup(cert_resolver_describe(e.resolver))) == NULL)
        CERT_NOMEM();
    /* One name per alias (a wildcard through a stand-in), every alias of every distribution at
     * once. */
    for (size_t i = 0; i < r->attach->count; i++) {
        const cert_attach_dist *d = &r->attach->dists[i];

        for (size_t k = 0; r->confirmed[i] && k < d->alias_count; k++) {
            cert_live_check *lc = &r->live[r->live_count++];
            size_t before = n;

            if ((lc->distribution = strdup(d->id)) == NULL ||
                (lc->alias = strdup(d->aliases[k])) == NULL)
                CERT_NOMEM();
            CERT_TRY(cert_live__names_for(d->aliases[k], NULL, 0, &names, &n));
            r->live_detail[r->live_count - 1] = names[before];
        }
    }
    CERT_TRY(cert_live__check_names(&e, names, n, lo.port ? lo.port : 443));
    for (size_t i = 0; i < r->live_count; i++) {
        CERT_TRY(summarize(r->live_detail[i], &r->live[i]));
        cert_ops__say(&e.progress, "verify-live %s (%s): %s", r->live[i].alias,
                      r->live[i].distribution, r->live[i].message ? r->live[i].message : "");
    }

done:
    free(names); /* each is r->live_detail's */
    free(connect_pin);
    if (engine)
        cert_live__engine_fini(&e);
    return err;
}
