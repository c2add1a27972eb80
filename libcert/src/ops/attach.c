/*
 * Attaching an IAM certificate to CloudFront distributions: resolve the certificate, check it
 * against every distribution first, then update each with If-Match, handling what CloudFront
 * answers in practice (CloudFront API Reference, UpdateDistribution, Errors; aws-rules.md):
 *   PreconditionFailed (412): someone changed it meanwhile: read again, check again, apply again
 *   InvalidViewerCertificate right after an upload: IAM's eventual consistency, retried for a
 *     bounded time (hashicorp/terraform-provider-aws#4698)
 *   IllegalUpdate "Only one viewer certificate change may be in progress at a time": wait for
 *     Deployed, then apply again (hashicorp/terraform#13495)
 */
#include "libcert/attach.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/aws_int.h"
#include "libcert/checks.h"
#include "util/error_int.h"
#include "util/json.h"
#include "util/pool.h"
#include "util/time_int.h"

#define MAX_412 5          /* re-reads after PreconditionFailed */
#define POLL_S 5           /* seconds between GetDistribution polls */
#define FRESH_UPLOAD_S 600 /* a certificate uploaded this recently may not be visible yet */
/* The pre-flight only reads (GetDistributionConfig), so it is not held to --jobs, which bounds
 * the changes; it reads this many distributions at most at once. */
#define PREFLIGHT_WIDTH 64

typedef struct run {
    const cert_attach_opts *o;
    cert_attach_result *r;
    char *body, *chain;    /* the certificate as IAM holds it */
    cert_report *base;     /* its certificates and chain, checked once per distribution */
    cert_check_opts check; /* the checks base was built with; each pre-flight adds aliases */
    cert_cf_config **cfgs; /* per distribution, from the pre-flight */
    char **prev_xml;       /* per distribution: ViewerCertificate before */
    pthread_mutex_t log_mu;
    int phase; /* 0 pre-flight, 1 dry run, 2 update, 3 rollback, 4 wait */
    bool fresh;
    cert_aws_opts aws_opts;
    /* Worker sessions, kept between the phases (their connections stay open) and made from
     * the main session's credentials: an idle one is on this stack. */
    const cert_aws *parent;
    pthread_mutex_t idle_mu;
    cert_aws **idle;
    size_t idle_count, idle_cap;
} run;

const char *cert_attach_state_name(cert_attach_state s)
{
    switch (s) {
    case CERT_ATTACH_PENDING:
        return "not-run";
    case CERT_ATTACH_UNCHANGED:
        return "unchanged";
    case CERT_ATTACH_UPDATED:
        return "updated";
    case CERT_ATTACH_WOULD_UPDATE:
        return "would-update";
    case CERT_ATTACH_REFUSED:
        return "refused";
    case CERT_ATTACH_FAILED:
        return "failed";
    case CERT_ATTACH_ROLLED_BACK:
        return "rolled-back";
    }
    return "unknown";
}

static void say(run *rn, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(run *rn, const char *fmt, ...)
{
    char line[1024];
    va_list ap;

    if (rn->o->progress == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&rn->log_mu);
    rn->o->progress(line, rn->o->progress_ud);
    pthread_mutex_unlock(&rn->log_mu);
}

static void sleep_s(double s)
{
    struct timespec ts;

    ts.tv_sec = (time_t)s;
    ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) != 0)
        ;
}

static double mono(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Fail one distribution with the thread's last error (and AWS's code when there is one). */
static void fail_dist(cert_attach_dist *d, cert_aws *aws, cert_err err, cert_attach_state state)
{
    const char *code = aws ? cert_aws_last_error(aws)->code : "";

    d->state = state;
    d->exit_code = cert_exit_for_err(err);
    free(d->message);
    d->message = strdup(cert_error_last()->message);
    free(d->aws_code);
    d->aws_code = code && code[0] ? strdup(code) : NULL;
}

static bool is_id(const char *s)
{
    size_t n = strlen(s);

    /* ServerCertificateId: "ASCA" and upper-case letters and digits (IAM User Guide,
     * "IAM identifiers", unique ID prefixes). */
    if (n < 16 || n > 128 || strncmp(s, "ASCA", 4) != 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!isupper((unsigned char)s[i]) && !isdigit((unsigned char)s[i]))
            return false;
    }
    return true;
}

