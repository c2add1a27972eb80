/* certprune: delete expired IAM certificates under /cloudfront/ that no distribution uses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cli.h"

enum { OPT_YES = CLI_TOOL_ID, OPT_AT };

static const cli_opt tool_opts[] = {
    {"yes", 'y', CLI_NOARG, OPT_YES, NULL, "delete them (without it, only list them)"},
    {"at", 0, CLI_ARG, OPT_AT, "TIME", "judge expiry as of TIME (RFC 3339 or @EPOCH)"},
    {NULL, 0, 0, 0, NULL, NULL},
};

typedef struct state {
    bool yes;
    int64_t now;
} state;

static bool handle(cli *c, int id, const char *arg, void *ud)
{
    state *st = ud;

    switch (id) {
    case OPT_YES:
        st->yes = true;
        return true;
    case OPT_AT:
        if (cert_time_parse(arg, &st->now) < 0)
            cli_usage_error(c, "--at %s", cert_error_last()->message);
        return true;
    }
    return false;
}

int main(int argc, char **argv)
{
    cli c;
    state st = {false, CERT_TIME_NOW};
    cert_aws *aws = NULL;
    cert_prune_result *res = NULL;
    int first, rc;

    cli_init_aws(&c, "certprune", "[--yes] [options]",
                 "List the IAM server certificates under /cloudfront/ that have expired and that "
                 "no CloudFront\ndistribution uses; with --yes delete them, checking again right "
                 "before each delete.\nCertificates outside /cloudfront/ are never touched. IAM "
                 "does not stop the deletion of a\ncertificate an Elastic Load Balancer listener "
                 "uses, and certprune cannot see ELB.",
                 tool_opts, false);
    first = cli_parse(&c, argc, argv, handle, &st);
    if (first < argc)
        cli_usage_error(&c, "unexpected argument %s", argv[first]);
    rc = cli_aws_new_json(&c, &aws, "ServerCertificateMetadataList", CERT_SCHEMA_CERTPRUNE);
    if (rc != 0)
        goto done;
    if (cert_prune_run(aws, st.yes, st.now, &res) < 0) {
        rc = cli_fail(&c);
        if (c.json)
            cli_json_failure(&c, aws, "ServerCertificateMetadataList", CERT_SCHEMA_CERTPRUNE);
        goto done;
    }
    if (!c.json && !c.quiet && res->count > 0)
        cli_err(&c, "note: IAM lets a certificate be deleted while an Elastic Load Balancer "
                    "listener uses it, and certprune cannot see ELB; check before --yes");
    cert_prune_write(res,
                     c.json    ? CERT_OUTPUT_JSON
                     : c.quiet ? CERT_OUTPUT_QUIET
                               : CERT_OUTPUT_TEXT,
                     stdout);
    if (!c.json && !c.quiet && !st.yes && res->count > 0)
        printf("nothing deleted; run with --yes to delete %s\n", res->count == 1 ? "it" : "them");
    rc = (int)cert_prune_exit(res);

done:
    cert_prune_result_free(res);
    cert_aws_free(aws);
    cli_free(&c);
    if (fflush(stdout) != 0 && rc == 0)
        rc = CERT_EXIT_INPUT;
    return rc;
}
