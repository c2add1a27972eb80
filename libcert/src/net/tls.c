/* What a TLS server serves: connect with SNI, take the leaf, compare elsewhere. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "libcert/net.h"
#include "util/error_int.h"

/* A TCP connection within timeout_ms; -1 with the error set. */
static int dial(const char *host, const char *port, long timeout_ms)
{
    struct addrinfo hints, *res = NULL, *ai;
    int fd = -1, rc;
    char why[256] = "no address";

    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        cert__error_set(CERT_E_NET, "%s:%s: cannot resolve (%s)", host, port, gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        struct pollfd p;
        int flags, soerr = 0;
        socklen_t sl = sizeof(soerr);

        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0)
            continue;
        flags = fcntl(fd, F_GETFL);
        fcntl(fd, F_SETFL, flags | O_NONBLOCK);
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
            snprintf(why, sizeof(why), "%s", strerror(errno));
            close(fd);
            fd = -1;
            continue;
        }
        p.fd = fd;
        p.events = POLLOUT;
        if (poll(&p, 1, (int)timeout_ms) != 1 ||
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 || soerr != 0) {
            snprintf(why, sizeof(why), "%s", soerr ? strerror(soerr) : "timed out");
            close(fd);
            fd = -1;
            continue;
        }
        fcntl(fd, F_SETFL, flags);
        break;
    }
    freeaddrinfo(res);
    if (fd < 0)
        cert__error_set(CERT_E_NET, "%s:%s: cannot connect (%s)", host, port, why);
    return fd;
}

cert_err cert_tls_served_leaf(const char *host, const char *port, const char *sni, long timeout_ms,
                              X509 **out)
{
    cert_err err = CERT_OK;
    SSL_CTX *ctx = NULL;
    SSL *ssl = NULL;
    int fd = -1;
    struct timeval tv;

    *out = NULL;
    if (host == NULL || port == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_tls_served_leaf: NULL host or port");
    fd = dial(host, port, timeout_ms);
    if (fd < 0)
        return CERT_E_NET;
    tv.tv_sec = timeout_ms / 1000;
    tv.tv_usec = (timeout_ms % 1000) * 1000;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    ctx = SSL_CTX_new(TLS_client_method());
    ssl = ctx ? SSL_new(ctx) : NULL;
    if (ssl == NULL)
        CERT_NOMEM();
    /* Identity, not trust, is checked: the caller compares the served leaf with the one it
     * uploaded (DER), which is the stronger statement. */
    SSL_set_verify(ssl, SSL_VERIFY_NONE, NULL);
    if (sni != NULL && !SSL_set_tlsext_host_name(ssl, sni))
        CERT_FAIL_SSL(CERT_E_INVALID, "%s: not a name SNI can carry", sni);
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) != 1)
        CERT_FAIL_SSL(CERT_E_NET, "%s:%s (SNI %s): TLS handshake failed", host, port,
                      sni ? sni : "none");
    *out = SSL_get1_peer_certificate(ssl);
    if (*out == NULL)
        CERT_FAIL(CERT_E_NET, "%s:%s (SNI %s): no certificate served", host, port,
                  sni ? sni : "none");

done:
    if (ssl != NULL)
        SSL_shutdown(ssl);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    if (fd >= 0)
        close(fd);
    ERR_clear_error();
    return err;
}