/* NAME, ARN (arn:aws:iam::ACCOUNT:server-certificate/PATH/NAME) or ServerCertificateId. An id
 * can only be found by listing the account: the one place certattach lists certificates. */
static cert_err resolve(cert_aws *aws, const char *spec, cert_iam_cert *meta, char **body,
                        char **chain)
{
    const char *name = spec;
    char *found = NULL;
    cert_err err;

    if (strncmp(spec, "arn:", 4) == 0) {
        const char *slash = strrchr(spec, '/');

        if (slash == NULL || strstr(spec, ":server-certificate/") == NULL || slash[1] == '\0')
            return cert__error_set(CERT_E_INVALID,
                                   "%s is not a server certificate ARN "
                                   "(arn:aws:iam::ACCOUNT:server-certificate/PATH/NAME)",
                                   spec);
        name = slash + 1;
    } else if (is_id(spec)) {
        cert_iam_cert *v = NULL;
        size_t n = 0;

        err = cert_iam_list(aws, NULL, 0, &v, &n);
        if (err < 0)
            return err;
        for (size_t i = 0; i < n && found == NULL; i++) {
            if (strcmp(v[i].id, spec) == 0)
                found = strdup(v[i].name);
        }
        cert_iam_certs_free(v, n);
        if (found == NULL)
            return cert__error_set(CERT_E_AWS,
                                   "no IAM server certificate has the id %s (NoSuchEntity)", spec);
        name = found;
    }
    err = cert_iam_get(aws, name, meta, body, chain);
    free(found);
    return err;
}

static cert_err add_dist(cert_attach_result *r, const char *id, size_t *cap)
{
    for (size_t i = 0; i < r->count; i++) {
        if (strcmp(r->dists[i].id, id) == 0)
            return CERT_OK; /* named twice */
    }
    if (cert__array_reserve(&r->dists, cap, r->count, 16, sizeof(*r->dists)) < 0)
        return CERT_E_NOMEM;
    memset(&r->dists[r->count], 0, sizeof(r->dists[0]));
    r->dists[r->count].id = strdup(id);
    if (r->dists[r->count].id == NULL)
        return cert__error_nomem();
    r->count++;
    return CERT_OK;
}

/* ---- per-thread AWS sessions ---- */

static void *worker_init(void *ud)
{
    run *rn = ud;
    cert_aws *aws = NULL;

    pthread_mutex_lock(&rn->idle_mu);
    if (rn->idle_count > 0)
        aws = rn->idle[--rn->idle_count];
    pthread_mutex_unlock(&rn->idle_mu);
    if (aws == NULL && cert_aws__clone(rn->parent, &aws) < 0)
        return NULL;
    return aws;
}

/* Back on the stack for the next phase; the stack has room for every worker (reserved). */
static void worker_fini(void *state, void *ud)
{
    run *rn = ud;

    if (state == NULL)
        return;
    pthread_mutex_lock(&rn->idle_mu);
    if (rn->idle_count < rn->idle_cap)
        rn->idle[rn->idle_count++] = state;
    else
        cert_aws_free(state);
    pthread_mutex_unlock(&rn->idle_mu);
}

/* ---- the pre-flight ---- */

