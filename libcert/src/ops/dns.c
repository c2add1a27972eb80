/* SPDX-License-Identifier: Apache-2.0 */
/*
 * certcheck --distribution --dns: where each alias's record in the account's Route 53 leads.
 * The alias's hosted zone is the public zone with the longest name the alias ends in (two public
 * zones of that name: ambiguous, as Route 53 allows and only the parent's delegation decides);
 * its A, AAAA and CNAME records at the alias, else at the nearest wildcard above it, are followed
 * through the account's own zones (alias to alias, CNAME to a name of the account) to a name:
 * this distribution's DomainName, another distribution's (*.cloudfront.net), or anything else.
 * A record of a routing policy (failover, weighted, ...) is reported with its weight, its health
 * check and that check's status now, and no claim about which record DNS answers with.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcert/cloudfront.h"
#include "libcert/route53.h"
#include "ops/live_int.h"
#include "util/buf.h"
#include "util/error_int.h"

#define FOLLOW_MAX 8 /* alias-to-alias and CNAME hops followed inside the account */
#define CLOUDFRONT_SUFFIX ".cloudfront.net"

void cert_live__dns_cache_free(live_dns_cache *c)
{
    cert_r53_zones_free(c->zones, c->nzones);
    cert_cf_dists_free(c->dists, c->ndists);
    memset(c, 0, sizeof(*c));
}

/* The canonical form (lower case, no trailing dot, escapes decoded); "" when it is not one. */
static const char *canon(const char *name, char buf[1100])
{
    if (name == NULL || cert_r53_name_canon(name, buf, 1100) == NULL)
        buf[0] = '\0';
    return buf;
}

/* Whether `name` is `zone` or a name under it (canonical forms). */
static bool in_zone(const char *name, const char *zone)
{
    size_t n = strlen(name), z = strlen(zone);

    return z > 0 && (strcmp(name, zone) == 0 ||
                     (n > z && name[n - z - 1] == '.' && strcmp(name + n - z, zone) == 0));
}

/* The public zones with the longest name that holds `name`: the first's index, how many. */
static size_t zone_for(const live_dns_cache *c, const char *name, size_t *first)
{
    size_t best = 0, count = 0;
    char zc[1100];

    for (size_t i = 0; i < c->nzones; i++) {
        size_t len;

        if (c->zones[i].private_zone || !in_zone(name, canon(c->zones[i].name, zc)))
            continue;
        len = strlen(zc);
        if (len > best) {
            best = len;
            count = 0;
        }
        if (len == best && count++ == 0)
            *first = i;
    }
    return count;
}

static bool relevant(const cert_r53_record *r)
{
    return strcmp(r->type, "A") == 0 || strcmp(r->type, "AAAA") == 0 ||
           strcmp(r->type, "CNAME") == 0;
}

/* Where a record leads next: its alias target, a CNAME's name; NULL for addresses. */
static const char *next_name(const cert_r53_record *r)
{
    if (r->alias_dns_name != NULL)
        return r->alias_dns_name;
    if (strcmp(r->type, "CNAME") == 0 && r->value_count > 0)
        return r->values[0];
    return NULL;
}

/* The records at name that are A, AAAA or CNAME, moved out of the listing into *out (n). */
static cert_err relevant_records(cert_aws *aws, const char *zone_id, const char *name,
                                 cert_r53_record **out, size_t *n, size_t *all)
{
    cert_r53_record *v = NULL;
    size_t count = 0, k = 0;
    cert_err err;

    *out = NULL;
    *n = 0;
    if ((err = cert_r53_list_records(aws, zone_id, name, &v, &count)) < 0)
        return err;
    *all = count;
    for (size_t i = 0; i < count; i++) {
        if (relevant(&v[i]))
            v[k++] = v[i];
        else
            cert_r53_record_clear(&v[i]);
    }
    *out = v;
    *n = k;
    return CERT_OK;
}

/* The Id of the distribution of this account whose DomainName is `name`; NULL when none (the
 * account's distributions are listed once, when a record first points at another one). */
static cert_err other_distribution(cert_aws *aws, live_dns_cache *c, const char *name,
                                   char **id_out)
{
    char dc[1100];
    cert_err err;

    *id_out = NULL;
    if (!c->dists_listed) {
        if ((err = cert_cf_list(aws, &c->dists, &c->ndists)) < 0)
            return err;
        c->dists_listed = true;
    }
    for (size_t i = 0; i < c->ndists; i++) {
        if (strcmp(canon(c->dists[i].domain_name, dc), name) == 0)
            return (*id_out = strdup(c->dists[i].id)) ? CERT_OK : cert__error_nomem();
    }
    return CERT_OK;
}

static cert_err set_note(cert_dns_route *rt, const char *fmt, ...) CERT_PRINTF(2, 3);

