/* Attach internals: the run's state, shared by its orchestration (attach.c) and the work done
 * on each distribution (attach_change.c). */
#ifndef LIBCERT_OPS_ATTACH_INT_H
#define LIBCERT_OPS_ATTACH_INT_H

#include "libcert/attach.h"
#include "ops/ops_int.h"

#define ATTACH_MAX_412 5          /* re-reads after PreconditionFailed */
#define ATTACH_POLL_S 5           /* seconds between GetDistribution polls */
#define ATTACH_FRESH_UPLOAD_S 600 /* a certificate uploaded this recently may not be visible */
#define ATTACH_WAIT_S 1200        /* --wait-timeout's default */

/* The phases, in order. */
typedef enum attach_phase {
    PHASE_PREFLIGHT = 0,
    PHASE_DRY_RUN,
    PHASE_UPDATE,
    PHASE_ROLLBACK,
    PHASE_WAIT,
} attach_phase;

typedef struct attach_run {
    const cert_attach_opts *o;
    cert_attach_result *r;
    char *body, *chain;    /* the certificate as IAM holds it */
    cert_report *base;     /* its certificates and chain, checked once per distribution */
    cert_check_opts check; /* the checks base was built with; each pre-flight adds aliases */
    cert_cf_config **cfgs; /* per distribution, from the pre-flight */
    char **prev_xml;       /* per distribution: ViewerCertificate before */
    attach_phase phase;
    bool fresh;          /* the certificate may not be visible to CloudFront yet */
    unsigned int wait_s; /* --wait-timeout */
    ops_progress progress;
    ops_workers workers;
} attach_run;

/* Each a util/pool.h item function over the distributions, its state a worker session. */
void cert_attach__preflight_item(size_t i, void *state, void *ud);
void cert_attach__update_item(size_t i, void *state, void *ud);
void cert_attach__rollback_item(size_t i, void *state, void *ud);
void cert_attach__wait_item(size_t i, void *state, void *ud);

#endif
