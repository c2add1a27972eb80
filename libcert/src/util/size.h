/* SPDX-License-Identifier: Apache-2.0 */
/* Checked size arithmetic (as aws-c-common's aws_add_size_checked) and the one checked
 * size_t -> int conversion OpenSSL's int lengths need (as curl's curlx_uztosi). */
#ifndef LIBCERT_UTIL_SIZE_H
#define LIBCERT_UTIL_SIZE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/** *out = a + b; false (and *out untouched) on overflow. */
static inline bool cert__size_add(size_t a, size_t b, size_t *out)
{
    if (a > (size_t)-1 - b)
        return false;
    *out = a + b;
    return true;
}

/** *out = a * b; false (and *out untouched) on overflow. */
static inline bool cert__size_mul(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > (size_t)-1 / a)
        return false;
    *out = a * b;
    return true;
}

/** *out = (int)n; false when n does not fit. */
static inline bool cert__size_to_int(size_t n, int *out)
{
    if (n > (size_t)INT_MAX)
        return false;
    *out = (int)n;
    return true;
}

/** *out = (long)n; false when n does not fit. */
static inline bool cert__size_to_long(size_t n, long *out)
{
    if (n > (size_t)LONG_MAX)
        return false;
    *out = (long)n;
    return true;
}

#endif
