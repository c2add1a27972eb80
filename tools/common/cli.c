/* SPDX-License-Identifier: Apache-2.0 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli_int.h"

const cli_opt cli_common_opts[] = {
    {"help", 'h', CLI_NOARG, CLI_HELP, NULL, "print this help and exit"},
    {"version", 0, CLI_NOARG, CLI_VERSION, NULL, "print versions and exit"},
    {"quiet", 'q', CLI_NOARG, CLI_QUIET, NULL, "print nothing on success; only the exit code"},
    {"verbose", 'v', CLI_NOARG, CLI_VERBOSE, NULL, "say more (repeatable)"},
    {"debug", 0, CLI_NOARG, CLI_DEBUG, NULL,
     "say everything: -vv, and each AWS request's URL and header names, endpoints, credentials' "
     "source (never a secret)"},
    {"json", 0, CLI_NOARG, CLI_JSON, NULL, "print exactly one JSON document on stdout"},
    {"output", 0, CLI_ARG, CLI_OUTPUT, "FORMAT",
     "json (as --json), text (tab-separated records, as the AWS CLI's) or table; a profile's "
     "output and AWS_DEFAULT_OUTPUT are not read"},
    {"color", 0, CLI_ARG, CLI_COLOR, "WHEN", "auto (default), always or never"},
    /* hidden: what the build makes the shell completions and the man pages' shared options of */
    {"completion", 0, CLI_ARG, CLI_COMPLETION, "SHELL", NULL},
    {"help-scdoc", 0, CLI_NOARG, CLI_HELP_SCDOC, NULL, NULL},
    {"help-scdoc-env", 0, CLI_NOARG, CLI_HELP_SCDOC_ENV, NULL, NULL},
    {NULL, 0, 0, 0, NULL, NULL},
};

const cli_opt cli_check_opts[] = {
    {"passin", 0, CLI_ARG, CLI_PASSIN, "SPEC",
     "passphrase: pass:TEXT, env:VAR, file:PATH or fd:N (default: ask on the terminal)"},
    {"batch", 0, CLI_NOARG, CLI_BATCH, NULL, "never prompt (an encrypted input is an error)"},
    {"ca-file", 0, CLI_ARG, CLI_CA_FILE, "FILE",
     "trust these CA certificates (PEM) instead of "
     "the system's"},
    {"ca-path", 0, CLI_ARG, CLI_CA_PATH, "DIR",
     "trust this hashed CA directory instead of the "
     "system's"},
    {"at", 0, CLI_ARG, CLI_AT, "TIME", "check as of TIME (RFC 3339 or @EPOCH) instead of now"},
    {"days", 0, CLI_ARG, CLI_DAYS, "N", "warn when the leaf expires within N days (default 30)"},
    {"host", 0, CLI_ARG, CLI_HOST, "NAME", "the leaf must cover NAME (repeatable)"},
    {"leaf", 0, CLI_ARG, CLI_LEAF, "SEL", "the leaf is this subject, CN, DNS name or SHA-256"},
    {"preferred-chain", 0, CLI_ARG, CLI_PREFERRED, "CN",
     "prefer the path whose top certificate this issuer CN signed (as certbot)"},
    {"with-root", 0, CLI_NOARG, CLI_WITH_ROOT, NULL, "keep the self-signed root in the chain"},
    {"crl", 0, CLI_ARG, CLI_CRL, "FILE",
     "apply this CRL (PEM or DER) to the chain: cert.revoked (repeatable)"},
    {"max-depth", 0, CLI_ARG, CLI_MAX_DEPTH, "N",
     "certificates in one path, leaf and root included (default 12, at most 32)"},
    {"allow", 0, CLI_ARG, CLI_ALLOW, "CODE",
     "downgrade the error CODE to a warning (repeatable; --list-codes)"},
    {"list-codes", 0, CLI_NOARG, CLI_LIST_CODES, NULL, "print every finding code and exit"},
    {"max-kdf-work", 0, CLI_ARG, CLI_MAX_KDF_WORK, "N",
     "key-derivation iterations one bundle may cost in all (default 10000000)"},
    {NULL, 0, 0, 0, NULL, NULL},
};

