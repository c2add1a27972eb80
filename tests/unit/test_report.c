/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for reports (libcert/report.h): the pipeline, exit codes, the JSON schema (parsed
 * back with jansson), text rendering, and cert_report_each with one and several threads. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "report/render_int.h"

/* ---- local helpers ---- */

typedef struct rep {
    cert_trust *trust;
    cert_report_opts opts;
} rep;

/* Report options at the pinned time, trusting root.pem. */
static void rep_init(rep *r)
{
    static const cert_report_opts init = CERT_REPORT_OPTS_INIT;

    r->trust = h_trust("root.pem", NULL);
    r->opts = init;
    r->opts.chain.trust = r->trust;
    r->opts.check.now = FX_NOW;
}

static void rep_fini(rep *r)
{
    cert_passin_free(r->opts.bundle.passin);
    cert_trust_free(r->trust);
}

static cert_report *build1(const rep *r, const char *fixture)
{
    const char *in[1] = {fx(fixture)};
    cert_report *out = NULL;

    assert_cert_ok(cert_report_build(in, 1, &r->opts, &out));
    assert_non_null(out);
    return out;
}

/* Render to a string; free() it. */
static char *render(const cert_report *r, cert_output fmt, const cert_text_opts *t)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    assert_non_null(f);
    assert_cert_ok(cert_report_write(r, fmt, t, f));
    assert_int_equal(fclose(f), 0);
    return buf;
}

static json_t *parse(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);

    if (j == NULL)
        fail_msg("not JSON (line %d: %s):\n%s", e.line, e.text, text);
    return j;
}

static json_t *report_json(const cert_report *r)
{
    char *text = render(r, CERT_OUTPUT_JSON, NULL);
    json_t *j = parse(text);

    free(text);
    return j;
}

/* Member access that fails the test when the member is missing or of the wrong type. */
static json_t *member(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);

    if (v == NULL)
        fail_msg("JSON member \"%s\" is missing", key);
    return v;
}

static const char *jstr(const json_t *o, const char *key)
{
    json_t *v = member(o, key);

    if (!json_is_string(v))
        fail_msg("JSON member \"%s\" is not a string", key);
    return json_string_value(v);
}

static json_int_t jint(const json_t *o, const char *key)
{
    json_t *v = member(o, key);

    if (!json_is_integer(v))
        fail_msg("JSON member \"%s\" is not an integer", key);
    return json_integer_value(v);
}

static void assert_json_source(const json_t *s, const char *file, const char *kind,
                               json_int_t index, const char *format)
{
    assert_true(json_is_object(s));
    assert_string_equal(jstr(s, "file"), file);
    assert_string_equal(jstr(s, "kind"), kind);
    assert_int_equal(jint(s, "index"), index);
    assert_string_equal(jstr(s, "format"), format);
}

