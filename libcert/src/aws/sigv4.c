/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AWS Signature Version 4, as one pure function: request, credentials and time in, signed
 * headers out. Composed from OpenSSL's HMAC and SHA-256; nothing else is cryptography here.
 * Reference: AWS General Reference, "Create a signed AWS API request" (canonical request,
 * string to sign, signing key, signature).
 */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_int.h"
#include "util/error_int.h"
#include "util/time_int.h"

static void hex(const unsigned char *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

static bool sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[32];
    unsigned int n = 0;

    if (!EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) || n != 32)
        return false;
    hex(md, 32, out);
    return true;
}

static bool hmac(const unsigned char *key, size_t key_len, const char *data, size_t len,
                 unsigned char out[32])
{
    unsigned int n = 0;
    int klen;

    if (key_len > 1024)
        return false;
    klen = (int)key_len;
    return HMAC(EVP_sha256(), key, klen, (const unsigned char *)data, len, out, &n) != NULL &&
           n == 32;
}

static bool unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '~';
}

cert_err cert_aws__uri_encode(cert_buf *b, const char *s, size_t len, bool keep_slash)
{
    static const char digits[] = "0123456789ABCDEF";

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        cert_err err;

        if (unreserved(c) || (keep_slash && c == '/')) {
            err = cert__buf_add(b, &s[i], 1, NULL);
        } else {
            char e[3] = {'%', digits[c >> 4], digits[c & 15]};

            err = cert__buf_add(b, e, 3, NULL);
        }
        if (err < 0)
            return err;
    }
    return CERT_OK;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decode s[0..len) into a new string ('+' is kept: it is not a space in SigV4). */
static char *pct_decode(const char *s, size_t len, size_t *out_len)
{
    char *d = malloc(len + 1);
    size_t n = 0;

    if (d == NULL)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            d[n++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            d[n++] = s[i];
        }
    }
    d[n] = '\0';
    *out_len = n;
    return d;
}

typedef struct qpair {
    char *enc; /* "key=value", canonically encoded */
    size_t key_len;
} qpair;

static int cmp_qpair(const void *a, const void *b)
{
    const qpair *x = a, *y = b;
    size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
    int c = memcmp(x->enc, y->enc, n);

    /* By key, then by value (byte order), as botocore sorts. */
    if (c != 0)
        return c;
    if (x->key_len != y->key_len)
        return x->key_len < y->key_len ? -1 : 1;
    return strcmp(x->enc + x->key_len, y->enc + y->key_len);
}

/* Canonical query string: each name and value decoded, encoded again (RFC 3986 unreserved kept),
 * sorted by name then value, joined with '&'. */
static cert_err canonical_query(const char *query, cert_buf *out)
{
    cert_err err = CERT_OK;
    qpair *pairs = NULL;
    size_t n = 0, cap = 0;
    const char *p = query;

    while (p != NULL && *p != '\0') {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        size_t klen = eq ? (size_t)(eq - p) : len;
        cert_buf e;
        char *k = NULL, *v = NULL;
        size_t kl = 0, vl = 0;

        if (len > 0) {
            if (cert__array_reserve(&pairs, &cap, n, 16, sizeof(*pairs)) < 0)
                CERT_NOMEM();
            k = pct_decode(p, klen, &kl);
            v = eq ? pct_decode(eq + 1, len - klen - 1, &vl) : strdup("");
            if (k == NULL || v == NULL) {
                free(k);
                free(v);
                CERT_NOMEM();
            }
            cert__buf_init(&e, (size_t)-2, false);
            err = cert_aws__uri_encode(&e, k, kl, false);
            if (err == CERT_OK)
                pairs[n].key_len = e.len;
            if (err == CERT_OK)
                err = cert__buf_add(&e, "=", 1, NULL);
            if (err == CERT_OK)
                err = cert_aws__uri_encode(&e, v, vl, false);
            free(k);
            free(v);
            if (err < 0) {
                cert__buf_free(&e);
                goto done;
            }
            pairs[n].enc = cert__buf_detach(&e, NULL);
            n++;
        }
        p = amp ? amp + 1 : NULL;
    }
    if (n > 1)
        qsort(pairs, n, sizeof(*pairs), cmp_qpair);
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            CERT_TRY(cert__buf_add(out, "&", 1, NULL));
        CERT_TRY(cert__buf_add(out, pairs[i].enc, strlen(pairs[i].enc), NULL));
    }
    if (out->ptr == NULL)
        CERT_TRY(cert__buf_add(out, "", 0, NULL));

