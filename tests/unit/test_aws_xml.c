/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The streamed list parsers (ListServerCertificates, ListDistributions) on answers shaped as the
 * AWS API references show them: items, pagination markers, namespaces, and what a broken or
 * hostile answer gets.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws_int.h"
#include "helpers.h"
#include "libcert/cloudfront.h"
#include "libcert/iam.h"

/* ListServerCertificates, as in the IAM API reference's example (two certificates). */
static const char iam_page[] =
    "<ListServerCertificatesResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\n"
    "  <ListServerCertificatesResult>\n"
    "    <IsTruncated>%s</IsTruncated>\n"
    "    %s\n"
    "    <ServerCertificateMetadataList>\n"
    "      <member>\n"
    "        <ServerCertificateName>ProdServerCert</ServerCertificateName>\n"
    "        <Path>/cloudfront/</Path>\n"
    "        <Arn>arn:aws:iam::123456789012:server-certificate/cloudfront/ProdServerCert</Arn>\n"
    "        <UploadDate>2010-05-08T01:02:03.004Z</UploadDate>\n"
    "        <ServerCertificateId>ASCACKCEVSQ6CEXAMPLE1</ServerCertificateId>\n"
    "        <Expiration>2012-05-08T01:02:03.004Z</Expiration>\n"
    "      </member>\n"
    "      <member>\n"
    "        <ServerCertificateName>BetaServerCert</ServerCertificateName>\n"
    "        <Path>/company/servercerts/</Path>\n"
    "        <Arn>arn:aws:iam::123456789012:server-certificate/company/servercerts/"
    "BetaServerCert</Arn>\n"
    "        <UploadDate>2010-05-08T02:03:01.004Z</UploadDate>\n"
    "        <ServerCertificateId>ASCACKCEVSQ6CEXAMPLE2</ServerCertificateId>\n"
    "        <Expiration>2012-05-08T02:03:01.004Z</Expiration>\n"
    "      </member>\n"
    "    </ServerCertificateMetadataList>\n"
    "  </ListServerCertificatesResult>\n"
    "  <ResponseMetadata>\n"
    "    <RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId>\n"
    "    <member><ServerCertificateName>not-an-item</ServerCertificateName></member>\n"
    "  </ResponseMetadata>\n"
    "</ListServerCertificatesResponse>\n";

static char *page(const char *truncated, const char *marker)
{
    size_t n = sizeof(iam_page) + strlen(truncated) + strlen(marker);
    char *s = malloc(n);

    assert_non_null(s);
    snprintf(s, n, iam_page, truncated, marker);
    return s;
}

static void iam_two_items_and_marker(void **state)
{
    cert_iam_cert *v = NULL;
    size_t n = 0, cap = 0;
    bool more = false;
    char *marker = NULL;
    char *text = page("true", "<Marker>next-page-1</Marker>");

    (void)state;
    assert_int_equal(cert_iam__parse_list_page(text, strlen(text), &v, &n, &cap, &more, &marker),
                     CERT_OK);
    assert_int_equal(n, 2); /* the <member> under ResponseMetadata is not an item */
    assert_string_equal(v[0].name, "ProdServerCert");
    assert_string_equal(v[0].id, "ASCACKCEVSQ6CEXAMPLE1");
    assert_string_equal(v[0].path, "/cloudfront/");
    assert_int_equal(v[0].upload_date, 1273280523);
    assert_int_equal(v[0].expiration, 1336438923);
    assert_string_equal(v[1].name, "BetaServerCert");
    assert_string_equal(v[1].arn, "arn:aws:iam::123456789012:server-certificate/company/"
                                  "servercerts/BetaServerCert");
    assert_true(more);
    assert_non_null(marker);
    assert_string_equal(marker, "next-page-1");

    /* a second page appends */
    free(marker);
    assert_int_equal(cert_iam__parse_list_page(text, strlen(text), &v, &n, &cap, &more, &marker),
                     CERT_OK);
    assert_int_equal(n, 4);
    assert_string_equal(v[3].name, "BetaServerCert");
    free(marker);
    cert_iam_certs_free(v, n);
    free(text);
}

