/*
 * Credential providers beyond static keys, with botocore's (AWS CLI v1's) semantics. References:
 * AWS SDKs and Tools Reference Guide, "Standardized credential providers" (assume role, web
 * identity, IAM Identity Center, process, container, IMDS pages) and botocore's credentials.py.
 *
 * Each returns CERT_CREDS_NONE when it is not configured, CERT_OK with `out` filled, or an error
 * when it is configured but fails: CERT_E_AWS for a refusal or a bad setting (the message names
 * the profile, file or variable and says what to do), CERT_E_NET when an endpoint did not answer.
 *
 * Secrets (secret keys, session tokens, web identity and SSO tokens, container authorization
 * tokens, a credential process's output) live in buffers wiped before free, and never reach a
 * -v line or an error message: messages name settings and files, never values read from them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "creds_int.h"
#include "util/error_int.h"
#include "util/file.h"
#include "util/time_int.h"

/* A credential process's output cap, and how long it may run (botocore has no timeout; a tool
 * that hangs forever on a stuck helper is worse than one that says so). */
#define PROCESS_OUTPUT_MAX (64u << 10)
#define PROCESS_TIMEOUT_MS 60000L
/* Token files: STS takes web identity tokens of at most 20,000 characters. */
#define TOKEN_FILE_MAX (64u << 10)
#define SSO_CACHE_MAX (1u << 20)
/* Container endpoint: a few seconds and one retry at most. */
#define CONTAINER_TIMEOUT_MS 2000L
#define CONTAINER_ATTEMPTS 2
/* IMDS: botocore's metadata_service_timeout (1 s) and metadata_service_num_attempts (1), so
 * that a machine without instance metadata does not wait. */
#define IMDS_DEFAULT_ENDPOINT "http://169.254.169.254"
#define IMDS_IPV6_ENDPOINT "http://[fd00:ec2::254]"
#define IMDS_TIMEOUT_MS 1000L
#define IMDS_TOKEN_TTL "21600"
#define STS_VERSION "2011-06-15"
/* STS's DurationSeconds range (AssumeRole API reference). */
#define DURATION_MIN 900
#define DURATION_MAX 43200

static bool set(const char *v)
{
    return v != NULL && *v != '\0';
}

static const char *profile_name(cert_aws *aws, const char *profile)
{
    return profile != NULL ? profile : cert_aws__config_profile(aws->cfg);
}

static const char *get(cert_aws *aws, const char *profile, const char *key)
{
    return cert_aws__config_get(aws->cfg, profile, key);
}

/* Where a profile's setting is, for messages: the credentials file when it is there. */
static const char *file_of(cert_aws *aws, const char *profile, const char *key)
{
    bool creds = cert_aws__config_get_in(aws->cfg, profile, key, true) != NULL;

    return cert_aws__config_file(aws->cfg, creds);
}

static void secret_free(char *s)
{
    if (s != NULL) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

/* jansson keeps string values in its own allocations: wipe them before json_decref(). */
static void json_wipe(json_t *j)
{
    if (json_is_string(j)) {
        OPENSSL_cleanse((char *)json_string_value(j), json_string_length(j));
    } else if (json_is_object(j)) {
        const char *k;
        json_t *v;

        json_object_foreach(j, k, v)
        {
            json_wipe(v);
        }
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;

        json_array_foreach(j, i, v)
        {
            json_wipe(v);
        }
    }
}

static void json_free_secret(json_t *j)
{
    if (j != NULL) {
        json_wipe(j);
        json_decref(j);
    }
}

/* The same for libxml2's text nodes (names and interned strings are not secrets). */
static void xml_wipe(xmlDoc *doc, xmlNode *n)
{
    for (; n != NULL; n = n->next) {
        if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content != NULL &&
            (doc->dict == NULL || !xmlDictOwns(doc->dict, n->content)))
            OPENSSL_cleanse(n->content, (size_t)xmlStrlen(n->content));
        xml_wipe(doc, n->children);
    }
}

static const char *jstr(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* RFC 3339 / ISO 8601 as the providers write it; the AWS CLI v2's SSO cache once wrote
 * "2019-11-14T04:05:45UTC". */
static bool parse_time(const char *text, int64_t *out)
{
    char buf[64];
    size_t n;

    if (text == NULL || (n = strlen(text)) >= sizeof(buf) || n < 4)
        return false;
    memcpy(buf, text, n + 1);
    if (strcmp(buf + n - 3, "UTC") == 0) {
        buf[n - 3] = 'Z';
        buf[n - 2] = '\0';
    }
    return cert__time_parse(buf, out) == CERT_OK;
}

/* "profile dev: " + the callee's message (which already names the service and the answer). */
static cert_err profile_error(cert_err err, const char *name)
{
    return cert__error_set(err, "profile %s: %s", name, cert_error_last()->message);
}

/* A role session name as botocore makes one ("botocore-session-<epoch>"), named for us. */
static void default_session_name(char buf[64])
{
    snprintf(buf, 64, "libcert-session-%lld", (long long)cert_aws__now());
}

/* ---- STS ---- */

/*
 * POST an STS query action and take <Credentials> from its result (AssumeRole and
 * AssumeRoleWithWebIdentity API references). signer NULL: unsigned.
 */
static cert_err sts_credentials(cert_aws *aws, const char *action, const cert_buf *body,
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
        err = profile_error(err, name);
        goto done;
    }
    doc = cert_aws__xml_parse(resp.body.ptr, resp.body.len);
    if (doc != NULL)
        c = cert_aws__xml_find(xmlDocGetRootElement(doc), "Credentials");
    if (c != NULL) {
        akid = cert_aws__xml_child_text(c, "AccessKeyId");
        secret = cert_aws__xml_child_text(c, "SecretAccessKey");
        token = cert_aws__xml_child_text(c, "SessionToken");
        exp = cert_aws__xml_child_text(c, "Expiration");
    }
    if (!set(akid) || !set(secret) || !set(token))
        CERT_FAIL(CERT_E_AWS,
                  "profile %s: STS %s answered without Credentials (AccessKeyId, "
                  "SecretAccessKey, SessionToken); check the STS endpoint (%s)",
                  name, action, cert_aws_endpoint(aws, CERT_AWS_STS));
    if (exp != NULL && !parse_time(exp, &expiration))
        CERT_FAIL(CERT_E_AWS, "profile %s: STS %s answered an Expiration that is not a time", name,
                  action);
    CERT_TRY(cert_aws__creds_set(out, akid, secret, token, expiration, source));

done:
    free(akid);
    secret_free(secret);
    secret_free(token);
    free(exp);
    if (doc != NULL) {
        xml_wipe(doc, xmlDocGetRootElement(doc));
        xmlFreeDoc(doc);
    }
    cert_aws__response_free(&resp);
    return err;
}

