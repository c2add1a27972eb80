/* SPDX-License-Identifier: Apache-2.0 */
/* Report internals shared by the renderers and the batch runner. */
#ifndef LIBCERT_REPORT_INT_H
#define LIBCERT_REPORT_INT_H

#include <jansson.h>
#include <stdatomic.h>

#include "libcert/render.h"
#include "libcert/results.h"

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
    bool loaded;              /* every input loaded */
    int outcome;              /* the tool's exit code; -1 when not set */
    char *outcome_msg;
    char **outputs; /* part, path, part, path, ... */
    size_t noutputs;
    report_dist *dist;      /* NULL unless the report is about a distribution */
    cert_served *served;    /* what a TLS server served (certcheck --connect); NULL */
    cert_live_result *live; /* a distribution's --dns / --live; NULL */
    char **allow;           /* the --allow codes the checks ran with, for later findings */
    size_t nallow;
};

/* The pipeline on one buffer (PEM, DER, ...) named `label` in every source: a report whose
 * certificates' sources read "LABEL: block N". As cert_report_build(). */
cert_err cert_report__build_mem(const char *label, const char *data, size_t len,
                                const cert_report_opts *o, cert_report **out);

/* Keep a copy of the --allow codes on the report (findings derived later honour them). */
cert_err cert_report__keep_allow(cert_report *r, const cert_check_opts *check);

/* The text and JSON of what a server served and of a distribution's live result
 * (render_live.c). */
void cert_report__served_text(const cert_served *s, const cert_text_opts *t, FILE *f);
void cert_report__live_text(const cert_live_result *l, const cert_text_opts *t, FILE *f);
json_t *cert_report__served_json(const cert_served *s);
void cert_report__live_json(const cert_live_result *l, json_t *dist);

/* The JSON object for one report (new reference), NULL on allocation failure; with `top`, it
 * starts with the "schema" member. */
json_t *cert_report__json(const cert_report *r, bool top);

/* One report as records (--output text / table; render_int.h's rows). */
struct cert__rows;
void cert_report__rows(const cert_report *r, struct cert__rows *t);

/* Text for one report. */
cert_err cert_report__text(const cert_report *r, const cert_text_opts *t, FILE *f);

#endif
