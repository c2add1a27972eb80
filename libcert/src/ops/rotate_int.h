/* Rotate internals shared by the stages (rotate.c) and the live checks (live.c). */
#ifndef LIBCERT_OPS_ROTATE_INT_H
#define LIBCERT_OPS_ROTATE_INT_H

#include "libcert/rotate.h"

/* verify-live: a TLS handshake per alias of every confirmed distribution, r->live filled. */
cert_err cert_rotate__live_checks(const cert_rotate_opts *o, cert_rotate_result *r, X509 *leaf);

#endif
