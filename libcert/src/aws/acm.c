/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AWS Certificate Manager over the JSON protocol (ACM API Reference, version 2015-12-08; botocore
 * model acm/2015-12-08: protocol json 1.1, targetPrefix CertificateManager, signingName acm).
 * Blobs (Certificate, PrivateKey, CertificateChain) travel base64-encoded; timestamps come back
 * as seconds since the epoch.
 */
#include "libcert/acm.h"

#include <ctype.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws_int.h"
#include "aws/creds_int.h"
#include "aws/page_int.h"
#include "util/error_int.h"
#include "util/json_read.h"
#include "util/time_int.h"

/* API Reference, Arn: 20 to 2,048 characters. */
#define ARN_MIN 20
#define ARN_MAX 2048

static const char *const key_types[] = {"RSA_1024",      "RSA_2048",     "RSA_3072",     "RSA_4096",
                                        "EC_prime256v1", "EC_secp384r1", "EC_secp521r1", NULL};

const char *const *cert_acm_key_types(void)
{
    return key_types;
}

bool cert_acm_key_cloudfront(const char *k)
{
    /* CloudFront Developer Guide, "Supported protocols and ciphers" / certificate requirements:
     * RSA 1024 to 4096 and ECDSA P-256 (aws-rules.md, ACM for CloudFront). */
    return k != NULL && (strcmp(k, "RSA_1024") == 0 || strcmp(k, "RSA_2048") == 0 ||
                         strcmp(k, "RSA_3072") == 0 || strcmp(k, "RSA_4096") == 0 ||
                         strcmp(k, "EC_prime256v1") == 0);
}

/* The characters of the Arn pattern's parts: [\w+=/,.@-] (the resource part has no '/' in a
 * segment, which the split below takes care of). */
static bool arn_char(char c, bool slash)
{
    return isalnum((unsigned char)c) || c == '_' || c == '+' || c == '=' || c == ',' || c == '.' ||
           c == '@' || c == '-' || (slash && c == '/');
}

static bool copy_part(char *dst, size_t size, const char *from, const char *to, bool slash,
                      bool empty_ok)
{
    size_t n = (size_t)(to - from);

    if (n >= size || (n == 0 && !empty_ok))
        return false;
    for (const char *p = from; p < to; p++) {
        if (!arn_char(*p, slash))
            return false;
    }
    memcpy(dst, from, n);
    dst[n] = '\0';
    return true;
}

bool cert_acm_arn_parse(const char *arn, cert_acm_arn *out)
{
    cert_acm_arn a;
    const char *p[6];
    size_t n;

    if (arn == NULL || (n = strlen(arn)) < ARN_MIN || n > ARN_MAX || strncmp(arn, "arn:", 4) != 0)
        return false;
    /* arn : partition : acm : region : account : certificate/ID */
    p[0] = arn + 4;
    for (int i = 1; i < 5; i++) {
        p[i] = strchr(p[i - 1], ':');
        if (p[i] == NULL)
            return false;
        p[i]++;
    }
    memset(&a, 0, sizeof(a));
    if (!copy_part(a.partition, sizeof(a.partition), p[0], p[1] - 1, true, false) ||
        strncmp(p[1], "acm:", 4) != 0 ||
        !copy_part(a.region, sizeof(a.region), p[2], p[3] - 1, true, true) ||
        !copy_part(a.account, sizeof(a.account), p[3], p[4] - 1, false, false) ||
        strncmp(p[4], "certificate/", 12) != 0 ||
        !copy_part(a.id, sizeof(a.id), p[4] + 12, arn + n, false, false))
        return false;
    for (const char *c = a.account; *c; c++) {
        if (!isdigit((unsigned char)*c))
            return false;
    }
    if (out != NULL)
        *out = a;
    return true;
}

static cert_err check_arn(const char *arn)
{
    if (!cert_acm_arn_parse(arn, NULL))
        return cert__error_set(CERT_E_INVALID,
                               "\"%s\" is not an ACM certificate ARN "
                               "(arn:aws:acm:us-east-1:ACCOUNT:certificate/ID)",
                               arn ? arn : "");
    return CERT_OK;
}

/* ---- the JSON protocol ---- */

/* Send one action with a JSON body (text, len bytes); the answer's body in *resp
 * (cert_aws__response_free() it, also on failure). no_resend: aws_request's. */
