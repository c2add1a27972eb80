/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Results: what the workflows (upload.h, inventory.h, prune.h, attach.h, rotate.h, live.h) did,
 * as data.
 * The tools read them and hand them to the renderers (render.h); the exit code a tool returns is
 * decided from them by the cert_*_exit() functions below, the one place where a result becomes
 * an exit code (design.md's table: every failure's cert_err maps through cert_exit_for_err()).
 * Nothing here talks to AWS.
 *
 * The structs are stable: the library sets `version` (CERT_RESULTS_VERSION), members are only
 * added at the end, and a change of meaning or layout bumps the SONAME (docs/ABI.md). Every
 * string is owned by the result; the result is freed with its own cert_*_free() function.
 */
#ifndef LIBCERT_RESULTS_H
#define LIBCERT_RESULTS_H

#include "records.h"
#include "report.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The layout of every result struct below. */
#define CERT_RESULTS_VERSION 1

/* ---- upload (certup, certrotate) ---- */

/** What cert_iam_put() or cert_store_put() did. */
typedef enum cert_put_status {
    CERT_PUT_UPLOADED = 0, /**< UploadServerCertificate (ACM: ImportCertificate) succeeded */
    CERT_PUT_EXISTS,       /**< the store already held exactly this leaf and chain (IAM: under
                                the name) */
    CERT_PUT_DRY_RUN,      /**< nothing sent */
    CERT_PUT_REIMPORTED,   /**< ACM: re-imported into an existing ARN, which kept its users */
} cert_put_status;

/** A workflow's rule that refused an action (acm.reimport.key, acm.shared, ...): a code of the
 * catalogue (certcheck --list-codes) and what it found. */
typedef struct cert_refusal {
    const char *code; /**< static */
    char *message;    /**< owned */
    bool allowed;     /**< --allow named the code: said, not refused */
} cert_refusal;

/** Free an array of refusals. NULL is a no-op. */
CERT_EXTERN void cert_refusals_free(cert_refusal *v, size_t n);

/** The outcome of an upload; clear with cert_put_result_clear(). */
typedef struct cert_put_result {
    unsigned int version;
    cert_put_status status; /**< meaningful when failure.err is CERT_OK */
    cert_iam_cert meta;     /**< the certificate in IAM (zeroed for a dry run) */
    char name[129];         /**< the name used; "" when the upload was not reached */
    const char *path;       /**< the path used (borrowed from the options, or static) */
    char *body;             /**< CertificateBody sent (or that would be) */
    char *chain;            /**< CertificateChain sent, "" for none */
    char key_type[64];      /**< "RSA 2048": the key itself is never kept here */
    size_t key_len;         /**< PrivateKey's length */
    int attempts;           /**< UploadServerCertificate attempts (retries included) */
    /** On LimitExceeded: expired certificates under /cloudfront/ that no distribution uses. */
    cert_iam_cert *removable;
    size_t removable_count;
    cert_failure failure;   /**< why the upload failed; err CERT_OK when it did not */
    cert_store_kind store;  /**< where it went (ACM: meta.id and meta.arn are the ARN) */
    cert_acm_cert acm;      /**< ACM: the certificate's record (ARN; names and InUseBy when it was
                                 found or described) */
    cert_refusal *refusals; /**< the rules that refused a re-import (failure.err CERT_E_REFUSED)
                                 or that --allow let pass */
    size_t refusal_count;
} cert_put_result;

/** Free what a result holds and zero it. NULL is a no-op. */
CERT_EXTERN void cert_put_result_clear(cert_put_result *r);

/** "uploaded" (ACM: "imported"), "reimported", "exists", "dry-run", or "error" when it
 * failed. */
CERT_EXTERN const char *cert_put_status_name(const cert_put_result *r);

/** The exit code of an upload: its failure's, else CERT_EXIT_OK. */
CERT_EXTERN cert_exit cert_put_exit(const cert_put_result *r);

/* ---- inventory (certls) ---- */

/** The account's IAM server certificates by expiration, with their users and the quota.
 * Opaque; made by cert_inventory_build() (inventory.h). */
