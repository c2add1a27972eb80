/*
 * CloudFront distributions (CloudFront API Reference, version 2020-05-31): the listing that
 * tells which distributions use which IAM certificate.
 */
#ifndef LIBCERT_CLOUDFRONT_H
#define LIBCERT_CLOUDFRONT_H

#include "aws.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A DistributionSummary, as ListDistributions returns it. Strings owned. */
typedef struct cert_cf_dist {
    char *id;                 /**< Id */
    char *arn;                /**< ARN */
    char *domain_name;        /**< DomainName, d111111abcdef8.cloudfront.net */
    char *status;             /**< Status: "InProgress" or "Deployed" */
    char *comment;            /**< Comment */
    bool enabled;             /**< Enabled */
    char **aliases;           /**< Aliases/Items/CNAME */
    size_t alias_count;
    char *iam_certificate_id; /**< ViewerCertificate/IAMCertificateId, NULL when not IAM */
    char *acm_certificate_arn;/**< ViewerCertificate/ACMCertificateArn, NULL when not ACM */
    bool default_certificate; /**< ViewerCertificate/CloudFrontDefaultCertificate */
    char *ssl_support_method; /**< ViewerCertificate/SSLSupportMethod, NULL when absent */
    char *minimum_protocol_version; /**< ViewerCertificate/MinimumProtocolVersion */
} cert_cf_dist;

/** Free an array of distributions. NULL is a no-op. */
CERT_EXTERN void cert_cf_dists_free(cert_cf_dist *v, size_t n);

/**
 * ListDistributions, every page (Marker / NextMarker / IsTruncated).
 * @param out       new array owned by the caller (cert_cf_dists_free())
 * @param count_out its length
 * @return CERT_OK; CERT_E_AWS; CERT_E_NET; CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_cf_list(cert_aws *aws, cert_cf_dist **out, size_t *count_out);

#ifdef __cplusplus
}
#endif

#endif
