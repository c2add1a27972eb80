/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The IAM Identity Center (SSO) provider: the token `aws sso login` cached, exchanged for a
 * role's credentials at the SSO portal (GetRoleCredentials). Reference: AWS SDKs and Tools
 * Reference Guide, "IAM Identity Center credential provider"; botocore's SSOProvider.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "creds_int.h"
#include "util/error_int.h"
#include "util/file.h"

#define SSO_CACHE_MAX (1u << 20)

/* An SSO profile's settings, resolved (borrowed from the session's configuration). */
typedef struct sso {
    const char *name, *account, *role, *session, *start_url, *region;
    char hint[400]; /* what to run when the token is missing or has ended */
} sso;

static void sha1_hex(const char *s, char out[41])
{
    static const char digits[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;

    out[0] = '\0';
    if (!EVP_Digest(s, strlen(s), md, &n, EVP_sha1(), NULL) || n != 20)
        return;
    for (unsigned int i = 0; i < 20; i++) {
        out[2 * i] = digits[md[i] >> 4];
        out[2 * i + 1] = digits[md[i] & 15];
    }
    out[40] = '\0';
}

/* A setting of an SSO profile: the sso-session section's, which must agree with the profile's
 * own when both have it (botocore's _resolve_sso_session_reference). */
static cert_err sso_setting(cert_aws *aws, const char *profile, const char *section,
                            const char *key, const char **out)
{
    const char *p = cert_aws__profile_get(aws, profile, key);
    const char *s = section ? cert_aws__config_section_get(aws->cfg, section, key) : NULL;

    *out = s != NULL ? s : p;
    if (s != NULL && p != NULL && strcmp(s, p) != 0)
        return cert__error_set(CERT_E_INPUT,
                               "profile %s: %s differs between the profile and [%s] in %s; "
                               "keep one",
                               cert_aws__profile_name(aws, profile), key, section,
                               cert_aws__config_file(aws->cfg, false));
    return CERT_OK;
}

/* The portal of the SSO region: the session's endpoint unless the profile being resolved is
 * not the session's profile (a source_profile) and the session uses AWS's own portal, which is
 * then the portal of that profile's region, in that region's partition. */
static char *sso_endpoint(cert_aws *aws, const char *profile, const char *region)
{
    if (profile != NULL && region != NULL && aws->endpoint_own[CERT_AWS_SSO])
        return cert_aws__own_endpoint("portal.sso", region, NULL);
    return aws->endpoint[CERT_AWS_SSO] ? strdup(aws->endpoint[CERT_AWS_SSO]) : NULL;
}

/* The profile's SSO settings: CERT_CREDS_NONE when it is not an SSO profile, an error naming
 * what is missing or contradicts. */
static cert_err sso_settings(cert_aws *aws, const char *profile, sso *s)
{
    cert_err err = CERT_OK;
    const char *session;
    char section[300], missing[200] = "";

    memset(s, 0, sizeof(*s));
    s->name = cert_aws__profile_name(aws, profile);
    s->account = cert_aws__profile_get(aws, profile, "sso_account_id");
    s->role = cert_aws__profile_get(aws, profile, "sso_role_name");
    s->session = session = cert_aws__profile_get(aws, profile, "sso_session");
    /* botocore's SSOProvider: sso_account_id or sso_role_name makes a profile an SSO one. */
    if (s->account == NULL && s->role == NULL)
        return CERT_CREDS_NONE;
    snprintf(section, sizeof(section), "sso-session %s", session ? session : "");
    if (session != NULL &&
        cert_aws__config_section_get(aws->cfg, section, "sso_start_url") == NULL &&
        cert_aws__config_section_get(aws->cfg, section, "sso_region") == NULL)
        return cert__error_set(CERT_E_INPUT,
                               "profile %s: sso_session %s has no [sso-session %s] section with "
                               "sso_start_url and sso_region in %s; add it (aws configure sso)",
                               s->name, session, session, cert_aws__config_file(aws->cfg, false));
    CERT_TRY(sso_setting(aws, profile, session ? section : NULL, "sso_start_url", &s->start_url));
    CERT_TRY(sso_setting(aws, profile, session ? section : NULL, "sso_region", &s->region));
    snprintf(missing, sizeof(missing), "%s%s%s%s",
             cert_aws__given(s->start_url) ? "" : " sso_start_url",
             cert_aws__given(s->region) ? "" : " sso_region",
             cert_aws__given(s->account) ? "" : " sso_account_id",
             cert_aws__given(s->role) ? "" : " sso_role_name");
    if (missing[0] != '\0')
        CERT_FAIL(CERT_E_INPUT,
                  "profile %s is configured for SSO but lacks%s; run `aws configure sso "
                  "--profile %s`",
                  s->name, missing, s->name);
    snprintf(s->hint, sizeof(s->hint), "run `aws sso login --profile %s`", s->name);

done:
    return err;
}

/* The token `aws sso login` cached: ~/.aws/sso/cache/<sha1 of the session name, or of the start
 * URL for a legacy profile>.json, with accessToken and expiresAt. The file's text goes to
 * `file` and its document to *cache (both secret); *token is borrowed from it. */
static cert_err sso_cached_token(const sso *s, cert_buf *file, json_t **cache, const char **token)
{
    cert_err err = CERT_OK;
    const char *home = getenv("HOME"), *expires;
    char key[41], *cache_path = NULL;
    int64_t exp_at = 0;

    if (!cert_aws__given(home))
        CERT_FAIL(CERT_E_INPUT,
                  "profile %s uses SSO but HOME is not set, so ~/.aws/sso/cache "
                  "cannot be found; set HOME",
                  s->name);
    sha1_hex(s->session ? s->session : s->start_url, key);
    if (asprintf(&cache_path, "%s/.aws/sso/cache/%s.json", home, key) < 0) {
        cache_path = NULL;
        CERT_NOMEM();
    }
    err = cert__file_read(cache_path, SSO_CACHE_MAX, file);
    if (err < 0)
        CERT_FAIL(CERT_E_INPUT, "profile %s: no SSO token cached for %s %s (%s); %s", s->name,
                  s->session ? "sso-session" : "start URL", s->session ? s->session : s->start_url,
                  cache_path, s->hint);
    *cache = json_loadb(file->ptr, file->len, 0, NULL);
    *token = cert_aws__json_str(*cache, "accessToken");
    expires = cert_aws__json_str(*cache, "expiresAt");
    if (!json_is_object(*cache) || !cert_aws__given(*token) || !cert_aws__given(expires) ||
        !cert_aws__creds_time(expires, &exp_at))
        CERT_FAIL(CERT_E_INPUT,
                  "profile %s: %s is not an SSO token cache (accessToken, expiresAt); %s", s->name,
                  cache_path, s->hint);
    if (exp_at <= cert_aws__now())
        CERT_FAIL(CERT_E_INPUT, "profile %s: the SSO token in %s expired at %s; %s", s->name,
                  cache_path, expires, s->hint);

done:
    free(cache_path);
    return err;
}

/* roleCredentials from GetRoleCredentials' answer (`endpoint` names the portal in messages). */
static cert_err sso_answer(const sso *s, const aws_response *resp, const char *endpoint,
                           aws_creds *out)
{
    cert_err err = CERT_OK;
    json_t *answer = json_loadb(resp->body.ptr, resp->body.len, 0, NULL);
    json_t *rc = json_object_get(answer, "roleCredentials");
    const char *akid = cert_aws__json_str(rc, "accessKeyId");
    const char *secret = cert_aws__json_str(rc, "secretAccessKey");
    const char *token = cert_aws__json_str(rc, "sessionToken");
    int64_t expiration;

    if (!json_is_object(rc) || !cert_aws__given(akid) || !cert_aws__given(secret) ||
        !cert_aws__given(token) || !json_is_integer(json_object_get(rc, "expiration")))
        CERT_FAIL(CERT_E_NET,
                  "profile %s: SSO GetRoleCredentials answered without roleCredentials "
                  "(accessKeyId, secretAccessKey, sessionToken, expiration); check the SSO "
                  "endpoint (%s)",
                  s->name, endpoint);
    /* expiration is in milliseconds since the epoch. */
    expiration = (int64_t)(json_integer_value(json_object_get(rc, "expiration")) / 1000);
    CERT_TRY(cert_aws__creds_set(out, akid, secret, token, expiration, "SSO"));

done:
    cert_aws__json_free_secret(answer);
    return err;
}

/* GetRoleCredentials (IAM Identity Center portal API reference): GET
 * /federation/credentials?role_name&account_id with x-amz-sso_bearer_token, unsigned. */
static cert_err sso_role_credentials(cert_aws *aws, const char *profile, const sso *s,
                                     const char *token, aws_creds *out)
{
    cert_err err = CERT_OK;
    char *endpoint = NULL;
    cert_buf query;
    aws_request req;
    aws_response resp;
    cert_http_header hdr = {"x-amz-sso_bearer_token", token};

    cert__buf_init(&query, 4096, false);
    memset(&resp, 0, sizeof(resp));
    CERT_TRY(cert_aws__query_add(&query, "role_name", s->role));
    CERT_TRY(cert_aws__query_add(&query, "account_id", s->account));
    endpoint = sso_endpoint(aws, profile, s->region);
    if (endpoint == NULL) {
        err = cert_error_last()->code < 0
                  ? cert_aws__profile_error(cert_error_last()->code, s->name)
                  : cert__error_nomem();
        goto done;
    }
    memset(&req, 0, sizeof(req));
    req.service = CERT_AWS_SSO;
    req.action = "GetRoleCredentials";
    req.method = "GET";
    req.path = "/federation/credentials";
    req.query = query.ptr;
    req.headers = &hdr;
    req.header_count = 1;
    req.anonymous = true;
    req.endpoint = endpoint;
    cert_aws__log(aws, "credentials: SSO role %s in account %s for profile %s", s->role, s->account,
                  s->name);
    err = cert_aws__send(aws, &req, &resp);
    if (err < 0) {
        if (err == CERT_E_AWS && (resp.status == 401 || resp.status == 403))
            err = cert__error_set(err, "profile %s: %s; the SSO session may have ended: %s",
                                  s->name, cert_error_last()->message, s->hint);
        else
            err = cert_aws__profile_error(err, s->name);
        goto done;
    }
    CERT_TRY(sso_answer(s, &resp, endpoint, out));

done:
    cert__buf_free(&query);
    cert_aws__response_free(&resp);
    free(endpoint);
    return err;
}

cert_err cert_aws__creds_sso(cert_aws *aws, const char *profile, aws_creds *out)
{
    cert_err err;
    sso s;
    cert_buf file;
    json_t *cache = NULL;
    const char *token = NULL;

    err = sso_settings(aws, profile, &s);
    if (err != CERT_OK)
        return err;
    cert__buf_init(&file, SSO_CACHE_MAX, true);
    CERT_TRY(sso_cached_token(&s, &file, &cache, &token));
    CERT_TRY(sso_role_credentials(aws, profile, &s, token, out));

done:
    cert_aws__json_free_secret(cache);
    cert__buf_free(&file);
    return err;
}
