/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Many bundles: each input its own bundle, worked on by a pool of threads, printed in input
 * order. CA certificates shared between bundles are parsed once (cert_cache).
 */
#include <openssl/provider.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/render_int.h"
#include "report_int.h"
#include "util/error_int.h"
#include "util/file.h"
#include "x509/x509_int.h"

typedef struct slot {
    char *out;
    size_t len;
    cert_exit code;
    int64_t not_after; /* the leaf's, for the metrics; INT64_MIN when there is none */
    bool done;
    bool main_thread; /* loaded before the workers start */
} slot;

#define MAX_WORKERS 1024

typedef struct run {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    const char *const *inputs;
    size_t n;
    cert_report_opts opts;
    cert_output fmt;
    const cert_text_opts *text;
    slot *slots;
    size_t next;    /* next input a worker may take */
    size_t printed; /* inputs written so far */
    size_t window;  /* how far workers may run ahead of the printer */
    cert_err err;   /* first hard failure (memory) */
    OSSL_LIB_CTX *libctx[MAX_WORKERS];
    OSSL_PROVIDER *prov[MAX_WORKERS]; /* each context's default provider, unloaded before it */
    size_t nlibctx;
} run;

/* Build and render one bundle; the report itself is freed at once. */
static cert_err work(run *rn, const cert_report_opts *opts, size_t i, slot *s)
{
    cert_err err = CERT_OK;
    cert_report *r = NULL;
    FILE *mem = NULL;
    char *buf = NULL;
    size_t len = 0;

    CERT_TRY(cert_report_build(&rn->inputs[i], 1, opts, &r));
    s->code = cert_report_exit_code(r);
    s->not_after = INT64_MIN;
    if (r->chain != NULL) {
        int64_t nb, na;

        if (cert__x509_validity(cert_chain_leaf(r->chain), &nb, &na))
            s->not_after = na;
    }
    if (rn->fmt == CERT_OUTPUT_JSON) {
        json_t *j = cert_report__json(r, false);

        if (j == NULL)
            CERT_NOMEM();
        buf = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(j);
        if (buf == NULL)
            CERT_NOMEM();
        len = strlen(buf);
    } else if (rn->fmt == CERT_OUTPUT_TEXT || CERT__ROWS(rn->fmt)) {
        mem = open_memstream(&buf, &len);
        if (mem == NULL)
            CERT_NOMEM();
        /* --output table: a table a bundle, each aligned on its own (they come as they finish) */
        CERT_TRY(rn->fmt == CERT_OUTPUT_TEXT ? cert_report__text(r, rn->text, mem)
                                             : cert_report_write(r, rn->fmt, NULL, mem));
        if (fclose(mem) != 0) {
            mem = NULL;
            CERT_NOMEM();
        }
        mem = NULL;
    }
    s->out = buf;
    s->len = len;
    buf = NULL;

done:
    if (mem != NULL)
        fclose(mem);
    free(buf);
    cert_report_free(r);
    return err;
}

/* One OpenSSL library context per worker: OpenSSL 3.0's default context serialises its
 * decoders behind shared locks, so that two threads parse slower than one; contexts of their
 * own let the workers parse on every core. They are freed after the cache that may hold
 * certificates parsed in them. */
static OSSL_LIB_CTX *worker_libctx(run *rn)
{
    OSSL_LIB_CTX *lc = OSSL_LIB_CTX_new();
    OSSL_PROVIDER *p = lc != NULL ? OSSL_PROVIDER_load(lc, "default") : NULL;
    bool kept = false;

    pthread_mutex_lock(&rn->mu);
    if (p != NULL && rn->nlibctx < MAX_WORKERS) {
        rn->libctx[rn->nlibctx] = lc;
        rn->prov[rn->nlibctx++] = p;
        kept = true;
    }
    pthread_mutex_unlock(&rn->mu);
    if (kept)
        return lc;
    OSSL_PROVIDER_unload(p);
    OSSL_LIB_CTX_free(lc);
    return NULL; /* the default context then: slower, still right */
}

