/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What is really served, on a report: the chain a TLS server sent put through the pipeline, and
 * the findings that what a server served (certcheck --connect) and where a distribution's aliases
 * lead (--dns, --live) make. The facts are the workflow's (ops/live.c); which of them is an
 * error, a warning or information is decided here, once.
 */
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"
#include "util/error_int.h"
#include "x509/x509_int.h"

cert_err cert_report__keep_allow(cert_report *r, const cert_check_opts *check)
{
    if (check->allow_count == 0)
        return CERT_OK;
    if ((r->allow = calloc(check->allow_count, sizeof(*r->allow))) == NULL)
        return cert__error_nomem();
    for (size_t i = 0; i < check->allow_count; i++) {
        if ((r->allow[i] = strdup(check->allow[i])) == NULL)
            return cert__error_nomem();
        r->nallow++;
    }
    return CERT_OK;
}

cert_err cert_report_build_certs(const char *label, X509 *const *certs, size_t count,
                                 const cert_report_opts *o, cert_report **out)
{
    static const cert_report_opts defaults = CERT_REPORT_OPTS_INIT;
    cert_err err = CERT_OK;
    BIO *bio = NULL;
    char *pem = NULL;
    size_t len = 0;
    cert_report_opts ro;

    if (out == NULL || label == NULL || certs == NULL || count == 0)
        return cert__error_set(CERT_E_INVALID, "cert_report_build_certs: NULL argument");
    *out = NULL;
    ro = o != NULL ? *o : defaults;
    /* As PEM, one block per certificate in the order sent, so that each one's source reads
     * "LABEL: block N" and the chain code sees exactly what a file of them would show. */
    if ((bio = BIO_new(BIO_s_mem())) == NULL)
        CERT_NOMEM();
    for (size_t i = 0; i < count; i++) {
        if (certs[i] == NULL || PEM_write_bio_X509(bio, certs[i]) != 1)
            CERT_FAIL_SSL(CERT_E_INPUT, "%s: certificate %zu cannot be written as PEM", label,
                          i + 1);
    }
    CERT_TRY(cert__bio_dup(bio, &pem, &len));
    err = cert_report__build_mem(label, pem, len, &ro, out);

done:
    BIO_free(bio);
    free(pem);
    return err;
}

/* The report's leaf (its item and source), for findings about it. */
static size_t leaf_item(const cert_report *r, const cert_source **src)
{
    size_t item = r->chain != NULL ? cert_chain_leaf_item(r->chain) : SIZE_MAX;

    *src = item != SIZE_MAX ? cert_bundle_cert_source(r->bundle, item) : NULL;
    return item;
}

#define ADD(r, code, item, src, ...)                                                               \
    cert_findings__add(&(r)->findings, (const char *const *)(r)->allow, (r)->nallow, code, item,   \
                       src, __VA_ARGS__)

cert_err cert_report_set_served(cert_report *r, cert_served *s)
{
    cert_err err = CERT_OK;
    const cert_source *src;
    size_t item;

    if (r == NULL || s == NULL) {
        cert_served_free(s);
        return cert__error_set(CERT_E_INVALID, "cert_report_set_served: NULL argument");
    }
    cert_served_free(r->served);
    r->served = s;
    if (r->err < 0 || r->findings == NULL)
        return CERT_OK; /* nothing was checked: the report's error says why */
    item = leaf_item(r, &src);
    if (s->expected == 1)
        CERT_TRY(ADD(r, "served.same", item, src,
                     "the server sent the expected leaf (sha256 %s, from %s)", s->leaf_sha256,
                     s->expected_label ? s->expected_label : "the expected bundle"));
    else if (s->expected == 0)
        CERT_TRY(ADD(r, "served.differs", item, src,
                     "the server sent another leaf: sha256 %s (%s); expected sha256 %s (from %s)",
                     s->leaf_sha256, s->leaf_subject ? s->leaf_subject : "?", s->expected_sha256,
                     s->expected_label ? s->expected_label : "the expected bundle"));
    if (s->ocsp_stapled == 1)
        CERT_TRY(ADD(r, "served.ocsp", item, src,
                     "the leaf names an OCSP responder, and the server stapled an OCSP response"));
    else if (s->ocsp_stapled == 0)
        CERT_TRY(ADD(r, "served.ocsp", item, src,
                     "the leaf names an OCSP responder; the server stapled no OCSP response "
                     "(clients that check revocation ask the responder themselves)"));

done:
    return err;
}

