/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for cert__json_read() (libcert/src/util/json_read.c): cJSON held to the rules
 * jansson's reader (JSON_REJECT_DUPLICATES) kept for ACM's answers. jansson is the oracle: on
 * every input of the table both readers accept or both refuse, and what both accept reads the
 * same (every string byte for byte, every member in order). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "util/json_read.h"

static cJSON *read_text(const char *text, size_t len, char *why, size_t size)
{
    why[0] = '\0';
    return cert__json_read(text, len, why, size);
}

/* The two trees read the same: types, strings (jansson's length, so a string cut short at a NUL
 * would differ), numbers, members in order. */
static void assert_same_tree(const cJSON *c, const json_t *j)
{
    assert_non_null(c);
    assert_non_null(j);
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        const char *key;
        json_t *v;
        const cJSON *m = c->child;

        assert_true(cJSON_IsObject(c));
        json_object_foreach((json_t *)j, key, v)
        {
            assert_non_null(m);
            assert_string_equal(m->string, key);
            assert_same_tree(m, v);
            m = m->next;
        }
        assert_null(m);
        break;
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *v;
        const cJSON *m = c->child;

        assert_true(cJSON_IsArray(c));
        json_array_foreach(j, i, v)
        {
            assert_non_null(m);
            assert_same_tree(m, v);
            m = m->next;
        }
        assert_null(m);
        break;
    }
    case JSON_STRING:
        assert_true(cJSON_IsString(c));
        assert_int_equal(strlen(c->valuestring), json_string_length(j));
        assert_memory_equal(c->valuestring, json_string_value(j), json_string_length(j));
        break;
    case JSON_INTEGER:
    case JSON_REAL:
        assert_true(cJSON_IsNumber(c));
        assert_true(c->valuedouble == json_number_value(j));
        break;
    case JSON_TRUE:
        assert_true(cJSON_IsTrue(c));
        break;
    case JSON_FALSE:
        assert_true(cJSON_IsFalse(c));
        break;
    case JSON_NULL:
        assert_true(cJSON_IsNull(c));
        break;
    }
}

/* Each input: accepted by both readers, or refused by both (reason: what our message names). */
static const struct {
    const char *text;
    size_t len;          /* 0: strlen */
    const char *refused; /* NULL: accepted; else a word of the reason */
} table[] = {
    {"{\"CertificateSummaryList\": [{\"CertificateArn\": "
     "\"arn:aws:acm:us-east-1:1:certificate/a\", "
     "\"DomainName\": \"www.example.com\", \"SubjectAlternativeNameSummaries\": "
     "[\"www.example.com\", "
     "\"example.com\"], \"InUse\": true, \"NotAfter\": 1804334415.0, \"ImportedAt\": 1796558416}], "
     "\"NextToken\": null}",
     0, NULL},
    {"{}", 0, NULL},
    {" \t\r\n{\"a\": [1, -2.5e3, true, false, null, \"\"]} \n", 0, NULL},
    /* escapes: every one JSON has, a surrogate pair, and the text \u0000 behind an escaped
       backslash (six characters, not the escape) */
    {"{\"e\": \"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\ud83d\\ude00\"}", 0, NULL},
    {"{\"text\": \"\\\\u0000\"}", 0, NULL},
    {"{\"utf8\": \"\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"}", 0, NULL},
    /* NUL, raw or escaped: jansson refuses it (without JSON_ALLOW_NUL), cJSON would cut the
       string short there */
    {"{\"a\": \"x\\u0000y\"}", 0, "\\u0000"},
    {"{\"a\": \"x\\\\\\u0000y\"}", 0, "\\u0000"},
    {"{\"a\": \"x\0y\"}", 13, "control"},
    {"{\"a\": \"x\x01y\"}", 0, "control"},
    {"{\"a\"\x0b: 1}", 0, "control"},
    /* not UTF-8: a stray continuation byte, an overlong form, a surrogate, past U+10FFFF, cut */
    {"{\"a\": \"\x80\"}", 0, "UTF-8"},
    {"{\"a\": \"\xc0\xaf\"}", 0, "UTF-8"},
    {"{\"a\": \"\xed\xa0\x80\"}", 0, "UTF-8"},
    {"{\"a\": \"\xf4\x90\x80\x80\"}", 0, "UTF-8"},
    {"{\"a\": \"\xe2\x82\"}", 0, "UTF-8"},
    {"{\"a\": \"\\\xc3\xa9\"}", 0, "not JSON"}, /* a backslash before a non-ASCII character */
    /* members named twice, at the top and deeper */
    {"{\"a\": 1, \"b\": 2, \"a\": 3}", 0, "twice"},
    {"{\"l\": [{\"CertificateArn\": \"x\", \"CertificateArn\": \"y\"}]}", 0, "twice"},
    {"[{\"a\": {\"b\": 1, \"b\": 1}}]", 0, "twice"},
    /* what is not one JSON value */
    {"", 0, "no JSON"},
    {"{", 0, "not JSON"},
    {"{\"a\": \"b}", 0, "not JSON"},
    {"{\"a\": 1,}", 0, "not JSON"},
    {"{} x", 0, "after"},
    {"{}{}", 0, "after"},
    {"{\"a\": \"\\x\"}", 0, "not JSON"},
    {"{\"a\": \"\\ud800\"}", 0, "not JSON"},
    {"{'a': 1}", 0, "not JSON"},
    {"{\"a\": -}", 0, "not JSON"},
    {"{\"a\": tru}", 0, "not JSON"},
};

