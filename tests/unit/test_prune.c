/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for certprune's newest-for-its-names rule (libcert/src/ops/prune.c): groups by
 * equal DNS-name sets, one newest per group by notAfter, then UploadDate, then name; a
 * certificate without DNS names is a group of its own. */
#include <string.h>

#include "helpers.h"
#include "ops/prune_int.h"

#define A_SET "example.com\nwww.example.com"
#define B_SET "shop.example.com"

static void test_prune__newest_by_not_after_per_group(void **state)
{
    prune_named v[] =
        {
            {A_SET, 300, 10, "a-old", 99}, {B_SET, 500, 10, "b-only", 99},
            {A_SET, 900, 5, "a-new", 99},  {A_SET, 600, 20, "a-mid", 99},
            {B_SET "x", 100, 1, "bx", 99}, /* another set, though its text begins the same */
        };

    (void)state;
    cert_prune__mark_newest(v, 5);
    assert_int_equal(v[0].newest, 2);
    assert_int_equal(v[2].newest, 2); /* the newest is its own */
    assert_int_equal(v[3].newest, 2);
    assert_int_equal(v[1].newest, 1); /* alone in its group: the newest */
    assert_int_equal(v[4].newest, 4);
}

static void test_prune__ties_broken_by_upload_date_then_name(void **state)
{
    prune_named v[] = {
        {A_SET, 900, 10, "first", 99},
        {A_SET, 900, 30, "later-upload", 99},
        {A_SET, 900, 30, "later-upload-z", 99},
        {A_SET, 900, INT64_MIN, "unknown-upload", 99},
    };
    size_t keep;

    (void)state;
    cert_prune__mark_newest(v, 4);
    keep = v[0].newest;
    assert_int_equal(keep, 2);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(v[i].newest, keep); /* exactly one newest per group */
}

static void test_prune__no_names_is_a_group_of_its_own(void **state)
{
    prune_named v[] = {
        {NULL, 100, 1, "unreadable-1", 99},
        {NULL, 900, 1, "unreadable-2", 99},
        {A_SET, 50, 1, "a", 99},
    };

    (void)state;
    cert_prune__mark_newest(v, 3);
    assert_int_equal(v[0].newest, 0); /* never grouped with the other unreadable one */
    assert_int_equal(v[1].newest, 1);
    assert_int_equal(v[2].newest, 2);
}

static void test_prune__empty_and_single(void **state)
{
    prune_named one = {A_SET, 1, 1, "one", 99};

    (void)state;
    cert_prune__mark_newest(NULL, 0);
    cert_prune__mark_newest(&one, 1);
    assert_int_equal(one.newest, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prune__newest_by_not_after_per_group),
        cmocka_unit_test(test_prune__ties_broken_by_upload_date_then_name),
        cmocka_unit_test(test_prune__no_names_is_a_group_of_its_own),
        cmocka_unit_test(test_prune__empty_and_single),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
