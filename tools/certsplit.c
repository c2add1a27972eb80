/* SPDX-License-Identifier: Apache-2.0 */
/* certsplit: a combined bundle in, cert.pem, chain.pem and key.pem out, all or nothing. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cli.h"

enum {
    OPT_OUT_DIR = CLI_TOOL_ID,
    OPT_PREFIX,
    OPT_FULLCHAIN,
    OPT_STDOUT,
    OPT_NO_KEY,
    OPT_KEY_FORMAT,
    OPT_FORCE,
    OPT_STRICT,
};

static const cli_opt tool_opts[] = {
    {"out-dir", 'o', CLI_ARG, OPT_OUT_DIR, "DIR", "write the files into DIR (default: .)"},
    {"prefix", 0, CLI_ARG, OPT_PREFIX, "P", "prepend P to each file name (P + cert.pem, ...)"},
    {"fullchain", 0, CLI_NOARG, OPT_FULLCHAIN, NULL, "also write fullchain.pem (leaf + chain)"},
    {"stdout", 0, CLI_ARG, OPT_STDOUT, "PART",
     "write only PART (cert, chain, key or fullchain) to stdout"},
    {"no-key", 0, CLI_NOARG, OPT_NO_KEY, NULL, "write the certificates alone (no key.pem)"},
    {"key-format", 0, CLI_ARG, OPT_KEY_FORMAT, "FMT",
     "pkcs8 (default, BEGIN PRIVATE KEY) or traditional (BEGIN RSA/EC PRIVATE KEY)"},
    {"force", 0, CLI_NOARG, OPT_FORCE, NULL, "overwrite existing files (and nothing else)"},
    {"strict", 0, CLI_NOARG, OPT_STRICT, NULL,
     "refuse on every error finding, not only on "
     "those that make the output wrong"},
    {NULL, 0, 0, 0, NULL, NULL},
};

typedef struct state {
    cert_split_opts split;
    int stdout_part; /* -1: files */
    bool strict;
} state;

static bool handle(cli *c, int id, const char *arg, void *ud)
{
    state *st = ud;

    switch (id) {
    case OPT_OUT_DIR:
        st->split.out_dir = arg;
        return true;
    case OPT_PREFIX:
        if (strchr(arg, '/') != NULL)
            cli_usage_error(c,
                            "--prefix %s: a prefix is part of a file name; use --out-dir for "
                            "a directory",
                            arg);
        st->split.prefix = arg;
        return true;
    case OPT_FULLCHAIN:
        st->split.fullchain = true;
        return true;
    case OPT_STDOUT:
        if (strcmp(arg, "cert") == 0)
            st->stdout_part = CERT_PART_CERT;
        else if (strcmp(arg, "chain") == 0)
            st->stdout_part = CERT_PART_CHAIN;
        else if (strcmp(arg, "key") == 0)
            st->stdout_part = CERT_PART_KEY;
        else if (strcmp(arg, "fullchain") == 0)
            st->stdout_part = CERT_PART_FULLCHAIN;
        else
            cli_usage_error(c, "--stdout %s: give cert, chain, key or fullchain", arg);
        return true;
    case OPT_NO_KEY:
        st->split.no_key = true;
        return true;
    case OPT_KEY_FORMAT:
        cli_key_format(c, arg, &st->split.key_format);
        return true;
    case OPT_FORCE:
        st->split.force = true;
        return true;
    case OPT_STRICT:
        st->strict = true;
        return true;
    }
    return false;
}

static void on_signal(int sig)
{
    /* No half-written file survives an interrupt: remove the temporaries, then die of the
     * signal as if it had not been caught. */
    cert_split_abort();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* The tool's decision, recorded in the report; with --json (--output) the one document (the
 * records) goes out now. */
static int finish(const cli *c, cert_report *r, int rc, const char *message)
{
    cert_report_set_outcome(r, (cert_exit)rc, message);
    if (cli_output(c) != CERT_OUTPUT_TEXT)
        cert_report_write(r, cli_output(c), NULL, stdout);
    return rc;
}

static void warn_world_readable(const cli *c)
{
    struct stat sb;

    /* As wireguard-tools' genkey: a key piped into a file others can read is worth a word. */
    if (fstat(STDOUT_FILENO, &sb) == 0 && S_ISREG(sb.st_mode) && (sb.st_mode & S_IROTH))
        cli_err(c, "warning: writing a private key to a world-readable file");
}

/* One part to stdout (--stdout PART). */
static int to_stdout(cli *c, const state *st, const cert_report *r)
{
    char *data = NULL;
    size_t len = 0;
    int rc = 0;

    if (cert_split_render(cert_report_chain(r), (cert_split_part)st->stdout_part,
                          st->split.key_format, &data, &len) < 0)
        return cli_fail(c);
    if (st->stdout_part == CERT_PART_KEY)
        warn_world_readable(c);
    if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0)
        rc = CERT_EXIT_INPUT;
    cert_secret_free(data, len);
    return rc;
}

