/* Report internals shared by the renderers and the batch runner. */
#ifndef LIBCERT_REPORT_INT_H
#define LIBCERT_REPORT_INT_H

#include <jansson.h>
#include <stdatomic.h>

#include "libcert/render.h"

/* Certificates and chain shared by a report and its rechecks (cert_report_recheck()); freed
 * with the last of them. */
typedef struct report_core {
    atomic_uint refs;
    cert_bundle *bundle;
    cert_chain *chain;
} report_core;

/* One name checked against a distribution's certificate (cert_report_set_distribution()). */
typedef struct report_dist_name {
    char *name;
    bool from_host; /* added with --host; else one of the distribution's aliases */
    int covered;    /* 1 covered, 0 not, -1 not known (no certificate to check) */
} report_dist_name;

/* The distribution a report is about (certcheck --distribution). */
typedef struct report_dist {
    char *id;
    char **aliases; /* as CloudFront lists them */
    size_t nalias;
    report_dist_name *names; /* aliases, then --host names not among them */
    size_t nnames;
} report_dist;

struct cert_report {
    report_core *core; /* NULL until the report is first rechecked; then it owns bundle, chain */
    char **inputs;
    size_t ninputs;
    cert_err err;
    char *err_msg;
    char *aws_code, *request_id; /* AWS's detail of err, when AWS answered */
    long http_status;
    cert_bundle *bundle;
    cert_chain *chain;
    cert_findings *findings;
    int64_t now;
    const char *trust_origin; /* static (cert_trust_origin()) */
    bool loaded; /* every input loaded */
    int outcome; /* the tool's exit code; -1 when not set */
    char *outcome_msg;
    char **outputs; /* part, path, part, path, ... */
    size_t noutputs;
    report_dist *dist; /* NULL unless the report is about a distribution */
};

/* The JSON object for one report (new reference), NULL on allocation failure; with `top`, it
 * starts with the "schema" member. */
json_t *cert_report__json(const cert_report *r, bool top);

/* Text for one report. */
cert_err cert_report__text(const cert_report *r, const cert_text_opts *t, FILE *f);

#endif
