/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The renewal pipeline: check, plan (every handle and distribution, before any change), upload
 * with the record of what it replaces, attach, confirm, verify, delete what was replaced.
 */
#include "libcert/rotate.h"

#include <stdlib.h>
#include <string.h>

#include "libcert/gate.h"
#include "libcert/store.h"
#include "ops/attach_int.h"
#include "ops/record_int.h"
#include "ops/rotate_int.h"
#include "util/error_int.h"
#include "util/pool.h"

bool cert_rotate__store_set(const cert_rotate_opts *o)
{
    return o->version >= 4 && o->store_set;
}

/* Why the run stopped: the first reason is kept. */
static cert_err stop(rotate_run *rn, cert_err err, const char *message)
{
    if (rn->r->failure.err < 0)
        return CERT_OK;
    return cert_failure_set(&rn->r->failure, err, message, NULL, NULL, 0);
}

cert_err cert_rotate__stop_copy(rotate_run *rn, const cert_failure *f)
{
    if (rn->r->failure.err < 0)
        return CERT_OK;
    return cert_failure_set(&rn->r->failure, f->err, f->message, f->aws_code, f->request_id,
                            f->http_status);
}

cert_err cert_rotate__stop_aws(rotate_run *rn, cert_err err)
{
    if (rn->r->failure.err < 0 || err == CERT_E_NOMEM)
        return err == CERT_E_NOMEM ? err : CERT_OK;
    return cert_aws_failure(rn->aws, err, &rn->r->failure);
}

/* 1. Split and check: every check, no network while an error remains. true: go on. */
static bool stage_check(rotate_run *rn, cert_err *err)
{
    cert_report_opts ro = rn->o->report;
    cert_gate gate;

    rn->r->stage = "check";
    ro.check.key_required = true;
    if ((*err = cert_report_build(rn->o->inputs, rn->o->input_count, &ro, &rn->r->report)) < 0)
        return false;
    if (!cert_gate_check(rn->r->report, CERT_ACTION_ROTATE, NULL, &gate)) {
        *err = stop(rn, gate.err, gate.message);
        return false;
    }
    return true;
}

/* The new certificate as it would go to the store (IAM: name, path; body, chain), without a
 * request. */
static bool preview(rotate_run *rn, cert_err *err)
{
    cert_put_opts po = rn->o->put;

    po.dry_run = true;
    po.store = CERT_STORE_IAM;
    if ((*err = cert_iam_put(NULL, cert_report_chain(rn->r->report), &po, &rn->preview)) < 0) {
        *err = cert_rotate__stop_copy(rn, &rn->preview.failure);
        return false;
    }
    return true;
}

/* The record on the certificate found (its tags), when there is one. */
bool cert_rotate__read_record(rotate_run *rn, const cert_store_cert *sc, cert_err *err)
{
    *err = cert_store_tags(rn->aws, sc, &rn->tags, &rn->ntags);
    if (*err == CERT_OK)
        *err = cert_ops__record_parse(rn->tags, rn->ntags, &rn->record, &rn->nrecord);
    rn->record_cap = rn->nrecord;
    if (*err < 0) {
        *err = cert_rotate__stop_aws(rn, *err);
        return false;
    }
    return true;
}

/* IAM: whether IAM holds the new certificate already under its name (then its id, and the
 * record on it). */
static bool iam_new_certificate(rotate_run *rn, cert_err *err)
{
    cert_put_result *p = &rn->preview;
    cert_store_cert sc;
    char *body = NULL, *chain = NULL;

    *err = cert_iam_get(rn->aws, p->name, &rn->existing, &body, &chain);
    if (*err == CERT_E_AWS && strcmp(cert_aws_last_error(rn->aws)->code, "NoSuchEntity") == 0) {
        cert_error_clear();
        *err = CERT_OK;
        return true;
    }
    if (*err == CERT_OK && !(cert_bundle_same_certs(p->body, body) &&
                             cert_bundle_same_certs(p->chain, chain ? chain : ""))) {
        *err = cert__error_set(CERT_E_AWS,
                               "IAM already holds a different certificate named %s (id %s); give "
                               "another --name, or delete that one first",
                               p->name, rn->existing.id);
    }
    free(body);
    free(chain);
    if (*err < 0) {
        *err = cert_rotate__stop_aws(rn, *err);
        return false;
    }
    rn->exists = true;
    memset(&sc, 0, sizeof(sc));
    sc.store = CERT_STORE_IAM;
    sc.meta = rn->existing;
    return cert_rotate__read_record(rn, &sc, err);
}

