/*
 * Report: the whole local pipeline for one bundle (load, chain, checks) as one object, its text
 * and JSON renderings, and the exit code every tool shares.
 */
#ifndef LIBCERT_REPORT_H
#define LIBCERT_REPORT_H

#include <stdio.h>

#include "checks.h"

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

/** Version of the JSON schema certcheck prints (the "schema" member). */
#define CERT_REPORT_SCHEMA 1

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

/** Which rendering. */
typedef enum cert_output {
    CERT_OUTPUT_TEXT = 0, /**< findings grouped by severity, for people */
    CERT_OUTPUT_JSON,     /**< one JSON document */
    CERT_OUTPUT_QUIET,    /**< nothing */
} cert_output;

/** How text is rendered. */
typedef struct cert_text_opts {
    bool color;    /**< ANSI colour (the caller decides: tty, NO_COLOR, --color) */
    int verbosity; /**< 0 normal; 1 adds info findings and the chain's sources */
} cert_text_opts;

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
 * "error": {"code", "message"}}.
 * @param label   the input's name ("iam:NAME"), copied
 * @param message copied
 */
CERT_EXTERN cert_err cert_report_new_failure(const char *label, cert_err err, const char *message,
                                             cert_report **out);

/** Free a report. NULL is a no-op. */
CERT_EXTERN void cert_report_free(cert_report *report);

/**
 * The error that stopped the pipeline, CERT_OK when it ran to the end.
 * @param message_out the message naming the input and the fix, borrowed; "" when CERT_OK
 */
CERT_EXTERN cert_err cert_report_error(const cert_report *report, const char **message_out);

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

/** The exit code for a library error code (CERT_E_INPUT -> 3, CERT_E_AWS -> 4, ...). */
CERT_EXTERN cert_exit cert_exit_for_err(cert_err err);

/**
 * Render a report.
 * @param report borrowed
 * @param fmt    CERT_OUTPUT_TEXT or CERT_OUTPUT_JSON (QUIET writes nothing)
 * @param text   borrowed; NULL means no colour, verbosity 0
 * @param f      where to write
 * @return CERT_OK; CERT_E_IO (write failed); CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_report_write(const cert_report *report, cert_output fmt,
                                       const cert_text_opts *text, FILE *f);

/**
 * Run the pipeline on each input as a bundle of its own (a directory is one bundle) with
 * `jobs` threads, writing each report in input order as it completes: text, or one JSON
 * document {"schema", "results": [...], "exit_code"} for all of them.
 *
 * CA certificates shared by many bundles are parsed once. Inputs that may need a passphrase or a
 * legacy cipher are loaded on the calling thread before the workers start.
 * @param inputs   borrowed
 * @param count    number of inputs
 * @param opts     borrowed; NULL means CERT_REPORT_OPTS_INIT; opts->bundle.cache is ignored
 * @param jobs     worker threads; 0 means the number of online CPUs
 * @param exit_out the highest exit code over all bundles
 * @return CERT_OK; CERT_E_INVALID; CERT_E_IO (writing failed); CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_report_each(const char *const *inputs, size_t count,
                                      const cert_report_opts *opts, unsigned int jobs,
                                      cert_output fmt, const cert_text_opts *text, FILE *f,
                                      cert_exit *exit_out);

#ifdef __cplusplus
}
#endif

#endif
