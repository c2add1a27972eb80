/* The account's IAM server certificates with their CloudFront users and the quota. */
#include "libcert/inventory.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws_int.h"
#include "libcert/checks.h"
#include "report/results_int.h"
#include "util/error_int.h"
#include "util/time_int.h"

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
    if (o->in_use && (err = cert_aws_service_check(aws, CERT_AWS_CLOUDFRONT)) < 0)
        return err;
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

cert_err cert_iam_fix_path(cert_aws *aws, const char *name, cert_path_fix *out)
{
    cert_err err = CERT_OK;
    cert_iam_cert meta;
    char *newpath = NULL;

    memset(&meta, 0, sizeof(meta));
    if (out == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_iam_fix_path: NULL result");
    memset(out, 0, sizeof(*out));
    out->version = CERT_RESULTS_VERSION;
    if (aws == NULL || name == NULL)
        CERT_FAIL(CERT_E_INVALID, "cert_iam_fix_path: NULL argument");
    if ((out->name = strdup(name)) == NULL)
        CERT_NOMEM();
    CERT_TRY(cert_iam_get(aws, name, &meta, NULL, NULL));
    if ((out->old_path = strdup(meta.path)) == NULL)
        CERT_NOMEM();
    if (cert_iam_path_cloudfront(meta.path)) {
        out->new_path = strdup(meta.path);
    } else {
        /* Keep the rest of the path below /cloudfront: /prod/ -> /cloudfront/prod/. */
        if (asprintf(&newpath, "/cloudfront%s", meta.path) < 0) {
            newpath = NULL;
            CERT_NOMEM();
        }
        CERT_TRY(cert_iam_update(aws, name, newpath, NULL));
        out->moved = true;
        out->new_path = newpath;
        newpath = NULL;
    }
    if (out->new_path == NULL)
        CERT_NOMEM();

done:
    if (err < 0 && err != CERT_E_NOMEM && cert_aws_failure(aws, err, &out->failure) < 0)
        err = CERT_E_NOMEM;
    free(newpath);
    cert_iam_cert_clear(&meta);
    return err;
}
