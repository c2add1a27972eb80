/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ACM client's answers and arguments (libcert/src/aws/acm.c): ListCertificates pages and
 * DescribeCertificate answers as ACM's JSON protocol sends them, ARNs, and what is refused before
 * anything is sent. The requests themselves are run against the emulator by the integration
 * tests (tests/integration/test_acm.py).
 */
#include <jansson.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws_int.h"
#include "helpers.h"
#include "libcert/acm.h"

#define ARN "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666"

static const char page1[] =
    "{\"CertificateSummaryList\": [{\"CertificateArn\": \"" ARN "\", \"DomainName\": "
    "\"www.example.com\", \"SubjectAlternativeNameSummaries\": [\"www.example.com\", "
    "\"example.com\"], \"HasAdditionalSubjectAlternativeNames\": false, \"Status\": \"ISSUED\", "
    "\"Type\": \"IMPORTED\", \"KeyAlgorithm\": \"EC_prime256v1\", \"KeyUsages\": "
    "[\"DIGITAL_SIGNATURE\"], \"ExtendedKeyUsages\": [\"TLS_WEB_SERVER_AUTHENTICATION\", "
    "\"TLS_WEB_CLIENT_AUTHENTICATION\"], \"InUse\": true, \"Exported\": false, "
    "\"RenewalEligibility\": \"INELIGIBLE\", \"NotBefore\": 1748736000.0, \"NotAfter\": "
    "1780272000.5, \"ImportedAt\": 1767225600}], \"NextToken\": \"page-2\"}";

static void test_aws_acm__list_page(void **state)
{
    cert_acm_cert *v = NULL;
    size_t n = 0, cap = 0;
    bool more = false;
    char *token = NULL;

    (void)state;
    assert_int_equal(cert_acm__parse_list_page(page1, strlen(page1), &v, &n, &cap, &more, &token),
                     CERT_OK);
    assert_int_equal(n, 1);
    assert_true(more);
    assert_string_equal(token, "page-2");
    assert_string_equal(v[0].arn, ARN);
    assert_string_equal(v[0].domain_name, "www.example.com");
    assert_int_equal(v[0].name_count, 2);
    assert_string_equal(v[0].names[1], "example.com");
    assert_string_equal(v[0].key_algorithm, "EC_prime256v1");
    assert_string_equal(v[0].type, "IMPORTED");
    assert_int_equal(v[0].extended_key_usage_count, 2);
    assert_string_equal(v[0].extended_key_usages[1], "TLS_WEB_CLIENT_AUTHENTICATION");
    assert_true(v[0].in_use);
    assert_false(v[0].in_use_by_known);
    assert_int_equal(v[0].not_after, 1780272000); /* seconds, fractions dropped */
    assert_int_equal(v[0].imported_at, 1767225600);
    assert_true(v[0].created_at == INT64_MIN);
    free(token);
    cert_acm_certs_free(v, n);
}

static void test_aws_acm__last_page_and_garbage(void **state)
{
    static const char last[] = "{\"CertificateSummaryList\": []}";
    static const char *const bad[] = {
        "",
        "[]",
        "{\"CertificateSummaryList\": {}}",
        "{\"CertificateSummaryList\": [{}]}",
        "{\"CertificateSummaryList\": [{\"CertificateArn\": 7}]}",
        "not json",
    };
    cert_acm_cert *v = NULL;
    size_t n = 0, cap = 0;
    bool more = true;
    char *token = NULL;

    (void)state;
    assert_int_equal(cert_acm__parse_list_page(last, strlen(last), &v, &n, &cap, &more, &token),
                     CERT_OK);
    assert_false(more);
    assert_null(token);
    assert_int_equal(n, 0);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(
            cert_acm__parse_list_page(bad[i], strlen(bad[i]), &v, &n, &cap, &more, &token),
            CERT_E_NET);
        cert_acm_certs_free(v, n);
        v = NULL;
        n = cap = 0;
    }
}

