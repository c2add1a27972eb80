/* SPDX-License-Identifier: Apache-2.0 */
/* A small worker pool: n items, at most `jobs` threads, each with its own state. */
#ifndef LIBCERT_UTIL_POOL_H
#define LIBCERT_UTIL_POOL_H

#include <stddef.h>

#include "libcert/error.h"

typedef struct cert_pool_ops {
    void *(*init)(void *ud);             /* per-thread state (may return NULL) */
    void (*fini)(void *state, void *ud); /* free it */
    void (*item)(size_t i, void *state, void *ud);
} cert_pool_ops;

/* Run ops->item for i in [0, n) on up to `jobs` threads (the calling thread works too when no
 * thread can be started). Returns when every item is done. */
cert_err cert__pool_run(size_t n, unsigned int jobs, const cert_pool_ops *ops, void *ud);

#endif