static cert_err send_text(cert_aws *aws, const char *action, const char *text, size_t len,
                          const aws_body_sink *sink, bool no_resend, aws_response *resp)
{
    char target[96];
    cert_http_header h[2];
    aws_request req;

    memset(resp, 0, sizeof(*resp));
    snprintf(target, sizeof(target), "CertificateManager.%s", action);
    h[0].name = "Content-Type";
    h[0].value = "application/x-amz-json-1.1";
    h[1].name = "X-Amz-Target";
    h[1].value = target;
    memset(&req, 0, sizeof(req));
    req.service = CERT_AWS_ACM;
    req.action = action;
    req.method = "POST";
    req.path = "/";
    req.headers = h;
    req.header_count = 2;
    req.body = (const uint8_t *)text;
    req.body_len = len;
    req.sink = sink;
    req.no_resend = no_resend;
    return cert_aws__send(aws, &req, resp);
}

/* send_text() with the body as a JSON document. */
static cert_err send_json(cert_aws *aws, const char *action, const json_t *body,
                          const aws_body_sink *sink, aws_response *resp)
{
    char *text = json_dumps(body, JSON_COMPACT);
    cert_err err;

    memset(resp, 0, sizeof(*resp));
    if (text == NULL)
        return cert__error_nomem();
    err = send_text(aws, action, text, strlen(text), sink, false, resp);
    free(text);
    return err;
}

/* The answer of send_text() or send_json() (err) as a JSON object (*answer, NULL for an empty
 * answer when empty_ok): the document the transport parsed to judge the answer (resp.json),
 * taken, not parsed again. Frees resp. */
static cert_err answer_of(const char *action, cert_err err, aws_response *resp, bool empty_ok,
                          cJSON **answer)
{
    *answer = NULL;
    if (err == CERT_OK && resp->body.len == 0 && empty_ok) {
        cert_aws__response_free(resp);
        return CERT_OK;
    }
    if (err == CERT_OK) {
        *answer = resp->json;
        resp->json = NULL;
        if (!cJSON_IsObject(*answer)) {
            cJSON_Delete(*answer);
            *answer = NULL;
            err = cert__error_set(CERT_E_NET,
                                  "ACM %s: the answer is not a JSON object (HTTP %ld, %zu bytes)",
                                  action, resp->status, resp->body.len);
        }
    }
    cert_aws__response_free(resp);
    return err;
}

/* One action whose answer is a JSON object (answer_of()). */
static cert_err call(cert_aws *aws, const char *action, const json_t *body, bool empty_ok,
                     cJSON **answer)
{
    aws_response resp;
    cert_err err = send_json(aws, action, body, NULL, &resp);

    return answer_of(action, err, &resp, empty_ok, answer);
}

