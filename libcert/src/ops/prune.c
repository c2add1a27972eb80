/* SPDX-License-Identifier: Apache-2.0 */
/*
 * certprune: delete the certificates under /cloudfront/ that no distribution uses: the expired
 * ones and, with unused, the ones libcert uploaded long ago that a newer one for the same names
 * has replaced.
 */
#include "libcert/prune.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>

#include "libcert/checks.h"
#include "libcert/cloudfront.h"
#include "libcert/inventory.h"
#include "libcert/store.h"
#include "libcert/upload.h"
#include "ops/prune_int.h"
#include "util/error_int.h"
#include "util/time_int.h"
#include "x509/x509_int.h"

static const cert_prune_opts default_opts = CERT_PRUNE_OPTS_INIT;

/* Whether a is newer than b under the rule (prune_int.h). */
static bool newer(const prune_named *a, const prune_named *b)
{
    if (a->not_after != b->not_after)
        return a->not_after > b->not_after;
    if (a->upload_date != b->upload_date)
        return a->upload_date > b->upload_date;
    return strcmp(a->name, b->name) > 0;
}

void cert_prune__mark_newest(prune_named *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        v[i].newest = i;
    for (size_t i = 0; i < n; i++) {
        if (v[i].names == NULL)
            continue;
        for (size_t j = 0; j < n; j++) {
            if (j != i && v[j].names != NULL && strcmp(v[i].names, v[j].names) == 0 &&
                newer(&v[j], &v[v[i].newest]))
                v[i].newest = j;
        }
    }
}

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

static bool no_such_entity(const cert_aws *aws, cert_err err)
{
    return err == CERT_E_AWS && strcmp(cert_aws_last_error(aws)->code, "NoSuchEntity") == 0;
}

static cert_err add_item(cert_prune_result *r, const cert_iam_cert *c, cert_prune_reason why,
                         cert_prune_item **out)
{
    cert_prune_item *it = &r->items[r->count];
    cert_err err = cert_iam_cert_copy(&it->cert, c);

    if (err < 0)
        return err;
    it->state = CERT_PRUNE_CANDIDATE;
    it->reason = why;
    r->count++;
    if (out != NULL)
        *out = it;
    return CERT_OK;
}

/* What the newest-for-its-names rule needs of one certificate, read from IAM: its DNS names
 * and notAfter (GetServerCertificate, the leaf read with OpenSSL). *gone when it has been
 * deleted since the listing. A body that does not parse leaves names NULL: a group of its own,
 * so never deleted as replaced. */
typedef struct named_cert {
    char *names;
    int64_t not_after;
    bool gone;
} named_cert;

static cert_err read_names(cert_aws *aws, const cert_iam_cert *c, named_cert *out)
{
    char *body = NULL;
    BIO *bio = NULL;
    X509 *x = NULL;
    int64_t nb;
    cert_err err = cert_iam_get(aws, c->name, NULL, &body, NULL);

    out->not_after = c->expiration;
    if (no_such_entity(aws, err)) {
        cert_error_clear();
        out->gone = true;
        return CERT_OK;
    }
    if (err < 0)
        return err;
    bio = BIO_new_mem_buf(body, -1);
    if (bio == NULL)
        CERT_NOMEM();
    x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    ERR_clear_error();
    if (x != NULL) {
        if (!cert__x509_validity(x, &nb, &out->not_after))
            out->not_after = c->expiration;
        CERT_TRY(cert__x509_dns_set(x, &out->names));
    }

done:
    X509_free(x);
    BIO_free(bio);
    free(body);
    return err;
}

/* "www.example.com, example.com" from a DNS-name set ("example.com\nwww.example.com"). */
static char *names_display(const char *set)
{
    size_t n = 0, o = 0;
    char *s;

    for (const char *p = set; *p; p++)
        n += *p == '\n' ? 2 : 1;
    if ((s = malloc(n + 1)) == NULL)
        return NULL;
    for (const char *p = set; *p; p++) {
        if (*p == '\n') {
            s[o++] = ',';
            s[o++] = ' ';
        } else {
            s[o++] = *p;
        }
    }
    s[o] = '\0';
    return s;
}

/* The first tests, from the listing alone: under /cloudfront/, not expired, no distribution,
 * uploaded more than the minimum age ago. */
static bool unused_and_old(const cert_inventory *inv, size_t i, int64_t now, unsigned int days)
{
    const cert_iam_cert *c = cert_inventory_at(inv, i);
    const char *const *users;

    return cert_iam_path_cloudfront(c->path) && c->expiration != INT64_MIN && c->expiration > now &&
           cert_inventory_users(inv, i, &users) == 0 && c->upload_date != INT64_MIN &&
           now - c->upload_date > (int64_t)days * 86400;
}

