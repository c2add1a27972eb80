/* SPDX-License-Identifier: Apache-2.0 */
/* CloudFront distributions over the REST-XML API (CloudFront API Reference, 2020-05-31). */
#include "libcert/cloudfront.h"

#include <stdlib.h>
#include <string.h>

#include "aws_int.h"
#include "page_int.h"
#include "util/error_int.h"

#define CF_VERSION "/2020-05-31"

static bool text_is(xmlNode *parent, const char *name, const char *want)
{
    char *t = cert_aws__xml_child_text(parent, name);
    bool is = t != NULL && strcmp(t, want) == 0;

    free(t);
    return is;
}

/* Aliases/Items/CNAME* into d. */
static cert_err parse_aliases(xmlNode *aliases, cert_cf_dist *d)
{
    xmlNode *items = cert_aws__xml_child(aliases, "Items");
    size_t n = 0;

    for (xmlNode *c = items ? items->children : NULL; c != NULL; c = c->next)
        n += c->type == XML_ELEMENT_NODE;
    if (n == 0)
        return CERT_OK;
    d->aliases = calloc(n, sizeof(*d->aliases));
    if (d->aliases == NULL)
        return cert__error_nomem();
    for (xmlNode *c = items->children; c != NULL; c = c->next) {
        xmlChar *t;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        t = xmlNodeGetContent(c);
        d->aliases[d->alias_count] = strdup(t ? (const char *)t : "");
        xmlFree(t);
        if (d->aliases[d->alias_count] == NULL)
            return cert__error_nomem();
        d->alias_count++;
    }
    return CERT_OK;
}

/* A member of ViewerCertificate: NULL when absent or empty (<ACMCertificateArn/> says nothing,
 * so that a distribution that already says what we would write is unchanged). */
static char *member(xmlNode *vc, const char *name)
{
    char *t = cert_aws__xml_child_text(vc, name);

    if (t != NULL && t[strspn(t, " \t\r\n")] == '\0') {
        free(t);
        return NULL;
    }
    return t;
}

/* A distribution's fields: Id, ARN, DomainName and Status from `top`; Comment, Enabled,
 * ViewerCertificate and Aliases from its configuration `cfg` (a summary holds them all itself;
 * GetDistribution nests the configuration). */
static cert_err dist_fields(xmlNode *top, xmlNode *cfg, cert_cf_dist *d)
{
    xmlNode *vc = cert_aws__xml_child(cfg, "ViewerCertificate");

    memset(d, 0, sizeof(*d));
    d->id = cert_aws__xml_child_text(top, "Id");
    d->arn = cert_aws__xml_child_text(top, "ARN");
    d->domain_name = cert_aws__xml_child_text(top, "DomainName");
    d->status = cert_aws__xml_child_text(top, "Status");
    d->comment = cert_aws__xml_child_text(cfg, "Comment");
    d->enabled = text_is(cfg, "Enabled", "true");
    if (vc != NULL) {
        d->iam_certificate_id = member(vc, "IAMCertificateId");
        d->acm_certificate_arn = member(vc, "ACMCertificateArn");
        d->default_certificate = text_is(vc, "CloudFrontDefaultCertificate", "true");
        d->ssl_support_method = member(vc, "SSLSupportMethod");
        d->minimum_protocol_version = member(vc, "MinimumProtocolVersion");
    }
    return parse_aliases(cert_aws__xml_child(cfg, "Aliases"), d);
}

static cert_err parse_summary(xmlNode *s, cert_cf_dist *d)
{
    cert_err err = dist_fields(s, s, d);

    if (err == CERT_OK && d->id == NULL)
        return cert__error_set(CERT_E_NET, "CloudFront listed a distribution without an Id");
    return err;
}

/* ---- ListDistributions ---- */

static const aws_page_spec list_spec = {
    "CloudFront", "ListDistributions", {{"NextMarker", "Marker", false}}, 1, false};

/* One page's reader: its summaries are appended to the list. */
typedef struct list_page {
    aws_pager *pg;
    cert_cf_dist **v;
    size_t *n, *cap;
} list_page;

