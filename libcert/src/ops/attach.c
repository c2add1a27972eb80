/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Attaching an IAM certificate to CloudFront distributions. The plan first: the certificate,
 * every handle resolved (ids, --alias, --replace), every distribution read and checked
 * (attach_change.c); nothing changes while anything in it is wrong. Then its application: each
 * change with If-Match, a rollback on failure when asked, and the wait for Deployed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/aws_int.h"
#include "libcert/partition.h"
#include "ops/attach_int.h"
#include "report/results_int.h"
#include "util/error_int.h"
#include "util/pool.h"
#include "x509/x509_int.h"

/* The pre-flight only reads (GetDistributionConfig), so it is not held to --jobs, which bounds
 * the changes; it reads this many distributions at most at once. */
#define PREFLIGHT_WIDTH 64

/* ---- the run ---- */

cert_err cert_attach__init(attach_run *rn, const cert_attach_opts *o)
{
    memset(rn, 0, sizeof(*rn));
    rn->o = o;
    rn->wait_s = o->wait_timeout_s ? o->wait_timeout_s : ATTACH_WAIT_S;
    rn->not_after = INT64_MIN;
    cert_ops__progress_init(&rn->progress, o->progress, o->progress_ud);
    if ((rn->r = calloc(1, sizeof(*rn->r))) == NULL)
        return cert__error_nomem();
    rn->r->version = CERT_RESULTS_VERSION;
    rn->r->cert.upload_date = rn->r->cert.expiration = INT64_MIN;
    rn->r->replaced.upload_date = rn->r->replaced.expiration = INT64_MIN;
    cert_acm_cert_clear(&rn->r->acm);
    return CERT_OK;
}

void cert_attach__free_configs(attach_run *rn)
{
    for (size_t i = 0; rn->r != NULL && i < rn->r->count; i++) {
        if (rn->cfgs != NULL) {
            cert_cf_config_free(rn->cfgs[i]);
            rn->cfgs[i] = NULL;
        }
        if (rn->prev_xml != NULL) {
            free(rn->prev_xml[i]);
            rn->prev_xml[i] = NULL;
        }
    }
}

void cert_attach__fini(attach_run *rn)
{
    cert_attach__free_configs(rn);
    for (size_t i = 0; rn->expect != NULL && i < rn->nexpect; i++)
        free(rn->expect[i]);
    free(rn->expect);
    for (size_t i = 0; i < rn->nacm; i++) {
        free(rn->acm[i].arn);
        cert_acm_cert_clear(&rn->acm[i].cert);
        free(rn->acm[i].body);
        free(rn->acm[i].chain);
        cert_failure_clear(&rn->acm[i].failure);
    }
    free(rn->acm);
    free(rn->cfgs);
    free(rn->prev_xml);
    free(rn->body);
    free(rn->chain);
    free(rn->iam_path);
    cert_report_free(rn->base);
    if (rn->workers_ready)
        cert_ops__workers_fini(&rn->workers);
    cert_ops__progress_fini(&rn->progress);
    cert_attach_result_free(rn->r);
}

/* ---- the certificate ---- */

/* The certificate is parsed and its chain verified once; each distribution's pre-flight checks
 * it again against that distribution's aliases. It must be under /cloudfront/, unexpired, with a
 * key CloudFront takes (and no key is expected with it). */
static cert_err base_report(attach_run *rn)
{
    cert_report_opts ro = rn->o->report;
    char label[200];
    const cert_chain *c;
    int64_t nb;
    cert_err err;

    ro.check.key_not_expected = true;
    ro.check.key_required = false;
    /* CloudFront's /cloudfront/ path rule is IAM's; an ACM certificate has no path. */
    if (rn->store == CERT_STORE_IAM &&
        (rn->iam_path = strdup(rn->r->cert.path ? rn->r->cert.path : "/")) == NULL)
        return cert__error_nomem();
    ro.check.iam_path = rn->iam_path;
    rn->check = ro.check;
    snprintf(label, sizeof(label), "%s:%s", cert_store_name(rn->store), rn->r->cert.name);
    if ((err = cert_report_build_pem(label, rn->body, rn->chain, &ro, &rn->base)) < 0)
        return err;
    c = cert_report_chain(rn->base);
    if (c != NULL && !cert__x509_validity(cert_chain_leaf(c), &nb, &rn->not_after))
        rn->not_after = INT64_MIN;
    return CERT_OK;
}