static bool has_static_keys(cert_aws *aws, const char *profile)
{
    return get(aws, profile, "aws_access_key_id") != NULL ||
           get(aws, profile, "aws_secret_access_key") != NULL;
}

/* credential_source (the reference guide's "Assume role credentials", credential_source). */
static cert_err from_credential_source(cert_aws *aws, const char *name, const char *src,
                                       aws_creds *out)
{
    cert_err err;

    if (strcmp(src, "Environment") == 0)
        err = cert_aws__creds_env(aws, out);
    else if (strcmp(src, "Ec2InstanceMetadata") == 0)
        err = cert_aws__creds_imds(aws, out);
    else if (strcmp(src, "EcsContainer") == 0)
        err = cert_aws__creds_container(aws, out);
    else
        return cert__error_set(CERT_E_AWS,
                               "profile %s: credential_source %s is not supported; use "
                               "Environment, Ec2InstanceMetadata or EcsContainer",
                               name, src);
    if (err == CERT_CREDS_NONE)
        return cert__error_set(CERT_E_AWS,
                               "profile %s: credential_source %s found no credentials; provide "
                               "them there or use source_profile",
                               name, src);
    return err;
}

cert_err cert_aws__creds_assume_role(cert_aws *aws, const char *profile, int depth, aws_creds *out)
{
    cert_err err = CERT_OK;
    const char *name = profile_name(aws, profile);
    const char *role_arn = get(aws, profile, "role_arn");
    const char *source_profile, *credential_source, *v;
    aws_creds src;
    cert_buf body;
    char session[64];

    memset(&src, 0, sizeof(src));
    cert__buf_init(&body, 1u << 16, true);
    /* botocore's AssumeRoleProvider: role_arn without web_identity_token_file (that is the
     * web identity provider's). In a source profile static keys win over role_arn
     * (_resolve_credentials_from_profile), which also lets a profile name itself as its
     * source_profile to hold the keys the role is assumed with. */
    if (role_arn == NULL || get(aws, profile, "web_identity_token_file") != NULL)
        return CERT_CREDS_NONE;
    if (depth > 0 && has_static_keys(aws, profile))
        return CERT_CREDS_NONE;
    if (!set(role_arn))
        return cert__error_set(CERT_E_AWS, "profile %s in %s: role_arn is empty; give the ARN",
                               name, file_of(aws, profile, "role_arn"));
    source_profile = get(aws, profile, "source_profile");
    credential_source = get(aws, profile, "credential_source");
    if (get(aws, profile, "mfa_serial") != NULL)
        return cert__error_set(CERT_E_AWS,
                               "profile %s has mfa_serial: libcert cannot prompt for an MFA code; "
                               "use a profile without mfa_serial (for example with keys from "
                               "`aws sts get-session-token`)",
                               name);
    if (source_profile != NULL && credential_source != NULL)
        return cert__error_set(CERT_E_AWS,
                               "profile %s has both source_profile and credential_source; "
                               "keep one",
                               name);
    if (!set(source_profile) && !set(credential_source))
        return cert__error_set(CERT_E_AWS,
                               "profile %s has role_arn but no source_profile or "
                               "credential_source; set one to say which credentials assume the "
                               "role",
                               name);

    /* The source credentials. */
    if (set(credential_source)) {
        CERT_TRY(from_credential_source(aws, name, credential_source, &src));
    } else {
        if (!cert_aws__config_has_profile(aws->cfg, source_profile))
            CERT_FAIL(CERT_E_AWS,
                      "profile %s: its source_profile %s is not in %s or %s; add it or fix "
                      "source_profile",
                      name, source_profile, cert_aws__config_file(aws->cfg, false),
                      cert_aws__config_file(aws->cfg, true));
        err = cert_aws__creds_for_profile(aws, source_profile, depth + 1, &src);
        if (err == CERT_CREDS_NONE)
            CERT_FAIL(CERT_E_AWS,
                      "profile %s: its source_profile %s has no credentials; give it keys, "
                      "credential_process, SSO or a role",
                      name, source_profile);
        if (err < 0)
            goto done;
    }

    /* AssumeRole (STS API reference): RoleArn, RoleSessionName, ExternalId, DurationSeconds. */
    v = get(aws, profile, "role_session_name");
    if (set(v)) {
        snprintf(session, sizeof(session), "%s", v);
        if (strlen(v) >= sizeof(session))
            CERT_FAIL(CERT_E_AWS, "profile %s: role_session_name is longer than 64 characters",
                      name);
    } else {
        default_session_name(session);
    }
    CERT_TRY(cert_aws__query_add(&body, "Action", "AssumeRole"));
    CERT_TRY(cert_aws__query_add(&body, "Version", STS_VERSION));
    CERT_TRY(cert_aws__query_add(&body, "RoleArn", role_arn));
    CERT_TRY(cert_aws__query_add(&body, "RoleSessionName", session));
    v = get(aws, profile, "external_id");
    if (set(v))
        CERT_TRY(cert_aws__query_add(&body, "ExternalId", v));
    v = get(aws, profile, "duration_seconds");
    if (v != NULL) {
        char *end;
        long d = strtol(v, &end, 10);

        if (end == v || *end != '\0' || d < DURATION_MIN || d > DURATION_MAX)
            CERT_FAIL(CERT_E_AWS,
                      "profile %s in %s: duration_seconds %s is not a whole number of seconds "
                      "from %d to %d",
                      name, file_of(aws, profile, "duration_seconds"), v, DURATION_MIN,
                      DURATION_MAX);
        CERT_TRY(cert_aws__query_add(&body, "DurationSeconds", v));
    }
    cert_aws__log(aws, "credentials: profile %s assumes %s with credentials from %s", name,
                  role_arn, src.source ? src.source : "?");
    CERT_TRY(sts_credentials(aws, "AssumeRole", &body, &src, name, "assume role", out));

done:
    cert_aws__creds_clear(&src);
    cert__buf_free(&body);
    return err;
}

