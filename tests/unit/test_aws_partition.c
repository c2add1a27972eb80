/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The partition table and the session's endpoints (libcert/src/aws/partition.c, aws.c) on known
 * answers from botocore's endpoint data; tests/integration/test_partitions.py compares every
 * region with botocore itself.
 */
#include <stdlib.h>
#include <string.h>

#include "aws/aws_int.h"
#include "helpers.h"
#include "libcert/partition.h"

/* No region, endpoint or profile from the caller's environment. */
static void h_clean_aws_env(void)
{
    static const char *const vars[] = {
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_PROFILE",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_IAM",
        "AWS_ENDPOINT_URL_CLOUDFRONT",
        "AWS_ENDPOINT_URL_STS",
        "AWS_ENDPOINT_URL_ACM",
        "AWS_ENDPOINT_URL_ROUTE_53",
        "AWS_STS_REGIONAL_ENDPOINTS",
        "AWS_ENDPOINT_URL_SSO",
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    };

    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
        h_setenv(vars[i], NULL);
    h_setenv("AWS_CONFIG_FILE", "/nonexistent/libcert-test/config");
    h_setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/libcert-test/credentials");
}

static void want(const char *service, const char *region, const char *partition, const char *host,
                 const char *scope)
{
    cert_endpoint e;

    assert_int_equal(cert_endpoint_resolve(service, region, &e), CERT_OK);
    assert_string_equal(e.partition, partition);
    assert_string_equal(e.hostname, host);
    assert_string_equal(e.signing_region, scope);
}

static void test_aws_partition__global_services(void **state)
{
    (void)state;
    want("iam", NULL, "aws", "iam.amazonaws.com", "us-east-1");
    want("iam", "eu-west-1", "aws", "iam.amazonaws.com", "us-east-1");
    want("iam", "cn-north-1", "aws-cn", "iam.cn-north-1.amazonaws.com.cn", "cn-north-1");
    want("iam", "cn-northwest-1", "aws-cn", "iam.cn-north-1.amazonaws.com.cn", "cn-north-1");
    want("iam", "us-gov-east-1", "aws-us-gov", "iam.us-gov.amazonaws.com", "us-gov-west-1");
    want("cloudfront", "ap-southeast-2", "aws", "cloudfront.amazonaws.com", "us-east-1");
    want("cloudfront", "cn-north-1", "aws-cn", "cloudfront.cn-northwest-1.amazonaws.com.cn",
         "cn-northwest-1");
    want("route53", "eu-west-1", "aws", "route53.amazonaws.com", "us-east-1");
    want("route53", "cn-north-1", "aws-cn", "route53.amazonaws.com.cn", "cn-northwest-1");
    want("route53", "us-gov-west-1", "aws-us-gov", "route53.us-gov.amazonaws.com", "us-gov-west-1");
}

static void test_aws_partition__regional_services(void **state)
{
    (void)state;
    want("acm", "us-east-1", "aws", "acm.us-east-1.amazonaws.com", "us-east-1");
    want("acm", "cn-north-1", "aws-cn", "acm.cn-north-1.amazonaws.com.cn", "cn-north-1");
    want("sts", "eu-west-1", "aws", "sts.eu-west-1.amazonaws.com", "eu-west-1");
    want("sts", "aws-global", "aws", "sts.amazonaws.com", "us-east-1");
    want("sts", "cn-northwest-1", "aws-cn", "sts.cn-northwest-1.amazonaws.com.cn",
         "cn-northwest-1");
    want("portal.sso", "eu-central-1", "aws", "portal.sso.eu-central-1.amazonaws.com",
         "eu-central-1");
    want("portal.sso", "cn-north-1", "aws-cn", "portal.sso.cn-north-1.amazonaws.com.cn",
         "cn-north-1");
    /* a region no list names yet, claimed by its partition's pattern: the template */
    want("acm", "eu-south-9", "aws", "acm.eu-south-9.amazonaws.com", "eu-south-9");
}

