/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A stub resolver: --resolve pins, then A and AAAA queries sent straight to a DNS server (the
 * nameservers of /etc/resolv.conf, or --dns-server), following CNAMEs. libcert asks DNS itself
 * rather than through getaddrinfo() so that a report can say which server answered and through
 * which CNAMEs ("N addresses seen from this resolver"), and so that a test can point it at a
 * server of its own on loopback.
 */
#include <errno.h>
#include <fcntl.h>
#include <openssl/rand.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/net_int.h"
#include "util/buf.h"
#include "util/error_int.h"
#include "util/file.h"

#define RESOLV_CONF "/etc/resolv.conf"
#define CNAME_DEPTH 16
#define REQUERY_MAX 4 /* targets the server did not follow, asked again */

struct cert_resolver {
    net_pin *pins;
    size_t npins;
    net_server servers[NET_MAX_SERVERS];
    size_t nservers;
    long timeout_ms;
    unsigned int attempts;
    char describe[NET_MAX_SERVERS * (DNS_NAME_MAX + 10) + 32];
};

void cert_resolver_free(cert_resolver *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->npins; i++)
        cert_net__pin_clear(&r->pins[i]);
    free(r->pins);
    free(r);
}

static cert_err read_resolv_conf(cert_resolver *r)
{
    cert_buf b;
    cert_err err;

    if (cert__file_read(RESOLV_CONF, 64 * 1024, &b) < 0) {
        cert_error_clear(); /* no file: the local machine, as the C library does */
        return cert_net__resolv_conf_parse("", r->servers, &r->nservers, &r->timeout_ms,
                                           &r->attempts);
    }
    err = cert_net__resolv_conf_parse(b.ptr ? b.ptr : "", r->servers, &r->nservers, &r->timeout_ms,
                                      &r->attempts);
    cert__buf_free(&b);
    return err;
}