static void assert_json_cert(const json_t *c, const char *fixture, bool full)
{
    X509 *x = fx_x509(fixture);
    char hex[65];

    assert_true(json_is_object(c));
    assert_string_equal(jstr(c, "subject"), h_subject(x));
    {
        char issuer[512];
        BIO *bio = BIO_new(BIO_s_mem());
        char *data;
        long n;

        X509_NAME_print_ex(bio, X509_get_issuer_name(x), 0,
                           XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
        n = BIO_get_mem_data(bio, &data);
        snprintf(issuer, sizeof(issuer), "%.*s", (int)n, data);
        BIO_free(bio);
        assert_string_equal(jstr(c, "issuer"), issuer);
    }
    assert_string_equal(jstr(c, "sha256"), h_sha256_hex(x, hex));
    assert_non_null(json_object_get(c, "source"));
    assert_true(json_is_string(member(c, "not_before")));
    assert_true(json_is_string(member(c, "not_after")));
    assert_int_equal(json_object_get(c, "serial") != NULL, full);
    assert_int_equal(json_object_get(c, "names") != NULL, full);
    assert_int_equal(json_object_get(c, "key") != NULL, full);
    X509_free(x);
}

/* ---- the pipeline ---- */

static void test_report__build_good(void **state)
{
    rep r;
    cert_report *rp;
    const char *msg = NULL;

    (void)state;
    rep_init(&r);
    rp = build1(&r, "bundle-good.pem");
    assert_int_equal(cert_report_error(rp, &msg), CERT_OK);
    assert_string_equal(msg, "");
    assert_non_null(cert_report_bundle(rp));
    assert_int_equal(cert_bundle_cert_count(cert_report_bundle(rp)), 3);
    assert_non_null(cert_report_chain(rp));
    assert_int_equal(cert_chain_count(cert_report_chain(rp)), 2);
    assert_int_equal(cert_chain_trust(cert_report_chain(rp)), CERT_TRUST_OK);
    assert_non_null(cert_report_findings(rp));
    assert_int_equal(cert_findings_count(cert_report_findings(rp)), 0);
    assert_int_equal(cert_report_exit_code(rp), CERT_EXIT_OK);
    cert_report_free(rp);
    cert_report_free(NULL);
    rep_fini(&r);
}

/* A recheck shares the certificates and chain, runs the checks with its own hosts, and
 * outlives its base; a base's recorded failure carries over. */
static void test_report__recheck(void **state)
{
    static const char *const covered[] = {"www.example.com", "EXAMPLE.com"};
    static const char *const uncovered[] = {"www.example.com", "shop.example.com"};
    rep r;
    cert_report *base, *a = NULL, *b = NULL, *c = NULL;
    cert_check_opts k;
    const cert_finding *f;
    const char *msg = NULL;
    const char *bad_allow[] = {"no.such.code"};

    (void)state;
    rep_init(&r);
    base = build1(&r, "bundle-good.pem");
    k = r.opts.check;
    k.hosts = covered;
    k.host_count = 2;
    assert_cert_ok(cert_report_recheck(base, "for d1", &k, &a));
    k.hosts = uncovered;
    assert_cert_ok(cert_report_recheck(base, NULL, &k, &b));
    assert_ptr_equal(cert_report_chain(a), cert_report_chain(base));
    assert_ptr_equal(cert_report_bundle(b), cert_report_bundle(base));
    cert_report_free(base); /* the rechecks keep what they share */
    assert_int_equal(cert_findings_count(cert_report_findings(a)), 0);
    assert_int_equal(cert_report_exit_code(a), CERT_EXIT_OK);
    f = cert_findings_find(cert_report_findings(b), "name.uncovered");
    assert_non_null(f);
    assert_int_equal(strncmp(f->message, "shop.example.com is not covered", 31), 0);
    assert_int_equal(cert_findings_count(cert_report_findings(b)), 1);
    assert_int_equal(cert_report_exit_code(b), CERT_EXIT_CHECK);
    assert_int_equal(cert_chain_count(cert_report_chain(b)), 2);
    k.allow = bad_allow;
    k.allow_count = 1;
    assert_int_equal(cert_report_recheck(a, "x", &k, &c), CERT_E_INVALID);
    assert_null(c);
    assert_int_equal(cert_report_recheck(NULL, "x", &k, &c), CERT_E_INVALID);
    cert_report_free(a);
    cert_report_free(b);

    /* a base that could not be loaded: the recheck records the same failure */
    base = build1(&r, "bundle-missing-int.pem");
    k = r.opts.check;
    assert_cert_ok(cert_report_recheck(base, NULL, &k, &c));
    assert_int_equal(cert_report_exit_code(c), cert_report_exit_code(base));
    assert_int_equal(cert_report_error(c, &msg), cert_report_error(base, NULL));
    cert_report_free(c);
    cert_report_free(base);
    rep_fini(&r);
}

static void test_report__several_inputs_are_one_bundle(void **state)
{
    rep r;
    const char *in[3];
    cert_report *rp = NULL;

    (void)state;
    rep_init(&r);
    in[0] = fx("letsencrypt/live/www.example.com/cert.pem");
    in[1] = fx("chain.pem");
    in[2] = fx("letsencrypt/live/www.example.com/privkey.pem");
    assert_cert_ok(cert_report_build(in, 3, &r.opts, &rp));
    assert_int_equal(cert_report_error(rp, NULL), CERT_OK);
    assert_int_equal(cert_bundle_input_count(cert_report_bundle(rp)), 3);
    assert_non_null(cert_chain_key(cert_report_chain(rp)));
    assert_int_equal(cert_report_exit_code(rp), CERT_EXIT_OK);
    cert_report_free(rp);
    rep_fini(&r);
}

static void test_report__exit_codes(void **state)
{
    static const struct {
        const char *file;
        cert_exit code;
        cert_err err;
    } cases[] = {
        {"bundle-good.pem", CERT_EXIT_OK, CERT_OK},
        {"bundle-soon.pem", CERT_EXIT_OK, CERT_OK},       /* a warning only */
        {"bundle-shuffled.pem", CERT_EXIT_OK, CERT_OK},   /* info only */
        {"bundle-expired.pem", CERT_EXIT_CHECK, CERT_OK}, /* an error finding */
        {"bundle-missing-int.pem", CERT_EXIT_CHECK, CERT_OK},
        {"bundle-two-leaves.pem", CERT_EXIT_INPUT, CERT_E_INPUT}, /* chain cannot be built */
        {"garbage.bin", CERT_EXIT_INPUT, CERT_E_INPUT},
        {"bundle-modern.p12", CERT_EXIT_INPUT, CERT_E_INPUT}, /* no passphrase */
        {"no-such-file.pem", CERT_EXIT_INPUT, CERT_E_IO},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        rep r;
        cert_report *rp;
        const char *msg = NULL;

        rep_init(&r);
        rp = build1(&r, cases[i].file);
        if (cert_report_exit_code(rp) != cases[i].code)
            fail_msg("%s: exit code %d, expected %d", cases[i].file, (int)cert_report_exit_code(rp),
                     (int)cases[i].code);
        assert_int_equal(cert_report_error(rp, &msg), cases[i].err);
        if (cases[i].err != CERT_OK) {
            assert_has(msg, cases[i].file);
            assert_null(cert_report_chain(rp));
            assert_null(cert_report_findings(rp));
        } else {
            assert_string_equal(msg, "");
        }
        cert_report_free(rp);
        rep_fini(&r);
    }
}

static void test_report__error_stages(void **state)
{
    rep r;
    cert_report *rp;
    const char *msg = NULL;

    (void)state;
    rep_init(&r);
    /* loading failed: no bundle */
    rp = build1(&r, "truncated.der");
    assert_int_equal(cert_report_error(rp, &msg), CERT_E_INPUT);
    assert_has(msg, "truncated.der");
    assert_null(cert_report_bundle(rp));
    assert_null(cert_report_chain(rp));
    cert_report_free(rp);
    /* the chain failed: the bundle is there */
    rp = build1(&r, "bundle-two-leaves.pem");
    assert_int_equal(cert_report_error(rp, &msg), CERT_E_INPUT);
    assert_has(msg, "bundle-two-leaves.pem", "--leaf");
    assert_non_null(cert_report_bundle(rp));
    assert_int_equal(cert_bundle_cert_count(cert_report_bundle(rp)), 4);
    assert_null(cert_report_chain(rp));
    cert_report_free(rp);
    rep_fini(&r);
}

static void test_report__build_invalid(void **state)
{
    static const char *const allow[] = {"cert.nope"};
    rep r;
    const char *in[1];
    cert_report *rp = (cert_report *)(uintptr_t)1;

    (void)state;
    rep_init(&r);
    in[0] = fx("bundle-good.pem");
    assert_cert_error(cert_report_build(in, 0, &r.opts, &rp), CERT_E_INVALID, "no input");
    assert_cert_error(cert_report_build(NULL, 1, &r.opts, &rp), CERT_E_INVALID, "no input");
    assert_cert_error(cert_report_build(in, 1, &r.opts, NULL), CERT_E_INVALID, "no input");
    r.opts.check.allow = allow;
    r.opts.check.allow_count = 1;
    rp = (cert_report *)(uintptr_t)1;
    assert_cert_error(cert_report_build(in, 1, &r.opts, &rp), CERT_E_INVALID, "cert.nope");
    assert_null(rp);
    rep_fini(&r);
}

static void test_report__exit_for_err(void **state)
{
    (void)state;
    assert_int_equal(cert_exit_for_err(CERT_OK), CERT_EXIT_OK);
    assert_int_equal(cert_exit_for_err(CERT_E_INVALID), CERT_EXIT_USAGE);
    assert_int_equal(cert_exit_for_err(CERT_E_INPUT), CERT_EXIT_INPUT);
    assert_int_equal(cert_exit_for_err(CERT_E_IO), CERT_EXIT_INPUT);
    assert_int_equal(cert_exit_for_err(CERT_E_AWS), CERT_EXIT_AWS);
    assert_int_equal(cert_exit_for_err(CERT_E_NET), CERT_EXIT_RETRY);
    assert_int_not_equal(cert_exit_for_err(CERT_E_NOMEM), CERT_EXIT_OK);
    assert_int_not_equal(cert_exit_for_err(CERT_E_INTERNAL), CERT_EXIT_OK);
    assert_int_not_equal(cert_exit_for_err(CERT_E_EXISTS), CERT_EXIT_OK);
    assert_int_equal(CERT_EXIT_OK, 0);
    assert_int_equal(CERT_EXIT_CHECK, 1);
    assert_int_equal(CERT_EXIT_USAGE, 2);
    assert_int_equal(CERT_EXIT_INPUT, 3);
    assert_int_equal(CERT_EXIT_AWS, 4);
    assert_int_equal(CERT_EXIT_RETRY, 5);
}

/* ---- JSON ---- */

static void test_report__json_schema_good(void **state)
{
    rep r;
    cert_report *rp;
    json_t *j, *leaf, *key, *chain, *root, *sum, *names;
    const char *path;

    (void)state;
    rep_init(&r);
    rp = build1(&r, "bundle-good.pem");
    path = fx("bundle-good.pem");
    j = report_json(rp);
    assert_int_equal(jint(j, "schema"), CERT_SCHEMA_REPORT);
    assert_int_equal(jint(j, "schema"), 1);
    assert_true(json_is_array(member(j, "input")));
    assert_int_equal(json_array_size(member(j, "input")), 1);
    assert_string_equal(json_string_value(json_array_get(member(j, "input"), 0)), path);
    assert_string_equal(jstr(j, "status"), "ok");
    assert_int_equal(jint(j, "exit_code"), 0);
    assert_string_equal(jstr(j, "now"), FX_NOW_TEXT);
    assert_null(json_object_get(j, "error"));
    assert_null(json_object_get(j, "written"));

    leaf = member(j, "leaf");
    assert_json_cert(leaf, "leaf-rsa2048.pem", true);
    assert_string_equal(jstr(leaf, "serial"), "1003");
    assert_string_equal(jstr(leaf, "not_before"), "2025-12-01T00:00:00Z");
    assert_string_equal(jstr(leaf, "not_after"), "2026-06-01T00:00:00Z");
    assert_string_equal(jstr(leaf, "key"), "RSA 2048");
    names = member(leaf, "names");
    assert_int_equal(json_array_size(names), 2);
    assert_string_equal(json_string_value(json_array_get(names, 0)), "www.example.com");
    assert_string_equal(json_string_value(json_array_get(names, 1)), "example.com");
    assert_json_source(member(leaf, "source"), path, "certificate", 1, "pem");
    assert_int_equal(jint(member(leaf, "source"), "block"), 1);
    assert_int_equal(jint(member(leaf, "source"), "line"), 1);
    assert_null(json_object_get(member(leaf, "source"), "member"));

    key = member(j, "key");
    assert_string_equal(jstr(key, "type"), "RSA 2048");
    assert_json_source(member(key, "source"), path, "key", 1, "pem");
    assert_true(json_is_false(member(member(key, "source"), "encrypted")));
    assert_int_equal(jint(member(key, "source"), "block"), 4);

    chain = member(j, "chain");
    assert_int_equal(json_array_size(chain), 2);
    assert_json_cert(json_array_get(chain, 0), "int2.pem", false);
    assert_json_cert(json_array_get(chain, 1), "int1.pem", false);
    assert_json_source(member(json_array_get(chain, 1), "source"), path, "certificate", 3, "pem");

    root = member(j, "root");
    assert_json_cert(root, "root.pem", false);
    assert_true(json_is_null(member(root, "source")));
    assert_true(json_is_false(member(root, "in_input")));
    assert_string_equal(jstr(j, "trust"), "trusted");

    assert_true(json_is_array(member(j, "findings")));
    assert_int_equal(json_array_size(member(j, "findings")), 0);
    sum = member(j, "summary");
    assert_int_equal(jint(sum, "errors"), 0);
    assert_int_equal(jint(sum, "warnings"), 0);
    assert_int_equal(jint(sum, "info"), 0);
    json_decref(j);
    cert_report_free(rp);
    rep_fini(&r);
}

static void test_report__json_findings(void **state)
{
    static const char *const allow[] = {"key.weak"};
    rep r;
    cert_report *rp;
    json_t *j, *f, *c;
    char hex[65];
    X509 *leaf = fx_x509("leaf-expired.pem");

    (void)state;
    rep_init(&r);
    rp = build1(&r, "bundle-expired.pem");
    j = report_json(rp);
    assert_string_equal(jstr(j, "status"), "fail");
    assert_int_equal(jint(j, "exit_code"), 1);
    assert_int_equal(json_array_size(member(j, "findings")), 1);
    f = json_array_get(member(j, "findings"), 0);
    assert_string_equal(jstr(f, "code"), "cert.expired");
    assert_string_equal(jstr(f, "severity"), "error");
    assert_has(jstr(f, "message"), "expired on 2025-01-01T00:00:00Z");
    assert_null(json_object_get(f, "allowed"));
    c = member(f, "certificate");
    assert_string_equal(jstr(c, "subject"), SUBJ_LEAF);
    assert_string_equal(jstr(c, "sha256"), h_sha256_hex(leaf, hex));
    assert_json_source(member(f, "source"), fx("bundle-expired.pem"), "certificate", 1, "pem");
    assert_int_equal(jint(member(j, "summary"), "errors"), 1);
    json_decref(j);
    cert_report_free(rp);

    /* allowed: a warning marked "allowed", exit 0 */
    r.opts.check.allow = allow;
    r.opts.check.allow_count = 1;
    rp = build1(&r, "bundle-rsa1024.pem");
    j = report_json(rp);
    assert_string_equal(jstr(j, "status"), "ok");
    assert_int_equal(jint(j, "exit_code"), 0);
    f = json_array_get(member(j, "findings"), 0);
    assert_string_equal(jstr(f, "code"), "key.weak");
    assert_string_equal(jstr(f, "severity"), "warning");
    assert_true(json_is_true(member(f, "allowed")));
    assert_has(jstr(f, "message"), "allowed by --allow key.weak");
    assert_int_equal(jint(member(j, "summary"), "errors"), 0);
    assert_int_equal(jint(member(j, "summary"), "warnings"), 1);
    json_decref(j);
    cert_report_free(rp);
    X509_free(leaf);
    rep_fini(&r);
}

static void test_report__json_nokey_incomplete_and_key_sources(void **state)
{
    rep r;
    cert_report *rp;
    json_t *j, *f;

    (void)state;
    rep_init(&r);
    rp = build1(&r, "bundle-missing-int.pem");
    j = report_json(rp);
    assert_string_equal(jstr(j, "trust"), "incomplete");
    assert_true(json_is_null(member(j, "root")));
    assert_int_equal(json_array_size(member(j, "chain")), 0);
    assert_string_equal(jstr(json_array_get(member(j, "findings"), 0), "code"), "chain.incomplete");
    assert_string_equal(jstr(json_array_get(member(j, "findings"), 1), "code"), "unrelated.cert");
    json_decref(j);
    cert_report_free(rp);

    rp = build1(&r, "bundle-nokey.pem");
    j = report_json(rp);
    assert_true(json_is_null(member(j, "key")));
    f = json_array_get(member(j, "findings"), 0);
    assert_string_equal(jstr(f, "code"), "key.missing");
    assert_string_equal(jstr(f, "severity"), "warning");
    assert_int_equal(jint(j, "exit_code"), 0);
    json_decref(j);
    cert_report_free(rp);

    /* a finding about a key: no certificate, the key's source */
    {
        const char *in[2] = {fx("bundle-good.pem"), fx("unrelated.key")};

        assert_cert_ok(cert_report_build(in, 2, &r.opts, &rp));
        j = report_json(rp);
        assert_int_equal(json_array_size(member(j, "input")), 2);
        f = json_array_get(member(j, "findings"), 0);
        assert_string_equal(jstr(f, "code"), "unrelated.key");
        assert_true(json_is_null(member(f, "certificate")));
        assert_json_source(member(f, "source"), fx("unrelated.key"), "key", 1, "pem");
        assert_true(json_is_false(member(member(f, "source"), "encrypted")));
        json_decref(j);
        cert_report_free(rp);
    }
    rep_fini(&r);
}

static void test_report__json_pkcs12_sources_and_root_in_input(void **state)
{
    rep r;
    cert_report *rp;
    json_t *j, *s;

    (void)state;
    rep_init(&r);
    assert_cert_ok(cert_passin_new("pass:" FX_PASS, true, &r.opts.bundle.passin));
    rp = build1(&r, "bundle-modern.p12");
    j = report_json(rp);
    s = member(member(j, "key"), "source");
    assert_json_source(s, fx("bundle-modern.p12"), "key", 1, "pkcs12");
    assert_int_equal(jint(s, "member"), 4);
    assert_true(json_is_true(member(s, "encrypted")));
    assert_null(json_object_get(s, "line"));
    assert_null(json_object_get(s, "block"));
    s = member(member(j, "leaf"), "source");
    assert_int_equal(jint(s, "member"), 1);
    json_decref(j);
    cert_report_free(rp);

    rp = build1(&r, "bundle-root.pem");
    j = report_json(rp);
    assert_true(json_is_true(member(member(j, "root"), "in_input")));
    assert_json_source(member(member(j, "root"), "source"), fx("bundle-root.pem"), "certificate", 4,
                       "pem");
    json_decref(j);
    cert_report_free(rp);
    rep_fini(&r);
}

static void test_report__json_error(void **state)
{
    rep r;
    cert_report *rp;
    json_t *j, *e;

    (void)state;
    rep_init(&r);
    rp = build1(&r, "bundle-two-leaves.pem");
    j = report_json(rp);
    assert_int_equal(jint(j, "schema"), 1);
    assert_string_equal(jstr(j, "status"), "error");
    assert_int_equal(jint(j, "exit_code"), 3);
    e = member(j, "error");
    assert_string_equal(jstr(e, "code"), "input error");
    assert_has(jstr(e, "message"), "bundle-two-leaves.pem", "--leaf");
    assert_null(json_object_get(j, "leaf"));
    assert_null(json_object_get(j, "chain"));
    assert_true(json_is_array(member(j, "findings")));
    assert_int_equal(json_array_size(member(j, "findings")), 0);
    json_decref(j);
    cert_report_free(rp);

    rp = build1(&r, "no-such-file.pem");
    j = report_json(rp);
    assert_string_equal(jstr(j, "status"), "error");
    assert_int_equal(jint(j, "exit_code"), 3);
    assert_string_equal(jstr(member(j, "error"), "code"), "I/O error");
    assert_has(jstr(member(j, "error"), "message"), "no-such-file.pem");
    json_decref(j);
    cert_report_free(rp);
    rep_fini(&r);
}

static void test_report__json_written(void **state)
{
    rep r;
    cert_report *rp;
    json_t *j, *w;

    (void)state;
    rep_init(&r);
    rp = build1(&r, "bundle-good.pem");
    assert_cert_ok(cert_report_add_output(rp, "cert", "out/cert.pem"));
    assert_cert_ok(cert_report_add_output(rp, "key", "out/key.pem"));
    assert_cert_error(cert_report_add_output(rp, NULL, "x"), CERT_E_INVALID, "add_output");
    assert_cert_error(cert_report_add_output(NULL, "cert", "x"), CERT_E_INVALID, "add_output");
    j = report_json(rp);
    w = member(j, "written");
    assert_int_equal(json_array_size(w), 2);
    assert_string_equal(jstr(json_array_get(w, 0), "part"), "cert");
    assert_string_equal(jstr(json_array_get(w, 0), "path"), "out/cert.pem");
    assert_string_equal(jstr(json_array_get(w, 1), "part"), "key");
    assert_string_equal(jstr(json_array_get(w, 1), "path"), "out/key.pem");
    json_decref(j);
    cert_report_free(rp);
    rep_fini(&r);
}

/* ---- text ---- */

static void test_report__text(void **state)
{
    rep r;
    cert_report *rp;
    char *t;
    cert_text_opts verbose = {false, 1}, color = {true, 0};

    (void)state;
    rep_init(&r);
    rp = build1(&r, "bundle-good.pem");
    t = render(rp, CERT_OUTPUT_TEXT, NULL);
    assert_has(t, fx("bundle-good.pem"), "leaf   " SUBJ_LEAF,
               "RSA 2048, 2025-12-01T00:00:00Z to 2026-06-01T00:00:00Z (151 days left)",
               "names: www.example.com, example.com", "chain  " SUBJ_INT2, SUBJ_INT1,
               "root   " SUBJ_ROOT " (from --ca-file, trusted)", "OK: 0 errors, 0 warnings");
    assert_null(strchr(t, '\033'));
    assert_false(h_contains(t, "from certificate 1"));
    free(t);
    t = render(rp, CERT_OUTPUT_TEXT, &verbose);
    assert_has(t, "from certificate 1 of", "key    key 1 of");
    free(t);
    t = render(rp, CERT_OUTPUT_QUIET, NULL);
    assert_string_equal(t, "");
    free(t);
    cert_report_free(rp);

    rp = build1(&r, "bundle-expired.pem");
    t = render(rp, CERT_OUTPUT_TEXT, NULL);
    assert_has(t, "errors:", "cert.expired", "(365 days ago)", "FAIL: 1 error, 0 warnings");
    assert_null(strchr(t, '\033'));
    free(t);
    t = render(rp, CERT_OUTPUT_TEXT, &color);
    assert_has(t, "\033[31m", "\033[0m");
    free(t);
    cert_report_free(rp);

    rp = build1(&r, "bundle-two-leaves.pem");
    t = render(rp, CERT_OUTPUT_TEXT, NULL);
    assert_has(t, "  error  ", "2 certificates could be the leaf", "--leaf");
    free(t);
    cert_report_free(rp);
    rep_fini(&r);
}

static void test_report__write_errors(void **state)
{
    rep r;
    cert_report *rp;
    FILE *ro = fopen("/dev/null", "r");

    (void)state;
    assert_non_null(ro);
    rep_init(&r);
    rp = build1(&r, "bundle-good.pem");
    assert_cert_error(cert_report_write(rp, CERT_OUTPUT_JSON, NULL, ro), CERT_E_IO, "write");
    clearerr(ro);
    assert_cert_error(cert_report_write(rp, CERT_OUTPUT_TEXT, NULL, ro), CERT_E_IO, "write");
    assert_cert_error(cert_report_write(NULL, CERT_OUTPUT_TEXT, NULL, stdout), CERT_E_INVALID,
                      "cert_report_write");
    assert_cert_error(cert_report_write(rp, CERT_OUTPUT_TEXT, NULL, NULL), CERT_E_INVALID,
                      "cert_report_write");
    cert_report_free(rp);
    fclose(ro);
    rep_fini(&r);
}

/* ---- cert_report_each ---- */

static const char *const each_names[] = {
    "bundle-good.pem",
    "bundle-expired.pem",
    "bundle-two-leaves.pem",
    "bundle-soon.pem",
    "chain.p7b",
    "bundle-modern.p12",                /* needs a passphrase: the main thread */
    "letsencrypt/live/www.example.com", /* a directory: the main thread */
    "bundle-shuffled.pem",
    "bundle-missing-int.pem",
    "key-pkcs8-aes.pem", /* encrypted key, no certificate */
    "no-such-file.pem",
    "bundle-rsa1024.pem",
    "bundle-dup.pem",
    "bundle-crlf-bom.pem",
    "bundle-p256.pem",
    "bundle-ca.pem",
};

#define NEACH (sizeof(each_names) / sizeof(each_names[0]))

static char *run_each(const rep *r, const char *const *in, size_t n, unsigned int jobs,
                      cert_output fmt, cert_exit *exit_out)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    assert_non_null(f);
    *exit_out = (cert_exit)99;
    assert_cert_ok(cert_report_each(in, n, &r->opts, jobs, fmt, NULL, f, exit_out));
    assert_int_equal(fclose(f), 0);
    return buf;
}

