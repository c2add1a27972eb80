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

/* Findings that make the output wrong or incomplete: splitting refuses on these (unless
 * allowed). Everything else is reported and the split goes ahead, as splitting is how people
 * look at a bad bundle; --strict refuses on every error. */
static const char *blocking[] = {"key.mismatch", "chain.incomplete", "key.missing"};

static const cert_finding *refusal(const cert_findings *f, bool strict)
{
    for (size_t i = 0; i < cert_findings_count(f); i++) {
        const cert_finding *fi = cert_findings_at(f, i);

        if (fi->severity != CERT_SEV_ERROR)
            continue;
        if (strict)
            return fi;
        for (size_t b = 0; b < sizeof(blocking) / sizeof(blocking[0]); b++) {
            if (strcmp(fi->code, blocking[b]) == 0)
                return fi;
        }
    }
    return NULL;
}

/* The tool's decision, recorded in the report; with --json the one document goes out now. */
static int finish(cert_report *r, bool json, int rc, const char *message)
{
    cert_report_set_outcome(r, (cert_exit)rc, message);
    if (json)
        cert_report_write(r, CERT_OUTPUT_JSON, NULL, stdout);
    return rc;
}

static void warn_world_readable(const cli *c)
{
    struct stat sb;

    /* As wireguard-tools' genkey: a key piped into a file others can read is worth a word. */
    if (fstat(STDOUT_FILENO, &sb) == 0 && S_ISREG(sb.st_mode) && (sb.st_mode & S_IROTH))
        cli_err(c, "warning: writing a private key to a world-readable file");
}

int main(int argc, char **argv)
{
    cli c;
    state st;
    static const cert_split_opts split_init = CERT_SPLIT_OPTS_INIT;
    cert_report_opts o;
    cert_report *r = NULL;
    cert_text_opts text;
    const cert_findings *f;
    const cert_finding *refused;
    int first, rc;
    bool show;

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
    if (st.stdout_part >= 0 && c.json)
        cli_usage_error(&c, "--stdout writes PEM to stdout and --json a JSON document: choose one");
    rc = cli_report_opts(&c, &o);
    if (rc != 0)
        goto done;
    o.check.key_required =
        !st.split.no_key && (st.stdout_part < 0 || st.stdout_part == CERT_PART_KEY);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);
    if (cert_report_build((const char *const *)argv + first, (size_t)(argc - first), &o, &r) < 0) {
        rc = cli_fail(&c);
        goto done;
    }
    text.color = cli_color(&c, stderr);
    text.verbosity = c.verbose;
    if (cert_report_error(r, NULL) < 0) {
        const char *msg;

        rc = (int)cert_exit_for_err(cert_report_error(r, &msg));
        cli_err(&c, "%s", msg);
        rc = finish(r, c.json, rc, NULL);
        goto done;
    }
    f = cert_report_findings(r);
    refused = refusal(f, st.strict);
    show = !c.quiet && (refused != NULL || cert_findings_count_severity(f, CERT_SEV_ERROR) > 0 ||
                        cert_findings_count_severity(f, CERT_SEV_WARNING) > 0 || c.verbose > 0);
    if (show)
        cert_report_write(r, CERT_OUTPUT_TEXT, &text, stderr);
    if (refused != NULL) {
        char msg[1400];

        snprintf(msg, sizeof(msg), "%s: nothing written: %s: %s; fix the bundle%s",
                 cert_bundle_input_at(cert_report_bundle(r), 0), refused->code, refused->message,
                 st.strict ? " (--strict refuses on every error)"
                           : ", or write it anyway with --allow CODE");
        cli_err(&c, "%s", msg);
        rc = finish(r, c.json, CERT_EXIT_CHECK, msg);
        goto done;
    }
    if (cert_chain_key(cert_report_chain(r)) == NULL && !st.split.no_key) {
        /* key.missing or key.mismatch was allowed: there is no key of the leaf to write. */
        st.split.no_key = true;
        if (!c.quiet)
            cli_err(&c, "%s: no private key matches the leaf; key.pem is not written",
                    cert_bundle_input_at(cert_report_bundle(r), 0));
    }
    if (st.stdout_part >= 0) {
        char *data = NULL;
        size_t len = 0;

        if (cert_split_render(cert_report_chain(r), (cert_split_part)st.stdout_part,
                              st.split.key_format, &data, &len) < 0) {
            rc = cli_fail(&c);
            goto done;
        }
        if (st.stdout_part == CERT_PART_KEY)
            warn_world_readable(&c);
        if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0)
            rc = CERT_EXIT_INPUT;
        else
            rc = 0;
        cert_secret_free(data, len);
        goto done;
    }
    if (cert_split_write(cert_report_chain(r), &st.split) < 0) {
        const cert_error *e = cert_error_last();
        char msg[1100];

        /* An existing file is a matter of options (--force), not of the input. */
        snprintf(msg, sizeof(msg), "%s", e->message);
        rc = cli_fail(&c);
        if (e->code == CERT_E_EXISTS || e->code == CERT_E_INVALID)
            rc = CERT_EXIT_USAGE;
        rc = finish(r, c.json, rc, msg);
        goto done;
    }
    {
        cert_split_part parts[4];
        size_t n = cert_split_parts(&st.split, parts);
        static const char *names[] = {"cert", "chain", "key", "fullchain"};

        for (size_t i = 0; i < n; i++) {
            char *path = NULL;

            if (cert_split_path(&st.split, parts[i], &path) < 0 ||
                cert_report_add_output(r, names[parts[i]], path) < 0) {
                free(path);
                rc = cli_fail(&c);
                goto done;
            }
            if (!c.json && !c.quiet)
                printf("%s\n", path);
            free(path);
        }
    }
    rc = finish(r, c.json, CERT_EXIT_OK, NULL);

done:
    cert_report_free(r);
    cli_free(&c);
    if (fflush(stdout) != 0 && rc == 0)
        rc = CERT_EXIT_INPUT;
    return rc;
}
