/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Records: what AWS says about certificates, distributions and DNS records, as plain data with the
 * AWS API's field names (ServerCertificateMetadata, DistributionSummary, ViewerCertificate,
 * HostedZone, ResourceRecordSet), and the detail of a failure. Every layer may hold them: the AWS
 * clients fill them, the workflows carry them in their results, the renderers print them. Nothing
 * here talks to AWS.
 */
#ifndef LIBCERT_RECORDS_H
#define LIBCERT_RECORDS_H

#include "common.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** ServerCertificateMetadata. Strings are owned (cert_iam_cert_clear()). */
typedef struct cert_iam_cert {
    char *path;          /**< Path, "/cloudfront/" */
    char *name;          /**< ServerCertificateName */
    char *id;            /**< ServerCertificateId */
    char *arn;           /**< Arn */
    int64_t upload_date; /**< UploadDate, seconds since the epoch; INT64_MIN when absent */
    int64_t expiration;  /**< Expiration; INT64_MIN when absent */
} cert_iam_cert;

/** The certificate stores libcert works with (store.h): IAM server certificates and ACM. */
typedef enum cert_store_kind {
    CERT_STORE_IAM = 0, /**< IAM server certificates (IAM API, 2010-05-08) */
    CERT_STORE_ACM,     /**< AWS Certificate Manager in the region CloudFront takes them from */
} cert_store_kind;

/**
 * An ACM certificate: a CertificateSummary (ListCertificates) or a CertificateDetail
 * (DescribeCertificate), with the AWS API's field names. Strings owned (cert_acm_cert_clear());
 * an absent string member is NULL, an absent time INT64_MIN.
 */
typedef struct cert_acm_cert {
    char *arn;         /**< CertificateArn */
    char *domain_name; /**< DomainName */
    char **names;      /**< SubjectAlternativeNames (or ...Summaries from a listing) */
    size_t name_count;
    char *status;        /**< Status: ISSUED, EXPIRED, PENDING_VALIDATION, INACTIVE, ... */
    char *type;          /**< Type: IMPORTED, AMAZON_ISSUED, PRIVATE */
    char *key_algorithm; /**< KeyAlgorithm: RSA_2048, EC_prime256v1, ... */
    char **key_usages;   /**< KeyUsages' names: DIGITAL_SIGNATURE, KEY_ENCIPHERMENT, ... */
    size_t key_usage_count;
    char **extended_key_usages; /**< ExtendedKeyUsages' names: TLS_WEB_SERVER_AUTHENTICATION, ... */
    size_t extended_key_usage_count;
    bool in_use;          /**< InUse (a listing), or InUseBy not empty (a description) */
    bool in_use_by_known; /**< the record came from DescribeCertificate: in_use_by is complete */
    char **in_use_by;     /**< InUseBy: the ARNs of the resources that use it */
    size_t in_use_by_count;
    char *serial;              /**< Serial (DescribeCertificate) */
    char *subject;             /**< Subject (DescribeCertificate) */
    char *issuer;              /**< Issuer (DescribeCertificate) */
    char *renewal_eligibility; /**< RenewalEligibility */
    int64_t not_before;        /**< NotBefore, seconds since the epoch */
    int64_t not_after;         /**< NotAfter */
    int64_t imported_at;       /**< ImportedAt (IMPORTED) */
    int64_t created_at;        /**< CreatedAt (AMAZON_ISSUED, PRIVATE) */
    int64_t issued_at;         /**< IssuedAt */
} cert_acm_cert;

/** One tag (borrowed strings in requests, owned in results). */
typedef struct cert_aws_tag {
    char *key;
    char *value;
} cert_aws_tag;

