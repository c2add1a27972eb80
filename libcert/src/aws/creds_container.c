/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container provider: ECS and EKS Pod Identity agents' credential endpoints
 * (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI, with an optional authorization token).
 * Reference: AWS SDKs and Tools Reference Guide, "Container credential provider".
 */
#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "creds_int.h"
#include "util/error_int.h"

/* Container endpoint: a few seconds and one retry at most. */
#define CONTAINER_TIMEOUT_MS 2000L
#define CONTAINER_ATTEMPTS 2

/* A short, printable excerpt of an error answer's message, for errors (never of a 200). */
static void answer_message(const cert_buf *b, char *buf, size_t size)
{
    json_t *j = b->ptr ? json_loadb(b->ptr, b->len, 0, NULL) : NULL;
    const char *m = cert_aws__json_str(j, "message");

    if (m == NULL)
        m = cert_aws__json_str(j, "Message");
    snprintf(buf, size, "%s%s", m ? ": " : "", m ? m : "");
    for (char *p = buf; *p; p++) {
        if ((unsigned char)*p < 0x20)
            *p = ' ';
    }
    cert_aws__json_free_secret(j);
}

/* The hosts an http:// full URI may name ("Container credential provider", reference guide):
 * loopback, the ECS (169.254.170.2) and EKS pod identity (169.254.170.23, fd00:ec2::23)
 * agents. https:// may name any host. */
static bool container_host_ok(const char *host_in)
{
    static const unsigned char ecs[4] = {169, 254, 170, 2}, eks[4] = {169, 254, 170, 23};
    static const unsigned char eks6[16] = {0xfd, 0, 0, 0, 0x0e, 0xc2, 0, 0,
                                           0,    0, 0, 0, 0,    0,    0, 0x23};
    static const unsigned char lo6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    char host[64];
    unsigned char a[16];
    size_t n = strlen(host_in);

    if (n >= sizeof(host))
        return false;
    memcpy(host, host_in, n + 1);
    if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
        memmove(host, host + 1, n - 2);
        host[n - 2] = '\0';
    }
    if (OPENSSL_strcasecmp(host, "localhost") == 0)
        return true;
    if (inet_pton(AF_INET, host, a) == 1)
        return a[0] == 127 || memcmp(a, ecs, 4) == 0 || memcmp(a, eks, 4) == 0;
    if (inet_pton(AF_INET6, host, a) == 1)
        return memcmp(a, lo6, 16) == 0 || memcmp(a, eks6, 16) == 0 ||
               (memcmp(a, mapped, 12) == 0 && a[12] == 127);
    return false;
}

static cert_err container_url_check(const char *url)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL;
    cert_err err = CERT_OK;

    if (u == NULL)
        return cert__error_nomem();
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
        err = cert__error_set(CERT_E_INPUT,
                              "AWS_CONTAINER_CREDENTIALS_FULL_URI %s is not a URL; give "
                              "http(s)://HOST/PATH",
                              url);
    else if (strcmp(scheme, "https") != 0 &&
             !(strcmp(scheme, "http") == 0 && container_host_ok(host)))
        err = cert__error_set(CERT_E_INPUT,
                              "AWS_CONTAINER_CREDENTIALS_FULL_URI %s: plain http is allowed only "
                              "to a loopback address, 169.254.170.2, 169.254.170.23 or "
                              "[fd00:ec2::23]; use https",
                              url);
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return err;
}

/* The value of the Authorization header: the file wins over the variable (botocore). */
static cert_err container_token(cert_buf *out, bool *have)
{
    const char *file = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    const char *tok = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");

    *have = false;
    if (cert_aws__given(file)) {
        cert_err err =
            cert_aws__token_file_read(file, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", out);

        if (err < 0)
            return err;
        *have = true;
        return CERT_OK;
    }
    if (cert_aws__given(tok)) {
        if (strpbrk(tok, "\r\n") != NULL)
            return cert__error_set(CERT_E_INPUT,
                                   "AWS_CONTAINER_AUTHORIZATION_TOKEN holds a line break; it must "
                                   "be one header value");
        *have = true;
        return cert__buf_add(out, tok, strlen(tok), NULL);
    }
    return CERT_OK;
}

cert_err cert_aws__creds_container(cert_aws *aws, aws_creds *out)
{
    cert_err err = CERT_OK;
    const char *rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const char *full = getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    const char *var = cert_aws__given(rel) ? "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
                                           : "AWS_CONTAINER_CREDENTIALS_FULL_URI";
    char *url = NULL;
    char what[600], msg[200];
    cert_buf token, body;
    cert_http_header hdr;
    bool have_token = false;
    long status = 0;
    json_t *j = NULL;

    cert__buf_init(&token, CERT_AWS_TOKEN_FILE_MAX, true);
    cert__buf_init(&body, 0, true);
    if (!cert_aws__given(rel) && !cert_aws__given(full))
        return CERT_CREDS_NONE;
    /* "Container credential provider": the relative URI is on the ECS agent's address and
     * wins over the full URI. */
    if (cert_aws__given(rel)) {
        if (asprintf(&url, "http://169.254.170.2%s", rel) < 0) {
            url = NULL;
            CERT_NOMEM();
        }
    } else {
        CERT_TRY(container_url_check(full));
        if ((url = strdup(full)) == NULL)
            CERT_NOMEM();
    }
    snprintf(what, sizeof(what), "container credentials (%s %s)", var, url);
    CERT_TRY(container_token(&token, &have_token));
    hdr.name = "Authorization";
    hdr.value = token.ptr;
    for (int attempt = 1; attempt <= CONTAINER_ATTEMPTS; attempt++) {
        cert__buf_free(&body);
        err = cert_aws__http_plain(aws, "GET", url, &hdr, have_token ? 1 : 0, NULL,
                                   CONTAINER_TIMEOUT_MS, &status, &body);
        if (err == CERT_E_NET || (err == CERT_OK && status >= 500)) {
            if (attempt < CONTAINER_ATTEMPTS)
                continue;
        }
        break;
    }
    if (err == CERT_E_NET)
        CERT_FAIL(CERT_E_NET, "%s did not answer: %s; is the container agent running?", what,
                  cert_error_last()->message);
    if (err < 0)
        goto done;
    /* The container agent is not AWS answering an API request: 5xx and 429 are retryable
     * failures (exit 5), another refusal is this container's configuration (exit 3). */
    if (status != 200) {
        answer_message(&body, msg, sizeof(msg));
        CERT_FAIL(status >= 500 || status == 429 ? CERT_E_NET : CERT_E_INPUT,
                  "%s answered HTTP %ld%s%s", what, status, msg,
                  status == 401 || status == 403
                      ? "; check AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)"
                      : "");
    }
    j = json_loadb(body.ptr ? body.ptr : "", body.len, 0, NULL);
    if (!json_is_object(j))
        CERT_FAIL(CERT_E_NET, "%s answered something that is not a JSON object", what);
    CERT_TRY(cert_aws__creds_from_json(j, what, "container", out));

done:
    cert_aws__json_free_secret(j);
    cert__buf_free(&token);
    cert__buf_free(&body);
    free(url);
    return err;
}