static void init_tables(cli *c, const cli_opt *tool_opts, bool check_opts, bool aws_opts)
{
    size_t n = 0;

    if (tool_opts != NULL)
        c->tables[n++] = tool_opts;
    if (check_opts)
        c->tables[n++] = cli_check_opts;
    if (aws_opts)
        c->tables[n++] = cli_aws_opts;
    c->tables[n++] = cli_common_opts;
}

void cli_add_table(cli *c, const cli_opt *table)
{
    size_t n = 0;

    while (n < 6 && c->tables[n] != NULL)
        n++;
    if (n == 0 || n >= 6)
        return;
    /* before the common options, which close --help */
    c->tables[n] = c->tables[n - 1];
    c->tables[n - 1] = table;
}

void cli_init_aws(cli *c, const char *tool, const char *usage, const char *summary,
                  const cli_opt *tool_opts, bool check_opts)
{
    cli_init(c, tool, usage, summary, NULL, false);
    memset((void *)c->tables, 0, sizeof(c->tables));
    init_tables(c, tool_opts, check_opts, true);
}

/* One diagnostic line on stderr: "tool: message", the message made harmless for a terminal
 * (it may quote AWS, a certificate or a file name), a line feed in it included. */
static void err_line(const char *tool, const char *fmt, va_list ap) CERT_PRINTF(2, 0);
static void err_line(const char *tool, const char *fmt, va_list ap)
{
    fprintf(stderr, "%s: ", tool);
    cert_text_vwritef(stderr, false, fmt, ap);
    fputc('\n', stderr);
}

static void err_linef(const char *tool, const char *fmt, ...) CERT_PRINTF(2, 3);
static void err_linef(const char *tool, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    err_line(tool, fmt, ap);
    va_end(ap);
}

void cli_key_format(cli *c, const char *arg, cert_key_format *out)
{
    if (strcmp(arg, "pkcs8") == 0)
        *out = CERT_KEY_PKCS8;
    else if (strcmp(arg, "traditional") == 0)
        *out = CERT_KEY_TRADITIONAL;
    else
        cli_usage_error(c, "--key-format %s: give pkcs8 or traditional", arg);
}

void cli_init(cli *c, const char *tool, const char *usage, const char *summary,
              const cli_opt *tool_opts, bool check_opts)
{
    memset(c, 0, sizeof(*c));
    c->tool = tool;
    /* Every tool reads a private key or AWS credentials: no core dump, no ptrace by the same
     * user, OpenSSL's secure heap, before anything is read (LIBCERT_ALLOW_CORE=1 opts out). */
    if (cert_process_harden() < 0)
        cli_err(c, "warning: %s", cert_error_last()->message);
    c->usage = usage;
    c->summary = summary;
    c->color = -1;
    c->days = 30;
    c->max_kdf_work = CERT_BUNDLE_KDF_WORK_DEFAULT;
    init_tables(c, tool_opts, check_opts, false);
}

void cli_err(const cli *c, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    err_line(c->tool, fmt, ap);
    va_end(ap);
}

void cli_usage_error(const cli *c, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    err_line(c->tool, fmt, ap);
    va_end(ap);
    fprintf(stderr, "try '%s --help'\n", c->tool);
    exit(CERT_EXIT_USAGE);
}

int cli_fail(const cli *c)
{
    const cert_error *e = cert_error_last();

    cli_err(c, "%s", e->message[0] ? e->message : cert_err_name(e->code));
    return (int)cert_exit_for_err(e->code);
}

bool cli_uint(const cli *c, const char *opt, const char *arg, unsigned int max, unsigned int *out)
{
    char *end;
    unsigned long v;

    if (arg[0] < '0' || arg[0] > '9')
        cli_usage_error(c, "--%s %s: not a number", opt, arg);
    v = strtoul(arg, &end, 10);
    if (*end != '\0' || v > max)
        cli_usage_error(c, "--%s %s: give a whole number from 0 to %u", opt, arg, max);
    *out = (unsigned int)v;
    return true;
}