/** A DistributionSummary, as ListDistributions returns it. Strings owned. */
typedef struct cert_cf_dist {
    char *id;          /**< Id */
    char *arn;         /**< ARN */
    char *domain_name; /**< DomainName, d111111abcdef8.cloudfront.net */
    char *status;      /**< Status: "InProgress" or "Deployed" */
    char *comment;     /**< Comment */
    bool enabled;      /**< Enabled */
    char **aliases;    /**< Aliases/Items/CNAME */
    size_t alias_count;
    char *iam_certificate_id;       /**< ViewerCertificate/IAMCertificateId, NULL when not IAM */
    char *acm_certificate_arn;      /**< ViewerCertificate/ACMCertificateArn, NULL when not ACM */
    bool default_certificate;       /**< ViewerCertificate/CloudFrontDefaultCertificate */
    char *ssl_support_method;       /**< ViewerCertificate/SSLSupportMethod, NULL when absent */
    char *minimum_protocol_version; /**< ViewerCertificate/MinimumProtocolVersion */
} cert_cf_dist;

/** ViewerCertificate's fields (NULL / false when absent). Owned strings. */
typedef struct cert_cf_viewer {
    bool default_certificate;       /**< CloudFrontDefaultCertificate */
    char *iam_certificate_id;       /**< IAMCertificateId */
    char *acm_certificate_arn;      /**< ACMCertificateArn */
    char *ssl_support_method;       /**< SSLSupportMethod: sni-only, vip, static-ip */
    char *minimum_protocol_version; /**< MinimumProtocolVersion */
    char *certificate;              /**< Certificate (deprecated) */
    char *certificate_source;       /**< CertificateSource (deprecated): cloudfront, iam, acm */
} cert_cf_viewer;

/** A HostedZone, as ListHostedZonesByName returns it. Strings owned (cert_r53_zones_free()). */
typedef struct cert_r53_zone {
    char *id;             /**< Id without its "/hostedzone/" prefix: "Z1D633PJN98FT9" */
    char *name;           /**< Name as Route 53 keeps it: lower case, escape codes ("\052"), a
                               trailing dot ("example.com.") */
    bool private_zone;    /**< Config/PrivateZone */
    int64_t record_count; /**< ResourceRecordSetCount; -1 when absent */
} cert_r53_zone;

/** A ResourceRecordSet, as ListResourceRecordSets returns it. Strings owned
 * (cert_r53_records_free()). */
typedef struct cert_r53_record {
    char *name;            /**< Name as Route 53 keeps it ("\052.example.com.") */
    char *type;            /**< Type: "A", "AAAA", "CNAME", ... */
    char *set_identifier;  /**< SetIdentifier; NULL for a simple record */
    int64_t weight;        /**< Weight (0 to 255); -1 when the record is not weighted */
    char *failover;        /**< Failover: "PRIMARY" or "SECONDARY"; NULL */
    char *region;          /**< Region (latency routing); NULL */
    char *health_check_id; /**< HealthCheckId; NULL */
    int64_t ttl;           /**< TTL in seconds; -1 when absent (an alias record) */
    char **values;         /**< ResourceRecords/ResourceRecord/Value, in order */
    size_t value_count;
    char *alias_dns_name;        /**< AliasTarget/DNSName; NULL when not an alias record */
    char *alias_zone_id;         /**< AliasTarget/HostedZoneId */
    bool evaluate_target_health; /**< AliasTarget/EvaluateTargetHealth */
    /** The routing policy, from the members present: "simple", "weighted", "failover",
     * "latency", "geolocation", "geoproximity", "cidr", "multivalue" or "traffic-policy". */
    const char *routing; /**< static */
} cert_r53_record;

/** What GetHealthCheckStatus says of one health check: its checkers' observations, counted.
 * Strings owned (cert_r53_health_clear()). */
typedef struct cert_r53_health {
    char *id;            /**< HealthCheckId */
    size_t observations; /**< HealthCheckObservations */
    size_t success;      /**< those whose StatusReport/Status begins with "Success" */
    char *failure;       /**< the first Status that does not ("Failure: ..."); NULL */
} cert_r53_health;

