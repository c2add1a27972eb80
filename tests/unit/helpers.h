/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared helpers for the unit tests: fixture paths, loading fixtures with OpenSSL directly (to
 * compare the library against), the load -> chain -> checks pipeline at the pinned time, and
 * assertions that print libcert's error message when they fail.
 *
 * Every test binary is linked with helpers.c; cmocka must be included through this header.
 */
#ifndef LIBCERT_TESTS_HELPERS_H
#define LIBCERT_TESTS_HELPERS_H

/* cmocka.h needs these before it, in this order */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdbool.h>

#include "libcert/libcert.h"

/* The fixtures' pinned "now": 2026-01-01T00:00:00Z (tests/fixtures/README.md). */
#define FX_NOW INT64_C(1767225600)
#define FX_NOW_TEXT "2026-01-01T00:00:00Z"
/* The passphrase of every encrypted fixture. */
#define FX_PASS "test-pass"

/* Subjects as RFC 2253 strings, the form libcert prints. */
#define SUBJ_ROOT "CN=libcert Test Root CA,O=libcert tests"
#define SUBJ_INT1 "CN=libcert Test Intermediate 1,O=libcert tests"
#define SUBJ_INT2 "CN=libcert Test Intermediate 2,O=libcert tests"
#define SUBJ_LEAF "CN=www.example.com,O=libcert tests"

/**
 * $LIBCERT_FIXTURES/name. Fails the running test when LIBCERT_FIXTURES is unset (run the tests
 * through ctest). The string lives until 64 further calls (a ring of buffers), so several may
 * be used in one expression.
 */
const char *fx(const char *name);

/** The whole fixture file, NUL-terminated; free() it. Fails the test when unreadable. */
char *fx_read(const char *name, size_t *len_out);

/** The first certificate of a fixture (PEM or DER), parsed by OpenSSL; X509_free() it. */
X509 *fx_x509(const char *name);

/** The first private key of an unencrypted PEM fixture, parsed by OpenSSL; EVP_PKEY_free() it. */
EVP_PKEY *fx_key(const char *name);

/**
 * The 1-based line numbers of the `-----BEGIN ` lines of a fixture, computed from the file (line
 * counts vary with random key sizes, so tests never hard-code them).
 * @return how many were found (at most max are stored)
 */
size_t fx_begin_lines(const char *name, size_t *lines, size_t max);

/** SHA-256 of a certificate's DER, as lower-case hex (65 bytes) into buf. */
char *h_sha256_hex(X509 *x, char buf[65]);

/** RFC 2253 subject of x (as libcert formats it); the string lives until 64 further calls. */
const char *h_subject(const X509 *x);

/** Whether haystack contains needle. */
bool h_contains(const char *haystack, const char *needle);

/**
 * Load fixture files (a NULL-terminated list of names) into a new bundle; fails the test on an
 * error. opts may be NULL.
 */
cert_bundle *h_load(const cert_bundle_opts *opts, ...);

/**
 * A trust store of the named fixtures (NULL-terminated); with more than one they are concatenated
 * into a temporary file, removed again before returning.
 */
cert_trust *h_trust(const char *first, ...);

/** Options for h_pipeline(). */
typedef struct h_opts {
    const char *trust[4];  /* fixture names; none means root.pem */
    cert_chain_opts chain; /* trust, crls and (when CERT_TIME_NOW) now are filled in */
    cert_check_opts check; /* now is filled in when CERT_TIME_NOW */
    cert_bundle_opts bundle;
    bool system_trust;  /* trust[0] (or root.pem) made the system's default store, through
                           SSL_CERT_FILE: the public-root rules apply */
    const char *crl[3]; /* fixture names of CRLs to apply */
} h_opts;

#define H_OPTS_INIT                                                                                \
    {                                                                                              \
        {NULL}, CERT_CHAIN_OPTS_INIT, CERT_CHECK_OPTS_INIT, CERT_BUNDLE_OPTS_INIT, false,          \
        {                                                                                          \
            NULL                                                                                   \
        }                                                                                          \
    }

/** What h_pipeline() made (registered with h_defer()); free with h_run_free(). */
typedef struct h_run {
    cert_bundle *bundle;
    cert_trust *trust;
    cert_crls *crls;
    cert_chain *chain;
    cert_findings *findings;
} h_run;

/**
 * Load the fixtures (NULL-terminated names), build the chain with the pinned clock and a trust
 * store (root.pem unless o->trust names others) and run the checks. Fails the test on any error.
 */
void h_pipeline(h_run *r, const h_opts *o, ...);

void h_run_free(h_run *r);

/**
 * The finding codes, sorted and joined with ","; duplicates kept ("chain.duplicate,
 * chain.duplicate"). free() it.
 */
char *h_codes(const cert_findings *f);