/* CloudFront takes ACM certificates from one region of its partition (us-east-1), and only
 * ISSUED ones (CloudFront Developer Guide, SSL/TLS certificate requirements): refused before
 * anything else, unless --allow names the code. false with r->failure set when refused. */
static cert_err acm_usable(attach_run *rn, const cert_aws *aws, bool *ok)
{
    const cert_check_opts *allow = &rn->o->report.check;
    const char *part = cert_aws_partition(aws), *want = cert_partition_cloudfront_acm_region(part);
    cert_acm_arn a;
    char msg[900] = "";

    *ok = true;
    if (!cert_acm_arn_parse(rn->o->cert, &a))
        return cert__error_set(CERT_E_INVALID, "--cert %s: not an ACM certificate ARN",
                               rn->o->cert);
    if ((strcmp(a.partition, part) != 0 || want == NULL || strcmp(a.region, want) != 0) &&
        !cert_check_allowed(allow, "acm.region"))
        snprintf(msg, sizeof(msg),
                 "acm.region: %s is in partition %s, region %s; CloudFront takes ACM certificates "
                 "from partition %s, region %s only; import it there (certup --store acm)",
                 rn->o->cert, a.partition, a.region[0] ? a.region : "(none)", part,
                 want ? want : "(none: IAM only)");
    if (msg[0] == '\0')
        return CERT_OK;
    *ok = false;
    return cert_failure_set(&rn->r->failure, CERT_E_REFUSED, msg, NULL, NULL, 0);
}

cert_err cert_attach__cert_store(attach_run *rn, cert_aws *aws)
{
    cert_attach_result *r = rn->r;
    cert_store_cert sc;
    bool ok = true;
    cert_err err;

    memset(&sc, 0, sizeof(sc));
    cert_store_cert_clear(&sc);
    rn->store = r->store = cert_store_of(rn->o->cert);
    if (rn->store == CERT_STORE_ACM) {
        if ((err = cert_store_check(aws, CERT_STORE_ACM)) < 0 ||
            (err = acm_usable(rn, aws, &ok)) < 0 || !ok)
            return err;
    }
    err = cert_store_get(aws, rn->store, rn->o->cert, &sc, &rn->body, &rn->chain);
    if (err < 0)
        return err;
    r->cert = sc.meta;
    r->acm = sc.acm;
    memset(&sc, 0, sizeof(sc));
    if (rn->store == CERT_STORE_ACM && !cert_check_allowed(&rn->o->report.check, "acm.status") &&
        (r->acm.status == NULL || strcmp(r->acm.status, "ISSUED") != 0)) {
        char msg[700];

        snprintf(msg, sizeof(msg),
                 "acm.status: %s is %s; CloudFront serves only an ISSUED certificate", r->acm.arn,
                 r->acm.status ? r->acm.status : "of unknown status");
        return cert_failure_set(&r->failure, CERT_E_REFUSED, msg, NULL, NULL, 0);
    }
    rn->fresh = rn->o->fresh || (r->cert.upload_date != INT64_MIN &&
                                 cert_aws__now() - r->cert.upload_date < ATTACH_FRESH_UPLOAD_S);
    return base_report(rn);
}

cert_err cert_attach__set_cert(attach_run *rn, cert_store_kind store, const cert_iam_cert *meta,
                               const cert_acm_cert *acm)
{
    cert_attach_result *r = rn->r;

    rn->store = r->store = store;
    cert_iam_cert_clear(&r->cert);
    cert_acm_cert_clear(&r->acm);
    if (cert_iam_cert_copy(&r->cert, meta) < 0 ||
        (acm != NULL && cert_acm_cert_copy(&r->acm, acm) < 0))
        return CERT_E_NOMEM;
    return CERT_OK;
}

const char *cert_attach__expect(const attach_run *rn, size_t i)
{
    if (rn->expect != NULL && rn->expect[i] != NULL)
        return rn->expect[i];
    return rn->r->cert.id;
}

const acm_prev *cert_attach__acm_prev(const attach_run *rn, const char *arn)
{
    for (size_t i = 0; arn != NULL && i < rn->nacm; i++) {
        if (strcmp(rn->acm[i].arn, arn) == 0)
            return &rn->acm[i];
    }
    return NULL;
}

