/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Requests: sign, send over one reused libcurl handle, and turn AWS's error answers into errors a
 * caller can act on. cert_aws__send() makes attempts until one is final; whether a failure is
 * retried, and after how long, is the retry policy's (retry.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "aws_int.h"
#include "util/error_int.h"
#include "util/time_int.h"

int64_t cert_aws__now(void)
{
    return (int64_t)time(NULL);
}

const char *cert_aws__service_name(cert_aws_service s)
{
    switch (s) {
    case CERT_AWS_IAM:
        return "IAM";
    case CERT_AWS_CLOUDFRONT:
        return "CloudFront";
    case CERT_AWS_STS:
        return "STS";
    case CERT_AWS_SSO:
        return "SSO";
    case CERT_AWS_ROUTE53:
        return "Route53";
    case CERT_AWS_ACM:
        return "ACM";
    }
    return "AWS";
}

static const char *signing_name(cert_aws_service s)
{
    switch (s) {
    case CERT_AWS_IAM:
        return "iam";
    case CERT_AWS_CLOUDFRONT:
        return "cloudfront";
    case CERT_AWS_STS:
        return "sts";
    case CERT_AWS_SSO:
        return "awsssoportal";
    case CERT_AWS_ROUTE53:
        return "route53";
    case CERT_AWS_ACM:
        return "acm";
    }
    return "";
}