static void each_inputs(char **in)
{
    for (size_t i = 0; i < NEACH; i++) {
        in[i] = strdup(fx(each_names[i]));
        assert_non_null(in[i]);
    }
}

static void test_report__each_json_matches_single_reports(void **state)
{
    rep r;
    char *in[NEACH];
    char *out;
    cert_exit ex;
    json_t *j, *results;

    (void)state;
    rep_init(&r);
    assert_cert_ok(cert_passin_new("pass:" FX_PASS, true, &r.opts.bundle.passin));
    each_inputs(in);
    out = run_each(&r, (const char *const *)in, NEACH, 1, CERT_OUTPUT_JSON, &ex);
    j = parse(out);
    assert_int_equal(jint(j, "schema"), 1);
    assert_int_equal(jint(j, "exit_code"), 3);
    assert_int_equal(ex, CERT_EXIT_INPUT);
    results = member(j, "results");
    assert_int_equal(json_array_size(results), NEACH);
    for (size_t i = 0; i < NEACH; i++) {
        json_t *res = json_array_get(results, i), *single;
        const char *one[1] = {in[i]};
        cert_report *rp = NULL;

        assert_null(json_object_get(res, "schema"));
        assert_string_equal(json_string_value(json_array_get(member(res, "input"), 0)), in[i]);
        assert_cert_ok(cert_report_build(one, 1, &r.opts, &rp));
        single = report_json(rp);
        assert_int_equal(jint(res, "exit_code"), cert_report_exit_code(rp));
        json_object_del(single, "schema");
        if (!json_equal(res, single)) {
            char *a = json_dumps(res, JSON_COMPACT), *b = json_dumps(single, JSON_COMPACT);

            print_error("result %zu (%s) differs from its own report:\n%s\n%s\n", i, each_names[i],
                        a, b);
            free(a);
            free(b);
            fail();
        }
        json_decref(single);
        cert_report_free(rp);
    }
    assert_string_equal(jstr(json_array_get(results, 0), "status"), "ok");
    assert_string_equal(jstr(json_array_get(results, 1), "status"), "fail");
    assert_string_equal(jstr(json_array_get(results, 2), "status"), "error");
    assert_string_equal(jstr(json_array_get(results, 5), "status"), "ok");
    assert_string_equal(jstr(json_array_get(results, 6), "status"), "ok");
    json_decref(j);
    free(out);
    for (size_t i = 0; i < NEACH; i++)
        free(in[i]);
    rep_fini(&r);
}

