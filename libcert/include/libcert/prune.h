/*
 * Prune: delete the expired IAM server certificates under /cloudfront/ that no distribution
 * uses (certprune).
 */
#ifndef LIBCERT_PRUNE_H
#define LIBCERT_PRUNE_H

#include <stdio.h>

#include "iam.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What became of one candidate. */
typedef enum cert_prune_state {
    CERT_PRUNE_CANDIDATE = 0, /**< expired, unused, under /cloudfront/: would go (no --yes) */
    CERT_PRUNE_DELETED,
    CERT_PRUNE_IN_USE_NOW, /**< a distribution took it up meanwhile: kept */
    CERT_PRUNE_FAILED,
} cert_prune_state;

/** One candidate. */
typedef struct cert_prune_item {
    cert_iam_cert cert;
    cert_prune_state state;
    char *message;
} cert_prune_item;

/**
 * Find the certificates under /cloudfront/ that are expired and used by no distribution, and
 * with `yes` delete them, listing the distributions again right before each delete. Nothing
 * outside /cloudfront/ is ever touched. IAM does not stop deleting a certificate an Elastic Load
 * Balancer listener uses, and this cannot see ELB: the caller says so.
 * @param now    CERT_TIME_NOW or a pinned clock
 * @param out    new array owned by the caller (cert_prune_items_free())
 * @return CERT_OK (per item states say what happened); CERT_E_AWS; CERT_E_NET; CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_prune_run(cert_aws *aws, bool yes, int64_t now, cert_prune_item **out,
                                    size_t *count_out);

/** Free what cert_prune_run() returned. */
CERT_EXTERN void cert_prune_items_free(cert_prune_item *v, size_t n);

/** Render: text, or JSON {"ServerCertificateMetadataList": [... with "libcert": {"status"}]}. */
CERT_EXTERN cert_err cert_prune_write(const cert_prune_item *v, size_t n, bool yes, bool json,
                                      FILE *f);

#ifdef __cplusplus
}
#endif

#endif