/* ---- web identity ---- */

/* A token file's contents without trailing white space (a JWT holds none; editors add "\n").
 * `what` names the file's setting for messages. */
static cert_err read_token_file(const char *path, const char *what, cert_buf *out)
{
    cert_err err = cert__file_read(path, TOKEN_FILE_MAX, out);

    if (err < 0)
        return cert__error_set(CERT_E_AWS, "%s: %s", what, cert_error_last()->message);
    while (out->len > 0 && (out->ptr[out->len - 1] == '\n' || out->ptr[out->len - 1] == '\r' ||
                            out->ptr[out->len - 1] == ' ' || out->ptr[out->len - 1] == '\t'))
        out->ptr[--out->len] = '\0';
    if (out->len == 0)
        return cert__error_set(CERT_E_AWS, "%s: %s is empty; it must hold the token", what, path);
    if (memchr(out->ptr, '\0', out->len) != NULL || strpbrk(out->ptr, "\r\n") != NULL)
        return cert__error_set(CERT_E_AWS,
                               "%s: %s holds more than one line; it must hold the "
                               "token alone",
                               what, path);
    return CERT_OK;
}

cert_err cert_aws__creds_web_identity(cert_aws *aws, const char *profile, aws_creds *out)
{
    cert_err err = CERT_OK;
    const char *name = profile_name(aws, profile);
    /* The environment counts for the profile being resolved, not for a source_profile
     * (botocore's disable_env_vars); each variable overrides its profile setting. */
    bool use_env = profile == NULL;
    const char *env_file = use_env ? getenv("AWS_WEB_IDENTITY_TOKEN_FILE") : NULL;
    const char *env_arn = use_env ? getenv("AWS_ROLE_ARN") : NULL;
    const char *env_session = use_env ? getenv("AWS_ROLE_SESSION_NAME") : NULL;
    const char *token_file, *role_arn, *session_v;
    char what[300], session[64];
    cert_buf token, body;

    cert__buf_init(&token, TOKEN_FILE_MAX, true);
    cert__buf_init(&body, 1u << 17, true);
    token_file = set(env_file) ? env_file : get(aws, profile, "web_identity_token_file");
    if (!set(token_file))
        return CERT_CREDS_NONE;
    if (set(env_file))
        snprintf(what, sizeof(what), "AWS_WEB_IDENTITY_TOKEN_FILE");
    else
        snprintf(what, sizeof(what), "profile %s: web_identity_token_file", name);
    role_arn = set(env_arn) ? env_arn : get(aws, profile, "role_arn");
    if (!set(role_arn))
        return cert__error_set(CERT_E_AWS,
                               "%s is set but no role to assume is: set AWS_ROLE_ARN or role_arn "
                               "in profile %s",
                               what, name);
    session_v = set(env_session) ? env_session : get(aws, profile, "role_session_name");
    if (set(session_v)) {
        if (strlen(session_v) >= sizeof(session))
            return cert__error_set(CERT_E_AWS,
                                   "the role session name for profile %s is longer than 64 "
                                   "characters",
                                   name);
        snprintf(session, sizeof(session), "%s", session_v);
    } else {
        default_session_name(session);
    }
    CERT_TRY(read_token_file(token_file, what, &token));
    /* AssumeRoleWithWebIdentity is not signed: the token is the credential (STS API
     * reference). */
    CERT_TRY(cert_aws__query_add(&body, "Action", "AssumeRoleWithWebIdentity"));
    CERT_TRY(cert_aws__query_add(&body, "Version", STS_VERSION));
    CERT_TRY(cert_aws__query_add(&body, "RoleArn", role_arn));
    CERT_TRY(cert_aws__query_add(&body, "RoleSessionName", session));
    CERT_TRY(cert_aws__query_add(&body, "WebIdentityToken", token.ptr));
    cert_aws__log(aws, "credentials: web identity for %s (token from %s)", role_arn, what);
    CERT_TRY(
        sts_credentials(aws, "AssumeRoleWithWebIdentity", &body, NULL, name, "web identity", out));

done:
    cert__buf_free(&token);
    cert__buf_free(&body);
    return err;
}

/* ---- SSO (IAM Identity Center) ---- */

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
    const char *p = get(aws, profile, key);
    const char *s = section ? cert_aws__config_section_get(aws->cfg, section, key) : NULL;

    *out = s != NULL ? s : p;
    if (s != NULL && p != NULL && strcmp(s, p) != 0)
        return cert__error_set(CERT_E_AWS,
                               "profile %s: %s differs between the profile and [%s] in %s; "
                               "keep one",
                               profile_name(aws, profile), key, section,
                               cert_aws__config_file(aws->cfg, false));
    return CERT_OK;
}

/* The portal of the SSO region: the session's endpoint unless the profile being resolved is
 * not the session's profile (a source_profile) and the session uses AWS's own portal. */