static void print_help(const cli *c)
{
    printf("usage: %s %s\n%s\n", c->tool, c->usage, c->summary);
    for (size_t t = 0; t < 6 && c->tables[t] != NULL; t++) {
        printf("\n");
        for (const cli_opt *o = c->tables[t]; o->name != NULL; o++) {
            char left[64];

            if (o->help == NULL)
                continue;
            if (o->short_name)
                snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->name,
                         o->arg ? " " : "", o->arg ? o->arg : "");
            else
                snprintf(left, sizeof(left), "    --%s%s%s", o->name, o->arg ? " " : "",
                         o->arg ? o->arg : "");
            if (strlen(left) > 24)
                printf("  %s\n  %-24s %s\n", left, "", o->help);
            else
                printf("  %-24s %s\n", left, o->help);
        }
    }
    printf("\nExit codes: 0 ok, 1 a check failed, 2 usage, 3 input or local configuration, 4 AWS "
           "answered an error, 5 retries exhausted.\nSee %s(1).\n",
           c->tool);
}

static void print_codes(void)
{
    cert_severity sev;
    const char *about, *code;

    for (size_t i = 0; (code = cert_check_code_at(i, &sev, &about)) != NULL; i++)
        printf("%-22s %-8s %s\n", code, cert_severity_name(sev), about);
}

static bool push(const char ***arr, size_t *n, const char *v)
{
    const char **na = realloc((void *)*arr, (*n + 1) * sizeof(**arr));

    if (na == NULL)
        return false;
    na[(*n)++] = v;
    *arr = na;
    return true;
}

/* getopt_long's tables from the tool's option tables (one table drives parsing and --help). */
static void getopt_tables(const cli *c, struct option *longs, size_t nlongs, char *shorts,
                          size_t nshorts)
{
    size_t nl = 0, ns = 0;

    shorts[ns++] = ':'; /* report a missing argument distinctly */
    for (size_t t = 0; t < 6 && c->tables[t] != NULL; t++) {
        for (const cli_opt *o = c->tables[t]; o->name != NULL; o++) {
            if (nl + 1 < nlongs) {
                longs[nl].name = o->name;
                longs[nl].has_arg = o->has_arg ? required_argument : no_argument;
                longs[nl].flag = NULL;
                longs[nl].val = o->id;
                nl++;
            }
            if (o->short_name && ns + 3 < nshorts) {
                shorts[ns++] = (char)o->short_name;
                if (o->has_arg)
                    shorts[ns++] = ':';
            }
        }
    }
    memset(&longs[nl], 0, sizeof(longs[nl]));
    shorts[ns] = '\0';
}

/* The option with this short name; NULL when none. */
static const cli_opt *short_opt(const cli *c, int ch)
{
    for (size_t t = 0; t < 6 && c->tables[t] != NULL; t++) {
        for (const cli_opt *o = c->tables[t]; o->name != NULL; o++) {
            if (o->short_name == ch)
                return o;
        }
    }
    return NULL;
}

/* A short option's id in the tables. */
static int id_of_short(const cli *c, int ch)
{
    for (size_t t = 0; t < 6 && c->tables[t] != NULL; t++) {
        for (const cli_opt *o = c->tables[t]; o->name != NULL; o++) {
            if (o->short_name == ch)
                return o->id;
        }
    }
    return ch;
}

/* Options every tool takes; false when id is not one of them. */
static bool common_option(cli *c, int id, const char *arg)
{
    switch (id) {
    case CLI_HELP:
        print_help(c);
        exit(0);
    case CLI_VERSION:
        printf("%s (libcert) %s\nlibcert %s\n%s\n%s\n", c->tool, CERT_VERSION_STRING,
               cert_version(), OpenSSL_version(OPENSSL_VERSION), cert_aws_library_versions());
        exit(0);
    case CLI_COMPLETION:
        if (strcmp(arg, "bash") == 0)
            cli_print_completion_bash(c);
        else if (strcmp(arg, "zsh") == 0)
            cli_print_completion_zsh(c);
        else
            cli_usage_error(c, "--completion %s: give bash or zsh", arg);
        exit(0);
    case CLI_HELP_SCDOC:
        cli_print_scdoc_shared(c);
        exit(0);
    case CLI_HELP_SCDOC_ENV:
        cli_print_scdoc_env(c);
        exit(0);
    case CLI_QUIET:
        c->quiet = 1;
        return true;
    case CLI_VERBOSE:
        c->verbose++;
        return true;
    case CLI_JSON:
        if (c->output != CERT_OUTPUT_TEXT)
            cli_usage_error(c, "--json and --output %s: choose one",
                            c->output == CERT_OUTPUT_TABLE ? "table" : "text");
        c->json = true;
        return true;
    case CLI_OUTPUT: {
        cert_output o;

        if (!cert_output_parse(arg, &o))
            cli_usage_error(c, "--output %s: give json, text or table", arg);
        if ((c->json && o != CERT_OUTPUT_JSON) || (c->output != CERT_OUTPUT_TEXT && c->output != o))
            cli_usage_error(c, "--output %s: another output was asked for already; choose one",
                            arg);
        if (o == CERT_OUTPUT_JSON)
            c->json = true;
        else
            c->output = o;
        return true;
    }
    case CLI_DEBUG:
        c->debug = true;
        if (c->verbose < 2)
            c->verbose = 2;
        return true;
    case CLI_COLOR:
        if (strcmp(arg, "auto") == 0)
            c->color = -1;
        else if (strcmp(arg, "always") == 0)
            c->color = 1;
        else if (strcmp(arg, "never") == 0)
            c->color = 0;
        else
            cli_usage_error(c, "--color %s: give auto, always or never", arg);
        return true;
    }
    return false;
}

