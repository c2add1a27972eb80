/* SPDX-License-Identifier: Apache-2.0 */
/* The AWS tools' shared options and session: the AWS option table and its parsing, the session
 * options made from them (with the cleartext warning), and the AWS-side diagnostics. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_int.h"

const cli_opt cli_aws_opts[] = {
    {"profile", 0, CLI_ARG, CLI_PROFILE, "NAME",
     "AWS profile (beats AWS_ACCESS_KEY_ID in the environment; AWS_PROFILE does not)"},
    {"endpoint-url", 0, CLI_ARG, CLI_ENDPOINT_URL, "URL",
     "send every AWS request to URL (an emulator); else AWS_ENDPOINT_URL_<SERVICE>, ..."},
    {"ca-bundle", 0, CLI_ARG, CLI_CA_BUNDLE, "FILE", "CA certificates to verify AWS's TLS with"},
    {"timeout", 0, CLI_ARG, CLI_TIMEOUT, "SECONDS", "per request attempt (default 60)"},
    {"max-attempts", 0, CLI_ARG, CLI_MAX_ATTEMPTS, "N",
     "attempts per request (default: AWS_MAX_ATTEMPTS, max_attempts, 3)"},
    {"region", 0, CLI_ARG, CLI_REGION, "REGION",
     "the region, hence the partition (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's)"},
    {"allow-insecure-endpoint", 0, CLI_NOARG, CLI_ALLOW_INSECURE_ENDPOINT, NULL,
     "allow a plain http:// endpoint that is not loopback (everything sent is readable)"},
    {NULL, 0, 0, 0, NULL, NULL},
};

/* The library's log lines (-v), as diagnostics. */
static void aws_log(const char *line, void *ud)
{
    cli_err((const cli *)ud, "%s", line);
}

/* --allow-insecure-endpoint lets plain HTTP leave the machine: say so, and what travels in
 * cleartext, for every endpoint it concerns (the library decides which: one session made for
 * the question, with the same options). */
static void warn_cleartext(cli *c, const cert_aws_opts *o)
{
    static const cert_aws_service svc[] = {CERT_AWS_IAM, CERT_AWS_CLOUDFRONT, CERT_AWS_STS,
                                           CERT_AWS_SSO, CERT_AWS_ROUTE53};
    static const char *const names[] = {"IAM", "CloudFront", "STS", "SSO", "Route 53"};
    cert_aws_opts q = *o;
    cert_aws *a = NULL;

    if (!o->allow_insecure_endpoint || c->cleartext_warned)
        return;
    c->cleartext_warned = true;
    q.log = NULL;
    if (cert_aws_new(&q, &a) < 0) {
        cert_error_clear(); /* the run itself meets the same error and reports it */
        return;
    }
    for (size_t i = 0; i < sizeof(svc) / sizeof(svc[0]); i++) {
        if (cert_aws_endpoint_cleartext(a, svc[i]))
            cli_err(c,
                    "warning: --allow-insecure-endpoint: %s requests go to %s in cleartext: "
                    "their SigV4 signatures, the session token and what they carry (a private "
                    "key for an upload) can be read and replayed on the way",
                    names[i], cert_aws_endpoint(a, svc[i]));
    }
    cert_aws_free(a);
}

void cli_aws_session_opts(cli *c, cert_aws_opts *o)
{
    static const cert_aws_opts init = CERT_AWS_OPTS_INIT;

    *o = init;
    o->profile = c->profile;
    o->endpoint_url = c->endpoint_url;
    o->ca_bundle = c->ca_bundle;
    o->timeout_ms = (long)c->timeout_s * 1000;
    o->max_attempts = (int)c->max_attempts;
    o->region = c->region;
    o->user_agent = c->tool;
    o->allow_insecure_endpoint = c->allow_insecure_endpoint;
    if (c->verbose > 0) {
        o->log = aws_log;
        o->log_ud = c;
    }
    o->debug = c->debug;
    warn_cleartext(c, o);
}

