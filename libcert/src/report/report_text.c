/* Text rendering of a report: the certificate at a glance, then findings by severity. */
#include <string.h>

#include "libcert/key.h"
#include "report_int.h"
#include "util/error_int.h"
#include "util/time_int.h"
#include "x509/x509_int.h"

#define C_RED "\033[31m"
#define C_YEL "\033[33m"
#define C_CYAN "\033[36m"
#define C_BOLD "\033[1m"
#define C_OFF "\033[0m"

static const char *col(const cert_text_opts *t, const char *c)
{
    return t->color ? c : "";
}

typedef struct names_out {
    FILE *f;
    int shown;
} names_out;

static void put_name(const char *name, void *ud)
{
    names_out *o = ud;

    fprintf(o->f, "%s%s", o->shown++ ? ", " : "", name);
}

static void names_line(FILE *f, X509 *x)
{
    names_out o = {f, 0};

    if (cert__x509_names(x, put_name, &o) == 0) {
        char cn[256];

        fprintf(f, "(no DNS or IP subjectAltName; CN %s)",
                cert__name_cn(X509_get_subject_name(x), cn, sizeof(cn)));
    }
}

static void finding_group(const cert_report *r, const cert_text_opts *t, FILE *f, cert_severity sev,
                          const char *title, const char *color)
{
    size_t n = cert_findings_count_severity(r->findings, sev);
    char src[400];

    if (n == 0)
        return;
    fprintf(f, "  %s%s%s:\n", col(t, color), title, col(t, C_OFF));
    for (size_t i = 0; i < cert_findings_count(r->findings); i++) {
        const cert_finding *fi = cert_findings_at(r->findings, i);

        if (fi->severity != sev)
            continue;
        fprintf(f, "    %s%s%s  %s", col(t, color), fi->code, col(t, C_OFF), fi->message);
        if (fi->source != NULL)
            fprintf(f, " [%s]", cert_source_describe(fi->source, src, sizeof(src)));
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
        fprintf(f, "%s%s", j ? " < " : "", buf);
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
        fprintf(f, "\n           %s\n", cert_chain_rejected_reason(c, i));
    }
}

/* The distribution and each name checked against its certificate, covered or not. */
static void dist_lines(const report_dist *d, const cert_text_opts *t, FILE *f)
{
    size_t hosts = 0;

    for (size_t i = 0; i < d->nnames; i++)
        hosts += d->names[i].from_host;
    fprintf(f, "  distribution %s (%zu alias%s", d->id, d->nalias, d->nalias == 1 ? "" : "es");
    if (hosts > 0)
        fprintf(f, ", %zu more name%s from --host", hosts, hosts == 1 ? "" : "s");
    fprintf(f, ")\n");
    for (size_t i = 0; i < d->nnames; i++) {
        const report_dist_name *n = &d->names[i];

        fprintf(f, "  %-5s  %s  %s%s%s\n", n->from_host ? "host" : "alias", n->name,
                col(t, n->covered == 0 ? C_RED : ""),
                n->covered < 0 ? "not checked"
                : n->covered   ? "covered"
                               : "NOT covered",
                col(t, n->covered == 0 ? C_OFF : ""));
    }
}

cert_err cert_report__text(const cert_report *r, const cert_text_opts *t, FILE *f)
{
    char buf[1024], b1[32], b2[32], src[400];

    for (size_t i = 0; i < r->ninputs; i++)
        fprintf(f, "%s%s%s", i ? " " : "", col(t, C_BOLD), r->inputs[i]);
    fprintf(f, "%s\n", col(t, C_OFF));
    if (r->dist != NULL)
        dist_lines(r->dist, t, f);
    if (r->served != NULL)
        cert_report__served_text(r->served, t, f);
    if (r->err < 0) {
        fprintf(f, "  %serror%s  %s\n", col(t, C_RED), col(t, C_OFF), r->err_msg);
    } else {
        const cert_chain *c = r->chain;
        X509 *leaf = cert_chain_leaf(c);
        X509 *root = cert_chain_root(c);
        int64_t nb, na;
        static const char *trust[] = {"trusted", "incomplete", "untrusted", "too long", "loop"};

        fprintf(f, "  leaf   %s\n",
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
            fprintf(
                f, "         from %s\n",
                cert_source_describe(cert_bundle_cert_source(r->bundle, cert_chain_leaf_item(c)),
                                     src, sizeof(src)));
        if (cert_chain_key(c) != NULL && t->verbosity > 0)
            fprintf(f, "  key    %s\n",
                    cert_source_describe(cert_bundle_key_source(r->bundle, cert_chain_key_item(c)),
                                         src, sizeof(src)));
        for (size_t i = 0; i < cert_chain_count(c); i++) {
            X509 *x = cert_chain_at(c, i);

            fprintf(f, "  %s  %s", i == 0 ? "chain" : "     ",
                    cert__name_string(X509_get_subject_name(x), buf, sizeof(buf)));
            if (t->verbosity > 0 && cert_chain_item_at(c, i) != SIZE_MAX)
                fprintf(f, " [%s]",
                        cert_source_describe(
                            cert_bundle_cert_source(r->bundle, cert_chain_item_at(c, i)), src,
                            sizeof(src)));
            fputc('\n', f);
        }
        if (root != NULL)
            fprintf(f, "  root   %s (%s%s, %s)\n",
                    cert__name_string(X509_get_subject_name(root), buf, sizeof(buf)),
                    cert_chain_root_in_bundle(c) ? "in the input" : "from ",
                    cert_chain_root_in_bundle(c)
                        ? ""
                        : (r->trust_origin ? r->trust_origin : "the system store"),
                    trust[cert_chain_trust(c)]);
        else
            fprintf(f, "  trust  %s\n", trust[cert_chain_trust(c)]);
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

            fprintf(f, "  %s%s%s: %zu error%s, %zu warning%s\n", col(t, e ? C_RED : C_BOLD),
                    e ? "FAIL" : "OK", col(t, C_OFF), e, e == 1 ? "" : "s", w, w == 1 ? "" : "s");
        }
    }
    if (ferror(f))
        return cert__error_set(CERT_E_IO, "cannot write the report");
    return CERT_OK;
}