done:
    for (size_t i = 0; i < n; i++)
        free(pairs[i].enc);
    free(pairs);
    return err;
}

typedef struct hdr {
    char *name;   /* lower-case */
    char *value;  /* trimmed, inner runs of spaces collapsed */
    size_t order; /* position as sent: repeated names keep it (qsort is not stable) */
} hdr;

static int cmp_hdr(const void *a, const void *b)
{
    const hdr *x = a, *y = b;
    int c = strcmp(x->name, y->name);

    if (c != 0)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

static char *canon_value(const char *v)
{
    size_t n = strlen(v), o = 0;
    char *d = malloc(n + 1);
    bool space = false;

    if (d == NULL)
        return NULL;
    while (*v == ' ' || *v == '\t')
        v++;
    for (; *v; v++) {
        if (*v == ' ' || *v == '\t') {
            space = true;
            continue;
        }
        if (space && o > 0)
            d[o++] = ' ';
        space = false;
        d[o++] = *v;
    }
    d[o] = '\0';
    return d;
}

static void time_amz(int64_t t, char out[17])
{
    char iso[32];

    /* "2015-08-30T12:36:00Z" -> "20150830T123600Z" */
    cert__time_format(t, iso, sizeof(iso));
    snprintf(out, 17, "%.4s%.2s%.2sT%.2s%.2s%.2sZ", iso, iso + 5, iso + 8, iso + 11, iso + 14,
             iso + 17);
}

static void headers_free(hdr *h, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(h[i].name);
        if (h[i].value != NULL) {
            OPENSSL_cleanse(h[i].value, strlen(h[i].value)); /* may be the session token */
            free(h[i].value);
        }
    }
    free(h);
}

/* The headers to sign: the caller's, plus host, x-amz-date and the session token; names in
 * lower case, values canonical, sorted by name (repeated names in the order sent). */
static cert_err canonical_headers(const cert_sigv4_request *req, const cert_aws_credentials *creds,
                                  const char *amz_date, hdr **out, size_t *n_out)
{
    cert_err err = CERT_OK;
    hdr *h = calloc(req->header_count + 3, sizeof(*h));
    size_t nh = 0;

    if (h == NULL)
        CERT_NOMEM();
    for (size_t i = 0; i < req->header_count + 3; i++) {
        const char *name, *value;

        if (i < req->header_count) {
            name = req->headers[i].name;
            value = req->headers[i].value;
        } else if (i == req->header_count) {
            name = "host";
            value = req->host;
        } else if (i == req->header_count + 1) {
            name = "x-amz-date";
            value = amz_date;
        } else {
            if (creds->session_token == NULL || creds->session_token[0] == '\0')
                continue;
            name = "x-amz-security-token";
            value = creds->session_token;
        }
        if (name == NULL || value == NULL || strpbrk(value, "\r\n") != NULL ||
            strpbrk(name, "\r\n: ") != NULL)
            CERT_FAIL(CERT_E_INVALID, "cert_sigv4_sign: header %s is malformed",
                      name ? name : "(null)");
        h[nh].name = strdup(name);
        h[nh].value = canon_value(value);
        h[nh].order = nh;
        if (h[nh].name == NULL || h[nh].value == NULL) {
            nh++;
            CERT_NOMEM();
        }
        for (char *p = h[nh].name; *p; p++) {
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        }
        nh++;
    }
    if (nh > 1)
        qsort(h, nh, sizeof(*h), cmp_hdr);

done:
    if (err < 0) {
        headers_free(h, nh);
        h = NULL;
        nh = 0;
    }
    *out = h;
    *n_out = nh;
    return err;
}

