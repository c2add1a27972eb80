/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the checks (libcert/checks.h): every finding code of the catalogue from a
 * fixture (or a certificate made here) that produces it and one that does not, --allow, the
 * order of findings, cert_name_covers, cert_iam_path_cloudfront and cert_time_parse. */
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "x509/x509_int.h"

#define DAY INT64_C(86400)

/* ---- scenarios: fixtures -> the exact set of codes ---- */

typedef struct scenario {
    const char *files[4];
    const char *trust[3];   /* none: root.pem */
    const char *codes;      /* exact multiset, comma-joined */
    const char *crl;        /* a CRL to apply (--crl) */
    unsigned int max_depth; /* --max-depth; 0: the default */
    const char *preferred;  /* --preferred-chain */
    bool system;            /* trust[0] (none: root.pem) is the system's store: a public root */
} scenario;

static const scenario scenarios[] = {
    {.files = {"bundle-good.pem"}, .codes = ""},
    {.files = {"bundle-rsa2048.pem"}, .codes = ""},
    {.files = {"bundle-rsa3072.pem"}, .codes = ""},
    {.files = {"bundle-rsa4096.pem"}, .codes = ""},
    {.files = {"bundle-p256.pem"}, .codes = ""},
    {.files = {"bundle-wildcard.pem"}, .codes = ""},
    {.files = {"bundle-ip.pem"}, .codes = ""},
    {.files = {"bundle-cnonly.pem"}, .codes = "name.no_san"},
    {.files = {"bundle-text.pem"}, .codes = ""},
    {.files = {"bundle-bag.pem"}, .codes = ""},
    {.files = {"fullchain.pem", "letsencrypt/live/www.example.com/privkey.pem"}, .codes = ""},
    {.files = {"bundle-nokey.pem"}, .codes = "key.missing"},
    {.files = {"chain.p7b"}, .codes = "key.missing"},
    {.files = {"bundle-wrong-key.pem"}, .codes = "key.mismatch"},
    {.files = {"bundle-missing-int.pem"}, .codes = "chain.incomplete,unrelated.cert"},
    {.files = {"bundle-good.pem"}, .trust = {"other-ca.pem"}, .codes = "chain.incomplete"},
    {.files = {"bundle-ec-explicit.pem"}, .codes = "key.unsupported"},
    {.files = {"bundle-root.pem"},
     .trust = {"other-ca.pem"},
     .codes = "chain.root_omitted,chain.untrusted"},
    {.files = {"selfsigned.pem", "selfsigned.key"}, .codes = "chain.untrusted"},
    {.files = {"selfsigned.pem", "selfsigned.key"}, .trust = {"selfsigned.pem"}, .codes = ""},
    {.files = {"bundle-expired.pem"}, .codes = "cert.expired"},
    {.files = {"bundle-notyet.pem"}, .codes = "cert.not_yet_valid"},
    {.files = {"bundle-imminent.pem"}, .codes = "cert.expires_imminent"},
    {.files = {"bundle-soon.pem"}, .codes = "cert.expires_soon"},
    {.files = {"bundle-longleaf.pem"}, .codes = "chain.expires_first"},
    {.files = {"bundle-rsa1024.pem"}, .codes = "key.weak"},
    {.files = {"bundle-rsa1536.pem"}, .codes = "key.unsupported"},
    {.files = {"bundle-p384.pem"}, .codes = "key.unsupported"},
    {.files = {"bundle-p521.pem"}, .codes = "key.unsupported"},
    {.files = {"bundle-ed25519.pem"}, .codes = "key.unsupported"},
    {.files = {"bundle-ed448.pem"}, .codes = "key.unsupported"},
    {.files = {"bundle-rsapss.pem"}, .codes = "key.unsupported"},
    {.files = {"bundle-dsa.pem"}, .codes = "key.unsupported"},
    {.files = {"bundle-sha1.pem"}, .codes = "sig.weak"},
    {.files = {"bundle-md5.pem"}, .codes = "sig.weak"},
    {.files = {"bundle-ca.pem"}, .codes = "cert.not_server"},
    {.files = {"bundle-clientauth.pem"}, .codes = "cert.not_server"},
    {.files = {"bundle-shuffled.pem"}, .codes = "chain.order,chain.root_omitted"},
    {.files = {"bundle-crlf-bom.pem"}, .codes = "chain.order,chain.root_omitted"},
    {.files = {"bundle-root.pem"}, .codes = "chain.root_omitted"},
    {.files = {"bundle-dup.pem"}, .codes = "chain.duplicate,chain.duplicate"},
    {.files = {"bundle-good.pem", "letsencrypt/live/www.example.com/privkey.pem"},
     .codes = "chain.duplicate"},
    {.files = {"bundle-unrelated.pem"}, .codes = "unrelated.cert"},
    {.files = {"bundle-good.pem", "unrelated.key"}, .codes = "unrelated.key"},
    {.files = {"csr.pem"}, .codes = "input.ignored"},
    {.files = {"bundle-ec-params.pem"}, .codes = "input.ignored"},
    {.files = {"bundle-cross.pem"}, .trust = {"xroot.pem", "xold.pem"}, .codes = "chain.alt_path"},
    {.files = {"bundle-cross-expired.pem"},
     .trust = {"xroot.pem", "xold.pem"},
     .codes = "chain.cross_expired"},
    {.files = {"bundle-cross.pem"}, .codes = "chain.incomplete"},
    {.files = {"bundle-cross-expired.pem"}, .codes = "cert.expired,chain.incomplete"},
    /* path validation (tests/fixtures/pki.py): every certificate held to its position's rules */
    {.files = {"pki/int-eku-email.pem"}, .codes = "chain.eku"},
    {.files = {"pki/int-eku-any.pem"}, .codes = "chain.eku"},
    {.files = {"pki/int-eku-server.pem"}, .codes = ""},
    {.files = {"pki/int-rsa1024.pem"}, .codes = "key.weak"},
    {.files = {"pki/int-rsa2052.pem"}, .codes = "cert.profile"},
    {.files = {"pki/int-p192.pem"}, .codes = "chain.key"},
    {.files = {"pki/int-p521.pem"}, .codes = "cert.profile"},
    {.files = {"pki/int-dsa.pem"}, .codes = "chain.key"},
    {.files = {"pki/int-ed25519.pem"}, .codes = "chain.key"},
    {.files = {"pki/int-ec-explicit.pem"}, .codes = "chain.key"},
    {.files = {"pki/int-sha1.pem"}, .codes = "sig.weak"},
    {.files = {"pki/int-expired.pem"}, .codes = "cert.expired"},
    {.files = {"pki/int-notyet.pem"}, .codes = "cert.not_yet_valid"},
    {.files = {"pki/root-expired.pem"},
     .trust = {"pki/root-expired-ca.pem"},
     .codes = "cert.expired"},
    {.files = {"pki/root-sha1.pem"},
     .trust = {"pki/root-sha1-ca.pem"},
     .codes = "chain.root_omitted"},
    {.files = {"pki/root-badsig.pem"}, .trust = {"pki/root-badsig-ca.pem"}, .codes = ""},
    {.files = {"pki/root-rsa1024.pem"}, .trust = {"pki/root-rsa1024-ca.pem"}, .codes = "key.weak"},
    {.files = {"pki/root-eku-email.pem"},
     .trust = {"pki/root-eku-email-ca.pem"},
     .codes = "chain.eku"},
    {.files = {"pki/pathlen.pem"}, .codes = "chain.profile"},
    {.files = {"pki/int-no-bc.pem"}, .codes = "chain.profile"},
    {.files = {"pki/int-v1.pem"}, .codes = "chain.profile"},
    {.files = {"pki/int-no-certsign.pem"}, .codes = "chain.profile"},
    {.files = {"pki/int-unknown-critical.pem"}, .codes = "chain.profile"},
    {.files = {"pki/leaf-unknown-critical.pem"}, .codes = "chain.profile"},
    {.files = {"pki/leaf-aia-bad.pem"}, .codes = "chain.profile"},
    {.files = {"pki/leaf-empty-subject.pem"}, .codes = "chain.profile"},
    {.files = {"pki/int-bc-noncritical.pem"}, .codes = "cert.profile"},
    {.files = {"pki/int-no-ski.pem"}, .codes = "cert.profile"},
    {.files = {"pki/int-pc-noncritical.pem"}, .codes = "cert.profile"},
    {.files = {"pki/leaf-no-aki.pem"}, .codes = "cert.profile"},
    {.files = {"pki/leaf-keycertsign.pem"}, .codes = "cert.profile"},
    {.files = {"pki/leaf-nc.pem"}, .codes = "cert.profile"},
    {.files = {"pki/root-aki-mismatch.pem"},
     .trust = {"pki/root-aki-mismatch-ca.pem"},
     .codes = "cert.profile"},
    {.files = {"pki/leaf-serial-zero.pem"}, .codes = "cert.profile"},
    {.files = {"pki/leaf-serial-long.pem"}, .codes = "cert.profile"},
    /* names: the subjectAltName only */
    {.files = {"pki/leaf-underscore.pem"}, .codes = "name.profile"},
    {.files = {"pki/leaf-cn-not-san.pem"}, .codes = "name.profile"},
    {.files = {"pki/leaf-eku-any.pem"}, .codes = "cert.not_server"},
    {.files = {"pki/leaf-eku-ocsp.pem"}, .codes = "cert.not_server"},
    /* name constraints: SANs and the subject DN, never the CN; wildcards as every name they
     * could match */
    {.files = {"pki/nc-dns-ok.pem"}, .codes = ""},
    {.files = {"pki/nc-dns-outside.pem"}, .codes = "name.constraint"},
    {.files = {"pki/nc-wildcard-ok.pem"}, .codes = ""},
    {.files = {"pki/nc-ip-only-san.pem"}, .codes = "name.profile"},
    {.files = {"pki/nc-ip-outside.pem"}, .codes = "name.constraint"},
    {.files = {"pki/nc-cn-ignored.pem"}, .codes = "name.profile"},
    {.files = {"pki/nc-wildcard-excluded.pem"}, .codes = "name.constraint"},
    {.files = {"pki/nc-excluded-ok.pem"}, .codes = ""},
    {.files = {"pki/nc-wildcard-partial.pem"}, .codes = "name.constraint"},
    {.files = {"pki/nc-email.pem"}, .codes = "name.constraint"},
    {.files = {"pki/nc-uri.pem"}, .codes = "name.constraint"},
    {.files = {"pki/nc-dirname-ok.pem"}, .codes = ""},
    {.files = {"pki/nc-dirname.pem"}, .codes = "name.constraint"},
    /* backtracking: the better-ranked path invalid, a worse one valid, both ways round */
    {.files = {"pki/cross-short-bad.pem"},
     .trust = {"pki/cross-ca.pem"},
     .codes = "chain.alt_path"},
    {.files = {"pki/cross-long-bad.pem"},
     .trust = {"pki/cross-ca.pem"},
     .codes = "chain.alt_path,chain.alt_path"},
    {.files = {"pki/cross-long-bad.pem"},
     .trust = {"pki/cross-ca.pem"},
     .codes = "chain.alt_path,chain.alt_path",
     .preferred = "libcert Test Cross Old Root"},
    /* depth and loops, as what they are */
    {.files = {"pki/deep.pem"}, .codes = "chain.too_long"},
    {.files = {"pki/deep.pem"}, .codes = "", .max_depth = 16},
    {.files = {"pki/loop.pem"}, .codes = "chain.loop"},
    /* --crl */
    {.files = {"bundle-good.pem"}, .codes = "cert.revoked", .crl = "pki/crl-int2-revokes-leaf.pem"},
    {.files = {"bundle-good.pem"}, .codes = "cert.revoked", .crl = "pki/crl-int2-revokes-leaf.der"},
    {.files = {"bundle-good.pem"}, .codes = "cert.revoked", .crl = "pki/crl-int1-revokes-int2.pem"},
    {.files = {"bundle-good.pem"}, .codes = "", .crl = "pki/crl-int2-empty.pem"},
    {.files = {"bundle-good.pem"}, .codes = "crl.stale", .crl = "pki/crl-int2-stale.pem"},
    {.files = {"bundle-good.pem"}, .codes = "crl.unrelated", .crl = "pki/crl-other.pem"},
    {.files = {"bundle-good.pem"}, .codes = "crl.unrelated", .crl = "pki/crl-int2-forged.pem"},
    /* public roots only: CT and lifetime */
    {.files = {"pki/ct-none.pem"}, .codes = "cert.ct", .system = true},
    {.files = {"pki/ct-two.pem"}, .codes = "", .system = true},
    {.files = {"pki/ct-two-long.pem"}, .codes = "cert.ct", .system = true},
    {.files = {"pki/ct-three.pem"}, .codes = "", .system = true},
    {.files = {"pki/lifetime.pem"}, .codes = "cert.lifetime", .system = true},
    {.files = {"bundle-good.pem"}, .codes = "cert.ct", .system = true},
    {.files = {"pki/ct-none.pem"}, .codes = ""},
    {.files = {"pki/lifetime.pem"}, .codes = ""},
};