/** Assert the exact multiset of finding codes; `expected` is comma-joined in any order. */
#define assert_codes(findings, expected) h_assert_codes_((findings), (expected), __FILE__, __LINE__)
void h_assert_codes_(const cert_findings *f, const char *expected, const char *file, int line);

/** Assert a call returned CERT_OK; prints cert_error_last() when it did not. */
#define assert_cert_ok(expr) h_assert_ok_((expr), #expr, __FILE__, __LINE__)
void h_assert_ok_(cert_err got, const char *what, const char *file, int line);

/**
 * Assert a call failed with `want`, that cert_error_last() holds the same code, and that its
 * message contains every given substring (at least one: the input's name).
 */
#define assert_cert_error(got, want, ...)                                                          \
    h_assert_error_((got), (want), __FILE__, __LINE__, __VA_ARGS__, (const char *)NULL)
void h_assert_error_(cert_err got, cert_err want, const char *file, int line, ...);

/** Assert that a string contains every given substring. */
#define assert_has(text, ...)                                                                      \
    h_assert_has_((text), __FILE__, __LINE__, __VA_ARGS__, (const char *)NULL)
void h_assert_has_(const char *text, const char *file, int line, ...);

/** Assert two certificates are the same (X509_cmp); prints both subjects otherwise. */
#define assert_same_cert(a, b) h_assert_same_cert_((a), (b), __FILE__, __LINE__)
void h_assert_same_cert_(const X509 *a, const X509 *b, const char *file, int line);

/*
 * Objects a failing assertion would leak (cmocka leaves a test by longjmp): register them with
 * h_defer() and forget them with h_undefer() when the test frees them itself; h_teardown(), the
 * group teardown of every test binary, frees what is left, newest first.
 */
typedef enum h_kind {
    H_BUNDLE,
    H_TRUST,
    H_CHAIN,
    H_FINDINGS,
    H_X509,
    H_PKEY,
    H_MEM,
    H_CRLS
} h_kind;
void h_defer(h_kind kind, void *p);
void h_undefer(const void *p);
int h_teardown(void **state);

/**
 * Run fn(arg) in a child process, so that a crash or heap corruption in the library fails only
 * this test (and is reported as such) instead of ending the whole test binary. fn must not use
 * cmocka assertions: it returns NULL on success or a message saying what went wrong.
 */
typedef const char *(*h_child_fn)(void *arg);
#define assert_in_child(fn, arg) h_in_child_((fn), (arg), 60, #fn, __FILE__, __LINE__)
/** The same, killing the child (SIGALRM) when it runs longer than `seconds`. */
#define assert_in_child_within(seconds, fn, arg)                                                   \
    h_in_child_((fn), (arg), (seconds), #fn, __FILE__, __LINE__)
void h_in_child_(h_child_fn fn, void *arg, unsigned int seconds, const char *what, const char *file,
                 int line);

/** A fresh private directory (mkdtemp); free() the path after h_rmtree(). */
char *h_tmpdir(void);

/** Remove a directory tree (tests' own temporary directories only). */
void h_rmtree(const char *path);

/** Write bytes to a file with a mode (created or truncated); fails the test on error. */
void h_write_file(const char *path, const void *data, size_t len, unsigned int mode);

/** Join dir and name; free() it. */
char *h_path(const char *dir, const char *name);

/** Seconds on a monotonic clock. */
double h_now_seconds(void);

#endif

/* ---- Local test servers (python, on 127.0.0.1) and a tiny HTTP client ---- */
#ifndef LIBCERT_TESTS_HELPERS_SERVER_H
#define LIBCERT_TESTS_HELPERS_SERVER_H

#include <sys/types.h>

/** A python server started by h_server_start(). */
typedef struct h_server {
    pid_t pid;
    int port;
    char url[64]; /* "http://127.0.0.1:PORT" */
    char *dir;    /* holds the port file and the server's log */
    double startup_s;
} h_server;

/**
 * Start $LIBCERT_PYTHON $LIBCERT_SRC/tests/emulator/<script> --port 0 --port-file F [args...]
 * (args NULL-terminated, may be NULL) and wait until it has written its port (at most 60 s).
 * Its stdout and stderr go to a log file that is printed when it fails to start. Fails the
 * test when it cannot start.
 */
void h_server_start(h_server *s, const char *script, const char *const *args);

/** SIGTERM, wait (then SIGKILL after 10 s), remove its directory. Safe on a zeroed struct. */
void h_server_stop(h_server *s);

/**
 * One HTTP/1.1 exchange with 127.0.0.1:port ("Connection: close"); body may be NULL, sent as
 * application/json. Returns the answer's body (NUL-terminated, free() it) and its status in
 * *status (0 when no answer came). Fails the test when it cannot connect.
 */
char *h_http(int port, const char *method, const char *path, const char *body, int *status);

/** Set (value non-NULL) or unset an environment variable; fails the test on error. */
void h_setenv(const char *name, const char *value);

#endif
