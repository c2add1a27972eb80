/* SPDX-License-Identifier: Apache-2.0 */
/* The live checks' internals shared by live.c (the engine, resolution and handshakes),
 * live_connect.c (certcheck --connect), live_dist.c (the aliases of distributions and the
 * rotation's verify-live) and dns.c (Route 53). */
#ifndef LIBCERT_OPS_LIVE_INT_H
#define LIBCERT_OPS_LIVE_INT_H

#include <pthread.h>

#include "libcert/live.h"
#include "ops/ops_int.h"

/* The name a wildcard alias is checked through when no --host name falls under it. */
#define LIVE_STAND_IN "libcert-check"

/* Handshakes (and resolutions) at once when the options' jobs is 0. */
#define LIVE_JOBS 32

/* What libcert's chain code made of one set of certificates a server sent. */
typedef struct live_chain {
    uint8_t hash[32]; /* SHA-256 over the DER of every certificate, in the order sent */
    const char *trust;
    bool root_sent;
    size_t extra;
} live_chain;

/* What the checks of one run share: the resolver, what is expected, the report options the
 * served chains are judged with, and what chains were judged already. */
typedef struct live_engine {
    const cert_live_opts *o;
    const cert_report_opts *ro;
    cert_resolver *resolver;
    X509 *expected;             /* borrowed; NULL: nothing expected */
    const char *expected_label; /* borrowed */
    char expected_sha256[65];
    ops_progress progress;
    pthread_mutex_t mu; /* the chain cache */
    struct live_chain *chains;
    size_t nchains, chains_cap;
} live_engine;

/* A new engine (the resolver made from the options: CERT_E_INVALID for a bad pin or server).
 * Free with cert_live__engine_fini(). */
cert_err cert_live__engine_init(live_engine *e, const cert_live_opts *o,
                                const cert_report_opts *ro);
void cert_live__engine_fini(live_engine *e);

/* Expect this leaf from now on (NULL: nothing). */
void cert_live__expect(live_engine *e, X509 *leaf, const char *label);

/* The names to check for an alias: the alias, or for a wildcard alias each of `hosts` it covers
 * (one more label), else a stand-in under it. Appended to *v (n) as new cert_live_name. */
cert_err cert_live__names_for(const char *alias, const char *const *hosts, size_t nhosts,
                              cert_live_name ***v, size_t *n);

/* Resolve each name and make a handshake with each of its addresses on `port`, o->jobs at a
 * time; each name's served[] and failure filled. Only memory errors are returned. */
cert_err cert_live__check_names(live_engine *e, cert_live_name **names, size_t n,
                                unsigned int port);

/* How many distinct addresses the names were checked at. */
size_t cert_live__address_count(cert_live_name *const *names, size_t n);

/* ---- what one handshake served (live.c), for certcheck --connect too (live_connect.c) ---- */

/* A served record for (host, servername, address, port), nothing tried yet; NULL without
 * memory. */
cert_served *cert_live__served_new(const char *host, const char *servername, const char *address,
                                   unsigned int port, bool pinned);

/* The facts of a chain: trust, whether the root was sent, what was sent besides the path. */
void cert_live__chain_facts(const cert_report *rep, X509 *const *sent, size_t nsent, live_chain *c);

/* The facts of a completed handshake into s (its chain facts given). */
cert_err cert_live__served_facts(const live_engine *e, const cert_tls_peer *p, const live_chain *c,
                                 cert_served *s);

/* ---- Route 53 (dns.c) ---- */

/* What the Route 53 check of one run lists once for all distributions: the hosted zones and,
 * when a record points at another distribution, the account's distributions. */
typedef struct live_dns_cache {
    cert_r53_zone *zones;
    size_t nzones;
    bool zones_listed;
    cert_cf_dist *dists;
    size_t ndists;
    bool dists_listed;
} live_dns_cache;

void cert_live__dns_cache_free(live_dns_cache *c);

/* Each alias's record and where it leads, into l->dns. A failure to list the zones is l's;
 * one alias's, that alias's. Only memory errors are returned. */
cert_err cert_live__dns(cert_aws *aws, live_dns_cache *c, const char *const *aliases, size_t n,
                        const char *domain_name, cert_live_result *l);

#endif
