/* SPDX-License-Identifier: Apache-2.0 */
#include "json_read.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text_int.h"

/* The bytes before cJSON sees them: UTF-8, no control character but white space, no \u0000.
 * A backslash and the byte after it are one step, so that an escaped backslash followed by
 * "u0000" (the six characters \u0000 as text) is not taken for the escape; the escaped byte is
 * checked as any other (cJSON then accepts only the escapes JSON has). */
static bool bytes_ok(const unsigned char *p, size_t len, char *why, size_t size)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = p[i];
        unsigned long cp;
        size_t n;

        if (c == '\\' && i + 1 < len) {
            if (len - i > 5 && memcmp(p + i + 1, "u0000", 5) == 0) {
                snprintf(why, size, "the escape \\u0000 at byte %zu", i);
                return false;
            }
            c = p[++i];
        }
        if (c >= 0x20 && c < 0x80)
            continue;
        if (c < 0x20) {
            if (c == '\t' || c == '\n' || c == '\r')
                continue;
            snprintf(why, size, "the control character 0x%02x at byte %zu", c, i);
            return false;
        }
        if ((n = cert__utf8_decode(p + i, len - i, &cp)) == 0) {
            snprintf(why, size, "bytes that are not UTF-8 at byte %zu", i);
            return false;
        }
        i += n - 1;
    }
    return true;
}

static int key_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* One object's member names, sorted, neighbours compared: n log n, whatever its size. */
static bool names_unique(const cJSON *o, char *why, size_t size)
{
    const char *small[32], **keys = small;
    size_t n = 0, i = 0;
    bool ok = true;
    const cJSON *m;

    for (m = o->child; m != NULL; m = m->next)
        n++;
    if (n < 2)
        return true;
    if (n > sizeof(small) / sizeof(small[0]) && (keys = malloc(n * sizeof(*keys))) == NULL) {
        snprintf(why, size, "out of memory reading an object of %zu members", n);
        return false;
    }
    for (m = o->child; m != NULL; m = m->next)
        keys[i++] = m->string != NULL ? m->string : "";
    qsort(keys, n, sizeof(*keys), key_cmp);
    for (i = 1; i < n && ok; i++) {
        if (strcmp(keys[i - 1], keys[i]) == 0) {
            snprintf(why, size, "an object names the member \"%.64s\" twice", keys[i]);
            ok = false;
        }
    }
    if (keys != small)
        free(keys);
    return ok;
}

/* Every object of the tree, depth first; the depth is cJSON's, at most CJSON_NESTING_LIMIT. */
static bool members_unique(const cJSON *v, char *why, size_t size)
{
    if (cJSON_IsObject(v) && !names_unique(v, why, size))
        return false;
    if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
        for (const cJSON *c = v->child; c != NULL; c = c->next) {
            if (c->child != NULL && !members_unique(c, why, size))
                return false;
        }
    }
    return true;
}

cJSON *cert__json_read(const char *text, size_t len, char *why, size_t size)
{
    const char *end = NULL;
    cJSON *doc;

    if (text == NULL || len == 0) {
        snprintf(why, size, "no JSON text (0 bytes)");
        return NULL;
    }
    if (!bytes_ok((const unsigned char *)text, len, why, size))
        return NULL;
    doc = cJSON_ParseWithLengthOpts(text, len, &end, false);
    if (doc == NULL) {
        snprintf(why, size, "not JSON (stopped at byte %zu of %zu)",
                 end != NULL && end >= text ? (size_t)(end - text) : (size_t)0, len);
        return NULL;
    }
    for (size_t i = end != NULL ? (size_t)(end - text) : len; i < len; i++) {
        if (text[i] != ' ' && text[i] != '\t' && text[i] != '\n' && text[i] != '\r') {
            snprintf(why, size, "text after the JSON value, at byte %zu", i);
            cJSON_Delete(doc);
            return NULL;
        }
    }
    if (!members_unique(doc, why, size)) {
        cJSON_Delete(doc);
        return NULL;
    }
    return doc;
}
