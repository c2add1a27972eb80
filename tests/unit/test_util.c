/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the internal utilities (libcert/src/util): the capped buffer, checked size
 * arithmetic, civil time, bounded file reads, all-or-nothing file writes, thread-local errors. */
#include <errno.h>
#include <limits.h>
#include <openssl/asn1.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "libcert/process.h"
#include "libcert/text.h"
#include "util/buf.h"
#include "util/error_int.h"
#include "util/file.h"
#include "util/json.h"
#include "util/size.h"
#include "util/time_int.h"

/* ---- cert_buf ---- */

static void test_util__buf_cap(void **state)
{
    cert_buf b;

    (void)state;
    cert__buf_init(&b, 10, false);
    assert_null(b.ptr);
    assert_cert_ok(cert__buf_add(&b, "0123456", 7, "thing"));
    assert_cert_ok(cert__buf_add(&b, "789", 3, "thing"));
    assert_int_equal(b.len, 10);
    assert_string_equal(b.ptr, "0123456789");
    /* one byte past the cap: refused, named, and the buffer is untouched */
    assert_cert_error(cert__buf_add(&b, "x", 1, "thing"), CERT_E_INPUT, "thing",
                      "limit of 10 bytes");
    assert_int_equal(b.len, 10);
    assert_string_equal(b.ptr, "0123456789");
    assert_true(b.cap <= 11);
    /* appending nothing at the cap is fine */
    assert_cert_ok(cert__buf_add(&b, "", 0, "thing"));
    cert__buf_free(&b);
    assert_null(b.ptr);
    assert_int_equal(b.len, 0);
    cert__buf_free(&b); /* twice is harmless */
}

static void test_util__buf_cap_in_one_step(void **state)
{
    cert_buf b;
    char big[64];

    (void)state;
    memset(big, 'a', sizeof(big));
    cert__buf_init(&b, 63, true);
    assert_cert_error(cert__buf_add(&b, big, 64, NULL), CERT_E_INPUT, "limit of 63 bytes");
    assert_int_equal(b.len, 0);
    assert_cert_ok(cert__buf_add(&b, big, 63, NULL));
    assert_int_equal(b.len, 63);
    cert__buf_free(&b);
    /* a zero cap takes nothing but stays usable */
    cert__buf_init(&b, 0, false);
    assert_cert_ok(cert__buf_add(&b, "", 0, "z"));
    assert_non_null(b.ptr);
    assert_string_equal(b.ptr, "");
    assert_cert_error(cert__buf_add(&b, "a", 1, "z"), CERT_E_INPUT, "z");
    cert__buf_free(&b);
    /* a length that overflows size_t is refused, not wrapped */
    cert__buf_init(&b, SIZE_MAX - 1, false);
    assert_cert_ok(cert__buf_add(&b, "ab", 2, "w"));
    assert_cert_error(cert__buf_add(&b, "ab", SIZE_MAX - 1, "w"), CERT_E_INPUT, "w");
    assert_string_equal(b.ptr, "ab");
    cert__buf_free(&b);
}

static const char *unlimited_buf(void *arg)
{
    static const bool secret[] = {false, true};
    char big[1000];

    (void)arg;
    memset(big, 'u', sizeof(big));
    for (size_t s = 0; s < 2; s++) {
        cert_buf b;
        bool ok = true;

        cert__buf_init(&b, SIZE_MAX, secret[s]);
        for (int i = 0; i < 5 && ok; i++)
            ok = cert__buf_add(&b, big, sizeof(big), "u") == CERT_OK;
        ok = ok && b.len == 5 * sizeof(big) && b.cap > b.len && b.ptr[b.len] == '\0';
        cert__buf_free(&b);
        if (!ok)
            return "appending 5000 bytes to a buffer capped at SIZE_MAX failed";
    }
    return NULL;
}

static void test_util__buf_cap_size_max(void **state)
{
    (void)state;
    /* SIZE_MAX ("no limit") must not wrap max + 1 to a zero-byte allocation; in a child
     * process because that corrupts the heap */
    assert_in_child(unlimited_buf, NULL);
}

static void test_util__buf_grows_and_keeps_content(void **state)
{
    static const bool secret[] = {false, true};

    (void)state;
    for (size_t s = 0; s < 2; s++) {
        cert_buf b;

        cert__buf_init(&b, 100000, secret[s]);
        for (int i = 0; i < 10000; i++) {
            char c = (char)('a' + i % 26);

            assert_cert_ok(cert__buf_add(&b, &c, 1, "grow"));
        }
        assert_int_equal(b.len, 10000);
        assert_true(b.cap > b.len);
        for (size_t i = 0; i < 10000; i++)
            assert_int_equal(b.ptr[i], 'a' + (int)(i % 26));
        assert_int_equal(b.ptr[10000], '\0');
        cert__buf_free(&b);
    }
}

static void test_util__buf_reserve(void **state)
{
    cert_buf b;
    char *p;

    (void)state;
    cert__buf_init(&b, 1000, false);
    assert_cert_ok(cert__buf_reserve(&b, 600));
    assert_true(b.cap > 600);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.ptr, ""); /* terminated even before the first append */
    p = b.ptr;
    for (int i = 0; i < 600; i++)
        assert_cert_ok(cert__buf_add(&b, "x", 1, "r"));
    assert_ptr_equal(b.ptr, p); /* no move while within the reservation */
    /* past the cap: ignored, and the append that crosses it fails */
    assert_cert_ok(cert__buf_reserve(&b, 5000));
    assert_int_equal(cert__buf_add(&b, p, 500, "r"), CERT_E_INPUT);
    cert__buf_free(&b);
}