static char *sso_endpoint(cert_aws *aws, const char *profile, const char *region)
{
    const char *cur = aws->endpoint[CERT_AWS_SSO];
    char *url = NULL;
    static const char pre[] = "https://portal.sso.", post[] = ".amazonaws.com";
    size_t n = strlen(cur);

    if (profile != NULL && region != NULL && n > sizeof(pre) + sizeof(post) - 2 &&
        strncmp(cur, pre, sizeof(pre) - 1) == 0 &&
        strcmp(cur + n - (sizeof(post) - 1), post) == 0) {
        if (asprintf(&url, "%s%s%s", pre, region, post) < 0)
            return NULL;
        return url;
    }
    return strdup(cur);
}

cert_err cert_aws__creds_sso(cert_aws *aws, const char *profile, aws_creds *out)
{
    cert_err err = CERT_OK;
    const char *name = profile_name(aws, profile);
    const char *account = get(aws, profile, "sso_account_id");
    const char *role = get(aws, profile, "sso_role_name");
    const char *session = get(aws, profile, "sso_session");
    const char *start_url = NULL, *region = NULL, *token, *expires;
    char section[300], key[41], missing[200] = "", hint[400];
    char *cache_path = NULL, *endpoint = NULL;
    cert_buf file, query;
    json_t *cache = NULL, *answer = NULL, *rc;
    int64_t exp_at = 0, expiration;
    aws_request req;
    aws_response resp;
    cert_http_header hdr;
    const char *home = getenv("HOME");

    cert__buf_init(&file, SSO_CACHE_MAX, true);
    cert__buf_init(&query, 4096, false);
    memset(&resp, 0, sizeof(resp));
    /* botocore's SSOProvider: sso_account_id or sso_role_name makes a profile an SSO one. */
    if (account == NULL && role == NULL)
        return CERT_CREDS_NONE;
    snprintf(section, sizeof(section), "sso-session %s", session ? session : "");
    if (session != NULL &&
        cert_aws__config_section_get(aws->cfg, section, "sso_start_url") == NULL &&
        cert_aws__config_section_get(aws->cfg, section, "sso_region") == NULL)
        return cert__error_set(CERT_E_AWS,
                               "profile %s: sso_session %s has no [sso-session %s] section with "
                               "sso_start_url and sso_region in %s; add it (aws configure sso)",
                               name, session, session, cert_aws__config_file(aws->cfg, false));
    CERT_TRY(sso_setting(aws, profile, session ? section : NULL, "sso_start_url", &start_url));
    CERT_TRY(sso_setting(aws, profile, session ? section : NULL, "sso_region", &region));
    snprintf(missing, sizeof(missing), "%s%s%s%s", set(start_url) ? "" : " sso_start_url",
             set(region) ? "" : " sso_region", set(account) ? "" : " sso_account_id",
             set(role) ? "" : " sso_role_name");
    if (missing[0] != '\0')
        CERT_FAIL(CERT_E_AWS,
                  "profile %s is configured for SSO but lacks%s; run `aws configure sso "
                  "--profile %s`",
                  name, missing, name);
    snprintf(hint, sizeof(hint), "run `aws sso login --profile %s`", name);

    /* The token `aws sso login` cached: ~/.aws/sso/cache/<sha1 of the session name, or of the
     * start URL for a legacy profile>.json, with accessToken and expiresAt. */
    if (!set(home))
        CERT_FAIL(CERT_E_AWS,
                  "profile %s uses SSO but HOME is not set, so ~/.aws/sso/cache "
                  "cannot be found; set HOME",
                  name);
    sha1_hex(session ? session : start_url, key);
    if (asprintf(&cache_path, "%s/.aws/sso/cache/%s.json", home, key) < 0) {
        cache_path = NULL;
        CERT_NOMEM();
    }
    err = cert__file_read(cache_path, SSO_CACHE_MAX, &file);
    if (err < 0)
        CERT_FAIL(CERT_E_AWS, "profile %s: no SSO token cached for %s %s (%s); %s", name,
                  session ? "sso-session" : "start URL", session ? session : start_url, cache_path,
                  hint);
    cache = json_loadb(file.ptr, file.len, 0, NULL);
    token = jstr(cache, "accessToken");
    expires = jstr(cache, "expiresAt");
    if (!json_is_object(cache) || !set(token) || !set(expires) || !parse_time(expires, &exp_at))
        CERT_FAIL(CERT_E_AWS,
                  "profile %s: %s is not an SSO token cache (accessToken, expiresAt); %s", name,
                  cache_path, hint);
    if (exp_at <= cert_aws__now())
        CERT_FAIL(CERT_E_AWS, "profile %s: the SSO token in %s expired at %s; %s", name, cache_path,
                  expires, hint);

    /* GetRoleCredentials (IAM Identity Center portal API reference): GET
     * /federation/credentials?role_name&account_id with x-amz-sso_bearer_token, unsigned. */
    CERT_TRY(cert_aws__query_add(&query, "role_name", role));
    CERT_TRY(cert_aws__query_add(&query, "account_id", account));
    endpoint = sso_endpoint(aws, profile, region);
    if (endpoint == NULL)
        CERT_NOMEM();
    hdr.name = "x-amz-sso_bearer_token";
    hdr.value = token;
    memset(&req, 0, sizeof(req));
    req.service = CERT_AWS_SSO;
    req.action = "GetRoleCredentials";
    req.method = "GET";
    req.path = "/federation/credentials";
    req.query = query.ptr;
    req.headers = &hdr;
    req.header_count = 1;
    req.anonymous = true;
    cert_aws__log(aws, "credentials: SSO role %s in account %s for profile %s", role, account,
                  name);
    req.endpoint = endpoint;
    err = cert_aws__send(aws, &req, &resp);
    if (err < 0) {
        if (err == CERT_E_AWS && (resp.status == 401 || resp.status == 403))
            err = cert__error_set(err, "profile %s: %s; the SSO session may have ended: %s", name,
                                  cert_error_last()->message, hint);
        else
            err = profile_error(err, name);
        goto done;
    }
    answer = json_loadb(resp.body.ptr, resp.body.len, 0, NULL);
    rc = json_object_get(answer, "roleCredentials");
    if (!json_is_object(rc) || !set(jstr(rc, "accessKeyId")) || !set(jstr(rc, "secretAccessKey")) ||
        !set(jstr(rc, "sessionToken")) || !json_is_integer(json_object_get(rc, "expiration")))
        CERT_FAIL(CERT_E_AWS,
                  "profile %s: SSO GetRoleCredentials answered without roleCredentials "
                  "(accessKeyId, secretAccessKey, sessionToken, expiration); check the SSO "
                  "endpoint (%s)",
                  name, endpoint);
    /* expiration is in milliseconds since the epoch. */
    expiration = (int64_t)(json_integer_value(json_object_get(rc, "expiration")) / 1000);
    CERT_TRY(cert_aws__creds_set(out, jstr(rc, "accessKeyId"), jstr(rc, "secretAccessKey"),
                                 jstr(rc, "sessionToken"), expiration, "SSO"));

done:
    json_free_secret(cache);
    json_free_secret(answer);
    cert__buf_free(&file);
    cert__buf_free(&query);
    cert_aws__response_free(&resp);
    free(cache_path);
    free(endpoint);
    return err;
}

