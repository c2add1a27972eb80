/* SPDX-License-Identifier: Apache-2.0 */
/* The account's IAM server certificates with their CloudFront users and the quota. */
#include "libcert/inventory.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws_int.h"
#include "libcert/acm.h"
#include "libcert/checks.h"
#include "libcert/partition.h"
#include "libcert/store.h"
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

/* What runs beside the main listing: the quota (GetAccountSummary) and, for usage, every
 * distribution (ListDistributions), on a clone of the session; and with both stores, ACM's
 * listing on another. Their round trips overlap the main listing's instead of following it. */
typedef struct side {
    cert_aws *aws; /* the clone */
    const cert_inventory_opts *o;
    cert_inventory *inv;
    bool acm; /* this side lists ACM (else the distributions and the quota) */
    bool quota;
    pthread_t t;
    bool threaded, started;
    cert_err err;
    char *message; /* the error's message, moved to the caller's thread */
} side;

static void *side_run(void *ud)
{
    side *sd = ud;

    if (sd->acm) {
        sd->err = cert_acm_list(sd->aws, 0, &sd->inv->acm, &sd->inv->nacm);
    } else {
        if (sd->o->in_use)
            sd->err = cert_cf_list(sd->aws, &sd->inv->dists, &sd->inv->nd);
        if (sd->err == CERT_OK && sd->quota)
            sd->err = cert_iam_quota(sd->aws, &sd->inv->used, &sd->inv->quota);
    }
    if (sd->err < 0 && (sd->message = strdup(cert_error_last()->message)) == NULL)
        sd->err = CERT_E_NOMEM;
    return NULL;
}

/* Start a side on a clone (credentials resolved first, so the clone starts with them: one run
 * of the provider chain). */
static cert_err side_start(side *sd, cert_aws *aws)
{
    cert_err err;

    if ((err = cert_aws_resolve_credentials(aws, NULL)) < 0 ||
        (err = cert_aws__clone(aws, &sd->aws)) < 0)
        return err;
    sd->started = true;
    sd->threaded = pthread_create(&sd->t, NULL, side_run, sd) == 0;
    if (!sd->threaded)
        side_run(sd);
    return CERT_OK;
}

/* The side's outcome, in this thread: its error (with the AWS details on the caller's session,
 * where the tools read them), or OK. */
