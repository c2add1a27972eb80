/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Report: the whole local pipeline for one bundle (load, chain, checks) as one object, and the
 * exit codes every tool shares. Rendering is render.h's; whether a report may be acted on is
 * gate.h's.
 */
#ifndef LIBCERT_REPORT_H
#define LIBCERT_REPORT_H

#include "checks.h"
#include "records.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Exit codes shared by every tool (docs/exit-codes, design.md). */
typedef enum cert_exit {
    CERT_EXIT_OK = 0,    /**< success; every check passed (warnings allowed) */
    CERT_EXIT_CHECK = 1, /**< a check failed */
    CERT_EXIT_USAGE = 2, /**< bad option or argument */
    CERT_EXIT_INPUT = 3, /**< unreadable or malformed input, wrong passphrase */
    CERT_EXIT_AWS = 4,   /**< AWS rejected the request */
    CERT_EXIT_RETRY = 5, /**< a retryable failure still failing after the last attempt */
} cert_exit;

/** One bundle's outcome. Opaque. */
typedef struct cert_report cert_report;

/** Options for the pipeline. Initialise with CERT_REPORT_OPTS_INIT. */
typedef struct cert_report_opts {
    unsigned int version;
    cert_bundle_opts bundle;
    cert_chain_opts chain;
    cert_check_opts check;
} cert_report_opts;

#define CERT_REPORT_OPTS_VERSION 1
#define CERT_REPORT_OPTS_INIT                                                                      \
    {                                                                                              \
        CERT_REPORT_OPTS_VERSION, CERT_BUNDLE_OPTS_INIT, CERT_CHAIN_OPTS_INIT,                     \
            CERT_CHECK_OPTS_INIT                                                                   \
    }

/**
 * Load the inputs as one bundle, build its chain and run the checks.
 *
 * A failure to load or to build the chain is recorded in the report (cert_report_error()), so
 * that it can be rendered and mapped to an exit code like any other outcome.
 * @param inputs borrowed; files, directories or "-"
 * @param count  number of inputs, at least 1
 * @param opts   borrowed; NULL means CERT_REPORT_OPTS_INIT
 * @param out    new report owned by the caller (cert_report_free()); NULL on failure
 * @return CERT_OK when a report was made, whatever it records; CERT_E_INVALID (no inputs, an
 *         unknown --allow code); CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_report_build(const char *const *inputs, size_t count,
                                       const cert_report_opts *opts, cert_report **out);

/**
 * The pipeline on PEM text already in memory (a certificate as IAM returned it): the same chain
 * and checks as for a file. opts->check says whether a key is expected, the IAM path, hosts.
 * @param label names the input in messages ("iam:NAME")
 * @param body  the certificate PEM; chain: the chain PEM or NULL
 * @return as cert_report_build()
 */
CERT_EXTERN cert_err cert_report_build_pem(const char *label, const char *body, const char *chain,
                                           const cert_report_opts *opts, cert_report **out);

/**
 * The same certificates as `base`, checked again with other check options (other hosts: one
 * certificate against each distribution's aliases). Nothing is parsed or verified again: the
 * certificates and chain are shared with `base` and kept until the last report that uses them
 * is freed. Several threads may recheck one base at once; base is not otherwise changed. A
 * failure recorded in base (cert_report_error()) is carried over.
 * @param label names the input in messages; NULL keeps base's
 * @param check borrowed; its clock is ignored (base's is kept)
 * @param out   new report owned by the caller (cert_report_free()), valid after base is freed
 * @return CERT_OK; CERT_E_INVALID (NULL argument, an unknown --allow code); CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_report_recheck(const cert_report *base, const char *label,
                                         const cert_check_opts *check, cert_report **out);

/**
 * A report that records only a failure (an AWS error before there was a certificate to check),
 * so that it renders like any other: JSON {"input": [label], "status": "error", "exit_code",
 * "error": {"code", "message", and AWS's "aws_code", "request_id", "http_status" when AWS
 * answered}}.
 * @param label   the input's name ("iam:NAME"), copied
 * @param failure borrowed; copied (its err must be an error)
 * @param out     new report owned by the caller (cert_report_free())
 * @return CERT_OK; CERT_E_INVALID; CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_report_new_failure(const char *label, const cert_failure *failure,
                                             cert_report **out);

/** Free a report. NULL is a no-op. */
CERT_EXTERN void cert_report_free(cert_report *report);