typedef struct cert_inventory cert_inventory;

/** Free an inventory. NULL is a no-op. */
CERT_EXTERN void cert_inventory_free(cert_inventory *inv);

/** Number of certificates. */
CERT_EXTERN size_t cert_inventory_count(const cert_inventory *inv);

/** The i-th certificate by expiration (soonest first), borrowed; NULL when out of range. */
CERT_EXTERN const cert_iam_cert *cert_inventory_at(const cert_inventory *inv, size_t i);

/** Whether distributions were listed (so that "unused" means something). */
CERT_EXTERN bool cert_inventory_usage_known(const cert_inventory *inv);

/**
 * The distributions that use the i-th certificate (their ViewerCertificate's IAMCertificateId).
 * @param ids_out borrowed array of distribution ids, valid as long as the inventory
 * @return how many
 */
CERT_EXTERN size_t cert_inventory_users(const cert_inventory *inv, size_t i,
                                        const char *const **ids_out);

/** The distributions listed, borrowed; *count_out their number (0 when not listed). */
CERT_EXTERN const cert_cf_dist *cert_inventory_distributions(const cert_inventory *inv,
                                                             size_t *count_out);

/** Whether the i-th certificate could go: under /cloudfront/, expired, used by no distribution
 * (false when usage is unknown). */
CERT_EXTERN bool cert_inventory_removable(const cert_inventory *inv, size_t i);

/** Whether the i-th certificate expires within `days` days (expired ones included). */
CERT_EXTERN bool cert_inventory_expiring(const cert_inventory *inv, size_t i, unsigned int days);

/** Whole days left on the i-th certificate, rounded down (-1 an hour after it expired);
 * INT64_MIN when its expiration is unknown. */
CERT_EXTERN int64_t cert_inventory_days_left(const cert_inventory *inv, size_t i);

/** ServerCertificates and ServerCertificatesQuota (-1 when not asked or absent). */
CERT_EXTERN void cert_inventory_quota(const cert_inventory *inv, long *used_out, long *quota_out);

/** The clock the inventory was built with. */
CERT_EXTERN int64_t cert_inventory_now(const cert_inventory *inv);

/** How many certificates (of both stores) expire within `days` days; every one when days is
 * negative. */
CERT_EXTERN size_t cert_inventory_shown(const cert_inventory *inv, int days);

/** Whether a store was listed (cert_inventory_opts.stores). */
CERT_EXTERN bool cert_inventory_has_store(const cert_inventory *inv, cert_store_kind store);

/** Number of ACM certificates. */
CERT_EXTERN size_t cert_inventory_acm_count(const cert_inventory *inv);

/** The i-th ACM certificate by NotAfter (soonest first), borrowed; NULL when out of range. */
CERT_EXTERN const cert_acm_cert *cert_inventory_acm_at(const cert_inventory *inv, size_t i);

/** The distributions that serve the i-th ACM certificate (ACMCertificateArn), borrowed ids. */
CERT_EXTERN size_t cert_inventory_acm_users(const cert_inventory *inv, size_t i,
                                            const char *const **ids_out);

/** Whether CloudFront can serve the i-th ACM certificate: in its region, ISSUED, a key it
 * serves (RSA 1024-4096, ECDSA P-256). */
CERT_EXTERN bool cert_inventory_acm_usable(const cert_inventory *inv, size_t i);

/** Whether the i-th ACM certificate could go: imported, expired, used by nothing (InUse false
 * and no distribution; false when usage is unknown). */
CERT_EXTERN bool cert_inventory_acm_removable(const cert_inventory *inv, size_t i);

/** Whether the i-th ACM certificate expires within `days` days (expired ones included). */
CERT_EXTERN bool cert_inventory_acm_expiring(const cert_inventory *inv, size_t i,
                                             unsigned int days);

/** Whole days left on the i-th ACM certificate, as cert_inventory_days_left(). */
CERT_EXTERN int64_t cert_inventory_acm_days_left(const cert_inventory *inv, size_t i);