/* ---- credential_process ---- */

/*
 * Split a command line into words as Python's shlex.split() does in POSIX mode, which is what
 * botocore runs credential_process through: blanks separate words, '...' is literal, inside
 * "..." a backslash escapes only '"' and '\', outside quotes it escapes any character; quoted
 * and unquoted parts of one word join. Nothing is expanded ($VAR, globs, ~).
 *
 * Why not /bin/sh -c: botocore (and so the AWS CLI v1) runs the words without a shell, so a
 * config line means the same to both, and nothing from the config file is ever interpreted by
 * a shell (no pipes, redirections or command substitution a profile could smuggle in).
 */
static cert_err split_command(const char *cmd, const char *name, char ***argv_out)
{
    size_t len = strlen(cmd), nw = 0, o = 0;
    char *store = malloc(len * 2 + 2), **argv = calloc(len / 2 + 2, sizeof(*argv));
    const char *p = cmd;
    bool in_word = false;

    *argv_out = NULL;
    if (store == NULL || argv == NULL) {
        free(store);
        free(argv);
        return cert__error_nomem();
    }
    while (*p != '\0') {
        char c = *p;

        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (in_word) {
                store[o++] = '\0';
                in_word = false;
            }
            p++;
            continue;
        }
        if (!in_word) {
            argv[nw++] = store + o;
            in_word = true;
        }
        if (c == '\\') {
            if (p[1] == '\0')
                goto unterminated;
            store[o++] = p[1];
            p += 2;
        } else if (c == '\'') {
            const char *end = strchr(p + 1, '\'');

            if (end == NULL)
                goto unterminated;
            memcpy(store + o, p + 1, (size_t)(end - p - 1));
            o += (size_t)(end - p - 1);
            p = end + 1;
        } else if (c == '"') {
            for (p++;; p++) {
                if (*p == '\0')
                    goto unterminated;
                if (*p == '"')
                    break;
                if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
                    p++;
                store[o++] = *p;
            }
            p++;
        } else {
            store[o++] = c;
            p++;
        }
    }
    if (in_word)
        store[o++] = '\0';
    if (nw == 0) {
        free(store);
        free(argv);
        return cert__error_set(CERT_E_AWS,
                               "profile %s: credential_process is empty; give the "
                               "command that prints credentials",
                               name);
    }
    argv[nw] = NULL;
    *argv_out = argv; /* argv[0] is the start of store */
    return CERT_OK;

unterminated:
    free(store);
    free(argv);
    return cert__error_set(CERT_E_AWS,
                           "profile %s: credential_process has an unterminated quote or a "
                           "trailing backslash; fix the command line",
                           name);
}