#define NSCENARIOS (sizeof(scenarios) / sizeof(scenarios[0]))

static void run_scenario(h_run *r, const scenario *s)
{
    h_opts o = H_OPTS_INIT;

    for (size_t i = 0; i < 3; i++)
        o.trust[i] = s->trust[i];
    o.crl[0] = s->crl;
    o.chain.max_depth = s->max_depth;
    o.chain.preferred_chain = s->preferred;
    o.system_trust = s->system;
    h_pipeline(r, &o, s->files[0], s->files[1], s->files[2], s->files[3], NULL);
}

static size_t code_rank(const char *code)
{
    const char *c;

    for (size_t i = 0; (c = cert_check_code_at(i, NULL, NULL)) != NULL; i++) {
        if (strcmp(c, code) == 0)
            return i;
    }
    fail_msg("%s is not in the catalogue", code);
    return SIZE_MAX;
}

/* Errors first, then warnings, then info; within a severity in catalogue order. */
static void assert_ordered(const cert_findings *f)
{
    for (size_t i = 1; i < cert_findings_count(f); i++) {
        const cert_finding *a = cert_findings_at(f, i - 1), *b = cert_findings_at(f, i);

        if (a->severity < b->severity ||
            (a->severity == b->severity && code_rank(a->code) > code_rank(b->code)))
            fail_msg("findings out of order: %s (%s) before %s (%s)", a->code,
                     cert_severity_name(a->severity), b->code, cert_severity_name(b->severity));
    }
}

static void test_checks__scenarios_give_exact_codes(void **state)
{
    (void)state;
    for (size_t i = 0; i < NSCENARIOS; i++) {
        h_run r;
        char *got;

        run_scenario(&r, &scenarios[i]);
        got = h_codes(r.findings);
        if (strcmp(got, scenarios[i].codes) != 0)
            print_error("scenario %zu: %s (trust %s%s)\n", i, scenarios[i].files[0],
                        scenarios[i].trust[0] ? scenarios[i].trust[0] : "root.pem",
                        scenarios[i].system ? ", the system's" : "");
        free(got);
        assert_codes(r.findings, scenarios[i].codes);
        assert_ordered(r.findings);
        /* every finding comes from the catalogue with its one severity (key.missing: warning
         * unless the key is required) */
        for (size_t k = 0; k < cert_findings_count(r.findings); k++) {
            const cert_finding *f = cert_findings_at(r.findings, k);
            cert_severity sev;

            assert_non_null(cert_check_code_at(code_rank(f->code), &sev, NULL));
            if (strcmp(f->code, "key.missing") == 0)
                sev = CERT_SEV_WARNING;
            assert_int_equal(f->severity, sev);
            assert_false(f->allowed);
            assert_non_null(f->message);
            assert_true(f->message[0] != '\0');
            assert_false(h_contains(f->message, "allowed by"));
        }
        h_run_free(&r);
    }
}

/* Codes the scenario table above does not produce, and the test that does. */
static const char *const made_here[] = {
    "name.uncovered", "limit.body", "limit.key", "limit.chain", "iam.path", "iam.differs",
    "iam.same",
    /* the path-building bomb: test_chain.c (test_chain__bomb_stays_within_bounds) */
    "chain.bounded",
    /* the workflows' rules: tests/integration (test_certattach.py, test_renewal.py) */
    "handle.unmatched", "rotate.downgrade", "rotate.store",
    /* what is really served: tests/integration/test_live.py */
    "served.differs", "served.same", "served.ocsp", "live.differs", "live.unresolved",
    "live.unreachable", "live.unrouted", "live.chain", "dns.other_distribution", "dns.missing",
    "dns.elsewhere", "dns.routing", "dns.ambiguous", "dns.no_zone",
    /* ACM's rules: tests/integration/test_acm.py */
    "acm.managed", "acm.shared", "acm.reimport.key", "acm.reimport.key_usage", "acm.reimport.eku",
    "acm.region", "acm.status"};

