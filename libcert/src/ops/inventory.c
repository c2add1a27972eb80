/* The account's IAM server certificates with their CloudFront users and the quota. */
#include "libcert/inventory.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws_int.h"
#include "libcert/checks.h"
#include "libcert/prune.h"
#include "util/error_int.h"
#include "util/json.h"
#include "util/time_int.h"

struct cert_inventory {
    cert_iam_cert *certs;
    size_t n;
    cert_cf_dist *dists;
    size_t nd;
    bool usage_known;
    const char ***users; /* per certificate: distribution ids */
    size_t *nusers;
    long used, quota;
    int64_t now;
};

static const cert_inventory_opts default_opts = CERT_INVENTORY_OPTS_INIT;

static int cmp_expiry(const void *a, const void *b)
{
    const cert_iam_cert *x = a, *y = b;

    /* Soonest first; unknown expirations last; then by name. */
    if (x->expiration != y->expiration) {
        if (x->expiration == INT64_MIN)
            return 1;
        if (y->expiration == INT64_MIN)
            return -1;
        return x->expiration < y->expiration ? -1 : 1;
    }
    return strcmp(x->name, y->name);
}

/* What runs beside the IAM listing: the quota (GetAccountSummary) and, for usage, every
 * distribution (ListDistributions), on a clone of the session, so that their round trips
 * overlap the listing's instead of following it. */
typedef struct side {
    cert_aws *aws; /* the clone */
    const cert_inventory_opts *o;
    cert_inventory *inv;
    cert_err err;
    char *message; /* the error's message, moved to the caller's thread */
} side;

static void *side_run(void *ud)
{
    side *sd = ud;

    if (sd->o->in_use)
        sd->err = cert_cf_list(sd->aws, &sd->inv->dists, &sd->inv->nd);
    if (sd->err == CERT_OK && sd->o->quota)
        sd->err = cert_iam_quota(sd->aws, &sd->inv->used, &sd->inv->quota);
    if (sd->err < 0 && (sd->message = strdup(cert_error_last()->message)) == NULL)
        sd->err = CERT_E_NOMEM;
    return NULL;
}

/* The side's outcome, in this thread: its error (with the AWS details on the caller's session,
 * where the tools read them), or OK. */
static cert_err side_join(side *sd, pthread_t t, bool threaded, cert_aws *aws, cert_err err)
{
    const cert_aws_error *e;

    if (threaded)
        pthread_join(t, NULL);
    if (err == CERT_OK && sd->err < 0) {
        e = cert_aws_last_error(sd->aws);
        cert_aws__set_last(aws, e->service, e->action, e->code, e->message, e->request_id,
                           e->status, e->attempts);
        err = sd->err == CERT_E_NOMEM ? cert__error_nomem()
                                      : cert__error_set(sd->err, "%s", sd->message);
    }
    free(sd->message);
    cert_aws_free(sd->aws);
    return err;
}