static void test_report__each_jobs_give_identical_output(void **state)
{
    static const cert_output fmts[] = {CERT_OUTPUT_JSON, CERT_OUTPUT_TEXT};
    rep r;
    char *in[NEACH];

    (void)state;
    rep_init(&r);
    assert_cert_ok(cert_passin_new("pass:" FX_PASS, true, &r.opts.bundle.passin));
    each_inputs(in);
    for (size_t f = 0; f < 2; f++) {
        cert_exit e1, e4, e0;
        char *o1 = run_each(&r, (const char *const *)in, NEACH, 1, fmts[f], &e1);

        for (int round = 0; round < 3; round++) {
            char *o4 = run_each(&r, (const char *const *)in, NEACH, 4, fmts[f], &e4);

            assert_string_equal(o1, o4);
            assert_int_equal(e1, e4);
            free(o4);
        }
        {
            char *o0 = run_each(&r, (const char *const *)in, NEACH, 0, fmts[f], &e0);

            assert_string_equal(o1, o0);
            assert_int_equal(e1, e0);
            free(o0);
        }
        assert_int_equal(e1, CERT_EXIT_INPUT);
        if (fmts[f] == CERT_OUTPUT_TEXT) {
            /* each input in order */
            const char *p = o1;

            for (size_t i = 0; i < NEACH; i++) {
                p = strstr(p, in[i]);
                if (p == NULL)
                    fail_msg("%s missing or out of order in the text output", each_names[i]);
            }
        }
        free(o1);
    }
    for (size_t i = 0; i < NEACH; i++)
        free(in[i]);
    rep_fini(&r);
}

