/* SPDX-License-Identifier: Apache-2.0 */
/* certls: list and audit the account's IAM server certificates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cli.h"

enum {
    OPT_PATH_PREFIX = CLI_TOOL_ID,
    OPT_CLOUDFRONT,
    OPT_IN_USE,
    OPT_EXPIRING,
    OPT_FIX_PATH,
    OPT_PAGE_SIZE,
    OPT_PROMETHEUS,
    OPT_STORE,
};

static const cli_opt tool_opts[] = {
    {"store", 0, CLI_ARG, OPT_STORE, "STORE",
     "iam (default), acm (ACM in us-east-1) or all (both, listed side by side)"},
    {"path-prefix", 0, CLI_ARG, OPT_PATH_PREFIX, "PREFIX", "only certificates under PREFIX"},
    {"cloudfront", 0, CLI_NOARG, OPT_CLOUDFRONT, NULL, "only certificates under /cloudfront/"},
    {"in-use", 0, CLI_NOARG, OPT_IN_USE, NULL,
     "show the CloudFront distributions that use each (lists every distribution)"},
    {"expiring", 0, CLI_ARG, OPT_EXPIRING, "DAYS",
     "show only those expiring within DAYS; exit 1 when there are any (for cron)"},
    {"fix-path", 0, CLI_ARG, OPT_FIX_PATH, "NAME",
     "move certificate NAME under /cloudfront/ (UpdateServerCertificate; no re-upload)"},
    {"prometheus", 0, CLI_ARG, OPT_PROMETHEUS, "FILE",
     "also write metrics for node_exporter's textfile collector to FILE (atomically; lists "
     "distributions)"},
    {"page-size", 0, CLI_ARG, OPT_PAGE_SIZE, "N", NULL},
    {NULL, 0, 0, 0, NULL, NULL},
};

typedef struct state {
    cert_inventory_opts inv;
    bool iam_only_option; /* --path-prefix, --cloudfront, --fix-path, --page-size */
    int expiring;
    const char *fix;
    const char *prometheus;
} state;

static bool handle(cli *c, int id, const char *arg, void *ud)
{
    state *st = ud;
    unsigned int v;

    switch (id) {
    case OPT_STORE:
        if (strcmp(arg, "iam") == 0)
            st->inv.stores = CERT_INVENTORY_IAM;
        else if (strcmp(arg, "acm") == 0)
            st->inv.stores = CERT_INVENTORY_ACM;
        else if (strcmp(arg, "all") == 0)
            st->inv.stores = CERT_INVENTORY_IAM | CERT_INVENTORY_ACM;
        else
            cli_usage_error(c, "--store %s: give iam, acm or all", arg);
        return true;
    case OPT_PATH_PREFIX:
        if (arg[0] != '/')
            cli_usage_error(c, "--path-prefix %s: a path prefix begins with /", arg);
        st->inv.path_prefix = arg;
        st->iam_only_option = true;
        return true;
    case OPT_CLOUDFRONT:
        st->inv.path_prefix = "/cloudfront/";
        st->iam_only_option = true;
        return true;
    case OPT_IN_USE:
        st->inv.in_use = true;
        return true;
    case OPT_EXPIRING:
        cli_uint(c, "expiring", arg, 36500, &v);
        st->expiring = (int)v;
        return true;
    case OPT_FIX_PATH:
        if (!cert_iam_name_valid(arg))
            cli_usage_error(c, "--fix-path %s: not a certificate name IAM takes", arg);
        st->fix = arg;
        st->iam_only_option = true;
        return true;
    case OPT_PROMETHEUS:
        if (arg[0] == '\0')
            cli_usage_error(c, "--prometheus: give a file name");
        st->prometheus = arg;
        st->inv.in_use = true; /* the metrics say whether each certificate is in use */
        return true;
    case OPT_PAGE_SIZE:
        cli_uint(c, "page-size", arg, 1000, &st->inv.page_size);
        if (st->inv.page_size == 0)
            cli_usage_error(c, "--page-size 0: give 1 to 1000");
        return true;
    }
    return false;
}

