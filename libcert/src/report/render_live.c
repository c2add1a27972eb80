/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rendering what is really served: the "served" block of a --connect report, and the "dns" and
 * "live" parts of a distribution's report, as text (a line per alias and address) and JSON
 * (Route 53's records with the AWS CLI's field names).
 */
#include <string.h>

#include "libcert/text.h"
#include "report/render_int.h"
#include "report_int.h"
#include "util/time_int.h"

#define C_RED "\033[31m"
#define C_YEL "\033[33m"
#define C_OFF "\033[0m"

/* Our colour codes go out as they are; everything else through cert_text_writef(): names,
 * records and messages come from DNS answers, TLS peers and AWS. */
static void col(const cert_text_opts *t, const char *c, FILE *f)
{
    if (t->color)
        fputs(c, f);
}

/* "192.0.2.1:443" or "[2001:db8::1]:443" */
static void host_port(char *buf, size_t size, const char *address, unsigned int port)
{
    snprintf(buf, size, strchr(address, ':') ? "[%s]:%u" : "%s:%u", address, port);
}

/* ---- text ---- */

void cert_report__served_text(const cert_served *s, const cert_text_opts *t, FILE *f)
{
    char at[128];

    host_port(at, sizeof(at), s->address ? s->address : "?", s->port);
    cert_text_writef(f, "  served %s at %s%s, SNI %s\n", s->host ? s->host : "?", at,
                     s->pinned ? " (pinned)" : "", s->servername ? s->servername : "none");
    if (s->state != CERT_SERVED_OK) {
        fputs("         ", f);
        col(t, C_RED, f);
        cert_text_writef(f, "%s", s->failure.message ? s->failure.message : "no handshake");
        col(t, C_OFF, f);
        fputc('\n', f);
        return;
    }
    cert_text_writef(f, "         %s, %s, %ld ms\n", s->protocol ? s->protocol : "?",
                     s->cipher ? s->cipher : "?", s->elapsed_ms);
    fprintf(f, "         %zu certificate%s sent%s", s->sent, s->sent == 1 ? "" : "s",
            s->root_sent ? ", the root among them" : "");
    if (s->extra > 0)
        fprintf(f, ", %zu not on the leaf's path", s->extra);
    cert_text_writef(f, "; chain %s\n", s->trust ? s->trust : "not built");
    if (s->ocsp_stapled >= 0)
        fprintf(f, "         OCSP response %s\n", s->ocsp_stapled ? "stapled" : "not stapled");
    if (s->expected >= 0) {
        fputs("         ", f);
        col(t, s->expected ? "" : C_RED, f);
        fputs(s->expected ? "the expected leaf," : "NOT the expected leaf:", f);
        col(t, s->expected ? "" : C_OFF, f);
        cert_text_writef(f, " %s\n", s->expected_label ? s->expected_label : "the expected bundle");
    }
}

/* "the alias A record", "the weighted CNAME record 'a' (weight 10)" */
static void record_words(const cert_r53_record *rec, char *buf, size_t size)
{
    const char *alias = rec->alias_dns_name != NULL ? "alias " : "";

    if (rec->weight >= 0)
        snprintf(buf, size, "weighted '%s' (weight %lld) %s%s", rec->set_identifier,
                 (long long)rec->weight, alias, rec->type);
    else if (rec->failover != NULL)
        snprintf(buf, size, "failover %s '%s' %s%s", rec->failover,
                 rec->set_identifier ? rec->set_identifier : "", alias, rec->type);
    else if (strcmp(rec->routing, "simple") != 0)
        snprintf(buf, size, "%s '%s' %s%s", rec->routing,
                 rec->set_identifier ? rec->set_identifier : "", alias, rec->type);
    else
        snprintf(buf, size, "%s%s", alias, rec->type);
}

