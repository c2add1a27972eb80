/* SPDX-License-Identifier: Apache-2.0 */
/* An inventory as certls shows it, and a path fix (render.h). */
#include <stdlib.h>
#include <string.h>

#include "libcert/checks.h"
#include "libcert/text.h"
#include "report/render_int.h"
#include "report/results_int.h"
#include "util/error_int.h"
#include "util/time_int.h"

static bool shown(const cert_inventory *inv, size_t i, int days)
{
    return days < 0 || cert_inventory_expiring(inv, i, (unsigned int)days);
}

static bool acm_shown(const cert_inventory *inv, size_t i, int days)
{
    return days < 0 || cert_inventory_acm_expiring(inv, i, (unsigned int)days);
}

static void item_libcert(cert_json_sink *s, const cert_inventory *inv, int64_t days, bool usable,
                         const char *const *users, size_t nusers, bool removable);

/* One ACM item's "libcert" member. */
static void acm_item_members(cert_json_sink *s, const cert_inventory *inv, size_t i)
{
    item_libcert(s, inv, cert_inventory_acm_days_left(inv, i), cert_inventory_acm_usable(inv, i),
                 (const char *const *)inv->acm_users[i], inv->nacm_users[i],
                 cert_inventory_acm_removable(inv, i));
}

/* ACM's list, as aws acm list-certificates prints it: {"CertificateSummaryList": [...]}. */
static size_t acm_list_json(cert_json_sink *s, const cert_inventory *inv, int days, bool first)
{
    size_t count = 0;

    cert__json_sink_text(s, first ? "{\n  \"CertificateSummaryList\": ["
                                  : ",\n  \"CertificateSummaryList\": [");
    for (size_t i = 0; i < inv->nacm; i++) {
        if (!acm_shown(inv, i, days))
            continue;
        cert__json_sink_text(s, count++ ? ",\n    " : "\n    ");
        cert__json_sink_open(s, '{', 2);
        cert__acm_members(s, &inv->acm[i], true);
        acm_item_members(s, inv, i);
        cert__json_sink_close(s);
    }
    cert__json_sink_text(s, count ? "\n  ]" : "]");
    return count;
}

/* The exit code the listing shows: certls's, or higher when the metrics file failed. */
static cert_exit listing_exit(const cert_inventory *inv, int days, const cert_failure *failure)
{
    cert_exit e = cert_inventory_exit(inv, days);

    return failure->err < 0 && cert_exit_for_err(failure->err) > e ? cert_exit_for_err(failure->err)
                                                                   : e;
}

/* An item's "libcert" member, straight into the sink: days left, whether CloudFront can use it
 * and, when distributions were listed, which use it and whether it could go. */
static void item_libcert(cert_json_sink *s, const cert_inventory *inv, int64_t days, bool usable,
                         const char *const *users, size_t nusers, bool removable)
{
    cert__json_sink_key(s, "libcert");
    cert__json_sink_open(s, '{', 3);
    cert__json_sink_key(s, "days_left");
    if (days == INT64_MIN)
        cert__json_sink_literal(s, "null");
    else
        cert__json_sink_int(s, days);
    cert__json_sink_key(s, "cloudfront_usable");
    cert__json_sink_literal(s, usable ? "true" : "false");
    if (inv->usage_known) {
        cert__json_sink_key(s, "in_use");
        cert__json_sink_open(s, '[', 3);
        for (size_t k = 0; k < nusers; k++) {
            cert__json_sink_item(s);
            cert__json_sink_string(s, users[k]);
        }
        cert__json_sink_close(s);
        cert__json_sink_key(s, "removable");
        cert__json_sink_literal(s, removable ? "true" : "false");
    }
    cert__json_sink_close(s);
}

/* One item's "libcert" member. */
static void item_members(cert_json_sink *s, const cert_inventory *inv, size_t i)
{
    item_libcert(s, inv, cert_inventory_days_left(inv, i),
                 cert_iam_path_cloudfront(inv->certs[i].path), (const char *const *)inv->users[i],
                 inv->nusers[i], cert_inventory_removable(inv, i));
}

/* {"ServerCertificateMetadataList": [...], "SummaryMap": {...}, "libcert": {...}}, each item
 * written as it is built (a thousand items then cost the memory of one). */