static void test_aws_acm__detail(void **state)
{
    static const char detail[] =
        "{\"Certificate\": {\"CertificateArn\": \"" ARN "\", \"DomainName\": \"example.com\", "
        "\"SubjectAlternativeNames\": [\"example.com\"], \"Type\": \"AMAZON_ISSUED\", "
        "\"Status\": \"ISSUED\", \"KeyAlgorithm\": \"RSA_2048\", \"InUseBy\": "
        "[\"arn:aws:cloudfront::123456789012:distribution/E2QWRUHAPOMQZL\"], \"KeyUsages\": "
        "[{\"Name\": \"DIGITAL_SIGNATURE\"}, {\"Name\": \"KEY_ENCIPHERMENT\"}], "
        "\"ExtendedKeyUsages\": [{\"Name\": \"TLS_WEB_SERVER_AUTHENTICATION\", \"OID\": "
        "\"1.3.6.1.5.5.7.3.1\"}], \"Issuer\": \"Amazon\", \"CreatedAt\": "
        "\"2026-01-01T00:00:00Z\"}}";
    cert_acm_cert c;

    (void)state;
    memset(&c, 0, sizeof(c));
    assert_int_equal(cert_acm__parse_detail(detail, strlen(detail), &c), CERT_OK);
    assert_true(c.in_use_by_known);
    assert_true(c.in_use);
    assert_int_equal(c.in_use_by_count, 1);
    assert_int_equal(c.key_usage_count, 2);
    assert_string_equal(c.key_usages[1], "KEY_ENCIPHERMENT");
    assert_string_equal(c.extended_key_usages[0], "TLS_WEB_SERVER_AUTHENTICATION");
    assert_string_equal(c.issuer, "Amazon");
    assert_int_equal(c.created_at, 1767225600);
    cert_acm_cert_clear(&c);
    assert_int_equal(cert_acm__parse_detail("{}", 2, &c), CERT_E_NET);
    assert_int_equal(cert_acm__parse_detail("{\"Certificate\": []}", 19, &c), CERT_E_NET);
}

static void test_aws_acm__arns(void **state)
{
    cert_acm_arn a;

    (void)state;
    assert_true(cert_acm_arn_parse(ARN, &a));
    assert_string_equal(a.partition, "aws");
    assert_string_equal(a.region, "us-east-1");
    assert_string_equal(a.account, "123456789012");
    assert_string_equal(a.id, "0a1b2c3d-1111-2222-3333-444455556666");
    assert_true(cert_acm_arn_parse("arn:aws-cn:acm:cn-north-1:123456789012:certificate/abc", &a));
    assert_string_equal(a.partition, "aws-cn");
    assert_false(cert_acm_arn_parse("arn:aws:iam::123456789012:server-certificate/x", NULL));
    assert_false(cert_acm_arn_parse("arn:aws:acm:us-east-1:12345678901x:certificate/abc", NULL));
    assert_false(cert_acm_arn_parse("arn:aws:acm:us-east-1:123456789012:certificate/", NULL));
    assert_false(cert_acm_arn_parse("arn:aws:acm:us-east-1:123456789012:certificate/a b", NULL));
    assert_false(cert_acm_arn_parse("arn:aws:acm:us-east-1:123456789012:cert/abc", NULL));
    assert_false(cert_acm_arn_parse("www-2026", NULL));
    assert_false(cert_acm_arn_parse(NULL, NULL));
}

static void test_aws_acm__key_types(void **state)
{
    const char *const *k = cert_acm_key_types();
    size_t n = 0, served = 0;

    (void)state;
    for (; k[n] != NULL; n++)
        served += cert_acm_key_cloudfront(k[n]);
    assert_int_equal(n, 7);
    assert_int_equal(served, 5); /* RSA 1024-4096 and P-256; not P-384, P-521 */
    assert_false(cert_acm_key_cloudfront("EC_secp384r1"));
    assert_false(cert_acm_key_cloudfront(NULL));
}

