/* SPDX-License-Identifier: Apache-2.0 */
/* Records: AWS-shaped plain data and the failure detail results keep (records.h). */
#include "libcert/records.h"

#include <stdlib.h>
#include <string.h>

#include "util/error_int.h"
#include "util/time_int.h"

static char *dup_or_null(const char *s)
{
    return s != NULL && s[0] != '\0' ? strdup(s) : NULL;
}

void cert_failure_clear(cert_failure *f)
{
    if (f == NULL)
        return;
    free(f->message);
    free(f->aws_code);
    free(f->request_id);
    memset(f, 0, sizeof(*f));
}

cert_err cert_failure_set(cert_failure *f, cert_err err, const char *message, const char *aws_code,
                          const char *request_id, long http_status)
{
    cert_failure n;

    if (f == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_failure_set: NULL failure");
    memset(&n, 0, sizeof(n));
    n.err = err;
    n.http_status = http_status;
    n.message = dup_or_null(message);
    n.aws_code = dup_or_null(aws_code);
    n.request_id = dup_or_null(request_id);
    cert_failure_clear(f);
    if ((message && message[0] && n.message == NULL) ||
        (aws_code && aws_code[0] && n.aws_code == NULL) ||
        (request_id && request_id[0] && n.request_id == NULL)) {
        cert_failure_clear(&n);
        f->err = err;
        return cert__error_nomem();
    }
    *f = n;
    return CERT_OK;
}

cert_err cert_failure_from_last(cert_failure *f, cert_err err)
{
    return cert_failure_set(f, err, cert_error_last()->message, NULL, NULL, 0);
}

void cert_iam_cert_clear(cert_iam_cert *c)
{
    if (c == NULL)
        return;
    free(c->path);
    free(c->name);
    free(c->id);
    free(c->arn);
    memset(c, 0, sizeof(*c));
    c->upload_date = INT64_MIN;
    c->expiration = INT64_MIN;
}

cert_err cert_iam_cert_copy(cert_iam_cert *d, const cert_iam_cert *c)
{
    memset(d, 0, sizeof(*d));
    d->path = c->path ? strdup(c->path) : NULL;
    d->name = c->name ? strdup(c->name) : NULL;
    d->id = c->id ? strdup(c->id) : NULL;
    d->arn = c->arn ? strdup(c->arn) : NULL;
    d->upload_date = c->upload_date;
    d->expiration = c->expiration;
    if ((c->path && !d->path) || (c->name && !d->name) || (c->id && !d->id) ||
        (c->arn && !d->arn)) {
        cert_iam_cert_clear(d);
        return cert__error_nomem();
    }
    return CERT_OK;
}

void cert_iam_certs_free(cert_iam_cert *v, size_t n)
{
    for (size_t i = 0; v != NULL && i < n; i++)
        cert_iam_cert_clear(&v[i]);
    free(v);
}

static void strv_free(char **v, size_t n)
{
    for (size_t i = 0; v != NULL && i < n; i++)
        free(v[i]);
    free(v);
}

void cert_acm_cert_clear(cert_acm_cert *c)
{
    if (c == NULL)
        return;
    free(c->arn);
    free(c->domain_name);
    strv_free(c->names, c->name_count);
    free(c->status);
    free(c->type);
    free(c->key_algorithm);
    strv_free(c->key_usages, c->key_usage_count);
    strv_free(c->extended_key_usages, c->extended_key_usage_count);
    strv_free(c->in_use_by, c->in_use_by_count);
    free(c->serial);
    free(c->subject);
    free(c->issuer);
    free(c->renewal_eligibility);
    memset(c, 0, sizeof(*c));
    c->not_before = c->not_after = c->imported_at = c->created_at = c->issued_at = INT64_MIN;
}

static bool str_copy(char **dst, const char *src)
{
    *dst = src != NULL ? strdup(src) : NULL;
    return src == NULL || *dst != NULL;
}

static bool strv_copy(char ***dst, size_t *dn, char *const *src, size_t n)
{
    *dst = NULL;
    *dn = 0;
    if (src == NULL)
        return true;
    if ((*dst = calloc(n ? n : 1, sizeof(**dst))) == NULL)
        return false;
    for (; *dn < n; (*dn)++) {
        if (!str_copy(&(*dst)[*dn], src[*dn]))
            return false;
    }
    return true;
}

cert_err cert_acm_cert_copy(cert_acm_cert *d, const cert_acm_cert *c)
{
    bool ok;

    memset(d, 0, sizeof(*d));
    d->in_use = c->in_use;
    d->in_use_by_known = c->in_use_by_known;
    d->not_before = c->not_before;
    d->not_after = c->not_after;
    d->imported_at = c->imported_at;
    d->created_at = c->created_at;
    d->issued_at = c->issued_at;
    ok = str_copy(&d->arn, c->arn) && str_copy(&d->domain_name, c->domain_name) &&
         strv_copy(&d->names, &d->name_count, c->names, c->name_count) &&
         str_copy(&d->status, c->status) && str_copy(&d->type, c->type) &&
         str_copy(&d->key_algorithm, c->key_algorithm) &&
         strv_copy(&d->key_usages, &d->key_usage_count, c->key_usages, c->key_usage_count) &&
         strv_copy(&d->extended_key_usages, &d->extended_key_usage_count, c->extended_key_usages,
                   c->extended_key_usage_count) &&
         strv_copy(&d->in_use_by, &d->in_use_by_count, c->in_use_by, c->in_use_by_count) &&
         str_copy(&d->serial, c->serial) && str_copy(&d->subject, c->subject) &&
         str_copy(&d->issuer, c->issuer) &&
         str_copy(&d->renewal_eligibility, c->renewal_eligibility);
    if (!ok) {
        cert_acm_cert_clear(d);
        return cert__error_nomem();
    }
    return CERT_OK;
}

void cert_acm_certs_free(cert_acm_cert *v, size_t n)
{
    for (size_t i = 0; v != NULL && i < n; i++)
        cert_acm_cert_clear(&v[i]);
    free(v);
}

void cert_iam_tags_free(cert_aws_tag *v, size_t n)
{
    for (size_t i = 0; v != NULL && i < n; i++) {
        free(v[i].key);
        free(v[i].value);
    }
    free(v);
}

char *cert_aws_time_format(int64_t t, char *buf, size_t size)
{
    char iso[32];

    cert__time_format(t, iso, sizeof(iso));
    if (size >= 26 && strlen(iso) == 20) {
        memcpy(buf, iso, 19);
        memcpy(buf + 19, "+00:00", 7);
    } else {
        snprintf(buf, size, "%.19s+00:00", iso);
    }
    return buf;
}

void cert_cf_dist_clear(cert_cf_dist *d)
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
        cert_cf_dist_clear(&v[i]);
    free(v);
}

