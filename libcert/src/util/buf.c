/* SPDX-License-Identifier: Apache-2.0 */
#include "buf.h"

#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error_int.h"
#include "size.h"

void cert__buf_init(cert_buf *b, size_t max, bool secret)
{
    b->ptr = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
    b->secret = secret;
}

static cert_err grow(cert_buf *b, size_t need, const char *what)
{
    size_t cap, want;
    char *p;

    if (!cert__size_add(b->len, need, &want) || !cert__size_add(want, 1, &want) ||
        want - 1 > b->max)
        return cert__error_set(CERT_E_INPUT, "%s: larger than the limit of %zu bytes",
                               what ? what : "input", b->max);
    if (want <= b->cap)
        return CERT_OK;
    cap = b->cap ? b->cap : 256;
    while (cap < want)
        cap = cap > (size_t)-1 / 2 ? want : cap * 2;
    if (b->max < (size_t)-1 && cap > b->max + 1)
        cap = b->max + 1;
    if (b->secret) {
        /* realloc() could leave a copy of the secret behind: move it ourselves. */
        p = malloc(cap);
        if (p == NULL)
            return cert__error_nomem();
        if (b->ptr != NULL) {
            memcpy(p, b->ptr, b->len);
            OPENSSL_cleanse(b->ptr, b->cap);
            free(b->ptr);
        }
    } else {
        p = realloc(b->ptr, cap);
        if (p == NULL)
            return cert__error_nomem();
    }
    b->ptr = p;
    b->cap = cap;
    return CERT_OK;
}

cert_err cert__buf_reserve(cert_buf *b, size_t total)
{
    cert_err err;

    if (total <= b->len || total > b->max)
        return CERT_OK; /* nothing to do, or the appends will hit the cap and say so */
    if ((err = grow(b, total - b->len, NULL)) < 0)
        return err;
    b->ptr[b->len] = '\0';
    return CERT_OK;
}

cert_err cert__buf_add(cert_buf *b, const void *data, size_t len, const char *what)
{
    cert_err err = grow(b, len, what);

    if (err < 0)
        return err;
    if (len > 0)
        memcpy(b->ptr + b->len, data, len);
    b->len += len;
    b->ptr[b->len] = '\0';
    return CERT_OK;
}

cert_err cert__buf_printf(cert_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    cert_err err;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return cert__error_set(CERT_E_INTERNAL, "formatting failed");
    err = grow(b, (size_t)n, NULL);
    if (err < 0)
        return err;
    va_start(ap, fmt);
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return CERT_OK;
}

void cert__buf_free(cert_buf *b)
{
    if (b->ptr != NULL) {
        if (b->secret)
            OPENSSL_cleanse(b->ptr, b->cap);
        free(b->ptr);
    }
    b->ptr = NULL;
    b->len = 0;
    b->cap = 0;
}

char *cert__buf_detach(cert_buf *b, size_t *len_out)
{
    char *p = b->ptr;

    if (len_out != NULL)
        *len_out = b->len;
    b->ptr = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}

cert_err cert__array_reserve(void *vp, size_t *cap, size_t n, size_t first, size_t elem)
{
    void *v, *nv;
    size_t ncap;

    if (n < *cap)
        return CERT_OK;
    ncap = *cap ? *cap * 2 : first;
    if (ncap <= n || ncap > (size_t)-1 / elem)
        return cert__error_nomem();
    memcpy(&v, vp, sizeof(v));
    if ((nv = realloc(v, ncap * elem)) == NULL)
        return cert__error_nomem();
    memcpy(vp, &nv, sizeof(nv));
    *cap = ncap;
    return CERT_OK;
}

cert_err cert__strings_push(char ***v, size_t *n, const char *s, bool once)
{
    char **nv, *copy;

    for (size_t i = 0; once && i < *n; i++) {
        if (strcmp((*v)[i], s) == 0)
            return CERT_OK;
    }
    if ((copy = strdup(s)) == NULL)
        return cert__error_nomem();
    if ((nv = realloc(*v, (*n + 1) * sizeof(*nv))) == NULL) {
        free(copy);
        return cert__error_nomem();
    }
    nv[(*n)++] = copy;
    *v = nv;
    return CERT_OK;
}
