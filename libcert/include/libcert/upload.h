/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Upload: put a checked chain into IAM in one request, idempotently (certup, certrotate).
 */
#ifndef LIBCERT_UPLOAD_H
#define LIBCERT_UPLOAD_H

#include "chain.h"
#include "iam.h"
#include "key.h"
#include "results.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The IAM tag libcert puts on every certificate it uploads (cert_iam_put()), sent with the
 * UploadServerCertificate request itself; its value is the uploading tool's name ("certup",
 * "certrotate"). certprune --unused deletes only certificates that carry it
 * (cert_upload_tag_present()). IAM takes 50 tags per certificate, so a caller may give 49.
 */
#define CERT_TAG_UPLOADED "libcert:uploaded"

/** How many tags of their own cert_iam_put() takes besides CERT_TAG_UPLOADED (IAM: 50). */
#define CERT_PUT_TAGS_MAX 49

/** Options for cert_iam_put(). Initialise with CERT_PUT_OPTS_INIT. */
typedef struct cert_put_opts {
    unsigned int version;
    const char *name;           /**< NULL: cert_iam_name_for() the leaf */
    const char *path;           /**< NULL: "/cloudfront/" */
    cert_key_format key_format; /**< PrivateKey's form (PKCS#8 by default) */
    const cert_aws_tag *tags;   /**< the caller's tags, at most CERT_PUT_TAGS_MAX, none with the
                                     key CERT_TAG_UPLOADED (compared without case, as IAM does) */
    size_t tag_count;
    bool dry_run;          /**< render and check the request, send nothing */
    const char *uploader;  /**< CERT_TAG_UPLOADED's value; NULL: the tool's name the session was
                                made with (cert_aws_opts.user_agent), else "libcert" */
    cert_store_kind store; /**< cert_store_put(): IAM (default) or ACM; name and path are IAM's */
    const char *reimport;  /**< ACM: re-import into this ARN (certup --reimport); no tags */
    const cert_check_opts *allow; /**< --allow (acm.shared, ...); NULL for none */
} cert_put_opts;

#define CERT_PUT_OPTS_VERSION 3
#define CERT_PUT_OPTS_INIT                                                                         \
    {                                                                                              \
        CERT_PUT_OPTS_VERSION, NULL, NULL, CERT_KEY_PKCS8, NULL, 0, false, NULL, CERT_STORE_IAM,   \
            NULL, NULL                                                                             \
    }

/**
 * Upload a built chain (leaf, intermediates without the root, its key) in one request, and sort
 * out conflicts from IAM's answer, never by listing first: on EntityAlreadyExists, fetch that
 * certificate and compare DER; the same leaf and chain is success (CERT_PUT_EXISTS), anything
 * else an error saying what to do. On LimitExceeded, list what could go (expired, unused).
 * The certificate is tagged CERT_TAG_UPLOADED in the same request, besides the caller's tags.
 * @param chain borrowed; needs its key
 * @param opts  borrowed; NULL means CERT_PUT_OPTS_INIT
 * @param out   filled in every case (clear with cert_put_result_clear()); on failure
 *              out->failure holds the error with AWS's detail
 * @return CERT_OK; CERT_E_INVALID (no key, a bad name or path, more than CERT_PUT_TAGS_MAX
 *         tags or one named CERT_TAG_UPLOADED: nothing sent); CERT_E_AWS
 *         (cert_aws_last_error(); a different certificate under the name; LimitExceeded with
 *         out->removable); CERT_E_NET; CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_iam_put(cert_aws *aws, const cert_chain *chain, const cert_put_opts *opts,
                                  cert_put_result *out);

/**
 * Whether a certificate's tags (ListServerCertificateTags) carry CERT_TAG_UPLOADED, i.e. libcert
 * uploaded it. Keys compare without case, as IAM compares them.
 * @param tags borrowed; may be NULL when count is 0
 */
CERT_EXTERN bool cert_upload_tag_present(const cert_aws_tag *tags, size_t count);

#ifdef __cplusplus
}
#endif

#endif