/* SignedHeaders: the names, each once, joined with ';'. */
static cert_err add_signed_headers(cert_buf *b, const hdr *h, size_t nh)
{
    cert_err err = CERT_OK;

    for (size_t i = 0; err == CERT_OK && i < nh; i++) {
        if (i > 0 && strcmp(h[i].name, h[i - 1].name) == 0)
            continue;
        err = cert__buf_printf(b, "%s%s", i ? ";" : "", h[i].name);
    }
    return err;
}

/* The canonical request's SHA-256 (hex): method, path (the path as sent encoded once more, as
 * non-S3 services want), query, headers, signed headers, payload hash. */
static cert_err canonical_request_hash(const cert_sigv4_request *req, const hdr *h, size_t nh,
                                       char out[65])
{
    cert_err err = CERT_OK;
    cert_buf creq, path, query;
    const char *p = req->path && *req->path ? req->path : "/";
    char payload[65];

    cert__buf_init(&creq, (size_t)-2, true); /* holds the session token */
    cert__buf_init(&path, (size_t)-2, false);
    cert__buf_init(&query, (size_t)-2, false);
    CERT_TRY(cert_aws__uri_encode(&path, p, strlen(p), true));
    CERT_TRY(canonical_query(req->query, &query));
    if (!sha256_hex(req->body ? (const void *)req->body : "", req->body_len, payload))
        CERT_NOMEM();
    CERT_TRY(cert__buf_printf(&creq, "%s\n%s\n%s\n", req->method, path.ptr, query.ptr));
    for (size_t i = 0; i < nh; i++) {
        /* Repeated names: one line, values joined with commas. */
        if (i > 0 && strcmp(h[i].name, h[i - 1].name) == 0) {
            CERT_TRY(cert__buf_printf(&creq, ",%s", h[i].value));
            continue;
        }
        CERT_TRY(cert__buf_printf(&creq, "%s%s:%s", i ? "\n" : "", h[i].name, h[i].value));
    }
    CERT_TRY(cert__buf_add(&creq, "\n\n", 2, NULL));
    CERT_TRY(add_signed_headers(&creq, h, nh));
    CERT_TRY(cert__buf_printf(&creq, "\n%s", payload));
    if (!sha256_hex(creq.ptr, creq.len, out))
        CERT_NOMEM();

done:
    cert__buf_free(&creq);
    cert__buf_free(&path);
    cert__buf_free(&query);
    return err;
}

/* The signing key: HMAC-SHA256 chained over "AWS4" + secret, the date, the region, the service
 * and "aws4_request". The caller wipes `key`; the intermediate keys are wiped here. */
static cert_err derive_key(const char *secret, const char *date, const char *region,
                           const char *service, unsigned char key[32])
{
    cert_err err = CERT_OK;
    unsigned char k1[32], k2[32], k3[32];
    size_t secret_len = strlen(secret) + 4;
    char *secret_key = malloc(secret_len + 1);

    if (secret_key == NULL)
        CERT_NOMEM();
    memcpy(secret_key, "AWS4", 4);
    memcpy(secret_key + 4, secret, secret_len - 4 + 1);
    if (!hmac((unsigned char *)secret_key, secret_len, date, strlen(date), k1) ||
        !hmac(k1, 32, region, strlen(region), k2) || !hmac(k2, 32, service, strlen(service), k3) ||
        !hmac(k3, 32, "aws4_request", 12, key))
        CERT_FAIL(CERT_E_INVALID, "cert_sigv4_sign: HMAC failed (secret key too long?)");

done:
    OPENSSL_cleanse(k1, sizeof(k1));
    OPENSSL_cleanse(k2, sizeof(k2));
    OPENSSL_cleanse(k3, sizeof(k3));
    if (secret_key != NULL) {
        OPENSSL_cleanse(secret_key, secret_len);
        free(secret_key);
    }
    return err;
}

