/* SPDX-License-Identifier: Apache-2.0 */
#include "pool.h"

#include <pthread.h>
#include <stdlib.h>

typedef struct pool {
    pthread_mutex_t mu;
    size_t next, n;
    const cert_pool_ops *ops;
    void *ud;
} pool;

static void *worker(void *arg)
{
    pool *p = arg;
    void *state = p->ops->init ? p->ops->init(p->ud) : NULL;

    for (;;) {
        size_t i;

        pthread_mutex_lock(&p->mu);
        i = p->next < p->n ? p->next++ : p->n;
        pthread_mutex_unlock(&p->mu);
        if (i >= p->n)
            break;
        p->ops->item(i, state, p->ud);
    }
    if (p->ops->fini)
        p->ops->fini(state, p->ud);
    return NULL;
}

cert_err cert__pool_run(size_t n, unsigned int jobs, const cert_pool_ops *ops, void *ud)
{
    pool p;
    pthread_t *t;
    size_t started = 0;

    if (n == 0)
        return CERT_OK;
    if (jobs == 0)
        jobs = 1;
    if (jobs > n)
        jobs = (unsigned int)n;
    pthread_mutex_init(&p.mu, NULL);
    p.next = 0;
    p.n = n;
    p.ops = ops;
    p.ud = ud;
    t = calloc(jobs, sizeof(*t));
    for (unsigned int k = 0; t != NULL && k < jobs; k++) {
        if (pthread_create(&t[k], NULL, worker, &p) != 0)
            break;
        started++;
    }
    if (started == 0)
        worker(&p);
    for (size_t k = 0; k < started; k++)
        pthread_join(t[k], NULL);
    free(t);
    pthread_mutex_destroy(&p.mu);
    return CERT_OK;
}
