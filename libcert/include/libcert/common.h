/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libcert: common definitions shared by every public header.
 *
 * Every public symbol is prefixed cert_ / CERT_ and exported through CERT_EXTERN; the library is
 * built with -fvisibility=hidden so nothing else leaks.
 */
#ifndef LIBCERT_COMMON_H
#define LIBCERT_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(LIBCERT_BUILDING) && defined(__GNUC__)
#define CERT_EXTERN __attribute__((visibility("default")))
#else
#define CERT_EXTERN
#endif

#ifdef __GNUC__
#define CERT_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define CERT_PRINTF(fmt, args)
#endif

#define CERT_VERSION_MAJOR 0
#define CERT_VERSION_MINOR 1
#define CERT_VERSION_PATCH 0
#define CERT_VERSION_STRING "0.1.0"

/** "Now", in the options of every time-dependent call: read the clock at the call. */
#define CERT_TIME_NOW INT64_MIN

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The version of the library actually linked (which may differ from CERT_VERSION_STRING the
 * caller was compiled against).
 * @return a static string such as "0.1.0"; never NULL
 */
CERT_EXTERN const char *cert_version(void);

#ifdef __cplusplus
}
#endif

#endif
