/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What is really served, compared with what the account holds: a TLS handshake with an endpoint
 * whose chain goes through the same checks as a local bundle (certcheck --connect), and a
 * CloudFront distribution's aliases followed through the account's Route 53 (--dns) and through
 * DNS resolution and a handshake with every address (--live). certrotate --verify-live runs the
 * same check on the aliases it moved.
 */
#ifndef LIBCERT_LIVE_H
#define LIBCERT_LIVE_H

#include "aws.h"
#include "net.h"
#include "report.h"
#include "results.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Options for the live checks. Initialise with CERT_LIVE_OPTS_INIT. */
typedef struct cert_live_opts {
    unsigned int version;
    const char *const *resolve; /**< --resolve HOST:PORT:ADDRESS[,ADDRESS]... as curl's: names
                                     that resolve without DNS ("*" for any); borrowed */
    size_t resolve_count;
    const char *dns_server;   /**< --dns-server ADDRESS[:PORT]; NULL: /etc/resolv.conf's */
    const char *servername;   /**< --connect: the SNI sent and the name checked; NULL: HOST */
    unsigned int port;        /**< --live: the port each alias is checked on; 0: 443 */
    long timeout_ms;          /**< each connection and handshake; 0: 10 s */
    unsigned int jobs;        /**< handshakes (and lookups) at once; 0: 32 */
    bool dns;                 /**< --dns: each alias's record in the account's public zones */
    bool live;                /**< --live: each alias resolved, a handshake with each address */
    cert_aws_log_fn progress; /**< a line per handshake (-v); called from several threads, one
                                   line at a time; NULL for none */
    void *progress_ud;
} cert_live_opts;

#define CERT_LIVE_OPTS_VERSION 1
#define CERT_LIVE_OPTS_INIT                                                                        \
    {                                                                                              \
        CERT_LIVE_OPTS_VERSION, NULL, 0, NULL, NULL, 0, 0, 0, false, false, NULL, NULL             \
    }

/**
 * certcheck --connect: for each HOST[:PORT] (443 by default; IPv6 in brackets when a port
 * follows), resolve HOST (--resolve pins, else DNS; an address is its own answer), make a TLS
 * handshake with SNI (opts->servername, else HOST) with its addresses in turn until one
 * answers, and put what the server sent through the pipeline of a local bundle: chain order and
 * completeness, trust by libcert's chain code (an untrusted chain is reported, not refused),
 * expiry, names against the servername and report_opts->check.hosts (--host). The report's
 * "served" block says where, which protocol and cipher, how many certificates were sent (the root
 * among them?), whether an OCSP response was stapled (when the leaf names a responder); with
 * `expect`, its leaf compared with the served one (served.same / served.differs). The targets
 * are checked at once, at most opts->jobs together.
 * @param targets     borrowed; count of them, at least 1
 * @param expect      borrowed; a report whose leaf the server should serve (--expect FILE,
 *                    --iam NAME: cert_remote_report_iam()); NULL: nothing expected
 * @param report_opts borrowed; NULL means CERT_REPORT_OPTS_INIT (no key is expected)
 * @param out         new array of `count` reports owned by the caller (cert_reports_free()); a
 *                    target that could not be reached (no address, no handshake) is a report
 *                    recording that failure (CERT_E_NET: exit 5), labelled "HOST:PORT"
 * @return CERT_OK; CERT_E_INVALID (a target that is not HOST[:PORT], an address without
 *         opts->servername: SNI cannot carry one, a bad --resolve); CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_live_connect(const char *const *targets, size_t count,
                                       const cert_report *expect, const cert_live_opts *opts,
                                       const cert_report_opts *report_opts, cert_report ***out);

/**
 * certcheck --distribution ID... --dns / --live: cert_remote_report_distributions(), read with
 * GetDistribution (for the DomainName), and for each distribution a live result
 * (cert_report_set_live()):
 *   - opts->dns: each alias's record in the account's public hosted zones (the longest suffix;
 *     several public zones of that name: ambiguous), its alias A/AAAA records (alias to alias
 *     followed inside the account's zones), CNAMEs and the nearest wildcard; where each leads
 *     (this distribution's DomainName, another distribution, elsewhere) with each failover or
 *     weighted record's weight, health check and status now (GetHealthCheckStatus);
 *   - opts->live: each alias resolved (a wildcard alias through the --host names it covers, or a
 *     stand-in name under it), a handshake with SNI to every address on opts->port, each served
 *     leaf compared with the distribution's certificate. opts->jobs handshakes at once.
 * The hosted zones are listed once for every distribution of a run. A failure of one
 * distribution is its report; a failure of its Route 53 lookup or of resolution is kept in its
 * live result and raises its exit code.
 * @return CERT_OK; CERT_E_INVALID (a bad --resolve or --dns-server, no ids); CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_live_distributions(cert_aws *aws, const char *const *ids, size_t count,
                                             const cert_live_opts *opts,
                                             const cert_report_opts *report_opts,
                                             cert_report ***out);

#ifdef __cplusplus
}
#endif

#endif
