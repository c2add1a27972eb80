/*
 * Transport to peers that are not AWS: what a TLS server serves.
 */
#ifndef LIBCERT_NET_H
#define LIBCERT_NET_H

#include <openssl/x509.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Connect to host:port with TLS (SNI `sni`), and give the leaf certificate it serves. The peer
 * is not verified: the caller compares what it serves with what it should.
 * @param out new X509 owned by the caller (X509_free())
 * @return CERT_OK; CERT_E_NET (no connection, no handshake, timeout); CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_tls_served_leaf(const char *host, const char *port, const char *sni,
                                          long timeout_ms, X509 **out);

#ifdef __cplusplus
}
#endif

#endif
