/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The options of the live checks, shared by certcheck (--connect, --live) and certrotate
 * (--verify-live): where names resolve (--resolve as curl's, --dns-server) and the port checked.
 */
#ifndef LIBCERT_TOOLS_CLI_LIVE_H
#define LIBCERT_TOOLS_CLI_LIVE_H

#include "cli.h"

/* Ids of the live options (after the tools' own, CLI_TOOL_ID + ...). */
enum {
    CLI_RESOLVE = CLI_TOOL_ID + 128,
    CLI_DNS_SERVER,
    CLI_PORT,
};

extern const cli_opt cli_live_opts[];

/* The live options as parsed; strings borrowed from argv. */
typedef struct cli_live {
    const char **resolve;
    size_t nresolve;
    const char *dns_server;
    unsigned int port; /* 0: not given */
} cli_live;

/* Handle one live option (a bad value is a usage error, exit 2); false when id is not one. */
bool cli_live_option(cli *c, cli_live *l, int id, const char *arg);

/* Whether any live option was given (they go with --connect, --live, --verify-live). */
bool cli_live_given(const cli_live *l);

/* The library's options from the parsed ones: pins, DNS server, port, --timeout, -v lines. */
void cli_live_fill(cli *c, const cli_live *l, cert_live_opts *o);

void cli_live_free(cli_live *l);

#endif