/**
 * The error that stopped the pipeline, CERT_OK when it ran to the end.
 * @param message_out the message naming the input and the fix, borrowed; "" when CERT_OK
 */
CERT_EXTERN cert_err cert_report_error(const cert_report *report, const char **message_out);

/** The name the report goes by in messages: its first input ("bundle.pem", "iam:NAME"),
 * borrowed; never NULL. */
CERT_EXTERN const char *cert_report_label(const cert_report *report);

/** The bundle, borrowed; NULL when loading failed. */
CERT_EXTERN const cert_bundle *cert_report_bundle(const cert_report *report);

/** The chain, borrowed; NULL when loading or building failed. */
CERT_EXTERN const cert_chain *cert_report_chain(const cert_report *report);

/** The findings, borrowed; NULL when the checks did not run. */
CERT_EXTERN const cert_findings *cert_report_findings(const cert_report *report);

/**
 * The exit code for this report: CERT_EXIT_INPUT for an input error, CERT_EXIT_CHECK when a
 * finding of error severity remains, else CERT_EXIT_OK.
 */
CERT_EXTERN cert_exit cert_report_exit_code(const cert_report *report);

/**
 * Record a file the tool wrote from this report; JSON lists them as
 * "written": [{"part": "cert", "path": "out/cert.pem"}, ...].
 * @param part borrowed; copied ("cert", "chain", "key", "fullchain")
 * @param path borrowed; copied
 * @return CERT_OK or CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_report_add_output(cert_report *report, const char *part,
                                            const char *path);

/**
 * Record what the tool decided after the checks: the exit code it returns and, when it refused
 * or failed (an output file exists, nothing uploaded), why. The JSON rendering then shows this
 * exit_code, a matching status, and {"outcome": {"message"}}; cert_report_exit_code() still
 * reports what the checks alone imply.
 * @param message borrowed; copied; NULL for none
 * @return CERT_OK or CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_report_set_outcome(cert_report *report, cert_exit code,
                                             const char *message);

/**
 * Record that the report is about the certificate a CloudFront distribution serves: its id, its
 * aliases, and the names checked against it (the aliases, then each of `hosts` that is not
 * already one of them, compared without case), each with whether the leaf covers it
 * (cert_name_covers(); unknown when the report has no certificate, e.g. a failure). Rendered as
 * a "distribution" line and a line per name (text), and as {"distribution": {"Id", "Aliases",
 * "names": [{"name", "source": "alias" or "host", "covered": true, false or null}]}} (JSON).
 * Findings are not changed: run the checks with the same names as hosts for name.uncovered.
 * @param id      the distribution's Id, copied
 * @param aliases borrowed, copied; may be NULL when alias_count is 0
 * @param hosts   borrowed, copied (--host names); may be NULL when host_count is 0
 * @return CERT_OK; CERT_E_INVALID (NULL report or id); CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_report_set_distribution(cert_report *report, const char *id,
                                                  const char *const *aliases, size_t alias_count,
                                                  const char *const *hosts, size_t host_count);

/** The Id of the distribution the report is about, borrowed; NULL when it is about none. */
CERT_EXTERN const char *cert_report_distribution(const cert_report *report);

/** The highest exit code of several reports (each as its JSON shows it: the tool's outcome when
 * one was set, else cert_report_exit_code()); CERT_EXIT_OK for none. */
CERT_EXTERN cert_exit cert_reports_exit_code(const cert_report *const *reports, size_t count);

/** Free an array of reports and each report in it. NULL is a no-op. */
CERT_EXTERN void cert_reports_free(cert_report **reports, size_t count);

/** The exit code for a library error code (CERT_E_INPUT -> 3, CERT_E_AWS -> 4, ...). */
CERT_EXTERN cert_exit cert_exit_for_err(cert_err err);

#ifdef __cplusplus
}
#endif

#endif
