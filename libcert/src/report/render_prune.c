/* SPDX-License-Identifier: Apache-2.0 */
/* A prune run as certprune shows it (render.h). */
#include "libcert/text.h"
#include "report/render_int.h"
#include "util/error_int.h"
#include "util/time_int.h"

/* Said with every run that lists anything: IAM does not stop the deletion of a certificate an
 * Elastic Load Balancer listener uses (aws-rules.md, "Timing on real AWS"), and certprune asks
 * only CloudFront. */
static const char elb_note[] = "Elastic Load Balancer listeners are not checked: IAM deletes a "
                               "certificate a load balancer uses, and certprune cannot see them";

/* ACM's InUseBy names every AWS service that uses a certificate (ACM API Reference,
 * CertificateDetail). */
static const char acm_note[] = "InUse / InUseBy cover every AWS resource that uses an ACM "
                               "certificate (CloudFront, load balancers, API Gateway)";

static cert_err prune_json(const cert_prune_result *r, FILE *f)
{
    json_t *o = json_object(), *list = json_array(), *lc = json_object();
    bool acm = r->store == CERT_STORE_ACM;

    for (size_t i = 0; i < r->count; i++) {
        const cert_prune_item *it = &r->items[i];
        json_t *m = acm ? cert__acm_json(&it->acm, true) : cert__meta_json(&it->cert),
               *x = json_object();

        json_object_set_new(x, "status",
                            json_string(cert_prune_state_name(it->state, r->deleting)));
        json_object_set_new(x, "reason", json_string(cert_prune_reason_name(it->reason)));
        if (it->names)
            json_object_set_new(x, "names", json_string(it->names));
        if (it->superseded_by)
            json_object_set_new(x, "superseded_by", json_string(it->superseded_by));
        if (it->message)
            json_object_set_new(x, "message", json_string(it->message));
        if (it->failure.err < 0)
            json_object_set_new(x, "error", cert__failure_json(&it->failure));
        json_object_set_new(m, "libcert", x);
        json_array_append_new(list, m);
    }
    json_object_set_new(o, acm ? "CertificateSummaryList" : "ServerCertificateMetadataList", list);
    cert__envelope_set(lc, CERT_SCHEMA_CERTPRUNE, cert_prune_exit(r), NULL);
    json_object_set_new(lc, "deleted", json_boolean(r->deleting));
    json_object_set_new(lc, "unused", json_boolean(r->unused));
    if (r->unused)
        json_object_set_new(lc, "min_age_days", json_integer(r->min_age_days));
    {
        char now[32];

        json_object_set_new(lc, "now", json_string(cert_aws_time_format(r->now, now, sizeof(now))));
    }
    json_object_set_new(lc, "note", json_string(acm ? acm_note : elb_note));
    json_object_set_new(lc, "store", json_string(acm ? "acm" : "iam"));
    json_object_set_new(o, "libcert", lc);
    return cert__json_emit(o, f);
}

/* "expired 2025-01-01" or "unused, uploaded 2026-01-01, expires 2027-03-01, replaced by N". */
static void item_detail(const cert_prune_item *it, char *buf, size_t size)
{
    char exp[32] = "?", up[32] = "?";

    if (it->cert.expiration != INT64_MIN)
        cert__time_format(it->cert.expiration, exp, sizeof(exp));
    if (it->cert.upload_date != INT64_MIN)
        cert__time_format(it->cert.upload_date, up, sizeof(up));
    exp[10] = up[10] = '\0';
    if (it->reason == CERT_PRUNE_EXPIRED)
        snprintf(buf, size, "expired %s", exp);
    else
        snprintf(buf, size, "unused, uploaded %s, expires %s%s%s", up, exp,
                 it->superseded_by ? ", replaced by " : "",
                 it->superseded_by ? it->superseded_by : "");
}

/* --output text / table: each certificate as the AWS CLI lists it, then libcert's Status,
 * Reason, SupersededBy and Message; LIBCERT (deleted or a preview, the clock, the exit code). */