static void test_aws_partition__refusals(void **state)
{
    cert_endpoint e;

    (void)state;
    /* CloudFront exists only in aws and aws-cn */
    assert_int_equal(cert_endpoint_resolve("cloudfront", "us-gov-west-1", &e), CERT_E_INVALID);
    assert_non_null(strstr(cert_error_last()->message, "aws-us-gov"));
    assert_false(cert_partition_has_service("aws-us-gov", "cloudfront"));
    assert_true(cert_partition_has_service("aws-cn", "cloudfront"));
    /* region names go into host names */
    assert_int_equal(cert_endpoint_resolve("iam", "eu-west-1.evil.example", &e), CERT_E_INVALID);
    assert_int_equal(cert_endpoint_resolve("iam", "EU-WEST-1", &e), CERT_E_INVALID);
    assert_int_equal(cert_endpoint_resolve("iam", "", &e), CERT_E_INVALID);
    assert_int_equal(cert_endpoint_resolve("route53domains", "us-east-1", &e), CERT_E_INVALID);
    assert_int_equal(cert_endpoint_resolve("acm", NULL, &e), CERT_E_INVALID);
}

static void test_aws_partition__partitions(void **state)
{
    (void)state;
    assert_string_equal(cert_partition_of_region(NULL), "aws");
    assert_string_equal(cert_partition_of_region("cn-north-1"), "aws-cn");
    assert_string_equal(cert_partition_of_region("us-gov-west-1"), "aws-us-gov");
    assert_string_equal(cert_partition_of_region("us-isob-east-1"), "aws-iso-b");
    assert_string_equal(cert_partition_of_region("xx-nowhere-1"), "aws");
    assert_string_equal(cert_partition_dns_suffix("aws-cn"), "amazonaws.com.cn");
    assert_null(cert_partition_dns_suffix("aws-moon"));
    assert_string_equal(cert_partition_cloudfront_acm_region("aws"), "us-east-1");
    assert_null(cert_partition_cloudfront_acm_region("aws-cn"));
    assert_null(cert_partition_cloudfront_acm_region("aws-us-gov"));
    assert_non_null(strstr(cert_partition_data_version(), "botocore"));
}

/* A session's endpoints follow its region; ACM stays in us-east-1. */
static void test_aws_partition__session(void **state)
{
    cert_aws_opts o = CERT_AWS_OPTS_INIT;
    cert_aws *aws = NULL;

    (void)state;
    h_clean_aws_env();
    o.region = "cn-north-1";
    assert_int_equal(cert_aws_new(&o, &aws), CERT_OK);
    assert_string_equal(cert_aws_partition(aws), "aws-cn");
    assert_string_equal(cert_aws_endpoint(aws, CERT_AWS_IAM),
                        "https://iam.cn-north-1.amazonaws.com.cn");
    assert_string_equal(cert_aws_signing_region(aws, CERT_AWS_CLOUDFRONT), "cn-northwest-1");
    assert_int_equal(cert_aws_service_check(aws, CERT_AWS_CLOUDFRONT), CERT_OK);
    cert_aws_free(aws);
    o.region = "us-gov-west-1";
    assert_int_equal(cert_aws_new(&o, &aws), CERT_OK);
    assert_int_equal(cert_aws_service_check(aws, CERT_AWS_CLOUDFRONT), CERT_E_INPUT);
    assert_non_null(
        strstr(cert_error_last()->message, "CloudFront is not available in partition aws-us-gov"));
    assert_string_equal(cert_aws_endpoint(aws, CERT_AWS_CLOUDFRONT), "");
    cert_aws_free(aws);
    o.region = "eu-west-1";
    assert_int_equal(cert_aws_new(&o, &aws), CERT_OK);
    assert_string_equal(cert_aws_endpoint(aws, CERT_AWS_ACM),
                        "https://acm.us-east-1.amazonaws.com");
    assert_string_equal(cert_aws_signing_region(aws, CERT_AWS_ACM), "us-east-1");
    assert_string_equal(cert_aws_endpoint(aws, CERT_AWS_STS),
                        "https://sts.eu-west-1.amazonaws.com");
    cert_aws_free(aws);
    o.region = "not a region";
    assert_int_equal(cert_aws_new(&o, &aws), CERT_E_INVALID);
    assert_null(aws);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_aws_partition__global_services),
        cmocka_unit_test(test_aws_partition__regional_services),
        cmocka_unit_test(test_aws_partition__refusals),
        cmocka_unit_test(test_aws_partition__partitions),
        cmocka_unit_test(test_aws_partition__session),
    };

    return cmocka_run_group_tests(tests, NULL, h_teardown);
}
