/* CloudFront distributions over the REST-XML API (CloudFront API Reference, 2020-05-31). */
#include <stdlib.h>
#include <string.h>

#include "aws_int.h"
#include "libcert/cloudfront.h"
#include "util/error_int.h"

#define CF_VERSION "/2020-05-31"

static void dist_clear(cert_cf_dist *d)
{
    free(d->id);
    free(d->arn);
    free(d->domain_name);
    free(d->status);
    free(d->comment);
    for (size_t i = 0; i < d->alias_count; i++)
        free(d->aliases[i]);
    free(d->aliases);
    free(d->iam_certificate_id);
    free(d->acm_certificate_arn);
    free(d->ssl_support_method);
    free(d->minimum_protocol_version);
    memset(d, 0, sizeof(*d));
}

void cert_cf_dists_free(cert_cf_dist *v, size_t n)
{
    for (size_t i = 0; v != NULL && i < n; i++)
        dist_clear(&v[i]);
    free(v);
}

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

static cert_err parse_summary(xmlNode *s, cert_cf_dist *d)
{
    xmlNode *vc = cert_aws__xml_child(s, "ViewerCertificate");

    memset(d, 0, sizeof(*d));
    d->id = cert_aws__xml_child_text(s, "Id");
    d->arn = cert_aws__xml_child_text(s, "ARN");
    d->domain_name = cert_aws__xml_child_text(s, "DomainName");
    d->status = cert_aws__xml_child_text(s, "Status");
    d->comment = cert_aws__xml_child_text(s, "Comment");
    d->enabled = text_is(s, "Enabled", "true");
    if (d->id == NULL)
        return cert__error_set(CERT_E_NET, "CloudFront listed a distribution without an Id");
    if (vc != NULL) {
        d->iam_certificate_id = cert_aws__xml_child_text(vc, "IAMCertificateId");
        d->acm_certificate_arn = cert_aws__xml_child_text(vc, "ACMCertificateArn");
        d->default_certificate = text_is(vc, "CloudFrontDefaultCertificate", "true");
        d->ssl_support_method = cert_aws__xml_child_text(vc, "SSLSupportMethod");
        d->minimum_protocol_version = cert_aws__xml_child_text(vc, "MinimumProtocolVersion");
    }
    return parse_aliases(cert_aws__xml_child(s, "Aliases"), d);
}

cert_err cert_cf_list(cert_aws *aws, cert_cf_dist **out, size_t *count_out)
{
    cert_err err = CERT_OK;
    cert_cf_dist *v = NULL;
    size_t n = 0, cap = 0;
    char *marker = NULL;

    *out = NULL;
    *count_out = 0;
    for (int page = 0;; page++) {
        cert_buf q;
        aws_request req;
        aws_response resp;
        xmlDoc *doc = NULL;
        xmlNode *list, *items;
        bool more;

        cert__buf_init(&q, (size_t)-2, false);
        memset(&resp, 0, sizeof(resp));
        err = cert_aws__query_add(&q, "MaxItems", "100");
        if (err == CERT_OK && marker != NULL)
            err = cert_aws__query_add(&q, "Marker", marker);
        if (err < 0) {
            cert__buf_free(&q);
            goto done;
        }
        memset(&req, 0, sizeof(req));
        req.service = CERT_AWS_CLOUDFRONT;
        req.action = "ListDistributions";
        req.method = "GET";
        req.path = CF_VERSION "/distribution";
        req.query = q.ptr;
        err = cert_aws__send(aws, &req, &resp);
        cert__buf_free(&q);
        if (err == CERT_OK && (doc = cert_aws__xml_parse(resp.body.ptr, resp.body.len)) == NULL)
            err = cert__error_set(CERT_E_NET, "CloudFront ListDistributions: the answer is not "
                                              "XML");
        cert_aws__response_free(&resp);
        if (err < 0)
            goto done;
        list = cert_aws__xml_find(xmlDocGetRootElement(doc), "DistributionList");
        items = cert_aws__xml_child(list, "Items");
        for (xmlNode *s = items ? items->children : NULL; s != NULL; s = s->next) {
            if (s->type != XML_ELEMENT_NODE)
                continue;
            if (n == cap) {
                cert_cf_dist *nv;

                cap = cap ? cap * 2 : 32;
                nv = realloc(v, cap * sizeof(*nv));
                if (nv == NULL) {
                    xmlFreeDoc(doc);
                    CERT_NOMEM();
                }
                v = nv;
            }
            err = parse_summary(s, &v[n]);
            n++; /* cleared even when partly parsed */
            if (err < 0) {
                xmlFreeDoc(doc);
                goto done;
            }
        }
        more = text_is(list, "IsTruncated", "true");
        free(marker);
        marker = more ? cert_aws__xml_child_text(list, "NextMarker") : NULL;
        xmlFreeDoc(doc);
        if (!more)
            break;
        if (marker == NULL || marker[0] == '\0')
            CERT_FAIL(CERT_E_NET, "CloudFront said IsTruncated without a NextMarker");
        if (page > 100000)
            CERT_FAIL(CERT_E_NET, "CloudFront keeps answering IsTruncated; stopping");
    }
    *out = v;
    *count_out = n;
    v = NULL;
    n = 0;

done:
    free(marker);
    cert_cf_dists_free(v, n);
    return err;
}