static void test_report__each_exit_code_is_highest(void **state)
{
    rep r;
    const char *in[3];
    char *out;
    cert_exit ex;
    json_t *j;

    (void)state;
    rep_init(&r);
    in[0] = fx("bundle-good.pem");
    in[1] = fx("bundle-soon.pem");
    out = run_each(&r, in, 2, 2, CERT_OUTPUT_JSON, &ex);
    assert_int_equal(ex, CERT_EXIT_OK);
    j = parse(out);
    assert_int_equal(jint(j, "exit_code"), 0);
    json_decref(j);
    free(out);
    in[2] = fx("bundle-expired.pem");
    out = run_each(&r, in, 3, 2, CERT_OUTPUT_JSON, &ex);
    assert_int_equal(ex, CERT_EXIT_CHECK);
    j = parse(out);
    assert_int_equal(jint(j, "exit_code"), 1);
    json_decref(j);
    free(out);
    /* quiet: nothing written, exit code still computed */
    out = run_each(&r, in, 3, 2, CERT_OUTPUT_QUIET, &ex);
    assert_string_equal(out, "");
    assert_int_equal(ex, CERT_EXIT_CHECK);
    free(out);
    rep_fini(&r);
}

static void test_report__each_no_inputs(void **state)
{
    rep r;
    char *out;
    cert_exit ex;
    json_t *j;

    (void)state;
    rep_init(&r);
    out = run_each(&r, NULL, 0, 4, CERT_OUTPUT_JSON, &ex);
    j = parse(out);
    assert_int_equal(json_array_size(member(j, "results")), 0);
    assert_int_equal(jint(j, "exit_code"), 0);
    assert_int_equal(ex, CERT_EXIT_OK);
    json_decref(j);
    free(out);
    rep_fini(&r);
}