static void test_checks__every_catalogue_code_is_covered(void **state)
{
    const char *code;

    (void)state;
    for (size_t i = 0; (code = cert_check_code_at(i, NULL, NULL)) != NULL; i++) {
        bool found = false;

        for (size_t s = 0; s < NSCENARIOS && !found; s++) {
            const char *p = strstr(scenarios[s].codes, code);

            found = p != NULL && (p[strlen(code)] == '\0' || p[strlen(code)] == ',');
        }
        for (size_t m = 0; m < sizeof(made_here) / sizeof(made_here[0]) && !found; m++)
            found = strcmp(made_here[m], code) == 0;
        if (!found)
            fail_msg("catalogue code %s is produced by no test scenario", code);
    }
}

/* ---- the catalogue ---- */

static void test_checks__catalogue(void **state)
{
    static const struct {
        const char *code;
        cert_severity sev;
    } want[] = {
        {"key.missing", CERT_SEV_ERROR},
        {"key.mismatch", CERT_SEV_ERROR},
        {"chain.incomplete", CERT_SEV_ERROR},
        {"chain.too_long", CERT_SEV_ERROR},
        {"chain.loop", CERT_SEV_ERROR},
        {"chain.untrusted", CERT_SEV_ERROR},
        {"chain.profile", CERT_SEV_ERROR},
        {"chain.eku", CERT_SEV_ERROR},
        {"chain.key", CERT_SEV_ERROR},
        {"name.constraint", CERT_SEV_ERROR},
        {"cert.revoked", CERT_SEV_ERROR},
        {"cert.expired", CERT_SEV_ERROR},
        {"cert.not_yet_valid", CERT_SEV_ERROR},
        {"cert.expires_imminent", CERT_SEV_ERROR},
        {"cert.ct", CERT_SEV_ERROR},
        {"cert.lifetime", CERT_SEV_ERROR},
        {"key.unsupported", CERT_SEV_ERROR},
        {"key.weak", CERT_SEV_ERROR},
        {"sig.weak", CERT_SEV_ERROR},
        {"cert.not_server", CERT_SEV_ERROR},
        {"name.no_san", CERT_SEV_ERROR},
        {"name.uncovered", CERT_SEV_ERROR},
        {"limit.body", CERT_SEV_ERROR},
        {"limit.key", CERT_SEV_ERROR},
        {"limit.chain", CERT_SEV_ERROR},
        {"iam.path", CERT_SEV_ERROR},
        {"iam.differs", CERT_SEV_ERROR},
        {"iam.same", CERT_SEV_INFO},
        {"handle.unmatched", CERT_SEV_ERROR},
        {"rotate.downgrade", CERT_SEV_ERROR},
        {"rotate.store", CERT_SEV_ERROR},
        {"served.differs", CERT_SEV_ERROR},
        {"live.differs", CERT_SEV_ERROR},
        {"live.unresolved", CERT_SEV_ERROR},
        {"live.unreachable", CERT_SEV_ERROR},
        {"dns.other_distribution", CERT_SEV_ERROR},
        {"dns.missing", CERT_SEV_ERROR},
        {"acm.managed", CERT_SEV_ERROR},
        {"acm.shared", CERT_SEV_ERROR},
        {"acm.reimport.key", CERT_SEV_ERROR},
        {"acm.reimport.key_usage", CERT_SEV_ERROR},
        {"acm.reimport.eku", CERT_SEV_ERROR},
        {"acm.region", CERT_SEV_ERROR},
        {"acm.status", CERT_SEV_ERROR},
        {"cert.expires_soon", CERT_SEV_WARNING},
        {"chain.expires_first", CERT_SEV_WARNING},
        {"chain.cross_expired", CERT_SEV_WARNING},
        {"chain.bounded", CERT_SEV_WARNING},
        {"cert.profile", CERT_SEV_WARNING},
        {"name.profile", CERT_SEV_WARNING},
        {"crl.stale", CERT_SEV_WARNING},
        {"crl.unrelated", CERT_SEV_WARNING},
        {"unrelated.cert", CERT_SEV_WARNING},
        {"unrelated.key", CERT_SEV_WARNING},
        {"dns.elsewhere", CERT_SEV_WARNING},
        {"dns.routing", CERT_SEV_WARNING},
        {"dns.ambiguous", CERT_SEV_WARNING},
        {"live.unrouted", CERT_SEV_WARNING},
        {"live.chain", CERT_SEV_WARNING},
        {"chain.order", CERT_SEV_INFO},
        {"chain.duplicate", CERT_SEV_INFO},
        {"chain.root_omitted", CERT_SEV_INFO},
        {"chain.alt_path", CERT_SEV_INFO},
        {"input.ignored", CERT_SEV_INFO},
        {"served.same", CERT_SEV_INFO},
        {"served.ocsp", CERT_SEV_INFO},
        {"dns.no_zone", CERT_SEV_INFO},
    };
    size_t n = sizeof(want) / sizeof(want[0]), count = 0;
    const char *code, *about;
    cert_severity sev;

    (void)state;
    while ((code = cert_check_code_at(count, &sev, &about)) != NULL) {
        bool found = false;

        assert_true(cert_check_code_known(code));
        assert_non_null(about);
        assert_true(strlen(about) > 10);
        for (size_t k = 0; k < count; k++)
            assert_string_not_equal(cert_check_code_at(k, NULL, NULL), code);
        for (size_t k = 0; k < n; k++) {
            if (strcmp(want[k].code, code) == 0) {
                found = true;
                if (want[k].sev != sev)
                    fail_msg("%s has severity %s, expected %s", code, cert_severity_name(sev),
                             cert_severity_name(want[k].sev));
            }
        }
        if (!found)
            fail_msg("unexpected code %s in the catalogue", code);
        count++;
    }
    assert_int_equal(count, n);
    assert_null(cert_check_code_at(n, &sev, &about));
    assert_null(cert_check_code_at(SIZE_MAX, NULL, NULL));
    assert_false(cert_check_code_known("nope"));
    assert_false(cert_check_code_known("cert"));
    assert_false(cert_check_code_known("cert.expired "));
    assert_false(cert_check_code_known(""));
    assert_false(cert_check_code_known(NULL));
    assert_string_equal(cert_severity_name(CERT_SEV_INFO), "info");
    assert_string_equal(cert_severity_name(CERT_SEV_WARNING), "warning");
    assert_string_equal(cert_severity_name(CERT_SEV_ERROR), "error");
}

/* ---- details of single findings ---- */

static const cert_finding *only(const cert_findings *f, const char *code)
{
    const cert_finding *x = cert_findings_find(f, code);

    if (x == NULL)
        fail_msg("no %s finding", code);
    return x;
}

static void test_checks__missing_intermediate_details(void **state)
{
    h_run r;
    const cert_finding *f;

    (void)state;
    h_pipeline(&r, NULL, "bundle-missing-int.pem", NULL);
    f = only(r.findings, "chain.incomplete");
    assert_int_equal(f->severity, CERT_SEV_ERROR);
    assert_has(f->message, "no certificate for " SUBJ_INT2, "the issuer of " SUBJ_LEAF);
    assert_int_equal(f->item, 0);
    f = only(r.findings, "unrelated.cert");
    assert_int_equal(f->severity, CERT_SEV_WARNING);
    assert_int_equal(f->item, 1);
    assert_has(f->message, SUBJ_INT1);
    assert_ptr_equal(f->source, cert_bundle_cert_source(r.bundle, 1));
    assert_int_equal(f->source->index, 2);
    assert_int_equal(cert_findings_count_severity(r.findings, CERT_SEV_ERROR), 1);
    assert_int_equal(cert_findings_count_severity(r.findings, CERT_SEV_WARNING), 1);
    assert_int_equal(cert_findings_count_severity(r.findings, CERT_SEV_INFO), 0);
    /* errors first */
    assert_string_equal(cert_findings_at(r.findings, 0)->code, "chain.incomplete");
    assert_string_equal(cert_findings_at(r.findings, 1)->code, "unrelated.cert");
    assert_null(cert_findings_at(r.findings, 2));
    assert_null(cert_findings_find(r.findings, "cert.expired"));
    h_run_free(&r);
}