void cert_aws__log(cert_aws *aws, const char *fmt, ...)
{
    char line[1024];
    va_list ap;

    if (aws->log == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    aws->log(line, aws->log_ud);
}

void cert_aws__set_last(cert_aws *aws, const char *service, const char *action, const char *code,
                        const char *message, const char *request_id, long status, int attempts)
{
    free(aws->last_code);
    free(aws->last_message);
    free(aws->last_request_id);
    aws->last_code = strdup(code ? code : "");
    aws->last_message = strdup(message ? message : "");
    aws->last_request_id = strdup(request_id ? request_id : "");
    aws->last.service = service;
    aws->last.action = action;
    aws->last.code = aws->last_code ? aws->last_code : "";
    aws->last.message = aws->last_message ? aws->last_message : "";
    aws->last.request_id = aws->last_request_id ? aws->last_request_id : "";
    aws->last.status = status;
    aws->last.attempts = attempts;
}

const cert_aws_error *cert_aws_last_error(const cert_aws *aws)
{
    return &aws->last;
}

cert_err cert_aws__query_add(cert_buf *q, const char *key, const char *value)
{
    cert_err err;

    if (q->len > 0 && (err = cert__buf_add(q, "&", 1, NULL)) < 0)
        return err;
    if ((err = cert_aws__uri_encode(q, key, strlen(key), false)) < 0 ||
        (err = cert__buf_add(q, "=", 1, NULL)) < 0)
        return err;
    return cert_aws__uri_encode(q, value, strlen(value), false);
}

static long elapsed_ms(const struct timespec *t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (long)((t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000);
}

/* Split an endpoint into what the Host header and the path prefix are. */
static cert_err split_endpoint(const char *endpoint, char **host_out, char **prefix_out)
{
    CURLU *u = curl_url();
    char *host = NULL, *port = NULL, *scheme = NULL, *path = NULL;
    cert_err err = CERT_OK;

    *host_out = *prefix_out = NULL;
    if (u == NULL)
        return cert__error_nomem();
    if (curl_url_set(u, CURLUPART_URL, endpoint, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) {
        err = cert__error_set(CERT_E_INVALID,
                              "%s: not an endpoint URL; give one like https://iam.amazonaws.com",
                              endpoint);
        goto done;
    }
    if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
        err = cert__error_set(CERT_E_INVALID, "%s: the endpoint must be http:// or https://",
                              endpoint);
        goto done;
    }
    curl_url_get(u, CURLUPART_PORT, &port, 0);
    curl_url_get(u, CURLUPART_PATH, &path, 0);
    /* curl sends ":port" in Host only when it is not the scheme's default; sign the same. */
    if (port != NULL && !((strcmp(scheme, "https") == 0 && strcmp(port, "443") == 0) ||
                          (strcmp(scheme, "http") == 0 && strcmp(port, "80") == 0))) {
        if (asprintf(host_out, "%s:%s", host, port) < 0)
            *host_out = NULL;
    } else {
        *host_out = strdup(host);
    }
    {
        size_t pl = path ? strlen(path) : 0;

        while (pl > 0 && path[pl - 1] == '/')
            pl--;
        *prefix_out = strndup(path ? path : "", pl);
    }
    if (*host_out == NULL || *prefix_out == NULL)
        err = cert__error_nomem();

done:
    curl_free(host);
    curl_free(port);
    curl_free(scheme);
    curl_free(path);
    curl_url_cleanup(u);
    return err;
}

static struct curl_slist *add_header(struct curl_slist *l, bool *ok, const char *name,
                                     const char *value)
{
    char *line = NULL;
    struct curl_slist *n;

    if (!*ok)
        return l;
    if (asprintf(&line, "%s: %s", name, value) < 0) {
        *ok = false;
        return l;
    }
    n = curl_slist_append(l, line);
    OPENSSL_cleanse(line, strlen(line)); /* the token and Authorization pass through here */
    free(line);
    if (n == NULL) {
        *ok = false;
        return l;
    }
    return n;
}

static void free_headers(struct curl_slist *l)
{
    for (struct curl_slist *p = l; p != NULL; p = p->next)
        OPENSSL_cleanse(p->data, strlen(p->data));
    curl_slist_free_all(l);
}

/* Credentials for the next request: resolved the first time, refreshed five minutes before they
 * expire. A failed refresh while the current ones are still good for a minute or more keeps
 * them (as botocore does), so that a passing hiccup of a credentials endpoint costs nothing. */
static cert_err refresh(cert_aws *aws)
{
    int64_t now = cert_aws__now();
    aws_creds fresh;
    cert_err err;

    if (aws->have_creds && !cert_aws__creds_stale(&aws->creds, now))
        return CERT_OK;
    memset(&fresh, 0, sizeof(fresh));
    err = cert_aws__creds_resolve(aws, &fresh);
    if (err < 0) {
        cert_aws__creds_clear(&fresh);
        if (aws->have_creds && aws->creds.expiration > now + 60) {
            cert_aws__log(aws,
                          "credentials: refresh failed (%s); the current ones are valid "
                          "for %lld s more",
                          cert_error_last()->message, (long long)(aws->creds.expiration - now));
            cert_error_clear();
            return CERT_OK;
        }
        return err;
    }
    cert_aws__creds_clear(&aws->creds);
    aws->creds = fresh;
    aws->have_creds = true;
    if (aws->debug)
        cert_aws__log(aws, "credentials: from %s%s%s",
                      aws->creds.source ? aws->creds.source : "(unknown)",
                      aws->creds.session_token != NULL ? ", with a session token" : "",
                      aws->creds.expiration != INT64_MAX ? " (temporary)" : "");
    return CERT_OK;
}

/* Where a request goes: the endpoint with the request's path and query. */
typedef struct target {
    const char *svc; /* "IAM", for logs and messages */
    char *host;      /* what the Host header holds, signed */
    char *path;      /* the endpoint's path prefix and the request's path */
    char *url;
} target;

static void target_free(target *t)
{
    free(t->host);
    free(t->path);
    free(t->url);
}

static cert_err target_new(cert_aws *aws, const aws_request *req, target *t)
{
    cert_err err = CERT_OK;
    const char *endpoint = req->endpoint ? req->endpoint : aws->endpoint[req->service];
    char *prefix = NULL;
    const char *auth_end, *slash;
    size_t base;

    memset(t, 0, sizeof(*t));
    t->svc = cert_aws__service_name(req->service);
    if (endpoint == NULL)
        return cert_aws_service_check(aws, req->service) < 0
                   ? cert_error_last()->code
                   : cert__error_set(CERT_E_INPUT, "%s has no endpoint in partition %s", t->svc,
                                     cert_aws_partition(aws));
    /* scheme://authority from the endpoint, then our path and query */
    auth_end = strstr(endpoint, "://");
    slash = auth_end ? strchr(auth_end + 3, '/') : NULL;
    base = slash ? (size_t)(slash - endpoint) : strlen(endpoint);
    CERT_TRY(split_endpoint(endpoint, &t->host, &prefix));
    if (asprintf(&t->path, "%s%s", prefix, req->path && *req->path ? req->path : "/") < 0) {
        t->path = NULL;
        CERT_NOMEM();
    }
    if (asprintf(&t->url, "%.*s%s%s%s", (int)base, endpoint, t->path,
                 req->query && *req->query ? "?" : "", req->query ? req->query : "") < 0) {
        t->url = NULL;
        CERT_NOMEM();
    }

done:
    free(prefix);
    return err;
}

/* The SigV4 headers for one attempt (signed now, with the request's credentials or the
 * session's, refreshed when stale) appended to *hl. */
static cert_err sign(cert_aws *aws, const aws_request *req, const target *t, struct curl_slist **hl,
                     bool *ok)
{
    cert_err err;
    const aws_creds *cr = req->creds;
    cert_aws_credentials c;
    cert_sigv4_request sr;
    cert_sigv4_signed out;

    if (cr == NULL) {
        if ((err = refresh(aws)) < 0)
            return err;
        cr = &aws->creds;
    }
    c.access_key_id = cr->access_key_id;
    c.secret_access_key = cr->secret_access_key;
    c.session_token = cr->session_token;
    memset(&sr, 0, sizeof(sr));
    sr.method = req->method;
    sr.host = t->host;
    sr.path = t->path;
    sr.query = req->query;
    sr.headers = req->headers;
    sr.header_count = req->header_count;
    sr.body = req->body;
    sr.body_len = req->body_len;
    /* The service's region in the session's partition (partition.h): us-east-1 for IAM,
     * CloudFront, Route 53 and ACM in aws, cn-north-1 for IAM in aws-cn, the region for
     * regional STS. */
    sr.region = aws->signing_region[req->service];
    sr.service = signing_name(req->service);
    sr.time = cert_aws__now();
    if ((err = cert_sigv4_sign(&sr, &c, &out)) < 0)
        return err;
    *hl = add_header(*hl, ok, "X-Amz-Date", out.amz_date);
    *hl = add_header(*hl, ok, "Authorization", out.authorization);
    if (c.session_token != NULL && c.session_token[0] != '\0')
        *hl = add_header(*hl, ok, "X-Amz-Security-Token", c.session_token);
    OPENSSL_cleanse(&out, sizeof(out));
    return CERT_OK;
}

/* The request's headers for one attempt: the caller's, the signature's, and no Expect. */
static cert_err request_headers(cert_aws *aws, const aws_request *req, const target *t,
                                struct curl_slist **out)
{
    cert_err err = CERT_OK;
    struct curl_slist *hl = NULL;
    bool ok = true;

    *out = NULL;
    for (size_t i = 0; i < req->header_count; i++)
        hl = add_header(hl, &ok, req->headers[i].name, req->headers[i].value);
    if (!req->anonymous)
        CERT_TRY(sign(aws, req, t, &hl, &ok));
    hl = add_header(hl, &ok, "Expect", ""); /* no 100-continue round trip */
    if (!ok)
        CERT_NOMEM();
    *out = hl;
    hl = NULL;

done:
    free_headers(hl);
    return err;
}

/* One attempt's outcome beyond cert_err: a retryable failure returns ATTEMPT_AGAIN, and says
 * here why and whether it was a timeout (which costs more of the retry quota). */
#define ATTEMPT_AGAIN ((cert_err)1)
typedef struct attempt {
    int n;      /* 1-based */
    int resent; /* libcurl's own resends in the attempts so far (aws_request.count_sends) */
    bool timeout;
    bool maybe_done; /* the request may have reached the service (aws_request.no_resend) */
    long ms;
    char reason[600];
} attempt;

/* How many times the request went out: the attempts, and libcurl's own resends within them. */
static int sent(const attempt *a)
{
    return a->n + a->resent;
}

/* TLS that cannot be set up with the CA bundle, or an endpoint it does not verify: local
 * configuration (exit 3), not a failure that a later attempt could fix. The message names the
 * endpoint and where the bundle comes from. */
static cert_err tls_failed(cert_aws *aws, const aws_request *req, const target *t, CURLcode rc)
{
    const char *bundle = aws->ca_bundle ? aws->ca_bundle : "the system's CA store";

    if (rc == CURLE_SSL_CACERT_BADFILE)
        return cert__error_set(CERT_E_INPUT,
                               "%s %s: the CA bundle %s cannot be read (%s); fix --ca-bundle "
                               "(AWS_CA_BUNDLE, the profile's ca_bundle)",
                               t->svc, req->action, bundle, curl_easy_strerror(rc));
    return cert__error_set(CERT_E_INPUT,
                           "%s %s: TLS verification of %s failed (%s): its certificate does not "
                           "verify with %s; give the CA bundle that does with --ca-bundle "
                           "(AWS_CA_BUNDLE, the profile's ca_bundle), or check the endpoint",
                           t->svc, req->action, t->url, curl_easy_strerror(rc), bundle);
}

/* The transfer failed (no whole answer): retryable, or CERT_E_NET naming the URL. */
static cert_err transfer_failed(cert_aws *aws, const aws_request *req, const target *t,
                                const aws_response *resp, CURLcode rc, attempt *a)
{
    a->timeout = rc == CURLE_OPERATION_TIMEDOUT;
    /* Only a connection that was never made carries no request; a timeout may come after it. */
    a->maybe_done = rc != CURLE_COULDNT_RESOLVE_HOST && rc != CURLE_COULDNT_RESOLVE_PROXY &&
                    rc != CURLE_COULDNT_CONNECT && rc != CURLE_SSL_CONNECT_ERROR;
    if (rc == CURLE_WRITE_ERROR)
        snprintf(a->reason, sizeof(a->reason), "the answer is larger than %u bytes",
                 CERT_AWS_RESPONSE_MAX);
    else
        snprintf(a->reason, sizeof(a->reason), "%s", curl_easy_strerror(rc));
    cert_aws__set_last(aws, t->svc, req->action, "", a->reason, "", resp->status, sent(a));
    cert_aws__log(aws, "%s %s %s %s: %s (attempt %d/%d, %ld ms)", t->svc, req->action, req->method,
                  t->host, a->reason, a->n, aws->max_attempts, a->ms);
    if (cert_aws__retry_transfer(rc))
        return ATTEMPT_AGAIN;
    if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
        rc == CURLE_SSL_CERTPROBLEM || rc == CURLE_SSL_ISSUER_ERROR ||
        rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH)
        return tls_failed(aws, req, t, rc);
    return cert__error_set(CERT_E_NET, "%s %s: %s (%s)", t->svc, req->action, a->reason, t->url);
}

/* A 2xx answer that came whole but is not what the service writes (not well-formed XML, not a
 * JSON object for the SSO portal and ACM's JSON protocol): a broken body, retried as a
 * truncated one would be (the AWS SDKs retry a response they cannot parse as a transient error).
 * 204 has no body, nor has an ACM action without output (DeleteCertificate). ACM's document is
 * read with cert__json_read() (util/json_read.h: a listing of 1,000 certificates is ~600 KB) and
 * kept in resp->json: the client reads it from there, so that it is read once, not twice
 * (bench/certup.sh, certup --store acm); duplicate members make it malformed. */
static bool answer_malformed(const aws_request *req, aws_response *resp, char *why, size_t size)
{
    if (resp->status == 204 || (req->service == CERT_AWS_ACM && resp->body.len == 0))
        return false;
    if (req->service == CERT_AWS_ACM) {
        char reason[128];

        cJSON_Delete(resp->json);
        resp->json = cert__json_read(resp->body.ptr, resp->body.len, reason, sizeof(reason));
        if (resp->json != NULL && !cJSON_IsObject(resp->json)) {
            snprintf(reason, sizeof(reason), "not an object");
            cJSON_Delete(resp->json);
            resp->json = NULL;
        }
        if (resp->json == NULL)
            snprintf(why, size, "the answer is not a JSON object: %s (HTTP %ld, %zu bytes)", reason,
                     resp->status, resp->body.len);
        return resp->json == NULL;
    }
    if (req->service == CERT_AWS_SSO) {
        json_t *j = json_loadb(resp->body.ptr ? resp->body.ptr : "", resp->body.len, 0, NULL);
        bool ok = json_is_object(j);

        json_decref(j); /* the portal's answer holds credentials: jansson's copy goes */
        if (!ok)
            snprintf(why, size, "the answer is not a JSON object (HTTP %ld, %zu bytes)",
                     resp->status, resp->body.len);
        return !ok;
    }
    xmlFreeDoc(resp->xml);
    resp->xml = resp->body.len > 0 ? cert_aws__xml_parse(resp->body.ptr, resp->body.len) : NULL;
    if (resp->xml != NULL) /* kept for the client: cert_aws__response_xml() */
        return false;
    snprintf(why, size, "the answer is not well-formed XML (HTTP %ld, %zu bytes)", resp->status,
             resp->body.len);
    return true;
}

/* AWS answered an error: retryable (throttling, 5xx), or CERT_E_AWS with its code, message and
 * request id. */
static cert_err error_answer(cert_aws *aws, const aws_request *req, const target *t,
                             const aws_response *resp, attempt *a)
{
    cert_err err = ATTEMPT_AGAIN;
    char *code = NULL, *message = NULL, *rid = NULL;

    a->timeout = false;
    a->maybe_done = false; /* AWS answered that it failed */
    cert_aws__parse_error(resp->body.ptr, resp->body.len, &code, &message, &rid);
    if (rid[0] == '\0' && resp->request_id != NULL) {
        free(rid);
        rid = strdup(resp->request_id);
    }
    if (code && code[0] == '\0')
        snprintf(a->reason, sizeof(a->reason), "HTTP %ld", resp->status);
    else
        snprintf(a->reason, sizeof(a->reason), "%s: %s", code ? code : "", message ? message : "");
    cert_aws__set_last(aws, t->svc, req->action, code, message, rid, resp->status, sent(a));
    cert_aws__log(aws, "%s %s %s %s: %ld %s (attempt %d/%d, %ld ms)", t->svc, req->action,
                  req->method, t->host, resp->status, code ? code : "", a->n, aws->max_attempts,
                  a->ms);
    if (!cert_aws__retry_answer(resp->status, code))
        err = cert__error_set(CERT_E_AWS, "%s rejected %s: %s%s%s%s", t->svc, req->action,
                              a->reason, rid && rid[0] ? " (request id " : "",
                              rid && rid[0] ? rid : "", rid && rid[0] ? ")" : "");
    free(code);
    free(message);
    free(rid);
    return err;
}

/* A 2xx answer that is a broken body (a->reason says how): retried like a truncated one. */
static cert_err malformed(cert_aws *aws, const aws_request *req, const target *t,
                          const aws_response *resp, attempt *a)
{
    a->timeout = false;
    a->maybe_done = true; /* a 2xx: it was done, the answer cannot say what */
    cert_aws__set_last(aws, t->svc, req->action, "", a->reason,
                       resp->request_id ? resp->request_id : "", resp->status, sent(a));
    cert_aws__log(aws, "%s %s %s %s: %s (attempt %d/%d, %ld ms)", t->svc, req->action, req->method,
                  t->host, a->reason, a->n, aws->max_attempts, a->ms);
    return ATTEMPT_AGAIN;
}

/* --debug: the attempt about to go out: method, URL, body size and the names of the headers
 * but the two that carry secrets (the values of Authorization and X-Amz-Security-Token are
 * secrets, and so is the body of an upload, which carries a private key). */
static void log_attempt(cert_aws *aws, const aws_request *req, const target *t,
                        const struct curl_slist *hl, int n)
{
    char names[512];
    size_t used = 0;

    names[0] = '\0';
    for (const struct curl_slist *p = hl; p != NULL; p = p->next) {
        size_t len = strcspn(p->data, ":");

        /* not even the names of the two that carry secrets: "signed" says they are there */
        if (len == 0 || used + len + 3 >= sizeof(names) ||
            (len == 13 && strncasecmp(p->data, "Authorization", 13) == 0) ||
            (len == 20 && strncasecmp(p->data, "X-Amz-Security-Token", 20) == 0))
            continue;
        if (used > 0) {
            memcpy(names + used, ", ", 2);
            used += 2;
        }
        memcpy(names + used, p->data, len);
        used += len;
        names[used] = '\0';
    }
    cert_aws__log(aws, "%s %s: attempt %d: %s %s, %zu bytes, headers %s; SigV4-signed%s", t->svc,
                  req->action, n, req->method, t->url, req->body ? req->body_len : (size_t)0, names,
                  aws->creds.session_token != NULL ? ", with the session token" : "");
}

/* One attempt: sign, send, and classify what came back. */
static cert_err attempt_once(cert_aws *aws, const aws_request *req, const target *t,
                             aws_response *resp, attempt *a)
{
    cert_err err;
    struct curl_slist *hl = NULL;
    struct timespec t0;
    CURLcode rc;

    /* credentials answers (STS, SSO) hold secrets: wiped when freed */
    cert_aws__response_reset(resp, req->service == CERT_AWS_STS || req->service == CERT_AWS_SSO);
    resp->sink = req->sink;
    resp->count_sends = req->count_sends;
    if ((err = request_headers(aws, req, t, &hl)) < 0)
        return err;
    if (aws->debug)
        log_attempt(aws, req, t, hl, a->n);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = cert_aws__perform(aws, req->method, t->url, hl, req->body, req->body_len, aws->timeout_ms,
                           false, req->no_resend, resp);
    free_headers(hl);
    a->ms = elapsed_ms(&t0);
    if (resp->sends > 1)
        a->resent += resp->sends - 1;
    if (resp->sink_err == CERT_AWS_BROKEN_BODY) { /* the body broke: retried */
        snprintf(a->reason, sizeof(a->reason), "%s (HTTP %ld)", cert_error_last()->message,
                 resp->status);
        return malformed(aws, req, t, resp, a);
    }
    if (resp->sink_err < 0) { /* the sink's reader refused the answer: its error stands */
        cert_aws__log(aws,
                      "%s %s %s %s: %ld, but the answer could not be read (attempt "
                      "%d/%d, %ld ms)",
                      t->svc, req->action, req->method, t->host, resp->status, a->n,
                      aws->max_attempts, a->ms);
        /* this attempt's outcome, not an earlier attempt's error answer */
        cert_aws__set_last(aws, t->svc, req->action, "", cert_error_last()->message,
                           resp->request_id ? resp->request_id : "", resp->status, sent(a));
        return resp->sink_err;
    }
    if (rc != CURLE_OK)
        return transfer_failed(aws, req, t, resp, rc, a);
    if (resp->status < 200 || resp->status >= 300)
        return error_answer(aws, req, t, resp, a);
    if (resp->streaming && req->sink->end != NULL) { /* was it one whole document? */
        cert_err end = req->sink->end(req->sink->ud);

        if (end == CERT_AWS_BROKEN_BODY) {
            snprintf(a->reason, sizeof(a->reason), "%s (HTTP %ld)", cert_error_last()->message,
                     resp->status);
            return malformed(aws, req, t, resp, a);
        }
        if (end < 0)
            return end;
    } else if (!resp->streaming && answer_malformed(req, resp, a->reason, sizeof(a->reason))) {
        return malformed(aws, req, t, resp, a);
    }
    cert_aws__log(aws, "%s %s %s %s: %ld (attempt %d/%d, %ld ms)", t->svc, req->action, req->method,
                  t->host, resp->status, a->n, aws->max_attempts, a->ms);
    if (aws->debug)
        cert_aws__log(aws, "%s %s: request id %s, %zu bytes answered", t->svc, req->action,
                      resp->request_id && resp->request_id[0] ? resp->request_id : "(none)",
                      resp->body.len);
    cert_aws__set_last(aws, t->svc, req->action, "", "", resp->request_id, resp->status, sent(a));
    return CERT_OK;
}

cert_err cert_aws__send(cert_aws *aws, const aws_request *req, aws_response *resp)
{
    cert_err err;
    target t;
    attempt a;

    memset(resp, 0, sizeof(*resp));
    memset(&a, 0, sizeof(a));
    aws->last_unknown = false;
    CERT_TRY(target_new(aws, req, &t));
    for (a.n = 1;; a.n++) {
        long wait;

        err = attempt_once(aws, req, &t, resp, &a);
        if (err != ATTEMPT_AGAIN)
            goto done;
        if (req->no_resend && a.maybe_done) { /* a second one could do it twice */
            aws->last_unknown = true;
            CERT_FAIL(CERT_E_NET,
                      "%s %s: %s; the request may have reached %s, not sent again: its outcome "
                      "is unknown",
                      t.svc, req->action, a.reason, t.svc);
        }
        wait = cert_aws__retry_wait(aws, a.n, a.timeout);
        if (wait < 0)
            CERT_FAIL(CERT_E_NET,
                      "%s %s still failing after %d attempt%s: %s (%s); try again later "
                      "(--max-attempts / AWS_MAX_ATTEMPTS allow more)",
                      t.svc, req->action, a.n, a.n == 1 ? "" : "s", a.reason, t.url);
        cert_aws__log(aws, "%s %s: retrying in %ld ms", t.svc, req->action, wait);
        cert_aws__sleep_ms(wait);
    }

done:
    target_free(&t);
    return err;
}

cert_err cert_aws__http_plain(cert_aws *aws, const char *method, const char *url,
                              const cert_http_header *headers, size_t header_count,
                              const char *body, long timeout_ms, long *status_out,
                              cert_buf *body_out)
{
    aws_response resp;
    struct curl_slist *hl = NULL;
    bool ok = true;
    CURLcode rc;
    struct timespec t0;

    memset(&resp, 0, sizeof(resp));
    cert_aws__response_reset(&resp, true); /* the metadata services and ECS answer credentials */
    for (size_t i = 0; i < header_count; i++)
        hl = add_header(hl, &ok, headers[i].name, headers[i].value);
    hl = add_header(hl, &ok, "Expect", "");
    if (!ok) {
        free_headers(hl);
        cert_aws__response_free(&resp);
        return cert__error_nomem();
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* Metadata endpoints are link-local or loopback: never through a proxy. */
    rc = cert_aws__perform(aws, method, url, hl, body, body ? strlen(body) : 0, timeout_ms, true,
                           false, &resp);
    free_headers(hl);
    cert_aws__log(aws, "credentials %s %s: %s%ld (%ld ms)", method, url,
                  rc == CURLE_OK ? "" : curl_easy_strerror(rc), rc == CURLE_OK ? resp.status : 0L,
                  elapsed_ms(&t0));
    if (rc != CURLE_OK) {
        cert_aws__response_free(&resp);
        return cert__error_set(CERT_E_NET, "%s: %s", url, curl_easy_strerror(rc));
    }
    *status_out = resp.status;
    *body_out = resp.body;
    resp.body.ptr = NULL;
    cert_aws__response_free(&resp);
    return CERT_OK;
}
