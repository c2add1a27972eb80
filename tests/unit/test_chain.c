/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for chain building (libcert/chain.h): leaf selection, order, roots, duplicates,
 * cross-signs, preferred chains, trust stores, the chain written as PEM. */
#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "x509/x509_int.h"

/* ---- local helpers ---- */

typedef struct built {
    cert_bundle *bundle;
    cert_trust *trust;
    cert_chain *chain;
} built;

/* Build with the pinned clock; `o` may be NULL. Fails the test on an error. */
static void build(built *bt, cert_trust *trust, const cert_chain_opts *o, cert_bundle *b)
{
    cert_chain_opts co = CERT_CHAIN_OPTS_INIT;

    if (o != NULL)
        co = *o;
    co.trust = trust;
    if (co.now == CERT_TIME_NOW)
        co.now = FX_NOW;
    bt->bundle = b;
    bt->trust = trust;
    bt->chain = NULL;
    h_defer(H_TRUST, trust);
    h_defer(H_BUNDLE, b);
    assert_cert_ok(cert_chain_build(b, &co, &bt->chain));
    assert_non_null(bt->chain);
    h_defer(H_CHAIN, bt->chain);
}

static void built_free(built *bt)
{
    h_undefer(bt->chain);
    h_undefer(bt->bundle);
    h_undefer(bt->trust);
    cert_chain_free(bt->chain);
    cert_bundle_free(bt->bundle);
    cert_trust_free(bt->trust);
}

static cert_err try_build(cert_bundle *b, cert_trust *trust, const cert_chain_opts *o,
                          cert_chain **out)
{
    cert_chain_opts co = CERT_CHAIN_OPTS_INIT;

    if (o != NULL)
        co = *o;
    co.trust = trust;
    co.now = FX_NOW;
    *out = (cert_chain *)(uintptr_t)1; /* must be set to NULL on failure */
    cert_error_clear();
    return cert_chain_build(b, &co, out);
}

/* Assert the output chain is exactly the given fixture certificates, in order. */
static void assert_chain_is(const cert_chain *c, size_t n, const char *const *fixtures)
{
    if (cert_chain_count(c) != n) {
        print_error("chain has %zu certificates, expected %zu:\n", cert_chain_count(c), n);
        for (size_t i = 0; i < cert_chain_count(c); i++)
            print_error("  %s\n", h_subject(cert_chain_at(c, i)));
        fail();
    }
    for (size_t i = 0; i < n; i++) {
        X509 *want = fx_x509(fixtures[i]);

        assert_same_cert(cert_chain_at(c, i), want);
        X509_free(want);
    }
    assert_null(cert_chain_at(c, n));
    assert_int_equal(cert_chain_item_at(c, n), SIZE_MAX);
}

/* Count notes of a kind, and report the item of the last one. */
static size_t notes_of(const cert_chain *c, cert_chain_note_kind kind, size_t *item_out)
{
    size_t n = 0;

    for (size_t i = 0; i < cert_chain_note_count(c); i++) {
        const cert_chain_note *nt = cert_chain_note_at(c, i);

        if (nt->kind == kind) {
            n++;
            if (item_out != NULL)
                *item_out = nt->item;
        }
    }
    return n;
}

static void assert_leaf_is(const cert_chain *c, const char *fixture)
{
    X509 *want = fx_x509(fixture);

    assert_same_cert(cert_chain_leaf(c), want);
    assert_ptr_equal(cert_chain_leaf(c),
                     cert_bundle_cert_at(cert_chain_bundle(c), cert_chain_leaf_item(c)));
    X509_free(want);
}

static void assert_root_is(const cert_chain *c, const char *fixture)
{
    X509 *want = fx_x509(fixture);

    assert_same_cert(cert_chain_root(c), want);
    X509_free(want);
}

/* Assert that cert_chain_write_pem() gives exactly the given fixture certificates, in order, as
 * PEM with LF line endings and nothing else. */
static void assert_pem_is(const cert_chain *c, bool with_root, size_t n,
                          const char *const *fixtures)
{
    char *pem = NULL;
    size_t len = 7;
    BIO *bio;
    X509 *x;
    size_t got = 0;

    assert_cert_ok(cert_chain_write_pem(c, with_root, &pem, &len));
    assert_non_null(pem);
    assert_int_equal(strlen(pem), len);
    assert_null(strchr(pem, '\r'));
    bio = BIO_new_mem_buf(pem, (int)len);
    assert_non_null(bio);
    while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
        X509 *want;

        if (got >= n) {
            X509_free(x);
            fail_msg("PEM holds more than %zu certificates", n);
        }
        want = fx_x509(fixtures[got++]);
        assert_same_cert(x, want);
        X509_free(want);
        X509_free(x);
    }
    ERR_clear_error();
    assert_int_equal(got, n);
    assert_int_equal(BIO_pending(bio), 0);
    BIO_free(bio);
    free(pem);
}

/* ---- order ---- */

static void test_chain__good_bundle_in_issuing_order(void **state)
{
    static const char *const want[] = {"int2.pem", "int1.pem"};
    built bt;

    (void)state;
    build(&bt, h_trust("root.pem", NULL), NULL, h_load(NULL, "bundle-good.pem", NULL));
    assert_ptr_equal(cert_chain_bundle(bt.chain), bt.bundle);
    assert_leaf_is(bt.chain, "leaf-rsa2048.pem");
    assert_int_equal(cert_chain_leaf_item(bt.chain), 0);
    assert_chain_is(bt.chain, 2, want);
    assert_int_equal(cert_chain_item_at(bt.chain, 0), 1);
    assert_int_equal(cert_chain_item_at(bt.chain, 1), 2);
    assert_non_null(cert_chain_key(bt.chain));
    assert_int_equal(cert_chain_key_item(bt.chain), 0);
    assert_ptr_equal(cert_chain_key(bt.chain), cert_bundle_key_at(bt.bundle, 0));
    assert_root_is(bt.chain, "root.pem");
    assert_false(cert_chain_root_in_bundle(bt.chain));
    assert_int_equal(cert_chain_trust(bt.chain), CERT_TRUST_OK);
    assert_string_equal(cert_chain_trust_reason(bt.chain), "");
    assert_null(cert_chain_missing_issuer(bt.chain));
    assert_int_equal(cert_chain_note_count(bt.chain), 0);
    assert_null(cert_chain_note_at(bt.chain, 0));
    built_free(&bt);
}

static void test_chain__shuffled_input_is_reordered(void **state)
{
    static const char *const want[] = {"int2.pem", "int1.pem"};
    static const char *const files[] = {"bundle-shuffled.pem", "bundle-crlf-bom.pem"};

    (void)state;
    for (size_t f = 0; f < 2; f++) {
        built bt;
        size_t item = SIZE_MAX;

        /* input: key, int1, leaf, root, int2 */
        build(&bt, h_trust("root.pem", NULL), NULL, h_load(NULL, files[f], NULL));
        assert_leaf_is(bt.chain, "leaf-rsa2048.pem");
        assert_int_equal(cert_chain_leaf_item(bt.chain), 1);
        assert_chain_is(bt.chain, 2, want);
        assert_int_equal(cert_chain_item_at(bt.chain, 0), 3);
        assert_int_equal(cert_chain_item_at(bt.chain, 1), 0);
        assert_int_equal(notes_of(bt.chain, CERT_NOTE_INPUT_ORDER, &item), 1);
        assert_int_equal(item, SIZE_MAX);
        assert_int_equal(notes_of(bt.chain, CERT_NOTE_ROOT_OMITTED, &item), 1);
        assert_int_equal(item, 2);
        assert_int_equal(cert_chain_note_count(bt.chain), 2);
        assert_true(cert_chain_root_in_bundle(bt.chain));
        assert_int_equal(cert_chain_trust(bt.chain), CERT_TRUST_OK);
        built_free(&bt);
    }
}

