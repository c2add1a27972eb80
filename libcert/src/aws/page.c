/* The paginator (see page_int.h): one loop for every AWS list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "page_int.h"
#include "util/error_int.h"

/* A list that is still truncated after this many pages stops. */
#define PAGES_MAX 100001

void cert_aws__pager_init(aws_pager *p, const aws_page_spec *spec)
{
    memset(p, 0, sizeof(*p));
    p->spec = spec;
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
    memset(p, 0, sizeof(*p));
}

void cert_aws__page_begin(aws_pager *p)
{
    p->items -= p->page_items;
    p->page_items = 0;
    p->truncated = false;
    cursor_clear(p->next);
}

void cert_aws__page_item(aws_pager *p)
{
    p->items++;
    p->page_items++;
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

/* After a page was read whole: whether another follows (its cursor then becomes the one the
 * next request gives back), or the stop that ends the listing. */
static cert_err page_end(aws_pager *p, bool *more)
{
    const aws_page_spec *s = p->spec;

    *more = false;
    if (!cert_aws__page_more(p))
        return CERT_OK;
    for (size_t i = 0; i < s->nfields; i++) {
        if (!s->fields[i].optional && !cert_aws__given(p->next[i]))
            return cert__error_set(CERT_E_NET, "%s said IsTruncated without a %s", s->service,
                                   s->fields[i].answer);
    }
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
        if ((err = fetch(p, ud)) < 0 || (err = page_end(p, &more)) < 0)
            return err;
        if (more && p->pages > PAGES_MAX)
            return cert__error_set(CERT_E_NET, "%s keeps answering IsTruncated; stopping",
                                   p->spec->service);
    }
    return CERT_OK;
}

cert_err cert_aws__page_all(const aws_page_spec *spec, aws_page_fetch fetch, void *ud)
{
    aws_pager p;
    cert_err err;

    cert_aws__pager_init(&p, spec);
    err = cert_aws__page_run(&p, fetch, ud);
    cert_aws__pager_free(&p);
    return err;
}
