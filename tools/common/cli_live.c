/* SPDX-License-Identifier: Apache-2.0 */
#include "cli_live.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const cli_opt cli_live_opts[] = {
    {"resolve", 0, CLI_ARG, CLI_RESOLVE, "HOST:PORT:ADDR",
     "connect to ADDR[,ADDR...] for HOST on PORT without asking DNS, as curl's --resolve (HOST "
     "* for any name; IPv6 in brackets; repeatable)"},
    {"dns-server", 0, CLI_ARG, CLI_DNS_SERVER, "ADDR[:PORT]",
     "ask this DNS server (a resolver, or a zone's authoritative server) instead of those of "
     "/etc/resolv.conf"},
    {"port", 0, CLI_ARG, CLI_PORT, "PORT",
     "check every alias on PORT instead of 443 (a test server, a proxy in front)"},
    {NULL, 0, 0, 0, NULL, NULL},
};

/* A pin or DNS server checked the way the library reads it (nothing is sent); a usage error
 * quoting the library's reason otherwise. */
static void check_value(cli *c, const char *pin, const char *server)
{
    cert_resolver_opts o = CERT_RESOLVER_OPTS_INIT;
    cert_resolver *r = NULL;

    o.pins = &pin;
    o.pin_count = pin != NULL;
    o.server = server != NULL ? server : "127.0.0.1";
    if (cert_resolver_new(&o, &r) < 0)
        cli_usage_error(c, "%s%s", server != NULL ? "--dns-server " : "",
                        cert_error_last()->message);
    cert_resolver_free(r);
}

bool cli_live_option(cli *c, cli_live *l, int id, const char *arg)
{
    switch (id) {
    case CLI_RESOLVE:
        check_value(c, arg, NULL);
        cli_list_add(c, &l->resolve, &l->nresolve, arg);
        return true;
    case CLI_DNS_SERVER:
        check_value(c, NULL, arg);
        l->dns_server = arg;
        return true;
    case CLI_PORT:
        cli_uint(c, "port", arg, 65535, &l->port);
        if (l->port == 0)
            cli_usage_error(c, "--port 0: give a port from 1 to 65535");
        return true;
    }
    return false;
}

bool cli_live_given(const cli_live *l)
{
    return l->nresolve > 0 || l->dns_server != NULL || l->port != 0;
}

/* -v: a line per handshake (on a terminal alone they would be hundreds). */
static void live_line(const char *line, void *ud)
{
    const cli *c = ud;

    if (c->verbose > 0)
        cli_err(c, "%s", line); /* names from DNS and TLS peers: made harmless there */
}

void cli_live_fill(cli *c, const cli_live *l, cert_live_opts *o)
{
    o->resolve = l->resolve;
    o->resolve_count = l->nresolve;
    o->dns_server = l->dns_server;
    o->port = l->port;
    o->timeout_ms = (long)c->timeout_s * 1000;
    o->progress = live_line;
    o->progress_ud = c;
}

void cli_live_free(cli_live *l)
{
    free((void *)l->resolve);
    memset(l, 0, sizeof(*l));
}
