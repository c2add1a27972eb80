/* SPDX-License-Identifier: Apache-2.0 */
/* The net layer's internals: DNS messages (dns.c), pins (pins.c), sockets (sock.c). */
#ifndef LIBCERT_NET_INT_H
#define LIBCERT_NET_INT_H

#include <stdint.h>
#include <sys/socket.h>

#include "libcert/net.h"

/* ---- DNS messages (RFC 1035 section 4), pure functions for the tests and the fuzzer ---- */

#define DNS_TYPE_A 1
#define DNS_TYPE_CNAME 5
#define DNS_TYPE_AAAA 28
#define DNS_TYPE_OPT 41

#define DNS_RCODE_NOERROR 0
#define DNS_RCODE_FORMERR 1
#define DNS_RCODE_SERVFAIL 2
#define DNS_RCODE_NXDOMAIN 3
#define DNS_RCODE_NOTIMP 4
#define DNS_RCODE_REFUSED 5

/* A name as text, at most 253 characters and a NUL (RFC 1035 2.3.4: 255 octets on the wire). */
#define DNS_NAME_MAX 256

/* The records of an answer that libcert reads: A, AAAA and CNAME of the answer section. */
#define DNS_RR_MAX 64

typedef struct dns_rr {
    char owner[DNS_NAME_MAX]; /* lower case, no trailing dot */
    uint16_t type;            /* DNS_TYPE_A, _AAAA or _CNAME */
    char data[DNS_NAME_MAX];  /* the address as text, or the CNAME's target (as owner) */
} dns_rr;

typedef struct dns_reply {
    int rcode;
    bool truncated; /* TC: ask again over TCP */
    size_t n;
    dns_rr rr[DNS_RR_MAX]; /* further A/AAAA/CNAME records are dropped */
} dns_reply;

/* A query for (name, type) with this id into buf; with EDNS(0) (RFC 6891) announcing a 1232-byte
 * UDP payload. *len_out its length. CERT_E_INVALID for a name that is not a DNS name. */
cert_err cert_net__dns_query(const char *name, uint16_t type, uint16_t id, bool edns, uint8_t *buf,
                             size_t size, size_t *len_out);

/* Parse an answer to the query (id, name, type): CERT_E_NET with a message for anything that is
 * not a well-formed answer to exactly that question (another id, another question, a malformed
 * or looping name, a record that runs past the message). Bounded: names decoded with at most
 * 128 compression jumps, each backwards. */
cert_err cert_net__dns_parse(const uint8_t *msg, size_t len, uint16_t id, const char *name,
                             uint16_t type, dns_reply *out);

/* Follow the CNAME chain from `name` in a reply: the last name reached (at most `depth` hops),
 * each target appended to cnames (n, cap) unless already there; then the reply's addresses of
 * `type` at that name appended to addrs (each once). */
cert_err cert_net__dns_follow(const dns_reply *r, const char *name, uint16_t type, size_t depth,
                              char final[DNS_NAME_MAX], char ***cnames, size_t *ncnames,
                              char ***addrs, size_t *naddrs);

/* A name in the form compared: lower case, no trailing dot; false when it is not a DNS name
 * (empty label, label over 63, over 253 characters, a character outside the printable ASCII). */
bool cert_net__dns_name(const char *in, char out[DNS_NAME_MAX]);

/* ---- /etc/resolv.conf ---- */

#define NET_MAX_SERVERS 3 /* resolv.conf(5): MAXNS */

typedef struct net_server {
    struct sockaddr_storage sa;
    socklen_t salen;
    char text[DNS_NAME_MAX + 8]; /* "192.0.2.53", "[2001:db8::53]:5353" */
} net_server;

/* The nameservers and options of a resolv.conf text (nameserver lines, options timeout:N and
 * attempts:N); none named: 127.0.0.1 (resolv.conf(5)). */
cert_err cert_net__resolv_conf_parse(const char *text, net_server *servers, size_t *count,
                                     long *timeout_ms, unsigned int *attempts);

/* An "ADDRESS[:PORT]" (IPv6 in brackets when a port follows) into a server. */
cert_err cert_net__server_parse(const char *text, unsigned int default_port, net_server *out);

/* ---- pins (curl's --resolve) ---- */

typedef struct net_pin {
    char host[DNS_NAME_MAX]; /* canonical; "*" for any */
    unsigned int port;
    char **addresses;
    size_t count;
} net_pin;

/* Parse one "HOST:PORT:ADDRESS[,ADDRESS]..." (curl's --resolve); CERT_E_INVALID quoting it. */
cert_err cert_net__pin_parse(const char *text, net_pin *out);
void cert_net__pin_clear(net_pin *p);

/* The pin for (name, port): an exact name first, then "*"; NULL when none. `name` canonical. */
const net_pin *cert_net__pin_find(const net_pin *pins, size_t count, const char *name,
                                  unsigned int port);

/* ---- sockets ---- */

/* An address and port as a sockaddr; false when `address` is not an IPv4 / IPv6 address. */
bool cert_net__sockaddr(const char *address, unsigned int port, struct sockaddr_storage *sa,
                        socklen_t *len);

/* Milliseconds on a monotonic clock. */
int64_t cert_net__now_ms(void);

/* Wait until fd is ready for `events` (poll(2)) or the deadline (cert_net__now_ms()) passes;
 * false on timeout. */
bool cert_net__wait_fd(int fd, short events, int64_t deadline);

/* ---- TLS ---- */

/* cert_tls_handshake(), saying also whether the connection failed because this host has no
 * route for the address's family (an IPv6 address without IPv6 connectivity): *unroutable. */
cert_err cert_tls__handshake(const char *address, unsigned int port, const cert_tls_opts *opts,
                             cert_tls_peer **out, bool *unroutable);

#endif