static cert_err inventory_json(const cert_inventory *inv, int days, const cert_failure *failure,
                               FILE *f)
{
    cert_json_sink s;
    json_t *lc, *q;
    size_t count = 0;
    cert_err err;
    char now[32];

    cert__json_sink_init(&s, f);
    if (inv->has_iam) {
        cert__json_sink_text(&s, "{\n  \"ServerCertificateMetadataList\": [");
        for (size_t i = 0; i < inv->n; i++) {
            if (!shown(inv, i, days))
                continue;
            cert__json_sink_text(&s, count++ ? ",\n    " : "\n    ");
            cert__json_sink_open(&s, '{', 2);
            cert__meta_members(&s, &inv->certs[i]);
            item_members(&s, inv, i);
            cert__json_sink_close(&s);
        }
        cert__json_sink_text(&s, count ? "\n  ]" : "]");
    }
    if (inv->has_acm)
        count += acm_list_json(&s, inv, days, !inv->has_iam);
    if (inv->quota >= 0 || inv->used >= 0) {
        q = json_object();
        json_object_set_new(q, "ServerCertificates", json_integer(inv->used));
        json_object_set_new(q, "ServerCertificatesQuota", json_integer(inv->quota));
        cert__json_sink_text(&s, ",\n  \"SummaryMap\": ");
        cert__json_sink_value(&s, q, 2);
        json_decref(q);
    }
    lc = json_object();
    cert__envelope_set(lc, CERT_SCHEMA_CERTLS, listing_exit(inv, days, failure), failure);
    json_object_set_new(lc, "count", json_integer((json_int_t)count));
    {
        json_t *st = json_array();

        if (inv->has_iam)
            json_array_append_new(st, json_string("iam"));
        if (inv->has_acm)
            json_array_append_new(st, json_string("acm"));
        json_object_set_new(lc, "stores", st);
    }
    json_object_set_new(lc, "now", json_string(cert_aws_time_format(inv->now, now, sizeof(now))));
    cert__json_sink_text(&s, ",\n  \"libcert\": ");
    cert__json_sink_value(&s, lc, 2);
    json_decref(lc);
    cert__json_sink_text(&s, "\n}\n");
    if ((err = cert__json_sink_end(&s)) == CERT_E_IO)
        return cert__error_set(CERT_E_IO, "cannot write the list");
    return err;
}

/* The widths of the first three columns (IAM: name, id, path; ACM: domain, certificate id,
 * type): the longest shown (the table keeps its shape with long names), at least the header's. */
typedef struct widths {
    int name, id, path;
} widths;

static int at_least(size_t n, int min)
{
    return n > (size_t)min ? (n > 512 ? 512 : (int)n) : min;
}

static widths column_widths(const cert_inventory *inv, int days)
{
    widths w = {4, 2, 4};

    for (size_t i = 0; i < inv->n; i++) {
        const cert_iam_cert *c = &inv->certs[i];

        if (!shown(inv, i, days))
            continue;
        w.name = at_least(strlen(c->name ? c->name : ""), w.name);
        w.id = at_least(strlen(c->id ? c->id : ""), w.id);
        w.path = at_least(strlen(c->path ? c->path : ""), w.path);
    }
    return w;
}

/* The certificate id of an ACM ARN (what follows "certificate/"), or the whole text. */
static const char *acm_id(const cert_acm_cert *c)
{
    const char *slash = c->arn ? strrchr(c->arn, '/') : NULL;

    return slash ? slash + 1 : (c->arn ? c->arn : "");
}

static widths acm_widths(const cert_inventory *inv, int days)
{
    widths w = {6, 11, 4};

    for (size_t i = 0; i < inv->nacm; i++) {
        const cert_acm_cert *c = &inv->acm[i];

        if (!acm_shown(inv, i, days))
            continue;
        w.name = at_least(strlen(c->domain_name ? c->domain_name : ""), w.name);
        w.id = at_least(strlen(acm_id(c)), w.id);
        w.path = at_least(strlen(c->type ? c->type : "?"), w.path);
    }
    return w;
}

/* A row's days left, then (when usage is known) the distributions that use it, or none_text. */
static void days_users(const cert_inventory *inv, int64_t days, const char *const *users,
                       size_t nusers, const char *none_text, FILE *f)
{
    if (days != INT64_MIN)
        fprintf(f, "%6lld", (long long)days);
    else
        fprintf(f, "%6s", "?");
    if (!inv->usage_known)
        return;
    fprintf(f, "  ");
    for (size_t k = 0; k < nusers; k++)
        cert_text_writef(f, "%s%s", k ? "," : "", users[k]);
    if (nusers == 0)
        fputs(none_text, f);
}