static bool the_new_certificate(rotate_run *rn, cert_err *err)
{
    rn->searched = true;
    if ((*err = cert_store_check(rn->aws, rn->store)) < 0) {
        *err = cert_rotate__stop_aws(rn, *err);
        return false;
    }
    if (rn->store == CERT_STORE_ACM && (rn->o->put.name != NULL || rn->o->put.path != NULL)) {
        *err = stop(rn, CERT_E_INVALID,
                    "--name and --path are IAM's; ACM names a certificate by its ARN");
        return false;
    }
    return rn->store == CERT_STORE_ACM ? cert_rotate__acm_new_certificate(rn, err)
                                       : iam_new_certificate(rn, err);
}

static void attach_opts(const rotate_run *rn, cert_attach_opts *ao)
{
    const cert_rotate_opts *o = rn->o;

    ao->aws = o->aws;
    ao->cert = rn->preview.name;
    ao->distributions = o->distributions;
    ao->distribution_count = o->distribution_count;
    ao->aliases = o->aliases;
    ao->alias_count = o->alias_count;
    ao->replace = o->replace;
    ao->ssl_support_method = o->ssl_support_method;
    ao->min_tls = o->min_tls;
    ao->dry_run = o->dry_run;
    ao->jobs = o->jobs;
    ao->rollback_on_failure = o->rollback_on_failure;
    ao->wait = o->wait || o->delete_old || o->verify_live;
    ao->wait_timeout_s = o->wait_timeout_s;
    ao->report = o->report;
    ao->progress = o->progress;
    ao->progress_ud = o->progress_ud;
    ao->wait_progress = o->wait_progress;
    ao->wait_ud = o->wait_ud;
}

/* The certificate the plan attaches: the one the store holds already, or a placeholder until
 * the upload or import makes it. */
static cert_err plan_cert(rotate_run *rn)
{
    cert_iam_cert placeholder;
    cert_err err;

    if (rn->exists)
        return cert_attach__set_cert(&rn->ar, rn->store, &rn->existing,
                                     rn->store == CERT_STORE_ACM ? &rn->existing_acm : NULL);
    memset(&placeholder, 0, sizeof(placeholder));
    placeholder.name = rn->store == CERT_STORE_ACM ? (char *)"(new ACM import)" : rn->preview.name;
    placeholder.id = (char *)"(new)";
    placeholder.path = rn->store == CERT_STORE_IAM ? (char *)rn->preview.path : NULL;
    placeholder.arn = (char *)"";
    placeholder.upload_date = placeholder.expiration = INT64_MIN;
    err = cert_attach__set_cert(&rn->ar, rn->store, &placeholder, NULL);
    return err;
}

/* 2. The plan: every handle resolved, every distribution read and checked against the new
 * certificate, the store decided, the guards applied; nothing is put in a store when any of it
 * fails. */