cert_err cert_inventory_build(cert_aws *aws, const cert_inventory_opts *o, cert_inventory **out)
{
    cert_err err = CERT_OK;
    cert_inventory *inv = NULL;
    side sd;
    pthread_t t;
    bool threaded = false, beside;

    if (out == NULL || aws == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_inventory_build: NULL argument");
    *out = NULL;
    if (o == NULL)
        o = &default_opts;
    inv = calloc(1, sizeof(*inv));
    if (inv == NULL)
        CERT_NOMEM();
    inv->used = inv->quota = -1;
    inv->now = cert__time_resolve(o->now);
    memset(&sd, 0, sizeof(sd));
    sd.o = o;
    sd.inv = inv;
    beside = o->in_use || o->quota;
    if (beside) {
        /* Credentials first, so the clone starts with them (one run of the provider chain). */
        if ((err = cert_aws_resolve_credentials(aws, NULL)) < 0 ||
            (err = cert_aws__clone(aws, &sd.aws)) < 0)
            goto done;
        threaded = pthread_create(&t, NULL, side_run, &sd) == 0;
        if (!threaded)
            side_run(&sd);
    }
    err = cert_iam_list(aws, o->path_prefix, o->page_size, &inv->certs, &inv->n);
    if (beside)
        err = side_join(&sd, t, threaded, aws, err);
    if (err < 0)
        goto done;
    if (inv->n > 1)
        qsort(inv->certs, inv->n, sizeof(*inv->certs), cmp_expiry);
    inv->users = calloc(inv->n ? inv->n : 1, sizeof(*inv->users));
    inv->nusers = calloc(inv->n ? inv->n : 1, sizeof(*inv->nusers));
    if (inv->users == NULL || inv->nusers == NULL)
        CERT_NOMEM();
    if (o->in_use) {
        inv->usage_known = true;
        for (size_t i = 0; i < inv->n; i++) {
            for (size_t d = 0; d < inv->nd; d++) {
                const char **nu;

                if (inv->dists[d].iam_certificate_id == NULL ||
                    strcmp(inv->dists[d].iam_certificate_id, inv->certs[i].id) != 0)
                    continue;
                nu = realloc((void *)inv->users[i], (inv->nusers[i] + 1) * sizeof(*nu));
                if (nu == NULL)
                    CERT_NOMEM();
                nu[inv->nusers[i]++] = inv->dists[d].id;
                inv->users[i] = nu;
            }
        }
    }
    *out = inv;
    inv = NULL;

done:
    cert_inventory_free(inv);
    return err;
}

void cert_inventory_free(cert_inventory *inv)
{
    if (inv == NULL)
        return;
    for (size_t i = 0; inv->users != NULL && i < inv->n; i++)
        free((void *)inv->users[i]);
    free((void *)inv->users);
    free(inv->nusers);
    cert_iam_certs_free(inv->certs, inv->n);
    cert_cf_dists_free(inv->dists, inv->nd);
    free(inv);
}

size_t cert_inventory_count(const cert_inventory *inv)
{
    return inv ? inv->n : 0;
}

const cert_iam_cert *cert_inventory_at(const cert_inventory *inv, size_t i)
{
    return inv && i < inv->n ? &inv->certs[i] : NULL;
}

bool cert_inventory_usage_known(const cert_inventory *inv)
{
    return inv->usage_known;
}

size_t cert_inventory_users(const cert_inventory *inv, size_t i, const char *const **ids_out)
{
    if (i >= inv->n) {
        *ids_out = NULL;
        return 0;
    }
    *ids_out = (const char *const *)inv->users[i];
    return inv->nusers[i];
}

const cert_cf_dist *cert_inventory_distributions(const cert_inventory *inv, size_t *count_out)
{
    *count_out = inv->nd;
    return inv->dists;
}

bool cert_inventory_removable(const cert_inventory *inv, size_t i)
{
    const cert_iam_cert *c = cert_inventory_at(inv, i);

    return c != NULL && inv->usage_known && cert_iam_path_cloudfront(c->path) &&
           c->expiration != INT64_MIN && c->expiration < inv->now && inv->nusers[i] == 0;
}

void cert_inventory_quota(const cert_inventory *inv, long *used_out, long *quota_out)
{
    *used_out = inv->used;
    *quota_out = inv->quota;
}

int64_t cert_inventory_now(const cert_inventory *inv)
{
    return inv->now;
}

static long long days_left(const cert_inventory *inv, const cert_iam_cert *c)
{
    int64_t d = c->expiration - inv->now;

    /* Floor division: a certificate that expired an hour ago has -1 days, not 0. */
    return (long long)(d >= 0 ? d / 86400 : -((-d + 86399) / 86400));
}

bool cert_inventory_expiring(const cert_inventory *inv, size_t i, unsigned int days)
{
    const cert_iam_cert *c = cert_inventory_at(inv, i);

    return c != NULL && c->expiration != INT64_MIN &&
           c->expiration - inv->now < (int64_t)days * 86400;
}

static bool shown(const cert_inventory *inv, size_t i, int expiring_days)
{
    return expiring_days < 0 || cert_inventory_expiring(inv, i, (unsigned int)expiring_days);
}

cert_err cert_inventory_write(const cert_inventory *inv, const cert_inventory_write_opts *wo,
                              FILE *f, size_t *shown_out)
{
    size_t count = 0;
    static const cert_inventory_write_opts plain = {false, -1, false};

    if (wo == NULL)
        wo = &plain;
    if (wo->json) {
        /* {"ServerCertificateMetadataList": [...], "SummaryMap": {...}, "libcert": {...}},
         * each item written as it is built (a thousand items then cost the memory of one) */
        cert_json_sink s;
        json_t *lc, *q;
        cert_err err;

        cert__json_sink_init(&s, f);
        cert__json_sink_text(&s, "{\n  \"ServerCertificateMetadataList\": [");
        for (size_t i = 0; i < inv->n; i++) {
            const cert_iam_cert *c = &inv->certs[i];

            if (!shown(inv, i, wo->expiring_days))
                continue;
            cert__json_sink_text(&s, count++ ? ",\n    " : "\n    ");
            cert__json_sink_open(&s, '{', 2);
            cert_iam__meta_members(&s, c);
            cert__json_sink_key(&s, "libcert");
            cert__json_sink_open(&s, '{', 3);
            cert__json_sink_key(&s, "days_left");
            if (c->expiration == INT64_MIN)
                cert__json_sink_literal(&s, "null");
            else
                cert__json_sink_int(&s, days_left(inv, c));
            cert__json_sink_key(&s, "cloudfront_usable");
            cert__json_sink_literal(&s, cert_iam_path_cloudfront(c->path) ? "true" : "false");
            if (inv->usage_known) {
                cert__json_sink_key(&s, "in_use");
                cert__json_sink_open(&s, '[', 3);
                for (size_t k = 0; k < inv->nusers[i]; k++) {
                    cert__json_sink_item(&s);
                    cert__json_sink_string(&s, inv->users[i][k]);
                }
                cert__json_sink_close(&s);
                cert__json_sink_key(&s, "removable");
                cert__json_sink_literal(&s, cert_inventory_removable(inv, i) ? "true" : "false");
            }
            cert__json_sink_close(&s);
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
        json_object_set_new(lc, "schema", json_integer(1));
        json_object_set_new(lc, "count", json_integer((json_int_t)count));
        json_object_set_new(lc, "now",
                            json_string(cert_aws_time_format(inv->now, (char[32]){0}, 32)));
        cert__json_sink_text(&s, ",\n  \"libcert\": ");
        cert__json_sink_value(&s, lc, 2);
        json_decref(lc);
        cert__json_sink_text(&s, "\n}\n");
        if (shown_out)
            *shown_out = count;
        if ((err = cert__json_sink_end(&s)) == CERT_E_IO)
            return cert__error_set(CERT_E_IO, "cannot write the list");
        return err;
    }
    fprintf(f, "%-44s %-21s %-16s %-10s %6s%s\n", "NAME", "ID", "PATH", "EXPIRES", "DAYS",
            inv->usage_known ? "  IN USE BY" : "");
    for (size_t i = 0; i < inv->n; i++) {
        const cert_iam_cert *c = &inv->certs[i];
        char exp[32] = "unknown";
        bool cf = cert_iam_path_cloudfront(c->path);

        if (!shown(inv, i, wo->expiring_days))
            continue;
        count++;
        if (c->expiration != INT64_MIN)
            cert__time_format(c->expiration, exp, sizeof(exp));
        exp[10] = '\0';
        fprintf(f, "%-44s %-21s %-16s %-10s ", c->name, c->id, c->path, exp);
        if (c->expiration != INT64_MIN)
            fprintf(f, "%6lld", days_left(inv, c));
        else
            fprintf(f, "%6s", "?");
        if (inv->usage_known) {
            fprintf(f, "  ");
            for (size_t k = 0; k < inv->nusers[i]; k++)
                fprintf(f, "%s%s", k ? "," : "", inv->users[i][k]);
            if (inv->nusers[i] == 0)
                fprintf(f, "-");
        }
        if (!cf)
            fprintf(f, "  %s(not under /cloudfront/: CloudFront cannot use it)%s",
                    wo->color ? "\033[33m" : "", wo->color ? "\033[0m" : "");
        else if (c->expiration != INT64_MIN && c->expiration < inv->now)
            fprintf(f, "  %s(expired)%s", wo->color ? "\033[31m" : "", wo->color ? "\033[0m" : "");
        fputc('\n', f);
    }
    if (inv->used >= 0 || inv->quota >= 0)
        fprintf(f, "quota: %ld of %ld server certificates used\n", inv->used, inv->quota);
    if (shown_out)
        *shown_out = count;
    return ferror(f) ? cert__error_set(CERT_E_IO, "cannot write the list") : CERT_OK;
}

/* ---- certprune ---- */

/* Whether any distribution uses the certificate now (every page listed again). */
static cert_err used_now(cert_aws *aws, const char *id, bool *used)
{
    cert_cf_dist *v = NULL;
    size_t n = 0;
    cert_err err = cert_cf_list(aws, &v, &n);

    *used = false;
    for (size_t i = 0; err == CERT_OK && i < n; i++)
        *used = *used || (v[i].iam_certificate_id && strcmp(v[i].iam_certificate_id, id) == 0);
    cert_cf_dists_free(v, n);
    return err;
}

cert_err cert_prune_run(cert_aws *aws, bool yes, int64_t now, cert_prune_item **out,
                        size_t *count_out)
{
    cert_err err;
    cert_inventory *inv = NULL;
    cert_inventory_opts io = CERT_INVENTORY_OPTS_INIT;
    cert_prune_item *v = NULL;
    size_t n = 0;

    *out = NULL;
    *count_out = 0;
    io.path_prefix = "/cloudfront/";
    io.in_use = true;
    io.now = now;
    err = cert_inventory_build(aws, &io, &inv);
    if (err < 0)
        return err;
    v = calloc(inv->n ? inv->n : 1, sizeof(*v));
    if (v == NULL) {
        cert_inventory_free(inv);
        return cert__error_nomem();
    }
    for (size_t i = 0; i < inv->n; i++) {
        /* The prefix filter is IAM's; check the rule again here: never outside /cloudfront/. */
        if (!cert_inventory_removable(inv, i))
            continue;
        if (cert_iam_cert_copy(&v[n].cert, &inv->certs[i]) < 0) {
            cert_prune_items_free(v, n + 1);
            cert_inventory_free(inv);
            return cert__error_nomem();
        }
        v[n].state = CERT_PRUNE_CANDIDATE;
        n++;
    }
    cert_inventory_free(inv);
    for (size_t i = 0; yes && i < n; i++) {
        bool used = false;

        /* Right before each delete: a distribution may have taken it up since the listing. */
        err = used_now(aws, v[i].cert.id, &used);
        if (err == CERT_OK && used) {
            v[i].state = CERT_PRUNE_IN_USE_NOW;
            v[i].message = strdup("a distribution uses it now; kept");
            continue;
        }
        if (err == CERT_OK)
            err = cert_iam_delete(aws, v[i].cert.name);
        if (err == CERT_OK) {
            v[i].state = CERT_PRUNE_DELETED;
        } else if (err == CERT_E_AWS &&
                   strcmp(cert_aws_last_error(aws)->code, "DeleteConflict") == 0) {
            v[i].state = CERT_PRUNE_IN_USE_NOW;
            v[i].message = strdup(cert_error_last()->message);
        } else {
            v[i].state = CERT_PRUNE_FAILED;
            v[i].message = strdup(cert_error_last()->message);
        }
        err = CERT_OK;
    }
    *out = v;
    *count_out = n;
    return CERT_OK;
}

void cert_prune_items_free(cert_prune_item *v, size_t n)
{
    for (size_t i = 0; v != NULL && i < n; i++) {
        cert_iam_cert_clear(&v[i].cert);
        free(v[i].message);
    }
    free(v);
}

static const char *prune_state_name(cert_prune_state s, bool yes)
{
    switch (s) {
    case CERT_PRUNE_CANDIDATE:
        return yes ? "candidate" : "would-delete";
    case CERT_PRUNE_DELETED:
        return "deleted";
    case CERT_PRUNE_IN_USE_NOW:
        return "kept-in-use";
    case CERT_PRUNE_FAILED:
        return "failed";
    }
    return "unknown";
}

cert_err cert_prune_write(const cert_prune_item *v, size_t n, bool yes, bool json, FILE *f)
{
    if (json) {
        json_t *o = json_object(), *list = json_array(), *lc = json_object();
        int rc;

        for (size_t i = 0; i < n; i++) {
            json_t *m = cert_iam__meta_json(&v[i].cert), *x = json_object();

            json_object_set_new(x, "status", json_string(prune_state_name(v[i].state, yes)));
            if (v[i].message)
                json_object_set_new(x, "message", json_string(v[i].message));
            json_object_set_new(m, "libcert", x);
            json_array_append_new(list, m);
        }
        json_object_set_new(o, "ServerCertificateMetadataList", list);
        json_object_set_new(lc, "schema", json_integer(1));
        json_object_set_new(lc, "deleted", json_boolean(yes));
        json_object_set_new(lc, "note",
                            json_string("certificates used only by Elastic Load "
                                        "Balancing are not visible here"));
        json_object_set_new(o, "libcert", lc);
        rc = cert__json_write(o, f) == CERT_OK ? 0 : -1;
        json_decref(o);
        return rc == 0 ? CERT_OK : cert__error_set(CERT_E_IO, "cannot write the result");
    }
    if (n == 0)
        fprintf(f, "no expired, unused certificate under /cloudfront/\n");
    for (size_t i = 0; i < n; i++) {
        char exp[32] = "?";

        if (v[i].cert.expiration != INT64_MIN)
            cert__time_format(v[i].cert.expiration, exp, sizeof(exp));
        exp[10] = '\0';
        fprintf(f, "%-13s %s (id %s, path %s, expired %s)%s%s\n", prune_state_name(v[i].state, yes),
                v[i].cert.name, v[i].cert.id, v[i].cert.path, exp, v[i].message ? ": " : "",
                v[i].message ? v[i].message : "");
    }
    if (!yes && n > 0)
        fprintf(f, "nothing deleted; run with --yes to delete %s\n", n == 1 ? "it" : "them");
    return ferror(f) ? cert__error_set(CERT_E_IO, "cannot write the result") : CERT_OK;
}