/* The checks of this certificate against this distribution's aliases. */
static cert_err preflight_check(run *rn, cert_attach_dist *d, cert_cf_config *cfg)
{
    cert_check_opts k = rn->check;
    const char *const *aliases;
    size_t na = cert_cf_config_aliases(cfg, &aliases);
    char label[200];
    cert_err err;

    /* ...and it must cover every alias (a wildcard alias needs the identical wildcard name). */
    k.hosts = aliases;
    k.host_count = na;
    snprintf(label, sizeof(label), "iam:%s for %s", rn->r->cert.name, d->id);
    cert_report_free(d->report);
    d->report = NULL;
    for (size_t i = 0; i < d->alias_count; i++)
        free(d->aliases[i]);
    free(d->aliases);
    d->aliases = calloc(na ? na : 1, sizeof(*d->aliases));
    d->alias_count = 0;
    if (d->aliases == NULL)
        return cert__error_nomem();
    for (size_t i = 0; i < na; i++) {
        d->aliases[i] = strdup(aliases[i]);
        if (d->aliases[i] == NULL)
            return cert__error_nomem();
        d->alias_count++;
    }
    err = cert_report_recheck(rn->base, label, &k, &d->report);
    if (err < 0)
        return err;
    if (cert_report_exit_code(d->report) != CERT_EXIT_OK) {
        const cert_findings *f = cert_report_findings(d->report);
        char msg[1024] = "";
        size_t off = 0;
        const char *emsg;

        if (cert_report_error(d->report, &emsg) < 0) {
            snprintf(msg, sizeof(msg), "%s", emsg);
        } else {
            for (size_t i = 0; i < cert_findings_count(f) && off < sizeof(msg); i++) {
                const cert_finding *fi = cert_findings_at(f, i);

                if (fi->severity == CERT_SEV_ERROR)
                    off += (size_t)snprintf(msg + off, sizeof(msg) - off, "%s%s: %s",
                                            off ? "; " : "", fi->code, fi->message);
            }
        }
        d->state = CERT_ATTACH_REFUSED;
        d->exit_code = cert_report_exit_code(d->report);
        free(d->message);
        d->message = strdup(msg);
    }
    return CERT_OK;
}

static void preflight_item(size_t i, void *state, void *ud)
{
    run *rn = ud;
    cert_aws *aws = state;
    cert_attach_dist *d = &rn->r->dists[i];
    cert_err err;

    if (aws == NULL) {
        fail_dist(d, NULL, cert__error_set(CERT_E_INTERNAL, "cannot make an AWS session"),
                  CERT_ATTACH_FAILED);
        return;
    }
    err = cert_cf_config_get(aws, d->id, &rn->cfgs[i]);
    if (err == CERT_OK)
        err = cert_cf_config_viewer(rn->cfgs[i], &d->previous);
    if (err == CERT_OK)
        err = cert_cf_config_viewer_xml(rn->cfgs[i], &rn->prev_xml[i]);
    if (err == CERT_OK)
        err = preflight_check(rn, d, rn->cfgs[i]);
    if (err < 0)
        fail_dist(d, aws, err, CERT_ATTACH_FAILED);
}

/* ---- the changes ---- */

/* Wait until the distribution is Deployed; false on timeout or error (d->message says). */
static bool wait_deployed(run *rn, cert_aws *aws, cert_attach_dist *d, double deadline)
{
    for (;;) {
        char *status = NULL;
        cert_err err = cert_cf_status(aws, d->id, &status);
        bool done = err == CERT_OK && strcmp(status, "Deployed") == 0;

        free(status);
        if (err < 0)
            return false;
        if (done)
            return true;
        if (mono() >= deadline) {
            cert__error_set(CERT_E_NET, "%s is still InProgress after %u s; run again later", d->id,
                            rn->o->wait_timeout_s ? rn->o->wait_timeout_s : 1200);
            return false;
        }
        say(rn, "%s: InProgress; waiting for Deployed", d->id);
        sleep_s(rn->o->wait ? 2.0 : POLL_S);
    }
}

static bool code_is(cert_aws *aws, const char *code)
{
    return strcmp(cert_aws_last_error(aws)->code, code) == 0;
}