/* Read a whole stream back into a string. */
static char *stream_text(FILE *f)
{
    long n;
    char *s;

    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    rewind(f);
    s = calloc(1, (size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    return s;
}

/* The sink writes, piece by piece, the bytes json_dumps() prints for the whole tree. */
static void test_util__json_sink_matches_whole_dump(void **state)
{
    json_t *doc =
        json_pack("{s:[], s:[{s:s, s:[i, s], s:{s:b}}, {s:n}], s:{s:i}}", "empty", "items", "name",
                  "a \"quoted\"\nname", "list", 1, "two", "deep", "ok", 1, "null", "tail", "n", 7);
    json_t *items = json_object_get(doc, "items");
    FILE *whole = tmpfile(), *parts = tmpfile();
    char *expected, *text, *a, *b;
    cert_json_sink s;
    size_t i;
    json_t *v;

    (void)state;
    assert_non_null(doc);
    assert_non_null(whole);
    assert_non_null(parts);
    assert_cert_ok(cert__json_write(doc, whole));
    expected = stream_text(whole);
    text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    assert_non_null(text);
    assert_int_equal(strlen(expected), strlen(text) + 1); /* and a newline */
    assert_memory_equal(expected, text, strlen(text));

    cert__json_sink_init(&s, parts);
    cert__json_sink_text(&s, "{\n  \"empty\": [],\n  \"items\": [");
    json_array_foreach(items, i, v)
    {
        cert__json_sink_text(&s, i ? ",\n    " : "\n    ");
        cert__json_sink_value(&s, v, 4);
    }
    cert__json_sink_text(&s, "\n  ],\n  \"tail\": ");
    cert__json_sink_value(&s, json_object_get(doc, "tail"), 2);
    cert__json_sink_text(&s, "\n}\n");
    assert_cert_ok(cert__json_sink_end(&s));
    b = stream_text(parts);
    a = expected;
    assert_string_equal(b, a);

    /* a document larger than the sink's buffer */
    json_decref(doc);
    doc = json_array();
    for (int k = 0; k < 5000; k++)
        json_array_append_new(doc, json_pack("{s:i, s:s}", "k", k, "v", "some text"));
    rewind(whole);
    assert_int_equal(ftruncate(fileno(whole), 0), 0);
    assert_cert_ok(cert__json_write(doc, whole));
    free(expected);
    expected = stream_text(whole);
    free(text);
    text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    assert_true(strlen(text) > 2 * sizeof(s.buf));
    assert_memory_equal(expected, text, strlen(text));

    free(b);
    free(text);
    free(expected);
    json_decref(doc);
    fclose(whole);
    fclose(parts);
}

/* Write a jansson tree through the sink's member functions (as the hot lists do by hand). */
static void sink_tree(cert_json_sink *s, const json_t *j, int depth)
{
    const char *key;
    json_t *v;
    size_t i;

    switch (json_typeof(j)) {
    case JSON_OBJECT:
        cert__json_sink_open(s, '{', depth);
        json_object_foreach((json_t *)j, key, v)
        {
            cert__json_sink_key(s, key);
            sink_tree(s, v, depth + 1);
        }
        cert__json_sink_close(s);
        break;
    case JSON_ARRAY:
        cert__json_sink_open(s, '[', depth);
        json_array_foreach(j, i, v)
        {
            cert__json_sink_item(s);
            sink_tree(s, v, depth + 1);
        }
        cert__json_sink_close(s);
        break;
    case JSON_STRING:
        cert__json_sink_string(s, json_string_value(j));
        break;
    case JSON_INTEGER:
        cert__json_sink_int(s, (long long)json_integer_value(j));
        break;
    case JSON_TRUE:
        cert__json_sink_literal(s, "true");
        break;
    case JSON_FALSE:
        cert__json_sink_literal(s, "false");
        break;
    default:
        cert__json_sink_string(s, NULL);
        break;
    }
}

/* The member functions write the bytes jansson dumps: layout, escapes, UTF-8, empty containers,
 * nesting, numbers and literals; and what they write parses back to the same tree. */
static void test_util__json_sink_members_match_jansson(void **state)
{
    char every_control[33];
    json_t *doc, *back;
    FILE *whole = tmpfile(), *parts = tmpfile();
    char *expected, *got;
    cert_json_sink s;
    json_error_t e;

    (void)state;
    for (int c = 1; c < 32; c++)
        every_control[c - 1] = (char)c;
    every_control[31] = '\x7f';
    every_control[32] = '\0';
    doc = json_pack("{s:s, s:s, s:s, s:[], s:{}, s:[s, [i, []], {s:{s:[b, b, n]}}], s:I, s:I, "
                    "s:o}",
                    "Path", "/cloudfront/", "controls", every_control, "quotes \"and\" \\ /",
                    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "empty array", "empty object",
                    "nested", "in_use", 1, "deep", "x", 1, 0, "min", (json_int_t)INT64_MIN, "max",
                    (json_int_t)INT64_MAX, "null", json_null());
    assert_non_null(doc);
    assert_non_null(whole);
    assert_non_null(parts);
    assert_cert_ok(cert__json_write(doc, whole));
    expected = stream_text(whole);
    cert__json_sink_init(&s, parts);
    sink_tree(&s, doc, 0);
    cert__json_sink_text(&s, "\n");
    assert_cert_ok(cert__json_sink_end(&s));
    got = stream_text(parts);
    assert_string_equal(got, expected);
    back = json_loads(got, 0, &e);
    assert_non_null(back);
    assert_true(json_equal(back, doc));

    /* deeper than the sink's stack: reported, not overrun */
    cert__json_sink_init(&s, parts);
    for (int d = 0; d <= CERT_JSON_SINK_DEPTH; d++)
        cert__json_sink_open(&s, '[', d);
    assert_int_equal(cert__json_sink_end(&s), CERT_E_NOMEM);

    json_decref(back);
    json_decref(doc);
    free(expected);
    free(got);
    fclose(whole);
    fclose(parts);
}

static void test_util__json_write_error(void **state)
{
    FILE *full = fopen("/dev/full", "w");
    json_t *doc = json_pack("{s:s}", "k", "v");

    (void)state;
    if (full == NULL)
        skip();
    setvbuf(full, NULL, _IONBF, 0);
    assert_int_equal(cert__json_write(doc, full), CERT_E_IO);
    assert_non_null(strstr(cert_error_last()->message, "cannot write"));
    fclose(full);
    json_decref(doc);
}

/* A growable array: room for one more, doubling from `first`; refused (unchanged) when the
 * size would overflow. */
static void test_util__array_reserve(void **state)
{
    int *v = NULL;
    size_t cap = 0, n, big = (size_t)-1 / 2 + 1;
    char *c = NULL;

    (void)state;
    for (n = 0; n < 100; n++) {
        assert_cert_ok(cert__array_reserve(&v, &cap, n, 4, sizeof(*v)));
        assert_true(cap > n);
        v[n] = (int)n;
    }
    assert_int_equal(cap, 128);
    for (n = 0; n < 100; n++)
        assert_int_equal(v[n], (int)n);
    assert_cert_ok(cert__array_reserve(&v, &cap, 50, 4, sizeof(*v))); /* room already */
    assert_int_equal(cap, 128);
    free(v);
    cap = big; /* doubling would overflow size_t */
    assert_int_equal(cert__array_reserve(&c, &cap, big, 4, 1), CERT_E_NOMEM);
    assert_null(c);
    assert_int_equal(cap, big);
}

static void test_util__buf_printf_and_detach(void **state)
{
    cert_buf b;
    char *p;
    size_t len = 0;

    (void)state;
    cert__buf_init(&b, 16, false);
    assert_cert_ok(cert__buf_printf(&b, "%s-%d", "ab", 42));
    assert_cert_ok(cert__buf_printf(&b, "|%03u", 7u));
    assert_string_equal(b.ptr, "ab-42|007");
    assert_cert_error(cert__buf_printf(&b, "%s", "0123456789"), CERT_E_INPUT, "limit of 16");
    assert_string_equal(b.ptr, "ab-42|007");
    p = cert__buf_detach(&b, &len);
    assert_string_equal(p, "ab-42|007");
    assert_int_equal(len, 9);
    assert_null(b.ptr);
    assert_int_equal(b.len, 0);
    free(p);
    cert__buf_free(&b);
}

/* ---- size arithmetic ---- */

static void test_util__size_add_overflow(void **state)
{
    size_t out = 7;

    (void)state;
    assert_true(cert__size_add(1, 2, &out));
    assert_int_equal(out, 3);
    assert_true(cert__size_add(SIZE_MAX, 0, &out));
    assert_int_equal(out, SIZE_MAX);
    assert_true(cert__size_add(SIZE_MAX - 5, 5, &out));
    assert_int_equal(out, SIZE_MAX);
    out = 7;
    assert_false(cert__size_add(SIZE_MAX, 1, &out));
    assert_int_equal(out, 7); /* untouched */
    assert_false(cert__size_add(1, SIZE_MAX, &out));
    assert_false(cert__size_add(SIZE_MAX / 2 + 1, SIZE_MAX / 2 + 1, &out));
    assert_int_equal(out, 7);
}

static void test_util__size_mul_overflow(void **state)
{
    size_t out = 7;

    (void)state;
    assert_true(cert__size_mul(0, SIZE_MAX, &out));
    assert_int_equal(out, 0);
    assert_true(cert__size_mul(SIZE_MAX, 0, &out));
    assert_int_equal(out, 0);
    assert_true(cert__size_mul(SIZE_MAX, 1, &out));
    assert_int_equal(out, SIZE_MAX);
    assert_true(cert__size_mul(SIZE_MAX / 2, 2, &out));
    assert_int_equal(out, SIZE_MAX - 1);
    out = 7;
    assert_false(cert__size_mul(SIZE_MAX / 2 + 1, 2, &out));
    assert_int_equal(out, 7);
    assert_false(
        cert__size_mul((size_t)1 << (sizeof(size_t) * 4), (size_t)1 << (sizeof(size_t) * 4), &out));
    assert_false(cert__size_mul(3, SIZE_MAX / 2, &out));
    assert_int_equal(out, 7);
}

static void test_util__size_to_int_and_long(void **state)
{
    int i = 7;
    long l = 7;

    (void)state;
    assert_true(cert__size_to_int((size_t)INT_MAX, &i));
    assert_int_equal(i, INT_MAX);
    i = 7;
    assert_false(cert__size_to_int((size_t)INT_MAX + 1, &i));
    assert_false(cert__size_to_int(SIZE_MAX, &i));
    assert_int_equal(i, 7);
    assert_true(cert__size_to_int(0, &i));
    assert_int_equal(i, 0);
    assert_true(cert__size_to_long((size_t)LONG_MAX, &l));
    assert_true(l == LONG_MAX);
    l = 7;
    assert_false(cert__size_to_long((size_t)LONG_MAX + 1, &l));
    assert_int_equal(l, 7);
}

/* ---- civil time ---- */

static void test_util__time_from_civil_known_values(void **state)
{
    static const struct {
        int64_t y;
        int mon, d, h, mi, s;
        int64_t t;
    } cases[] = {
        {1970, 1, 1, 0, 0, 0, 0},
        {1970, 1, 1, 0, 0, 1, 1},
        {1969, 12, 31, 23, 59, 59, -1},
        {1969, 12, 31, 0, 0, 0, -86400},
        {2026, 1, 1, 0, 0, 0, INT64_C(1767225600)},
        {2000, 2, 29, 0, 0, 0, INT64_C(951782400)},
        {2000, 3, 1, 0, 0, 0, INT64_C(951868800)},
        {2024, 2, 29, 0, 0, 0, INT64_C(1709164800)},
        {1900, 1, 1, 0, 0, 0, INT64_C(-2208988800)},
        {1900, 3, 1, 0, 0, 0, INT64_C(-2203891200)}, /* 1900 is no leap year */
        {1600, 2, 29, 0, 0, 0, INT64_C(-11670998400)},
        {1, 1, 1, 0, 0, 0, INT64_C(-62135596800)},
        {2038, 1, 19, 3, 14, 8, INT64_C(2147483648)},
        {9999, 12, 31, 23, 59, 59, INT64_C(253402300799)},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t t = cert__time_from_civil(cases[i].y, cases[i].mon, cases[i].d, cases[i].h,
                                          cases[i].mi, cases[i].s);

        if (t != cases[i].t)
            fail_msg("%04lld-%02d-%02d %02d:%02d:%02d -> %lld, expected %lld",
                     (long long)cases[i].y, cases[i].mon, cases[i].d, cases[i].h, cases[i].mi,
                     cases[i].s, (long long)t, (long long)cases[i].t);
    }
}

static void test_util__time_format_known_values(void **state)
{
    static const struct {
        int64_t t;
        const char *text;
    } cases[] = {
        {0, "1970-01-01T00:00:00Z"},
        {-1, "1969-12-31T23:59:59Z"},
        {-86400, "1969-12-31T00:00:00Z"},
        {-86401, "1969-12-30T23:59:59Z"},
        {INT64_C(1767225600), "2026-01-01T00:00:00Z"},
        {INT64_C(951782400), "2000-02-29T00:00:00Z"},
        {INT64_C(1709251199), "2024-02-29T23:59:59Z"},
        {INT64_C(-2203891201), "1900-02-28T23:59:59Z"},
        {INT64_C(-62135596800), "0001-01-01T00:00:00Z"},
        {INT64_C(253402300799), "9999-12-31T23:59:59Z"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char buf[21]; /* time_int.h: at least 21 bytes */

        assert_ptr_equal(cert__time_format(cases[i].t, buf, sizeof(buf)), buf);
        if (strcmp(buf, cases[i].text) != 0)
            fail_msg("cert__time_format(%lld) = %s, expected %s", (long long)cases[i].t, buf,
                     cases[i].text);
    }
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static void test_util__time_round_trip_every_day(void **state)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int64_t expect_day = cert__time_from_civil(1800, 1, 1, 0, 0, 0) / 86400;

    (void)state;
    /* Walk the calendar day by day from 1800 to 2200: every date maps to the next day number,
     * formats as itself and parses back. */
    for (int64_t y = 1800; y < 2200; y++) {
        for (int m = 1; m <= 12; m++) {
            int days = dm[m - 1] + (m == 2 && is_leap(y));

            for (int d = 1; d <= days; d++) {
                int h = (int)((y + m + d) % 24), mi = (d * 7) % 60, s = (m * 13 + d) % 60;
                int64_t t = cert__time_from_civil(y, m, d, h, mi, s), back = 0;
                char buf[32], want[32];

                if (t - (h * 3600 + mi * 60 + s) != expect_day * 86400)
                    fail_msg("%04lld-%02d-%02d is not the day after the previous one", (long long)y,
                             m, d);
                expect_day++;
                snprintf(want, sizeof(want), "%04lld-%02d-%02dT%02d:%02d:%02dZ", (long long)y, m, d,
                         h, mi, s);
                cert__time_format(t, buf, sizeof(buf));
                if (strcmp(buf, want) != 0)
                    fail_msg("cert__time_format(%lld) = %s, expected %s", (long long)t, buf, want);
                if (cert__time_parse(buf, &back) != CERT_OK || back != t)
                    fail_msg("%s does not parse back to %lld", buf, (long long)t);
            }
        }
    }
}

static void test_util__time_leap_years(void **state)
{
    (void)state;
    for (int64_t y = 1584; y <= 2416; y++) {
        int64_t feb =
            cert__time_from_civil(y, 3, 1, 0, 0, 0) - cert__time_from_civil(y, 2, 1, 0, 0, 0);
        int64_t t = 0;
        char text[32];

        assert_int_equal(feb, (is_leap(y) ? 29 : 28) * 86400);
        snprintf(text, sizeof(text), "%04lld-02-29T00:00:00Z", (long long)y);
        if ((cert__time_parse(text, &t) == CERT_OK) != is_leap(y))
            fail_msg("%s: %s", text, is_leap(y) ? "should parse" : "should be refused");
    }
}

static void test_util__asn1_time_get(void **state)
{
    static const struct {
        const char *text;
        int64_t t;
    } cases[] = {
        {"20260101000000Z", INT64_C(1767225600)}, /* GeneralizedTime */
        {"260101000000Z", INT64_C(1767225600)},   /* UTCTime */
        {"491231235959Z", INT64_C(2524607999)},   /* UTCTime: 2049 */
        {"500101000000Z", INT64_C(-631152000)},   /* UTCTime: 1950 */
        {"19691231235959Z", -1},
    };
    ASN1_TIME *a = ASN1_TIME_new();
    int64_t t = 42;

    (void)state;
    assert_non_null(a);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(ASN1_TIME_set_string(a, cases[i].text), 1);
        t = 42;
        assert_true(cert__asn1_time_get(a, &t));
        if (t != cases[i].t)
            fail_msg("%s -> %lld, expected %lld", cases[i].text, (long long)t,
                     (long long)cases[i].t);
    }
    assert_int_equal(ASN1_STRING_set(a, "garbage", 7), 1);
    t = 42;
    assert_false(cert__asn1_time_get(a, &t));
    assert_int_equal(t, 42);
    assert_false(cert__asn1_time_get(NULL, &t));
    ASN1_TIME_free(a);
    ERR_clear_error();
}

static void test_util__time_resolve(void **state)
{
    int64_t now = (int64_t)time(NULL), got;

    (void)state;
    assert_true(cert__time_resolve(FX_NOW) == FX_NOW);
    assert_true(cert__time_resolve(0) == 0);
    assert_true(cert__time_resolve(-5) == -5);
    got = cert__time_resolve(CERT_TIME_NOW);
    assert_true(got >= now && got <= now + 5);
}

/* ---- file reads ---- */

static void test_util__file_read_whole(void **state)
{
    cert_buf b;
    size_t len;
    char *want = fx_read("bundle-good.pem", &len);

    (void)state;
    assert_cert_ok(cert__file_read(fx("bundle-good.pem"), len, &b));
    assert_int_equal(b.len, len);
    assert_memory_equal(b.ptr, want, len);
    assert_int_equal(b.ptr[len], '\0');
    assert_true(b.secret); /* files may hold keys */
    cert__buf_free(&b);
    free(want);
}

static void test_util__file_read_bounds(void **state)
{
    cert_buf b;
    struct stat st;
    char limit[64];
    const char *path = fx("bundle-good.pem");

    (void)state;
    assert_int_equal(stat(path, &st), 0);
    snprintf(limit, sizeof(limit), "limit of %zu bytes", (size_t)st.st_size - 1);
    memset(&b, 0xA5, sizeof(b));
    assert_cert_error(cert__file_read(path, (size_t)st.st_size - 1, &b), CERT_E_INPUT, path, limit);
    assert_null(b.ptr);
    assert_cert_error(cert__file_read(path, 0, &b), CERT_E_INPUT, path, "limit of 0 bytes");
    assert_cert_ok(cert__file_read(path, (size_t)st.st_size, &b));
    assert_int_equal(b.len, (size_t)st.st_size);
    cert__buf_free(&b);
}

static void test_util__file_read_errors(void **state)
{
    cert_buf b;
    char *dir = h_tmpdir(), *empty = h_path(dir, "empty");
    const char *missing = fx("no-such-file");

    (void)state;
    assert_cert_error(cert__file_read(missing, 100, &b), CERT_E_IO, missing, strerror(ENOENT));
    assert_null(b.ptr);
    assert_cert_error(cert__file_read(dir, 100, &b), CERT_E_IO, dir);
    h_write_file(empty, "", 0, 0644);
    assert_cert_ok(cert__file_read(empty, 100, &b));
    assert_int_equal(b.len, 0);
    assert_non_null(b.ptr);
    assert_string_equal(b.ptr, "");
    cert__buf_free(&b);
    h_rmtree(dir);
    free(empty);
    free(dir);
}

static void test_util__file_read_stdin_pipe_capped(void **state)
{
    int fds[2], saved = dup(STDIN_FILENO);
    char data[300];
    cert_buf b;
    cert_err err;

    (void)state;
    memset(data, 'p', sizeof(data));
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], data, sizeof(data)), (ssize_t)sizeof(data));
    close(fds[1]);
    assert_true(dup2(fds[0], STDIN_FILENO) >= 0);
    close(fds[0]);
    /* a pipe has no size to check up front: the cap stops the read */
    err = cert__file_read("-", 100, &b);
    assert_true(dup2(saved, STDIN_FILENO) >= 0);
    assert_cert_error(err, CERT_E_INPUT, "<stdin>", "limit of 100 bytes");
    assert_null(b.ptr);

    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], data, sizeof(data)), (ssize_t)sizeof(data));
    close(fds[1]);
    assert_true(dup2(fds[0], STDIN_FILENO) >= 0);
    close(fds[0]);
    err = cert__file_read("-", 300, &b);
    assert_true(dup2(saved, STDIN_FILENO) >= 0);
    close(saved);
    assert_cert_ok(err);
    assert_int_equal(b.len, 300);
    cert__buf_free(&b);
}