static void *worker(void *arg)
{
    run *rn = arg;
    cert_report_opts opts = rn->opts;

    opts.bundle.libctx = worker_libctx(rn);
    pthread_mutex_lock(&rn->mu);
    for (;;) {
        size_t i;
        slot tmp;
        cert_err err;

        while (rn->next < rn->n && rn->slots[rn->next].main_thread)
            rn->next++;
        if (rn->next >= rn->n || rn->err < 0)
            break;
        if (rn->next >= rn->printed + rn->window) {
            pthread_cond_wait(&rn->cv, &rn->mu);
            continue;
        }
        i = rn->next++;
        pthread_mutex_unlock(&rn->mu);
        memset(&tmp, 0, sizeof(tmp));
        err = work(rn, &opts, i, &tmp);
        pthread_mutex_lock(&rn->mu);
        if (err < 0 && rn->err == CERT_OK)
            rn->err = err;
        rn->slots[i].out = tmp.out;
        rn->slots[i].len = tmp.len;
        rn->slots[i].code = tmp.code;
        rn->slots[i].not_after = tmp.not_after;
        rn->slots[i].done = true;
        pthread_cond_broadcast(&rn->cv);
    }
    pthread_cond_broadcast(&rn->cv);
    pthread_mutex_unlock(&rn->mu);
    return NULL;
}

/* Whether input i must be loaded on this thread: stdin, directories, and files that may ask
 * for a passphrase or need the legacy provider. */
static bool needs_main(const char *path, size_t max)
{
    struct stat st;
    cert_buf buf;
    bool need;

    if (strcmp(path, "-") == 0)
        return true;
    if (stat(path, &st) != 0)
        return false; /* the worker reports the error */
    if (S_ISDIR(st.st_mode))
        return true;
    if (cert__file_read(path, max, &buf) < 0) {
        cert_error_clear();
        return false;
    }
    need = cert_bundle_needs_main_thread((const uint8_t *)buf.ptr, buf.len);
    cert__buf_free(&buf);
    return need;
}

/* Write each bundle's rendering in input order as the workers finish; false when a write
 * failed. Returns once every slot is written, or a worker failed. */
static bool print_in_order(run *rn, FILE *f, cert_exit *worst)
{
    bool io_failed = false;

    pthread_mutex_lock(&rn->mu);
    while (rn->printed < rn->n) {
        slot *s = &rn->slots[rn->printed];

        if (!s->done) {
            if (rn->err < 0)
                break;
            pthread_cond_wait(&rn->cv, &rn->mu);
            continue;
        }
        pthread_mutex_unlock(&rn->mu);
        if (s->out != NULL) {
            if (rn->fmt == CERT_OUTPUT_JSON && rn->printed > 0)
                fputs(",\n", f);
            if (fwrite(s->out, 1, s->len, f) != s->len)
                io_failed = true;
            free(s->out);
            s->out = NULL;
        }
        if (s->code > *worst)
            *worst = s->code;
        pthread_mutex_lock(&rn->mu);
        rn->printed++;
        pthread_cond_broadcast(&rn->cv);
    }
    pthread_mutex_unlock(&rn->mu);
    return !io_failed;
}

/* Inputs that may prompt or load the legacy provider go first, here, before any thread. */
static cert_err load_on_main_thread(run *rn)
{
    for (size_t i = 0; i < rn->n; i++) {
        if (needs_main(rn->inputs[i], rn->opts.bundle.max_file_size)) {
            cert_err err;

            rn->slots[i].main_thread = true;
            if ((err = work(rn, &rn->opts, i, &rn->slots[i])) < 0)
                return err;
            rn->slots[i].done = true;
        }
    }
    return CERT_OK;
}

static unsigned int jobs_for(unsigned int jobs, size_t count)
{
    if (jobs == 0) {
        long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

        jobs = ncpu > 0 ? (unsigned int)ncpu : 1;
    }
    if (jobs > count)
        jobs = count ? (unsigned int)count : 1;
    return jobs;
}

static void run_free(run *rn)
{
    for (size_t i = 0; rn->slots != NULL && i < rn->n; i++)
        free(rn->slots[i].out);
    free(rn->slots);
    cert_cache_free(rn->opts.bundle.cache);
    /* after the cache, which may hold their certificates */
    for (size_t i = 0; i < rn->nlibctx; i++) {
        OSSL_PROVIDER_unload(rn->prov[i]);
        OSSL_LIB_CTX_free(rn->libctx[i]);
    }
    pthread_cond_destroy(&rn->cv);
    pthread_mutex_destroy(&rn->mu);
}

/* The metrics file after the run (cert_each_opts.prometheus); *failure says why it failed. */
static cert_err write_metrics(const run *rn, const char *path, cert_failure *failure)
{
    prom_bundle *b = calloc(rn->n ? rn->n : 1, sizeof(*b));
    cert_err err;

    if (b == NULL)
        return cert__error_nomem();
    for (size_t i = 0; i < rn->n; i++)
        b[i] = (prom_bundle){rn->inputs[i], rn->slots[i].code, rn->slots[i].not_after};
    err = cert__prom_write_bundles(b, rn->n, path);
    free(b);
    if (err < 0 && err != CERT_E_NOMEM && cert_failure_from_last(failure, err) < 0)
        return CERT_E_NOMEM;
    return err;
}

