/* SPDX-License-Identifier: Apache-2.0 */
/* Results internals: the inventory's layout, filled by ops/inventory.c, read here. */
#ifndef LIBCERT_REPORT_RESULTS_INT_H
#define LIBCERT_REPORT_RESULTS_INT_H

#include "libcert/results.h"

struct cert_inventory {
    cert_iam_cert *certs; /* by expiration, soonest first */
    size_t n;
    cert_cf_dist *dists;
    size_t nd;
    bool usage_known;
    const char ***users; /* per certificate: the ids of the distributions that use it */
    size_t *nusers;
    long used, quota;
    int64_t now;
    bool has_iam, has_acm; /* which stores were listed */
    cert_acm_cert *acm;    /* ACM's, by NotAfter, soonest first */
    size_t nacm;
    const char ***acm_users; /* per ACM certificate: the distributions that serve it */
    size_t *nacm_users;
    bool *acm_usable; /* per ACM certificate: CloudFront can serve it (its region, ISSUED, key) */
};

/* Free one distribution's strings and report, and zero it. */
void cert__attach_dist_clear(cert_attach_dist *d);

#endif