/* ---- temporary files ---- */

static unsigned int mode_of(const char *path)
{
    struct stat st;

    if (stat(path, &st) != 0)
        fail_msg("%s: %s", path, strerror(errno));
    return (unsigned int)(st.st_mode & 07777);
}

static bool exists(const char *path)
{
    struct stat st;

    return path != NULL && lstat(path, &st) == 0;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = calloc(1, 4096);

    assert_non_null(f);
    assert_non_null(buf);
    assert_true(fread(buf, 1, 4095, f) < 4095);
    fclose(f);
    return buf;
}

static void test_util__tmpfile_write_commit(void **state)
{
    char *dir = h_tmpdir(), *final = h_path(dir, "key.pem"), *text, *tmp_copy;
    cert_tmpfile t;

    (void)state;
    assert_cert_ok(cert__tmpfile_write(final, "secret\n", 7, 0600, &t));
    assert_non_null(t.tmp_path);
    assert_string_equal(t.final_path, final);
    assert_false(t.committed);
    /* written beside the target under a hidden name, not yet in place */
    assert_int_equal(strncmp(t.tmp_path, dir, strlen(dir)), 0);
    assert_has(t.tmp_path, "/.key.pem.tmp-");
    assert_true(exists(t.tmp_path));
    assert_false(exists(final));
    assert_int_equal(mode_of(t.tmp_path), 0600);
    tmp_copy = strdup(t.tmp_path);
    assert_cert_ok(cert__tmpfile_commit(&t, false));
    assert_true(t.committed);
    assert_true(exists(final));
    assert_false(exists(tmp_copy));
    assert_int_equal(mode_of(final), 0600);
    text = slurp(final);
    assert_string_equal(text, "secret\n");
    free(text);
    cert__tmpfile_discard(&t); /* keeps the committed file */
    assert_true(exists(final));
    assert_null(t.tmp_path);
    h_rmtree(dir);
    free(tmp_copy);
    free(final);
    free(dir);
}