static bool stage_plan(rotate_run *rn, cert_err *err)
{
    cert_rotate_result *r = rn->r;
    attach_run *ar = &rn->ar;
    const replaced *old = NULL;

    r->stage = "plan";
    attach_opts(rn, &rn->ao);
    *err = cert_attach__init(ar, &rn->ao);
    rn->ar_ready = true;
    r->attach = ar->r;
    if (*err < 0)
        return false;
    ar->include_current = true;
    ar->guards = true;
    ar->store_explicit = cert_rotate__store_set(rn->o);
    ar->store = rn->store;
    if (rn->o->replace != NULL)
        old = cert_ops__record_find(rn->record, rn->nrecord, rn->o->replace);
    if (old != NULL) {
        ar->recorded = (const char *const *)old->dists;
        ar->recorded_count = old->ndists;
    }
    /* When the store holds it already, the distributions that use it are unchanged, not moved. */
    *err = cert_attach__cert_local(ar, rn->preview.name, rn->preview.path, rn->preview.body,
                                   rn->preview.chain, rn->exists ? &rn->existing : NULL);
    if (*err == CERT_OK)
        *err = cert_attach__plan_read(ar, rn->aws);
    if (*err == CERT_OK)
        cert_rotate__decide_store(rn);
    if (*err == CERT_OK && !rn->searched && !the_new_certificate(rn, err))
        return false;
    if (*err == CERT_OK)
        *err = plan_cert(rn);
    if (*err == CERT_OK)
        *err = cert_attach__plan_finish(ar, rn->aws);
    if (*err == CERT_OK && rn->store == CERT_STORE_ACM)
        *err = cert_rotate__acm_plan(rn);
    if (*err < 0) {
        *err = cert_rotate__stop_aws(rn, *err);
        return false;
    }
    if (!cert_attach__plan_ok(ar)) {
        *err = ar->r->failure.err < 0
                   ? cert_rotate__stop_copy(rn, &ar->r->failure)
                   : stop(rn, CERT_E_REFUSED,
                          "a distribution failed its pre-flight; nothing was uploaded or changed "
                          "(see each one)");
        return false;
    }
    return true;
}

/* The certificate distribution d served before this job moved it (an IAM id or an ACM ARN);
 * NULL when it serves the new one, is re-imported in place, or served the default one. */
static const char *served_before(const rotate_run *rn, const cert_attach_dist *d)
{
    const char *prev = d->previous.iam_certificate_id ? d->previous.iam_certificate_id
                                                      : d->previous.acm_certificate_arn;

    if (d->state == CERT_ATTACH_WOULD_REIMPORT || d->state == CERT_ATTACH_REIMPORTED ||
        (d->state == CERT_ATTACH_UNCHANGED && rn->store == CERT_STORE_ACM &&
         d->previous.acm_certificate_arn != NULL))
        return NULL;
    return prev;
}

/* What this job replaces: the certificate each planned distribution serves now, when it is not
 * the new one (nor re-imported in place). Recorded on the new certificate before any
 * distribution moves. */
static cert_err record_plan(rotate_run *rn)
{
    const cert_attach_result *a = rn->ar.r;
    cert_err err = CERT_OK;

    for (size_t i = 0; i < a->count && err == CERT_OK; i++) {
        const cert_attach_dist *d = &a->dists[i];
        const char *prev = served_before(rn, d);

        if (prev == NULL || (rn->exists && strcmp(prev, rn->existing.id) == 0))
            continue;
        err = cert_ops__record_add(
            &rn->record, &rn->nrecord, &rn->record_cap, prev,
            a->replaced.id && strcmp(a->replaced.id, prev) == 0 ? a->replaced.name : NULL, d->id);
    }
    return err;
}

/* Each distribution's previous certificate, as this job knows it: what it served before this
 * run moved it, or, for one an earlier run moved, what the record says. */
static cert_err previous_ids(rotate_run *rn)
{
    const cert_attach_result *a = rn->ar.r;

    for (size_t i = 0; i < a->count; i++) {
        cert_attach_dist *d = &a->dists[i];
        const char *prev = served_before(rn, d);

        if (prev != NULL && rn->exists && strcmp(prev, rn->existing.id) == 0) {
            prev = NULL;
            for (size_t k = 0; k < rn->nrecord && prev == NULL; k++) {
                for (size_t j = 0; j < rn->record[k].ndists && prev == NULL; j++)
                    prev = strcmp(rn->record[k].dists[j], d->id) == 0 ? rn->record[k].id : NULL;
            }
        }
        if (prev != NULL && (d->replaced_id = strdup(prev)) == NULL)
            return cert__error_nomem();
    }
    return CERT_OK;
}

