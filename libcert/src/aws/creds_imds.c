/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The instance metadata provider (IMDSv2, IMDSv1 where v2 is refused): the role attached to an
 * EC2 instance. Reference: AWS SDKs and Tools Reference Guide, "IMDS credential provider"; EC2
 * User Guide, "Use IMDSv2"; botocore's InstanceMetadataProvider.
 */
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "creds_int.h"
#include "util/error_int.h"

/* IMDS: botocore's metadata_service_timeout (1 s) and metadata_service_num_attempts (1), so
 * that a machine without instance metadata does not wait. */
#define IMDS_DEFAULT_ENDPOINT "http://169.254.169.254"
#define IMDS_IPV6_ENDPOINT "http://[fd00:ec2::254]"
#define IMDS_TIMEOUT_MS 1000L
#define IMDS_TOKEN_TTL "21600"
#define IMDS_CREDS_PATH "/latest/meta-data/iam/security-credentials/"

static bool truthy(const char *v)
{
    return v != NULL && OPENSSL_strcasecmp(v, "true") == 0;
}

/* A setting from the environment, else from the profile. */
static const char *env_or_profile(cert_aws *aws, const char *env, const char *key)
{
    const char *v = getenv(env);

    return cert_aws__given(v) ? v : cert_aws__profile_get(aws, NULL, key);
}

typedef struct imds {
    cert_aws *aws;
    char *base;      /* endpoint without a trailing '/' */
    bool configured; /* the endpoint was set, so silence from it is an error */
    long timeout_ms;
    int attempts;
    char *token; /* IMDSv2 session token, NULL for IMDSv1 */
} imds;

/* Whether a 200 answer is the JSON object asked for (a broken body is retried). */
static bool json_object_body(const cert_buf *body)
{
    json_t *j = json_loadb(body->ptr ? body->ptr : "", body->len, 0, NULL);
    bool ok = json_is_object(j);

    cert_aws__json_free_secret(j);
    return ok;
}

/* One IMDS exchange with the configured attempts: a 5xx, a 429 and (json) a 200 that is not a
 * JSON object are tried again. CERT_E_NET when nothing answered. */
static cert_err imds_call(imds *m, const char *method, const char *path, bool with_token, bool json,
                          long *status, cert_buf *body)
{
    cert_http_header h[1];
    size_t nh = 0;
    char *url = NULL;
    cert_err err = CERT_OK;

    if (asprintf(&url, "%s%s", m->base, path) < 0)
        return cert__error_nomem();
    if (strcmp(method, "PUT") == 0) {
        h[nh].name = "X-aws-ec2-metadata-token-ttl-seconds";
        h[nh++].value = IMDS_TOKEN_TTL;
    } else if (with_token && m->token != NULL) {
        h[nh].name = "X-aws-ec2-metadata-token";
        h[nh++].value = m->token;
    }
    for (int attempt = 1; attempt <= m->attempts; attempt++) {
        cert__buf_free(body);
        err = cert_aws__http_plain(m->aws, method, url, h, nh, NULL, m->timeout_ms, status, body);
        if (err == CERT_OK && *status < 500 && *status != 429 &&
            !(json && *status == 200 && !json_object_body(body)))
            break;
    }
    free(url);
    return err;
}