/* The signature: the string to sign ("AWS4-HMAC-SHA256", the time, the scope, the canonical
 * request's hash) under the derived key, as hex into out->signature. */
static cert_err signature(const cert_sigv4_request *req, const cert_aws_credentials *creds,
                          const char *date, const char *scope, const char *creq_hash,
                          cert_sigv4_signed *out)
{
    cert_err err = CERT_OK;
    cert_buf sts;
    unsigned char key[32], sig[32];

    cert__buf_init(&sts, (size_t)-2, false);
    CERT_TRY(
        cert__buf_printf(&sts, "AWS4-HMAC-SHA256\n%s\n%s\n%s", out->amz_date, scope, creq_hash));
    CERT_TRY(derive_key(creds->secret_access_key, date, req->region, req->service, key));
    if (!hmac(key, 32, sts.ptr, sts.len, sig))
        CERT_FAIL(CERT_E_INVALID, "cert_sigv4_sign: HMAC failed (secret key too long?)");
    hex(sig, 32, out->signature);

done:
    OPENSSL_cleanse(key, sizeof(key));
    OPENSSL_cleanse(sig, sizeof(sig));
    cert__buf_free(&sts);
    return err;
}

/* The Authorization header's value into out->authorization. */
static cert_err authorization(const cert_aws_credentials *creds, const char *scope, const hdr *h,
                              size_t nh, cert_sigv4_signed *out)
{
    cert_err err;
    cert_buf auth;

    cert__buf_init(&auth, sizeof(out->authorization) - 1, false);
    err = cert__buf_printf(
        &auth, "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=", creds->access_key_id, scope);
    if (err == CERT_OK)
        err = add_signed_headers(&auth, h, nh);
    if (err == CERT_OK)
        err = cert__buf_printf(&auth, ", Signature=%s", out->signature);
    if (err == CERT_OK && auth.len < sizeof(out->authorization))
        memcpy(out->authorization, auth.ptr, auth.len + 1);
    else if (err == CERT_OK)
        err = cert__error_set(CERT_E_INVALID, "cert_sigv4_sign: too many signed headers");
    cert__buf_free(&auth);
    return err;
}

cert_err cert_sigv4_sign(const cert_sigv4_request *req, const cert_aws_credentials *creds,
                         cert_sigv4_signed *out)
{
    cert_err err = CERT_OK;
    hdr *h = NULL;
    size_t nh = 0;
    char creq_hash[65], scope[256], date[9];

    if (req == NULL || creds == NULL || out == NULL || req->method == NULL || req->host == NULL ||
        req->region == NULL || req->service == NULL || creds->access_key_id == NULL ||
        creds->secret_access_key == NULL || (req->body == NULL && req->body_len > 0))
        return cert__error_set(CERT_E_INVALID, "cert_sigv4_sign: a required field is missing");
    memset(out, 0, sizeof(*out));
    time_amz(req->time, out->amz_date);
    memcpy(date, out->amz_date, 8);
    date[8] = '\0';
    CERT_TRY(canonical_headers(req, creds, out->amz_date, &h, &nh));
    CERT_TRY(canonical_request_hash(req, h, nh, creq_hash));
    memcpy(out->canonical_hash, creq_hash, sizeof(out->canonical_hash));
    snprintf(scope, sizeof(scope), "%s/%s/%s/aws4_request", date, req->region, req->service);
    CERT_TRY(signature(req, creds, date, scope, creq_hash, out));
    CERT_TRY(authorization(creds, scope, h, nh, out));

done:
    headers_free(h, nh);
    return err;
}