/* Options of the tools that read a bundle whose value is kept as given. */
static bool check_string_option(cli *c, int id, const char *arg)
{
    switch (id) {
    case CLI_PASSIN:
        c->passin = arg;
        return true;
    case CLI_CA_FILE:
        c->ca_file = arg;
        return true;
    case CLI_CA_PATH:
        c->ca_path = arg;
        return true;
    case CLI_LEAF:
        c->leaf = arg;
        return true;
    case CLI_PREFERRED:
        c->preferred = arg;
        return true;
    }
    return false;
}

/* Options of the tools that read a bundle. */
static bool check_option(cli *c, int id, const char *arg)
{
    switch (id) {
    case CLI_BATCH:
        c->batch = true;
        return true;
    case CLI_AT:
        if (cert_time_parse(arg, &c->at) < 0)
            cli_usage_error(c, "--at %s", cert_error_last()->message);
        c->at_set = true;
        return true;
    case CLI_DAYS:
        cli_uint(c, "days", arg, 36500, &c->days);
        return true;
    case CLI_HOST:
        if (!push(&c->hosts, &c->nhosts, arg))
            cli_usage_error(c, "out of memory");
        return true;
    case CLI_WITH_ROOT:
        c->with_root = true;
        return true;
    case CLI_ALLOW:
        if (!cert_check_code_known(arg))
            cli_usage_error(c, "--allow %s: not a finding code (see --list-codes)", arg);
        if (!push(&c->allow, &c->nallow, arg))
            cli_usage_error(c, "out of memory");
        return true;
    case CLI_LIST_CODES:
        print_codes();
        exit(0);
    case CLI_MAX_KDF_WORK: {
        char *end;
        unsigned long long v;

        errno = 0;
        v = arg[0] >= '0' && arg[0] <= '9' ? strtoull(arg, &end, 10) : 0;
        if (arg[0] < '0' || arg[0] > '9' || *end != '\0' || errno != 0)
            cli_usage_error(c, "--max-kdf-work %s: give a whole number of iterations", arg);
        c->max_kdf_work = (uint64_t)v;
        return true;
    }
    case CLI_CRL:
        if (!push(&c->crls, &c->ncrls, arg))
            cli_usage_error(c, "out of memory");
        return true;
    case CLI_MAX_DEPTH:
        cli_uint(c, "max-depth", arg, CERT_CHAIN_DEPTH_MAX, &c->max_depth);
        if (c->max_depth == 0)
            cli_usage_error(c, "--max-depth 0: give at least 1 (the leaf alone)");
        return true;
    }
    return check_string_option(c, id, arg);
}

/* Options of the tools that talk to AWS. */
/* The long option named `name` in the tables; NULL when none. */
static const cli_opt *long_named(const cli *c, const char *name, size_t len)
{
    for (size_t t = 0; t < 6 && c->tables[t] != NULL; t++) {
        for (const cli_opt *o = c->tables[t]; o->name != NULL; o++) {
            if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
                return o;
        }
    }
    return NULL;
}

