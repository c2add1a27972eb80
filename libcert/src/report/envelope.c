/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The JSON envelope every tool's document carries (render.h), and AWS's records as the AWS CLI
 * prints them.
 */
#include <string.h>

#include "report/render_int.h"
#include "util/error_int.h"

json_t *cert__str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *cert__failure_json(const cert_failure *f)
{
    json_t *e = json_object();

    json_object_set_new(e, "message", json_string(f->message ? f->message : ""));
    json_object_set_new(e, "code", json_string(cert_err_name(f->err)));
    if (f->aws_code != NULL || f->http_status > 0) {
        json_object_set_new(e, "aws_code", cert__str_or_null(f->aws_code));
        json_object_set_new(e, "request_id", cert__str_or_null(f->request_id));
        json_object_set_new(e, "http_status", json_integer(f->http_status));
    }
    return e;
}

void cert__envelope_set(json_t *o, int schema, cert_exit exit, const cert_failure *f)
{
    json_object_set_new(o, "schema", json_integer(schema));
    json_object_set_new(o, "exit_code", json_integer(exit));
    if (f != NULL && f->err < 0)
        json_object_set_new(o, "error", cert__failure_json(f));
}

cert_err cert__json_emit(json_t *doc, FILE *f)
{
    cert_err err;

    if (doc == NULL)
        return cert__error_nomem();
    err = cert__json_write(doc, f);
    json_decref(doc);
    if (err == CERT_E_IO)
        return cert__error_set(CERT_E_IO, "cannot write the result");
    return err == CERT_E_NOMEM ? cert__error_nomem() : err;
}

/* ServerCertificateMetadata's members in the AWS CLI's order, each with its text (NULL: null),
 * to `each`: the one list behind the JSON tree and the streamed members. */
static void meta_fields(const cert_iam_cert *m,
                        void (*each)(const char *key, const char *value, void *ud), void *ud)
{
    char up[32], exp[32];

    each("Path", m->path ? m->path : "", ud);
    each("ServerCertificateName", m->name ? m->name : "", ud);
    each("ServerCertificateId", m->id ? m->id : "", ud);
    each("Arn", m->arn ? m->arn : "", ud);
    each("UploadDate",
         m->upload_date == INT64_MIN ? NULL : cert_aws_time_format(m->upload_date, up, sizeof(up)),
         ud);
    each("Expiration",
         m->expiration == INT64_MIN ? NULL : cert_aws_time_format(m->expiration, exp, sizeof(exp)),
         ud);
}

static void meta_set(const char *key, const char *value, void *ud)
{
    json_object_set_new(ud, key, value ? json_string(value) : json_null());
}

json_t *cert__meta_json(const cert_iam_cert *m)
{
    json_t *o = json_object();

    if (o != NULL)
        meta_fields(m, meta_set, o);
    return o;
}

static void meta_put(const char *key, const char *value, void *ud)
{
    cert__json_sink_key(ud, key);
    cert__json_sink_string(ud, value);
}

void cert__meta_members(cert_json_sink *s, const cert_iam_cert *m)
{
    meta_fields(m, meta_put, s);
}

/* ---- ACM's CertificateSummary / CertificateDetail ---- */

/* Where the members of an ACM record go: a JSON tree or a sink. */
typedef struct acm_out {
    json_t *o;
    cert_json_sink *s;
} acm_out;

static void acm_str(acm_out *a, const char *key, const char *v)
{
    if (a->o != NULL) {
        json_object_set_new(a->o, key, cert__str_or_null(v));
        return;
    }
    cert__json_sink_key(a->s, key);
    cert__json_sink_string(a->s, v);
}

static void acm_time(acm_out *a, const char *key, int64_t t)
{
    char buf[32];

    if (t != INT64_MIN)
        acm_str(a, key, cert_aws_time_format(t, buf, sizeof(buf)));
}

