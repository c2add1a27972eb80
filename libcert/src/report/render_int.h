/* SPDX-License-Identifier: Apache-2.0 */
/* Rendering internals shared by the renderers: the JSON envelope, AWS records as JSON. */
#ifndef LIBCERT_REPORT_RENDER_INT_H
#define LIBCERT_REPORT_RENDER_INT_H

#include <jansson.h>

#include "libcert/render.h"
#include "util/json.h"

/* {"message", "code" (cert_err_name()), and when AWS answered "aws_code", "request_id",
 * "http_status"}: the one shape of "error" everywhere (new reference). */
json_t *cert__failure_json(const cert_failure *f);

/* The envelope's members set on `o` (the "libcert" member, or certcheck's top-level object):
 * "schema", "exit_code" and, when f failed, "error". f may be NULL. */
void cert__envelope_set(json_t *o, int schema, cert_exit exit, const cert_failure *f);

/* ServerCertificateMetadata with the AWS CLI's members and order (new reference). */
json_t *cert__meta_json(const cert_iam_cert *m);

/* The same members written straight into a sink (the inside of an object). */
void cert__meta_members(cert_json_sink *s, const cert_iam_cert *m);

/* An ACM certificate with the ACM API's members and order: CertificateSummary's (summary: a
 * listing's, with InUse) or CertificateDetail's (with InUseBy when it was described). New
 * reference; times as the AWS CLI prints them. */
json_t *cert__acm_json(const cert_acm_cert *c, bool summary);

/* The same members written straight into a sink (the inside of an object, 2 levels deep). */
void cert__acm_members(cert_json_sink *s, const cert_acm_cert *c, bool summary);

/* Refusals as [{"code", "message", "allowed"}] (new reference). */
json_t *cert__refusals_json(const cert_refusal *v, size_t n);

/* Write a document and drop the reference; CERT_E_IO naming what was written when f fails. */
cert_err cert__json_emit(json_t *doc, FILE *f);

/* The handles and what each matched: [{"kind", "value", "matched", "status", "note"}]. */
json_t *cert__handles_json(const cert_attach_result *r);

/* A string member, or null. */
json_t *cert__str_or_null(const char *s);

/* ---- records and tables (render_records.c): --output text and --output table ---- */

/* The rows of one rendering: written as they come (RECORDS) or kept and aligned at the end
 * (TABLE). */
typedef struct cert__rows cert__rows;

/* New rows for fmt (CERT_OUTPUT_RECORDS or CERT_OUTPUT_TABLE) on f; NULL when out of memory. */
cert__rows *cert__rows_new(cert_output fmt, FILE *f);

/* An absent value, and the end of a record's fields: a typed null pointer (a bare NULL may be
 * an int where a variadic function reads a pointer). */
#define CERT__NONE ((const char *)0)

/* One record of `type` (static): pairs of a field name (static) and its value (CERT__NONE:
 * absent), ended by CERT__NONE as the name. Every record of a type has the same fields. Out of
 * memory is kept and reported by cert__rows_end(). */
void cert__row(cert__rows *t, const char *type, ...) __attribute__((sentinel));

/* Write what is kept (TABLE), free t; CERT_E_IO when f failed, CERT_E_NOMEM. t may be NULL
 * (CERT_E_NOMEM: cert__rows_new() failed). */
cert_err cert__rows_end(cert__rows *t);

/* A value for a record: "True" or "False". */
const char *cert__rows_bool(bool b);

/* A time for a record, as the AWS API writes it (buf of 32); NULL when t is INT64_MIN. */
const char *cert__rows_time(int64_t t, char *buf);

/* A number for a record (buf of 24). */
const char *cert__rows_int(long long v, char *buf);

/* A list for a record: the items joined by ","; new string (free()), NULL when there are none
 * or out of memory. */
char *cert__rows_join(const char *const *items, size_t n);

/* ServerCertificateMetadata as a record of `type`, its members as the AWS CLI's text output
 * orders them (render_upload.c). */
void cert__meta_row(cert__rows *t, const char *type, const cert_iam_cert *m);

/* An ACM certificate as a record of `type`: CertificateArn, DomainName, InUse, KeyAlgorithm,
 * NotAfter, Status, Type. */
void cert__acm_row(cert__rows *t, const char *type, const cert_acm_cert *c);

/* Whether fmt is one of the two. */
#define CERT__ROWS(fmt) ((fmt) == CERT_OUTPUT_RECORDS || (fmt) == CERT_OUTPUT_TABLE)

/* ---- node_exporter's textfile format (render_prometheus.c) ---- */

/* A label value as the Prometheus text format writes it between its quotes: backslash, double
 * quote and line feed escaped, bytes that are not UTF-8 replaced by U+FFFD. New string (free());
 * NULL when out of memory. */
char *cert__prom_escape(const char *value);

/* What the metrics say of one bundle of a --each run. */
typedef struct prom_bundle {
    const char *input;
    cert_exit code;
    int64_t not_after; /* the leaf's; INT64_MIN when there is none */
} prom_bundle;

/* Write the metrics of an inventory (per certificate: expiry, upload, in use, distributions;
 * the account's count and quota) or of bundles (a label set once: an input named twice is
 * shown once) to `path`, atomically (temporary file beside it, fsync, rename; mode 0644).
 * CERT_E_IO naming the path; CERT_E_NOMEM. */
cert_err cert__prom_write_inventory(const cert_inventory *inv, const char *path);
cert_err cert__prom_write_bundles(const prom_bundle *bundles, size_t count, const char *path);

#endif
