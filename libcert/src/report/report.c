/* SPDX-License-Identifier: Apache-2.0 */
/* Report: the local pipeline for one bundle, and exit codes. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report/render_int.h"
#include "report_int.h"
#include "util/error_int.h"
#include "util/json.h"
#include "util/time_int.h"
#include "x509/x509_int.h"

static const cert_report_opts default_opts = CERT_REPORT_OPTS_INIT;

/* A new report for these input names, its clock resolved once (so that the chain's choice and
 * the checks agree). */
static cert_err report_new(const char *const *names, size_t count, const cert_report_opts *o,
                           cert_report **out)
{
    cert_report *r = calloc(1, sizeof(*r));

    *out = NULL;
    if (r == NULL)
        return cert__error_nomem();
    r->outcome = -1;
    r->inputs = calloc(count ? count : 1, sizeof(*r->inputs));
    if (r->inputs == NULL) {
        cert_report_free(r);
        return cert__error_nomem();
    }
    for (size_t i = 0; i < count; i++) {
        r->inputs[i] = strdup(strcmp(names[i], "-") == 0 ? "<stdin>" : names[i]);
        if (r->inputs[i] == NULL) {
            cert_report_free(r);
            return cert__error_nomem();
        }
        r->ninputs++;
    }
    r->now = cert__time_resolve(o->check.now != CERT_TIME_NOW ? o->check.now : o->chain.now);
    if (cert_bundle_new(&r->bundle) < 0 || cert_report__keep_allow(r, &o->check) < 0) {
        cert_report_free(r);
        return cert__error_nomem();
    }
    *out = r;
    return CERT_OK;
}

/* After loading (whose outcome is `stage`): chain and checks, and any failure recorded in the
 * report. Only memory and caller misuse are returned. */
static cert_err report_finish(cert_report *r, const cert_report_opts *o, cert_err stage)
{
    cert_chain_opts copts = o->chain;
    cert_check_opts kopts = o->check;

    r->trust_origin = cert_trust_origin(o->chain.trust);
    copts.now = r->now;
    kopts.now = r->now;
    r->loaded = stage == CERT_OK;
    if (stage == CERT_OK)
        stage = cert_chain_build(r->bundle, &copts, &r->chain);
    if (stage == CERT_OK)
        stage = cert_checks_run(r->chain, &kopts, &r->findings);
    if (stage == CERT_E_NOMEM || stage == CERT_E_INVALID)
        return stage;
    if (stage < 0) {
        r->err = stage;
        r->err_msg = strdup(cert_error_last()->message);
        if (r->err_msg == NULL)
            return cert__error_nomem();
        cert_chain_free(r->chain);
        r->chain = NULL;
    }
    return CERT_OK;
}

cert_err cert_report_build(const char *const *inputs, size_t count, const cert_report_opts *o,
                           cert_report **out)
{
    cert_err err = CERT_OK, stage = CERT_OK;
    cert_report *r = NULL;

    if (out == NULL || inputs == NULL || count == 0)
        return cert__error_set(CERT_E_INVALID, "no input given");
    *out = NULL;
    if (o == NULL)
        o = &default_opts;
    if (cert_checks__allow_valid(&o->check) < 0)
        return CERT_E_INVALID;
    CERT_TRY(report_new(inputs, count, o, &r));
    for (size_t i = 0; i < count && stage == CERT_OK; i++)
        stage = cert_bundle_load_file(r->bundle, inputs[i], &o->bundle);
    CERT_TRY(report_finish(r, o, stage));
    *out = r;
    r = NULL;

done:
    cert_report_free(r);
    return err;
}

