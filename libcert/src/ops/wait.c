/* SPDX-License-Identifier: Apache-2.0 */
/* Waiting for Deployed: one loop for every distribution (ops_int.h). */
#include <stdlib.h>
#include <string.h>

#include "libcert/cloudfront.h"
#include "ops/ops_int.h"
#include "util/error_int.h"

#define FIRST_S 5.0 /* the first interval */
#define MAX_S 60.0  /* the longest interval: the AWS CLI waiter's */
#define HEARTBEAT_S 60.0
#define LIST_ABOVE 3 /* more pending than this: one ListDistributions instead */

double cert_ops__wait_scale(void)
{
    const char *v = getenv("LIBCERT_WAIT_SCALE"); /* a test knob */
    double f = v && *v ? strtod(v, NULL) : 1.0;

    return f > 0 && f <= 1 ? f : 1.0;
}

typedef struct waiter {
    cert_aws *aws;
    const char *const *ids;
    size_t n;
    bool *deployed;
    cert_failure *fail;
    double start, deadline, last_report;
    cert_wait_fn fn;
    void *ud;
    /* the pending ids for the status, longest waiting first (all started together) */
    const char **pending;
    double *pending_s;
} waiter;

static bool slow_down(cert_aws *aws, cert_err err)
{
    const char *code = cert_aws_last_error(aws)->code;

    if (err == CERT_E_NET)
        return true;
    return err == CERT_E_AWS &&
           (strcmp(code, "Throttling") == 0 || strcmp(code, "ThrottlingException") == 0 ||
            strcmp(code, "RequestLimitExceeded") == 0 || strcmp(code, "TooManyRequests") == 0 ||
            strcmp(code, "TooManyRequestsException") == 0);
}

static size_t pending(const waiter *w)
{
    size_t p = 0;

    for (size_t i = 0; i < w->n; i++)
        p += !w->deployed[i] && w->fail[i].err == CERT_OK;
    return p;
}

/* One ListDistributions for every pending one. */
static cert_err poll_list(waiter *w)
{
    cert_cf_dist *v = NULL;
    size_t nv = 0;
    cert_err err = cert_cf_list(w->aws, &v, &nv);

    for (size_t i = 0; err == CERT_OK && i < w->n; i++) {
        bool seen = false;

        if (w->deployed[i] || w->fail[i].err < 0)
            continue;
        for (size_t k = 0; k < nv && !seen; k++) {
            if (strcmp(v[k].id, w->ids[i]) != 0)
                continue;
            seen = true;
            if (v[k].status != NULL && strcmp(v[k].status, "Deployed") == 0)
                w->deployed[i] = true;
        }
        if (!seen)
            err = cert_failure_set(&w->fail[i], CERT_E_AWS,
                                   "the distribution is no longer listed (NoSuchDistribution)",
                                   "NoSuchDistribution", NULL, 404);
    }
    cert_cf_dists_free(v, nv);
    return err;
}

/* One GetDistribution each. */
static cert_err poll_each(waiter *w)
{
    for (size_t i = 0; i < w->n; i++) {
        char *status = NULL;
        cert_err err;

        if (w->deployed[i] || w->fail[i].err < 0)
            continue;
        err = cert_cf_status(w->aws, w->ids[i], &status);
        if (err == CERT_OK && strcmp(status, "Deployed") == 0)
            w->deployed[i] = true;
        free(status);
        if (err < 0 && slow_down(w->aws, err))
            return err;
        if (err == CERT_E_NOMEM || (err < 0 && cert_aws_failure(w->aws, err, &w->fail[i]) < 0))
            return CERT_E_NOMEM;
    }
    return CERT_OK;
}

static void report(waiter *w, const char *changed, bool heartbeat, bool done)
{
    cert_wait_status s;
    double now = cert_ops__mono();
    size_t np = 0;

    if (w->fn == NULL)
        return;
    memset(&s, 0, sizeof(s));
    for (size_t i = 0; i < w->n; i++) {
        if (w->deployed[i]) {
            s.deployed++;
        } else if (w->fail[i].err == CERT_OK) {
            w->pending[np] = w->ids[i];
            w->pending_s[np++] = now - w->start;
        }
    }
    s.total = w->n;
    s.pending = w->pending;
    s.pending_s = w->pending_s;
    s.pending_count = np;
    s.longest_s = np > 0 ? now - w->start : 0;
    s.left_s = w->deadline > now ? w->deadline - now : 0;
    s.changed = changed;
    s.heartbeat = heartbeat;
    s.done = done;
    w->last_report = now;
    w->fn(&s, w->ud);
}

static void time_out(waiter *w, double timeout_s)
{
    for (size_t i = 0; i < w->n; i++) {
        char msg[300];

        if (w->deployed[i] || w->fail[i].err < 0)
            continue;
        snprintf(msg, sizeof(msg), "%s is still InProgress after %.0f s; run again later",
                 w->ids[i], timeout_s);
        cert_failure_set(&w->fail[i], CERT_E_NET, msg, NULL, NULL, 0);
    }
}

cert_err cert_ops__wait(cert_aws *aws, const char *const *ids, size_t n, double timeout_s,
                        cert_wait_fn fn, void *ud, bool *deployed, cert_failure *fail)
{
    double scale = cert_ops__wait_scale(), interval = FIRST_S * scale;
    waiter w = {aws, ids, n, deployed, fail, 0, 0, 0, fn, ud, NULL, NULL};
    cert_err err = CERT_OK;
    bool *before = calloc(n ? n : 1, sizeof(*before));

    w.pending = calloc(n ? n : 1, sizeof(*w.pending));
    w.pending_s = calloc(n ? n : 1, sizeof(*w.pending_s));
    if (w.pending == NULL || w.pending_s == NULL || before == NULL) {
        err = cert__error_nomem();
        goto done;
    }
    w.start = w.last_report = cert_ops__mono();
    w.deadline = w.start + timeout_s;
    while (pending(&w) > 0) {
        bool changed = false;
        double now;

        memcpy(before, deployed, n * sizeof(*before));
        err = pending(&w) > LIST_ABOVE ? poll_list(&w) : poll_each(&w);
        if (err == CERT_E_NOMEM)
            goto done;
        if (err < 0 && !slow_down(aws, err)) {
            /* AWS refused the poll itself (AccessDenied, ...): every pending one fails. */
            for (size_t i = 0; i < n; i++) {
                if (!deployed[i] && fail[i].err == CERT_OK)
                    cert_aws_failure(aws, err, &fail[i]);
            }
            break;
        }
        for (size_t i = 0; i < n; i++) {
            if (deployed[i] && !before[i]) {
                report(&w, ids[i], false, false);
                changed = true;
            }
        }
        now = cert_ops__mono();
        if (!changed && now - w.last_report >= HEARTBEAT_S * scale)
            report(&w, NULL, true, false);
        if (pending(&w) == 0)
            break;
        if (now >= w.deadline) {
            time_out(&w, timeout_s);
            break;
        }
        cert_ops__sleep(interval < w.deadline - now ? interval : w.deadline - now);
        interval = interval * 2 > MAX_S * scale ? MAX_S * scale : interval * 2;
    }
    err = CERT_OK;
    report(&w, NULL, false, true);

done:
    free(before);
    free(w.pending);
    free(w.pending_s);
    return err;
}
