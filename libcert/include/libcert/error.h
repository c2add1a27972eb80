/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libcert errors: one enum for every call, plus a thread-local message that names the input and
 * says what to do.
 */
#ifndef LIBCERT_ERROR_H
#define LIBCERT_ERROR_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Result of every fallible libcert call. CERT_OK is zero; every error is negative, so
 * `if (err < 0)` is the test. Findings about certificates (an expired leaf, a weak key) are data,
 * never errors: see checks.h.
 */
typedef enum cert_err {
    CERT_OK = 0,
    CERT_E_INVALID = -1,  /**< caller misuse: bad argument, unknown option value */
    CERT_E_INPUT = -2,    /**< malformed or unusable input, wrong or missing passphrase */
    CERT_E_NOMEM = -3,    /**< allocation failed */
    CERT_E_IO = -4,       /**< reading or writing a file failed */
    CERT_E_AWS = -5,      /**< AWS answered with an error (auth, not found, conflict, ...) */
    CERT_E_NET = -6,      /**< network failure, 5xx or throttling after the last attempt */
    CERT_E_INTERNAL = -7, /**< a bug in libcert or OpenSSL misbehaving */
    CERT_E_EXISTS = -8,   /**< an output file exists and overwriting was not asked for */
    CERT_E_REFUSED = -9,  /**< a check failed, so the action was not taken (the findings say
                               which: see gate.h) */
} cert_err;

/** The detail of the last error raised on this thread. */
typedef struct cert_error {
    cert_err code;       /**< the code the failing call returned */
    const char *message; /**< one line: which input, what was wrong, what to do; never NULL */
} cert_error;

/**
 * Detail of the most recent error on the calling thread.
 * @return a pointer to thread-local storage, valid until the next libcert call on this thread
 *         that fails or clears it; never NULL (code CERT_OK and message "" when none)
 */
CERT_EXTERN const cert_error *cert_error_last(void);

/** Forget the calling thread's last error. */
CERT_EXTERN void cert_error_clear(void);

/**
 * A short English name for a code, for logs: "invalid argument", "input error", ...
 * @return a static string; never NULL
 */
CERT_EXTERN const char *cert_err_name(cert_err code);

#ifdef __cplusplus
}
#endif

#endif
