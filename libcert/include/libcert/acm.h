/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AWS Certificate Manager (ACM API Reference, version 2015-12-08; JSON protocol, target
 * CertificateManager.*, signed for the service "acm"): import and re-import, describe, get, list
 * (every page), delete and tags. The session talks to ACM in the region CloudFront takes
 * certificates from (us-east-1), whatever region it was configured with (aws.h). Arguments are
 * checked against the API's limits before anything is sent.
 */
#ifndef LIBCERT_ACM_H
#define LIBCERT_ACM_H

#include "aws.h"
#include "records.h"

#ifdef __cplusplus
extern "C" {
#endif

/** ImportCertificate's limits (botocore model acm/2015-12-08): Certificate 1..32,768 bytes,
 * PrivateKey 1..5,120, CertificateChain 1..2,097,152; at most 50 tags. */
#define CERT_ACM_CERT_MAX 32768
#define CERT_ACM_KEY_MAX 5120
#define CERT_ACM_CHAIN_MAX 2097152
#define CERT_ACM_TAGS_MAX 50

/** What ImportCertificate sends. Borrowed strings. */
typedef struct cert_acm_import_req {
    const char *arn;          /**< CertificateArn: re-import into this certificate, keeping its
                                   ARN and every association; NULL: a new import */
    const char *certificate;  /**< Certificate: the leaf, PEM */
    const char *private_key;  /**< PrivateKey: unencrypted PEM */
    const char *chain;        /**< CertificateChain: PEM, issuer first; NULL or "" for none */
    const cert_aws_tag *tags; /**< Tags; a new import only (ACM refuses tags on a re-import) */
    size_t tag_count;
} cert_acm_import_req;

/**
 * ImportCertificate: one request. The PEM texts are sent base64-encoded (the JSON protocol's
 * blobs); the key is never logged.
 * A new import (no arn) is not idempotent: when its answer is lost (no whole answer, or a 2xx
 * that cannot be read) it is not sent again, since a second request would be a second
 * certificate; it fails with CERT_E_NET, its outcome unknown, and the caller looks
 * (ListCertificates) before importing again. Error answers (throttling, 5xx) and failures to
 * connect are retried as for every action; a re-import is retried.
 * @param arn_out the certificate's ARN, new string (free()); NULL on failure
 * @return CERT_OK; CERT_E_INVALID (a text over its limit, tags with a re-import, a malformed
 *         ARN: nothing sent); CERT_E_AWS (ValidationException, LimitExceededException,
 *         ResourceNotFoundException, ...); CERT_E_NET (retries exhausted, or a new import's
 *         answer lost); CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_acm_import(cert_aws *aws, const cert_acm_import_req *req, char **arn_out);

/**
 * DescribeCertificate.
 * @param out owned by the caller (cert_acm_cert_clear()); in_use_by_known is true
 * @return CERT_OK; CERT_E_INVALID (not an ACM ARN); CERT_E_AWS (ResourceNotFoundException, ...);
 *         CERT_E_NET; CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_acm_describe(cert_aws *aws, const char *arn, cert_acm_cert *out);

/**
 * GetCertificate: the certificate and its chain as ACM holds them.
 * @param body_out  Certificate, new string (free()); may be NULL
 * @param chain_out CertificateChain, new string or NULL when ACM has none; may be NULL
 * @return as cert_acm_describe() (RequestInProgressException while ACM issues it)
 */
CERT_EXTERN cert_err cert_acm_get(cert_aws *aws, const char *arn, char **body_out,
                                  char **chain_out);

/**
 * ListCertificates, every page (NextToken), with Includes.keyTypes naming every key type: without
 * it ACM lists only RSA_1024 and RSA_2048 certificates (API Reference, Filters).
 * @param page_size MaxItems per request, 1 to 1000; 0 means 1000 (the fewest requests)
 * @param out       new array owned by the caller (cert_acm_certs_free()), in ACM's order
 * @param count_out its length
 * @return CERT_OK; CERT_E_INVALID; CERT_E_AWS; CERT_E_NET (also a listing that would not end);
 *         CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_acm_list(cert_aws *aws, unsigned int page_size, cert_acm_cert **out,
                                   size_t *count_out);

/** DeleteCertificate. CERT_E_AWS ResourceInUseException while a resource uses it. */
CERT_EXTERN cert_err cert_acm_delete(cert_aws *aws, const char *arn);

/** ListTagsForCertificate; *out owned by the caller (cert_iam_tags_free()). */
CERT_EXTERN cert_err cert_acm_list_tags(cert_aws *aws, const char *arn, cert_aws_tag **out,
                                        size_t *count_out);

/** AddTagsToCertificate: 1 to 50 tags. */
CERT_EXTERN cert_err cert_acm_add_tags(cert_aws *aws, const char *arn, const cert_aws_tag *tags,
                                       size_t count);

/** An ACM certificate ARN, split: arn:PARTITION:acm:REGION:ACCOUNT:certificate/ID. */
typedef struct cert_acm_arn {
    char partition[32];
    char region[64];
    char account[32];
    char id[128]; /**< what follows "certificate/" */
} cert_acm_arn;

/**
 * Whether `arn` is an ACM certificate ARN (the API's Arn pattern, 20 to 2,048 characters, service
 * acm, a resource certificate/ID), and its parts.
 * @param out written when true; may be NULL
 */
CERT_EXTERN bool cert_acm_arn_parse(const char *arn, cert_acm_arn *out);

/** Every KeyAlgorithm ACM knows (RSA_1024 ... EC_secp521r1), NULL-terminated, static. */
CERT_EXTERN const char *const *cert_acm_key_types(void);

/** Whether CloudFront serves a certificate with this KeyAlgorithm: RSA_1024 to RSA_4096 and
 * EC_prime256v1 (CloudFront Developer Guide, supported key types). */
CERT_EXTERN bool cert_acm_key_cloudfront(const char *key_algorithm);

#ifdef __cplusplus
}
#endif

#endif
