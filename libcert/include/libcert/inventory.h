/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Inventory: the account's IAM server certificates and/or its ACM certificates (us-east-1),
 * every page, sorted by expiration, with the CloudFront distributions that use each and the
 * account's IAM quota. The two stores are listed side by side (concurrently), beside the
 * distributions and the quota. What certls shows, and what
 * certup and certprune consult when the quota is full or certificates have expired. The
 * inventory itself is read with the accessors in results.h.
 */
#ifndef LIBCERT_INVENTORY_H
#define LIBCERT_INVENTORY_H

#include "cloudfront.h"
#include "iam.h"
#include "results.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cert_inventory_opts {
    unsigned int version;
    const char *path_prefix; /**< PathPrefix; NULL for all */
    bool in_use;             /**< also list distributions (ListDistributions, every page) */
    bool quota;              /**< also GetAccountSummary */
    int64_t now;             /**< for days left and expiry; CERT_TIME_NOW */
    unsigned int page_size;  /**< MaxItems per ListServerCertificates page; 0: 1000 */
    unsigned int stores;     /**< CERT_INVENTORY_IAM and/or CERT_INVENTORY_ACM; 0: IAM only */
} cert_inventory_opts;

/** cert_inventory_opts.stores: IAM's server certificates (path_prefix, quota apply to them). */
#define CERT_INVENTORY_IAM 1u
/** cert_inventory_opts.stores: ACM's certificates in the region CloudFront takes them from
 * (ListCertificates with every key type, 1,000 a page), listed beside IAM's. */
#define CERT_INVENTORY_ACM 2u

#define CERT_INVENTORY_OPTS_VERSION 2
#define CERT_INVENTORY_OPTS_INIT                                                                   \
    {                                                                                              \
        CERT_INVENTORY_OPTS_VERSION, NULL, false, false, CERT_TIME_NOW, 0, 0                       \
    }

/**
 * List the account.
 * @param opts borrowed; NULL means CERT_INVENTORY_OPTS_INIT
 * @param out  new inventory owned by the caller (cert_inventory_free()); NULL on failure
 * @return CERT_OK; CERT_E_AWS; CERT_E_NET; CERT_E_INVALID; CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_inventory_build(cert_aws *aws, const cert_inventory_opts *opts,
                                          cert_inventory **out);

/**
 * certls --fix-path: move a certificate under /cloudfront/ without uploading it again (IAM's
 * UpdateServerCertificate with NewPath), keeping the rest of its path below /cloudfront
 * (/prod/ becomes /cloudfront/prod/). One GetServerCertificate, then one update when needed.
 * @param name ServerCertificateName
 * @param out  filled in every case (cert_path_fix_clear()); out->failure says why it failed
 * @return CERT_OK; CERT_E_AWS (NoSuchEntity, ...); CERT_E_NET; CERT_E_INVALID; CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_iam_fix_path(cert_aws *aws, const char *name, cert_path_fix *out);

#ifdef __cplusplus
}
#endif

#endif