/* Whether libcert uploaded it (its upload tag); *gone when it was deleted meanwhile. */
static cert_err uploaded_by_libcert(cert_aws *aws, const char *name, bool *yes, bool *gone)
{
    cert_aws_tag *tags = NULL;
    size_t n = 0;
    cert_err err = cert_iam_list_tags(aws, name, &tags, &n);

    *yes = *gone = false;
    if (no_such_entity(aws, err)) {
        cert_error_clear();
        *gone = true;
        return CERT_OK;
    }
    if (err == CERT_OK)
        *yes = cert_upload_tag_present(tags, n);
    cert_iam_tags_free(tags, n);
    return err;
}

/* Per certificate of the inventory, what the unused rule found. */
typedef struct unused_scan {
    bool *cand;       /* unused, old enough, uploaded by libcert */
    named_cert *read; /* names, for the candidates and whatever could be newer */
    prune_named *g;
    size_t *at; /* g's entries, as inventory indexes */
    size_t ng;
} unused_scan;

/* The certificates that could be the newest for a candidate's names: unexpired, under
 * /cloudfront/, expiring no earlier than the earliest candidate (whatever their use, age or
 * tag); their names read from IAM. */
static cert_err scan_group_members(cert_aws *aws, const cert_inventory *inv, int64_t now,
                                   unused_scan *s)
{
    int64_t min_exp = INT64_MAX;
    cert_err err = CERT_OK;
    size_t n = cert_inventory_count(inv);

    for (size_t i = 0; i < n; i++) {
        if (s->cand[i] && cert_inventory_at(inv, i)->expiration < min_exp)
            min_exp = cert_inventory_at(inv, i)->expiration;
    }
    for (size_t i = 0; i < n; i++) {
        const cert_iam_cert *c = cert_inventory_at(inv, i);

        if (!cert_iam_path_cloudfront(c->path) || c->expiration == INT64_MIN ||
            c->expiration <= now || c->expiration < min_exp)
            continue;
        CERT_TRY(read_names(aws, c, &s->read[i]));
        if (s->read[i].gone) {
            s->cand[i] = false;
            continue;
        }
        s->g[s->ng] =
            (prune_named){s->read[i].names, s->read[i].not_after, c->upload_date, c->name, 0};
        s->at[s->ng++] = i;
    }

done:
    return err;
}

/* Each candidate as an item: kept as the newest for its names, or to go as replaced. */
static cert_err add_unused_items(const cert_inventory *inv, unused_scan *s, cert_prune_result *r)
{
    cert_err err = CERT_OK;

    cert_prune__mark_newest(s->g, s->ng);
    for (size_t k = 0; k < s->ng; k++) {
        size_t i = s->at[k];
        cert_prune_item *it;

        if (!s->cand[i])
            continue;
        CERT_TRY(add_item(r, cert_inventory_at(inv, i), CERT_PRUNE_UNUSED, &it));
        if (s->g[k].names != NULL && (it->names = names_display(s->g[k].names)) == NULL)
            CERT_NOMEM();
        if (s->g[k].newest != k) {
            if ((it->superseded_by = strdup(s->g[s->g[k].newest].name)) == NULL)
                CERT_NOMEM();
            continue;
        }
        it->state = CERT_PRUNE_KEPT_NEWEST;
        if ((it->names != NULL
                 ? asprintf(&it->message, "the newest certificate for %s; kept", it->names)
                 : asprintf(&it->message, "its DNS names cannot be read, so nothing can be shown "
                                          "to replace it; kept")) < 0) {
            it->message = NULL;
            CERT_NOMEM();
        }
    }

done:
    return err;
}

/* With unused: the certificates libcert uploaded more than min_age_days ago that no
 * distribution uses, each kept when it is the newest for its DNS names. */
