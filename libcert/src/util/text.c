/* SPDX-License-Identifier: Apache-2.0 */
/* Untrusted text made harmless for a terminal (text.h). */
#include "libcert/text.h"

#include <stdlib.h>
#include <string.h>

#include "util/text_int.h"

size_t cert__utf8_decode(const unsigned char *s, size_t n, unsigned long *cp)
{
    size_t len;
    unsigned long c, min;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        len = 2;
        c = s[0] & 0x1Fu;
        min = 0x80;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        len = 3;
        c = s[0] & 0x0Fu;
        min = 0x800;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        len = 4;
        c = s[0] & 0x07u;
        min = 0x10000;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3Fu);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

/* Bidirectional formatting a terminal obeys: the embeddings and overrides (U+202A to U+202E),
 * the isolates (U+2066 to U+2069) and the marks (U+061C, U+200E, U+200F). */
static int bidi(unsigned long cp)
{
    return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x061C ||
           cp == 0x200E || cp == 0x200F;
}

void cert_text_write(FILE *f, const char *s, size_t len, bool lines)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t run = 0; /* bytes at p[i - run .. i) to copy as they are */

    if (f == NULL || s == NULL)
        return;
    for (size_t i = 0; i < len;) {
        unsigned long cp = 0;
        size_t n = cert__utf8_decode(p + i, len - i, &cp);
        char esc[24];

        if (n == 0) {
            snprintf(esc, sizeof(esc), "\\x%02x", p[i]);
            n = 1;
        } else if ((cp < 0x20 && cp != '\t' && !(cp == '\n' && lines)) || cp == 0x7F) {
            snprintf(esc, sizeof(esc), "\\x%02lx", cp);
        } else if ((cp >= 0x80 && cp <= 0x9F) || bidi(cp)) {
            snprintf(esc, sizeof(esc), "\\u%04lx", cp);
        } else {
            run += n;
            i += n;
            continue;
        }
        if (run > 0)
            fwrite(p + i - run, 1, run, f);
        run = 0;
        fputs(esc, f);
        i += n;
    }
    if (run > 0)
        fwrite(p + len - run, 1, run, f);
}

void cert_text_vwritef(FILE *f, bool lines, const char *fmt, va_list ap)
{
    char small[512], *big = NULL;
    va_list copy;
    int n;

    va_copy(copy, ap);
    n = vsnprintf(small, sizeof(small), fmt, copy);
    va_end(copy);
    if (n < 0)
        return;
    if ((size_t)n < sizeof(small)) {
        cert_text_write(f, small, (size_t)n, lines);
        return;
    }
    if (vasprintf(&big, fmt, ap) < 0)
        return;
    cert_text_write(f, big, (size_t)n, lines);
    free(big);
}

void cert_text_writef(FILE *f, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    cert_text_vwritef(f, true, fmt, ap);
    va_end(ap);
}
