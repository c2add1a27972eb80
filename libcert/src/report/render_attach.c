/* SPDX-License-Identifier: Apache-2.0 */
/* An attach run as certattach shows it (render.h). */
#include <stdlib.h>
#include <string.h>

#include "libcert/text.h"
#include "report/render_int.h"
#include "util/error_int.h"

static json_t *viewer_json(const cert_cf_viewer *v)
{
    json_t *prev = json_object();

    json_object_set_new(prev, "CloudFrontDefaultCertificate", json_boolean(v->default_certificate));
    json_object_set_new(prev, "IAMCertificateId", cert__str_or_null(v->iam_certificate_id));
    json_object_set_new(prev, "ACMCertificateArn", cert__str_or_null(v->acm_certificate_arn));
    json_object_set_new(prev, "SSLSupportMethod", cert__str_or_null(v->ssl_support_method));
    json_object_set_new(prev, "MinimumProtocolVersion",
                        cert__str_or_null(v->minimum_protocol_version));
    return prev;
}

static json_t *findings_json(const cert_findings *fs)
{
    json_t *fa = json_array();

    for (size_t k = 0; k < cert_findings_count(fs); k++) {
        const cert_finding *fi = cert_findings_at(fs, k);
        json_t *fo = json_object();

        json_object_set_new(fo, "code", json_string(fi->code));
        json_object_set_new(fo, "severity", json_string(cert_severity_name(fi->severity)));
        json_object_set_new(fo, "message", json_string(fi->message));
        json_array_append_new(fa, fo);
    }
    return fa;
}

