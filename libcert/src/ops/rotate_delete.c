/* SPDX-License-Identifier: Apache-2.0 */
/*
 * --delete-old: delete only what this job provably replaced (issue #10). A certificate P goes
 * only when
 *   (a) P was the IAMCertificateId of a distribution matched by this run's handles right before
 *       this job moved it to the new certificate N (this run's read, or the record on N), or
 *       --replace names it;
 *   (b) every matched distribution serves N and is Deployed, and none ended failed or rolled
 *       back;
 *   (c) after those waits no distribution in the account references P (every page of
 *       ListDistributions: enabled, disabled and staging ones);
 *   (d) P is under /cloudfront/, P is not N, P's notAfter is not later than N's, and N covers
 *       every name of P.
 * A P that fails (b), (c) or (d) is kept, and the result says why and who uses it: not an error.
 * AWS's advice: do not delete the old certificate until every distribution using it is Deployed
 * (aws-rules.md, rotation procedure).
 */
#include <openssl/pem.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcert/checks.h"
#include "libcert/store.h"
#include "ops/rotate_int.h"
#include "util/error_int.h"
#include "x509/x509_int.h"

static bool matched(const cert_attach_result *a, const char *dist)
{
    for (size_t i = 0; i < a->count; i++) {
        if (strcmp(a->dists[i].id, dist) == 0)
            return true;
    }
    return false;
}

static cert_err add_item(cert_rotate_result *r, const char *id, const char *name)
{
    cert_store_kind store = cert_store_of(id);

    cert_delete_item *n;

    for (size_t i = 0; i < r->delete_count; i++) {
        if (strcmp(r->deletes[i].id, id) == 0)
            return CERT_OK;
    }
    n = realloc(r->deletes, (r->delete_count + 1) * sizeof(*n));
    if (n == NULL)
        return cert__error_nomem();
    r->deletes = n;
    n = &r->deletes[r->delete_count++];
    memset(n, 0, sizeof(*n));
    n->store = store;
    n->id = strdup(id);
    n->name = name ? strdup(name) : store == CERT_STORE_ACM ? strdup(id) : NULL;
    return n->id && (name == NULL || n->name) ? CERT_OK : cert__error_nomem();
}

/* (a): the candidates. */
static cert_err candidates(rotate_run *rn)
{
    cert_rotate_result *r = rn->r;
    const cert_attach_result *a = r->attach;
    cert_err err = CERT_OK;

    for (size_t i = 0; i < rn->nrecord && err == CERT_OK; i++) {
        const replaced *e = &rn->record[i];
        bool ours = false;

        for (size_t k = 0; k < e->ndists && !ours; k++)
            ours = matched(a, e->dists[k]);
        if (ours)
            err = add_item(r, e->id, e->name);
    }
    if (err == CERT_OK && a->replaced.id != NULL && !a->replaced_gone)
        err = add_item(r, a->replaced.id, a->replaced.name);
    return err;
}

/* (b): every matched distribution serves N and is Deployed. */
static bool all_served(const cert_rotate_result *r)
{
    for (size_t i = 0; i < r->attach->count; i++) {
        const cert_attach_dist *d = &r->attach->dists[i];

        if ((d->state != CERT_ATTACH_UPDATED && d->state != CERT_ATTACH_UNCHANGED &&
             d->state != CERT_ATTACH_REIMPORTED) ||
            !d->deployed || r->confirmed == NULL || !r->confirmed[i])
            return false;
    }
    return true;
}

static cert_err keep(cert_delete_item *it, const char *fmt, ...) CERT_PRINTF(2, 3);

static cert_err keep(cert_delete_item *it, const char *fmt, ...)
{
    va_list ap;
    int n;

    it->state = CERT_DELETE_KEPT;
    free(it->reason);
    va_start(ap, fmt);
    n = vasprintf(&it->reason, fmt, ap);
    va_end(ap);
    if (n < 0) {
        it->reason = NULL;
        return cert__error_nomem();
    }
    return CERT_OK;
}

/* (c): the distributions that reference P now (in a dry run, but those this job would move). */
static cert_err users(cert_delete_item *it, const cert_cf_dist *v, size_t n,
                      const cert_attach_result *moving)
{
    for (size_t i = 0; i < n; i++) {
        char **u;

        const char *uses =
            it->store == CERT_STORE_ACM ? v[i].acm_certificate_arn : v[i].iam_certificate_id;

        if (uses == NULL || strcmp(uses, it->id) != 0 ||
            (moving != NULL && matched(moving, v[i].id)))
            continue;
        u = realloc(it->users, (it->user_count + 1) * sizeof(*u));
        if (u == NULL)
            return cert__error_nomem();
        it->users = u;
        if ((u[it->user_count++] = strdup(v[i].id)) == NULL)
            return cert__error_nomem();
    }
    return CERT_OK;
}

typedef struct cover {
    X509 *n;
    const char *missing;
    char buf[256];
} cover;

static void covers_name(const char *name, void *ud)
{
    cover *c = ud;

    if (c->missing == NULL && !cert_name_covers(c->n, name)) {
        snprintf(c->buf, sizeof(c->buf), "%s", name);
        c->missing = c->buf;
    }
}