static void test_checks__validity_messages(void **state)
{
    static const struct {
        const char *file, *code, *text;
    } cases[] = {
        {"bundle-expired.pem", "cert.expired", "expired on 2025-01-01T00:00:00Z (365 days ago)"},
        {"bundle-notyet.pem", "cert.not_yet_valid",
         "not valid until 2026-02-01T00:00:00Z (31 days from now)"},
        {"bundle-soon.pem", "cert.expires_soon", "expires on 2026-01-11T00:00:00Z, in 10 days"},
        {"bundle-imminent.pem", "cert.expires_imminent", "2026-01-01T12:00:00Z"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        h_run r;
        const cert_finding *f;

        h_pipeline(&r, NULL, cases[i].file, NULL);
        f = only(r.findings, cases[i].code);
        assert_has(f->message, SUBJ_LEAF, cases[i].text);
        assert_int_equal(f->item, cert_chain_leaf_item(r.chain));
        assert_ptr_equal(f->source, cert_bundle_cert_source(r.bundle, f->item));
        h_run_free(&r);
    }
}

static void test_checks__expired_intermediate(void **state)
{
    h_opts o = H_OPTS_INIT;
    h_run r;
    const cert_finding *f;

    (void)state;
    /* 2026-03-15: int-short expired on 2026-03-01, its leaf runs until 2026-06-01 */
    o.chain.now = FX_NOW + 73 * DAY;
    h_pipeline(&r, &o, "bundle-longleaf.pem", NULL);
    assert_codes(r.findings, "cert.expired");
    f = only(r.findings, "cert.expired");
    assert_has(f->message, "the intermediate CN=libcert Test Short Intermediate",
               "2026-03-01T00:00:00Z");
    assert_int_equal(f->item, cert_chain_item_at(r.chain, 0));
    h_run_free(&r);
}

static void test_checks__days_threshold(void **state)
{
    static const struct {
        const char *file;
        unsigned int days;
        bool soon;
    } cases[] = {
        {"bundle-soon.pem", 30, true},  {"bundle-soon.pem", 11, true},
        {"bundle-soon.pem", 10, false}, {"bundle-soon.pem", 0, false},
        {"bundle-good.pem", 30, false}, {"bundle-good.pem", 151, false},
        {"bundle-good.pem", 152, true},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        h_opts o = H_OPTS_INIT;
        h_run r;

        o.check.days = cases[i].days;
        h_pipeline(&r, &o, cases[i].file, NULL);
        if ((cert_findings_find(r.findings, "cert.expires_soon") != NULL) != cases[i].soon)
            fail_msg("%s with days=%u: cert.expires_soon should be %s", cases[i].file,
                     cases[i].days, cases[i].soon ? "present" : "absent");
        h_run_free(&r);
    }
}

static void test_checks__key_missing_required_is_error(void **state)
{
    h_opts o = H_OPTS_INIT;
    h_run r;
    const cert_finding *f;

    (void)state;
    h_pipeline(&r, &o, "bundle-nokey.pem", NULL);
    f = only(r.findings, "key.missing");
    assert_int_equal(f->severity, CERT_SEV_WARNING);
    assert_int_equal(cert_findings_count_severity(r.findings, CERT_SEV_ERROR), 0);
    h_run_free(&r);
    o.check.key_required = true;
    h_pipeline(&r, &o, "bundle-nokey.pem", NULL);
    f = only(r.findings, "key.missing");
    assert_int_equal(f->severity, CERT_SEV_ERROR);
    assert_false(f->allowed);
    h_run_free(&r);
    /* a present key is no finding either way */
    h_pipeline(&r, &o, "bundle-good.pem", NULL);
    assert_codes(r.findings, "");
    h_run_free(&r);
}

static void test_checks__key_mismatch_details(void **state)
{
    h_run r;
    const cert_finding *f;

    (void)state;
    h_pipeline(&r, NULL, "bundle-wrong-key.pem", NULL);
    f = only(r.findings, "key.mismatch");
    assert_has(f->message, "does not match the leaf " SUBJ_LEAF);
    assert_ptr_equal(f->source, cert_bundle_key_source(r.bundle, 0));
    /* the mismatched key is not reported a second time as unrelated */
    assert_null(cert_findings_find(r.findings, "unrelated.key"));
    h_run_free(&r);
}

static void test_checks__untrusted_message_has_reason(void **state)
{
    h_run r;
    const cert_finding *f;
    h_opts o = H_OPTS_INIT;

    (void)state;
    o.trust[0] = "other-ca.pem";
    h_pipeline(&r, &o, "bundle-root.pem", NULL);
    f = only(r.findings, "chain.untrusted");
    assert_has(f->message, "does not verify", cert_chain_trust_reason(r.chain));
    assert_true(cert_chain_trust_reason(r.chain)[0] != '\0');
    h_run_free(&r);
}

static void test_checks__input_ignored_names_block(void **state)
{
    h_run r;
    const cert_finding *f;
    char where[600];

    (void)state;
    h_pipeline(&r, NULL, "csr.pem", NULL);
    f = only(r.findings, "input.ignored");
    snprintf(where, sizeof(where), "%s: block 1 (line 1): a CERTIFICATE REQUEST block",
             fx("csr.pem"));
    assert_has(f->message, where);
    assert_int_equal(f->severity, CERT_SEV_INFO);
    h_run_free(&r);
}

static void test_checks__name_uncovered(void **state)
{
    static const char *const hosts[] = {"www.example.com", "EXAMPLE.com.", "other.example.com",
                                        "a.www.example.com"};
    h_opts o = H_OPTS_INIT;
    h_run r;
    size_t n = 0;

    (void)state;
    o.check.hosts = hosts;
    o.check.host_count = 4;
    h_pipeline(&r, &o, "bundle-good.pem", NULL);
    assert_codes(r.findings, "name.uncovered,name.uncovered");
    for (size_t i = 0; i < cert_findings_count(r.findings); i++) {
        const cert_finding *f = cert_findings_at(r.findings, i);

        /* the message starts with the host */
        n += strncmp(f->message, "other.example.com is not covered", 32) == 0 ||
             strncmp(f->message, "a.www.example.com is not covered", 32) == 0;
        assert_int_equal(f->item, 0);
    }
    assert_int_equal(n, 2);
    h_run_free(&r);
    /* the wildcard leaf covers one label below, the IP leaf its address */
    o.check.hosts = (const char *const[]){"a.example.com", "example.com"};
    o.check.host_count = 2;
    h_pipeline(&r, &o, "bundle-wildcard.pem", NULL);
    assert_codes(r.findings, "");
    h_run_free(&r);
    o.check.hosts = (const char *const[]){"192.0.2.10", "ip.example.com"};
    h_pipeline(&r, &o, "bundle-ip.pem", NULL);
    assert_codes(r.findings, "");
    h_run_free(&r);
}

static void test_checks__key_not_expected(void **state)
{
    h_opts o = H_OPTS_INIT;
    h_run r;

    (void)state;
    o.check.key_not_expected = true;
    h_pipeline(&r, &o, "bundle-nokey.pem", NULL);
    assert_codes(r.findings, "");
    h_run_free(&r);
    /* the same bundle without the option */
    o.check.key_not_expected = false;
    h_pipeline(&r, &o, "bundle-nokey.pem", NULL);
    assert_codes(r.findings, "key.missing");
    h_run_free(&r);
}

/* ---- IAM ---- */

static void test_checks__iam_path(void **state)
{
    static const struct {
        const char *path;
        const char *codes;
    } cases[] = {
        {"/cloudfront/", ""},   {"/cloudfront/prod/", ""},   {"/", "iam.path"},
        {"/prod/", "iam.path"}, {"/cloudfront", "iam.path"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        h_opts o = H_OPTS_INIT;
        h_run r;

        o.check.iam_path = cases[i].path;
        h_pipeline(&r, &o, "bundle-good.pem", NULL);
        assert_codes(r.findings, cases[i].codes);
        if (cases[i].codes[0] != '\0') {
            const cert_finding *f = only(r.findings, "iam.path");
            char text[64];

            snprintf(text, sizeof(text), "IAM path is %s;", cases[i].path);
            assert_has(f->message, text, "/cloudfront/");
            assert_int_equal(f->severity, CERT_SEV_ERROR);
        }
        h_run_free(&r);
    }
}

static void test_checks__iam_expect(void **state)
{
    static const struct {
        const char *file;
        bool with_root;
        const char *codes;
    } cases[] = {
        {"bundle-good.pem", false, "iam.same"},
        {"bundle-root.pem", true, "iam.same"}, /* roots are not compared */
        {"bundle-shuffled.pem", false, "iam.same,chain.order,chain.root_omitted"},
        {"bundle-rsa3072.pem", false, "iam.differs"},
        {"bundle-missing-int.pem", false, "iam.differs,chain.incomplete,unrelated.cert"},
        {"bundle-longleaf.pem", false, "iam.differs,chain.expires_first"},
    };
    h_run want;

    (void)state;
    /* what the user means to have in IAM: the certbot files of the same certificate */
    h_pipeline(&want, NULL, "fullchain.pem", "letsencrypt/live/www.example.com/privkey.pem", NULL);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        h_opts o = H_OPTS_INIT;
        h_run r;

        o.check.expect = want.chain;
        o.chain.with_root = cases[i].with_root;
        h_pipeline(&r, &o, cases[i].file, NULL);
        assert_codes(r.findings, cases[i].codes);
        h_run_free(&r);
    }
    h_run_free(&want);
}

/* ---- --allow ---- */

static void test_checks__allow_downgrades_error(void **state)
{
    static const char *const allow[] = {"cert.expired"};
    h_opts o = H_OPTS_INIT;
    h_run r;
    const cert_finding *f;

    (void)state;
    o.check.allow = allow;
    o.check.allow_count = 1;
    h_pipeline(&r, &o, "bundle-expired.pem", NULL);
    assert_codes(r.findings, "cert.expired");
    f = only(r.findings, "cert.expired");
    assert_true(f->allowed);
    assert_int_equal(f->severity, CERT_SEV_WARNING);
    assert_has(f->message, "expired on 2025-01-01T00:00:00Z", "allowed by --allow cert.expired");
    assert_int_equal(cert_findings_count_severity(r.findings, CERT_SEV_ERROR), 0);
    assert_int_equal(cert_findings_count_severity(r.findings, CERT_SEV_WARNING), 1);
    h_run_free(&r);
}

static void test_checks__allow_only_named_codes(void **state)
{
    static const char *const allow[] = {"key.weak", "cert.expires_soon", "chain.order"};
    h_opts o = H_OPTS_INIT;
    h_run r;
    const cert_finding *f;

    (void)state;
    o.check.allow = allow;
    o.check.allow_count = 3;
    /* an error that is not allowed stays an error */
    h_pipeline(&r, &o, "bundle-expired.pem", NULL);
    f = only(r.findings, "cert.expired");
    assert_false(f->allowed);
    assert_int_equal(f->severity, CERT_SEV_ERROR);
    assert_false(h_contains(f->message, "allowed"));
    h_run_free(&r);
    /* a warning or an info is not "allowed": it was no error */
    h_pipeline(&r, &o, "bundle-soon.pem", NULL);
    f = only(r.findings, "cert.expires_soon");
    assert_false(f->allowed);
    assert_int_equal(f->severity, CERT_SEV_WARNING);
    h_run_free(&r);
    h_pipeline(&r, &o, "bundle-shuffled.pem", NULL);
    f = only(r.findings, "chain.order");
    assert_false(f->allowed);
    assert_int_equal(f->severity, CERT_SEV_INFO);
    h_run_free(&r);
    h_pipeline(&r, &o, "bundle-rsa1024.pem", NULL);
    f = only(r.findings, "key.weak");
    assert_true(f->allowed);
    assert_int_equal(f->severity, CERT_SEV_WARNING);
    assert_has(f->message, "(allowed by --allow key.weak)");
    h_run_free(&r);
}

static void test_checks__allow_required_key(void **state)
{
    static const char *const allow[] = {"key.missing"};
    h_opts o = H_OPTS_INIT;
    h_run r;
    const cert_finding *f;

    (void)state;
    o.check.key_required = true;
    o.check.allow = allow;
    o.check.allow_count = 1;
    h_pipeline(&r, &o, "bundle-nokey.pem", NULL);
    f = only(r.findings, "key.missing");
    assert_true(f->allowed);
    assert_int_equal(f->severity, CERT_SEV_WARNING);
    assert_has(f->message, "allowed by --allow key.missing");
    h_run_free(&r);
}

static void test_checks__allow_unknown_code_is_invalid(void **state)
{
    static const char *const allow[] = {"cert.expired", "cert.bogus"};
    cert_check_opts o = CERT_CHECK_OPTS_INIT;
    h_run r;
    cert_findings *f = (cert_findings *)(uintptr_t)1;

    (void)state;
    h_pipeline(&r, NULL, "bundle-good.pem", NULL);
    o.now = FX_NOW;
    o.allow = allow;
    o.allow_count = 2;
    assert_cert_error(cert_checks_run(r.chain, &o, &f), CERT_E_INVALID, "--allow cert.bogus");
    assert_null(f);
    assert_cert_error(cert_checks_run(NULL, &o, &f), CERT_E_INVALID, "cert_checks_run");
    assert_cert_error(cert_checks_run(r.chain, &o, NULL), CERT_E_INVALID, "cert_checks_run");
    h_run_free(&r);
}

static void test_checks__findings_accessors_on_null(void **state)
{
    (void)state;
    assert_int_equal(cert_findings_count(NULL), 0);
    assert_null(cert_findings_at(NULL, 0));
    assert_null(cert_findings_find(NULL, "key.missing"));
    assert_int_equal(cert_findings_count_severity(NULL, CERT_SEV_ERROR), 0);
    cert_findings_free(NULL);
}

static void test_checks__ordering_with_many_findings(void **state)
{
    static const char *const hosts[] = {"nothere.example.org"};
    h_opts o = H_OPTS_INIT;
    h_run r;

    (void)state;
    /* soon (warning) + uncovered host (error) + unrelated cert (warning) + dup + order (info) */
    o.check.hosts = hosts;
    o.check.host_count = 1;
    h_pipeline(&r, &o, "leaf-soon.pem", "int1.pem", "leaf-soon.key", "unrelated.pem", "int2.pem",
               "int2.pem", NULL);
    assert_codes(r.findings, "name.uncovered,cert.expires_soon,unrelated.cert,chain.order,"
                             "chain.duplicate");
    assert_ordered(r.findings);
    assert_string_equal(cert_findings_at(r.findings, 0)->code, "name.uncovered");
    assert_string_equal(cert_findings_at(r.findings, 1)->code, "cert.expires_soon");
    assert_string_equal(cert_findings_at(r.findings, 2)->code, "unrelated.cert");
    assert_string_equal(cert_findings_at(r.findings, 3)->code, "chain.order");
    assert_string_equal(cert_findings_at(r.findings, 4)->code, "chain.duplicate");
    h_run_free(&r);
}

/* ---- certificates made here: limits, weak intermediates, name rules ---- */

typedef struct mk {
    const char *cn;
    EVP_PKEY *pub;      /* the subject's key */
    X509 *issuer;       /* NULL: self-signed */
    EVP_PKEY *sign_key; /* the issuer's (or own) private key */
    const EVP_MD *md;   /* NULL: SHA-256 */
    bool ca;
    const char *san; /* X509v3 config syntax, NULL for none */
    size_t pad;      /* bytes of a private non-critical extension */
} mk;

static void add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, ctx, nid, value);

    assert_non_null(e);
    assert_int_equal(X509_add_ext(x, e, -1), 1);
    X509_EXTENSION_free(e);
}

