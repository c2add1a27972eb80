/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Route 53's answers parsed (libcert/src/aws/route53.c) from canned XML as Route 53 sends it:
 * hosted zones, records of every routing policy with alias targets and escape codes, the page
 * cursor, health check observations; and names compared as DNS compares them.
 */
#include <stdlib.h>
#include <string.h>

#include "aws/aws_int.h"
#include "helpers.h"
#include "libcert/route53.h"

#define NS "xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\""

static void test_aws_route53__names(void **state)
{
    char buf[256];

    (void)state;
    assert_string_equal(cert_r53_name_canon("\\052.Example.COM.", buf, sizeof(buf)),
                        "*.example.com");
    assert_string_equal(cert_r53_name_canon("www.example.com", buf, sizeof(buf)),
                        "www.example.com");
    assert_string_equal(cert_r53_name_canon("ex\\344mple.com.", buf, sizeof(buf)),
                        "ex\344mple.com");
    assert_null(cert_r53_name_canon("trailing\\", buf, sizeof(buf)));
    assert_null(cert_r53_name_canon("www.example.com", buf, 4));
    assert_true(cert_r53_name_same("WWW.example.com.", "www.example.com"));
    assert_true(cert_r53_name_same("\\052.example.com.", "*.EXAMPLE.com"));
    assert_false(cert_r53_name_same("www.example.com", "www.example.co"));
}

static void test_aws_route53__zones_page(void **state)
{
    static const char body[] =
        "<?xml version=\"1.0\"?>\n<ListHostedZonesByNameResponse " NS "><HostedZones>"
        "<HostedZone><Id>/hostedzone/Z1PUBLIC</Id><Name>example.com.</Name>"
        "<CallerReference>a</CallerReference><Config><PrivateZone>false</PrivateZone></Config>"
        "<ResourceRecordSetCount>7</ResourceRecordSetCount></HostedZone>"
        "<HostedZone><Id>/hostedzone/Z2PRIVATE</Id><Name>example.com.</Name>"
        "<CallerReference>b</CallerReference><Config><Comment>vpc</Comment>"
        "<PrivateZone>true</PrivateZone></Config></HostedZone>"
        "</HostedZones><IsTruncated>true</IsTruncated><NextDNSName>example.org.</NextDNSName>"
        "<NextHostedZoneId>Z3NEXT</NextHostedZoneId><MaxItems>2</MaxItems>"
        "</ListHostedZonesByNameResponse>";
    cert_r53_zone *v = NULL;
    size_t n = 0, cap = 0;
    bool more = false;

    (void)state;
    assert_int_equal(cert_r53__parse_zones_page(body, strlen(body), &v, &n, &cap, &more), CERT_OK);
    assert_true(more);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].id, "Z1PUBLIC");
    assert_string_equal(v[0].name, "example.com.");
    assert_false(v[0].private_zone);
    assert_int_equal(v[0].record_count, 7);
    assert_string_equal(v[1].id, "Z2PRIVATE");
    assert_true(v[1].private_zone);
    assert_int_equal(v[1].record_count, -1);
    cert_r53_zones_free(v, n);
    /* a zone without an Id is a malformed answer */
    v = NULL;
    n = cap = 0;
    {
        static const char bad[] = "<ListHostedZonesByNameResponse " NS "><HostedZones>"
                                  "<HostedZone><Name>example.com.</Name></HostedZone>"
                                  "</HostedZones><IsTruncated>false</IsTruncated>"
                                  "</ListHostedZonesByNameResponse>";

        assert_int_equal(cert_r53__parse_zones_page(bad, strlen(bad), &v, &n, &cap, &more),
                         CERT_E_NET);
        cert_r53_zones_free(v, n);
    }
}