/* The long option whose name, without its dashes, is this word (-outdir for --out-dir). */
static const cli_opt *long_like(const cli *c, const char *w)
{
    for (size_t t = 0; t < 6 && c->tables[t] != NULL; t++) {
        for (const cli_opt *o = c->tables[t]; o->name != NULL; o++) {
            const char *a = o->name, *b = w;

            while (*a != '\0' && *b != '\0') {
                if (*a == '-' || *a == '_') {
                    a++;
                    continue;
                }
                if (*b == '-' || *b == '_') {
                    b++;
                    continue;
                }
                if (*a++ != *b++)
                    break;
            }
            if (*a == '\0' && *b == '\0' && o->help != NULL)
                return o;
        }
    }
    return NULL;
}

/* A word of letters after one dash: -outdir, -passin. */
static bool letters_only(const char *w)
{
    for (; *w; w++) {
        if (!((*w >= 'a' && *w <= 'z') || (*w >= 'A' && *w <= 'Z') || *w == '-' || *w == '_'))
            return false;
    }
    return true;
}

/* OpenSSL's options people type out of habit, and what to say instead (openssl x509/pkcs12/
 * verify). */
static const struct {
    const char *openssl, *ours;
} openssl_habits[] = {
    {"in", "give the input as an operand"},
    {"out", "did you mean --out-dir DIR (or --stdout PART)?"},
    {"passin", "did you mean --passin?"},
    {"CAfile", "did you mean --ca-file?"},
    {"CApath", "did you mean --ca-path?"},
    {"inform", "no need: the format is read from the input"},
    {"outform", "no need: the output is PEM"},
    {"nokeys", "did you mean --no-key?"},
    {"nodes", "no need: keys are written unencrypted"},
    {"noout", "did you mean -q?"},
    {"text", "did you mean -v?"},
    {"untrusted", "give it as an operand: the inputs named together are one bundle"},
    {"checkend", "did you mean --days?"},
    {"attime", "did you mean --at?"},
    {"verify_hostname", "did you mean --host?"},
};

/* A single-dash word such as -passin or -out: OpenSSL's habit, or one of our long options with
 * one dash. It is refused before getopt_long reads it as a cluster of short options ("-out" as
 * "-o ut"); an attached value that is unambiguous (-j8) stays allowed. */
static void single_dash_word(const cli *c, const char *arg)
{
    const char *w = arg + 1;
    size_t len = strcspn(w, "=");
    const cli_opt *o = long_named(c, w, len);

    if (len < 2 || arg[1] == '-')
        return;
    if (o == NULL && letters_only(w))
        o = long_like(c, w);
    if (o != NULL)
        cli_usage_error(c, "unknown option %s: did you mean --%s?", arg, o->name);
    for (size_t i = 0; i < sizeof(openssl_habits) / sizeof(openssl_habits[0]); i++) {
        if (strlen(openssl_habits[i].openssl) == len &&
            strncmp(openssl_habits[i].openssl, w, len) == 0)
            cli_usage_error(c, "unknown option %s (an OpenSSL option?): %s", arg,
                            openssl_habits[i].ours);
    }
}

/* A short option with its value attached (-j8) is allowed only when it takes a value and the
 * rest is not a word of letters that reads as an option (-out is not -o ut). */
static void check_single_dash(const cli *c, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (strcmp(a, "--") == 0)
            break;
        if (a[0] == '-' && a[1] != '-' && a[1] != '\0' && a[2] != '\0') {
            const cli_opt *s = short_opt(c, a[1]);

            single_dash_word(c, a);
            /* a value glued to its option must not read as a word: -ofoo could be a typo */
            if (s != NULL && s->has_arg && letters_only(a + 2) && strlen(a + 2) >= 3)
                cli_usage_error(c,
                                "%s: write -%c %s (or --%s=%s) if you mean that, or the long "
                                "option you meant",
                                a, a[1], a + 2, s->name, a + 2);
        }
    }
}