static X509 *make_cert(const mk *m)
{
    static long serial = 0x7000;
    X509 *x = X509_new();
    X509_NAME *name = X509_NAME_new();
    X509V3_CTX ctx;

    assert_non_null(x);
    assert_non_null(name);
    assert_int_equal(X509_set_version(x, 2), 1);
    assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), serial++), 1);
    assert_int_equal(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                                (const unsigned char *)"libcert tests", -1, -1, 0),
                     1);
    assert_int_equal(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                                (const unsigned char *)m->cn, -1, -1, 0),
                     1);
    assert_int_equal(X509_set_subject_name(x, name), 1);
    assert_int_equal(X509_set_issuer_name(x, m->issuer ? X509_get_subject_name(m->issuer) : name),
                     1);
    X509_NAME_free(name);
    assert_non_null(ASN1_TIME_set(X509_getm_notBefore(x), (time_t)(FX_NOW - 31 * DAY)));
    assert_non_null(
        ASN1_TIME_set(X509_getm_notAfter(x), (time_t)(FX_NOW + (m->ca ? 1000 : 150) * DAY)));
    assert_int_equal(X509_set_pubkey(x, m->pub), 1);
    X509V3_set_ctx(&ctx, m->issuer ? m->issuer : x, x, NULL, NULL, 0);
    add_ext(x, &ctx, NID_basic_constraints, m->ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
    add_ext(x, &ctx, NID_subject_key_identifier, "hash");
    if (m->issuer != NULL)
        add_ext(x, &ctx, NID_authority_key_identifier, "keyid");
    if (m->ca)
        add_ext(x, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
    if (m->san != NULL)
        add_ext(x, &ctx, NID_subject_alt_name, m->san);
    if (m->pad > 0) {
        ASN1_OBJECT *obj = OBJ_txt2obj("1.3.6.1.4.1.55555.99.1", 1);
        ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
        unsigned char *junk = malloc(m->pad);
        X509_EXTENSION *e;

        assert_non_null(obj);
        assert_non_null(os);
        assert_non_null(junk);
        memset(junk, 'A', m->pad);
        assert_int_equal(ASN1_OCTET_STRING_set(os, junk, (int)m->pad), 1);
        e = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, os);
        assert_non_null(e);
        assert_int_equal(X509_add_ext(x, e, -1), 1);
        X509_EXTENSION_free(e);
        ASN1_OCTET_STRING_free(os);
        ASN1_OBJECT_free(obj);
        free(junk);
    }
    assert_true(X509_sign(x, m->sign_key, m->md ? m->md : EVP_sha256()) > 0);
    return x;
}

