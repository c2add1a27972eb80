/* SPDX-License-Identifier: Apache-2.0 */
/* The paginator (see page_int.h): one loop for every AWS list, and the stops that end it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "page_int.h"
#include "util/error_int.h"

void cert_aws__pager_init(aws_pager *p, const aws_page_spec *spec, size_t items_max)
{
    memset(p, 0, sizeof(*p));
    p->spec = spec;
    p->items_max = items_max > 0 ? items_max : CERT_AWS_LIST_ITEMS_MAX;
}

static void cursor_clear(char *c[CERT_AWS_PAGE_FIELDS])
{
    for (size_t i = 0; i < CERT_AWS_PAGE_FIELDS; i++) {
        free(c[i]);
        c[i] = NULL;
    }
}

void cert_aws__pager_free(aws_pager *p)
{
    cursor_clear(p->cursor);
    cursor_clear(p->next);
    free(p->seen);
    memset(p, 0, sizeof(*p));
}

void cert_aws__page_begin(aws_pager *p)
{
    p->items -= p->page_items;
    p->page_items = 0;
    p->truncated = false;
    p->over = false;
    cursor_clear(p->next);
}

static cert_err over_cap(const aws_pager *p)
{
    return cert__error_set(CERT_E_NET,
                           "%s %s: more than %zu items in one listing; stopping (libcert's cap on "
                           "one listing)",
                           p->spec->service, p->spec->action, p->items_max);
}

cert_err cert_aws__page_item(aws_pager *p)
{
    if (p->items >= p->items_max) {
        p->over = true;
        return over_cap(p);
    }
    p->items++;
    p->page_items++;
    return CERT_OK;
}

void cert_aws__page_truncated(aws_pager *p, bool truncated)
{
    p->truncated = truncated;
}

cert_err cert_aws__page_cursor(aws_pager *p, size_t field, const char *value)
{
    char *v = strdup(value);

    if (v == NULL)
        return cert__error_nomem();
    free(p->next[field]);
    p->next[field] = v;
    return CERT_OK;
}

cert_err cert_aws__page_query(const aws_pager *p, cert_buf *q)
{
    cert_err err = CERT_OK;

    for (size_t i = 0; err == CERT_OK && i < p->spec->nfields; i++) {
        if (p->cursor[i] != NULL)
            err = cert_aws__query_add(q, p->spec->fields[i].request, p->cursor[i]);
    }
    return err;
}

bool cert_aws__page_more(const aws_pager *p)
{
    if (!p->spec->more_by_cursor)
        return p->truncated;
    for (size_t i = 0; i < p->spec->nfields; i++) {
        if (cert_aws__given(p->next[i]))
            return true;
    }
    return false;
}

/* FNV-1a over the cursor's fields, each preceded by a byte that says whether it is present
 * (which also separates it from the field before). Two different cursors pass for the same
 * only by a 64-bit collision. */
static uint64_t cursor_hash(const aws_pager *p)
{
    uint64_t h = 14695981039346656037u;

    for (size_t i = 0; i < p->spec->nfields; i++) {
        const unsigned char *s = (const unsigned char *)p->next[i];

        h = (h ^ (s != NULL ? 1u : 2u)) * 1099511628211u;
        for (; s != NULL && *s != '\0'; s++)
            h = (h ^ *s) * 1099511628211u;
    }
    return h != 0 ? h : 1; /* 0 marks a free slot */
}

static void seen_put(uint64_t *t, size_t cap, uint64_t h)
{
    size_t i = h & (cap - 1);

    while (t[i] != 0)
        i = (i + 1) & (cap - 1);
    t[i] = h;
}

/* Remember a cursor; *again says whether it was seen before. The set stays at most half full. */
static cert_err seen_add(aws_pager *p, uint64_t h, bool *again)
{
    *again = false;
    if ((p->seen_count + 1) * 2 > p->seen_cap) {
        size_t cap = p->seen_cap > 0 ? p->seen_cap * 2 : 64;
        uint64_t *t = calloc(cap, sizeof(*t));

        if (t == NULL)
            return cert__error_nomem();
        for (size_t k = 0; k < p->seen_cap; k++) {
            if (p->seen[k] != 0)
                seen_put(t, cap, p->seen[k]);
        }
        free(p->seen);
        p->seen = t;
        p->seen_cap = cap;
    }
    for (size_t i = h & (p->seen_cap - 1); p->seen[i] != 0; i = (i + 1) & (p->seen_cap - 1)) {
        if (p->seen[i] == h) {
            *again = true;
            return CERT_OK;
        }
    }
    seen_put(p->seen, p->seen_cap, h);
    p->seen_count++;
    return CERT_OK;
}

/* "Marker", or "NextRecordName/NextRecordType/NextRecordIdentifier". */
static void cursor_names(const aws_page_spec *s, char *buf, size_t size)
{
    size_t o = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < s->nfields && o < size; i++)
        o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? "/" : "", s->fields[i].answer);
}

/* After a page was read whole: whether another follows (its cursor then becomes the one the
 * next request gives back), or the stop that ends the listing. */
static cert_err page_end(aws_pager *p, bool *more)
{
    const aws_page_spec *s = p->spec;
    char names[200];
    bool again;
    cert_err err;

    *more = false;
    if (!cert_aws__page_more(p))
        return CERT_OK;
    for (size_t i = 0; i < s->nfields; i++) {
        if (!s->fields[i].optional && !cert_aws__given(p->next[i]))
            return cert__error_set(CERT_E_NET, "%s said IsTruncated without a %s", s->service,
                                   s->fields[i].answer);
    }
    if (p->page_items == 0)
        return cert__error_set(CERT_E_NET,
                               "%s %s: page %zu holds no items but %s; stopping, as the listing "
                               "would not end",
                               s->service, s->action, p->pages,
                               s->more_by_cursor ? "gives a next cursor" : "says IsTruncated");
    if ((err = seen_add(p, cursor_hash(p), &again)) < 0)
        return err;
    cursor_names(s, names, sizeof(names));
    if (again)
        return cert__error_set(CERT_E_NET,
                               "%s %s: page %zu gives the %s of an earlier page; stopping, as the "
                               "listing would not end",
                               s->service, s->action, p->pages, names);
    cursor_clear(p->cursor);
    memcpy(p->cursor, p->next, sizeof(p->cursor));
    memset(p->next, 0, sizeof(p->next));
    p->page_items = 0; /* the page is the listing's now: a retry of the next one keeps it */
    *more = true;
    return CERT_OK;
}

cert_err cert_aws__page_run(aws_pager *p, aws_page_fetch fetch, void *ud)
{
    cert_err err;
    bool more = true;

    while (more) {
        p->pages++;
        cert_aws__page_begin(p);
        err = fetch(p, ud);
        if (err < 0 && p->over) /* the cap, whatever the reader made of it on the way out */
            return over_cap(p);
        if (err < 0)
            return err;
        if ((err = page_end(p, &more)) < 0)
            return err;
    }
    return CERT_OK;
}

cert_err cert_aws__page_all(cert_aws *aws, const aws_page_spec *spec, aws_page_fetch fetch,
                            void *ud)
{
    aws_pager p;
    cert_err err;

    cert_aws__pager_init(&p, spec, aws->list_items_max);
    err = cert_aws__page_run(&p, fetch, ud);
    cert_aws__pager_free(&p);
    return err;
}

void cert_aws__set_list_items_max(cert_aws *aws, size_t max)
{
    aws->list_items_max = max; /* 0: the pager's default */
}
