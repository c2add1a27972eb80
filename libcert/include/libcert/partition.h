/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AWS partitions and regions: which partition a region belongs to ("aws", "aws-cn",
 * "aws-us-gov", ...), and where each service libcert talks to is reached there: its host name,
 * the region its requests are signed for, and the partition's ARN prefix. One table, generated
 * from botocore's data/endpoints.json (scripts/gen_partitions.py), resolved as botocore resolves
 * it; tests/integration/test_partitions.py compares the two for every region botocore knows.
 */
#ifndef LIBCERT_PARTITION_H
#define LIBCERT_PARTITION_H

#include "common.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A service's endpoint in one region, as botocore's endpoint data resolves it. */
typedef struct cert_endpoint {
    char partition[32];      /**< "aws", "aws-cn", "aws-us-gov", ... */
    char hostname[160];      /**< "iam.cn-north-1.amazonaws.com.cn" */
    char signing_region[64]; /**< the SigV4 credential scope's region ("cn-north-1") */
} cert_endpoint;

/**
 * Resolve a service in a region, as botocore's EndpointResolver does with endpoints.json: the
 * region's own endpoint when the service lists it; else, when the region belongs to a partition
 * (listed, or matching its region pattern), the service's partition-wide endpoint when it is
 * not regionalized (IAM, CloudFront), or the partition's hostname template. A region no
 * partition claims is taken as partition "aws" (as botocore's endpoint rules do).
 * @param service "iam", "cloudfront", "acm", "sts" or "portal.sso"
 * @param region  a region ("eu-west-1") or a pseudo-region the service lists ("aws-global");
 *                NULL: the service's partition-wide endpoint in partition "aws"
 * @param out     written
 * @return CERT_OK; CERT_E_INVALID (a region that is not [a-z0-9-], a service the table does not
 *         hold, or one the region's partition does not have: CloudFront in aws-us-gov; the
 *         message says which)
 */
CERT_EXTERN cert_err cert_endpoint_resolve(const char *service, const char *region,
                                           cert_endpoint *out);

/**
 * The partition a region belongs to: "aws" for NULL and for a region no partition claims.
 * @return static string
 */
CERT_EXTERN const char *cert_partition_of_region(const char *region);

/** Whether botocore's endpoint data gives `partition` the service ("cloudfront" exists only in
 * aws and aws-cn). */
CERT_EXTERN bool cert_partition_has_service(const char *partition, const char *service);

/** The partition's DNS suffix ("amazonaws.com.cn"); NULL for an unknown partition. Static. */
CERT_EXTERN const char *cert_partition_dns_suffix(const char *partition);

/**
 * Where CloudFront takes ACM certificates from in a partition: "us-east-1" in aws (CloudFront
 * Developer Guide, "Requirements for using SSL/TLS certificates with CloudFront": the
 * certificate must be requested or imported in US East (N. Virginia)); NULL where CloudFront
 * takes none: aws-cn (CloudFront in China does not support ACM: IAM only; "Amazon CloudFront in
 * China Regions") and the partitions without CloudFront. Static.
 */
CERT_EXTERN const char *cert_partition_cloudfront_acm_region(const char *partition);

/** The version of the data the table was generated from ("botocore 1.43.11"). Static. */
CERT_EXTERN const char *cert_partition_data_version(void);

#ifdef __cplusplus
}
#endif

#endif
