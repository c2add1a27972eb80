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

/** Options for cert_iam_put(). Initialise with CERT_PUT_OPTS_INIT. */
typedef struct cert_put_opts {
    unsigned int version;
    const char *name;           /**< NULL: cert_iam_name_for() the leaf */
    const char *path;           /**< NULL: "/cloudfront/" */
    cert_key_format key_format; /**< PrivateKey's form (PKCS#8 by default) */
    const cert_aws_tag *tags;
    size_t tag_count;
    bool dry_run; /**< render and check the request, send nothing */
} cert_put_opts;

#define CERT_PUT_OPTS_VERSION 1
#define CERT_PUT_OPTS_INIT                                                                         \
    {                                                                                              \
        CERT_PUT_OPTS_VERSION, NULL, NULL, CERT_KEY_PKCS8, NULL, 0, false                          \
    }

/**
 * Upload a built chain (leaf, intermediates without the root, its key) in one request, and sort
 * out conflicts from IAM's answer, never by listing first: on EntityAlreadyExists, fetch that
 * certificate and compare DER; the same leaf and chain is success (CERT_PUT_EXISTS), anything
 * else an error saying what to do. On LimitExceeded, list what could go (expired, unused).
 * @param chain borrowed; needs its key
 * @param opts  borrowed; NULL means CERT_PUT_OPTS_INIT
 * @param out   filled in every case (clear with cert_put_result_clear()); on failure
 *              out->failure holds the error with AWS's detail
 * @return CERT_OK; CERT_E_INVALID (no key, a bad name or path: nothing sent); CERT_E_AWS
 *         (cert_aws_last_error(); a different certificate under the name; LimitExceeded with
 *         out->removable); CERT_E_NET; CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_iam_put(cert_aws *aws, const cert_chain *chain, const cert_put_opts *opts,
                                  cert_put_result *out);

#ifdef __cplusplus
}
#endif

#endif
