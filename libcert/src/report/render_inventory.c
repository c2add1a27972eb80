/* An inventory as certls shows it, and a path fix (render.h). */
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

/* The exit code the listing shows: certls's, or higher when the metrics file failed. */
static cert_exit listing_exit(const cert_inventory *inv, int days, const cert_failure *failure)
{
    cert_exit e = cert_inventory_exit(inv, days);

    return failure->err < 0 && cert_exit_for_err(failure->err) > e ? cert_exit_for_err(failure->err)
                                                                   : e;
}

/* One item's "libcert" member, straight into the sink. */
static void item_members(cert_json_sink *s, const cert_inventory *inv, size_t i)
{
    const cert_iam_cert *c = &inv->certs[i];
    int64_t days = cert_inventory_days_left(inv, i);

    cert__json_sink_key(s, "libcert");
    cert__json_sink_open(s, '{', 3);
    cert__json_sink_key(s, "days_left");
    if (days == INT64_MIN)
        cert__json_sink_literal(s, "null");
    else
        cert__json_sink_int(s, days);
    cert__json_sink_key(s, "cloudfront_usable");
    cert__json_sink_literal(s, cert_iam_path_cloudfront(c->path) ? "true" : "false");
    if (inv->usage_known) {
        cert__json_sink_key(s, "in_use");
        cert__json_sink_open(s, '[', 3);
        for (size_t k = 0; k < inv->nusers[i]; k++) {
            cert__json_sink_item(s);
            cert__json_sink_string(s, inv->users[i][k]);
        }
        cert__json_sink_close(s);
        cert__json_sink_key(s, "removable");
        cert__json_sink_literal(s, cert_inventory_removable(inv, i) ? "true" : "false");
    }
    cert__json_sink_close(s);
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
    json_object_set_new(lc, "now", json_string(cert_aws_time_format(inv->now, now, sizeof(now))));
    cert__json_sink_text(&s, ",\n  \"libcert\": ");
    cert__json_sink_value(&s, lc, 2);
    json_decref(lc);
    cert__json_sink_text(&s, "\n}\n");
    if ((err = cert__json_sink_end(&s)) == CERT_E_IO)
        return cert__error_set(CERT_E_IO, "cannot write the list");
    return err;
}

/* The widths of the name, id and path columns: the longest shown (the table keeps its shape
 * with long names), at least the header's. */
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

static void inventory_row(const cert_inventory *inv, size_t i, const widths *w, bool color, FILE *f)
{
    const cert_iam_cert *c = &inv->certs[i];
    char exp[32] = "unknown";
    int64_t days = cert_inventory_days_left(inv, i);

    if (c->expiration != INT64_MIN)
        cert__time_format(c->expiration, exp, sizeof(exp));
    exp[10] = '\0';
    cert_text_writef(f, "%-*s  %-*s  %-*s  %-10s ", w->name, c->name, w->id, c->id, w->path,
                     c->path, exp);
    if (days != INT64_MIN)
        cert_text_writef(f, "%6lld", (long long)days);
    else
        cert_text_writef(f, "%6s", "?");
    if (inv->usage_known) {
        cert_text_writef(f, "  ");
        for (size_t k = 0; k < inv->nusers[i]; k++)
            cert_text_writef(f, "%s%s", k ? "," : "", inv->users[i][k]);
        if (inv->nusers[i] == 0)
            cert_text_writef(f, "-");
    }
    /* our colour codes as they are, never through cert_text_writef() */
    if (!cert_iam_path_cloudfront(c->path))
        fprintf(f, "  %s(not under /cloudfront/: CloudFront cannot use it)%s",
                color ? "\033[33m" : "", color ? "\033[0m" : "");
    else if (c->expiration != INT64_MIN && c->expiration < inv->now)
        fprintf(f, "  %s(expired)%s", color ? "\033[31m" : "", color ? "\033[0m" : "");
    fputc('\n', f);
}

static cert_err inventory_text(const cert_inventory *inv, const cert_inventory_write_opts *wo,
                               FILE *f)
{
    widths w = column_widths(inv, wo->expiring_days);

    fprintf(f, "%-*s  %-*s  %-*s  %-10s %6s%s\n", w.name, "NAME", w.id, "ID", w.path, "PATH",
            "EXPIRES", "DAYS", inv->usage_known ? "  IN USE BY" : "");
    for (size_t i = 0; i < inv->n; i++) {
        if (shown(inv, i, wo->expiring_days))
            inventory_row(inv, i, &w, wo->color, f);
    }
    if (inv->used >= 0 || inv->quota >= 0)
        cert_text_writef(f, "quota: %ld of %ld server certificates used\n", inv->used, inv->quota);
    return ferror(f) ? cert__error_set(CERT_E_IO, "cannot write the list") : CERT_OK;
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