/** certls's exit code: CERT_EXIT_CHECK when `days` is not negative and a certificate (of either
 * store) expires within it, else CERT_EXIT_OK. */
CERT_EXTERN cert_exit cert_inventory_exit(const cert_inventory *inv, int days);

/** What moving a certificate under /cloudfront/ did (cert_iam_fix_path(), certls --fix-path).
 * Clear with cert_path_fix_clear(). */
typedef struct cert_path_fix {
    unsigned int version;
    char *name;           /**< ServerCertificateName */
    char *old_path;       /**< its path before */
    char *new_path;       /**< its path now (old_path when nothing had to move) */
    bool moved;           /**< UpdateServerCertificate was sent and accepted */
    cert_failure failure; /**< why it failed; err CERT_OK when it did not */
} cert_path_fix;

/** Free what a path fix holds and zero it. */
CERT_EXTERN void cert_path_fix_clear(cert_path_fix *p);

/* ---- prune (certprune) ---- */

/** What became of one certificate certprune looked at. */
typedef enum cert_prune_state {
    CERT_PRUNE_CANDIDATE = 0, /**< would go (no --yes) */
    CERT_PRUNE_DELETED,
    CERT_PRUNE_IN_USE_NOW, /**< a distribution took it up meanwhile: kept */
    CERT_PRUNE_FAILED,
    CERT_PRUNE_KEPT_NEWEST, /**< unused and old enough, but the newest for its names: kept */
} cert_prune_state;

/** Why a certificate is a candidate. */
typedef enum cert_prune_reason {
    CERT_PRUNE_EXPIRED = 0, /**< expired, under /cloudfront/, used by no distribution */
    CERT_PRUNE_UNUSED,      /**< with unused: not expired, under /cloudfront/, used by no
                                 distribution, uploaded by libcert (CERT_TAG_UPLOADED) more than
                                 min_age_days ago, and not the newest for its DNS names */
} cert_prune_reason;

/** One candidate. */
typedef struct cert_prune_item {
    cert_iam_cert cert;
    cert_prune_state state;
    char *message;        /**< why it was kept or failed; NULL otherwise */
    cert_failure failure; /**< with CERT_PRUNE_FAILED: why */
    cert_prune_reason reason;
    char *names;         /**< with CERT_PRUNE_UNUSED: its DNS names, ", " between them */
    char *superseded_by; /**< with CERT_PRUNE_UNUSED and not kept-newest: the newest certificate
                              for the same names (ServerCertificateName) */
    cert_acm_cert acm;   /**< ACM: the certificate's record (cert: id, name and arn the ARN) */
} cert_prune_item;

/** The whole run. Free with cert_prune_result_free(). */
typedef struct cert_prune_result {
    unsigned int version;
    bool deleting; /**< asked to delete (--yes); else a preview */
    cert_prune_item *items;
    size_t count;
    bool unused;               /**< unused certificates were looked for too (--unused) */
    unsigned int min_age_days; /**< with unused: --min-age */
    int64_t now;               /**< the clock expiry and age were judged by */
    cert_store_kind store;     /**< the store pruned */
} cert_prune_result;

/** Free a result. NULL is a no-op. */
CERT_EXTERN void cert_prune_result_free(cert_prune_result *r);

/** "would-delete" (a preview), "candidate", "deleted", "kept-in-use", "failed",
 * "kept-newest". */
CERT_EXTERN const char *cert_prune_state_name(cert_prune_state s, bool deleting);

/** "expired" or "unused". */
CERT_EXTERN const char *cert_prune_reason_name(cert_prune_reason r);

/** The exit code: the highest of the failed items', else CERT_EXIT_OK. */
CERT_EXTERN cert_exit cert_prune_exit(const cert_prune_result *r);

/* ---- attach (certattach, certrotate) ---- */

/** What a wait for Deployed looks like now (certattach --wait, certrotate). Borrowed for the
 * call only. */