static void route_text(const cert_live_result *l, const cert_dns_route *rt, const cert_text_opts *t,
                       FILE *f)
{
    char what[256];
    const cert_r53_record *rec = rt->record;
    const char *c = rt->points == CERT_DNS_HERE ? "" : C_YEL;

    record_words(rec, what, sizeof(what));
    cert_text_writef(f, "           %s ->", what);
    for (size_t i = 0; i < rt->via_count; i++)
        cert_text_writef(f, " %s ->", rt->via[i]);
    if (rt->target != NULL)
        cert_text_writef(f, " %s", rt->target);
    else
        for (size_t i = 0; i < rec->value_count; i++)
            cert_text_writef(f, "%s %s", i ? "," : "", rec->values[i]);
    fputs(": ", f);
    col(t, c, f);
    fputs(rt->points == CERT_DNS_HERE                 ? "this distribution"
          : rt->points == CERT_DNS_OTHER_DISTRIBUTION ? "another distribution"
          : rt->points == CERT_DNS_ELSEWHERE          ? "not CloudFront"
                                                      : "unknown",
          f);
    col(t, *c ? C_OFF : "", f);
    if (rt->distribution != NULL)
        cert_text_writef(f, " (%s)", rt->distribution);
    if (rt->note != NULL)
        cert_text_writef(f, " (%s)", rt->note);
    fputc('\n', f);
    if (rec->health_check_id != NULL) {
        cert_text_writef(f, "             health check %s: ", rec->health_check_id);
        if (rt->health != NULL)
            cert_text_writef(f, "%zu of %zu checkers report it healthy%s%s\n", rt->health->success,
                             rt->health->observations, rt->health->failure ? "; " : "",
                             rt->health->failure ? rt->health->failure : "");
        else
            cert_text_writef(f, "status not read (%s)\n",
                             rt->health_failure.message ? rt->health_failure.message : "?");
    }
    (void)l;
}

/* "WORDS (MESSAGE)\n", WORDS in red. */
static void red_note(const cert_text_opts *t, const char *words, const char *message, FILE *f)
{
    col(t, C_RED, f);
    fputs(words, f);
    col(t, C_OFF, f);
    cert_text_writef(f, " (%s)\n", message ? message : "?");
}

static void dns_text(const cert_live_result *l, const cert_dns_alias *a, const cert_text_opts *t,
                     FILE *f)
{
    cert_text_writef(f, "  dns    %s: ", a->alias);
    if (a->failure.err < 0) {
        red_note(t, "not read", a->failure.message, f);
        return;
    }
    switch (a->points) {
    case CERT_DNS_NO_ZONE:
        fprintf(f, "in no public hosted zone of this account (--live resolves it)\n");
        return;
    case CERT_DNS_AMBIGUOUS:
        col(t, C_YEL, f);
        cert_text_writef(f, "%zu public hosted zones named %s:", a->zone_count,
                         a->zone_name ? a->zone_name : "?");
        col(t, C_OFF, f);
        for (size_t i = 0; i < a->zone_count; i++)
            cert_text_writef(f, " %s", a->zones[i]);
        fputc('\n', f);
        return;
    case CERT_DNS_NOWHERE:
        cert_text_writef(f, "zone %s (%s): ", a->zone_name, a->zone_id);
        col(t, C_RED, f);
        fputs("no A, AAAA or CNAME record", f);
        col(t, C_OFF, f);
        fputc('\n', f);
        return;
    default:
        break;
    }
    cert_text_writef(f, "zone %s (%s)", a->zone_name ? a->zone_name : "?",
                     a->zone_id ? a->zone_id : "?");
    if (a->record_name != NULL && strcmp(a->record_name, a->alias) != 0)
        cert_text_writef(f, ", through the wildcard %s", a->record_name);
    fputc('\n', f);
    for (size_t i = 0; i < a->route_count; i++)
        route_text(l, a->routes[i], t, f);
}

