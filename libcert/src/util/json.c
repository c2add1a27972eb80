#include "json.h"

#include <string.h>

#include "error_int.h"

/* jansson's json_dumpf() calls fwrite() for every token and json_dumps() builds the whole text
 * by doubling a buffer; both are slow for a list of a thousand items. The sink gathers the
 * tokens in a fixed buffer and writes it when full. */

static void flush(cert_json_sink *s)
{
    if (s->len > 0 && !s->failed && fwrite(s->buf, 1, s->len, s->f) != s->len)
        s->failed = true;
    s->len = 0;
}

static void put(cert_json_sink *s, const char *text, size_t n)
{
    while (n > 0) {
        size_t k;

        if (s->len == sizeof(s->buf))
            flush(s);
        k = sizeof(s->buf) - s->len;
        if (k > n)
            k = n;
        memcpy(s->buf + s->len, text, k);
        s->len += k;
        text += k;
        n -= k;
    }
}

static void put_spaces(cert_json_sink *s, int n)
{
    static const char spaces[] = "                                ";

    for (; n > 0; n -= (int)(sizeof(spaces) - 1))
        put(s, spaces, n < (int)(sizeof(spaces) - 1) ? (size_t)n : sizeof(spaces) - 1);
}

/* json_dump_callback's callback: the text, with `indent` spaces after every newline. */
static int on_dump(const char *text, size_t n, void *ud)
{
    cert_json_sink *s = ud;
    const char *nl;

    while (s->indent > 0 && (nl = memchr(text, '\n', n)) != NULL) {
        size_t k = (size_t)(nl - text) + 1;

        put(s, text, k);
        put_spaces(s, s->indent);
        text += k;
        n -= k;
    }
    put(s, text, n);
    return s->failed ? -1 : 0;
}

void cert__json_sink_init(cert_json_sink *s, FILE *f)
{
    s->f = f;
    s->len = 0;
    s->indent = 0;
    s->failed = s->nomem = false;
}

void cert__json_sink_text(cert_json_sink *s, const char *text)
{
    put(s, text, strlen(text));
}

void cert__json_sink_value(cert_json_sink *s, const json_t *j, int indent)
{
    s->indent = indent;
    if (j == NULL ||
        (json_dump_callback(j, on_dump, s, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 &&
         !s->failed))
        s->nomem = true;
    s->indent = 0;
}

cert_err cert__json_sink_end(cert_json_sink *s)
{
    flush(s);
    if (s->failed)
        return cert__error_set(CERT_E_IO, "cannot write the JSON document");
    return s->nomem ? cert__error_nomem() : CERT_OK;
}

cert_err cert__json_write(const json_t *j, FILE *f)
{
    cert_json_sink s;

    cert__json_sink_init(&s, f);
    cert__json_sink_value(&s, j, 0);
    cert__json_sink_text(&s, "\n");
    return cert__json_sink_end(&s);
}
