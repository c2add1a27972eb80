/*
 * Attaching an IAM certificate to CloudFront distributions: resolve the certificate, check it
 * against every distribution first, then change each with If-Match (attach_change.c), roll back
 * on failure when asked, and wait for Deployed.
 */
#include <stdlib.h>
#include <string.h>

#include "aws/aws_int.h"
#include "ops/attach_int.h"
#include "util/error_int.h"
#include "util/pool.h"

/* The pre-flight only reads (GetDistributionConfig), so it is not held to --jobs, which bounds
 * the changes; it reads this many distributions at most at once. */
#define PREFLIGHT_WIDTH 64

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

/* The certificate, as IAM holds it (or, for a dry run before the upload, as it will). */
static cert_err the_certificate(attach_run *rn, cert_aws *aws)
{
    const cert_attach_opts *o = rn->o;
    cert_attach_result *r = rn->r;
    cert_err err;

    if (o->local_body == NULL) {
        err = cert_ops__resolve(aws, o->cert, &r->cert, &rn->body, &rn->chain);
        rn->fresh = o->fresh || (err == CERT_OK && r->cert.upload_date != INT64_MIN &&
                                 cert_aws__now() - r->cert.upload_date < ATTACH_FRESH_UPLOAD_S);
        return err;
    }
    r->cert.name = strdup(o->cert);
    r->cert.id = strdup("(new)");
    r->cert.path = strdup(o->local_path ? o->local_path : "/cloudfront/");
    r->cert.arn = strdup("");
    rn->body = strdup(o->local_body);
    rn->chain = strdup(o->local_chain ? o->local_chain : "");
    rn->fresh = true;
    if (!r->cert.name || !r->cert.id || !r->cert.path || !r->cert.arn || !rn->body || !rn->chain)
        return cert__error_nomem();
    return CERT_OK;
}

/* The certificate to replace, by id: as given, or looked up (a certificate gone from IAM
 * replaces nothing when that is allowed: IAM refuses to delete one a distribution uses). */
static cert_err the_replaced(attach_run *rn, cert_aws *aws, const char **old_id)
{
    const cert_attach_opts *o = rn->o;
    cert_attach_result *r = rn->r;
    cert_err err;

    if (cert_ops__is_cert_id(o->replace)) {
        *old_id = o->replace;
        return (r->replaced.id = strdup(o->replace)) ? CERT_OK : cert__error_nomem();
    }
    err = cert_ops__resolve(aws, o->replace, &r->replaced, NULL, NULL);
    if (err == CERT_E_AWS && o->replace_gone_ok &&
        strcmp(cert_aws_last_error(aws)->code, "NoSuchEntity") == 0) {
        r->replaced_gone = true;
        cert_ops__say(&rn->progress, "%s is no longer in IAM: nothing uses it", o->replace);
        err = (r->replaced.name = strdup(o->replace)) ? CERT_OK : cert__error_nomem();
    }
    *old_id = r->replaced.id;
    return err;
}

/* The distributions: named, or every one that uses the certificate to replace. */
static cert_err the_distributions(attach_run *rn, cert_aws *aws)
{
    const cert_attach_opts *o = rn->o;
    cert_attach_result *r = rn->r;
    cert_cf_dist *v = NULL;
    size_t n = 0, cap = 0;
    const char *old_id = NULL;
    cert_err err = CERT_OK;

    for (size_t i = 0; i < o->distribution_count; i++)
        CERT_TRY(cert_cf__check_id(o->distributions[i]) < 0
                     ? CERT_E_INVALID
                     : add_dist(r, o->distributions[i], &cap));
    if (o->replace == NULL)
        return CERT_OK;
    CERT_TRY(the_replaced(rn, aws, &old_id));
    CERT_TRY(cert_cf_list(aws, &v, &n));
    for (size_t i = 0; i < n; i++) {
        const char *uses = v[i].iam_certificate_id;

        if (uses != NULL && ((old_id != NULL && strcmp(uses, old_id) == 0) ||
                             (o->include_current && strcmp(uses, r->cert.id) == 0)))
            CERT_TRY(add_dist(r, v[i].id, &cap));
    }
    cert_ops__say(&rn->progress, "%zu distribution%s use%s %s", r->count, r->count == 1 ? "" : "s",
                  r->count == 1 ? "s" : "", o->replace);

done:
    cert_cf_dists_free(v, n);
    return err;
}

/* The certificate is parsed and its chain verified once; each distribution's pre-flight checks
 * it again against that distribution's aliases. It must be under /cloudfront/, unexpired, with a
 * key CloudFront takes (and no key is expected with it). */
static cert_err the_base_report(attach_run *rn)
{
    cert_report_opts ro = rn->o->report;
    char label[200];

    ro.check.key_not_expected = true;
    ro.check.key_required = false;
    ro.check.iam_path = rn->r->cert.path;
    rn->check = ro.check;
    snprintf(label, sizeof(label), "iam:%s", rn->r->cert.name);
    return cert_report_build_pem(label, rn->body, rn->chain, &ro, &rn->base);
}

static void *take(void *ud)
{
    return cert_ops__worker_take(&((attach_run *)ud)->workers);
}

static void give(void *state, void *ud)
{
    cert_ops__worker_give(&((attach_run *)ud)->workers, state);
}

