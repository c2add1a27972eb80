/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Credential resolution: every provider and their order, against temporary config files, a
 * credential process, credsrv.py (IMDSv2, container, SSO portal) and the moto emulator (STS),
 * all on 127.0.0.1. Each test gets a fresh HOME, AWS_CONFIG_FILE and
 * AWS_SHARED_CREDENTIALS_FILE and an environment without AWS_* variables.
 *
 * Every secret a test configures contains the marker "SeKrit"; every -v line and every error
 * message seen is checked for it (and for the resolved secret key and session token).
 */
#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "aws/aws_int.h"
#include "helpers.h"

#define MARK "SeKrit"
#define ROLE_ARN "arn:aws:iam::123456789012:role/libcert-test"

static h_server credsrv, emu;
static char *home;

/* ---- fixtures ---- */

static const char *const aws_vars[] = {
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_EC2_METADATA_DISABLED",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
    "AWS_METADATA_SERVICE_TIMEOUT",
    "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_IAM",
    "AWS_ENDPOINT_URL_CLOUDFRONT",
    "AWS_ENDPOINT_URL_ROUTE_53",
    "AWS_ENDPOINT_URL_STS",
    "AWS_ENDPOINT_URL_SSO",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_CA_BUNDLE",
    "AWS_MAX_ATTEMPTS",
    "LIBCERT_CREDENTIAL_PROCESS_TIMEOUT_MS",
};

static void http_ok(h_server *s, const char *method, const char *path, const char *body)
{
    int status;
    char *answer = h_http(s->port, method, path, body, &status);

    if (status != 200) {
        print_error("%s %s%s: HTTP %d: %s\n", method, s->url, path, status, answer);
        free(answer);
        _fail(__FILE__, __LINE__);
    }
    free(answer);
}

static int group_setup(void **state)
{
    static const char *const cred_args[] = {
        "--access-key-id",    "ASIATEST{n}",     "--secret-access-key",
        "credsrv" MARK "{n}", "--session-token", "credsrv" MARK "Token{n}",
        "--container-token",  "container" MARK,  "--sso-token",
        "sso" MARK,           "--imds-v2-only",  NULL};
    static const char *const emu_args[] = {"--deploy-delay", "0", NULL};

    (void)state;
    h_server_start(&credsrv, "credsrv.py", cred_args);
    h_server_start(&emu, "emulator.py", emu_args);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    h_server_stop(&credsrv);
    h_server_stop(&emu);
    return 0;
}