static cert_err set_note(cert_dns_route *rt, const char *fmt, ...)
{
    va_list ap;
    int rc;

    free(rt->note);
    va_start(ap, fmt);
    rc = vasprintf(&rt->note, fmt, ap);
    va_end(ap);
    if (rc < 0) {
        rt->note = NULL;
        return cert__error_nomem();
    }
    return CERT_OK;
}

/* Follow a route's record to where it ends. */
static cert_err follow(cert_aws *aws, live_dns_cache *c, const char *domain, cert_dns_route *rt)
{
    cert_err err = CERT_OK;
    const cert_r53_record *rec = rt->record;
    const char *next = next_name(rec);
    cert_r53_record *v = NULL;
    size_t n = 0, all = 0;
    char t[1100], here[1100];
    bool alias = rec->alias_dns_name != NULL;

    canon(domain, here);
    rt->points = CERT_DNS_ELSEWHERE;
    for (int hop = 0; next != NULL; hop++) {
        size_t zi = 0, pick = 0, matching = 0;

        canon(next, t);
        free(rt->target);
        if ((rt->target = strdup(t)) == NULL)
            CERT_NOMEM();
        if (here[0] != '\0' && strcmp(t, here) == 0) {
            rt->points = CERT_DNS_HERE;
            break;
        }
        if (strlen(t) > strlen(CLOUDFRONT_SUFFIX) &&
            strcmp(t + strlen(t) - strlen(CLOUDFRONT_SUFFIX), CLOUDFRONT_SUFFIX) == 0) {
            rt->points = CERT_DNS_OTHER_DISTRIBUTION;
            err = other_distribution(aws, c, t, &rt->distribution);
            if (err < 0 && err != CERT_E_NOMEM) /* the verdict stands without the Id */
                err = set_note(rt, "%s", "the account's distributions could not be listed");
            break;
        }
        if (zone_for(c, t, &zi) != 1)
            break; /* outside the account (or in an ambiguous zone): elsewhere */
        if (hop >= FOLLOW_MAX) {
            rt->points = CERT_DNS_UNKNOWN;
            err = set_note(rt, "more than %d hops inside the account; not followed further",
                           FOLLOW_MAX);
            break;
        }
        for (size_t i = 0; i < rt->via_count; i++) {
            if (strcmp(rt->via[i], t) == 0) {
                rt->points = CERT_DNS_UNKNOWN;
                err = set_note(rt, "a loop through %s", t);
                goto done;
            }
        }
        CERT_TRY(cert__strings_push(&rt->via, &rt->via_count, t, false));
        cert_r53_records_free(v, n);
        v = NULL;
        n = 0;
        CERT_TRY(relevant_records(aws, c->zones[zi].id, t, &v, &n, &all));
        /* An alias record resolves to the target's record of its own type; a CNAME to whatever
         * the target has (RFC 1034 3.6.2). */
        for (size_t i = n; i-- > 0;) {
            if (!alias || strcmp(v[i].type, rec->type) == 0 || strcmp(v[i].type, "CNAME") == 0) {
                pick = i; /* the first that matches, once the loop is done */
                matching++;
            }
        }
        if (matching == 0) {
            rt->points = CERT_DNS_UNKNOWN;
            err = set_note(rt, "%s has no matching record in the account's zone", t);
            break;
        }
        if (matching > 1 &&
            (err =
                 set_note(rt, "%s has %zu such records (a routing policy); the first one followed",
                          t, matching)) < 0)
            break;
        next = next_name(&v[pick]);
        alias = v[pick].alias_dns_name != NULL;
    }

done:
    cert_r53_records_free(v, n);
    return err;
}

/* The health check's status of each route that has one, read once per check. */
static cert_err health(cert_aws *aws, cert_dns_alias *a)
{
    for (size_t i = 0; i < a->route_count; i++) {
        cert_dns_route *rt = a->routes[i];
        const char *id = rt->record->health_check_id;
        cert_err err;

        if (id == NULL)
            continue;
        if ((rt->health = calloc(1, sizeof(*rt->health))) == NULL)
            return cert__error_nomem();
        err = cert_r53_health_status(aws, id, rt->health);
        if (err == CERT_E_NOMEM)
            return err;
        if (err < 0) {
            free(rt->health);
            rt->health = NULL;
            if ((err = cert_aws_failure(aws, err, &rt->health_failure)) < 0)
                return err;
        }
    }
    return CERT_OK;
}

