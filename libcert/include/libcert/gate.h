/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pre-action gate: may this report be acted on? One rule for every tool and workflow that
 * acts (design.md: "certsplit, certup and certattach run the checks first and refuse to act on
 * errors that matter to them; --allow CODE downgrades one named code to a warning").
 */
#ifndef LIBCERT_GATE_H
#define LIBCERT_GATE_H

#include "report.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What is about to be done with the certificates of a report. */
typedef enum cert_action {
    CERT_ACTION_SPLIT = 0, /**< write cert.pem, chain.pem, key.pem (certsplit) */
    CERT_ACTION_UPLOAD,    /**< send them to IAM (certup) */
    CERT_ACTION_ATTACH,    /**< put them on a distribution (certattach's pre-flight) */
    CERT_ACTION_ROTATE,    /**< the whole renewal (certrotate) */
} cert_action;

/** Options for cert_gate_check(). Initialise with CERT_GATE_OPTS_INIT. */
typedef struct cert_gate_opts {
    unsigned int version;
    bool strict; /**< CERT_ACTION_SPLIT: refuse on every error, not only on those that make
                      the files wrong (certsplit --strict) */
} cert_gate_opts;

#define CERT_GATE_OPTS_VERSION 1
#define CERT_GATE_OPTS_INIT                                                                        \
    {                                                                                              \
        CERT_GATE_OPTS_VERSION, false                                                              \
    }

/** The gate's answer. */
typedef struct cert_gate {
    bool go;                     /**< the action may go ahead */
    cert_err err;                /**< CERT_OK when go; else CERT_E_REFUSED (a finding blocks)
                                      or the error that stopped the report (CERT_E_INPUT, ...) */
    const cert_finding *finding; /**< the first finding that blocks, borrowed from the report;
                                      NULL when none does */
    size_t blocking;             /**< how many findings block */
    char message[1400];          /**< why not: the input, what blocks it and the way out;
                                      "" when go */
} cert_gate;

/**
 * Whether the action may go ahead on this report. Splitting refuses on the findings that make
 * the files wrong or incomplete (key.mismatch, chain.incomplete, key.missing), or on every error
 * with opts->strict, since splitting is also how people look at a bad bundle; every other action
 * refuses on every error. Allowed codes (--allow) never block. A report whose pipeline failed
 * (cert_report_error()) never goes ahead.
 * @param report borrowed; the answer borrows from it
 * @param opts   borrowed; NULL means CERT_GATE_OPTS_INIT
 * @param out    written
 * @return out->go
 */
CERT_EXTERN bool cert_gate_check(const cert_report *report, cert_action action,
                                 const cert_gate_opts *opts, cert_gate *out);

#ifdef __cplusplus
}
#endif

#endif
