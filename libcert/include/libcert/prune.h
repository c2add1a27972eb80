/*
 * Prune: delete the expired IAM server certificates under /cloudfront/ that no distribution
 * uses (certprune).
 */
#ifndef LIBCERT_PRUNE_H
#define LIBCERT_PRUNE_H

#include "iam.h"
#include "results.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Find the certificates under /cloudfront/ that are expired and used by no distribution, and
 * with `yes` delete them, listing the distributions again right before each delete. Nothing
 * outside /cloudfront/ is ever touched. IAM does not stop deleting a certificate an Elastic Load
 * Balancer listener uses, and this cannot see ELB: the caller says so.
 * @param now    CERT_TIME_NOW or a pinned clock
 * @param out    new result owned by the caller (cert_prune_result_free()); NULL on failure
 * @return CERT_OK (per item states say what happened); CERT_E_AWS; CERT_E_NET; CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_prune_run(cert_aws *aws, bool yes, int64_t now, cert_prune_result **out);

#ifdef __cplusplus
}
#endif

#endif
