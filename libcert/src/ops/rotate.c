/*
 * The renewal pipeline: check, plan (every handle and distribution, before any change), upload
 * with the record of what it replaces, attach, confirm, verify, delete what was replaced.
 */
#include "libcert/rotate.h"

#include <stdlib.h>
#include <string.h>

#include "libcert/gate.h"
#include "ops/attach_int.h"
#include "ops/record_int.h"
#include "ops/rotate_int.h"
#include "util/error_int.h"
#include "util/pool.h"

/* Why the run stopped: the first reason is kept. */
static cert_err stop(rotate_run *rn, cert_err err, const char *message)
{
    if (rn->r->failure.err < 0)
        return CERT_OK;
    return cert_failure_set(&rn->r->failure, err, message, NULL, NULL, 0);
}

static cert_err stop_copy(rotate_run *rn, const cert_failure *f)
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

/* The new certificate as it would go to IAM (name, path, body, chain), and whether IAM holds it
 * already: then its id, and the record on it. */
static bool the_new_certificate(rotate_run *rn, cert_err *err)
{
    cert_put_opts po = rn->o->put;
    cert_put_result *p = &rn->preview;
    char *body = NULL, *chain = NULL;

    po.dry_run = true;
    if ((*err = cert_iam_put(NULL, cert_report_chain(rn->r->report), &po, p)) < 0) {
        *err = stop_copy(rn, &p->failure);
        return false;
    }
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
    *err = cert_iam_list_tags(rn->aws, p->name, &rn->tags, &rn->ntags);
    if (*err == CERT_OK)
        *err = cert_ops__record_parse(rn->tags, rn->ntags, &rn->record, &rn->nrecord);
    rn->record_cap = rn->nrecord;
    if (*err < 0) {
        *err = cert_rotate__stop_aws(rn, *err);
        return false;
    }
    return true;
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

/* 2. The plan: every handle resolved, every distribution read and checked against the new
 * certificate, the guards applied; nothing is uploaded when any of it fails. */
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
    if (rn->o->replace != NULL)
        old = cert_ops__record_find(rn->record, rn->nrecord, rn->o->replace);
    if (old != NULL) {
        ar->recorded = (const char *const *)old->dists;
        ar->recorded_count = old->ndists;
    }
    /* When IAM holds it already, the distributions that use it are unchanged, not moved. */
    *err = cert_attach__cert_local(ar, rn->preview.name, rn->preview.path, rn->preview.body,
                                   rn->preview.chain, rn->exists ? &rn->existing : NULL);
    if (*err == CERT_OK)
        *err = cert_attach__plan(ar, rn->aws);
    if (*err < 0) {
        *err = cert_rotate__stop_aws(rn, *err);
        return false;
    }
    if (!cert_attach__plan_ok(ar)) {
        *err = ar->r->failure.err < 0
                   ? stop_copy(rn, &ar->r->failure)
                   : stop(rn, CERT_E_REFUSED,
                          "a distribution failed its pre-flight; nothing was uploaded or changed "
                          "(see each one)");
        return false;
    }
    return true;
}

/* What this job replaces: the IAM certificate each planned distribution serves now, when it is
 * not the new one. Recorded on the new certificate before any distribution moves. */