/* The tags to upload with: the user's, and the record. */
static cert_err upload_tags(rotate_run *rn, cert_aws_tag **out, size_t *n)
{
    const cert_put_opts *po = &rn->o->put;
    cert_aws_tag *rec = NULL, *all;
    size_t nrec = 0;
    cert_err err = cert_ops__record_tags(rn->record, rn->nrecord, false, &rec, &nrec);

    *out = NULL;
    *n = 0;
    if (err < 0)
        return err;
    all = calloc(po->tag_count + nrec + 1, sizeof(*all));
    if (all == NULL) {
        cert_iam_tags_free(rec, nrec);
        return cert__error_nomem();
    }
    for (size_t i = 0; i < po->tag_count; i++)
        all[i] = po->tags[i]; /* borrowed: only the record's are freed */
    if (nrec > 0)             /* rec is NULL when there is no record: memcpy() must not see it */
        memcpy(all + po->tag_count, rec, nrec * sizeof(*rec));
    free(rec);
    *out = all;
    *n = po->tag_count + nrec;
    return CERT_OK;
}

/* The store already holds the new certificate: add what the record lacks (TagServerCertificate,
 * AddTagsToCertificate) before any distribution moves. */
static bool tag_existing(rotate_run *rn, cert_err *err)
{
    cert_rotate_result *r = rn->r;
    cert_aws_tag *fresh = NULL;
    size_t nfresh = 0;
    cert_store_cert sc;

    r->put.status = CERT_PUT_EXISTS;
    r->put.store = rn->store;
    snprintf(r->put.name, sizeof(r->put.name), "%s", rn->preview.name);
    r->put.path = rn->store == CERT_STORE_IAM ? rn->preview.path : NULL;
    if ((*err = cert_iam_cert_copy(&r->put.meta, &rn->existing)) < 0 ||
        (rn->store == CERT_STORE_ACM &&
         (*err = cert_acm_cert_copy(&r->put.acm, &rn->existing_acm)) < 0))
        return false;
    if ((*err = cert_ops__record_tags(rn->record, rn->nrecord, true, &fresh, &nfresh)) < 0)
        return false;
    memset(&sc, 0, sizeof(sc));
    sc.store = rn->store;
    sc.meta = rn->existing;
    if (nfresh > 0)
        *err = cert_store_tag(rn->aws, &sc, fresh, nfresh);
    cert_iam_tags_free(fresh, nfresh);
    if (*err < 0) {
        /* Without the record a rerun cannot know what this job replaced: --delete-old refuses
         * before any change; without it the record is only lost. */
        if (rn->o->delete_old) {
            *err = cert_rotate__stop_aws(rn, *err);
            return false;
        }
        cert_ops__say(&rn->ar.progress,
                      "warning: cannot record the replaced certificates on %s (%s); nothing "
                      "depends on it without --delete-old",
                      rn->existing.name, cert_error_last()->message);
        *err = CERT_OK;
    }
    return true;
}

/* Upload (IAM) or import (ACM) the new certificate with the record in the request. */
static bool put_new(rotate_run *rn, cert_err *err)
{
    cert_rotate_result *r = rn->r;
    cert_put_opts po = rn->o->put;
    cert_aws_tag *tags = NULL;
    size_t ntags = 0;

    if ((*err = upload_tags(rn, &tags, &ntags)) < 0)
        return false;
    po.tags = tags;
    po.tag_count = ntags;
    po.store = rn->store;
    if (rn->store == CERT_STORE_ACM)
        *err = cert_ops__acm_import_new(rn->aws, cert_report_chain(r->report), &po, &r->put);
    else
        *err = cert_iam_put(rn->aws, cert_report_chain(r->report), &po, &r->put);
    for (size_t i = rn->o->put.tag_count; i < ntags; i++) {
        free(tags[i].key);
        free(tags[i].value);
    }
    free(tags);
    if (*err < 0) {
        *err = *err == CERT_E_NOMEM ? *err : cert_rotate__stop_copy(rn, &r->put.failure);
        return false;
    }
    rn->uploaded = r->put.status == CERT_PUT_UPLOADED;
    cert_ops__say(&rn->ar.progress, "%s %s (%s)",
                  !rn->uploaded                 ? "already there:"
                  : rn->store == CERT_STORE_ACM ? "imported into ACM"
                                                : "uploaded",
                  rn->store == CERT_STORE_ACM ? r->put.meta.arn : r->put.name, r->put.meta.id);
    return true;
}

