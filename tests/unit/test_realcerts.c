/* SPDX-License-Identifier: Apache-2.0 */
/* The regression set of real public certificates (tests/realcerts/README.md): every root of
 * Debian's ca-certificates and every real intermediate and leaf we hold passes the rules of its
 * position (chain_check.c, profile.c) at a time inside its validity. A rule that fires on a
 * real certificate the browsers accept is a false reject: it would break working renewals. */
#include <dirent.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "util/time_int.h"
#include "x509/profile_int.h"
#include "x509/x509_int.h"

#define ROOTS_DIR "/usr/share/ca-certificates/mozilla"

/* A time inside the certificate's validity: a day after notBefore, or the given one. */
static int64_t inside(X509 *x, int64_t want)
{
    int64_t nb, na;

    assert_true(cert__x509_validity(x, &nb, &na));
    if (want != 0 && want >= nb && want <= na)
        return want;
    return nb + 86400 < na ? nb + 86400 : nb;
}

/* The problems of one certificate at one position; prints them and returns how many. */
static size_t problems_of(X509 *x, cert_pos pos, int64_t at, const char *what)
{
    cproblems pr;
    size_t n;

    memset(&pr, 0, sizeof(pr));
    assert_int_equal(cert_chain__cert_check(x, pos,
                                            pos == CERT_POS_LEAF ? "the leaf"
                                            : pos == CERT_POS_CA ? "the intermediate"
                                                                 : "the root",
                                            at, INT64_MAX, &pr, pos == CERT_POS_LEAF ? 0 : 1,
                                            pos == CERT_POS_LEAF),
                     CERT_OK);
    for (size_t i = 0; i < pr.n; i++)
        print_error("%s: %s: %s\n", what, pr.v[i].code, pr.v[i].msg);
    n = pr.n;
    cert_chain__problems_clear(&pr);
    return n;
}

static STACK_OF(X509) * read_pems(const char *path)
{
    BIO *bio = BIO_new_file(path, "r");
    STACK_OF(X509) *sk = sk_X509_new_null();
    X509 *x;

    assert_non_null(bio);
    assert_non_null(sk);
    while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL)
        assert_true(sk_X509_push(sk, x) > 0);
    ERR_clear_error();
    BIO_free(bio);
    return sk;
}