typedef struct cert_wait_status {
    size_t total;               /**< distributions waited for */
    size_t deployed;            /**< of them Deployed */
    const char *const *pending; /**< the ids still InProgress, longest waiting first */
    const double *pending_s;    /**< how long each has been waited for, seconds */
    size_t pending_count;
    double longest_s;    /**< the longest wait so far */
    double left_s;       /**< time left before --wait-timeout */
    const char *changed; /**< the id that just became Deployed; NULL for none */
    bool heartbeat;      /**< nothing changed, but a minute passed since the last */
    bool done;           /**< the wait is over (every one Deployed, or the time ran
                              out) */
} cert_wait_status;

/** Receives the wait's state on every change, on a heartbeat and at the end. */
typedef void (*cert_wait_fn)(const cert_wait_status *status, void *ud);

/** The kinds of handle that name distributions on the command line. */
typedef enum cert_handle_kind {
    CERT_HANDLE_DISTRIBUTION = 0, /**< an Id (an operand, or --distribution) */
    CERT_HANDLE_ALIAS,            /**< --alias NAME */
    CERT_HANDLE_REPLACE,          /**< --replace OLD: the distributions that use OLD */
} cert_handle_kind;

/** One handle and what it matched. */
typedef struct cert_handle {
    cert_handle_kind kind;
    char *value;    /**< as given */
    size_t matched; /**< how many distributions it matched */
    bool allowed;   /**< it matched nothing, and --allow handle.unmatched let that pass */
    char *note;     /**< why it matched nothing, or how (OLD gone but recorded on the new
                         certificate); NULL when there is nothing to say */
} cert_handle;

/** "distribution", "alias", "replace". */
CERT_EXTERN const char *cert_handle_kind_name(cert_handle_kind k);

/** What happened to one distribution. */
typedef enum cert_attach_state {
    CERT_ATTACH_PENDING = 0,    /**< not reached (an earlier failure stopped the run) */
    CERT_ATTACH_UNCHANGED,      /**< it already used the certificate: nothing to do */
    CERT_ATTACH_UPDATED,        /**< UpdateDistribution accepted the change */
    CERT_ATTACH_WOULD_UPDATE,   /**< dry run: this change would be sent */
    CERT_ATTACH_REFUSED,        /**< the pre-flight found an error: nothing changed anywhere */
    CERT_ATTACH_FAILED,         /**< AWS refused the change or it could not be sent; or its
                                     answer was lost and the distribution, read back, holds
                                     neither the old nor the new certificate (someone else changed
                                     it: left alone) */
    CERT_ATTACH_ROLLED_BACK,    /**< updated, then put back after another failed */
    CERT_ATTACH_UNKNOWN,        /**< the update (or its rollback) may have reached CloudFront, no
                                     answer to it came, and reading the distribution back failed
                                     too: what it holds is unknown (exit 5; certrotate deletes no
                                     certificate then) */
    CERT_ATTACH_REIMPORTED,     /**< certrotate: the ACM certificate it serves was re-imported in
                                     place; no UpdateDistribution */
    CERT_ATTACH_WOULD_REIMPORT, /**< dry run: its ACM certificate would be re-imported */
} cert_attach_state;

/** One distribution's outcome. */
typedef struct cert_attach_dist {
    char *id;
    cert_attach_state state;
    char **aliases;
    size_t alias_count;
    cert_cf_viewer previous;     /**< ViewerCertificate before (for a rollback by hand) */
    char *change;                /**< the change to ViewerCertificate, one line */
    cert_failure failure;        /**< why it failed or was refused (CERT_E_REFUSED: the findings) */
    cert_failure rollback;       /**< why putting it back failed */
    cert_failure wait;           /**< why waiting for Deployed failed */
    const char *guard;           /**< refused by this rule ("rotate.downgrade", "rotate.store");
                                      static; NULL otherwise */
    int64_t previous_expiration; /**< the notAfter of the IAM certificate it served before
                                      (IAM's Expiration); INT64_MIN when unknown */
    char *replaced_id;      /**< certrotate: the IAM certificate this job moved it from (this run's
                                 read, or the record on the new certificate); NULL for none */
    bool deployed;          /**< seen Deployed (with wait) */
    int attempts;           /**< updates sent (412 and eventual-consistency retries) */
    cert_report *report;    /**< the pre-flight report (checks with the aliases as hosts) */
    char *note;             /**< why its ACM certificate is not re-imported and a new one is
                                 attached instead; NULL otherwise */
    cert_refusal *refusals; /**< the re-import rules its ACM certificate broke */
    size_t refusal_count;
} cert_attach_dist;

