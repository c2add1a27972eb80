/* The renewal pipeline: check, upload, attach, confirm, verify, delete the old certificate. */
#include "libcert/rotate.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/aws_int.h"
#include "libcert/split.h"
#include "util/error_int.h"
#include "util/json.h"
#include "util/pool.h"

static void say(const cert_rotate_opts *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void say(const cert_rotate_opts *o, const char *fmt, ...)
{
    char line[1024];
    va_list ap;

    if (o->progress == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    o->progress(line, o->progress_ud);
}

static void stop(cert_rotate_result *r, cert_exit code, const char *msg)
{
    if (code > r->exit_code)
        r->exit_code = code;
    if (msg != NULL && r->message == NULL)
        r->message = strdup(msg);
}

/* ---- confirm: each distribution references the new certificate ---- */

typedef struct confirm_ctx {
    const cert_rotate_opts *o;
    cert_rotate_result *r;
    cert_aws_opts aws_opts;
} confirm_ctx;

static void *session(void *ud)
{
    confirm_ctx *c = ud;
    cert_aws *aws = NULL;

    return cert_aws_new(&c->aws_opts, &aws) < 0 ? NULL : aws;
}

static void session_free(void *state, void *ud)
{
    (void)ud;
    cert_aws_free(state);
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

/* ---- verify-live: what the edge serves for each alias ---- */

static cert_err live_checks(const cert_rotate_opts *o, cert_rotate_result *r, X509 *leaf)
{
    size_t n = 0;

    for (size_t i = 0; i < r->attach->count; i++)
        n += r->confirmed[i] ? r->attach->dists[i].alias_count : 0;
    r->live = calloc(n ? n : 1, sizeof(*r->live));
    if (r->live == NULL)
        return cert__error_nomem();
    for (size_t i = 0; i < r->attach->count; i++) {
        const cert_attach_dist *d = &r->attach->dists[i];

        if (!r->confirmed[i])
            continue;
        for (size_t k = 0; k < d->alias_count; k++) {
            cert_live_check *lc = &r->live[r->live_count++];
            char host[300], port[16] = "443", sni[300];
            X509 *served = NULL;
            const char *alias = d->aliases[k];

            lc->distribution = strdup(d->id);
            lc->alias = strdup(alias);
            /* SNI cannot be a wildcard: ask for a name the wildcard covers. */
            if (alias[0] == '*' && alias[1] == '.')
                snprintf(sni, sizeof(sni), "libcert-verify%s", alias + 1);
            else
                snprintf(sni, sizeof(sni), "%s", alias);
            snprintf(host, sizeof(host), "%s", o->connect ? o->connect : sni);
            if (o->connect != NULL) {
                char *colon = strrchr(host, ':');

                if (colon != NULL && strchr(colon, ']') == NULL) {
                    snprintf(port, sizeof(port), "%s", colon + 1);
                    *colon = '\0';
                }
            }
            if (cert_tls_served_leaf(host, port, sni, 10000, &served) < 0) {
                lc->ok = false;
                lc->message = strdup(cert_error_last()->message);
            } else {
                char subj[300];

                lc->ok = X509_cmp(served, leaf) == 0;
                X509_NAME_oneline(X509_get_subject_name(served), subj, sizeof(subj));
                lc->message = strdup(lc->ok ? "serves the new certificate" : subj);
                if (!lc->ok) {
                    char *m = NULL;

                    free(lc->message);
                    if (asprintf(&m, "serves another certificate (%s)", subj) < 0)
                        m = NULL;
                    lc->message = m;
                }
            }
            X509_free(served);
            say(o, "verify-live %s (%s): %s", alias, d->id, lc->message ? lc->message : "");
        }
    }
    return CERT_OK;
}

/* ---- delete the old certificate once nothing uses it ---- */

static void delete_old(const cert_rotate_opts *o, cert_rotate_result *r, cert_aws *aws)
{
    const cert_iam_cert *old = &r->attach->replaced;
    char *name = old->name ? strdup(old->name) : NULL;
    unsigned int wait_s = o->wait_timeout_s ? o->wait_timeout_s : 1200;
    time_t deadline = time(NULL) + (time_t)wait_s;
    double backoff = 2;

    if (r->attach->replaced_gone) {
        r->deleted = CERT_DELETE_ALREADY_GONE;
        r->delete_message = strdup("already deleted");
        free(name);
        return;
    }
    if (name == NULL && old->id != NULL) {
        /* Given as an id: find its name (DeleteServerCertificate takes names). */
        cert_iam_cert *v = NULL;
        size_t n = 0;

        if (cert_iam_list(aws, NULL, 0, &v, &n) == CERT_OK) {
            for (size_t i = 0; i < n && name == NULL; i++) {
                if (strcmp(v[i].id, old->id) == 0)
                    name = strdup(v[i].name);
            }
            cert_iam_certs_free(v, n);
        }
        if (name == NULL) {
            r->deleted = CERT_DELETE_ALREADY_GONE;
            r->delete_message = strdup("no certificate has that id any more");
            return;
        }
    }
    if (o->dry_run) {
        r->deleted = CERT_DELETE_WOULD_DELETE;
        r->delete_message = strdup(name ? name : "");
        free(name);
        return;
    }
    for (;;) {
        cert_err err = cert_iam_delete(aws, name);
        const char *code = cert_aws_last_error(aws)->code;

        if (err == CERT_OK) {
            r->deleted = CERT_DELETE_DELETED;
            say(o, "deleted the old certificate %s", name);
            break;
        }
        if (err == CERT_E_AWS && strcmp(code, "NoSuchEntity") == 0) {
            r->deleted = CERT_DELETE_ALREADY_GONE;
            break;
        }
        /* DeleteConflict while a distribution that used it is still InProgress. */
        if (err == CERT_E_AWS && strcmp(code, "DeleteConflict") == 0 &&
            time(NULL) + (time_t)backoff < deadline) {
            say(o, "%s is still in use (DeleteConflict); retrying in %.0f s", name, backoff);
            nanosleep(&(struct timespec){(time_t)backoff, 0}, NULL);
            backoff = backoff * 2 > 30 ? 30 : backoff * 2;
            continue;
        }
        r->deleted = CERT_DELETE_FAILED;
        r->delete_message = strdup(cert_error_last()->message);
        stop(r, cert_exit_for_err(err), cert_error_last()->message);
        break;
    }
    free(name);
}

cert_err cert_rotate_run(const cert_rotate_opts *o, cert_rotate_result **out)
{
    static const cert_aws_opts aws_defaults = CERT_AWS_OPTS_INIT;
    cert_err err = CERT_OK;
    cert_rotate_result *r = NULL;
    cert_aws *aws = NULL;
    cert_report_opts ro;
    cert_attach_opts ao = CERT_ATTACH_OPTS_INIT;
    confirm_ctx cc;
    const char *msg;

    if (out == NULL || o == NULL || o->input_count == 0 ||
        (o->replace == NULL && o->distribution_count == 0))
        return cert__error_set(CERT_E_INVALID,
                               "give the new bundle and --replace OLD_CERT or --distribution ID");
    if (o->delete_old && o->replace == NULL)
        return cert__error_set(CERT_E_INVALID, "--delete-old needs --replace OLD_CERT");
    *out = NULL;
    r = calloc(1, sizeof(*r));
    if (r == NULL)
        return cert__error_nomem();
    r->put.meta.upload_date = r->put.meta.expiration = INT64_MIN;

    /* 1. Split and check: every check, no network while an error remains. */
    r->stage = "check";
    ro = o->report;
    ro.check.key_required = true;
    CERT_TRY(cert_report_build(o->inputs, o->input_count, &ro, &r->report));
    if (cert_report_error(r->report, &msg) < 0) {
        stop(r, cert_exit_for_err(cert_report_error(r->report, NULL)), msg);
        goto finish;
    }
    if (cert_report_exit_code(r->report) != CERT_EXIT_OK) {
        stop(r, CERT_EXIT_CHECK, "the new bundle fails its checks; nothing was changed");
        goto finish;
    }
    if (cert_aws_new(o->aws ? o->aws : &aws_defaults, &aws) < 0) {
        stop(r, cert_exit_for_err(cert_error_last()->code), cert_error_last()->message);
        goto finish;
    }

    /* 2. Upload: one request; an identical certificate already there is success. */
    r->stage = "upload";
    err = cert_iam_put(aws, cert_report_chain(r->report), &o->put, &r->put);
    if (err == CERT_E_NOMEM)
        goto done;
    if (err < 0) {
        stop(r, cert_exit_for_err(err), cert_error_last()->message);
        err = CERT_OK;
        goto finish;
    }
    say(o, "%s %s (%s)",
        r->put.status == CERT_PUT_UPLOADED ? "uploaded"
        : r->put.status == CERT_PUT_EXISTS ? "already in IAM:"
                                           : "would upload",
        r->put.name, r->put.meta.id ? r->put.meta.id : "dry run");

    /* 3. Attach to every distribution that uses the old certificate (or the ones named). */
    r->stage = "attach";
    ao.aws = o->aws;
    ao.cert = r->put.name; /* by name: an id could only be found by listing the account */
    ao.distributions = o->distributions;
    ao.distribution_count = o->distribution_count;
    ao.replace = o->replace;
    ao.ssl_support_method = o->ssl_support_method;
    ao.min_tls = o->min_tls;
    ao.dry_run = o->dry_run;
    ao.jobs = o->jobs;
    ao.rollback_on_failure = o->rollback_on_failure;
    ao.wait = o->wait || o->delete_old || o->verify_live;
    ao.wait_timeout_s = o->wait_timeout_s;
    ao.fresh = r->put.status == CERT_PUT_UPLOADED;
    ao.report = o->report;
    ao.progress = o->progress;
    ao.progress_ud = o->progress_ud;
    ao.include_current = true;
    ao.replace_gone_ok = o->delete_old;
    if (r->put.status == CERT_PUT_DRY_RUN) {
        ao.local_body = r->put.body;
        ao.local_chain = r->put.chain;
        ao.local_path = r->put.path;
    }
    CERT_TRY(cert_attach_run(&ao, &r->attach));
    if (r->attach->exit_code > r->exit_code)
        r->exit_code = r->attach->exit_code;
    if (r->attach->message != NULL) {
        stop(r, r->attach->exit_code, r->attach->message);
        goto finish;
    }
    if (r->attach->exit_code != CERT_EXIT_OK) {
        stop(r, r->attach->exit_code, "a distribution was not changed; see each one");
        goto finish;
    }
    if (o->dry_run) {
        if (o->delete_old)
            delete_old(o, r, aws);
        r->stage = "done";
        goto finish;
    }

    /* 4. Confirm: read each distribution again. */
    r->stage = "confirm";
    r->confirmed = calloc(r->attach->count ? r->attach->count : 1, sizeof(*r->confirmed));
    if (r->confirmed == NULL)
        CERT_NOMEM();
    cc.o = o;
    cc.r = r;
    cc.aws_opts = o->aws ? *o->aws : aws_defaults;
    {
        cert_pool_ops ops = {session, session_free, confirm_item};

        cert__pool_run(r->attach->count, o->jobs ? o->jobs : 4, &ops, &cc);
    }
    for (size_t i = 0; i < r->attach->count; i++) {
        if (!r->confirmed[i]) {
            stop(r, CERT_EXIT_AWS,
                 "a distribution does not reference the new certificate after "
                 "the update; run again");
            goto finish;
        }
    }

    /* 5. What the edge serves. */
    if (o->verify_live) {
        r->stage = "verify-live";
        CERT_TRY(live_checks(o, r, cert_chain_leaf(cert_report_chain(r->report))));
        for (size_t i = 0; i < r->live_count; i++) {
            if (!r->live[i].ok) {
                stop(r, CERT_EXIT_RETRY, "an alias does not serve the new certificate yet");
                goto finish;
            }
        }
    }

    /* 6. The old certificate, once nothing uses it. */
    if (o->delete_old) {
        r->stage = "delete";
        delete_old(o, r, aws);
        if (r->deleted == CERT_DELETE_FAILED)
            goto finish;
    }
    r->stage = "done";

finish:
    *out = r;
    r = NULL;
    err = CERT_OK;

done:
    cert_aws_free(aws);
    cert_rotate_result_free(r);
    return err;
}

void cert_rotate_result_free(cert_rotate_result *r)
{
    if (r == NULL)
        return;
    cert_report_free(r->report);
    cert_put_result_clear(&r->put);
    cert_attach_result_free(r->attach);
    free(r->confirmed);
    for (size_t i = 0; i < r->live_count; i++) {
        free(r->live[i].distribution);
        free(r->live[i].alias);
        free(r->live[i].message);
    }
    free(r->live);
    free(r->delete_message);
    free(r->message);
    free(r);
}

static const char *delete_name(cert_delete_state s)
{
    switch (s) {
    case CERT_DELETE_NOT_ASKED:
        return "not-asked";
    case CERT_DELETE_DELETED:
        return "deleted";
    case CERT_DELETE_ALREADY_GONE:
        return "already-gone";
    case CERT_DELETE_WOULD_DELETE:
        return "would-delete";
    case CERT_DELETE_FAILED:
        return "failed";
    }
    return "unknown";
}

static const char *put_name(const cert_rotate_result *r)
{
    if (r->put.name[0] == '\0')
        return "not-run";
    switch (r->put.status) {
    case CERT_PUT_UPLOADED:
        return "uploaded";
    case CERT_PUT_EXISTS:
        return "exists";
    case CERT_PUT_DRY_RUN:
        return "dry-run";
    }
    return "unknown";
}

/* The id a distribution had before this rotation: what the pre-flight read, or, for one that
 * an interrupted earlier run already moved, the certificate replaced. */
static const char *previous_id(const cert_rotate_result *r, const cert_attach_dist *d)
{
    if (d->state == CERT_ATTACH_UNCHANGED &&
        (r->attach->replaced.id != NULL || r->attach->replaced_gone))
        return r->attach->replaced.id; /* NULL when it is gone and its id unknown */
    return d->previous.iam_certificate_id;
}

cert_err cert_rotate_write(const cert_rotate_result *r, bool json, FILE *f)
{
    if (json) {
        json_t *o = json_object(), *lc = json_object(), *up = json_object(), *dists = json_array();
        int rc;

        if (r->put.meta.name != NULL)
            json_object_set_new(o, "ServerCertificateMetadata", cert_iam__meta_json(&r->put.meta));
        json_object_set_new(up, "status", json_string(put_name(r)));
        json_object_set_new(up, "name", json_string(r->put.name));
        json_object_set_new(o, "upload", up);
        for (size_t i = 0; r->attach != NULL && i < r->attach->count; i++) {
            const cert_attach_dist *d = &r->attach->dists[i];
            json_t *dj = json_object(), *al = json_array();
            const char *prev = previous_id(r, d);

            json_object_set_new(dj, "Id", json_string(d->id));
            for (size_t k = 0; k < d->alias_count; k++)
                json_array_append_new(al, json_string(d->aliases[k]));
            json_object_set_new(dj, "Aliases", al);
            json_object_set_new(dj, "status", json_string(cert_attach_state_name(d->state)));
            json_object_set_new(dj, "PreviousIAMCertificateId",
                                prev ? json_string(prev) : json_null());
            if (prev == NULL && r->attach->replaced_gone && r->attach->replaced.name != NULL)
                json_object_set_new(dj, "PreviousServerCertificateName",
                                    json_string(r->attach->replaced.name));
            json_object_set_new(dj, "confirmed",
                                json_boolean(r->confirmed != NULL && r->confirmed[i]));
            json_object_set_new(dj, "deployed", json_boolean(d->deployed));
            json_object_set_new(dj, "change", d->change ? json_string(d->change) : json_null());
            json_object_set_new(dj, "exit_code", json_integer(d->exit_code));
            if (d->message != NULL)
                json_object_set_new(dj, "error", json_string(d->message));
            json_array_append_new(dists, dj);
        }
        json_object_set_new(o, "Distributions", dists);
        if (r->live_count > 0) {
            json_t *lv = json_array();

            for (size_t i = 0; i < r->live_count; i++) {
                json_t *x = json_object();

                json_object_set_new(x, "Id", json_string(r->live[i].distribution));
                json_object_set_new(x, "alias", json_string(r->live[i].alias));
                json_object_set_new(x, "ok", json_boolean(r->live[i].ok));
                json_object_set_new(x, "message",
                                    json_string(r->live[i].message ? r->live[i].message : ""));
                json_array_append_new(lv, x);
            }
            json_object_set_new(o, "verify_live", lv);
        }
        {
            json_t *d = json_object();

            json_object_set_new(d, "status", json_string(delete_name(r->deleted)));
            if (r->attach != NULL && r->attach->replaced.id != NULL)
                json_object_set_new(d, "ServerCertificateId", json_string(r->attach->replaced.id));
            if (r->attach != NULL && r->attach->replaced.name != NULL)
                json_object_set_new(d, "ServerCertificateName",
                                    json_string(r->attach->replaced.name));
            if (r->delete_message != NULL)
                json_object_set_new(d, "message", json_string(r->delete_message));
            json_object_set_new(o, "delete_old", d);
        }
        json_object_set_new(lc, "schema", json_integer(1));
        json_object_set_new(lc, "stage", json_string(r->stage ? r->stage : ""));
        json_object_set_new(lc, "exit_code", json_integer(r->exit_code));
        if (r->message != NULL)
            json_object_set_new(lc, "error", json_string(r->message));
        json_object_set_new(o, "libcert", lc);
        rc = cert__json_write(o, f) == CERT_OK ? 0 : -1;
        json_decref(o);
        return rc == 0 ? CERT_OK : cert__error_set(CERT_E_IO, "cannot write the result");
    }
    if (r->put.name[0] != '\0')
        fprintf(f, "upload: %s %s%s%s\n", put_name(r), r->put.name, r->put.meta.id ? " " : "",
                r->put.meta.id ? r->put.meta.id : "");
    for (size_t i = 0; r->attach != NULL && i < r->attach->count; i++) {
        const cert_attach_dist *d = &r->attach->dists[i];
        const char *prev = previous_id(r, d);

        char gone[300] = "";

        if (prev == NULL && r->attach->replaced_gone)
            snprintf(gone, sizeof(gone), "unknown: %s, since deleted",
                     r->attach->replaced.name ? r->attach->replaced.name : "");
        fprintf(f, "distribution %s: %s (previous IAMCertificateId %s)%s%s%s%s\n", d->id,
                cert_attach_state_name(d->state),
                prev      ? prev
                : gone[0] ? gone
                          : "none",
                r->confirmed && r->confirmed[i] ? ", confirmed" : "",
                d->deployed ? ", Deployed" : "", d->message ? ": " : "",
                d->message ? d->message : "");
        if (d->change != NULL && d->state != CERT_ATTACH_UNCHANGED)
            fprintf(f, "  %s\n", d->change);
    }
    for (size_t i = 0; i < r->live_count; i++)
        fprintf(f, "verify-live %s (%s): %s\n", r->live[i].alias, r->live[i].distribution,
                r->live[i].message ? r->live[i].message : "");
    if (r->deleted != CERT_DELETE_NOT_ASKED)
        fprintf(f, "old certificate: %s%s%s\n", delete_name(r->deleted),
                r->delete_message ? ": " : "", r->delete_message ? r->delete_message : "");
    fprintf(f, "%s (stage %s, exit %d)\n", r->exit_code == CERT_EXIT_OK ? "done" : "stopped",
            r->stage ? r->stage : "", (int)r->exit_code);
    return ferror(f) ? cert__error_set(CERT_E_IO, "cannot write the result") : CERT_OK;
}
