/* SPDX-License-Identifier: Apache-2.0 */
/* The session: settings from options, environment and profile; endpoints; the HTTP handle. */
#include <arpa/inet.h>
#include <libxml/xmlversion.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_int.h"
#include "libcert/partition.h"
#include "util/error_int.h"

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static bool curl_ok;

static void curl_init(void)
{
    /* curl_global_init is not thread-safe in libcurl 7.88: once, here. */
    curl_ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

static const struct {
    const char *env;      /* AWS_ENDPOINT_URL_<service id> */
    const char *cfg;      /* key in a [services] section */
    const char *botocore; /* the service's name in botocore's endpoint data */
} services[CERT_AWS_SERVICE_COUNT] = {
    [CERT_AWS_IAM] = {"AWS_ENDPOINT_URL_IAM", "iam", "iam"},
    [CERT_AWS_CLOUDFRONT] = {"AWS_ENDPOINT_URL_CLOUDFRONT", "cloudfront", "cloudfront"},
    [CERT_AWS_STS] = {"AWS_ENDPOINT_URL_STS", "sts", "sts"},
    [CERT_AWS_SSO] = {"AWS_ENDPOINT_URL_SSO", "sso", "portal.sso"},
    /* The service id "Route 53" (botocore's serviceId) gives AWS_ENDPOINT_URL_ROUTE_53 and the
     * services key route_53 ("Service-specific endpoints", AWS SDKs and Tools reference guide:
     * spaces become underscores). */
    [CERT_AWS_ROUTE53] = {"AWS_ENDPOINT_URL_ROUTE_53", "route_53", "route53"},
    [CERT_AWS_ACM] = {"AWS_ENDPOINT_URL_ACM", "acm", "acm"},
};

static bool set(const char *v)
{
    return v != NULL && *v != '\0';
}

static bool truthy(const char *v)
{
    return v != NULL && OPENSSL_strcasecmp(v, "true") == 0;
}

/* The endpoint someone configured, in the AWS CLI's order ("Service-specific endpoints", AWS SDKs
 * and Tools reference guide): --endpoint-url, AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the
 * profile's services section, the profile's endpoint_url. AWS_IGNORE_CONFIGURED_ENDPOINT_URLS
 * leaves only --endpoint-url. NULL: none (AWS's own). *from says where it came from, for
 * messages. */
static const char *configured_endpoint(const cert_aws_opts *o, const aws_config *cfg,
                                       cert_aws_service s, const char **from)
{
    bool ignore = truthy(getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) ||
                  truthy(cert_aws__config_get(cfg, NULL, "ignore_configured_endpoint_urls"));

    const char *v;

    /* --endpoint-url is the endpoint of the services the tool talks to (IAM, CloudFront, ACM),
     * as the AWS CLI's is; the credential services (STS, the SSO portal) keep their own. */
    *from = "AWS's default";
    if (set(o->endpoint_url) && s != CERT_AWS_STS && s != CERT_AWS_SSO) {
        *from = "--endpoint-url";
        return o->endpoint_url;
    }
    if (ignore)
        return NULL;
    if (set(v = getenv(services[s].env))) {
        *from = services[s].env;
        return v;
    }
    if (set(v = getenv("AWS_ENDPOINT_URL"))) {
        *from = "AWS_ENDPOINT_URL";
        return v;
    }
    if (set(v = cert_aws__config_service_get(cfg, services[s].cfg, "endpoint_url"))) {
        *from = "the profile's services section";
        return v;
    }
    if (set(v = cert_aws__config_get(cfg, NULL, "endpoint_url"))) {
        *from = "the profile's endpoint_url";
        return v;
    }
    return NULL;
}

/* The region as the AWS CLI takes it: --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's
 * region (AWS CLI User Guide, "Environment variables": AWS_REGION overrides AWS_DEFAULT_REGION
 * and the profile). */
static const char *configured_region(const cert_aws_opts *o, const aws_config *cfg)
{
    if (set(o->region))
        return o->region;
    if (set(getenv("AWS_REGION")))
        return getenv("AWS_REGION");
    if (set(getenv("AWS_DEFAULT_REGION")))
        return getenv("AWS_DEFAULT_REGION");
    if (set(cert_aws__config_get(cfg, NULL, "region")))
        return cert_aws__config_get(cfg, NULL, "region");
    return NULL;
}

/* The SSO portal's region: the sso-session's sso_region, or the legacy profile key. */
static const char *sso_region(const aws_config *cfg)
{
    const char *session = cert_aws__config_get(cfg, NULL, "sso_session");
    const char *region = NULL;
    char sec[300];

    if (session != NULL) {
        snprintf(sec, sizeof(sec), "sso-session %s", session);
        region = cert_aws__config_section_get(cfg, sec, "sso_region");
    }
    if (region == NULL)
        region = cert_aws__config_get(cfg, NULL, "sso_region");
    return region;
}

/* Which region of the partition table a service is looked up in. */
static const char *lookup_region(const cert_aws *a, cert_aws_service s)
{
    const char *legacy;
    const char *acm;

    switch (s) {
    case CERT_AWS_IAM:
    case CERT_AWS_CLOUDFRONT:
    case CERT_AWS_ROUTE53:
        return a->region; /* global in each partition: NULL is partition aws */
    case CERT_AWS_ACM:
        /* ACM for CloudFront: always the region CloudFront takes certificates from. */
        acm = cert_partition_cloudfront_acm_region(a->partition);
        return acm != NULL ? acm : a->region != NULL ? a->region : "us-east-1";
    case CERT_AWS_STS:
        /* botocore: sts_regional_endpoints (AWS_STS_REGIONAL_ENDPOINTS) defaults to regional;
         * legacy keeps the global endpoint in partition aws. No region: the global one. */
        legacy = getenv("AWS_STS_REGIONAL_ENDPOINTS");
        if (!set(legacy))
            legacy = cert_aws__config_get(a->cfg, NULL, "sts_regional_endpoints");
        if (a->region == NULL ||
            (legacy != NULL && strcmp(legacy, "legacy") == 0 && strcmp(a->partition, "aws") == 0))
            return "aws-global";
        return a->region;
    case CERT_AWS_SSO:
        return set(sso_region(a->cfg)) ? sso_region(a->cfg) : "us-east-1";
    }
    return a->region;
}

char *cert_aws__own_endpoint(const char *botocore_name, const char *region,
                             char **signing_region_out)
{
    cert_endpoint e;
    char *url = NULL;

    if (signing_region_out != NULL)
        *signing_region_out = NULL;
    if (cert_endpoint_resolve(botocore_name, region, &e) < 0)
        return NULL;
    if (asprintf(&url, "https://%s", e.hostname) < 0) {
        cert__error_nomem();
        return NULL;
    }
    if (signing_region_out != NULL && (*signing_region_out = strdup(e.signing_region)) == NULL) {
        free(url);
        cert__error_nomem();
        return NULL;
    }
    return url;
}

static bool region_name_ok(const char *r)
{
    for (const char *p = r; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return false;
    }
    return *r != '\0' && strlen(r) < 64;
}

/* A host that never leaves the machine: a loopback literal (127.0.0.0/8, ::1, ::ffff:127.x)
 * or localhost. Any other name could resolve anywhere. */
static bool loopback_host(const char *host)
{
    char buf[64];
    size_t n = strlen(host);
    struct in_addr a4;
    struct in6_addr a6;

    if (OPENSSL_strcasecmp(host, "localhost") == 0 || OPENSSL_strcasecmp(host, "localhost.") == 0)
        return true;
    if (inet_pton(AF_INET, host, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    if (n < 2 || host[0] != '[' || host[n - 1] != ']' || n - 2 >= sizeof(buf))
        return false;
    memcpy(buf, host + 1, n - 2);
    buf[n - 2] = '\0';
    if (inet_pton(AF_INET6, buf, &a6) != 1)
        return false;
    if (IN6_IS_ADDR_LOOPBACK(&a6))
        return true;
    return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127;
}

/* Whether a URL is plain HTTP to a host that is not loopback. A URL curl cannot parse is left
 * to the request, which names it. */
static bool cleartext_far(const char *url)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL;
    bool far = false;

    if (u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
        far = OPENSSL_strcasecmp(scheme, "http") == 0 && !loopback_host(host);
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return far;
}

/* Plain HTTP leaves the machine only when asked for (issue #11): the private key of an upload,
 * every SigV4 Authorization and the session token would be readable on the way. The
 * credential endpoints (IMDS, containers) keep the SDKs' own rules (creds_imds.c,
 * creds_container.c). */
static cert_err check_cleartext(cert_aws *a, const cert_aws_opts *o, cert_aws_service s,
                                const char *from)
{
    bool allowed = o->version >= 2 && o->allow_insecure_endpoint;

    if (a->endpoint[s] == NULL || !cleartext_far(a->endpoint[s]))
        return CERT_OK;
    if (!allowed)
        return cert__error_set(CERT_E_INPUT,
                               "%s (%s, for %s): plain HTTP to a host that is not loopback would "
                               "send the request signatures, the session token and what the "
                               "requests carry (an uploaded private key) in cleartext; use "
                               "https://, or --allow-insecure-endpoint on a network you trust",
                               a->endpoint[s], from, cert_aws__service_name(s));
    a->cleartext[s] = true;
    return CERT_OK;
}

/* Each service's endpoint and signing region: the configured endpoint, else AWS's own in the
 * session's partition; the signing region from the partition table either way (an emulator
 * behind an endpoint override is signed for as AWS would be). A service the partition does not
 * have gets no endpoint (cert_aws_service_check() says so); that is not an error here, since a
 * tool that needs only IAM works in every partition. */
static cert_err resolve_endpoints(cert_aws *a, const cert_aws_opts *o)
{
    cert_err err;

    for (int i = 0; i < CERT_AWS_SERVICE_COUNT; i++) {
        cert_aws_service s = (cert_aws_service)i;
        const char *from;
        const char *conf = configured_endpoint(o, a->cfg, s, &from);
        char *own = cert_aws__own_endpoint(services[s].botocore, lookup_region(a, s),
                                           &a->signing_region[s]);

        if (own == NULL && cert_error_last()->code == CERT_E_NOMEM)
            return CERT_E_NOMEM;
        if (own == NULL &&
            (a->signing_region[s] = strdup(a->region ? a->region : "us-east-1")) == NULL)
            return cert__error_nomem();
        cert_error_clear();
        a->endpoint_own[s] = conf == NULL;
        if (conf != NULL) {
            free(own);
            if ((a->endpoint[s] = strdup(conf)) == NULL)
                return cert__error_nomem();
        } else {
            a->endpoint[s] = own;
        }
        err = check_cleartext(a, o, s, from);
        if (err < 0)
            return err;
    }
    return CERT_OK;
}

/* --debug: what the session resolved, before any request (no secret is among it). */
static void log_session(cert_aws *a)
{
    cert_aws__log(a, "session: region %s, partition %s, %d attempt%s a request, timeout %ld ms%s%s",
                  a->region ? a->region : "(none)", cert_aws_partition(a), a->max_attempts,
                  a->max_attempts == 1 ? "" : "s", a->timeout_ms,
                  a->ca_bundle ? ", CA bundle " : "", a->ca_bundle ? a->ca_bundle : "");
    for (int s = 0; s < CERT_AWS_SERVICE_COUNT; s++) {
        if (a->endpoint[s] != NULL)
            cert_aws__log(a, "session: %s at %s (signed for %s)%s",
                          cert_aws__service_name((cert_aws_service)s), a->endpoint[s],
                          a->signing_region[s] ? a->signing_region[s] : "?",
                          a->endpoint_own[s] ? "" : " (configured)");
    }
}

cert_err cert_aws_new(const cert_aws_opts *o, cert_aws **out)
{
    static const cert_aws_opts defaults = CERT_AWS_OPTS_INIT;
    cert_err err = CERT_OK;
    cert_aws *a = NULL;
    const char *v;

    if (out == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_aws_new: out is NULL");
    *out = NULL;
    if (o == NULL)
        o = &defaults;
    pthread_once(&curl_once, curl_init);
    if (!curl_ok)
        return cert__error_set(CERT_E_INTERNAL, "libcurl failed to initialise");
    a = calloc(1, sizeof(*a));
    if (a == NULL)
        CERT_NOMEM();
    a->explicit_profile = set(o->profile);
    CERT_TRY(cert_aws__config_load(o->profile, a->explicit_profile, &a->cfg));
    if (o->version > CERT_AWS_OPTS_VERSION)
        CERT_FAIL(CERT_E_INVALID,
                  "cert_aws_new: options version %u is newer than this libcert's (%u)", o->version,
                  CERT_AWS_OPTS_VERSION);
    v = o->version >= 2 ? configured_region(o, a->cfg) : configured_region(&defaults, a->cfg);
    if (v != NULL && !region_name_ok(v))
        CERT_FAIL(CERT_E_INVALID,
                  "region \"%s\" is not a region name (letters, digits and -, e.g. eu-west-1)", v);
    if (v != NULL && (a->region = strdup(v)) == NULL)
        CERT_NOMEM();
    a->partition = cert_partition_of_region(a->region);
    CERT_TRY(resolve_endpoints(a, o));
    /* CA bundle: --ca-bundle, AWS_CA_BUNDLE, the profile's ca_bundle. */
    v = set(o->ca_bundle)              ? o->ca_bundle
        : set(getenv("AWS_CA_BUNDLE")) ? getenv("AWS_CA_BUNDLE")
                                       : cert_aws__config_get(a->cfg, NULL, "ca_bundle");
    if (set(v) && (a->ca_bundle = strdup(v)) == NULL)
        CERT_NOMEM();
    /* Attempts: option, AWS_MAX_ATTEMPTS, the profile's max_attempts, 3. */
    a->max_attempts = o->max_attempts;
    if (a->max_attempts <= 0) {
        const char *m = getenv("AWS_MAX_ATTEMPTS");

        if (!set(m))
            m = cert_aws__config_get(a->cfg, NULL, "max_attempts");
        if (set(m)) {
            char *end;
            long n = strtol(m, &end, 10);

            if (*end != '\0' || n < 1 || n > 100)
                CERT_FAIL(CERT_E_INPUT, "max_attempts %s: give a whole number from 1 to 100", m);
            a->max_attempts = (int)n;
        } else {
            a->max_attempts = 3;
        }
    }
    a->retry_tokens = 500;
    a->retry_base_ms = 1000;
    if (set(getenv("LIBCERT_RETRY_BASE_MS"))) /* a test knob: tests cannot wait seconds */
        a->retry_base_ms = strtol(getenv("LIBCERT_RETRY_BASE_MS"), NULL, 10);
    a->connect_timeout_ms = o->connect_timeout_ms > 0 ? o->connect_timeout_ms : 10000;
    a->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 60000;
    if (asprintf(&a->user_agent, "libcert/%s%s%s", CERT_VERSION_STRING, o->user_agent ? " " : "",
                 o->user_agent ? o->user_agent : "") < 0) {
        a->user_agent = NULL;
        CERT_NOMEM();
    }
    a->log = o->log;
    a->log_ud = o->log_ud;
    a->debug = o->version >= 3 && o->debug && o->log != NULL;
    a->curl = curl_easy_init();
    if (a->curl == NULL)
        CERT_NOMEM();
    cert_aws__set_last(a, "", "", "", "", "", 0, 0);
    if (a->debug)
        log_session(a);
    *out = a;
    a = NULL;

done:
    cert_aws_free(a);
    return err;
}

const char *cert_aws__tool(const cert_aws *aws)
{
    const char *sp = aws != NULL && aws->user_agent != NULL ? strchr(aws->user_agent, ' ') : NULL;

    return sp != NULL && sp[1] != '\0' ? sp + 1 : NULL;
}

cert_err cert_aws__clone(const cert_aws *p, cert_aws **out)
{
    cert_err err = CERT_OK;
    cert_aws *a = calloc(1, sizeof(*a));

    *out = NULL;
    if (a == NULL)
        return cert__error_nomem();
    a->explicit_profile = p->explicit_profile;
    CERT_TRY(cert_aws__config_load(cert_aws__config_profile(p->cfg), p->explicit_profile, &a->cfg));
    if (p->region != NULL && (a->region = strdup(p->region)) == NULL)
        CERT_NOMEM();
    a->partition = p->partition;
    for (int s = 0; s < CERT_AWS_SERVICE_COUNT; s++) {
        if ((p->endpoint[s] != NULL && (a->endpoint[s] = strdup(p->endpoint[s])) == NULL) ||
            (a->signing_region[s] = strdup(p->signing_region[s])) == NULL)
            CERT_NOMEM();
        a->endpoint_own[s] = p->endpoint_own[s];
        a->cleartext[s] = p->cleartext[s];
    }
    if ((p->ca_bundle != NULL && (a->ca_bundle = strdup(p->ca_bundle)) == NULL) ||
        (a->user_agent = strdup(p->user_agent)) == NULL)
        CERT_NOMEM();
    a->max_attempts = p->max_attempts;
    a->retry_tokens = 500;
    a->retry_base_ms = p->retry_base_ms;
    a->list_items_max = p->list_items_max;
    a->connect_timeout_ms = p->connect_timeout_ms;
    a->timeout_ms = p->timeout_ms;
    a->log = p->log;
    a->log_ud = p->log_ud;
    a->debug = p->debug;
    if ((a->curl = curl_easy_init()) == NULL)
        CERT_NOMEM();
    if (p->have_creds && !cert_aws__creds_stale(&p->creds, cert_aws__now())) {
        const aws_creds *c = &p->creds;

        CERT_TRY(cert_aws__creds_set(&a->creds, c->access_key_id, c->secret_access_key,
                                     c->session_token, c->expiration, c->source));
        a->have_creds = true;
    }
    cert_aws__set_last(a, "", "", "", "", "", 0, 0);
    *out = a;
    a = NULL;

done:
    cert_aws_free(a);
    return err;
}

void cert_aws_free(cert_aws *a)
{
    if (a == NULL)
        return;
    cert_aws__creds_clear(&a->creds);
    cert_aws__config_free(a->cfg);
    free(a->region);
    for (int s = 0; s < CERT_AWS_SERVICE_COUNT; s++) {
        free(a->endpoint[s]);
        free(a->signing_region[s]);
    }
    free(a->ca_bundle);
    free(a->user_agent);
    free(a->last_code);
    free(a->last_message);
    free(a->last_request_id);
    if (a->curl != NULL)
        curl_easy_cleanup(a->curl);
    free(a);
}

const char *cert_aws_endpoint(const cert_aws *a, cert_aws_service s)
{
    if (a == NULL || (int)s < 0 || (int)s >= CERT_AWS_SERVICE_COUNT || a->endpoint[s] == NULL)
        return "";
    return a->endpoint[s];
}

const char *cert_aws_region(const cert_aws *a)
{
    return a != NULL ? a->region : NULL;
}

const char *cert_aws_partition(const cert_aws *a)
{
    return a != NULL && a->partition != NULL ? a->partition : "aws";
}

const char *cert_aws_signing_region(const cert_aws *a, cert_aws_service s)
{
    if (a == NULL || (int)s < 0 || (int)s >= CERT_AWS_SERVICE_COUNT)
        return "";
    return a->signing_region[s];
}

cert_err cert_aws_service_check(const cert_aws *a, cert_aws_service s)
{
    const char *p = cert_aws_partition(a);

    if ((int)s < 0 || (int)s >= CERT_AWS_SERVICE_COUNT)
        return cert__error_set(CERT_E_INVALID, "cert_aws_service_check: unknown service");
    if (cert_partition_has_service(p, services[s].botocore))
        return CERT_OK;
    return cert__error_set(CERT_E_INPUT,
                           "%s is not available in partition %s (region %s): botocore's endpoint "
                           "data has no %s there; give a region of a partition that has it "
                           "(--region, AWS_REGION)",
                           cert_aws__service_name(s), p, a->region ? a->region : "none",
                           cert_aws__service_name(s));
}

bool cert_aws_endpoint_cleartext(const cert_aws *a, cert_aws_service s)
{
    return a != NULL && (int)s >= 0 && (int)s < CERT_AWS_SERVICE_COUNT && a->cleartext[s];
}

cert_err cert_aws_failure(const cert_aws *aws, cert_err err, cert_failure *out)
{
    const cert_aws_error *e = aws ? cert_aws_last_error(aws) : NULL;

    /* AWS's detail only when the failure is AWS's answer: a local error after an earlier AWS
     * error must not borrow that error's code. */
    if (err == CERT_E_AWS && e != NULL && e->code[0] != '\0')
        return cert_failure_set(out, err, cert_error_last()->message, e->code, e->request_id,
                                e->status);
    return cert_failure_set(out, err, cert_error_last()->message, NULL, NULL,
                            err == CERT_E_NET && e != NULL ? e->status : 0);
}

static char library_versions[256];

static void library_versions_make(void)
{
    const curl_version_info_data *cv = curl_version_info(CURLVERSION_NOW);
    long x = strtol(xmlParserVersion, NULL, 10); /* "20914" is 2.9.14 */

    snprintf(library_versions, sizeof(library_versions), "libcurl %s (%s)\nlibxml2 %ld.%ld.%ld",
             cv->version, cv->ssl_version ? cv->ssl_version : "no TLS", x / 10000, x / 100 % 100,
             x % 100);
}

const char *cert_aws_library_versions(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    pthread_once(&once, library_versions_make);
    return library_versions;
}
