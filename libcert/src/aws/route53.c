/* SPDX-License-Identifier: Apache-2.0 */
/* Route 53 over the REST-XML API (Route 53 API Reference, 2013-04-01), read only. */
#include "libcert/route53.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "aws_int.h"
#include "page_int.h"
#include "util/error_int.h"

#define R53_VERSION "/2013-04-01"

/* Records asked for per ListResourceRecordSets page: a name rarely holds more than a few (A,
 * AAAA, a weighted or failover set), and Route 53 answers at most 300. */
#define R53_RECORDS_PAGE "100"

/* ---- names ---- */

char *cert_r53_name_canon(const char *name, char *buf, size_t size)
{
    size_t o = 0;

    if (name == NULL || buf == NULL || size == 0)
        return NULL;
    for (const char *p = name; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;

        /* \three-digit octal escape codes (Route 53 Developer Guide, "DNS domain name format");
         * a backslash before anything else stands for that character. */
        if (c == '\\') {
            if (p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' && p[3] >= '0' &&
                p[3] <= '7') {
                c = (unsigned char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
                p += 3;
            } else if (p[1] != '\0') {
                c = (unsigned char)*++p;
            } else {
                return NULL;
            }
        }
        if (o + 1 >= size)
            return NULL;
        buf[o++] = (char)tolower(c);
    }
    if (o > 0 && buf[o - 1] == '.')
        o--;
    buf[o] = '\0';
    return buf;
}

bool cert_r53_name_same(const char *a, const char *b)
{
    char ca[1100], cb[1100];

    return cert_r53_name_canon(a, ca, sizeof(ca)) != NULL &&
           cert_r53_name_canon(b, cb, sizeof(cb)) != NULL && strcmp(ca, cb) == 0;
}

/* A name as a request sends it: the canonical form with every character that is not a-z, 0-9,
 * '-', '_' or '.' as Route 53's escape code, and a trailing dot, as Route 53 keeps it. */
static cert_err name_for_request(const char *name, char *out, size_t size)
{
    char canon[1100];
    size_t o = 0;

    if (cert_r53_name_canon(name, canon, sizeof(canon)) == NULL || canon[0] == '\0')
        return cert__error_set(CERT_E_INVALID, "\"%s\" is not a DNS name Route 53 takes",
                               name ? name : "");
    for (const char *p = canon; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        int n;

        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')
            n = snprintf(out + o, size - o, "%c", c);
        else
            n = snprintf(out + o, size - o, "\\%03o", c);
        if (n < 0 || (size_t)n >= size - o)
            return cert__error_set(CERT_E_INVALID, "\"%s\" is longer than a DNS name", name);
        o += (size_t)n;
    }
    if (o + 2 > size)
        return cert__error_set(CERT_E_INVALID, "\"%s\" is longer than a DNS name", name);
    out[o++] = '.';
    out[o] = '\0';
    return CERT_OK;
}

/* An id that goes into a URL path: letters, digits and '-' (zone ids are upper-case letters and
 * digits; health check ids are UUIDs), at most `max`. */
static cert_err check_id(const char *what, const char *id, size_t max)
{
    size_t n = id != NULL ? strlen(id) : 0;

    for (size_t i = 0; i < n; i++) {
        char c = id[i];

        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-'))
            n = 0;
    }
    if (n == 0 || n > max)
        return cert__error_set(CERT_E_INVALID, "\"%s\" is not a Route 53 %s", id ? id : "", what);
    return CERT_OK;
}

/* "/hostedzone/Z123" or "Z123" -> "Z123" (borrowed from id). */
static const char *bare_zone_id(const char *id)
{
    static const char prefix[] = "/hostedzone/";

    if (id != NULL && strncmp(id, prefix, sizeof(prefix) - 1) == 0)
        return id + sizeof(prefix) - 1;
    return id;
}

/* ---- parsing ---- */

static bool child_is(xmlNode *parent, const char *name, const char *want)
{
    char *t = cert_aws__xml_child_text(parent, name);
    bool is = t != NULL && strcmp(t, want) == 0;

    free(t);
    return is;
}

static int64_t child_int(xmlNode *parent, const char *name, int64_t absent)
{
    char *t = cert_aws__xml_child_text(parent, name), *end;
    long long v;

    if (t == NULL)
        return absent;
    v = strtoll(t, &end, 10);
    if (end == t || *end != '\0' || v < 0)
        v = absent;
    free(t);
    return (int64_t)v;
}

static cert_err parse_zone(xmlNode *n, cert_r53_zone *z)
{
    char *id = cert_aws__xml_child_text(n, "Id");

    memset(z, 0, sizeof(*z));
    z->record_count = child_int(n, "ResourceRecordSetCount", -1);
    z->private_zone = child_is(cert_aws__xml_child(n, "Config"), "PrivateZone", "true");
    z->name = cert_aws__xml_child_text(n, "Name");
    if (id != NULL) {
        z->id = strdup(bare_zone_id(id));
        free(id);
        if (z->id == NULL)
            return cert__error_nomem();
    }
    if (z->id == NULL || z->id[0] == '\0' || z->name == NULL)
        return cert__error_set(CERT_E_NET, "Route53 listed a hosted zone without an Id or a Name");
    return CERT_OK;
}

/* The routing policy a record's members make (Route 53 Developer Guide, "Choosing a routing
 * policy"). */
static const char *routing_of(xmlNode *n, const cert_r53_record *r)
{
    if (r->weight >= 0)
        return "weighted";
    if (r->failover != NULL)
        return "failover";
    if (r->region != NULL)
        return "latency";
    if (cert_aws__xml_child(n, "GeoLocation") != NULL)
        return "geolocation";
    if (cert_aws__xml_child(n, "GeoProximityLocation") != NULL)
        return "geoproximity";
    if (cert_aws__xml_child(n, "CidrRoutingConfig") != NULL)
        return "cidr";
    if (child_is(n, "MultiValueAnswer", "true"))
        return "multivalue";
    if (cert_aws__xml_child(n, "TrafficPolicyInstanceId") != NULL)
        return "traffic-policy";
    return "simple";
}

/* The values of ResourceRecords/ResourceRecord/Value. */
static cert_err parse_values(xmlNode *n, cert_r53_record *r)
{
    xmlNode *rrs = cert_aws__xml_child(n, "ResourceRecords");
    size_t count = 0;

    for (xmlNode *c = rrs ? rrs->children : NULL; c != NULL; c = c->next)
        count += c->type == XML_ELEMENT_NODE;
    if (count == 0)
        return CERT_OK;
    if ((r->values = calloc(count, sizeof(*r->values))) == NULL)
        return cert__error_nomem();
    for (xmlNode *c = rrs->children; c != NULL; c = c->next) {
        char *v;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        v = cert_aws__xml_child_text(c, "Value");
        if (v == NULL)
            continue; /* a ResourceRecord without a Value says nothing */
        r->values[r->value_count++] = v;
    }
    return CERT_OK;
}

static cert_err parse_record(xmlNode *n, cert_r53_record *r)
{
    xmlNode *alias = cert_aws__xml_child(n, "AliasTarget");

    memset(r, 0, sizeof(*r));
    r->name = cert_aws__xml_child_text(n, "Name");
    r->type = cert_aws__xml_child_text(n, "Type");
    r->set_identifier = cert_aws__xml_child_text(n, "SetIdentifier");
    r->weight = child_int(n, "Weight", -1);
    r->failover = cert_aws__xml_child_text(n, "Failover");
    r->region = cert_aws__xml_child_text(n, "Region");
    r->health_check_id = cert_aws__xml_child_text(n, "HealthCheckId");
    r->ttl = child_int(n, "TTL", -1);
    if (alias != NULL) {
        r->alias_dns_name = cert_aws__xml_child_text(alias, "DNSName");
        r->alias_zone_id = cert_aws__xml_child_text(alias, "HostedZoneId");
        r->evaluate_target_health = child_is(alias, "EvaluateTargetHealth", "true");
    }
    r->routing = routing_of(n, r);
    if (r->name == NULL || r->type == NULL)
        return cert__error_set(CERT_E_NET, "Route53 listed a record without a Name or a Type");
    return parse_values(n, r);
}

/* ---- ListHostedZonesByName ---- */

static const aws_page_spec zones_spec = {
    "Route53",
    "ListHostedZonesByName",
    {{"NextDNSName", "dnsname", false}, {"NextHostedZoneId", "hostedzoneid", false}},
    2,
    false};

typedef struct zones_page {
    aws_pager *pg;
    cert_r53_zone **v;
    size_t *n, *cap;
} zones_page;

static cert_err take_zone(xmlNode *node, size_t pick, void *ud)
{
    zones_page *p = ud;
    cert_err err = CERT_OK;
    char *t;

    if (pick > 0) { /* IsTruncated, NextDNSName, NextHostedZoneId */
        if ((t = cert_aws__xml_text(node)) == NULL)
            return cert__error_nomem();
        if (pick == 1)
            cert_aws__page_truncated(p->pg, strcmp(t, "true") == 0);
        else if (pick == 2)
            err = cert_aws__page_cursor(p->pg, 0, t);
        else
            err = cert_aws__page_cursor(p->pg, 1, bare_zone_id(t));
        free(t);
        return err;
    }
    if ((err = cert_aws__page_item(p->pg)) < 0)
        return err;
    if (cert__array_reserve(p->v, p->cap, *p->n, 16, sizeof(**p->v)) < 0)
        return CERT_E_NOMEM;
    err = parse_zone(node, &(*p->v)[*p->n]);
    (*p->n)++; /* freed with the others even when partly parsed */
    return err;
}

static cert_err read_zones_page(aws_pager *pg, const char *body, size_t len, cert_r53_zone **v,
                                size_t *n, size_t *cap)
{
    static const cert_aws_xml_pick picks[] = {
        {"HostedZones", "HostedZone"},
        {"ListHostedZonesByNameResponse", "IsTruncated"},
        {"ListHostedZonesByNameResponse", "NextDNSName"},
        {"ListHostedZonesByNameResponse", "NextHostedZoneId"},
    };
    zones_page p = {pg, v, n, cap};

    return cert_aws__xml_stream(body, len, picks, 4, take_zone, &p);
}

cert_err cert_r53__parse_zones_page(const char *body, size_t len, cert_r53_zone **v, size_t *n,
                                    size_t *cap, bool *more)
{
    aws_pager pg;
    cert_err err;

    cert_aws__pager_init(&pg, &zones_spec, 0);
    err = read_zones_page(&pg, body, len, v, n, cap);
    *more = err == CERT_OK && cert_aws__page_more(&pg);
    cert_aws__pager_free(&pg);
    return err;
}

typedef struct zones_ctx {
    cert_aws *aws;
    cert_r53_zone *v;
    size_t n, cap;
} zones_ctx;

/* GET path?query as `action`; resp is the caller's to free. */
static cert_err r53_get(cert_aws *aws, const char *action, const char *path, const char *query,
                        aws_response *resp)
{
    aws_request req;

    memset(&req, 0, sizeof(req));
    req.service = CERT_AWS_ROUTE53;
    req.action = action;
    req.method = "GET";
    req.path = path;
    req.query = query;
    return cert_aws__send(aws, &req, resp);
}

static cert_err zones_fetch(aws_pager *pg, void *ud)
{
    zones_ctx *c = ud;
    cert_err err = CERT_OK;
    cert_buf q;
    aws_response resp;

    cert__buf_init(&q, (size_t)-2, false);
    memset(&resp, 0, sizeof(resp));
    CERT_TRY(cert_aws__page_query(pg, &q));
    CERT_TRY(cert_aws__query_add(&q, "maxitems", "100"));
    CERT_TRY(
        r53_get(c->aws, "ListHostedZonesByName", R53_VERSION "/hostedzonesbyname", q.ptr, &resp));
    err = read_zones_page(pg, resp.body.ptr, resp.body.len, &c->v, &c->n, &c->cap);
    if (err == CERT_E_NET)
        err = cert__error_set(CERT_E_NET, "Route53 ListHostedZonesByName: %s",
                              cert_error_last()->message);

done:
    cert__buf_free(&q);
    cert_aws__response_free(&resp);
    return err;
}

cert_err cert_r53_list_zones(cert_aws *aws, cert_r53_zone **out, size_t *count_out)
{
    zones_ctx c;
    cert_err err;

    if (out == NULL || count_out == NULL || aws == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_r53_list_zones: NULL argument");
    *out = NULL;
    *count_out = 0;
    memset(&c, 0, sizeof(c));
    c.aws = aws;
    err = cert_aws__page_all(aws, &zones_spec, zones_fetch, &c);
    if (err < 0) {
        cert_r53_zones_free(c.v, c.n);
        return err;
    }
    *out = c.v;
    *count_out = c.n;
    return CERT_OK;
}

/* ---- ListResourceRecordSets ---- */

static const aws_page_spec records_spec = {"Route53",
                                           "ListResourceRecordSets",
                                           {{"NextRecordName", "name", false},
                                            {"NextRecordType", "type", false},
                                            {"NextRecordIdentifier", "identifier", true}},
                                           3,
                                           false};

/* One page's reader: the records at `name` are kept; the first record of another name ends the
 * listing (Route 53 lists in name order, so none of `name` follows it). */
typedef struct records_page {
    aws_pager *pg;
    const char *name; /* canonical; NULL: keep every record (the fuzzer's one page) */
    cert_r53_record **v;
    size_t *n, *cap;
    bool passed; /* a record of another name came */
} records_page;

static cert_err take_record(xmlNode *node, size_t pick, void *ud)
{
    records_page *p = ud;
    cert_r53_record r;
    cert_err err = CERT_OK;
    char *t, canon[1100];

    if (pick > 0) { /* IsTruncated, NextRecordName, NextRecordType, NextRecordIdentifier */
        if ((t = cert_aws__xml_text(node)) == NULL)
            return cert__error_nomem();
        if (pick == 1)
            cert_aws__page_truncated(p->pg, strcmp(t, "true") == 0);
        else
            err = cert_aws__page_cursor(p->pg, pick - 2, t);
        free(t);
        return err;
    }
    if ((err = cert_aws__page_item(p->pg)) < 0)
        return err;
    if ((err = parse_record(node, &r)) < 0) {
        cert_r53_record_clear(&r);
        return err;
    }
    if (p->name != NULL &&
        (p->passed || cert_r53_name_canon(r.name, canon, sizeof(canon)) == NULL ||
         strcmp(canon, p->name) != 0)) {
        p->passed = true;
        cert_r53_record_clear(&r);
        return CERT_OK;
    }
    if (cert__array_reserve(p->v, p->cap, *p->n, 4, sizeof(**p->v)) < 0) {
        cert_r53_record_clear(&r);
        return CERT_E_NOMEM;
    }
    (*p->v)[(*p->n)++] = r;
    return CERT_OK;
}

static cert_err read_records_page(records_page *p, const char *body, size_t len)
{
    static const cert_aws_xml_pick picks[] = {
        {"ResourceRecordSets", "ResourceRecordSet"},
        {"ListResourceRecordSetsResponse", "IsTruncated"},
        {"ListResourceRecordSetsResponse", "NextRecordName"},
        {"ListResourceRecordSetsResponse", "NextRecordType"},
        {"ListResourceRecordSetsResponse", "NextRecordIdentifier"},
    };

    return cert_aws__xml_stream(body, len, picks, 5, take_record, p);
}

cert_err cert_r53__parse_records_page(const char *body, size_t len, cert_r53_record **v, size_t *n,
                                      size_t *cap, bool *more)
{
    aws_pager pg;
    records_page p;
    cert_err err;

    cert_aws__pager_init(&pg, &records_spec, 0);
    memset(&p, 0, sizeof(p));
    p.pg = &pg;
    p.v = v;
    p.n = n;
    p.cap = cap;
    err = read_records_page(&p, body, len);
    *more = err == CERT_OK && cert_aws__page_more(&pg);
    cert_aws__pager_free(&pg);
    return err;
}

typedef struct records_ctx {
    cert_aws *aws;
    char *path;
    const char *start; /* the name as sent */
    const char *name;  /* canonical */
    cert_r53_record *v;
    size_t n, cap;
} records_ctx;

static cert_err records_fetch(aws_pager *pg, void *ud)
{
    records_ctx *c = ud;
    cert_err err = CERT_OK;
    cert_buf q;
    aws_response resp;
    records_page p;
    char canon[1100];

    cert__buf_init(&q, (size_t)-2, false);
    memset(&resp, 0, sizeof(resp));
    if (pg->cursor[0] == NULL)
        CERT_TRY(cert_aws__query_add(&q, "name", c->start));
    else
        CERT_TRY(cert_aws__page_query(pg, &q));
    CERT_TRY(cert_aws__query_add(&q, "maxitems", R53_RECORDS_PAGE));
    CERT_TRY(r53_get(c->aws, "ListResourceRecordSets", c->path, q.ptr, &resp));
    memset(&p, 0, sizeof(p));
    p.pg = pg;
    p.name = c->name;
    p.v = &c->v;
    p.n = &c->n;
    p.cap = &c->cap;
    err = read_records_page(&p, resp.body.ptr, resp.body.len);
    if (err == CERT_E_NET)
        err = cert__error_set(CERT_E_NET, "Route53 ListResourceRecordSets: %s",
                              cert_error_last()->message);
    /* Past the name, or the next page begins with another name: nothing more of this name. */
    if (err == CERT_OK &&
        (p.passed ||
         (pg->next[0] != NULL && (cert_r53_name_canon(pg->next[0], canon, sizeof(canon)) == NULL ||
                                  strcmp(canon, c->name) != 0))))
        cert_aws__page_truncated(pg, false);

done:
    cert__buf_free(&q);
    cert_aws__response_free(&resp);
    return err;
}

cert_err cert_r53_list_records(cert_aws *aws, const char *zone_id, const char *name,
                               cert_r53_record **out, size_t *count_out)
{
    cert_err err = CERT_OK;
    records_ctx c;
    char start[1100], canon[1100];

    if (out == NULL || count_out == NULL || aws == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_r53_list_records: NULL argument");
    *out = NULL;
    *count_out = 0;
    memset(&c, 0, sizeof(c));
    zone_id = bare_zone_id(zone_id);
    CERT_TRY(check_id("hosted zone id", zone_id, 32));
    CERT_TRY(name_for_request(name, start, sizeof(start)));
    cert_r53_name_canon(name, canon, sizeof(canon));
    if (asprintf(&c.path, R53_VERSION "/hostedzone/%s/rrset", zone_id) < 0) {
        c.path = NULL;
        CERT_NOMEM();
    }
    c.aws = aws;
    c.start = start;
    c.name = canon;
    CERT_TRY(cert_aws__page_all(aws, &records_spec, records_fetch, &c));
    *out = c.v;
    *count_out = c.n;
    c.v = NULL;
    c.n = 0;

done:
    cert_r53_records_free(c.v, c.n);
    free(c.path);
    return err;
}

/* ---- GetHealthCheckStatus ---- */

cert_err cert_r53__parse_health(const char *id, const char *body, size_t len, cert_r53_health *out)
{
    cert_err err = CERT_OK;
    xmlDoc *doc = cert_aws__xml_parse(body, len);
    xmlNode *root = doc != NULL ? xmlDocGetRootElement(doc) : NULL;
    xmlNode *obs = cert_aws__xml_child(root, "HealthCheckObservations");

    memset(out, 0, sizeof(*out));
    if (obs == NULL)
        CERT_FAIL(CERT_E_NET,
                  "Route53 answered GetHealthCheckStatus for %s without "
                  "HealthCheckObservations",
                  id);
    if ((out->id = strdup(id)) == NULL)
        CERT_NOMEM();
    for (xmlNode *o = obs->children; o != NULL; o = o->next) {
        char *status;

        if (o->type != XML_ELEMENT_NODE)
            continue;
        out->observations++;
        status = cert_aws__xml_child_text(cert_aws__xml_child(o, "StatusReport"), "Status");
        if (status != NULL && strncmp(status, "Success", 7) == 0) {
            out->success++;
            free(status);
        } else if (out->failure == NULL) {
            out->failure = status != NULL ? status : strdup("no status reported");
            if (out->failure == NULL)
                CERT_NOMEM();
        } else {
            free(status);
        }
    }

done:
    if (doc != NULL)
        xmlFreeDoc(doc);
    if (err < 0)
        cert_r53_health_clear(out);
    return err;
}

cert_err cert_r53_health_status(cert_aws *aws, const char *id, cert_r53_health *out)
{
    cert_err err = CERT_OK;
    aws_response resp;
    char *path = NULL;

    if (out == NULL || aws == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_r53_health_status: NULL argument");
    memset(out, 0, sizeof(*out));
    memset(&resp, 0, sizeof(resp));
    CERT_TRY(check_id("health check id", id, 64));
    if (asprintf(&path, R53_VERSION "/healthcheck/%s/status", id) < 0) {
        path = NULL;
        CERT_NOMEM();
    }
    CERT_TRY(r53_get(aws, "GetHealthCheckStatus", path, NULL, &resp));
    err = cert_r53__parse_health(id, resp.body.ptr, resp.body.len, out);

done:
    free(path);
    cert_aws__response_free(&resp);
    return err;
}