static void test_realcerts__debian_roots_pass_the_anchor_rules(void **state)
{
    DIR *d = opendir(ROOTS_DIR);
    struct dirent *e;
    size_t roots = 0, bad = 0, as_ca = 0;
    char path[1024];

    (void)state;
    if (d == NULL)
        skip(); /* Debian's ca-certificates is not installed (scripts/deps.sh installs it) */
    while ((e = readdir(d)) != NULL) {
        STACK_OF(X509) * sk;
        size_t n = strlen(e->d_name);

        if (n < 5 || strcmp(e->d_name + n - 4, ".crt") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", ROOTS_DIR, e->d_name);
        sk = read_pems(path);
        for (int i = 0; i < sk_X509_num(sk); i++) {
            X509 *x = sk_X509_value(sk, i);
            cproblems pr;

            roots++;
            bad += problems_of(x, CERT_POS_ANCHOR, inside(x, 0), e->d_name) > 0;
            /* Informative: how many would break the issuance rules of an intermediate (the
             * position RFC 5280 6.1 does not hold a trust anchor to). */
            memset(&pr, 0, sizeof(pr));
            cert__profile_check(x, CERT_POS_CA, inside(x, 0), &pr, 1, false);
            as_ca += pr.n > 0;
            for (size_t k = 0; k < pr.n && getenv("LIBCERT_TEST_VERBOSE") != NULL; k++)
                print_message("  as an intermediate, %s: %s\n", e->d_name, pr.v[k].msg);
            cert_chain__problems_clear(&pr);
        }
        sk_X509_pop_free(sk, X509_free);
    }
    closedir(d);
    print_message("%zu roots of %s checked, %zu with a problem (%zu would have a profile "
                  "warning as an intermediate)\n",
                  roots, ROOTS_DIR, bad, as_ca);
    assert_true(roots >= 100);
    assert_int_equal(bad, 0);
}

/* The served chains of tests/realcerts: leaf, then intermediates, at the time the README gives. */
static const struct {
    const char *file;
    const char *at;
} chains[] = {
    {"letsencrypt-r3-tracker.mywaifu.best.pem", "2023-06-01T00:00:00Z"},
    {"letsencrypt-e7-letsencrypt.org.pem", "2026-01-20T00:00:00Z"},
    {"digicert-www.digicert.com.pem", "2026-01-20T00:00:00Z"},
    {"digicert-g2-azure04-www.microsoft.com.pem", "2025-01-15T00:00:00Z"},
    {"sectigo-sectigo.com.pem", "2026-01-20T00:00:00Z"},
    {"gts-1c3-www.google.com.pem", "2023-11-01T00:00:00Z"},
    {"amazon-m02-www.duosecurity.com.pem", "2025-01-15T00:00:00Z"},
};

static const char *realcert(const char *name, char *buf, size_t size)
{
    const char *src = getenv("LIBCERT_SRC");

    if (src == NULL)
        fail_msg("LIBCERT_SRC is not set: run the unit tests through ctest");
    snprintf(buf, size, "%s/tests/realcerts/%s", src, name);
    return buf;
}

static void test_realcerts__served_chains_pass_their_positions(void **state)
{
    char path[1024], what[1200];
    size_t bad = 0, certs = 0;

    (void)state;
    for (size_t c = 0; c < sizeof(chains) / sizeof(chains[0]); c++) {
        STACK_OF(X509) *sk = read_pems(realcert(chains[c].file, path, sizeof(path)));
        int64_t at;

        assert_int_equal(cert_time_parse(chains[c].at, &at), CERT_OK);
        assert_true(sk_X509_num(sk) >= 2);
        for (int i = 0; i < sk_X509_num(sk); i++) {
            X509 *x = sk_X509_value(sk, i);

            snprintf(what, sizeof(what), "%s certificate %d", chains[c].file, i + 1);
            certs++;
            bad += problems_of(x, i == 0 ? CERT_POS_LEAF : CERT_POS_CA, at, what) > 0;
        }
        sk_X509_pop_free(sk, X509_free);
    }
    print_message("%zu certificates of %zu served chains checked\n", certs,
                  sizeof(chains) / sizeof(chains[0]));
    assert_int_equal(bad, 0);
}

/* Whether a root of Debian's store signed x. */
static bool issued_by_debian_root(X509 *x, X509_STORE_CTX *ctx)
{
    STACK_OF(X509) *sk = X509_STORE_CTX_get1_certs(ctx, X509_get_issuer_name(x));
    bool ok = false;

    for (int i = 0; sk != NULL && i < sk_X509_num(sk) && !ok; i++)
        ok = X509_verify(x, X509_get0_pubkey(sk_X509_value(sk, i))) == 1;
    ERR_clear_error();
    sk_X509_pop_free(sk, X509_free);
    return ok;
}

static void test_realcerts__intermediates_pass_and_chain_to_debian(void **state)
{
    static const char *const files[] = {"intermediates/letsencrypt-r11.pem",
                                        "intermediates/isrg-root-x2-by-x1.pem"};
    char path[1024];
    X509_STORE *store = X509_STORE_new();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();

    (void)state;
    if (access(ROOTS_DIR, R_OK) != 0)
        skip();
    assert_int_equal(X509_STORE_load_path(store, "/etc/ssl/certs"), 1);
    assert_int_equal(X509_STORE_CTX_init(ctx, store, NULL, NULL), 1);
    for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
        STACK_OF(X509) *sk = read_pems(realcert(files[f], path, sizeof(path)));

        assert_int_equal(sk_X509_num(sk), 1);
        assert_int_equal(problems_of(sk_X509_value(sk, 0), CERT_POS_CA,
                                     inside(sk_X509_value(sk, 0), 0), files[f]),
                         0);
        assert_true(issued_by_debian_root(sk_X509_value(sk, 0), ctx));
        sk_X509_pop_free(sk, X509_free);
    }
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_realcerts__debian_roots_pass_the_anchor_rules),
        cmocka_unit_test(test_realcerts__served_chains_pass_their_positions),
        cmocka_unit_test(test_realcerts__intermediates_pass_and_chain_to_debian),
    };

    return cmocka_run_group_tests(tests, NULL, h_teardown);
}