/* Apply the change to one distribution, as many times as CloudFront's answers call for. */
static void update_item(size_t i, void *state, void *ud)
{
    run *rn = ud;
    cert_aws *aws = state;
    cert_attach_dist *d = &rn->r->dists[i];
    cert_cf_attach a;
    unsigned int wait_s = rn->o->wait_timeout_s ? rn->o->wait_timeout_s : 1200;
    unsigned int consistency_s = rn->o->consistency_s ? rn->o->consistency_s : 120;
    double start = mono(), backoff = 1.0;
    int rereads = 0;

    if (d->state != CERT_ATTACH_PENDING)
        return;
    if (aws == NULL) {
        fail_dist(d, NULL, cert__error_set(CERT_E_INTERNAL, "cannot make an AWS session"),
                  CERT_ATTACH_FAILED);
        return;
    }
    a.iam_certificate_id = rn->r->cert.id;
    a.ssl_support_method = rn->o->ssl_support_method;
    a.minimum_protocol_version = rn->o->min_tls;
    bool pending = false; /* the document is edited but CloudFront has not taken it yet */

    for (;;) {
        bool changed = false;
        cert_err err;
        char *change = NULL;

        if (!pending) {
            err = cert_cf_config_set_iam(rn->cfgs[i], &a, &change, &changed);
            if (err < 0) {
                fail_dist(d, aws, err, CERT_ATTACH_FAILED);
                return;
            }
            free(d->change);
            d->change = changed ? change : NULL;
            if (!changed) {
                free(change);
                d->state = CERT_ATTACH_UNCHANGED;
                d->exit_code = CERT_EXIT_OK;
                return;
            }
            pending = true;
        }
        if (rn->phase == 1) {
            d->state = CERT_ATTACH_WOULD_UPDATE;
            d->exit_code = CERT_EXIT_OK;
            return;
        }
        d->attempts++;
        err = cert_cf_config_put(aws, rn->cfgs[i], NULL);
        if (err == CERT_OK) {
            d->state = CERT_ATTACH_UPDATED;
            d->exit_code = CERT_EXIT_OK;
            say(rn, "%s: updated (%s)", d->id, d->change);
            return;
        }
        if (err == CERT_E_AWS &&
            (code_is(aws, "PreconditionFailed") || code_is(aws, "InvalidIfMatchVersion")) &&
            rereads < MAX_412) {
            /* Someone changed the distribution between our read and our update: read it again,
             * check again (its aliases may have changed), apply again. If-Match stays. */
            rereads++;
            say(rn, "%s: changed by someone else meanwhile (PreconditionFailed); reading it again",
                d->id);
            cert_cf_config_free(rn->cfgs[i]);
            rn->cfgs[i] = NULL;
            err = cert_cf_config_get(aws, d->id, &rn->cfgs[i]);
            if (err == CERT_OK)
                err = preflight_check(rn, d, rn->cfgs[i]);
            if (err < 0) {
                fail_dist(d, aws, err, CERT_ATTACH_FAILED);
                return;
            }
            if (d->state == CERT_ATTACH_REFUSED)
                return;
            pending = false; /* a fresh document: edit it again */
            continue;
        }
        if (err == CERT_E_AWS && code_is(aws, "InvalidViewerCertificate") && rn->fresh &&
            mono() - start < consistency_s) {
            /* Back off, but use the whole budget: the last wait ends at its end. */
            double left = consistency_s - (mono() - start), wait = backoff < left ? backoff : left;

            say(rn,
                "%s: CloudFront does not see the new certificate yet (IAM is eventually "
                "consistent); retrying in %.1f s",
                d->id, wait);
            sleep_s(wait);
            backoff = backoff * 2 > 16 ? 16 : backoff * 2;
            continue;
        }
        if (err == CERT_E_AWS && code_is(aws, "IllegalUpdate") &&
            strstr(cert_aws_last_error(aws)->message, "viewer certificate change") != NULL) {
            say(rn,
                "%s: an earlier viewer-certificate change is still in progress; waiting for "
                "Deployed",
                d->id);
            if (!wait_deployed(rn, aws, d, mono() + wait_s)) {
                fail_dist(d, aws, cert_error_last()->code, CERT_ATTACH_FAILED);
                return;
            }
            cert_cf_config_free(rn->cfgs[i]);
            rn->cfgs[i] = NULL;
            err = cert_cf_config_get(aws, d->id, &rn->cfgs[i]);
            if (err < 0) {
                fail_dist(d, aws, err, CERT_ATTACH_FAILED);
                return;
            }
            pending = false;
            continue;
        }
        fail_dist(d, aws, err, CERT_ATTACH_FAILED);
        return;
    }
}

