/* SPDX-License-Identifier: Apache-2.0 */
/* Text rendering of a report: the certificate at a glance, then findings by severity. */
#include <openssl/evp.h>
#include <string.h>

#include "libcert/key.h"
#include "libcert/text.h"
#include "report/render_int.h"
#include "report_int.h"
#include "util/error_int.h"
#include "util/time_int.h"
#include "x509/x509_int.h"

#define C_RED "\033[31m"
#define C_YEL "\033[33m"
#define C_CYAN "\033[36m"
#define C_BOLD "\033[1m"
#define C_OFF "\033[0m"

/* Our colour codes go out as they are; everything else through cert_text_writef(), which makes
 * what is untrusted in it (names, messages, file names) harmless for the terminal. */
static void col(const cert_text_opts *t, const char *c, FILE *f)
{
    if (t->color)
        fputs(c, f);
}

typedef struct names_out {
    FILE *f;
    int shown;
} names_out;

static void put_name(const char *name, void *ud)
{
    names_out *o = ud;

    fputs(o->shown++ ? ", " : "", o->f);
    cert_text_write(o->f, name, strlen(name), false); /* one value: a line feed in it too */
}

static void names_line(FILE *f, X509 *x)
{
    names_out o = {f, 0};

    if (cert__x509_names(x, put_name, &o) == 0) {
        char cn[256];

        cert__name_cn(X509_get_subject_name(x), cn, sizeof(cn));
        fputs("(no DNS or IP subjectAltName; CN ", f);
        cert_text_write(f, cn, strlen(cn), false); /* one value: a line feed in it too */
        fputc(')', f);
    }
}

static void finding_group(const cert_report *r, const cert_text_opts *t, FILE *f, cert_severity sev,
                          const char *title, const char *color)
{
    size_t n = cert_findings_count_severity(r->findings, sev);
    char src[400];

    if (n == 0)
        return;
    fputs("  ", f);
    col(t, color, f);
    fputs(title, f);
    col(t, C_OFF, f);
    fputs(":\n", f);
    for (size_t i = 0; i < cert_findings_count(r->findings); i++) {
        const cert_finding *fi = cert_findings_at(r->findings, i);

        if (fi->severity != sev)
            continue;
        fputs("    ", f);
        col(t, color, f);
        fputs(fi->code, f);
        col(t, C_OFF, f);
        /* One line: a message quotes names from the certificate (a CN, a DNS name), and a
         * line feed in one must not forge a line of the report. */
        fputs("  ", f);
        cert_text_write(f, fi->message, strlen(fi->message), false);
        if (fi->source != NULL)
            cert_text_writef(f, " [%s]", cert_source_describe(fi->source, src, sizeof(src)));
        fputc('\n', f);
    }
}

/* A path as "leaf < issuer < ...", each certificate by its CN (its subject when it has none). */
static void path_line(FILE *f, X509 *(*at)(const cert_chain *, size_t, size_t), const cert_chain *c,
                      size_t i, size_t n)
{
    char buf[512];

    for (size_t j = 0; j < n; j++) {
        X509 *x = at(c, i, j);

        if (cert__name_cn(X509_get_subject_name(x), buf, sizeof(buf))[0] == '\0')
            cert__name_string(X509_get_subject_name(x), buf, sizeof(buf));
        fputs(j ? " < " : "", f);
        cert_text_write(f, buf, strlen(buf), false);
    }
}

static X509 *chosen_at(const cert_chain *c, size_t i, size_t j)
{
    (void)i;
    return cert_chain_path_at(c, j);
}

/* -v: the chosen path, how much the search did, and why each path ranked before it failed. */
static void path_lines(const cert_chain *c, FILE *f)
{
    fprintf(f, "  path   ");
    path_line(f, chosen_at, c, 0, cert_chain_path_length(c));
    fprintf(f, " (%zu path%s found, %zu tried, %zu signature check%s)\n",
            cert_chain_counter(c, CERT_CHAIN_PATHS_FOUND),
            cert_chain_counter(c, CERT_CHAIN_PATHS_FOUND) == 1 ? "" : "s",
            cert_chain_counter(c, CERT_CHAIN_PATHS_TRIED),
            cert_chain_counter(c, CERT_CHAIN_SIG_CHECKS),
            cert_chain_counter(c, CERT_CHAIN_SIG_CHECKS) == 1 ? "" : "s");
    for (size_t i = 0; i < cert_chain_rejected_count(c); i++) {
        fprintf(f, "  rejected ");
        path_line(f, cert_chain_rejected_cert, c, i, cert_chain_rejected_length(c, i));
        fputs("\n           ", f);
        cert_text_write(f, cert_chain_rejected_reason(c, i),
                        strlen(cert_chain_rejected_reason(c, i)), false);
        fputc('\n', f);
    }
}