static void test_util__tmpfile_commit_without_force_refuses_existing(void **state)
{
    char *dir = h_tmpdir(), *final = h_path(dir, "cert.pem"), *text, *tmp_copy;
    cert_tmpfile t;

    (void)state;
    h_write_file(final, "old\n", 4, 0640);
    assert_cert_ok(cert__tmpfile_write(final, "new\n", 4, 0644, &t));
    tmp_copy = strdup(t.tmp_path);
    assert_cert_error(cert__tmpfile_commit(&t, false), CERT_E_EXISTS, final, "--force");
    assert_false(t.committed);
    text = slurp(final);
    assert_string_equal(text, "old\n");
    free(text);
    assert_int_equal(mode_of(final), 0640);
    cert__tmpfile_discard(&t);
    assert_false(exists(tmp_copy)); /* nothing left behind */
    free(tmp_copy);

    /* with force it replaces */
    assert_cert_ok(cert__tmpfile_write(final, "new\n", 4, 0644, &t));
    assert_cert_ok(cert__tmpfile_commit(&t, true));
    cert__tmpfile_discard(&t);
    text = slurp(final);
    assert_string_equal(text, "new\n");
    free(text);
    assert_int_equal(mode_of(final), 0644);
    h_rmtree(dir);
    free(final);
    free(dir);
}

