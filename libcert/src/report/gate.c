/* SPDX-License-Identifier: Apache-2.0 */
/* The pre-action gate (gate.h): one rule for every tool and workflow that acts on a report. */
#include "libcert/gate.h"

#include <stdio.h>
#include <string.h>

static const cert_gate_opts default_opts = CERT_GATE_OPTS_INIT;

/* Findings that make the split files wrong or incomplete: splitting refuses on these only (it
 * is also how people look at a bad bundle); every other action refuses on every error. */
static const char *const split_blocking[] = {"key.mismatch", "chain.incomplete", "key.missing"};

static bool blocks(const cert_finding *f, cert_action a, const cert_gate_opts *o)
{
    if (f->severity != CERT_SEV_ERROR)
        return false; /* allowed codes are warnings by now */
    if (a != CERT_ACTION_SPLIT || o->strict)
        return true;
    for (size_t i = 0; i < sizeof(split_blocking) / sizeof(split_blocking[0]); i++) {
        if (strcmp(f->code, split_blocking[i]) == 0)
            return true;
    }
    return false;
}

static const char *nothing(cert_action a)
{
    switch (a) {
    case CERT_ACTION_SPLIT:
        return "nothing written";
    case CERT_ACTION_UPLOAD:
        return "nothing uploaded";
    case CERT_ACTION_ATTACH:
    case CERT_ACTION_ROTATE:
        break;
    }
    return "nothing changed";
}

static const char *way_out(cert_action a, const cert_gate_opts *o)
{
    if (a == CERT_ACTION_SPLIT && o->strict)
        return "fix the bundle (--strict refuses on every error)";
    if (a == CERT_ACTION_SPLIT)
        return "fix the bundle, or write it anyway with --allow CODE";
    return "fix the bundle, or --allow CODE one of them";
}

/* "<input>: nothing <done>: code: message; code: message; <way out>" */
static void describe(const cert_report *r, cert_action a, const cert_gate_opts *o, cert_gate *g)
{
    const cert_findings *fs = cert_report_findings(r);
    size_t off = 0, size = sizeof(g->message);
    int n;

    n = snprintf(g->message, size, "%s: %s: ", cert_report_label(r), nothing(a));
    off = n > 0 && (size_t)n < size ? (size_t)n : size - 1;
    for (size_t i = 0; i < cert_findings_count(fs) && off < size - 1; i++) {
        const cert_finding *f = cert_findings_at(fs, i);

        if (!blocks(f, a, o))
            continue;
        n = snprintf(g->message + off, size - off, "%s: %s; ", f->code, f->message);
        off = n > 0 && (size_t)n < size - off ? off + (size_t)n : size - 1;
    }
    if (off < size - 1)
        snprintf(g->message + off, size - off, "%s", way_out(a, o));
}

bool cert_gate_check(const cert_report *r, cert_action a, const cert_gate_opts *o, cert_gate *g)
{
    const cert_findings *fs;
    const char *msg = "";

    if (g == NULL)
        return false;
    memset(g, 0, sizeof(*g));
    if (o == NULL)
        o = &default_opts;
    if (r == NULL) {
        g->err = CERT_E_INVALID;
        snprintf(g->message, sizeof(g->message), "cert_gate_check: NULL report");
        return false;
    }
    g->err = cert_report_error(r, &msg);
    if (g->err < 0) {
        snprintf(g->message, sizeof(g->message), "%s", msg);
        return false;
    }
    fs = cert_report_findings(r);
    for (size_t i = 0; i < cert_findings_count(fs); i++) {
        const cert_finding *f = cert_findings_at(fs, i);

        if (!blocks(f, a, o))
            continue;
        if (g->finding == NULL)
            g->finding = f;
        g->blocking++;
    }
    if (g->finding == NULL) {
        g->go = true;
        return true;
    }
    g->err = CERT_E_REFUSED;
    describe(r, a, o, g);
    return false;
}
