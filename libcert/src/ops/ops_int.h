/* Workflow internals shared by attach, rotate, prune and the remote checks. */
#ifndef LIBCERT_OPS_INT_H
#define LIBCERT_OPS_INT_H

#include <pthread.h>

#include "libcert/aws.h"
#include "libcert/records.h"

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

#endif
