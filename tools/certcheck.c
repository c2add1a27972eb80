/* SPDX-License-Identifier: Apache-2.0 */
/* certcheck: the pre-flight. Reads a bundle, orders its chain and runs every check. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cli.h"
#include "common/cli_live.h"

enum {
    OPT_EACH = CLI_TOOL_ID,
    OPT_JOBS,
    OPT_REQUIRE_KEY,
    OPT_IAM,
    OPT_ACM,
    OPT_EXPECT,
    OPT_DIST,
    OPT_PROMETHEUS,
    OPT_CONNECT,
    OPT_SERVERNAME,
    OPT_LIVE,
    OPT_DNS,
};

static const cli_opt tool_opts[] = {
    {"each", 0, CLI_NOARG, OPT_EACH, NULL,
     "every input (file or directory) is a bundle of its own; exit with the highest code"},
    {"jobs", 'j', CLI_ARG, OPT_JOBS, "N",
     "threads for --each (default: the number of CPUs); handshakes at once for --connect and "
     "--live (default 32)"},
    {"require-key", 0, CLI_NOARG, OPT_REQUIRE_KEY, NULL, "a missing private key is an error"},
    {"iam", 0, CLI_ARG, OPT_IAM, "NAME",
     "check the IAM server certificate NAME (fetched from IAM) instead of local files, plus "
     "CloudFront eligibility"},
    {"acm", 0, CLI_ARG, OPT_ACM, "ARN",
     "check the ACM certificate ARN (us-east-1, fetched from ACM) instead of local files"},
    {"distribution", 0, CLI_ARG, OPT_DIST, "ID",
     "check the certificate CloudFront distribution ID serves, against every alias it has and "
     "each --host (repeatable: one report each)"},
    {"prometheus", 0, CLI_ARG, OPT_PROMETHEUS, "FILE",
     "with --each: also write each bundle's expiry and pass/fail for node_exporter's textfile "
     "collector to FILE (atomically)"},
    {"expect", 0, CLI_ARG, OPT_EXPECT, "FILE",
     "with --iam or --acm: say whether the store holds exactly this bundle's leaf and chain; "
     "with --connect: the server must serve this bundle's leaf (repeatable: one bundle)"},
    {"connect", 0, CLI_ARG, OPT_CONNECT, "HOST[:PORT]",
     "check what a TLS server serves (port 443 by default; repeatable): the chain it sends "
     "through every check, protocol, cipher, OCSP stapling; with --expect, --iam or --acm, "
     "whether it serves that leaf"},
    {"servername", 0, CLI_ARG, OPT_SERVERNAME, "NAME",
     "with --connect: the SNI to send and the name the leaf must cover (default: HOST; an "
     "address as HOST needs it)"},
    {"live", 0, CLI_NOARG, OPT_LIVE, NULL,
     "with --distribution: resolve every alias and make a handshake with SNI to each address; "
     "each must serve the distribution's certificate"},
    {"dns", 0, CLI_NOARG, OPT_DNS, NULL,
     "with --distribution: find each alias's record in the account's Route 53 and say where it "
     "points (this distribution, another one, elsewhere, nowhere)"},
    {NULL, 0, 0, 0, NULL, NULL},
};

typedef struct state {
    bool each;
    unsigned int jobs;
    bool require_key;
    const char *iam;
    const char *acm;
    const char **dists;
    size_t ndist;
    const char **expect;
    size_t nexpect;
    const char *prometheus;
    const char **connect;
    size_t nconnect;
    const char *servername;
    bool live, dns;
    cli_live lv;
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
    case OPT_ACM:
        if (!cert_acm_arn_parse(arg, NULL))
            cli_usage_error(c, "--acm %s: not an ACM certificate ARN", arg);
        st->acm = arg;
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
    case OPT_CONNECT:
        push(c, &st->connect, &st->nconnect, arg);
        return true;
    case OPT_SERVERNAME:
        if (cert_net_is_address(arg))
            cli_usage_error(c,
                            "--servername %s: SNI carries a host name, never an address "
                            "(RFC 6066 section 3)",
                            arg);
        st->servername = arg;
        return true;
    case OPT_LIVE:
        st->live = true;
        return true;
    case OPT_DNS:
        st->dns = true;
        return true;
    }
    return cli_live_option(c, &st->lv, id, arg);
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

/* --connect's targets: each HOST[:PORT], and an address only with --servername (SNI cannot
 * carry an address, so the server could not pick a certificate by name). */
