/* certup: check a bundle, then upload it to IAM as a server certificate CloudFront can use. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cli.h"

enum {
    OPT_NAME = CLI_TOOL_ID,
    OPT_PATH,
    OPT_TAG,
    OPT_DRY_RUN,
    OPT_KEY_FORMAT,
    OPT_CERT,
    OPT_CHAIN,
    OPT_KEY,
};

static const cli_opt tool_opts[] = {
    {"name", 0, CLI_ARG, OPT_NAME, "NAME",
     "IAM certificate name (default: first DNS name, notAfter date, SHA-256 prefix)"},
    {"path", 0, CLI_ARG, OPT_PATH, "PATH",
     "IAM path (default /cloudfront/, the one CloudFront "
     "uses)"},
    {"tag", 0, CLI_ARG, OPT_TAG, "KEY=VALUE", "tag the certificate (repeatable)"},
    {"dry-run", 0, CLI_NOARG, OPT_DRY_RUN, NULL,
     "check and show the request; send nothing "
     "(the key is redacted)"},
    {"key-format", 0, CLI_ARG, OPT_KEY_FORMAT, "FMT", "pkcs8 (default) or traditional"},
    {"cert", 0, CLI_ARG, OPT_CERT, "FILE", "the certificate (an input like the others)"},
    {"chain", 0, CLI_ARG, OPT_CHAIN, "FILE", "the chain (an input like the others)"},
    {"key", 0, CLI_ARG, OPT_KEY, "FILE", "the private key (an input like the others)"},
    {NULL, 0, 0, 0, NULL, NULL},
};

typedef struct state {
    cert_put_opts put;
    cert_aws_tag *tags;
    size_t ntags;
    const char **inputs;
    size_t ninputs;
} state;

static bool push_input(state *st, const char *v)
{
    const char **n = realloc((void *)st->inputs, (st->ninputs + 1) * sizeof(*n));

    if (n == NULL)
        return false;
    n[st->ninputs++] = v;
    st->inputs = n;
    return true;
}

static bool handle(cli *c, int id, const char *arg, void *ud)
{
    state *st = ud;

    switch (id) {
    case OPT_NAME:
        if (!cert_iam_name_valid(arg))
            cli_usage_error(c, "--name %s: IAM takes 1 to 128 of letters, digits and _+=,.@-", arg);
        st->put.name = arg;
        return true;
    case OPT_PATH:
        if (!cert_iam_path_valid(arg))
            cli_usage_error(c,
                            "--path %s: give \"/\" or /.../ of printable ASCII, e.g. "
                            "/cloudfront/",
                            arg);
        st->put.path = arg;
        return true;
    case OPT_TAG:
        cli_tag(c, arg, &st->tags, &st->ntags);
        return true;
    case OPT_DRY_RUN:
        st->put.dry_run = true;
        return true;
    case OPT_KEY_FORMAT:
        cli_key_format(c, arg, &st->put.key_format);
        return true;
    case OPT_CERT:
    case OPT_CHAIN:
    case OPT_KEY:
        if (!push_input(st, arg))
            cli_usage_error(c, "out of memory");
        return true;
    }
    return false;
}

int main(int argc, char **argv)
{
    cli c;
    state st;
    static const cert_put_opts put_init = CERT_PUT_OPTS_INIT;
    cert_report_opts o;
    cert_report *r = NULL;
    cert_aws *aws = NULL;
    cert_put_result res;
    cert_text_opts text;
    cert_err err;
    int first, rc;

    memset(&st, 0, sizeof(st));
    memset(&res, 0, sizeof(res));
    st.put = put_init;
    cli_init_aws(&c, "certup", "[options] INPUT...",
                 "Check a certificate bundle, then upload it to IAM as a server certificate under "
                 "/cloudfront/,\nin one request. An existing certificate with the same name and "
                 "the same leaf and chain\nis success (nothing to do). Runs every certcheck check "
                 "first; any error stops it before\nanything is sent.",
                 tool_opts, true);
    first = cli_parse(&c, argc, argv, handle, &st);
    for (int i = first; i < argc; i++) {
        if (!push_input(&st, argv[i]))
            cli_usage_error(&c, "out of memory");
    }
    if (st.ninputs == 0)
        cli_usage_error(&c, "no input given");
    rc = cli_report_opts(&c, &o);
    if (rc != 0)
        goto done;
    o.check.key_required = true;
    st.put.tags = st.tags;
    st.put.tag_count = st.ntags;
    if (cert_report_build(st.inputs, st.ninputs, &o, &r) < 0) {
        rc = cli_fail(&c);
        goto done;
    }
    text.color = cli_color(&c, stderr);
    text.verbosity = c.verbose;
    if (cert_report_error(r, NULL) < 0) {
        const char *msg;

        rc = (int)cert_exit_for_err(cert_report_error(r, &msg));
        if (c.json)
            cert_report_write(r, CERT_OUTPUT_JSON, NULL, stdout);
        cli_err(&c, "%s", msg);
        goto done;
    }
    if (cert_report_exit_code(r) != CERT_EXIT_OK) {
        /* Every check first: nothing is sent while an error remains. */
        if (!c.quiet)
            cert_report_write(r, CERT_OUTPUT_TEXT, &text, stderr);
        if (c.json)
            cert_report_write(r, CERT_OUTPUT_JSON, NULL, stdout);
        cli_err(&c, "nothing uploaded: fix the errors above (or --allow CODE one of them)");
        rc = CERT_EXIT_CHECK;
        goto done;
    }
    if (!c.quiet && (cert_findings_count_severity(cert_report_findings(r), CERT_SEV_WARNING) > 0 ||
                     c.verbose > 0))
        cert_report_write(r, CERT_OUTPUT_TEXT, &text, stderr);
    if (st.put.path != NULL && !cert_iam_path_cloudfront(st.put.path))
        cli_err(&c,
                "warning: path %s is not under /cloudfront/: CloudFront will not offer this "
                "certificate to distributions",
                st.put.path);
    if (!st.put.dry_run) {
        rc = cli_aws_new(&c, &aws);
        if (rc != 0)
            goto done;
    }
    err = cert_iam_put(aws, cert_report_chain(r), &st.put, &res);
    if (err < 0) {
        rc = cli_aws_fail(&c);
        if (c.json)
            cert_put_write(&res, err, true, stdout);
        else if (!c.quiet)
            cert_put_write(&res, err, false, stderr);
        goto done;
    }
    if (res.status == CERT_PUT_EXISTS && res.meta.path != NULL &&
        !cert_iam_path_cloudfront(res.meta.path) && !c.quiet)
        cli_err(&c,
                "warning: IAM holds %s under %s, not under /cloudfront/: CloudFront will not "
                "offer it to distributions; certls --fix-path %s moves it",
                res.name, res.meta.path, res.name);
    if (!c.quiet || c.json)
        cert_put_write(&res, CERT_OK, c.json, stdout);
    rc = 0;

done:
    cert_put_result_clear(&res);
    cert_aws_free(aws);
    cert_report_free(r);
    cert_iam_tags_free(st.tags, st.ntags);
    free((void *)st.inputs);
    cli_free(&c);
    if (fflush(stdout) != 0 && rc == 0)
        rc = CERT_EXIT_INPUT;
    return rc;
}