static void test_chain__pkcs12_and_pkcs7_inputs(void **state)
{
    static const char *const want[] = {"int2.pem", "int1.pem"};
    cert_bundle_opts o = CERT_BUNDLE_OPTS_INIT;
    built bt;

    (void)state;
    assert_cert_ok(cert_passin_new("pass:" FX_PASS, true, &o.passin));
    build(&bt, h_trust("root.pem", NULL), NULL, h_load(&o, "bundle-modern.p12", NULL));
    assert_leaf_is(bt.chain, "leaf-rsa2048.pem");
    assert_chain_is(bt.chain, 2, want);
    assert_non_null(cert_chain_key(bt.chain));
    built_free(&bt);
    cert_passin_free(o.passin);
    build(&bt, h_trust("root.pem", NULL), NULL, h_load(NULL, "chain.p7b", NULL));
    assert_leaf_is(bt.chain, "leaf-rsa2048.pem");
    assert_chain_is(bt.chain, 2, want);
    assert_null(cert_chain_key(bt.chain));
    assert_int_equal(cert_chain_key_item(bt.chain), SIZE_MAX);
    built_free(&bt);
}

/* ---- roots ---- */

static void test_chain__root_in_bundle_omitted(void **state)
{
    static const char *const want[] = {"int2.pem", "int1.pem"};
    built bt;
    size_t item = 0;

    (void)state;
    build(&bt, h_trust("root.pem", NULL), NULL, h_load(NULL, "bundle-root.pem", NULL));
    assert_chain_is(bt.chain, 2, want);
    assert_root_is(bt.chain, "root.pem");
    assert_ptr_equal(cert_chain_root(bt.chain), cert_bundle_cert_at(bt.bundle, 3));
    assert_true(cert_chain_root_in_bundle(bt.chain));
    assert_int_equal(notes_of(bt.chain, CERT_NOTE_ROOT_OMITTED, &item), 1);
    assert_int_equal(item, 3);
    assert_int_equal(cert_chain_note_count(bt.chain), 1);
    assert_int_equal(cert_chain_trust(bt.chain), CERT_TRUST_OK);
    built_free(&bt);
}

static void test_chain__root_in_bundle_kept_with_root(void **state)
{
    static const char *const want[] = {"int2.pem", "int1.pem", "root.pem"};
    cert_chain_opts o = CERT_CHAIN_OPTS_INIT;
    built bt;

    (void)state;
    o.with_root = true;
    build(&bt, h_trust("root.pem", NULL), &o, h_load(NULL, "bundle-root.pem", NULL));
    assert_chain_is(bt.chain, 3, want);
    assert_int_equal(cert_chain_item_at(bt.chain, 2), 3);
    assert_true(cert_chain_root_in_bundle(bt.chain));
    assert_int_equal(notes_of(bt.chain, CERT_NOTE_ROOT_OMITTED, NULL), 0);
    assert_int_equal(cert_chain_note_count(bt.chain), 0);
    built_free(&bt);
}

static void test_chain__store_root_with_root(void **state)
{
    static const char *const want[] = {"int2.pem", "int1.pem", "root.pem"};
    cert_chain_opts o = CERT_CHAIN_OPTS_INIT;
    built bt;

    (void)state;
    o.with_root = true;
    build(&bt, h_trust("root.pem", NULL), &o, h_load(NULL, "bundle-good.pem", NULL));
    assert_chain_is(bt.chain, 3, want);
    assert_int_equal(cert_chain_item_at(bt.chain, 2), SIZE_MAX);
    assert_false(cert_chain_root_in_bundle(bt.chain));
    assert_int_equal(cert_chain_note_count(bt.chain), 0);
    built_free(&bt);
}

/* ---- the chain as PEM ---- */

static void test_chain__write_pem_root_kept_or_left_out(void **state)
{
    /* the root from the bundle, then from the trust store */
    static const char *const bundles[] = {"bundle-root.pem", "bundle-good.pem"};
    static const char *const with[] = {"int2.pem", "int1.pem", "root.pem"};
    cert_chain_opts o = CERT_CHAIN_OPTS_INIT;
    built bt;

    (void)state;
    o.with_root = true;
    for (size_t i = 0; i < 2; i++) {
        build(&bt, h_trust("root.pem", NULL), &o, h_load(NULL, bundles[i], NULL));
        assert_int_equal(cert_chain_root_in_bundle(bt.chain), i == 0);
        assert_pem_is(bt.chain, true, 3, with);
        /* IAM's CertificateChain: the same chain without its root */
        assert_pem_is(bt.chain, false, 2, with);
        built_free(&bt);
    }
}

static void test_chain__write_pem_never_adds_the_root(void **state)
{
    static const char *const want[] = {"int2.pem", "int1.pem"};
    built bt;

    (void)state;
    build(&bt, h_trust("root.pem", NULL), NULL, h_load(NULL, "bundle-root.pem", NULL));
    assert_non_null(cert_chain_root(bt.chain));
    assert_pem_is(bt.chain, true, 2, want);
    assert_pem_is(bt.chain, false, 2, want);
    built_free(&bt);
}

static void test_chain__write_pem_no_intermediates(void **state)
{
    cert_chain_opts o = CERT_CHAIN_OPTS_INIT;
    built bt;

    (void)state;
    o.with_root = true;
    build(&bt, h_trust("selfsigned.pem", NULL), &o,
          h_load(NULL, "selfsigned.pem", "selfsigned.key", NULL));
    assert_int_equal(cert_chain_count(bt.chain), 0);
    assert_pem_is(bt.chain, true, 0, NULL);
    assert_pem_is(bt.chain, false, 0, NULL);
    built_free(&bt);
}

static void test_chain__write_pem_null_arguments(void **state)
{
    built bt;
    char *pem = (char *)(uintptr_t)1;
    size_t len = 7;

    (void)state;
    assert_cert_error(cert_chain_write_pem(NULL, false, &pem, &len), CERT_E_INVALID,
                      "cert_chain_write_pem");
    assert_null(pem);
    assert_int_equal(len, 0);
    build(&bt, h_trust("root.pem", NULL), NULL, h_load(NULL, "bundle-good.pem", NULL));
    len = 7;
    assert_cert_error(cert_chain_write_pem(bt.chain, false, NULL, &len), CERT_E_INVALID,
                      "cert_chain_write_pem");
    assert_int_equal(len, 0);
    pem = (char *)(uintptr_t)1;
    assert_cert_error(cert_chain_write_pem(bt.chain, false, &pem, NULL), CERT_E_INVALID,
                      "cert_chain_write_pem");
    assert_null(pem);
    built_free(&bt);
}

/* ---- incomplete, unrelated, duplicates ---- */

static void test_chain__missing_intermediate(void **state)
{
    built bt;
    size_t item = SIZE_MAX;

    (void)state;
    build(&bt, h_trust("root.pem", NULL), NULL, h_load(NULL, "bundle-missing-int.pem", NULL));
    assert_leaf_is(bt.chain, "leaf-rsa2048.pem");
    assert_int_equal(cert_chain_trust(bt.chain), CERT_TRUST_INCOMPLETE);
    assert_non_null(cert_chain_missing_issuer(bt.chain));
    assert_string_equal(cert_chain_missing_issuer(bt.chain), SUBJ_INT2);
    assert_int_equal(cert_chain_count(bt.chain), 0);
    assert_null(cert_chain_root(bt.chain));
    assert_int_equal(notes_of(bt.chain, CERT_NOTE_UNRELATED, &item), 1);
    assert_int_equal(item, 1); /* int1 */
    assert_int_equal(cert_chain_note_count(bt.chain), 1);
    assert_non_null(cert_chain_key(bt.chain));
    built_free(&bt);
}