static int setup(void **state)
{
    char *p;

    (void)state;
    for (size_t i = 0; i < sizeof(aws_vars) / sizeof(aws_vars[0]); i++)
        h_setenv(aws_vars[i], NULL);
    home = h_tmpdir();
    h_setenv("HOME", home);
    p = h_path(home, "config");
    h_setenv("AWS_CONFIG_FILE", p);
    free(p);
    p = h_path(home, "credentials");
    h_setenv("AWS_SHARED_CREDENTIALS_FILE", p);
    free(p);
    /* Never probe 169.254.169.254 from a test; the IMDS tests point it at credsrv. */
    h_setenv("AWS_EC2_METADATA_DISABLED", "true");
    h_setenv("AWS_ENDPOINT_URL_STS", emu.url);
    h_setenv("AWS_ENDPOINT_URL_SSO", credsrv.url);
    http_ok(&credsrv, "POST", "/_emu/config",
            "{\"expires_in\": 3600, \"imds_v2_only\": true, \"container_token\": \"container" MARK
            "\", \"sso_token\": \"sso" MARK "\"}");
    /* The servers log a request just after answering it: let the previous test's last entry
     * land before clearing. */
    {
        struct timespec ts = {0, 30000000};

        nanosleep(&ts, NULL);
    }
    http_ok(&credsrv, "DELETE", "/_emu/log", NULL);
    http_ok(&emu, "DELETE", "/_emu/log", NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    h_rmtree(home);
    free(home);
    home = NULL;
    return 0;
}

/* Write HOME/name (0700 when it is a script). */
static char *put(const char *name, const char *text)
{
    char *p = h_path(home, name);

    h_write_file(p, text, strlen(text), strncmp(text, "#!", 2) == 0 ? 0700 : 0600);
    return p;
}

static void put_config(const char *text)
{
    free(put("config", text));
}

static void put_credentials(const char *text)
{
    free(put("credentials", text));
}

/* ---- resolving, with every -v line and message checked for secrets ---- */

typedef struct run {
    cert_err err;
    const char *source;
    char akid[128];
    int64_t expiration;
    bool has_token;
    char message[1100];
    char log[16384];
} run;

static void collect(const char *line, void *ud)
{
    run *r = ud;
    size_t used = strlen(r->log);

    snprintf(r->log + used, sizeof(r->log) - used, "%s\n", line);
}

static void assert_no_secret(const char *text, const char *secret)
{
    if (secret != NULL && secret[0] != '\0' && strstr(text, secret) != NULL) {
        print_error("a secret appears in:\n%s\n", text);
        _fail(__FILE__, __LINE__);
    }
}

static void check_transcript(const run *r, const aws_creds *c)
{
    assert_no_secret(r->log, MARK);
    assert_no_secret(r->message, MARK);
    if (c != NULL) {
        assert_no_secret(r->log, c->secret_access_key);
        assert_no_secret(r->message, c->secret_access_key);
        assert_no_secret(r->log, c->session_token);
        assert_no_secret(r->message, c->session_token);
    }
}

/* A session for `profile` (NULL: none given); the caller frees it. */
static cert_aws *session(const char *profile, run *r)
{
    cert_aws_opts o = CERT_AWS_OPTS_INIT;
    cert_aws *aws = NULL;

    o.profile = profile;
    o.log = collect;
    o.log_ud = r;
    assert_cert_ok(cert_aws_new(&o, &aws));
    return aws;
}

static void take(run *r, cert_aws *aws, cert_err err, const char *source)
{
    r->err = err;
    r->source = source;
    snprintf(r->message, sizeof(r->message), "%s", err < 0 ? cert_error_last()->message : "");
    if (err == CERT_OK) {
        snprintf(r->akid, sizeof(r->akid), "%s", aws->creds.access_key_id);
        r->expiration = aws->creds.expiration;
        r->has_token = aws->creds.session_token != NULL;
    }
    check_transcript(r, err == CERT_OK ? &aws->creds : NULL);
}

/* Resolve with a fresh session; r holds the outcome. */
static cert_err resolve(const char *profile, run *r)
{
    cert_aws *aws;
    const char *source = NULL;
    cert_err err;

    memset(r, 0, sizeof(*r));
    aws = session(profile, r);
    err = cert_aws_resolve_credentials(aws, &source);
    take(r, aws, err, source);
    cert_aws_free(aws);
    return err;
}

static void expect_creds(const char *profile, const char *source, const char *akid_prefix)
{
    run r;
    cert_err err = resolve(profile, &r);

    if (err != CERT_OK) {
        print_error("resolve(%s): %s: %s\n", profile ? profile : "(none)", cert_err_name(err),
                    r.message);
        _fail(__FILE__, __LINE__);
    }
    assert_string_equal(r.source, source);
    if (strncmp(r.akid, akid_prefix, strlen(akid_prefix)) != 0) {
        print_error("access key id %s does not start with %s\n", r.akid, akid_prefix);
        _fail(__FILE__, __LINE__);
    }
}

/* Resolution fails with `want` and a message holding every given substring. */
#define expect_error(profile, want, ...)                                                           \
    expect_error_((profile), (want), __FILE__, __LINE__, __VA_ARGS__, (const char *)NULL)
static void expect_error_(const char *profile, cert_err want, const char *file, int line, ...)
{
    run r;
    cert_err err = resolve(profile, &r);
    const char *needle;
    va_list ap;

    if (err != want) {
        print_error("expected %s, got %s: %s\n", cert_err_name(want), cert_err_name(err),
                    r.message);
        _fail(file, line);
    }
    va_start(ap, line);
    while ((needle = va_arg(ap, const char *)) != NULL) {
        if (strstr(r.message, needle) == NULL) {
            va_end(ap);
            print_error("message does not contain \"%s\":\n  %s\n", needle, r.message);
            _fail(file, line);
        }
    }
    va_end(ap);
}

/* How many logged requests of a server match (credsrv: path; emulator: action). */
static int count_now(h_server *s, const char *field, const char *value)
{
    int status, n = 0;
    char *body = h_http(s->port, "GET", "/_emu/log", NULL, &status);
    json_t *j = json_loads(body, 0, NULL), *e;
    size_t i;

    assert_int_equal(status, 200);
    assert_non_null(j);
    json_array_foreach(json_object_get(j, "requests"), i, e)
    {
        const char *v = json_string_value(json_object_get(e, field));

        if (v != NULL && strcmp(v, value) == 0)
            n++;
    }
    json_decref(j);
    free(body);
    return n;
}

/* The servers log a request after answering it: wait (up to 2 s) for the entries to appear. */
static int count_requests(h_server *s, const char *field, const char *value, int want)
{
    double t0 = h_now_seconds();
    int n;

    while ((n = count_now(s, field, value)) != want && h_now_seconds() - t0 < 2) {
        struct timespec ts = {0, 20000000};

        nanosleep(&ts, NULL);
    }
    return n;
}

/* ---- order ---- */

static const char base_credentials[] = "[default]\n"
                                       "aws_access_key_id = AKIDDEFAULT\n"
                                       "aws_secret_access_key = default" MARK "\n"
                                       "[dev]\n"
                                       "aws_access_key_id = AKIDDEV\n"
                                       "aws_secret_access_key = dev" MARK "\n";

static void test_aws_creds__env_beats_profile(void **state)
{
    (void)state;
    put_credentials(base_credentials);
    expect_creds(NULL, "shared credentials file", "AKIDDEFAULT");
    h_setenv("AWS_ACCESS_KEY_ID", "AKIDENV");
    h_setenv("AWS_SECRET_ACCESS_KEY", "env" MARK);
    expect_creds(NULL, "environment", "AKIDENV");
}

static void test_aws_creds__profile_option_beats_env_but_aws_profile_does_not(void **state)
{
    run r;

    (void)state;
    put_credentials(base_credentials);
    h_setenv("AWS_ACCESS_KEY_ID", "AKIDENV");
    h_setenv("AWS_SECRET_ACCESS_KEY", "env" MARK);
    h_setenv("AWS_SESSION_TOKEN", "envToken" MARK);
    expect_creds("dev", "shared credentials file", "AKIDDEV");
    h_setenv("AWS_PROFILE", "dev");
    assert_cert_ok(resolve(NULL, &r));
    assert_string_equal(r.source, "environment");
    assert_string_equal(r.akid, "AKIDENV");
    assert_true(r.has_token);
    h_setenv("AWS_ACCESS_KEY_ID", NULL);
    h_setenv("AWS_SECRET_ACCESS_KEY", NULL);
    expect_creds(NULL, "shared credentials file", "AKIDDEV"); /* AWS_PROFILE picks dev */
}

static void test_aws_creds__credentials_file_then_process_then_config_file(void **state)
{
    char *proc;
    char *cfg = NULL;

    (void)state;
    proc = put("proc.sh", "#!/bin/sh\nprintf '%s' '{\"Version\": 1, \"AccessKeyId\": "
                          "\"AKIDPROCESS\", \"SecretAccessKey\": \"proc" MARK "\"}'\n");
    assert_true(asprintf(&cfg,
                         "[profile order]\n"
                         "aws_access_key_id = AKIDCONFIGFILE\n"
                         "aws_secret_access_key = config" MARK "\n"
                         "credential_process = %s\n",
                         proc) > 0);
    put_config(cfg);
    put_credentials("[order]\naws_access_key_id = AKIDCREDSFILE\n"
                    "aws_secret_access_key = creds" MARK "\n");
    expect_creds("order", "shared credentials file", "AKIDCREDSFILE");
    put_credentials("");
    expect_creds("order", "credential_process", "AKIDPROCESS");
    put_config("[profile order]\n"
               "aws_access_key_id = AKIDCONFIGFILE\n"
               "aws_secret_access_key = config" MARK "\n");
    expect_creds("order", "config file", "AKIDCONFIGFILE");
    free(cfg);
    free(proc);
}

static void test_aws_creds__role_arn_beats_static_keys(void **state)
{
    (void)state;
    put_credentials("[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base" MARK
                    "\n[both]\naws_access_key_id = AKIDBOTH\n"
                    "aws_secret_access_key = both" MARK "\n");
    put_config("[profile both]\nrole_arn = " ROLE_ARN "\nsource_profile = base\n");
    expect_creds("both", "assume role", "ASIA");
    assert_int_equal(count_requests(&emu, "action", "AssumeRole", 1), 1);
}

static void test_aws_creds__missing_profile(void **state)
{
    cert_aws_opts o = CERT_AWS_OPTS_INIT;
    cert_aws *aws = (cert_aws *)1;

    (void)state;
    put_credentials(base_credentials);
    o.profile = "nope";
    assert_cert_error(cert_aws_new(&o, &aws), CERT_E_INPUT, "nope", "--profile");
    assert_null(aws);
    h_setenv("AWS_PROFILE", "nope2");
    assert_cert_error(cert_aws_new(NULL, &aws), CERT_E_INPUT, "nope2");
}

/* Route 53's endpoint, as the AWS CLI resolves a service's (service id "Route 53"):
 * AWS_ENDPOINT_URL_ROUTE_53, then AWS_ENDPOINT_URL, then the profile's services section under
 * route_53, then AWS's; --endpoint-url beats them all. */
static void test_aws_creds__route53_endpoint(void **state)
{
    cert_aws_opts o = CERT_AWS_OPTS_INIT;
    cert_aws *aws = NULL;

    (void)state;
    put_config("[default]\nservices = local\n[services local]\nroute_53 =\n"
               "  endpoint_url = http://127.0.0.1:1/r53\n");
    assert_int_equal(cert_aws_new(NULL, &aws), CERT_OK);
    assert_string_equal(cert_aws_endpoint(aws, CERT_AWS_ROUTE53), "http://127.0.0.1:1/r53");
    assert_string_equal(cert_aws_endpoint(aws, CERT_AWS_IAM), "https://iam.amazonaws.com");
    cert_aws_free(aws);
    h_setenv("AWS_ENDPOINT_URL_ROUTE_53", "http://127.0.0.1:2");
    assert_int_equal(cert_aws_new(NULL, &aws), CERT_OK);
    assert_string_equal(cert_aws_endpoint(aws, CERT_AWS_ROUTE53), "http://127.0.0.1:2");
    cert_aws_free(aws);
    o.endpoint_url = "http://127.0.0.1:3";
    assert_int_equal(cert_aws_new(&o, &aws), CERT_OK);
    assert_string_equal(cert_aws_endpoint(aws, CERT_AWS_ROUTE53), "http://127.0.0.1:3");
    cert_aws_free(aws);
    h_setenv("AWS_ENDPOINT_URL_ROUTE_53", NULL);
    put_config("[default]\n");
    assert_int_equal(cert_aws_new(NULL, &aws), CERT_OK);
    assert_string_equal(cert_aws_endpoint(aws, CERT_AWS_ROUTE53), "https://route53.amazonaws.com");
    cert_aws_free(aws);
}

/* A line past the parser's limit whose tail spells aws_access_key_id must not set it: the
 * file is refused, naming itself and the line (issue #11). */
static void test_aws_creds__long_line_is_refused_not_split(void **state)
{
    static const char head[] = "[default]\n"
                               "aws_access_key_id = AKIDGOOD\n"
                               "aws_secret_access_key = good" MARK "\n"
                               "note = ";
    static const char tail[] = "aws_access_key_id = AKIDEVIL\n";
    /* inih's reader takes 65,535 characters of a line at a time here (ini_max_line 65,536):
     * the tail begins right after them */
    size_t fill = 65535 - (sizeof("note = ") - 1), len = sizeof(head) - 1 + fill + sizeof(tail);
    char *text = malloc(len), *path = h_path(home, "credentials");
    cert_aws *aws = (cert_aws *)1;

    (void)state;
    assert_non_null(text);
    memcpy(text, head, sizeof(head) - 1);
    memset(text + sizeof(head) - 1, 'x', fill);
    memcpy(text + sizeof(head) - 1 + fill, tail, sizeof(tail));
    put_credentials(text);
    assert_cert_error(cert_aws_new(NULL, &aws), CERT_E_INPUT, path, "line 4", "longer than");
    assert_null(aws);
    /* the same file with the line within the limit: read, and the tail is part of the note */
    memmove(text + sizeof(head) - 1 + 1000, text + sizeof(head) - 1 + fill, sizeof(tail));
    put_credentials(text);
    expect_creds(NULL, "shared credentials file", "AKIDGOOD");
    /* a NUL inside a line would end it early for the parser */
    memcpy(text, "[default]\naws_access_key_id = AKIDGOOD\0", 40);
    h_write_file(path, text, 60, 0600);
    assert_cert_error(cert_aws_new(NULL, &aws), CERT_E_INPUT, path, "line 2", "NUL");
    assert_null(aws);
    free(text);
    free(path);
}

/* A config or credentials file over 1 MiB is refused before it is parsed (a 200 MB file took
 * 800 MB of memory). */
static void test_aws_creds__huge_file_is_refused(void **state)
{
    size_t len = (1u << 20) + 1;
    char *text = malloc(len + 1), *path = h_path(home, "config");
    cert_aws *aws = (cert_aws *)1;

    (void)state;
    assert_non_null(text);
    memset(text, '#', len);
    for (size_t i = 80; i < len; i += 81)
        text[i] = '\n';
    text[len] = '\0';
    put_config(text);
    assert_cert_error(cert_aws_new(NULL, &aws), CERT_E_INPUT, path, "larger than");
    assert_null(aws);
    free(text);
    free(path);
}

static void test_aws_creds__half_set_keys(void **state)
{
    (void)state;
    h_setenv("AWS_ACCESS_KEY_ID", "AKIDENV");
    expect_error(NULL, CERT_E_INPUT, "AWS_SECRET_ACCESS_KEY");
    h_setenv("AWS_ACCESS_KEY_ID", NULL);
    put_credentials("[half]\naws_access_key_id = AKIDHALF\n");
    expect_error("half", CERT_E_INPUT, "half", "credentials", "aws_secret_access_key");
}

static void test_aws_creds__none_anywhere(void **state)
{
    (void)state;
    expect_error(NULL, CERT_E_INPUT, "no AWS credentials", "default");
}

/* ---- assume role ---- */

static void test_aws_creds__assume_role_sends_settings(void **state)
{
    run r;
    cert_aws *aws;
    const char *source;
    aws_request req;
    aws_response resp;
    static const cert_http_header ct[] = {
        {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    static const char body[] = "Action=GetCallerIdentity&Version=2011-06-15";
    int64_t now = cert_aws__now();

    (void)state;
    put_credentials("[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base" MARK "\n");
    put_config("[profile r]\nrole_arn = " ROLE_ARN "\nsource_profile = base\n"
               "role_session_name = libcert-unit\nexternal_id = ext-1\n"
               "duration_seconds = 900\n");
    memset(&r, 0, sizeof(r));
    aws = session("r", &r);
    assert_cert_ok(cert_aws_resolve_credentials(aws, &source));
    assert_string_equal(source, "assume role");
    /* moto honours DurationSeconds in Expiration */
    assert_true(aws->creds.expiration >= now + 890 && aws->creds.expiration <= now + 910);
    assert_non_null(aws->creds.session_token);
    assert_has(r.log, "assumes " ROLE_ARN);
    /* The assumed credentials are the role's session (GetCallerIdentity signed with them). */
    memset(&req, 0, sizeof(req));
    req.service = CERT_AWS_STS;
    req.action = "GetCallerIdentity";
    req.method = "POST";
    req.path = "/";
    req.headers = ct;
    req.header_count = 1;
    req.body = (const uint8_t *)body;
    req.body_len = sizeof(body) - 1;
    assert_cert_ok(cert_aws__send(aws, &req, &resp));
    assert_has(resp.body.ptr, "assumed-role/libcert-test/libcert-unit");
    cert_aws__response_free(&resp);
    take(&r, aws, CERT_OK, source);
    cert_aws_free(aws);
    assert_int_equal(count_requests(&emu, "action", "AssumeRole", 1), 1);
}

static void test_aws_creds__assume_role_chains_and_self_source(void **state)
{
    (void)state;
    /* a -> b (a role itself) -> c (keys): two AssumeRole calls */
    put_credentials("[c]\naws_access_key_id = AKIDC\naws_secret_access_key = c" MARK "\n"
                    "[self]\naws_access_key_id = AKIDSELF\naws_secret_access_key = self" MARK "\n");
    put_config("[profile a]\nrole_arn = " ROLE_ARN "-a\nsource_profile = b\n"
               "[profile b]\nrole_arn = " ROLE_ARN "-b\nsource_profile = c\n"
               "[profile self]\nrole_arn = " ROLE_ARN "-self\nsource_profile = self\n");
    expect_creds("a", "assume role", "ASIA");
    assert_int_equal(count_requests(&emu, "action", "AssumeRole", 2), 2);
    /* A profile may name itself as source_profile to hold the keys the role is assumed with:
     * in a source profile static keys win over role_arn (botocore). */
    expect_creds("self", "assume role", "ASIA");
    assert_int_equal(count_requests(&emu, "action", "AssumeRole", 3), 3);
}

static void test_aws_creds__assume_role_credential_source(void **state)
{
    (void)state;
    put_config("[profile envrole]\nrole_arn = " ROLE_ARN "\ncredential_source = Environment\n"
               "[profile imdsrole]\nrole_arn = " ROLE_ARN "\n"
               "credential_source = Ec2InstanceMetadata\n"
               "[profile bad]\nrole_arn = " ROLE_ARN "\ncredential_source = Floppy\n");
    expect_error("envrole", CERT_E_INPUT, "envrole", "Environment", "found no credentials");
    /* credential_source = Environment uses the environment even with --profile */
    h_setenv("AWS_ACCESS_KEY_ID", "AKIDENV");
    h_setenv("AWS_SECRET_ACCESS_KEY", "env" MARK);
    expect_creds("envrole", "assume role", "ASIA");
    h_setenv("AWS_ACCESS_KEY_ID", NULL);
    h_setenv("AWS_SECRET_ACCESS_KEY", NULL);
    h_setenv("AWS_EC2_METADATA_DISABLED", NULL);
    h_setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", credsrv.url);
    expect_creds("imdsrole", "assume role", "ASIA");
    assert_int_equal(count_requests(&credsrv, "path", "/latest/api/token", 1), 1);
    expect_error("bad", CERT_E_INPUT, "bad", "Floppy", "Environment, Ec2InstanceMetadata");
}

static void test_aws_creds__assume_role_refusals(void **state)
{
    double t0;

    (void)state;
    put_credentials("[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base" MARK
                    "\n[empty]\nregion = us-east-1\n");
    put_config("[profile mfa]\nrole_arn = " ROLE_ARN "\nsource_profile = base\n"
               "mfa_serial = arn:aws:iam::123456789012:mfa/me\n"
               "[profile nosrc]\nrole_arn = " ROLE_ARN "\n"
               "[profile both]\nrole_arn = " ROLE_ARN "\nsource_profile = base\n"
               "credential_source = Environment\n"
               "[profile ghost]\nrole_arn = " ROLE_ARN "\nsource_profile = missing\n"
               "[profile dur]\nrole_arn = " ROLE_ARN "\nsource_profile = base\n"
               "duration_seconds = 12h\n"
               "[profile dry]\nrole_arn = " ROLE_ARN "\nsource_profile = empty\n"
               "[profile loop1]\nrole_arn = " ROLE_ARN "\nsource_profile = loop2\n"
               "[profile loop2]\nrole_arn = " ROLE_ARN "\nsource_profile = loop1\n");
    expect_error("mfa", CERT_E_INPUT, "mfa", "mfa_serial", "MFA", "without mfa_serial");
    expect_error("nosrc", CERT_E_INPUT, "nosrc", "source_profile", "credential_source");
    expect_error("both", CERT_E_INPUT, "both", "source_profile and credential_source");
    expect_error("ghost", CERT_E_INPUT, "ghost", "missing", "not in");
    expect_error("dur", CERT_E_INPUT, "dur", "duration_seconds", "12h");
    expect_error("dry", CERT_E_INPUT, "dry", "empty", "no credentials");
    t0 = h_now_seconds();
    expect_error("loop1", CERT_E_INPUT, "loop");
    assert_true(h_now_seconds() - t0 < 2);
    /* none of these reached STS */
    assert_int_equal(count_requests(&emu, "action", "AssumeRole", 0), 0);
}

static void test_aws_creds__assume_role_sts_refusal_names_profile(void **state)
{
    int status;
    char *answer;

    (void)state;
    put_credentials("[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base" MARK "\n");
    put_config("[profile r]\nrole_arn = " ROLE_ARN "\nsource_profile = base\n");
    answer = h_http(emu.port, "POST", "/_emu/faults",
                    "{\"service\": \"sts\", \"action\": \"AssumeRole\", \"fault\": \"status\", "
                    "\"status\": 403, \"code\": \"AccessDenied\", \"message\": \"not allowed\", "
                    "\"count\": 1}",
                    &status);
    free(answer);
    assert_int_equal(status, 200);
    expect_error("r", CERT_E_AWS, "profile r", "AssumeRole", "AccessDenied");
}

/* ---- web identity ---- */

static void test_aws_creds__web_identity(void **state)
{
    char *token = put("token.jwt", "eyJ" MARK ".web.token\n");
    char *cfg = NULL;

    (void)state;
    assert_true(asprintf(&cfg,
                         "[profile web]\nrole_arn = " ROLE_ARN "\nweb_identity_token_file = %s\n"
                         "role_session_name = web-session\n"
                         "[profile norole]\nweb_identity_token_file = %s\n"
                         "[profile nofile]\nrole_arn = " ROLE_ARN "\n"
                         "web_identity_token_file = %s/absent.jwt\n",
                         token, token, home) > 0);
    put_config(cfg);
    expect_creds("web", "web identity", "ASIA");
    assert_int_equal(count_requests(&emu, "action", "AssumeRoleWithWebIdentity", 1), 1);
    assert_int_equal(count_requests(&emu, "action", "AssumeRole", 0), 0);
    expect_error("norole", CERT_E_INPUT, "norole", "role_arn");
    expect_error("nofile", CERT_E_INPUT, "nofile", "web_identity_token_file", "absent.jwt");
    /* from the environment */
    h_setenv("AWS_WEB_IDENTITY_TOKEN_FILE", token);
    expect_error(NULL, CERT_E_INPUT, "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN");
    h_setenv("AWS_ROLE_ARN", ROLE_ARN);
    h_setenv("AWS_ROLE_SESSION_NAME", "env-session");
    expect_creds(NULL, "web identity", "ASIA");
    assert_int_equal(count_requests(&emu, "action", "AssumeRoleWithWebIdentity", 2), 2);
    free(cfg);
    free(token);
}

/* ---- SSO ---- */

#define SSO_SESSION_CACHE ".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json"
#define SSO_LEGACY_CACHE ".aws/sso/cache/a51746d4aa793ae07b25e90c3a5db96fc7832bd7.json"

static void put_sso_cache(const char *file, const char *token, const char *expires)
{
    char *dir = h_path(home, ".aws"), *text = NULL;

    mkdir(dir, 0700);
    free(dir);
    dir = h_path(home, ".aws/sso");
    mkdir(dir, 0700);
    free(dir);
    dir = h_path(home, ".aws/sso/cache");
    mkdir(dir, 0700);
    free(dir);
    assert_true(asprintf(&text,
                         "{\"startUrl\": \"https://corp.awsapps.com/start\", \"region\": "
                         "\"us-east-1\", \"accessToken\": \"%s\", \"expiresAt\": \"%s\"}",
                         token, expires) > 0);
    free(put(file, text));
    free(text);
}

static const char sso_config[] =
    "[profile sso]\nsso_session = corp\n"
    "sso_account_id = 123456789012\n"
    "sso_role_name = libcert-test-role\n"
    "[profile legacy]\nsso_start_url = https://corp.awsapps.com/start\n"
    "sso_region = us-east-1\nsso_account_id = 123456789012\n"
    "sso_role_name = libcert-test-role\n"
    "[profile otherrole]\nsso_session = corp\n"
    "sso_account_id = 123456789012\nsso_role_name = admin\n"
    "[profile partial]\nsso_account_id = 123456789012\n"
    "[profile nosession]\nsso_session = nowhere\n"
    "sso_account_id = 123456789012\nsso_role_name = r\n"
    "[sso-session corp]\n"
    "sso_start_url = https://corp.awsapps.com/start\n"
    "sso_region = us-east-1\n";

static void test_aws_creds__sso(void **state)
{
    run r;

    (void)state;
    put_config(sso_config);
    expect_error("sso", CERT_E_INPUT, "profile sso", "no SSO token cached", "corp",
                 "aws sso login --profile sso");
    put_sso_cache(SSO_SESSION_CACHE, "sso" MARK, "2099-01-01T00:00:00Z");
    assert_cert_ok(resolve("sso", &r));
    assert_string_equal(r.source, "SSO");
    assert_true(strncmp(r.akid, "ASIATEST", 8) == 0);
    assert_true(r.has_token);
    assert_true(r.expiration > cert_aws__now() + 3500 && r.expiration < cert_aws__now() + 3700);
    assert_int_equal(count_requests(&credsrv, "path", "/federation/credentials", 1), 1);
    /* legacy profile: the cache is named by the start URL's SHA-1, and expiresAt may end in
     * "UTC" as the AWS CLI v2 once wrote it */
    expect_error("legacy", CERT_E_INPUT, "legacy", "https://corp.awsapps.com/start",
                 "aws sso login --profile legacy");
    put_sso_cache(SSO_LEGACY_CACHE, "sso" MARK, "2099-01-01T00:00:00UTC");
    expect_creds("legacy", "SSO", "ASIATEST");
    /* the portal refuses another role: 403 */
    expect_error("otherrole", CERT_E_AWS, "otherrole", "GetRoleCredentials", "aws sso login");
    /* an expired token is not sent */
    put_sso_cache(SSO_SESSION_CACHE, "sso" MARK, "2020-01-01T00:00:00Z");
    expect_error("sso", CERT_E_INPUT, "expired", "aws sso login --profile sso");
    /* a token the portal does not know: 401 */
    put_sso_cache(SSO_SESSION_CACHE, "stale" MARK, "2099-01-01T00:00:00Z");
    expect_error("sso", CERT_E_AWS, "profile sso", "401", "aws sso login --profile sso");
    put_sso_cache(SSO_SESSION_CACHE, "", "2099-01-01T00:00:00Z");
    expect_error("sso", CERT_E_INPUT, "not an SSO token cache");
    expect_error("partial", CERT_E_INPUT, "partial", "sso_start_url", "sso_region",
                 "sso_role_name");
    expect_error("nosession", CERT_E_INPUT, "nowhere", "sso-session");
    assert_int_equal(count_requests(&credsrv, "path", "/federation/credentials", 4), 4);
}

/* ---- credential_process ---- */

static void test_aws_creds__process_splits_like_shlex(void **state)
{
    static const char text[] =
        "#!/bin/sh\nprintf '{\"Version\": 1, \"AccessKeyId\": \"%s|%s|%s|%s|%s|%d\", "
        "\"SecretAccessKey\": \"proc" MARK "\", \"SessionToken\": \"procToken" MARK "\", "
        "\"Expiration\": \"2099-01-02T03:04:05+01:00\"}' \"$1\" \"$2\" \"$3\" \"$4\" \"$5\" $#\n";
    char *dir = h_path(home, "dir with space"), *script, *cfg = NULL;
    run r;

    (void)state;
    assert_int_equal(mkdir(dir, 0700), 0);
    script = h_path(dir, "proc.sh");
    h_write_file(script, text, strlen(text), 0700);
    /* Words: 'a  b', c\ d, "e'f", x"y z"w, '$HOME' (not expanded: no shell) */
    assert_true(asprintf(&cfg,
                         "[profile p]\ncredential_process = \"%s\" 'a  b' c\\ d \"e'f\" "
                         "x\"y z\"w '$HOME'\n",
                         script) > 0);
    put_config(cfg);
    assert_cert_ok(resolve("p", &r));
    assert_string_equal(r.source, "credential_process");
    assert_string_equal(r.akid, "a  b|c d|e'f|xy zw|$HOME|5");
    assert_true(r.has_token);
    /* 2099-01-02T03:04:05+01:00 */
    assert_true(r.expiration == INT64_C(4071002645));
    assert_has(r.log, "credential_process");
    free(cfg);
    free(script);
    free(dir);
}

static void process_profile(const char *script_text)
{
    char *script = put("p.sh", script_text), *cfg = NULL;

    assert_true(asprintf(&cfg, "[profile p]\ncredential_process = %s\n", script) > 0);
    put_config(cfg);
    free(cfg);
    free(script);
}

static void test_aws_creds__process_failures(void **state)
{
    double t0;

    (void)state;
    process_profile("#!/bin/sh\necho 'helper: no session (expected by the test)' >&2\nexit 3\n");
    expect_error("p", CERT_E_INPUT, "profile p", "credential_process", "status 3");
    process_profile("#!/bin/sh\necho 'not json " MARK "'\n");
    expect_error("p", CERT_E_INPUT, "profile p", "no JSON object");
    process_profile("#!/bin/sh\necho '{\"Version\": 2, \"AccessKeyId\": \"A\", "
                    "\"SecretAccessKey\": \"" MARK "\"}'\n");
    expect_error("p", CERT_E_INPUT, "profile p", "Version");
    process_profile("#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"A\"}'\n");
    expect_error("p", CERT_E_INPUT, "profile p", "SecretAccessKey");
    process_profile("#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"A\", "
                    "\"SecretAccessKey\": \"" MARK "\", \"Expiration\": \"tomorrow\"}'\n");
    expect_error("p", CERT_E_INPUT, "profile p", "Expiration");
    process_profile("#!/bin/sh\nexec head -c 100000 /dev/zero\n");
    expect_error("p", CERT_E_INPUT, "profile p", "more than 65536 bytes");
    process_profile("#!/bin/sh\nkill -9 $$\n");
    expect_error("p", CERT_E_INPUT, "profile p", "signal 9");
    put_config("[profile p]\ncredential_process = /nonexistent/libcert-helper --x\n");
    expect_error("p", CERT_E_INPUT, "profile p", "cannot run /nonexistent/libcert-helper");
    /* searched in PATH: posix_spawnp's error, or exit status 127 where it forks and execs */
    put_config("[profile p]\ncredential_process = libcert-no-such-helper\n");
    expect_error("p", CERT_E_INPUT, "profile p", "libcert-no-such-helper");
    put_config("[profile p]\ncredential_process = helper 'unterminated\n");
    expect_error("p", CERT_E_INPUT, "profile p", "unterminated");
    put_config("[profile p]\ncredential_process =\n");
    expect_error("p", CERT_E_INPUT, "profile p", "empty");
    /* a helper that hangs is stopped (the limit is 60 s; the test knob makes it 300 ms) */
    h_setenv("LIBCERT_CREDENTIAL_PROCESS_TIMEOUT_MS", "300");
    process_profile("#!/bin/sh\nexec sleep 30\n");
    t0 = h_now_seconds();
    expect_error("p", CERT_E_INPUT, "profile p", "did not finish");
    assert_true(h_now_seconds() - t0 < 3);
    /* closes its output but does not exit */
    process_profile("#!/bin/sh\nexec >&-\nexec sleep 30\n");
    t0 = h_now_seconds();
    expect_error("p", CERT_E_INPUT, "profile p", "did not exit");
    assert_true(h_now_seconds() - t0 < 3);
}

/* The pid a helper wrote to HOME/name. */
static long read_pid(const char *name)
{
    char *p = h_path(home, name), buf[32] = "";
    FILE *f = fopen(p, "r");
    long pid = -1;

    if (f != NULL) {
        if (fgets(buf, sizeof(buf), f) != NULL)
            pid = strtol(buf, NULL, 10);
        fclose(f);
    }
    free(p);
    return pid;
}

/* Whether a process is gone (no such process, or a zombie waiting for a parent's reaping):
 * waits up to 2 s. */
static bool process_gone(long pid)
{
    double t0 = h_now_seconds();

    for (;;) {
        char path[64], stat[256] = "";
        FILE *f;
        const char *rp;

        snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
        if ((f = fopen(path, "r")) == NULL)
            return true;
        if (fgets(stat, sizeof(stat), f) == NULL)
            stat[0] = '\0';
        fclose(f);
        rp = strrchr(stat, ')');
        if (rp != NULL && rp[1] == ' ' && rp[2] == 'Z')
            return true;
        if (h_now_seconds() - t0 > 2)
            return false;
        {
            struct timespec ts = {0, 20000000};

            nanosleep(&ts, NULL);
        }
    }
}

/* Issue #11: a helper's descendants. One that exited 0 with its JSON while a background child
 * still holds its stdout is done: no wait for an EOF that comes only when that child ends. One
 * that hangs is stopped with its whole process group, children included. */
static void test_aws_creds__process_descendants(void **state)
{
    char *script = NULL, *pidfile = h_path(home, "grandchild.pid");
    long gc;
    double t0;

    (void)state;
    h_setenv("LIBCERT_CREDENTIAL_PROCESS_TIMEOUT_MS", "5000");
    assert_true(asprintf(&script,
                         "#!/bin/sh\nsleep 30 &\necho $! > '%s'\n"
                         "echo '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", "
                         "\"SecretAccessKey\": \"proc" MARK "\"}'\nexit 0\n",
                         pidfile) > 0);
    process_profile(script);
    free(script);
    t0 = h_now_seconds();
    expect_creds("p", "credential_process", "AKIDPROC");
    assert_true(h_now_seconds() - t0 < 2.5);
    gc = read_pid("grandchild.pid");
    assert_true(gc > 0);
    kill((pid_t)gc, SIGKILL); /* not ours to stop: the helper exited 0 */

    h_setenv("LIBCERT_CREDENTIAL_PROCESS_TIMEOUT_MS", "300");
    assert_true(asprintf(&script, "#!/bin/sh\nsleep 30 &\necho $! > '%s'\nsleep 30\n", pidfile) >
                0);
    process_profile(script);
    free(script);
    unlink(pidfile);
    t0 = h_now_seconds();
    expect_error("p", CERT_E_INPUT, "profile p", "did not finish");
    assert_true(h_now_seconds() - t0 < 3);
    gc = read_pid("grandchild.pid");
    assert_true(gc > 0);
    if (!process_gone(gc)) {
        kill((pid_t)gc, SIGKILL);
        print_error("the helper's child %ld outlived the timeout\n", gc);
        _fail(__FILE__, __LINE__);
    }
    free(pidfile);
}

/* ---- container ---- */

static void test_aws_creds__container(void **state)
{
    char *url = NULL, *tokfile;
    run r;

    (void)state;
    assert_true(asprintf(&url, "%s/creds", credsrv.url) > 0);
    h_setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url);
    expect_error(NULL, CERT_E_INPUT, "container credentials", "HTTP 401",
                 "AWS_CONTAINER_AUTHORIZATION_TOKEN");
    h_setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "container" MARK);
    assert_cert_ok(resolve(NULL, &r));
    assert_string_equal(r.source, "container");
    assert_true(strncmp(r.akid, "ASIATEST", 8) == 0);
    assert_true(r.has_token);
    assert_true(r.expiration > cert_aws__now() + 3500);
    /* the token file wins over the variable; a trailing newline is not part of the token */
    tokfile = put("token", "container" MARK "\n");
    h_setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "wrong" MARK);
    h_setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tokfile);
    expect_creds(NULL, "container", "ASIATEST");
    h_setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", NULL);
    expect_error(NULL, CERT_E_INPUT, "HTTP 401");
    h_setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "container" MARK "\r\nX-Evil: 1");
    expect_error(NULL, CERT_E_INPUT, "AWS_CONTAINER_AUTHORIZATION_TOKEN", "line break");
    assert_int_equal(count_requests(&credsrv, "path", "/creds", 4), 4);
    /* environment keys win over the container */
    h_setenv("AWS_ACCESS_KEY_ID", "AKIDENV");
    h_setenv("AWS_SECRET_ACCESS_KEY", "env" MARK);
    expect_creds(NULL, "environment", "AKIDENV");
    h_setenv("AWS_ACCESS_KEY_ID", NULL);
    h_setenv("AWS_SECRET_ACCESS_KEY", NULL);
    h_setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "container" MARK);
    /* plain http only to loopback and the ECS / EKS agents: refused before any connection */
    h_setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://192.0.2.10/creds");
    expect_error(NULL, CERT_E_INPUT, "AWS_CONTAINER_CREDENTIALS_FULL_URI", "192.0.2.10",
                 "loopback");
    h_setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.99/creds");
    expect_error(NULL, CERT_E_INPUT, "loopback");
    h_setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://[fd00:ec2::24]/creds");
    expect_error(NULL, CERT_E_INPUT, "loopback");
    /* https may name any host (a closed local port here: a network error, not a refusal) */
    h_setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "https://127.0.0.1:1/creds");
    expect_error(NULL, CERT_E_NET, "container credentials", "did not answer");
    free(tokfile);
    free(url);
}

