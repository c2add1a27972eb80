/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for keys (libcert/key.h): matching, describing, writing PEM. */
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

/* The private key of a fixture, loaded through libcert (any form, passphrase test-pass). */
static EVP_PKEY *lib_key(const char *name, cert_bundle **holder)
{
    cert_bundle_opts o = CERT_BUNDLE_OPTS_INIT;

    assert_cert_ok(cert_passin_new("pass:" FX_PASS, true, &o.passin));
    *holder = h_load(&o, name, NULL);
    cert_passin_free(o.passin);
    assert_int_equal(cert_bundle_key_count(*holder), 1);
    return cert_bundle_key_at(*holder, 0);
}

static void test_key__matches_own_certificate(void **state)
{
    static const char *const names[] = {"rsa1024", "rsa2048", "rsa4096",    "p256",
                                        "p384",    "p521",    "ed25519",    "ed448",
                                        "rsapss",  "dsa",     "ec-explicit"};

    (void)state;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char cf[64], kf[64];
        X509 *x;
        EVP_PKEY *k;

        snprintf(cf, sizeof(cf), "leaf-%s.pem", names[i]);
        snprintf(kf, sizeof(kf), "leaf-%s.key", names[i]);
        x = fx_x509(cf);
        k = fx_key(kf);
        if (!cert_key_matches(x, k))
            fail_msg("%s should match %s", kf, cf);
        X509_free(x);
        EVP_PKEY_free(k);
    }
}

static void test_key__does_not_match_other_certificates(void **state)
{
    static const struct {
        const char *cert, *key;
    } cases[] = {
        {"leaf-rsa2048.pem", "leaf-rsa3072.key"},  /* same type, other key */
        {"leaf-rsa2048.pem", "leaf-p256.key"},     /* other type */
        {"leaf-p256.pem", "leaf-p384.key"},        /* other curve */
        {"leaf-p256.pem", "leaf-ec-explicit.key"}, /* same curve, other key */
        {"leaf-ed25519.pem", "leaf-ed448.key"},    {"int2.pem", "int1.key"},
        {"leaf-rsa2048.pem", "int2.key"}, /* the issuer's key is not the leaf's */
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        X509 *x = fx_x509(cases[i].cert);
        EVP_PKEY *k = fx_key(cases[i].key);

        if (cert_key_matches(x, k))
            fail_msg("%s should not match %s", cases[i].key, cases[i].cert);
        X509_free(x);
        EVP_PKEY_free(k);
    }
    {
        X509 *x = fx_x509("leaf-rsa2048.pem");

        assert_false(cert_key_matches(x, NULL));
        X509_free(x);
    }
}

static void test_key__matches_decrypted_and_traditional_forms(void **state)
{
    static const char *const forms[] = {"key-pkcs8-aes.pem", "key-rsa-trad-des3.pem",
                                        "key-rsa2048-trad.pem", "key-rsa2048.der"};
    X509 *x = fx_x509("leaf-rsa2048.pem");

    (void)state;
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        cert_bundle *b = NULL;

        if (!cert_key_matches(x, lib_key(forms[i], &b)))
            fail_msg("%s should match leaf-rsa2048.pem", forms[i]);
        cert_bundle_free(b);
    }
    X509_free(x);
}