/* A list of names, as strings or (DescribeCertificate's usages) as {"Name": name} objects. */
static void acm_list(acm_out *a, const char *key, char *const *v, size_t n, bool objects)
{
    if (a->o != NULL) {
        json_t *l = json_array();

        for (size_t i = 0; i < n; i++) {
            json_t *x = json_string(v[i]);

            if (objects) {
                json_t *w = json_object();

                json_object_set_new(w, "Name", x);
                x = w;
            }
            json_array_append_new(l, x);
        }
        json_object_set_new(a->o, key, l);
        return;
    }
    cert__json_sink_key(a->s, key);
    cert__json_sink_open(a->s, '[', 3);
    for (size_t i = 0; i < n; i++) {
        cert__json_sink_item(a->s);
        if (objects) {
            cert__json_sink_open(a->s, '{', 4);
            cert__json_sink_key(a->s, "Name");
            cert__json_sink_string(a->s, v[i]);
            cert__json_sink_close(a->s);
        } else {
            cert__json_sink_string(a->s, v[i]);
        }
    }
    cert__json_sink_close(a->s);
}

static void acm_bool(acm_out *a, const char *key, bool v)
{
    if (a->o != NULL) {
        json_object_set_new(a->o, key, json_boolean(v));
        return;
    }
    cert__json_sink_key(a->s, key);
    cert__json_sink_literal(a->s, v ? "true" : "false");
}

/* The members in the ACM API's order: CertificateSummary's (a listing) or CertificateDetail's
 * (a description, with InUseBy). */
static void acm_fields(const cert_acm_cert *c, bool summary, acm_out *a)
{
    bool detail = !summary && c->in_use_by_known;

    acm_str(a, "CertificateArn", c->arn);
    acm_str(a, "DomainName", c->domain_name);
    acm_list(a, summary ? "SubjectAlternativeNameSummaries" : "SubjectAlternativeNames", c->names,
             c->name_count, false);
    if (c->serial != NULL)
        acm_str(a, "Serial", c->serial);
    if (c->subject != NULL)
        acm_str(a, "Subject", c->subject);
    if (c->issuer != NULL)
        acm_str(a, "Issuer", c->issuer);
    acm_str(a, "Status", c->status);
    acm_str(a, "Type", c->type);
    acm_str(a, "KeyAlgorithm", c->key_algorithm);
    acm_list(a, "KeyUsages", c->key_usages, c->key_usage_count, detail);
    acm_list(a, "ExtendedKeyUsages", c->extended_key_usages, c->extended_key_usage_count, detail);
    if (detail)
        acm_list(a, "InUseBy", c->in_use_by, c->in_use_by_count, false);
    else
        acm_bool(a, "InUse", c->in_use);
    if (c->renewal_eligibility != NULL)
        acm_str(a, "RenewalEligibility", c->renewal_eligibility);
    acm_time(a, "NotBefore", c->not_before);
    acm_time(a, "NotAfter", c->not_after);
    acm_time(a, "CreatedAt", c->created_at);
    acm_time(a, "IssuedAt", c->issued_at);
    acm_time(a, "ImportedAt", c->imported_at);
}

json_t *cert__acm_json(const cert_acm_cert *c, bool summary)
{
    acm_out a = {json_object(), NULL};

    if (a.o != NULL)
        acm_fields(c, summary, &a);
    return a.o;
}

void cert__acm_members(cert_json_sink *s, const cert_acm_cert *c, bool summary)
{
    acm_out a = {NULL, s};

    acm_fields(c, summary, &a);
}

json_t *cert__refusals_json(const cert_refusal *v, size_t n)
{
    json_t *a = json_array();

    for (size_t i = 0; i < n; i++) {
        json_t *o = json_object();

        json_object_set_new(o, "code", json_string(v[i].code));
        json_object_set_new(o, "severity", json_string(v[i].allowed ? "warning" : "error"));
        json_object_set_new(o, "message", json_string(v[i].message ? v[i].message : ""));
        json_object_set_new(o, "allowed", json_boolean(v[i].allowed));
        json_array_append_new(a, o);
    }
    return a;
}

cert_err cert_failure_write(const char *list_key, int schema, const cert_failure *failure, FILE *f)
{
    json_t *o = json_object(), *lc = json_object();

    if (list_key == NULL || failure == NULL || f == NULL) {
        json_decref(o);
        json_decref(lc);
        return cert__error_set(CERT_E_INVALID, "cert_failure_write: NULL argument");
    }
    json_object_set_new(o, list_key, json_array());
    cert__envelope_set(lc, schema, cert_exit_for_err(failure->err), failure);
    json_object_set_new(o, "libcert", lc);
    return cert__json_emit(o, f);
}
