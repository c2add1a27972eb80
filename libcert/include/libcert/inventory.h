/*
 * Inventory: the account's IAM server certificates, every page, sorted by expiration, with the
 * CloudFront distributions that use each and the account's quota. What certls shows, and what
 * certup and certprune consult when the quota is full or certificates have expired.
 */
#ifndef LIBCERT_INVENTORY_H
#define LIBCERT_INVENTORY_H

#include <stdio.h>

#include "cloudfront.h"
#include "iam.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque. */
typedef struct cert_inventory cert_inventory;

/** Options for cert_inventory_build(). Initialise with CERT_INVENTORY_OPTS_INIT. */
typedef struct cert_inventory_opts {
    unsigned int version;
    const char *path_prefix; /**< PathPrefix; NULL for all */
    bool in_use;             /**< also list distributions (ListDistributions, every page) */
    bool quota;              /**< also GetAccountSummary */
    int64_t now;             /**< for days left and expiry; CERT_TIME_NOW */
    unsigned int page_size;  /**< MaxItems per ListServerCertificates page; 0: 1000 */
} cert_inventory_opts;

#define CERT_INVENTORY_OPTS_VERSION 1
#define CERT_INVENTORY_OPTS_INIT                                                                   \
    {                                                                                              \
        CERT_INVENTORY_OPTS_VERSION, NULL, false, false, CERT_TIME_NOW, 0                          \
    }

/**
 * List the account.
 * @param opts borrowed; NULL means CERT_INVENTORY_OPTS_INIT
 * @param out  new inventory owned by the caller (cert_inventory_free()); NULL on failure
 * @return CERT_OK; CERT_E_AWS; CERT_E_NET; CERT_E_INVALID; CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_inventory_build(cert_aws *aws, const cert_inventory_opts *opts,
                                          cert_inventory **out);

/** Free an inventory. NULL is a no-op. */
CERT_EXTERN void cert_inventory_free(cert_inventory *inv);

/** Number of certificates. */
CERT_EXTERN size_t cert_inventory_count(const cert_inventory *inv);

/** The i-th certificate by expiration (soonest first), borrowed; NULL when out of range. */
CERT_EXTERN const cert_iam_cert *cert_inventory_at(const cert_inventory *inv, size_t i);

/** Whether distributions were listed (so that "unused" means something). */
CERT_EXTERN bool cert_inventory_usage_known(const cert_inventory *inv);

/**
 * The distributions that use the i-th certificate (their ViewerCertificate's IAMCertificateId).
 * @param ids_out borrowed array of distribution ids, valid as long as the inventory
 * @return how many
 */
CERT_EXTERN size_t cert_inventory_users(const cert_inventory *inv, size_t i,
                                        const char *const **ids_out);

/** The distributions listed, borrowed; *count_out their number (0 when not listed). */
CERT_EXTERN const cert_cf_dist *cert_inventory_distributions(const cert_inventory *inv,
                                                             size_t *count_out);

/** Whether the i-th certificate could go: under /cloudfront/, expired, used by no distribution
 * (false when usage is unknown). */
CERT_EXTERN bool cert_inventory_removable(const cert_inventory *inv, size_t i);

/** Whether the i-th certificate expires within `days` days (expired ones included). */
CERT_EXTERN bool cert_inventory_expiring(const cert_inventory *inv, size_t i, unsigned int days);

/** ServerCertificates and ServerCertificatesQuota (-1 when not asked or absent). */
CERT_EXTERN void cert_inventory_quota(const cert_inventory *inv, long *used_out, long *quota_out);

/** The clock the inventory was built with. */
CERT_EXTERN int64_t cert_inventory_now(const cert_inventory *inv);

/** How to show an inventory. */
typedef struct cert_inventory_write_opts {
    bool json;         /**< {"ServerCertificateMetadataList": [...], ...} as the AWS CLI */
    int expiring_days; /**< show only certificates expiring within this many days; -1: all */
    bool color;
} cert_inventory_write_opts;

/**
 * Write the inventory as certls prints it.
 * @param shown_out how many certificates were shown (after the expiring filter); may be NULL
 */
CERT_EXTERN cert_err cert_inventory_write(const cert_inventory *inv,
                                          const cert_inventory_write_opts *opts, FILE *f,
                                          size_t *shown_out);

#ifdef __cplusplus
}
#endif

#endif