static void test_chain__unrelated_certificate(void **state)
{
    static const char *const want[] = {"int2.pem", "int1.pem"};
    built bt;
    size_t item = 0;

    (void)state;
    build(&bt, h_trust("root.pem", NULL), NULL, h_load(NULL, "bundle-unrelated.pem", NULL));
    assert_leaf_is(bt.chain, "leaf-rsa2048.pem");
    assert_chain_is(bt.chain, 2, want);
    assert_int_equal(notes_of(bt.chain, CERT_NOTE_UNRELATED, &item), 1);
    {
        X509 *u = fx_x509("unrelated.pem");

        assert_same_cert(cert_bundle_cert_at(bt.bundle, item), u);
        X509_free(u);
    }
    assert_int_equal(cert_chain_note_count(bt.chain), 1);
    built_free(&bt);
}

static void test_chain__duplicates_dropped(void **state)
{
    static const char *const want[] = {"int2.pem", "int1.pem"};
    built bt;
    size_t dups[4], n = 0;

    (void)state;
    /* leaf, int2, int2, int1, leaf, key */
    build(&bt, h_trust("root.pem", NULL), NULL, h_load(NULL, "bundle-dup.pem", NULL));
    assert_leaf_is(bt.chain, "leaf-rsa2048.pem");
    assert_int_equal(cert_chain_leaf_item(bt.chain), 0);
    assert_chain_is(bt.chain, 2, want);
    assert_int_equal(cert_chain_item_at(bt.chain, 0), 1);
    assert_int_equal(cert_chain_item_at(bt.chain, 1), 3);
    for (size_t i = 0; i < cert_chain_note_count(bt.chain); i++) {
        const cert_chain_note *nt = cert_chain_note_at(bt.chain, i);

        assert_int_equal(nt->kind, CERT_NOTE_DUPLICATE);
        assert_true(n < 4);
        dups[n++] = nt->item;
    }
    assert_int_equal(n, 2);
    assert_int_equal(dups[0] + dups[1], 2 + 4);
    assert_true(dups[0] == 2 || dups[0] == 4);
    built_free(&bt);
}

static void test_chain__duplicate_key(void **state)
{
    built bt;
    size_t item = 0;

    (void)state;
    build(&bt, h_trust("root.pem", NULL), NULL,
          h_load(NULL, "bundle-good.pem", "letsencrypt/live/www.example.com/privkey.pem", NULL));
    assert_int_equal(cert_bundle_key_count(bt.bundle), 2);
    assert_int_equal(cert_chain_key_item(bt.chain), 0);
    assert_int_equal(notes_of(bt.chain, CERT_NOTE_DUPLICATE_KEY, &item), 1);
    assert_int_equal(item, 1);
    assert_int_equal(notes_of(bt.chain, CERT_NOTE_UNRELATED_KEY, NULL), 0);
    built_free(&bt);
}

/* ---- leaf selection ---- */

static void test_chain__leaf_picked_by_key(void **state)
{
    built bt;

    (void)state;
    /* two leaves with the same names; the key decides */
    build(&bt, h_trust("root.pem", NULL), NULL,
          h_load(NULL, "bundle-two-leaves.pem", "leaf-p256.key", NULL));
    assert_leaf_is(bt.chain, "leaf-p256.pem");
    assert_int_equal(cert_chain_leaf_item(bt.chain), 1);
    assert_int_equal(notes_of(bt.chain, CERT_NOTE_UNRELATED, NULL), 1);
    built_free(&bt);
    build(&bt, h_trust("root.pem", NULL), NULL,
          h_load(NULL, "bundle-two-leaves.pem", "leaf-rsa2048.key", NULL));
    assert_leaf_is(bt.chain, "leaf-rsa2048.pem");
    assert_int_equal(cert_chain_leaf_item(bt.chain), 0);
    assert_int_equal(cert_chain_key_item(bt.chain), 0);
    built_free(&bt);
}

static void test_chain__leaf_without_key(void **state)
{
    static const char *const want[] = {"int2.pem", "int1.pem"};
    built bt;

    (void)state;
    build(&bt, h_trust("root.pem", NULL), NULL, h_load(NULL, "bundle-nokey.pem", NULL));
    assert_leaf_is(bt.chain, "leaf-rsa2048.pem");
    assert_chain_is(bt.chain, 2, want);
    assert_null(cert_chain_key(bt.chain));
    assert_int_equal(cert_chain_key_item(bt.chain), SIZE_MAX);
    built_free(&bt);
    /* the same with the leaf last in the input */
    build(&bt, h_trust("root.pem", NULL), NULL,
          h_load(NULL, "chain.pem", "leaf-rsa2048.pem", NULL));
    assert_leaf_is(bt.chain, "leaf-rsa2048.pem");
    assert_int_equal(cert_chain_leaf_item(bt.chain), 2);
    assert_chain_is(bt.chain, 2, want);
    built_free(&bt);
}

static void test_chain__end_entity_preferred_over_ca_with_key(void **state)
{
    static const char *const want[] = {"int2.pem", "int1.pem"};
    built bt;
    size_t item = SIZE_MAX;

    (void)state;
    /* the keys of the leaf and of int2 both match a certificate: the end entity is the leaf */
    build(&bt, h_trust("root.pem", NULL), NULL, h_load(NULL, "int2.key", "bundle-good.pem", NULL));
    assert_leaf_is(bt.chain, "leaf-rsa2048.pem");
    assert_chain_is(bt.chain, 2, want);
    assert_int_equal(cert_chain_key_item(bt.chain), 1);
    assert_int_equal(notes_of(bt.chain, CERT_NOTE_UNRELATED_KEY, &item), 1);
    assert_int_equal(item, 0);
    built_free(&bt);
}

static void test_chain__ca_is_leaf_only_when_nothing_else(void **state)
{
    static const char *const want[] = {"int1.pem"};
    built bt;

    (void)state;
    /* int2 and int1 alone: int2 issued nothing here, so it is the leaf */
    build(&bt, h_trust("root.pem", NULL), NULL, h_load(NULL, "chain.pem", NULL));
    assert_leaf_is(bt.chain, "int2.pem");
    assert_chain_is(bt.chain, 1, want);
    assert_int_equal(cert_chain_trust(bt.chain), CERT_TRUST_OK);
    built_free(&bt);
    /* an end entity beside an unrelated CA that issued nothing here: the end entity */
    build(&bt, h_trust("root.pem", NULL), NULL,
          h_load(NULL, "other-ca.pem", "leaf-rsa2048.pem", "chain.pem", NULL));
    assert_leaf_is(bt.chain, "leaf-rsa2048.pem");
    assert_int_equal(notes_of(bt.chain, CERT_NOTE_UNRELATED, NULL), 1);
    built_free(&bt);
}

static void test_chain__wrong_key_is_unrelated(void **state)
{
    built bt;
    size_t item = SIZE_MAX;

    (void)state;
    build(&bt, h_trust("root.pem", NULL), NULL, h_load(NULL, "bundle-wrong-key.pem", NULL));
    assert_leaf_is(bt.chain, "leaf-rsa2048.pem");
    assert_null(cert_chain_key(bt.chain));
    assert_int_equal(cert_chain_key_item(bt.chain), SIZE_MAX);
    assert_int_equal(notes_of(bt.chain, CERT_NOTE_UNRELATED_KEY, &item), 1);
    assert_int_equal(item, 0);
    built_free(&bt);
}

static void test_chain__ambiguous_leaf_lists_candidates(void **state)
{
    cert_bundle *b = h_load(NULL, "bundle-two-leaves.pem", NULL);
    cert_trust *t = h_trust("root.pem", NULL);
    cert_chain *c = NULL;
    size_t lines[8];
    char c1[256], c2[256];
    const char *path = fx("bundle-two-leaves.pem");

    (void)state;
    assert_int_equal(fx_begin_lines("bundle-two-leaves.pem", lines, 8), 4);
    snprintf(c1, sizeof(c1), "certificate 1 of %s (line %zu)", path, lines[0]);
    snprintf(c2, sizeof(c2), "certificate 2 of %s (line %zu)", path, lines[1]);
    assert_cert_error(try_build(b, t, NULL, &c), CERT_E_INPUT, "2 certificates could be the leaf",
                      c1, c2, SUBJ_LEAF, "--leaf");
    assert_null(c);
    cert_bundle_free(b);
    cert_trust_free(t);
}