cert_err cert_attach__cert_local(attach_run *rn, const char *name, const char *path,
                                 const char *body, const char *chain, const cert_iam_cert *existing)
{
    cert_attach_result *r = rn->r;

    if (existing != NULL) {
        if (cert_iam_cert_copy(&r->cert, existing) < 0)
            return CERT_E_NOMEM;
    } else {
        r->cert.name = strdup(name);
        r->cert.id = strdup("(new)");
        r->cert.path = strdup(path ? path : "/cloudfront/");
        r->cert.arn = strdup("");
    }
    rn->body = strdup(body);
    rn->chain = strdup(chain ? chain : "");
    rn->fresh = true;
    if (!r->cert.name || !r->cert.id || !r->cert.path || !r->cert.arn || !rn->body || !rn->chain)
        return cert__error_nomem();
    return base_report(rn);
}

/* ---- the handles ---- */

static cert_err add_handle(cert_attach_result *r, cert_handle_kind kind, const char *value,
                           size_t *cap)
{
    cert_handle *h;

    if (cert__array_reserve(&r->handles, cap, r->handle_count, 8, sizeof(*r->handles)) < 0)
        return CERT_E_NOMEM;
    h = &r->handles[r->handle_count];
    memset(h, 0, sizeof(*h));
    h->kind = kind;
    if ((h->value = strdup(value)) == NULL)
        return cert__error_nomem();
    r->handle_count++;
    return CERT_OK;
}

static cert_err note(cert_handle *h, const char *fmt, ...) CERT_PRINTF(2, 3);

static cert_err note(cert_handle *h, const char *fmt, ...)
{
    va_list ap;
    int n;

    free(h->note);
    va_start(ap, fmt);
    n = vasprintf(&h->note, fmt, ap);
    va_end(ap);
    if (n < 0) {
        h->note = NULL;
        return cert__error_nomem();
    }
    return CERT_OK;
}

/* Add a distribution (once). */
static cert_err add_dist(attach_run *rn, const char *id)
{
    cert_attach_result *r = rn->r;

    for (size_t i = 0; i < r->count; i++) {
        if (strcmp(r->dists[i].id, id) == 0)
            return CERT_OK; /* named twice */
    }
    if (cert__array_reserve(&r->dists, &rn->cap, r->count, 16, sizeof(*r->dists)) < 0)
        return CERT_E_NOMEM;
    memset(&r->dists[r->count], 0, sizeof(r->dists[0]));
    r->dists[r->count].previous_expiration = INT64_MIN;
    if ((r->dists[r->count].id = strdup(id)) == NULL)
        return cert__error_nomem();
    r->count++;
    return CERT_OK;
}

static bool has_alias(const cert_cf_dist *d, const char *name)
{
    for (size_t k = 0; k < d->alias_count; k++) {
        /* Aliases are DNS names: compared without case; a wildcard only as written. */
        if (strcasecmp(d->aliases[k], name) == 0)
            return true;
    }
    return false;
}

/* --replace OLD: its id, or NULL when it is gone (then the distributions recorded on the new
 * certificate as moved from it stand for it). */
static cert_err replaced_id(attach_run *rn, cert_aws *aws, cert_handle *h, const char **id)
{
    const char *old = rn->o->replace;
    cert_attach_result *r = rn->r;
    cert_err err;

    *id = NULL;
    if (cert_ops__is_cert_id(old)) {
        *id = old;
        return (r->replaced.id = strdup(old)) ? CERT_OK : cert__error_nomem();
    }
    if (cert_store_of(old) == CERT_STORE_ACM) {
        cert_store_cert sc;

        err = cert_store_get(aws, CERT_STORE_ACM, old, &sc, NULL, NULL);
        if (err == CERT_OK) {
            r->replaced = sc.meta;
            memset(&sc.meta, 0, sizeof(sc.meta));
        }
        cert_store_cert_clear(&sc);
    } else {
        err = cert_ops__resolve(aws, old, &r->replaced, NULL, NULL);
    }
    if (err == CERT_E_AWS && cert_store_gone_error(aws)) {
        r->replaced_gone = true;
        if ((r->replaced.name = strdup(old)) == NULL)
            return cert__error_nomem();
        if (rn->recorded != NULL)
            return note(h, "%s is gone; recorded on %s as replaced", old, r->cert.name);
        cert_error_clear();
        return note(h, "%s does not exist in %s and is not recorded as replaced on %s", old,
                    cert_store_of(old) == CERT_STORE_ACM ? "ACM" : "IAM", r->cert.name);
    }
    *id = r->replaced.id;
    return err;
}

