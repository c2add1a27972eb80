/* SPDX-License-Identifier: Apache-2.0 */
/* certprune: delete IAM certificates under /cloudfront/ that no distribution uses: the expired
 * ones and, with --unused, the ones libcert uploaded that a newer one has replaced. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cli.h"

enum { OPT_YES = CLI_TOOL_ID, OPT_AT, OPT_UNUSED, OPT_MIN_AGE, OPT_STORE };

static const cli_opt tool_opts[] = {
    {"yes", 'y', CLI_NOARG, OPT_YES, NULL, "delete them (without it, only list them)"},
    {"store", 0, CLI_ARG, OPT_STORE, "STORE",
     "iam (default) or acm: ACM's imported certificates that expired and that nothing uses"},
    {"at", 0, CLI_ARG, OPT_AT, "TIME", "preview as of TIME (RFC 3339 or @EPOCH); never with --yes"},
    {"unused", 0, CLI_NOARG, OPT_UNUSED, NULL,
     "also unexpired ones libcert uploaded, unused, replaced by a newer one (needs --min-age)"},
    {"min-age", 0, CLI_ARG, OPT_MIN_AGE, "DAYS",
     "with --unused: only those uploaded more than DAYS (>= 1) days ago"},
    {NULL, 0, 0, 0, NULL, NULL},
};

typedef struct state {
    cert_prune_opts o;
    bool min_age_set;
} state;

static bool handle(cli *c, int id, const char *arg, void *ud)
{
    state *st = ud;

    switch (id) {
    case OPT_YES:
        st->o.yes = true;
        return true;
    case OPT_AT:
        if (cert_time_parse(arg, &st->o.now) < 0)
            cli_usage_error(c, "--at %s", cert_error_last()->message);
        return true;
    case OPT_UNUSED:
        st->o.unused = true;
        return true;
    case OPT_STORE:
        if (!cert_store_parse(arg, &st->o.store))
            cli_usage_error(c, "--store %s: give iam or acm", arg);
        return true;
    case OPT_MIN_AGE:
        cli_uint(c, "min-age", arg, 36500, &st->o.min_age_days);
        if (st->o.min_age_days < 1)
            cli_usage_error(c, "--min-age %s: give 1 day or more", arg);
        st->min_age_set = true;
        return true;
    }
    return false;
}

/* The options that do not go together, as usage errors, before any request. */
static void check_usage(cli *c, const state *st)
{
    if (st->o.yes && st->o.now != CERT_TIME_NOW)
        cli_usage_error(c, "--at only previews: --yes deletes by the real clock, never by "
                           "another (drop --at to delete)");
    if (st->o.unused && !st->min_age_set)
        cli_usage_error(c, "--unused needs --min-age DAYS (e.g. --min-age 30)");
    if (st->min_age_set && !st->o.unused)
        cli_usage_error(c, "--min-age goes with --unused");
    if (st->o.unused && st->o.store == CERT_STORE_ACM)
        cli_usage_error(c, "--unused is IAM's: ACM's InUse says what is unused (give --store iam)");
}

static bool would_go(const cert_prune_result *r)
{
    for (size_t i = 0; i < r->count; i++) {
        if (r->items[i].state == CERT_PRUNE_CANDIDATE)
            return true;
    }
    return false;
}

int main(int argc, char **argv)
{
    cli c;
    static const cert_prune_opts init = CERT_PRUNE_OPTS_INIT;
    state st;
    cert_aws *aws = NULL;
    cert_prune_result *res = NULL;
    const char *key;
    int first, rc;

    memset(&st, 0, sizeof(st));
    st.o = init;
    cli_init_aws(&c, "certprune", "[--yes] [--unused --min-age DAYS] [--store acm] [options]",
                 "List the IAM server certificates under /cloudfront/ that have expired and that "
                 "no CloudFront\ndistribution uses (with --unused, also those libcert uploaded "
                 "that a newer one replaces);\nwith --yes delete them, checking again right "
                 "before each delete. Certificates outside\n/cloudfront/ are never touched. IAM "
                 "does not stop the deletion of a certificate an Elastic\nLoad Balancer "
                 "listener uses, and certprune cannot see ELB.",
                 tool_opts, false);
    first = cli_parse(&c, argc, argv, handle, &st);
    if (first < argc)
        cli_usage_error(&c, "unexpected argument %s", argv[first]);
    check_usage(&c, &st);
    key = st.o.store == CERT_STORE_ACM ? "CertificateSummaryList" : "ServerCertificateMetadataList";
    rc = cli_aws_new_json(&c, &aws, key, CERT_SCHEMA_CERTPRUNE);
    if (rc != 0)
        goto done;
    if (st.o.store == CERT_STORE_ACM)
        cli_acm_region_note(&c, aws);
    if (cert_prune_run(aws, &st.o, &res) < 0) {
        rc = cli_fail(&c);
        if (c.json)
            cli_json_failure(&c, aws, key, CERT_SCHEMA_CERTPRUNE);
        goto done;
    }
    cert_prune_write(res,
                     cli_output(&c) != CERT_OUTPUT_TEXT ? cli_output(&c)
                     : c.quiet                          ? CERT_OUTPUT_QUIET
                                                        : CERT_OUTPUT_TEXT,
                     stdout);
    if (cli_output(&c) == CERT_OUTPUT_TEXT && !c.quiet && !st.o.yes && would_go(res))
        printf("nothing deleted; run with --yes to delete what would go\n");
    rc = (int)cert_prune_exit(res);

done:
    cert_prune_result_free(res);
    cert_aws_free(aws);
    cli_free(&c);
    if (fflush(stdout) != 0 && rc == 0)
        rc = CERT_EXIT_INPUT;
    return rc;
}