static long elapsed_since(const struct timespec *t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (long)((t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000);
}

static long process_timeout_ms(void)
{
    const char *v = getenv("LIBCERT_CREDENTIAL_PROCESS_TIMEOUT_MS"); /* a test knob */
    long ms = v ? strtol(v, NULL, 10) : 0;

    return ms > 0 ? ms : PROCESS_TIMEOUT_MS;
}

/* Run argv without a shell; its stdout into out (capped), its stderr passes through to ours,
 * stdin is inherited (a helper may prompt on the terminal). */
static cert_err run_process(char *const argv[], const char *name, cert_buf *out, int *status)
{
    cert_err err = CERT_OK;
    int fds[2] = {-1, -1};
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    bool fa_ok = false, attr_ok = false, reaped = false;
    pid_t pid = -1;
    sigset_t mask, def;
    struct timespec t0;
    long limit = process_timeout_ms();
    char chunk[4096];
    int rc;

    *status = -1;
    /* posix_spawnp() reports a missing program as an error only where it is a real spawn (not
     * a fork + exec, as under valgrind, which exits 127): check a path ourselves. */
    if (strchr(argv[0], '/') != NULL && access(argv[0], X_OK) != 0)
        CERT_FAIL(CERT_E_AWS, "profile %s: credential_process: cannot run %s: %s", name, argv[0],
                  strerror(errno));
    if (pipe2(fds, O_CLOEXEC) != 0)
        CERT_FAIL(CERT_E_AWS, "profile %s: credential_process: cannot make a pipe: %s", name,
                  strerror(errno));
    if (posix_spawn_file_actions_init(&fa) != 0)
        CERT_NOMEM();
    fa_ok = true;
    if (posix_spawnattr_init(&attr) != 0)
        CERT_NOMEM();
    attr_ok = true;
    /* The child's stdout is the pipe (dup2 drops close-on-exec on fd 1; every other descriptor
     * of ours is close-on-exec or inherited as the caller chose). Signals start from their
     * defaults, unblocked, whatever the calling program did with them. */
    if (posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO) != 0)
        CERT_NOMEM();
    sigemptyset(&mask);
    sigemptyset(&def);
    sigaddset(&def, SIGPIPE);
    sigaddset(&def, SIGCHLD);
    posix_spawnattr_setsigmask(&attr, &mask);
    posix_spawnattr_setsigdefault(&attr, &def);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
    if (rc != 0) {
        pid = -1;
        CERT_FAIL(CERT_E_AWS, "profile %s: credential_process: cannot run %s: %s", name, argv[0],
                  strerror(rc));
    }
    close(fds[1]);
    fds[1] = -1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        struct pollfd pfd = {fds[0], POLLIN, 0};
        long left = limit - elapsed_since(&t0);
        ssize_t n;

        if (left <= 0)
            CERT_FAIL(CERT_E_AWS,
                      "profile %s: credential_process %s did not finish within %.1f s; it was "
                      "stopped",
                      name, argv[0], (double)limit / 1000.0);
        rc = poll(&pfd, 1, left > 1000 ? 1000 : (int)left);
        if (rc < 0 && errno != EINTR)
            CERT_FAIL(CERT_E_AWS, "profile %s: credential_process: poll: %s", name,
                      strerror(errno));
        if (rc <= 0)
            continue;
        n = read(fds[0], chunk, sizeof(chunk));
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            CERT_FAIL(CERT_E_AWS, "profile %s: credential_process: read: %s", name,
                      strerror(errno));
        }
        if (n == 0)
            break;
        if (cert__buf_add(out, chunk, (size_t)n, NULL) < 0)
            CERT_FAIL(CERT_E_AWS,
                      "profile %s: credential_process %s printed more than %u bytes; it was "
                      "stopped",
                      name, argv[0], PROCESS_OUTPUT_MAX);
    }
    /* Output closed: wait for the exit within what is left of the time limit. */
    for (;;) {
        pid_t w = waitpid(pid, status, WNOHANG);

        if (w == pid) {
            reaped = true;
            break;
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            /* ECHILD: the program reaps children itself (SIGCHLD ignored); go by the output. */
            reaped = true;
            *status = 0;
            break;
        }
        if (elapsed_since(&t0) >= limit)
            CERT_FAIL(CERT_E_AWS,
                      "profile %s: credential_process %s did not exit within %.1f s; it was "
                      "stopped",
                      name, argv[0], (double)limit / 1000.0);
        {
            struct timespec ts = {0, 5000000};

            nanosleep(&ts, NULL);
        }
    }

done:
    OPENSSL_cleanse(chunk, sizeof(chunk));
    if (pid > 0 && !reaped) {
        kill(pid, SIGKILL);
        while (waitpid(pid, status, 0) < 0 && errno == EINTR)
            ;
    }
    if (fds[0] >= 0)
        close(fds[0]);
    if (fds[1] >= 0)
        close(fds[1]);
    if (fa_ok)
        posix_spawn_file_actions_destroy(&fa);
    if (attr_ok)
        posix_spawnattr_destroy(&attr);
    return err;
}

cert_err cert_aws__creds_process(cert_aws *aws, const char *profile, aws_creds *out)
{
    cert_err err = CERT_OK;
    const char *name = profile_name(aws, profile);
    const char *cmd = get(aws, profile, "credential_process");
    char **argv = NULL;
    cert_buf output;
    json_t *j = NULL, *version;
    json_error_t jerr;
    int status = -1;
    int64_t expiration = INT64_MAX;
    const char *akid, *secret, *token, *exp;

    cert__buf_init(&output, PROCESS_OUTPUT_MAX, true);
    if (cmd == NULL)
        return CERT_CREDS_NONE;
    CERT_TRY(split_command(cmd, name, &argv));
    cert_aws__log(aws, "credentials: profile %s runs credential_process %s", name, argv[0]);
    CERT_TRY(run_process(argv, name, &output, &status));
    if (WIFSIGNALED(status))
        CERT_FAIL(CERT_E_AWS,
                  "profile %s: credential_process %s was killed by signal %d; run it by hand "
                  "to see why",
                  name, argv[0], WTERMSIG(status));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        CERT_FAIL(CERT_E_AWS,
                  "profile %s: credential_process %s exited with status %d%s (its messages are "
                  "on stderr above); fix it or run it by hand",
                  name, argv[0], WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                  WIFEXITED(status) && WEXITSTATUS(status) == 127 ? " (not found?)" : "");
    /* The output is secret: never quoted in a message (jansson's error text quotes it). */
    j = json_loadb(output.ptr ? output.ptr : "", output.len, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(j))
        CERT_FAIL(CERT_E_AWS,
                  "profile %s: credential_process %s printed no JSON object (line %d, column "
                  "%d); it must print {\"Version\": 1, \"AccessKeyId\": ..., "
                  "\"SecretAccessKey\": ...}",
                  name, argv[0], jerr.line, jerr.column);
    /* "Sourcing credentials with an external process" (IAM User Guide): Version 1 only. */
    version = json_object_get(j, "Version");
    if (!json_is_integer(version) || json_integer_value(version) != 1)
        CERT_FAIL(CERT_E_AWS,
                  "profile %s: credential_process %s printed no \"Version\": 1; only version 1 "
                  "is supported",
                  name, argv[0]);
    akid = jstr(j, "AccessKeyId");
    secret = jstr(j, "SecretAccessKey");
    token = jstr(j, "SessionToken");
    exp = jstr(j, "Expiration");
    if (!set(akid) || !set(secret))
        CERT_FAIL(CERT_E_AWS,
                  "profile %s: credential_process %s printed no AccessKeyId or SecretAccessKey",
                  name, argv[0]);
    if (json_object_get(j, "SessionToken") != NULL &&
        !json_is_null(json_object_get(j, "SessionToken")) && token == NULL)
        CERT_FAIL(CERT_E_AWS,
                  "profile %s: credential_process %s printed a SessionToken that "
                  "is not a string",
                  name, argv[0]);
    if (set(exp) && !parse_time(exp, &expiration))
        CERT_FAIL(CERT_E_AWS,
                  "profile %s: credential_process %s printed an Expiration that is not an RFC "
                  "3339 time",
                  name, argv[0]);
    CERT_TRY(cert_aws__creds_set(out, akid, secret, token, expiration, "credential_process"));

done:
    json_free_secret(j);
    cert__buf_free(&output);
    if (argv != NULL) {
        free(argv[0]);
        free(argv);
    }
    return err;
}