static cert_err imds_settings(cert_aws *aws, imds *m)
{
    const char *ep =
        env_or_profile(aws, "AWS_EC2_METADATA_SERVICE_ENDPOINT", "ec2_metadata_service_endpoint");
    const char *mode = env_or_profile(aws, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
                                      "ec2_metadata_service_endpoint_mode");
    const char *t = env_or_profile(aws, "AWS_METADATA_SERVICE_TIMEOUT", "metadata_service_timeout");
    const char *n =
        env_or_profile(aws, "AWS_METADATA_SERVICE_NUM_ATTEMPTS", "metadata_service_num_attempts");
    size_t len;

    m->aws = aws;
    m->configured = cert_aws__given(ep);
    if (!cert_aws__given(ep))
        ep = mode != NULL && OPENSSL_strcasecmp(mode, "IPv6") == 0 ? IMDS_IPV6_ENDPOINT
                                                                   : IMDS_DEFAULT_ENDPOINT;
    if (strncmp(ep, "http://", 7) != 0 && strncmp(ep, "https://", 8) != 0)
        return cert__error_set(CERT_E_INPUT,
                               "the instance metadata endpoint %s (AWS_EC2_METADATA_SERVICE_"
                               "ENDPOINT / ec2_metadata_service_endpoint) is not an http(s) URL",
                               ep);
    len = strlen(ep);
    while (len > 0 && ep[len - 1] == '/')
        len--;
    if ((m->base = strndup(ep, len)) == NULL)
        return cert__error_nomem();
    m->timeout_ms = IMDS_TIMEOUT_MS;
    if (cert_aws__given(t)) {
        char *end;
        double s = strtod(t, &end);

        if (*end != '\0' || !(s > 0 && s <= 3600))
            return cert__error_set(CERT_E_INPUT,
                                   "metadata_service_timeout %s (AWS_METADATA_SERVICE_TIMEOUT) is "
                                   "not a number of seconds",
                                   t);
        m->timeout_ms = (long)(s * 1000.0);
    }
    m->attempts = 1;
    if (cert_aws__given(n)) {
        char *end;
        long a = strtol(n, &end, 10);

        if (*end != '\0' || a < 1 || a > 10)
            return cert__error_set(CERT_E_INPUT,
                                   "metadata_service_num_attempts %s "
                                   "(AWS_METADATA_SERVICE_NUM_ATTEMPTS) is not from 1 to 10",
                                   n);
        m->attempts = (int)a;
    }
    return CERT_OK;
}

/* What an IMDS status that is not the one wanted means: the metadata service is not AWS
 * answering an API request. 5xx and 429 are retryable failures still failing (exit 5); another
 * status is how this instance is set up (exit 3). */
static cert_err imds_status_err(long status)
{
    return status >= 500 || status == 429 ? CERT_E_NET : CERT_E_INPUT;
}

/* IMDSv2 ("Use IMDSv2", EC2 User Guide): a session token first. 403/404/405 mean an IMDSv1-only
 * service: go on without a token, as botocore does. When nothing answers we stop here instead
 * of trying IMDSv1 (botocore tries it and waits twice): CERT_CREDS_NONE, unless the endpoint
 * was configured. */
static cert_err imds_token(imds *m, const char *what)
{
    cert_err err;
    cert_buf body;
    long status = 0;

    cert__buf_init(&body, 0, true);
    err = imds_call(m, "PUT", "/latest/api/token", false, false, &status, &body);
    if (err == CERT_E_NET) {
        if (m->configured)
            CERT_FAIL(CERT_E_NET,
                      "%s did not answer: %s; check AWS_EC2_METADATA_SERVICE_ENDPOINT, or set "
                      "AWS_EC2_METADATA_DISABLED=true off EC2",
                      what, cert_error_last()->message);
        cert_aws__log(m->aws, "credentials: no instance metadata at %s", m->base);
        err = CERT_CREDS_NONE;
        goto done;
    }
    if (err < 0)
        goto done;
    if (status == 200 && body.len > 0) {
        if ((m->token = strndup(body.ptr, body.len)) == NULL)
            CERT_NOMEM();
    } else if (status != 403 && status != 404 && status != 405) {
        CERT_FAIL(imds_status_err(status), "%s refused an IMDSv2 token (HTTP %ld)", what, status);
    }

done:
    cert__buf_free(&body);
    return err;
}

/* The role attached to the instance (new string); 404: none, so no credentials from here
 * (CERT_CREDS_NONE). */
