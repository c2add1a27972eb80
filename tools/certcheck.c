/* certcheck: the pre-flight. Reads a bundle, orders its chain and runs every check. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cli.h"

enum {
    OPT_EACH = CLI_TOOL_ID,
    OPT_JOBS,
    OPT_REQUIRE_KEY,
    OPT_IAM,
    OPT_EXPECT,
    OPT_DIST,
    OPT_PROMETHEUS
};

static const cli_opt tool_opts[] = {
    {"each", 0, CLI_NOARG, OPT_EACH, NULL,
     "every input (file or directory) is a bundle of its own; exit with the highest code"},
    {"jobs", 'j', CLI_ARG, OPT_JOBS, "N", "threads for --each (default: the number of CPUs)"},
    {"require-key", 0, CLI_NOARG, OPT_REQUIRE_KEY, NULL, "a missing private key is an error"},
    {"iam", 0, CLI_ARG, OPT_IAM, "NAME",
     "check the IAM server certificate NAME (fetched from IAM) instead of local files, plus "
     "CloudFront eligibility"},
    {"distribution", 0, CLI_ARG, OPT_DIST, "ID",
     "check the certificate CloudFront distribution ID serves, against every alias it has and "
     "each --host (repeatable: one report each)"},
    {"prometheus", 0, CLI_ARG, OPT_PROMETHEUS, "FILE",
     "with --each: also write each bundle's expiry and pass/fail for node_exporter's textfile "
     "collector to FILE (atomically)"},
    {"expect", 0, CLI_ARG, OPT_EXPECT, "FILE",
     "with --iam: say whether IAM holds exactly this bundle's leaf and chain (repeatable)"},
    {NULL, 0, 0, 0, NULL, NULL},
};

typedef struct state {
    bool each;
    unsigned int jobs;
    bool require_key;
    const char *iam;
    const char **dists;
    size_t ndist;
    const char **expect;
    size_t nexpect;
    const char *prometheus;
} state;

/* One more value of a repeatable option. */
static void push(cli *c, const char ***v, size_t *n, const char *arg)
{
    const char **p = realloc((void *)*v, (*n + 1) * sizeof(*p));

    if (p == NULL)
        cli_usage_error(c, "out of memory");
    p[(*n)++] = arg;
    *v = p;
}

static bool handle(cli *c, int id, const char *arg, void *ud)
{
    state *st = ud;

    switch (id) {
    case OPT_EACH:
        st->each = true;
        return true;
    case OPT_JOBS:
        return cli_uint(c, "jobs", arg, 1024, &st->jobs);
    case OPT_REQUIRE_KEY:
        st->require_key = true;
        return true;
    case OPT_IAM:
        if (!cert_iam_name_valid(arg))
            cli_usage_error(c, "--iam %s: not a certificate name IAM takes", arg);
        st->iam = arg;
        return true;
    case OPT_DIST:
        push(c, &st->dists, &st->ndist, arg);
        return true;
    case OPT_EXPECT:
        push(c, &st->expect, &st->nexpect, arg);
        return true;
    case OPT_PROMETHEUS:
        if (arg[0] == '\0')
            cli_usage_error(c, "--prometheus: give a file name");
        st->prometheus = arg;
        return true;
    }
    return false;
}

/* An AWS failure before there was anything to check: the message on stderr and, with --json,
 * the one document all the same. */
static int aws_failure(cli *c, const cert_aws *aws, const char *label, cert_output fmt)
{
    cert_failure f = {CERT_OK, NULL, NULL, NULL, 0};
    cert_report *fail = NULL;
    int rc = cli_fail(c);

    if (fmt == CERT_OUTPUT_JSON && cert_aws_failure(aws, cert_error_last()->code, &f) == CERT_OK &&
        cert_report_new_failure(label, &f, &fail) == CERT_OK) {
        cert_report_set_outcome(fail, (cert_exit)rc, NULL);
        cert_report_write(fail, CERT_OUTPUT_JSON, NULL, stdout);
    }
    cert_report_free(fail);
    cert_failure_clear(&f);
    return rc;
}

/* The options that do not go together, as usage errors. */
static void check_usage(cli *c, const state *st, bool operands)
{
    if (st->iam != NULL && st->ndist > 0)
        cli_usage_error(c, "--iam and --distribution: give one");
    if (st->ndist > 0 && (operands || st->nexpect > 0))
        cli_usage_error(c, "--distribution checks what CloudFront uses: give no INPUT");
    if (st->iam != NULL && (operands || st->each))
        cli_usage_error(c, "--iam checks the certificate in IAM: give no INPUT (use --expect "
                           "FILE to compare with a local bundle)");
    if (st->prometheus != NULL && (!st->each || st->ndist > 0))
        cli_usage_error(c, "--prometheus goes with --each and local bundles");
    if (st->iam == NULL && st->nexpect > 0)
        cli_usage_error(c, "--expect goes with --iam");
    if (st->iam == NULL && st->ndist == 0 && !operands)
        cli_usage_error(c, "no input given");
}

/* --distribution ID...: a report per distribution, each failure its own report; one document
 * for one distribution, a list for several (or with --each). */
