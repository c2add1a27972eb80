/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Transport to peers that are not AWS: turning a name into addresses (curl's --resolve pins, then
 * DNS asked directly, following CNAMEs) and a TLS handshake that says what a server serves. The
 * peer's certificates are not verified here: the caller puts them through libcert's own chain
 * and checks, so that an untrusted chain is still reported in full.
 */
#ifndef LIBCERT_NET_H
#define LIBCERT_NET_H

#include <openssl/x509.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- names to addresses ---- */

/** A resolver: --resolve pins first, then the DNS server(s). Opaque. Lookups from several
 * threads at once are safe. */
typedef struct cert_resolver cert_resolver;

/** Options for cert_resolver_new(). Initialise with CERT_RESOLVER_OPTS_INIT. */
typedef struct cert_resolver_opts {
    unsigned int version;
    /** "HOST:PORT:ADDRESS[,ADDRESS]..." as curl's --resolve: a name and port that resolve to
     * these addresses without asking DNS; HOST "*" is any name (tried after the others); IPv6
     * addresses in brackets ("[2001:db8::1]"). Borrowed; checked by cert_resolver_new(). */
    const char *const *pins;
    size_t pin_count;
    /** "ADDRESS[:PORT]" of the DNS server to ask (a recursive resolver, or a zone's authoritative
     * server); NULL: the nameservers of /etc/resolv.conf (127.0.0.1 when it names none). */
    const char *server;
    long timeout_ms;       /**< per query attempt; 0: 2000 */
    unsigned int attempts; /**< per server; 0: 2 */
} cert_resolver_opts;

#define CERT_RESOLVER_OPTS_VERSION 1
#define CERT_RESOLVER_OPTS_INIT                                                                    \
    {                                                                                              \
        CERT_RESOLVER_OPTS_VERSION, NULL, 0, NULL, 0, 0                                            \
    }

/**
 * A resolver. The pins are checked here; /etc/resolv.conf is read here (nothing is sent).
 * @param opts borrowed; NULL means CERT_RESOLVER_OPTS_INIT; the pins are copied
 * @param out  new resolver owned by the caller (cert_resolver_free()); NULL on failure
 * @return CERT_OK; CERT_E_INVALID (a pin or server that is not HOST:PORT:ADDRESS or
 *         ADDRESS[:PORT]: the message quotes it); CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_resolver_new(const cert_resolver_opts *opts, cert_resolver **out);

/** Free a resolver. NULL is a no-op. */
CERT_EXTERN void cert_resolver_free(cert_resolver *resolver);

/** Which servers it asks, for reports: "192.0.2.53 (/etc/resolv.conf)", "127.0.0.1:5353
 * (--dns-server)". Borrowed, valid as long as the resolver. */
CERT_EXTERN const char *cert_resolver_describe(const cert_resolver *resolver);

/** What a name resolved to. Owned by the resolved (cert_resolved_free()). */
typedef struct cert_resolved {
    char *name;    /**< the name asked for */
    char **cnames; /**< the CNAME chain DNS answered, in order (each target) */
    size_t cname_count;
    char **addresses; /**< every address, IPv4 then IPv6, as text ("192.0.2.1", "2001:db8::1") */
    size_t address_count;
    bool pinned;        /**< the addresses came from a --resolve pin, or the name is an address */
    const char *status; /**< static: "pinned", "address", "NOERROR", "NXDOMAIN" (the name does
                             not exist), "NODATA" (it exists, without A or AAAA records) */
    char *server;       /**< the DNS server that answered; NULL when none was asked */
} cert_resolved;

/**
 * Every A and AAAA address of a name, following CNAMEs (those the server's answer holds, then
 * asking again for a target it did not follow), at most 16 deep. A --resolve pin for the name
 * and port (or for "*" and the port) answers without DNS; an address is its own answer. A name
 * that does not exist is an answer, not an error: no addresses and status "NXDOMAIN".
 * @param name a DNS name (a trailing dot is ignored) or an IPv4 / IPv6 address
 * @param port the port the caller will connect to (pins are per name and port)
 * @param out  new answer owned by the caller (cert_resolved_free()); NULL on failure
 * @return CERT_OK; CERT_E_INVALID (not a DNS name); CERT_E_NET (no server answered: timeouts,
 *         SERVFAIL, REFUSED; the message names the servers and what each said); CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_resolver_lookup(cert_resolver *resolver, const char *name,
                                          unsigned int port, cert_resolved **out);

/** Free an answer. NULL is a no-op. */
CERT_EXTERN void cert_resolved_free(cert_resolved *resolved);