static cert_err imds_role(imds *m, const char *what, char **role_out)
{
    cert_err err;
    cert_buf body;
    long status = 0;
    size_t n;

    *role_out = NULL;
    cert__buf_init(&body, 0, true);
    err = imds_call(m, "GET", IMDS_CREDS_PATH, true, false, &status, &body);
    if (err == CERT_E_NET)
        CERT_FAIL(CERT_E_NET, "%s: %s", what, cert_error_last()->message);
    if (err < 0)
        goto done;
    if (status == 404) {
        cert_aws__log(m->aws, "credentials: the instance has no IAM role");
        err = CERT_CREDS_NONE;
        goto done;
    }
    if (status != 200)
        CERT_FAIL(imds_status_err(status), "%s answered HTTP %ld for the role name%s", what, status,
                  status == 401 ? " (the instance requires IMDSv2 and no token was given)" : "");
    n = strcspn(body.ptr ? body.ptr : "", "\r\n");
    if (n == 0)
        CERT_FAIL(CERT_E_NET, "%s answered an empty role name", what);
    if ((*role_out = strndup(body.ptr, n)) == NULL)
        CERT_NOMEM();

done:
    cert__buf_free(&body);
    return err;
}

/* The credentials of `role`. */
static cert_err imds_role_credentials(imds *m, const char *what, const char *role, aws_creds *out)
{
    cert_err err;
    cert_buf body, path;
    long status = 0;
    char msg[200];
    json_t *j = NULL;

    cert__buf_init(&body, 0, true);
    cert__buf_init(&path, 4096, false);
    CERT_TRY(cert__buf_add(&path, IMDS_CREDS_PATH, strlen(IMDS_CREDS_PATH), NULL));
    CERT_TRY(cert_aws__uri_encode(&path, role, strlen(role), false));
    err = imds_call(m, "GET", path.ptr, true, true, &status, &body);
    if (err == CERT_E_NET)
        CERT_FAIL(CERT_E_NET, "%s: %s", what, cert_error_last()->message);
    if (err < 0)
        goto done;
    if (status != 200)
        CERT_FAIL(imds_status_err(status), "%s answered HTTP %ld for the credentials of role %s",
                  what, status, role);
    j = json_loadb(body.ptr ? body.ptr : "", body.len, 0, NULL);
    if (!json_is_object(j))
        CERT_FAIL(CERT_E_NET, "%s answered something that is not a JSON object for role %s", what,
                  role);
    /* An instance whose role EC2 may not assume answers 200 with Code and Message. */
    if (cert_aws__json_str(j, "Code") != NULL &&
        strcmp(cert_aws__json_str(j, "Code"), "Success") != 0) {
        snprintf(msg, sizeof(msg), "%s",
                 cert_aws__json_str(j, "Message") ? cert_aws__json_str(j, "Message") : "");
        CERT_FAIL(CERT_E_AWS, "%s: role %s: %s: %s", what, role, cert_aws__json_str(j, "Code"),
                  msg);
    }
    CERT_TRY(cert_aws__creds_from_json(j, what, "instance metadata", out));

done:
    cert_aws__json_free_secret(j);
    cert__buf_free(&body);
    cert__buf_free(&path);
    return err;
}

cert_err cert_aws__creds_imds(cert_aws *aws, aws_creds *out)
{
    cert_err err;
    imds m;
    char *role = NULL;
    char what[400];

    memset(&m, 0, sizeof(m));
    /* AWS_EC2_METADATA_DISABLED=true turns the provider off ("IMDS credential provider"). */
    if (truthy(getenv("AWS_EC2_METADATA_DISABLED")))
        return CERT_CREDS_NONE;
    CERT_TRY(imds_settings(aws, &m));
    snprintf(what, sizeof(what), "instance metadata (%s)", m.base);
    if ((err = imds_token(&m, what)) != CERT_OK || (err = imds_role(&m, what, &role)) != CERT_OK)
        goto done;
    err = imds_role_credentials(&m, what, role, out);

done:
    cert_aws__secret_free(m.token);
    free(m.base);
    free(role);
    return err;
}