/* 3. Put it in the store, with the record in the request; or, when the store holds the
 * certificate already, add what the record lacks before any distribution moves. ACM: then the
 * re-imports in place. */
static bool stage_upload(rotate_run *rn, cert_err *err)
{
    cert_rotate_result *r = rn->r;
    bool need = rn->store == CERT_STORE_IAM || rn->need_new;

    r->stage = "upload";
    if ((*err = record_plan(rn)) < 0 || (*err = previous_ids(rn)) < 0)
        return false;
    if (rn->o->dry_run) {
        cert_put_result_clear(&r->put);
        if (need) {
            r->put = rn->preview;
            memset(&rn->preview, 0, sizeof(rn->preview));
            r->put.store = rn->store;
        }
        return rn->store == CERT_STORE_IAM || cert_rotate__reimport_all(rn, err);
    }
    if (need && !(rn->exists ? tag_existing(rn, err) : put_new(rn, err)))
        return false;
    if (need && rn->store == CERT_STORE_ACM &&
        (*err = cert_attach__set_cert(&rn->ar, CERT_STORE_ACM, &r->put.meta, &r->put.acm)) < 0)
        return false;
    return rn->store == CERT_STORE_IAM || cert_rotate__reimport_all(rn, err);
}

static bool settled(cert_attach_state s)
{
    return s == CERT_ATTACH_UPDATED || s == CERT_ATTACH_UNCHANGED || s == CERT_ATTACH_REIMPORTED;
}

static bool every_changed(const cert_attach_result *a)
{
    for (size_t i = 0; i < a->count; i++) {
        if (!settled(a->dists[i].state))
            return false;
    }
    return true;
}

static bool any_unknown(const cert_attach_result *a)
{
    for (size_t i = 0; i < a->count; i++) {
        if (a->dists[i].state == CERT_ATTACH_UNKNOWN)
            return true;
    }
    return false;
}

/* 4. Attach: the changes (If-Match, 412, eventual consistency), the rollback and the wait. */
static bool stage_attach(rotate_run *rn, cert_err *err)
{
    cert_rotate_result *r = rn->r;
    attach_run *ar = &rn->ar;
    const cert_failure *worst = NULL;
    cert_exit e = CERT_EXIT_OK;

    r->stage = "attach";
    if (!rn->o->dry_run && rn->store == CERT_STORE_IAM) {
        cert_iam_cert_clear(&ar->r->cert);
        if ((*err = cert_iam_cert_copy(&ar->r->cert, &r->put.meta)) < 0)
            return false;
    }
    if (!rn->o->dry_run)
        ar->fresh = rn->uploaded;
    if ((*err = cert_attach__apply(ar, rn->aws, rn->o->jobs ? rn->o->jobs : 4)) < 0)
        return false;
    for (size_t i = 0; i < ar->r->count; i++) {
        if (cert_attach_dist_exit(&ar->r->dists[i]) > e) {
            e = cert_attach_dist_exit(&ar->r->dists[i]);
            worst = cert_attach_dist_failure(&ar->r->dists[i]);
        }
    }
    if (worst == NULL)
        return true;
    /* The run stops here: no confirmation, no deletion, so a distribution whose state is
     * unknown keeps both the old certificate and the new one in IAM. */
    *err = stop(rn, worst->err,
                any_unknown(ar->r)
                    ? "whether a distribution changed is unknown (no answer to its update, and "
                      "reading it back failed); nothing was deleted; run again to find out and "
                      "finish"
                : every_changed(ar->r)
                    ? "every distribution changed, but one is not Deployed yet; run again later "
                      "to finish"
                    : "a distribution was not changed; see each one");
    return false;
}