cert_err cert_report_build_pem(const char *label, const char *body, const char *chain,
                               const cert_report_opts *o, cert_report **out)
{
    cert_err err = CERT_OK, stage = CERT_OK;
    cert_report *r = NULL;
    char *name = NULL;

    if (out == NULL || label == NULL || body == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_report_build_pem: NULL argument");
    *out = NULL;
    if (o == NULL)
        o = &default_opts;
    CERT_TRY(report_new(&label, 1, o, &r));
    if (asprintf(&name, "%s CertificateBody", label) < 0) {
        name = NULL;
        CERT_NOMEM();
    }
    stage = cert_bundle_load_mem(r->bundle, (const uint8_t *)body, strlen(body), name, &o->bundle);
    free(name);
    name = NULL;
    if (stage == CERT_OK && chain != NULL && chain[0] != '\0') {
        if (asprintf(&name, "%s CertificateChain", label) < 0) {
            name = NULL;
            CERT_NOMEM();
        }
        stage = cert_bundle_load_mem(r->bundle, (const uint8_t *)chain, strlen(chain), name,
                                     &o->bundle);
    }
    CERT_TRY(report_finish(r, o, stage));
    *out = r;
    r = NULL;

done:
    free(name);
    cert_report_free(r);
    return err;
}

cert_err cert_report__build_mem(const char *label, const char *data, size_t len,
                                const cert_report_opts *o, cert_report **out)
{
    cert_err err = CERT_OK, stage;
    cert_report *r = NULL;

    *out = NULL;
    CERT_TRY(report_new(&label, 1, o, &r));
    stage = cert_bundle_load_mem(r->bundle, (const uint8_t *)data, len, label, &o->bundle);
    CERT_TRY(report_finish(r, o, stage));
    *out = r;
    r = NULL;

done:
    cert_report_free(r);
    return err;
}

cert_err cert_report_new_failure(const char *label, const cert_failure *failure, cert_report **out)
{
    cert_report *r;

    if (out == NULL || failure == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_report_new_failure: NULL argument");
    *out = NULL;
    r = calloc(1, sizeof(*r));
    if (r == NULL)
        return cert__error_nomem();
    r->outcome = -1;
    r->now = cert__time_resolve(CERT_TIME_NOW);
    r->err = failure->err < 0 ? failure->err : CERT_E_INTERNAL;
    r->http_status = failure->http_status;
    r->inputs = calloc(1, sizeof(*r->inputs));
    if (r->inputs == NULL || (r->inputs[0] = strdup(label ? label : "")) == NULL ||
        (r->err_msg = strdup(failure->message ? failure->message : "")) == NULL ||
        (failure->aws_code && (r->aws_code = strdup(failure->aws_code)) == NULL) ||
        (failure->request_id && (r->request_id = strdup(failure->request_id)) == NULL)) {
        cert_report_free(r);
        return cert__error_nomem();
    }
    r->ninputs = 1;
    *out = r;
    return CERT_OK;
}

/* Makes (once) and takes a reference to the core of `base`; the lock only guards the making,
 * since rechecks of one base may run in several threads. */
static report_core *core_ref(const cert_report *base)
{
    static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    cert_report *b = (cert_report *)base; /* the core is sharing state, not the report */
    report_core *c;

    pthread_mutex_lock(&mu);
    if (b->core == NULL && (b->core = calloc(1, sizeof(*b->core))) != NULL) {
        atomic_init(&b->core->refs, 1);
        b->core->bundle = b->bundle;
        /* cppcheck 2.10 takes the test of c below for one of b->core, checked above: */
        /* cppcheck-suppress nullPointerRedundantCheck */
        b->core->chain = b->chain;
    }
    c = b->core;
    if (c != NULL)
        atomic_fetch_add(&c->refs, 1);
    pthread_mutex_unlock(&mu);
    return c;
}

cert_err cert_report_recheck(const cert_report *base, const char *label,
                             const cert_check_opts *check, cert_report **out)
{
    cert_err err = CERT_OK;
    cert_report *r = NULL;
    cert_check_opts kopts;

    if (out == NULL || base == NULL || check == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_report_recheck: NULL argument");
    *out = NULL;
    if (cert_checks__allow_valid(check) < 0)
        return CERT_E_INVALID;
    if ((r = calloc(1, sizeof(*r))) == NULL)
        return cert__error_nomem();
    r->outcome = -1;
    if ((r->core = core_ref(base)) == NULL) {
        free(r);
        return cert__error_nomem();
    }
    r->bundle = r->core->bundle;
    r->chain = r->core->chain;
    r->now = base->now;
    r->trust_origin = base->trust_origin;
    r->loaded = base->loaded;
    r->err = base->err;
    if ((r->inputs = calloc(1, sizeof(*r->inputs))) == NULL ||
        (r->inputs[0] = strdup(label ? label : (base->ninputs > 0 ? base->inputs[0] : ""))) ==
            NULL ||
        (base->err_msg != NULL && (r->err_msg = strdup(base->err_msg)) == NULL))
        CERT_NOMEM();
    r->ninputs = 1;
    CERT_TRY(cert_report__keep_allow(r, check));
    if (r->chain != NULL) {
        kopts = *check;
        kopts.now = r->now;
        err = cert_checks_run(r->chain, &kopts, &r->findings);
        if (err == CERT_E_NOMEM || err == CERT_E_INVALID)
            goto done;
        if (err < 0) {
            r->err = err;
            free(r->err_msg);
            if ((r->err_msg = strdup(cert_error_last()->message)) == NULL)
                CERT_NOMEM();
        }
        err = CERT_OK;
    }
    *out = r;
    r = NULL;

done:
    cert_report_free(r);
    return err;
}

static void dist_free(report_dist *d)
{
    if (d == NULL)
        return;
    free(d->id);
    for (size_t i = 0; i < d->nalias; i++)
        free(d->aliases[i]);
    free(d->aliases);
    for (size_t i = 0; i < d->nnames; i++)
        free(d->names[i].name);
    free(d->names);
    free(d);
}

/* One more name checked against the distribution, with its coverage by the leaf. */
static cert_err dist_add_name(report_dist *d, X509 *leaf, const char *name, bool from_host)
{
    report_dist_name *n = &d->names[d->nnames];

    if ((n->name = strdup(name)) == NULL)
        return cert__error_nomem();
    n->from_host = from_host;
    n->covered = leaf != NULL ? cert_name_covers(leaf, name) : -1;
    d->nnames++;
    return CERT_OK;
}

static bool among(const report_dist *d, const char *name)
{
    for (size_t i = 0; i < d->nnames; i++) {
        if (strcasecmp(d->names[i].name, name) == 0)
            return true;
    }
    return false;
}

cert_err cert_report_set_distribution(cert_report *r, const char *id, const char *const *aliases,
                                      size_t alias_count, const char *const *hosts,
                                      size_t host_count)
{
    cert_err err = CERT_OK;
    report_dist *d = NULL;
    X509 *leaf;

    if (r == NULL || id == NULL || (aliases == NULL && alias_count > 0) ||
        (hosts == NULL && host_count > 0))
        return cert__error_set(CERT_E_INVALID, "cert_report_set_distribution: NULL argument");
    leaf = r->chain != NULL ? cert_chain_leaf(r->chain) : NULL;
    if ((d = calloc(1, sizeof(*d))) == NULL || (d->id = strdup(id)) == NULL ||
        (d->aliases = calloc(alias_count ? alias_count : 1, sizeof(*d->aliases))) == NULL ||
        (d->names = calloc(alias_count + host_count ? alias_count + host_count : 1,
                           sizeof(*d->names))) == NULL)
        CERT_NOMEM();
    for (size_t i = 0; i < alias_count; i++) {
        if ((d->aliases[i] = strdup(aliases[i])) == NULL)
            CERT_NOMEM();
        d->nalias++;
        if (!among(d, aliases[i]))
            CERT_TRY(dist_add_name(d, leaf, aliases[i], false));
    }
    for (size_t i = 0; i < host_count; i++) {
        if (!among(d, hosts[i]))
            CERT_TRY(dist_add_name(d, leaf, hosts[i], true));
    }
    dist_free(r->dist);
    r->dist = d;
    d = NULL;

done:
    dist_free(d);
    return err;
}

const char *cert_report_distribution(const cert_report *r)
{
    return r != NULL && r->dist != NULL ? r->dist->id : NULL;
}

void cert_reports_free(cert_report **v, size_t n)
{
    for (size_t i = 0; v != NULL && i < n; i++)
        cert_report_free(v[i]);
    free(v);
}

void cert_report_free(cert_report *r)
{
    if (r == NULL)
        return;
    dist_free(r->dist);
    cert_served_free(r->served);
    cert_live_result_free(r->live);
    for (size_t i = 0; i < r->nallow; i++)
        free(r->allow[i]);
    free(r->allow);
    cert_findings_free(r->findings);
    if (r->core == NULL) {
        cert_chain_free(r->chain);
        cert_bundle_free(r->bundle);
    } else if (atomic_fetch_sub(&r->core->refs, 1) == 1) {
        cert_chain_free(r->core->chain);
        cert_bundle_free(r->core->bundle);
        free(r->core);
    }
    for (size_t i = 0; i < r->ninputs; i++)
        free(r->inputs[i]);
    free(r->inputs);
    for (size_t i = 0; i < r->noutputs; i++)
        free(r->outputs[i]);
    free(r->outputs);
    free(r->outcome_msg);
    free(r->err_msg);
    free(r->aws_code);
    free(r->request_id);
    free(r);
}

cert_err cert_report_error(const cert_report *r, const char **message_out)
{
    if (message_out != NULL)
        *message_out = r->err_msg ? r->err_msg : "";
    return r->err;
}

const char *cert_report_label(const cert_report *r)
{
    return r != NULL && r->ninputs > 0 ? r->inputs[0] : "input";
}

const cert_bundle *cert_report_bundle(const cert_report *r)
{
    return r->loaded ? r->bundle : NULL;
}

const cert_chain *cert_report_chain(const cert_report *r)
{
    return r->chain;
}

const cert_findings *cert_report_findings(const cert_report *r)
{
    return r->findings;
}

cert_err cert_report_set_outcome(cert_report *r, cert_exit code, const char *message)
{
    char *m = NULL;

    if (r == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_report_set_outcome: NULL report");
    if (message != NULL && (m = strdup(message)) == NULL)
        return cert__error_nomem();
    free(r->outcome_msg);
    r->outcome_msg = m;
    r->outcome = (int)code;
    return CERT_OK;
}

cert_err cert_report_add_output(cert_report *r, const char *part, const char *path)
{
    char **n;

    if (r == NULL || part == NULL || path == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_report_add_output: NULL argument");
    n = realloc(r->outputs, (r->noutputs + 2) * sizeof(*n));
    if (n == NULL)
        return cert__error_nomem();
    r->outputs = n;
    n[r->noutputs] = strdup(part);
    n[r->noutputs + 1] = strdup(path);
    if (n[r->noutputs] == NULL || n[r->noutputs + 1] == NULL) {
        free(n[r->noutputs]);
        free(n[r->noutputs + 1]);
        return cert__error_nomem();
    }
    r->noutputs += 2;
    return CERT_OK;
}

cert_exit cert_exit_for_err(cert_err err)
{
    switch (err) {
    case CERT_OK:
        return CERT_EXIT_OK;
    case CERT_E_INVALID:
        return CERT_EXIT_USAGE;
    case CERT_E_INPUT:
    case CERT_E_IO:
    case CERT_E_EXISTS:
        return CERT_EXIT_INPUT;
    case CERT_E_AWS:
        return CERT_EXIT_AWS;
    case CERT_E_REFUSED:
        return CERT_EXIT_CHECK;
    case CERT_E_NET:
        return CERT_EXIT_RETRY;
    case CERT_E_NOMEM:
    case CERT_E_INTERNAL:
        break;
    }
    return CERT_EXIT_INPUT;
}

cert_exit cert_report_exit_code(const cert_report *r)
{
    cert_exit live = r->live != NULL ? cert_live_exit(r->live) : CERT_EXIT_OK;

    if (r->err < 0)
        return cert_exit_for_err(r->err);
    /* A live check that could not finish (Route 53 refused, DNS did not answer) says so in the
     * exit code, above what its findings say. */
    if (live > CERT_EXIT_CHECK)
        return live;
    if (cert_findings_count_severity(r->findings, CERT_SEV_ERROR) > 0 || live == CERT_EXIT_CHECK)
        return CERT_EXIT_CHECK;
    return CERT_EXIT_OK;
}

cert_err cert_report_write(const cert_report *r, cert_output fmt, const cert_text_opts *t, FILE *f)
{
    static const cert_text_opts plain = {false, 0};

    if (r == NULL || f == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_report_write: NULL argument");
    if (fmt == CERT_OUTPUT_QUIET)
        return CERT_OK;
    if (fmt == CERT_OUTPUT_JSON) {
        json_t *j = cert_report__json(r, true);
        cert_err err;

        if (j == NULL)
            return cert__error_nomem();
        err = cert__json_write(j, f);
        json_decref(j);
        return err;
    }
    if (CERT__ROWS(fmt)) {
        cert__rows *rows = cert__rows_new(fmt, f);

        if (rows != NULL)
            cert_report__rows(r, rows);
        return cert__rows_end(rows);
    }
    return cert_report__text(r, t ? t : &plain, f);
}

/* The exit code a report renders with: the tool's decision when it set one. */
static cert_exit shown_exit(const cert_report *r)
{
    return r->outcome >= 0 ? (cert_exit)r->outcome : cert_report_exit_code(r);
}

cert_exit cert_reports_exit_code(const cert_report *const *reports, size_t count)
{
    cert_exit worst = CERT_EXIT_OK;

    for (size_t i = 0; reports != NULL && i < count; i++) {
        if (reports[i] != NULL && shown_exit(reports[i]) > worst)
            worst = shown_exit(reports[i]);
    }
    return worst;
}

cert_err cert_reports_write(const cert_report *const *reports, size_t count, cert_output fmt,
                            const cert_text_opts *t, FILE *f)
{
    static const cert_text_opts plain = {false, 0};
    json_t *doc, *results;
    cert_err err = CERT_OK;

    if ((reports == NULL && count > 0) || f == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_reports_write: NULL argument");
    if (fmt == CERT_OUTPUT_QUIET)
        return CERT_OK;
    if (fmt == CERT_OUTPUT_TEXT) {
        for (size_t i = 0; i < count && err == CERT_OK; i++)
            err = cert_report__text(reports[i], t ? t : &plain, f);
        return err;
    }
    if (CERT__ROWS(fmt)) { /* one table over every report: each record names its input */
        cert__rows *rows = cert__rows_new(fmt, f);

        for (size_t i = 0; rows != NULL && i < count; i++)
            cert_report__rows(reports[i], rows);
        return cert__rows_end(rows);
    }
    /* The shape of cert_report_each()'s document, so that one jq filter reads both. */
    doc = json_object();
    results = json_array();
    if (doc == NULL || results == NULL) {
        json_decref(doc);
        json_decref(results);
        return cert__error_nomem();
    }
    json_object_set_new(doc, "schema", json_integer(CERT_SCHEMA_REPORT));
    for (size_t i = 0; i < count; i++) {
        json_t *j = cert_report__json(reports[i], false);

        if (j == NULL || json_array_append_new(results, j) < 0) {
            json_decref(results);
            json_decref(doc);
            return cert__error_nomem();
        }
    }
    json_object_set_new(doc, "results", results);
    json_object_set_new(doc, "exit_code", json_integer(cert_reports_exit_code(reports, count)));
    err = cert__json_write(doc, f);
    json_decref(doc);
    return err;
}