static void served_line(const cert_live_name *n, const cert_served *s, const cert_text_opts *t,
                        FILE *f)
{
    const char *c = "", *state;
    char detail[512];

    if (s->state == CERT_SERVED_SKIPPED) {
        state = "skipped";
        snprintf(detail, sizeof(detail), "%s", s->failure.message ? s->failure.message : "");
    } else if (s->state == CERT_SERVED_FAILED) {
        state = "FAIL";
        c = C_RED;
        snprintf(detail, sizeof(detail), "%s", s->failure.message ? s->failure.message : "");
    } else if (s->expected == 0) {
        state = "FAIL";
        c = C_RED;
        snprintf(detail, sizeof(detail), "serves ANOTHER certificate: %s (sha256 %.16s...); %s %s",
                 s->leaf_subject ? s->leaf_subject : "?", s->leaf_sha256, s->protocol, s->cipher);
    } else {
        state = "ok";
        snprintf(detail, sizeof(detail), "%s%s, %s %s; chain %s",
                 s->expected == 1 ? "the distribution's certificate" : s->leaf_subject,
                 s->covers == 0 ? " (does NOT cover the name)" : "", s->protocol, s->cipher,
                 s->trust ? s->trust : "?");
    }
    cert_text_writef(f, "  live   %s  %-15s ", n->name, s->address);
    col(t, c, f);
    fputs(state, f);
    col(t, *c ? C_OFF : "", f);
    cert_text_writef(f, "  %s\n", detail);
}

static void live_text(const cert_live_name *n, const cert_text_opts *t, FILE *f)
{
    cert_text_writef(f, "  live   %s", n->name);
    if (strcmp(n->name, n->alias) != 0)
        cert_text_writef(f, " (for %s%s)", n->alias, n->stand_in ? ", a stand-in name" : "");
    if (n->failure.err < 0) {
        fputs(": ", f);
        red_note(t, "not resolved", n->failure.message, f);
        return;
    }
    if (n->served_count == 0) {
        fputs(": ", f);
        red_note(t, "does not resolve", n->dns_status, f);
        return;
    }
    fprintf(f, ": %zu address%s %s", n->served_count, n->served_count == 1 ? "" : "es",
            n->dns_server == NULL ? "pinned" : "seen from this resolver");
    for (size_t i = 0; i < n->cname_count; i++)
        cert_text_writef(f, "%s%s", i ? " -> " : ", via ", n->cnames[i]);
    fputc('\n', f);
    for (size_t i = 0; i < n->served_count; i++)
        served_line(n, n->served[i], t, f);
}

void cert_report__live_text(const cert_live_result *l, const cert_text_opts *t, FILE *f)
{
    if (l->domain_name != NULL)
        cert_text_writef(f, "  domain %s\n", l->domain_name);
    if (l->failure.err < 0) {
        fputs("  ", f);
        col(t, C_RED, f);
        fputs("error", f);
        col(t, C_OFF, f);
        cert_text_writef(f, "  %s\n", l->failure.message ? l->failure.message : "");
    }
    for (size_t i = 0; i < l->dns_count; i++)
        dns_text(l, l->dns[i], t, f);
    if (l->live_checked && l->resolver != NULL)
        cert_text_writef(f, "  live   port %u; resolver %s\n", l->port, l->resolver);
    for (size_t i = 0; i < l->live_count; i++)
        live_text(l->live[i], t, f);
}

/* ---- JSON ---- */

