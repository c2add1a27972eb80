/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Attach: put an IAM server certificate on CloudFront distributions without disturbing the rest
 * of their configuration. Every distribution is checked before any is changed; changes run with
 * bounded concurrency; a failure midway is reported per distribution and can be rolled back.
 */
#ifndef LIBCERT_ATTACH_H
#define LIBCERT_ATTACH_H

#include "cloudfront.h"
#include "iam.h"
#include "report.h"
#include "results.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Options for cert_attach_run(). Initialise with CERT_ATTACH_OPTS_INIT. */
typedef struct cert_attach_opts {
    unsigned int version;
    const cert_aws_opts *aws; /**< borrowed; workers' sessions share the credentials */
    const char *cert;         /**< the certificate: NAME, ARN or ServerCertificateId */
    /* The handles: which distributions; they combine (union), and each must match one. */
    const char *const *distributions; /**< borrowed ids (operands and --distribution) */
    size_t distribution_count;
    const char *const *aliases; /**< --alias: every distribution whose Aliases hold this name
                                     (case-insensitive, a wildcard matched as written) */
    size_t alias_count;
    const char *replace;            /**< every distribution that uses this certificate now */
    const char *ssl_support_method; /**< NULL: keep the distribution's */
    const char *min_tls;            /**< NULL: keep the distribution's */
    bool dry_run;                   /**< read and check, change nothing */
    unsigned int jobs;              /**< distributions changed at once; 0 means 4 (the
                                         read-only pre-flight reads up to max(jobs, 64)) */
    bool rollback_on_failure;       /**< put back what changed when another change failed */
    bool wait;                      /**< wait until every distribution is Deployed */
    unsigned int wait_timeout_s;    /**< for wait, IllegalUpdate and rollbacks; 0 means 3600 */
    unsigned int consistency_s;     /**< how long InvalidViewerCertificate is retried for a fresh
                                         certificate (IAM's eventual consistency); 0 means 120 */
    bool fresh;                     /**< the certificate was uploaded in this run */
    cert_report_opts report;        /**< the checks' options (--allow, --at, --ca-file, ...) */
    cert_aws_log_fn progress;       /**< -v progress lines; NULL for none */
    void *progress_ud;
    cert_wait_fn wait_progress; /**< the wait's state (render it with cert_wait_write()) */
    void *wait_ud;
} cert_attach_opts;

#define CERT_ATTACH_OPTS_VERSION 2
#define CERT_ATTACH_OPTS_INIT                                                                      \
    {                                                                                              \
        CERT_ATTACH_OPTS_VERSION, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL, NULL, false, 0, false, \
            false, 0, 0, false, CERT_REPORT_OPTS_INIT, NULL, NULL, NULL, NULL                      \
    }

/**
 * Attach the certificate.
 * @param opts borrowed
 * @param out  new result owned by the caller (cert_attach_result_free()), also when the run
 *             failed before any distribution (out->failure); NULL only on CERT_E_NOMEM /
 *             CERT_E_INVALID
 * @return CERT_OK when the run completed, whatever it found (cert_attach_exit() says how it
 *         went); CERT_E_INVALID (bad options); CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_attach_run(const cert_attach_opts *opts, cert_attach_result **out);

#ifdef __cplusplus
}
#endif

#endif