/* Put back the ViewerCertificate of a distribution that changed. */
static void rollback_item(size_t i, void *state, void *ud)
{
    run *rn = ud;
    cert_aws *aws = state;
    cert_attach_dist *d = &rn->r->dists[i];
    unsigned int wait_s = rn->o->wait_timeout_s ? rn->o->wait_timeout_s : 1200;
    double deadline = mono() + wait_s;

    if (d->state != CERT_ATTACH_UPDATED || aws == NULL)
        return;
    for (int tries = 0; tries < 2 * MAX_412; tries++) {
        cert_cf_config *cfg = NULL;
        cert_err err = cert_cf_config_get(aws, d->id, &cfg);

        if (err == CERT_OK)
            err = cert_cf_config_set_viewer_xml(cfg, rn->prev_xml[i]);
        if (err == CERT_OK)
            err = cert_cf_config_put(aws, cfg, NULL);
        cert_cf_config_free(cfg);
        if (err == CERT_OK) {
            d->state = CERT_ATTACH_ROLLED_BACK;
            say(rn, "%s: rolled back to its previous ViewerCertificate", d->id);
            return;
        }
        if (err == CERT_E_AWS && code_is(aws, "IllegalUpdate")) {
            /* Our own change is still in progress: wait for it, then put it back. */
            if (!wait_deployed(rn, aws, d, deadline))
                break;
            continue;
        }
        if (err == CERT_E_AWS && code_is(aws, "PreconditionFailed"))
            continue;
        break;
    }
    {
        char msg[1024];

        snprintf(msg, sizeof(msg), "rollback failed: %s; its previous IAMCertificateId was %s",
                 cert_error_last()->message,
                 d->previous.iam_certificate_id ? d->previous.iam_certificate_id : "(none)");
        free(d->message);
        d->message = strdup(msg);
        if (d->exit_code < CERT_EXIT_AWS)
            d->exit_code = CERT_EXIT_AWS;
    }
}

static void wait_item(size_t i, void *state, void *ud)
{
    run *rn = ud;
    cert_aws *aws = state;
    cert_attach_dist *d = &rn->r->dists[i];
    unsigned int wait_s = rn->o->wait_timeout_s ? rn->o->wait_timeout_s : 1200;

    if ((d->state != CERT_ATTACH_UPDATED && d->state != CERT_ATTACH_UNCHANGED &&
         d->state != CERT_ATTACH_ROLLED_BACK) ||
        aws == NULL)
        return;
    if (wait_deployed(rn, aws, d, mono() + wait_s)) {
        d->deployed = true;
        say(rn, "%s: Deployed", d->id);
    } else {
        free(d->message);
        d->message = strdup(cert_error_last()->message);
        if (d->exit_code < CERT_EXIT_RETRY)
            d->exit_code = CERT_EXIT_RETRY;
    }
}

static cert_exit worst(const cert_attach_result *r)
{
    cert_exit e = CERT_EXIT_OK;

    for (size_t i = 0; i < r->count; i++) {
        if (r->dists[i].exit_code > e)
            e = r->dists[i].exit_code;
    }
    return e;
}