int cli_parse(cli *c, int argc, char **argv,
              bool (*handler)(cli *c, int id, const char *arg, void *ud), void *ud)
{
    struct option longs[128];
    char shorts[128];
    int ch;

    check_single_dash(c, argc, argv);
    getopt_tables(c, longs, sizeof(longs) / sizeof(longs[0]), shorts, sizeof(shorts));
    opterr = 0;
    while ((ch = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
        int id = ch < 256 ? id_of_short(c, ch) : ch;

        if (ch == '?' && optopt != 0 && optopt < 256)
            cli_usage_error(c, "unknown option -%c", optopt);
        if (ch == '?')
            cli_usage_error(c, "unknown option %s", argv[optind - 1]);
        if (ch == ':' && optopt != 0 && optopt < 256)
            cli_usage_error(c, "option -%c needs an argument", optopt);
        if (ch == ':')
            cli_usage_error(c, "option %s needs an argument", argv[optind - 1]);
        if (common_option(c, id, optarg) || check_option(c, id, optarg) ||
            cli__aws_option(c, id, optarg))
            continue;
        if (handler == NULL || !handler(c, id, optarg, ud))
            exit(CERT_EXIT_USAGE);
    }
    return optind;
}

int cli_report_opts(cli *c, cert_report_opts *o)
{
    static const cert_report_opts init = CERT_REPORT_OPTS_INIT;

    *o = init;
    if (cert_passin_new(c->passin, c->batch, &c->passin_obj) < 0)
        cli_usage_error(c, "%s", cert_error_last()->message);
    if (c->ca_file != NULL || c->ca_path != NULL) {
        if (cert_trust_new(c->ca_file, c->ca_path, &c->trust) < 0)
            return cli_fail(c);
    }
    if (c->ncrls > 0) {
        if (cert_crls_new(&c->crls_obj) < 0)
            return cli_fail(c);
        for (size_t i = 0; i < c->ncrls; i++) {
            if (cert_crls_load_file(c->crls_obj, c->crls[i]) < 0)
                return cli_fail(c);
        }
    }
    o->bundle.passin = c->passin_obj;
    o->bundle.max_kdf_work = c->max_kdf_work;
    o->chain.leaf = c->leaf;
    o->chain.preferred_chain = c->preferred;
    o->chain.with_root = c->with_root;
    o->chain.trust = c->trust;
    o->chain.crls = c->crls_obj;
    if (c->max_depth > 0)
        o->chain.max_depth = c->max_depth;
    if (c->at_set) {
        o->chain.now = c->at;
        o->check.now = c->at;
    }
    o->check.days = c->days;
    o->check.hosts = c->hosts;
    o->check.host_count = c->nhosts;
    o->check.allow = c->allow;
    o->check.allow_count = c->nallow;
    return 0;
}

void cli_free(cli *c)
{
    cert_passin_free(c->passin_obj);
    cert_trust_free(c->trust);
    cert_crls_free(c->crls_obj);
    free((void *)c->hosts);
    free((void *)c->allow);
    free((void *)c->crls);
    c->passin_obj = NULL;
    c->trust = NULL;
    c->crls_obj = NULL;
}

cert_output cli_output(const cli *c)
{
    if (c->json)
        return CERT_OUTPUT_JSON;
    return c->output;
}

bool cli_color(const cli *c, FILE *f)
{
    const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

    if (c->color >= 0)
        return c->color == 1;
    /* no-color.org: NO_COLOR set and not empty turns colour off. */
    if (nc != NULL && nc[0] != '\0')
        return false;
    if (term != NULL && strcmp(term, "dumb") == 0)
        return false;
    return isatty(fileno(f)) == 1;
}

void cli_list_add(cli *c, const char ***list, size_t *n, const char *v)
{
    if (!push(list, n, v))
        cli_usage_error(c, "out of memory");
}

void cli_wait_progress(const cert_wait_status *s, void *ud)
{
    cli *c = ud;

    if (!c->wait_view_ready) {
        const char *term = getenv("TERM");
        struct winsize ws;

        memset(&c->wait_view, 0, sizeof(c->wait_view));
        c->wait_view.tty = isatty(STDERR_FILENO) && (term == NULL || strcmp(term, "dumb") != 0);
        c->wait_view.rows = 24;
        if (c->wait_view.tty && ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0)
            c->wait_view.rows = ws.ws_row;
        c->wait_view_ready = true;
    }
    cert_wait_write(s, &c->wait_view, stderr);
}

void cli_progress(const char *line, void *ud)
{
    const cli *c = ud;

    if (c->verbose > 0 || (!c->quiet && isatty(STDERR_FILENO)))
        err_linef(c->tool, "%s", line);
}
