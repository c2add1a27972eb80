/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the ViewerCertificate edit (libcert/src/aws/cloudfront.c), which certattach,
 * certrotate and their rollbacks make to a DistributionConfig that CloudFront sent. The design
 * says the document goes back untouched except for ViewerCertificate, so that elements AWS adds
 * later survive; this target asserts it on every input that parses:
 *   1. the body sent after cert_cf_config_set_iam() equals the body that would have been sent
 *      without the edit, byte for byte, once the first ViewerCertificate child of the root is
 *      cut out of both (an element that was missing is added as the root's last child);
 *   2. the edited ViewerCertificate says what was asked: the IAM certificate id, no default
 *      certificate, no ACM ARN, a support method and a minimum protocol version;
 *   3. editing again with the same request changes nothing (changed is false, same bytes);
 *   4. the rollback (cert_cf_config_set_viewer_xml() with the element saved before) gives back
 *      a document whose parts outside ViewerCertificate are again byte-identical, and whose
 *      ViewerCertificate reads as before.
 * The first input byte picks the request (method and minimum version given or kept); the rest
 * is the document.
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws_int.h"
#include "libcert/cloudfront.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The sent body with the root's first ViewerCertificate child removed: the body is parsed as
 * libcert parses what it reads (whitespace kept), the element cut, and serialised as libcert
 * serialises what it sends. NULL when the body does not parse (which is itself a failure). */
static char *without_viewer(const xmlChar *body, int len)
{
    xmlDoc *d = cert_aws__xml_parse_doc((const char *)body, (size_t)len);
    xmlNode *vc;
    xmlChar *out = NULL;
    int n = 0;
    char *s;

    if (d == NULL)
        return NULL;
    vc = cert_aws__xml_child(xmlDocGetRootElement(d), "ViewerCertificate");
    if (vc != NULL) {
        xmlUnlinkNode(vc);
        xmlFreeNode(vc);
    }
    xmlDocDumpMemoryEnc(d, &out, &n, "UTF-8");
    xmlFreeDoc(d);
    if (out == NULL)
        return NULL;
    s = strdup((const char *)out);
    xmlFree(out);
    return s;
}

static void fail(const char *what, const xmlChar *before, const xmlChar *after)
{
    fprintf(stderr, "fuzz_cf_viewer: %s\n-- before --\n%s\n-- after --\n%s\n", what,
            before ? (const char *)before : "(none)", after ? (const char *)after : "(none)");
    abort();
}

static bool same(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static bool viewer_equal(const cert_cf_viewer *a, const cert_cf_viewer *b)
{
    return a->default_certificate == b->default_certificate &&
           same(a->iam_certificate_id, b->iam_certificate_id) &&
           same(a->acm_certificate_arn, b->acm_certificate_arn) &&
           same(a->ssl_support_method, b->ssl_support_method) &&
           same(a->minimum_protocol_version, b->minimum_protocol_version) &&
           same(a->certificate, b->certificate) &&
           same(a->certificate_source, b->certificate_source);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const methods[] = {NULL, "sni-only", "vip", "static-ip"};
    static const char *const versions[] = {NULL, "TLSv1.2_2021", "TLSv1", "SSLv3"};
    cert_cf_config *cfg = NULL;
    cert_cf_attach a = {"ASCAFUZZFUZZFUZZFUZZ1", NULL, NULL};
    cert_cf_viewer before, after, restored;
    xmlChar *b0 = NULL, *b1 = NULL, *b2 = NULL, *b3 = NULL;
    int l0 = 0, l1 = 0, l2 = 0, l3 = 0;
    char *saved = NULL, *change = NULL, *c0 = NULL, *c1 = NULL, *c3 = NULL;
    bool changed = false, again = true;

    memset(&before, 0, sizeof(before));
    memset(&after, 0, sizeof(after));
    memset(&restored, 0, sizeof(restored));
    if (size < 1)
        return 0;
    a.ssl_support_method = methods[data[0] & 3];
    a.minimum_protocol_version = versions[(data[0] >> 2) & 3];
    if (cert_cf__config_from_xml("E2QWRUHAPOMQZL", "E1", (const char *)data + 1, size - 1, &cfg) !=
        CERT_OK)
        goto done;
    if (cert_cf_config_viewer(cfg, &before) != CERT_OK ||
        cert_cf_config_viewer_xml(cfg, &saved) != CERT_OK ||
        cert_cf__config_body(cfg, &b0, &l0) != CERT_OK)
        goto done;
    if (cert_cf_config_set_iam(cfg, &a, &change, &changed) != CERT_OK)
        goto done;
    if (cert_cf__config_body(cfg, &b1, &l1) != CERT_OK)
        abort();
    /* 1. outside ViewerCertificate nothing moved */
    c0 = without_viewer(b0, l0);
    c1 = without_viewer(b1, l1);
    if (c0 == NULL || c1 == NULL)
        fail("a body libcert would send does not parse", b0, b1);
    if (strcmp(c0, c1) != 0)
        fail("the edit changed the document outside ViewerCertificate", b0, b1);
    if (!changed && (l0 != l1 || memcmp(b0, b1, (size_t)l0) != 0))
        fail("nothing was to change, yet the document changed", b0, b1);
    /* 2. the element says what was asked */
    if (cert_cf_config_viewer(cfg, &after) != CERT_OK)
        abort();
    if (!same(after.iam_certificate_id, a.iam_certificate_id) || after.default_certificate ||
        after.acm_certificate_arn != NULL || after.ssl_support_method == NULL ||
        after.minimum_protocol_version == NULL ||
        (a.ssl_support_method && !same(after.ssl_support_method, a.ssl_support_method)))
        fail("the edited ViewerCertificate is not what was asked", b0, b1);
    /* 3. the same edit again is no change */
    free(change);
    change = NULL;
    if (cert_cf_config_set_iam(cfg, &a, &change, &again) != CERT_OK)
        abort();
    if (cert_cf__config_body(cfg, &b2, &l2) != CERT_OK)
        abort();
    if (again || l1 != l2 || memcmp(b1, b2, (size_t)l1) != 0)
        fail("a second identical edit changed the document", b1, b2);
    /* 4. rollback */
    if (cert_cf_config_set_viewer_xml(cfg, saved) != CERT_OK)
        fail("the saved ViewerCertificate cannot be put back", b0, b2);
    if (cert_cf__config_body(cfg, &b3, &l3) != CERT_OK)
        abort();
    c3 = without_viewer(b3, l3);
    if (c3 == NULL || strcmp(c0, c3) != 0)
        fail("the rollback changed the document outside ViewerCertificate", b0, b3);
    if (cert_cf_config_viewer(cfg, &restored) != CERT_OK || !viewer_equal(&before, &restored))
        fail("the rollback did not restore ViewerCertificate", b0, b3);

done:
    cert_cf_viewer_clear(&before);
    cert_cf_viewer_clear(&after);
    cert_cf_viewer_clear(&restored);
    xmlFree(b0);
    xmlFree(b1);
    xmlFree(b2);
    xmlFree(b3);
    free(saved);
    free(change);
    free(c0);
    free(c1);
    free(c3);
    cert_cf_config_free(cfg);
    cert_error_clear();
    return 0;
}