static bool any_state(const cert_attach_result *r, cert_attach_state a, cert_attach_state b)
{
    for (size_t i = 0; i < r->count; i++) {
        if (r->dists[i].state == a || r->dists[i].state == b)
            return true;
    }
    return false;
}

/* Every pre-flight before the first change; then the changes, the rollback, the wait. */
static void phases(attach_run *rn, unsigned int jobs)
{
    const cert_attach_opts *o = rn->o;
    cert_attach_result *r = rn->r;
    unsigned int width = r->count < PREFLIGHT_WIDTH ? (unsigned int)r->count : PREFLIGHT_WIDTH;
    cert_pool_ops ops = {take, give, cert_attach__preflight_item};

    rn->phase = PHASE_PREFLIGHT;
    cert__pool_run(r->count, width > jobs ? width : jobs, &ops, rn);
    if (any_state(r, CERT_ATTACH_REFUSED, CERT_ATTACH_FAILED)) {
        cert_ops__say(&rn->progress,
                      "nothing changed: the pre-flight failed for at least one distribution");
        return;
    }
    rn->phase = o->dry_run ? PHASE_DRY_RUN : PHASE_UPDATE;
    ops.item = cert_attach__update_item;
    cert__pool_run(r->count, jobs, &ops, rn);
    if (o->dry_run)
        return;
    if (o->rollback_on_failure && any_state(r, CERT_ATTACH_FAILED, CERT_ATTACH_REFUSED)) {
        rn->phase = PHASE_ROLLBACK;
        ops.item = cert_attach__rollback_item;
        cert__pool_run(r->count, jobs, &ops, rn);
    }
    if (o->wait) {
        rn->phase = PHASE_WAIT;
        ops.item = cert_attach__wait_item;
        cert__pool_run(r->count, jobs, &ops, rn);
    }
}

static cert_err prepare(attach_run *rn, cert_aws *aws, unsigned int jobs)
{
    cert_err err = CERT_OK;
    size_t n, width;

    CERT_TRY(the_certificate(rn, aws));
    CERT_TRY(the_distributions(rn, aws));
    CERT_TRY(the_base_report(rn));
    /* The workers start from these credentials (one run of the provider chain, not one a
     * worker). */
    CERT_TRY(cert_aws_resolve_credentials(aws, NULL));
    n = rn->r->count;
    width = n < PREFLIGHT_WIDTH ? n : PREFLIGHT_WIDTH;
    CERT_TRY(cert_ops__workers_init(&rn->workers, aws, width > jobs ? width : jobs));
    rn->cfgs = calloc(n ? n : 1, sizeof(*rn->cfgs));
    rn->prev_xml = calloc(n ? n : 1, sizeof(*rn->prev_xml));
    if (rn->cfgs == NULL || rn->prev_xml == NULL)
        CERT_NOMEM();

done:
    return err;
}

static void run_free(attach_run *rn)
{
    for (size_t i = 0; rn->cfgs != NULL && i < rn->r->count; i++) {
        cert_cf_config_free(rn->cfgs[i]);
        free(rn->prev_xml[i]);
    }
    free(rn->cfgs);
    free(rn->prev_xml);
    free(rn->body);
    free(rn->chain);
    cert_report_free(rn->base);
    if (rn->workers.idle != NULL)
        cert_ops__workers_fini(&rn->workers);
    cert_ops__progress_fini(&rn->progress);
}

cert_err cert_attach_run(const cert_attach_opts *o, cert_attach_result **out)
{
    static const cert_aws_opts aws_defaults = CERT_AWS_OPTS_INIT;
    cert_aws_opts aws_opts;
    attach_run rn;
    cert_aws *aws = NULL;
    cert_err err;
    unsigned int jobs;

    if (out == NULL || o == NULL || o->cert == NULL ||
        (o->distribution_count == 0 && o->replace == NULL))
        return cert__error_set(CERT_E_INVALID,
                               "give the certificate and the distributions (or --replace)");
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
    rn.wait_s = o->wait_timeout_s ? o->wait_timeout_s : ATTACH_WAIT_S;
    cert_ops__progress_init(&rn.progress, o->progress, o->progress_ud);
    jobs = o->jobs ? o->jobs : 4;
    if ((rn.r = calloc(1, sizeof(*rn.r))) == NULL) {
        run_free(&rn);
        return cert__error_nomem();
    }
    rn.r->version = CERT_RESULTS_VERSION;
    rn.r->cert.upload_date = rn.r->cert.expiration = INT64_MIN;
    rn.r->replaced.upload_date = rn.r->replaced.expiration = INT64_MIN;
    aws_opts = o->aws ? *o->aws : aws_defaults;
    err = cert_aws_new(&aws_opts, &aws);
    if (err == CERT_OK)
        err = prepare(&rn, aws, jobs);
    if (err == CERT_OK)
        phases(&rn, jobs);
    else if (err != CERT_E_NOMEM)
        err = cert_aws_failure(aws, err, &rn.r->failure);
    run_free(&rn);
    cert_aws_free(aws);
    if (err < 0) {
        cert_attach_result_free(rn.r);
        return err;
    }
    *out = rn.r;
    return CERT_OK;
}