/* Member `key` of object o; NULL when o is not an object or has no such member. */
static const cJSON *jget(const cJSON *o, const char *key)
{
    return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

/* The same when it is a string, else NULL. Borrowed from o. */
static const char *jstr(const cJSON *o, const char *key)
{
    const cJSON *v = jget(o, key);

    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A timestamp: seconds since the epoch (what the JSON protocol sends), or an ISO 8601 string. */
static int64_t jtime(const cJSON *o, const char *key)
{
    const cJSON *v = jget(o, key);
    int64_t t = INT64_MIN;

    if (cJSON_IsNumber(v) && v->valuedouble > -9.2e18 && v->valuedouble < 9.2e18) {
        double d = v->valuedouble;

        t = (int64_t)d;
        return (double)t > d ? t - 1 : t; /* floor */
    }
    if (cJSON_IsString(v) && cert__time_parse(v->valuestring, &t) < 0) {
        cert_error_clear();
        t = INT64_MIN;
    }
    return t;
}

static bool dup_str(char **dst, const char *v)
{
    *dst = v != NULL ? strdup(v) : NULL;
    return v == NULL || *dst != NULL;
}

/* A list of strings, or of objects with a "Name" (DescribeCertificate's KeyUsages and
 * ExtendedKeyUsages); members of other types are skipped. */
static bool names_of(const cJSON *a, char ***out, size_t *n)
{
    const cJSON *v;
    size_t len;

    *out = NULL;
    *n = 0;
    if (!cJSON_IsArray(a))
        return true;
    len = (size_t)cJSON_GetArraySize(a);
    if ((*out = calloc(len ? len : 1, sizeof(**out))) == NULL)
        return false;
    cJSON_ArrayForEach(v, a)
    {
        const char *s = cJSON_IsString(v) ? v->valuestring : jstr(v, "Name");

        if (s == NULL)
            continue;
        if (((*out)[*n] = strdup(s)) == NULL)
            return false;
        (*n)++;
    }
    return true;
}

/* A CertificateSummary or CertificateDetail into a record. */
static cert_err record_from(const cJSON *c, bool detail, cert_acm_cert *out)
{
    const cJSON *sans;
    bool ok;

    cert_acm_cert_clear(out);
    if (jstr(c, "CertificateArn") == NULL)
        return cert__error_set(CERT_E_NET, "ACM answered a certificate without CertificateArn");
    sans = jget(c, detail ? "SubjectAlternativeNames" : "SubjectAlternativeNameSummaries");
    if (sans == NULL)
        sans = jget(c, "SubjectAlternativeNames");
    ok = dup_str(&out->arn, jstr(c, "CertificateArn")) &&
         dup_str(&out->domain_name, jstr(c, "DomainName")) &&
         names_of(sans, &out->names, &out->name_count) &&
         dup_str(&out->status, jstr(c, "Status")) && dup_str(&out->type, jstr(c, "Type")) &&
         dup_str(&out->key_algorithm, jstr(c, "KeyAlgorithm")) &&
         names_of(jget(c, "KeyUsages"), &out->key_usages, &out->key_usage_count) &&
         names_of(jget(c, "ExtendedKeyUsages"), &out->extended_key_usages,
                  &out->extended_key_usage_count) &&
         dup_str(&out->serial, jstr(c, "Serial")) && dup_str(&out->subject, jstr(c, "Subject")) &&
         dup_str(&out->issuer, jstr(c, "Issuer")) &&
         dup_str(&out->renewal_eligibility, jstr(c, "RenewalEligibility"));
    if (ok && detail) {
        ok = names_of(jget(c, "InUseBy"), &out->in_use_by, &out->in_use_by_count);
        out->in_use_by_known = true;
        out->in_use = out->in_use_by_count > 0;
    } else {
        out->in_use = cJSON_IsTrue(jget(c, "InUse"));
    }
    out->not_before = jtime(c, "NotBefore");
    out->not_after = jtime(c, "NotAfter");
    out->imported_at = jtime(c, "ImportedAt");
    out->created_at = jtime(c, "CreatedAt");
    out->issued_at = jtime(c, "IssuedAt");
    if (!ok) {
        cert_acm_cert_clear(out);
        return cert__error_nomem();
    }
    return CERT_OK;
}

cert_err cert_acm__parse_detail(const char *body, size_t len, cert_acm_cert *out)
{
    char why[128];
    cJSON *j = cert__json_read(body, body ? len : 0, why, sizeof(why));
    cert_err err;

    memset(out, 0, sizeof(*out));
    cert_acm_cert_clear(out);
    if (!cJSON_IsObject(jget(j, "Certificate")))
        err = cert__error_set(CERT_E_NET, "ACM answered DescribeCertificate without Certificate");
    else
        err = record_from(jget(j, "Certificate"), true, out);
    cJSON_Delete(j);
    return err;
}

/* ---- ListCertificates ---- */

static const aws_page_spec list_spec = {
    "ACM", "ListCertificates", {{"NextToken", "NextToken", false}}, 1, true};

/* One page's items appended to *v (those `keep` takes, every one without it), its NextToken to
 * the pager. j borrowed; len, the body's, for the message. */
static cert_err read_list_page(aws_pager *pg, const cJSON *j, size_t len, cert_acm__list_keep keep,
                               void *ud, cert_acm_cert **v, size_t *n, size_t *cap)
{
    const cJSON *list = jget(j, "CertificateSummaryList"), *c;
    const char *token = jstr(j, "NextToken");
    cert_err err = CERT_OK;

    if (!cJSON_IsObject(j) || (list != NULL && !cJSON_IsArray(list)))
        CERT_FAIL(CERT_E_NET, "the answer is not a ListCertificates result (%zu bytes)", len);
    cJSON_ArrayForEach(c, list)
    {
        CERT_TRY(cert_aws__page_item(pg));
        if (keep != NULL && cJSON_IsObject(c) &&
            !keep(ud, jstr(c, "Type"), jstr(c, "KeyAlgorithm"), jtime(c, "NotAfter")))
            continue;
        if (cert__array_reserve(v, cap, *n, 64, sizeof(**v)) < 0)
            CERT_NOMEM();
        memset(&(*v)[*n], 0, sizeof(**v));
        CERT_TRY(record_from(c, false, &(*v)[*n]));
        (*n)++;
    }
    if (token != NULL)
        CERT_TRY(cert_aws__page_cursor(pg, 0, token));

done:
    return err;
}

cert_err cert_acm__parse_list_page(const char *body, size_t len, cert_acm_cert **v, size_t *n,
                                   size_t *cap, bool *more, char **token)
{
    char why[128];
    cJSON *j = cert__json_read(body, body ? len : 0, why, sizeof(why));
    aws_pager pg;
    cert_err err;

    *more = false;
    *token = NULL;
    cert_aws__pager_init(&pg, &list_spec, 0);
    err = read_list_page(&pg, j, body ? len : 0, NULL, NULL, v, n, cap);
    cJSON_Delete(j);
    if (err == CERT_OK && cert_aws__page_more(&pg)) {
        *more = true;
        *token = pg.next[0];
        pg.next[0] = NULL;
    }
    cert_aws__pager_free(&pg);
    return err;
}

typedef struct list_ctx {
    cert_aws *aws;
    unsigned int page_size;
    const char *key_type; /* the one keyTypes names (one of key_types[]); NULL: every one */
    cert_acm__list_keep keep;
    void *ud;
    cert_acm_cert *v;
    size_t n, cap;
} list_ctx;

/* {"Includes": {"keyTypes": [key_type, or every one]}, "MaxItems": N, "NextToken": ...} */
static json_t *list_request(const aws_pager *pg, unsigned int page_size, const char *key_type)
{
    json_t *body = json_object(), *inc = json_object(), *kt = json_array();

    if (key_type != NULL)
        json_array_append_new(kt, json_string(key_type));
    for (size_t i = 0; key_type == NULL && key_types[i] != NULL; i++)
        json_array_append_new(kt, json_string(key_types[i]));
    json_object_set_new(inc, "keyTypes", kt);
    json_object_set_new(body, "Includes", inc);
    json_object_set_new(body, "MaxItems", json_integer(page_size));
    if (pg->cursor[0] != NULL)
        json_object_set_new(body, "NextToken", json_string(pg->cursor[0]));
    return body;
}

static cert_err list_fetch(aws_pager *pg, void *ud)
{
    list_ctx *c = ud;
    json_t *body = list_request(pg, c->page_size, c->key_type);
    aws_response resp;
    size_t n0 = c->n;
    cert_err err;

    if (body == NULL)
        return cert__error_nomem();
    err = send_json(c->aws, "ListCertificates", body, NULL, &resp);
    json_decref(body);
    if (err == CERT_OK) {
        err = read_list_page(pg, resp.json, resp.body.len, c->keep, c->ud, &c->v, &c->n, &c->cap);
        if (err == CERT_E_NET)
            err = cert__error_set(CERT_E_NET, "ACM ListCertificates: %s (HTTP %ld)",
                                  cert_error_last()->message, resp.status);
    }
    if (err < 0) { /* the page's items go with it */
        for (size_t i = n0; i < c->n; i++)
            cert_acm_cert_clear(&c->v[i]);
        c->n = n0;
    }
    cert_aws__response_free(&resp);
    return err;
}

cert_err cert_acm__list_matching(cert_aws *aws, unsigned int page_size, const char *key_type,
                                 cert_acm__list_keep keep, void *ud, cert_acm_cert **out,
                                 size_t *count_out)
{
    list_ctx c;
    cert_err err;
    bool known = key_type == NULL;

    *out = NULL;
    *count_out = 0;
    if (page_size == 0)
        page_size = 1000;
    if (page_size > 1000)
        return cert__error_set(CERT_E_INVALID, "MaxItems %u: ACM takes 1 to 1000", page_size);
    for (size_t i = 0; !known && key_types[i] != NULL; i++)
        known = strcmp(key_type, key_types[i]) == 0;
    memset(&c, 0, sizeof(c));
    c.aws = aws;
    c.page_size = page_size;
    c.key_type = known ? key_type : NULL; /* one ACM does not name: every one listed */
    c.keep = keep;
    c.ud = ud;
    err = cert_aws__page_all(aws, &list_spec, list_fetch, &c);
    if (err < 0) {
        cert_acm_certs_free(c.v, c.n);
        return err;
    }
    *out = c.v;
    *count_out = c.n;
    return CERT_OK;
}

cert_err cert_acm_list(cert_aws *aws, unsigned int page_size, cert_acm_cert **out,
                       size_t *count_out)
{
    return cert_acm__list_matching(aws, page_size, NULL, NULL, NULL, out, count_out);
}

/* ---- one certificate ---- */

static json_t *arn_body(const char *arn)
{
    json_t *b = json_object();

    json_object_set_new(b, "CertificateArn", json_string(arn));
    return b;
}

cert_err cert_acm_describe(cert_aws *aws, const char *arn, cert_acm_cert *out)
{
    json_t *body;
    cJSON *answer = NULL;
    cert_err err;

    memset(out, 0, sizeof(*out));
    cert_acm_cert_clear(out);
    if ((err = check_arn(arn)) < 0)
        return err;
    if ((body = arn_body(arn)) == NULL)
        return cert__error_nomem();
    err = call(aws, "DescribeCertificate", body, false, &answer);
    json_decref(body);
    if (err == CERT_OK && !cJSON_IsObject(jget(answer, "Certificate")))
        err = cert__error_set(CERT_E_NET, "ACM answered DescribeCertificate without Certificate");
    if (err == CERT_OK)
        err = record_from(jget(answer, "Certificate"), true, out);
    cJSON_Delete(answer);
    return err;
}

cert_err cert_acm_get(cert_aws *aws, const char *arn, char **body_out, char **chain_out)
{
    json_t *body;
    cJSON *answer = NULL;
    const char *cert, *chain;
    cert_err err;

    if (body_out)
        *body_out = NULL;
    if (chain_out)
        *chain_out = NULL;
    if ((err = check_arn(arn)) < 0)
        return err;
    if ((body = arn_body(arn)) == NULL)
        return cert__error_nomem();
    err = call(aws, "GetCertificate", body, false, &answer);
    json_decref(body);
    if (err < 0)
        return err;
    cert = jstr(answer, "Certificate");
    chain = jstr(answer, "CertificateChain");
    if (cert == NULL)
        err = cert__error_set(CERT_E_NET, "ACM answered GetCertificate without Certificate");
    else if ((body_out && (*body_out = strdup(cert)) == NULL) ||
             (chain_out && chain != NULL && (*chain_out = strdup(chain)) == NULL))
        err = cert__error_nomem();
    if (err < 0 && body_out) {
        free(*body_out);
        *body_out = NULL;
    }
    cJSON_Delete(answer);
    return err;
}

cert_err cert_acm_delete(cert_aws *aws, const char *arn)
{
    json_t *body;
    cJSON *answer = NULL;
    cert_err err;

    if ((err = check_arn(arn)) < 0)
        return err;
    if ((body = arn_body(arn)) == NULL)
        return cert__error_nomem();
    err = call(aws, "DeleteCertificate", body, true, &answer);
    json_decref(body);
    cJSON_Delete(answer);
    return err;
}

/* ---- tags ---- */

/* API Reference, Tag: Key 1..128, Value 0..256 of [\p{L}\p{Z}\p{N}_.:/=+\-@]*; keys beginning
 * "aws:" are AWS's. Bytes above ASCII are taken as letters (UTF-8). */
static bool tag_text_ok(const char *s, size_t min, size_t max)
{
    size_t n = s ? strlen(s) : 0;

    if (n < min || n > max)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c < 0x80 && !isalnum(c) && strchr(" _.:/=+-@", (int)c) == NULL)
            return false;
    }
    return true;
}