/* Match --alias and --replace against every distribution (one listing of the account). */
static cert_err match_listed(attach_run *rn, cert_aws *aws, size_t first_alias, size_t replace)
{
    const cert_attach_opts *o = rn->o;
    cert_attach_result *r = rn->r;
    cert_cf_dist *v = NULL;
    size_t n = 0;
    const char *old_id = NULL;
    cert_err err = CERT_OK;

    if (o->replace != NULL)
        CERT_TRY(replaced_id(rn, aws, &r->handles[replace], &old_id));
    for (size_t k = 0; old_id == NULL && k < rn->recorded_count; k++) {
        CERT_TRY(add_dist(rn, rn->recorded[k]));
        r->handles[replace].matched++;
    }
    CERT_TRY(cert_cf_list(aws, &v, &n));
    for (size_t i = 0; i < n; i++) {
        const char *uses =
            v[i].iam_certificate_id ? v[i].iam_certificate_id : v[i].acm_certificate_arn;

        for (size_t a = 0; a < o->alias_count; a++) {
            if (has_alias(&v[i], o->aliases[a])) {
                CERT_TRY(add_dist(rn, v[i].id));
                r->handles[first_alias + a].matched++;
            }
        }
        if (o->replace != NULL && uses != NULL &&
            ((old_id != NULL && strcmp(uses, old_id) == 0) ||
             (rn->include_current && strcmp(uses, r->cert.id) == 0))) {
            CERT_TRY(add_dist(rn, v[i].id));
            r->handles[replace].matched++;
        }
    }
    if (o->replace != NULL && r->handles[replace].matched == 0 && r->handles[replace].note == NULL)
        CERT_TRY(note(&r->handles[replace], "no distribution uses %s", o->replace));

done:
    cert_cf_dists_free(v, n);
    return err;
}

/* Every handle, each with the distributions it matched. The ids are checked when they are read
 * (a NoSuchDistribution then makes their handle unmatched). */
static cert_err resolve_handles(attach_run *rn, cert_aws *aws)
{
    const cert_attach_opts *o = rn->o;
    size_t cap = 0, first_alias, replace = 0;
    cert_err err = CERT_OK;

    for (size_t i = 0; i < o->distribution_count; i++) {
        CERT_TRY(cert_cf__check_id(o->distributions[i]) < 0
                     ? CERT_E_INVALID
                     : add_handle(rn->r, CERT_HANDLE_DISTRIBUTION, o->distributions[i], &cap));
        CERT_TRY(add_dist(rn, o->distributions[i]));
        rn->r->handles[rn->r->handle_count - 1].matched = 1;
    }
    first_alias = rn->r->handle_count;
    for (size_t i = 0; i < o->alias_count; i++)
        CERT_TRY(add_handle(rn->r, CERT_HANDLE_ALIAS, o->aliases[i], &cap));
    if (o->replace != NULL) {
        replace = rn->r->handle_count;
        CERT_TRY(add_handle(rn->r, CERT_HANDLE_REPLACE, o->replace, &cap));
    }
    if (o->alias_count > 0 || o->replace != NULL)
        CERT_TRY(match_listed(rn, aws, first_alias, replace));
    cert_ops__say(&rn->progress, "%zu distribution%s matched", rn->r->count,
                  rn->r->count == 1 ? "" : "s");

done:
    return err;
}

/* A distribution named by id that does not exist matched nothing: its handle is unmatched and
 * it leaves the run (it is not a failure of a change: there is nothing to change). */
