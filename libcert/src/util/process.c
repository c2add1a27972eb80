/* SPDX-License-Identifier: Apache-2.0 */
/* Process hardening for tools that hold keys and credentials (process.h). */
#include "libcert/process.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "util/error_int.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static cert_err result;
static char failure[256];

static void harden(void)
{
    const char *allow = getenv(CERT_ALLOW_CORE_ENV);
    struct rlimit zero = {0, 0};

    /* OpenSSL's secure heap first: it must exist before the first key is parsed. minsize 16:
     * the smallest piece OpenSSL asks for (a P-256 scalar is 32 bytes). */
    (void)CRYPTO_secure_malloc_init(CERT_SECURE_HEAP_SIZE, 16);
    if (allow != NULL && strcmp(allow, "1") == 0)
        return;
    if (setrlimit(RLIMIT_CORE, &zero) != 0) {
        snprintf(failure, sizeof(failure), "cannot turn core dumps off (setrlimit: %s)",
                 strerror(errno));
        result = CERT_E_INTERNAL;
    }
    if (prctl(PR_SET_DUMPABLE, 0L, 0L, 0L, 0L) != 0) {
        snprintf(failure, sizeof(failure), "cannot make the process undumpable (prctl: %s)",
                 strerror(errno));
        result = CERT_E_INTERNAL;
    }
}

cert_err cert_process_harden(void)
{
    pthread_once(&once, harden);
    if (result < 0)
        return cert__error_set(result, "%s; a crash could write key material to a core file",
                               failure);
    return CERT_OK;
}