/* The distribution and each name checked against its certificate, covered or not. */
static void dist_lines(const report_dist *d, const cert_text_opts *t, FILE *f)
{
    size_t hosts = 0;

    for (size_t i = 0; i < d->nnames; i++)
        hosts += d->names[i].from_host;
    cert_text_writef(f, "  distribution %s (%zu alias%s", d->id, d->nalias,
                     d->nalias == 1 ? "" : "es");
    if (hosts > 0)
        fprintf(f, ", %zu more name%s from --host", hosts, hosts == 1 ? "" : "s");
    fprintf(f, ")\n");
    for (size_t i = 0; i < d->nnames; i++) {
        const report_dist_name *n = &d->names[i];

        cert_text_writef(f, "  %-5s  %s  ", n->from_host ? "host" : "alias", n->name);
        col(t, n->covered == 0 ? C_RED : "", f);
        fputs(n->covered < 0 ? "not checked" : n->covered ? "covered" : "NOT covered", f);
        col(t, n->covered == 0 ? C_OFF : "", f);
        fputc('\n', f);
    }
}

cert_err cert_report__text(const cert_report *r, const cert_text_opts *t, FILE *f)
{
    char buf[1024], b1[32], b2[32], src[400];

    for (size_t i = 0; i < r->ninputs; i++) {
        fputs(i ? " " : "", f);
        col(t, C_BOLD, f);
        cert_text_write(f, r->inputs[i], strlen(r->inputs[i]), false);
    }
    col(t, C_OFF, f);
    fputc('\n', f);
    if (r->dist != NULL)
        dist_lines(r->dist, t, f);
    if (r->served != NULL)
        cert_report__served_text(r->served, t, f);
    if (r->err < 0) {
        fputs("  ", f);
        col(t, C_RED, f);
        fputs("error", f);
        col(t, C_OFF, f);
        cert_text_writef(f, "  %s\n", r->err_msg);
    } else {
        const cert_chain *c = r->chain;
        X509 *leaf = cert_chain_leaf(c);
        X509 *root = cert_chain_root(c);
        int64_t nb, na;

        cert_text_writef(f, "  leaf   %s\n",
                         cert__name_string(X509_get_subject_name(leaf), buf, sizeof(buf)));
        if (cert__x509_validity(leaf, &nb, &na)) {
            long long left = (long long)((na - r->now) / 86400);

            fprintf(f, "         %s, %s to %s (%s%lld days %s)\n",
                    cert_key_describe(X509_get0_pubkey(leaf), buf, sizeof(buf)),
                    cert__time_format(nb, b1, sizeof(b1)), cert__time_format(na, b2, sizeof(b2)),
                    "", left < 0 ? -left : left, left < 0 ? "ago" : "left");
        }
        fprintf(f, "         names: ");
        names_line(f, leaf);
        fputc('\n', f);
        if (t->verbosity > 0)
            cert_text_writef(
                f, "         from %s\n",
                cert_source_describe(cert_bundle_cert_source(r->bundle, cert_chain_leaf_item(c)),
                                     src, sizeof(src)));
        if (cert_chain_key(c) != NULL && t->verbosity > 0)
            cert_text_writef(
                f, "  key    %s\n",
                cert_source_describe(cert_bundle_key_source(r->bundle, cert_chain_key_item(c)), src,
                                     sizeof(src)));
        for (size_t i = 0; i < cert_chain_count(c); i++) {
            X509 *x = cert_chain_at(c, i);

            cert_text_writef(f, "  %s  %s", i == 0 ? "chain" : "     ",
                             cert__name_string(X509_get_subject_name(x), buf, sizeof(buf)));
            if (t->verbosity > 0 && cert_chain_item_at(c, i) != SIZE_MAX)
                cert_text_writef(f, " [%s]",
                                 cert_source_describe(
                                     cert_bundle_cert_source(r->bundle, cert_chain_item_at(c, i)),
                                     src, sizeof(src)));
            fputc('\n', f);
        }
        if (root != NULL)
            cert_text_writef(f, "  root   %s (%s%s, %s)\n",
                             cert__name_string(X509_get_subject_name(root), buf, sizeof(buf)),
                             cert_chain_root_in_bundle(c) ? "in the input" : "from ",
                             cert_chain_root_in_bundle(c)
                                 ? ""
                                 : (r->trust_origin ? r->trust_origin : "the system store"),
                             cert_trust_status_name(cert_chain_trust(c)));
        else
            fprintf(f, "  trust  %s\n", cert_trust_status_name(cert_chain_trust(c)));
        if (t->verbosity > 0)
            path_lines(c, f);
        if (r->live != NULL)
            cert_report__live_text(r->live, t, f);
        finding_group(r, t, f, CERT_SEV_ERROR, "errors", C_RED);
        finding_group(r, t, f, CERT_SEV_WARNING, "warnings", C_YEL);
        finding_group(r, t, f, CERT_SEV_INFO, "info", C_CYAN);
        {
            size_t e = cert_findings_count_severity(r->findings, CERT_SEV_ERROR);
            size_t w = cert_findings_count_severity(r->findings, CERT_SEV_WARNING);

            fputs("  ", f);
            col(t, e ? C_RED : C_BOLD, f);
            fputs(e ? "FAIL" : "OK", f);
            col(t, C_OFF, f);
            fprintf(f, ": %zu error%s, %zu warning%s\n", e, e == 1 ? "" : "s", w,
                    w == 1 ? "" : "s");
        }
    }
    if (ferror(f))
        return cert__error_set(CERT_E_IO, "cannot write the report");
    return CERT_OK;
}

