/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cert_sigv4_sign(): the AWS documentation's worked example ("Create a signed AWS API request",
 * IAM ListUsers), vectors of AWS's SigV4 test suite (get-vanilla, get-vanilla-query-order-key-
 * case, get-header-value-trim, post-x-www-form-urlencoded), the session token, repeated headers
 * and malformed input. tests/integration/test_sigv4_botocore.py compares with botocore's signer
 * over many generated requests.
 */
#include <string.h>

#include "helpers.h"

/* 2015-08-30T12:36:00Z */
#define T_EXAMPLE INT64_C(1440938160)

static const cert_aws_credentials example_creds = {
    "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL};

/* A session token as in the AWS documentation's temporary-credentials examples. */
#define EXAMPLE_TOKEN                                                                              \
    "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSP" \
    "fIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT" \
    "7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKml"  \
    "zm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="

static const cert_http_header form_ct[] = {
    {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};

static cert_sigv4_request list_users(void)
{
    cert_sigv4_request r;

    memset(&r, 0, sizeof(r));
    r.method = "GET";
    r.host = "iam.amazonaws.com";
    r.path = "/";
    r.query = "Action=ListUsers&Version=2010-05-08";
    r.headers = form_ct;
    r.header_count = 1;
    r.region = "us-east-1";
    r.service = "iam";
    r.time = T_EXAMPLE;
    return r;
}

static cert_sigv4_request vanilla(void)
{
    cert_sigv4_request r;

    memset(&r, 0, sizeof(r));
    r.method = "GET";
    r.host = "example.amazonaws.com";
    r.path = "/";
    r.region = "us-east-1";
    r.service = "service";
    r.time = T_EXAMPLE;
    return r;
}

static void test_aws_sigv4__documentation_example(void **state)
{
    cert_sigv4_request r = list_users();
    cert_sigv4_signed out;

    (void)state;
    assert_cert_ok(cert_sigv4_sign(&r, &example_creds, &out));
    assert_string_equal(out.amz_date, "20150830T123600Z");
    assert_string_equal(out.canonical_hash,
                        "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
    assert_string_equal(out.signature,
                        "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
    assert_string_equal(
        out.authorization,
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/"
        "aws4_request, SignedHeaders=content-type;host;x-amz-date, "
        "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

static void test_aws_sigv4__is_pure(void **state)
{
    cert_sigv4_request r = list_users();
    cert_sigv4_signed a, b;

    (void)state;
    assert_cert_ok(cert_sigv4_sign(&r, &example_creds, &a));
    assert_cert_ok(cert_sigv4_sign(&r, &example_creds, &b));
    assert_memory_equal(&a, &b, sizeof(a));
    r.time = T_EXAMPLE + 1;
    assert_cert_ok(cert_sigv4_sign(&r, &example_creds, &b));
    assert_string_equal(b.amz_date, "20150830T123601Z");
    assert_string_not_equal(a.signature, b.signature);
}

static void test_aws_sigv4__test_suite_vectors(void **state)
{
    cert_sigv4_request r;
    cert_sigv4_signed out;
    static const cert_http_header trim[] = {{"My-Header1", " value1"},
                                            {"My-Header2", " \"a   b   c\""}};
    static const cert_http_header form[] = {{"Content-Type", "application/x-www-form-urlencoded"}};
    static const uint8_t form_body[] = "Param1=value1";

    (void)state;
    /* get-vanilla */
    r = vanilla();
    assert_cert_ok(cert_sigv4_sign(&r, &example_creds, &out));
    assert_string_equal(
        out.authorization,
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
        "aws4_request, SignedHeaders=host;x-amz-date, "
        "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    /* a NULL, an empty and a "/" path are the same request */
    r.path = NULL;
    assert_cert_ok(cert_sigv4_sign(&r, &example_creds, &out));
    assert_string_equal(out.signature,
                        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    r.path = "";
    r.query = "";
    assert_cert_ok(cert_sigv4_sign(&r, &example_creds, &out));
    assert_string_equal(out.signature,
                        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    /* get-vanilla-query-order-key-case */
    r = vanilla();
    r.query = "Param2=value2&Param1=value1";
    assert_cert_ok(cert_sigv4_sign(&r, &example_creds, &out));
    assert_string_equal(out.signature,
                        "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
    /* get-header-value-trim */
    r = vanilla();
    r.headers = trim;
    r.header_count = 2;
    assert_cert_ok(cert_sigv4_sign(&r, &example_creds, &out));
    assert_string_equal(out.signature,
                        "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736");
    assert_has(out.authorization, "SignedHeaders=host;my-header1;my-header2;x-amz-date,");
    /* post-x-www-form-urlencoded */
    r = vanilla();
    r.method = "POST";
    r.headers = form;
    r.header_count = 1;
    r.body = form_body;
    r.body_len = sizeof(form_body) - 1;
    assert_cert_ok(cert_sigv4_sign(&r, &example_creds, &out));
    assert_string_equal(out.signature,
                        "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a");
}

/* A repeated header is one canonical line with the values in the order sent ("value2,value1");
 * the expected signature is botocore 1.43's for the same request. */
static void test_aws_sigv4__repeated_header_keeps_order(void **state)
{
    static const cert_http_header dup[] = {{"My-Header1", "value2"}, {"my-header1", "value1"}};
    static const cert_http_header many[] = {
        {"X-B", "1"}, {"x-a", "1"}, {"X-B", "2"}, {"x-c", "1"}, {"X-B", "3"}, {"x-a", "2"},
        {"X-B", "4"}, {"x-d", "1"}, {"X-B", "5"}, {"x-a", "3"}, {"X-B", "6"}, {"x-e", "1"},
        {"X-B", "7"}, {"x-a", "4"}, {"X-B", "8"}, {"x-f", "1"}, {"X-B", "9"}, {"x-a", "5"}};
    static const cert_http_header many_rev[] = {
        {"x-a", "5"}, {"X-B", "9"}, {"x-f", "1"}, {"X-B", "8"}, {"x-a", "4"}, {"X-B", "7"},
        {"x-e", "1"}, {"X-B", "6"}, {"x-a", "3"}, {"X-B", "5"}, {"x-d", "1"}, {"X-B", "4"},
        {"x-a", "2"}, {"X-B", "3"}, {"x-c", "1"}, {"X-B", "2"}, {"x-a", "1"}, {"X-B", "1"}};
    cert_sigv4_request r = vanilla();
    cert_sigv4_signed a, b;

    (void)state;
    r.headers = dup;
    r.header_count = 2;
    assert_cert_ok(cert_sigv4_sign(&r, &example_creds, &a));
    assert_string_equal(a.signature,
                        "bdec613c2a8207a05bafa9a654353e209c3710b086c46ced81798cdcf09f80c1");
    assert_has(a.authorization, "SignedHeaders=host;my-header1;x-amz-date,");
    /* The order of the values is part of what is signed: reversing them changes the signature,
     * and many interleaved repeats still sort stably (qsort is not a stable sort). */
    r.headers = many;
    r.header_count = sizeof(many) / sizeof(many[0]);
    assert_cert_ok(cert_sigv4_sign(&r, &example_creds, &a));
    assert_string_equal(a.signature, /* botocore 1.43's */
                        "acefec717ebcc0e684568d7cd2be6858c565685780e0df15389aee1ad48a4349");
    r.headers = many_rev;
    assert_cert_ok(cert_sigv4_sign(&r, &example_creds, &b));
    assert_string_not_equal(a.signature, b.signature);
}

static void test_aws_sigv4__session_token_is_signed(void **state)
{
    cert_sigv4_request r = list_users();
    cert_aws_credentials c = example_creds;
    cert_sigv4_signed plain, with;

    (void)state;
    assert_cert_ok(cert_sigv4_sign(&r, &c, &plain));
    c.session_token = EXAMPLE_TOKEN;
    assert_cert_ok(cert_sigv4_sign(&r, &c, &with));
    assert_has(with.authorization,
               "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,");
    /* botocore 1.43's signature for the same request and token */
    assert_string_equal(with.signature,
                        "fefaa5d3f0fb458e2c21848a774176e937612a72b73a81762b00a47f73937aa9");
    assert_string_not_equal(plain.canonical_hash, with.canonical_hash);
    /* The token is signed, never put in the Authorization header itself. */
    assert_null(strstr(with.authorization, "AQoDYXdz"));
    /* An empty token is no token. */
    c.session_token = "";
    assert_cert_ok(cert_sigv4_sign(&r, &c, &with));
    assert_string_equal(with.signature, plain.signature);
}

static void test_aws_sigv4__secret_not_in_output(void **state)
{
    cert_sigv4_request r = list_users();
    cert_sigv4_signed out;

    (void)state;
    assert_cert_ok(cert_sigv4_sign(&r, &example_creds, &out));
    assert_null(memmem(&out, sizeof(out), "wJalrXUtnFEMI", 13));
}

static void expect_invalid(const cert_sigv4_request *r, const cert_aws_credentials *c)
{
    cert_sigv4_signed out;

    cert_error_clear();
    assert_cert_error(cert_sigv4_sign(r, c, &out), CERT_E_INVALID, "cert_sigv4_sign");
}

static void test_aws_sigv4__rejects_malformed(void **state)
{
    cert_sigv4_request r = list_users();
    cert_aws_credentials c = example_creds;
    cert_sigv4_signed out;
    static const cert_http_header nl[] = {{"X-Test", "a\nb"}};
    static const cert_http_header cr[] = {{"X-Test", "a\rX-Evil: 1"}};
    static const cert_http_header colon[] = {{"X-Te:st", "a"}};
    static const cert_http_header space[] = {{"X-Te st", "a"}};
    static const cert_http_header null_name[] = {{NULL, "a"}};
    static const cert_http_header null_value[] = {{"X-Test", NULL}};
    static const cert_http_header *bad[] = {nl, cr, colon, space, null_name, null_value};

    (void)state;
    cert_error_clear();
    assert_cert_error(cert_sigv4_sign(NULL, &c, &out), CERT_E_INVALID, "cert_sigv4_sign");
    assert_cert_error(cert_sigv4_sign(&r, NULL, &out), CERT_E_INVALID, "cert_sigv4_sign");
    assert_cert_error(cert_sigv4_sign(&r, &c, NULL), CERT_E_INVALID, "cert_sigv4_sign");
    r.method = NULL;
    expect_invalid(&r, &c);
    r = list_users();
    r.host = NULL;
    expect_invalid(&r, &c);
    r = list_users();
    r.region = NULL;
    expect_invalid(&r, &c);
    r = list_users();
    r.service = NULL;
    expect_invalid(&r, &c);
    r = list_users();
    r.body = NULL;
    r.body_len = 5;
    expect_invalid(&r, &c);
    r = list_users();
    c.access_key_id = NULL;
    expect_invalid(&r, &c);
    c = example_creds;
    c.secret_access_key = NULL;
    expect_invalid(&r, &c);
    c = example_creds;
    c.session_token = "token\nX-Evil: 1";
    expect_invalid(&r, &c);
    c = example_creds;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        r.headers = bad[i];
        r.header_count = 1;
        expect_invalid(&r, &c);
    }
    /* the host is a header value too */
    r = list_users();
    r.host = "iam.amazonaws.com\r\nX-Evil: 1";
    expect_invalid(&r, &c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_aws_sigv4__documentation_example),
        cmocka_unit_test(test_aws_sigv4__is_pure),
        cmocka_unit_test(test_aws_sigv4__test_suite_vectors),
        cmocka_unit_test(test_aws_sigv4__repeated_header_keeps_order),
        cmocka_unit_test(test_aws_sigv4__session_token_is_signed),
        cmocka_unit_test(test_aws_sigv4__secret_not_in_output),
        cmocka_unit_test(test_aws_sigv4__rejects_malformed),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