/* Refused before anything is sent: the session points at a port nothing listens on. */
static void test_aws_acm__refused_before_sending(void **state)
{
    cert_aws_opts o = CERT_AWS_OPTS_INIT;
    cert_aws *aws = NULL;
    cert_acm_import_req r;
    cert_aws_tag tag = {"team", "web"};
    char *arn = NULL, big[CERT_ACM_KEY_MAX + 2];

    (void)state;
    o.endpoint_url = "http://127.0.0.1:9";
    o.max_attempts = 1;
    assert_int_equal(cert_aws_new(&o, &aws), CERT_OK);
    memset(&r, 0, sizeof(r));
    r.certificate = "-----BEGIN CERTIFICATE-----\n";
    r.private_key = "-----BEGIN PRIVATE KEY-----\n";
    r.arn = ARN;
    r.tags = &tag;
    r.tag_count = 1;
    assert_int_equal(cert_acm_import(aws, &r, &arn), CERT_E_INVALID);
    assert_non_null(strstr(cert_error_last()->message, "no tags on a re-import"));
    r.tags = NULL;
    r.tag_count = 0;
    memset(big, 'A', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    r.private_key = big;
    assert_int_equal(cert_acm_import(aws, &r, &arn), CERT_E_INVALID);
    assert_non_null(strstr(cert_error_last()->message, "5120"));
    r.private_key = "k";
    r.arn = "arn:aws:acm:us-east-1:123456789012:nope";
    assert_int_equal(cert_acm_import(aws, &r, &arn), CERT_E_INVALID);
    assert_int_equal(cert_acm_describe(aws, "www-2026", &(cert_acm_cert){0}), CERT_E_INVALID);
    assert_int_equal(cert_acm_add_tags(aws, ARN, &(cert_aws_tag){"aws:x", "y"}, 1), CERT_E_INVALID);
    assert_int_equal(cert_acm_list(aws, 1001, &(cert_acm_cert *){NULL}, &(size_t){0}),
                     CERT_E_INVALID);
    assert_null(arn);
    cert_aws_free(aws);
}

/* Decode one base64 member of an ImportCertificate body and compare it with the PEM. */
static void assert_blob(const json_t *j, const char *member, const char *pem)
{
    const char *b64 = json_string_value(json_object_get(j, member));
    unsigned char out[256];
    int n;

    assert_non_null(b64);
    assert_true(strlen(b64) < sizeof(out));
    n = EVP_DecodeBlock(out, (const unsigned char *)b64, (int)strlen(b64));
    assert_true(n >= (int)strlen(pem)); /* EVP_DecodeBlock counts the padding as zero bytes */
    assert_memory_equal(out, pem, strlen(pem));
    assert_int_equal(strlen(b64), 4 * ((strlen(pem) + 2) / 3));
}

/* The ImportCertificate body is built without jansson's escaping (base64 needs none): it must
 * still be one JSON object carrying every member with the values given, for a new import with
 * tags (whose text jansson escapes), a re-import and an import without a chain. */
static void test_aws_acm__import_body(void **state)
{
    cert_acm_import_req r;
    cert_aws_tag tags[2] = {{"team", "web \u00e9"}, {"libcert:uploaded", "certup 1.0"}};
    cert_buf b;
    json_t *j;

    (void)state;
    memset(&r, 0, sizeof(r));
    r.certificate = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    r.private_key = "-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n";
    r.chain = "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n";
    r.tags = tags;
    r.tag_count = 2;
    assert_int_equal(cert_acm__import_body(&r, &b), CERT_OK);
    assert_true(b.secret);
    j = json_loadb(b.ptr, b.len, JSON_REJECT_DUPLICATES, NULL);
    assert_true(json_is_object(j));
    assert_int_equal(json_object_size(j), 4);
    assert_blob(j, "Certificate", r.certificate);
    assert_blob(j, "PrivateKey", r.private_key);
    assert_blob(j, "CertificateChain", r.chain);
    assert_int_equal(json_array_size(json_object_get(j, "Tags")), 2);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(json_object_get(j, "Tags"), 0), "Value")),
        "web \u00e9");
    json_decref(j);
    cert__buf_free(&b);

    r.tags = NULL;
    r.tag_count = 0;
    r.chain = "";
    r.arn = ARN;
    assert_int_equal(cert_acm__import_body(&r, &b), CERT_OK);
    j = json_loadb(b.ptr, b.len, JSON_REJECT_DUPLICATES, NULL);
    assert_int_equal(json_object_size(j), 3);
    assert_string_equal(json_string_value(json_object_get(j, "CertificateArn")), ARN);
    assert_null(json_object_get(j, "CertificateChain"));
    json_decref(j);
    cert__buf_free(&b);

    r.arn = NULL;
    r.chain = NULL;
    assert_int_equal(cert_acm__import_body(&r, &b), CERT_OK);
    j = json_loadb(b.ptr, b.len, JSON_REJECT_DUPLICATES, NULL);
    assert_int_equal(json_object_size(j), 2);
    json_decref(j);
    cert__buf_free(&b);

    r.private_key = ""; /* refused: nothing built */
    assert_int_equal(cert_acm__import_body(&r, &b), CERT_E_INVALID);
    assert_null(b.ptr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_aws_acm__list_page),
        cmocka_unit_test(test_aws_acm__last_page_and_garbage),
        cmocka_unit_test(test_aws_acm__detail),
        cmocka_unit_test(test_aws_acm__arns),
        cmocka_unit_test(test_aws_acm__key_types),
        cmocka_unit_test(test_aws_acm__refused_before_sending),
        cmocka_unit_test(test_aws_acm__import_body),
    };

    return cmocka_run_group_tests(tests, NULL, h_teardown);
}
