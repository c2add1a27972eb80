/* SPDX-License-Identifier: Apache-2.0 */
/* A growable byte buffer with a hard cap, as curl's dynbuf: every untrusted read goes through
 * one, so no input can make us allocate without bound. */
#ifndef LIBCERT_UTIL_BUF_H
#define LIBCERT_UTIL_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libcert/error.h"

typedef struct cert_buf {
    char *ptr; /* NUL-terminated when non-NULL */
    size_t len;
    size_t cap;
    size_t max;  /* appending past this fails */
    bool secret; /* wipe on growth and free */
} cert_buf;

/** Start an empty buffer that will refuse to grow past `max` bytes. */
void cert__buf_init(cert_buf *b, size_t max, bool secret);

/** Append; CERT_E_INPUT (message names `what`) past the cap, CERT_E_NOMEM. */
cert_err cert__buf_add(cert_buf *b, const void *data, size_t len, const char *what);

/** Make room for `total` bytes in all, so that appends up to it do not move the data (a
 * response whose length is announced). A total over the cap is ignored: the append that
 * crosses it fails. CERT_E_NOMEM. */
cert_err cert__buf_reserve(cert_buf *b, size_t total);

/** Append a printf-formatted string. */
cert_err cert__buf_printf(cert_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** Free (wiping first when secret) and reset to empty. */
void cert__buf_free(cert_buf *b);

/** Hand the bytes to the caller (free with free(), or cert_secret_free when secret). */
char *cert__buf_detach(cert_buf *b, size_t *len_out);

/** Room for one more element in a growable array: `vp` points at the array pointer (T **),
 * which holds n elements of `elem` bytes in *cap slots. When full, the capacity doubles
 * (starting at `first`). The pointer and *cap change only on success; CERT_E_NOMEM (with the
 * error set) otherwise. */
cert_err cert__array_reserve(void *vp, size_t *cap, size_t n, size_t first, size_t elem);

/** Append a copy of s to a list of owned strings (*v of *n, grown one at a time); with `once`,
 * not when an equal string is there already. CERT_E_NOMEM (with the error set), the list
 * unchanged, otherwise. */
cert_err cert__strings_push(char ***v, size_t *n, const char *s, bool once);

#endif