/* PEM of a certificate into a bundle, as an input called `name`. */
static void add_x509(cert_bundle *b, X509 *x, const char *name)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *data;
    long n;

    assert_non_null(bio);
    assert_int_equal(PEM_write_bio_X509(bio, x), 1);
    n = BIO_get_mem_data(bio, &data);
    assert_cert_ok(cert_bundle_load_mem(b, (const uint8_t *)data, (size_t)n, name, NULL));
    BIO_free(bio);
}

static void add_key(cert_bundle *b, EVP_PKEY *k, const char *name)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *data;
    long n;

    assert_non_null(bio);
    assert_int_equal(PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL, NULL), 1);
    n = BIO_get_mem_data(bio, &data);
    assert_cert_ok(cert_bundle_load_mem(b, (const uint8_t *)data, (size_t)n, name, NULL));
    BIO_free(bio);
}

static size_t pem_length(X509 *x)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *data;
    long n;

    assert_int_equal(PEM_write_bio_X509(bio, x), 1);
    n = BIO_get_mem_data(bio, &data);
    BIO_free(bio);
    return (size_t)n;
}

/* Chain + checks over a bundle made here, trusting root.pem, at the pinned time. */
static void check_bundle(cert_bundle *b, cert_chain **chain, cert_findings **f)
{
    cert_chain_opts co = CERT_CHAIN_OPTS_INIT;
    cert_check_opts ko = CERT_CHECK_OPTS_INIT;
    cert_trust *t = h_trust("root.pem", NULL);

    co.trust = t;
    co.now = FX_NOW;
    ko.now = FX_NOW;
    assert_cert_ok(cert_chain_build(b, &co, chain));
    assert_cert_ok(cert_checks_run(*chain, &ko, f));
    cert_trust_free(t);
}

/* A leaf issued by int2 for leaf-p256's key, padded to `pad` extra bytes. */
static void body_case(size_t pad, bool want_limit)
{
    X509 *int2 = fx_x509("int2.pem");
    EVP_PKEY *int2_key = fx_key("int2.key"), *key = fx_key("leaf-p256.key");
    mk m = {"www.example.com", key, int2, int2_key, NULL, false, "DNS:www.example.com", pad};
    X509 *leaf = make_cert(&m);
    cert_bundle *b = NULL;
    cert_chain *c = NULL;
    cert_findings *f = NULL;
    size_t len = pem_length(leaf);

    assert_cert_ok(cert_bundle_new(&b));
    add_x509(b, leaf, "big-leaf.pem");
    assert_cert_ok(cert_bundle_load_file(b, fx("chain.pem"), NULL));
    add_key(b, key, "leaf.key");
    check_bundle(b, &c, &f);
    assert_int_equal(len > 16384, want_limit);
    if (want_limit) {
        char text[64];

        assert_codes(f, "limit.body");
        snprintf(text, sizeof(text), "the certificate is %zu characters", len);
        assert_has(only(f, "limit.body")->message, text, "16384");
        assert_int_equal(only(f, "limit.body")->item, 0);
    } else {
        assert_codes(f, "");
    }
    cert_findings_free(f);
    cert_chain_free(c);
    cert_bundle_free(b);
    X509_free(leaf);
    X509_free(int2);
    EVP_PKEY_free(int2_key);
    EVP_PKEY_free(key);
}

static void test_checks__limit_body(void **state)
{
    (void)state;
    body_case(13000, true);
    body_case(11000, false);
}

/* An intermediate under int1 padded to `pad` bytes, and a leaf under it. */
static void chain_case(size_t pad, bool want_limit)
{
    X509 *int1 = fx_x509("int1.pem");
    EVP_PKEY *int1_key = fx_key("int1.key"), *ca_key = fx_key("leaf-p384.key");
    EVP_PKEY *key = fx_key("leaf-p256.key");
    mk mi = {"libcert Test Big Intermediate", ca_key, int1, int1_key, NULL, true, NULL, pad};
    X509 *big = make_cert(&mi);
    mk ml = {"www.example.com", key, big, ca_key, NULL, false, "DNS:www.example.com", 0};
    X509 *leaf = make_cert(&ml);
    cert_bundle *b = NULL;
    cert_chain *c = NULL;
    cert_findings *f = NULL;
    size_t total;

    assert_cert_ok(cert_bundle_new(&b));
    add_x509(b, leaf, "leaf.pem");
    add_x509(b, big, "big-ca.pem");
    assert_cert_ok(cert_bundle_load_file(b, fx("int1.pem"), NULL));
    add_key(b, key, "leaf.key");
    check_bundle(b, &c, &f);
    assert_int_equal(cert_chain_count(c), 2);
    assert_int_equal(cert_chain_trust(c), CERT_TRUST_OK);
    total = pem_length(big) + pem_length(int1);
    assert_int_equal(total > 2097152, want_limit);
    if (want_limit) {
        char text[64];

        assert_codes(f, "limit.chain");
        snprintf(text, sizeof(text), "the chain is %zu characters", total);
        assert_has(only(f, "limit.chain")->message, text, "2097152");
    } else {
        assert_codes(f, "");
    }
    cert_findings_free(f);
    cert_chain_free(c);
    cert_bundle_free(b);
    X509_free(leaf);
    X509_free(big);
    X509_free(int1);
    EVP_PKEY_free(int1_key);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(key);
}

static void test_checks__limit_chain(void **state)
{
    (void)state;
    chain_case(1600000, true);
    chain_case(1500000, false);
}

/* An RSA key of `bits` bits whose numbers are random, not primes: only its encoding matters
 * (no RSA operation ever runs with it), so nothing is generated. */
static EVP_PKEY *fake_rsa(int bits)
{
    BIGNUM *bn[8];
    static const char *const names[8] = {
        OSSL_PKEY_PARAM_RSA_N,         OSSL_PKEY_PARAM_RSA_E,
        OSSL_PKEY_PARAM_RSA_D,         OSSL_PKEY_PARAM_RSA_FACTOR1,
        OSSL_PKEY_PARAM_RSA_FACTOR2,   OSSL_PKEY_PARAM_RSA_EXPONENT1,
        OSSL_PKEY_PARAM_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_COEFFICIENT1};
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    EVP_PKEY *pkey = NULL;

    assert_non_null(bld);
    assert_non_null(ctx);
    for (int i = 0; i < 8; i++) {
        bn[i] = BN_new();
        assert_non_null(bn[i]);
        if (i == 1)
            assert_int_equal(BN_set_word(bn[i], 65537), 1);
        else
            assert_int_equal(BN_rand(bn[i], i == 0 || i == 2 ? bits : bits / 2, BN_RAND_TOP_ONE,
                                     BN_RAND_BOTTOM_ODD),
                             1);
        assert_int_equal(OSSL_PARAM_BLD_push_BN(bld, names[i], bn[i]), 1);
    }
    params = OSSL_PARAM_BLD_to_param(bld);
    assert_non_null(params);
    assert_int_equal(EVP_PKEY_fromdata_init(ctx), 1);
    assert_int_equal(EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEYPAIR, params), 1);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    EVP_PKEY_CTX_free(ctx);
    for (int i = 0; i < 8; i++)
        BN_free(bn[i]);
    return pkey;
}