static void iam_last_page_has_no_marker(void **state)
{
    cert_iam_cert *v = NULL;
    size_t n = 0, cap = 0;
    bool more = true;
    char *marker = NULL;
    char *text = page("false", "<Marker>stale</Marker>");

    (void)state;
    assert_int_equal(cert_iam__parse_list_page(text, strlen(text), &v, &n, &cap, &more, &marker),
                     CERT_OK);
    assert_int_equal(n, 2);
    assert_false(more);
    assert_null(marker);
    cert_iam_certs_free(v, n);
    free(text);
}

/* The answer is read as it arrives, in whatever pieces the network gives: every split reads the
 * same, a multi-byte character cut in two included (a cut-short answer: iam_broken_answers). */
static void iam_any_split_reads_the_same(void **state)
{
    static const size_t chunks[] = {1, 2, 3, 7, 64, 1000};
    char *text = page("true", "<Marker>next-\xc3\xa9-page</Marker>");
    cert_iam_cert *whole = NULL;
    size_t nw = 0, capw = 0;
    bool more_w = false;
    char *marker_w = NULL;

    (void)state;
    assert_int_equal(
        cert_iam__parse_list_chunks(text, strlen(text), 0, &whole, &nw, &capw, &more_w, &marker_w),
        CERT_OK);
    assert_int_equal(nw, 2);
    assert_string_equal(marker_w, "next-\xc3\xa9-page");
    for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
        cert_iam_cert *v = NULL;
        size_t n = 0, cap = 0;
        bool more = false;
        char *marker = NULL;

        assert_int_equal(cert_iam__parse_list_chunks(text, strlen(text), chunks[c], &v, &n, &cap,
                                                     &more, &marker),
                         CERT_OK);
        assert_int_equal(n, nw);
        for (size_t i = 0; i < n; i++) {
            assert_string_equal(v[i].name, whole[i].name);
            assert_string_equal(v[i].id, whole[i].id);
            assert_string_equal(v[i].path, whole[i].path);
            assert_string_equal(v[i].arn, whole[i].arn);
            assert_int_equal(v[i].upload_date, whole[i].upload_date);
            assert_int_equal(v[i].expiration, whole[i].expiration);
        }
        assert_true(more);
        assert_string_equal(marker, marker_w);
        free(marker);
        cert_iam_certs_free(v, n);
    }
    free(marker_w);
    cert_iam_certs_free(whole, nw);
    free(text);
}

static void iam_broken_answers(void **state)
{
    static const char *const bad[] = {
        "",
        "not xml at all",
        ("<ListServerCertificatesResponse><ListServerCertificatesResult>"
         "<ServerCertificateMetadataList><member><ServerCertificateName>a"),
        "<a></b>",
    };
    char *text = page("false", "");

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cert_iam_cert *v = NULL;
        size_t n = 0, cap = 0;
        bool more = false;
        char *marker = NULL;

        assert_int_equal(
            cert_iam__parse_list_page(bad[i], strlen(bad[i]), &v, &n, &cap, &more, &marker),
            CERT_E_NET);
        assert_null(marker);
        cert_iam_certs_free(v, n);
    }
    /* cut in the middle of the second item, read whole and in pieces of 5 bytes: the first
     * item was taken, the error still comes */
    for (size_t chunk = 0; chunk <= 5; chunk += 5) {
        cert_iam_cert *v = NULL;
        size_t n = 0, cap = 0;
        bool more = false;
        char *marker = NULL;
        size_t cut = (size_t)(strstr(text, "BetaServerCert") - text);

        assert_int_equal(
            cert_iam__parse_list_chunks(text, cut, chunk, &v, &n, &cap, &more, &marker),
            CERT_E_NET);
        assert_non_null(strstr(cert_error_last()->message, "well-formed"));
        assert_int_equal(n, 1);
        assert_null(marker);
        cert_iam_certs_free(v, n);
    }
    free(text);
}

