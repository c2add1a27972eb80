/* SPDX-License-Identifier: Apache-2.0 */
#include <openssl/err.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error_int.h"

#define CERT_ERROR_MAX 1024

/* Thread-local because loaders fail before any context object exists (as libgit2's
 * git_error_last and aws-c-common's aws_last_error). */
static _Thread_local struct {
    cert_error pub;
    char buf[CERT_ERROR_MAX];
} last = {{CERT_OK, ""}, ""};

const cert_error *cert_error_last(void)
{
    if (last.pub.message == NULL)
        last.pub.message = "";
    return &last.pub;
}

void cert_error_clear(void)
{
    last.pub.code = CERT_OK;
    last.buf[0] = '\0';
    last.pub.message = last.buf;
}

static void vset(cert_err code, const char *fmt, va_list ap) CERT_PRINTF(2, 0);

static void vset(cert_err code, const char *fmt, va_list ap)
{
    char tmp[CERT_ERROR_MAX];

    /* Format into a temporary first: the arguments may point into last.buf. */
    vsnprintf(tmp, sizeof(tmp), fmt, ap);
    memcpy(last.buf, tmp, sizeof(tmp));
    last.pub.code = code;
    last.pub.message = last.buf;
}

cert_err cert__error_set(cert_err code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vset(code, fmt, ap);
    va_end(ap);
    return code;
}

void cert__openssl_reason(char *buf, size_t size)
{
    unsigned long e, chosen = 0;
    const char *data = NULL, *chosen_data = NULL;
    int flags = 0, chosen_flags = 0;

    if (size == 0)
        return;
    buf[0] = '\0';
    /* The first error is usually the root cause ("bad decrypt"), later ones are the layers that
     * passed it up ("decoder routines::unsupported"); keep the first with a reason. */
    while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0) {
        if (chosen == 0 && ERR_GET_REASON(e) != 0) {
            chosen = e;
            chosen_data = (flags & ERR_TXT_STRING) ? data : NULL;
            chosen_flags = flags;
        }
    }
    (void)chosen_flags;
    if (chosen != 0) {
        const char *reason = ERR_reason_error_string(chosen);

        if (reason == NULL)
            snprintf(buf, size, "OpenSSL error %lu", chosen);
        else if (chosen_data != NULL && chosen_data[0] != '\0')
            snprintf(buf, size, "%s (%s)", reason, chosen_data);
        else
            snprintf(buf, size, "%s", reason);
    }
}

cert_err cert__error_openssl(cert_err code, const char *fmt, ...)
{
    char reason[256], tmp[CERT_ERROR_MAX];
    va_list ap;
    char *fix;

    cert__openssl_reason(reason, sizeof(reason));
    va_start(ap, fmt);
    vset(code, fmt, ap);
    va_end(ap);
    if (reason[0] == '\0')
        return code;
    /* "what was wrong (OpenSSL's reason); what to do": the reason goes before the fix. */
    fix = strstr(last.buf, "; ");
    /* A message longer than the buffer is cut: the return values are checked only for that. */
    if (fix != NULL) {
        if (snprintf(tmp, sizeof(tmp), "%.*s (%s)%s", (int)(fix - last.buf), last.buf, reason,
                     fix) < 0)
            return code;
    } else if (snprintf(tmp, sizeof(tmp), "%s (%s)", last.buf, reason) < 0) {
        return code;
    }
    memcpy(last.buf, tmp, sizeof(tmp));
    return code;
}

cert_err cert__error_nomem(void)
{
    ERR_clear_error();
    last.pub.code = CERT_E_NOMEM;
    snprintf(last.buf, sizeof(last.buf), "out of memory");
    last.pub.message = last.buf;
    return CERT_E_NOMEM;
}

const char *cert_err_name(cert_err code)
{
    switch (code) {
    case CERT_OK:
        return "ok";
    case CERT_E_INVALID:
        return "invalid argument";
    case CERT_E_INPUT:
        return "input error";
    case CERT_E_NOMEM:
        return "out of memory";
    case CERT_E_IO:
        return "I/O error";
    case CERT_E_AWS:
        return "AWS error";
    case CERT_E_NET:
        return "network error";
    case CERT_E_INTERNAL:
        return "internal error";
    case CERT_E_EXISTS:
        return "file exists";
    case CERT_E_REFUSED:
        return "check failed";
    }
    return "unknown error";
}

const char *cert_version(void)
{
    return CERT_VERSION_STRING;
}
