/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rotate: the renewal pipeline as one idempotent, resumable command. Check the new bundle;
 * resolve every handle and read and check every distribution it matches (nothing matched, a
 * downgrade, a distribution on CloudFront's default certificate without --store, an ACM-issued
 * certificate: refused before any change); put it in the store (IAM: an upload with the record
 * of what it replaces; ACM: a re-import into the ARN a distribution serves when ACM's rules and
 * libcert's allow it, with no UpdateDistribution at all, else a new import with the record);
 * attach it; wait and confirm each references it; optionally verify what the edge serves; and
 * with --delete-old delete what this job provably replaced once nothing uses it. Run again after
 * any interruption, it finishes the job; run again after a finished job, it sends no write
 * request at all.
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
    cert_report_opts report; /**< how to read and check it (and the pre-flights) */
    cert_put_opts put;       /**< name, path, tags, key format */
    /* The handles (they combine; each must match a distribution, see attach.h): */
    const char *replace;              /**< OLD_CERT: every distribution that uses it */
    const char *const *distributions; /**< these ids */
    size_t distribution_count;
    const char *const *aliases; /**< every distribution that has one of these aliases */
    size_t alias_count;
    bool delete_old;             /**< delete what this job provably replaced, once it is
                                      unused (implies waiting until Deployed) */
    bool wait;                   /**< wait until the distributions are Deployed */
    bool dry_run;                /**< show every step, change nothing */
    bool verify_live;            /**< a TLS handshake with every address of each alias must
                                      serve the new leaf (the check of certcheck --live) */
    const char *connect;         /**< deprecated: HOST[:PORT] to connect to instead of each alias
                                      (now --resolve '*:PORT:ADDRESS' with port) */
    unsigned int jobs;           /**< distributions at once; 0 means 4 */
    unsigned int wait_timeout_s; /**< 0 means 3600 */
    bool rollback_on_failure;
    const char *ssl_support_method;
    const char *min_tls;
    cert_aws_log_fn progress; /**< -v progress lines */
    void *progress_ud;
    cert_wait_fn wait_progress; /**< the wait's state (cert_wait_write() renders it) */
    void *wait_ud;
    /* verify-live, as certcheck --live (live.h): */
    const char *const *resolve; /**< --resolve HOST:PORT:ADDRESS[,ADDRESS] (curl's) */
    size_t resolve_count;
    const char *dns_server; /**< --dns-server ADDRESS[:PORT]; NULL: /etc/resolv.conf's */
    unsigned int port;      /**< the port each alias is checked on; 0: 443 */
    /* version 4: */
    bool store_set; /**< --store: move every matched distribution to put.store; without
                         it each rotates in the store it serves from now (all the same,
                         else rotate.store), and one on CloudFront's default certificate
                         is refused */
} cert_rotate_opts;

#define CERT_ROTATE_OPTS_VERSION 4
#define CERT_ROTATE_OPTS_INIT                                                                      \
    {                                                                                              \
        CERT_ROTATE_OPTS_VERSION, NULL, NULL, 0, CERT_REPORT_OPTS_INIT, CERT_PUT_OPTS_INIT, NULL,  \
            NULL, 0, NULL, 0, false, false, false, false, NULL, 0, 0, false, NULL, NULL, NULL,     \
            NULL, NULL, NULL, NULL, 0, NULL, 0, false                                              \
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
