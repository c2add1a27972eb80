/* SPDX-License-Identifier: Apache-2.0 */
/* Text internals shared by the writers that must know UTF-8 (text.c, the terminal; the
 * Prometheus writer, report/render_prometheus.c). */
#ifndef LIBCERT_UTIL_TEXT_INT_H
#define LIBCERT_UTIL_TEXT_INT_H

#include <stddef.h>

/* The length of the valid UTF-8 sequence at p (at most n bytes, n > 0) and its code point in
 * *cp; 0 when the bytes there are not valid UTF-8 (RFC 3629: no overlong forms, no surrogates,
 * at most U+10FFFF). */
size_t cert__utf8_decode(const unsigned char *p, size_t n, unsigned long *cp);

#endif