static void test_key__describe(void **state)
{
    static const struct {
        const char *name, *want;
    } cases[] = {
        {"rsa1024", "RSA 1024"},
        {"rsa1536", "RSA 1536"},
        {"rsa2048", "RSA 2048"},
        {"rsa3072", "RSA 3072"},
        {"rsa4096", "RSA 4096"},
        {"p256", "ECDSA P-256"},
        {"p384", "ECDSA P-384"},
        {"p521", "ECDSA P-521"},
        {"ec-explicit", "ECDSA P-256 (explicit parameters)"},
        {"ed25519", "Ed25519"},
        {"ed448", "Ed448"},
        {"rsapss", "RSA-PSS 2048"},
        {"dsa", "DSA 2048"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char f[64], buf[128];
        X509 *x;
        EVP_PKEY *k;

        /* the private key and the certificate's public key describe alike */
        snprintf(f, sizeof(f), "leaf-%s.key", cases[i].name);
        k = fx_key(f);
        memset(buf, 'X', sizeof(buf));
        assert_ptr_equal(cert_key_describe(k, buf, sizeof(buf)), buf);
        if (strcmp(buf, cases[i].want) != 0)
            fail_msg("%s describes as \"%s\", expected \"%s\"", f, buf, cases[i].want);
        EVP_PKEY_free(k);
        snprintf(f, sizeof(f), "leaf-%s.pem", cases[i].name);
        x = fx_x509(f);
        cert_key_describe(X509_get0_pubkey(x), buf, sizeof(buf));
        if (strcmp(buf, cases[i].want) != 0)
            fail_msg("the public key of %s describes as \"%s\", expected \"%s\"", f, buf,
                     cases[i].want);
        X509_free(x);
    }
}

static void test_key__describe_small_buffers(void **state)
{
    EVP_PKEY *k = fx_key("leaf-p256.key");
    char small[6], none[3] = "ab";
    char nokey[16];

    (void)state;
    cert_key_describe(k, small, sizeof(small));
    assert_string_equal(small, "ECDSA");
    cert_key_describe(k, none, 0);
    assert_string_equal(none, "ab");
    cert_key_describe(NULL, nokey, sizeof(nokey));
    assert_string_equal(nokey, "no key");
    EVP_PKEY_free(k);
}

/* Parse PEM text back with OpenSSL. */
static EVP_PKEY *parse_back(const char *pem, size_t len)
{
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    EVP_PKEY *k;

    assert_non_null(bio);
    k = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    BIO_free(bio);
    assert_non_null(k);
    return k;
}

static void write_case(const char *keyfile, cert_key_format fmt, const char *begin)
{
    EVP_PKEY *k = fx_key(keyfile), *back;
    char *pem = NULL, *again = NULL;
    size_t len = 0, len2 = 0;

    assert_cert_ok(cert_key_write_pem(k, fmt, &pem, &len));
    assert_non_null(pem);
    assert_int_equal(strlen(pem), len);
    if (strncmp(pem, begin, strlen(begin)) != 0)
        fail_msg("%s written as %.40s..., expected %s", keyfile, pem, begin);
    assert_null(strchr(pem, '\r'));
    assert_int_equal(pem[len - 1], '\n');
    assert_null(strstr(pem, "ENCRYPTED"));
    back = parse_back(pem, len);
    assert_int_equal(EVP_PKEY_eq(back, k), 1);
    /* the same key always gives the same bytes */
    assert_cert_ok(cert_key_write_pem(k, fmt, &again, &len2));
    assert_int_equal(len, len2);
    assert_memory_equal(pem, again, len);
    cert_secret_free(pem, len);
    cert_secret_free(again, len2);
    EVP_PKEY_free(back);
    EVP_PKEY_free(k);
}

static void test_key__write_pkcs8_round_trip(void **state)
{
    static const char *const keys[] = {"leaf-rsa2048.key", "leaf-p256.key", "leaf-ed25519.key",
                                       "leaf-ed448.key",   "leaf-dsa.key",  "leaf-rsapss.key"};

    (void)state;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        write_case(keys[i], CERT_KEY_PKCS8, "-----BEGIN PRIVATE KEY-----\n");
}

static void test_key__write_traditional(void **state)
{
    (void)state;
    write_case("leaf-rsa2048.key", CERT_KEY_TRADITIONAL, "-----BEGIN RSA PRIVATE KEY-----\n");
    write_case("leaf-p256.key", CERT_KEY_TRADITIONAL, "-----BEGIN EC PRIVATE KEY-----\n");
}

static void test_key__write_traditional_refused_for_other_types(void **state)
{
    static const char *const keys[] = {"leaf-ed25519.key", "leaf-ed448.key", "leaf-dsa.key",
                                       "leaf-rsapss.key"};

    (void)state;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        EVP_PKEY *k = fx_key(keys[i]);
        char *pem = (char *)(uintptr_t)1;
        size_t len = 99;

        assert_cert_error(cert_key_write_pem(k, CERT_KEY_TRADITIONAL, &pem, &len), CERT_E_INVALID,
                          "traditional", "PKCS#8");
        assert_null(pem);
        assert_int_equal(len, 0);
        EVP_PKEY_free(k);
    }
}

static void test_key__write_decrypted_key_unencrypted(void **state)
{
    cert_bundle *b = NULL;
    EVP_PKEY *k = lib_key("key-pkcs8-scrypt.pem", &b), *back;
    EVP_PKEY *plain = fx_key("leaf-rsa2048.key");
    char *pem = NULL;
    size_t len = 0;

    (void)state;
    assert_cert_ok(cert_key_write_pem(k, CERT_KEY_PKCS8, &pem, &len));
    assert_has(pem, "-----BEGIN PRIVATE KEY-----");
    back = parse_back(pem, len);
    assert_int_equal(EVP_PKEY_eq(back, plain), 1);
    cert_secret_free(pem, len);
    EVP_PKEY_free(back);
    EVP_PKEY_free(plain);
    cert_bundle_free(b);
}