static void test_chain__leaf_by_sha256_with_and_without_colons(void **state)
{
    X509 *p256 = fx_x509("leaf-p256.pem");
    char hex[65], colons[96], upper[65];
    const char *const sels[] = {hex, colons, upper};

    (void)state;
    h_sha256_hex(p256, hex);
    for (size_t i = 0, n = 0; i < 32; i++) {
        if (i > 0)
            colons[n++] = ':';
        colons[n++] = (char)(hex[2 * i] >= 'a' ? hex[2 * i] - 32 : hex[2 * i]);
        colons[n++] = (char)(hex[2 * i + 1] >= 'a' ? hex[2 * i + 1] - 32 : hex[2 * i + 1]);
        colons[n] = '\0';
    }
    for (size_t i = 0; i < 64; i++)
        upper[i] = (char)(hex[i] >= 'a' ? hex[i] - 32 : hex[i]);
    upper[64] = '\0';
    for (size_t s = 0; s < 3; s++) {
        cert_chain_opts o = CERT_CHAIN_OPTS_INIT;
        built bt;

        o.leaf = sels[s];
        build(&bt, h_trust("root.pem", NULL), &o, h_load(NULL, "bundle-two-leaves.pem", NULL));
        assert_leaf_is(bt.chain, "leaf-p256.pem");
        built_free(&bt);
    }
    /* a prefix of the fingerprint is not a fingerprint */
    {
        cert_chain_opts o = CERT_CHAIN_OPTS_INIT;
        cert_bundle *b = h_load(NULL, "bundle-two-leaves.pem", NULL);
        cert_trust *t = h_trust("root.pem", NULL);
        cert_chain *c = NULL;

        hex[63] = '\0';
        o.leaf = hex;
        assert_cert_error(try_build(b, t, &o, &c), CERT_E_INPUT, hex, "--leaf");
        assert_null(c);
        cert_bundle_free(b);
        cert_trust_free(t);
    }
    X509_free(p256);
}

static void test_chain__leaf_by_cn_subject_and_dns(void **state)
{
    static const struct {
        const char *sel;
        const char *leaf;
    } cases[] = {
        {"ip.example.com", "leaf-ip.pem"},                    /* CN (and DNS) */
        {"IP.Example.COM", "leaf-ip.pem"},                    /* case-insensitive */
        {"CN=ip.example.com,O=libcert tests", "leaf-ip.pem"}, /* RFC 2253 subject */
        {"example.com", "leaf-rsa2048.pem"},                  /* a DNS name only */
        {"www.example.com", "leaf-rsa2048.pem"},              /* CN */
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cert_chain_opts o = CERT_CHAIN_OPTS_INIT;
        built bt;

        o.leaf = cases[i].sel;
        build(&bt, h_trust("root.pem", NULL), &o,
              h_load(NULL, "leaf-rsa2048.pem", "leaf-ip.pem", "chain.pem", NULL));
        assert_leaf_is(bt.chain, cases[i].leaf);
        built_free(&bt);
    }
}

static void test_chain__leaf_selector_overrides_key(void **state)
{
    cert_chain_opts o = CERT_CHAIN_OPTS_INIT;
    built bt;
    size_t item = SIZE_MAX;

    (void)state;
    o.leaf = "ip.example.com";
    build(&bt, h_trust("root.pem", NULL), &o, h_load(NULL, "bundle-good.pem", "leaf-ip.pem", NULL));
    assert_leaf_is(bt.chain, "leaf-ip.pem");
    assert_null(cert_chain_key(bt.chain));
    assert_int_equal(notes_of(bt.chain, CERT_NOTE_UNRELATED_KEY, &item), 1);
    assert_int_equal(item, 0);
    built_free(&bt);
}

static void test_chain__leaf_selector_errors(void **state)
{
    cert_chain_opts o = CERT_CHAIN_OPTS_INIT;
    cert_bundle *b = h_load(NULL, "bundle-two-leaves.pem", NULL);
    cert_trust *t = h_trust("root.pem", NULL);
    cert_chain *c = NULL;

    (void)state;
    o.leaf = "nothing.example.org";
    assert_cert_error(try_build(b, t, &o, &c), CERT_E_INPUT, "--leaf nothing.example.org");
    assert_null(c);
    /* both leaves are CN=www.example.com */
    o.leaf = "www.example.com";
    assert_cert_error(try_build(b, t, &o, &c), CERT_E_INPUT, "2 certificates could be the leaf",
                      "--leaf");
    assert_null(c);
    cert_bundle_free(b);
    cert_trust_free(t);
}

static void test_chain__no_certificate(void **state)
{
    cert_bundle *b = h_load(NULL, "leaf-rsa2048.key", NULL);
    cert_bundle *empty = NULL;
    cert_trust *t = h_trust("root.pem", NULL);
    cert_chain *c = NULL;

    (void)state;
    assert_cert_error(try_build(b, t, NULL, &c), CERT_E_INPUT, "leaf-rsa2048.key",
                      "no certificate");
    assert_null(c);
    assert_cert_ok(cert_bundle_new(&empty));
    assert_cert_error(try_build(empty, t, NULL, &c), CERT_E_INPUT, "no certificate");
    assert_null(c);
    assert_cert_error(cert_chain_build(b, NULL, NULL), CERT_E_INVALID, "cert_chain_build");
    cert_chain_free(NULL);
    cert_bundle_free(empty);
    cert_bundle_free(b);
    cert_trust_free(t);
}

static void test_chain__null_bundle_sets_out_null(void **state)
{
    cert_chain *c = (cert_chain *)(uintptr_t)1;

    (void)state;
    assert_cert_error(cert_chain_build(NULL, NULL, &c), CERT_E_INVALID, "cert_chain_build");
    assert_null(c); /* chain.h: "out ... NULL on failure" */
}

/* ---- cross-signs and preferred chains ---- */

static void test_chain__cross_shortest_path_by_default(void **state)
{
    static const char *const want[] = {"xr3.pem"};
    built bt;
    size_t item = SIZE_MAX;

    (void)state;
    /* leaf-x, xr3, xcross-valid, key */
    build(&bt, h_trust("xroot.pem", "xold.pem", NULL), NULL,
          h_load(NULL, "bundle-cross.pem", NULL));
    assert_leaf_is(bt.chain, "leaf-x.pem");
    assert_chain_is(bt.chain, 1, want);
    assert_root_is(bt.chain, "xroot.pem");
    assert_false(cert_chain_root_in_bundle(bt.chain));
    assert_int_equal(cert_chain_trust(bt.chain), CERT_TRUST_OK);
    assert_int_equal(notes_of(bt.chain, CERT_NOTE_ALT_PATH, &item), 1);
    assert_int_equal(item, 2);
    assert_int_equal(notes_of(bt.chain, CERT_NOTE_EXPIRED_CROSS, NULL), 0);
    assert_int_equal(notes_of(bt.chain, CERT_NOTE_UNRELATED, NULL), 0);
    built_free(&bt);
}

static void test_chain__preferred_chain_picks_cross(void **state)
{
    static const char *const want[] = {"xr3.pem", "xcross-valid.pem"};
    static const char *const sels[] = {"libcert Test Old Root", "LIBCERT TEST OLD ROOT"};

    (void)state;
    for (size_t i = 0; i < 2; i++) {
        cert_chain_opts o = CERT_CHAIN_OPTS_INIT;
        built bt;

        o.preferred_chain = sels[i];
        build(&bt, h_trust("xroot.pem", "xold.pem", NULL), &o,
              h_load(NULL, "bundle-cross.pem", NULL));
        assert_chain_is(bt.chain, 2, want);
        assert_int_equal(cert_chain_item_at(bt.chain, 1), 2);
        assert_root_is(bt.chain, "xold.pem");
        assert_int_equal(cert_chain_trust(bt.chain), CERT_TRUST_OK);
        assert_int_equal(notes_of(bt.chain, CERT_NOTE_ALT_PATH, NULL), 0);
        built_free(&bt);
    }
}

