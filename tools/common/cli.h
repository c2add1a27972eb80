/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CLI plumbing shared by the tools: one option table drives getopt_long and --help (as OpenSSL's
 * apps/lib/opt.c), the options every tool that reads a bundle takes, colour, messages.
 * Nothing here decides anything about certificates: that is libcert's work.
 */
#ifndef LIBCERT_TOOLS_CLI_H
#define LIBCERT_TOOLS_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "libcert/libcert.h"

enum { CLI_NOARG = 0, CLI_ARG = 1 };

typedef struct cli_opt {
    const char *name; /* long name, without "--" */
    int short_name;   /* 0 for none */
    int has_arg;      /* CLI_NOARG or CLI_ARG */
    int id;           /* returned to the handler; >= 256 */
    const char *arg;  /* "FILE" in the help; NULL when no argument. It also says how the shell
                         completes the value: FILE and INPUT files, DIR directories, WHEN, FMT,
                         PART, M, V, CODE, STORE, FORMAT, SHELL their values (cli_gen.c) */
    const char *help; /* one line; NULL hides the option */
} cli_opt;

/* Ids of the shared options (the tools' own start at CLI_TOOL_ID). */
enum {
    CLI_HELP = 256,
    CLI_VERSION,
    CLI_QUIET,
    CLI_VERBOSE,
    CLI_JSON,
    CLI_COLOR,
    CLI_PASSIN,
    CLI_BATCH,
    CLI_CA_FILE,
    CLI_CA_PATH,
    CLI_AT,
    CLI_DAYS,
    CLI_HOST,
    CLI_LEAF,
    CLI_PREFERRED,
    CLI_WITH_ROOT,
    CLI_ALLOW,
    CLI_LIST_CODES,
    CLI_PROFILE,
    CLI_ENDPOINT_URL,
    CLI_CA_BUNDLE,
    CLI_TIMEOUT,
    CLI_MAX_ATTEMPTS,
    CLI_COMPLETION,
    CLI_HELP_SCDOC,
    CLI_HELP_SCDOC_ENV,
    CLI_REGION,
    CLI_ALLOW_INSECURE_ENDPOINT,
    CLI_MAX_KDF_WORK,
    CLI_CRL,
    CLI_MAX_DEPTH,
    CLI_OUTPUT,
    CLI_DEBUG,
    CLI_TOOL_ID = 512,
};

/* Options shared by every tool (help, version, -q, -v, --debug, --json, --output, --color). */
extern const cli_opt cli_common_opts[];
/* Options of every tool that reads and checks a bundle. */
extern const cli_opt cli_check_opts[];
/* Options of every tool that talks to AWS. */
extern const cli_opt cli_aws_opts[];

typedef struct cli {
    const char *tool;
    const char *usage;   /* "[options] INPUT..." */
    const char *summary; /* one line */
    const cli_opt *tables[6];
    int quiet;
    int verbose;
    bool debug;         /* --debug: the most verbose level (verbose is 2 at least) */
    bool json;          /* --json or --output json */
    cert_output output; /* --output text or table: CERT_OUTPUT_RECORDS or _TABLE; else TEXT */
    int color;          /* -1 auto, 0 never, 1 always */
    /* bundle options */
    const char *passin;
    bool batch;
    const char *ca_file, *ca_path;
    int64_t at;
    bool at_set;
    unsigned int days;
    const char **hosts;
    size_t nhosts;
    const char *leaf;
    const char *preferred;
    bool with_root;
    const char **allow;
    size_t nallow;
    uint64_t max_kdf_work;
    const char **crls; /* --crl files */
    size_t ncrls;
    unsigned int max_depth; /* 0: the library's default */
    /* AWS options */
    const char *profile;
    const char *endpoint_url;
    const char *ca_bundle;
    unsigned int timeout_s;
    unsigned int max_attempts;
    const char *region;
    bool allow_insecure_endpoint;
    bool cleartext_warned; /* the --allow-insecure-endpoint warning was given */
    /* the wait for Deployed, as shown (cli_wait_progress()) */
    cert_wait_view wait_view;
    bool wait_view_ready;
    /* made by cli_report_opts() */
    cert_passin *passin_obj;
    cert_trust *trust;
    cert_crls *crls_obj;
} cli;

/* Initialise with the tool's name, usage, summary and its own table (may be NULL), and which
 * shared tables it takes. Hardens the process first (cert_process_harden()): call it first in
 * main(). */
void cli_init(cli *c, const char *tool, const char *usage, const char *summary,
              const cli_opt *tool_opts, bool check_opts);