/* The key written as PKCS#8 is exactly the fixture file's text. */
static void assert_written_as_fixture(EVP_PKEY *k, const char *fixture)
{
    size_t len = 0, wlen;
    char *pem = NULL, *want = fx_read(fixture, &wlen);

    assert_cert_ok(cert_key_write_pem(k, CERT_KEY_PKCS8, &pem, &len));
    assert_int_equal(len, wlen);
    assert_memory_equal(pem, want, len);
    cert_secret_free(pem, len);
    free(want);
}

/* A key read as plain PKCS#8 is written back as the input's bytes (no encoder); what OpenSSL's
 * encoder writes for the same key (the fixtures come from openssl genpkey) is the same text. A
 * PKCS#8 with attributes goes through the encoder, which drops them. */
static void test_key__write_pkcs8_as_given(void **state)
{
    static const char *const keys[] = {"leaf-rsa2048.key", "leaf-p256.key", "leaf-ed25519.key",
                                       "leaf-rsapss.key"};
    EVP_PKEY *k, *plain;
    PKCS8_PRIV_KEY_INFO *p8;
    cert_bundle *b = NULL;
    BIO *bio;
    char *want, *with_attr;
    size_t wlen, alen;

    (void)state;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        k = lib_key(keys[i], &b);
        assert_written_as_fixture(k, keys[i]);
        cert_bundle_free(b);
    }

    plain = fx_key("leaf-rsa2048.key");
    p8 = EVP_PKEY2PKCS8(plain);
    assert_non_null(p8);
    assert_int_equal(PKCS8_pkey_add1_attr_by_NID(p8, NID_localKeyID, V_ASN1_OCTET_STRING,
                                                 (const unsigned char *)"\x01\x02", 2),
                     1);
    bio = BIO_new(BIO_s_mem());
    assert_int_equal(PEM_write_bio_PKCS8_PRIV_KEY_INFO(bio, p8), 1);
    alen = (size_t)BIO_get_mem_data(bio, &with_attr);
    assert_cert_ok(cert_bundle_new(&b));
    assert_cert_ok(cert_bundle_load_mem(b, (const uint8_t *)with_attr, alen, "attr.pem", NULL));
    assert_int_equal(cert_bundle_key_count(b), 1);
    k = cert_bundle_key_at(b, 0);
    want = fx_read("leaf-rsa2048.key", &wlen);
    assert_true(alen > wlen); /* the input has the attribute */
    free(want);
    assert_written_as_fixture(k, "leaf-rsa2048.key");
    BIO_free(bio);
    PKCS8_PRIV_KEY_INFO_free(p8);
    EVP_PKEY_free(plain);
    cert_bundle_free(b);
}

static void test_key__write_invalid_arguments(void **state)
{
    EVP_PKEY *k = fx_key("leaf-p256.key");
    char *pem = NULL;
    size_t len = 0;

    (void)state;
    assert_cert_error(cert_key_write_pem(NULL, CERT_KEY_PKCS8, &pem, &len), CERT_E_INVALID,
                      "cert_key_write_pem");
    assert_cert_error(cert_key_write_pem(k, CERT_KEY_PKCS8, NULL, &len), CERT_E_INVALID,
                      "cert_key_write_pem");
    assert_cert_error(cert_key_write_pem(k, CERT_KEY_PKCS8, &pem, NULL), CERT_E_INVALID,
                      "cert_key_write_pem");
    cert_secret_free(NULL, 0);
    EVP_PKEY_free(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key__matches_own_certificate),
        cmocka_unit_test(test_key__does_not_match_other_certificates),
        cmocka_unit_test(test_key__matches_decrypted_and_traditional_forms),
        cmocka_unit_test(test_key__describe),
        cmocka_unit_test(test_key__describe_small_buffers),
        cmocka_unit_test(test_key__write_pkcs8_round_trip),
        cmocka_unit_test(test_key__write_traditional),
        cmocka_unit_test(test_key__write_traditional_refused_for_other_types),
        cmocka_unit_test(test_key__write_decrypted_key_unencrypted),
        cmocka_unit_test(test_key__write_pkcs8_as_given),
        cmocka_unit_test(test_key__write_invalid_arguments),
    };

    return cmocka_run_group_tests(tests, NULL, h_teardown);
}