static void check_connect(cli *c, const state *st, bool operands)
{
    char host[256];
    unsigned int port;

    if (operands || st->ndist > 0 || st->each)
        cli_usage_error(c, "--connect checks what a server serves: give no INPUT, --distribution "
                           "or --each (compare with a bundle: --expect FILE)");
    if ((st->iam != NULL) + (st->acm != NULL) + (st->nexpect > 0) > 1)
        cli_usage_error(c, "--connect compares with --expect FILE, --iam NAME or --acm ARN: give "
                           "one");
    if (st->prometheus != NULL)
        cli_usage_error(c, "--prometheus goes with --each and local bundles");
    for (size_t i = 0; i < st->nconnect; i++) {
        if (cert_net_split_host_port(st->connect[i], 443, host, sizeof(host), &port) < 0)
            cli_usage_error(c, "--connect %s", cert_error_last()->message);
        if (cert_net_is_address(host) && st->servername == NULL)
            cli_usage_error(c,
                            "--connect %s: an address needs --servername NAME: SNI carries a "
                            "host name, never an address (RFC 6066 section 3), and CloudFront "
                            "picks the certificate by SNI",
                            st->connect[i]);
    }
}

/* The options that do not go together, as usage errors. */
static void check_usage(cli *c, const state *st, bool operands)
{
    if (st->servername != NULL && st->nconnect == 0)
        cli_usage_error(c, "--servername goes with --connect");
    if ((st->live || st->dns) && st->ndist == 0)
        cli_usage_error(c, "--%s goes with --distribution ID", st->live ? "live" : "dns");
    if (st->lv.port != 0 && !st->live)
        cli_usage_error(c, "--port goes with --live (--connect takes HOST:PORT)");
    if (cli_live_given(&st->lv) && st->nconnect == 0 && !st->live)
        cli_usage_error(c, "--resolve and --dns-server go with --connect or --live");
    if (st->nconnect > 0) {
        check_connect(c, st, operands);
        return;
    }
    if ((st->iam != NULL) + (st->acm != NULL) + (st->ndist > 0) > 1)
        cli_usage_error(c, "--iam, --acm and --distribution: give one");
    if (st->acm != NULL && (operands || st->each))
        cli_usage_error(c, "--acm checks the certificate in ACM: give no INPUT (use --expect "
                           "FILE to compare with a local bundle)");
    if (st->ndist > 0 && (operands || st->nexpect > 0))
        cli_usage_error(c, "--distribution checks what CloudFront uses: give no INPUT");
    if (st->iam != NULL && (operands || st->each))
        cli_usage_error(c, "--iam checks the certificate in IAM: give no INPUT (use --expect "
                           "FILE to compare with a local bundle)");
    if (st->prometheus != NULL && (!st->each || st->ndist > 0))
        cli_usage_error(c, "--prometheus goes with --each and local bundles");
    if (st->iam == NULL && st->acm == NULL && st->nexpect > 0)
        cli_usage_error(c, "--expect goes with --iam, --acm or --connect");
    if (st->iam == NULL && st->acm == NULL && st->ndist == 0 && !operands)
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
    if (st->live || st->dns) {
        cert_live_opts lo = CERT_LIVE_OPTS_INIT;

        cli_live_fill(c, &st->lv, &lo);
        lo.live = st->live;
        lo.dns = st->dns;
        lo.jobs = st->jobs;
        if (cert_live_distributions(aws, st->dists, st->ndist, &lo, o, &v) < 0) {
            rc = cli_fail(c);
            goto done;
        }
    } else if (cert_remote_report_distributions(aws, st->dists, st->ndist, o, &v) < 0) {
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

/* What --connect's servers must serve: the leaf of --expect FILE..., of IAM's --iam NAME or of
 * ACM's --acm ARN (a report either way). 0 and *out NULL when nothing is expected; else the exit
 * code of the failure. */
static int expected(cli *c, const state *st, cert_report_opts *o, cert_report **out)
{
    cert_aws *aws = NULL;
    const char *msg;
    int rc;

    *out = NULL;
    if (st->nexpect > 0) {
        if (cert_report_build(st->expect, st->nexpect, o, out) < 0)
            return cli_fail(c);
    } else if (st->iam != NULL || st->acm != NULL) {
        if ((rc = cli_aws_new(c, &aws)) != 0)
            return rc;
        if (st->acm != NULL)
            cli_acm_region_note(c, aws);
        rc = (st->acm != NULL ? cert_remote_report_acm(aws, st->acm, o, out)
                              : cert_remote_report_iam(aws, st->iam, o, out)) < 0
                 ? cli_fail(c)
                 : 0;
        cert_aws_free(aws);
        if (rc != 0)
            return rc;
    } else {
        return 0;
    }
    if (cert_report_chain(*out) == NULL) {
        rc = (int)cert_exit_for_err(cert_report_error(*out, &msg));
        cli_err(c, "%s: %s", st->iam ? "--iam" : st->acm ? "--acm" : "--expect", msg);
        return rc;
    }
    return 0;
}

/* --connect HOST[:PORT]...: a report per server, one document for one, a list for several. */
static int connect_targets(cli *c, state *st, cert_report_opts *o, cert_output fmt,
                           const cert_text_opts *text)
{
    cert_live_opts lo = CERT_LIVE_OPTS_INIT;
    cert_report **v = NULL, *expect = NULL;
    const cert_report *const *cv;
    int rc;

    if ((rc = expected(c, st, o, &expect)) != 0)
        return rc;
    cli_live_fill(c, &st->lv, &lo);
    lo.servername = st->servername;
    lo.jobs = st->jobs;
    if (cert_live_connect(st->connect, st->nconnect, expect, &lo, o, &v) < 0) {
        rc = cli_fail(c);
        goto done;
    }
    cv = (const cert_report *const *)v;
    if ((st->nconnect == 1 ? cert_report_write(v[0], fmt, text, stdout)
                           : cert_reports_write(cv, st->nconnect, fmt, text, stdout)) < 0) {
        rc = cli_fail(c);
        goto done;
    }
    rc = (int)cert_reports_exit_code(cv, st->nconnect);
    for (size_t i = 0; i < st->nconnect; i++) {
        const char *msg;

        if (cert_report_error(v[i], &msg) < 0)
            cli_err(c, "%s", msg);
    }

done:
    cert_reports_free(v, st->nconnect);
    cert_report_free(expect);
    return rc;
}

/* --iam NAME or --acm ARN [--expect FILE...]: the report on what the store holds. */
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
    if (st->acm != NULL)
        cli_acm_region_note(c, aws);
    if ((st->acm != NULL ? cert_remote_report_acm(aws, st->acm, o, r)
                         : cert_remote_report_iam(aws, st->iam, o, r)) < 0)
        rc = aws_failure(c, aws, st->acm != NULL ? st->acm : st->iam, fmt);
    cert_aws_free(aws);
    return rc;
}

int main(int argc, char **argv)
{
    cli c;
    state st;
    cert_report_opts o;
    cert_report *r = NULL, *expect = NULL;
    cert_output fmt;
    cert_text_opts text;
    const char *const *inputs;
    size_t ninputs;
    int first, rc;

    memset(&st, 0, sizeof(st));
    cli_init_aws(
        &c, "certcheck",
        "[options] INPUT...  |  certcheck --iam NAME | --acm ARN [options]  |  certcheck "
        "--distribution ID... [--dns] [--live] [options]  |  certcheck --connect HOST[:PORT]... "
        "[options]",
        "Check a certificate bundle before IAM and CloudFront see it: chain order and "
        "completeness,\nkey match, expiry, key type and size, signatures, host names, IAM "
        "limits.\nINPUT is a file (PEM, DER, PKCS#12, PKCS#7), a directory or - for stdin; "
        "inputs named\ntogether form one bundle. With --iam, the certificate IAM holds "
        "under NAME; with --acm, the\none ACM holds; with --distribution, the one a CloudFront "
        "distribution serves, against its\naliases (--dns: where Route 53 points each; --live: "
        "what each address serves); with\n--connect, what a TLS server really serves.",
        tool_opts, true);
    cli_add_table(&c, cli_live_opts);
    first = cli_parse(&c, argc, argv, handle, &st);
    inputs = (const char *const *)argv + first;
    ninputs = (size_t)(argc - first);
    check_usage(&c, &st, ninputs > 0);
    if ((rc = cli_report_opts(&c, &o)) != 0)
        goto done;
    o.check.key_required = st.require_key;
    fmt = c.quiet ? CERT_OUTPUT_QUIET : cli_output(&c);
    text.color = cli_color(&c, stdout);
    text.verbosity = c.verbose;
    if (st.ndist > 0) {
        rc = distributions(&c, &st, &o, fmt, &text);
        goto done;
    }
    if (st.nconnect > 0) {
        rc = connect_targets(&c, &st, &o, fmt, &text);
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
    if (st.iam != NULL || st.acm != NULL)
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
    free((void *)st.connect);
    cli_live_free(&st.lv);
    cli_free(&c);
    if (fflush(stdout) != 0 && rc == 0)
        rc = CERT_EXIT_INPUT;
    return rc;
}
