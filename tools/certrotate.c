/* SPDX-License-Identifier: Apache-2.0 */
/* certrotate: the renewal pipeline as one idempotent, resumable command. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cli.h"
#include "common/cli_live.h"

enum {
    OPT_REPLACE = CLI_TOOL_ID,
    OPT_DIST,
    OPT_ALIAS,
    OPT_NAME,
    OPT_PATH,
    OPT_TAG,
    OPT_DELETE_OLD,
    OPT_WAIT,
    OPT_WAIT_TIMEOUT,
    OPT_DRY_RUN,
    OPT_VERIFY_LIVE,
    OPT_CONNECT,
    OPT_JOBS,
    OPT_ROLLBACK,
    OPT_SSL_METHOD,
    OPT_MIN_TLS,
    OPT_KEY_FORMAT,
    OPT_STORE,
};

static const cli_opt tool_opts[] = {
    {"replace", 0, CLI_ARG, OPT_REPLACE, "OLD",
     "rotate every distribution that uses the certificate OLD (NAME, ARN or id)"},
    {"alias", 0, CLI_ARG, OPT_ALIAS, "NAME",
     "rotate every distribution that has the alternate domain name NAME (repeatable; the "
     "handle that stays true across renewals)"},
    {"distribution", 0, CLI_ARG, OPT_DIST, "ID", "rotate this distribution (repeatable)"},
    {"store", 0, CLI_ARG, OPT_STORE, "STORE",
     "iam or acm: where the new certificate goes, moving distributions there (default: the store "
     "each distribution serves from now)"},
    {"name", 0, CLI_ARG, OPT_NAME, "NAME", "IAM name of the new certificate (default: derived)"},
    {"path", 0, CLI_ARG, OPT_PATH, "PATH", "IAM path (default /cloudfront/)"},
    {"tag", 0, CLI_ARG, OPT_TAG, "KEY=VALUE", "tag the new certificate (repeatable)"},
    {"delete-old", 0, CLI_NOARG, OPT_DELETE_OLD, NULL,
     "delete what this job replaced once nothing uses it (waits until Deployed)"},
    {"wait", 0, CLI_NOARG, OPT_WAIT, NULL, "wait until the distributions are Deployed"},
    {"wait-timeout", 0, CLI_ARG, OPT_WAIT_TIMEOUT, "SECONDS", "bound every wait (default 3600)"},
    {"dry-run", 0, CLI_NOARG, OPT_DRY_RUN, NULL, "show every step it would take; change nothing"},
    {"verify-live", 0, CLI_NOARG, OPT_VERIFY_LIVE, NULL,
     "resolve each alias and make a handshake with SNI to every address: each must serve the "
     "new certificate (certcheck's live check of a distribution)"},
    {"connect", 0, CLI_ARG, OPT_CONNECT, "HOST[:PORT]",
     "deprecated, goes in the next release: with --verify-live, every alias at HOST on PORT; "
     "say --resolve '*:PORT:ADDRESS' --port PORT"},
    {"jobs", 'j', CLI_ARG, OPT_JOBS, "N", "distributions changed at once (default 4)"},
    {"rollback-on-failure", 0, CLI_NOARG, OPT_ROLLBACK, NULL,
     "when a change fails, put back the ViewerCertificate of those that changed"},
    {"ssl-support-method", 0, CLI_ARG, OPT_SSL_METHOD, "M", "as certattach"},
    {"min-tls", 0, CLI_ARG, OPT_MIN_TLS, "V", "as certattach"},
    {"key-format", 0, CLI_ARG, OPT_KEY_FORMAT, "FMT", "pkcs8 (default) or traditional"},
    {NULL, 0, 0, 0, NULL, NULL},
};

typedef struct state {
    cert_rotate_opts o;
    const char **dists;
    size_t ndists;
    const char **aliases;
    size_t naliases;
    cert_aws_tag *tags;
    size_t ntags;
    cli_live lv;
} state;

static bool handle(cli *c, int id, const char *arg, void *ud)
{
    state *st = ud;
    unsigned int v;

    switch (id) {
    case OPT_REPLACE:
        st->o.replace = arg;
        return true;
    case OPT_DIST:
        cli_list_add(c, &st->dists, &st->ndists, arg);
        return true;
    case OPT_ALIAS:
        cli_list_add(c, &st->aliases, &st->naliases, arg);
        return true;
    case OPT_NAME:
        if (!cert_iam_name_valid(arg))
            cli_usage_error(c, "--name %s: IAM takes 1 to 128 of letters, digits and _+=,.@-", arg);
        st->o.put.name = arg;
        return true;
    case OPT_PATH:
        if (!cert_iam_path_valid(arg))
            cli_usage_error(c, "--path %s: give /.../ of printable ASCII, e.g. /cloudfront/", arg);
        st->o.put.path = arg;
        return true;
    case OPT_TAG:
        cli_tag(c, arg, &st->tags, &st->ntags);
        return true;
    case OPT_DELETE_OLD:
        st->o.delete_old = true;
        return true;
    case OPT_WAIT:
        st->o.wait = true;
        return true;
    case OPT_WAIT_TIMEOUT:
        cli_uint(c, "wait-timeout", arg, 86400, &v);
        st->o.wait_timeout_s = v ? v : 1;
        return true;
    case OPT_DRY_RUN:
        st->o.dry_run = true;
        st->o.put.dry_run = true;
        return true;
    case OPT_VERIFY_LIVE:
        st->o.verify_live = true;
        return true;
    case OPT_CONNECT:
        st->o.connect = arg;
        return true;
    case OPT_JOBS:
        cli_uint(c, "jobs", arg, 64, &v);
        st->o.jobs = v ? v : 1;
        return true;
    case OPT_ROLLBACK:
        st->o.rollback_on_failure = true;
        return true;
    case OPT_SSL_METHOD:
        if (!cert_cf_ssl_support_method_valid(arg))
            cli_usage_error(c, "--ssl-support-method %s: give sni-only, vip or static-ip", arg);
        st->o.ssl_support_method = arg;
        return true;
    case OPT_MIN_TLS:
        if (!cert_cf_min_protocol_valid(arg))
            cli_usage_error(c,
                            "--min-tls %s: not a CloudFront MinimumProtocolVersion (e.g. "
                            "TLSv1.2_2021)",
                            arg);
        st->o.min_tls = arg;
        return true;
    case OPT_KEY_FORMAT:
        cli_key_format(c, arg, &st->o.put.key_format);
        return true;
    case OPT_STORE:
        if (!cert_store_parse(arg, &st->o.put.store))
            cli_usage_error(c, "--store %s: give iam or acm", arg);
        st->o.store_set = true;
        return true;
    }
    return cli_live_option(c, &st->lv, id, arg);
}

int main(int argc, char **argv)
{
    cli c;
    state st;
    static const cert_rotate_opts init = CERT_ROTATE_OPTS_INIT;
    cert_aws_opts ao;
    cert_rotate_result *r = NULL;
    cert_text_opts text;
    int first, rc;

    memset(&st, 0, sizeof(st));
    st.o = init;
    cli_init_aws(&c, "certrotate",
                 "INPUT... (--alias NAME | --distribution ID | --replace OLD)... [options]",
                 "Renew: check the new bundle and every distribution the handles match (before "
                 "any change),\nput it in the store they serve from (IAM: upload with the record "
                 "of what it replaces; ACM:\nre-import into the ARN they serve when ACM's rules "
                 "allow, else import and attach), attach it,\nconfirm, and with --delete-old "
                 "delete what this job replaced once nothing uses it. Run it again\nafter any "
                 "interruption: it finishes the job; after a finished job it changes nothing.",
                 tool_opts, true);
    cli_add_table(&c, cli_live_opts);
    first = cli_parse(&c, argc, argv, handle, &st);
    if (first >= argc)
        cli_usage_error(&c, "give the new bundle (files, a directory or -)");
    if (st.o.replace == NULL && st.ndists == 0 && st.naliases == 0)
        cli_usage_error(&c, "give the distributions: --alias NAME, --distribution ID or --replace "
                            "OLD_CERT");
    if (st.o.connect != NULL && !st.o.verify_live)
        cli_usage_error(&c, "--connect goes with --verify-live");
    if (cli_live_given(&st.lv) && !st.o.verify_live)
        cli_usage_error(&c, "--resolve, --dns-server and --port go with --verify-live");
    if (st.o.connect != NULL && cli_live_given(&st.lv))
        cli_usage_error(&c, "--connect is the old form of --resolve and --port: give those alone");
    if (st.o.connect != NULL)
        cli_err(&c, "--connect is deprecated and goes in the next release; say --resolve "
                    "'*:PORT:ADDRESS' --port PORT instead");
    if (st.o.store_set && st.o.put.store == CERT_STORE_ACM &&
        (st.o.put.name != NULL || st.o.put.path != NULL))
        cli_usage_error(&c, "--name and --path are IAM's; ACM names a certificate by its ARN");
    rc = cli_report_opts(&c, &st.o.report);
    if (rc != 0)
        goto done;
    cli_aws_session_opts(&c, &ao);
    st.o.aws = &ao;
    if (st.o.store_set && st.o.put.store == CERT_STORE_ACM)
        cli_acm_region_note_opts(&c, &ao);
    st.o.inputs = (const char *const *)argv + first;
    st.o.input_count = (size_t)(argc - first);
    st.o.distributions = st.dists;
    st.o.distribution_count = st.ndists;
    st.o.aliases = st.aliases;
    st.o.alias_count = st.naliases;
    if (!c.quiet) {
        st.o.wait_progress = cli_wait_progress;
        st.o.wait_ud = &c;
    }
    st.o.put.tags = st.tags;
    st.o.put.tag_count = st.ntags;
    st.o.progress = cli_progress;
    st.o.progress_ud = &c;
    st.o.resolve = st.lv.resolve;
    st.o.resolve_count = st.lv.nresolve;
    st.o.dns_server = st.lv.dns_server;
    st.o.port = st.lv.port;
    if (cert_rotate_run(&st.o, &r) < 0) {
        rc = cli_fail(&c);
        goto done;
    }
    text.color = cli_color(&c, stderr);
    text.verbosity = c.verbose;
    /* the new bundle's report: with -v, or when it found a warning or worse */
    if (r->report != NULL && !c.quiet &&
        (cert_report_exit_code(r->report) != CERT_EXIT_OK || c.verbose > 0 ||
         (cert_report_findings(r->report) != NULL &&
          cert_findings_count_severity(cert_report_findings(r->report), CERT_SEV_WARNING) > 0)))
        cert_report_write(r->report, CERT_OUTPUT_TEXT, &text, stderr);
    if (r->failure.err < 0)
        cli_err(&c, "%s", r->failure.message ? r->failure.message : cert_err_name(r->failure.err));
    cert_rotate_write(r,
                      cli_output(&c) != CERT_OUTPUT_TEXT ? cli_output(&c)
                      : c.quiet                          ? CERT_OUTPUT_QUIET
                                                         : CERT_OUTPUT_TEXT,
                      stdout);
    rc = (int)cert_rotate_exit(r);

done:
    cert_rotate_result_free(r);
    cert_iam_tags_free(st.tags, st.ntags);
    free((void *)st.dists);
    free((void *)st.aliases);
    cli_live_free(&st.lv);
    cli_free(&c);
    if (fflush(stdout) != 0 && rc == 0)
        rc = CERT_EXIT_INPUT;
    return rc;
}