/** The whole run. Free with cert_attach_result_free(). */
typedef struct cert_attach_result {
    unsigned int version;
    cert_iam_cert cert;     /**< the certificate attached */
    cert_iam_cert replaced; /**< with replace: the certificate replaced (id; name when it was
                                 given by name or ARN) */
    bool replaced_gone;     /**< with replace_gone_ok: it no longer exists in IAM */
    cert_attach_dist *dists;
    size_t count;
    cert_handle *handles; /**< every handle given, in order */
    size_t handle_count;
    cert_failure failure;  /**< a failure before any distribution (CERT_E_REFUSED with
                                handle.unmatched: a handle matched nothing); else CERT_OK */
    cert_store_kind store; /**< the store of the certificate attached (ACM: cert.id and cert.arn
                                are its ARN) */
    cert_acm_cert acm;     /**< ACM: the attached certificate's record */
} cert_attach_result;

/** Free a result. NULL is a no-op. */
CERT_EXTERN void cert_attach_result_free(cert_attach_result *r);

/** "updated", "unchanged", "not-run", "unknown", ... */
CERT_EXTERN const char *cert_attach_state_name(cert_attach_state s);

/** The failure to show for a distribution: the last of its wait, rollback and change failures
 * that happened; NULL when none did. Borrowed from d. */
CERT_EXTERN const cert_failure *cert_attach_dist_failure(const cert_attach_dist *d);

/** One distribution's exit code: the highest of its failures', and at least CERT_EXIT_RETRY
 * when its state is CERT_ATTACH_UNKNOWN. */
CERT_EXTERN cert_exit cert_attach_dist_exit(const cert_attach_dist *d);

/** The run's exit code: the highest of its distributions' and of its own failure's. */
CERT_EXTERN cert_exit cert_attach_exit(const cert_attach_result *r);

/* ---- rotate (certrotate) ---- */

/** What became of the old certificate. */
typedef enum cert_delete_state {
    CERT_DELETE_NOT_ASKED = 0,
    CERT_DELETE_DELETED,
    CERT_DELETE_ALREADY_GONE,
    CERT_DELETE_WOULD_DELETE, /**< dry run */
    CERT_DELETE_FAILED,
    CERT_DELETE_KEPT, /**< a rule of --delete-old keeps it (reason says which); not an error */
} cert_delete_state;

/** One alias's TLS check. */
typedef struct cert_live_check {
    char *distribution;
    char *alias;
    bool ok;       /**< the edge served the new leaf */
    char *message; /**< what was served instead, or why the handshake failed */
} cert_live_check;

/** A certificate --delete-old considered: one a matched distribution served before this job
 * moved it (this run's read, or the record on the new certificate), or --replace's. */
typedef struct cert_delete_item {
    char *id;                /**< ServerCertificateId */
    char *name;              /**< ServerCertificateName; NULL when unknown */
    cert_delete_state state; /**< DELETED, ALREADY_GONE, WOULD_DELETE, KEPT or FAILED */
    char *reason;            /**< why it was kept, or what failed; NULL when deleted */
    char **users;            /**< with a kept certificate: the distributions (ACM: the resources)
                                  that use it */
    size_t user_count;
    cert_store_kind store; /**< ACM: id and name are the ARN */
} cert_delete_item;

/* ---- live checks (certcheck --connect, --distribution --dns / --live; certrotate --verify-live)
 */

/** What became of one handshake. */
typedef enum cert_served_state {
    CERT_SERVED_OK = 0,  /**< a handshake completed: what was served is below */
    CERT_SERVED_FAILED,  /**< no connection, or no handshake: failure says why */
    CERT_SERVED_SKIPPED, /**< not tried: this host has no route for the address's family (an IPv6
                              address without IPv6 connectivity) */
} cert_served_state;