static cert_err take_list_item(xmlNode *node, size_t pick, void *ud)
{
    list_page *p = ud;
    char *t;
    cert_err err;

    if (pick == 1 || pick == 2) { /* IsTruncated, NextMarker */
        if ((t = cert_aws__xml_text(node)) == NULL)
            return cert__error_nomem();
        err = CERT_OK;
        if (pick == 1)
            cert_aws__page_truncated(p->pg, strcmp(t, "true") == 0);
        else
            err = cert_aws__page_cursor(p->pg, 0, t);
        free(t);
        return err;
    }
    if ((err = cert_aws__page_item(p->pg)) < 0)
        return err;
    if (cert__array_reserve(p->v, p->cap, *p->n, 32, sizeof(**p->v)) < 0)
        return CERT_E_NOMEM;
    err = parse_summary(node, &(*p->v)[*p->n]);
    (*p->n)++; /* cleared even when partly parsed */
    return err;
}

static cert_err read_list_page(aws_pager *pg, const char *body, size_t len, cert_cf_dist **v,
                               size_t *n, size_t *cap)
{
    static const cert_aws_xml_pick picks[] = {
        {"Items", "DistributionSummary"},
        {"DistributionList", "IsTruncated"},
        {"DistributionList", "NextMarker"},
    };
    list_page p = {pg, v, n, cap};

    return cert_aws__xml_stream(body, len, picks, 3, take_list_item, &p);
}

cert_err cert_cf__parse_list_page(const char *body, size_t len, cert_cf_dist **v, size_t *n,
                                  size_t *cap, bool *more, char **marker)
{
    aws_pager pg;
    cert_err err;

    *more = false;
    *marker = NULL;
    cert_aws__pager_init(&pg, &list_spec, 0);
    err = read_list_page(&pg, body, len, v, n, cap);
    if (err == CERT_OK && cert_aws__page_more(&pg)) { /* NextMarker only when there is more */
        *more = true;
        *marker = pg.next[0];
        pg.next[0] = NULL;
    }
    cert_aws__pager_free(&pg);
    return err;
}

/* A listing of ListDistributions: what came so far. */
typedef struct list_ctx {
    cert_aws *aws;
    cert_cf_dist *v;
    size_t n, cap;
} list_ctx;

static cert_err list_fetch(aws_pager *pg, void *ud)
{
    list_ctx *c = ud;
    cert_err err = CERT_OK;
    cert_buf q;
    aws_request req;
    aws_response resp;

    cert__buf_init(&q, (size_t)-2, false);
    memset(&resp, 0, sizeof(resp));
    CERT_TRY(cert_aws__query_add(&q, "MaxItems", "100"));
    CERT_TRY(cert_aws__page_query(pg, &q));
    memset(&req, 0, sizeof(req));
    req.service = CERT_AWS_CLOUDFRONT;
    req.action = "ListDistributions";
    req.method = "GET";
    req.path = CF_VERSION "/distribution";
    req.query = q.ptr;
    CERT_TRY(cert_aws__send(c->aws, &req, &resp));
    err = read_list_page(pg, resp.body.ptr, resp.body.len, &c->v, &c->n, &c->cap);
    if (err == CERT_E_NET)
        err = cert__error_set(CERT_E_NET, "CloudFront ListDistributions: %s",
                              cert_error_last()->message);

done:
    cert__buf_free(&q);
    cert_aws__response_free(&resp);
    return err;
}

cert_err cert_cf_list(cert_aws *aws, cert_cf_dist **out, size_t *count_out)
{
    list_ctx c;
    cert_err err;

    *out = NULL;
    *count_out = 0;
    memset(&c, 0, sizeof(c));
    c.aws = aws;
    err = cert_aws__page_all(aws, &list_spec, list_fetch, &c);
    if (err < 0) {
        cert_cf_dists_free(c.v, c.n);
        return err;
    }
    *out = c.v;
    *count_out = c.n;
    return CERT_OK;
}

/* ---- one distribution's configuration ---- */

struct cert_cf_config {
    char *id;
    char *etag;
    xmlDoc *doc;
    char **aliases;
    size_t alias_count;
};

/* ViewerCertificate's members in the API's order (botocore cloudfront 2020-05-31). */
static const char *const viewer_members[] = {
    "CloudFrontDefaultCertificate", "IAMCertificateId", "ACMCertificateArn", "SSLSupportMethod",
    "MinimumProtocolVersion",       "Certificate",      "CertificateSource",
};
#define NVIEWER (sizeof(viewer_members) / sizeof(viewer_members[0]))

