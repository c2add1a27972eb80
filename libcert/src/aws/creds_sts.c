/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The STS exchange the assume-role and web identity providers share: one query action whose
 * <Credentials> become the provider's credentials. The answer holds secrets: its text is wiped
 * before the document is freed.
 */
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "creds_int.h"
#include "util/error_int.h"

/* libxml2's text nodes hold the secret key and token (names and interned strings are not
 * secrets). */
static void xml_wipe(xmlDoc *doc, xmlNode *n)
{
    for (; n != NULL; n = n->next) {
        if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content != NULL &&
            (doc->dict == NULL || !xmlDictOwns(doc->dict, n->content)))
            OPENSSL_cleanse(n->content, (size_t)xmlStrlen(n->content));
        xml_wipe(doc, n->children);
    }
}

cert_err cert_aws__creds_sts(cert_aws *aws, const char *action, const cert_buf *body,
                             const aws_creds *signer, const char *name, const char *source,
                             aws_creds *out)
{
    static const cert_http_header ct[] = {
        {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    cert_err err = CERT_OK;
    aws_request req;
    aws_response resp;
    xmlDoc *doc = NULL;
    xmlNode *c = NULL;
    char *akid = NULL, *secret = NULL, *token = NULL, *exp = NULL;
    int64_t expiration = INT64_MAX;

    memset(&req, 0, sizeof(req));
    memset(&resp, 0, sizeof(resp));
    req.service = CERT_AWS_STS;
    req.action = action;
    req.method = "POST";
    req.path = "/";
    req.headers = ct;
    req.header_count = 1;
    req.body = (const uint8_t *)body->ptr;
    req.body_len = body->len;
    req.creds = signer;
    req.anonymous = signer == NULL;
    err = cert_aws__send(aws, &req, &resp);
    if (err < 0) {
        err = cert_aws__profile_error(err, name);
        goto done;
    }
    doc = cert_aws__response_xml(&resp);
    if (doc != NULL)
        c = cert_aws__xml_find(xmlDocGetRootElement(doc), "Credentials");
    if (c != NULL) {
        akid = cert_aws__xml_child_text(c, "AccessKeyId");
        secret = cert_aws__xml_child_text(c, "SecretAccessKey");
        token = cert_aws__xml_child_text(c, "SessionToken");
        exp = cert_aws__xml_child_text(c, "Expiration");
    }
    if (!cert_aws__given(akid) || !cert_aws__given(secret) || !cert_aws__given(token))
        CERT_FAIL(CERT_E_NET,
                  "profile %s: STS %s answered without Credentials (AccessKeyId, "
                  "SecretAccessKey, SessionToken); check the STS endpoint (%s)",
                  name, action, cert_aws_endpoint(aws, CERT_AWS_STS));
    if (exp != NULL && !cert_aws__creds_time(exp, &expiration))
        CERT_FAIL(CERT_E_NET, "profile %s: STS %s answered an Expiration that is not a time", name,
                  action);
    CERT_TRY(cert_aws__creds_set(out, akid, secret, token, expiration, source));

done:
    free(akid);
    cert_aws__secret_free(secret);
    cert_aws__secret_free(token);
    free(exp);
    if (doc != NULL) {
        xml_wipe(doc, xmlDocGetRootElement(doc));
        xmlFreeDoc(doc);
    }
    cert_aws__response_free(&resp);
    return err;
}