/* The routes of one alias: its records (or the nearest wildcard's), each followed. */
static cert_err alias_routes(cert_aws *aws, live_dns_cache *c, const char *domain,
                             cert_dns_alias *a)
{
    cert_err err = CERT_OK;
    cert_r53_record *v = NULL;
    size_t n = 0, all = 0, zi = 0, count;
    char an[1100], zc[1100], w[1100];
    const char *parent;

    canon(a->alias, an);
    count = zone_for(c, an, &zi);
    if (count == 0) {
        a->points = CERT_DNS_NO_ZONE;
        return CERT_OK;
    }
    canon(c->zones[zi].name, zc);
    if ((a->zone_name = strdup(c->zones[zi].name)) == NULL)
        return cert__error_nomem();
    if (count > 1) {
        a->points = CERT_DNS_AMBIGUOUS;
        for (size_t i = 0; i < c->nzones; i++) {
            char x[1100];

            if (!c->zones[i].private_zone && strcmp(canon(c->zones[i].name, x), zc) == 0 &&
                (err = cert__strings_push(&a->zones, &a->zone_count, c->zones[i].id, false)) < 0)
                return err;
        }
        return CERT_OK;
    }
    if ((a->zone_id = strdup(c->zones[zi].id)) == NULL)
        return cert__error_nomem();
    CERT_TRY(relevant_records(aws, a->zone_id, an, &v, &n, &all));
    snprintf(w, sizeof(w), "%s", an);
    /* No record at all at the name: DNS answers from the nearest wildcard above it (RFC 4592;
     * libcert looks from the parent up to the zone's apex and does not model empty
     * non-terminals). A name with other records only (TXT, MX) is not a wildcard's. */
    for (parent = strchr(an, '.'); n == 0 && all == 0 && an[0] != '*' && parent != NULL;
         parent = strchr(parent + 1, '.')) {
        if (!in_zone(parent + 1, zc))
            break;
        snprintf(w, sizeof(w), "*.%s", parent + 1);
        cert_r53_records_free(v, n);
        v = NULL;
        CERT_TRY(relevant_records(aws, a->zone_id, w, &v, &n, &all));
        if (n == 0)
            snprintf(w, sizeof(w), "%s", an);
    }
    if (n == 0) {
        a->points = CERT_DNS_NOWHERE;
        goto done;
    }
    if ((a->record_name = strdup(w)) == NULL || (a->routes = calloc(n, sizeof(*a->routes))) == NULL)
        CERT_NOMEM();
    for (size_t i = 0; i < n; i++) {
        cert_dns_route *rt = calloc(1, sizeof(*rt));

        if (rt == NULL || (rt->record = malloc(sizeof(*rt->record))) == NULL) {
            free(rt);
            CERT_NOMEM();
        }
        rt->version = CERT_RESULTS_VERSION;
        *rt->record = v[i]; /* moved */
        memset(&v[i], 0, sizeof(v[i]));
        a->routes[a->route_count++] = rt;
        CERT_TRY(follow(aws, c, domain, rt));
    }
    /* Here when a record leads here; else the worst of where the others lead. */
    a->points = CERT_DNS_UNKNOWN;
    for (size_t i = 0; i < a->route_count; i++) {
        cert_dns_points p = a->routes[i]->points;

        if (p == CERT_DNS_HERE || a->points == CERT_DNS_UNKNOWN ||
            (p == CERT_DNS_OTHER_DISTRIBUTION && a->points != CERT_DNS_HERE))
            a->points = p;
    }
    CERT_TRY(health(aws, a));

done:
    cert_r53_records_free(v, n);
    return err;
}

cert_err cert_live__dns(cert_aws *aws, live_dns_cache *c, const char *const *aliases, size_t n,
                        const char *domain_name, cert_live_result *l)
{
    cert_err err;

    if (!c->zones_listed) {
        err = cert_r53_list_zones(aws, &c->zones, &c->nzones);
        if (err == CERT_E_NOMEM)
            return err;
        if (err < 0)
            return cert_aws_failure(aws, err, &l->failure) == CERT_E_NOMEM ? CERT_E_NOMEM : CERT_OK;
        c->zones_listed = true;
    }
    if ((l->dns = calloc(n ? n : 1, sizeof(*l->dns))) == NULL)
        return cert__error_nomem();
    for (size_t i = 0; i < n; i++) {
        cert_dns_alias *a = calloc(1, sizeof(*a));

        if (a == NULL || (a->alias = strdup(aliases[i])) == NULL) {
            free(a);
            return cert__error_nomem();
        }
        a->version = CERT_RESULTS_VERSION;
        l->dns[l->dns_count++] = a;
        err = alias_routes(aws, c, domain_name, a);
        if (err == CERT_E_NOMEM)
            return err;
        if (err < 0) {
            a->points = CERT_DNS_UNKNOWN;
            if (cert_aws_failure(aws, err, &a->failure) == CERT_E_NOMEM)
                return CERT_E_NOMEM;
        }
    }
    return CERT_OK;
}