static bool id_ok(const char *id)
{
    size_t n = id ? strlen(id) : 0;

    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = id[i];

        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            return false;
    }
    return true;
}

static cert_err check_id(const char *id);

cert_err cert_cf__check_id(const char *id)
{
    return check_id(id);
}

static cert_err check_id(const char *id)
{
    if (!id_ok(id))
        return cert__error_set(CERT_E_INVALID,
                               "\"%s\" is not a CloudFront distribution id (letters and digits, "
                               "e.g. E2QWRUHAPOMQZL)",
                               id ? id : "");
    return CERT_OK;
}

void cert_cf_config_free(cert_cf_config *c)
{
    if (c == NULL)
        return;
    free(c->id);
    free(c->etag);
    if (c->doc != NULL)
        xmlFreeDoc(c->doc);
    for (size_t i = 0; i < c->alias_count; i++)
        free(c->aliases[i]);
    free(c->aliases);
    free(c);
}

static xmlNode *viewer_node(const cert_cf_config *c)
{
    xmlNode *root = c->doc ? xmlDocGetRootElement(c->doc) : NULL;

    return cert_aws__xml_child(root, "ViewerCertificate");
}

cert_err cert_cf__config_from_xml(const char *id, const char *etag, const char *body, size_t len,
                                  cert_cf_config **out)
{
    cert_err err = CERT_OK;
    cert_cf_config *c = NULL;
    cert_cf_dist tmp;
    xmlNode *root;

    memset(&tmp, 0, sizeof(tmp));
    *out = NULL;
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        CERT_NOMEM();
    c->id = strdup(id);
    c->etag = strdup(etag);
    if (c->id == NULL || c->etag == NULL)
        CERT_NOMEM();
    c->doc = cert_aws__xml_parse_doc(body, len);
    root = c->doc ? xmlDocGetRootElement(c->doc) : NULL;
    if (root == NULL || strcmp((const char *)root->name, "DistributionConfig") != 0)
        CERT_FAIL(CERT_E_NET,
                  "CloudFront answered GetDistributionConfig for %s without a "
                  "DistributionConfig",
                  id);
    CERT_TRY(parse_aliases(cert_aws__xml_child(root, "Aliases"), &tmp));
    c->aliases = tmp.aliases;
    c->alias_count = tmp.alias_count;
    tmp.aliases = NULL;
    tmp.alias_count = 0;
    *out = c;
    c = NULL;

done:
    cert_cf_dist_clear(&tmp);
    cert_cf_config_free(c);
    return err;
}

/* GET /2020-05-31/distribution/ID plus `suffix`, as `action`; resp is the caller's to free
 * (cert_aws__response_free()), whatever the outcome. */
static cert_err get_distribution(cert_aws *aws, const char *id, const char *suffix,
                                 const char *action, aws_response *resp)
{
    cert_err err = CERT_OK;
    aws_request req;
    char *path = NULL;

    CERT_TRY(check_id(id));
    if (asprintf(&path, CF_VERSION "/distribution/%s%s", id, suffix) < 0) {
        path = NULL;
        CERT_NOMEM();
    }
    memset(&req, 0, sizeof(req));
    req.service = CERT_AWS_CLOUDFRONT;
    req.action = action;
    req.method = "GET";
    req.path = path;
    err = cert_aws__send(aws, &req, resp);

done:
    free(path);
    return err;
}

cert_err cert_cf_config_get(cert_aws *aws, const char *id, cert_cf_config **out)
{
    cert_err err = CERT_OK;
    aws_response resp;

    memset(&resp, 0, sizeof(resp));
    *out = NULL;
    CERT_TRY(get_distribution(aws, id, "/config", "GetDistributionConfig", &resp));
    if (resp.etag == NULL)
        CERT_FAIL(CERT_E_NET, "CloudFront answered GetDistributionConfig for %s without an ETag",
                  id);
    err = cert_cf__config_from_xml(id, resp.etag, resp.body.ptr, resp.body.len, out);

done:
    cert_aws__response_free(&resp);
    return err;
}

const char *cert_cf_config_etag(const cert_cf_config *c)
{
    return c->etag;
}

const char *cert_cf_config_id(const cert_cf_config *c)
{
    return c->id;
}

size_t cert_cf_config_aliases(const cert_cf_config *c, const char *const **out)
{
    *out = (const char *const *)c->aliases;
    return c->alias_count;
}