static void key_case(int bits, bool want_limit)
{
    X509 *int2 = fx_x509("int2.pem");
    EVP_PKEY *int2_key = fx_key("int2.key"), *key = fake_rsa(bits);
    mk m = {"www.example.com", key, int2, int2_key, NULL, false, "DNS:www.example.com", 0};
    X509 *leaf = make_cert(&m);
    cert_bundle *b = NULL;
    cert_chain *c = NULL;
    cert_findings *f = NULL;
    char *pem = NULL;
    size_t len = 0;

    assert_cert_ok(cert_key_write_pem(key, CERT_KEY_PKCS8, &pem, &len));
    cert_secret_free(pem, len);
    assert_cert_ok(cert_bundle_new(&b));
    add_x509(b, leaf, "leaf.pem");
    assert_cert_ok(cert_bundle_load_file(b, fx("chain.pem"), NULL));
    add_key(b, key, "huge.key");
    check_bundle(b, &c, &f);
    assert_non_null(cert_chain_key(c));
    assert_int_equal(len > 16384, want_limit);
    if (want_limit) {
        char text[64];

        assert_codes(f, "key.unsupported,limit.key");
        snprintf(text, sizeof(text), "the private key is %zu characters", len);
        assert_has(only(f, "limit.key")->message, text, "16384");
        assert_ptr_equal(only(f, "limit.key")->source, cert_bundle_key_source(b, 0));
    } else {
        assert_codes(f, "key.unsupported");
    }
    cert_findings_free(f);
    cert_chain_free(c);
    cert_bundle_free(b);
    X509_free(leaf);
    X509_free(int2);
    EVP_PKEY_free(int2_key);
    EVP_PKEY_free(key);
}

static void test_checks__limit_key(void **state)
{
    (void)state;
    key_case(24000, true);
    key_case(16000, false);
}

static void test_checks__weak_signature_on_intermediate(void **state)
{
    X509 *int1 = fx_x509("int1.pem");
    EVP_PKEY *int1_key = fx_key("int1.key"), *ca_key = fx_key("leaf-p384.key");
    EVP_PKEY *key = fx_key("leaf-p256.key");
    mk mi = {"libcert Test SHA-1 Intermediate", ca_key, int1, int1_key, EVP_sha1(), true, NULL, 0};
    X509 *weak = make_cert(&mi);
    mk ml = {"www.example.com", key, weak, ca_key, NULL, false, "DNS:www.example.com", 0};
    X509 *leaf = make_cert(&ml);
    cert_bundle *b = NULL;
    cert_chain *c = NULL;
    cert_findings *f = NULL;

    (void)state;
    assert_cert_ok(cert_bundle_new(&b));
    add_x509(b, leaf, "leaf.pem");
    add_x509(b, weak, "weak-ca.pem");
    assert_cert_ok(cert_bundle_load_file(b, fx("int1.pem"), NULL));
    add_key(b, key, "leaf.key");
    check_bundle(b, &c, &f);
    assert_codes(f, "sig.weak");
    assert_int_equal(only(f, "sig.weak")->item, 1);
    assert_has(only(f, "sig.weak")->message, "CN=libcert Test SHA-1 Intermediate", "SHA1");
    cert_findings_free(f);
    cert_chain_free(c);
    cert_bundle_free(b);
    X509_free(leaf);
    X509_free(weak);
    X509_free(int1);
    EVP_PKEY_free(int1_key);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(key);
}

/* ---- cert_name_covers ---- */

typedef struct cover {
    const char *host;
    bool covered;
} cover;

static void assert_covers(X509 *x, const char *what, const cover *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (cert_name_covers(x, cases[i].host) != cases[i].covered)
            fail_msg("cert_name_covers(%s, \"%s\") should be %s", what, cases[i].host,
                     cases[i].covered ? "true" : "false");
    }
}

static void covers_fixture(const char *file, const cover *cases, size_t n)
{
    X509 *x = fx_x509(file);

    h_defer(H_X509, x);
    assert_covers(x, file, cases, n);
    h_undefer(x);
    X509_free(x);
}

static void test_checks__name_covers_fixtures(void **state)
{
    static const cover rsa[] = {
        {"www.example.com", true},
        {"WWW.Example.COM", true},
        {"www.example.com.", true},
        {"example.com", true},
        {"foo.example.com", false},
        {"a.www.example.com", false},
        {"ww.example.com", false},
        {"www.example.co", false},
        {"*.example.com", false},
        {"192.0.2.10", false},
        {"", false},
        {".", false},
    };
    static const cover wild[] = {
        {"a.example.com", true},  {"A.EXAMPLE.COM", true},    {"a.example.com.", true},
        {"example.com", true},    {"*.example.com", true},    {"a.b.example.com", false},
        {".example.com", false},  {"*.b.example.com", false}, {"example.org", false},
        {"a.example.org", false},
    };
    static const cover ip[] = {
        {"192.0.2.10", true},         {"ip.example.com", true}, {"192.0.2.11", false},
        {"::ffff:192.0.2.10", false}, {"10.2.0.192", false},
    };
    /* browsers match the subjectAltName only: a certificate without one names no host */
    static const cover cn[] = {
        {"cn.example.com", false},    {"CN.example.com", false},   {"cn.example.com.", false},
        {"other.example.com", false}, {"x.cn.example.com", false},
    };

    (void)state;
    covers_fixture("leaf-rsa2048.pem", rsa, sizeof(rsa) / sizeof(rsa[0]));
    covers_fixture("leaf-wildcard.pem", wild, sizeof(wild) / sizeof(wild[0]));
    covers_fixture("leaf-ip.pem", ip, sizeof(ip) / sizeof(ip[0]));
    covers_fixture("leaf-cnonly.pem", cn, sizeof(cn) / sizeof(cn[0]));
    {
        X509 *x = fx_x509("leaf-rsa2048.pem");

        assert_false(cert_name_covers(x, NULL));
        assert_false(cert_name_covers(NULL, "www.example.com"));
        X509_free(x);
    }
}

/* A self-signed certificate with this CN and subjectAltName (NULL: none). */
static X509 *named(const char *cn, const char *san)
{
    EVP_PKEY *k = fx_key("leaf-p256.key");
    mk m = {cn, k, NULL, k, NULL, false, san, 0};
    X509 *x = make_cert(&m);

    EVP_PKEY_free(k);
    return x;
}

static void covers_made(const char *cn, const char *san, const cover *cases, size_t n)
{
    X509 *x = named(cn, san);
    char what[256];

    snprintf(what, sizeof(what), "CN=%s SAN=%s", cn, san ? san : "(none)");
    h_defer(H_X509, x);
    assert_covers(x, what, cases, n);
    h_undefer(x);
    X509_free(x);
}

/* The DNS-name set certprune groups certificates by: case, order, a trailing dot and repeats
 * make no difference; IP addresses and the CN are not DNS names of the set. */
static char *dns_set_of(const char *cn, const char *san)
{
    X509 *x = named(cn, san);
    char *set = (char *)1;

    assert_int_equal(cert__x509_dns_set(x, &set), CERT_OK);
    X509_free(x);
    return set;
}

static void test_checks__dns_set_ignores_case_order_dot_and_ips(void **state)
{
    char *a = dns_set_of("www.example.com",
                         "DNS:WWW.Example.com,IP:192.0.2.1,DNS:example.com.,DNS:www.example.com");
    char *b = dns_set_of("other", "DNS:example.com,DNS:www.EXAMPLE.com");
    char *c = dns_set_of("www.example.com", "DNS:www.example.com,DNS:shop.example.com");

    (void)state;
    assert_string_equal(a, "example.com\nwww.example.com");
    assert_string_equal(b, a);
    assert_string_equal(c, "shop.example.com\nwww.example.com");
    free(a);
    free(b);
    free(c);
}

static void test_checks__dns_set_null_without_dns_names(void **state)
{
    (void)state;
    assert_null(dns_set_of("cn-only.example.com", NULL));      /* the CN is not in the set */
    assert_null(dns_set_of("ip.example.com", "IP:192.0.2.7")); /* nor an IP address */
}

static void test_checks__name_covers_cn_never_a_name(void **state)
{
    static const cover dns_san[] = {{"cn-only.example.com", false}, {"other.example.com", true}};
    static const cover no_san[] = {{"cn-only.example.com", false}, {"other.example.com", false}};

    (void)state;
    /* RFC 9525 section 6.3 drops CN-IDs; Chrome (58) and Firefox (48) stopped using the CN:
     * with or without a SAN, the CN names nothing */
    covers_made("cn-only.example.com", "DNS:other.example.com", dns_san, 2);
    covers_made("cn-only.example.com", NULL, no_san, 2);
}