static void test_util__tmpfile_write_into_missing_directory(void **state)
{
    char *dir = h_tmpdir(), *final = h_path(dir, "nope/cert.pem");
    cert_tmpfile t;

    (void)state;
    memset(&t, 0x5A, sizeof(t));
    assert_cert_error(cert__tmpfile_write(final, "x", 1, 0644, &t), CERT_E_IO, final);
    assert_null(t.tmp_path);
    assert_null(t.final_path);
    cert__tmpfile_discard(&t);
    h_rmtree(dir);
    free(final);
    free(dir);
}

static void test_util__tmpfile_abort_all_and_many(void **state)
{
    char *dir = h_tmpdir(), *final = h_path(dir, "chain.pem"), *tmp_copy;
    cert_tmpfile t;

    (void)state;
    assert_cert_ok(cert__tmpfile_write(final, "x", 1, 0644, &t));
    tmp_copy = strdup(t.tmp_path);
    assert_true(exists(tmp_copy));
    cert__tmpfile_abort_all();
    assert_false(exists(tmp_copy));
    cert__tmpfile_discard(&t);
    free(tmp_copy);
    /* the registry's slots are given back: many more writes work and are cleaned up */
    for (int i = 0; i < 40; i++) {
        assert_cert_ok(cert__tmpfile_write(final, "y", 1, 0644, &t));
        assert_true(exists(t.tmp_path));
        tmp_copy = strdup(t.tmp_path);
        cert__tmpfile_discard(&t);
        assert_false(exists(tmp_copy));
        free(tmp_copy);
    }
    {
        cert_tmpfile zero;

        memset(&zero, 0, sizeof(zero));
        zero.slot = -1;
        cert__tmpfile_discard(&zero);
    }
    assert_false(exists(final));
    h_rmtree(dir);
    free(final);
    free(dir);
}