json_t *cert__handles_json(const cert_attach_result *r)
{
    json_t *a = json_array();

    for (size_t i = 0; i < r->handle_count; i++) {
        const cert_handle *h = &r->handles[i];
        json_t *o = json_object();

        json_object_set_new(o, "kind", json_string(cert_handle_kind_name(h->kind)));
        json_object_set_new(o, "value", json_string(h->value));
        json_object_set_new(o, "matched", json_integer((json_int_t)h->matched));
        json_object_set_new(o, "status",
                            json_string(h->matched > 0 ? "matched"
                                        : h->allowed   ? "unmatched-allowed"
                                                       : "unmatched"));
        if (h->note != NULL)
            json_object_set_new(o, "note", json_string(h->note));
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *dist_json(const cert_attach_dist *d)
{
    json_t *dj = json_object(), *al = json_array();
    const cert_failure *why = cert_attach_dist_failure(d);

    json_object_set_new(dj, "Id", json_string(d->id));
    for (size_t k = 0; k < d->alias_count; k++)
        json_array_append_new(al, json_string(d->aliases[k]));
    json_object_set_new(dj, "Aliases", al);
    json_object_set_new(dj, "status", json_string(cert_attach_state_name(d->state)));
    /* null: whether it changed is not known (its answers were lost, reading it back failed) */
    json_object_set_new(dj, "changed",
                        d->state == CERT_ATTACH_UNKNOWN
                            ? json_null()
                            : json_boolean(d->state == CERT_ATTACH_UPDATED));
    json_object_set_new(dj, "exit_code", json_integer(cert_attach_dist_exit(d)));
    json_object_set_new(dj, "PreviousViewerCertificate", viewer_json(&d->previous));
    json_object_set_new(dj, "change", cert__str_or_null(d->change));
    json_object_set_new(dj, "attempts", json_integer(d->attempts));
    json_object_set_new(dj, "deployed", json_boolean(d->deployed));
    if (why != NULL)
        json_object_set_new(dj, "error", cert__failure_json(why));
    if (d->guard != NULL)
        json_object_set_new(dj, "guard", json_string(d->guard));
    if (d->report != NULL && cert_report_findings(d->report) != NULL)
        json_object_set_new(dj, "findings", findings_json(cert_report_findings(d->report)));
    if (d->note != NULL)
        json_object_set_new(dj, "note", json_string(d->note));
    if (d->refusal_count > 0)
        json_object_set_new(dj, "refusals", cert__refusals_json(d->refusals, d->refusal_count));
    return dj;
}

static cert_err attach_json(const cert_attach_result *r, FILE *f)
{
    json_t *o = json_object(), *dists = json_array(), *lc = json_object();

    if (r->store == CERT_STORE_ACM && r->acm.arn != NULL) {
        /* as aws acm describe-certificate prints it */
        json_object_set_new(o, "CertificateArn", json_string(r->acm.arn));
        json_object_set_new(o, "Certificate", cert__acm_json(&r->acm, false));
    } else if (r->cert.name != NULL) {
        json_object_set_new(o, "ServerCertificateMetadata", cert__meta_json(&r->cert));
    }
    for (size_t i = 0; i < r->count; i++)
        json_array_append_new(dists, dist_json(&r->dists[i]));
    json_object_set_new(o, "Distributions", dists);
    cert__envelope_set(lc, CERT_SCHEMA_CERTATTACH, cert_attach_exit(r), &r->failure);
    json_object_set_new(lc, "store", json_string(r->store == CERT_STORE_ACM ? "acm" : "iam"));
    if (r->replaced.id != NULL)
        json_object_set_new(lc, "replaced", json_string(r->replaced.id));
    json_object_set_new(lc, "handles", cert__handles_json(r));
    json_object_set_new(o, "libcert", lc);
    return cert__json_emit(o, f);
}

static void dist_text(const cert_attach_result *r, const cert_attach_dist *d, FILE *f)
{
    const cert_failure *why = cert_attach_dist_failure(d);

    cert_text_writef(f, "%s %s", d->id, cert_attach_state_name(d->state));
    if (d->change != NULL &&
        (d->state == CERT_ATTACH_UPDATED || d->state == CERT_ATTACH_WOULD_UPDATE ||
         d->state == CERT_ATTACH_ROLLED_BACK))
        cert_text_writef(f, ": %s", d->change);
    if (d->state == CERT_ATTACH_UNCHANGED)
        cert_text_writef(f, ": already uses %s", r->cert.id);
    if (why != NULL && why->message != NULL)
        cert_text_writef(f, ": %s", why->message);
    if (d->deployed)
        cert_text_writef(f, " (Deployed)");
    fputc('\n', f);
    if (d->note != NULL)
        fprintf(f, "  %s\n", d->note);
}

/* Whether finding k of distribution d was said already for an earlier distribution. */
static bool said(const cert_attach_result *r, size_t d, const cert_finding *fi)
{
    for (size_t e = 0; e < d; e++) {
        const cert_findings *fs =
            r->dists[e].report ? cert_report_findings(r->dists[e].report) : NULL;

        for (size_t k = 0; k < cert_findings_count(fs); k++) {
            const cert_finding *g = cert_findings_at(fs, k);

            if (strcmp(g->code, fi->code) == 0 && strcmp(g->message, fi->message) == 0)
                return true;
        }
    }
    return false;
}

/* The warnings of the pre-flights, each once: a certificate attached with 19 days left says so
 * (the errors are in each refused distribution's line). */
static void warnings_text(const cert_attach_result *r, FILE *f)
{
    for (size_t d = 0; d < r->count; d++) {
        const cert_findings *fs =
            r->dists[d].report ? cert_report_findings(r->dists[d].report) : NULL;

        for (size_t k = 0; k < cert_findings_count(fs); k++) {
            const cert_finding *fi = cert_findings_at(fs, k);

            if (fi->severity == CERT_SEV_WARNING && !said(r, d, fi))
                cert_text_writef(f, "warning: %s: %s\n", fi->code, fi->message);
        }
    }
}

/* --output text / table: DISTRIBUTIONS (one a distribution), FINDING (each pre-flight's
 * warnings and errors), HANDLE (each handle and what it matched), LIBCERT. */
static cert_err attach_rows(const cert_attach_result *r, cert_output fmt, FILE *f)
{
    cert__rows *t = cert__rows_new(fmt, f);
    char code[24], n[24];

    for (size_t i = 0; i < r->count; i++) {
        const cert_attach_dist *d = &r->dists[i];
        const cert_failure *why = cert_attach_dist_failure(d);
        char *aliases = cert__rows_join((const char *const *)d->aliases, d->alias_count), dc[24];

        cert__row(t, "DISTRIBUTIONS", "Id", d->id, "Aliases", aliases, "Status",
                  cert_attach_state_name(d->state), "Changed",
                  d->state == CERT_ATTACH_UNKNOWN
                      ? CERT__NONE
                      : cert__rows_bool(d->state == CERT_ATTACH_UPDATED),
                  "Deployed", cert__rows_bool(d->deployed), "Change", d->change, "ExitCode",
                  cert__rows_int(cert_attach_dist_exit(d), dc), "Error",
                  why ? why->message : CERT__NONE, CERT__NONE);
        free(aliases);
    }
    for (size_t i = 0; i < r->count; i++) {
        const cert_findings *fs =
            r->dists[i].report ? cert_report_findings(r->dists[i].report) : NULL;

        for (size_t k = 0; k < cert_findings_count(fs); k++) {
            const cert_finding *fi = cert_findings_at(fs, k);

            if (fi->severity == CERT_SEV_INFO)
                continue;
            cert__row(t, "FINDING", "Distribution", r->dists[i].id, "Severity",
                      cert_severity_name(fi->severity), "Code", fi->code, "Message", fi->message,
                      CERT__NONE);
        }
    }
    for (size_t i = 0; i < r->handle_count; i++) {
        const cert_handle *h = &r->handles[i];

        cert__row(t, "HANDLE", "Kind", cert_handle_kind_name(h->kind), "Value", h->value, "Matched",
                  cert__rows_int((long long)h->matched, n), "Status",
                  h->matched > 0 ? "matched"
                  : h->allowed   ? "unmatched-allowed"
                                 : "unmatched",
                  "Note", h->note, CERT__NONE);
    }
    cert__row(t, "LIBCERT", "Store", r->store == CERT_STORE_ACM ? "acm" : "iam", "Certificate",
              r->store == CERT_STORE_ACM ? r->acm.arn : r->cert.id, "Replaced", r->replaced.id,
              "ExitCode", cert__rows_int(cert_attach_exit(r), code), "Error",
              r->failure.err < 0 ? r->failure.message : CERT__NONE, CERT__NONE);
    return cert__rows_end(t);
}

cert_err cert_attach_write(const cert_attach_result *r, cert_output fmt, FILE *f)
{
    if (r == NULL || f == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_attach_write: NULL argument");
    if (fmt == CERT_OUTPUT_JSON)
        return attach_json(r, f);
    if (CERT__ROWS(fmt))
        return attach_rows(r, fmt, f);
    if (fmt == CERT_OUTPUT_QUIET || (r->failure.err < 0 && r->count == 0))
        return CERT_OK; /* the tool prints the error */
    for (size_t i = 0; i < r->handle_count; i++) {
        const cert_handle *h = &r->handles[i];

        if (h->matched == 0 && h->allowed)
            cert_text_writef(f, "warning: --%s %s matches no distribution%s%s (allowed)\n",
                             cert_handle_kind_name(h->kind), h->value, h->note ? ": " : "",
                             h->note ? h->note : "");
    }
    for (size_t i = 0; i < r->count; i++)
        dist_text(r, &r->dists[i], f);
    warnings_text(r, f);
    return ferror(f) ? cert__error_set(CERT_E_IO, "cannot write the result") : CERT_OK;
}
