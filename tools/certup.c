/* SPDX-License-Identifier: Apache-2.0 */
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
    OPT_STORE,
    OPT_REIMPORT,
};

static const cli_opt tool_opts[] = {
    {"store", 0, CLI_ARG, OPT_STORE, "STORE",
     "iam (default: IAM server certificates under /cloudfront/) or acm (ACM in us-east-1)"},
    {"reimport", 0, CLI_ARG, OPT_REIMPORT, "ARN",
     "ACM: re-import into this certificate, keeping its ARN and users (after ACM's rules)"},
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
    bool store_set;
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
    case OPT_STORE:
        if (!cert_store_parse(arg, &st->put.store))
            cli_usage_error(c, "--store %s: give iam or acm", arg);
        st->store_set = true;
        return true;
    case OPT_REIMPORT:
        if (!cert_acm_arn_parse(arg, NULL))
            cli_usage_error(c,
                            "--reimport %s: not an ACM certificate ARN "
                            "(arn:aws:acm:us-east-1:ACCOUNT:certificate/ID)",
                            arg);
        st->put.reimport = arg;
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

/* The report may be acted on; otherwise say why (the report too, for the findings) and give the
 * exit code. */
static int gate(cli *c, cert_report *r)
{
    cert_text_opts text = {cli_color(c, stderr), c->verbose};
    cert_gate g;

    if (cert_gate_check(r, CERT_ACTION_UPLOAD, NULL, &g)) {
        if (!c->quiet &&
            (cert_findings_count_severity(cert_report_findings(r), CERT_SEV_WARNING) > 0 ||
             c->verbose > 0))
            cert_report_write(r, CERT_OUTPUT_TEXT, &text, stderr);
        return 0;
    }
    /* Every check first: nothing is sent while an error remains. */
    if (g.err == CERT_E_REFUSED && !c->quiet)
        cert_report_write(r, CERT_OUTPUT_TEXT, &text, stderr);
    if (cli_output(c) != CERT_OUTPUT_TEXT)
        cert_report_write(r, cli_output(c), NULL, stdout);
    cli_err(c, "%s", g.message);
    return (int)cert_exit_for_err(g.err);
}

/* Warnings about where the certificate goes or is: CloudFront only offers those under
 * /cloudfront/. */
static void path_warning(cli *c, const char *path)
{
    if (!c->quiet && path != NULL && !cert_iam_path_cloudfront(path))
        cli_err(c,
                "warning: path %s is not under /cloudfront/: CloudFront will not offer this "
                "certificate to distributions",
                path);
}

static void exists_warning(cli *c, const cert_put_result *res)
{
    if (!c->quiet && res->status == CERT_PUT_EXISTS && res->meta.path != NULL &&
        !cert_iam_path_cloudfront(res->meta.path))
        cli_err(c,
                "warning: IAM holds %s under %s, not under /cloudfront/: CloudFront will not "
                "offer it to distributions; certls --fix-path %s moves it",
                res->name, res->meta.path, res->name);
}

/* The options that do not go together, as usage errors before anything is read or sent. */
static void check_usage(cli *c, state *st)
{
    if (st->put.reimport != NULL && st->store_set && st->put.store != CERT_STORE_ACM)
        cli_usage_error(c, "--reimport is ACM's: give --store acm (or no --store)");
    if (st->put.reimport != NULL)
        st->put.store = CERT_STORE_ACM;
    /* ACM API Reference, ImportCertificate, Tags: "You cannot apply tags when reimporting". */
    if (st->put.reimport != NULL && st->ntags > 0)
        cli_usage_error(c, "--tag with --reimport: ACM takes no tags on a re-import");
    if (st->put.store == CERT_STORE_ACM && (st->put.name != NULL || st->put.path != NULL))
        cli_usage_error(c, "--name and --path are IAM's; ACM names a certificate by its ARN");
}

static int upload(cli *c, state *st, cert_report *r)
{
    cert_aws *aws = NULL;
    cert_aws_opts ao;
    cert_put_result res;
    int rc;

    memset(&res, 0, sizeof(res));
    if (st->put.store == CERT_STORE_IAM)
        path_warning(c, st->put.path);
    if (!st->put.dry_run) {
        cli_aws_session_opts(c, &ao);
        /* no session: the upload failed before it began (with --json, still one document) */
        if (cert_aws_new(&ao, &aws) < 0 &&
            cert_failure_from_last(&res.failure, cert_error_last()->code) == CERT_E_NOMEM) {
            rc = cli_fail(c);
            goto done;
        }
    }
    if (aws != NULL && st->put.store == CERT_STORE_ACM)
        cli_acm_region_note(c, aws);
    if (res.failure.err == CERT_OK &&
        cert_store_put(aws, cert_report_chain(r), &st->put, &res) == CERT_E_NOMEM) {
        rc = cli_fail(c);
        goto done;
    }
    rc = (int)cert_put_exit(&res);
    if (rc != 0)
        cli_err(c, "%s",
                res.failure.message ? res.failure.message : cert_err_name(res.failure.err));
    else
        exists_warning(c, &res);
    if (cli_output(c) != CERT_OUTPUT_TEXT) {
        cert_put_write(&res, cli_output(c), stdout);
    } else if (!c->quiet) {
        /* success is one line ("uploaded NAME ID"); the whole record with -v */
        cert_text_opts text = {false, c->verbose};

        cert_put_write_text(&res, &text, rc != 0 ? stderr : stdout);
    }

done:
    cert_put_result_clear(&res);
    cert_aws_free(aws);
    return rc;
}

int main(int argc, char **argv)
{
    cli c;
    state st;
    static const cert_put_opts put_init = CERT_PUT_OPTS_INIT;
    cert_report_opts o;
    cert_report *r = NULL;
    int first, rc;

    memset(&st, 0, sizeof(st));
    st.put = put_init;
    cli_init_aws(&c, "certup", "[options] INPUT...",
                 "Check a certificate bundle, then upload it to IAM as a server certificate under "
                 "/cloudfront/,\nin one request (--store acm: import it into ACM in us-east-1). "
                 "The same leaf and chain\nalready there is success (nothing to do). Runs every "
                 "certcheck check first; any error\nstops it before anything is sent.",
                 tool_opts, true);
    first = cli_parse(&c, argc, argv, handle, &st);
    check_usage(&c, &st);
    for (int i = first; i < argc; i++) {
        if (!push_input(&st, argv[i]))
            cli_usage_error(&c, "out of memory");
    }
    if (st.ninputs == 0)
        cli_usage_error(&c, "no input given");
    if ((rc = cli_report_opts(&c, &o)) != 0)
        goto done;
    o.check.key_required = true;
    st.put.tags = st.tags;
    st.put.tag_count = st.ntags;
    st.put.allow = &o.check;
    if (cert_report_build(st.inputs, st.ninputs, &o, &r) < 0)
        rc = cli_fail(&c);
    else if ((rc = gate(&c, r)) == 0)
        rc = upload(&c, &st, r);

done:
    cert_report_free(r);
    cert_iam_tags_free(st.tags, st.ntags);
    free((void *)st.inputs);
    cli_free(&c);
    if (fflush(stdout) != 0 && rc == 0)
        rc = CERT_EXIT_INPUT;
    return rc;
}