/* ---- instance metadata ---- */

static void test_aws_creds__imds_v2(void **state)
{
    int status;
    char *body;
    json_t *log, *e;
    run r;

    (void)state;
    h_setenv("AWS_EC2_METADATA_DISABLED", NULL);
    h_setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", credsrv.url);
    assert_cert_ok(resolve(NULL, &r));
    assert_string_equal(r.source, "instance metadata");
    assert_true(strncmp(r.akid, "ASIATEST", 8) == 0);
    assert_true(r.has_token);
    /* PUT a token with the 6-hour TTL, then both GETs with it (credsrv --imds-v2-only answers
     * 401 to a GET without a valid token) */
    assert_int_equal(count_requests(&credsrv, "method", "GET", 2), 2);
    body = h_http(credsrv.port, "GET", "/_emu/log", NULL, &status);
    log = json_loads(body, 0, NULL);
    assert_non_null(log);
    assert_int_equal(json_array_size(json_object_get(log, "requests")), 3);
    e = json_array_get(json_object_get(log, "requests"), 0);
    assert_string_equal(json_string_value(json_object_get(e, "method")), "PUT");
    assert_string_equal(json_string_value(json_object_get(e, "path")), "/latest/api/token");
    assert_string_equal(json_string_value(json_object_get(json_object_get(e, "headers"),
                                                          "X-aws-ec2-metadata-token-ttl-seconds")),
                        "21600");
    e = json_array_get(json_object_get(log, "requests"), 1);
    assert_string_equal(json_string_value(json_object_get(e, "path")),
                        "/latest/meta-data/iam/security-credentials/");
    assert_int_equal(json_integer_value(json_object_get(e, "status")), 200);
    e = json_array_get(json_object_get(log, "requests"), 2);
    assert_string_equal(json_string_value(json_object_get(e, "path")),
                        "/latest/meta-data/iam/security-credentials/libcert-test-role");
    assert_int_equal(json_integer_value(json_object_get(e, "status")), 200);
    json_decref(log);
    free(body);
    /* a trailing slash on the endpoint is fine */
    body = NULL;
    assert_true(asprintf(&body, "%s/", credsrv.url) > 0);
    h_setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", body);
    expect_creds(NULL, "instance metadata", "ASIATEST");
    free(body);
}