cert_err cert_attach_run(const cert_attach_opts *o, cert_attach_result **out)
{
    static const cert_aws_opts aws_defaults = CERT_AWS_OPTS_INIT;
    cert_err err = CERT_OK;
    run rn;
    cert_attach_result *r = NULL;
    cert_aws *aws = NULL;
    size_t cap = 0;
    cert_pool_ops ops = {worker_init, worker_fini, preflight_item};
    unsigned int jobs, width;
    bool refused = false, failed = false;

    if (out == NULL || o == NULL || o->cert == NULL ||
        (o->distribution_count == 0 && o->replace == NULL))
        return cert__error_set(CERT_E_INVALID,
                               "give the certificate and the distributions (or --replace)");
    *out = NULL;
    memset(&rn, 0, sizeof(rn));
    pthread_mutex_init(&rn.log_mu, NULL);
    pthread_mutex_init(&rn.idle_mu, NULL);
    rn.o = o;
    rn.aws_opts = o->aws ? *o->aws : aws_defaults;
    jobs = o->jobs ? o->jobs : 4;
    r = calloc(1, sizeof(*r));
    if (r == NULL)
        CERT_NOMEM();
    rn.r = r;
    r->cert.upload_date = r->cert.expiration = INT64_MIN;
    r->replaced.upload_date = r->replaced.expiration = INT64_MIN;
    if (cert_aws_new(&rn.aws_opts, &aws) < 0) {
        err = cert_error_last()->code;
        goto fail_run;
    }
    /* The certificate, as IAM holds it (or, for a dry run before the upload, as it will). */
    if (o->local_body != NULL) {
        r->cert.name = strdup(o->cert);
        r->cert.id = strdup("(new)");
        r->cert.path = strdup(o->local_path ? o->local_path : "/cloudfront/");
        r->cert.arn = strdup("");
        rn.body = strdup(o->local_body);
        rn.chain = strdup(o->local_chain ? o->local_chain : "");
        if (!r->cert.name || !r->cert.id || !r->cert.path || !r->cert.arn || !rn.body || !rn.chain)
            CERT_NOMEM();
    } else if ((err = resolve(aws, o->cert, &r->cert, &rn.body, &rn.chain)) < 0) {
        goto fail_run;
    }
    rn.fresh = o->fresh || (r->cert.upload_date != INT64_MIN &&
                            cert_aws__now() - r->cert.upload_date < FRESH_UPLOAD_S);
    /* The distributions: named, or every one that uses the certificate to replace. */
    for (size_t i = 0; i < o->distribution_count; i++) {
        if ((err = cert_cf__check_id(o->distributions[i])) < 0 ||
            (err = add_dist(r, o->distributions[i], &cap)) < 0)
            goto fail_run;
    }
    if (o->replace != NULL) {
        cert_cf_dist *v = NULL;
        size_t n = 0;
        const char *old_id = o->replace;

        if (!is_id(o->replace)) {
            err = resolve(aws, o->replace, &r->replaced, NULL, NULL);
            if (err == CERT_E_AWS && o->replace_gone_ok &&
                strcmp(cert_aws_last_error(aws)->code, "NoSuchEntity") == 0) {
                /* Gone from IAM: nothing can use it any more (IAM refuses to delete a
                 * certificate a distribution uses). */
                r->replaced_gone = true;
                say(&rn, "%s is no longer in IAM: nothing uses it", o->replace);
                err = CERT_OK;
                if ((r->replaced.name = strdup(o->replace)) == NULL)
                    CERT_NOMEM();
            } else if (err < 0) {
                goto fail_run;
            }
            old_id = r->replaced.id;
        } else if ((r->replaced.id = strdup(o->replace)) == NULL) {
            CERT_NOMEM();
        }
        if ((err = cert_cf_list(aws, &v, &n)) < 0)
            goto fail_run;
        for (size_t i = 0; i < n && err == CERT_OK; i++) {
            const char *uses = v[i].iam_certificate_id;

            if (uses != NULL && ((old_id != NULL && strcmp(uses, old_id) == 0) ||
                                 (o->include_current && strcmp(uses, r->cert.id) == 0)))
                err = add_dist(r, v[i].id, &cap);
        }
        cert_cf_dists_free(v, n);
        if (err < 0)
            goto fail_run;
        say(&rn, "%zu distribution%s use%s %s", r->count, r->count == 1 ? "" : "s",
            r->count == 1 ? "s" : "", o->replace);
    }
    /* The certificate is parsed and its chain verified once; each distribution's pre-flight
     * checks it again against that distribution's aliases. */
    {
        cert_report_opts ro = o->report;
        char label[200];

        /* The certificate must be under /cloudfront/, unexpired, with a key CloudFront takes
         * (and no key is expected with it). */
        ro.check.key_not_expected = true;
        ro.check.key_required = false;
        ro.check.iam_path = r->cert.path;
        rn.check = ro.check;
        snprintf(label, sizeof(label), "iam:%s", r->cert.name);
        if ((err = cert_report_build_pem(label, rn.body, rn.chain, &ro, &rn.base)) < 0)
            goto fail_run;
    }
    /* The workers start from these credentials (one run of the provider chain, not one a
     * worker). */
    if (cert_aws_resolve_credentials(aws, NULL) < 0) {
        err = cert_error_last()->code;
        goto fail_run;
    }
    rn.parent = aws;
    rn.cfgs = calloc(r->count ? r->count : 1, sizeof(*rn.cfgs));
    rn.prev_xml = calloc(r->count ? r->count : 1, sizeof(*rn.prev_xml));
    width = r->count < PREFLIGHT_WIDTH ? (unsigned int)r->count : PREFLIGHT_WIDTH;
    if (width < jobs)
        width = jobs;
    rn.idle_cap = width;
    rn.idle = calloc(width ? width : 1, sizeof(*rn.idle));
    if (rn.cfgs == NULL || rn.prev_xml == NULL || rn.idle == NULL)
        CERT_NOMEM();
    /* 1. Every pre-flight before the first change: reads only, so wider than --jobs. */
    rn.phase = 0;
    cert__pool_run(r->count, width, &ops, &rn);
    for (size_t i = 0; i < r->count; i++) {
        refused = refused || r->dists[i].state == CERT_ATTACH_REFUSED;
        failed = failed || r->dists[i].state == CERT_ATTACH_FAILED;
    }
    if (refused || failed) {
        say(&rn, "nothing changed: the pre-flight failed for at least one distribution");
        goto finish;
    }
    /* 2. The changes (or, for a dry run, what they would be). */
    rn.phase = o->dry_run ? 1 : 2;
    ops.item = update_item;
    cert__pool_run(r->count, jobs, &ops, &rn);
    for (size_t i = 0; i < r->count; i++)
        failed = failed || r->dists[i].state == CERT_ATTACH_FAILED ||
                 r->dists[i].state == CERT_ATTACH_REFUSED;
    /* 3. A failure midway: put back what changed, when asked. */
    if (failed && o->rollback_on_failure && !o->dry_run) {
        rn.phase = 3;
        ops.item = rollback_item;
        cert__pool_run(r->count, jobs, &ops, &rn);
    }
    /* 4. Deployed. */
    if (o->wait && !o->dry_run) {
        rn.phase = 4;
        ops.item = wait_item;
        cert__pool_run(r->count, jobs, &ops, &rn);
    }

finish:
    r->exit_code = worst(r);
    *out = r;
    r = NULL;
    err = CERT_OK;
    goto done;

fail_run:
    r->message = strdup(cert_error_last()->message);
    r->exit_code = cert_exit_for_err(err);
    *out = r;
    r = NULL;
    err = CERT_OK;

done:
    for (size_t i = 0; rn.cfgs != NULL && rn.r != NULL && i < rn.r->count; i++) {
        cert_cf_config_free(rn.cfgs[i]);
        free(rn.prev_xml[i]);
    }
    free(rn.cfgs);
    free(rn.prev_xml);
    free(rn.body);
    free(rn.chain);
    cert_report_free(rn.base);
    for (size_t i = 0; i < rn.idle_count; i++)
        cert_aws_free(rn.idle[i]);
    free(rn.idle);
    cert_aws_free(aws);
    cert_attach_result_free(r);
    pthread_mutex_destroy(&rn.log_mu);
    pthread_mutex_destroy(&rn.idle_mu);
    return err;
}

