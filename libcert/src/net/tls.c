/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a TLS server serves: connect to an address, make a handshake with SNI, keep the
 * certificates it sent, the protocol and cipher, and whether it stapled an OCSP response. The
 * peer is never verified here (SSL_VERIFY_NONE): libcert's own chain code judges what was sent,
 * so an untrusted or incomplete chain is reported in full instead of failing the handshake.
 */
#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/net_int.h"
#include "util/error_int.h"

struct cert_tls_peer {
    char address[64];
    X509 **certs;
    size_t count;
    char protocol[32];
    char cipher[96];
    bool ocsp_stapled;
    long elapsed_ms;
};

/* One client context for the process: SSL_CTX is safe to share between threads once set up,
 * and making one per handshake costs more than the handshake's own CPU work. */
static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;
static SSL_CTX *shared_ctx;

static void ctx_init(void)
{
    SSL_CTX *c = SSL_CTX_new(TLS_client_method());

    if (c == NULL)
        return;
    /* An observer, not a client with secrets: see whatever the server offers, from TLS 1.0 up
     * (CloudFront's oldest security policy still allows it), with keys of any size (key.weak is
     * libcert's finding to make, not OpenSSL's reason to hang up). */
    SSL_CTX_set_min_proto_version(c, TLS1_VERSION);
    SSL_CTX_set_security_level(c, 0);
    SSL_CTX_set_verify(c, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
    shared_ctx = c;
}

void cert_tls_peer_free(cert_tls_peer *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->count; i++)
        X509_free(p->certs[i]);
    free(p->certs);
    free(p);
}

size_t cert_tls_peer_cert_count(const cert_tls_peer *p)
{
    return p != NULL ? p->count : 0;
}

X509 *cert_tls_peer_cert_at(const cert_tls_peer *p, size_t i)
{
    return p != NULL && i < p->count ? p->certs[i] : NULL;
}

const char *cert_tls_peer_protocol(const cert_tls_peer *p)
{
    return p != NULL ? p->protocol : "";
}

const char *cert_tls_peer_cipher(const cert_tls_peer *p)
{
    return p != NULL ? p->cipher : "";
}

bool cert_tls_peer_ocsp_stapled(const cert_tls_peer *p)
{
    return p != NULL && p->ocsp_stapled;
}

const char *cert_tls_peer_address(const cert_tls_peer *p)
{
    return p != NULL ? p->address : "";
}

long cert_tls_peer_elapsed_ms(const cert_tls_peer *p)
{
    return p != NULL ? p->elapsed_ms : 0;
}

/* "[2001:db8::1]:443" or "192.0.2.1:443" */
static void where(char *buf, size_t size, const char *address, unsigned int port)
{
    snprintf(buf, size, strchr(address, ':') ? "[%s]:%u" : "%s:%u", address, port);
}

/* A TCP connection to the address by the deadline; -1 with the error set. */
static int dial(const char *address, unsigned int port, int64_t deadline, const char *at,
                bool *unroutable)
{
    struct sockaddr_storage sa;
    socklen_t salen;
    int fd, soerr = 0;
    socklen_t sl = sizeof(soerr);

    if (!cert_net__sockaddr(address, port, &sa, &salen)) {
        cert__error_set(CERT_E_INVALID, "%s: not an IPv4 or IPv6 address", address);
        return -1;
    }
    fd = socket(sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        *unroutable = errno == EAFNOSUPPORT;
        cert__error_set(CERT_E_NET, "%s: cannot connect (%s)", at, strerror(errno));
        return -1;
    }
    if (connect(fd, (const struct sockaddr *)&sa, salen) != 0 && errno != EINPROGRESS)
        soerr = errno;
    else if (!cert_net__wait_fd(fd, POLLOUT, deadline))
        soerr = ETIMEDOUT;
    else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
        soerr = errno;
    if (soerr != 0) {
        /* No route for this family from here (an IPv6 address on a host without IPv6): the
         * address was not checked, which is not the server's fault. */
        *unroutable = soerr == ENETUNREACH || soerr == EADDRNOTAVAIL || soerr == EAFNOSUPPORT;
        cert__error_set(CERT_E_NET, "%s: cannot connect (%s)", at,
                        soerr == ETIMEDOUT ? "timed out" : strerror(soerr));
        close(fd);
        return -1;
    }
    return fd;
}

/* The handshake on a connected non-blocking socket, by the deadline. */
static cert_err handshake(SSL *ssl, int fd, int64_t deadline, const char *at, const char *sni)
{
    for (;;) {
        int rc = SSL_connect(ssl), e;

        if (rc == 1)
            return CERT_OK;
        e = SSL_get_error(ssl, rc);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
            if (!cert_net__wait_fd(fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) {
                ERR_clear_error();
                return cert__error_set(CERT_E_NET, "%s (SNI %s): the TLS handshake timed out", at,
                                       sni ? sni : "none");
            }
            continue;
        }
        if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)
            return cert__error_set(
                CERT_E_NET, "%s (SNI %s): the TLS handshake failed (%s)", at, sni ? sni : "none",
                errno != 0 ? strerror(errno) : "the server closed the connection");
        return cert__error_openssl(CERT_E_NET, "%s (SNI %s): the TLS handshake failed", at,
                                   sni ? sni : "none");
    }
}