static void test_aws_route53__records_page(void **state)
{
    static const char body[] =
        "<ListResourceRecordSetsResponse " NS "><ResourceRecordSets>"
        "<ResourceRecordSet><Name>\\052.example.com.</Name><Type>CNAME</Type><TTL>60</TTL>"
        "<ResourceRecords><ResourceRecord><Value>d111.cloudfront.net</Value></ResourceRecord>"
        "</ResourceRecords></ResourceRecordSet>"
        "<ResourceRecordSet><Name>www.example.com.</Name><Type>A</Type><AliasTarget>"
        "<HostedZoneId>Z2FDTNDATAQYW2</HostedZoneId><DNSName>d111.cloudfront.net.</DNSName>"
        "<EvaluateTargetHealth>false</EvaluateTargetHealth></AliasTarget></ResourceRecordSet>"
        "<ResourceRecordSet><Name>f.example.com.</Name><Type>A</Type><SetIdentifier>p"
        "</SetIdentifier><Failover>PRIMARY</Failover><TTL>60</TTL><ResourceRecords>"
        "<ResourceRecord><Value>192.0.2.1</Value></ResourceRecord><ResourceRecord><Value>"
        "192.0.2.2</Value></ResourceRecord></ResourceRecords><HealthCheckId>hc-1</HealthCheckId>"
        "</ResourceRecordSet>"
        "<ResourceRecordSet><Name>w.example.com.</Name><Type>CNAME</Type><SetIdentifier>a"
        "</SetIdentifier><Weight>10</Weight><TTL>60</TTL></ResourceRecordSet>"
        "<ResourceRecordSet><Name>g.example.com.</Name><Type>A</Type><SetIdentifier>de"
        "</SetIdentifier><GeoLocation><CountryCode>DE</CountryCode></GeoLocation>"
        "<TTL>60</TTL></ResourceRecordSet>"
        "</ResourceRecordSets><IsTruncated>true</IsTruncated>"
        "<NextRecordName>w.example.com.</NextRecordName><NextRecordType>CNAME</NextRecordType>"
        "<NextRecordIdentifier>b</NextRecordIdentifier><MaxItems>5</MaxItems>"
        "</ListResourceRecordSetsResponse>";
    cert_r53_record *v = NULL;
    size_t n = 0, cap = 0;
    bool more = false;

    (void)state;
    assert_int_equal(cert_r53__parse_records_page(body, strlen(body), &v, &n, &cap, &more),
                     CERT_OK);
    assert_true(more);
    assert_int_equal(n, 5);
    assert_string_equal(v[0].name, "\\052.example.com.");
    assert_string_equal(v[0].routing, "simple");
    assert_int_equal(v[0].ttl, 60);
    assert_int_equal(v[0].value_count, 1);
    assert_string_equal(v[0].values[0], "d111.cloudfront.net");
    assert_null(v[0].alias_dns_name);
    assert_string_equal(v[1].alias_dns_name, "d111.cloudfront.net.");
    assert_string_equal(v[1].alias_zone_id, CERT_R53_CLOUDFRONT_ZONE);
    assert_int_equal(v[1].ttl, -1);
    assert_string_equal(v[2].routing, "failover");
    assert_string_equal(v[2].failover, "PRIMARY");
    assert_string_equal(v[2].set_identifier, "p");
    assert_string_equal(v[2].health_check_id, "hc-1");
    assert_int_equal(v[2].value_count, 2);
    assert_string_equal(v[3].routing, "weighted");
    assert_int_equal(v[3].weight, 10);
    assert_string_equal(v[4].routing, "geolocation");
    assert_int_equal(v[4].weight, -1);
    cert_r53_records_free(v, n);
}

static void test_aws_route53__health(void **state)
{
    static const char body[] =
        "<GetHealthCheckStatusResponse " NS "><HealthCheckObservations>"
        "<HealthCheckObservation><Region>us-east-1</Region><IPAddress>15.177.0.1</IPAddress>"
        "<StatusReport><Status>Success: HTTP Status Code 200, OK</Status></StatusReport>"
        "</HealthCheckObservation>"
        "<HealthCheckObservation><Region>eu-west-1</Region><StatusReport><Status>Failure: "
        "Connection timed out.</Status></StatusReport></HealthCheckObservation>"
        "<HealthCheckObservation><Region>sa-east-1</Region></HealthCheckObservation>"
        "</HealthCheckObservations></GetHealthCheckStatusResponse>";
    cert_r53_health h;

    (void)state;
    assert_int_equal(cert_r53__parse_health("hc-1", body, strlen(body), &h), CERT_OK);
    assert_string_equal(h.id, "hc-1");
    assert_int_equal(h.observations, 3);
    assert_int_equal(h.success, 1);
    assert_string_equal(h.failure, "Failure: Connection timed out.");
    cert_r53_health_clear(&h);
    assert_int_equal(cert_r53__parse_health("hc-1", "<x/>", 4, &h), CERT_E_NET);
    assert_non_null(strstr(cert_error_last()->message, "hc-1"));
    assert_null(h.id);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_aws_route53__names),
        cmocka_unit_test(test_aws_route53__zones_page),
        cmocka_unit_test(test_aws_route53__records_page),
        cmocka_unit_test(test_aws_route53__health),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