/** One TLS handshake with one address, and what the server sent. The library allocates each and
 * hands it out by pointer, so members may be appended (docs/ABI.md). Strings owned. */
typedef struct cert_served {
    unsigned int version;
    char *host;        /**< the name asked for: --connect's HOST, or the name checked for an
                            alias */
    char *servername;  /**< the SNI sent; NULL when none */
    char *address;     /**< the address connected to */
    unsigned int port; /**< the port connected to */
    bool pinned;       /**< the address came from --resolve, or HOST was an address */
    cert_served_state state;
    cert_failure failure;   /**< FAILED: why */
    char *protocol;         /**< the protocol negotiated: "TLSv1.3" */
    char *cipher;           /**< the cipher suite, as OpenSSL names it */
    size_t sent;            /**< certificates the server sent, the leaf included */
    bool root_sent;         /**< a self-signed root was among them */
    size_t extra;           /**< sent but not on the leaf's path, or sent twice */
    int ocsp_stapled;       /**< 1 stapled, 0 not, -1 not asked: the leaf names no OCSP responder */
    char leaf_sha256[65];   /**< the served leaf's SHA-256 in hex; "" when none */
    char *leaf_subject;     /**< RFC 2253 */
    int64_t leaf_not_after; /**< INT64_MIN when unknown */
    int covers;             /**< the served leaf covers servername (else host): 1, 0; -1 unknown */
    int expected;           /**< 1 the expected leaf, 0 another one; -1 nothing was expected */
    char expected_sha256[65]; /**< the expected leaf's SHA-256 in hex; "" when none */
    char *expected_label;     /**< where it came from ("bundle.pem", "iam:NAME"); NULL */
    const char *trust;        /**< the served chain by libcert's chain code:
                                   cert_trust_status_name() (static); NULL without a chain */
    long elapsed_ms;          /**< connection and handshake */
} cert_served;

/** One name of a distribution checked by resolution and handshakes (--live). Strings owned. */
typedef struct cert_live_name {
    unsigned int version;
    char *alias;   /**< the alias, as the distribution lists it */
    char *name;    /**< the name resolved and sent as SNI: the alias, a --host name a wildcard
                        alias covers, or a stand-in under a wildcard alias */
    bool stand_in; /**< name was made up by libcert (no --host name fell under the wildcard) */
    char **cnames; /**< the CNAME chain DNS answered, in order */
    size_t cname_count;
    const char *dns_status; /**< "NOERROR", "NXDOMAIN", "NODATA", "pinned", "address" (static);
                                 NULL when resolution failed */
    char *dns_server;       /**< the DNS server that answered; NULL for a pin */
    cert_failure failure;   /**< resolution failed: no DNS server answered */
    cert_served **served;   /**< one per address DNS answered */
    size_t served_count;
} cert_live_name;

/** Where an alias's DNS leads (--dns). */
typedef enum cert_dns_points {
    CERT_DNS_HERE = 0,           /**< this distribution's domain name (dxxxx.cloudfront.net) */
    CERT_DNS_OTHER_DISTRIBUTION, /**< another CloudFront distribution */
    CERT_DNS_ELSEWHERE,          /**< a name or addresses that are not CloudFront */
    CERT_DNS_NOWHERE,            /**< its hosted zone has no A, AAAA or CNAME record for it (no
                                      wildcard either) */
    CERT_DNS_NO_ZONE,            /**< no public hosted zone of the account holds it */
    CERT_DNS_AMBIGUOUS,          /**< several public hosted zones have that zone's name */
    CERT_DNS_UNKNOWN,            /**< the lookup failed, or a chain looped or ran too deep */
} cert_dns_points;

