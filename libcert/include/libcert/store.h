/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Stores: IAM server certificates and ACM (in the region CloudFront takes certificates from)
 * behind the same operations: put (upload or import, idempotently), find by leaf, get, list,
 * delete, tags, and who uses a certificate. The workflows (upload, attach, rotate, prune,
 * inventory, the remote checks) are written once against them; what differs between the stores
 * (IAM's names and paths, ACM's ARNs, re-import and InUseBy) stays here.
 *
 * Defaults, so that nothing changes store silently: certup, certls and certprune use IAM unless
 * told otherwise; certattach takes the store from its --cert (an ACM ARN, or an IAM name, ARN or
 * id); certrotate takes the store every matched distribution serves from now.
 */
#ifndef LIBCERT_STORE_H
#define LIBCERT_STORE_H

#include "acm.h"
#include "chain.h"
#include "checks.h"
#include "iam.h"
#include "records.h"
#include "results.h"
#include "upload.h"

#ifdef __cplusplus
extern "C" {
#endif

/** "iam" or "acm" (static). */
CERT_EXTERN const char *cert_store_name(cert_store_kind kind);

/** --store iam|acm; false for anything else. */
CERT_EXTERN bool cert_store_parse(const char *text, cert_store_kind *out);

/** The store a certificate named on the command line lives in: an ACM certificate ARN is ACM;
 * anything else (an IAM name, ARN or ServerCertificateId) is IAM. */
CERT_EXTERN cert_store_kind cert_store_of(const char *spec);

/**
 * The store a distribution serves its certificate from.
 * @return false for CloudFront's default certificate (no store)
 */
CERT_EXTERN bool cert_store_of_viewer(const cert_cf_viewer *viewer, cert_store_kind *out);

/**
 * Whether the session can use a store for CloudFront: IAM everywhere (partitions without
 * CloudFront keep IAM for other uses); ACM only where CloudFront takes ACM certificates
 * (partition aws, us-east-1; in aws-cn CloudFront takes IAM certificates only).
 * @return CERT_OK; CERT_E_INPUT with a message naming the partition and the way out
 */
CERT_EXTERN cert_err cert_store_check(const cert_aws *aws, cert_store_kind kind);

/** A certificate in either store, as the workflows hold it. Owned (cert_store_cert_clear()). */
typedef struct cert_store_cert {
    cert_store_kind store;
    /** What both stores have, with IAM's field names: IAM's ServerCertificateMetadata; for ACM,
     * id, name and arn the CertificateArn, path NULL, upload_date ImportedAt (CreatedAt for an
     * ACM-issued one), expiration NotAfter. `id` is what a ViewerCertificate names it by. */
    cert_iam_cert meta;
    cert_acm_cert acm; /**< ACM's own record (names, status, type, key, usages, InUseBy) */
} cert_store_cert;

/** Free what a record holds and zero it. NULL is a no-op. */
CERT_EXTERN void cert_store_cert_clear(cert_store_cert *c);

/** Free an array of records. NULL is a no-op. */
CERT_EXTERN void cert_store_certs_free(cert_store_cert *v, size_t n);

/**
 * One certificate and its chain as the store holds them: IAM by NAME, ARN or ServerCertificateId
 * (GetServerCertificate; an id is found by listing the account), ACM by ARN (DescribeCertificate
 * and GetCertificate).
 * @param out   owned by the caller (cert_store_cert_clear())
 * @param body  the certificate, new string (free()); may be NULL
 * @param chain the chain, new string or NULL when there is none; may be NULL
 * @return CERT_OK; CERT_E_INVALID (not a name or ARN of that store); CERT_E_AWS (NoSuchEntity,
 *         ResourceNotFoundException, ...); CERT_E_NET; CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_store_get(cert_aws *aws, cert_store_kind kind, const char *spec,
                                    cert_store_cert *out, char **body, char **chain);

/**
 * Every certificate of the store, every page: IAM's ListServerCertificates (page_size 0: 1,000
 * a request), ACM's ListCertificates with every key type (1,000 a request).
 * @param out new array owned by the caller (cert_store_certs_free())
 */
CERT_EXTERN cert_err cert_store_list(cert_aws *aws, cert_store_kind kind, cert_store_cert **out,
                                     size_t *count_out);

/** Delete (DeleteServerCertificate by name, DeleteCertificate by ARN). CERT_E_AWS DeleteConflict
 * or ResourceInUseException while something uses it (cert_store_in_use_error() says which). */
CERT_EXTERN cert_err cert_store_delete(cert_aws *aws, const cert_store_cert *c);

/** Whether the session's last error says the certificate is in use (IAM's DeleteConflict, ACM's
 * ResourceInUseException). */
CERT_EXTERN bool cert_store_in_use_error(const cert_aws *aws);

/** Whether the session's last error says the certificate does not exist (NoSuchEntity,
 * ResourceNotFoundException). */
CERT_EXTERN bool cert_store_gone_error(const cert_aws *aws);

/** Its tags (ListServerCertificateTags, every page; ListTagsForCertificate); *out owned by the
 * caller (cert_iam_tags_free()). */
CERT_EXTERN cert_err cert_store_tags(cert_aws *aws, const cert_store_cert *c, cert_aws_tag **out,
                                     size_t *count_out);

/** Add tags (TagServerCertificate; AddTagsToCertificate). */
CERT_EXTERN cert_err cert_store_tag(cert_aws *aws, const cert_store_cert *c,
                                    const cert_aws_tag *tags, size_t count);

/**
 * Who uses a certificate: the distributions among `dists` whose ViewerCertificate names it
 * (IAMCertificateId, ACMCertificateArn), by Id.
 * @param ids_out new array of borrowed ids (free() the array only), valid as long as dists
 * @return how many; SIZE_MAX when out of memory
 */
CERT_EXTERN size_t cert_store_users(const cert_store_cert *c, const cert_cf_dist *dists, size_t n,
                                    const char ***ids_out);

/** Whether a distribution's ViewerCertificate names the certificate with this id (an IAM
 * ServerCertificateId or an ACM ARN). */
CERT_EXTERN bool cert_store_viewer_uses(const cert_cf_viewer *viewer, const char *id);

/**
 * The rules ACM applies to a re-import, and libcert's safety rules, checked before anything is
 * sent. Each broken rule is one refusal with its own code (none is an allowed one when --allow
 * names it; it is kept, marked allowed):
 *   acm.managed             the certificate is ACM-issued (AMAZON_ISSUED, PRIVATE): never
 *                           re-imported (nor replaced by certattach or certrotate)
 *   acm.reimport.key        another key algorithm or size than the certificate there now
 *   acm.reimport.key_usage  a key usage of the current certificate missing (keyEncipherment may
 *                           go on ECDSA)
 *   acm.reimport.eku        an extended key usage missing (clientAuth may go)
 *   acm.shared              a resource in its InUseBy is not one of `matched` (the distributions
 *                           this run matched and pre-flighted); with --allow acm.shared only when
 *                           the new certificate covers every DNS name of the current one
 * A re-import is irreversible and reaches every user of the ARN at once (ACM User Guide,
 * import-reimport: there is no rollback and no If-Match).
 * @param current     the certificate there now (DescribeCertificate: in_use_by_known)
 * @param current_pem its certificate (GetCertificate), for its names; may be NULL (no names: the
 *                    cover test fails)
 * @param leaf        the new leaf
 * @param matched     distribution ids; may be NULL when count is 0
 * @param allow       --allow codes; may be NULL
 * @param out         refusals appended (cert_refusals_free()); *count_out grows
 * @return CERT_OK (whatever was found) or CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_store_reimport_rules(const cert_acm_cert *current,
                                               const char *current_pem, const X509 *leaf,
                                               const char *const *matched, size_t matched_count,
                                               const cert_check_opts *allow, cert_refusal **out,
                                               size_t *count_out);

/** Whether a list of refusals holds one that was not allowed. */
CERT_EXTERN bool cert_refusals_block(const cert_refusal *v, size_t n);

/**
 * Put a built chain into a store, idempotently, checked as that store checks it:
 *   IAM: cert_iam_put() (UploadServerCertificate; EntityAlreadyExists sorted out by comparing).
 *   ACM: with opts->reimport, that ARN is described and the re-import rules checked
 *   (cert_store_reimport_rules(), no distribution matched: any InUseBy is acm.shared); a refusal
 *   sends nothing (CERT_E_REFUSED, out->refusals). Without it, the account is listed (ACM has no
 *   name to conflict on, the one exception to "fewest requests": ListCertificates with every key
 *   type) and the imported certificates with the leaf's names and notAfter are fetched
 *   (GetCertificate): the same leaf and chain is success (CERT_PUT_EXISTS, its ARN); the same
 *   leaf with another chain is re-imported into that ARN, under the same rules; else one
 *   ImportCertificate with the tags (CERT_TAG_UPLOADED among them).
 * @param opts borrowed; opts->store says which; NULL means CERT_PUT_OPTS_INIT (IAM)
 * @param out  filled in every case (cert_put_result_clear())
 * @return as cert_iam_put(); CERT_E_REFUSED when a rule refused the re-import; CERT_E_INPUT when
 *         the store is not usable in the session's partition
 */
CERT_EXTERN cert_err cert_store_put(cert_aws *aws, const cert_chain *chain,
                                    const cert_put_opts *opts, cert_put_result *out);

/** ACM's names for what X.509 says of a leaf, as DescribeCertificate shows them: its
 * KeyAlgorithm ("RSA_2048", "EC_prime256v1"; "" for a key ACM does not take) into `alg`. */
CERT_EXTERN void cert_store_acm_key_algorithm(const X509 *leaf, char *alg, size_t size);

#ifdef __cplusplus
}
#endif

#endif
