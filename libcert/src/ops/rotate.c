/* The renewal pipeline: check, upload, attach, confirm, verify, delete the old certificate. */
#include "libcert/rotate.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libcert/gate.h"
#include "ops/ops_int.h"
#include "ops/rotate_int.h"
#include "util/error_int.h"
#include "util/pool.h"

typedef struct rotate_run {
    const cert_rotate_opts *o;
    cert_rotate_result *r;
    cert_aws *aws;
    ops_progress progress;
} rotate_run;

/* Why the run stopped: the first reason is kept. CERT_E_NOMEM only when even that failed. */
static cert_err stop(rotate_run *rn, cert_err err, const char *message)
{
    if (rn->r->failure.err < 0)
        return CERT_OK;
    return cert_failure_set(&rn->r->failure, err, message, NULL, NULL, 0);
}

/* The same, with AWS's detail from the session. */
static cert_err stop_aws(rotate_run *rn, cert_err err)
{
    if (rn->r->failure.err < 0)
        return CERT_OK;
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

/* 2. Upload: one request; an identical certificate already there is success. */
static bool stage_upload(rotate_run *rn, cert_err *err)
{
    cert_rotate_result *r = rn->r;

    r->stage = "upload";
    *err = cert_iam_put(rn->aws, cert_report_chain(r->report), &rn->o->put, &r->put);
    if (*err == CERT_E_NOMEM)
        return false;
    if (*err < 0) {
        const cert_failure *f = &r->put.failure;

        *err = cert_failure_set(&r->failure, f->err, f->message, f->aws_code, f->request_id,
                                f->http_status);
        return false;
    }
    cert_ops__say(&rn->progress, "%s %s (%s)",
                  r->put.status == CERT_PUT_UPLOADED ? "uploaded"
                  : r->put.status == CERT_PUT_EXISTS ? "already in IAM:"
                                                     : "would upload",
                  r->put.name, r->put.meta.id ? r->put.meta.id : "dry run");
    return true;
}

static void attach_opts(const rotate_run *rn, cert_attach_opts *ao)
{
    const cert_rotate_opts *o = rn->o;
    const cert_rotate_result *r = rn->r;

    ao->aws = o->aws;
    ao->cert = r->put.name; /* by name: an id could only be found by listing the account */
    ao->distributions = o->distributions;
    ao->distribution_count = o->distribution_count;
    ao->replace = o->replace;
    ao->ssl_support_method = o->ssl_support_method;
    ao->min_tls = o->min_tls;
    ao->dry_run = o->dry_run;
    ao->jobs = o->jobs;
    ao->rollback_on_failure = o->rollback_on_failure;
    ao->wait = o->wait || o->delete_old || o->verify_live;
    ao->wait_timeout_s = o->wait_timeout_s;
    ao->fresh = r->put.status == CERT_PUT_UPLOADED;
    ao->report = o->report;
    ao->progress = o->progress;
    ao->progress_ud = o->progress_ud;
    ao->include_current = true;
    ao->replace_gone_ok = o->delete_old;
    if (r->put.status == CERT_PUT_DRY_RUN) {
        ao->local_body = r->put.body;
        ao->local_chain = r->put.chain;
        ao->local_path = r->put.path;
    }
}

/* 3. Attach to every distribution that uses the old certificate (or the ones named). */
static bool stage_attach(rotate_run *rn, cert_err *err)
{
    cert_rotate_result *r = rn->r;
    cert_attach_opts ao = CERT_ATTACH_OPTS_INIT;
    const cert_failure *worst = NULL;
    cert_exit e = CERT_EXIT_OK;

    r->stage = "attach";
    attach_opts(rn, &ao);
    if ((*err = cert_attach_run(&ao, &r->attach)) < 0)
        return false;
    if (r->attach->failure.err < 0) {
        *err = stop(rn, r->attach->failure.err, r->attach->failure.message);
        return false;
    }
    for (size_t i = 0; i < r->attach->count; i++) {
        if (cert_attach_dist_exit(&r->attach->dists[i]) > e) {
            e = cert_attach_dist_exit(&r->attach->dists[i]);
            worst = cert_attach_dist_failure(&r->attach->dists[i]);
        }
    }
    if (worst != NULL) {
        *err = stop(rn, worst->err, "a distribution was not changed; see each one");
        return false;
    }
    return true;
}

typedef struct confirm_ctx {
    ops_workers workers;
    cert_rotate_result *r;
} confirm_ctx;

static void *take(void *ud)
{
    return cert_ops__worker_take(&((confirm_ctx *)ud)->workers);
}

static void give(void *state, void *ud)
{
    cert_ops__worker_give(&((confirm_ctx *)ud)->workers, state);
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

/* 4. Confirm: read each distribution again. */
static bool stage_confirm(rotate_run *rn, cert_err *err)
{
    cert_rotate_result *r = rn->r;
    confirm_ctx cc;
    cert_pool_ops ops = {take, give, confirm_item};
    unsigned int jobs = rn->o->jobs ? rn->o->jobs : 4;

    r->stage = "confirm";
    r->confirmed = calloc(r->attach->count ? r->attach->count : 1, sizeof(*r->confirmed));
    if (r->confirmed == NULL) {
        *err = cert__error_nomem();
        return false;
    }
    cc.r = r;
    if ((*err = cert_aws_resolve_credentials(rn->aws, NULL)) < 0) {
        *err = stop_aws(rn, *err);
        return false;
    }
    if ((*err = cert_ops__workers_init(&cc.workers, rn->aws, jobs)) < 0)
        return false;
    cert__pool_run(r->attach->count, jobs, &ops, &cc);
    cert_ops__workers_fini(&cc.workers);
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

/* 5. What the edge serves. */
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

/* The old certificate's name (DeleteServerCertificate takes names); NULL when it is gone. */
static cert_err old_name(rotate_run *rn, char **name)
{
    const cert_iam_cert *old = &rn->r->attach->replaced;

    *name = NULL;
    if (old->name != NULL)
        return (*name = strdup(old->name)) ? CERT_OK : cert__error_nomem();
    if (old->id == NULL)
        return CERT_OK;
    /* Given as an id: find its name. A failed listing reads as "gone", as before. */
    return cert_ops__name_of_id(rn->aws, old->id, name) == CERT_E_NOMEM ? CERT_E_NOMEM : CERT_OK;
}

/* Delete, retrying DeleteConflict while a distribution that used it is still InProgress. */
static cert_err delete_retrying(rotate_run *rn, const char *name)
{
    cert_rotate_result *r = rn->r;
    unsigned int wait_s = rn->o->wait_timeout_s ? rn->o->wait_timeout_s : 1200;
    time_t deadline = time(NULL) + (time_t)wait_s;
    double backoff = 2;

    for (;;) {
        cert_err err = cert_iam_delete(rn->aws, name);
        const char *code = cert_aws_last_error(rn->aws)->code;

        if (err == CERT_OK) {
            r->deleted = CERT_DELETE_DELETED;
            cert_ops__say(&rn->progress, "deleted the old certificate %s", name);
            return CERT_OK;
        }
        if (err == CERT_E_AWS && strcmp(code, "NoSuchEntity") == 0) {
            r->deleted = CERT_DELETE_ALREADY_GONE;
            return CERT_OK;
        }
        if (err == CERT_E_AWS && strcmp(code, "DeleteConflict") == 0 &&
            time(NULL) + (time_t)backoff < deadline) {
            cert_ops__say(&rn->progress, "%s is still in use (DeleteConflict); retrying in %.0f s",
                          name, backoff);
            cert_ops__sleep(backoff);
            backoff = backoff * 2 > 30 ? 30 : backoff * 2;
            continue;
        }
        r->deleted = CERT_DELETE_FAILED;
        if ((r->delete_message = strdup(cert_error_last()->message)) == NULL)
            return cert__error_nomem();
        return stop_aws(rn, err);
    }
}

/* 6. The old certificate, once nothing uses it. */
static cert_err stage_delete(rotate_run *rn)
{
    cert_rotate_result *r = rn->r;
    char *name = NULL;
    cert_err err = CERT_OK;

    if (r->attach->replaced_gone) {
        r->deleted = CERT_DELETE_ALREADY_GONE;
        r->delete_message = strdup("already deleted");
        return r->delete_message ? CERT_OK : cert__error_nomem();
    }
    CERT_TRY(old_name(rn, &name));
    if (name == NULL) {
        r->deleted = CERT_DELETE_ALREADY_GONE;
        if ((r->delete_message = strdup("no certificate has that id any more")) == NULL)
            CERT_NOMEM();
    } else if (rn->o->dry_run) {
        r->deleted = CERT_DELETE_WOULD_DELETE;
        r->delete_message = name;
        name = NULL;
    } else {
        CERT_TRY(delete_retrying(rn, name));
    }

done:
    free(name);
    return err;
}

/* Stages 3 to 6, after a successful upload. */
static cert_err after_upload(rotate_run *rn)
{
    const cert_rotate_opts *o = rn->o;
    cert_rotate_result *r = rn->r;
    cert_err err = CERT_OK;

    if (!stage_attach(rn, &err))
        return err;
    if (o->dry_run) {
        if (o->delete_old && (err = stage_delete(rn)) < 0)
            return err;
        r->stage = "done";
        return CERT_OK;
    }
    if (!stage_confirm(rn, &err) || (o->verify_live && !stage_verify(rn, &err)))
        return err;
    if (o->delete_old) {
        r->stage = "delete";
        if ((err = stage_delete(rn)) < 0 || r->deleted == CERT_DELETE_FAILED)
            return err;
    }
    r->stage = "done";
    return CERT_OK;
}

static cert_err run(rotate_run *rn)
{
    static const cert_aws_opts aws_defaults = CERT_AWS_OPTS_INIT;
    cert_err err = CERT_OK;

    if (!stage_check(rn, &err))
        return err;
    if ((err = cert_aws_new(rn->o->aws ? rn->o->aws : &aws_defaults, &rn->aws)) < 0)
        return stop_aws(rn, err);
    if (!stage_upload(rn, &err))
        return err;
    return after_upload(rn);
}

cert_err cert_rotate_run(const cert_rotate_opts *o, cert_rotate_result **out)
{
    rotate_run rn;
    cert_err err;

    if (out == NULL || o == NULL || o->input_count == 0 ||
        (o->replace == NULL && o->distribution_count == 0))
        return cert__error_set(CERT_E_INVALID,
                               "give the new bundle and --replace OLD_CERT or --distribution ID");
    if (o->delete_old && o->replace == NULL)
        return cert__error_set(CERT_E_INVALID, "--delete-old needs --replace OLD_CERT");
    if (o->ssl_support_method != NULL && !cert_cf_ssl_support_method_valid(o->ssl_support_method))
        return cert__error_set(CERT_E_INVALID,
                               "--ssl-support-method %s: give sni-only, vip or static-ip",
                               o->ssl_support_method);
    if (o->min_tls != NULL && !cert_cf_min_protocol_valid(o->min_tls))
        return cert__error_set(CERT_E_INVALID,
                               "--min-tls %s: not a CloudFront MinimumProtocolVersion (e.g. "
                               "TLSv1.2_2021)",
                               o->min_tls);
    *out = NULL;
    memset(&rn, 0, sizeof(rn));
    rn.o = o;
    if ((rn.r = calloc(1, sizeof(*rn.r))) == NULL)
        return cert__error_nomem();
    rn.r->version = CERT_RESULTS_VERSION;
    rn.r->put.version = CERT_RESULTS_VERSION;
    rn.r->put.meta.upload_date = rn.r->put.meta.expiration = INT64_MIN;
    cert_ops__progress_init(&rn.progress, o->progress, o->progress_ud);
    err = run(&rn);
    cert_ops__progress_fini(&rn.progress);
    cert_aws_free(rn.aws);
    if (err == CERT_E_NOMEM || err == CERT_E_INVALID) {
        cert_rotate_result_free(rn.r);
        return err;
    }
    *out = rn.r;
    return CERT_OK;
}