static cert_err prune_rows(const cert_prune_result *r, cert_output fmt, FILE *f)
{
    cert__rows *t = cert__rows_new(fmt, f);
    char now[32], code[24];

    for (size_t i = 0; i < r->count; i++) {
        const cert_prune_item *it = &r->items[i];
        const char *st = cert_prune_state_name(it->state, r->deleting);
        const char *why = it->message ? it->message : it->failure.message;

        if (r->store == CERT_STORE_ACM) {
            char na[32];

            cert__row(t, "CERTIFICATESUMMARYLIST", "CertificateArn", it->acm.arn, "DomainName",
                      it->acm.domain_name, "NotAfter", cert__rows_time(it->acm.not_after, na),
                      "Status", st, "Reason", cert_prune_reason_name(it->reason), "Message", why,
                      CERT__NONE);
        } else {
            char up[32], exp[32];

            cert__row(t, "SERVERCERTIFICATEMETADATALIST", "Arn", it->cert.arn, "Expiration",
                      cert__rows_time(it->cert.expiration, exp), "Path", it->cert.path,
                      "ServerCertificateId", it->cert.id, "ServerCertificateName", it->cert.name,
                      "UploadDate", cert__rows_time(it->cert.upload_date, up), "Status", st,
                      "Reason", cert_prune_reason_name(it->reason), "SupersededBy",
                      it->superseded_by, "Message", why, CERT__NONE);
        }
    }
    cert__row(t, "LIBCERT", "Store", r->store == CERT_STORE_ACM ? "acm" : "iam", "Deleted",
              cert__rows_bool(r->deleting), "Now", cert_aws_time_format(r->now, now, sizeof(now)),
              "ExitCode", cert__rows_int(cert_prune_exit(r), code), CERT__NONE);
    return cert__rows_end(t);
}

cert_err cert_prune_write(const cert_prune_result *r, cert_output fmt, FILE *f)
{
    if (r == NULL || f == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_prune_write: NULL argument");
    if (fmt == CERT_OUTPUT_JSON)
        return prune_json(r, f);
    if (CERT__ROWS(fmt))
        return prune_rows(r, fmt, f);
    if (fmt == CERT_OUTPUT_QUIET)
        return CERT_OK;
    if (r->store == CERT_STORE_ACM) {
        if (r->count == 0)
            fprintf(f, "no expired ACM certificate that was imported and that nothing uses\n");
        for (size_t i = 0; i < r->count; i++) {
            const cert_prune_item *it = &r->items[i];
            char exp[32] = "?";

            if (it->acm.not_after != INT64_MIN)
                cert__time_format(it->acm.not_after, exp, sizeof(exp));
            exp[10] = '\0';
            fprintf(f, "%-13s %s (%s, expired %s)%s%s\n",
                    cert_prune_state_name(it->state, r->deleting),
                    it->acm.domain_name ? it->acm.domain_name : "", it->acm.arn, exp,
                    it->message ? ": " : "", it->message ? it->message : "");
        }
        if (r->count > 0)
            fprintf(f, "note: %s\n", acm_note);
        return ferror(f) ? cert__error_set(CERT_E_IO, "cannot write the result") : CERT_OK;
    }
    if (r->count == 0 && r->unused)
        cert_text_writef(
            f,
            "nothing to prune under /cloudfront/: no expired certificate and no unused one "
            "libcert uploaded more than %u day%s ago that a newer one replaces\n",
            r->min_age_days, r->min_age_days == 1 ? "" : "s");
    else if (r->count == 0)
        cert_text_writef(f, "no expired, unused certificate under /cloudfront/\n");
    for (size_t i = 0; i < r->count; i++) {
        const cert_prune_item *it = &r->items[i];
        char detail[600];

        item_detail(it, detail, sizeof(detail));
        cert_text_writef(f, "%-13s %s (id %s, path %s, %s)%s%s\n",
                         cert_prune_state_name(it->state, r->deleting), it->cert.name, it->cert.id,
                         it->cert.path, detail, it->message ? ": " : "",
                         it->message ? it->message : "");
    }
    if (r->count > 0)
        cert_text_writef(f, "note: %s\n", elb_note);
    return ferror(f) ? cert__error_set(CERT_E_IO, "cannot write the result") : CERT_OK;
}
