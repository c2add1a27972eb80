/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for passphrase sources (cert_passin_new in libcert/bundle.h): pass:, env:, file:,
 * fd:, bad specs, batch mode. Nothing here may prompt: every source is a spec or batch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "x509/bundle_int.h"

#define ENV_VAR "LIBCERT_UNIT_TEST_PASS"

static cert_passin *make(const char *spec, bool batch)
{
    cert_passin *p = NULL;

    assert_cert_ok(cert_passin_new(spec, batch, &p));
    assert_non_null(p);
    return p;
}

/* The passphrase the source gives (internal accessor), as a string. */
static void assert_pass(cert_passin *p, const char *want)
{
    const char *pass = NULL;
    size_t len = 99;

    assert_cert_ok(cert_passin__get(p, "input.pem", &pass, &len));
    assert_non_null(pass);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(pass, want, len);
}

/* Load an encrypted fixture with this source; returns the error, frees everything. */
static cert_err load_with(cert_passin *p, const char *name, size_t *keys_out)
{
    cert_bundle_opts o = CERT_BUNDLE_OPTS_INIT;
    cert_bundle *b = NULL;
    cert_err err;

    o.passin = p;
    assert_cert_ok(cert_bundle_new(&b));
    cert_error_clear();
    err = cert_bundle_load_file(b, fx(name), &o);
    if (keys_out != NULL)
        *keys_out = cert_bundle_key_count(b);
    cert_bundle_free(b);
    return err;
}

static char *temp_file(const char *content, size_t len, char **dir_out)
{
    char *dir = h_tmpdir(), *path = h_path(dir, "pass");

    h_write_file(path, content, len, 0600);
    *dir_out = dir;
    return path;
}

/* ---- the forms ---- */

static void test_passin__pass_spec(void **state)
{
    cert_passin *p = make("pass:" FX_PASS, false);
    size_t keys = 0;

    (void)state;
    assert_pass(p, FX_PASS);
    assert_cert_ok(load_with(p, "key-pkcs8-aes.pem", &keys));
    assert_int_equal(keys, 1);
    assert_cert_ok(load_with(p, "key-rsa-trad-aes.pem", &keys));
    assert_int_equal(keys, 1);
    assert_cert_ok(load_with(p, "bundle-modern.p12", &keys));
    assert_int_equal(keys, 1);
    cert_passin_free(p);
    /* the text after "pass:" is the passphrase, colons and all */
    p = make("pass:a:b:c", true);
    assert_pass(p, "a:b:c");
    cert_passin_free(p);
    p = make("pass:", true);
    assert_pass(p, "");
    cert_passin_free(p);
}

static void test_passin__env_spec(void **state)
{
    cert_passin *p;
    size_t keys = 0;

    (void)state;
    assert_int_equal(setenv(ENV_VAR, FX_PASS, 1), 0);
    p = make("env:" ENV_VAR, false);
    assert_cert_ok(load_with(p, "key-pkcs8-aes.der", &keys));
    assert_int_equal(keys, 1);
    assert_pass(p, FX_PASS);
    cert_passin_free(p);
    assert_int_equal(unsetenv(ENV_VAR), 0);
}

static void test_passin__env_unset_names_file_and_variable(void **state)
{
    static const char *const files[] = {"key-pkcs8-aes.pem", "key-pkcs8-aes.der",
                                        "key-rsa-trad-aes.pem", "bundle-modern.p12"};

    (void)state;
    assert_int_equal(unsetenv(ENV_VAR), 0);
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        cert_passin *p = make("env:" ENV_VAR, false);

        assert_cert_error(load_with(p, files[i], NULL), CERT_E_INPUT, files[i], "env:" ENV_VAR);
        cert_passin_free(p);
    }
}

static void test_passin__file_spec_first_line(void **state)
{
    static const struct {
        const char *content;
        const char *want;
    } cases[] = {
        {FX_PASS, FX_PASS},        {FX_PASS "\n", FX_PASS},
        {FX_PASS "\r\n", FX_PASS}, {FX_PASS "\nsecond line\n", FX_PASS},
        {"\n" FX_PASS "\n", ""},   {"with space \n", "with space "},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *dir, *path = temp_file(cases[i].content, strlen(cases[i].content), &dir), *spec;
        cert_passin *p;

        assert_true(asprintf(&spec, "file:%s", path) > 0);
        p = make(spec, false);
        assert_pass(p, cases[i].want);
        cert_passin_free(p);
        free(spec);
        h_rmtree(dir);
        free(dir);
        free(path);
    }
}