static cert_err drop_missing(attach_run *rn)
{
    cert_attach_result *r = rn->r;
    size_t kept = 0;

    for (size_t i = 0; i < r->count; i++) {
        cert_attach_dist *d = &r->dists[i];
        bool gone = d->state == CERT_ATTACH_FAILED && d->failure.aws_code != NULL &&
                    strcmp(d->failure.aws_code, "NoSuchDistribution") == 0;

        for (size_t h = 0; gone && h < r->handle_count; h++) {
            cert_handle *hd = &r->handles[h];

            if (hd->kind == CERT_HANDLE_DISTRIBUTION && strcmp(hd->value, d->id) == 0) {
                hd->matched = 0;
                if (note(hd, "%s: no such distribution (NoSuchDistribution)", d->id) < 0)
                    return CERT_E_NOMEM;
            }
        }
        if (gone) {
            cert__attach_dist_clear(d);
            cert_cf_config_free(rn->cfgs[i]);
            free(rn->prev_xml[i]);
            continue;
        }
        r->dists[kept] = *d;
        rn->cfgs[kept] = rn->cfgs[i];
        rn->prev_xml[kept] = rn->prev_xml[i];
        kept++;
    }
    r->count = kept;
    return CERT_OK;
}

/* handle.unmatched: every handle must match a distribution (--allow handle.unmatched lets one
 * pass while another matched), and a run that would act on nothing never passes. */
static cert_err check_handles(attach_run *rn)
{
    cert_attach_result *r = rn->r;
    bool allowed = cert_check_allowed(&rn->o->report.check, "handle.unmatched");
    char msg[1024] = "";
    size_t off = 0;

    for (size_t i = 0; i < r->handle_count && off < sizeof(msg); i++) {
        cert_handle *h = &r->handles[i];
        int n;

        if (h->matched > 0)
            continue;
        if (allowed && r->count > 0) {
            h->allowed = true;
            continue;
        }
        n = snprintf(msg + off, sizeof(msg) - off, "%s--%s %s matches no distribution%s%s",
                     off ? "; " : "", cert_handle_kind_name(h->kind), h->value, h->note ? " (" : "",
                     h->note ? h->note : "");
        off += n > 0 ? (size_t)n : 0;
        if (h->note && off + 1 < sizeof(msg))
            off += (size_t)snprintf(msg + off, sizeof(msg) - off, ")");
    }
    if (off == 0 && r->count == 0)
        snprintf(msg, sizeof(msg), "no distribution matched");
    if (msg[0] == '\0')
        return CERT_OK;
    cert__error_set(CERT_E_REFUSED, "handle.unmatched: %s; nothing changed", msg);
    return cert_failure_from_last(&r->failure, CERT_E_REFUSED);
}

/* ---- the plan ---- */

static void *take(void *ud)
{
    return cert_ops__worker_take(&((attach_run *)ud)->workers);
}

static void give(void *state, void *ud)
{
    cert_ops__worker_give(&((attach_run *)ud)->workers, state);
}

cert_err cert_attach__plan(attach_run *rn, cert_aws *aws)
{
    cert_err err = cert_attach__plan_read(rn, aws);

    return err < 0 ? err : cert_attach__plan_finish(rn, aws);
}

cert_err cert_attach__plan_read(attach_run *rn, cert_aws *aws)
{
    cert_err err = CERT_OK;
    size_t n, width;
    unsigned int jobs = rn->o->jobs ? rn->o->jobs : 4;
    cert_pool_ops ops = {take, give, cert_attach__preflight_item};

    CERT_TRY(resolve_handles(rn, aws));
    /* The workers start from these credentials (one run of the provider chain, not one a
     * worker). */
    CERT_TRY(cert_aws_resolve_credentials(aws, NULL));
    n = rn->r->count;
    width = n < PREFLIGHT_WIDTH ? n : PREFLIGHT_WIDTH;
    CERT_TRY(cert_ops__workers_init(&rn->workers, aws, width > jobs ? width : jobs));
    rn->workers_ready = true;
    rn->cfgs = calloc(n ? n : 1, sizeof(*rn->cfgs));
    rn->prev_xml = calloc(n ? n : 1, sizeof(*rn->prev_xml));
    if (rn->cfgs == NULL || rn->prev_xml == NULL)
        CERT_NOMEM();
    /* Every pre-flight before the first change: reads only, so wider than --jobs. */
    rn->phase = PHASE_PREFLIGHT;
    cert__pool_run(n, (unsigned int)(width > jobs ? width : jobs), &ops, rn);
    CERT_TRY(drop_missing(rn));
    if ((rn->expect = calloc(rn->r->count ? rn->r->count : 1, sizeof(*rn->expect))) == NULL)
        CERT_NOMEM();
    rn->nexpect = rn->r->count;

done:
    return err;
}