static cert_err tags_json(const cert_aws_tag *tags, size_t count, json_t **out)
{
    json_t *a = json_array();

    *out = NULL;
    if (a == NULL)
        return cert__error_nomem();
    if (count > CERT_ACM_TAGS_MAX) {
        json_decref(a);
        return cert__error_set(CERT_E_INVALID, "%zu tags: ACM takes at most %d", count,
                               CERT_ACM_TAGS_MAX);
    }
    for (size_t i = 0; i < count; i++) {
        json_t *t = json_object();

        if (!tag_text_ok(tags[i].key, 1, 128) || !tag_text_ok(tags[i].value, 0, 256) ||
            strncmp(tags[i].key, "aws:", 4) == 0) {
            json_decref(t);
            json_decref(a);
            return cert__error_set(CERT_E_INVALID,
                                   "tag %s: ACM takes keys of 1 to 128 and values of at most 256 "
                                   "letters, digits, spaces and _.:/=+-@, keys not beginning "
                                   "with aws:",
                                   tags[i].key ? tags[i].key : "");
        }
        json_object_set_new(t, "Key", json_string(tags[i].key));
        json_object_set_new(t, "Value", json_string(tags[i].value ? tags[i].value : ""));
        json_array_append_new(a, t);
    }
    *out = a;
    return CERT_OK;
}