static void test_chain__preferred_chain_default_root(void **state)
{
    static const char *const want[] = {"xr3.pem"};
    cert_chain_opts o = CERT_CHAIN_OPTS_INIT;
    built bt;

    (void)state;
    o.preferred_chain = "libcert Test Root X";
    build(&bt, h_trust("xroot.pem", "xold.pem", NULL), &o, h_load(NULL, "bundle-cross.pem", NULL));
    assert_chain_is(bt.chain, 1, want);
    assert_root_is(bt.chain, "xroot.pem");
    built_free(&bt);
    /* an issuer no path has changes nothing */
    o.preferred_chain = "libcert Nobody";
    build(&bt, h_trust("xroot.pem", "xold.pem", NULL), &o, h_load(NULL, "bundle-cross.pem", NULL));
    assert_chain_is(bt.chain, 1, want);
    built_free(&bt);
}

static void test_chain__expired_cross_dropped(void **state)
{
    static const char *const want[] = {"xr3.pem"};
    built bt;
    size_t item = SIZE_MAX;

    (void)state;
    build(&bt, h_trust("xroot.pem", "xold.pem", NULL), NULL,
          h_load(NULL, "bundle-cross-expired.pem", NULL));
    assert_chain_is(bt.chain, 1, want);
    assert_root_is(bt.chain, "xroot.pem");
    assert_int_equal(notes_of(bt.chain, CERT_NOTE_EXPIRED_CROSS, &item), 1);
    assert_int_equal(item, 2);
    assert_int_equal(notes_of(bt.chain, CERT_NOTE_ALT_PATH, NULL), 0);
    built_free(&bt);
}

static void test_chain__cross_not_yet_expired_is_alt_path(void **state)
{
    cert_chain_opts o = CERT_CHAIN_OPTS_INIT;
    built bt;
    size_t item = SIZE_MAX;

    (void)state;
    /* 2025-06-01: xcross (valid until 2025-09-30) has not expired yet */
    o.now = INT64_C(1748736000);
    build(&bt, h_trust("xroot.pem", "xold.pem", NULL), &o,
          h_load(NULL, "bundle-cross-expired.pem", NULL));
    assert_int_equal(notes_of(bt.chain, CERT_NOTE_EXPIRED_CROSS, NULL), 0);
    assert_int_equal(notes_of(bt.chain, CERT_NOTE_ALT_PATH, &item), 1);
    assert_int_equal(item, 2);
    built_free(&bt);
}

static void test_chain__cross_with_only_old_root_trusted(void **state)
{
    static const char *const want[] = {"xr3.pem", "xcross-valid.pem"};
    built bt;

    (void)state;
    build(&bt, h_trust("xold.pem", NULL), NULL, h_load(NULL, "bundle-cross.pem", NULL));
    assert_chain_is(bt.chain, 2, want);
    assert_root_is(bt.chain, "xold.pem");
    assert_int_equal(cert_chain_trust(bt.chain), CERT_TRUST_OK);
    built_free(&bt);
}

/* ---- signatures ---- */

/* PEM of a fixture certificate whose last signature byte is flipped. */
static char *tampered_pem(const char *fixture)
{
    X509 *x = fx_x509(fixture), *bad;
    unsigned char *der = NULL;
    const unsigned char *p;
    int n = i2d_X509(x, &der);
    BIO *bio = BIO_new(BIO_s_mem());
    char *data, *copy;
    long len;

    assert_true(n > 0);
    der[n - 1] ^= 0x01;
    p = der;
    bad = d2i_X509(NULL, &p, n);
    assert_non_null(bad);
    assert_int_equal(PEM_write_bio_X509(bio, bad), 1);
    len = BIO_get_mem_data(bio, &data);
    copy = strndup(data, (size_t)len);
    assert_non_null(copy);
    BIO_free(bio);
    X509_free(bad);
    X509_free(x);
    OPENSSL_free(der);
    return copy;
}

/* leaf, the given intermediate PEM, int1, the leaf's key */
static cert_bundle *with_int2(const char *int2_pem)
{
    cert_bundle *b = h_load(NULL, "leaf-rsa2048.pem", NULL);

    assert_cert_ok(cert_bundle_load_mem(b, (const uint8_t *)int2_pem, strlen(int2_pem),
                                        "int2-copy.pem", NULL));
    assert_cert_ok(cert_bundle_load_file(b, fx("int1.pem"), NULL));
    assert_cert_ok(cert_bundle_load_file(b, fx("leaf-rsa2048.key"), NULL));
    return b;
}

static void test_chain__bad_signature_breaks_the_link(void **state)
{
    static const char *const want[] = {"int2.pem", "int1.pem"};
    char *bad = tampered_pem("int2.pem");
    size_t len;
    char *good = fx_read("int2.pem", &len);
    built bt;
    size_t item = SIZE_MAX;

    (void)state;
    h_defer(H_MEM, bad);
    h_defer(H_MEM, good);
    /* the genuine intermediate first (its link to int1 may be remembered) */
    build(&bt, h_trust("root.pem", NULL), NULL, with_int2(good));
    assert_chain_is(bt.chain, 2, want);
    assert_int_equal(cert_chain_trust(bt.chain), CERT_TRUST_OK);
    built_free(&bt);
    /* same subject and key, broken signature: int1 did not issue it */
    build(&bt, h_trust("root.pem", NULL), NULL, with_int2(bad));
    assert_int_equal(cert_chain_trust(bt.chain), CERT_TRUST_INCOMPLETE);
    assert_string_equal(cert_chain_missing_issuer(bt.chain), SUBJ_INT1);
    assert_int_equal(cert_chain_count(bt.chain), 1);
    assert_int_equal(cert_chain_item_at(bt.chain, 0), 1);
    assert_int_equal(notes_of(bt.chain, CERT_NOTE_UNRELATED, &item), 1);
    assert_int_equal(item, 2);
    built_free(&bt);
    /* and the genuine one still chains afterwards */
    build(&bt, h_trust("root.pem", NULL), NULL, with_int2(good));
    assert_int_equal(cert_chain_trust(bt.chain), CERT_TRUST_OK);
    assert_int_equal(cert_chain_count(bt.chain), 2);
    built_free(&bt);
    h_undefer(bad);
    h_undefer(good);
    free(bad);
    free(good);
}

static void test_chain__bad_leaf_signature(void **state)
{
    char *bad = tampered_pem("leaf-rsa2048.pem");
    cert_bundle *b = NULL;
    built bt;

    (void)state;
    h_defer(H_MEM, bad);
    assert_cert_ok(cert_bundle_new(&b));
    assert_cert_ok(cert_bundle_load_mem(b, (const uint8_t *)bad, strlen(bad), "leaf.pem", NULL));
    assert_cert_ok(cert_bundle_load_file(b, fx("chain.pem"), NULL));
    assert_cert_ok(cert_bundle_load_file(b, fx("leaf-rsa2048.key"), NULL));
    build(&bt, h_trust("root.pem", NULL), NULL, b);
    assert_int_equal(cert_chain_leaf_item(bt.chain), 0);
    assert_int_equal(cert_chain_trust(bt.chain), CERT_TRUST_INCOMPLETE);
    assert_string_equal(cert_chain_missing_issuer(bt.chain), SUBJ_INT2);
    assert_int_equal(cert_chain_count(bt.chain), 0);
    assert_int_equal(notes_of(bt.chain, CERT_NOTE_UNRELATED, NULL), 2);
    built_free(&bt);
    h_undefer(bad);
    free(bad);
}