static void inventory_row(const cert_inventory *inv, size_t i, const widths *w, bool color, FILE *f)
{
    const cert_iam_cert *c = &inv->certs[i];
    char exp[32] = "unknown";

    if (c->expiration != INT64_MIN)
        cert__time_format(c->expiration, exp, sizeof(exp));
    exp[10] = '\0';
    cert_text_writef(f, "%-*s  %-*s  %-*s  %-10s ", w->name, c->name, w->id, c->id, w->path,
                     c->path, exp);
    days_users(inv, cert_inventory_days_left(inv, i), inv->users[i], inv->nusers[i], "-", f);
    if (!cert_iam_path_cloudfront(c->path))
        fprintf(f, "  %s(not under /cloudfront/: CloudFront cannot use it)%s",
                color ? "\033[33m" : "", color ? "\033[0m" : "");
    else if (c->expiration != INT64_MIN && c->expiration < inv->now)
        fprintf(f, "  %s(expired)%s", color ? "\033[31m" : "", color ? "\033[0m" : "");
    fputc('\n', f);
}

/* An ACM row: its domain, the ARN's certificate id, type, status, expiry, days, users. */
static void acm_row(const cert_inventory *inv, size_t i, const widths *w, bool color, FILE *f)
{
    const cert_acm_cert *c = &inv->acm[i];
    char exp[32] = "unknown";

    if (c->not_after != INT64_MIN)
        cert__time_format(c->not_after, exp, sizeof(exp));
    exp[10] = '\0';
    cert_text_writef(f, "%-*s  %-*s  %-*s  %-10s %-10s ", w->name,
                     c->domain_name ? c->domain_name : "", w->id, acm_id(c), w->path,
                     c->type ? c->type : "?", c->status ? c->status : "?", exp);
    days_users(inv, cert_inventory_acm_days_left(inv, i), inv->acm_users[i], inv->nacm_users[i],
               c->in_use ? "(other AWS resources)" : "-", f);
    if (c->type != NULL && strcmp(c->type, "IMPORTED") != 0)
        fprintf(f, "  (issued by ACM: ACM renews it)");
    else if (c->not_after != INT64_MIN && c->not_after < inv->now)
        fprintf(f, "  %s(expired)%s", color ? "\033[31m" : "", color ? "\033[0m" : "");
    else if (!cert_inventory_acm_usable(inv, i))
        fprintf(f, "  %s(CloudFront cannot use it)%s", color ? "\033[33m" : "",
                color ? "\033[0m" : "");
    fputc('\n', f);
}

static void acm_text(const cert_inventory *inv, const cert_inventory_write_opts *wo, FILE *f)
{
    widths w = acm_widths(inv, wo->expiring_days);

    fprintf(f, "%-*s  %-*s  %-*s  %-10s %-10s %6s%s\n", w.name, "DOMAIN", w.id, "CERTIFICATE",
            w.path, "TYPE", "STATUS", "EXPIRES", "DAYS", inv->usage_known ? "  IN USE BY" : "");
    for (size_t i = 0; i < inv->nacm; i++) {
        if (acm_shown(inv, i, wo->expiring_days))
            acm_row(inv, i, &w, wo->color, f);
    }
}

static cert_err inventory_text(const cert_inventory *inv, const cert_inventory_write_opts *wo,
                               FILE *f)
{
    bool both = inv->has_iam && inv->has_acm;

    if (inv->has_iam) {
        widths w = column_widths(inv, wo->expiring_days);

        if (both)
            fprintf(f, "IAM server certificates\n");
        fprintf(f, "%-*s  %-*s  %-*s  %-10s %6s%s\n", w.name, "NAME", w.id, "ID", w.path, "PATH",
                "EXPIRES", "DAYS", inv->usage_known ? "  IN USE BY" : "");
        for (size_t i = 0; i < inv->n; i++) {
            if (shown(inv, i, wo->expiring_days))
                inventory_row(inv, i, &w, wo->color, f);
        }
        if (inv->used >= 0 || inv->quota >= 0)
            fprintf(f, "quota: %ld of %ld server certificates used\n", inv->used, inv->quota);
    }
    if (inv->has_acm) {
        if (both)
            fprintf(f, "\nACM certificates\n");
        acm_text(inv, wo, f);
    }
    return ferror(f) ? cert__error_set(CERT_E_IO, "cannot write the list") : CERT_OK;
}

/* --output text / table: each certificate as aws iam list-server-certificates (aws acm
 * list-certificates) prints it, then libcert's DaysLeft, CloudFrontUsable, Removable and UsedBy
 * (the distributions; None when they were not listed); the quota as QUOTA. */