const cert_served *cert_report_served(const cert_report *r)
{
    return r != NULL ? r->served : NULL;
}

/* "the alias A record", "the CNAME record", "weighted record 'a' (weight 10)" */
static void describe_record(const cert_r53_record *rec, char *buf, size_t size)
{
    const char *kind = rec->alias_dns_name != NULL ? "alias " : "";

    if (strcmp(rec->routing, "simple") == 0)
        snprintf(buf, size, "the %s%s record", kind, rec->type);
    else if (rec->weight >= 0)
        snprintf(buf, size, "the weighted %s%s record '%s' (weight %lld)", kind, rec->type,
                 rec->set_identifier ? rec->set_identifier : "", (long long)rec->weight);
    else if (rec->failover != NULL)
        snprintf(buf, size, "the failover %s %s%s record '%s'", rec->failover, kind, rec->type,
                 rec->set_identifier ? rec->set_identifier : "");
    else
        snprintf(buf, size, "the %s %s%s record '%s'", rec->routing, kind, rec->type,
                 rec->set_identifier ? rec->set_identifier : "");
}

/* "d222.cloudfront.net, another distribution (E2OTHER)", "192.0.2.1", ... */
static void describe_target(const cert_dns_route *rt, char *buf, size_t size)
{
    const cert_r53_record *rec = rt->record;

    if (rt->target == NULL)
        snprintf(buf, size, "%s%s", rec->value_count > 0 ? rec->values[0] : "no value",
                 rec->value_count > 1 ? " and more addresses" : "");
    else if (rt->points == CERT_DNS_OTHER_DISTRIBUTION)
        snprintf(buf, size, "%s, another distribution%s%s%s", rt->target,
                 rt->distribution ? " (" : " (not in this account)",
                 rt->distribution ? rt->distribution : "", rt->distribution ? ")" : "");
    else
        snprintf(buf, size, "%s%s%s", rt->target, rt->note ? "; " : "", rt->note ? rt->note : "");
}

static cert_err dns_findings(cert_report *r, const cert_live_result *l, const cert_dns_alias *a)
{
    cert_err err = CERT_OK;
    bool here = false;
    char rec[256], tgt[600];

    switch (a->points) {
    case CERT_DNS_NO_ZONE:
        return ADD(r, "dns.no_zone", SIZE_MAX, NULL,
                   "%s is in no public hosted zone of this account; --live checks it by "
                   "resolution",
                   a->alias);
    case CERT_DNS_AMBIGUOUS:
        return ADD(r, "dns.ambiguous", SIZE_MAX, NULL,
                   "%s: %zu public hosted zones of this account are named %s; which one the "
                   "parent zone delegates to is not known here (--live checks by resolution)",
                   a->alias, a->zone_count, a->zone_name ? a->zone_name : "?");
    case CERT_DNS_NOWHERE:
        return ADD(r, "dns.missing", SIZE_MAX, NULL,
                   "%s: hosted zone %s (%s) has no A, AAAA or CNAME record for it, nor a "
                   "wildcard: it is not served by this distribution",
                   a->alias, a->zone_name ? a->zone_name : "?", a->zone_id ? a->zone_id : "?");
    default:
        break;
    }
    for (size_t i = 0; i < a->route_count; i++)
        here = here || a->routes[i]->points == CERT_DNS_HERE;
    for (size_t i = 0; i < a->route_count && err == CERT_OK; i++) {
        const cert_dns_route *rt = a->routes[i];
        bool routed = strcmp(rt->record->routing, "simple") != 0;

        if (rt->points == CERT_DNS_HERE)
            continue;
        describe_record(rt->record, rec, sizeof(rec));
        describe_target(rt, tgt, sizeof(tgt));
        /* A routing policy's other records may lead elsewhere on purpose (a standby, a split):
         * no claim about which one answers (#14), only that this one does not lead here. */
        if (here && routed)
            err = ADD(r, "dns.routing", SIZE_MAX, NULL,
                      "%s: %s leads to %s, not to this "
                      "distribution (%s)",
                      a->alias, rec, tgt, l->domain_name ? l->domain_name : "?");
        else if (rt->points == CERT_DNS_OTHER_DISTRIBUTION)
            err = ADD(r, "dns.other_distribution", SIZE_MAX, NULL,
                      "%s: %s points at %s, not at this distribution (%s)", a->alias, rec, tgt,
                      l->domain_name ? l->domain_name : "?");
        else
            err = ADD(r, "dns.elsewhere", SIZE_MAX, NULL,
                      "%s: %s points at %s, not at this distribution (%s); --live checks what "
                      "it serves",
                      a->alias, rec, tgt, l->domain_name ? l->domain_name : "?");
    }
    return err;
}