cert_err cert_acm_list_tags(cert_aws *aws, const char *arn, cert_aws_tag **out, size_t *count_out)
{
    json_t *body;
    cJSON *answer = NULL;
    const cJSON *tags, *t;
    cert_err err;
    size_t len;

    *out = NULL;
    *count_out = 0;
    if ((err = check_arn(arn)) < 0)
        return err;
    if ((body = arn_body(arn)) == NULL)
        return cert__error_nomem();
    err = call(aws, "ListTagsForCertificate", body, false, &answer);
    json_decref(body);
    if (err < 0)
        return err;
    tags = jget(answer, "Tags");
    if (!cJSON_IsArray(tags))
        tags = NULL;
    len = tags != NULL ? (size_t)cJSON_GetArraySize(tags) : 0;
    if ((*out = calloc(len ? len : 1, sizeof(**out))) == NULL)
        err = cert__error_nomem();
    cJSON_ArrayForEach(t, tags)
    {
        cert_aws_tag *x = &(*out)[*count_out];

        if (err < 0 || jstr(t, "Key") == NULL)
            continue;
        x->key = strdup(jstr(t, "Key"));
        x->value = strdup(jstr(t, "Value") ? jstr(t, "Value") : "");
        (*count_out)++;
        if (x->key == NULL || x->value == NULL)
            err = cert__error_nomem();
    }
    cJSON_Delete(answer);
    if (err < 0) {
        cert_iam_tags_free(*out, *count_out);
        *out = NULL;
        *count_out = 0;
    }
    return err;
}

