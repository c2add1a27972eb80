/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target, differential: cert__json_read() (cJSON held to jansson's rules, the reader of
 * ACM's answers) against jansson itself (JSON_REJECT_DUPLICATES, with NUL allowed so that a string
 * cut short shows). Whatever both accept must read the same: every type, every member in order,
 * every string byte for byte. What jansson refuses and cJSON accepts (numbers such as 01 or 1.,
 * raw tabs and line ends inside strings) must still hold the rules: every string UTF-8 without
 * NUL (its bytes decode to its whole length), no member named twice.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/json_read.h"
#include "util/text_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void utf8_or_die(const char *s)
{
    size_t n = strlen(s), i = 0;
    unsigned long cp;

    while (i < n) {
        size_t k = cert__utf8_decode((const unsigned char *)s + i, n - i, &cp);

        if (k == 0)
            abort();
        i += k;
    }
}

/* What cert__json_read() promises of any tree it returns. */
static void rules(const cJSON *c, int depth)
{
    if (depth > CJSON_NESTING_LIMIT + 1)
        abort();
    if (cJSON_IsString(c))
        utf8_or_die(c->valuestring);
    for (const cJSON *m = c->child; m != NULL; m = m->next) {
        if (cJSON_IsObject(c)) {
            utf8_or_die(m->string);
            for (const cJSON *o = m->next; o != NULL; o = o->next)
                if (strcmp(m->string, o->string) == 0)
                    abort();
        }
        rules(m, depth + 1);
    }
}

static void same(const cJSON *c, const json_t *j)
{
    const cJSON *m = c->child;
    const char *key;
    json_t *v;
    size_t i;

    switch (json_typeof(j)) {
    case JSON_OBJECT:
        if (!cJSON_IsObject(c))
            abort();
        json_object_foreach((json_t *)j, key, v)
        {
            if (m == NULL || strcmp(m->string, key) != 0)
                abort();
            same(m, v);
            m = m->next;
        }
        if (m != NULL)
            abort();
        break;
    case JSON_ARRAY:
        if (!cJSON_IsArray(c))
            abort();
        json_array_foreach(j, i, v)
        {
            if (m == NULL)
                abort();
            same(m, v);
            m = m->next;
        }
        if (m != NULL)
            abort();
        break;
    case JSON_STRING:
        if (!cJSON_IsString(c) || strlen(c->valuestring) != json_string_length(j) ||
            memcmp(c->valuestring, json_string_value(j), json_string_length(j)) != 0)
            abort();
        break;
    case JSON_INTEGER:
    case JSON_REAL:
        /* jansson keeps integers exact, cJSON a double: equal as doubles */
        if (!cJSON_IsNumber(c) || c->valuedouble != json_number_value(j))
            abort();
        break;
    case JSON_TRUE:
        if (!cJSON_IsTrue(c))
            abort();
        break;
    case JSON_FALSE:
        if (!cJSON_IsFalse(c))
            abort();
        break;
    case JSON_NULL:
        if (!cJSON_IsNull(c))
            abort();
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char why[160];
    cJSON *c = cert__json_read((const char *)data, size, why, sizeof(why));
    json_t *j;

    if (c == NULL)
        return 0;
    rules(c, 0);
    j = json_loadb((const char *)data, size,
                   JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    if (j != NULL)
        same(c, j);
    json_decref(j);
    cJSON_Delete(c);
    return 0;
}
