/* SPDX-License-Identifier: Apache-2.0 */
/* Internal error helpers: set the thread-local message, propagate with goto done. */
#ifndef LIBCERT_UTIL_ERROR_INT_H
#define LIBCERT_UTIL_ERROR_INT_H

#include "libcert/error.h"

/**
 * Record `code` with a printf-style message on the calling thread.
 * @return code, so that `return cert__error_set(...)` and CERT_FAIL read naturally
 */
cert_err cert__error_set(cert_err code, const char *fmt, ...) CERT_PRINTF(2, 3);

/**
 * As cert__error_set(), with OpenSSL's most useful reason from its error queue (if any) in
 * parentheses before the fix ("x: not a valid key (bad decrypt); give ..."); clears the queue.
 */
cert_err cert__error_openssl(cert_err code, const char *fmt, ...) CERT_PRINTF(2, 3);

/** Record CERT_E_NOMEM with a fixed message (no allocation). */
cert_err cert__error_nomem(void);

/** Copy OpenSSL's most useful queued reason into buf ("" if none) and clear the queue. */
void cert__openssl_reason(char *buf, size_t size);

/* `err` must be a cert_err in scope and `done:` the single exit label. */
#define CERT_TRY(expr)                                                                             \
    do {                                                                                           \
        err = (expr);                                                                              \
        if (err < 0)                                                                               \
            goto done;                                                                             \
    } while (0)

#define CERT_FAIL(code, ...)                                                                       \
    do {                                                                                           \
        err = cert__error_set((code), __VA_ARGS__);                                                \
        goto done;                                                                                 \
    } while (0)

#define CERT_FAIL_SSL(code, ...)                                                                   \
    do {                                                                                           \
        err = cert__error_openssl((code), __VA_ARGS__);                                            \
        goto done;                                                                                 \
    } while (0)

#define CERT_NOMEM()                                                                               \
    do {                                                                                           \
        err = cert__error_nomem();                                                                 \
        goto done;                                                                                 \
    } while (0)

#endif