cert_err cert_acm_add_tags(cert_aws *aws, const char *arn, const cert_aws_tag *tags, size_t count)
{
    json_t *body = NULL, *t = NULL;
    cJSON *answer = NULL;
    cert_err err;

    if ((err = check_arn(arn)) < 0)
        return err;
    if (count == 0)
        return cert__error_set(CERT_E_INVALID, "give 1 to %d tags", CERT_ACM_TAGS_MAX);
    if ((err = tags_json(tags, count, &t)) < 0)
        return err;
    if ((body = arn_body(arn)) == NULL) {
        json_decref(t);
        return cert__error_nomem();
    }
    json_object_set_new(body, "Tags", t);
    err = call(aws, "AddTagsToCertificate", body, true, &answer);
    json_decref(body);
    cJSON_Delete(answer);
    return err;
}

/* ---- ImportCertificate ---- */

/* The request's texts against the API's limits; nothing is sent when one is over. */
static cert_err check_import(const cert_acm_import_req *r)
{
    size_t cn, kn, chn;

    if (r == NULL || r->certificate == NULL || r->private_key == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_acm_import: NULL argument");
    cn = strlen(r->certificate);
    kn = strlen(r->private_key);
    chn = r->chain ? strlen(r->chain) : 0;
    if (cn == 0 || cn > CERT_ACM_CERT_MAX)
        return cert__error_set(CERT_E_INVALID,
                               "the certificate is %zu bytes as PEM; ACM takes 1 to %d", cn,
                               CERT_ACM_CERT_MAX);
    if (kn == 0 || kn > CERT_ACM_KEY_MAX)
        return cert__error_set(CERT_E_INVALID,
                               "the private key is %zu bytes as PEM; ACM takes at most %d (5 KB: "
                               "RSA up to 4096 bits, EC keys)",
                               kn, CERT_ACM_KEY_MAX);
    if (chn > CERT_ACM_CHAIN_MAX)
        return cert__error_set(CERT_E_INVALID,
                               "the chain is %zu bytes as PEM; ACM takes at most %d", chn,
                               CERT_ACM_CHAIN_MAX);
    if (r->arn != NULL && r->tag_count > 0)
        return cert__error_set(CERT_E_INVALID,
                               "ACM takes no tags on a re-import (ImportCertificate, Tags); tag "
                               "the certificate separately");
    if (r->arn != NULL)
        return check_arn(r->arn);
    return CERT_OK;
}

/* Append a blob as the JSON protocol sends it: base64 without line breaks, straight into the
 * body (base64's alphabet needs no JSON escape, so jansson's escaping of ~10 KB character by
 * character is not paid: bench/certup.sh, certup --store acm). */
static cert_err add_blob(cert_buf *b, const char *member, const char *pem)
{
    size_t n = strlen(pem), enc;
    cert_err err;

    if (n > (size_t)INT32_MAX / 2)
        return cert__error_set(CERT_E_INVALID, "%s: %zu bytes is too large", member, n);
    enc = 4 * ((n + 2) / 3);
    if ((err = cert__buf_printf(b, "%s\"%s\":\"", b->len > 1 ? "," : "", member)) < 0 ||
        (err = cert__buf_reserve(b, b->len + enc + 2)) < 0)
        return err;
    if (b->cap < b->len + enc + 2)
        return cert__error_set(CERT_E_INVALID, "%s: %zu bytes is too large", member, n);
    EVP_EncodeBlock((unsigned char *)b->ptr + b->len, (const unsigned char *)pem, (int)n);
    b->len += enc;
    return cert__buf_add(b, "\"", 1, "ImportCertificate");
}

cert_err cert_acm__import_body(const cert_acm_import_req *r, cert_buf *out)
{
    json_t *rest = NULL, *tags = NULL;
    char *text = NULL;
    cert_err err = CERT_OK;

    /* the body is a secret (the key): wiped as it grows and when freed */
    cert__buf_init(out, 2 * (CERT_ACM_CERT_MAX + CERT_ACM_KEY_MAX + CERT_ACM_CHAIN_MAX) + 65536,
                   true);
    CERT_TRY(check_import(r));
    if (r->tag_count > 0)
        CERT_TRY(tags_json(r->tags, r->tag_count, &tags));
    if ((rest = json_object()) == NULL)
        CERT_NOMEM();
    if (r->arn != NULL && json_object_set_new(rest, "CertificateArn", json_string(r->arn)) < 0)
        CERT_NOMEM();
    if (tags != NULL) {
        if (json_object_set_new(rest, "Tags", tags) < 0) {
            tags = NULL;
            CERT_NOMEM();
        }
        tags = NULL;
    }
    /* {"Certificate":"...","PrivateKey":"...","CertificateChain":"...", then the ARN and the
     * tags as jansson writes them */
    if ((text = json_dumps(rest, JSON_COMPACT)) == NULL)
        CERT_NOMEM();
    CERT_TRY(cert__buf_add(out, "{", 1, "ImportCertificate"));
    CERT_TRY(add_blob(out, "Certificate", r->certificate));
    CERT_TRY(add_blob(out, "PrivateKey", r->private_key));
    if (r->chain != NULL && r->chain[0] != '\0')
        CERT_TRY(add_blob(out, "CertificateChain", r->chain));
    if (strcmp(text, "{}") == 0)
        CERT_TRY(cert__buf_add(out, "}", 1, "ImportCertificate"));
    else
        CERT_TRY(cert__buf_printf(out, ",%s", text + 1));

done:
    if (err < 0)
        cert__buf_free(out);
    free(text);
    json_decref(rest);
    json_decref(tags);
    return err;
}

cert_err cert_acm_import(cert_aws *aws, const cert_acm_import_req *r, char **arn_out)
{
    cert_err err = CERT_OK;
    cJSON *answer = NULL;
    aws_response resp;
    cert_buf body;
    const char *arn;

    cert__buf_init(&body, 0, true);
    if (arn_out == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_acm_import: NULL out");
    *arn_out = NULL;
    CERT_TRY(cert_acm__import_body(r, &body));
    /* A new import is not idempotent: sent again after a lost answer, it would be a second
     * certificate, an orphan (ACM API Reference, ImportCertificate, has no idempotency token). A
     * re-import into an ARN puts the same certificate there twice: that is retried. */
    err = send_text(aws, "ImportCertificate", body.ptr, body.len, NULL, r->arn == NULL, &resp);
    CERT_TRY(answer_of("ImportCertificate", err, &resp, false, &answer));
    arn = jstr(answer, "CertificateArn");
    if (arn == NULL)
        CERT_FAIL(CERT_E_NET, "ACM answered ImportCertificate without CertificateArn");
    if ((*arn_out = strdup(arn)) == NULL)
        CERT_NOMEM();

done:
    cert__buf_free(&body); /* the key, base64: wiped */
    cJSON_Delete(answer);
    return err;
}