/** One record that answers for an alias, and where it leads. Strings owned. */
typedef struct cert_dns_route {
    unsigned int version;
    cert_r53_record *record; /**< the record as Route 53 listed it */
    char **via;              /**< the names followed inside the account's zones (alias to alias,
                                  CNAME to a name of another zone), in order */
    size_t via_count;
    char *target;                /**< where it ends: a name (lower case, no trailing dot), or NULL
                                      when it ends in addresses */
    cert_dns_points points;      /**< HERE, OTHER_DISTRIBUTION, ELSEWHERE or UNKNOWN */
    char *distribution;          /**< OTHER_DISTRIBUTION: that distribution's Id, when it is in this
                                      account; else NULL */
    char *note;                  /**< why UNKNOWN, or what was not followed; NULL */
    cert_r53_health *health;     /**< the record's health check's status now; NULL without one */
    cert_failure health_failure; /**< GetHealthCheckStatus failed */
} cert_dns_route;

/** One alias's record in Route 53 (--dns). Strings owned. */
typedef struct cert_dns_alias {
    unsigned int version;
    char *alias;   /**< as the distribution lists it */
    char *zone_id; /**< the public hosted zone holding it (longest suffix); NULL */
    char *zone_name;
    char **zones; /**< AMBIGUOUS: the Ids of every public zone of that name */
    size_t zone_count;
    char *record_name;      /**< the name whose records answer: the alias, or a wildcard
                                 ("*.example.com"); NULL when none */
    cert_dns_points points; /**< HERE when a record leads here; else the others' verdict */
    cert_dns_route **routes;
    size_t route_count;
    cert_failure failure; /**< Route 53 refused or failed for this alias */
} cert_dns_alias;

/** What a distribution really serves: its aliases in Route 53 (--dns) and by resolution and
 * handshakes (--live). Attached to the distribution's report (cert_report_set_live()). */
typedef struct cert_live_result {
    unsigned int version;
    char *distribution;       /**< Id */
    char *domain_name;        /**< DomainName, "d111111abcdef8.cloudfront.net"; NULL unknown */
    char expected_sha256[65]; /**< the leaf the distribution's configuration names; "" none */
    char *expected_label;     /**< where it came from ("iam:NAME"); NULL */
    bool dns_checked;         /**< --dns ran */
    bool live_checked;        /**< --live ran */
    cert_dns_alias **dns;
    size_t dns_count;
    cert_live_name **live;
    size_t live_count;
    char *resolver;       /**< the resolver asked (cert_resolver_describe()); NULL */
    unsigned int port;    /**< the port every alias was checked on */
    size_t addresses;     /**< distinct addresses seen */
    cert_failure failure; /**< what stopped the check as a whole (the hosted zones could
                               not be listed, a bad --resolve) */
} cert_live_result;

/** Free a handshake's result. NULL is a no-op. */
CERT_EXTERN void cert_served_free(cert_served *s);

/** Free one name's result. NULL is a no-op. */
CERT_EXTERN void cert_live_name_free(cert_live_name *n);

/** Free one record's route. NULL is a no-op. */
CERT_EXTERN void cert_dns_route_free(cert_dns_route *r);

/** Free one alias's DNS result. NULL is a no-op. */
CERT_EXTERN void cert_dns_alias_free(cert_dns_alias *a);

/** Free a distribution's live result. NULL is a no-op. */
CERT_EXTERN void cert_live_result_free(cert_live_result *r);

/** "here", "other-distribution", "elsewhere", "nowhere", "no-zone", "ambiguous", "unknown". */
CERT_EXTERN const char *cert_dns_points_name(cert_dns_points p);

/** "ok", "failed", "skipped". */
CERT_EXTERN const char *cert_served_state_name(cert_served_state s);

/** The exit code of a live result: the highest of its failures' (the check's, each alias's DNS
 * lookup, each name's resolution); findings are the report's (cert_report_exit_code()). */
CERT_EXTERN cert_exit cert_live_exit(const cert_live_result *r);

/**
 * The pipeline on certificates already parsed, in the order they came (what a TLS server sent):
 * the same chain and checks as for a file (opts->check names the hosts: the servername and
 * --host; set key_not_expected). Each certificate's source reads "LABEL: block N", N its place
 * in what was sent.
 * @param certs borrowed; count of them, at least 1
 * @param out   new report owned by the caller (cert_report_free())
 * @return as cert_report_build()
 */