/** Whether `text` is an IPv4 or IPv6 address (not a name). */
CERT_EXTERN bool cert_net_is_address(const char *text);

/**
 * Split "HOST[:PORT]" ("www.example.com:8443", "[2001:db8::1]:443", "2001:db8::1", "192.0.2.1")
 * into the host (without brackets) and the port.
 * @param host_out written, at least 256 bytes
 * @param port_out written; default_port when none is given
 * @return CERT_OK; CERT_E_INVALID (empty host, a port that is not 1 to 65535, unbalanced
 *         brackets, a host longer than 253 characters)
 */
CERT_EXTERN cert_err cert_net_split_host_port(const char *text, unsigned int default_port,
                                              char *host_out, size_t host_size,
                                              unsigned int *port_out);

/* ---- TLS ---- */

/** Options for cert_tls_handshake(). Initialise with CERT_TLS_OPTS_INIT. */
typedef struct cert_tls_opts {
    unsigned int version;
    const char *servername; /**< SNI to send; NULL sends none */
    long timeout_ms;        /**< the connection and the handshake together; 0: 10000 */
} cert_tls_opts;

#define CERT_TLS_OPTS_VERSION 1
#define CERT_TLS_OPTS_INIT                                                                         \
    {                                                                                              \
        CERT_TLS_OPTS_VERSION, NULL, 0                                                             \
    }

/** What one TLS handshake saw. Opaque. */
typedef struct cert_tls_peer cert_tls_peer;

/**
 * Connect to an address and make a TLS handshake (any version from TLS 1.0 up, OCSP stapling
 * asked for), keeping what the server sent. The peer is not verified here.
 * @param address an IPv4 or IPv6 address (resolve names with cert_resolver_lookup())
 * @param opts    borrowed; NULL means CERT_TLS_OPTS_INIT
 * @param out     new result owned by the caller (cert_tls_peer_free()); NULL on failure
 * @return CERT_OK; CERT_E_INVALID (not an address, a servername SNI cannot carry); CERT_E_NET
 *         (no connection, the handshake failed or timed out: the message says which, with the
 *         server's alert or OpenSSL's reason); CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_tls_handshake(const char *address, unsigned int port,
                                        const cert_tls_opts *opts, cert_tls_peer **out);

/** Free a handshake's result. NULL is a no-op. */
CERT_EXTERN void cert_tls_peer_free(cert_tls_peer *peer);

/** How many certificates the server sent (its Certificate message), the leaf included. */
CERT_EXTERN size_t cert_tls_peer_cert_count(const cert_tls_peer *peer);

/** The i-th certificate as sent (0 is the leaf), borrowed; NULL when out of range. */
CERT_EXTERN X509 *cert_tls_peer_cert_at(const cert_tls_peer *peer, size_t i);

/** The protocol negotiated ("TLSv1.3"), borrowed. */
CERT_EXTERN const char *cert_tls_peer_protocol(const cert_tls_peer *peer);

/** The cipher suite negotiated, as OpenSSL names it ("TLS_AES_128_GCM_SHA256",
 * "ECDHE-RSA-AES128-GCM-SHA256"; CloudFront's documentation uses the same names), borrowed. */
CERT_EXTERN const char *cert_tls_peer_cipher(const cert_tls_peer *peer);

/** Whether the server stapled an OCSP response (certificate status, RFC 6066 section 8). */
CERT_EXTERN bool cert_tls_peer_ocsp_stapled(const cert_tls_peer *peer);

/** The address connected to, borrowed. */
CERT_EXTERN const char *cert_tls_peer_address(const cert_tls_peer *peer);

/** Milliseconds from the start of the connection to the end of the handshake. */
CERT_EXTERN long cert_tls_peer_elapsed_ms(const cert_tls_peer *peer);

/**
 * Connect to host:port with TLS (SNI `sni`), and give the leaf certificate it serves. A host name
 * is resolved with the nameservers of /etc/resolv.conf (cert_resolver_lookup()), and its
 * addresses are tried in order. The peer is not verified: the caller compares what it serves
 * with what it should.
 * @param out new X509 owned by the caller (X509_free())
 * @return CERT_OK; CERT_E_NET (no connection, no handshake, timeout); CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_tls_served_leaf(const char *host, const char *port, const char *sni,
                                          long timeout_ms, X509 **out);

#ifdef __cplusplus
}
#endif

#endif