static void test_report__each_invalid(void **state)
{
    static const char *const allow[] = {"cert.nope"};
    rep r;
    const char *in[1];
    cert_exit ex;
    FILE *ro = fopen("/dev/null", "r");

    (void)state;
    assert_non_null(ro);
    rep_init(&r);
    in[0] = fx("bundle-good.pem");
    assert_cert_error(cert_report_each(in, 1, &r.opts, 1, CERT_OUTPUT_JSON, NULL, ro, &ex),
                      CERT_E_IO, "write");
    assert_cert_error(cert_report_each(in, 1, &r.opts, 1, CERT_OUTPUT_JSON, NULL, NULL, &ex),
                      CERT_E_INVALID, "cert_report_each");
    assert_cert_error(cert_report_each(in, 1, &r.opts, 1, CERT_OUTPUT_JSON, NULL, stdout, NULL),
                      CERT_E_INVALID, "cert_report_each");
    r.opts.check.allow = allow;
    r.opts.check.allow_count = 1;
    assert_cert_error(cert_report_each(in, 1, &r.opts, 1, CERT_OUTPUT_JSON, NULL, stdout, &ex),
                      CERT_E_INVALID, "cert.nope");
    fclose(ro);
    rep_fini(&r);
}

/* ---- a distribution's names (certcheck --distribution) ---- */