static void test_aws_creds__imds_disabled(void **state)
{
    (void)state;
    h_setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", credsrv.url);
    h_setenv("AWS_EC2_METADATA_DISABLED", "TRUE");
    expect_error(NULL, CERT_E_INPUT, "no AWS credentials");
    assert_int_equal(count_requests(&credsrv, "method", "PUT", 0), 0);
    assert_int_equal(count_requests(&credsrv, "method", "GET", 0), 0);
}

/* A TCP port that accepts connections (the kernel's backlog) but never answers. */
static int silent_port(int *fd_out)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    assert_true(fd >= 0);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(fd, 16), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    *fd_out = fd;
    return ntohs(sa.sin_port);
}

static void test_aws_creds__imds_silent_endpoint_fails_fast(void **state)
{
    int fd, port = silent_port(&fd);
    char url[64];
    double t0, took;

    (void)state;
    snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
    h_setenv("AWS_EC2_METADATA_DISABLED", NULL);
    h_setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", url);
    t0 = h_now_seconds();
    expect_error(NULL, CERT_E_NET, "instance metadata", url, "AWS_EC2_METADATA_DISABLED");
    took = h_now_seconds() - t0;
    close(fd);
    if (took < 0.9 || took > 2.0) {
        print_error("an IMDS endpoint that does not answer took %.2f s (want ~1 s)\n", took);
        _fail(__FILE__, __LINE__);
    }
}