/* What the handshake saw, into p. */
static cert_err keep(SSL *ssl, cert_tls_peer *p)
{
    STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl); /* the client's: the leaf first */
    const unsigned char *ocsp = NULL;
    int n = chain != NULL ? sk_X509_num(chain) : 0;

    if (n <= 0)
        return cert__error_set(CERT_E_NET, "the server sent no certificate");
    if ((p->certs = calloc((size_t)n, sizeof(*p->certs))) == NULL)
        return cert__error_nomem();
    for (int i = 0; i < n; i++) {
        X509 *x = sk_X509_value(chain, i);

        if (X509_up_ref(x) != 1)
            return cert__error_nomem();
        p->certs[p->count++] = x;
    }
    snprintf(p->protocol, sizeof(p->protocol), "%s", SSL_get_version(ssl));
    snprintf(p->cipher, sizeof(p->cipher), "%s",
             SSL_get_current_cipher(ssl) ? SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)) : "");
    p->ocsp_stapled = SSL_get_tlsext_status_ocsp_resp(ssl, &ocsp) > 0 && ocsp != NULL;
    return CERT_OK;
}

cert_err cert_tls__handshake(const char *address, unsigned int port, const cert_tls_opts *o,
                             cert_tls_peer **out, bool *unroutable)
{
    static const cert_tls_opts defaults = CERT_TLS_OPTS_INIT;
    cert_err err = CERT_OK;
    cert_tls_peer *p = NULL;
    SSL *ssl = NULL;
    int fd = -1;
    int64_t start = cert_net__now_ms(), deadline;
    char at[96];

    *unroutable = false;
    if (out == NULL || address == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_tls_handshake: NULL argument");
    *out = NULL;
    if (o == NULL)
        o = &defaults;
    deadline = start + (o->timeout_ms > 0 ? o->timeout_ms : 10000);
    where(at, sizeof(at), address, port);
    pthread_once(&ctx_once, ctx_init);
    if (shared_ctx == NULL)
        return cert__error_openssl(CERT_E_INTERNAL, "cannot make a TLS client context");
    if ((p = calloc(1, sizeof(*p))) == NULL)
        CERT_NOMEM();
    snprintf(p->address, sizeof(p->address), "%s", address);
    if ((ssl = SSL_new(shared_ctx)) == NULL)
        CERT_NOMEM();
    /* SNI carries a host name, never an address (RFC 6066 section 3). */
    if (o->servername != NULL &&
        (cert_net_is_address(o->servername) || !SSL_set_tlsext_host_name(ssl, o->servername)))
        CERT_FAIL_SSL(CERT_E_INVALID, "%s: not a name SNI can carry", o->servername);
    SSL_set_tlsext_status_type(ssl, TLSEXT_STATUSTYPE_ocsp); /* ask for a stapled response */
    if ((fd = dial(address, port, deadline, at, unroutable)) < 0) {
        err = cert_error_last()->code;
        goto done;
    }
    if (!SSL_set_fd(ssl, fd))
        CERT_NOMEM();
    CERT_TRY(handshake(ssl, fd, deadline, at, o->servername));
    err = keep(ssl, p);
    if (err < 0 && err != CERT_E_NOMEM)
        CERT_FAIL(err, "%s (SNI %s): %s", at, o->servername ? o->servername : "none",
                  cert_error_last()->message);
    CERT_TRY(err);
    p->elapsed_ms = (long)(cert_net__now_ms() - start);
    SSL_shutdown(ssl); /* a close_notify, not waited for */
    *out = p;
    p = NULL;

done:
    SSL_free(ssl);
    if (fd >= 0)
        close(fd);
    cert_tls_peer_free(p);
    ERR_clear_error();
    return err;
}

cert_err cert_tls_handshake(const char *address, unsigned int port, const cert_tls_opts *o,
                            cert_tls_peer **out)
{
    bool unroutable;

    return cert_tls__handshake(address, port, o, out, &unroutable);
}

cert_err cert_tls_served_leaf(const char *host, const char *port, const char *sni, long timeout_ms,
                              X509 **out)
{
    cert_err err = CERT_OK;
    cert_resolver *r = NULL;
    cert_resolved *a = NULL;
    cert_tls_peer *p = NULL;
    cert_tls_opts o = CERT_TLS_OPTS_INIT;
    char *end = NULL;
    unsigned long pn;

    if (out == NULL || host == NULL || port == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_tls_served_leaf: NULL host or port");
    *out = NULL;
    pn = strtoul(port, &end, 10);
    if (end == port || *end != '\0' || pn < 1 || pn > 65535)
        return cert__error_set(CERT_E_INVALID, "%s: not a port", port);
    CERT_TRY(cert_resolver_new(NULL, &r));
    CERT_TRY(cert_resolver_lookup(r, host, (unsigned int)pn, &a));
    if (a->address_count == 0)
        CERT_FAIL(CERT_E_NET, "%s: cannot resolve (%s)", host, a->status);
    o.servername = sni;
    o.timeout_ms = timeout_ms;
    for (size_t i = 0; i < a->address_count; i++) {
        err = cert_tls_handshake(a->addresses[i], (unsigned int)pn, &o, &p);
        if (err == CERT_OK || err == CERT_E_NOMEM || err == CERT_E_INVALID)
            break;
    }
    CERT_TRY(err);
    if ((*out = cert_tls_peer_cert_at(p, 0)) == NULL || X509_up_ref(*out) != 1) {
        *out = NULL;
        CERT_FAIL(CERT_E_NET, "%s:%s (SNI %s): no certificate served", host, port,
                  sni ? sni : "none");
    }

done:
    cert_tls_peer_free(p);
    cert_resolved_free(a);
    cert_resolver_free(r);
    return err;
}