static void test_report__distribution_names_and_coverage(void **state)
{
    rep r;
    cert_report *rp;
    json_t *j, *d, *names;
    const char *aliases[] = {"www.example.com", "shop.example.com"};
    const char *hosts[] = {"EXAMPLE.com", "WWW.example.com", "api.example.com"};
    char *text;

    (void)state;
    rep_init(&r);
    rp = build1(&r, "bundle-good.pem"); /* www.example.com, example.com */
    assert_null(cert_report_distribution(rp));
    assert_cert_ok(cert_report_set_distribution(rp, "E2TEST", aliases, 2, hosts, 3));
    assert_string_equal(cert_report_distribution(rp), "E2TEST");
    j = report_json(rp);
    d = member(j, "distribution");
    assert_string_equal(jstr(d, "Id"), "E2TEST");
    assert_int_equal(json_array_size(member(d, "Aliases")), 2);
    names = member(d, "names");
    /* the aliases, then the hosts not among them (WWW.example.com is one) */
    assert_int_equal(json_array_size(names), 4);
    assert_string_equal(jstr(json_array_get(names, 0), "name"), "www.example.com");
    assert_string_equal(jstr(json_array_get(names, 0), "source"), "alias");
    assert_true(json_is_true(member(json_array_get(names, 0), "covered")));
    assert_true(json_is_false(member(json_array_get(names, 1), "covered")));
    assert_string_equal(jstr(json_array_get(names, 2), "name"), "EXAMPLE.com");
    assert_string_equal(jstr(json_array_get(names, 2), "source"), "host");
    assert_true(json_is_true(member(json_array_get(names, 2), "covered")));
    assert_string_equal(jstr(json_array_get(names, 3), "name"), "api.example.com");
    assert_true(json_is_false(member(json_array_get(names, 3), "covered")));
    json_decref(j);
    text = render(rp, CERT_OUTPUT_TEXT, NULL);
    assert_non_null(strstr(text, "  distribution E2TEST (2 aliases, 2 more names from --host)\n"));
    assert_non_null(strstr(text, "  alias  shop.example.com  NOT covered\n"));
    assert_non_null(strstr(text, "  host   EXAMPLE.com  covered\n"));
    free(text);
    assert_cert_error(cert_report_set_distribution(rp, NULL, NULL, 0, NULL, 0), CERT_E_INVALID,
                      "NULL");
    cert_report_free(rp);
    rep_fini(&r);
}

