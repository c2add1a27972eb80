/* SPDX-License-Identifier: Apache-2.0 */
/* An upload as certup shows it (render.h). */
#include "libcert/checks.h"
#include "libcert/text.h"
#include "report/render_int.h"
#include "util/error_int.h"
#include "util/time_int.h"

static json_t *request_json(const cert_put_result *r)
{
    json_t *q = json_object();
    char red[128];

    snprintf(red, sizeof(red), "(redacted: %s private key, %zu characters)", r->key_type,
             r->key_len);
    if (r->store == CERT_STORE_ACM) { /* ImportCertificate's members */
        if (r->acm.arn != NULL)
            json_object_set_new(q, "CertificateArn", json_string(r->acm.arn));
        json_object_set_new(q, "Certificate", json_string(r->body ? r->body : ""));
        json_object_set_new(q, "CertificateChain", json_string(r->chain ? r->chain : ""));
        json_object_set_new(q, "PrivateKey", json_string(red));
        return q;
    }
    json_object_set_new(q, "ServerCertificateName", json_string(r->name));
    json_object_set_new(q, "Path", json_string(r->path));
    json_object_set_new(q, "CertificateBody", json_string(r->body ? r->body : ""));
    json_object_set_new(q, "CertificateChain", json_string(r->chain ? r->chain : ""));
    json_object_set_new(q, "PrivateKey", json_string(red));
    return q;
}

/* ACM: {"CertificateArn" (as aws acm import-certificate prints it), "Certificate": the record,
 * "libcert": {...}}. */
static void acm_members(const cert_put_result *r, json_t *o, json_t *lc)
{
    if (r->acm.arn != NULL) {
        json_object_set_new(o, "CertificateArn", json_string(r->acm.arn));
        json_object_set_new(o, "Certificate", cert__acm_json(&r->acm, false));
    }
    json_object_set_new(lc, "store", json_string("acm"));
}

static cert_err put_json(const cert_put_result *r, FILE *f)
{
    json_t *o = json_object(), *lc = json_object();
    bool failed = r->failure.err < 0;

    if (r->store != CERT_STORE_ACM && r->meta.name != NULL)
        json_object_set_new(o, "ServerCertificateMetadata", cert__meta_json(&r->meta));
    cert__envelope_set(lc, CERT_SCHEMA_CERTUP, cert_put_exit(r), &r->failure);
    json_object_set_new(lc, "status", json_string(cert_put_status_name(r)));
    if (r->store == CERT_STORE_ACM) {
        acm_members(r, o, lc);
    } else {
        json_object_set_new(lc, "store", json_string("iam"));
        json_object_set_new(lc, "name", json_string(r->name));
        json_object_set_new(lc, "path", json_string(r->path ? r->path : ""));
        /* Where the certificate is, not where it was asked to go: an identical one already in
         * IAM may sit under another path. */
        json_object_set_new(
            lc, "cloudfront_usable",
            json_boolean(cert_iam_path_cloudfront(r->meta.path ? r->meta.path : r->path)));
    }
    if (r->refusal_count > 0)
        json_object_set_new(lc, "refusals", cert__refusals_json(r->refusals, r->refusal_count));
    json_object_set_new(lc, "attempts", json_integer(r->attempts));
    if (r->status == CERT_PUT_DRY_RUN && !failed)
        json_object_set_new(lc, "request", request_json(r));
    if (r->removable_count > 0) {
        json_t *a = json_array();

        for (size_t i = 0; i < r->removable_count; i++)
            json_array_append_new(a, cert__meta_json(&r->removable[i]));
        json_object_set_new(lc, "removable", a);
    }
    json_object_set_new(o, "libcert", lc);
    return cert__json_emit(o, f);
}

/* The certificate's expiry and upload (ACM: import) time as text; "" when unknown. */
static void meta_times(const cert_put_result *r, char exp[32], char up[32])
{
    if (r->meta.expiration != INT64_MIN)
        cert__time_format(r->meta.expiration, exp, 32);
    if (r->meta.upload_date != INT64_MIN)
        cert__time_format(r->meta.upload_date, up, 32);
}

