/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Prune: delete IAM server certificates under /cloudfront/ that no distribution uses: the
 * expired ones and, when asked, the ones libcert uploaded long enough ago that a newer one for
 * the same names has taken their place (certprune).
 */
#ifndef LIBCERT_PRUNE_H
#define LIBCERT_PRUNE_H

#include "iam.h"
#include "results.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Options for cert_prune_run(). Initialise with CERT_PRUNE_OPTS_INIT. */
typedef struct cert_prune_opts {
    unsigned int version;
    bool yes;    /**< delete the candidates; else only list them */
    int64_t now; /**< CERT_TIME_NOW; a pinned clock only previews (with yes: CERT_E_INVALID) */
    bool unused; /**< also unexpired certificates libcert uploaded (CERT_TAG_UPLOADED, upload.h)
                      that no distribution uses, uploaded more than min_age_days ago, except the
                      newest (latest notAfter) for each set of DNS names */
    unsigned int min_age_days; /**< with unused: at least 1 */
    cert_store_kind store;     /**< CERT_STORE_ACM: ACM's imported certificates that have expired
                                    and that nothing uses (InUse, and InUseBy right before each
                                    delete: distributions, load balancers, API Gateway alike);
                                    never an ACM-issued one; unused is IAM's */
} cert_prune_opts;

#define CERT_PRUNE_OPTS_VERSION 2
#define CERT_PRUNE_OPTS_INIT                                                                       \
    {                                                                                              \
        CERT_PRUNE_OPTS_VERSION, false, CERT_TIME_NOW, false, 0, CERT_STORE_IAM                    \
    }

/**
 * Find the certificates under /cloudfront/ that no distribution uses (ListDistributions, every
 * page: enabled, disabled and staging distributions alike) and that are expired or, with
 * opts->unused, superseded as said there; with opts->yes delete them, listing the distributions
 * again right before each delete. Nothing outside /cloudfront/ is ever touched, and deleting
 * judges by the real clock only. IAM does not stop deleting a certificate an Elastic Load
 * Balancer listener uses, and this cannot see ELB: the result's rendering says so.
 *
 * With unused, each certificate that passes the other tests costs a ListServerCertificateTags,
 * and each unexpired certificate that could be the newest for its names a GetServerCertificate
 * (its DNS names, compared without case and order). A failure while looking (AWS refused,
 * retries ran out) stops the run before any delete.
 * @param opts borrowed; NULL means CERT_PRUNE_OPTS_INIT
 * @param out  new result owned by the caller (cert_prune_result_free()); NULL on failure
 * @return CERT_OK (per item states say what happened); CERT_E_INVALID (yes with a pinned clock,
 *         unused without min_age_days); CERT_E_AWS; CERT_E_NET; CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_prune_run(cert_aws *aws, const cert_prune_opts *opts,
                                    cert_prune_result **out);

#ifdef __cplusplus
}
#endif

#endif
