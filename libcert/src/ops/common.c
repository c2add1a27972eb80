/* SPDX-License-Identifier: Apache-2.0 */
/* Workflow plumbing: progress lines, time, worker sessions (ops_int.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "aws/aws_int.h"
#include "ops/ops_int.h"
#include "util/error_int.h"

void cert_ops__progress_init(ops_progress *p, cert_aws_log_fn fn, void *ud)
{
    p->fn = fn;
    p->ud = ud;
    pthread_mutex_init(&p->mu, NULL);
}

void cert_ops__progress_fini(ops_progress *p)
{
    pthread_mutex_destroy(&p->mu);
}

void cert_ops__say(ops_progress *p, const char *fmt, ...)
{
    char line[1024];
    va_list ap;

    if (p == NULL || p->fn == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&p->mu);
    p->fn(line, p->ud);
    pthread_mutex_unlock(&p->mu);
}

double cert_ops__mono(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void cert_ops__sleep(double s)
{
    struct timespec ts;

    if (s <= 0)
        return;
    ts.tv_sec = (time_t)s;
    ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) != 0)
        ;
}

cert_err cert_ops__workers_init(ops_workers *w, const cert_aws *parent, size_t width)
{
    w->parent = parent;
    w->count = 0;
    w->cap = width;
    w->idle = calloc(width ? width : 1, sizeof(*w->idle));
    pthread_mutex_init(&w->mu, NULL);
    return w->idle ? CERT_OK : cert__error_nomem();
}

cert_aws *cert_ops__worker_take(ops_workers *w)
{
    cert_aws *aws = NULL;

    pthread_mutex_lock(&w->mu);
    if (w->count > 0)
        aws = w->idle[--w->count];
    pthread_mutex_unlock(&w->mu);
    if (aws == NULL && cert_aws__clone(w->parent, &aws) < 0)
        return NULL;
    return aws;
}

void cert_ops__worker_give(ops_workers *w, cert_aws *aws)
{
    if (aws == NULL)
        return;
    pthread_mutex_lock(&w->mu);
    if (w->count < w->cap)
        w->idle[w->count++] = aws;
    else
        cert_aws_free(aws);
    pthread_mutex_unlock(&w->mu);
}

void cert_ops__workers_fini(ops_workers *w)
{
    for (size_t i = 0; i < w->count; i++)
        cert_aws_free(w->idle[i]);
    free(w->idle);
    w->idle = NULL;
    w->count = 0;
    pthread_mutex_destroy(&w->mu);
}