static void test_passin__file_spec_loads_fixture(void **state)
{
    char *spec;
    cert_passin *p;
    size_t keys = 0;

    (void)state;
    /* pass.txt holds the passphrase without a newline */
    assert_true(asprintf(&spec, "file:%s", fx("pass.txt")) > 0);
    p = make(spec, true);
    assert_cert_ok(load_with(p, "key-pkcs8-scrypt.pem", &keys));
    assert_int_equal(keys, 1);
    assert_cert_ok(load_with(p, "bundle-3des.p12", &keys));
    assert_int_equal(keys, 1);
    cert_passin_free(p);
    free(spec);
}

static void test_passin__file_spec_missing(void **state)
{
    char *spec;
    const char *missing = fx("no-such-pass.txt");
    cert_passin *p;

    (void)state;
    assert_true(asprintf(&spec, "file:%s", missing) > 0);
    /* the file is read when a passphrase is needed, not before */
    p = make(spec, true);
    assert_cert_error(load_with(p, "key-pkcs8-aes.pem", NULL), CERT_E_INPUT, missing);
    assert_cert_error(load_with(p, "key-rsa-trad-aes.pem", NULL), CERT_E_INPUT, missing);
    cert_passin_free(p);
    free(spec);
}

static void test_passin__fd_spec_read_once(void **state)
{
    int fds[2];
    char spec[32];
    cert_passin *p;
    size_t keys = 0;

    (void)state;
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], FX_PASS "\nrest\n", 15), 15);
    close(fds[1]);
    snprintf(spec, sizeof(spec), "fd:%d", fds[0]);
    p = make(spec, false);
    /* one source for several encrypted inputs: read once, used for each */
    assert_cert_ok(load_with(p, "key-pkcs8-aes.pem", &keys));
    assert_int_equal(keys, 1);
    assert_cert_ok(load_with(p, "bundle-modern.p12", &keys));
    assert_cert_ok(load_with(p, "key-rsa-trad-des3.pem", &keys));
    assert_pass(p, FX_PASS);
    cert_passin_free(p);
    close(fds[0]);
}

static void test_passin__fd_spec_crlf_and_eof(void **state)
{
    int fds[2];
    char spec[32];
    cert_passin *p;

    (void)state;
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], "abc\r\n", 5), 5);
    close(fds[1]);
    snprintf(spec, sizeof(spec), "fd:%d", fds[0]);
    p = make(spec, true);
    assert_pass(p, "abc");
    cert_passin_free(p);
    close(fds[0]);
    /* no newline before EOF */
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], "xyz", 3), 3);
    close(fds[1]);
    snprintf(spec, sizeof(spec), "fd:%d", fds[0]);
    p = make(spec, true);
    assert_pass(p, "xyz");
    cert_passin_free(p);
    close(fds[0]);
}

/* ---- wrong, missing, too long ---- */

static void test_passin__wrong_passphrase_names_file(void **state)
{
    static const char *const files[] = {"key-pkcs8-aes.pem",    "key-pkcs8-aes.der",
                                        "key-rsa-trad-aes.pem", "key-ec-trad-aes.pem",
                                        "bundle-modern.p12",    "bundle-legacy.p12"};

    (void)state;
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        cert_passin *p = make("pass:not-the-pass", true);
        size_t keys = 9;

        assert_cert_error(load_with(p, files[i], &keys), CERT_E_INPUT, files[i]);
        assert_int_equal(keys, 0);
        /* a given passphrase stays what it is after failing */
        assert_pass(p, "not-the-pass");
        cert_passin_free(p);
    }
}

static void test_passin__batch_without_spec_names_file(void **state)
{
    static const char *const files[] = {"key-pkcs8-aes.pem",    "key-pkcs8-aes.der",
                                        "key-rsa-trad-aes.pem", "key-pkcs8-legacy.pem",
                                        "bundle-modern.p12",    "bundle-3des.p12"};

    (void)state;
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        cert_passin *p = make(NULL, true);

        assert_cert_error(load_with(p, files[i], NULL), CERT_E_INPUT, files[i], "--passin");
        cert_passin_free(p);
    }
    {
        cert_passin *p = make(NULL, true);
        const char *pass = NULL;
        size_t len = 0;

        assert_cert_error(cert_passin__get(p, "x.pem", &pass, &len), CERT_E_INPUT, "x.pem",
                          "--passin", "--batch");
        cert_passin_free(p);
    }
}