static void test_chain__trusted_path_beats_shorter_untrusted(void **state)
{
    static const char *const want[] = {"xr3.pem", "xcross-valid.pem"};
    built bt;
    size_t item = SIZE_MAX;

    (void)state;
    /* Root X is in the input but not trusted; the longer path through the cross-sign ends at
     * the trusted old root and must win. */
    build(&bt, h_trust("xold.pem", NULL), NULL,
          h_load(NULL, "bundle-cross.pem", "xroot.pem", NULL));
    assert_chain_is(bt.chain, 2, want);
    assert_root_is(bt.chain, "xold.pem");
    assert_int_equal(cert_chain_trust(bt.chain), CERT_TRUST_OK);
    assert_int_equal(notes_of(bt.chain, CERT_NOTE_ALT_PATH, &item), 1);
    assert_int_equal(item, 3);
    built_free(&bt);
}

static void test_chain__trusted_path_beats_preferred_untrusted(void **state)
{
    static const char *const want[] = {"xr3.pem"};
    cert_chain_opts o = CERT_CHAIN_OPTS_INIT;
    built bt;

    (void)state;
    /* chain.h: trusted before untrusted, then the preferred issuer */
    o.preferred_chain = "libcert Test Old Root";
    build(&bt, h_trust("xroot.pem", NULL), &o, h_load(NULL, "bundle-cross.pem", "xold.pem", NULL));
    assert_chain_is(bt.chain, 1, want);
    assert_root_is(bt.chain, "xroot.pem");
    assert_int_equal(cert_chain_trust(bt.chain), CERT_TRUST_OK);
    built_free(&bt);
}

/* ---- trust ---- */

static void test_chain__untrusted_root_in_bundle(void **state)
{
    built bt;

    (void)state;
    build(&bt, h_trust("other-ca.pem", NULL), NULL, h_load(NULL, "bundle-root.pem", NULL));
    assert_int_equal(cert_chain_trust(bt.chain), CERT_TRUST_UNTRUSTED);
    assert_string_equal(cert_chain_trust_reason(bt.chain),
                        "the root " SUBJ_ROOT " is not in the trust store");
    assert_true(cert_chain_root_in_bundle(bt.chain));
    built_free(&bt);
}

static void test_chain__self_signed_leaf(void **state)
{
    built bt;

    (void)state;
    build(&bt, h_trust("root.pem", NULL), NULL,
          h_load(NULL, "selfsigned.pem", "selfsigned.key", NULL));
    assert_leaf_is(bt.chain, "selfsigned.pem");
    assert_int_equal(cert_chain_count(bt.chain), 0);
    assert_int_equal(cert_chain_trust(bt.chain), CERT_TRUST_UNTRUSTED);
    assert_string_equal(cert_chain_trust_reason(bt.chain),
                        "the root CN=self.example.com,O=libcert tests is not in the trust store");
    built_free(&bt);
}

static void test_chain__self_signed_leaf_as_its_own_anchor(void **state)
{
    built bt;

    (void)state;
    build(&bt, h_trust("selfsigned.pem", NULL), NULL,
          h_load(NULL, "selfsigned.pem", "selfsigned.key", NULL));
    assert_int_equal(cert_chain_trust(bt.chain), CERT_TRUST_OK);
    assert_int_equal(cert_chain_count(bt.chain), 0);
    built_free(&bt);
}

static void test_chain__untrusted_by_verification(void **state)
{
    built bt;
    X509 *root = fx_x509("root.pem");
    char path[] = "/tmp/libcert-rejected-XXXXXX";
    int fd = mkstemp(path);
    FILE *f;
    cert_trust *t = NULL;

    (void)state;
    /* A root the store marks as rejected ("TRUSTED CERTIFICATE" with reject anyExtendedKeyUsage,
     * as openssl x509 -addreject writes it): OpenSSL's verifier refuses the path. */
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    assert_non_null(f);
    assert_int_equal(X509_add1_reject_object(root, OBJ_nid2obj(NID_anyExtendedKeyUsage)), 1);
    assert_int_equal(PEM_write_X509_AUX(f, root), 1);
    fclose(f);
    X509_free(root);
    assert_cert_ok(cert_trust_new(path, NULL, &t));
    unlink(path);
    build(&bt, t, NULL, h_load(NULL, "bundle-good.pem", NULL));
    assert_int_equal(cert_chain_trust(bt.chain), CERT_TRUST_UNTRUSTED);
    assert_has(cert_chain_trust_reason(bt.chain), "rejected");
    built_free(&bt);
}

/* ---- backtracking: the paths tried in rank order, the first valid one chosen ---- */

