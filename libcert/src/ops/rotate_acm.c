/* SPDX-License-Identifier: Apache-2.0 */
/*
 * certrotate's store half: which store a run uses when --store is not given, and ACM's part of
 * the plan and the upload (an import that holds the new certificate already; re-import in place
 * or a new import attached; the re-imports). The stages that call it are in rotate.c.
 */
#include <stdlib.h>
#include <string.h>

#include "libcert/store.h"
#include "ops/attach_int.h"
#include "ops/record_int.h"
#include "ops/rotate_int.h"
#include "util/error_int.h"

/* ACM: whether an import holds the new leaf and chain already (a listing, then the candidates:
 * cert_ops__acm_find()), then the record on it. An import of the same leaf with another chain
 * is not taken: the new one is imported. */
bool cert_rotate__acm_new_certificate(rotate_run *rn, cert_err *err)
{
    cert_store_cert sc;
    bool identical = false;

    *err = cert_ops__acm_find(rn->aws, cert_chain_leaf(cert_report_chain(rn->r->report)),
                              rn->preview.body, rn->preview.chain, &rn->existing_acm, &identical);
    if (*err < 0) {
        *err = cert_rotate__stop_aws(rn, *err);
        return false;
    }
    if (rn->existing_acm.arn == NULL || !identical)
        return true;
    rn->exists = true;
    cert_iam_cert_clear(&rn->existing);
    rn->existing.id = strdup(rn->existing_acm.arn);
    rn->existing.name = strdup(rn->existing_acm.arn);
    rn->existing.arn = strdup(rn->existing_acm.arn);
    rn->existing.expiration = rn->existing_acm.not_after;
    rn->existing.upload_date = rn->existing_acm.imported_at;
    if (!rn->existing.id || !rn->existing.name || !rn->existing.arn) {
        *err = cert__error_nomem();
        return false;
    }
    memset(&sc, 0, sizeof(sc));
    sc.store = CERT_STORE_ACM;
    sc.meta = rn->existing;
    return cert_rotate__read_record(rn, &sc, err);
}

static void refuse_dist(cert_attach_dist *d, const char *guard, const char *msg)
{
    d->state = CERT_ATTACH_REFUSED;
    d->guard = guard;
    cert_failure_set(&d->failure, CERT_E_REFUSED, msg, NULL, NULL, 0);
}

/* Without --store, each distribution rotates in the store it serves from now: every planned one
 * must serve from the same (the one --replace named, when it named one); a distribution that
 * serves from the other is refused, never moved silently (rotate.store). */
void cert_rotate__decide_store(rotate_run *rn)
{
    cert_attach_result *a = rn->ar.r;
    bool seen[2] = {false, false};

    if (cert_rotate__store_set(rn->o))
        return;
    for (size_t i = 0; i < a->count; i++) {
        cert_store_kind k;

        if (a->dists[i].state == CERT_ATTACH_PENDING &&
            cert_store_of_viewer(&a->dists[i].previous, &k))
            seen[k] = true;
    }
    if (!rn->store_known) {
        rn->store = seen[CERT_STORE_ACM] && !seen[CERT_STORE_IAM] ? CERT_STORE_ACM : CERT_STORE_IAM;
        rn->store_known = !(seen[CERT_STORE_ACM] && seen[CERT_STORE_IAM]);
    }
    for (size_t i = 0; i < a->count; i++) {
        cert_attach_dist *d = &a->dists[i];
        cert_store_kind k;
        char msg[900];

        if (d->state != CERT_ATTACH_PENDING || !cert_store_of_viewer(&d->previous, &k) ||
            (rn->store_known && k == rn->store) ||
            cert_check_allowed(&rn->o->report.check, "rotate.store"))
            continue;
        snprintf(msg, sizeof(msg),
                 "rotate.store: %s serves %s from %s, %s; certrotate moves a distribution to "
                 "another store only when --store names it (give --store iam or --store acm)",
                 d->id,
                 d->previous.iam_certificate_id ? d->previous.iam_certificate_id
                                                : d->previous.acm_certificate_arn,
                 k == CERT_STORE_ACM ? "ACM" : "IAM",
                 rn->store_known ? "not the store this run uses"
                                 : "and the matched distributions serve from both IAM and ACM");
        refuse_dist(d, "rotate.store", msg);
    }
}

static bool in_list(char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(v[i], s) == 0)
            return true;
    }
    return false;
}

/* ACM: what becomes of each planned distribution. One that serves an imported certificate whose
 * ARN may take the new one (ACM's re-import rules and libcert's: cert_store_reimport_rules(),
 * with this run's distributions as the matched ones) gets it re-imported in place, with no
 * UpdateDistribution; one whose ARN holds it already is unchanged; every other one gets the new
 * import attached (the refusals say why not in place). */