static void test_checks__name_covers_cn_ignored_with_ip_san(void **state)
{
    static const cover ip_san[] = {{"192.0.2.1", true}, {"cn.example.com", false}};

    (void)state;
    /* checks.h: "the subjectAltName only, never the subject CN" */
    covers_made("cn.example.com", "IP:192.0.2.1", ip_san, 2);
}

static void test_checks__name_covers_wildcard_rules(void **state)
{
    static const cover tld[] = {{"example.com", false}, {"com", false}, {"*.com", true}};
    static const cover partial[] = {{"www.example.com", false}, {"w.example.com", false}};
    static const cover deep[] = {{"a.b.example.com", false}, {"x.a.b.example.com", false}};
    static const cover cn_wild[] = {{"a.example.com", false}, {"example.com", false}};
    static const cover ip_cn[] = {{"192.0.2.1", false}};

    (void)state;
    covers_made("t", "DNS:*.com", tld, 3);
    covers_made("t", "DNS:w*.example.com", partial, 2);
    covers_made("t", "DNS:a.*.example.com", deep, 2);
    covers_made("*.example.com", NULL, cn_wild, 2);
    covers_made("192.0.2.1", NULL, ip_cn, 1); /* IP addresses only against IP SANs */
}

static void test_checks__name_covers_ipv6(void **state)
{
    static const cover v6[] = {
        {"2001:db8::1", true}, {"2001:DB8:0:0:0:0:0:1", true}, {"2001:db8::2", false},
        {"192.0.2.1", false},  {"v6.example.com", true},
    };

    (void)state;
    covers_made("v6.example.com", "DNS:v6.example.com,IP:2001:db8::1", v6, 5);
}

/* ---- cert_iam_path_cloudfront ---- */

static void test_checks__iam_path_cloudfront(void **state)
{
    static const struct {
        const char *path;
        bool ok;
    } cases[] = {
        {"/cloudfront/", true},
        {"/cloudfront/test/", true},
        {"/cloudfront/a/b/", true},
        {"/cloudfront", false},
        {"/cloudfront/test", false},
        {"/", false},
        {"", false},
        {"/cloudfrontx/", false},
        {"/other/cloudfront/", false},
        {"cloudfront/", false},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (cert_iam_path_cloudfront(cases[i].path) != cases[i].ok)
            fail_msg("cert_iam_path_cloudfront(\"%s\") should be %d", cases[i].path, cases[i].ok);
    }
    assert_false(cert_iam_path_cloudfront(NULL));
}

/* ---- cert_time_parse ---- */

static void test_checks__time_parse_valid(void **state)
{
    static const struct {
        const char *text;
        int64_t t;
    } cases[] = {
        {"2026-01-01T00:00:00Z", FX_NOW},
        {"2026-01-01t00:00:00z", FX_NOW},
        {"2026-01-01 00:00:00Z", FX_NOW},
        {"2026-01-01T00:00:00.999Z", FX_NOW},
        {"2026-01-01T01:00:00+01:00", FX_NOW},
        {"2025-12-31T19:00:00-05:00", FX_NOW},
        {"2025-12-31T23:30:00-00:30", FX_NOW},
        {"2026-01-01T00:00:00+00:00", FX_NOW},
        {"@1767225600", FX_NOW},
        {"@0", 0},
        {"@-1", -1},
        {"1970-01-01T00:00:00Z", 0},
        {"1969-12-31T23:59:59Z", -1},
        {"1900-01-01T00:00:00Z", INT64_C(-2208988800)},
        {"2024-02-29T00:00:00Z", INT64_C(1709164800)},
        {"2000-02-29T12:00:00Z", INT64_C(951825600)},
        {"2016-12-31T23:59:60Z", INT64_C(1483228799)}, /* a leap second reads as :59 */
        {"9999-12-31T23:59:59Z", INT64_C(253402300799)},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t t = 42;
        cert_err err = cert_time_parse(cases[i].text, &t);

        if (err != CERT_OK)
            fail_msg("cert_time_parse(\"%s\") failed: %s", cases[i].text,
                     cert_error_last()->message);
        if (t != cases[i].t)
            fail_msg("cert_time_parse(\"%s\") = %lld, expected %lld", cases[i].text, (long long)t,
                     (long long)cases[i].t);
    }
}

static void test_checks__time_parse_invalid(void **state)
{
    static const char *const bad[] = {
        "",
        "2026-01-01",
        "2026-01-01T00:00:00",
        "2026-01-01T00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-00-01T00:00:00Z",
        "2026-01-32T00:00:00Z",
        "2026-01-00T00:00:00Z",
        "2025-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z",
        "2026-04-31T00:00:00Z",
        "2026-01-01T24:00:00Z",
        "2026-01-01T00:60:00Z",
        "2026-01-01T00:00:61Z",
        "2026-01-01T00:00:00+0100",
        "2026-01-01T00:00:00+24:00",
        "2026-01-01T00:00:00.Z",
        "2026-01-01T00:00:00Zjunk",
        "2026-01-01X00:00:00Z",
        "26-01-01T00:00:00Z",
        "now",
        "@",
        "@-",
        "@+5",
        "@12x",
        "@ 12",
        "@1.5",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int64_t t = 42;
        cert_err err = cert_time_parse(bad[i], &t);

        if (err != CERT_E_INVALID)
            fail_msg("cert_time_parse(\"%s\") should be CERT_E_INVALID, got %d (t=%lld)", bad[i],
                     (int)err, (long long)t);
        assert_int_equal(cert_error_last()->code, CERT_E_INVALID);
        if (bad[i][0] != '\0')
            assert_has(cert_error_last()->message, bad[i], "RFC 3339");
    }
    assert_cert_error(cert_time_parse(NULL, NULL), CERT_E_INVALID, "time");
}

static void test_checks__time_parse_epoch_out_of_range(void **state)
{
    int64_t t = 42;

    (void)state;
    /* beyond int64: must be refused, not clamped to INT64_MAX */
    assert_cert_error(cert_time_parse("@99999999999999999999", &t), CERT_E_INVALID,
                      "@99999999999999999999");
    assert_cert_error(cert_time_parse("@-99999999999999999999", &t), CERT_E_INVALID,
                      "@-99999999999999999999");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_checks__scenarios_give_exact_codes),
        cmocka_unit_test(test_checks__every_catalogue_code_is_covered),
        cmocka_unit_test(test_checks__catalogue),
        cmocka_unit_test(test_checks__missing_intermediate_details),
        cmocka_unit_test(test_checks__validity_messages),
        cmocka_unit_test(test_checks__expired_intermediate),
        cmocka_unit_test(test_checks__days_threshold),
        cmocka_unit_test(test_checks__key_missing_required_is_error),
        cmocka_unit_test(test_checks__key_mismatch_details),
        cmocka_unit_test(test_checks__untrusted_message_has_reason),
        cmocka_unit_test(test_checks__input_ignored_names_block),
        cmocka_unit_test(test_checks__name_uncovered),
        cmocka_unit_test(test_checks__key_not_expected),
        cmocka_unit_test(test_checks__iam_path),
        cmocka_unit_test(test_checks__iam_expect),
        cmocka_unit_test(test_checks__allow_downgrades_error),
        cmocka_unit_test(test_checks__allow_only_named_codes),
        cmocka_unit_test(test_checks__allow_required_key),
        cmocka_unit_test(test_checks__allow_unknown_code_is_invalid),
        cmocka_unit_test(test_checks__findings_accessors_on_null),
        cmocka_unit_test(test_checks__ordering_with_many_findings),
        cmocka_unit_test(test_checks__limit_body),
        cmocka_unit_test(test_checks__limit_chain),
        cmocka_unit_test(test_checks__limit_key),
        cmocka_unit_test(test_checks__weak_signature_on_intermediate),
        cmocka_unit_test(test_checks__name_covers_fixtures),
        cmocka_unit_test(test_checks__name_covers_cn_never_a_name),
        cmocka_unit_test(test_checks__name_covers_cn_ignored_with_ip_san),
        cmocka_unit_test(test_checks__name_covers_wildcard_rules),
        cmocka_unit_test(test_checks__name_covers_ipv6),
        cmocka_unit_test(test_checks__iam_path_cloudfront),
        cmocka_unit_test(test_checks__dns_set_ignores_case_order_dot_and_ips),
        cmocka_unit_test(test_checks__dns_set_null_without_dns_names),
        cmocka_unit_test(test_checks__time_parse_valid),
        cmocka_unit_test(test_checks__time_parse_invalid),
        cmocka_unit_test(test_checks__time_parse_epoch_out_of_range),
    };

    return cmocka_run_group_tests(tests, NULL, h_teardown);
}