cert_err cert_cf_config_viewer(const cert_cf_config *c, cert_cf_viewer *v)
{
    xmlNode *vc = viewer_node(c);

    memset(v, 0, sizeof(*v));
    if (vc == NULL)
        return CERT_OK; /* no element: CloudFront's default certificate */
    v->default_certificate = text_is(vc, "CloudFrontDefaultCertificate", "true");
    v->iam_certificate_id = member(vc, "IAMCertificateId");
    v->acm_certificate_arn = member(vc, "ACMCertificateArn");
    v->ssl_support_method = member(vc, "SSLSupportMethod");
    v->minimum_protocol_version = member(vc, "MinimumProtocolVersion");
    v->certificate = member(vc, "Certificate");
    v->certificate_source = member(vc, "CertificateSource");
    return CERT_OK;
}

static bool streq(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* "vip (kept)" or "sni-only (was vip)" */
static void describe(char *buf, size_t size, const char *was, const char *now)
{
    if (streq(was, now))
        snprintf(buf, size, "%s (kept)", now);
    else
        snprintf(buf, size, "%s (was %s)", now, was ? was : "unset");
}

/* What an attachment makes of ViewerCertificate: the certificate (one of IAM's id and ACM's
 * ARN), the method and minimum version, and whether anything changes. */
typedef struct viewer_plan {
    const char *iam, *acm;
    const char *method, *minv;
    bool changed;
} viewer_plan;

static void plan_viewer(const cert_cf_viewer *old, bool has_element, const cert_cf_attach *a,
                        viewer_plan *p)
{
    const char *id = p->iam ? p->iam : p->acm, *source = p->iam ? "iam" : "acm";

    bool leaving_default = !has_element || old->default_certificate ||
                           (old->iam_certificate_id == NULL && old->acm_certificate_arn == NULL);

    /* Keep the distribution's method: forcing sni-only on a vip distribution would cut off
     * clients without SNI. sni-only only when it leaves the default certificate. */
    p->method = a->ssl_support_method                         ? a->ssl_support_method
                : old->ssl_support_method && !leaving_default ? old->ssl_support_method
                                                              : "sni-only";
    p->minv = a->minimum_protocol_version                         ? a->minimum_protocol_version
              : old->minimum_protocol_version && !leaving_default ? old->minimum_protocol_version
                                                                  : "TLSv1.2_2021";
    /* With sni-only the minimum must be TLSv1 or higher (CloudFront API Reference,
     * ViewerCertificate, MinimumProtocolVersion; cloudtools/troposphere#218). */
    if (strcmp(p->method, "sni-only") == 0 && strcmp(p->minv, "SSLv3") == 0)
        p->minv = "TLSv1";
    p->changed =
        (p->iam != NULL
             ? !streq(old->iam_certificate_id, p->iam) || old->acm_certificate_arn != NULL
             : !streq(old->acm_certificate_arn, p->acm) || old->iam_certificate_id != NULL) ||
        old->default_certificate || !streq(old->ssl_support_method, p->method) ||
        !streq(old->minimum_protocol_version, p->minv) ||
        (old->certificate != NULL && !streq(old->certificate, id)) ||
        (old->certificate_source != NULL && !streq(old->certificate_source, source));
}

/* "IAMCertificateId A -> B; SSLSupportMethod ...; MinimumProtocolVersion ..." (new string); a
 * change of store names both members ("IAMCertificateId A -> ACMCertificateArn B"). */
static cert_err describe_change(const cert_cf_viewer *old, const viewer_plan *p, char **out)
{
    const char *to_member = p->iam ? "IAMCertificateId" : "ACMCertificateArn";
    const char *from_member = old->iam_certificate_id    ? "IAMCertificateId"
                              : old->acm_certificate_arn ? "ACMCertificateArn"
                                                         : to_member;
    const char *from = old->iam_certificate_id    ? old->iam_certificate_id
                       : old->acm_certificate_arn ? old->acm_certificate_arn
                                                  : "(CloudFront default certificate)";
    bool cross = strcmp(from_member, to_member) != 0;
    char m[96], v[96];

    describe(m, sizeof(m), old->ssl_support_method, p->method);
    describe(v, sizeof(v), old->minimum_protocol_version, p->minv);
    if (asprintf(out, "%s %s -> %s%s%s; SSLSupportMethod %s; MinimumProtocolVersion %s",
                 from_member, from, cross ? to_member : "", cross ? " " : "",
                 p->iam ? p->iam : p->acm, m, v) < 0) {
        *out = NULL;
        return cert__error_nomem();
    }
    return CERT_OK;
}

/* Rewrite ViewerCertificate (made when there is none) with the plan's members, in the API's
 * order; unknown elements stay where they are, the known ones come before the first of them. */
static cert_err rewrite_viewer(cert_cf_config *c, xmlNode *vc, const cert_cf_viewer *old,
                               const cert_cf_attach *a, const viewer_plan *p)
{
    xmlNode *root = xmlDocGetRootElement(c->doc), *first_unknown = NULL, *next;
    const char *values[NVIEWER];

    if (vc == NULL &&
        (vc = xmlNewChild(root, root->ns, BAD_CAST "ViewerCertificate", NULL)) == NULL)
        return cert__error_nomem();
    /* Drop the known members and blank text; keep unknown elements where they are. */
    for (xmlNode *n = vc->children; n != NULL; n = next) {
        bool known = false;

        next = n->next;
        for (size_t i = 0; n->type == XML_ELEMENT_NODE && i < NVIEWER; i++)
            known = known || strcmp((const char *)n->name, viewer_members[i]) == 0;
        if (known || n->type == XML_TEXT_NODE) {
            xmlUnlinkNode(n);
            xmlFreeNode(n);
        } else if (first_unknown == NULL && n->type == XML_ELEMENT_NODE) {
            first_unknown = n;
        }
    }
    (void)a;
    values[0] = NULL;   /* CloudFrontDefaultCertificate: removed */
    values[1] = p->iam; /* one of IAM's id and ACM's ARN, never both (ViewerCertificate) */
    values[2] = p->acm;
    values[3] = p->method;
    values[4] = p->minv;
    /* the deprecated members, when there, agree (CloudFront echoes them: the id or ARN, and
     * iam or acm) */
    values[5] = old->certificate ? (p->iam ? p->iam : p->acm) : NULL;
    values[6] = old->certificate_source ? (p->iam ? "iam" : "acm") : NULL;
    for (size_t i = 0; i < NVIEWER; i++) {
        xmlNode *el;

        if (values[i] == NULL)
            continue;
        el = xmlNewDocNode(c->doc, vc->ns, BAD_CAST viewer_members[i], NULL);
        if (el == NULL)
            return cert__error_nomem();
        xmlNodeAddContent(el, BAD_CAST values[i]); /* escaped as text */
        if (first_unknown != NULL)
            xmlAddPrevSibling(first_unknown, el);
        else
            xmlAddChild(vc, el);
    }
    return CERT_OK;
}

/* Set ViewerCertificate to one certificate: iam (an IAMCertificateId) or acm (an ARN). */
static cert_err set_certificate(cert_cf_config *c, const char *iam, const char *acm,
                                const cert_cf_attach *a, char **change_out, bool *changed_out)
{
    cert_err err = CERT_OK;
    cert_cf_viewer old;
    xmlNode *vc;
    viewer_plan p;
    char *change = NULL;

    memset(&old, 0, sizeof(old));
    memset(&p, 0, sizeof(p));
    p.iam = iam;
    p.acm = acm;
    vc = viewer_node(c);
    CERT_TRY(cert_cf_config_viewer(c, &old));
    plan_viewer(&old, vc != NULL, a, &p);
    if (change_out != NULL)
        CERT_TRY(describe_change(&old, &p, &change));
    if (changed_out)
        *changed_out = p.changed;
    if (p.changed)
        CERT_TRY(rewrite_viewer(c, vc, &old, a, &p));

done:
    if (change_out) {
        *change_out = change;
        change = NULL;
    }
    free(change);
    cert_cf_viewer_clear(&old);
    return err;
}

cert_err cert_cf_config_set_iam(cert_cf_config *c, const cert_cf_attach *a, char **change_out,
                                bool *changed_out)
{
    if (change_out)
        *change_out = NULL;
    if (changed_out)
        *changed_out = false;
    if (c == NULL || a == NULL || a->iam_certificate_id == NULL ||
        a->iam_certificate_id[0] == '\0' || strlen(a->iam_certificate_id) > 32)
        return cert__error_set(CERT_E_INVALID,
                               "an IAMCertificateId of 1 to 32 characters is needed (CloudFront "
                               "API Reference, ViewerCertificate)");
    return set_certificate(c, a->iam_certificate_id, NULL, a, change_out, changed_out);
}

cert_err cert_cf_config_set_acm(cert_cf_config *c, const char *arn, const cert_cf_attach *a,
                                char **change_out, bool *changed_out)
{
    static const cert_cf_attach keep = {NULL, NULL, NULL};
    size_t n = arn ? strlen(arn) : 0;

    if (change_out)
        *change_out = NULL;
    if (changed_out)
        *changed_out = false;
    /* CloudFront API Reference, ViewerCertificate: ACMCertificateArn, an ACM certificate ARN
     * (ACM API Reference, Arn: 20 to 2,048 characters). */
    if (c == NULL || n < 20 || n > 2048 || strncmp(arn, "arn:", 4) != 0 ||
        strstr(arn, ":acm:") == NULL)
        return cert__error_set(CERT_E_INVALID,
                               "an ACM certificate ARN is needed for ACMCertificateArn (CloudFront "
                               "API Reference, ViewerCertificate)");
    return set_certificate(c, NULL, arn, a ? a : &keep, change_out, changed_out);
}

cert_err cert_cf_config_viewer_xml(const cert_cf_config *c, char **out)
{
    xmlNode *vc = viewer_node(c);
    xmlBufferPtr buf;

    *out = NULL;
    if (vc == NULL) {
        *out = strdup("");
        return *out ? CERT_OK : cert__error_nomem();
    }
    buf = xmlBufferCreate();
    if (buf == NULL || xmlNodeDump(buf, c->doc, vc, 0, 0) < 0) {
        xmlBufferFree(buf);
        return cert__error_nomem();
    }
    *out = strdup((const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    return *out ? CERT_OK : cert__error_nomem();
}

cert_err cert_cf_config_set_viewer_xml(cert_cf_config *c, const char *xml)
{
    xmlNode *old = viewer_node(c), *root = xmlDocGetRootElement(c->doc), *fresh = NULL;
    xmlDoc *frag;
    char *wrapped = NULL;

    if (xml == NULL || xml[0] == '\0') {
        /* It had none: remove ours. */
        if (old != NULL) {
            xmlUnlinkNode(old);
            xmlFreeNode(old);
        }
        return CERT_OK;
    }
    /* Parse inside a wrapper that declares the document's default namespace, so that the saved
     * element keeps it. */
    if (asprintf(&wrapped, "<w xmlns=\"%s\">%s</w>",
                 root->ns && root->ns->href ? (const char *)root->ns->href : "", xml) < 0)
        return cert__error_nomem();
    frag = cert_aws__xml_parse_doc(wrapped, strlen(wrapped));
    free(wrapped);
    if (frag == NULL)
        return cert__error_set(CERT_E_INVALID, "the saved ViewerCertificate is not XML");
    fresh = cert_aws__xml_child(xmlDocGetRootElement(frag), "ViewerCertificate");
    if (fresh == NULL) {
        xmlFreeDoc(frag);
        return cert__error_set(CERT_E_INVALID, "the saved XML is not a ViewerCertificate");
    }
    fresh = xmlDocCopyNode(fresh, c->doc, 1);
    xmlFreeDoc(frag);
    if (fresh == NULL)
        return cert__error_nomem();
    xmlReconciliateNs(c->doc, fresh);
    if (old != NULL) {
        xmlReplaceNode(old, fresh);
        xmlFreeNode(old);
    } else {
        xmlAddChild(root, fresh);
    }
    return CERT_OK;
}

cert_err cert_cf__config_body(const cert_cf_config *c, xmlChar **body_out, int *len_out)
{
    *body_out = NULL;
    *len_out = 0;
    xmlDocDumpMemoryEnc(c->doc, body_out, len_out, "UTF-8");
    if (*body_out == NULL || *len_out <= 0) {
        xmlFree(*body_out);
        *body_out = NULL;
        *len_out = 0;
        return cert__error_nomem();
    }
    return CERT_OK;
}

cert_err cert_cf_config_put(cert_aws *aws, const cert_cf_config *c, char **new_etag_out)
{
    cert_err err = CERT_OK;
    xmlChar *body = NULL;
    int len = 0;
    char *path = NULL;
    aws_request req;
    aws_response resp;
    cert_http_header h[2];

    memset(&resp, 0, sizeof(resp));
    if (new_etag_out)
        *new_etag_out = NULL;
    if (c == NULL || c->etag == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_cf_config_put: no document or no ETag");
    CERT_TRY(check_id(c->id));
    CERT_TRY(cert_cf__config_body(c, &body, &len));
    if (asprintf(&path, CF_VERSION "/distribution/%s/config", c->id) < 0) {
        path = NULL;
        CERT_NOMEM();
    }
    /* Never without If-Match: a concurrent change must fail (412), not be overwritten. */
    h[0].name = "If-Match";
    h[0].value = c->etag;
    h[1].name = "Content-Type";
    h[1].value = "application/xml";
    memset(&req, 0, sizeof(req));
    req.service = CERT_AWS_CLOUDFRONT;
    req.action = "UpdateDistribution";
    req.method = "PUT";
    req.path = path;
    req.headers = h;
    req.header_count = 2;
    req.body = body;
    req.body_len = (size_t)len;
    req.count_sends = true; /* a 412 after libcurl's own resend may follow our update */
    CERT_TRY(cert_aws__send(aws, &req, &resp));
    if (new_etag_out != NULL && resp.etag != NULL) {
        *new_etag_out = strdup(resp.etag);
        if (*new_etag_out == NULL)
            CERT_NOMEM();
    }

done:
    cert_aws__response_free(&resp);
    xmlFree(body);
    free(path);
    return err;
}

cert_err cert_cf__parse_distribution(const char *id, const char *body, size_t len, cert_cf_dist *d)
{
    cert_err err = CERT_OK;
    xmlDoc *doc = cert_aws__xml_parse(body, len);
    xmlNode *root = doc != NULL ? xmlDocGetRootElement(doc) : NULL;
    xmlNode *cfg = cert_aws__xml_child(root, "DistributionConfig");

    memset(d, 0, sizeof(*d));
    if (root == NULL || strcmp((const char *)root->name, "Distribution") != 0 || cfg == NULL)
        CERT_FAIL(CERT_E_NET,
                  "CloudFront answered GetDistribution for %s without a Distribution and its "
                  "DistributionConfig",
                  id);
    CERT_TRY(dist_fields(root, cfg, d));
    if (d->id == NULL || d->domain_name == NULL)
        CERT_FAIL(CERT_E_NET,
                  "CloudFront answered GetDistribution for %s without an Id or a "
                  "DomainName",
                  id);
    /* no ViewerCertificate: CloudFront's default certificate */
    d->default_certificate =
        d->default_certificate || cert_aws__xml_child(cfg, "ViewerCertificate") == NULL;

done:
    if (doc != NULL)
        xmlFreeDoc(doc);
    if (err < 0)
        cert_cf_dist_clear(d);
    return err;
}

cert_err cert_cf_get(cert_aws *aws, const char *id, cert_cf_dist *out)
{
    cert_err err = CERT_OK;
    aws_response resp;

    memset(&resp, 0, sizeof(resp));
    if (out == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_cf_get: out is NULL");
    memset(out, 0, sizeof(*out));
    CERT_TRY(get_distribution(aws, id, "", "GetDistribution", &resp));
    err = cert_cf__parse_distribution(id, resp.body.ptr, resp.body.len, out);

done:
    cert_aws__response_free(&resp);
    return err;
}

cert_err cert_cf_status(cert_aws *aws, const char *id, char **status_out)
{
    cert_err err = CERT_OK;
    aws_response resp;
    xmlDoc *doc = NULL;

    memset(&resp, 0, sizeof(resp));
    *status_out = NULL;
    CERT_TRY(get_distribution(aws, id, "", "GetDistribution", &resp));
    doc = cert_aws__response_xml(&resp);
    if (doc != NULL)
        *status_out = cert_aws__xml_child_text(xmlDocGetRootElement(doc), "Status");
    if (*status_out == NULL)
        CERT_FAIL(CERT_E_NET, "CloudFront answered GetDistribution for %s without a Status", id);

done:
    if (doc != NULL)
        xmlFreeDoc(doc);
    cert_aws__response_free(&resp);
    return err;
}
