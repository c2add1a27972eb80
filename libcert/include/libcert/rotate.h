/*
 * Rotate: the renewal pipeline as one idempotent, resumable command. Check the new bundle,
 * upload it (an identical certificate already in IAM is success), attach it to every
 * distribution that uses the old certificate (or to the ones named), confirm each now references
 * it, optionally verify what the edge serves, and optionally delete the old certificate once no
 * distribution uses it. Run again after any interruption, it finishes the job without a second
 * upload.
 */
#ifndef LIBCERT_ROTATE_H
#define LIBCERT_ROTATE_H

#include "attach.h"
#include "net.h"
#include "upload.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Options for cert_rotate_run(). Initialise with CERT_ROTATE_OPTS_INIT. */
typedef struct cert_rotate_opts {
    unsigned int version;
    const cert_aws_opts *aws;  /**< borrowed */
    const char *const *inputs; /**< the new bundle: files, directories or "-" */
    size_t input_count;
    cert_report_opts report;          /**< how to read and check it (and the pre-flights) */
    cert_put_opts put;                /**< name, path, tags, key format */
    const char *replace;              /**< OLD_CERT: every distribution that uses it */
    const char *const *distributions; /**< or these */
    size_t distribution_count;
    bool delete_old;             /**< delete OLD_CERT once no distribution uses it (implies
                                      waiting until they are Deployed) */
    bool wait;                   /**< wait until the distributions are Deployed */
    bool dry_run;                /**< show every step, change nothing */
    bool verify_live;            /**< a TLS handshake per alias must serve the new leaf */
    const char *connect;         /**< HOST[:PORT] to connect to instead of each alias */
    unsigned int jobs;           /**< distributions at once; 0 means 4 */
    unsigned int wait_timeout_s; /**< 0 means 1200 */
    bool rollback_on_failure;
    const char *ssl_support_method;
    const char *min_tls;
    cert_aws_log_fn progress;
    void *progress_ud;
} cert_rotate_opts;

#define CERT_ROTATE_OPTS_VERSION 1
#define CERT_ROTATE_OPTS_INIT                                                                      \
    {                                                                                              \
        CERT_ROTATE_OPTS_VERSION, NULL, NULL, 0, CERT_REPORT_OPTS_INIT, CERT_PUT_OPTS_INIT, NULL,  \
            NULL, 0, false, false, false, false, NULL, 0, 0, false, NULL, NULL, NULL, NULL         \
    }

/**
 * Run the renewal.
 * @param out new result owned by the caller (cert_rotate_result_free()); filled as far as the
 *            run went
 * @return CERT_OK when the run went as far as it could, whatever it found (cert_rotate_exit()
 *         says how it went);
 *         CERT_E_INVALID (bad options); CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_rotate_run(const cert_rotate_opts *opts, cert_rotate_result **out);

#ifdef __cplusplus
}
#endif

#endif