/* ---- container and instance metadata (JSON over plain HTTP) ---- */

/* AccessKeyId, SecretAccessKey, Token, Expiration: the container and IMDS answers' shape. */
static cert_err creds_from_json(const json_t *j, const char *what, const char *source,
                                aws_creds *out)
{
    int64_t expiration = INT64_MAX;
    const char *exp = jstr(j, "Expiration");

    if (!set(jstr(j, "AccessKeyId")) || !set(jstr(j, "SecretAccessKey")))
        return cert__error_set(CERT_E_AWS,
                               "%s answered no AccessKeyId and SecretAccessKey; check the "
                               "endpoint",
                               what);
    if (set(exp) && !parse_time(exp, &expiration))
        return cert__error_set(CERT_E_AWS, "%s answered an Expiration that is not a time", what);
    return cert_aws__creds_set(out, jstr(j, "AccessKeyId"), jstr(j, "SecretAccessKey"),
                               jstr(j, "Token"), expiration, source);
}

/* A short, printable excerpt of an error answer's message, for errors (never of a 200). */
static void answer_message(const cert_buf *b, char *buf, size_t size)
{
    json_t *j = b->ptr ? json_loadb(b->ptr, b->len, 0, NULL) : NULL;
    const char *m = jstr(j, "message");

    if (m == NULL)
        m = jstr(j, "Message");
    snprintf(buf, size, "%s%s", m ? ": " : "", m ? m : "");
    for (char *p = buf; *p; p++) {
        if ((unsigned char)*p < 0x20)
            *p = ' ';
    }
    json_free_secret(j);
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
        err = cert__error_set(CERT_E_AWS,
                              "AWS_CONTAINER_CREDENTIALS_FULL_URI %s is not a URL; give "
                              "http(s)://HOST/PATH",
                              url);
    else if (strcmp(scheme, "https") != 0 &&
             !(strcmp(scheme, "http") == 0 && container_host_ok(host)))
        err = cert__error_set(CERT_E_AWS,
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
    if (set(file)) {
        cert_err err = read_token_file(file, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", out);

        if (err < 0)
            return err;
        *have = true;
        return CERT_OK;
    }
    if (set(tok)) {
        if (strpbrk(tok, "\r\n") != NULL)
            return cert__error_set(CERT_E_AWS,
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
    const char *var =
        set(rel) ? "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI" : "AWS_CONTAINER_CREDENTIALS_FULL_URI";
    char *url = NULL;
    char what[600], msg[200];
    cert_buf token, body;
    cert_http_header hdr;
    bool have_token = false;
    long status = 0;
    json_t *j = NULL;

    cert__buf_init(&token, TOKEN_FILE_MAX, true);
    cert__buf_init(&body, 0, true);
    if (!set(rel) && !set(full))
        return CERT_CREDS_NONE;
    /* "Container credential provider": the relative URI is on the ECS agent's address and
     * wins over the full URI. */
    if (set(rel)) {
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
    if (status != 200) {
        answer_message(&body, msg, sizeof(msg));
        CERT_FAIL(
            status >= 500 ? CERT_E_NET : CERT_E_AWS, "%s answered HTTP %ld%s%s", what, status, msg,
            status == 401 || status == 403 ? "; check AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)"
                                           : "");
    }
    j = json_loadb(body.ptr ? body.ptr : "", body.len, 0, NULL);
    if (!json_is_object(j))
        CERT_FAIL(CERT_E_AWS, "%s answered something that is not a JSON object", what);
    CERT_TRY(creds_from_json(j, what, "container", out));

done:
    json_free_secret(j);
    cert__buf_free(&token);
    cert__buf_free(&body);
    free(url);
    return err;
}

static bool truthy(const char *v)
{
    return v != NULL && OPENSSL_strcasecmp(v, "true") == 0;
}

/* A setting from the environment, else from the profile. */
static const char *env_or_profile(cert_aws *aws, const char *env, const char *key)
{
    const char *v = getenv(env);

    return set(v) ? v : get(aws, NULL, key);
}

typedef struct imds {
    cert_aws *aws;
    char *base;      /* endpoint without a trailing '/' */
    bool configured; /* the endpoint was set, so silence from it is an error */
    long timeout_ms;
    int attempts;
    char *token; /* IMDSv2 session token, NULL for IMDSv1 */
} imds;

/* One IMDS exchange with the configured attempts. CERT_E_NET when nothing answered. */
static cert_err imds_call(imds *m, const char *method, const char *path, bool with_token,
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
        if (err == CERT_OK && *status < 500)
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
    m->configured = set(ep);
    if (!set(ep))
        ep = mode != NULL && OPENSSL_strcasecmp(mode, "IPv6") == 0 ? IMDS_IPV6_ENDPOINT
                                                                   : IMDS_DEFAULT_ENDPOINT;
    if (strncmp(ep, "http://", 7) != 0 && strncmp(ep, "https://", 8) != 0)
        return cert__error_set(CERT_E_AWS,
                               "the instance metadata endpoint %s (AWS_EC2_METADATA_SERVICE_"
                               "ENDPOINT / ec2_metadata_service_endpoint) is not an http(s) URL",
                               ep);
    len = strlen(ep);
    while (len > 0 && ep[len - 1] == '/')
        len--;
    if ((m->base = strndup(ep, len)) == NULL)
        return cert__error_nomem();
    m->timeout_ms = IMDS_TIMEOUT_MS;
    if (set(t)) {
        char *end;
        double s = strtod(t, &end);

        if (*end != '\0' || !(s > 0 && s <= 3600))
            return cert__error_set(CERT_E_AWS,
                                   "metadata_service_timeout %s (AWS_METADATA_SERVICE_TIMEOUT) is "
                                   "not a number of seconds",
                                   t);
        m->timeout_ms = (long)(s * 1000.0);
    }
    m->attempts = 1;
    if (set(n)) {
        char *end;
        long a = strtol(n, &end, 10);

        if (*end != '\0' || a < 1 || a > 10)
            return cert__error_set(CERT_E_AWS,
                                   "metadata_service_num_attempts %s "
                                   "(AWS_METADATA_SERVICE_NUM_ATTEMPTS) is not from 1 to 10",
                                   n);
        m->attempts = (int)a;
    }
    return CERT_OK;
}

cert_err cert_aws__creds_imds(cert_aws *aws, aws_creds *out)
{
    static const char creds_path[] = "/latest/meta-data/iam/security-credentials/";
    cert_err err = CERT_OK;
    imds m;
    cert_buf body, path;
    long status = 0;
    char *role = NULL;
    char what[400], msg[200];
    json_t *j = NULL;

    memset(&m, 0, sizeof(m));
    cert__buf_init(&body, 0, true);
    cert__buf_init(&path, 4096, false);
    /* AWS_EC2_METADATA_DISABLED=true turns the provider off ("IMDS credential provider"). */
    if (truthy(getenv("AWS_EC2_METADATA_DISABLED")))
        return CERT_CREDS_NONE;
    CERT_TRY(imds_settings(aws, &m));
    snprintf(what, sizeof(what), "instance metadata (%s)", m.base);

    /* IMDSv2 ("Use IMDSv2", EC2 User Guide): a session token first. 403/404/405 mean an
     * IMDSv1-only service: go on without a token, as botocore does. When nothing answers we
     * stop here instead of trying IMDSv1 (botocore tries it and waits twice). */
    err = imds_call(&m, "PUT", "/latest/api/token", false, &status, &body);
    if (err == CERT_E_NET) {
        if (m.configured)
            CERT_FAIL(CERT_E_NET,
                      "%s did not answer: %s; check AWS_EC2_METADATA_SERVICE_ENDPOINT, or set "
                      "AWS_EC2_METADATA_DISABLED=true off EC2",
                      what, cert_error_last()->message);
        cert_aws__log(aws, "credentials: no instance metadata at %s", m.base);
        err = CERT_CREDS_NONE;
        goto done;
    }
    if (err < 0)
        goto done;
    if (status == 200 && body.len > 0) {
        if ((m.token = strndup(body.ptr, body.len)) == NULL)
            CERT_NOMEM();
    } else if (status != 403 && status != 404 && status != 405) {
        CERT_FAIL(CERT_E_AWS, "%s refused an IMDSv2 token (HTTP %ld)", what, status);
    }

    /* The role attached to the instance; 404: none, so no credentials from here. */
    err = imds_call(&m, "GET", creds_path, true, &status, &body);
    if (err == CERT_E_NET)
        CERT_FAIL(CERT_E_NET, "%s: %s", what, cert_error_last()->message);
    if (err < 0)
        goto done;
    if (status == 404) {
        cert_aws__log(aws, "credentials: the instance has no IAM role");
        err = CERT_CREDS_NONE;
        goto done;
    }
    if (status != 200)
        CERT_FAIL(CERT_E_AWS, "%s answered HTTP %ld for the role name%s", what, status,
                  status == 401 ? " (the instance requires IMDSv2 and no token was given)" : "");
    {
        size_t n = strcspn(body.ptr ? body.ptr : "", "\r\n");

        if (n == 0)
            CERT_FAIL(CERT_E_AWS, "%s answered an empty role name", what);
        if ((role = strndup(body.ptr, n)) == NULL)
            CERT_NOMEM();
    }
    CERT_TRY(cert__buf_add(&path, creds_path, strlen(creds_path), NULL));
    CERT_TRY(cert_aws__uri_encode(&path, role, strlen(role), false));
    err = imds_call(&m, "GET", path.ptr, true, &status, &body);
    if (err == CERT_E_NET)
        CERT_FAIL(CERT_E_NET, "%s: %s", what, cert_error_last()->message);
    if (err < 0)
        goto done;
    if (status != 200)
        CERT_FAIL(CERT_E_AWS, "%s answered HTTP %ld for the credentials of role %s", what, status,
                  role);
    j = json_loadb(body.ptr ? body.ptr : "", body.len, 0, NULL);
    if (!json_is_object(j))
        CERT_FAIL(CERT_E_AWS, "%s answered something that is not a JSON object for role %s", what,
                  role);
    /* An instance whose role EC2 may not assume answers 200 with Code and Message. */
    if (jstr(j, "Code") != NULL && strcmp(jstr(j, "Code"), "Success") != 0) {
        snprintf(msg, sizeof(msg), "%s", jstr(j, "Message") ? jstr(j, "Message") : "");
        CERT_FAIL(CERT_E_AWS, "%s: role %s: %s: %s", what, role, jstr(j, "Code"), msg);
    }
    CERT_TRY(creds_from_json(j, what, "instance metadata", out));

done:
    json_free_secret(j);
    cert__buf_free(&body);
    cert__buf_free(&path);
    secret_free(m.token);
    free(m.base);
    free(role);
    return err;
}
