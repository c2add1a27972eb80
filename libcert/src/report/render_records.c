/* SPDX-License-Identifier: Apache-2.0 */
/*
 * --output text and --output table (render.h, CERT_OUTPUT_RECORDS and CERT_OUTPUT_TABLE): the
 * AWS CLI's tab-separated records, and the same records as aligned columns. The renderers make
 * rows; this file writes them.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "libcert/text.h"
#include "report/render_int.h"
#include "util/error_int.h"

#define ROW_FIELDS_MAX 16

typedef struct row {
    const char *type;
    size_t n;
    const char *names[ROW_FIELDS_MAX];
    char *cells[ROW_FIELDS_MAX]; /* escaped */
} row;

struct cert__rows {
    cert_output fmt;
    FILE *f;
    bool nomem;
    row *rows; /* TABLE: every row, in order */
    size_t count, cap;
};

bool cert_output_parse(const char *name, cert_output *out)
{
    static const struct {
        const char *name;
        cert_output fmt;
    } names[] = {
        {"json", CERT_OUTPUT_JSON}, {"text", CERT_OUTPUT_RECORDS}, {"table", CERT_OUTPUT_TABLE}};

    for (size_t i = 0; name != NULL && i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(name, names[i].name) == 0) {
            *out = names[i].fmt;
            return true;
        }
    }
    return false;
}

cert__rows *cert__rows_new(cert_output fmt, FILE *f)
{
    cert__rows *t = calloc(1, sizeof(*t));

    if (t == NULL)
        return NULL;
    t->fmt = fmt;
    t->f = f;
    return t;
}

/* One value as a field: what a terminal would act on made visible (cert_text_write(), one value:
 * a line feed too) and a tab as \x09, so that no value ends a field or a record. New string;
 * NULL when out of memory. */
static char *escape_cell(const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);

    if (m == NULL)
        return NULL;
    while (*s != '\0') {
        size_t n = strcspn(s, "\t");

        cert_text_write(m, s, n, false);
        s += n;
        if (*s == '\t') {
            fputs("\\x09", m);
            s++;
        }
    }
    if (fclose(m) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Columns a cell takes: its UTF-8 characters (continuation bytes take none). */
static size_t width(const char *s)
{
    size_t w = 0;

    for (; *s; s++) {
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    }
    return w;
}

void cert__row(cert__rows *t, const char *type, ...)
{
    row r;
    va_list ap;
    const char *name;

    if (t == NULL)
        return;
    memset(&r, 0, sizeof(r));
    r.type = type;
    va_start(ap, type);
    while ((name = va_arg(ap, const char *)) != NULL) {
        const char *v = va_arg(ap, const char *);

        if (r.n == ROW_FIELDS_MAX)
            continue;
        r.names[r.n] = name;
        /* the AWS CLI writes an absent value as None in text, leaves a table's cell empty */
        r.cells[r.n] = escape_cell(v != NULL ? v : t->fmt == CERT_OUTPUT_RECORDS ? "None" : "");
        if (r.cells[r.n] == NULL)
            t->nomem = true;
        r.n++;
    }
    va_end(ap);
    if (t->fmt == CERT_OUTPUT_RECORDS) {
        fputs(type, t->f);
        for (size_t i = 0; i < r.n; i++) {
            fputc('\t', t->f);
            fputs(r.cells[i] ? r.cells[i] : "", t->f);
            free(r.cells[i]);
        }
        fputc('\n', t->f);
        return;
    }
    if (t->count == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        row *n = realloc(t->rows, cap * sizeof(*n));

        if (n == NULL) {
            for (size_t i = 0; i < r.n; i++)
                free(r.cells[i]);
            t->nomem = true;
            return;
        }
        t->rows = n;
        t->cap = cap;
    }
    t->rows[t->count++] = r;
}

/* One line of a table: the cells padded to the widths, two spaces apart, none after the last. */
static void table_line(FILE *f, const char *const *cells, const size_t *w, size_t n)
{
    while (n > 1 && cells[n - 1][0] == '\0') /* no padding at the end of a line */
        n--;
    for (size_t i = 0; i < n; i++) {
        fputs(cells[i], f);
        if (i + 1 < n) {
            for (size_t k = width(cells[i]); k < w[i] + 2; k++)
                fputc(' ', f);
        }
    }
    fputc('\n', f);
}

/* The rows of one type as a table: the field names, then each row, aligned. */
static void table_write(const cert__rows *t, const char *type, bool title, bool first)
{
    size_t w[ROW_FIELDS_MAX] = {0}, n = 0;
    const row *head = NULL;

    for (size_t i = 0; i < t->count; i++) {
        const row *r = &t->rows[i];

        if (strcmp(r->type, type) != 0)
            continue;
        if (head == NULL) {
            head = r;
            n = r->n;
            for (size_t k = 0; k < n; k++)
                w[k] = width(r->names[k]);
        }
        for (size_t k = 0; k < n && k < r->n; k++) {
            size_t cw = width(r->cells[k] ? r->cells[k] : "");

            if (cw > w[k])
                w[k] = cw;
        }
    }
    if (head == NULL)
        return;
    if (!first)
        fputc('\n', t->f);
    if (title)
        fprintf(t->f, "%s\n", type);
    table_line(t->f, head->names, w, n);
    for (size_t i = 0; i < t->count; i++) {
        const row *r = &t->rows[i];
        const char *cells[ROW_FIELDS_MAX];

        if (strcmp(r->type, type) != 0)
            continue;
        for (size_t k = 0; k < n; k++)
            cells[k] = k < r->n && r->cells[k] ? r->cells[k] : "";
        table_line(t->f, cells, w, n);
    }
}

/* Whether a type appears before row i (its table is written already). */
static bool seen_before(const cert__rows *t, size_t i)
{
    for (size_t k = 0; k < i; k++) {
        if (strcmp(t->rows[k].type, t->rows[i].type) == 0)
            return true;
    }
    return false;
}

cert_err cert__rows_end(cert__rows *t)
{
    cert_err err = CERT_OK;
    size_t types = 0;
    bool first = true;

    if (t == NULL)
        return cert__error_nomem();
    for (size_t i = 0; i < t->count; i++)
        types += !seen_before(t, i);
    for (size_t i = 0; i < t->count; i++) {
        if (seen_before(t, i))
            continue;
        table_write(t, t->rows[i].type, types > 1, first);
        first = false;
    }
    for (size_t i = 0; i < t->count; i++) {
        for (size_t k = 0; k < t->rows[i].n; k++)
            free(t->rows[i].cells[k]);
    }
    if (t->nomem)
        err = cert__error_nomem();
    else if (ferror(t->f))
        err = cert__error_set(CERT_E_IO, "cannot write the output");
    free(t->rows);
    free(t);
    return err;
}

const char *cert__rows_bool(bool b)
{
    return b ? "True" : "False";
}

const char *cert__rows_time(int64_t t, char *buf)
{
    if (t == INT64_MIN)
        return NULL;
    return cert_aws_time_format(t, buf, 32);
}

const char *cert__rows_int(long long v, char *buf)
{
    snprintf(buf, 24, "%lld", v);
    return buf;
}

char *cert__rows_join(const char *const *items, size_t n)
{
    size_t len = 1, at = 0;
    char *s;

    if (n == 0)
        return NULL;
    for (size_t i = 0; i < n; i++)
        len += strlen(items[i]) + 1;
    if ((s = malloc(len)) == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(items[i]);

        if (i > 0)
            s[at++] = ',';
        memcpy(s + at, items[i], l);
        at += l;
    }
    s[at] = '\0';
    return s;
}
