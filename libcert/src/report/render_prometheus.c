/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Metrics for node_exporter's textfile collector (render.h): the Prometheus text exposition
 * format (prometheus.io/docs/instrumenting/exposition_formats/, "Text-based format"), written
 * atomically so that the collector never reads half a file.
 *
 * Naming follows prometheus.io/docs/practices/naming/: one "libcert_" prefix, base units
 * (seconds since the epoch as "_timestamp_seconds"), no "_total" (nothing here is a counter:
 * every value is a gauge read afresh), and a "store" label on every certificate metric so that
 * ACM's certificates can join IAM's under the same names.
 */
#include <stdlib.h>
#include <string.h>

#include "report/render_int.h"
#include "report/results_int.h"
#include "util/error_int.h"
#include "util/file.h"
#include "util/text_int.h"

char *cert__prom_escape(const char *v)
{
    /* The exposition format: a label value is UTF-8 in double quotes, with backslash, double
     * quote and line feed written \\, \" and \n. Bytes that are not UTF-8 (a file name may
     * hold any) become U+FFFD, or the collector would reject the whole file. */
    size_t n = strlen(v), o = 0;
    char *out = malloc(n * 3 + 1);

    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)v[i];
        unsigned long cp;
        size_t len = cert__utf8_decode((const unsigned char *)v + i, n - i, &cp);

        if (c == '\\' || c == '"') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c == '\n') {
            out[o++] = '\\';
            out[o++] = 'n';
        } else if (len == 0) {
            memcpy(out + o, "\xef\xbf\xbd", 3);
            o += 3;
            i++;
            continue;
        } else {
            memcpy(out + o, v + i, len);
            o += len;
            i += len;
            continue;
        }
        i++;
    }
    out[o] = '\0';
    return out;
}

/* The text being built, with sticky failure. */
typedef struct prom {
    FILE *f;
    char *buf;
    size_t len;
    bool nomem;
} prom;