static cert_err inventory_rows(const cert_inventory *inv, const cert_inventory_write_opts *wo,
                               FILE *f)
{
    cert__rows *t = cert__rows_new(wo->fmt, f);
    char days[24], a[24], b[24];

    for (size_t i = 0; inv->has_iam && i < inv->n; i++) {
        const cert_iam_cert *c = &inv->certs[i];
        char up[32], exp[32], *users;
        int64_t left = cert_inventory_days_left(inv, i);

        if (!shown(inv, i, wo->expiring_days))
            continue;
        users = cert__rows_join((const char *const *)inv->users[i], inv->nusers[i]);
        cert__row(t, "SERVERCERTIFICATEMETADATALIST", "Arn", c->arn, "Expiration",
                  cert__rows_time(c->expiration, exp), "Path", c->path, "ServerCertificateId",
                  c->id, "ServerCertificateName", c->name, "UploadDate",
                  cert__rows_time(c->upload_date, up), "DaysLeft",
                  left == INT64_MIN ? CERT__NONE : cert__rows_int(left, days), "CloudFrontUsable",
                  cert__rows_bool(cert_iam_path_cloudfront(c->path)), "Removable",
                  inv->usage_known ? cert__rows_bool(cert_inventory_removable(inv, i)) : CERT__NONE,
                  "UsedBy", inv->usage_known ? (users ? users : "") : CERT__NONE, CERT__NONE);
        free(users);
    }
    for (size_t i = 0; inv->has_acm && i < inv->nacm; i++) {
        const cert_acm_cert *c = &inv->acm[i];
        char na[32], *users;
        int64_t left = cert_inventory_acm_days_left(inv, i);

        if (!acm_shown(inv, i, wo->expiring_days))
            continue;
        users = cert__rows_join((const char *const *)inv->acm_users[i], inv->nacm_users[i]);
        cert__row(
            t, "CERTIFICATESUMMARYLIST", "CertificateArn", c->arn, "DomainName", c->domain_name,
            "InUse", cert__rows_bool(c->in_use), "KeyAlgorithm", c->key_algorithm, "NotAfter",
            cert__rows_time(c->not_after, na), "Status", c->status, "Type", c->type, "DaysLeft",
            left == INT64_MIN ? CERT__NONE : cert__rows_int(left, days), "CloudFrontUsable",
            cert__rows_bool(cert_inventory_acm_usable(inv, i)), "Removable",
            inv->usage_known ? cert__rows_bool(cert_inventory_acm_removable(inv, i)) : CERT__NONE,
            "UsedBy", inv->usage_known ? (users ? users : "") : CERT__NONE, CERT__NONE);
        free(users);
    }
    if (inv->has_iam && (inv->used >= 0 || inv->quota >= 0))
        cert__row(t, "QUOTA", "ServerCertificates", cert__rows_int(inv->used, a),
                  "ServerCertificatesQuota", cert__rows_int(inv->quota, b), CERT__NONE);
    return cert__rows_end(t);
}

cert_err cert_inventory_write(const cert_inventory *inv, const cert_inventory_write_opts *wo,
                              FILE *f)
{
    static const cert_inventory_write_opts plain = {CERT_OUTPUT_TEXT, -1, false, NULL};
    cert_failure failure = {CERT_OK, NULL, NULL, NULL, 0};
    cert_err err = CERT_OK, metrics = CERT_OK;

    if (inv == NULL || f == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_inventory_write: NULL argument");
    if (wo == NULL)
        wo = &plain;
    /* The metrics first: a failure to write them is shown in the listing's envelope. */
    if (wo->prometheus != NULL) {
        metrics = cert__prom_write_inventory(inv, wo->prometheus);
        if (metrics == CERT_E_NOMEM)
            return metrics;
        if (metrics < 0 && cert_failure_from_last(&failure, metrics) < 0)
            return CERT_E_NOMEM;
    }
    if (wo->fmt == CERT_OUTPUT_JSON)
        err = inventory_json(inv, wo->expiring_days, &failure, f);
    else if (wo->fmt == CERT_OUTPUT_TEXT)
        err = inventory_text(inv, wo, f);
    else if (CERT__ROWS(wo->fmt))
        err = inventory_rows(inv, wo, f);
    if (err == CERT_OK && metrics < 0)
        err = cert__error_set(metrics, "%s", failure.message ? failure.message : "");
    cert_failure_clear(&failure);
    return err;
}

cert_err cert_path_fix_write(const cert_path_fix *p, FILE *f)
{
    if (p == NULL || f == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_path_fix_write: NULL argument");
    if (p->failure.err < 0)
        return CERT_OK; /* the tool says why */
    if (p->moved)
        cert_text_writef(f, "moved %s from %s to %s\n", p->name, p->old_path, p->new_path);
    else
        cert_text_writef(f, "%s is already under %s; nothing to do\n", p->name, p->old_path);
    return ferror(f) ? cert__error_set(CERT_E_IO, "cannot write the result") : CERT_OK;
}