typedef struct confirm_ctx {
    ops_workers *workers;
    cert_rotate_result *r;
    const attach_run *ar;
} confirm_ctx;

static void *take(void *ud)
{
    return cert_ops__worker_take(((confirm_ctx *)ud)->workers);
}

static void give(void *state, void *ud)
{
    cert_ops__worker_give(((confirm_ctx *)ud)->workers, state);
}

static void confirm_item(size_t i, void *state, void *ud)
{
    confirm_ctx *c = ud;
    cert_attach_dist *d = &c->r->attach->dists[i];
    cert_cf_config *cfg = NULL;
    cert_cf_viewer v;

    memset(&v, 0, sizeof(v));
    if (state == NULL || !settled(d->state))
        return;
    if (cert_cf_config_get(state, d->id, &cfg) == CERT_OK &&
        cert_cf_config_viewer(cfg, &v) == CERT_OK)
        c->r->confirmed[i] = cert_store_viewer_uses(&v, cert_attach__expect(c->ar, i));
    cert_cf_viewer_clear(&v);
    cert_cf_config_free(cfg);
}

/* 5. Confirm: read each distribution again. */
static bool stage_confirm(rotate_run *rn, cert_err *err)
{
    cert_rotate_result *r = rn->r;
    confirm_ctx cc = {&rn->ar.workers, r, &rn->ar};
    cert_pool_ops ops = {take, give, confirm_item};

    r->stage = "confirm";
    r->confirmed = calloc(r->attach->count ? r->attach->count : 1, sizeof(*r->confirmed));
    if (r->confirmed == NULL) {
        *err = cert__error_nomem();
        return false;
    }
    cert__pool_run(r->attach->count, rn->o->jobs ? rn->o->jobs : 4, &ops, &cc);
    for (size_t i = 0; i < r->attach->count; i++) {
        if (!r->confirmed[i]) {
            *err = stop(rn, CERT_E_AWS,
                        "a distribution does not reference the new certificate after the "
                        "update; run again");
            return false;
        }
    }
    return true;
}

/* 6. What the edge serves. */
static bool stage_verify(rotate_run *rn, cert_err *err)
{
    cert_rotate_result *r = rn->r;

    r->stage = "verify-live";
    *err = cert_rotate__live_checks(rn->o, r, cert_chain_leaf(cert_report_chain(r->report)));
    if (*err < 0)
        return false;
    for (size_t i = 0; i < r->live_count; i++) {
        if (!r->live[i].ok) {
            *err = stop(rn, CERT_E_NET, "an alias does not serve the new certificate yet");
            return false;
        }
    }
    return true;
}

/* Stages 4 to 7, after the plan and the upload. */
static cert_err after_upload(rotate_run *rn)
{
    const cert_rotate_opts *o = rn->o;
    cert_rotate_result *r = rn->r;
    cert_err err = CERT_OK;

    if (!stage_attach(rn, &err))
        return err;
    if (o->dry_run) {
        if (o->delete_old && (err = cert_rotate__delete_old(rn)) < 0)
            return err;
        r->stage = "done";
        return CERT_OK;
    }
    if (!stage_confirm(rn, &err) || (o->verify_live && !stage_verify(rn, &err)))
        return err;
    if (o->delete_old) {
        r->stage = "delete";
        if ((err = cert_rotate__delete_old(rn)) < 0 || r->deleted == CERT_DELETE_FAILED)
            return err;
    }
    r->stage = "done";
    r->finished = true;
    return CERT_OK;
}

/* The store, when it is known before the plan: --store, or the store of --replace's certificate
 * (its distributions serve from it). */