static cert_err unused_candidates(cert_aws *aws, const cert_inventory *inv,
                                  const cert_prune_opts *o, int64_t now, cert_prune_result *r)
{
    cert_err err = CERT_OK;
    size_t n = cert_inventory_count(inv), found = 0;
    unused_scan s;

    memset(&s, 0, sizeof(s));
    s.cand = calloc(n ? n : 1, sizeof(*s.cand));
    s.read = calloc(n ? n : 1, sizeof(*s.read));
    s.g = calloc(n ? n : 1, sizeof(*s.g));
    s.at = calloc(n ? n : 1, sizeof(*s.at));
    if (s.cand == NULL || s.read == NULL || s.g == NULL || s.at == NULL)
        CERT_NOMEM();
    for (size_t i = 0; i < n; i++) {
        bool tagged = false, gone = false;

        if (!unused_and_old(inv, i, now, o->min_age_days))
            continue;
        CERT_TRY(uploaded_by_libcert(aws, cert_inventory_at(inv, i)->name, &tagged, &gone));
        s.cand[i] = tagged && !gone;
        found += s.cand[i];
    }
    if (found > 0) {
        CERT_TRY(scan_group_members(aws, inv, now, &s));
        CERT_TRY(add_unused_items(inv, &s, r));
    }

done:
    for (size_t i = 0; s.read != NULL && i < n; i++)
        free(s.read[i].names);
    free(s.cand);
    free(s.read);
    free(s.g);
    free(s.at);
    return err;
}

/* The candidates: expired, unused, under /cloudfront/; with unused, the replaced ones too. */
static cert_err candidates(cert_aws *aws, const cert_prune_opts *o, cert_prune_result *r)
{
    cert_err err;
    cert_inventory *inv = NULL;
    cert_inventory_opts io = CERT_INVENTORY_OPTS_INIT;

    io.path_prefix = "/cloudfront/";
    io.in_use = true;
    io.now = r->now;
    CERT_TRY(cert_inventory_build(aws, &io, &inv));
    r->items = calloc(cert_inventory_count(inv) ? cert_inventory_count(inv) : 1, sizeof(*r->items));
    if (r->items == NULL)
        CERT_NOMEM();
    for (size_t i = 0; i < cert_inventory_count(inv); i++) {
        /* The prefix filter is IAM's; check the rule again here: never outside /cloudfront/. */
        if (cert_inventory_removable(inv, i))
            CERT_TRY(add_item(r, cert_inventory_at(inv, i), CERT_PRUNE_EXPIRED, NULL));
    }
    if (o->unused)
        CERT_TRY(unused_candidates(aws, inv, o, r->now, r));

done:
    cert_inventory_free(inv);
    return err;
}

static cert_err set_message(cert_prune_item *it, const char *msg)
{
    free(it->message);
    it->message = strdup(msg);
    return it->message ? CERT_OK : cert__error_nomem();
}

/* A delete that failed: "gone" means deleted; "in use" (IAM's DeleteConflict, ACM's
 * ResourceInUseException: something took it up since the listing) means kept; anything else
 * failed. */
static cert_err delete_failed(cert_aws *aws, cert_prune_item *it, cert_err err)
{
    if (err == CERT_E_NOMEM)
        return err;
    /* Gone as asked: a retried delete whose first answer was lost meets its own deletion
     * (IAM's NoSuchEntity, ACM's ResourceNotFoundException), or another job deleted it. */
    if (err == CERT_E_AWS && cert_store_gone_error(aws)) {
        cert_error_clear();
        it->state = CERT_PRUNE_DELETED;
        return set_message(it, "already gone when deleted (an earlier attempt or another job "
                               "deleted it)");
    }
    it->state = err == CERT_E_AWS && cert_store_in_use_error(aws) ? CERT_PRUNE_IN_USE_NOW
                                                                  : CERT_PRUNE_FAILED;
    if (set_message(it, cert_error_last()->message) < 0)
        return CERT_E_NOMEM;
    if (it->state == CERT_PRUNE_FAILED)
        return cert_aws_failure(aws, err, &it->failure);
    return CERT_OK;
}

/* Right before the delete, a distribution may have taken it up since the listing. */
static cert_err delete_one(cert_aws *aws, cert_prune_item *it)
{
    bool used = false;
    cert_err err = used_now(aws, it->cert.id, &used);

    if (err == CERT_OK && used) {
        it->state = CERT_PRUNE_IN_USE_NOW;
        return set_message(it, "a distribution uses it now; kept");
    }
    if (err == CERT_OK)
        err = cert_iam_delete(aws, it->cert.name);
    if (err == CERT_OK) {
        it->state = CERT_PRUNE_DELETED;
        return CERT_OK;
    }
    return delete_failed(aws, it, err);
}

/* ---- ACM ---- */

/* ACM's candidates: imported (never an ACM-issued one: ACM renews those), expired by the run's
 * clock, and used by nothing (the listing's InUse: CloudFront, load balancers and API Gateway
 * alike). One listing with every key type. */
