/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Attach, per distribution: the pre-flight, the change with what CloudFront answers in practice
 * (CloudFront API Reference, UpdateDistribution, Errors; aws-rules.md), the rollback and the wait:
 *   PreconditionFailed (412): someone changed it meanwhile: read again, check again, apply again
 *   InvalidViewerCertificate right after an upload: IAM's eventual consistency, retried for a
 *     bounded time (hashicorp/terraform-provider-aws#4698)
 *   IllegalUpdate "Only one viewer certificate change may be in progress at a time": wait for
 *     Deployed, then apply again (hashicorp/terraform#13495)
 *   no usable answer on any attempt (a reset after the write, a truncated body, a stall past the
 *     timeout): the update may have been made. The distribution is read back and what it holds
 *     is recorded: the new certificate (updated), the old one (failed), or neither (someone else
 *     changed it: failed, and left alone). When it cannot be read either, its state is unknown
 *     (issue #11). The rollback decides on what it reads the same way.
 */
#include <stdlib.h>
#include <string.h>

#include "libcert/gate.h"
#include "ops/attach_int.h"
#include "util/error_int.h"
#include "util/time_int.h"

/* Fail one distribution with the thread's last error (and AWS's detail when AWS answered). */
static void fail_dist(cert_attach_dist *d, cert_aws *aws, cert_err err, cert_attach_state state)
{
    d->state = state;
    cert_aws_failure(aws, err, &d->failure);
}

static bool code_is(cert_aws *aws, const char *code)
{
    return strcmp(cert_aws_last_error(aws)->code, code) == 0;
}

/* ---- the pre-flight ---- */

static cert_err keep_aliases(cert_attach_dist *d, const char *const *aliases, size_t na)
{
    for (size_t i = 0; i < d->alias_count; i++)
        free(d->aliases[i]);
    free(d->aliases);
    d->alias_count = 0;
    d->aliases = calloc(na ? na : 1, sizeof(*d->aliases));
    if (d->aliases == NULL)
        return cert__error_nomem();
    for (size_t i = 0; i < na; i++) {
        if ((d->aliases[i] = strdup(aliases[i])) == NULL)
            return cert__error_nomem();
        d->alias_count++;
    }
    return CERT_OK;
}

/* The checks of this certificate against this distribution's aliases: it must cover every one
 * (a wildcard alias needs the identical wildcard name). */
static cert_err preflight_check(attach_run *rn, cert_attach_dist *d, cert_cf_config *cfg)
{
    cert_check_opts k = rn->check;
    const char *const *aliases;
    size_t na = cert_cf_config_aliases(cfg, &aliases);
    char label[200];
    cert_gate gate;
    cert_err err;

    k.hosts = aliases;
    k.host_count = na;
    snprintf(label, sizeof(label), "%s:%s for %s", cert_store_name(rn->store), rn->r->cert.name,
             d->id);
    cert_report_free(d->report);
    d->report = NULL;
    if ((err = keep_aliases(d, aliases, na)) < 0)
        return err;
    if ((err = cert_report_recheck(rn->base, label, &k, &d->report)) < 0)
        return err;
    if (!cert_gate_check(d->report, CERT_ACTION_ATTACH, NULL, &gate)) {
        d->state = CERT_ATTACH_REFUSED;
        return cert_failure_set(&d->failure, gate.err, gate.message, NULL, NULL, 0);
    }
    return CERT_OK;
}

void cert_attach__preflight_item(size_t i, void *state, void *ud)
{
    attach_run *rn = ud;
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

/* ---- the guards (certrotate) ---- */

static void refuse(cert_attach_dist *d, const char *guard, const char *msg)
{
    d->state = CERT_ATTACH_REFUSED;
    d->guard = guard;
    cert_failure_set(&d->failure, CERT_E_REFUSED, msg, NULL, NULL, 0);
}

/* The notAfter of the certificates the distributions serve now: IAM's Expiration from one
 * listing of the account, ACM's NotAfter from the descriptions cert_attach__acm_previous() made. */
static cert_err previous_expirations(attach_run *rn, cert_aws *aws, bool list)
{
    cert_iam_cert *v = NULL;
    size_t n = 0;
    cert_err err = list ? cert_iam_list(aws, NULL, 0, &v, &n) : CERT_OK;

    for (size_t i = 0; err == CERT_OK && i < rn->r->count; i++) {
        cert_attach_dist *d = &rn->r->dists[i];
        const acm_prev *a = cert_attach__acm_prev(rn, d->previous.acm_certificate_arn);

        for (size_t k = 0; d->previous.iam_certificate_id != NULL && k < n; k++) {
            if (strcmp(v[k].id, d->previous.iam_certificate_id) == 0)
                d->previous_expiration = v[k].expiration;
        }
        if (a != NULL && a->cert.not_after != INT64_MIN)
            d->previous_expiration = a->cert.not_after;
    }
    cert_iam_certs_free(v, n);
    return err;
}

cert_err cert_attach__guards(attach_run *rn, cert_aws *aws)
{
    const cert_check_opts *allow = &rn->o->report.check;
    bool list = false;
    char when[2][32];
    cert_err err;

    for (size_t i = 0; i < rn->r->count; i++) {
        const cert_cf_viewer *v = &rn->r->dists[i].previous;

        list = list ||
               (rn->r->dists[i].state == CERT_ATTACH_PENDING && v->iam_certificate_id != NULL &&
                strcmp(v->iam_certificate_id, rn->r->cert.id) != 0);
    }
    if ((err = previous_expirations(rn, aws, list)) < 0)
        return err;
    for (size_t i = 0; i < rn->r->count; i++) {
        cert_attach_dist *d = &rn->r->dists[i];
        const cert_cf_viewer *v = &d->previous;
        const char *serves = v->iam_certificate_id ? v->iam_certificate_id : v->acm_certificate_arn;
        char msg[900];

        if (d->state != CERT_ATTACH_PENDING)
            continue;
        /* Never moved off CloudFront's default certificate silently: --store (or certattach
         * --cert) says where to. */
        if (serves == NULL && !rn->store_explicit && !cert_check_allowed(allow, "rotate.store")) {
            snprintf(msg, sizeof(msg),
                     "rotate.store: %s serves CloudFront's default certificate; give --store iam "
                     "or --store acm to put a certificate on it (or certattach --cert)",
                     d->id);
            refuse(d, "rotate.store", msg);
        } else if (serves != NULL && d->previous_expiration != INT64_MIN &&
                   rn->not_after != INT64_MIN && d->previous_expiration > rn->not_after &&
                   strcmp(serves, rn->r->cert.id) != 0 &&
                   !cert_check_allowed(allow, "rotate.downgrade")) {
            cert__time_format(d->previous_expiration, when[0], sizeof(when[0]));
            cert__time_format(rn->not_after, when[1], sizeof(when[1]));
            snprintf(msg, sizeof(msg),
                     "rotate.downgrade: %s serves %s (expires %s), later than %s (expires %s); "
                     "--allow rotate.downgrade to replace it anyway",
                     d->id, serves, when[0], rn->r->cert.name, when[1]);
            refuse(d, "rotate.downgrade", msg);
        }
    }
    return CERT_OK;
}

/* Describe one ACM certificate a distribution serves (once). */
static cert_err describe_prev(attach_run *rn, cert_aws *aws, const char *arn)
{
    acm_prev *a, *nv;
    cert_err err;

    if (cert_attach__acm_prev(rn, arn) != NULL)
        return CERT_OK;
    if ((nv = realloc(rn->acm, (rn->nacm + 1) * sizeof(*nv))) == NULL)
        return cert__error_nomem();
    rn->acm = nv;
    a = &nv[rn->nacm++];
    memset(a, 0, sizeof(*a));
    cert_acm_cert_clear(&a->cert);
    if ((a->arn = strdup(arn)) == NULL)
        return cert__error_nomem();
    err = cert_acm_describe(aws, arn, &a->cert);
    if (err == CERT_OK)
        err = cert_acm_get(aws, arn, &a->body, &a->chain);
    if (err == CERT_E_NOMEM)
        return err;
    if (err < 0) /* kept with the distributions that serve it */
        return cert_aws_failure(aws, err, &a->failure);
    return CERT_OK;
}

cert_err cert_attach__acm_previous(attach_run *rn, cert_aws *aws)
{
    const cert_check_opts *allow = &rn->o->report.check;
    cert_err err;

    for (size_t i = 0; i < rn->r->count; i++) {
        cert_attach_dist *d = &rn->r->dists[i];
        const char *arn = d->previous.acm_certificate_arn;
        const acm_prev *a;
        char msg[900];

        if (d->state != CERT_ATTACH_PENDING || arn == NULL ||
            (rn->r->cert.id != NULL && strcmp(arn, rn->r->cert.id) == 0))
            continue;
        if ((err = describe_prev(rn, aws, arn)) < 0)
            return err;
        a = cert_attach__acm_prev(rn, arn);
        if (a->failure.err < 0) {
            d->state = CERT_ATTACH_FAILED;
            if (cert_failure_set(&d->failure, a->failure.err, a->failure.message,
                                 a->failure.aws_code, a->failure.request_id,
                                 a->failure.http_status) < 0)
                return CERT_E_NOMEM;
            continue;
        }
        /* An ACM-issued certificate is ACM's to renew: never replaced (nor re-imported). */
        if (a->cert.type != NULL && strcmp(a->cert.type, "IMPORTED") != 0 &&
            !cert_check_allowed(allow, "acm.managed")) {
            snprintf(msg, sizeof(msg),
                     "acm.managed: %s serves %s, a certificate ACM issued (%s) and renews; libcert "
                     "never replaces it (--allow acm.managed to move it anyway)",
                     d->id, arn, a->cert.type);
            refuse(d, "acm.managed", msg);
        }
    }
    return CERT_OK;
}

/* ---- waiting ---- */

/* Wait for one distribution (an earlier change still in progress); false with the thread's
 * error set when it did not become Deployed. */
static bool wait_one(cert_aws *aws, cert_attach_dist *d, double timeout_s)
{
    const char *id = d->id;
    bool deployed = false;
    cert_failure f = {CERT_OK, NULL, NULL, NULL, 0};

    if (cert_ops__wait(aws, &id, 1, timeout_s, NULL, NULL, &deployed, &f) < 0)
        return false;
    if (!deployed)
        cert__error_set(f.err < 0 ? f.err : CERT_E_NET, "%s", f.message ? f.message : id);
    cert_failure_clear(&f);
    return deployed;
}

cert_err cert_attach__wait(attach_run *rn, cert_aws *aws)
{
    cert_attach_result *r = rn->r;
    const char **ids = calloc(r->count ? r->count : 1, sizeof(*ids));
    bool *deployed = calloc(r->count ? r->count : 1, sizeof(*deployed));
    cert_failure *fail = calloc(r->count ? r->count : 1, sizeof(*fail));
    size_t *at = calloc(r->count ? r->count : 1, sizeof(*at));
    size_t n = 0;
    cert_err err = CERT_OK;

    if (ids == NULL || deployed == NULL || fail == NULL || at == NULL)
        CERT_NOMEM();
    for (size_t i = 0; i < r->count; i++) {
        cert_attach_state s = r->dists[i].state;

        if (s == CERT_ATTACH_UPDATED || s == CERT_ATTACH_UNCHANGED ||
            s == CERT_ATTACH_ROLLED_BACK) {
            at[n] = i;
            ids[n++] = r->dists[i].id;
        }
    }
    CERT_TRY(cert_ops__wait(aws, ids, n, rn->wait_s, rn->o->wait_progress, rn->o->wait_ud, deployed,
                            fail));
    for (size_t k = 0; k < n; k++) {
        cert_attach_dist *d = &r->dists[at[k]];

        d->deployed = deployed[k];
        if (fail[k].err < 0) {
            d->wait = fail[k];
            memset(&fail[k], 0, sizeof(fail[k]));
        }
    }

done:
    for (size_t k = 0; fail != NULL && k < n; k++)
        cert_failure_clear(&fail[k]);
    free(ids);
    free(deployed);
    free(fail);
    free(at);
    return err;
}

/* ---- the change ---- */

/* What to do after an UpdateDistribution that failed. */
typedef enum answer { GIVE_UP, AGAIN, EDIT_AGAIN } answer;

/* Per distribution, across the attempts of one change. */
typedef struct change {
    attach_run *rn;
    cert_aws *aws;
    size_t i;
    cert_attach_dist *d;
    double start, backoff;
    int rereads;
    bool lost;             /* an attempt of our update may have been made, unanswered */
    bool maybe_sent;       /* ... or so a PreconditionFailed after our update suggests */
    cert_cf_viewer before; /* what the document our last update was made from held */
} change;

static bool str_same(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Whether two ViewerCertificates serve the same certificate the same way. */
static bool viewer_same(const cert_cf_viewer *a, const cert_cf_viewer *b)
{
    return a->default_certificate == b->default_certificate &&
           str_same(a->iam_certificate_id, b->iam_certificate_id) &&
           str_same(a->acm_certificate_arn, b->acm_certificate_arn) &&
           str_same(a->ssl_support_method, b->ssl_support_method) &&
           str_same(a->minimum_protocol_version, b->minimum_protocol_version);
}

/* What a distribution read back holds: the new certificate, what it held before the update
 * (`old`), or something else (someone else changed it meanwhile). */
typedef enum holds { HOLDS_NEW, HOLDS_OLD, HOLDS_OTHER } holds;

static holds holding(const cert_cf_viewer *now, const char *new_id, const cert_cf_viewer *old)
{
    /* new_id: the IAM certificate id, or the ACM certificate's ARN */
    if ((now->iam_certificate_id != NULL && strcmp(now->iam_certificate_id, new_id) == 0) ||
        (now->acm_certificate_arn != NULL && strcmp(now->acm_certificate_arn, new_id) == 0))
        return HOLDS_NEW;
    return viewer_same(now, old) ? HOLDS_OLD : HOLDS_OTHER;
}

static const char *serves(const cert_cf_viewer *v)
{
    return v->iam_certificate_id    ? v->iam_certificate_id
           : v->acm_certificate_arn ? v->acm_certificate_arn
                                    : "CloudFront's default certificate";
}

/* Whether an UpdateDistribution that failed with err may still have been made: no usable
 * answer came (CERT_E_NET), or an earlier attempt inside the request failed in a way that
 * leaves it open (a reset after the write, a 5xx in place of the answer) before the one that
 * answered. */
static bool maybe_made(cert_aws *aws, cert_err err)
{
    return err == CERT_E_NET || (err < 0 && cert_aws_last_error(aws)->attempts > 1);
}

/* Someone else changed the distribution after an update of ours that may have been made: read
 * back, it serves `now`, neither the certificate it had nor the new one. Recorded as failed
 * (`why`: what became of our update) and left alone. */
static void record_left_alone(cert_attach_dist *d, const char *why, const cert_cf_viewer *now,
                              long http_status)
{
    char msg[1024];

    snprintf(msg, sizeof(msg),
             "%s; read back, it serves %s, neither the certificate it had nor the new one: "
             "someone else changed it meanwhile, so it is left alone",
             why, serves(now));
    cert_failure_set(&d->failure, CERT_E_NET, msg, NULL, NULL, http_status);
    d->state = CERT_ATTACH_FAILED;
}

/* After a PreconditionFailed that followed a send of our update that may have been made (an
 * attempt without an answer, or libcurl's own resend: aws_request.count_sends), the document just
 * read (rn->cfgs[c->i]) holds neither the certificate our update was made from nor the new one:
 * someone else changed it after our update, so it is left alone, as after any unknown outcome
 * (read_back()). true: so recorded. */
static bool left_alone(change *c)
{
    cert_cf_viewer now;
    bool other;

    memset(&now, 0, sizeof(now));
    if (cert_cf_config_viewer(c->rn->cfgs[c->i], &now) < 0) {
        cert_error_clear(); /* the pre-flight that follows reads it again and says what fails */
        cert_cf_viewer_clear(&now);
        return false;
    }
    other = holding(&now, c->rn->r->cert.id, &c->before) == HOLDS_OTHER;
    if (other)
        record_left_alone(c->d,
                          "UpdateDistribution may have been made (sent again after its answer "
                          "was lost) and was refused (PreconditionFailed)",
                          &now, 412);
    cert_cf_viewer_clear(&now);
    return other;
}

/* PreconditionFailed: someone changed the distribution between our read and our update: read
 * it again, check again (its aliases may have changed), apply again. If-Match stays. That
 * someone may be us: an attempt of ours whose answer was lost, retried (libcurl itself resends a
 * request whose reused connection died, unseen here) and refused because it had been made. So
 * a read that shows the new certificate now counts as our update (edit()). */
static answer reread(change *c)
{
    attach_run *rn = c->rn;
    cert_err err;

    c->rereads++;
    c->maybe_sent = true;
    cert_ops__say(&rn->progress,
                  "%s: changed by someone else meanwhile (PreconditionFailed); reading it again",
                  c->d->id);
    cert_cf_config_free(rn->cfgs[c->i]);
    rn->cfgs[c->i] = NULL;
    err = cert_cf_config_get(c->aws, c->d->id, &rn->cfgs[c->i]);
    if (err == CERT_OK && c->lost && left_alone(c))
        return GIVE_UP;
    if (err == CERT_OK)
        err = preflight_check(rn, c->d, rn->cfgs[c->i]);
    if (err < 0) {
        fail_dist(c->d, c->aws, err, CERT_ATTACH_FAILED);
        return GIVE_UP;
    }
    return c->d->state == CERT_ATTACH_REFUSED ? GIVE_UP : EDIT_AGAIN;
}

/* InvalidViewerCertificate for a fresh certificate: back off, but use the whole budget (the
 * last wait ends at its end). */
static answer not_visible_yet(change *c, unsigned int consistency_s)
{
    double left = consistency_s - (cert_ops__mono() - c->start);
    double wait = c->backoff < left ? c->backoff : left;

    cert_ops__say(&c->rn->progress,
                  "%s: CloudFront does not see the new certificate yet (IAM is eventually "
                  "consistent); retrying in %.1f s",
                  c->d->id, wait);
    cert_ops__sleep(wait);
    c->backoff = c->backoff * 2 > 16 ? 16 : c->backoff * 2;
    return AGAIN;
}

/* IllegalUpdate: an earlier viewer-certificate change is in progress: wait, read, apply again. */
static answer in_progress(change *c)
{
    attach_run *rn = c->rn;
    cert_err err;

    cert_ops__say(&rn->progress,
                  "%s: an earlier viewer-certificate change is still in progress; waiting for "
                  "Deployed",
                  c->d->id);
    if (!wait_one(c->aws, c->d, rn->wait_s)) {
        fail_dist(c->d, c->aws, cert_error_last()->code, CERT_ATTACH_FAILED);
        return GIVE_UP;
    }
    cert_cf_config_free(rn->cfgs[c->i]);
    rn->cfgs[c->i] = NULL;
    err = cert_cf_config_get(c->aws, c->d->id, &rn->cfgs[c->i]);
    if (err < 0) {
        fail_dist(c->d, c->aws, err, CERT_ATTACH_FAILED);
        return GIVE_UP;
    }
    return EDIT_AGAIN;
}

/* An update whose outcome is open: every answer to it was lost (CERT_E_NET), or an earlier
 * attempt of it may have been made before the answer that refused it. Read the distribution
 * back and record what it holds; the failure (err) stands when it holds the old certificate.
 * The read, with its ETag, replaces our document: a rollback starts from it. */
static answer read_back(change *c, cert_err err)
{
    attach_run *rn = c->rn;
    cert_attach_dist *d = c->d;
    cert_cf_config *cfg = NULL;
    cert_cf_viewer now;
    char lost[700], msg[1024];
    cert_err rerr;

    memset(&now, 0, sizeof(now));
    snprintf(lost, sizeof(lost), "%s", cert_error_last()->message);
    cert_aws_failure(c->aws, err, &d->failure);
    cert_ops__say(&rn->progress, "%s: the update may have been made (%s); reading it back", d->id,
                  lost);
    rerr = cert_cf_config_get(c->aws, d->id, &cfg);
    if (rerr == CERT_OK)
        rerr = cert_cf_config_viewer(cfg, &now);
    if (rerr < 0) {
        snprintf(msg, sizeof(msg),
                 "%s; whether it changed is unknown: reading it back failed too (%s); run again "
                 "to find out",
                 lost, cert_error_last()->message);
        cert_failure_set(&d->failure, CERT_E_NET, msg, NULL, NULL, d->failure.http_status);
        d->state = CERT_ATTACH_UNKNOWN;
        cert_cf_config_free(cfg);
        return GIVE_UP;
    }
    cert_cf_config_free(rn->cfgs[c->i]);
    rn->cfgs[c->i] = cfg;
    switch (holding(&now, rn->r->cert.id, &c->before)) {
    case HOLDS_NEW:
        cert_failure_clear(&d->failure);
        d->state = CERT_ATTACH_UPDATED;
        cert_ops__say(&rn->progress, "%s: updated (%s; the answer was lost, read back)", d->id,
                      d->change);
        break;
    case HOLDS_OLD:
        d->state = CERT_ATTACH_FAILED; /* the update did not take: its failure stands */
        break;
    case HOLDS_OTHER:
        record_left_alone(d, lost, &now, d->failure.http_status);
        break;
    }
    cert_cf_viewer_clear(&now);
    return GIVE_UP;
}

static answer after_failure(change *c, cert_err err)
{
    unsigned int consistency_s = c->rn->o->consistency_s ? c->rn->o->consistency_s : 120;

    if (err == CERT_E_NET)
        return read_back(c, err);
    if (err == CERT_E_AWS &&
        (code_is(c->aws, "PreconditionFailed") || code_is(c->aws, "InvalidIfMatchVersion")) &&
        c->rereads < ATTACH_MAX_412)
        return reread(c);
    if (err == CERT_E_AWS && code_is(c->aws, "InvalidViewerCertificate") && c->rn->fresh &&
        cert_ops__mono() - c->start < consistency_s)
        return not_visible_yet(c, consistency_s);
    if (err == CERT_E_AWS && code_is(c->aws, "IllegalUpdate") &&
        strstr(cert_aws_last_error(c->aws)->message, "viewer certificate change") != NULL)
        return in_progress(c);
    if (c->lost) /* refused now, but an earlier attempt may have been made */
        return read_back(c, err);
    fail_dist(c->d, c->aws, err, CERT_ATTACH_FAILED);
    return GIVE_UP;
}

/* Edit the fetched document; false when there is nothing more to do (unchanged or failed). */
static bool edit(change *c, const cert_cf_attach *a)
{
    cert_attach_dist *d = c->d;
    bool changed = false;
    char *desc = NULL;
    cert_cf_viewer before;
    cert_err err;

    memset(&before, 0, sizeof(before));
    err = cert_cf_config_viewer(c->rn->cfgs[c->i], &before);
    if (err == CERT_OK)
        err = c->rn->store == CERT_STORE_ACM
                  ? cert_cf_config_set_acm(c->rn->cfgs[c->i], c->rn->r->cert.id, a, &desc, &changed)
                  : cert_cf_config_set_iam(c->rn->cfgs[c->i], a, &desc, &changed);
    if (err < 0) {
        cert_cf_viewer_clear(&before);
        fail_dist(d, c->aws, err, CERT_ATTACH_FAILED);
        return false;
    }
    if (!changed) {
        free(desc);
        cert_cf_viewer_clear(&before);
        /* Already on the certificate: unchanged, unless an update of ours whose answer was
         * lost made it so (a retry met PreconditionFailed, and this read shows it). */
        if (c->maybe_sent) {
            d->state = CERT_ATTACH_UPDATED;
            cert_ops__say(&c->rn->progress, "%s: updated (%s; the answer was lost, read back)",
                          d->id, d->change ? d->change : "ViewerCertificate");
            return false;
        }
        free(d->change);
        d->change = NULL;
        d->state = CERT_ATTACH_UNCHANGED;
        return false;
    }
    free(d->change);
    d->change = desc;
    cert_cf_viewer_clear(&c->before);
    c->before = before;
    return true;
}

/* Apply the change to one distribution, as many times as CloudFront's answers call for. */
void cert_attach__update_item(size_t i, void *state, void *ud)
{
    attach_run *rn = ud;
    change c;
    cert_cf_attach a = {rn->store == CERT_STORE_IAM ? rn->r->cert.id : NULL,
                        rn->o->ssl_support_method, rn->o->min_tls};
    answer next = EDIT_AGAIN;

    memset(&c, 0, sizeof(c));
    c.rn = rn;
    c.aws = state;
    c.i = i;
    c.d = &rn->r->dists[i];
    c.start = cert_ops__mono();
    c.backoff = 1.0;
    if (c.d->state != CERT_ATTACH_PENDING)
        return;
    if (c.aws == NULL) {
        fail_dist(c.d, NULL, cert__error_set(CERT_E_INTERNAL, "cannot make an AWS session"),
                  CERT_ATTACH_FAILED);
        return;
    }
    for (;;) {
        cert_err err;

        /* EDIT_AGAIN: a fresh document; AGAIN: the edited one, which CloudFront has not taken */
        if (next == EDIT_AGAIN && !edit(&c, &a))
            break;
        if (rn->phase == PHASE_DRY_RUN) {
            c.d->state = CERT_ATTACH_WOULD_UPDATE;
            break;
        }
        c.d->attempts++;
        err = cert_cf_config_put(c.aws, rn->cfgs[i], NULL);
        if (err == CERT_OK) {
            c.d->state = CERT_ATTACH_UPDATED;
            cert_ops__say(&rn->progress, "%s: updated (%s)", c.d->id, c.d->change);
            break;
        }
        c.lost = c.lost || maybe_made(c.aws, err);
        c.maybe_sent = c.maybe_sent || c.lost;
        if ((next = after_failure(&c, err)) == GIVE_UP)
            break;
    }
    cert_cf_viewer_clear(&c.before);
}

/* ---- the rollback ---- */

/* A distribution whose update had an unknown outcome, read at last by its rollback: the update
 * was made (it holds the new certificate: no failure of the update is left), or it was not, or
 * someone else changed it (failed, with what was read). */
static void settle_unknown(cert_attach_dist *d, holds h, const cert_cf_viewer *now)
{
    char msg[600];

    if (h == HOLDS_NEW) {
        cert_failure_clear(&d->failure);
        d->state = CERT_ATTACH_UPDATED;
        return;
    }
    snprintf(msg, sizeof(msg),
             h == HOLDS_OLD ? "no answer came to its update; read back later, it serves %s, as "
                              "before: the update was not made"
                            : "no answer came to its update; read back later, it serves %s, "
                              "neither the certificate it had nor the new one: someone else "
                              "changed it meanwhile, so it is left alone",
             serves(now));
    cert_failure_set(&d->failure, CERT_E_NET, msg, NULL, NULL, 0);
    d->state = CERT_ATTACH_FAILED;
}

/* Put back the ViewerCertificate of a distribution that changed, or may have (unknown). Each
 * try reads it first and acts on what it holds, with that read's ETag: the new certificate is
 * put back; the old one means there is nothing (left) to do; anything else is someone else's
 * change, left alone. A try without an answer is read back by the next. */
void cert_attach__rollback_item(size_t i, void *state, void *ud)
{
    attach_run *rn = ud;
    cert_aws *aws = state;
    cert_attach_dist *d = &rn->r->dists[i];
    double deadline = cert_ops__mono() + rn->wait_s;
    bool sent = false; /* a rollback of ours may have been made, unanswered */
    char msg[1024];
    cert_err err = CERT_OK;

    if ((d->state != CERT_ATTACH_UPDATED && d->state != CERT_ATTACH_UNKNOWN) || aws == NULL)
        return;
    for (int tries = 0; tries < 2 * ATTACH_MAX_412; tries++) {
        cert_cf_config *cfg = NULL;
        cert_cf_viewer now;
        holds h;

        memset(&now, 0, sizeof(now));
        err = cert_cf_config_get(aws, d->id, &cfg);
        if (err == CERT_OK)
            err = cert_cf_config_viewer(cfg, &now);
        if (err < 0) {
            cert_cf_config_free(cfg);
            if (sent)
                d->state = CERT_ATTACH_UNKNOWN; /* our rollback may or may not have been made */
            break;
        }
        h = holding(&now, rn->r->cert.id, &d->previous);
        if (d->state == CERT_ATTACH_UNKNOWN)
            settle_unknown(d, h, &now);
        if (d->state == CERT_ATTACH_FAILED) { /* settled: the update did not take */
            cert_cf_viewer_clear(&now);
            cert_cf_config_free(cfg);
            return;
        }
        if (h == HOLDS_OLD) { /* back where it was: our rollback made it so */
            cert_cf_viewer_clear(&now);
            cert_cf_config_free(cfg);
            d->state = CERT_ATTACH_ROLLED_BACK;
            cert_ops__say(&rn->progress, "%s: rolled back to its previous ViewerCertificate",
                          d->id);
            return;
        }
        if (h == HOLDS_OTHER) {
            snprintf(msg, sizeof(msg),
                     "not rolled back: read back, it serves %s, neither the new certificate nor "
                     "its previous one (%s): someone else changed it meanwhile, so it is left "
                     "alone",
                     serves(&now), serves(&d->previous));
            cert_cf_viewer_clear(&now);
            cert_cf_config_free(cfg);
            cert_failure_set(&d->rollback, CERT_E_REFUSED, msg, NULL, NULL, 0);
            return;
        }
        cert_cf_viewer_clear(&now);
        d->state = CERT_ATTACH_UPDATED; /* read back: it holds the new certificate */
        err = cert_cf_config_set_viewer_xml(cfg, rn->prev_xml[i]);
        if (err == CERT_OK)
            err = cert_cf_config_put(aws, cfg, NULL);
        sent = sent || maybe_made(aws, err);
        cert_cf_config_free(cfg);
        if (err == CERT_OK) {
            d->state = CERT_ATTACH_ROLLED_BACK;
            cert_ops__say(&rn->progress, "%s: rolled back to its previous ViewerCertificate",
                          d->id);
            return;
        }
        if (err == CERT_E_NET || (err == CERT_E_AWS && code_is(aws, "PreconditionFailed")))
            continue; /* read it back again */
        if (err != CERT_E_AWS || !code_is(aws, "IllegalUpdate"))
            break;
        /* IllegalUpdate: our own change is still in progress: wait for it, then put it back. */
        if (!wait_one(aws, d, deadline - cert_ops__mono())) {
            err = cert_error_last()->code;
            break;
        }
    }
    snprintf(msg, sizeof(msg), "rollback failed: %s; its previous %s was %s",
             cert_error_last()->message,
             d->previous.acm_certificate_arn ? "ACMCertificateArn" : "IAMCertificateId",
             d->previous.iam_certificate_id    ? d->previous.iam_certificate_id
             : d->previous.acm_certificate_arn ? d->previous.acm_certificate_arn
                                               : "(none)");
    cert__error_set(err < 0 ? err : CERT_E_AWS, "%s", msg);
    cert_aws_failure(aws, err < 0 ? err : CERT_E_AWS, &d->rollback);
}