cert_err cert_resolver_new(const cert_resolver_opts *o, cert_resolver **out)
{
    static const cert_resolver_opts defaults = CERT_RESOLVER_OPTS_INIT;
    cert_err err = CERT_OK;
    cert_resolver *r = NULL;
    size_t n = 0;

    if (out == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_resolver_new: out is NULL");
    *out = NULL;
    if (o == NULL)
        o = &defaults;
    if ((r = calloc(1, sizeof(*r))) == NULL ||
        (o->pin_count > 0 && (r->pins = calloc(o->pin_count, sizeof(*r->pins))) == NULL))
        CERT_NOMEM();
    for (size_t i = 0; i < o->pin_count; i++) {
        CERT_TRY(cert_net__pin_parse(o->pins[i], &r->pins[i]));
        r->npins++;
    }
    r->timeout_ms = 2000;
    r->attempts = 2;
    if (o->server != NULL) {
        CERT_TRY(cert_net__server_parse(o->server, 53, &r->servers[0]));
        r->nservers = 1;
        snprintf(r->describe, sizeof(r->describe), "%s (--dns-server)", r->servers[0].text);
    } else {
        CERT_TRY(read_resolv_conf(r));
        for (size_t i = 0; i < r->nservers; i++)
            n += (size_t)snprintf(r->describe + n, sizeof(r->describe) - n, "%s%s", i ? ", " : "",
                                  r->servers[i].text);
        snprintf(r->describe + n, sizeof(r->describe) - n, " (%s)", RESOLV_CONF);
    }
    if (o->timeout_ms > 0)
        r->timeout_ms = o->timeout_ms;
    if (o->attempts > 0)
        r->attempts = o->attempts;
    *out = r;
    r = NULL;

done:
    cert_resolver_free(r);
    return err;
}

const char *cert_resolver_describe(const cert_resolver *r)
{
    return r != NULL ? r->describe : "";
}

void cert_resolved_free(cert_resolved *a)
{
    if (a == NULL)
        return;
    free(a->name);
    for (size_t i = 0; i < a->cname_count; i++)
        free(a->cnames[i]);
    free(a->cnames);
    for (size_t i = 0; i < a->address_count; i++)
        free(a->addresses[i]);
    free(a->addresses);
    free(a->server);
    free(a);
}

/* ---- one exchange with one server ---- */

static uint16_t random_id(void)
{
    unsigned char b[2];

    if (RAND_bytes(b, sizeof(b)) != 1)
        return (uint16_t)(random() & 0xffff);
    return (uint16_t)((b[0] << 8) | b[1]);
}

/* One query over TCP (RFC 7766), for an answer UDP truncated. */
static cert_err tcp_query(const net_server *s, const char *name, uint16_t type, int64_t deadline,
                          dns_reply *out)
{
    uint8_t q[600], len2[2], *msg = NULL;
    size_t qlen, got = 0, want;
    uint16_t id = random_id();
    int fd = -1, soerr = 0;
    socklen_t sl = sizeof(soerr);
    cert_err err = CERT_OK;

    CERT_TRY(cert_net__dns_query(name, type, id, false, q + 2, sizeof(q) - 2, &qlen));
    q[0] = (uint8_t)(qlen >> 8);
    q[1] = (uint8_t)(qlen & 0xff);
    fd = socket(s->sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0 ||
        (connect(fd, (const struct sockaddr *)&s->sa, s->salen) != 0 && errno != EINPROGRESS))
        CERT_FAIL(CERT_E_NET, "%s over TCP: %s", s->text, strerror(errno));
    if (!cert_net__wait_fd(fd, POLLOUT, deadline) ||
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 || soerr != 0)
        CERT_FAIL(CERT_E_NET, "%s over TCP: %s", s->text, soerr ? strerror(soerr) : "timed out");
    for (size_t sent = 0; sent < qlen + 2;) {
        ssize_t n;

        if (!cert_net__wait_fd(fd, POLLOUT, deadline))
            CERT_FAIL(CERT_E_NET, "%s over TCP: timed out", s->text);
        n = send(fd, q + sent, qlen + 2 - sent, MSG_NOSIGNAL);
        if (n < 0 && errno != EAGAIN && errno != EINTR)
            CERT_FAIL(CERT_E_NET, "%s over TCP: %s", s->text, strerror(errno));
        sent += n > 0 ? (size_t)n : 0;
    }
    /* the length, then the message */
    for (want = 2; got < want;) {
        ssize_t n;

        if (!cert_net__wait_fd(fd, POLLIN, deadline))
            CERT_FAIL(CERT_E_NET, "%s over TCP: timed out", s->text);
        /* cppcheck 2.10 takes recv()'s buffer len2 for one it reads: */
        /* cppcheck-suppress legacyUninitvar */
        n = recv(fd, msg ? msg + got - 2 : len2 + got, want - got, 0);
        if (n == 0)
            CERT_FAIL(CERT_E_NET, "%s over TCP: closed before the answer", s->text);
        if (n < 0 && errno != EAGAIN && errno != EINTR)
            CERT_FAIL(CERT_E_NET, "%s over TCP: %s", s->text, strerror(errno));
        got += n > 0 ? (size_t)n : 0;
        if (got == 2 && msg == NULL) {
            want = 2 + (size_t)((len2[0] << 8) | len2[1]);
            if ((msg = malloc(want - 2 + 1)) == NULL)
                CERT_NOMEM();
        }
    }
    err = cert_net__dns_parse(msg, want - 2, id, name, type, out);

done:
    free(msg);
    if (fd >= 0)
        close(fd);
    return err;
}

/* A and AAAA for `name` from one server over UDP, both at once; an answer UDP truncated is asked
 * again over TCP. CERT_E_NET (with a message) when the server did not answer both in time. */
static cert_err udp_pair(const net_server *s, const char *name, bool edns, long timeout_ms,
                         dns_reply replies[2])
{
    static const uint16_t types[2] = {DNS_TYPE_A, DNS_TYPE_AAAA};
    uint8_t q[2][600], msg[4096];
    size_t qlen[2];
    uint16_t ids[2];
    bool have[2] = {false, false};
    int64_t deadline = cert_net__now_ms() + timeout_ms;
    int fd = -1;
    cert_err err = CERT_OK;

    for (int k = 0; k < 2; k++) {
        ids[k] = random_id();
        if (k == 1 && ids[1] == ids[0])
            ids[1] ^= 0x5a5a;
        CERT_TRY(cert_net__dns_query(name, types[k], ids[k], edns, q[k], sizeof(q[k]), &qlen[k]));
    }
    fd = socket(s->sa.ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    /* connect(): the kernel drops datagrams from any other address and port */
    if (fd < 0 || connect(fd, (const struct sockaddr *)&s->sa, s->salen) != 0)
        CERT_FAIL(CERT_E_NET, "%s: %s", s->text, strerror(errno));
    for (int k = 0; k < 2; k++) {
        if (send(fd, q[k], qlen[k], 0) < 0)
            CERT_FAIL(CERT_E_NET, "%s: %s", s->text, strerror(errno));
    }
    while (!have[0] || !have[1]) {
        ssize_t n;

        if (!cert_net__wait_fd(fd, POLLIN, deadline))
            CERT_FAIL(CERT_E_NET, "%s: timed out after %ld ms", s->text, timeout_ms);
        n = recv(fd, msg, sizeof(msg), 0);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (n < 0)
            CERT_FAIL(CERT_E_NET, "%s: %s", s->text,
                      errno == ECONNREFUSED ? "refused (nothing listens on that port)"
                                            : strerror(errno));
        for (int k = 0; k < 2; k++) {
            if (have[k] || n < 2 || ((msg[0] << 8) | msg[1]) != ids[k])
                continue;
            CERT_TRY(cert_net__dns_parse(msg, (size_t)n, ids[k], name, types[k], &replies[k]));
            if (replies[k].truncated)
                CERT_TRY(tcp_query(s, name, types[k], deadline + timeout_ms, &replies[k]));
            have[k] = true;
        }
    }

done:
    if (fd >= 0)
        close(fd);
    return err;
}

static const char *rcode_name(int rcode)
{
    switch (rcode) {
    case DNS_RCODE_NOERROR:
        return "NOERROR";
    case DNS_RCODE_FORMERR:
        return "FORMERR";
    case DNS_RCODE_SERVFAIL:
        return "SERVFAIL";
    case DNS_RCODE_NXDOMAIN:
        return "NXDOMAIN";
    case DNS_RCODE_NOTIMP:
        return "NOTIMP";
    case DNS_RCODE_REFUSED:
        return "REFUSED";
    }
    return "an unknown RCODE";
}

static bool final_rcode(int rcode)
{
    return rcode == DNS_RCODE_NOERROR || rcode == DNS_RCODE_NXDOMAIN;
}

/* Ask the servers in order, each up to `attempts` times, until one answers both queries with
 * NOERROR or NXDOMAIN. *server_out: which one did. */
static cert_err exchange(const cert_resolver *r, const char *name, dns_reply replies[2],
                         const net_server **server_out)
{
    char why[768] = "";
    size_t o = 0;

    for (size_t s = 0; s < r->nservers; s++) {
        bool edns = true;

        for (unsigned int a = 0; a < r->attempts; a++) {
            cert_err err = udp_pair(&r->servers[s], name, edns, r->timeout_ms, replies);

            if (err == CERT_E_NOMEM || err == CERT_E_INVALID)
                return err;
            if (err == CERT_OK && final_rcode(replies[0].rcode) && final_rcode(replies[1].rcode)) {
                *server_out = &r->servers[s];
                cert_error_clear();
                return CERT_OK;
            }
            if (err == CERT_OK && edns &&
                (replies[0].rcode == DNS_RCODE_FORMERR || replies[1].rcode == DNS_RCODE_FORMERR)) {
                edns = false; /* a server that does not know EDNS (RFC 6891 7) */
                a--;
                continue;
            }
            if (a + 1 < r->attempts || o >= sizeof(why))
                continue;
            if (err < 0) /* the message names the server */
                o += (size_t)snprintf(why + o, sizeof(why) - o, "%s%s", o ? "; " : "",
                                      cert_error_last()->message);
            else
                o += (size_t)snprintf(why + o, sizeof(why) - o, "%s%s answered %s", o ? "; " : "",
                                      r->servers[s].text,
                                      rcode_name(final_rcode(replies[0].rcode) ? replies[1].rcode
                                                                               : replies[0].rcode));
        }
    }
    return cert__error_set(CERT_E_NET, "no DNS server answered for %s: %s", name, why);
}

/* DNS for a name: both queries, the CNAME chains followed, and a target the server left
 * unanswered asked again. */
static cert_err dns_lookup(const cert_resolver *r, const char *name, cert_resolved *a)
{
    char cur[DNS_NAME_MAX], final[2][DNS_NAME_MAX];
    dns_reply *rep = NULL;
    const net_server *server = NULL;
    size_t hops = 0;
    cert_err err = CERT_OK;
    int rcode = DNS_RCODE_NOERROR;

    if ((rep = calloc(2, sizeof(*rep))) == NULL) /* 2 x 33 KB: not on a thread's stack */
        return cert__error_nomem();
    snprintf(cur, sizeof(cur), "%s", name);
    for (int round = 0; round < REQUERY_MAX && hops < CNAME_DEPTH; round++) {
        size_t before = a->cname_count;

        CERT_TRY(exchange(r, cur, rep, &server));
        CERT_TRY(cert_net__dns_follow(&rep[0], cur, DNS_TYPE_A, CNAME_DEPTH - hops, final[0],
                                      &a->cnames, &a->cname_count, &a->addresses,
                                      &a->address_count));
        CERT_TRY(cert_net__dns_follow(&rep[1], cur, DNS_TYPE_AAAA, CNAME_DEPTH - hops, final[1],
                                      &a->cnames, &a->cname_count, &a->addresses,
                                      &a->address_count));
        hops += a->cname_count - before;
        rcode = rep[0].rcode == DNS_RCODE_NXDOMAIN ? rep[0].rcode : rep[1].rcode;
        if (a->address_count > 0 || rcode == DNS_RCODE_NXDOMAIN || strcmp(final[0], cur) == 0)
            break;
        memcpy(cur, final[0], sizeof(cur)); /* a CNAME whose target the answer left out */
    }
    a->status = a->address_count > 0          ? "NOERROR"
                : rcode == DNS_RCODE_NXDOMAIN ? "NXDOMAIN"
                                              : "NODATA";
    if (server != NULL && (a->server = strdup(server->text)) == NULL)
        CERT_NOMEM();

done:
    free(rep);
    return err;
}

cert_err cert_resolver_lookup(cert_resolver *r, const char *name, unsigned int port,
                              cert_resolved **out)
{
    cert_err err = CERT_OK;
    cert_resolved *a = NULL;
    char canon[DNS_NAME_MAX];
    const net_pin *pin;

    if (out == NULL || r == NULL || name == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_resolver_lookup: NULL argument");
    *out = NULL;
    if ((a = calloc(1, sizeof(*a))) == NULL || (a->name = strdup(name)) == NULL)
        CERT_NOMEM();
    if (cert_net_is_address(name)) {
        a->pinned = true;
        a->status = "address";
        CERT_TRY(cert__strings_push(&a->addresses, &a->address_count, name, false));
    } else if (!cert_net__dns_name(name, canon)) {
        CERT_FAIL(CERT_E_INVALID, "\"%s\" is not a DNS name", name);
    } else if ((pin = cert_net__pin_find(r->pins, r->npins, canon, port)) != NULL) {
        a->pinned = true;
        a->status = "pinned";
        for (size_t i = 0; i < pin->count; i++)
            CERT_TRY(
                cert__strings_push(&a->addresses, &a->address_count, pin->addresses[i], false));
    } else if (strcmp(canon, "localhost") == 0) {
        /* RFC 6761 6.3: localhost is the loopback address, never asked of DNS. */
        a->pinned = true;
        a->status = "address";
        CERT_TRY(cert__strings_push(&a->addresses, &a->address_count, "127.0.0.1", false));
        CERT_TRY(cert__strings_push(&a->addresses, &a->address_count, "::1", false));
    } else {
        CERT_TRY(dns_lookup(r, canon, a));
    }
    *out = a;
    a = NULL;

done:
    cert_resolved_free(a);
    return err;
}