void cert_attach_result_free(cert_attach_result *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->count; i++) {
        cert_attach_dist *d = &r->dists[i];

        free(d->id);
        for (size_t k = 0; k < d->alias_count; k++)
            free(d->aliases[k]);
        free(d->aliases);
        cert_cf_viewer_clear(&d->previous);
        free(d->change);
        free(d->message);
        free(d->aws_code);
        cert_report_free(d->report);
    }
    free(r->dists);
    cert_iam_cert_clear(&r->cert);
    cert_iam_cert_clear(&r->replaced);
    free(r->message);
    free(r);
}

/* ---- rendering ---- */

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

cert_err cert_attach_write(const cert_attach_result *r, bool json, FILE *f)
{
    if (json) {
        json_t *o = json_object(), *dists = json_array(), *lc = json_object();
        int rc;

        if (r->cert.name != NULL)
            json_object_set_new(o, "ServerCertificateMetadata", cert_iam__meta_json(&r->cert));
        for (size_t i = 0; i < r->count; i++) {
            const cert_attach_dist *d = &r->dists[i];
            json_t *dj = json_object(), *prev = json_object(), *al = json_array();

            json_object_set_new(dj, "Id", json_string(d->id));
            for (size_t k = 0; k < d->alias_count; k++)
                json_array_append_new(al, json_string(d->aliases[k]));
            json_object_set_new(dj, "Aliases", al);
            json_object_set_new(dj, "status", json_string(cert_attach_state_name(d->state)));
            json_object_set_new(dj, "changed", json_boolean(d->state == CERT_ATTACH_UPDATED));
            json_object_set_new(dj, "exit_code", json_integer(d->exit_code));
            json_object_set_new(prev, "CloudFrontDefaultCertificate",
                                json_boolean(d->previous.default_certificate));
            json_object_set_new(prev, "IAMCertificateId",
                                str_or_null(d->previous.iam_certificate_id));
            json_object_set_new(prev, "ACMCertificateArn",
                                str_or_null(d->previous.acm_certificate_arn));
            json_object_set_new(prev, "SSLSupportMethod",
                                str_or_null(d->previous.ssl_support_method));
            json_object_set_new(prev, "MinimumProtocolVersion",
                                str_or_null(d->previous.minimum_protocol_version));
            json_object_set_new(dj, "PreviousViewerCertificate", prev);
            json_object_set_new(dj, "change", str_or_null(d->change));
            json_object_set_new(dj, "attempts", json_integer(d->attempts));
            json_object_set_new(dj, "deployed", json_boolean(d->deployed));
            if (d->message != NULL) {
                json_t *e = json_object();

                json_object_set_new(e, "message", json_string(d->message));
                json_object_set_new(e, "aws_code", str_or_null(d->aws_code));
                json_object_set_new(dj, "error", e);
            }
            if (d->report != NULL && cert_report_findings(d->report) != NULL) {
                json_t *fa = json_array();
                const cert_findings *fs = cert_report_findings(d->report);

                for (size_t k = 0; k < cert_findings_count(fs); k++) {
                    const cert_finding *fi = cert_findings_at(fs, k);
                    json_t *fo = json_object();

                    json_object_set_new(fo, "code", json_string(fi->code));
                    json_object_set_new(fo, "severity",
                                        json_string(cert_severity_name(fi->severity)));
                    json_object_set_new(fo, "message", json_string(fi->message));
                    json_array_append_new(fa, fo);
                }
                json_object_set_new(dj, "findings", fa);
            }
            json_array_append_new(dists, dj);
        }
        json_object_set_new(o, "Distributions", dists);
        json_object_set_new(lc, "schema", json_integer(1));
        json_object_set_new(lc, "exit_code", json_integer(r->exit_code));
        if (r->replaced.id != NULL)
            json_object_set_new(lc, "replaced", json_string(r->replaced.id));
        if (r->message != NULL)
            json_object_set_new(lc, "error", json_string(r->message));
        json_object_set_new(o, "libcert", lc);
        rc = cert__json_write(o, f) == CERT_OK ? 0 : -1;
        json_decref(o);
        return rc == 0 ? CERT_OK : cert__error_set(CERT_E_IO, "cannot write the result");
    }
    if (r->message != NULL && r->count == 0)
        return CERT_OK; /* the tool prints the error */
    if (r->count == 0)
        fprintf(f, "no distribution to change%s%s\n", r->replaced.id ? ": none uses " : "",
                r->replaced.id ? r->replaced.id : "");
    for (size_t i = 0; i < r->count; i++) {
        const cert_attach_dist *d = &r->dists[i];

        fprintf(f, "%s %s", d->id, cert_attach_state_name(d->state));
        if (d->change != NULL &&
            (d->state == CERT_ATTACH_UPDATED || d->state == CERT_ATTACH_WOULD_UPDATE ||
             d->state == CERT_ATTACH_ROLLED_BACK))
            fprintf(f, ": %s", d->change);
        if (d->state == CERT_ATTACH_UNCHANGED)
            fprintf(f, ": already uses %s", r->cert.id);
        if (d->message != NULL)
            fprintf(f, ": %s", d->message);
        if (d->deployed)
            fprintf(f, " (Deployed)");
        fputc('\n', f);
    }
    return ferror(f) ? cert__error_set(CERT_E_IO, "cannot write the result") : CERT_OK;
}
