/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rendering: every result as text for people or as one JSON document for scripts, in one
 * module. JSON shows AWS objects with the AWS API's field names (so jq filters written for the
 * AWS CLI carry over) and libcert's own members in one envelope: certcheck's and certsplit's
 * top-level object, and the "libcert" member of every AWS tool's document, each with "schema",
 * "exit_code" and, when something failed, "error": {"message", "code" (ours: cert_err_name()),
 * and when AWS answered "aws_code", "request_id", "http_status"}.
 *
 * Untrusted text (certificate fields, AWS's messages, file names) is written as it came in JSON
 * (escaped as JSON) and is the caller's to escape on a terminal.
 */
#ifndef LIBCERT_RENDER_H
#define LIBCERT_RENDER_H

#include <stdio.h>

#include "report.h"
#include "results.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The JSON schema of each tool's document ("schema"), raised when a member changes type or
 * meaning or goes away (members may be added without a change); the README lists each change. */
#define CERT_SCHEMA_REPORT 1 /**< certcheck's and certsplit's documents */
#define CERT_SCHEMA_CERTUP 1
#define CERT_SCHEMA_CERTLS 1
#define CERT_SCHEMA_CERTPRUNE 1
#define CERT_SCHEMA_CERTATTACH 3 /**< 3: a distribution's "changed" is null when unknown */
#define CERT_SCHEMA_CERTROTATE 2

/**
 * Which rendering. The tools' --output json|text|table: json is CERT_OUTPUT_JSON, text is
 * CERT_OUTPUT_RECORDS and table CERT_OUTPUT_TABLE; without --output, CERT_OUTPUT_TEXT.
 *
 * RECORDS is the AWS CLI's `--output text`: one record a line, its fields separated by a tab,
 * no header, no colour. The first field is the record's type in capitals: an AWS object as the
 * AWS CLI names it (SERVERCERTIFICATEMETADATA, SERVERCERTIFICATEMETADATALIST, ...) with its
 * members in the AWS CLI's order (sorted by name), then libcert's own fields; libcert's own
 * records (LIBCERT, REPORT, FINDING, ...) after. An absent value is "None", a boolean "True" or
 * "False", a list its items joined by ",", a time as the AWS API writes it. Each value goes out
 * as cert_text_write() writes one value, with a tab also written \x09, so that no value can
 * end a field or a record. Each tool's man page lists its records.
 *
 * TABLE is the same records as aligned columns under a header line of the field names, one
 * table a record type (titled by the type when there is more than one), values escaped the
 * same way.
 */
typedef enum cert_output {
    CERT_OUTPUT_TEXT = 0, /**< findings grouped by severity, for people */
    CERT_OUTPUT_JSON,     /**< one JSON document */
    CERT_OUTPUT_QUIET,    /**< nothing */
    CERT_OUTPUT_RECORDS,  /**< tab-separated records (--output text) */
    CERT_OUTPUT_TABLE,    /**< aligned columns with a header (--output table) */
} cert_output;

/**
 * The format --output names: "json", "text" (CERT_OUTPUT_RECORDS) or "table".
 * @return false when `name` is none of them (*out unchanged)
 */
CERT_EXTERN bool cert_output_parse(const char *name, cert_output *out);

/** How text is rendered. */
typedef struct cert_text_opts {
    bool color;    /**< ANSI colour (the caller decides: tty, NO_COLOR, --color) */
    int verbosity; /**< 0 normal; 1 adds info findings and the chain's sources */
} cert_text_opts;

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
 * Render several reports (certcheck --distribution given more than once): text, one after the
 * other; or one JSON document {"schema", "results": [each report without its "schema"],
 * "exit_code": the highest} (cert_report_each()'s shape).
 * @param reports borrowed; count of them
 * @return CERT_OK; CERT_E_INVALID; CERT_E_IO (write failed); CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_reports_write(const cert_report *const *reports, size_t count,
                                        cert_output fmt, const cert_text_opts *text, FILE *f);

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

/** Options for cert_report_each_run(). Initialise with CERT_EACH_OPTS_INIT. */
typedef struct cert_each_opts {
    unsigned int version;
    unsigned int jobs;          /**< worker threads; 0 means the number of online CPUs */
    cert_output fmt;            /**< how each report is written to f */
    const cert_text_opts *text; /**< NULL means no colour, verbosity 0 */
    /** Also write, after the run, each bundle's metrics to this file in node_exporter's
     * textfile-collector format (Prometheus text exposition format), atomically (a temporary
     * file in the same directory, fsync, rename; mode 0644), labelled input="...":
     * libcert_bundle_expiry_timestamp_seconds (the leaf's notAfter, when there is a leaf),
     * libcert_bundle_check_passed (1 or 0) and libcert_bundle_exit_code. NULL: none. */
    const char *prometheus;
} cert_each_opts;

#define CERT_EACH_OPTS_VERSION 1
#define CERT_EACH_OPTS_INIT                                                                        \
    {                                                                                              \
        CERT_EACH_OPTS_VERSION, 0, CERT_OUTPUT_TEXT, NULL, NULL                                    \
    }

/**
 * cert_report_each() with options, and the metrics file. When the metrics cannot be written,
 * the reports are still written, the JSON document's exit_code is CERT_EXIT_INPUT (when higher)
 * with an "error" naming the file, *exit_out likewise, and CERT_E_IO is returned.
 * @param each borrowed; NULL means CERT_EACH_OPTS_INIT
 * @return as cert_report_each(); CERT_E_IO also when the metrics file could not be written
 */
CERT_EXTERN cert_err cert_report_each_run(const char *const *inputs, size_t count,
                                          const cert_report_opts *opts, const cert_each_opts *each,
                                          FILE *f, cert_exit *exit_out);

/**
 * A tool's one JSON document when it failed before it had anything to show:
 * {"LIST_KEY": [], "libcert": {"schema", "exit_code", "error": {...}}}.
 * @param list_key the AWS CLI's member for the list the tool prints
 *                 ("ServerCertificateMetadataList")
 * @param schema   the tool's CERT_SCHEMA_*
 * @param failure  borrowed; exit_code is cert_exit_for_err(failure->err)
 * @return CERT_OK; CERT_E_IO; CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_failure_write(const char *list_key, int schema,
                                        const cert_failure *failure, FILE *f);

/**
 * An upload, as certup prints it: text, or JSON with the AWS CLI's field names
 * ({"ServerCertificateMetadata": {...}, "libcert": {"status", "name", "path", ...}}); a dry run
 * shows the request with the key redacted; a failure on LimitExceeded lists what could go.
 */
CERT_EXTERN cert_err cert_put_write(const cert_put_result *r, cert_output fmt, FILE *f);

/**
 * An upload as text for people at a verbosity. At 0, success is one line naming the action:
 * "uploaded NAME ID" or "exists NAME ID" (IAM), "imported ARN", "reimported ARN" or "exists ARN"
 * (ACM); at 1 and more (-v), and for a dry run (the request, key redacted) or a failure (the
 * refusals, what could go), as cert_put_write() with CERT_OUTPUT_TEXT.
 * @param text borrowed; NULL means verbosity 0
 * @return CERT_OK; CERT_E_INVALID; CERT_E_IO (write failed)
 */
CERT_EXTERN cert_err cert_put_write_text(const cert_put_result *r, const cert_text_opts *text,
                                         FILE *f);

/** How certls shows an inventory. */
typedef struct cert_inventory_write_opts {
    cert_output fmt;   /**< TEXT: a table; JSON: {"ServerCertificateMetadataList": [...], ...} */
    int expiring_days; /**< show only certificates expiring within this many days; -1: all */
    bool color;
    /** Also write every certificate of the inventory (whatever expiring_days says) to this
     * file in node_exporter's textfile-collector format (Prometheus text exposition format),
     * before the listing, atomically (a temporary file in the same directory, fsync, rename;
     * mode 0644), with store="iam", name, id and path labels:
     * libcert_certificate_expiry_timestamp_seconds, libcert_certificate_upload_timestamp_seconds,
     * and when distributions were listed libcert_certificate_in_use (0 or 1) and
     * libcert_certificate_distributions; libcert_account_certificates and
     * libcert_account_certificates_quota (store="iam") when the quota was read. NULL: none. */
    const char *prometheus;
} cert_inventory_write_opts;

/** An inventory, as certls prints it (JSON items are written as they are made, so a thousand
 * certificates cost the memory of one); its exit_code is cert_inventory_exit(), or
 * CERT_EXIT_INPUT with "error" when the metrics file could not be written (the listing is
 * still written; CERT_E_IO naming the file is returned). */
CERT_EXTERN cert_err cert_inventory_write(const cert_inventory *inv,
                                          const cert_inventory_write_opts *opts, FILE *f);

/** A path fix as certls --fix-path prints it: one line (with --json, certls shows the listing
 * that follows instead, where the new path is). */
CERT_EXTERN cert_err cert_path_fix_write(const cert_path_fix *p, FILE *f);

/** A prune run: one line per candidate, or {"ServerCertificateMetadataList": [... each with
 * "libcert": {"status", "message"}], "libcert": {...}}. */
CERT_EXTERN cert_err cert_prune_write(const cert_prune_result *r, cert_output fmt, FILE *f);

/**
 * An attach run: one line per distribution, or {"ServerCertificateMetadata", "Distributions":
 * [{"Id", "Aliases", "status", "changed", "exit_code", "PreviousViewerCertificate", "change",
 * "attempts", "deployed", "error", "findings"}], "libcert": {...}}.
 */
CERT_EXTERN cert_err cert_attach_write(const cert_attach_result *r, cert_output fmt, FILE *f);

/**
 * A rotation: a line per stage and distribution, or one JSON document for cron and CI:
 * {"ServerCertificateMetadata", "upload", "Distributions": [{"Id", "status",
 * "PreviousIAMCertificateId", "confirmed", ...}], "verify_live", "delete_old", "libcert":
 * {"schema", "stage", "exit_code", "error"}}.
 */
CERT_EXTERN cert_err cert_rotate_write(const cert_rotate_result *r, cert_output fmt, FILE *f);

/** How the wait for Deployed is shown; keep one for the whole wait (it remembers the block). */
typedef struct cert_wait_view {
    bool tty;     /**< a block redrawn in place (a terminal); else a line per change and a
                       heartbeat a minute (a log, where CI kills silent jobs) */
    int rows;     /**< the terminal's height: the block is never taller */
    size_t drawn; /**< lines of the last block; 0 to start */
} cert_wait_view;

/** One state of the wait (cert_wait_fn), on a terminal or in a log. */
CERT_EXTERN cert_err cert_wait_write(const cert_wait_status *status, cert_wait_view *view, FILE *f);

#ifdef __cplusplus
}
#endif

#endif
