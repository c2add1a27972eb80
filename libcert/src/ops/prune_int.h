/* SPDX-License-Identifier: Apache-2.0 */
/* Prune internals: the newest-for-its-names rule, pure, so that unit tests reach it. */
#ifndef LIBCERT_OPS_PRUNE_INT_H
#define LIBCERT_OPS_PRUNE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One certificate as the rule sees it. */
typedef struct prune_named {
    const char *names;   /* its DNS-name set (cert__x509_dns_set()); NULL: none, a group alone */
    int64_t not_after;   /* its notAfter */
    int64_t upload_date; /* UploadDate, INT64_MIN when unknown */
    const char *name;    /* ServerCertificateName, the last tie-break */
    size_t newest;       /* out: the index of its group's newest (its own when it is that one) */
} prune_named;

/* Group the items by equal `names` and mark each group's newest: the latest notAfter, then the
 * latest UploadDate, then the greatest name, so that exactly one per group is the newest. */
void cert_prune__mark_newest(prune_named *v, size_t n);

#endif