static void early_store(rotate_run *rn)
{
    if (cert_rotate__store_set(rn->o)) {
        rn->store = rn->o->put.store;
        rn->store_known = true;
    } else if (rn->o->replace != NULL) {
        rn->store = cert_store_of(rn->o->replace);
        rn->store_known = true;
    } else {
        rn->store = CERT_STORE_IAM;
    }
}

static cert_err run(rotate_run *rn)
{
    static const cert_aws_opts aws_defaults = CERT_AWS_OPTS_INIT;
    cert_err err = CERT_OK;

    if (!stage_check(rn, &err))
        return err;
    if ((err = cert_aws_new(rn->o->aws ? rn->o->aws : &aws_defaults, &rn->aws)) < 0 ||
        (err = cert_aws_service_check(rn->aws, CERT_AWS_CLOUDFRONT)) < 0)
        return cert_rotate__stop_aws(rn, err);
    early_store(rn);
    if (!preview(rn, &err))
        return err;
    /* With --replace the new certificate must be known before the handles are resolved: the
     * distributions that serve it already (a rerun) match too. */
    if (rn->store_known && rn->o->replace != NULL && !the_new_certificate(rn, &err))
        return err;
    if (!stage_plan(rn, &err) || !stage_upload(rn, &err))
        return err;
    return after_upload(rn);
}

static cert_err check_opts(const cert_rotate_opts *o)
{
    if (o->input_count == 0 ||
        (o->replace == NULL && o->distribution_count == 0 && o->alias_count == 0))
        return cert__error_set(CERT_E_INVALID,
                               "give the new bundle and the distributions (--alias NAME, "
                               "--distribution ID or --replace OLD_CERT)");
    if (o->ssl_support_method != NULL && !cert_cf_ssl_support_method_valid(o->ssl_support_method))
        return cert__error_set(CERT_E_INVALID,
                               "--ssl-support-method %s: give sni-only, vip or static-ip",
                               o->ssl_support_method);
    if (o->min_tls != NULL && !cert_cf_min_protocol_valid(o->min_tls))
        return cert__error_set(CERT_E_INVALID,
                               "--min-tls %s: not a CloudFront MinimumProtocolVersion (e.g. "
                               "TLSv1.2_2021)",
                               o->min_tls);
    return CERT_OK;
}

cert_err cert_rotate_run(const cert_rotate_opts *o, cert_rotate_result **out)
{
    rotate_run rn;
    cert_err err;

    if (out == NULL || o == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_rotate_run: NULL argument");
    *out = NULL;
    if ((err = check_opts(o)) < 0)
        return err;
    memset(&rn, 0, sizeof(rn));
    rn.o = o;
    rn.existing.upload_date = rn.existing.expiration = INT64_MIN;
    cert_acm_cert_clear(&rn.existing_acm);
    if ((rn.r = calloc(1, sizeof(*rn.r))) == NULL)
        return cert__error_nomem();
    rn.r->version = CERT_RESULTS_VERSION;
    rn.r->put.version = CERT_RESULTS_VERSION;
    rn.r->put.meta.upload_date = rn.r->put.meta.expiration = INT64_MIN;
    cert_acm_cert_clear(&rn.r->put.acm);
    err = run(&rn);
    if (rn.ar_ready) {
        /* The result keeps r->attach; the configurations read for it go first. */
        cert_attach__free_configs(&rn.ar);
        rn.ar.r = NULL; /* the result owns it (r->attach) */
        cert_attach__fini(&rn.ar);
    }
    cert_put_result_clear(&rn.preview);
    cert_iam_cert_clear(&rn.existing);
    cert_acm_cert_clear(&rn.existing_acm);
    for (size_t i = 0; i < rn.nreimport; i++)
        free(rn.reimport[i]);
    free(rn.reimport);
    cert_iam_tags_free(rn.tags, rn.ntags);
    cert_ops__record_free(rn.record, rn.nrecord);
    cert_aws_free(rn.aws);
    if (err == CERT_E_NOMEM || err == CERT_E_INVALID) {
        cert_rotate_result_free(rn.r);
        return err;
    }
    *out = rn.r;
    return CERT_OK;
}