static void test_util__path_join(void **state)
{
    static const struct {
        const char *dir, *name, *want;
    } cases[] = {
        {NULL, "a.pem", "a.pem"},   {"", "a.pem", "a.pem"},   {"d", "a.pem", "d/a.pem"},
        {"d/", "a.pem", "d/a.pem"}, {"/", "a.pem", "/a.pem"}, {"/x/y", "a", "/x/y/a"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *p = cert__path_join(cases[i].dir, cases[i].name);

        assert_non_null(p);
        assert_string_equal(p, cases[i].want);
        free(p);
    }
}

/* ---- errors ---- */

static void *other_thread(void *arg)
{
    const cert_error *e = cert_error_last();
    char **seen = arg;

    /* a new thread starts clean */
    *seen = strdup(e->code == CERT_OK ? e->message : "dirty");
    cert__error_set(CERT_E_NET, "from the other thread");
    return NULL;
}

/* ---- text for a terminal (text.h) ---- */

static char *escaped(const char *s, size_t len, bool lines)
{
    char *out = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&out, &n);

    assert_non_null(f);
    cert_text_write(f, s, len, lines);
    fclose(f);
    return out;
}

#define assert_escaped(in, lines, want)                                                            \
    do {                                                                                           \
        char *got_ = escaped((in), sizeof(in) - 1, (lines));                                       \
        assert_string_equal(got_, (want));                                                         \
        free(got_);                                                                                \
    } while (0)

