/* SPDX-License-Identifier: Apache-2.0 */
/* certattach: put an IAM certificate on CloudFront distributions, changing nothing else. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cli.h"

enum {
    OPT_CERT = CLI_TOOL_ID,
    OPT_REPLACE,
    OPT_ALIAS,
    OPT_DIST,
    OPT_SSL_METHOD,
    OPT_MIN_TLS,
    OPT_DRY_RUN,
    OPT_WAIT,
    OPT_WAIT_TIMEOUT,
    OPT_JOBS,
    OPT_ROLLBACK,
    OPT_CONSISTENCY,
};

static const cli_opt tool_opts[] = {
    {"cert", 0, CLI_ARG, OPT_CERT, "CERT",
     "the certificate: an IAM NAME, ARN or ServerCertificateId, or an ACM certificate ARN "
     "(us-east-1)"},
    {"replace", 0, CLI_ARG, OPT_REPLACE, "OLD",
     "every distribution that uses the certificate OLD (NAME, ARN or id) now"},
    {"alias", 0, CLI_ARG, OPT_ALIAS, "NAME",
     "every distribution that has the alternate domain name NAME (repeatable)"},
    {"distribution", 0, CLI_ARG, OPT_DIST, "ID", "this distribution (repeatable; or an operand)"},
    {"ssl-support-method", 0, CLI_ARG, OPT_SSL_METHOD, "M",
     "sni-only, vip or static-ip (default: keep the distribution's)"},
    {"min-tls", 0, CLI_ARG, OPT_MIN_TLS, "V",
     "MinimumProtocolVersion, e.g. TLSv1.2_2021 (default: keep the distribution's)"},
    {"dry-run", 0, CLI_NOARG, OPT_DRY_RUN, NULL, "check and show each change; change nothing"},
    {"wait", 0, CLI_NOARG, OPT_WAIT, NULL, "wait until every changed distribution is Deployed"},
    {"wait-timeout", 0, CLI_ARG, OPT_WAIT_TIMEOUT, "SECONDS",
     "for --wait and in-progress "
     "changes (default 3600)"},
    {"jobs", 'j', CLI_ARG, OPT_JOBS, "N", "distributions changed at once (default 4)"},
    {"rollback-on-failure", 0, CLI_NOARG, OPT_ROLLBACK, NULL,
     "when a change fails, put back the ViewerCertificate of those that changed"},
    {"consistency-timeout", 0, CLI_ARG, OPT_CONSISTENCY, "SECONDS", NULL},
    {NULL, 0, 0, 0, NULL, NULL},
};

typedef struct state {
    cert_attach_opts o;
    const char **dists;
    size_t ndists;
    const char **aliases;
    size_t naliases;
} state;

static bool handle(cli *c, int id, const char *arg, void *ud)
{
    state *st = ud;
    cert_attach_opts *o = &st->o;
    unsigned int v;

    switch (id) {
    case OPT_ALIAS:
        cli_list_add(c, &st->aliases, &st->naliases, arg);
        return true;
    case OPT_DIST:
        cli_list_add(c, &st->dists, &st->ndists, arg);
        return true;
    case OPT_CERT:
        o->cert = arg;
        return true;
    case OPT_REPLACE:
        o->replace = arg;
        return true;
    case OPT_SSL_METHOD:
        if (!cert_cf_ssl_support_method_valid(arg))
            cli_usage_error(c, "--ssl-support-method %s: give sni-only, vip or static-ip", arg);
        o->ssl_support_method = arg;
        return true;
    case OPT_MIN_TLS:
        if (!cert_cf_min_protocol_valid(arg))
            cli_usage_error(c,
                            "--min-tls %s: not a CloudFront MinimumProtocolVersion (e.g. "
                            "TLSv1.2_2021)",
                            arg);
        o->min_tls = arg;
        return true;
    case OPT_DRY_RUN:
        o->dry_run = true;
        return true;
    case OPT_WAIT:
        o->wait = true;
        return true;
    case OPT_WAIT_TIMEOUT:
        cli_uint(c, "wait-timeout", arg, 86400, &v);
        o->wait_timeout_s = v ? v : 1;
        return true;
    case OPT_JOBS:
        cli_uint(c, "jobs", arg, 64, &v);
        o->jobs = v ? v : 1;
        return true;
    case OPT_ROLLBACK:
        o->rollback_on_failure = true;
        return true;
    case OPT_CONSISTENCY:
        cli_uint(c, "consistency-timeout", arg, 3600, &v);
        o->consistency_s = v ? v : 1;
        return true;
    }
    return false;
}

int main(int argc, char **argv)
{
    cli c;
    state st = {CERT_ATTACH_OPTS_INIT, NULL, 0, NULL, 0};
    cert_aws_opts ao;
    cert_attach_result *r = NULL;
    int first, rc;

    cli_init_aws(
        &c, "certattach",
        "--cert CERT (DIST_ID | --distribution ID | --alias NAME | --replace OLD)... [options]",
        "Put an IAM server certificate or an ACM certificate on CloudFront distributions. Only\n"
        "ViewerCertificate changes; everything else in each DistributionConfig goes back as it "
        "was.\nEvery distribution is checked first (IAM path under /cloudfront/ or ACM in "
        "us-east-1 and ISSUED,\nexpiry, key, aliases covered), and every handle must match one; "
        "an error changes nothing.",
        tool_opts, true);
    first = cli_parse(&c, argc, argv, handle, &st);
    if (st.o.cert == NULL)
        cli_usage_error(&c, "give the certificate with --cert");
    for (int i = first; i < argc; i++)
        cli_list_add(&c, &st.dists, &st.ndists, argv[i]);
    if (st.ndists == 0 && st.naliases == 0 && st.o.replace == NULL)
        cli_usage_error(&c, "give the distributions: ids, --alias NAME or --replace OLD_CERT");
    if ((rc = cli_report_opts(&c, &st.o.report)) != 0)
        goto done;
    st.o.distributions = st.dists;
    st.o.distribution_count = st.ndists;
    st.o.aliases = st.aliases;
    st.o.alias_count = st.naliases;
    cli_aws_session_opts(&c, &ao);
    st.o.aws = &ao;
    if (cert_store_of(st.o.cert) == CERT_STORE_ACM)
        cli_acm_region_note_opts(&c, &ao);
    st.o.progress = cli_progress;
    st.o.progress_ud = &c;
    if (!c.quiet) {
        st.o.wait_progress = cli_wait_progress;
        st.o.wait_ud = &c;
    }
    if (cert_attach_run(&st.o, &r) < 0) {
        rc = cli_fail(&c);
        goto done;
    }
    if (r->failure.err < 0)
        cli_err(&c, "%s", r->failure.message ? r->failure.message : cert_err_name(r->failure.err));
    cert_attach_write(r,
                      cli_output(&c) != CERT_OUTPUT_TEXT ? cli_output(&c)
                      : c.quiet                          ? CERT_OUTPUT_QUIET
                                                         : CERT_OUTPUT_TEXT,
                      stdout);
    rc = (int)cert_attach_exit(r);

done:
    cert_attach_result_free(r);
    free((void *)st.dists);
    free((void *)st.aliases);
    cli_free(&c);
    if (fflush(stdout) != 0 && rc == 0)
        rc = CERT_EXIT_INPUT;
    return rc;
}
