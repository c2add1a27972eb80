/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The paginator (libcert/src/aws/page.c) on canned pages: a fetch function stands in for the
 * service and answers from a script, so every stop can be driven exactly. The cursors are
 * those of the lists that use it (IAM's Marker) and of the ones it must serve later (ACM's
 * NextToken without IsTruncated, Route53's three-field record cursor).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/page_int.h"
#include "helpers.h"

static const aws_page_spec iam_spec = {
    "IAM", "ListServerCertificates", {{"Marker", "Marker", false}}, 1, false};
static const aws_page_spec acm_spec = {
    "ACM", "ListCertificates", {{"NextToken", "NextToken", false}}, 1, true};
static const aws_page_spec route53_spec = {"Route53",
                                           "ListResourceRecordSets",
                                           {{"NextRecordName", "name", false},
                                            {"NextRecordType", "type", false},
                                            {"NextRecordIdentifier", "identifier", true}},
                                           3,
                                           false};

/* One canned answer: how many items, whether it says IsTruncated, its cursor fields. */
typedef struct canned_page {
    size_t items;
    bool truncated;
    const char *cursor[CERT_AWS_PAGE_FIELDS];
} canned_page;

/* A script of answers; past its end the last one comes again. With fresh_marker, every answer
 * gives a new Marker ("m1", "m2", ...) as an endless honest-looking list would. The 1,001st
 * fetch fails with CERT_E_INTERNAL: a listing that was not stopped fails its test. */
typedef struct canned {
    const canned_page *pages;
    size_t npages;
    bool fresh_marker;
    size_t fetched, kept;
    char queries[4][256]; /* the cursor the first pages' requests gave back */
} canned;

static cert_err canned_fetch(aws_pager *p, void *ud)
{
    canned *c = ud;
    const canned_page *pg = &c->pages[c->fetched < c->npages ? c->fetched : c->npages - 1];
    cert_buf q;
    cert_err err;

    cert__buf_init(&q, 1024, false);
    err = cert_aws__page_query(p, &q);
    if (err == CERT_OK && c->fetched < 4)
        snprintf(c->queries[c->fetched], sizeof(c->queries[0]), "%s", q.ptr ? q.ptr : "");
    cert__buf_free(&q);
    if (c->fetched == 1000) /* a listing the pager failed to stop: fail the test, not hang */
        return CERT_E_INTERNAL;
    c->fetched++;
    for (size_t i = 0; err == CERT_OK && i < pg->items; i++) {
        if ((err = cert_aws__page_item(p)) == CERT_OK)
            c->kept++;
    }
    cert_aws__page_truncated(p, pg->truncated);
    for (size_t f = 0; err == CERT_OK && f < CERT_AWS_PAGE_FIELDS; f++) {
        if (pg->cursor[f] != NULL)
            err = cert_aws__page_cursor(p, f, pg->cursor[f]);
    }
    if (err == CERT_OK && c->fresh_marker) {
        char m[32];

        snprintf(m, sizeof(m), "m%zu", c->fetched);
        err = cert_aws__page_cursor(p, 0, m);
    }
    return err;
}

/* Run a listing over a script with a cap (0: the default). */
static cert_err run_canned(const aws_page_spec *spec, size_t items_max, canned *c)
{
    aws_pager p;
    cert_err err;

    cert_aws__pager_init(&p, spec, items_max);
    err = cert_aws__page_run(&p, canned_fetch, c);
    cert_aws__pager_free(&p);
    return err;
}

static void test_aws_page__follows_the_marker_to_the_last_page(void **state)
{
    static const canned_page pages[] = {
        {2, true, {"page-2"}}, {2, true, {"page 3&="}}, {1, false, {"stale"}}};
    canned c = {pages, 3, false, 0, 0, {""}};

    (void)state;
    assert_cert_ok(run_canned(&iam_spec, 0, &c));
    assert_int_equal(c.fetched, 3);
    assert_int_equal(c.kept, 5);
    assert_string_equal(c.queries[0], "");
    assert_string_equal(c.queries[1], "Marker=page-2");
    assert_string_equal(c.queries[2], "Marker=page%203%26%3D");
}

static void test_aws_page__truncated_without_a_marker(void **state)
{
    static const canned_page pages[] = {{2, true, {NULL}}};
    canned c = {pages, 1, false, 0, 0, {""}};

    (void)state;
    assert_cert_error(run_canned(&iam_spec, 0, &c), CERT_E_NET,
                      "IAM said IsTruncated without a Marker");
    assert_int_equal(c.fetched, 1);
}

/* The defect of issue #11: a marker that never changes ran until memory was gone. */
static void test_aws_page__marker_never_changes(void **state)
{
    static const canned_page pages[] = {{3, true, {"same"}}};
    canned c = {pages, 1, false, 0, 0, {""}};

    (void)state;
    assert_cert_error(run_canned(&iam_spec, 0, &c), CERT_E_NET, "IAM ListServerCertificates",
                      "page 2 gives the Marker of an earlier page", "would not end");
    assert_int_equal(c.fetched, 2);
    assert_string_equal(c.queries[1], "Marker=same");
}

/* Not only the last marker: one that comes back after others is a loop too. */
static void test_aws_page__marker_comes_back(void **state)
{
    static const canned_page pages[] = {
        {1, true, {"a"}}, {1, true, {"b"}}, {1, true, {"c"}}, {1, true, {"a"}}};
    canned c = {pages, 4, false, 0, 0, {""}};

    (void)state;
    assert_cert_error(run_canned(&iam_spec, 0, &c), CERT_E_NET,
                      "page 4 gives the Marker of an earlier page");
    assert_int_equal(c.fetched, 4);
}

static void test_aws_page__empty_page_says_truncated(void **state)
{
    static const canned_page pages[] = {{5, true, {"m1"}}, {0, true, {"m2"}}, {5, false, {NULL}}};
    canned c = {pages, 3, false, 0, 0, {""}};

    (void)state;
    assert_cert_error(run_canned(&iam_spec, 0, &c), CERT_E_NET, "IAM ListServerCertificates",
                      "page 2 holds no items but says IsTruncated", "would not end");
    assert_int_equal(c.fetched, 2);
}

/* An empty last page is an ordinary end (an account without certificates). */
static void test_aws_page__empty_last_page_is_fine(void **state)
{
    static const canned_page pages[] = {{0, false, {"ignored"}}};
    canned c = {pages, 1, false, 0, 0, {""}};

    (void)state;
    assert_cert_ok(run_canned(&iam_spec, 0, &c));
    assert_int_equal(c.fetched, 1);
}

/* Fresh markers forever, 1,000 items a page: the default cap of 100,000 stops it on page 101,
 * at the first item past the cap (a streamed page stops there: memory stays bounded). */
static void test_aws_page__item_cap(void **state)
{
    static const canned_page pages[] = {{1000, true, {NULL}}};
    canned c = {pages, 1, true, 0, 0, {""}};

    (void)state;
    assert_cert_error(run_canned(&iam_spec, 0, &c), CERT_E_NET, "IAM ListServerCertificates",
                      "more than 100000 items in one listing");
    assert_int_equal(c.fetched, 101);
    assert_int_equal(c.kept, CERT_AWS_LIST_ITEMS_MAX);
}

static void test_aws_page__item_cap_overridden(void **state)
{
    static const canned_page pages[] = {{1000, true, {NULL}}};
    canned c = {pages, 1, true, 0, 0, {""}};
    static const canned_page exact[] = {{1000, true, {"x"}}, {1500, false, {NULL}}};
    canned e = {exact, 2, false, 0, 0, {""}};

    (void)state;
    assert_cert_error(run_canned(&iam_spec, 2500, &c), CERT_E_NET, "more than 2500 items");
    assert_int_equal(c.fetched, 3);
    assert_int_equal(c.kept, 2500);
    /* exactly at the cap is allowed */
    assert_cert_ok(run_canned(&iam_spec, 2500, &e));
    assert_int_equal(e.kept, 2500);
}

/* The session's cap is what cert_aws__page_all() applies, and a clone keeps it. */
static const char *session_cap_child(void *arg)
{
    static const canned_page pages[] = {{4, true, {NULL}}};
    cert_aws_opts o = CERT_AWS_OPTS_INIT;
    cert_aws *aws = NULL, *clone = NULL;
    canned c = {pages, 1, true, 0, 0, {""}}, d = c;
    const char *fail = NULL;

    (void)arg;
    setenv("AWS_CONFIG_FILE", "/nonexistent/libcert-test-config", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/libcert-test-credentials", 1);
    unsetenv("AWS_PROFILE");
    if (cert_aws_new(&o, &aws) != CERT_OK)
        return "cert_aws_new failed";
    cert_aws__set_list_items_max(aws, 10);
    if (cert_aws__page_all(aws, &iam_spec, canned_fetch, &c) != CERT_E_NET || c.kept != 10 ||
        strstr(cert_error_last()->message, "more than 10 items") == NULL)
        fail = "the session's cap of 10 did not stop the listing at 10 items";
    else if (cert_aws__clone(aws, &clone) != CERT_OK)
        fail = "cert_aws__clone failed";
    else if (cert_aws__page_all(clone, &iam_spec, canned_fetch, &d) != CERT_E_NET || d.kept != 10)
        fail = "the clone did not keep the session's cap";
    cert_aws_free(clone);
    cert_aws_free(aws);
    return fail;
}

static void test_aws_page__session_cap(void **state)
{
    (void)state;
    assert_in_child(session_cap_child, NULL);
}

/* A retried answer (cert_aws__page_begin() again) takes back what the previous one counted. */
static void test_aws_page__retried_answer_starts_the_page_again(void **state)
{
    aws_pager p;

    (void)state;
    cert_aws__pager_init(&p, &iam_spec, 5);
    cert_aws__page_begin(&p);
    for (int i = 0; i < 4; i++)
        assert_cert_ok(cert_aws__page_item(&p));
    assert_cert_ok(cert_aws__page_cursor(&p, 0, "from-the-lost-answer"));
    cert_aws__page_truncated(&p, true);
    cert_aws__page_begin(&p);
    assert_int_equal(p.items, 0);
    assert_false(p.truncated);
    assert_null(p.next[0]);
    for (int i = 0; i < 5; i++)
        assert_cert_ok(cert_aws__page_item(&p));
    assert_int_equal(cert_aws__page_item(&p), CERT_E_NET);
    cert_aws__pager_free(&p);
}

/* ACM's shape: no IsTruncated; a NextToken is the next page. */
static void test_aws_page__token_cursor(void **state)
{
    static const canned_page pages[] = {{2, false, {"t1"}}, {2, false, {"t2"}}, {1, false, {""}}};
    static const canned_page empty[] = {{2, false, {"t1"}}, {0, false, {"t2"}}};
    canned c = {pages, 3, false, 0, 0, {""}}, e = {empty, 2, false, 0, 0, {""}};

    (void)state;
    assert_cert_ok(run_canned(&acm_spec, 0, &c));
    assert_int_equal(c.fetched, 3);
    assert_string_equal(c.queries[1], "NextToken=t1");
    assert_string_equal(c.queries[2], "NextToken=t2");
    assert_cert_error(run_canned(&acm_spec, 0, &e), CERT_E_NET, "ACM ListCertificates",
                      "page 2 holds no items but gives a next cursor");
}

/* Route53's shape: NextRecordName and NextRecordType required when truncated, the identifier
 * optional; all three go back, and a whole cursor that comes back is a loop. */
static void test_aws_page__three_field_cursor(void **state)
{
    static const canned_page pages[] = {
        {3, true, {"a.example.com.", "A", NULL}},
        {3, true, {"b.example.com.", "A", "weighted-1"}},
        {3, true, {"b.example.com.", "A", "weighted-2"}},
        {1, false, {NULL}},
    };
    static const canned_page loop[] = {
        {3, true, {"a.example.com.", "A", "w"}},
        {3, true, {"a.example.com.", "AAAA", "w"}},
        {3, true, {"a.example.com.", "A", "w"}},
    };
    static const canned_page no_type[] = {{3, true, {"a.example.com.", NULL, NULL}}};
    canned c = {pages, 4, false, 0, 0, {""}}, l = {loop, 3, false, 0, 0, {""}};
    canned n = {no_type, 1, false, 0, 0, {""}};

    (void)state;
    assert_cert_ok(run_canned(&route53_spec, 0, &c));
    assert_int_equal(c.fetched, 4);
    assert_string_equal(c.queries[1], "name=a.example.com.&type=A");
    assert_string_equal(c.queries[2], "name=b.example.com.&type=A&identifier=weighted-1");
    assert_string_equal(c.queries[3], "name=b.example.com.&type=A&identifier=weighted-2");
    assert_cert_error(run_canned(&route53_spec, 0, &l), CERT_E_NET,
                      "page 3 gives the NextRecordName/NextRecordType/NextRecordIdentifier of an "
                      "earlier page");
    assert_cert_error(run_canned(&route53_spec, 0, &n), CERT_E_NET,
                      "Route53 said IsTruncated without a NextRecordType");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_aws_page__follows_the_marker_to_the_last_page),
        cmocka_unit_test(test_aws_page__truncated_without_a_marker),
        cmocka_unit_test(test_aws_page__marker_never_changes),
        cmocka_unit_test(test_aws_page__marker_comes_back),
        cmocka_unit_test(test_aws_page__empty_page_says_truncated),
        cmocka_unit_test(test_aws_page__empty_last_page_is_fine),
        cmocka_unit_test(test_aws_page__item_cap),
        cmocka_unit_test(test_aws_page__item_cap_overridden),
        cmocka_unit_test(test_aws_page__session_cap),
        cmocka_unit_test(test_aws_page__retried_answer_starts_the_page_again),
        cmocka_unit_test(test_aws_page__token_cursor),
        cmocka_unit_test(test_aws_page__three_field_cursor),
    };

    return cmocka_run_group_tests(tests, NULL, h_teardown);
}
