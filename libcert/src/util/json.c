#include "json.h"

#include <string.h>

#include "error_int.h"

/* jansson's json_dumpf() calls fwrite() for every token and json_dumps() builds the whole text
 * by doubling a buffer; both are slow for a list of a thousand items. Gather the tokens in a
 * fixed buffer and write it when full. */
typedef struct sink {
    FILE *f;
    size_t len;
    bool failed;
    char buf[32768];
} sink;

static bool flush(sink *s)
{
    if (s->len > 0 && fwrite(s->buf, 1, s->len, s->f) != s->len)
        s->failed = true;
    s->len = 0;
    return !s->failed;
}

static int put(const char *text, size_t n, void *ud)
{
    sink *s = ud;

    if (n > sizeof(s->buf) - s->len) {
        if (!flush(s))
            return -1;
        if (n > sizeof(s->buf))
            return fwrite(text, 1, n, s->f) == n ? 0 : (s->failed = true, -1);
    }
    memcpy(s->buf + s->len, text, n);
    s->len += n;
    return 0;
}

cert_err cert__json_write(const json_t *j, FILE *f)
{
    sink s;

    s.f = f;
    s.len = 0;
    s.failed = false;
    if (json_dump_callback(j, put, &s, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 ||
        put("\n", 1, &s) != 0 || !flush(&s))
        return s.failed ? cert__error_set(CERT_E_IO, "cannot write the JSON document")
                        : cert__error_nomem();
    return CERT_OK;
}