/* ---- refresh ---- */

static void test_aws_creds__refresh_before_expiry(void **state)
{
    char *url = NULL;
    run r;
    cert_aws *aws;
    const char *source;
    aws_request req;
    aws_response resp;
    char first[128];
    int64_t wait;

    (void)state;
    assert_true(asprintf(&url, "%s/creds", credsrv.url) > 0);
    h_setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url);
    h_setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "container" MARK);
    /* a signed request to credsrv's health, which answers a JSON object: sent as the SSO
     * portal's (the setup points AWS_ENDPOINT_URL_SSO at credsrv), whose 2xx answers are JSON */
    /* Credentials that expire in 302 s are fresh for ~2 s, then within the 5-minute margin. */
    http_ok(&credsrv, "POST", "/_emu/config", "{\"expires_in\": 302}");
    memset(&r, 0, sizeof(r));
    aws = session(NULL, &r);
    assert_cert_ok(cert_aws_resolve_credentials(aws, &source));
    snprintf(first, sizeof(first), "%s", aws->creds.access_key_id);
    assert_cert_ok(cert_aws_resolve_credentials(aws, &source));
    assert_string_equal(aws->creds.access_key_id, first);
    assert_int_equal(count_requests(&credsrv, "path", "/creds", 1), 1);
    memset(&req, 0, sizeof(req));
    req.service = CERT_AWS_SSO;
    req.action = "Health";
    req.method = "GET";
    req.path = "/_emu/health";
    assert_cert_ok(cert_aws__send(aws, &req, &resp));
    cert_aws__response_free(&resp);
    assert_int_equal(count_requests(&credsrv, "path", "/creds", 1), 1);
    /* Wait until expiry is less than 5 minutes away: the next request fetches new ones. */
    wait = aws->creds.expiration - 300 - cert_aws__now() + 1;
    assert_true(wait >= 0 && wait <= 4);
    sleep((unsigned int)wait);
    assert_cert_ok(cert_aws__send(aws, &req, &resp));
    cert_aws__response_free(&resp);
    assert_int_equal(count_requests(&credsrv, "path", "/creds", 2), 2);
    assert_string_not_equal(aws->creds.access_key_id, first);
    assert_string_equal(aws->creds.source, "container");
    take(&r, aws, CERT_OK, "container");
    cert_aws_free(aws);
    free(url);
}