static int distributions(cli *c, const state *st, const cert_report_opts *o, cert_output fmt,
                         const cert_text_opts *text)
{
    cert_aws *aws = NULL;
    cert_report **v = NULL;
    const cert_report *const *cv;
    int rc;

    if ((rc = cli_aws_new(c, &aws)) != 0)
        return rc;
    if (cert_remote_report_distributions(aws, st->dists, st->ndist, o, &v) < 0) {
        rc = cli_fail(c);
        goto done;
    }
    cv = (const cert_report *const *)v;
    if ((st->ndist == 1 && !st->each ? cert_report_write(v[0], fmt, text, stdout)
                                     : cert_reports_write(cv, st->ndist, fmt, text, stdout)) < 0) {
        rc = cli_fail(c);
        goto done;
    }
    rc = (int)cert_reports_exit_code(cv, st->ndist);
    for (size_t i = 0; i < st->ndist; i++) {
        const char *msg;

        if (cert_report_error(v[i], &msg) < 0)
            cli_err(c, strstr(msg, st->dists[i]) ? "%s%s" : "distribution %s: %s",
                    strstr(msg, st->dists[i]) ? "" : st->dists[i], msg);
    }

done:
    cert_reports_free(v, st->ndist);
    cert_aws_free(aws);
    return rc;
}

/* --iam NAME [--expect FILE...]: the report on what IAM holds. */
static int remote(cli *c, const state *st, cert_report_opts *o, cert_output fmt, cert_report **r,
                  cert_report **expect)
{
    cert_aws *aws = NULL;
    int rc;

    if (st->nexpect > 0) {
        const char *msg;

        if (cert_report_build(st->expect, st->nexpect, o, expect) < 0)
            return cli_fail(c);
        if (cert_report_chain(*expect) == NULL) {
            rc = (int)cert_exit_for_err(cert_report_error(*expect, &msg));
            cli_err(c, "--expect: %s", msg);
            return rc;
        }
        o->check.expect = cert_report_chain(*expect);
    }
    if ((rc = cli_aws_new(c, &aws)) != 0)
        return rc;
    if (cert_remote_report_iam(aws, st->iam, o, r) < 0)
        rc = aws_failure(c, aws, st->iam, fmt);
    cert_aws_free(aws);
    return rc;
}

int main(int argc, char **argv)
{
    cli c;
    state st = {false, 0, false, NULL, NULL, 0, NULL, 0, NULL};
    cert_report_opts o;
    cert_report *r = NULL, *expect = NULL;
    cert_output fmt;
    cert_text_opts text;
    const char *const *inputs;
    size_t ninputs;
    int first, rc;

    cli_init_aws(
        &c, "certcheck",
        "[options] INPUT...  |  certcheck --iam NAME [options]  |  certcheck --distribution ID... "
        "[options]",
        "Check a certificate bundle before IAM and CloudFront see it: chain order and "
        "completeness,\nkey match, expiry, key type and size, signatures, host names, IAM "
        "limits.\nINPUT is a file (PEM, DER, PKCS#12, PKCS#7), a directory or - for stdin; "
        "inputs named\ntogether form one bundle. With --iam, the certificate IAM holds "
        "under NAME; with\n--distribution, the one a CloudFront distribution serves, against "
        "its aliases.",
        tool_opts, true);
    first = cli_parse(&c, argc, argv, handle, &st);
    inputs = (const char *const *)argv + first;
    ninputs = (size_t)(argc - first);
    check_usage(&c, &st, ninputs > 0);
    if ((rc = cli_report_opts(&c, &o)) != 0)
        goto done;
    o.check.key_required = st.require_key;
    fmt = c.quiet ? CERT_OUTPUT_QUIET : c.json ? CERT_OUTPUT_JSON : CERT_OUTPUT_TEXT;
    text.color = cli_color(&c, stdout);
    text.verbosity = c.verbose;
    if (st.ndist > 0) {
        rc = distributions(&c, &st, &o, fmt, &text);
        goto done;
    }
    if (st.each) {
        cert_each_opts each = CERT_EACH_OPTS_INIT;
        cert_exit worst;

        each.jobs = st.jobs;
        each.fmt = fmt;
        each.text = &text;
        each.prometheus = st.prometheus;
        rc = cert_report_each_run(inputs, ninputs, &o, &each, stdout, &worst) < 0 ? cli_fail(&c)
                                                                                  : (int)worst;
        goto done;
    }
    if (st.iam != NULL)
        rc = remote(&c, &st, &o, fmt, &r, &expect);
    else if (cert_report_build(inputs, ninputs, &o, &r) < 0)
        rc = cli_fail(&c);
    if (r == NULL)
        goto done;
    if (cert_report_write(r, fmt, &text, stdout) < 0) {
        rc = cli_fail(&c);
        goto done;
    }
    rc = (int)cert_report_exit_code(r);
    if (rc != 0 && cert_report_error(r, NULL) < 0) {
        const char *msg;

        cert_report_error(r, &msg);
        cli_err(&c, "%s", msg);
    }

done:
    cert_report_free(r);
    cert_report_free(expect);
    free((void *)st.expect);
    free((void *)st.dists);
    cli_free(&c);
    if (fflush(stdout) != 0 && rc == 0)
        rc = CERT_EXIT_INPUT;
    return rc;
}