static void acm_text(const cert_put_result *r, FILE *f)
{
    char exp[32] = "", up[32] = "";
    const char *arn = r->acm.arn ? r->acm.arn : "";

    meta_times(r, exp, up);
    switch (r->status) {
    case CERT_PUT_UPLOADED:
        fprintf(f, "imported into ACM\n  arn %s\n  key %s\n  expires %s\n", arn,
                r->acm.key_algorithm ? r->acm.key_algorithm : r->key_type, exp);
        break;
    case CERT_PUT_REIMPORTED:
        fprintf(f,
                "re-imported into %s (same ARN: its %zu user%s serve the new certificate)\n"
                "  expires %s\n",
                arn, r->acm.in_use_by_count, r->acm.in_use_by_count == 1 ? "" : "s", exp);
        break;
    case CERT_PUT_EXISTS:
        fprintf(f,
                "ACM already holds this certificate and chain as %s (imported %s); nothing to "
                "do\n",
                arn, up[0] ? up : "unknown");
        break;
    case CERT_PUT_DRY_RUN:
        fprintf(f,
                "would %s (dry run, nothing sent):\n  PrivateKey (redacted: %s, %zu characters)\n"
                "  Certificate:\n%s  CertificateChain:\n%s",
                r->acm.arn ? "re-import into ACM" : "import into ACM", r->key_type, r->key_len,
                r->body, r->chain[0] ? r->chain : "  (none)\n");
        if (r->acm.arn)
            fprintf(f, "  CertificateArn %s\n", r->acm.arn);
        break;
    }
}

static void put_text(const cert_put_result *r, FILE *f)
{
    char exp[32] = "", up[32] = "";

    for (size_t i = 0; i < r->refusal_count; i++)
        fprintf(f, "  %s: %s\n", r->refusals[i].allowed ? "allowed" : "refused",
                r->refusals[i].message);
    if (r->failure.err >= 0 && r->store == CERT_STORE_ACM) {
        acm_text(r, f);
        return;
    }
    if (r->failure.err < 0) {
        for (size_t i = 0; i < r->removable_count; i++) {
            if (r->removable[i].expiration != INT64_MIN)
                cert__time_format(r->removable[i].expiration, exp, sizeof(exp));
            cert_text_writef(f, "  could go: %s (id %s, expired %.10s)\n", r->removable[i].name,
                             r->removable[i].id, exp);
        }
        return;
    }
    meta_times(r, exp, up);
    switch (r->status) {
    case CERT_PUT_UPLOADED:
        cert_text_writef(f, "uploaded %s to IAM (path %s)\n  id %s\n  arn %s\n  expires %s\n",
                         r->name, r->path, r->meta.id, r->meta.arn, exp);
        break;
    case CERT_PUT_EXISTS:
        cert_text_writef(f,
                         "IAM already holds this certificate and chain as %s (id %s, uploaded %s); "
                         "nothing to do\n",
                         r->name, r->meta.id, up);
        break;
    case CERT_PUT_REIMPORTED: /* ACM only */
        break;
    case CERT_PUT_DRY_RUN:
        cert_text_writef(
            f,
            "would upload to IAM (dry run, nothing sent):\n  ServerCertificateName %s\n"
            "  Path %s\n  PrivateKey (redacted: %s, %zu characters)\n"
            "  CertificateBody:\n%s  CertificateChain:\n%s",
            r->name, r->path, r->key_type, r->key_len, r->body,
            r->chain[0] ? r->chain : "  (none)\n");
        break;
    }
}

/* ServerCertificateMetadata as the AWS CLI's text output has it (members sorted by name). */
void cert__meta_row(cert__rows *t, const char *type, const cert_iam_cert *m)
{
    char up[32], exp[32];

    cert__row(t, type, "Arn", m->arn, "Expiration", cert__rows_time(m->expiration, exp), "Path",
              m->path, "ServerCertificateId", m->id, "ServerCertificateName", m->name, "UploadDate",
              cert__rows_time(m->upload_date, up), CERT__NONE);
}

