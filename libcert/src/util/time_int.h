/* SPDX-License-Identifier: Apache-2.0 */
/* Civil time without the C library's time zone or time_t range: pure arithmetic. */
#ifndef LIBCERT_UTIL_TIME_INT_H
#define LIBCERT_UTIL_TIME_INT_H

#include <openssl/asn1.h>
#include <stdbool.h>
#include <stdint.h>

#include "libcert/error.h"

/** Seconds since the epoch of a UTC civil date-time (no range checks beyond arithmetic). */
int64_t cert__time_from_civil(int64_t y, int mon, int day, int h, int mi, int s);

/** "2026-06-01T00:00:00Z" into buf (at least 21 bytes). */
char *cert__time_format(int64_t t, char *buf, size_t size);

/** An ASN1_TIME as seconds since the epoch; false when it is malformed. */
bool cert__asn1_time_get(const ASN1_TIME *t, int64_t *out);

/** RFC 3339 or @EPOCH; see cert_time_parse() in checks.h. */
cert_err cert__time_parse(const char *text, int64_t *out);

/** The wall clock, or `now` when it is not CERT_TIME_NOW. */
int64_t cert__time_resolve(int64_t now);

#endif