void cli_init_aws(cli *c, const char *tool, const char *usage, const char *summary,
                  const cli_opt *tool_opts, bool check_opts);

/* One more table of options (cli_live_opts), listed before the common ones; at most 5 tables. */
void cli_add_table(cli *c, const cli_opt *table);

/* The AWS session options from the parsed AWS options (-v lines go to stderr); the strings are
 * borrowed from argv. With --allow-insecure-endpoint, a warning on stderr for each endpoint that
 * is plain HTTP to a host that is not loopback (once). */
void cli_aws_session_opts(cli *c, cert_aws_opts *o);

/* Make the AWS session from the parsed AWS options (-v lines go to stderr). On failure prints
 * the library's message and returns the exit code; 0 on success. */
int cli_aws_new(cli *c, cert_aws **out);

/* As cli_aws_new(); on failure with --json, one document naming the failure is printed too
 * (list_key: the AWS CLI's member for the list the tool shows; schema: the tool's). */
int cli_aws_new_json(cli *c, cert_aws **out, const char *list_key, int schema);

/* With --json, the one document a tool prints when it failed before it had anything to show:
 * the calling thread's last error, with AWS's detail from aws (may be NULL). Returns the exit
 * code for that error. */
int cli_json_failure(const cli *c, const cert_aws *aws, const char *list_key, int schema);

/* --key-format pkcs8|traditional (a usage error otherwise). */
void cli_key_format(cli *c, const char *arg, cert_key_format *out);

/* --tag KEY=VALUE appended to *tags (a usage error when it is not KEY=VALUE). */
void cli_tag(cli *c, const char *arg, cert_aws_tag **tags, size_t *count);

/* ACM certificates for CloudFront live in us-east-1 whatever region the session has: say so on
 * stderr (not with -q) when the session's region is another one. aws may be NULL (nothing). */
void cli_acm_region_note(const cli *c, const cert_aws *aws);

/* The same for a tool whose workflow makes its own session from these options. */
void cli_acm_region_note_opts(const cli *c, const cert_aws_opts *o);

/* Report a failed AWS call: the library's message, and the exit code (3 local configuration,
 * 4 AWS answered an error, 5 retries exhausted). */
int cli_aws_fail(const cli *c);

/*
 * Parse argv. Shared options are handled here; each of the tool's own options calls
 * handler(c, id, optarg, ud), which returns false on a bad value (having printed why).
 * Returns the index of the first operand. Usage errors print one line and exit 2; --help and
 * --version print and exit 0.
 */
int cli_parse(cli *c, int argc, char **argv,
              bool (*handler)(cli *c, int id, const char *arg, void *ud), void *ud);

/* Fill report options from the parsed shared options (makes the passin and trust objects).
 * On failure prints the library's message and returns the exit code to use; 0 on success. */
int cli_report_opts(cli *c, cert_report_opts *o);

/* Free what cli_report_opts() made. */
void cli_free(cli *c);

/* How results go to stdout: CERT_OUTPUT_JSON (--json, --output json), CERT_OUTPUT_RECORDS
 * (--output text), CERT_OUTPUT_TABLE (--output table), else CERT_OUTPUT_TEXT. -q is the tool's
 * business. */
cert_output cli_output(const cli *c);

/* Whether colour is on for stream f (tty, NO_COLOR, TERM=dumb, --color). */
bool cli_color(const cli *c, FILE *f);

/* "tool: message" on stderr. */
void cli_err(const cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Usage error: "tool: message" and "try 'tool --help'" on stderr, exit 2. */
void cli_usage_error(const cli *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

/* Report the calling thread's libcert error ("tool: message") and return its exit code. */
int cli_fail(const cli *c);

/* A workflow's progress line on stderr (a cert_aws_log_fn; ud is the cli): with -v, or on a
 * terminal unless -q. */
void cli_progress(const char *line, void *ud);

/* Append v to a growable list of borrowed strings (a usage error when out of memory). */
void cli_list_add(cli *c, const char ***list, size_t *n, const char *v);

/* The wait for Deployed on stderr (a cert_wait_fn; ud is the cli): a block redrawn in place on a
 * terminal, a line per change and a heartbeat a minute in a log. Give it only without -q. */
void cli_wait_progress(const cert_wait_status *s, void *ud);

/* Parse a non-negative integer option value; false (after a usage message) when it is not one. */
bool cli_uint(const cli *c, const char *opt, const char *arg, unsigned int max, unsigned int *out);

#endif