/* The files, each recorded in the report (JSON "written") and named on stdout. */
static int to_files(cli *c, const state *st, cert_report *r)
{
    static const char *names[] = {"cert", "chain", "key", "fullchain"};
    cert_split_part parts[4];
    size_t n;

    if (cert_split_write(cert_report_chain(r), &st->split) < 0) {
        const cert_error *e = cert_error_last();
        char msg[1100];
        int rc;

        /* An existing file is a matter of options (--force), not of the input. */
        snprintf(msg, sizeof(msg), "%s", e->message);
        rc = cli_fail(c);
        if (e->code == CERT_E_EXISTS || e->code == CERT_E_INVALID)
            rc = CERT_EXIT_USAGE;
        return finish(c, r, rc, msg);
    }
    n = cert_split_parts(&st->split, parts);
    for (size_t i = 0; i < n; i++) {
        char *path = NULL;

        if (cert_split_path(&st->split, parts[i], &path) < 0 ||
            cert_report_add_output(r, names[parts[i]], path) < 0) {
            free(path);
            return cli_fail(c);
        }
        if (cli_output(c) == CERT_OUTPUT_TEXT && !c->quiet) {
            cert_text_write(stdout, path, strlen(path), false);
            putchar('\n');
        }
        free(path);
    }
    return finish(c, r, CERT_EXIT_OK, NULL);
}

/* The gate, then what it allows. */
static int split(cli *c, state *st, cert_report *r)
{
    cert_text_opts text = {cli_color(c, stderr), c->verbose};
    cert_gate_opts go = CERT_GATE_OPTS_INIT;
    const cert_findings *f = cert_report_findings(r);
    cert_gate g;
    bool pass;

    go.strict = st->strict;
    pass = cert_gate_check(r, CERT_ACTION_SPLIT, &go, &g);
    if (g.err < 0 && g.err != CERT_E_REFUSED) {
        cli_err(c, "%s", g.message);
        return finish(c, r, (int)cert_exit_for_err(g.err), NULL);
    }
    if (!c->quiet && (!pass || cert_findings_count_severity(f, CERT_SEV_ERROR) > 0 ||
                      cert_findings_count_severity(f, CERT_SEV_WARNING) > 0 || c->verbose > 0))
        cert_report_write(r, CERT_OUTPUT_TEXT, &text, stderr);
    if (!pass) {
        cli_err(c, "%s", g.message);
        return finish(c, r, CERT_EXIT_CHECK, g.message);
    }
    if (cert_chain_key(cert_report_chain(r)) == NULL && !st->split.no_key) {
        /* key.missing or key.mismatch was allowed: there is no key of the leaf to write. */
        st->split.no_key = true;
        if (!c->quiet)
            cli_err(c, "%s: no private key matches the leaf; key.pem is not written",
                    cert_report_label(r));
    }
    return st->stdout_part >= 0 ? to_stdout(c, st, r) : to_files(c, st, r);
}

int main(int argc, char **argv)
{
    cli c;
    state st;
    static const cert_split_opts split_init = CERT_SPLIT_OPTS_INIT;
    cert_report_opts o;
    cert_report *r = NULL;
    int first, rc;

    memset(&st, 0, sizeof(st));
    st.split = split_init;
    st.stdout_part = -1;
    cli_init(&c, "certsplit", "[options] INPUT...",
             "Split a certificate bundle (PEM in any order, DER, PKCS#12, PKCS#7) into cert.pem "
             "(the leaf),\nchain.pem (intermediates in issuing order, the leaf's issuer first) "
             "and key.pem (unencrypted\nPKCS#8, mode 0600). Runs certcheck's checks first.",
             tool_opts, true);
    first = cli_parse(&c, argc, argv, handle, &st);
    if (first >= argc)
        cli_usage_error(&c, "no input given");
    if (st.stdout_part == CERT_PART_KEY && st.split.no_key)
        cli_usage_error(&c, "--stdout key and --no-key contradict each other");
    if (st.stdout_part >= 0 && cli_output(&c) != CERT_OUTPUT_TEXT)
        cli_usage_error(&c, "--stdout writes PEM to stdout and --%s a document: choose one",
                        c.json ? "json" : "output");
    if ((rc = cli_report_opts(&c, &o)) != 0)
        goto done;
    o.check.key_required =
        !st.split.no_key && (st.stdout_part < 0 || st.stdout_part == CERT_PART_KEY);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);
    if (cert_report_build((const char *const *)argv + first, (size_t)(argc - first), &o, &r) < 0)
        rc = cli_fail(&c);
    else
        rc = split(&c, &st, r);

done:
    cert_report_free(r);
    cli_free(&c);
    if (fflush(stdout) != 0 && rc == 0)
        rc = CERT_EXIT_INPUT;
    return rc;
}