void cert_cf_viewer_clear(cert_cf_viewer *v)
{
    if (v == NULL)
        return;
    free(v->iam_certificate_id);
    free(v->acm_certificate_arn);
    free(v->ssl_support_method);
    free(v->minimum_protocol_version);
    free(v->certificate);
    free(v->certificate_source);
    memset(v, 0, sizeof(*v));
}

void cert_r53_zones_free(cert_r53_zone *v, size_t n)
{
    for (size_t i = 0; v != NULL && i < n; i++) {
        free(v[i].id);
        free(v[i].name);
    }
    free(v);
}

void cert_r53_record_clear(cert_r53_record *r)
{
    if (r == NULL)
        return;
    free(r->name);
    free(r->type);
    free(r->set_identifier);
    free(r->failover);
    free(r->region);
    free(r->health_check_id);
    for (size_t i = 0; i < r->value_count; i++)
        free(r->values[i]);
    free(r->values);
    free(r->alias_dns_name);
    free(r->alias_zone_id);
    memset(r, 0, sizeof(*r));
    r->weight = -1;
    r->ttl = -1;
}

void cert_r53_records_free(cert_r53_record *v, size_t n)
{
    for (size_t i = 0; v != NULL && i < n; i++)
        cert_r53_record_clear(&v[i]);
    free(v);
}

void cert_r53_health_clear(cert_r53_health *h)
{
    if (h == NULL)
        return;
    free(h->id);
    free(h->failure);
    memset(h, 0, sizeof(*h));
}