static void family(prom *p, const char *name, const char *help)
{
    fprintf(p->f, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* name{k1="v1",k2="v2",...} value; labels as NULL-terminated key, value pairs. */
static void sample(prom *p, const char *name, const char *const *labels, long long value)
{
    fputs(name, p->f);
    for (size_t i = 0; labels != NULL && labels[i] != NULL; i += 2) {
        char *e = cert__prom_escape(labels[i + 1]);

        if (e == NULL) {
            p->nomem = true;
            return;
        }
        fprintf(p->f, "%s%s=\"%s\"", i == 0 ? "{" : ",", labels[i], e);
        free(e);
    }
    fprintf(p->f, "%s %lld\n", labels != NULL && labels[0] != NULL ? "}" : "", value);
}

static cert_err prom_open(prom *p)
{
    memset(p, 0, sizeof(*p));
    p->f = open_memstream(&p->buf, &p->len);
    return p->f != NULL ? CERT_OK : cert__error_nomem();
}

/* Close the text and write it to `path`: a temporary file beside it (mode 0644: the collector
 * runs as another user and nothing here is secret), fsync, rename over the old one. */
static cert_err prom_commit(prom *p, const char *path)
{
    cert_tmpfile t;
    cert_err err;
    bool failed = ferror(p->f) != 0;

    if (fclose(p->f) != 0 || failed || p->nomem) {
        free(p->buf);
        return cert__error_nomem();
    }
    err = cert__tmpfile_write(path, p->buf, p->len, 0644, &t);
    if (err == CERT_OK)
        err = cert__tmpfile_commit(&t, true);
    cert__tmpfile_discard(&t);
    free(p->buf);
    return err;
}

cert_err cert__prom_write_inventory(const cert_inventory *inv, const char *path)
{
    static const struct {
        const char *name, *help;
    } per_cert[] = {
        {"libcert_certificate_expiry_timestamp_seconds",
         "When the certificate expires (its notAfter), in seconds since the epoch."},
        {"libcert_certificate_upload_timestamp_seconds",
         "When the certificate was uploaded, in seconds since the epoch."},
        {"libcert_certificate_in_use", "Whether a CloudFront distribution uses the certificate."},
        {"libcert_certificate_distributions",
         "How many CloudFront distributions use the certificate."},
    };
    prom p;
    cert_err err = prom_open(&p);

    if (err < 0)
        return err;
    /* Each family once, its samples together (the text format has one HELP/TYPE per family):
     * IAM's certificates, then ACM's. */
    for (size_t m = 0; m < sizeof(per_cert) / sizeof(per_cert[0]); m++) {
        if (m >= 2 && !inv->usage_known)
            break;
        family(&p, per_cert[m].name, per_cert[m].help);
        for (size_t i = 0; i < inv->n; i++) {
            const cert_iam_cert *c = &inv->certs[i];
            const char *labels[] = {"store", "iam",  "name",  c->name, "id",
                                    c->id,   "path", c->path, NULL};
            long long v = m == 0   ? c->expiration
                          : m == 1 ? c->upload_date
                          : m == 2 ? inv->nusers[i] > 0
                                   : (long long)inv->nusers[i];

            if ((m == 0 || m == 1) && v == INT64_MIN)
                continue; /* not known: no sample rather than a wrong one */
            sample(&p, per_cert[m].name, labels, v);
        }
        for (size_t i = 0; i < inv->nacm; i++) {
            const cert_acm_cert *c = &inv->acm[i];
            const char *labels[] = {"store", "acm",  "name", c->domain_name ? c->domain_name : "",
                                    "id",    c->arn, "path", "",
                                    NULL};
            int64_t up = c->imported_at != INT64_MIN ? c->imported_at : c->created_at;
            long long v = m == 0   ? c->not_after
                          : m == 1 ? up
                          : m == 2 ? inv->nacm_users[i] > 0
                                   : (long long)inv->nacm_users[i];

            if ((m == 0 || m == 1) && v == INT64_MIN)
                continue;
            sample(&p, per_cert[m].name, labels, v);
        }
    }
    if (inv->used >= 0) {
        const char *labels[] = {"store", "iam", NULL};

        family(&p, "libcert_account_certificates",
               "The account's server certificates (IAM GetAccountSummary ServerCertificates).");
        sample(&p, "libcert_account_certificates", labels, inv->used);
    }
    if (inv->quota >= 0) {
        const char *labels[] = {"store", "iam", NULL};

        family(&p, "libcert_account_certificates_quota",
               "How many server certificates the account may hold (ServerCertificatesQuota).");
        sample(&p, "libcert_account_certificates_quota", labels, inv->quota);
    }
    return prom_commit(&p, path);
}

typedef struct named_at {
    const char *input;
    size_t i;
} named_at;

static int cmp_input(const void *a, const void *b)
{
    const named_at *x = a, *y = b;
    int c = strcmp(x->input, y->input);

    return c != 0 ? c : (x->i > y->i) - (x->i < y->i);
}

/* Which bundles repeat an input named earlier: one series per label set, or the collector
 * rejects the file ("duplicate metric"). Sorted, not compared pairwise: --each takes
 * thousands of inputs. */
static bool *repeats(const prom_bundle *b, size_t n)
{
    named_at *v = malloc((n ? n : 1) * sizeof(*v));
    bool *rep = calloc(n ? n : 1, sizeof(*rep));

    if (v == NULL || rep == NULL) {
        free(v);
        free(rep);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        v[i] = (named_at){b[i].input, i};
    qsort(v, n, sizeof(*v), cmp_input);
    for (size_t k = 1; k < n; k++)
        rep[v[k].i] = strcmp(v[k].input, v[k - 1].input) == 0;
    free(v);
    return rep;
}

cert_err cert__prom_write_bundles(const prom_bundle *b, size_t n, const char *path)
{
    prom p;
    cert_err err;
    bool *rep = repeats(b, n);

    if (rep == NULL)
        return cert__error_nomem();
    if ((err = prom_open(&p)) < 0) {
        free(rep);
        return err;
    }
    family(&p, "libcert_bundle_expiry_timestamp_seconds",
           "When the bundle's leaf certificate expires (its notAfter), in seconds since the "
           "epoch.");
    for (size_t i = 0; i < n; i++) {
        const char *labels[] = {"input", b[i].input, NULL};

        if (b[i].not_after != INT64_MIN && !rep[i])
            sample(&p, "libcert_bundle_expiry_timestamp_seconds", labels, b[i].not_after);
    }
    family(&p, "libcert_bundle_check_passed",
           "Whether every check passed for the bundle (1), or one failed or it could not be "
           "read (0).");
    for (size_t i = 0; i < n; i++) {
        const char *labels[] = {"input", b[i].input, NULL};

        if (!rep[i])
            sample(&p, "libcert_bundle_check_passed", labels, b[i].code == CERT_EXIT_OK);
    }
    family(&p, "libcert_bundle_exit_code",
           "certcheck's exit code for the bundle: 0 passed, 1 a check failed, 3 unreadable.");
    for (size_t i = 0; i < n; i++) {
        const char *labels[] = {"input", b[i].input, NULL};

        if (!rep[i])
            sample(&p, "libcert_bundle_exit_code", labels, (long long)b[i].code);
    }
    free(rep);
    return prom_commit(&p, path);
}