CERT_EXTERN cert_err cert_report_build_certs(const char *label, X509 *const *certs, size_t count,
                                             const cert_report_opts *opts, cert_report **out);

/**
 * Record on a report what a TLS server served (certcheck --connect), with the findings it makes:
 * served.same / served.differs when a leaf was expected (both SHA-256 fingerprints in the
 * message) and served.ocsp (whether an OCSP response was stapled) when the leaf names an OCSP
 * responder. Rendered as a "served" block (text) and {"served": {...}} (JSON).
 * @param served owned by the report from now on, also when this fails
 * @return CERT_OK; CERT_E_INVALID (NULL report or served); CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_report_set_served(cert_report *report, cert_served *served);

/** What the report's server served, borrowed; NULL when the report is not about one. */
CERT_EXTERN const cert_served *cert_report_served(const cert_report *report);

/**
 * Record on a distribution's report what its aliases really lead to and serve (--dns, --live),
 * with the findings that makes: dns.other_distribution, dns.elsewhere, dns.routing,
 * dns.missing, dns.ambiguous, dns.no_zone; live.differs, live.unresolved, live.unreachable,
 * live.unrouted, live.chain (certcheck --list-codes says what each means). Rendered under
 * "distribution" as "dns" and "live" (text and JSON). A failure the result holds raises the
 * report's exit code (cert_live_exit()).
 * @param live owned by the report from now on, also when this fails
 * @return CERT_OK; CERT_E_INVALID; CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_report_set_live(cert_report *report, cert_live_result *live);

/** The live result of a distribution's report, borrowed; NULL when none was recorded. */
CERT_EXTERN const cert_live_result *cert_report_live(const cert_report *report);

/** An ACM certificate certrotate re-imported in place, keeping its ARN and every user. */
typedef struct cert_reimport {
    char *arn;
    const char *status;   /**< "reimported", "unchanged" (it holds the new certificate already),
                               "would-reimport", "failed" (static) */
    cert_failure failure; /**< why it failed */
} cert_reimport;

/** The whole run. Free with cert_rotate_result_free(). */
typedef struct cert_rotate_result {
    unsigned int version;
    const char *stage;          /**< the last stage reached: "check", "upload", "attach",
                                     "confirm", "verify-live", "delete", "done" */
    cert_report *report;        /**< the new bundle's checks */
    cert_put_result put;        /**< the upload */
    cert_attach_result *attach; /**< the distributions */
    bool *confirmed;            /**< per attach->dists[i]: it references the new certificate */
    cert_live_check *live;
    size_t live_count;
    cert_delete_state deleted; /**< overall: DELETED when every candidate went, FAILED when one
                                    failed, NOT_ASKED without --delete-old */
    char *delete_message;
    cert_delete_item *deletes; /**< every certificate --delete-old considered */
    size_t delete_count;
    bool finished;        /**< the job is done: a rerun would change nothing */
    cert_failure failure; /**< why it stopped (CERT_E_REFUSED: the checks failed, or a handle
                               matched nothing) */
    /** verify-live's detail: live_detail[i] is what resolution and each address said for
     * live[i] (the same check as certcheck --distribution --live); NULL before verify-live. */
    cert_live_name **live_detail;
    char *live_resolver;      /**< the resolver verify-live asked; NULL */
    cert_reimport *reimports; /**< ACM: the certificates re-imported in place */
    size_t reimport_count;
} cert_rotate_result;

/** Free a result. NULL is a no-op. */
CERT_EXTERN void cert_rotate_result_free(cert_rotate_result *r);

/** "deleted", "already-gone", ... */
CERT_EXTERN const char *cert_delete_state_name(cert_delete_state s);

/** The run's exit code: the highest of its failure's and its distributions'. */
CERT_EXTERN cert_exit cert_rotate_exit(const cert_rotate_result *r);

#ifdef __cplusplus
}
#endif

#endif