static cert_err side_join(side *sd, cert_aws *aws, cert_err err)
{
    const cert_aws_error *e;

    if (!sd->started)
        return err;
    if (sd->threaded)
        pthread_join(sd->t, NULL);
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

static int cmp_acm_expiry(const void *a, const void *b)
{
    const cert_acm_cert *x = a, *y = b;

    if (x->not_after != y->not_after) {
        if (x->not_after == INT64_MIN)
            return 1;
        if (y->not_after == INT64_MIN)
            return -1;
        return x->not_after < y->not_after ? -1 : 1;
    }
    return strcmp(x->arn, y->arn);
}

/* Who uses each certificate: the distributions whose ViewerCertificate names it. */
static cert_err usage(cert_inventory *inv)
{
    inv->users = calloc(inv->n ? inv->n : 1, sizeof(*inv->users));
    inv->nusers = calloc(inv->n ? inv->n : 1, sizeof(*inv->nusers));
    inv->acm_users = calloc(inv->nacm ? inv->nacm : 1, sizeof(*inv->acm_users));
    inv->nacm_users = calloc(inv->nacm ? inv->nacm : 1, sizeof(*inv->nacm_users));
    if (inv->users == NULL || inv->nusers == NULL || inv->acm_users == NULL ||
        inv->nacm_users == NULL)
        return cert__error_nomem();
    for (size_t d = 0; d < inv->nd; d++) {
        const char *iam = inv->dists[d].iam_certificate_id,
                   *acm = inv->dists[d].acm_certificate_arn;

        for (size_t i = 0; iam != NULL && i < inv->n; i++) {
            const char **nu;

            if (strcmp(iam, inv->certs[i].id) != 0)
                continue;
            if ((nu = realloc((void *)inv->users[i], (inv->nusers[i] + 1) * sizeof(*nu))) == NULL)
                return cert__error_nomem();
            nu[inv->nusers[i]++] = inv->dists[d].id;
            inv->users[i] = nu;
        }
        for (size_t i = 0; acm != NULL && i < inv->nacm; i++) {
            const char **nu;

            if (strcmp(acm, inv->acm[i].arn) != 0)
                continue;
            nu = realloc((void *)inv->acm_users[i], (inv->nacm_users[i] + 1) * sizeof(*nu));
            if (nu == NULL)
                return cert__error_nomem();
            nu[inv->nacm_users[i]++] = inv->dists[d].id;
            inv->acm_users[i] = nu;
        }
    }
    return CERT_OK;
}

/* Whether CloudFront can serve each ACM certificate: from its region of the session's
 * partition, ISSUED, a key it serves. */
static cert_err acm_usable(cert_inventory *inv, const cert_aws *aws)
{
    const char *region = cert_partition_cloudfront_acm_region(cert_aws_partition(aws));

    if ((inv->acm_usable = calloc(inv->nacm ? inv->nacm : 1, sizeof(*inv->acm_usable))) == NULL)
        return cert__error_nomem();
    for (size_t i = 0; i < inv->nacm; i++) {
        const cert_acm_cert *c = &inv->acm[i];
        cert_acm_arn a;

        inv->acm_usable[i] = region != NULL && cert_acm_arn_parse(c->arn, &a) &&
                             strcmp(a.region, region) == 0 && c->status != NULL &&
                             strcmp(c->status, "ISSUED") == 0 &&
                             cert_acm_key_cloudfront(c->key_algorithm);
    }
    return CERT_OK;
}

cert_err cert_inventory_build(cert_aws *aws, const cert_inventory_opts *o, cert_inventory **out)
{
    cert_err err = CERT_OK;
    cert_inventory *inv = NULL;
    side sd, sa;
    unsigned int stores;
    bool iam, acm;

    if (out == NULL || aws == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_inventory_build: NULL argument");
    *out = NULL;
    if (o == NULL)
        o = &default_opts;
    stores = o->version >= 2 && o->stores != 0 ? o->stores : CERT_INVENTORY_IAM;
    iam = (stores & CERT_INVENTORY_IAM) != 0;
    acm = (stores & CERT_INVENTORY_ACM) != 0;
    if (o->in_use && (err = cert_aws_service_check(aws, CERT_AWS_CLOUDFRONT)) < 0)
        return err;
    if (acm && (err = cert_store_check(aws, CERT_STORE_ACM)) < 0)
        return err;
    inv = calloc(1, sizeof(*inv));
    if (inv == NULL)
        CERT_NOMEM();
    inv->used = inv->quota = -1;
    inv->now = cert__time_resolve(o->now);
    inv->has_iam = iam;
    inv->has_acm = acm;
    memset(&sd, 0, sizeof(sd));
    memset(&sa, 0, sizeof(sa));
    sd.o = sa.o = o;
    sd.inv = sa.inv = inv;
    sd.quota = o->quota && iam;
    sa.acm = true;
    /* Side by side: the distributions and the quota on one clone, ACM's listing on another when
     * IAM's is the main one; the main listing on this session. */
    if (o->in_use || sd.quota)
        err = side_start(&sd, aws);
    if (err == CERT_OK && iam && acm)
        err = side_start(&sa, aws);
    if (err == CERT_OK && iam)
        err = cert_iam_list(aws, o->path_prefix, o->page_size, &inv->certs, &inv->n);
    else if (err == CERT_OK && acm)
        err = cert_acm_list(aws, 0, &inv->acm, &inv->nacm);
    err = side_join(&sd, aws, err);
    err = side_join(&sa, aws, err);
    if (err < 0)
        goto done;
    if (inv->n > 1)
        qsort(inv->certs, inv->n, sizeof(*inv->certs), cmp_expiry);
    if (inv->nacm > 1)
        qsort(inv->acm, inv->nacm, sizeof(*inv->acm), cmp_acm_expiry);
    CERT_TRY(usage(inv));
    CERT_TRY(acm_usable(inv, aws));
    inv->usage_known = o->in_use;
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