static void test_report__distribution_failure_and_list(void **state)
{
    cert_failure f = {CERT_E_AWS, "no such distribution", "NoSuchDistribution", "req-1", 404};
    const char *aliases[] = {"www.example.com"};
    cert_report *v[2] = {NULL, NULL};
    rep r;
    char *buf = NULL;
    size_t len = 0;
    FILE *out;
    json_t *j, *res;

    (void)state;
    rep_init(&r);
    assert_cert_ok(cert_report_new_failure("E0NOSUCH", &f, &v[0]));
    assert_cert_ok(cert_report_set_distribution(v[0], "E0NOSUCH", aliases, 1, NULL, 0));
    v[1] = build1(&r, "bundle-expired.pem");
    assert_int_equal(cert_reports_exit_code((const cert_report *const *)v, 2), CERT_EXIT_AWS);
    assert_int_equal(cert_reports_exit_code(NULL, 0), CERT_EXIT_OK);
    out = open_memstream(&buf, &len);
    assert_non_null(out);
    assert_cert_ok(
        cert_reports_write((const cert_report *const *)v, 2, CERT_OUTPUT_JSON, NULL, out));
    assert_int_equal(fclose(out), 0);
    j = parse(buf);
    assert_int_equal(jint(j, "schema"), 1);
    assert_int_equal(jint(j, "exit_code"), 4);
    res = member(j, "results");
    assert_int_equal(json_array_size(res), 2);
    assert_null(json_object_get(json_array_get(res, 0), "schema"));
    /* no certificate to check: coverage unknown */
    assert_true(json_is_null(
        member(json_array_get(member(member(json_array_get(res, 0), "distribution"), "names"), 0),
               "covered")));
    assert_int_equal(jint(json_array_get(res, 1), "exit_code"), 1);
    json_decref(j);
    free(buf);
    {
        cert_report **owned = calloc(2, sizeof(*owned));

        assert_non_null(owned);
        owned[0] = v[0];
        owned[1] = v[1];
        cert_reports_free(owned, 2); /* each report and the array */
        cert_reports_free(NULL, 0);
    }
    rep_fini(&r);
}

/* ---- metrics (node_exporter's textfile format) ---- */

static void test_report__prom_escape(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"plain/path.pem", "plain/path.pem"},
        {"a\\b", "a\\\\b"},
        {"say \"hi\"", "say \\\"hi\\\""},
        {"two\nlines", "two\\nlines"},
        {"tab\tand\rcr", "tab\tand\rcr"}, /* only \\, \" and \n are escaped */
        {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"},
        {"bad\xff", "bad\xef\xbf\xbd"},
        {"\x80lone", "\xef\xbf\xbdlone"},
        {"cut\xe2\x82", "cut\xef\xbf\xbd\xef\xbf\xbd"},
        {"overlong\xc0\xaf", "overlong\xef\xbf\xbd\xef\xbf\xbd"},
        {"surrogate\xed\xa0\x80", "surrogate\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
        {"", ""},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *got = cert__prom_escape(cases[i].in);

        assert_non_null(got);
        assert_string_equal(got, cases[i].out);
        free(got);
    }
}

static void test_report__each_prometheus_file(void **state)
{
    const char *in[3];
    char dir[] = "/tmp/libcert-prom-XXXXXX", path[128], bad[160], *text;
    cert_each_opts each = CERT_EACH_OPTS_INIT;
    struct stat st;
    cert_exit ex = CERT_EXIT_OK;
    FILE *null = fopen("/dev/null", "w");
    rep r;

    (void)state;
    assert_non_null(null);
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/bundles.prom", dir);
    rep_init(&r);
    in[0] = fx("bundle-good.pem");
    in[1] = fx("bundle-expired.pem");
    in[2] = fx("no-such-file.pem");
    each.jobs = 2;
    each.fmt = CERT_OUTPUT_QUIET;
    each.prometheus = path;
    assert_cert_ok(cert_report_each_run(in, 3, &r.opts, &each, null, &ex));
    assert_int_equal(ex, CERT_EXIT_INPUT);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0644);
    {
        FILE *pf = fopen(path, "r");
        size_t got;

        assert_non_null(pf);
        text = calloc(1, 8192);
        assert_non_null(text);
        got = fread(text, 1, 8191, pf);
        assert_true(got > 0);
        fclose(pf);
    }
    assert_non_null(strstr(text, "# TYPE libcert_bundle_check_passed gauge\n"));
    assert_non_null(strstr(text, "libcert_bundle_exit_code{input=\""));
    assert_non_null(strstr(text, "no-such-file.pem\"} 3\n"));
    assert_non_null(strstr(text, "bundle-expired.pem\"} 1735689600\n")); /* 2025-01-01 */
    free(text);
    /* a directory that is not there: the message names the file; the reports still went out */
    snprintf(bad, sizeof(bad), "%s/missing/bundles.prom", dir);
    each.prometheus = bad;
    ex = CERT_EXIT_OK;
    assert_cert_error(cert_report_each_run(in, 1, &r.opts, &each, null, &ex), CERT_E_IO, bad);
    assert_int_equal(ex, CERT_EXIT_INPUT);
    unlink(path);
    rmdir(dir);
    fclose(null);
    rep_fini(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report__build_good),
        cmocka_unit_test(test_report__recheck),
        cmocka_unit_test(test_report__several_inputs_are_one_bundle),
        cmocka_unit_test(test_report__exit_codes),
        cmocka_unit_test(test_report__error_stages),
        cmocka_unit_test(test_report__build_invalid),
        cmocka_unit_test(test_report__exit_for_err),
        cmocka_unit_test(test_report__json_schema_good),
        cmocka_unit_test(test_report__json_findings),
        cmocka_unit_test(test_report__json_nokey_incomplete_and_key_sources),
        cmocka_unit_test(test_report__json_pkcs12_sources_and_root_in_input),
        cmocka_unit_test(test_report__json_error),
        cmocka_unit_test(test_report__json_written),
        cmocka_unit_test(test_report__text),
        cmocka_unit_test(test_report__write_errors),
        cmocka_unit_test(test_report__each_json_matches_single_reports),
        cmocka_unit_test(test_report__each_jobs_give_identical_output),
        cmocka_unit_test(test_report__each_exit_code_is_highest),
        cmocka_unit_test(test_report__each_no_inputs),
        cmocka_unit_test(test_report__each_invalid),
        cmocka_unit_test(test_report__distribution_names_and_coverage),
        cmocka_unit_test(test_report__distribution_failure_and_list),
        cmocka_unit_test(test_report__prom_escape),
        cmocka_unit_test(test_report__each_prometheus_file),
    };

    return cmocka_run_group_tests(tests, NULL, h_teardown);
}
