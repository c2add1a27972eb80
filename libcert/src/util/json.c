/* SPDX-License-Identifier: Apache-2.0 */
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
    if (n <= sizeof(s->buf) - s->len) { /* the common case: it fits */
        memcpy(s->buf + s->len, text, n);
        s->len += n;
        return;
    }
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
    s->depth = 0;
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

void cert__json_sink_open(cert_json_sink *s, char bracket, int depth)
{
    put(s, bracket == '[' ? "[" : "{", 1);
    if (s->depth >= CERT_JSON_SINK_DEPTH) {
        s->nomem = true; /* a caller's bug: deeper than the stack */
        return;
    }
    s->kind[s->depth] = bracket == '[' ? ']' : '}';
    s->base[s->depth] = depth;
    s->members[s->depth] = false;
    s->depth++;
}

/* ",\n" or "\n" and the indentation of a member of the innermost container. */
static void next_member(cert_json_sink *s)
{
    int d;

    if (s->depth == 0)
        return;
    d = s->depth - 1;
    put(s, s->members[d] ? ",\n" : "\n", s->members[d] ? 2 : 1);
    s->members[d] = true;
    put_spaces(s, 2 * (s->base[d] + 1));
}

void cert__json_sink_key(cert_json_sink *s, const char *key)
{
    next_member(s);
    cert__json_sink_string(s, key);
    put(s, ": ", 2);
}

void cert__json_sink_item(cert_json_sink *s)
{
    next_member(s);
}

void cert__json_sink_close(cert_json_sink *s)
{
    int d;

    if (s->depth == 0)
        return;
    d = --s->depth;
    if (s->members[d]) { /* an empty container stays on one line: {} or [] */
        put(s, "\n", 1);
        put_spaces(s, 2 * s->base[d]);
    }
    put(s, &s->kind[d], 1);
}

/* The bytes a JSON string escapes: control characters, '"' and '\\' (NUL ends the string). */
static const bool escaped[256] = {
    [1] = 1,  [2] = 1,  [3] = 1,  [4] = 1,  [5] = 1,   [6] = 1,    [7] = 1,  [8] = 1,  [9] = 1,
    [10] = 1, [11] = 1, [12] = 1, [13] = 1, [14] = 1,  [15] = 1,   [16] = 1, [17] = 1, [18] = 1,
    [19] = 1, [20] = 1, [21] = 1, [22] = 1, [23] = 1,  [24] = 1,   [25] = 1, [26] = 1, [27] = 1,
    [28] = 1, [29] = 1, [30] = 1, [31] = 1, ['"'] = 1, ['\\'] = 1,
};

void cert__json_sink_string(cert_json_sink *s, const char *v)
{
    static const char hex[] = "0123456789ABCDEF";
    const char *run;

    if (v == NULL) {
        put(s, "null", 4);
        return;
    }
    put(s, "\"", 1);
    for (run = v; *v != '\0'; v++) {
        unsigned char c = (unsigned char)*v;
        char esc[6] = {'\\', 0, '0', '0', 0, 0};
        size_t n = 2;

        if (!escaped[c])
            continue;
        put(s, run, (size_t)(v - run));
        run = v + 1;
        switch (c) {
        case '"':
        case '\\':
            esc[1] = (char)c;
            break;
        case '\b':
            esc[1] = 'b';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        default: /* as jansson: \u and four upper-case hex digits */
            esc[1] = 'u';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            n = 6;
            break;
        }
        put(s, esc, n);
    }
    put(s, run, (size_t)(v - run));
    put(s, "\"", 1);
}

void cert__json_sink_int(cert_json_sink *s, long long v)
{
    char b[24];
    int n = snprintf(b, sizeof(b), "%lld", v);

    put(s, b, (size_t)n);
}

void cert__json_sink_literal(cert_json_sink *s, const char *v)
{
    put(s, v, strlen(v));
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