static void test_util__text_write_escapes(void **state)
{
    (void)state;
    assert_escaped("plain www.example.com", true, "plain www.example.com");
    assert_escaped("a\x1b[31mb\x07"
                   "c\rd\x7f",
                   true, "a\\x1b[31mb\\x07c\\x0dd\\x7f");
    assert_escaped("tab\there\nnext", true, "tab\there\nnext");
    assert_escaped("one\nvalue", false, "one\\x0avalue");
    assert_escaped("nul\0x", true, "nul\\x00x");
    /* UTF-8 kept; C1 and the bidi controls shown as code points */
    assert_escaped("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92", true,
                   "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92");
    assert_escaped("\xc2\x85\xc2\x9b\xc2\x9f\xc2\xa0", true, "\\u0085\\u009b\\u009f\xc2\xa0");
    assert_escaped("\xe2\x80\xaa\xe2\x80\xae\xe2\x81\xa6\xe2\x81\xa9\xe2\x80\x8f\xd8\x9c", true,
                   "\\u202a\\u202e\\u2066\\u2069\\u200f\\u061c");
    /* not UTF-8: each byte on its own */
    assert_escaped("\xff\xfe", true, "\\xff\\xfe");
    assert_escaped("\x80x", true, "\\x80x");                          /* lone continuation byte */
    assert_escaped("\xc0\xaf", true, "\\xc0\\xaf");                   /* overlong '/' */
    assert_escaped("\xed\xa0\x80", true, "\\xed\\xa0\\x80");          /* a surrogate */
    assert_escaped("\xf4\x90\x80\x80", true, "\\xf4\\x90\\x80\\x80"); /* past U+10FFFF */
    assert_escaped("end\xe2\x80", true, "end\\xe2\\x80");             /* truncated at the end */
    assert_escaped("\xc2\x1b", true, "\\xc2\\x1b"); /* a control inside a sequence */
}

/* ---- process hardening (process.h) ---- */

static const char *harden_child(void *arg)
{
    struct rlimit rl;
    bool allow = arg != NULL;

    if (allow)
        setenv(CERT_ALLOW_CORE_ENV, "1", 1);
    else
        unsetenv(CERT_ALLOW_CORE_ENV);
    if (cert_process_harden() != CERT_OK || cert_process_harden() != CERT_OK)
        return "cert_process_harden failed";
    if (CRYPTO_secure_malloc_initialized() != 1)
        return "no secure heap";
    if (getrlimit(RLIMIT_CORE, &rl) != 0)
        return "getrlimit";
    if (allow)
        return prctl(PR_GET_DUMPABLE) == 1 ? NULL : "LIBCERT_ALLOW_CORE=1: not dumpable";
    if (rl.rlim_cur != 0 || rl.rlim_max != 0)
        return "RLIMIT_CORE is not 0";
    return prctl(PR_GET_DUMPABLE) == 0 ? NULL : "still dumpable";
}

static void test_util__process_harden(void **state)
{
    (void)state;
    assert_in_child(harden_child, NULL);
    assert_in_child(harden_child, (void *)1);
}

static void test_util__error_thread_local(void **state)
{
    pthread_t th;
    char *seen = NULL;

    (void)state;
    cert__error_set(CERT_E_IO, "main: %d", 1);
    assert_int_equal(pthread_create(&th, NULL, other_thread, &seen), 0);
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_string_equal(seen, "");
    free(seen);
    assert_int_equal(cert_error_last()->code, CERT_E_IO);
    assert_string_equal(cert_error_last()->message, "main: 1");
}