/* An ACM certificate's record: the members a listing and a description share, sorted. */
void cert__acm_row(cert__rows *t, const char *type, const cert_acm_cert *c)
{
    char na[32];

    cert__row(t, type, "CertificateArn", c->arn, "DomainName", c->domain_name, "InUse",
              cert__rows_bool(c->in_use), "KeyAlgorithm", c->key_algorithm, "NotAfter",
              cert__rows_time(c->not_after, na), "Status", c->status, "Type", c->type, CERT__NONE);
}

/* --output text / table: the certificate as AWS shows it, then LIBCERT (status, where, exit). */
static cert_err put_rows(const cert_put_result *r, cert_output fmt, FILE *f)
{
    cert__rows *t = cert__rows_new(fmt, f);
    char code[24], att[24];
    bool failed = r->failure.err < 0;

    if (r->store == CERT_STORE_ACM && r->acm.arn != NULL)
        cert__acm_row(t, "CERTIFICATE", &r->acm);
    else if (r->store != CERT_STORE_ACM && r->meta.name != NULL)
        cert__meta_row(t, "SERVERCERTIFICATEMETADATA", &r->meta);
    cert__row(t, "LIBCERT", "Status", cert_put_status_name(r), "Store",
              r->store == CERT_STORE_ACM ? "acm" : "iam", "Name",
              r->store == CERT_STORE_ACM ? r->acm.arn : r->name, "Path",
              r->store == CERT_STORE_ACM ? CERT__NONE : r->path, "Attempts",
              cert__rows_int(r->attempts, att), "ExitCode", cert__rows_int(cert_put_exit(r), code),
              "Error", failed ? r->failure.message : CERT__NONE, CERT__NONE);
    for (size_t i = 0; i < r->refusal_count; i++)
        cert__row(t, "REFUSAL", "Code", r->refusals[i].code, "Allowed",
                  cert__rows_bool(r->refusals[i].allowed), "Message", r->refusals[i].message,
                  CERT__NONE);
    for (size_t i = 0; i < r->removable_count; i++)
        cert__meta_row(t, "REMOVABLE", &r->removable[i]);
    return cert__rows_end(t);
}

cert_err cert_put_write(const cert_put_result *r, cert_output fmt, FILE *f)
{
    if (r == NULL || f == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_put_write: NULL argument");
    if (fmt == CERT_OUTPUT_JSON)
        return put_json(r, f);
    if (CERT__ROWS(fmt))
        return put_rows(r, fmt, f);
    if (fmt == CERT_OUTPUT_TEXT)
        put_text(r, f);
    return ferror(f) ? cert__error_set(CERT_E_IO, "cannot write the result") : CERT_OK;
}

cert_err cert_put_write_text(const cert_put_result *r, const cert_text_opts *text, FILE *f)
{
    bool acm;

    if (r == NULL || f == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_put_write_text: NULL argument");
    acm = r->store == CERT_STORE_ACM;
    if ((text != NULL && text->verbosity > 0) || r->failure.err < 0 ||
        r->status == CERT_PUT_DRY_RUN)
        return cert_put_write(r, CERT_OUTPUT_TEXT, f);
    for (size_t i = 0; i < r->refusal_count; i++) /* allowed ones: said, as warnings are */
        cert_text_writef(f, "allowed: %s: %s\n", r->refusals[i].code, r->refusals[i].message);
    cert_text_writef(f, "%s %s%s%s\n",
                     r->status == CERT_PUT_EXISTS       ? "exists"
                     : r->status == CERT_PUT_REIMPORTED ? "reimported"
                     : acm                              ? "imported"
                                                        : "uploaded",
                     acm ? (r->acm.arn ? r->acm.arn : "") : r->name, acm ? "" : " ",
                     acm ? "" : (r->meta.id ? r->meta.id : ""));
    return ferror(f) ? cert__error_set(CERT_E_IO, "cannot write the result") : CERT_OK;
}