static void test_passin__unencrypted_input_needs_no_passphrase(void **state)
{
    cert_passin *p = make(NULL, true);
    size_t keys = 0;

    (void)state;
    assert_cert_ok(load_with(p, "bundle-good.pem", &keys));
    assert_int_equal(keys, 1);
    assert_cert_ok(load_with(p, "bundle-emptypass.p12", &keys));
    assert_int_equal(keys, 1);
    cert_passin_free(p);
}

static void test_passin__too_long(void **state)
{
    char *spec = malloc(5 + 2000 + 1), *dir, *path;
    cert_passin *p;
    const char *pass;
    size_t len;

    (void)state;
    assert_non_null(spec);
    memcpy(spec, "pass:", 5);
    memset(spec + 5, 'x', 2000);
    spec[2005] = '\0';
    p = make(spec, true);
    assert_cert_error(cert_passin__get(p, "in.pem", &pass, &len), CERT_E_INPUT, "longer than");
    cert_passin_free(p);
    path = temp_file(spec, 2005, &dir);
    free(spec);
    assert_true(asprintf(&spec, "file:%s", path) > 0);
    p = make(spec, true);
    assert_cert_error(cert_passin__get(p, "in.pem", &pass, &len), CERT_E_INPUT, path,
                      "longer than");
    cert_passin_free(p);
    h_rmtree(dir);
    free(dir);
    free(path);
    free(spec);
}

/* ---- bad specs ---- */

static void test_passin__bad_specs_are_invalid(void **state)
{
    static const char *const bad[] = {
        "test-pass", "",      "PASS:x",   "stdin", "env:", "file:", "fd:",
        "fd:abc",    "fd:-1", "fd:70000", "fd:3x", "pass", "file",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cert_passin *p = (cert_passin *)(uintptr_t)1;
        cert_err err = cert_passin_new(bad[i], true, &p);

        if (err != CERT_E_INVALID)
            fail_msg("cert_passin_new(\"%s\") gave %d, expected CERT_E_INVALID", bad[i], (int)err);
        assert_int_equal(cert_error_last()->code, CERT_E_INVALID);
        assert_has(cert_error_last()->message, "--passin");
        assert_null(p);
    }
    assert_cert_error(cert_passin_new("pass:x", true, NULL), CERT_E_INVALID, "cert_passin_new");
    cert_passin_free(NULL);
}

static void test_passin__bad_spec_is_not_echoed(void **state)
{
    cert_passin *p = NULL;

    (void)state;
    /* a passphrase typed without "pass:" must not end up in a message */
    assert_cert_error(cert_passin_new("Secret-Word-42", true, &p), CERT_E_INVALID, "pass:TEXT",
                      "env:VAR", "file:PATH", "fd:N");
    assert_false(h_contains(cert_error_last()->message, "Secret-Word-42"));
    assert_null(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_passin__pass_spec),
        cmocka_unit_test(test_passin__env_spec),
        cmocka_unit_test(test_passin__env_unset_names_file_and_variable),
        cmocka_unit_test(test_passin__file_spec_first_line),
        cmocka_unit_test(test_passin__file_spec_loads_fixture),
        cmocka_unit_test(test_passin__file_spec_missing),
        cmocka_unit_test(test_passin__fd_spec_read_once),
        cmocka_unit_test(test_passin__fd_spec_crlf_and_eof),
        cmocka_unit_test(test_passin__wrong_passphrase_names_file),
        cmocka_unit_test(test_passin__batch_without_spec_names_file),
        cmocka_unit_test(test_passin__unencrypted_input_needs_no_passphrase),
        cmocka_unit_test(test_passin__too_long),
        cmocka_unit_test(test_passin__bad_specs_are_invalid),
        cmocka_unit_test(test_passin__bad_spec_is_not_echoed),
    };

    return cmocka_run_group_tests(tests, NULL, h_teardown);
}