/**
 * Why something failed, kept with a result so that it renders after the thread's last error has
 * moved on: ours and, when AWS answered, AWS's. Owned strings (cert_failure_clear()).
 */
typedef struct cert_failure {
    cert_err err;     /**< CERT_OK when nothing failed */
    char *message;    /**< one line naming the input and the fix; NULL when nothing failed */
    char *aws_code;   /**< AWS's error code ("NoSuchEntity") when AWS answered; else NULL */
    char *request_id; /**< AWS's request id when AWS answered; else NULL */
    long http_status; /**< the HTTP status of AWS's answer; 0 when none came */
} cert_failure;

/** Free the strings of a metadata record and zero it. */
CERT_EXTERN void cert_iam_cert_clear(cert_iam_cert *c);

/**
 * Copy a metadata record.
 * @param dst written; owned by the caller (cert_iam_cert_clear()); zeroed on failure
 * @return CERT_OK or CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_iam_cert_copy(cert_iam_cert *dst, const cert_iam_cert *src);

/** Free an array from cert_iam_list(). NULL is a no-op. */
CERT_EXTERN void cert_iam_certs_free(cert_iam_cert *v, size_t n);

/** Free the strings of an ACM record and zero it (times INT64_MIN). NULL is a no-op. */
CERT_EXTERN void cert_acm_cert_clear(cert_acm_cert *c);

/**
 * Copy an ACM record.
 * @param dst written; owned by the caller (cert_acm_cert_clear()); cleared on failure
 * @return CERT_OK or CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_acm_cert_copy(cert_acm_cert *dst, const cert_acm_cert *src);

/** Free an array from cert_acm_list(). NULL is a no-op. */
CERT_EXTERN void cert_acm_certs_free(cert_acm_cert *v, size_t n);

/** Free an array of tags. NULL is a no-op. */
CERT_EXTERN void cert_iam_tags_free(cert_aws_tag *v, size_t n);

/** Free the strings of one distribution summary and zero it. */
CERT_EXTERN void cert_cf_dist_clear(cert_cf_dist *d);

/** Free an array of distributions. NULL is a no-op. */
CERT_EXTERN void cert_cf_dists_free(cert_cf_dist *v, size_t n);

/** Free the strings of a viewer and zero it. */
CERT_EXTERN void cert_cf_viewer_clear(cert_cf_viewer *v);

/** Free an array of hosted zones. NULL is a no-op. */
CERT_EXTERN void cert_r53_zones_free(cert_r53_zone *v, size_t n);

/** Free the strings of one record and zero it. */
CERT_EXTERN void cert_r53_record_clear(cert_r53_record *r);

/** Free an array of records. NULL is a no-op. */
CERT_EXTERN void cert_r53_records_free(cert_r53_record *v, size_t n);

/** Free the strings of a health status and zero it. NULL is a no-op. */
CERT_EXTERN void cert_r53_health_clear(cert_r53_health *h);

/**
 * Record a failure, copying the strings (NULL or "" for none).
 * @param f written; what it held before is freed
 * @return CERT_OK or CERT_E_NOMEM (then f holds err and no strings)
 */
CERT_EXTERN cert_err cert_failure_set(cert_failure *f, cert_err err, const char *message,
                                      const char *aws_code, const char *request_id,
                                      long http_status);

/**
 * Record the calling thread's last error (cert_error_last()) as a failure with code err,
 * without AWS's detail.
 */
CERT_EXTERN cert_err cert_failure_from_last(cert_failure *f, cert_err err);

/** Free a failure's strings and zero it (err CERT_OK). NULL is a no-op. */
CERT_EXTERN void cert_failure_clear(cert_failure *f);

/** "2026-06-01T00:00:00+00:00", the AWS CLI's form of a time (buf at least 26 bytes). */
CERT_EXTERN char *cert_aws_time_format(int64_t t, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif
