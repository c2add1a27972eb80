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
};

static const cli_opt tool_opts[] = {
    {"path-prefix", 0, CLI_ARG, OPT_PATH_PREFIX, "PREFIX", "only certificates under PREFIX"},
    {"cloudfront", 0, CLI_NOARG, OPT_CLOUDFRONT, NULL, "only certificates under /cloudfront/"},
    {"in-use", 0, CLI_NOARG, OPT_IN_USE, NULL,
     "show the CloudFront distributions that use each (lists every distribution)"},
    {"expiring", 0, CLI_ARG, OPT_EXPIRING, "DAYS",
     "show only those expiring within DAYS; exit 1 when there are any (for cron)"},
    {"fix-path", 0, CLI_ARG, OPT_FIX_PATH, "NAME",
     "move certificate NAME under /cloudfront/ (UpdateServerCertificate; no re-upload)"},
    {"page-size", 0, CLI_ARG, OPT_PAGE_SIZE, "N", NULL},
    {NULL, 0, 0, 0, NULL, NULL},
};

typedef struct state {
    cert_inventory_opts inv;
    int expiring;
    const char *fix;
} state;

static bool handle(cli *c, int id, const char *arg, void *ud)
{
    state *st = ud;
    unsigned int v;

    switch (id) {
    case OPT_PATH_PREFIX:
        if (arg[0] != '/')
            cli_usage_error(c, "--path-prefix %s: a path prefix begins with /", arg);
        st->inv.path_prefix = arg;
        return true;
    case OPT_CLOUDFRONT:
        st->inv.path_prefix = "/cloudfront/";
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
        return true;
    case OPT_PAGE_SIZE:
        cli_uint(c, "page-size", arg, 1000, &st->inv.page_size);
        if (st->inv.page_size == 0)
            cli_usage_error(c, "--page-size 0: give 1 to 1000");
        return true;
    }
    return false;
}

/* The message on stderr and, with --json, one document all the same. */
static int fail(cli *c, const cert_aws *aws)
{
    int rc = cli_aws_fail(c);

    if (c->json)
        cert_aws_write_json_failure("ServerCertificateMetadataList", rc, aws, stdout);
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
    size_t shown = 0;
    int first, rc;

    memset(&st, 0, sizeof(st));
    st.inv = inv_init;
    st.inv.quota = true;
    st.expiring = -1;
    cli_init_aws(&c, "certls", "[options]",
                 "List every IAM server certificate (all pages), soonest expiry first, marking "
                 "those CloudFront\ncannot use (not under /cloudfront/), with the account's "
                 "quota.",
                 tool_opts, false);
    first = cli_parse(&c, argc, argv, handle, &st);
    if (first < argc)
        cli_usage_error(&c, "unexpected argument %s", argv[first]);
    rc = cli_aws_new_json(&c, &aws, "ServerCertificateMetadataList");
    if (rc != 0)
        goto done;
    if (st.fix != NULL) {
        cert_iam_cert meta;
        char newpath[600];

        memset(&meta, 0, sizeof(meta));
        if (cert_iam_get(aws, st.fix, &meta, NULL, NULL) < 0) {
            rc = fail(&c, aws);
            goto done;
        }
        if (cert_iam_path_cloudfront(meta.path)) {
            if (!c.quiet && !c.json)
                printf("%s is already under %s; nothing to do\n", st.fix, meta.path);
        } else {
            /* Keep the rest of the path below /cloudfront: /prod/ -> /cloudfront/prod/. */
            snprintf(newpath, sizeof(newpath), "/cloudfront%s", meta.path);
            if (cert_iam_update(aws, st.fix, newpath, NULL) < 0) {
                cert_iam_cert_clear(&meta);
                rc = fail(&c, aws);
                goto done;
            }
            if (!c.quiet && !c.json)
                printf("moved %s from %s to %s\n", st.fix, meta.path, newpath);
        }
        cert_iam_cert_clear(&meta);
        if (c.json == false)
            goto done;
    }
    if (cert_inventory_build(aws, &st.inv, &inv) < 0) {
        rc = fail(&c, aws);
        goto done;
    }
    wo.json = c.json;
    wo.expiring_days = st.expiring;
    wo.color = cli_color(&c, stdout);
    if (c.quiet && !c.json) {
        for (size_t i = 0; i < cert_inventory_count(inv); i++)
            shown += st.expiring < 0 || cert_inventory_expiring(inv, i, (unsigned int)st.expiring);
    } else if (cert_inventory_write(inv, &wo, stdout, &shown) < 0) {
        rc = cli_fail(&c);
        goto done;
    }
    rc = st.expiring >= 0 && shown > 0 ? CERT_EXIT_CHECK : 0;

done:
    cert_inventory_free(inv);
    cert_aws_free(aws);
    cli_free(&c);
    if (fflush(stdout) != 0 && rc == 0)
        rc = CERT_EXIT_INPUT;
    return rc;
}