static json_t *strings_json(char *const *v, size_t n)
{
    json_t *a = json_array();

    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

static json_t *time_or_null(int64_t t)
{
    char buf[32];

    return t == INT64_MIN ? json_null() : json_string(cert__time_format(t, buf, sizeof(buf)));
}

json_t *cert_report__served_json(const cert_served *s)
{
    json_t *o = json_object(), *leaf;

    json_object_set_new(o, "host", cert__str_or_null(s->host));
    json_object_set_new(o, "port", json_integer(s->port));
    json_object_set_new(o, "servername", cert__str_or_null(s->servername));
    json_object_set_new(o, "address", cert__str_or_null(s->address));
    json_object_set_new(o, "pinned", json_boolean(s->pinned));
    json_object_set_new(o, "status", json_string(cert_served_state_name(s->state)));
    if (s->failure.err < 0)
        json_object_set_new(o, "error", cert__failure_json(&s->failure));
    if (s->state != CERT_SERVED_OK)
        return o;
    json_object_set_new(o, "protocol", cert__str_or_null(s->protocol));
    json_object_set_new(o, "cipher", cert__str_or_null(s->cipher));
    json_object_set_new(o, "certificates_sent", json_integer((json_int_t)s->sent));
    json_object_set_new(o, "root_sent", json_boolean(s->root_sent));
    json_object_set_new(o, "extra_sent", json_integer((json_int_t)s->extra));
    json_object_set_new(o, "ocsp_stapled",
                        s->ocsp_stapled < 0 ? json_null() : json_boolean(s->ocsp_stapled));
    leaf = json_object();
    json_object_set_new(leaf, "sha256", json_string(s->leaf_sha256));
    json_object_set_new(leaf, "subject", cert__str_or_null(s->leaf_subject));
    json_object_set_new(leaf, "not_after", time_or_null(s->leaf_not_after));
    json_object_set_new(o, "leaf", leaf);
    json_object_set_new(o, "covers", s->covers < 0 ? json_null() : json_boolean(s->covers));
    json_object_set_new(o, "trust", cert__str_or_null(s->trust));
    if (s->expected >= 0) {
        json_t *e = json_object();

        json_object_set_new(e, "sha256", json_string(s->expected_sha256));
        json_object_set_new(e, "from", cert__str_or_null(s->expected_label));
        json_object_set_new(e, "matches", json_boolean(s->expected == 1));
        json_object_set_new(o, "expected", e);
    } else {
        json_object_set_new(o, "expected", json_null());
    }
    json_object_set_new(o, "elapsed_ms", json_integer(s->elapsed_ms));
    return o;
}

/* A ResourceRecordSet with the AWS CLI's members (route53 list-resource-record-sets). */
static json_t *record_json(const cert_r53_record *r)
{
    json_t *o = json_object();

    json_object_set_new(o, "Name", json_string(r->name));
    json_object_set_new(o, "Type", json_string(r->type));
    if (r->set_identifier != NULL)
        json_object_set_new(o, "SetIdentifier", json_string(r->set_identifier));
    if (r->weight >= 0)
        json_object_set_new(o, "Weight", json_integer(r->weight));
    if (r->region != NULL)
        json_object_set_new(o, "Region", json_string(r->region));
    if (r->failover != NULL)
        json_object_set_new(o, "Failover", json_string(r->failover));
    if (r->ttl >= 0)
        json_object_set_new(o, "TTL", json_integer(r->ttl));
    if (r->value_count > 0) {
        json_t *rrs = json_array();

        for (size_t i = 0; i < r->value_count; i++) {
            json_t *v = json_object();

            json_object_set_new(v, "Value", json_string(r->values[i]));
            json_array_append_new(rrs, v);
        }
        json_object_set_new(o, "ResourceRecords", rrs);
    }
    if (r->alias_dns_name != NULL) {
        json_t *at = json_object();

        json_object_set_new(at, "HostedZoneId", cert__str_or_null(r->alias_zone_id));
        json_object_set_new(at, "DNSName", json_string(r->alias_dns_name));
        json_object_set_new(at, "EvaluateTargetHealth", json_boolean(r->evaluate_target_health));
        json_object_set_new(o, "AliasTarget", at);
    }
    if (r->health_check_id != NULL)
        json_object_set_new(o, "HealthCheckId", json_string(r->health_check_id));
    return o;
}

static json_t *route_json(const cert_dns_route *rt)
{
    json_t *o = json_object();

    json_object_set_new(o, "ResourceRecordSet", record_json(rt->record));
    json_object_set_new(o, "routing", json_string(rt->record->routing));
    json_object_set_new(o, "via", strings_json(rt->via, rt->via_count));
    json_object_set_new(o, "target", cert__str_or_null(rt->target));
    json_object_set_new(o, "points", json_string(cert_dns_points_name(rt->points)));
    json_object_set_new(o, "distribution", cert__str_or_null(rt->distribution));
    if (rt->note != NULL)
        json_object_set_new(o, "note", json_string(rt->note));
    if (rt->health != NULL) {
        json_t *h = json_object();

        json_object_set_new(h, "HealthCheckId", json_string(rt->health->id));
        json_object_set_new(h, "observations", json_integer((json_int_t)rt->health->observations));
        json_object_set_new(h, "healthy", json_integer((json_int_t)rt->health->success));
        json_object_set_new(h, "failure", cert__str_or_null(rt->health->failure));
        json_object_set_new(o, "health", h);
    } else if (rt->health_failure.err < 0) {
        json_object_set_new(o, "health_error", cert__failure_json(&rt->health_failure));
    }
    return o;
}

static json_t *dns_json(const cert_dns_alias *a)
{
    json_t *o = json_object(), *routes = json_array();

    json_object_set_new(o, "alias", json_string(a->alias));
    if (a->zone_id != NULL) {
        json_t *z = json_object();

        json_object_set_new(z, "Id", json_string(a->zone_id));
        json_object_set_new(z, "Name", cert__str_or_null(a->zone_name));
        json_object_set_new(o, "HostedZone", z);
    } else {
        json_object_set_new(o, "HostedZone", json_null());
    }
    if (a->zone_count > 0)
        json_object_set_new(o, "HostedZoneIds", strings_json(a->zones, a->zone_count));
    json_object_set_new(o, "record_name", cert__str_or_null(a->record_name));
    json_object_set_new(o, "points", json_string(cert_dns_points_name(a->points)));
    for (size_t i = 0; i < a->route_count; i++)
        json_array_append_new(routes, route_json(a->routes[i]));
    json_object_set_new(o, "records", routes);
    if (a->failure.err < 0)
        json_object_set_new(o, "error", cert__failure_json(&a->failure));
    return o;
}

static json_t *name_json(const cert_live_name *n)
{
    json_t *o = json_object(), *addrs = json_array();

    json_object_set_new(o, "alias", json_string(n->alias));
    json_object_set_new(o, "name", json_string(n->name));
    json_object_set_new(o, "stand_in", json_boolean(n->stand_in));
    json_object_set_new(o, "dns_status", cert__str_or_null(n->dns_status));
    json_object_set_new(o, "dns_server", cert__str_or_null(n->dns_server));
    json_object_set_new(o, "cnames", strings_json(n->cnames, n->cname_count));
    for (size_t i = 0; i < n->served_count; i++)
        json_array_append_new(addrs, cert_report__served_json(n->served[i]));
    json_object_set_new(o, "addresses", addrs);
    if (n->failure.err < 0)
        json_object_set_new(o, "error", cert__failure_json(&n->failure));
    return o;
}

void cert_report__live_json(const cert_live_result *l, json_t *dist)
{
    json_object_set_new(dist, "DomainName", cert__str_or_null(l->domain_name));
    if (l->dns_checked) {
        json_t *a = json_array();

        for (size_t i = 0; i < l->dns_count; i++)
            json_array_append_new(a, dns_json(l->dns[i]));
        json_object_set_new(dist, "dns", a);
    }
    if (l->live_checked) {
        json_t *o = json_object(), *names = json_array();

        json_object_set_new(o, "resolver", cert__str_or_null(l->resolver));
        json_object_set_new(o, "port", json_integer(l->port));
        json_object_set_new(o, "addresses", json_integer((json_int_t)l->addresses));
        json_object_set_new(o, "expected_sha256", json_string(l->expected_sha256));
        for (size_t i = 0; i < l->live_count; i++)
            json_array_append_new(names, name_json(l->live[i]));
        json_object_set_new(o, "names", names);
        json_object_set_new(dist, "live", o);
    }
    if (l->failure.err < 0)
        json_object_set_new(dist, "check_error", cert__failure_json(&l->failure));
}