/* ---- secrets ---- */

static void test_aws_creds__secrets_stay_out_of_logs_and_errors(void **state)
{
    run r;
    char *url = NULL;

    (void)state;
    /* resolve() checks every -v line and message; here the failures that are closest to a
     * secret: a token the server refuses, a process printing its secret in bad JSON. */
    assert_true(asprintf(&url, "%s/creds", credsrv.url) > 0);
    h_setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url);
    h_setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "bad" MARK);
    assert_int_equal(resolve(NULL, &r), CERT_E_INPUT);
    assert_non_null(strstr(r.log, "credentials GET"));
    h_setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "container" MARK);
    assert_cert_ok(resolve(NULL, &r));
    h_setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", NULL);
    process_profile("#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"A\", "
                    "\"SecretAccessKey\": \"" MARK "\",'\n");
    assert_int_equal(resolve("p", &r), CERT_E_INPUT);
    put_config(sso_config);
    put_sso_cache(SSO_SESSION_CACHE, "stale" MARK, "2099-01-01T00:00:00Z");
    assert_int_equal(resolve("sso", &r), CERT_E_AWS);
    free(url);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_aws_creds__env_beats_profile),
        T(test_aws_creds__profile_option_beats_env_but_aws_profile_does_not),
        T(test_aws_creds__credentials_file_then_process_then_config_file),
        T(test_aws_creds__role_arn_beats_static_keys),
        T(test_aws_creds__missing_profile),
        T(test_aws_creds__route53_endpoint),
        T(test_aws_creds__long_line_is_refused_not_split),
        T(test_aws_creds__huge_file_is_refused),
        T(test_aws_creds__half_set_keys),
        T(test_aws_creds__none_anywhere),
        T(test_aws_creds__assume_role_sends_settings),
        T(test_aws_creds__assume_role_chains_and_self_source),
        T(test_aws_creds__assume_role_credential_source),
        T(test_aws_creds__assume_role_refusals),
        T(test_aws_creds__assume_role_sts_refusal_names_profile),
        T(test_aws_creds__web_identity),
        T(test_aws_creds__sso),
        T(test_aws_creds__process_splits_like_shlex),
        T(test_aws_creds__process_failures),
        T(test_aws_creds__process_descendants),
        T(test_aws_creds__container),
        T(test_aws_creds__imds_v2),
        T(test_aws_creds__imds_disabled),
        T(test_aws_creds__imds_silent_endpoint_fails_fast),
        T(test_aws_creds__refresh_before_expiry),
        T(test_aws_creds__secrets_stay_out_of_logs_and_errors),
#undef T
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