static void test_json_read__agrees_with_jansson(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        size_t len = table[i].len ? table[i].len : strlen(table[i].text);
        char why[160];
        cJSON *c = read_text(table[i].text, len, why, sizeof(why));
        json_t *j = json_loadb(table[i].text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, NULL);

        print_message("input %zu: %s\n", i, c != NULL ? "accepted" : why);
        if (table[i].refused == NULL) {
            assert_non_null(c);
            assert_same_tree(c, j);
        } else {
            assert_null(c);
            assert_null(j); /* the oracle refuses it too */
            assert_non_null(strstr(why, table[i].refused));
        }
        cJSON_Delete(c);
        json_decref(j);
    }
}

/* A member named twice among many (an object of 1,000 members: the names are sorted, not
 * compared pairwise), and the same object without it. */
static void test_json_read__large_object(void **state)
{
    char *text = malloc(32 * 1024), why[160];
    size_t n = 0;
    cJSON *c;

    (void)state;
    assert_non_null(text);
    text[n++] = '{';
    for (int i = 0; i < 1000; i++)
        n += (size_t)sprintf(text + n, "%s\"member-%04d\": %d", i ? ", " : "", i, i);
    text[n++] = '}';
    c = read_text(text, n, why, sizeof(why));
    assert_non_null(c);
    assert_int_equal(cJSON_GetArraySize(c), 1000);
    cJSON_Delete(c);
    n--;
    n += (size_t)sprintf(text + n, ", \"member-0500\": 1}");
    c = read_text(text, n, why, sizeof(why));
    assert_null(c);
    assert_non_null(strstr(why, "\"member-0500\" twice"));
    free(text);
}

/* Nesting: cJSON's limit (1,000 levels) refuses deeper documents, and one just under it is read,
 * duplicate check included. */
static void test_json_read__nesting(void **state)
{
    size_t depth = CJSON_NESTING_LIMIT + 1, n = 0;
    char *text = malloc(2 * depth + 1), why[160];
    cJSON *c;

    (void)state;
    assert_non_null(text);
    for (size_t i = 0; i < depth; i++)
        text[n++] = '[';
    for (size_t i = 0; i < depth; i++)
        text[n++] = ']';
    assert_null(read_text(text, n, why, sizeof(why)));
    c = read_text(text + 2, n - 4, why, sizeof(why)); /* 2 levels fewer */
    assert_non_null(c);
    cJSON_Delete(c);
    free(text);
}

/* The text need not end in NUL: nothing past len is read. */
static void test_json_read__length_bounds_the_text(void **state)
{
    char why[160];
    cJSON *c;

    (void)state;
    c = read_text("{\"a\": \"b\"}GARBAGE", 10, why, sizeof(why));
    assert_non_null(c);
    assert_int_equal(cJSON_GetArraySize(c), 1);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "a")), "b");
    cJSON_Delete(c);
    assert_null(read_text(NULL, 0, why, sizeof(why)));
    assert_null(read_text("{\"a\": \"\\", 8, why, sizeof(why)));
    assert_null(read_text("{\"a\": \"\\u000", 12, why, sizeof(why)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_read__agrees_with_jansson),
        cmocka_unit_test(test_json_read__large_object),
        cmocka_unit_test(test_json_read__nesting),
        cmocka_unit_test(test_json_read__length_bounds_the_text),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
