/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Checks: the rules a certificate must pass before IAM and CloudFront take it. Each rule gives
 * findings with a stable code and one severity; scripts key on codes, people read messages.
 */
#ifndef LIBCERT_CHECKS_H
#define LIBCERT_CHECKS_H

#include "chain.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cert_severity {
    CERT_SEV_INFO = 0,
    CERT_SEV_WARNING = 1,
    CERT_SEV_ERROR = 2,
} cert_severity;

/** One finding. Read-only view; every pointer is owned by the cert_findings it came from. */
typedef struct cert_finding {
    const char *code;          /**< stable code, e.g. "key.mismatch" */
    cert_severity severity;    /**< after --allow: an allowed error reads CERT_SEV_WARNING */
    bool allowed;              /**< an error downgraded by cert_check_opts.allow */
    const char *message;       /**< one line for people */
    size_t item;               /**< bundle certificate index it is about; SIZE_MAX for none */
    const cert_source *source; /**< provenance of that item (certificate or key); may be NULL */
} cert_finding;

/** A list of findings. Opaque. */
typedef struct cert_findings cert_findings;

/** Options for cert_checks_run(). Initialise with CERT_CHECK_OPTS_INIT. */
typedef struct cert_check_opts {
    unsigned int version;
    int64_t now;              /**< seconds since the epoch, or CERT_TIME_NOW */
    unsigned int days;        /**< cert.expires_soon below this many days (default 30) */
    const char *const *hosts; /**< borrowed; names the leaf must cover (name.uncovered) */
    size_t host_count;
    const char *const *allow; /**< borrowed; error codes to downgrade to warnings */
    size_t allow_count;
    bool key_required;        /**< key.missing is an error (a tool that uploads or writes it) */
    bool key_not_expected;    /**< no key findings at all (key.missing, key.mismatch): the
                                   certificate was fetched without its key (from IAM) */
    const char *iam_path;     /**< the certificate lives in IAM under this path: iam.path when
                                   CloudFront cannot use it; NULL: not in IAM */
    const cert_chain *expect; /**< borrowed; iam.differs / iam.same against this chain's leaf
                                   and intermediates; NULL: no comparison */
} cert_check_opts;

#define CERT_CHECK_OPTS_VERSION 1
#define CERT_CHECK_OPTS_INIT                                                                       \
    {                                                                                              \
        CERT_CHECK_OPTS_VERSION, CERT_TIME_NOW, 30, NULL, 0, NULL, 0, false, false, NULL, NULL     \
    }

/**
 * Run every rule on a built chain.
 * @param chain borrowed
 * @param opts  borrowed; NULL means CERT_CHECK_OPTS_INIT
 * @param out   new list owned by the caller (cert_findings_free()), ordered by severity
 *              (errors first) then by rule; NULL on failure
 * @return CERT_OK; CERT_E_INVALID (an allow entry that is not a known code); CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_checks_run(const cert_chain *chain, const cert_check_opts *opts,
                                     cert_findings **out);

/** Free a list of findings. NULL is a no-op. */
CERT_EXTERN void cert_findings_free(cert_findings *findings);

/** Number of findings. */
CERT_EXTERN size_t cert_findings_count(const cert_findings *findings);

/** The i-th finding, borrowed; NULL when out of range. */
CERT_EXTERN const cert_finding *cert_findings_at(const cert_findings *findings, size_t i);

/** The first finding with this code, borrowed; NULL when there is none. */
CERT_EXTERN const cert_finding *cert_findings_find(const cert_findings *findings, const char *code);

/** Whether --allow named this code (for the rules the workflows apply: handle.unmatched,
 * rotate.downgrade, ...). */
CERT_EXTERN bool cert_check_allowed(const cert_check_opts *opts, const char *code);

/** Number of findings of a severity (after --allow). */
CERT_EXTERN size_t cert_findings_count_severity(const cert_findings *findings,
                                                cert_severity severity);

/**
 * The catalogue of codes, for --help, --allow validation and documentation.
 * @param i          0 .. until NULL is returned
 * @param sev_out    the code's one severity (key.missing: its severity when the key is required)
 * @param about_out  one line: what the code means, static
 * @return the code, static; NULL past the end
 */
CERT_EXTERN const char *cert_check_code_at(size_t i, cert_severity *sev_out,
                                           const char **about_out);

/** Whether `code` is in the catalogue. */
CERT_EXTERN bool cert_check_code_known(const char *code);

/** "info", "warning", "error". */
CERT_EXTERN const char *cert_severity_name(cert_severity severity);

/**
 * Whether the certificate's names cover `host`, as browsers match them (RFC 9525; RFC 6125
 * section 6.4): the subjectAltName only, never the subject CN; DNS names compared without case;
 * a wildcard only as the whole left-most label, covering exactly one label; IP addresses against
 * IP SANs only. A host
 * that is itself a wildcard (a CloudFront alias `*.example.com`) is covered only by the
 * identical wildcard name (CloudFront developer guide, "Requirements for using SSL/TLS
 * certificates with CloudFront").
 * @param cert borrowed
 * @param host borrowed; a DNS name (a trailing dot is ignored), an IPv4 or IPv6 literal
 */
CERT_EXTERN bool cert_name_covers(const X509 *cert, const char *host);

/**
 * Whether CloudFront can use an IAM server certificate stored under `path`: it must begin with
 * "/cloudfront/" (CloudFront developer guide, "Importing an SSL/TLS certificate": the path
 * "must begin with /cloudfront and must include a trailing slash").
 */
CERT_EXTERN bool cert_iam_path_cloudfront(const char *path);

/**
 * Parse a time for --at: RFC 3339 ("2026-01-01T00:00:00Z", "2026-01-01T01:00:00+01:00",
 * fractions ignored, "t"/"z" and a space for "T" accepted) or "@EPOCH".
 * @param text borrowed
 * @param out  seconds since the epoch
 * @return CERT_OK or CERT_E_INVALID
 */
CERT_EXTERN cert_err cert_time_parse(const char *text, int64_t *out);

#ifdef __cplusplus
}
#endif

#endif