static cert_err acm_candidates(cert_aws *aws, cert_prune_result *r)
{
    cert_acm_cert *v = NULL;
    size_t n = 0;
    cert_err err = cert_acm_list(aws, 0, &v, &n);

    if (err < 0)
        return err;
    if ((r->items = calloc(n ? n : 1, sizeof(*r->items))) == NULL)
        CERT_NOMEM();
    for (size_t i = 0; i < n; i++) {
        const cert_acm_cert *c = &v[i];
        cert_prune_item *it;

        if (c->type == NULL || strcmp(c->type, "IMPORTED") != 0 || c->not_after == INT64_MIN ||
            c->not_after >= r->now || c->in_use)
            continue;
        it = &r->items[r->count++];
        memset(it, 0, sizeof(*it));
        it->state = CERT_PRUNE_CANDIDATE;
        it->reason = CERT_PRUNE_EXPIRED;
        it->acm = v[i];
        memset(&v[i], 0, sizeof(v[i]));
        it->cert.id = strdup(it->acm.arn);
        it->cert.name = strdup(it->acm.arn);
        it->cert.arn = strdup(it->acm.arn);
        it->cert.expiration = it->acm.not_after;
        it->cert.upload_date = it->acm.imported_at;
        if (!it->cert.id || !it->cert.name || !it->cert.arn)
            CERT_NOMEM();
    }

done:
    cert_acm_certs_free(v, n);
    return err;
}

/* Right before the delete: DescribeCertificate's InUseBy must be empty; ResourceInUseException
 * (something took it up since) means kept, not failed. */
static cert_err acm_delete_one(cert_aws *aws, cert_prune_item *it)
{
    cert_acm_cert now;
    cert_err err;

    memset(&now, 0, sizeof(now));
    err = cert_acm_describe(aws, it->acm.arn, &now);
    if (err == CERT_OK && now.in_use_by_count > 0) {
        char msg[600];

        snprintf(msg, sizeof(msg), "%s uses it now; kept", now.in_use_by[0]);
        cert_acm_cert_clear(&now);
        it->state = CERT_PRUNE_IN_USE_NOW;
        return set_message(it, msg);
    }
    cert_acm_cert_clear(&now);
    if (err == CERT_OK)
        err = cert_acm_delete(aws, it->acm.arn);
    if (err == CERT_OK) {
        it->state = CERT_PRUNE_DELETED;
        return CERT_OK;
    }
    return delete_failed(aws, it, err);
}

cert_err cert_prune_run(cert_aws *aws, const cert_prune_opts *o, cert_prune_result **out)
{
    cert_err err = CERT_OK;
    cert_prune_result *r = NULL;

    if (out == NULL || aws == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_prune_run: NULL argument");
    *out = NULL;
    if (o == NULL)
        o = &default_opts;
    /* A delete judged by another clock would take certificates valid today (#10). */
    if (o->yes && o->now != CERT_TIME_NOW)
        return cert__error_set(CERT_E_INVALID, "a pinned clock (--at) only previews; deleting "
                                               "judges by the real clock");
    if (o->unused && o->min_age_days < 1)
        return cert__error_set(CERT_E_INVALID, "unused certificates need a minimum age of at "
                                               "least 1 day (--min-age DAYS)");
    if (o->version >= 2 && o->store == CERT_STORE_ACM && o->unused)
        return cert__error_set(CERT_E_INVALID, "unused certificates are IAM's rule (--unused "
                                               "with --store iam)");
    if ((r = calloc(1, sizeof(*r))) == NULL)
        return cert__error_nomem();
    r->version = CERT_RESULTS_VERSION;
    r->deleting = o->yes;
    r->unused = o->unused;
    r->min_age_days = o->unused ? o->min_age_days : 0;
    r->now = cert__time_resolve(o->now);
    r->store = o->version >= 2 ? o->store : CERT_STORE_IAM;
    if (r->store == CERT_STORE_ACM) {
        CERT_TRY(cert_store_check(aws, CERT_STORE_ACM));
        CERT_TRY(acm_candidates(aws, r));
    } else {
        CERT_TRY(candidates(aws, o, r));
    }
    for (size_t i = 0; o->yes && i < r->count; i++) {
        if (r->items[i].state == CERT_PRUNE_CANDIDATE)
            CERT_TRY(r->store == CERT_STORE_ACM ? acm_delete_one(aws, &r->items[i])
                                                : delete_one(aws, &r->items[i]));
    }
    *out = r;
    r = NULL;

done:
    cert_prune_result_free(r);
    return err;
}