static void assert_path_subjects(const cert_chain *c, size_t n, const char *const *cns)
{
    char buf[256];

    assert_int_equal(cert_chain_path_length(c), n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(
            cert__name_cn(X509_get_subject_name(cert_chain_path_at(c, i)), buf, sizeof(buf)),
            cns[i]);
    assert_null(cert_chain_path_at(c, n));
    assert_int_equal(cert_chain_path_item_at(c, n), SIZE_MAX);
}

static void test_chain__path_is_leaf_to_anchor(void **state)
{
    built bt;
    static const char *const want[] = {"www.example.com", "libcert Test Intermediate 2",
                                       "libcert Test Intermediate 1", "libcert Test Root CA"};

    (void)state;
    build(&bt, h_trust("root.pem", NULL), NULL, h_load(NULL, "bundle-good.pem", NULL));
    assert_path_subjects(bt.chain, 4, want);
    assert_int_equal(cert_chain_path_item_at(bt.chain, 0), 0);
    assert_int_equal(cert_chain_path_item_at(bt.chain, 3), SIZE_MAX); /* from the store */
    assert_int_equal(cert_chain_rejected_count(bt.chain), 0);
    assert_null(cert_chain_rejected_reason(bt.chain, 0));
    assert_int_equal(cert_chain_counter(bt.chain, CERT_CHAIN_PATHS_FOUND), 1);
    assert_int_equal(cert_chain_counter(bt.chain, CERT_CHAIN_PATHS_TRIED), 1);
    assert_int_equal(cert_chain_counter(bt.chain, CERT_CHAIN_BOUNDED), 0);
    assert_int_equal(cert_chain_counter(bt.chain, (cert_chain_counter_kind)99), 0);
    built_free(&bt);
}

static void test_chain__better_path_invalid_longer_valid(void **state)
{
    built bt;
    static const char *const want[] = {"www.example.com", "libcert Test Cross CA",
                                       "libcert Test Cross Mid", "libcert Test Cross Old Root"};

    (void)state;
    /* The shorter path's intermediate has an EKU without serverAuth: the longer one is taken,
     * and the shorter one is kept as rejected with the reason. */
    build(&bt, h_trust("pki/cross-ca.pem", NULL), NULL,
          h_load(NULL, "pki/cross-short-bad.pem", NULL));
    assert_int_equal(cert_chain_trust(bt.chain), CERT_TRUST_OK);
    assert_path_subjects(bt.chain, 4, want);
    assert_int_equal(cert_chain_rejected_count(bt.chain), 1);
    assert_int_equal(cert_chain_rejected_length(bt.chain, 0), 3);
    assert_has(cert_chain_rejected_reason(bt.chain, 0), "chain.eku: ", "serverAuth");
    assert_string_equal(h_subject(cert_chain_rejected_cert(bt.chain, 0, 2)),
                        "CN=libcert Test Root CA,O=libcert tests");
    assert_null(cert_chain_rejected_cert(bt.chain, 0, 3));
    assert_int_equal(cert_chain_rejected_length(bt.chain, 1), 0);
    assert_int_equal(cert_chain_counter(bt.chain, CERT_CHAIN_PATHS_TRIED), 2);
    built_free(&bt);
}

static void test_chain__preferred_path_invalid_other_valid(void **state)
{
    built bt;
    cert_chain_opts o = CERT_CHAIN_OPTS_INIT;
    static const char *const want[] = {"www.example.com", "libcert Test Cross CA",
                                       "libcert Test Root CA"};

    (void)state;
    /* --preferred-chain picks the longer path, whose mid certificate is SHA-1 signed: the other
     * path is taken; without a preference the shorter valid path is first anyway. */
    o.preferred_chain = "libcert Test Cross Old Root";
    build(&bt, h_trust("pki/cross-ca.pem", NULL), &o, h_load(NULL, "pki/cross-long-bad.pem", NULL));
    assert_path_subjects(bt.chain, 3, want);
    assert_int_equal(cert_chain_rejected_count(bt.chain), 1);
    assert_has(cert_chain_rejected_reason(bt.chain, 0), "sig.weak: ", "Cross Mid");
    built_free(&bt);
    build(&bt, h_trust("pki/cross-ca.pem", NULL), NULL,
          h_load(NULL, "pki/cross-long-bad.pem", NULL));
    assert_path_subjects(bt.chain, 3, want);
    assert_int_equal(cert_chain_rejected_count(bt.chain), 0);
    assert_int_equal(cert_chain_counter(bt.chain, CERT_CHAIN_PATHS_TRIED), 1);
    built_free(&bt);
}

static void test_chain__no_valid_path_reports_the_best(void **state)
{
    built bt;

    (void)state;
    /* One path, invalid: it is the chain, and nothing was rejected before it. */
    build(&bt, h_trust("root.pem", NULL), NULL, h_load(NULL, "pki/int-eku-email.pem", NULL));
    assert_int_equal(cert_chain_trust(bt.chain), CERT_TRUST_OK);
    assert_int_equal(cert_chain_path_length(bt.chain), 3);
    assert_int_equal(cert_chain_rejected_count(bt.chain), 0);
    built_free(&bt);
}

/* ---- depth, loops and the work bounds ---- */

static void test_chain__too_long_is_said_as_such(void **state)
{
    built bt;
    cert_chain_opts o = CERT_CHAIN_OPTS_INIT;

    (void)state;
    /* 13 intermediates: the leaf and 11 of them fill the 12 certificates of the default limit */
    build(&bt, h_trust("root.pem", NULL), NULL, h_load(NULL, "pki/deep.pem", NULL));
    assert_int_equal(cert_chain_trust(bt.chain), CERT_TRUST_TOO_LONG);
    assert_int_equal(cert_chain_path_length(bt.chain), 12);
    assert_null(cert_chain_missing_issuer(bt.chain));
    /* the certificates past the limit are the leaf's, not unrelated */
    for (size_t i = 0; i < cert_chain_note_count(bt.chain); i++)
        assert_int_not_equal(cert_chain_note_at(bt.chain, i)->kind, CERT_NOTE_UNRELATED);
    built_free(&bt);
    o.max_depth = 15;
    build(&bt, h_trust("root.pem", NULL), &o, h_load(NULL, "pki/deep.pem", NULL));
    assert_int_equal(cert_chain_trust(bt.chain), CERT_TRUST_OK);
    assert_int_equal(cert_chain_path_length(bt.chain), 15);
    assert_int_equal(cert_chain_note_count(bt.chain), 0);
    built_free(&bt);
    o.max_depth = 14; /* one short of the root */
    build(&bt, h_trust("root.pem", NULL), &o, h_load(NULL, "pki/deep.pem", NULL));
    assert_int_equal(cert_chain_trust(bt.chain), CERT_TRUST_TOO_LONG);
    built_free(&bt);
}

static void test_chain__loop_is_said_as_such(void **state)
{
    built bt;

    (void)state;
    build(&bt, h_trust("root.pem", NULL), NULL, h_load(NULL, "pki/loop.pem", NULL));
    assert_int_equal(cert_chain_trust(bt.chain), CERT_TRUST_LOOP);
    assert_int_equal(cert_chain_path_length(bt.chain), 3);
    assert_null(cert_chain_missing_issuer(bt.chain));
    assert_int_equal(cert_chain_note_count(bt.chain), 0);
    built_free(&bt);
}

static void test_chain__bomb_stays_within_bounds(void **state)
{
    built bt;
    struct timespec t0, t1;
    double ms;

    (void)state;
    /* 6 layers of 4 same-name CAs, each cross-signed by every CA of the layer above, without key
     * identifiers, no root: 4^6 paths and 96x16 candidate links. The search stops at its bounds
     * and says so; the counters show it did no more. */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    build(&bt, h_trust("root.pem", NULL), NULL, h_load(NULL, "pki/bomb.pem", NULL));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    assert_int_equal(cert_chain_counter(bt.chain, CERT_CHAIN_BOUNDED), 1);
    assert_true(cert_chain_counter(bt.chain, CERT_CHAIN_PATHS_FOUND) <= CERT_CHAIN_LIMIT_PATHS);
    assert_true(cert_chain_counter(bt.chain, CERT_CHAIN_SIG_CHECKS) <= CERT_CHAIN_LIMIT_SIG_CHECKS);
    assert_true(cert_chain_counter(bt.chain, CERT_CHAIN_CANDIDATES) <= CERT_CHAIN_LIMIT_CANDIDATES);
    assert_true(cert_chain_counter(bt.chain, CERT_CHAIN_STEPS) <= CERT_CHAIN_LIMIT_STEPS);
    assert_true(cert_chain_counter(bt.chain, CERT_CHAIN_PATHS_TRIED) <= CERT_CHAIN_LIMIT_PATHS);
    assert_int_not_equal(cert_chain_trust(bt.chain), CERT_TRUST_OK);
    if (ms > 3000)
        fail_msg("the bomb took %.0f ms", ms);
    built_free(&bt);
    /* Later builds in the same process: the signatures checked are remembered, all of them,
     * although every certificate has 16 same-name candidates (the cache spreads one child's
     * links over the table); the leaf's own 16 links are never cached (a leaf is seen once).
     * The fixtures' keys are new on every run, so where the links land in the table, and how
     * many collide, varies a little: 16 is the usual count, 17 has been seen; the old cache
     * (one child's links in 8 probes) checked 585 or more. */
    build(&bt, h_trust("root.pem", NULL), NULL, h_load(NULL, "pki/bomb.pem", NULL));
    assert_true(cert_chain_counter(bt.chain, CERT_CHAIN_SIG_CHECKS) <= CERT_CHAIN_LIMIT_SIG_CHECKS);
    built_free(&bt);
    build(&bt, h_trust("root.pem", NULL), NULL, h_load(NULL, "pki/bomb.pem", NULL));
    if (cert_chain_counter(bt.chain, CERT_CHAIN_SIG_CHECKS) > 64)
        fail_msg("a third build of the bomb checked %zu signatures again",
                 cert_chain_counter(bt.chain, CERT_CHAIN_SIG_CHECKS));
    built_free(&bt);
}

static void test_chain__opts_version_and_depth_checked(void **state)
{
    cert_bundle *b = h_load(NULL, "bundle-good.pem", NULL);
    cert_trust *t = h_trust("root.pem", NULL);
    cert_chain_opts o = CERT_CHAIN_OPTS_INIT;
    cert_chain *c;

    (void)state;
    o.version = CERT_CHAIN_OPTS_VERSION + 1;
    assert_cert_error(try_build(b, t, &o, &c), CERT_E_INVALID, "version");
    assert_null(c);
    o.version = CERT_CHAIN_OPTS_VERSION;
    o.max_depth = CERT_CHAIN_DEPTH_MAX + 1;
    assert_cert_error(try_build(b, t, &o, &c), CERT_E_INVALID, "max_depth");
    assert_null(c);
    /* a version 1 caller: max_depth and crls are not read (they are not in its struct) */
    o.version = 1;
    o.max_depth = 1;
    assert_cert_ok(try_build(b, t, &o, &c));
    assert_int_equal(cert_chain_trust(c), CERT_TRUST_OK);
    cert_chain_free(c);
    cert_bundle_free(b);
    cert_trust_free(t);
}

static void test_chain__crls_load_errors(void **state)
{
    cert_crls *crls = NULL;

    (void)state;
    assert_cert_ok(cert_crls_new(&crls));
    assert_cert_error(cert_crls_load_file(crls, fx("bundle-good.pem")), CERT_E_INPUT,
                      "bundle-good.pem", "not a CRL");
    assert_cert_error(cert_crls_load_file(crls, fx("no-such.crl")), CERT_E_IO, "no-such.crl");
    assert_cert_ok(cert_crls_load_file(crls, fx("pki/crl-int2-empty.pem")));
    assert_cert_ok(cert_crls_load_file(crls, fx("pki/crl-int2-empty.der")));
    assert_int_equal(cert_crls_count(crls), 2);
    assert_cert_error(cert_crls_load_file(NULL, "x"), CERT_E_INVALID, "NULL");
    cert_crls_free(crls);
    cert_crls_free(NULL);
    assert_int_equal(cert_crls_count(NULL), 0);
}

static void test_chain__other_trust_store_is_incomplete(void **state)
{
    built bt;

    (void)state;
    /* the chain ends at int1, whose issuer is in neither input nor store */
    build(&bt, h_trust("other-ca.pem", NULL), NULL, h_load(NULL, "bundle-good.pem", NULL));
    assert_int_equal(cert_chain_trust(bt.chain), CERT_TRUST_INCOMPLETE);
    assert_string_equal(cert_chain_missing_issuer(bt.chain), SUBJ_ROOT);
    assert_int_equal(cert_chain_count(bt.chain), 2);
    built_free(&bt);
}

static void test_chain__expiring_intermediate_still_chains(void **state)
{
    static const char *const want[] = {"int-short.pem", "int1.pem"};
    built bt;

    (void)state;
    build(&bt, h_trust("root.pem", NULL), NULL, h_load(NULL, "bundle-longleaf.pem", NULL));
    assert_leaf_is(bt.chain, "leaf-longleaf.pem");
    assert_chain_is(bt.chain, 2, want);
    assert_int_equal(cert_chain_trust(bt.chain), CERT_TRUST_OK);
    built_free(&bt);
}

static void test_chain__trust_new_errors(void **state)
{
    cert_trust *t = (cert_trust *)(uintptr_t)1;

    (void)state;
    assert_cert_error(cert_trust_new(fx("no-such-ca.pem"), NULL, &t), CERT_E_IO, "no-such-ca.pem");
    assert_null(t);
    t = (cert_trust *)(uintptr_t)1;
    assert_cert_error(cert_trust_new(fx("text-only.txt"), NULL, &t), CERT_E_INPUT, "text-only.txt");
    assert_null(t);
    t = (cert_trust *)(uintptr_t)1;
    assert_cert_error(cert_trust_new(NULL, fx("root.pem"), &t), CERT_E_IO, "root.pem",
                      "not a directory");
    assert_null(t);
    assert_cert_error(cert_trust_new(NULL, NULL, NULL), CERT_E_INVALID, "cert_trust_new");
    cert_trust_free(NULL);
}

static void test_chain__trust_hashed_directory(void **state)
{
    char *dir = h_tmpdir(), name[32], *link_path;
    X509 *root = fx_x509("root.pem");
    cert_trust *t = NULL;
    built bt;

    (void)state;
    snprintf(name, sizeof(name), "%08lx.0",
             X509_NAME_hash_ex(X509_get_subject_name(root), NULL, NULL, NULL));
    link_path = h_path(dir, name);
    assert_int_equal(symlink(fx("root.pem"), link_path), 0);
    assert_cert_ok(cert_trust_new(NULL, dir, &t));
    build(&bt, t, NULL, h_load(NULL, "bundle-good.pem", NULL));
    assert_int_equal(cert_chain_trust(bt.chain), CERT_TRUST_OK);
    assert_root_is(bt.chain, "root.pem");
    built_free(&bt);
    h_rmtree(dir);
    free(link_path);
    free(dir);
    X509_free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chain__good_bundle_in_issuing_order),
        cmocka_unit_test(test_chain__shuffled_input_is_reordered),
        cmocka_unit_test(test_chain__pkcs12_and_pkcs7_inputs),
        cmocka_unit_test(test_chain__root_in_bundle_omitted),
        cmocka_unit_test(test_chain__root_in_bundle_kept_with_root),
        cmocka_unit_test(test_chain__store_root_with_root),
        cmocka_unit_test(test_chain__write_pem_root_kept_or_left_out),
        cmocka_unit_test(test_chain__write_pem_never_adds_the_root),
        cmocka_unit_test(test_chain__write_pem_no_intermediates),
        cmocka_unit_test(test_chain__write_pem_null_arguments),
        cmocka_unit_test(test_chain__missing_intermediate),
        cmocka_unit_test(test_chain__unrelated_certificate),
        cmocka_unit_test(test_chain__duplicates_dropped),
        cmocka_unit_test(test_chain__duplicate_key),
        cmocka_unit_test(test_chain__leaf_picked_by_key),
        cmocka_unit_test(test_chain__leaf_without_key),
        cmocka_unit_test(test_chain__end_entity_preferred_over_ca_with_key),
        cmocka_unit_test(test_chain__ca_is_leaf_only_when_nothing_else),
        cmocka_unit_test(test_chain__wrong_key_is_unrelated),
        cmocka_unit_test(test_chain__ambiguous_leaf_lists_candidates),
        cmocka_unit_test(test_chain__leaf_by_sha256_with_and_without_colons),
        cmocka_unit_test(test_chain__leaf_by_cn_subject_and_dns),
        cmocka_unit_test(test_chain__leaf_selector_overrides_key),
        cmocka_unit_test(test_chain__leaf_selector_errors),
        cmocka_unit_test(test_chain__no_certificate),
        cmocka_unit_test(test_chain__null_bundle_sets_out_null),
        cmocka_unit_test(test_chain__cross_shortest_path_by_default),
        cmocka_unit_test(test_chain__preferred_chain_picks_cross),
        cmocka_unit_test(test_chain__preferred_chain_default_root),
        cmocka_unit_test(test_chain__expired_cross_dropped),
        cmocka_unit_test(test_chain__cross_not_yet_expired_is_alt_path),
        cmocka_unit_test(test_chain__cross_with_only_old_root_trusted),
        cmocka_unit_test(test_chain__trusted_path_beats_shorter_untrusted),
        cmocka_unit_test(test_chain__trusted_path_beats_preferred_untrusted),
        cmocka_unit_test(test_chain__bad_signature_breaks_the_link),
        cmocka_unit_test(test_chain__bad_leaf_signature),
        cmocka_unit_test(test_chain__untrusted_root_in_bundle),
        cmocka_unit_test(test_chain__self_signed_leaf),
        cmocka_unit_test(test_chain__self_signed_leaf_as_its_own_anchor),
        cmocka_unit_test(test_chain__untrusted_by_verification),
        cmocka_unit_test(test_chain__path_is_leaf_to_anchor),
        cmocka_unit_test(test_chain__better_path_invalid_longer_valid),
        cmocka_unit_test(test_chain__preferred_path_invalid_other_valid),
        cmocka_unit_test(test_chain__no_valid_path_reports_the_best),
        cmocka_unit_test(test_chain__too_long_is_said_as_such),
        cmocka_unit_test(test_chain__loop_is_said_as_such),
        cmocka_unit_test(test_chain__bomb_stays_within_bounds),
        cmocka_unit_test(test_chain__opts_version_and_depth_checked),
        cmocka_unit_test(test_chain__crls_load_errors),
        cmocka_unit_test(test_chain__other_trust_store_is_incomplete),
        cmocka_unit_test(test_chain__expiring_intermediate_still_chains),
        cmocka_unit_test(test_chain__trust_new_errors),
        cmocka_unit_test(test_chain__trust_hashed_directory),
    };

    return cmocka_run_group_tests(tests, NULL, h_teardown);
}