static void iam_item_without_id(void **state)
{
    static const char text[] = "<ListServerCertificatesResponse><ListServerCertificatesResult>"
                               "<ServerCertificateMetadataList><member>"
                               "<ServerCertificateName>x</ServerCertificateName>"
                               "</member></ServerCertificateMetadataList>"
                               "</ListServerCertificatesResult></ListServerCertificatesResponse>";
    cert_iam_cert *v = NULL;
    size_t n = 0, cap = 0;
    bool more = false;
    char *marker = NULL;

    (void)state;
    assert_int_equal(cert_iam__parse_list_page(text, strlen(text), &v, &n, &cap, &more, &marker),
                     CERT_E_NET);
    assert_non_null(strstr(cert_error_last()->message, "ServerCertificateId"));
    assert_int_equal(n, 0);
    cert_iam_certs_free(v, n);
}

/* Entities are never expanded: a "billion laughs" answer is refused or read as-is, quickly. */
static void iam_entities_not_expanded(void **state)
{
    static const char text[] =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE r [\n"
        "<!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n"
        "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
        "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
        "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
        "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
        "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
        "]>\n"
        "<ListServerCertificatesResponse><ListServerCertificatesResult>"
        "<ServerCertificateMetadataList><member>"
        "<ServerCertificateName>&f;</ServerCertificateName>"
        "<ServerCertificateId>ASCA1</ServerCertificateId>"
        "</member></ServerCertificateMetadataList>"
        "</ListServerCertificatesResult></ListServerCertificatesResponse>";
    cert_iam_cert *v = NULL;
    size_t n = 0, cap = 0;
    bool more = false;
    char *marker = NULL;
    cert_err err;

    (void)state;
    /* whole, and in pieces as it would arrive (the declarations libxml2 records on the side
     * are freed either way: the sanitizers' leak check runs this) */
    for (size_t chunk = 0; chunk <= 3; chunk += 3) {
        v = NULL;
        n = cap = 0;
        marker = NULL;
        err = cert_iam__parse_list_chunks(text, strlen(text), chunk, &v, &n, &cap, &more, &marker);
        if (err == CERT_OK) {
            assert_int_equal(n, 1);
            assert_true(strlen(v[0].name) < 1024); /* 16^5 * 64 bytes had it been expanded */
        } else {
            assert_int_equal(err, CERT_E_NET);
        }
        cert_iam_certs_free(v, n);
        free(marker);
    }
}

/* A page of 100,001 items (the default cap on one listing is 100,000): the reader stops at the
 * first item past the cap as the page streams in, whole or in pieces, with the cap's message. */
static void test_aws_xml__iam_list_stops_at_the_cap_as_it_streams(void **state)
{
    static const char head[] = "<ListServerCertificatesResponse><ListServerCertificatesResult>"
                               "<IsTruncated>false</IsTruncated><ServerCertificateMetadataList>";
    static const char item[] = "<member><ServerCertificateName>c</ServerCertificateName>"
                               "<ServerCertificateId>ASCA1</ServerCertificateId></member>";
    static const char tail[] = "</ServerCertificateMetadataList></ListServerCertificatesResult>"
                               "</ListServerCertificatesResponse>";
    size_t count = 100001, len = strlen(head) + count * strlen(item) + strlen(tail), o = 0;
    char *text = malloc(len + 1);

    (void)state;
    assert_non_null(text);
    memcpy(text, head, strlen(head));
    o = strlen(head);
    for (size_t i = 0; i < count; i++, o += strlen(item))
        memcpy(text + o, item, strlen(item));
    memcpy(text + o, tail, strlen(tail) + 1);
    for (size_t chunk = 0; chunk <= 4096; chunk += 4096) {
        cert_iam_cert *v = NULL;
        size_t n = 0, cap = 0;
        bool more = true;
        char *marker = NULL;

        assert_cert_error(
            cert_iam__parse_list_chunks(text, len, chunk, &v, &n, &cap, &more, &marker), CERT_E_NET,
            "IAM ListServerCertificates: more than 100000 items in one listing");
        assert_int_equal(n, 100000);
        assert_false(more);
        assert_null(marker);
        cert_iam_certs_free(v, n);
    }
    free(text);
}

/* ListDistributions, as in the CloudFront API reference (two summaries, one with aliases). */
static const char cf_page[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<DistributionList xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\">\n"
    "  <Marker></Marker>\n"
    "  <NextMarker>EDFDVBD6EXAMPLE</NextMarker>\n"
    "  <MaxItems>2</MaxItems>\n"
    "  <IsTruncated>true</IsTruncated>\n"
    "  <Quantity>2</Quantity>\n"
    "  <Items>\n"
    "    <DistributionSummary>\n"
    "      <Id>EDFDVBD6EXAMPLE</Id>\n"
    "      <ARN>arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE</ARN>\n"
    "      <Status>Deployed</Status>\n"
    "      <DomainName>d111111abcdef8.cloudfront.net</DomainName>\n"
    "      <Aliases><Quantity>2</Quantity><Items><CNAME>www.example.com</CNAME>"
    "<CNAME>example.com</CNAME></Items></Aliases>\n"
    "      <Comment>prod</Comment>\n"
    "      <Enabled>true</Enabled>\n"
    "      <ViewerCertificate>\n"
    "        <IAMCertificateId>ASCACKCEVSQ6CEXAMPLE1</IAMCertificateId>\n"
    "        <SSLSupportMethod>sni-only</SSLSupportMethod>\n"
    "        <MinimumProtocolVersion>TLSv1.2_2021</MinimumProtocolVersion>\n"
    "        <Certificate>ASCACKCEVSQ6CEXAMPLE1</Certificate>\n"
    "        <CertificateSource>iam</CertificateSource>\n"
    "      </ViewerCertificate>\n"
    "    </DistributionSummary>\n"
    "    <DistributionSummary>\n"
    "      <Id>E2QWRUHAPOMQZL</Id>\n"
    "      <Status>InProgress</Status>\n"
    "      <Aliases><Quantity>0</Quantity></Aliases>\n"
    "      <Enabled>false</Enabled>\n"
    "      <ViewerCertificate>\n"
    "        <CloudFrontDefaultCertificate>true</CloudFrontDefaultCertificate>\n"
    "      </ViewerCertificate>\n"
    "    </DistributionSummary>\n"
    "  </Items>\n"
    "</DistributionList>\n";

static void cf_two_summaries(void **state)
{
    cert_cf_dist *v = NULL;
    size_t n = 0, cap = 0;
    bool more = false;
    char *marker = NULL;

    (void)state;
    assert_int_equal(
        cert_cf__parse_list_page(cf_page, strlen(cf_page), &v, &n, &cap, &more, &marker), CERT_OK);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].id, "EDFDVBD6EXAMPLE");
    assert_int_equal(v[0].alias_count, 2);
    assert_string_equal(v[0].aliases[1], "example.com");
    assert_string_equal(v[0].iam_certificate_id, "ASCACKCEVSQ6CEXAMPLE1");
    assert_string_equal(v[0].status, "Deployed");
    assert_true(v[0].enabled);
    assert_string_equal(v[1].id, "E2QWRUHAPOMQZL");
    assert_int_equal(v[1].alias_count, 0);
    assert_true(v[1].default_certificate);
    assert_null(v[1].iam_certificate_id);
    assert_false(v[1].enabled);
    assert_true(more);
    assert_string_equal(marker, "EDFDVBD6EXAMPLE");
    free(marker);
    cert_cf_dists_free(v, n);

    /* cut short: an error, and what was taken is still freeable */
    v = NULL;
    n = cap = 0;
    marker = NULL;
    assert_int_equal(
        cert_cf__parse_list_page(cf_page, strlen(cf_page) / 2, &v, &n, &cap, &more, &marker),
        CERT_E_NET);
    assert_null(marker);
    cert_cf_dists_free(v, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(iam_two_items_and_marker),
        cmocka_unit_test(iam_last_page_has_no_marker),
        cmocka_unit_test(iam_broken_answers),
        cmocka_unit_test(iam_any_split_reads_the_same),
        cmocka_unit_test(iam_item_without_id),
        cmocka_unit_test(iam_entities_not_expanded),
        cmocka_unit_test(cf_two_summaries),
        cmocka_unit_test(test_aws_xml__iam_list_stops_at_the_cap_as_it_streams),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