static cert_err live_findings(cert_report *r, const cert_live_result *l, const cert_live_name *n)
{
    cert_err err = CERT_OK;
    char at[300];

    if (n->failure.err < 0)
        return CERT_OK; /* the exit code says it (cert_live_exit()) */
    if (n->served_count == 0)
        return ADD(r, "live.unresolved", SIZE_MAX, NULL,
                   "%s%s%s does not resolve (%s%s%s): nothing serves it from here", n->name,
                   strcmp(n->name, n->alias) ? " (for " : "",
                   strcmp(n->name, n->alias) ? n->alias : "", n->dns_status ? n->dns_status : "?",
                   n->dns_server ? " from " : "", n->dns_server ? n->dns_server : "");
    for (size_t i = 0; i < n->served_count && err == CERT_OK; i++) {
        const cert_served *s = n->served[i];

        snprintf(at, sizeof(at), strchr(s->address, ':') ? "%s at [%s]:%u" : "%s at %s:%u", n->name,
                 s->address, s->port);
        if (s->state == CERT_SERVED_SKIPPED)
            err = ADD(r, "live.unrouted", SIZE_MAX, NULL, "%s: not checked (%s)", at,
                      s->failure.message ? s->failure.message : "no route");
        else if (s->state == CERT_SERVED_FAILED)
            err = ADD(r, "live.unreachable", SIZE_MAX, NULL, "%s: %s", at,
                      s->failure.message ? s->failure.message : "no handshake");
        else if (s->expected == 0)
            err = ADD(r, "live.differs", SIZE_MAX, NULL,
                      "%s serves another certificate: %s (sha256 %s), not the distribution's "
                      "(sha256 %s, %s)",
                      at, s->leaf_subject ? s->leaf_subject : "?", s->leaf_sha256,
                      l->expected_sha256, l->expected_label ? l->expected_label : "?");
        else if (s->expected == 1 && s->trust != NULL && strcmp(s->trust, "trusted") != 0)
            err = ADD(r, "live.chain", SIZE_MAX, NULL,
                      "%s serves the distribution's leaf with a chain that is %s (%zu "
                      "certificate%s sent)",
                      at, s->trust, s->sent, s->sent == 1 ? "" : "s");
    }
    return err;
}

cert_err cert_report_set_live(cert_report *r, cert_live_result *l)
{
    cert_err err = CERT_OK;

    if (r == NULL || l == NULL) {
        cert_live_result_free(l);
        return cert__error_set(CERT_E_INVALID, "cert_report_set_live: NULL argument");
    }
    cert_live_result_free(r->live);
    r->live = l;
    for (size_t i = 0; i < l->dns_count && err == CERT_OK; i++)
        err = dns_findings(r, l, l->dns[i]);
    for (size_t i = 0; i < l->live_count && err == CERT_OK; i++)
        err = live_findings(r, l, l->live[i]);
    return err;
}

const cert_live_result *cert_report_live(const cert_report *r)
{
    return r != NULL ? r->live : NULL;
}