static const char *list_key(const state *st)
{
    return st->inv.stores == CERT_INVENTORY_ACM ? "CertificateSummaryList"
                                                : "ServerCertificateMetadataList";
}

/* The message on stderr and, with --json, one document all the same. */
static int fail(cli *c, const cert_aws *aws, const state *st)
{
    int rc = cli_fail(c);

    if (c->json)
        cli_json_failure(c, aws, list_key(st), CERT_SCHEMA_CERTLS);
    return rc;
}

/* --fix-path NAME: move it under /cloudfront/; with --json, the listing that follows shows it. */
static int fix_path(cli *c, cert_aws *aws, const state *st)
{
    cert_path_fix p;
    int rc = 0;

    if (cert_iam_fix_path(aws, st->fix, &p) < 0)
        rc = fail(c, aws, st);
    else if (!c->quiet && cli_output(c) == CERT_OUTPUT_TEXT)
        cert_path_fix_write(&p, stdout);
    cert_path_fix_clear(&p);
    return rc;
}

int main(int argc, char **argv)
{
    cli c;
    state st;
    static const cert_inventory_opts inv_init = CERT_INVENTORY_OPTS_INIT;
    cert_aws *aws = NULL;
    cert_inventory *inv = NULL;
    cert_inventory_write_opts wo;
    int first, rc;

    memset(&st, 0, sizeof(st));
    st.inv = inv_init;
    st.inv.quota = true;
    st.expiring = -1;
    cli_init_aws(&c, "certls", "[options]",
                 "List every IAM server certificate (all pages), soonest expiry first, marking "
                 "those CloudFront\ncannot use (not under /cloudfront/), with the account's "
                 "quota; --store acm lists ACM's\ncertificates in us-east-1, --store all both, "
                 "side by side.",
                 tool_opts, false);
    first = cli_parse(&c, argc, argv, handle, &st);
    if (first < argc)
        cli_usage_error(&c, "unexpected argument %s", argv[first]);
    if (st.fix != NULL && st.prometheus != NULL)
        cli_usage_error(&c, "--fix-path and --prometheus: run them one at a time");
    if (st.iam_only_option && st.inv.stores == CERT_INVENTORY_ACM)
        cli_usage_error(&c, "--path-prefix, --cloudfront, --fix-path and --page-size are IAM's: "
                            "give --store iam or all");
    rc = cli_aws_new_json(&c, &aws, list_key(&st), CERT_SCHEMA_CERTLS);
    if (rc != 0)
        goto done;
    if (st.inv.stores & CERT_INVENTORY_ACM)
        cli_acm_region_note(&c, aws);
    /* with --json or --output, the listing that follows shows where it went */
    if (st.fix != NULL &&
        ((rc = fix_path(&c, aws, &st)) != 0 || cli_output(&c) == CERT_OUTPUT_TEXT))
        goto done;
    if (cert_inventory_build(aws, &st.inv, &inv) < 0) {
        rc = fail(&c, aws, &st);
        goto done;
    }
    wo.fmt = cli_output(&c) != CERT_OUTPUT_TEXT ? cli_output(&c)
             : c.quiet                          ? CERT_OUTPUT_QUIET
                                                : CERT_OUTPUT_TEXT;
    wo.expiring_days = st.expiring;
    wo.color = cli_color(&c, stdout);
    wo.prometheus = st.prometheus;
    rc = cert_inventory_write(inv, &wo, stdout) < 0 ? cli_fail(&c)
                                                    : (int)cert_inventory_exit(inv, st.expiring);

done:
    cert_inventory_free(inv);
    cert_aws_free(aws);
    cli_free(&c);
    if (fflush(stdout) != 0 && rc == 0)
        rc = CERT_EXIT_INPUT;
    return rc;
}