static void test_util__error_set_clear_and_names(void **state)
{
    (void)state;
    assert_int_equal(cert__error_set(CERT_E_INPUT, "%s: line %d", "a.pem", 3), CERT_E_INPUT);
    assert_int_equal(cert_error_last()->code, CERT_E_INPUT);
    assert_string_equal(cert_error_last()->message, "a.pem: line 3");
    /* a message may quote the previous one */
    cert__error_set(CERT_E_IO, "wrapped: %s", cert_error_last()->message);
    assert_string_equal(cert_error_last()->message, "wrapped: a.pem: line 3");
    cert_error_clear();
    assert_int_equal(cert_error_last()->code, CERT_OK);
    assert_string_equal(cert_error_last()->message, "");
    assert_int_equal(cert__error_nomem(), CERT_E_NOMEM);
    assert_string_equal(cert_error_last()->message, "out of memory");
    assert_string_equal(cert_err_name(CERT_OK), "ok");
    assert_string_equal(cert_err_name(CERT_E_INVALID), "invalid argument");
    assert_string_equal(cert_err_name(CERT_E_INPUT), "input error");
    assert_string_equal(cert_err_name(CERT_E_NOMEM), "out of memory");
    assert_string_equal(cert_err_name(CERT_E_IO), "I/O error");
    assert_string_equal(cert_err_name(CERT_E_AWS), "AWS error");
    assert_string_equal(cert_err_name(CERT_E_NET), "network error");
    assert_string_equal(cert_err_name(CERT_E_INTERNAL), "internal error");
    assert_string_equal(cert_err_name(CERT_E_EXISTS), "file exists");
    assert_string_equal(cert_err_name((cert_err)-100), "unknown error");
    assert_string_equal(cert_version(), CERT_VERSION_STRING);
}

static void test_util__error_long_message_truncated(void **state)
{
    char big[3000];

    (void)state;
    memset(big, 'm', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    cert__error_set(CERT_E_INPUT, "%s", big);
    assert_int_equal(strlen(cert_error_last()->message), 1023);
    assert_int_equal(cert_error_last()->message[0], 'm');
}

static void push_openssl_error(void)
{
    static const unsigned char junk[] = {0x30, 0x03, 0x02, 0x01};
    const unsigned char *p = junk;
    X509 *x = d2i_X509(NULL, &p, sizeof(junk));

    assert_null(x);
    assert_int_not_equal(ERR_peek_error(), 0);
}

static void test_util__error_openssl_drains_queue(void **state)
{
    const char *m;
    size_t n;

    (void)state;
    /* error_int.h: OpenSSL's reason in parentheses, before the fix; the queue is cleared */
    push_openssl_error();
    assert_int_equal(cert__error_openssl(CERT_E_INPUT, "thing %d", 9), CERT_E_INPUT);
    m = cert_error_last()->message;
    n = strlen(m);
    assert_int_equal(strncmp(m, "thing 9 (", 9), 0);
    assert_true(n > 10);
    assert_int_equal(m[n - 1], ')');
    assert_int_equal(ERR_peek_error(), 0);
    push_openssl_error();
    cert__error_openssl(CERT_E_INPUT, "x.pem: not a valid key; give %s", "another");
    m = cert_error_last()->message;
    assert_int_equal(strncmp(m, "x.pem: not a valid key (", 24), 0);
    assert_non_null(strstr(m, "); give another"));
    assert_int_equal(ERR_peek_error(), 0);
    /* with an empty queue, the message stands alone */
    cert__error_openssl(CERT_E_INPUT, "alone; fix");
    assert_string_equal(cert_error_last()->message, "alone; fix");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_util__buf_cap),
        cmocka_unit_test(test_util__process_harden),
        cmocka_unit_test(test_util__text_write_escapes),
        cmocka_unit_test(test_util__buf_cap_in_one_step),
        cmocka_unit_test(test_util__buf_cap_size_max),
        cmocka_unit_test(test_util__buf_grows_and_keeps_content),
        cmocka_unit_test(test_util__buf_printf_and_detach),
        cmocka_unit_test(test_util__buf_reserve),
        cmocka_unit_test(test_util__array_reserve),
        cmocka_unit_test(test_util__json_sink_matches_whole_dump),
        cmocka_unit_test(test_util__json_sink_members_match_jansson),
        cmocka_unit_test(test_util__json_write_error),
        cmocka_unit_test(test_util__size_add_overflow),
        cmocka_unit_test(test_util__size_mul_overflow),
        cmocka_unit_test(test_util__size_to_int_and_long),
        cmocka_unit_test(test_util__time_from_civil_known_values),
        cmocka_unit_test(test_util__time_format_known_values),
        cmocka_unit_test(test_util__time_round_trip_every_day),
        cmocka_unit_test(test_util__time_leap_years),
        cmocka_unit_test(test_util__asn1_time_get),
        cmocka_unit_test(test_util__time_resolve),
        cmocka_unit_test(test_util__file_read_whole),
        cmocka_unit_test(test_util__file_read_bounds),
        cmocka_unit_test(test_util__file_read_errors),
        cmocka_unit_test(test_util__file_read_stdin_pipe_capped),
        cmocka_unit_test(test_util__tmpfile_write_commit),
        cmocka_unit_test(test_util__tmpfile_commit_without_force_refuses_existing),
        cmocka_unit_test(test_util__tmpfile_write_into_missing_directory),
        cmocka_unit_test(test_util__tmpfile_abort_all_and_many),
        cmocka_unit_test(test_util__path_join),
        cmocka_unit_test(test_util__error_thread_local),
        cmocka_unit_test(test_util__error_set_clear_and_names),
        cmocka_unit_test(test_util__error_long_message_truncated),
        cmocka_unit_test(test_util__error_openssl_drains_queue),
    };

    return cmocka_run_group_tests(tests, NULL, h_teardown);
}
