/* certcheck: the pre-flight. Reads a bundle, orders its chain and runs every check. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cli.h"

enum { OPT_EACH = CLI_TOOL_ID, OPT_JOBS, OPT_REQUIRE_KEY };

static const cli_opt tool_opts[] = {
    {"each", 0, CLI_NOARG, OPT_EACH, NULL,
     "every input (file or directory) is a bundle of its own; exit with the highest code"},
    {"jobs", 'j', CLI_ARG, OPT_JOBS, "N", "threads for --each (default: the number of CPUs)"},
    {"require-key", 0, CLI_NOARG, OPT_REQUIRE_KEY, NULL, "a missing private key is an error"},
    {NULL, 0, 0, 0, NULL, NULL},
};

typedef struct state {
    bool each;
    unsigned int jobs;
    bool require_key;
} state;

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
    }
    return false;
}

int main(int argc, char **argv)
{
    cli c;
    state st = {false, 0, false};
    cert_report_opts o;
    cert_report *r = NULL;
    cert_output fmt;
    cert_text_opts text;
    int first, rc;

    cli_init(&c, "certcheck", "[options] INPUT...",
             "Check a certificate bundle before IAM and CloudFront see it: chain order and "
             "completeness,\nkey match, expiry, key type and size, signatures, host names, IAM "
             "limits.\nINPUT is a file (PEM, DER, PKCS#12, PKCS#7), a directory or - for stdin; "
             "inputs named\ntogether form one bundle.",
             tool_opts, true);
    first = cli_parse(&c, argc, argv, handle, &st);
    if (first >= argc)
        cli_usage_error(&c, "no input given");
    rc = cli_report_opts(&c, &o);
    if (rc != 0)
        goto done;
    o.check.key_required = st.require_key;
    fmt = c.quiet ? CERT_OUTPUT_QUIET : c.json ? CERT_OUTPUT_JSON : CERT_OUTPUT_TEXT;
    text.color = cli_color(&c, stdout);
    text.verbosity = c.verbose;
    if (st.each) {
        cert_exit worst;

        if (cert_report_each((const char *const *)argv + first, (size_t)(argc - first), &o,
                             st.jobs, fmt, &text, stdout, &worst) < 0) {
            rc = cli_fail(&c);
            goto done;
        }
        rc = (int)worst;
        goto done;
    }
    if (cert_report_build((const char *const *)argv + first, (size_t)(argc - first), &o, &r) <
        0) {
        rc = cli_fail(&c);
        goto done;
    }
    if (cert_report_write(r, fmt, &text, stdout) < 0) {
        rc = cli_fail(&c);
        goto done;
    }
    rc = (int)cert_report_exit_code(r);
    if (rc != 0 && fmt == CERT_OUTPUT_TEXT && cert_report_error(r, NULL) < 0) {
        const char *msg;

        cert_report_error(r, &msg);
        cli_err(&c, "%s", msg);
    }

done:
    cert_report_free(r);
    cli_free(&c);
    if (fflush(stdout) != 0 && rc == 0)
        rc = CERT_EXIT_INPUT;
    return rc;
}