int cli_aws_new(cli *c, cert_aws **out)
{
    cert_aws_opts o;

    cli_aws_session_opts(c, &o);
    if (cert_aws_new(&o, out) < 0)
        return cli_fail(c);
    return 0;
}

int cli_aws_new_json(cli *c, cert_aws **out, const char *list_key, int schema)
{
    int rc = cli_aws_new(c, out);

    if (rc != 0 && c->json)
        cli_json_failure(c, NULL, list_key, schema);
    return rc;
}

int cli_json_failure(const cli *c, const cert_aws *aws, const char *list_key, int schema)
{
    cert_failure f = {CERT_OK, NULL, NULL, NULL, 0};
    int rc = (int)cert_exit_for_err(cert_error_last()->code);

    (void)c;
    if (cert_aws_failure(aws, cert_error_last()->code, &f) == CERT_OK)
        cert_failure_write(list_key, schema, &f, stdout);
    cert_failure_clear(&f);
    return rc;
}

void cli_tag(cli *c, const char *arg, cert_aws_tag **tags, size_t *count)
{
    const char *eq = strchr(arg, '=');
    cert_aws_tag *n;

    if (eq == NULL || eq == arg)
        cli_usage_error(c, "--tag %s: give KEY=VALUE", arg);
    n = realloc(*tags, (*count + 1) * sizeof(*n));
    if (n == NULL)
        cli_usage_error(c, "out of memory");
    *tags = n;
    n[*count].key = strndup(arg, (size_t)(eq - arg));
    n[*count].value = strdup(eq + 1);
    if (n[*count].key == NULL || n[*count].value == NULL)
        cli_usage_error(c, "out of memory");
    (*count)++;
}

void cli_acm_region_note(const cli *c, const cert_aws *aws)
{
    const char *region = cert_aws_region(aws);
    const char *acm = cert_partition_cloudfront_acm_region(cert_aws_partition(aws));

    if (aws == NULL || c->quiet || region == NULL || acm == NULL || strcmp(region, acm) == 0)
        return;
    cli_err(c,
            "note: ACM certificates for CloudFront live in %s; using ACM there, not in %s "
            "(the configured region)",
            acm, region);
}

void cli_acm_region_note_opts(const cli *c, const cert_aws_opts *o)
{
    cert_aws *aws = NULL;

    if (c->quiet || cert_aws_new(o, &aws) < 0) { /* the workflow says what is wrong */
        cert_error_clear();
        return;
    }
    cli_acm_region_note(c, aws);
    cert_aws_free(aws);
}

int cli_aws_fail(const cli *c)
{
    return cli_fail(c);
}

bool cli__aws_option(cli *c, int id, const char *arg)
{
    switch (id) {
    case CLI_PROFILE:
        c->profile = arg;
        return true;
    case CLI_ENDPOINT_URL:
        c->endpoint_url = arg;
        return true;
    case CLI_CA_BUNDLE:
        c->ca_bundle = arg;
        return true;
    case CLI_TIMEOUT:
        cli_uint(c, "timeout", arg, 3600, &c->timeout_s);
        if (c->timeout_s == 0)
            cli_usage_error(c, "--timeout 0: give at least 1 second");
        return true;
    case CLI_MAX_ATTEMPTS:
        cli_uint(c, "max-attempts", arg, 100, &c->max_attempts);
        if (c->max_attempts == 0)
            cli_usage_error(c, "--max-attempts 0: give at least 1");
        return true;
    case CLI_REGION: {
        cert_endpoint e;

        if (cert_endpoint_resolve("sts", arg, &e) < 0)
            cli_usage_error(c,
                            "--region %s: not a region name (letters, digits and -, e.g. "
                            "eu-west-1)",
                            arg);
        c->region = arg;
        return true;
    }
    case CLI_ALLOW_INSECURE_ENDPOINT:
        c->allow_insecure_endpoint = true;
        return true;
    }
    return false;
}