/* The JSON document's end: the exit code and, when the metrics failed, why. */
static void json_end(FILE *f, cert_exit worst, const cert_failure *failure)
{
    fprintf(f, "\n],\"exit_code\":%d", (int)worst);
    if (failure->err < 0) {
        json_t *e = cert__failure_json(failure);
        char *text = e != NULL ? json_dumps(e, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

        if (text != NULL)
            fprintf(f, ",\"error\":%s", text);
        free(text);
        json_decref(e);
    }
    fputs("}\n", f);
}

cert_err cert_report_each_run(const char *const *inputs, size_t count, const cert_report_opts *o,
                              const cert_each_opts *each, FILE *f, cert_exit *exit_out)
{
    static const cert_report_opts defaults = CERT_REPORT_OPTS_INIT;
    static const cert_each_opts each_defaults = CERT_EACH_OPTS_INIT;
    static const cert_text_opts plain = {false, 0};
    cert_err err = CERT_OK, metrics = CERT_OK;
    run rn;
    pthread_t *threads = NULL;
    size_t started = 0;
    cert_exit worst = CERT_EXIT_OK;
    cert_failure failure = {CERT_OK, NULL, NULL, NULL, 0};
    bool written;
    unsigned int jobs;

    if (exit_out == NULL || f == NULL || (inputs == NULL && count > 0))
        return cert__error_set(CERT_E_INVALID, "cert_report_each: NULL argument");
    *exit_out = CERT_EXIT_OK;
    if (each == NULL)
        each = &each_defaults;
    memset(&rn, 0, sizeof(rn));
    rn.opts = o ? *o : defaults;
    if (cert_checks__allow_valid(&rn.opts.check) < 0)
        return CERT_E_INVALID;
    jobs = jobs_for(each->jobs, count);
    pthread_mutex_init(&rn.mu, NULL);
    pthread_cond_init(&rn.cv, NULL);
    rn.inputs = inputs;
    rn.n = count;
    rn.fmt = each->fmt;
    rn.text = each->text ? each->text : &plain;
    rn.window = 64 * (size_t)jobs;
    /* One clock for every bundle. */
    if (rn.opts.check.now == CERT_TIME_NOW)
        rn.opts.check.now = rn.opts.chain.now != CERT_TIME_NOW ? rn.opts.chain.now : time(NULL);
    rn.opts.chain.now = rn.opts.check.now;
    CERT_TRY(cert_cache_new(&rn.opts.bundle.cache));
    rn.slots = calloc(count ? count : 1, sizeof(*rn.slots));
    threads = calloc(jobs, sizeof(*threads));
    if (rn.slots == NULL || threads == NULL)
        CERT_NOMEM();
    CERT_TRY(load_on_main_thread(&rn));
    for (unsigned int t = 0; t < jobs && pthread_create(&threads[t], NULL, worker, &rn) == 0; t++)
        started++;
    if (started == 0)
        worker(&rn); /* no threads to be had: do it here */
    if (rn.fmt == CERT_OUTPUT_JSON)
        fprintf(f, "{\"schema\":%d,\"results\":[\n", CERT_SCHEMA_REPORT);
    written = print_in_order(&rn, f, &worst);
    for (size_t t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    CERT_TRY(rn.err);
    if (each->prometheus != NULL) {
        metrics = write_metrics(&rn, each->prometheus, &failure);
        if (metrics == CERT_E_NOMEM)
            CERT_NOMEM();
        if (metrics < 0 && worst < CERT_EXIT_INPUT)
            worst = CERT_EXIT_INPUT;
    }
    if (rn.fmt == CERT_OUTPUT_JSON)
        json_end(f, worst, &failure);
    if (fflush(f) != 0 || ferror(f) || !written)
        CERT_FAIL(CERT_E_IO, "cannot write the report");
    *exit_out = worst;
    if (metrics < 0)
        err = cert__error_set(metrics, "%s", failure.message ? failure.message : "");

done:
    cert_failure_clear(&failure);
    free(threads);
    run_free(&rn);
    return err;
}

cert_err cert_report_each(const char *const *inputs, size_t count, const cert_report_opts *o,
                          unsigned int jobs, cert_output fmt, const cert_text_opts *text, FILE *f,
                          cert_exit *exit_out)
{
    cert_each_opts each = CERT_EACH_OPTS_INIT;

    each.jobs = jobs;
    each.fmt = fmt;
    each.text = text;
    return cert_report_each_run(inputs, count, o, &each, f, exit_out);
}
