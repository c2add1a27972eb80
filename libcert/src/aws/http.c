/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One HTTP exchange on the session's reused libcurl handle: the request set up, the answer's
 * body (bounded, or streamed to the request's sink) and the headers AWS's clients read (ETag,
 * the request id). Signing, retries and judging the answer are request.c's.
 */
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws_int.h"
#include "util/error_int.h"

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
    aws_response *r = ud;
    size_t n = size * nmemb;

    if (r->streaming) {
        if ((r->sink_err = r->sink->data(r->sink->ud, ptr, n)) < 0)
            return 0; /* curl stops with CURLE_WRITE_ERROR */
        return n;
    }
    if (cert__buf_add(&r->body, ptr, n, NULL) < 0)
        return 0; /* over the cap: curl stops with CURLE_WRITE_ERROR */
    return n;
}

static char *header_value(const char *line, size_t len, const char *name)
{
    size_t nl = strlen(name);
    const char *v, *end = line + len;

    if (len <= nl + 1 || OPENSSL_strncasecmp(line, name, nl) != 0 || line[nl] != ':')
        return NULL;
    v = line + nl + 1;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    return strndup(v, (size_t)(end - v));
}

static size_t on_header(char *buf, size_t size, size_t n, void *ud)
{
    aws_response *r = ud;
    size_t len = size * n;
    char *v;

    if (len > 9 && memcmp(buf, "HTTP/", 5) == 0) {
        /* A status line: an answer (or an interim 1xx) begins. Its body goes to the sink when
         * the request has one and the status is 2xx. */
        const char *sp = memchr(buf, ' ', len);
        long status = sp != NULL && sp + 4 <= buf + len ? strtol(sp + 1, NULL, 10) : 0;

        r->streaming = r->sink != NULL && status >= 200 && status < 300;
        if (r->streaming && (r->sink_err = r->sink->start(r->sink->ud)) < 0)
            return 0; /* curl stops with CURLE_WRITE_ERROR */
        return len;
    }
    if ((v = header_value(buf, len, "ETag")) != NULL) {
        free(r->etag);
        r->etag = v;
    } else if ((v = header_value(buf, len, "x-amzn-RequestId")) != NULL ||
               (v = header_value(buf, len, "x-amz-request-id")) != NULL) {
        free(r->request_id);
        r->request_id = v;
    } else if ((v = header_value(buf, len, "Content-Length")) != NULL) {
        char *end;
        unsigned long long cl = strtoull(v, &end, 10);

        /* One allocation for the body instead of doubling (ListServerCertificates with 1,000
         * items is ~500 KB); a wrong length only costs memory up to the cap. */
        if (!r->streaming && end != v && *end == '\0' && cl <= CERT_AWS_RESPONSE_MAX)
            (void)cert__buf_reserve(&r->body, (size_t)cl);
        free(v);
    }
    return len;
}

/* libcurl's debug stream, for one thing: each time the request's headers go out
 * (CURLINFO_HEADER_OUT comes once per request sent), so that its own silent resend is seen. */
static int on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *ud)
{
    (void)h;
    (void)data;
    (void)size;
    if (type == CURLINFO_HEADER_OUT)
        ((aws_response *)ud)->sends++;
    return 0;
}

void cert_aws__response_free(aws_response *r)
{
    if (r == NULL)
        return;
    cert__buf_free(&r->body);
    cJSON_Delete(r->json);
    xmlFreeDoc(r->xml);
    free(r->etag);
    free(r->request_id);
    memset(r, 0, sizeof(*r));
}

xmlDoc *cert_aws__response_xml(aws_response *r)
{
    xmlDoc *doc = r->xml;

    r->xml = NULL;
    return doc != NULL ? doc : cert_aws__xml_parse(r->body.ptr, r->body.len);
}

void cert_aws__response_reset(aws_response *r, bool secret)
{
    cert_aws__response_free(r);
    cert__buf_init(&r->body, CERT_AWS_RESPONSE_MAX, secret);
}

CURLcode cert_aws__perform(cert_aws *aws, const char *method, const char *url,
                           struct curl_slist *headers, const void *body, size_t body_len,
                           long timeout_ms, bool no_proxy, bool fresh, aws_response *resp)
{
    CURL *c = aws->curl;

    curl_easy_reset(c); /* keeps the connection cache: the next request reuses it */
    /* libcurl sends a request again, unasked, when a reused connection dies before any answer
     * ("Connection died, retrying a fresh connect"); the service may have acted on the first.
     * A request that must not be sent twice (aws_request.no_resend) gets a new connection. */
    if (fresh)
        curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, resp);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, resp);
    if (resp->count_sends) {
        curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
        curl_easy_setopt(c, CURLOPT_DEBUGDATA, resp);
        curl_easy_setopt(c, CURLOPT_VERBOSE, 1L); /* the debug stream only: no text printed */
    }
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, aws->connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    /* TLS verification is always on; only the CA bundle can change. */
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (aws->ca_bundle != NULL)
        curl_easy_setopt(c, CURLOPT_CAINFO, aws->ca_bundle);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_USERAGENT, aws->user_agent);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    if (no_proxy)
        curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else if (strcmp(method, "POST") == 0) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    } else {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        if (body != NULL || strcmp(method, "PUT") == 0) {
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
            curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
        }
    }
    resp->status = 0;
    {
        CURLcode rc = curl_easy_perform(c);

        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
        return rc;
    }
}

void cert_aws__sleep_ms(long ms)
{
    struct timespec ts;

    if (ms <= 0)
        return;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0)
        ;
}
