/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: everything libcert parses from AWS's answers, which come over the network:
 * error bodies (XML and JSON), ListServerCertificates pages (whole, and in pieces as they are
 * parsed while they arrive), ListDistributions pages, a DistributionConfig edited
 * (ViewerCertificate set, saved, put back) and serialised again, a GetDistribution answer,
 * Route 53's ListHostedZonesByName and ListResourceRecordSets pages and GetHealthCheckStatus,
 * and ACM's JSON answers (ListCertificates pages, DescribeCertificate).
 */
#include <libxml/parser.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws_int.h"
#include "libcert/acm.h"
#include "libcert/cloudfront.h"
#include "libcert/iam.h"
#include "libcert/route53.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    char *code = NULL, *msg = NULL, *rid = NULL, *marker = NULL, *xml = NULL, *change = NULL;
    xmlDoc *doc;
    cert_iam_cert *certs = NULL;
    cert_cf_dist *dists = NULL;
    cert_acm_cert *acm = NULL, detail;
    size_t n = 0, cap = 0;
    bool more = false, changed = false;
    cert_cf_config *cfg = NULL;
    cert_cf_dist dist;
    cert_r53_zone *zones = NULL;
    cert_r53_record *records = NULL;
    cert_r53_health health;

    cert_aws__parse_error(text, size, &code, &msg, &rid);
    free(code);
    free(msg);
    free(rid);
    cert_iam__parse_list_page(text, size, &certs, &n, &cap, &more, &marker);
    cert_iam_certs_free(certs, n);
    free(marker);
    marker = NULL;
    certs = NULL;
    n = cap = 0;
    /* the same page as it arrives from the network: in pieces, split anywhere */
    cert_iam__parse_list_chunks(text, size, size > 0 ? 1 + data[size - 1] % 61 : 0, &certs, &n,
                                &cap, &more, &marker);
    cert_iam_certs_free(certs, n);
    free(marker);
    marker = NULL;
    n = cap = 0;
    cert_cf__parse_list_page(text, size, &dists, &n, &cap, &more, &marker);
    cert_cf_dists_free(dists, n);
    free(marker);
    n = cap = 0;
    marker = NULL;
    cert_acm__parse_list_page(text, size, &acm, &n, &cap, &more, &marker);
    cert_acm_certs_free(acm, n);
    free(marker);
    memset(&detail, 0, sizeof(detail));
    cert_acm__parse_detail(text, size, &detail);
    cert_acm_cert_clear(&detail);
    if (size < 4096) { /* ARNs as ACM's answers and the command line give them */
        char arn[4096];

        memcpy(arn, data, size);
        arn[size] = '\0';
        cert_acm_arn_parse(arn, NULL);
    }
    doc = cert_aws__xml_parse(text, size); /* the DOM parser, for the other answers */
    xmlFreeDoc(doc);
    if (cert_cf__config_from_xml("E2QWRUHAPOMQZL", "E1", text, size, &cfg) == CERT_OK) {
        cert_cf_attach a = {"ASCAFUZZFUZZFUZZFUZZ1", NULL, NULL};
        cert_cf_viewer v;

        if (cert_cf_config_viewer(cfg, &v) == CERT_OK)
            cert_cf_viewer_clear(&v);
        if (cert_cf_config_viewer_xml(cfg, &xml) == CERT_OK &&
            cert_cf_config_set_iam(cfg, &a, &change, &changed) == CERT_OK)
            cert_cf_config_set_viewer_xml(cfg, xml);
        free(change);
        change = NULL;
        /* the same document moved to an ACM certificate, and back */
        if (xml != NULL && cert_cf_config_set_acm(cfg,
                                                  "arn:aws:acm:us-east-1:123456789012:certificate/"
                                                  "0a1b2c3d-1111-2222-3333-444455556666",
                                                  NULL, &change, &changed) == CERT_OK)
            cert_cf_config_set_viewer_xml(cfg, xml);
        free(xml);
        free(change);
        cert_cf_config_free(cfg);
    }
    if (cert_cf__parse_distribution("E2QWRUHAPOMQZL", text, size, &dist) == CERT_OK)
        cert_cf_dist_clear(&dist);
    n = cap = 0;
    cert_r53__parse_zones_page(text, size, &zones, &n, &cap, &more);
    cert_r53_zones_free(zones, n);
    n = cap = 0;
    cert_r53__parse_records_page(text, size, &records, &n, &cap, &more);
    for (size_t i = 0; i < n; i++) { /* what --dns does with each */
        char canon[256];

        cert_r53_name_canon(records[i].name, canon, sizeof(canon));
        cert_r53_name_same(records[i].name, records[i].alias_dns_name);
    }
    cert_r53_records_free(records, n);
    if (cert_r53__parse_health("hc", text, size, &health) == CERT_OK)
        cert_r53_health_clear(&health);
    cert_error_clear();
    return 0;
}
