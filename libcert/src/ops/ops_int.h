/* SPDX-License-Identifier: Apache-2.0 */
/* Workflow internals shared by attach, rotate, prune and the remote checks. */
#ifndef LIBCERT_OPS_INT_H
#define LIBCERT_OPS_INT_H

#include <pthread.h>

#include "libcert/aws.h"
#include "libcert/records.h"
#include "libcert/results.h"

/* ---- progress lines and time (common.c) ---- */

/* Progress lines to a caller's callback, one at a time from any thread. */
typedef struct ops_progress {
    cert_aws_log_fn fn; /* NULL: say nothing */
    void *ud;
    pthread_mutex_t mu;
} ops_progress;

void cert_ops__progress_init(ops_progress *p, cert_aws_log_fn fn, void *ud);
void cert_ops__progress_fini(ops_progress *p);
void cert_ops__say(ops_progress *p, const char *fmt, ...) CERT_PRINTF(2, 3);

/* Seconds on the monotonic clock; sleeping for fractions of a second (signals do not cut it
 * short). */
double cert_ops__mono(void);
void cert_ops__sleep(double s);

/* ---- worker sessions (common.c) ---- */

/* Sessions for a worker pool (util/pool.h), made from the parent's credentials (one run of the
 * provider chain for every worker) and kept between phases so their connections stay open: an
 * idle one waits on this stack, which has room for every worker. */
typedef struct ops_workers {
    const cert_aws *parent;
    pthread_mutex_t mu;
    cert_aws **idle;
    size_t count, cap;
} ops_workers;

cert_err cert_ops__workers_init(ops_workers *w, const cert_aws *parent, size_t width);
/* A session for a worker: an idle one, else a clone of the parent; NULL when none can be made. */
cert_aws *cert_ops__worker_take(ops_workers *w);
/* Back on the stack (or freed when it is full). NULL is a no-op. */
void cert_ops__worker_give(ops_workers *w, cert_aws *aws);
void cert_ops__workers_fini(ops_workers *w);

/* ---- waiting for Deployed (wait.c) ---- */

/* Wait until every distribution in ids is Deployed, or timeout_s passes: one loop for all,
 * polling with backoff (5 s, doubling to 60 s), ListDistributions when more than a few are
 * pending (its summaries carry Status) and GetDistribution each otherwise; throttling and
 * network failures slow the loop down and are not failures (the AWS CLI waiter polls every
 * 60 s; accounts with ~130 distributions see "Rate exceeded" from tighter loops:
 * aws/aws-cdk#29183). fn (may be NULL) sees every change, a heartbeat a minute, and the end.
 * deployed[i] says which were; fail[i] why one was not (its err is CERT_E_NET on timeout, the
 * AWS error when AWS said the distribution is gone). Returns CERT_OK or CERT_E_NOMEM. */
cert_err cert_ops__wait(cert_aws *aws, const char *const *ids, size_t n, double timeout_s,
                        cert_wait_fn fn, void *ud, bool *deployed, cert_failure *fail);

/* The test knob LIBCERT_WAIT_SCALE (a factor for the waits' intervals, e.g. 0.01; tests cannot
 * wait minutes); 1 when unset. */
double cert_ops__wait_scale(void);

/* ---- certificates named on the command line (resolve.c) ---- */

/* Whether s reads as a ServerCertificateId ("ASCA" and upper-case letters and digits). */
bool cert_ops__is_cert_id(const char *s);

/* NAME, ARN (arn:aws:iam::ACCOUNT:server-certificate/PATH/NAME) or ServerCertificateId, to the
 * certificate IAM holds (GetServerCertificate; an id is found by listing the account, the only
 * way IAM offers). body and chain may be NULL. */
cert_err cert_ops__resolve(cert_aws *aws, const char *spec, cert_iam_cert *meta, char **body,
                           char **chain);

/* The name of the certificate with this id (a listing of the account); *name_out NULL when no
 * certificate has it. */
cert_err cert_ops__name_of_id(cert_aws *aws, const char *id, char **name_out);

/* ---- the distribution checks (remote.c) ---- */

/* The account's certificates, listed once for every distribution of a run: IAM finds a
 * certificate by name, a distribution knows only its id. */
typedef struct remote_names {
    cert_iam_cert *v;
    size_t n;
    bool listed;
} remote_names;

void cert_remote__names_free(remote_names *n);

/* One distribution's report (certcheck --distribution); an AWS failure is returned (the caller
 * records it). With `dist`, the distribution is read with GetDistribution into it (the caller
 * clears it), so that its DomainName is known; else with GetDistributionConfig. */
cert_err cert_remote__dist_report(cert_aws *aws, remote_names *names, const char *id,
                                  const cert_report_opts *o, cert_cf_dist *dist, cert_report **out);

/* The report of a distribution that failed with err: its message, AWS's detail, its id. */
cert_err cert_remote__failure_report(const cert_aws *aws, cert_err err, const char *id,
                                     cert_failure *f, cert_report **out);

/* ---- uploads (upload.c, store_acm.c) ---- */

struct cert_put_opts;
struct cert_chain;

/* The request's name, path and texts (body, chain, key as PEM), checked as IAM checks them;
 * *key is secret (cert_secret_free()). Nothing is sent. */
cert_err cert_ops__put_prepare(const struct cert_chain *c, const struct cert_put_opts *o,
                               cert_put_result *out, char **key, size_t *key_len);

/* CERT_TAG_UPLOADED's value: the option, the session's tool, else "libcert". */
const char *cert_ops__uploader(const cert_aws *aws, const struct cert_put_opts *o);

/* ACM (store_acm.c): the imported certificate holding this leaf, found as certup finds it (a
 * listing with every key type, then GetCertificate on the candidates with the leaf's names,
 * key and notAfter): *found filled (ARN, record) and *identical when it holds this chain too;
 * found->arn NULL when none does. */
struct x509_st;

/* ACM: a new import of the chain (no search first: the caller searched), tagged with opts' tags
 * and CERT_TAG_UPLOADED; out as cert_store_put() fills it. */
cert_err cert_ops__acm_import_new(cert_aws *aws, const struct cert_chain *c,
                                  const struct cert_put_opts *o, cert_put_result *out);

/* ACM: re-import the chain into arn, without the rules (the caller applied them); out->acm the
 * certificate as described after. */
cert_err cert_ops__acm_reimport(cert_aws *aws, const struct cert_chain *c, const char *arn,
                                cert_put_result *out);

/* ACM's names of a leaf's key usages (at most 9) and extended key usages (at most max), as
 * DescribeCertificate shows them (store.c); static strings into out; how many. */
size_t cert_store__key_usages(const struct x509_st *leaf, const char **out);
size_t cert_store__extended_key_usages(const struct x509_st *leaf, const char **out, size_t max);

cert_err cert_ops__acm_find(cert_aws *aws, const struct x509_st *leaf, const char *body,
                            const char *chain, cert_acm_cert *found, bool *identical);

#endif