/* (d), the names: N covers every name of P (read from its store). */
static cert_err names_covered(rotate_run *rn, const cert_iam_cert *p, cert_delete_item *it)
{
    char *body = NULL;
    BIO *bio = NULL;
    X509 *x = NULL;
    cover c = {cert_chain_leaf(cert_report_chain(rn->r->report)), NULL, ""};
    cert_err err = it->store == CERT_STORE_ACM ? cert_acm_get(rn->aws, p->arn, &body, NULL)
                                               : cert_iam_get(rn->aws, p->name, NULL, &body, NULL);

    if (err < 0)
        return err;
    bio = BIO_new_mem_buf(body, -1);
    x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
    if (x == NULL)
        err = keep(it, "%s's copy of %s cannot be read; kept",
                   it->store == CERT_STORE_ACM ? "ACM" : "IAM", p->name);
    else
        cert__x509_names(x, covers_name, &c);
    if (err == CERT_OK && c.missing != NULL)
        err = keep(it, "the new certificate does not cover %s, a name of %s; kept", c.missing,
                   p->name);
    X509_free(x);
    BIO_free(bio);
    free(body);
    return err;
}

/* (d): the rules on P itself. */
static cert_err rules(rotate_run *rn, const cert_iam_cert *p, cert_delete_item *it)
{
    const cert_iam_cert *n = &rn->r->put.meta;

    if (it->store == CERT_STORE_IAM && !cert_iam_path_cloudfront(p->path))
        return keep(it, "%s is under %s, not /cloudfront/; kept", p->name, p->path);
    if (n->id != NULL && strcmp(p->id, n->id) == 0)
        return keep(it, "%s is the new certificate; kept", p->name);
    if (p->expiration != INT64_MIN && n->expiration != INT64_MIN && p->expiration > n->expiration)
        return keep(it, "%s expires later than %s; kept", p->name, n->name);
    return names_covered(rn, p, it);
}

/* Delete, retrying DeleteConflict while a distribution that used it is still settling. */
static cert_err delete_retrying(rotate_run *rn, cert_delete_item *it)
{
    double deadline = cert_ops__mono() + (rn->o->wait_timeout_s ? rn->o->wait_timeout_s : 3600);
    double backoff = 2 * cert_ops__wait_scale();

    for (;;) {
        cert_err err = it->store == CERT_STORE_ACM ? cert_acm_delete(rn->aws, it->id)
                                                   : cert_iam_delete(rn->aws, it->name);

        if (err == CERT_OK) {
            it->state = CERT_DELETE_DELETED;
            cert_ops__say(&rn->ar.progress, "deleted %s (%s), which this job replaced", it->name,
                          it->id);
            return CERT_OK;
        }
        if (err == CERT_E_AWS && cert_store_gone_error(rn->aws)) {
            it->state = CERT_DELETE_ALREADY_GONE;
            return CERT_OK;
        }
        /* DeleteConflict / ResourceInUseException: a distribution that used it is still
         * settling. */
        if (err == CERT_E_AWS && cert_store_in_use_error(rn->aws) &&
            cert_ops__mono() + backoff < deadline) {
            cert_ops__say(&rn->ar.progress,
                          "%s is still in use (DeleteConflict); retrying in %.0f s", it->name,
                          backoff);
            cert_ops__sleep(backoff);
            backoff = backoff * 2 > 30 ? 30 : backoff * 2;
            continue;
        }
        it->state = CERT_DELETE_FAILED;
        if ((it->reason = strdup(cert_error_last()->message)) == NULL)
            return cert__error_nomem();
        return cert_rotate__stop_aws(rn, err);
    }
}

/* ACM: P as DescribeCertificate shows it (meta: the generic fields); *gone when it is not there.
 * Its InUseBy beyond the distributions (an ALB) keeps it, as do ACM-issued ones. */
static cert_err acm_candidate(rotate_run *rn, cert_delete_item *it, cert_store_cert *sc, bool *gone)
{
    cert_err err = cert_store_get(rn->aws, CERT_STORE_ACM, it->id, sc, NULL, NULL);

    *gone = false;
    if (err == CERT_E_AWS && cert_store_gone_error(rn->aws)) {
        cert_error_clear();
        *gone = true;
        return CERT_OK;
    }
    return err;
}

/* (c) for ACM: every resource in InUseBy (ALBs and API Gateway as well as distributions; in a
 * dry run, but the distributions this job would move). */
static cert_err acm_users(rotate_run *rn, cert_delete_item *it, const cert_acm_cert *a)
{
    for (size_t i = 0; i < a->in_use_by_count; i++) {
        const char *u = a->in_use_by[i], *slash = strrchr(u, '/');
        char **nv;

        if (rn->o->dry_run && slash != NULL && strstr(u, ":cloudfront::") != NULL &&
            matched(rn->r->attach, slash + 1))
            continue;
        if ((nv = realloc(it->users, (it->user_count + 1) * sizeof(*nv))) == NULL)
            return cert__error_nomem();
        it->users = nv;
        if ((nv[it->user_count++] = strdup(u)) == NULL)
            return cert__error_nomem();
    }
    return CERT_OK;
}

static cert_err one_found(rotate_run *rn, cert_delete_item *it, const cert_iam_cert *p,
                          const cert_store_cert *sc, const cert_cf_dist *dists, size_t nd,
                          bool served);

static cert_err one(rotate_run *rn, cert_delete_item *it, const cert_iam_cert *certs, size_t nc,
                    const cert_cf_dist *dists, size_t nd, bool served)
{
    const cert_iam_cert *p = NULL;
    cert_store_cert sc;
    bool gone = false;
    cert_err err;

    memset(&sc, 0, sizeof(sc));
    cert_store_cert_clear(&sc);
    if (it->store == CERT_STORE_ACM) {
        if ((err = acm_candidate(rn, it, &sc, &gone)) < 0)
            return err;
        p = gone ? NULL : &sc.meta;
    }
    for (size_t i = 0; it->store == CERT_STORE_IAM && i < nc && p == NULL; i++)
        p = strcmp(certs[i].id, it->id) == 0 ? &certs[i] : NULL;
    if (p == NULL) {
        it->state = CERT_DELETE_ALREADY_GONE;
        return CERT_OK;
    }
    err = one_found(rn, it, p, &sc, dists, nd, served);
    cert_store_cert_clear(&sc);
    return err;
}

static cert_err one_found(rotate_run *rn, cert_delete_item *it, const cert_iam_cert *p,
                          const cert_store_cert *sc, const cert_cf_dist *dists, size_t nd,
                          bool served)
{
    cert_err err;

    if (it->name == NULL && (it->name = strdup(p->name)) == NULL)
        return cert__error_nomem();
    if (!served && !rn->o->dry_run)
        return keep(it, "not every matched distribution serves %s and is Deployed yet; %s kept",
                    rn->r->put.store == CERT_STORE_ACM && rn->r->put.meta.arn ? rn->r->put.meta.arn
                                                                              : rn->r->put.name,
                    p->name);
    if ((err = users(it, dists, nd, rn->o->dry_run ? rn->r->attach : NULL)) < 0)
        return err;
    if (it->store == CERT_STORE_ACM && it->user_count == 0 &&
        (err = acm_users(rn, it, &sc->acm)) < 0)
        return err;
    if (it->user_count > 0)
        return keep(it, "%s is still used by %s (see users); kept", p->name, it->users[0]);
    if (it->store == CERT_STORE_ACM && sc->acm.type != NULL &&
        strcmp(sc->acm.type, "IMPORTED") != 0)
        return keep(it, "%s is ACM-issued (%s): ACM's to renew, never deleted by libcert; kept",
                    p->name, sc->acm.type);
    if ((err = rules(rn, p, it)) < 0 || it->state == CERT_DELETE_KEPT)
        return err;
    if (rn->o->dry_run) {
        it->state = CERT_DELETE_WOULD_DELETE;
        return CERT_OK;
    }
    return delete_retrying(rn, it);
}

static void overall(cert_rotate_result *r)
{
    bool kept = false, failed = false, deleted = false;

    for (size_t i = 0; i < r->delete_count; i++) {
        kept = kept || r->deletes[i].state == CERT_DELETE_KEPT;
        failed = failed || r->deletes[i].state == CERT_DELETE_FAILED;
        deleted = deleted || r->deletes[i].state == CERT_DELETE_DELETED ||
                  r->deletes[i].state == CERT_DELETE_WOULD_DELETE;
    }
    r->deleted = failed ? CERT_DELETE_FAILED
                 : kept ? CERT_DELETE_KEPT
                 : deleted
                     ? (r->deletes[0].state == CERT_DELETE_WOULD_DELETE ? CERT_DELETE_WOULD_DELETE
                                                                        : CERT_DELETE_DELETED)
                     : CERT_DELETE_ALREADY_GONE;
}

cert_err cert_rotate__delete_old(rotate_run *rn)
{
    cert_rotate_result *r = rn->r;
    cert_iam_cert *certs = NULL;
    cert_cf_dist *dists = NULL;
    size_t nc = 0, nd = 0;
    bool served = all_served(r), listed = false;
    cert_err err = CERT_OK;

    CERT_TRY(candidates(rn));
    for (size_t i = 0; i < r->delete_count && !listed; i++) {
        if (r->deletes[i].store == CERT_STORE_IAM) {
            CERT_TRY(cert_iam_list(rn->aws, NULL, 0, &certs, &nc));
            listed = true;
        }
    }
    if (r->delete_count > 0)
        CERT_TRY(cert_cf_list(rn->aws, &dists, &nd));
    for (size_t i = 0; i < r->delete_count; i++)
        CERT_TRY(one(rn, &r->deletes[i], certs, nc, dists, nd, served));
    overall(r);

done:
    if (err < 0 && err != CERT_E_NOMEM) {
        r->deleted = CERT_DELETE_FAILED;
        err = cert_rotate__stop_aws(rn, err);
    }
    cert_iam_certs_free(certs, nc);
    cert_cf_dists_free(dists, nd);
    return err;
}