cert_err cert_attach__plan_finish(attach_run *rn, cert_aws *aws)
{
    cert_err err = CERT_OK;

    CERT_TRY(cert_attach__acm_previous(rn, aws));
    if (rn->guards)
        CERT_TRY(cert_attach__guards(rn, aws));
    CERT_TRY(check_handles(rn));

done:
    return err;
}

bool cert_attach__plan_ok(const attach_run *rn)
{
    if (rn->r->failure.err < 0)
        return false;
    for (size_t i = 0; i < rn->r->count; i++) {
        if (rn->r->dists[i].state == CERT_ATTACH_REFUSED ||
            rn->r->dists[i].state == CERT_ATTACH_FAILED)
            return false;
    }
    return true;
}

/* ---- its application ---- */

/* Whether a distribution failed, was refused, or may have changed without an answer. */
static bool any_failed(const cert_attach_result *r)
{
    for (size_t i = 0; i < r->count; i++) {
        cert_attach_state s = r->dists[i].state;

        if (s == CERT_ATTACH_FAILED || s == CERT_ATTACH_REFUSED || s == CERT_ATTACH_UNKNOWN)
            return true;
    }
    return false;
}

cert_err cert_attach__apply(attach_run *rn, cert_aws *aws, unsigned int jobs)
{
    const cert_attach_opts *o = rn->o;
    cert_attach_result *r = rn->r;
    cert_pool_ops ops = {take, give, cert_attach__update_item};

    rn->phase = o->dry_run ? PHASE_DRY_RUN : PHASE_UPDATE;
    cert__pool_run(r->count, jobs, &ops, rn);
    if (o->dry_run)
        return CERT_OK;
    if (o->rollback_on_failure && any_failed(r)) {
        rn->phase = PHASE_ROLLBACK;
        ops.item = cert_attach__rollback_item;
        cert__pool_run(r->count, jobs, &ops, rn);
    }
    if (o->wait)
        return cert_attach__wait(rn, aws);
    return CERT_OK;
}

/* ---- certattach ---- */

static cert_err check_opts(const cert_attach_opts *o)
{
    if (o->cert == NULL ||
        (o->distribution_count == 0 && o->alias_count == 0 && o->replace == NULL))
        return cert__error_set(CERT_E_INVALID, "give the certificate and the distributions (ids, "
                                               "--alias or --replace)");
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

cert_err cert_attach_run(const cert_attach_opts *o, cert_attach_result **out)
{
    static const cert_aws_opts aws_defaults = CERT_AWS_OPTS_INIT;
    attach_run rn;
    cert_aws *aws = NULL;
    cert_err err;

    if (out == NULL || o == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_attach_run: NULL argument");
    *out = NULL;
    if ((err = check_opts(o)) < 0)
        return err;
    if ((err = cert_attach__init(&rn, o)) < 0) {
        cert_attach__fini(&rn);
        return err;
    }
    err = cert_aws_new(o->aws ? o->aws : &aws_defaults, &aws);
    if (err == CERT_OK) /* CloudFront exists only in aws and aws-cn */
        err = cert_aws_service_check(aws, CERT_AWS_CLOUDFRONT);
    if (err == CERT_OK)
        err = cert_attach__cert_store(&rn, aws);
    if (err == CERT_OK && rn.r->failure.err == CERT_OK)
        err = cert_attach__plan(&rn, aws);
    if (err == CERT_OK && cert_attach__plan_ok(&rn))
        err = cert_attach__apply(&rn, aws, o->jobs ? o->jobs : 4);
    else if (err == CERT_OK)
        cert_ops__say(&rn.progress, "nothing changed: the plan failed");
    if (err < 0 && err != CERT_E_NOMEM)
        err = cert_aws_failure(aws, err, &rn.r->failure);
    cert_aws_free(aws);
    if (err == CERT_OK) {
        cert_attach__free_configs(&rn);
        *out = rn.r;
        rn.r = NULL;
    }
    cert_attach__fini(&rn);
    return err;
}
