/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CloudFront distributions (CloudFront API Reference, version 2020-05-31): listing every page,
 * reading a DistributionConfig with its ETag, editing only its ViewerCertificate, updating
 * with If-Match, and the distribution's Status.
 */
#ifndef LIBCERT_CLOUDFRONT_H
#define LIBCERT_CLOUDFRONT_H

#include "aws.h"
#include "records.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * ListDistributions, every page (Marker / NextMarker / IsTruncated).
 * @param out       new array owned by the caller (cert_cf_dists_free())
 * @param count_out its length
 * @return CERT_OK; CERT_E_AWS; CERT_E_NET; CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_cf_list(cert_aws *aws, cert_cf_dist **out, size_t *count_out);

/** Whether `method` is an SSLSupportMethod CloudFront takes: sni-only, vip or static-ip. */
CERT_EXTERN bool cert_cf_ssl_support_method_valid(const char *method);

/** Whether `version` is a MinimumProtocolVersion CloudFront takes (SSLv3 ... TLSv1.3_2025). */
CERT_EXTERN bool cert_cf_min_protocol_valid(const char *version);

/** Every MinimumProtocolVersion CloudFront takes, oldest first, NULL-terminated (static). */
CERT_EXTERN const char *const *cert_cf_min_protocol_versions(void);

/** A DistributionConfig document as fetched, with its ETag. Opaque. */
typedef struct cert_cf_config cert_cf_config;

/**
 * GetDistributionConfig.
 * @param id  the distribution's Id
 * @param out new document owned by the caller (cert_cf_config_free()); NULL on failure
 * @return CERT_OK; CERT_E_AWS (NoSuchDistribution, ...); CERT_E_NET; CERT_E_INVALID; CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_cf_config_get(cert_aws *aws, const char *id, cert_cf_config **out);

/** Free a document. NULL is a no-op. */
CERT_EXTERN void cert_cf_config_free(cert_cf_config *cfg);

/** The ETag the document came with (borrowed). */
CERT_EXTERN const char *cert_cf_config_etag(const cert_cf_config *cfg);

/** The distribution's Id (borrowed). */
CERT_EXTERN const char *cert_cf_config_id(const cert_cf_config *cfg);

/** The alternate domain names (Aliases/Items/CNAME), borrowed, valid as long as cfg. */
CERT_EXTERN size_t cert_cf_config_aliases(const cert_cf_config *cfg, const char *const **out);

/** The ViewerCertificate as it is now; out owned by the caller (cert_cf_viewer_clear()). */
CERT_EXTERN cert_err cert_cf_config_viewer(const cert_cf_config *cfg, cert_cf_viewer *out);

/** How to move a distribution to an IAM certificate. NULL fields keep what is there, except as
 * noted. */
typedef struct cert_cf_attach {
    const char *iam_certificate_id;       /**< the new IAMCertificateId (required) */
    const char *ssl_support_method;       /**< NULL: keep; sni-only when leaving the default
                                               certificate */
    const char *minimum_protocol_version; /**< NULL: keep; TLSv1.2_2021 when leaving the default
                                               certificate; raised to TLSv1 if sni-only would
                                               go out with SSLv3 */
} cert_cf_attach;

/**
 * Edit only the ViewerCertificate element of the fetched document to use an IAM certificate:
 * IAMCertificateId set, CloudFrontDefaultCertificate and ACMCertificateArn removed, the
 * deprecated Certificate / CertificateSource made consistent (the id, "iam") when present,
 * elements in the API's order; every other element of the document, known to libcert or not,
 * is left as it was.
 * @param change_out a one-line description ("IAMCertificateId A -> B; SSLSupportMethod vip
 *                   (kept); ..."), new string (free()); may be NULL
 * @param changed_out false when the distribution already used exactly this (nothing to do)
 * @return CERT_OK; CERT_E_INVALID (bad arguments, no ViewerCertificate); CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_cf_config_set_iam(cert_cf_config *cfg, const cert_cf_attach *attach,
                                            char **change_out, bool *changed_out);

/**
 * cert_cf_config_set_iam() for an ACM certificate: ACMCertificateArn set,
 * CloudFrontDefaultCertificate and IAMCertificateId removed, the deprecated Certificate /
 * CertificateSource made consistent (the ARN, "acm") when present; SSLSupportMethod and
 * MinimumProtocolVersion as attach says (its iam_certificate_id is ignored); everything else left
 * as it was.
 * @param arn         the ACM certificate's ARN (us-east-1, for CloudFront)
 * @param attach      borrowed; NULL keeps the method and version (the defaults when leaving the
 *                    default certificate)
 * @param change_out  one line ("ACMCertificateArn IAMCertificateId A -> B; ..."), new string;
 *                    may be NULL
 * @param changed_out false when the distribution already used exactly this
 * @return CERT_OK; CERT_E_INVALID (not an ACM ARN); CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_cf_config_set_acm(cert_cf_config *cfg, const char *arn,
                                            const cert_cf_attach *attach, char **change_out,
                                            bool *changed_out);

/**
 * The ViewerCertificate element as XML (to put it back later: cert_cf_config_set_viewer_xml()).
 * @param out new string owned by the caller (free())
 */
CERT_EXTERN cert_err cert_cf_config_viewer_xml(const cert_cf_config *cfg, char **out);

/** Replace the ViewerCertificate element with one saved by cert_cf_config_viewer_xml(). */
CERT_EXTERN cert_err cert_cf_config_set_viewer_xml(cert_cf_config *cfg, const char *xml);

/**
 * UpdateDistribution: PUT the document back with If-Match: its ETag (never without).
 * @param new_etag_out the ETag of the new version, new string (free()); may be NULL
 * @return CERT_OK; CERT_E_AWS (PreconditionFailed when someone changed it meanwhile,
 *         InvalidViewerCertificate, IllegalUpdate, ...); CERT_E_NET; CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_cf_config_put(cert_aws *aws, const cert_cf_config *cfg,
                                        char **new_etag_out);

/**
 * GetDistribution, read whole: Id, ARN, DomainName, Status, and from its DistributionConfig the
 * aliases, Comment, Enabled and ViewerCertificate (one request where GetDistributionConfig would
 * not give the DomainName).
 * @param out written; owned by the caller (cert_cf_dist_clear()); zeroed on failure
 * @return CERT_OK; CERT_E_AWS (NoSuchDistribution, ...); CERT_E_NET; CERT_E_INVALID; CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_cf_get(cert_aws *aws, const char *id, cert_cf_dist *out);

/**
 * GetDistribution: its Status ("InProgress" or "Deployed").
 * @param status_out new string (free())
 */
CERT_EXTERN cert_err cert_cf_status(cert_aws *aws, const char *id, char **status_out);

#ifdef __cplusplus
}
#endif

#endif