cert_err cert_rotate__acm_plan(rotate_run *rn)
{
    attach_run *ar = &rn->ar;
    cert_attach_result *a = ar->r;
    const X509 *leaf = cert_chain_leaf(cert_report_chain(rn->r->report));
    const char **matched = calloc(a->count ? a->count : 1, sizeof(*matched));
    size_t nm = 0;
    cert_err err = CERT_OK;

    if (matched == NULL)
        return cert__error_nomem();
    for (size_t i = 0; i < a->count; i++) {
        if (a->dists[i].state != CERT_ATTACH_REFUSED && a->dists[i].state != CERT_ATTACH_FAILED)
            matched[nm++] = a->dists[i].id;
    }
    rn->need_new = false;
    for (size_t i = 0; i < a->count; i++) {
        cert_attach_dist *d = &a->dists[i];
        const char *arn = d->previous.acm_certificate_arn;
        const acm_prev *p = cert_attach__acm_prev(ar, arn);

        if (d->state != CERT_ATTACH_PENDING)
            continue;
        if (arn != NULL && rn->exists && strcmp(arn, rn->existing.id) == 0)
            continue; /* serves the new certificate's import already: unchanged at attach */
        if (p == NULL || p->failure.err < 0) {
            rn->need_new = true;
            continue;
        }
        if (cert_bundle_same_certs(rn->preview.body, p->body) &&
            cert_bundle_same_certs(rn->preview.chain, p->chain ? p->chain : "")) {
            d->state = CERT_ATTACH_UNCHANGED; /* its ARN holds the new certificate: a rerun */
            CERT_TRY((ar->expect[i] = strdup(arn)) ? CERT_OK : cert__error_nomem());
            continue;
        }
        CERT_TRY(cert_store_reimport_rules(&p->cert, p->body, leaf, matched, nm,
                                           &rn->o->report.check, &d->refusals, &d->refusal_count));
        if (cert_refusals_block(d->refusals, d->refusal_count)) {
            rn->need_new = true;
            if (asprintf(&d->note,
                         "not re-imported into %s (%s): the new certificate is imported "
                         "and attached instead",
                         arn, d->refusals[0].code) < 0) {
                d->note = NULL;
                CERT_NOMEM();
            }
            continue;
        }
        d->state = CERT_ATTACH_WOULD_REIMPORT;
        CERT_TRY((ar->expect[i] = strdup(arn)) ? CERT_OK : cert__error_nomem());
        if (!in_list(rn->reimport, rn->nreimport, arn)) {
            char **nv = realloc(rn->reimport, (rn->nreimport + 1) * sizeof(*nv));

            if (nv == NULL)
                CERT_NOMEM();
            rn->reimport = nv;
            if ((nv[rn->nreimport] = strdup(arn)) == NULL)
                CERT_NOMEM();
            rn->nreimport++;
        }
    }
    if (!rn->need_new) {
        /* Nothing to attach: the ones that serve the new import already are unchanged too. */
        for (size_t i = 0; i < a->count; i++)
            rn->need_new = rn->need_new || a->dists[i].state == CERT_ATTACH_PENDING;
    }

done:
    free(matched);
    return err;
}

/* ACM: re-import into each ARN the plan chose, after the new import (which can be undone: a
 * re-import cannot). */
bool cert_rotate__reimport_all(rotate_run *rn, cert_err *err)
{
    cert_rotate_result *r = rn->r;
    attach_run *ar = &rn->ar;

    r->reimports = calloc(rn->nreimport ? rn->nreimport : 1, sizeof(*r->reimports));
    if (r->reimports == NULL) {
        *err = cert__error_nomem();
        return false;
    }
    for (size_t k = 0; k < rn->nreimport; k++) {
        cert_reimport *ri = &r->reimports[r->reimport_count++];
        cert_put_result tmp;

        if ((ri->arn = strdup(rn->reimport[k])) == NULL) {
            *err = cert__error_nomem();
            return false;
        }
        ri->status = "would-reimport";
        if (rn->o->dry_run)
            continue;
        *err = cert_ops__acm_reimport(rn->aws, cert_report_chain(r->report), ri->arn, &tmp);
        ri->status = *err == CERT_OK ? "reimported" : "failed";
        if (*err < 0 && *err != CERT_E_NOMEM)
            cert_failure_set(&ri->failure, tmp.failure.err, tmp.failure.message,
                             tmp.failure.aws_code, tmp.failure.request_id, tmp.failure.http_status);
        cert_put_result_clear(&tmp);
        for (size_t i = 0; i < ar->r->count; i++) {
            cert_attach_dist *d = &ar->r->dists[i];

            if (d->state != CERT_ATTACH_WOULD_REIMPORT ||
                strcmp(cert_attach__expect(ar, i), ri->arn) != 0)
                continue;
            d->state = *err == CERT_OK ? CERT_ATTACH_REIMPORTED : CERT_ATTACH_FAILED;
            if (*err == CERT_OK)
                cert_ops__say(&ar->progress, "%s: re-imported %s in place (no UpdateDistribution)",
                              d->id, ri->arn);
            else if (*err != CERT_E_NOMEM)
                cert_failure_set(&d->failure, ri->failure.err, ri->failure.message,
                                 ri->failure.aws_code, ri->failure.request_id,
                                 ri->failure.http_status);
        }
        if (*err < 0) {
            *err = *err == CERT_E_NOMEM ? *err : cert_rotate__stop_copy(rn, &ri->failure);
            return false;
        }
    }
    return true;
}