/* ---- --output text / table (render.h): the report as records ---- */

/* One certificate of the path as a CERTIFICATE record. */
static void cert_row(const cert_report *r, cert__rows *t, const char *label, const char *role,
                     X509 *x)
{
    char subject[1024], issuer[1024], na_buf[32], fp[65];
    unsigned char md[32];
    unsigned int mdlen = 0;
    int64_t nb, na = INT64_MIN;

    (void)r;
    cert__name_string(X509_get_subject_name(x), subject, sizeof(subject));
    cert__name_string(X509_get_issuer_name(x), issuer, sizeof(issuer));
    if (!cert__x509_validity(x, &nb, &na))
        na = INT64_MIN;
    fp[0] = '\0';
    if (X509_digest(x, EVP_sha256(), md, &mdlen) == 1 && mdlen == 32)
        cert__hex32(md, fp);
    cert__row(t, "CERTIFICATE", "Input", label, "Role", role, "Subject", subject, "Issuer", issuer,
              "NotAfter", cert__rows_time(na, na_buf), "SHA256", fp[0] ? fp : CERT__NONE,
              CERT__NONE);
}

void cert_report__rows(const cert_report *r, cert__rows *t)
{
    const char *label = cert_report_label(r);
    size_t e = r->findings ? cert_findings_count_severity(r->findings, CERT_SEV_ERROR) : 0;
    size_t w = r->findings ? cert_findings_count_severity(r->findings, CERT_SEV_WARNING) : 0;
    cert_exit code = r->outcome >= 0 ? (cert_exit)r->outcome : cert_report_exit_code(r);
    char eb[24], wb[24], cb[24];

    cert__row(t, "REPORT", "Input", label, "Status",
              r->err < 0 ? "error"
              : e > 0    ? "fail"
                         : "ok",
              "Errors", cert__rows_int((long long)e, eb), "Warnings",
              cert__rows_int((long long)w, wb), "ExitCode", cert__rows_int(code, cb), "Message",
              r->err < 0 ? r->err_msg : r->outcome_msg, CERT__NONE);
    if (r->err >= 0 && r->chain != NULL) {
        const cert_chain *c = r->chain;

        cert_row(r, t, label, "leaf", cert_chain_leaf(c));
        for (size_t i = 0; i < cert_chain_count(c); i++) {
            X509 *x = cert_chain_at(c, i);

            cert_row(r, t, label, x == cert_chain_root(c) ? "root" : "chain", x);
        }
        if (cert_chain_root(c) != NULL &&
            (cert_chain_count(c) == 0 ||
             cert_chain_at(c, cert_chain_count(c) - 1) != cert_chain_root(c)))
            cert_row(r, t, label, "root", cert_chain_root(c));
    }
    if (r->dist != NULL) {
        for (size_t i = 0; i < r->dist->nnames; i++) {
            const report_dist_name *n = &r->dist->names[i];

            cert__row(t, "NAME", "Input", label, "Distribution", r->dist->id, "Kind",
                      n->from_host ? "host" : "alias", "Name", n->name, "Covered",
                      n->covered < 0 ? CERT__NONE : cert__rows_bool(n->covered == 1), CERT__NONE);
        }
    }
    for (size_t i = 0; r->findings != NULL && i < cert_findings_count(r->findings); i++) {
        const cert_finding *fi = cert_findings_at(r->findings, i);

        cert__row(t, "FINDING", "Input", label, "Severity", cert_severity_name(fi->severity),
                  "Code", fi->code, "Message", fi->message, CERT__NONE);
    }
    for (size_t i = 0; i + 1 < r->noutputs; i += 2)
        cert__row(t, "WRITTEN", "Input", label, "Part", r->outputs[i], "Path", r->outputs[i + 1],
                  CERT__NONE);
}
