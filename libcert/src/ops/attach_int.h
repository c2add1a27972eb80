/* SPDX-License-Identifier: Apache-2.0 */
/* Attach internals: the run's state, shared by its plan and application (attach.c), the work
 * done on each distribution (attach_change.c), and certrotate, which plans before it uploads
 * and applies after. */
#ifndef LIBCERT_OPS_ATTACH_INT_H
#define LIBCERT_OPS_ATTACH_INT_H

#include "libcert/attach.h"
#include "libcert/store.h"
#include "ops/ops_int.h"

#define ATTACH_MAX_412 5          /* re-reads after PreconditionFailed */
#define ATTACH_FRESH_UPLOAD_S 600 /* a certificate uploaded this recently may not be visible */
#define ATTACH_WAIT_S 3600        /* --wait-timeout's default: deploys take 5 to 90 minutes */

/* The phases, in order. */
typedef enum attach_phase {
    PHASE_PREFLIGHT = 0,
    PHASE_DRY_RUN,
    PHASE_UPDATE,
    PHASE_ROLLBACK,
} attach_phase;

/* An ACM certificate a planned distribution serves now, described once for every distribution
 * that serves it (the guards, certrotate's re-import plan, the downgrade guard). */
typedef struct acm_prev {
    char *arn;
    cert_acm_cert cert;   /* DescribeCertificate */
    char *body, *chain;   /* GetCertificate */
    cert_failure failure; /* why it could not be read */
} acm_prev;

typedef struct attach_run {
    const cert_attach_opts *o;
    cert_attach_result *r;
    char *body, *chain;    /* the certificate as IAM holds it (or will) */
    int64_t not_after;     /* its notAfter */
    cert_report *base;     /* its certificates and chain, checked once per distribution */
    cert_check_opts check; /* the checks base was built with; each pre-flight adds aliases */
    char *iam_path;        /* check.iam_path's own copy (r->cert may be replaced) */
    cert_cf_config **cfgs; /* per distribution, from the pre-flight */
    char **prev_xml;       /* per distribution: ViewerCertificate before */
    size_t cap;            /* of r->dists */
    attach_phase phase;
    bool fresh;          /* the certificate may not be visible to CloudFront yet */
    unsigned int wait_s; /* --wait-timeout */
    ops_progress progress;
    ops_workers workers;
    bool workers_ready;
    /* certrotate's settings */
    bool include_current;        /* with replace: the distributions that use the certificate already
                                    (a rerun) match too */
    bool guards;                 /* refuse rotate.downgrade and rotate.store */
    const char *const *recorded; /* with replace: the distributions recorded on the new
                                    certificate as moved from it (a rerun after the old one was
                                    deleted); NULL when none is */
    size_t recorded_count;
    /* the stores */
    cert_store_kind store; /* of the certificate attached */
    bool store_explicit;   /* certrotate: --store named it (else each distribution's own) */
    char **expect;         /* per distribution: the id it serves after the run (an ACM ARN
                              re-imported in place); NULL: r->cert.id */
    size_t nexpect;
    acm_prev *acm; /* the ACM certificates the distributions serve now */
    size_t nacm;
} attach_run;

/* ---- attach.c: the plan and its application ---- */

cert_err cert_attach__init(attach_run *rn, const cert_attach_opts *o);
void cert_attach__fini(attach_run *rn);

/* Free the DistributionConfigs read for the result's distributions (and their saved
 * ViewerCertificates), by the result's count: before the result is handed out, since
 * cert_attach__fini() no longer sees that count then. */
void cert_attach__free_configs(attach_run *rn);

/* The certificate: the one its store holds under opts->cert (an IAM name, ARN or id; an ACM
 * ARN), or (certrotate, before its upload) the local one, by the name it will get (and, when
 * the store holds it already, as it is there). A refusal (acm.region, acm.status) is recorded
 * as the result's failure (CERT_E_REFUSED) and returned as CERT_OK. */
cert_err cert_attach__cert_store(attach_run *rn, cert_aws *aws);
cert_err cert_attach__cert_local(attach_run *rn, const char *name, const char *path,
                                 const char *body, const char *chain,
                                 const cert_iam_cert *existing);

/* Set the certificate that will be attached once it is known (certrotate: the existing one, or
 * the new one after its upload). */
cert_err cert_attach__set_cert(attach_run *rn, cert_store_kind store, const cert_iam_cert *meta,
                               const cert_acm_cert *acm);

/* The id distribution i serves after the run. */
const char *cert_attach__expect(const attach_run *rn, size_t i);

/* The described ACM certificate with this ARN among those the distributions serve; NULL. */
const acm_prev *cert_attach__acm_prev(const attach_run *rn, const char *arn);

/* Resolve every handle, read and pre-flight every distribution matched. Nothing is changed.
 * CERT_OK when the plan was made, whatever it found: a refusal (a pre-flight, a guard, a handle
 * that matched nothing) is in the result (cert_attach__plan_ok() says). _plan() is _plan_read()
 * and then _plan_finish(); certrotate decides its store and finds its certificate between the
 * two when no --store or --replace says it before. */
cert_err cert_attach__plan(attach_run *rn, cert_aws *aws);
cert_err cert_attach__plan_read(attach_run *rn, cert_aws *aws);
cert_err cert_attach__plan_finish(attach_run *rn, cert_aws *aws);

/* Whether the plan may be applied: every distribution pre-flighted and no handle unmatched. */
bool cert_attach__plan_ok(const attach_run *rn);

/* Apply the plan: the changes (or, for a dry run, what they would be), the rollback when asked,
 * the wait when asked. The certificate's id is rn->r->cert.id. */
cert_err cert_attach__apply(attach_run *rn, cert_aws *aws, unsigned int jobs);

/* ---- attach_change.c: each a util/pool.h item over the distributions ---- */

void cert_attach__preflight_item(size_t i, void *state, void *ud);
void cert_attach__update_item(size_t i, void *state, void *ud);
void cert_attach__rollback_item(size_t i, void *state, void *ud);

/* certrotate's guards on the planned distributions: rotate.store (one that serves CloudFront's
 * default certificate, without --store) and rotate.downgrade (one that serves a certificate that
 * expires later than the new one), each refusing that distribution unless --allow names it. */
cert_err cert_attach__guards(attach_run *rn, cert_aws *aws);

/* Describe the ACM certificates the planned distributions serve (each once, into rn->acm) and
 * refuse the distributions that serve an ACM-issued one (acm.managed: ACM renews it; never
 * replaced) unless --allow names it. */
cert_err cert_attach__acm_previous(attach_run *rn, cert_aws *aws);

/* Wait for the Deployed distributions (cert_ops__wait()); d->deployed and d->wait filled. */
cert_err cert_attach__wait(attach_run *rn, cert_aws *aws);

#endif