static cert_err record_plan(rotate_run *rn)
{
    const cert_attach_result *a = rn->ar.r;
    cert_err err = CERT_OK;

    for (size_t i = 0; i < a->count && err == CERT_OK; i++) {
        const cert_attach_dist *d = &a->dists[i];
        const char *prev = d->previous.iam_certificate_id;

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
        const char *prev = d->previous.iam_certificate_id;

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

/* 3. Upload, with the record in the request; or, when IAM holds the certificate already, add
 * what the record lacks (TagServerCertificate) before any distribution moves. */
static bool stage_upload(rotate_run *rn, cert_err *err)
{
    cert_rotate_result *r = rn->r;
    cert_put_opts po = rn->o->put;
    cert_aws_tag *tags = NULL, *fresh = NULL;
    size_t ntags = 0, nfresh = 0;

    r->stage = "upload";
    if ((*err = record_plan(rn)) < 0 || (*err = previous_ids(rn)) < 0)
        return false;
    if (rn->o->dry_run) {
        cert_put_result_clear(&r->put);
        r->put = rn->preview;
        memset(&rn->preview, 0, sizeof(rn->preview));
        return true;
    }
    if (rn->exists) {
        r->put.status = CERT_PUT_EXISTS;
        snprintf(r->put.name, sizeof(r->put.name), "%s", rn->preview.name);
        r->put.path = rn->preview.path;
        if ((*err = cert_iam_cert_copy(&r->put.meta, &rn->existing)) < 0)
            return false;
        if ((*err = cert_ops__record_tags(rn->record, rn->nrecord, true, &fresh, &nfresh)) < 0)
            return false;
        if (nfresh > 0)
            *err = cert_iam_tag(rn->aws, rn->preview.name, fresh, nfresh);
        cert_iam_tags_free(fresh, nfresh);
        if (*err < 0) {
            /* Without the record a rerun cannot know what this job replaced: --delete-old
             * refuses before any change; without it the record is only lost. */
            if (rn->o->delete_old) {
                *err = cert_rotate__stop_aws(rn, *err);
                return false;
            }
            cert_ops__say(&rn->ar.progress,
                          "warning: cannot record the replaced certificates on "
                          "%s (%s); nothing depends on it without --delete-old",
                          rn->preview.name, cert_error_last()->message);
            *err = CERT_OK;
        }
        return true;
    }
    if ((*err = upload_tags(rn, &tags, &ntags)) < 0)
        return false;
    po.tags = tags;
    po.tag_count = ntags;
    *err = cert_iam_put(rn->aws, cert_report_chain(r->report), &po, &r->put);
    for (size_t i = rn->o->put.tag_count; i < ntags; i++) {
        free(tags[i].key);
        free(tags[i].value);
    }
    free(tags);
    if (*err < 0) {
        *err = *err == CERT_E_NOMEM ? *err : stop_copy(rn, &r->put.failure);
        return false;
    }
    rn->uploaded = r->put.status == CERT_PUT_UPLOADED;
    cert_ops__say(&rn->ar.progress, "%s %s (%s)",
                  rn->uploaded ? "uploaded" : "already in IAM:", r->put.name, r->put.meta.id);
    return true;
}

static bool every_changed(const cert_attach_result *a)
{
    for (size_t i = 0; i < a->count; i++) {
        if (a->dists[i].state != CERT_ATTACH_UPDATED && a->dists[i].state != CERT_ATTACH_UNCHANGED)
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
    if (!rn->o->dry_run) {
        cert_iam_cert_clear(&ar->r->cert);
        if ((*err = cert_iam_cert_copy(&ar->r->cert, &r->put.meta)) < 0)
            return false;
        ar->fresh = rn->uploaded;
    }
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
    if (state == NULL || (d->state != CERT_ATTACH_UPDATED && d->state != CERT_ATTACH_UNCHANGED))
        return;
    if (cert_cf_config_get(state, d->id, &cfg) == CERT_OK &&
        cert_cf_config_viewer(cfg, &v) == CERT_OK)
        c->r->confirmed[i] = v.iam_certificate_id != NULL &&
                             strcmp(v.iam_certificate_id, c->r->attach->cert.id) == 0;
    cert_cf_viewer_clear(&v);
    cert_cf_config_free(cfg);
}

/* 5. Confirm: read each distribution again. */
static bool stage_confirm(rotate_run *rn, cert_err *err)
{
    cert_rotate_result *r = rn->r;
    confirm_ctx cc = {&rn->ar.workers, r};
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

static cert_err run(rotate_run *rn)
{
    static const cert_aws_opts aws_defaults = CERT_AWS_OPTS_INIT;
    cert_err err = CERT_OK;

    if (!stage_check(rn, &err))
        return err;
    if ((err = cert_aws_new(rn->o->aws ? rn->o->aws : &aws_defaults, &rn->aws)) < 0)
        return cert_rotate__stop_aws(rn, err);
    if (!the_new_certificate(rn, &err) || !stage_plan(rn, &err) || !stage_upload(rn, &err))
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
    if ((rn.r = calloc(1, sizeof(*rn.r))) == NULL)
        return cert__error_nomem();
    rn.r->version = CERT_RESULTS_VERSION;
    rn.r->put.version = CERT_RESULTS_VERSION;
    rn.r->put.meta.upload_date = rn.r->put.meta.expiration = INT64_MIN;
    err = run(&rn);
    if (rn.ar_ready) {
        /* The result keeps r->attach; the configurations read for it go (cert_attach__fini()
         * frees them by the result's count, so before the result is taken away). */
        for (size_t i = 0; rn.ar.r != NULL && i < rn.ar.r->count; i++) {
            cert_cf_config_free(rn.ar.cfgs ? rn.ar.cfgs[i] : NULL);
            free(rn.ar.prev_xml ? rn.ar.prev_xml[i] : NULL);
        }
        rn.ar.r = NULL; /* the result owns it (r->attach) */
        cert_attach__fini(&rn.ar);
    }
    cert_put_result_clear(&rn.preview);
    cert_iam_cert_clear(&rn.existing);
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
