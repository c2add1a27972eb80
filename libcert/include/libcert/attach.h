/*
 * Attach: put an IAM server certificate on CloudFront distributions without disturbing the rest
 * of their configuration. Every distribution is checked before any is changed; changes run with
 * bounded concurrency; a failure midway is reported per distribution and can be rolled back.
 */
#ifndef LIBCERT_ATTACH_H
#define LIBCERT_ATTACH_H

#include <stdio.h>

#include "cloudfront.h"
#include "iam.h"
#include "report.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What happened to one distribution. */
typedef enum cert_attach_state {
    CERT_ATTACH_PENDING = 0,  /**< not reached (an earlier failure stopped the run) */
    CERT_ATTACH_UNCHANGED,    /**< it already used the certificate: nothing to do */
    CERT_ATTACH_UPDATED,      /**< UpdateDistribution accepted the change */
    CERT_ATTACH_WOULD_UPDATE, /**< dry run: this change would be sent */
    CERT_ATTACH_REFUSED,      /**< the pre-flight found an error: nothing changed anywhere */
    CERT_ATTACH_FAILED,       /**< AWS refused the change or it could not be sent */
    CERT_ATTACH_ROLLED_BACK,  /**< updated, then put back after another failed */
} cert_attach_state;

/** One distribution's outcome. Owned strings. */
typedef struct cert_attach_dist {
    char *id;
    cert_attach_state state;
    cert_exit exit_code; /**< this distribution's own exit code */
    char **aliases;
    size_t alias_count;
    cert_cf_viewer previous; /**< ViewerCertificate before (for a rollback by hand) */
    char *change;            /**< the change to ViewerCertificate, one line */
    char *message;           /**< why it failed or was refused; NULL otherwise */
    char *aws_code;          /**< AWS's error code when AWS refused; NULL otherwise */
    bool deployed;           /**< seen Deployed (with wait) */
    int attempts;            /**< updates sent (412 and eventual-consistency retries) */
    cert_report *report;     /**< the pre-flight report (checks with the aliases as hosts) */
} cert_attach_dist;

/** Options for cert_attach_run(). Initialise with CERT_ATTACH_OPTS_INIT. */
typedef struct cert_attach_opts {
    unsigned int version;
    const cert_aws_opts *aws;         /**< borrowed; workers' sessions share the credentials */
    const char *cert;                 /**< the certificate: NAME, ARN or ServerCertificateId */
    const char *const *distributions; /**< borrowed ids; or: */
    size_t distribution_count;
    const char *replace;            /**< every distribution that uses this certificate now */
    const char *ssl_support_method; /**< NULL: keep the distribution's */
    const char *min_tls;            /**< NULL: keep the distribution's */
    bool dry_run;                   /**< read and check, change nothing */
    unsigned int jobs;              /**< distributions changed at once; 0 means 4 (the
                                         read-only pre-flight reads up to max(jobs, 64)) */
    bool rollback_on_failure;       /**< put back what changed when another change failed */
    bool wait;                      /**< poll GetDistribution until Deployed */
    unsigned int wait_timeout_s;    /**< for wait, IllegalUpdate and rollbacks; 0 means 1200 */
    unsigned int consistency_s;     /**< how long InvalidViewerCertificate is retried for a fresh
                                         certificate (IAM's eventual consistency); 0 means 120 */
    bool fresh;                     /**< the certificate was uploaded in this run */
    cert_report_opts report;        /**< the checks' options (--allow, --at, --ca-file, ...) */
    cert_aws_log_fn progress;       /**< -v and wait progress lines; NULL for none */
    void *progress_ud;
    /* For certrotate: */
    bool include_current;    /**< with replace: also report the distributions that use
                                  `cert` already (a re-run), their previous id `replace` */
    bool replace_gone_ok;    /**< with replace: a certificate that no longer exists in IAM
                                  replaces nothing (a re-run after --delete-old) */
    const char *local_body;  /**< a dry run before the upload: the new certificate's PEM */
    const char *local_chain; /**< ... its chain; `cert` is then only its future name */
    const char *local_path;  /**< ... and the IAM path it would get */
} cert_attach_opts;

#define CERT_ATTACH_OPTS_VERSION 1
#define CERT_ATTACH_OPTS_INIT                                                                      \
    {                                                                                              \
        CERT_ATTACH_OPTS_VERSION, NULL, NULL, NULL, 0, NULL, NULL, NULL, false, 0, false, false,   \
            0, 0, false, CERT_REPORT_OPTS_INIT, NULL, NULL, false, false, NULL, NULL, NULL         \
    }

/** The whole run. */
typedef struct cert_attach_result {
    cert_iam_cert cert;     /**< the certificate attached */
    cert_iam_cert replaced; /**< with replace: the certificate replaced (id; name when it was
                                 given by name or ARN) */
    bool replaced_gone;     /**< with replace_gone_ok: it no longer exists in IAM */
    cert_attach_dist *dists;
    size_t count;
    cert_exit exit_code; /**< the highest of all */
    char *message;       /**< a failure before any distribution (NULL otherwise) */
} cert_attach_result;

/**
 * Attach the certificate.
 * @param opts borrowed
 * @param out  new result owned by the caller (cert_attach_result_free()), also on failure when
 *             anything is worth reporting; NULL only on CERT_E_NOMEM / CERT_E_INVALID
 * @return CERT_OK when the run completed, whatever it found (see out->exit_code);
 *         CERT_E_INVALID (bad options); CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_attach_run(const cert_attach_opts *opts, cert_attach_result **out);

/** Free a result. NULL is a no-op. */
CERT_EXTERN void cert_attach_result_free(cert_attach_result *r);

/** "updated", "unchanged", ... */
CERT_EXTERN const char *cert_attach_state_name(cert_attach_state s);

/**
 * Render a result: text per distribution, or one JSON document
 * {"Certificate": {ServerCertificateMetadata}, "Distributions": [{"Id", "Status", "Previous":
 * {"IAMCertificateId", ...}, "Change", "Error", ...}], "libcert": {"schema", "exit_code"}}.
 */
CERT_EXTERN cert_err cert_attach_write(const cert_attach_result *r, bool json, FILE *f);

#ifdef __cplusplus
}
#endif

#endif
