/* SPDX-License-Identifier: Apache-2.0 */
/* Shared unit-test helpers; see helpers.h. */
#include "helpers.h"

#include <errno.h>
#include <ftw.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RING 64
#define RING_SIZE 4096

static char *ring_next(void)
{
    static char bufs[RING][RING_SIZE];
    static size_t next;

    return bufs[next++ % RING];
}

const char *fx(const char *name)
{
    const char *dir = getenv("LIBCERT_FIXTURES");
    char *buf;

    if (dir == NULL || dir[0] == '\0') {
        print_error("LIBCERT_FIXTURES is not set: run the unit tests through ctest "
                    "(ctest -L unit), which points it at the generated fixtures\n");
        _fail(__FILE__, __LINE__);
    }
    buf = ring_next();
    snprintf(buf, RING_SIZE, "%s/%s", dir, name);
    return buf;
}

char *fx_read(const char *name, size_t *len_out)
{
    const char *path = fx(name);
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    size_t cap = 0, len = 0;

    if (f == NULL) {
        print_error("cannot open fixture %s: %s\n", path, strerror(errno));
        _fail(__FILE__, __LINE__);
    }
    for (;;) {
        size_t n;

        if (cap - len < 4097) {
            cap = cap ? cap * 2 : 8192;
            data = realloc(data, cap);
            assert_non_null(data);
        }
        n = fread(data + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0)
            break;
    }
    fclose(f);
    data[len] = '\0';
    if (len_out != NULL)
        *len_out = len;
    return data;
}

X509 *fx_x509(const char *name)
{
    size_t len;
    char *data = fx_read(name, &len);
    BIO *bio = BIO_new_mem_buf(data, (int)len);
    X509 *x;

    assert_non_null(bio);
    x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    if (x == NULL) {
        const unsigned char *p = (const unsigned char *)data;

        x = d2i_X509(NULL, &p, (long)len);
    }
    BIO_free(bio);
    free(data);
    if (x == NULL) {
        print_error("fixture %s holds no certificate OpenSSL can read\n", name);
        _fail(__FILE__, __LINE__);
    }
    return x;
}

EVP_PKEY *fx_key(const char *name)
{
    size_t len;
    char *data = fx_read(name, &len);
    BIO *bio = BIO_new_mem_buf(data, (int)len);
    EVP_PKEY *k;

    assert_non_null(bio);
    k = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    BIO_free(bio);
    free(data);
    if (k == NULL) {
        print_error("fixture %s holds no private key OpenSSL can read\n", name);
        _fail(__FILE__, __LINE__);
    }
    return k;
}

size_t fx_begin_lines(const char *name, size_t *lines, size_t max)
{
    size_t len, n = 0, line = 1;
    char *data = fx_read(name, &len);
    const char *p = data, *end = data + len;

    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *q = p;

        while (q < end && (*q == ' ' || *q == '\t'))
            q++;
        if ((size_t)(end - q) >= 11 && memcmp(q, "-----BEGIN ", 11) == 0) {
            if (n < max)
                lines[n] = line;
            n++;
        }
        if (eol == NULL)
            break;
        p = eol + 1;
        line++;
    }
    free(data);
    return n;
}

char *h_sha256_hex(X509 *x, char buf[65])
{
    unsigned char md[32];
    unsigned int n = 0;
    static const char hex[] = "0123456789abcdef";

    assert_int_equal(X509_digest(x, EVP_sha256(), md, &n), 1);
    assert_int_equal(n, 32);
    for (size_t i = 0; i < 32; i++) {
        buf[2 * i] = hex[md[i] >> 4];
        buf[2 * i + 1] = hex[md[i] & 15];
    }
    buf[64] = '\0';
    return buf;
}

const char *h_subject(const X509 *x)
{
    char *buf = ring_next();
    BIO *bio = BIO_new(BIO_s_mem());
    char *data;
    long n;

    buf[0] = '\0';
    assert_non_null(bio);
    X509_NAME_print_ex(bio, X509_get_subject_name(x), 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    n = BIO_get_mem_data(bio, &data);
    if (n > 0) {
        size_t len = (size_t)n < RING_SIZE - 1 ? (size_t)n : RING_SIZE - 1;

        memcpy(buf, data, len);
        buf[len] = '\0';
    }
    BIO_free(bio);
    return buf;
}

bool h_contains(const char *haystack, const char *needle)
{
    return haystack != NULL && needle != NULL && strstr(haystack, needle) != NULL;
}

cert_bundle *h_load(const cert_bundle_opts *opts, ...)
{
    cert_bundle *b = NULL;
    va_list ap;
    const char *name;

    assert_cert_ok(cert_bundle_new(&b));
    va_start(ap, opts);
    while ((name = va_arg(ap, const char *)) != NULL) {
        cert_err err = cert_bundle_load_file(b, fx(name), opts);

        if (err != CERT_OK) {
            va_end(ap);
            print_error("loading fixture %s: %s (%s)\n", name, cert_err_name(err),
                        cert_error_last()->message);
            cert_bundle_free(b);
            _fail(__FILE__, __LINE__);
        }
    }
    va_end(ap);
    return b;
}

static cert_trust *trust_of(const char *const *names, size_t n)
{
    cert_trust *t = NULL;
    cert_err err;

    if (n == 1) {
        err = cert_trust_new(fx(names[0]), NULL, &t);
    } else {
        char tmpl[] = "/tmp/libcert-trust-XXXXXX";
        int fd = mkstemp(tmpl);

        assert_true(fd >= 0);
        for (size_t i = 0; i < n; i++) {
            size_t len;
            char *data = fx_read(names[i], &len);

            assert_int_equal(write(fd, data, len), (ssize_t)len);
            free(data);
        }
        close(fd);
        err = cert_trust_new(tmpl, NULL, &t);
        unlink(tmpl);
    }
    if (err != CERT_OK) {
        print_error("making a trust store: %s\n", cert_error_last()->message);
        _fail(__FILE__, __LINE__);
    }
    return t;
}

cert_trust *h_trust(const char *first, ...)
{
    const char *names[8];
    size_t n = 0;
    va_list ap;
    const char *name;

    names[n++] = first;
    va_start(ap, first);
    while ((name = va_arg(ap, const char *)) != NULL && n < 8)
        names[n++] = name;
    va_end(ap);
    return trust_of(names, n);
}

#define DEFER_MAX 256

static struct {
    h_kind kind;
    void *p;
} deferred[DEFER_MAX];
static size_t ndeferred;

void h_defer(h_kind kind, void *p)
{
    if (p == NULL)
        return;
    if (ndeferred == DEFER_MAX) {
        print_error("h_defer: too many objects\n");
        _fail(__FILE__, __LINE__);
    }
    deferred[ndeferred].kind = kind;
    deferred[ndeferred].p = p;
    ndeferred++;
}

void h_undefer(const void *p)
{
    for (size_t i = ndeferred; p != NULL && i-- > 0;) {
        if (deferred[i].p == p) {
            memmove(&deferred[i], &deferred[i + 1], (ndeferred - i - 1) * sizeof(deferred[0]));
            ndeferred--;
            return;
        }
    }
}

int h_teardown(void **state)
{
    (void)state;
    while (ndeferred > 0) {
        void *p = deferred[--ndeferred].p;

        switch (deferred[ndeferred].kind) {
        case H_BUNDLE:
            cert_bundle_free(p);
            break;
        case H_TRUST:
            cert_trust_free(p);
            break;
        case H_CHAIN:
            cert_chain_free(p);
            break;
        case H_FINDINGS:
            cert_findings_free(p);
            break;
        case H_X509:
            X509_free(p);
            break;
        case H_PKEY:
            EVP_PKEY_free(p);
            break;
        case H_MEM:
            free(p);
            break;
        case H_CRLS:
            cert_crls_free(p);
            break;
        }
    }
    return 0;
}

void h_pipeline(h_run *r, const h_opts *o, ...)
{
    static const h_opts defaults = H_OPTS_INIT;
    h_opts opts = o ? *o : defaults;
    const char *trust_names[4];
    size_t ntrust = 0;
    va_list ap;
    const char *name;
    cert_err err;

    memset(r, 0, sizeof(*r));
    for (size_t i = 0; i < 4 && opts.trust[i] != NULL; i++)
        trust_names[ntrust++] = opts.trust[i];
    if (ntrust == 0)
        trust_names[ntrust++] = "root.pem";
    if (opts.system_trust) {
        /* The system default store is SSL_CERT_FILE when set (trust.c), read at each
         * cert_trust_new(NULL, NULL); LIBCERT_PUBLIC_STORE takes its roots as public. */
        assert_int_equal(setenv("SSL_CERT_FILE", fx(trust_names[0]), 1), 0);
        assert_int_equal(setenv("LIBCERT_PUBLIC_STORE", "1", 1), 0);
        assert_cert_ok(cert_trust_new(NULL, NULL, &r->trust));
        unsetenv("SSL_CERT_FILE");
        unsetenv("LIBCERT_PUBLIC_STORE");
    } else {
        r->trust = trust_of(trust_names, ntrust);
    }
    for (size_t i = 0; i < 3 && opts.crl[i] != NULL; i++) {
        if (r->crls == NULL)
            assert_cert_ok(cert_crls_new(&r->crls));
        assert_cert_ok(cert_crls_load_file(r->crls, fx(opts.crl[i])));
    }
    opts.chain.crls = r->crls;
    assert_cert_ok(cert_bundle_new(&r->bundle));
    va_start(ap, o);
    while ((name = va_arg(ap, const char *)) != NULL) {
        err = cert_bundle_load_file(r->bundle, fx(name), &opts.bundle);
        if (err != CERT_OK) {
            va_end(ap);
            print_error("loading fixture %s: %s (%s)\n", name, cert_err_name(err),
                        cert_error_last()->message);
            h_run_free(r);
            _fail(__FILE__, __LINE__);
        }
    }
    va_end(ap);
    opts.chain.trust = r->trust;
    if (opts.chain.now == CERT_TIME_NOW)
        opts.chain.now = FX_NOW;
    if (opts.check.now == CERT_TIME_NOW)
        opts.check.now = opts.chain.now;
    err = cert_chain_build(r->bundle, &opts.chain, &r->chain);
    if (err != CERT_OK) {
        print_error("cert_chain_build: %s (%s)\n", cert_err_name(err), cert_error_last()->message);
        h_run_free(r);
        _fail(__FILE__, __LINE__);
    }
    err = cert_checks_run(r->chain, &opts.check, &r->findings);
    if (err != CERT_OK) {
        print_error("cert_checks_run: %s (%s)\n", cert_err_name(err), cert_error_last()->message);
        h_run_free(r);
        _fail(__FILE__, __LINE__);
    }
    h_defer(H_TRUST, r->trust);
    h_defer(H_CRLS, r->crls);
    h_defer(H_BUNDLE, r->bundle);
    h_defer(H_CHAIN, r->chain);
    h_defer(H_FINDINGS, r->findings);
}

void h_run_free(h_run *r)
{
    h_undefer(r->findings);
    h_undefer(r->chain);
    h_undefer(r->bundle);
    h_undefer(r->trust);
    h_undefer(r->crls);
    cert_findings_free(r->findings);
    cert_chain_free(r->chain);
    cert_bundle_free(r->bundle);
    cert_trust_free(r->trust);
    cert_crls_free(r->crls);
    memset(r, 0, sizeof(*r));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *join_sorted(char **v, size_t n)
{
    size_t total = 1;
    char *out;

    qsort(v, n, sizeof(*v), cmp_str);
    for (size_t i = 0; i < n; i++)
        total += strlen(v[i]) + 1;
    out = malloc(total);
    assert_non_null(out);
    for (size_t i = 0, off = 0; i < n; i++) {
        size_t l = strlen(v[i]);

        if (i > 0)
            out[off++] = ',';
        memcpy(out + off, v[i], l);
        off += l;
        out[off] = '\0';
    }
    if (n == 0)
        out[0] = '\0';
    return out;
}

char *h_codes(const cert_findings *f)
{
    size_t n = cert_findings_count(f);
    char **v = calloc(n + 1, sizeof(*v));
    char *out;

    assert_non_null(v);
    for (size_t i = 0; i < n; i++)
        v[i] = (char *)cert_findings_at(f, i)->code;
    out = join_sorted(v, n);
    free(v);
    return out;
}

void h_assert_codes_(const cert_findings *f, const char *expected, const char *file, int line)
{
    char *copy = strdup(expected), *v[64], *save = NULL, *tok, *want, *got;
    size_t n = 0;

    assert_non_null(copy);
    for (tok = strtok_r(copy, ", ", &save); tok != NULL && n < 64;
         tok = strtok_r(NULL, ", ", &save))
        v[n++] = tok;
    want = join_sorted(v, n);
    got = h_codes(f);
    if (strcmp(want, got) != 0) {
        print_error("finding codes differ:\n  expected: [%s]\n  got:      [%s]\n", want, got);
        for (size_t i = 0; i < cert_findings_count(f); i++)
            print_error("    %s (%s): %s\n", cert_findings_at(f, i)->code,
                        cert_severity_name(cert_findings_at(f, i)->severity),
                        cert_findings_at(f, i)->message);
        free(want);
        free(got);
        free(copy);
        _fail(file, line);
    }
    free(want);
    free(got);
    free(copy);
}

void h_assert_ok_(cert_err got, const char *what, const char *file, int line)
{
    if (got != CERT_OK) {
        print_error("%s returned %d (%s): %s\n", what, (int)got, cert_err_name(got),
                    cert_error_last()->message);
        _fail(file, line);
    }
}

void h_assert_error_(cert_err got, cert_err want, const char *file, int line, ...)
{
    const cert_error *e = cert_error_last();
    const char *needle;
    va_list ap;

    if (got != want) {
        print_error("expected %d (%s), got %d (%s); last message: %s\n", (int)want,
                    cert_err_name(want), (int)got, cert_err_name(got), e->message);
        _fail(file, line);
    }
    if (e->code != want) {
        print_error("cert_error_last()->code is %d (%s), expected %d (%s)\n", (int)e->code,
                    cert_err_name(e->code), (int)want, cert_err_name(want));
        _fail(file, line);
    }
    va_start(ap, line);
    while ((needle = va_arg(ap, const char *)) != NULL) {
        if (!h_contains(e->message, needle)) {
            va_end(ap);
            print_error("error message does not contain \"%s\":\n  %s\n", needle, e->message);
            _fail(file, line);
        }
    }
    va_end(ap);
}

void h_assert_has_(const char *text, const char *file, int line, ...)
{
    const char *needle;
    va_list ap;

    if (text == NULL) {
        print_error("text is NULL\n");
        _fail(file, line);
    }
    va_start(ap, line);
    while ((needle = va_arg(ap, const char *)) != NULL) {
        if (!h_contains(text, needle)) {
            va_end(ap);
            print_error("text does not contain \"%s\":\n  %s\n", needle, text);
            _fail(file, line);
        }
    }
    va_end(ap);
}

void h_assert_same_cert_(const X509 *a, const X509 *b, const char *file, int line)
{
    if (a == NULL || b == NULL || X509_cmp(a, b) != 0) {
        print_error("certificates differ: %s vs %s\n", a ? h_subject(a) : "(null)",
                    b ? h_subject(b) : "(null)");
        _fail(file, line);
    }
}

char *h_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char *path = NULL;

    if (base == NULL || base[0] == '\0')
        base = "/tmp";
    assert_true(asprintf(&path, "%s/libcert-unit-XXXXXX", base) > 0);
    if (mkdtemp(path) == NULL) {
        print_error("mkdtemp %s: %s\n", path, strerror(errno));
        free(path);
        _fail(__FILE__, __LINE__);
    }
    return path;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (flag == FTW_DP)
        return rmdir(path);
    return unlink(path);
}

void h_rmtree(const char *path)
{
    if (path != NULL)
        nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void h_write_file(const char *path, const void *data, size_t len, unsigned int mode)
{
    FILE *f = fopen(path, "wb");

    if (f == NULL) {
        print_error("cannot write %s: %s\n", path, strerror(errno));
        _fail(__FILE__, __LINE__);
    }
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(path, (mode_t)mode), 0);
}

char *h_path(const char *dir, const char *name)
{
    char *p = NULL;

    assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
    return p;
}

double h_now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void h_in_child_(h_child_fn fn, void *arg, unsigned int seconds, const char *what, const char *file,
                 int line)
{
    pid_t pid;
    int status = 0;

    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid < 0) {
        print_error("fork: %s\n", strerror(errno));
        _fail(file, line);
    }
    if (pid == 0) {
        static const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGSYS};
        const char *msg;

        /* cmocka catches these to go on with the next test: in the child, a crash must end the
         * child, for the parent to see it */
        for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
            signal(sigs[i], SIG_DFL);
        signal(SIGALRM, SIG_DFL);
        alarm(seconds);
        msg = fn(arg);

        if (msg != NULL) {
            fprintf(stderr, "%s: %s\n", what, msg);
            fflush(stderr);
            _exit(1);
        }
        fflush(stderr);
        _exit(0);
    }
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            print_error("waitpid: %s\n", strerror(errno));
            _fail(file, line);
        }
    }
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
        print_error("%s did not finish within %u seconds\n", what, seconds);
        _fail(file, line);
    }
    if (WIFSIGNALED(status)) {
        print_error("%s crashed with signal %d (%s)\n", what, WTERMSIG(status),
                    strsignal(WTERMSIG(status)));
        _fail(file, line);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        print_error("%s failed in its child process (exit status %d)\n", what,
                    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        _fail(file, line);
    }
}

/* ---- Local test servers and a tiny HTTP client (see helpers.h) ---- */

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

static void h_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static void h_print_file(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[512];

    if (f == NULL)
        return;
    while (fgets(line, sizeof(line), f) != NULL)
        print_error("  | %s", line);
    fclose(f);
}

void h_server_start(h_server *s, const char *script, const char *const *args)
{
    const char *py = getenv("LIBCERT_PYTHON"), *src = getenv("LIBCERT_SRC");
    char *argv[40], *script_path = NULL, *port_file, *log_file;
    size_t n = 0;
    double t0 = h_now_seconds();
    pid_t parent;
    int fd;

    memset(s, 0, sizeof(*s));
    if (py == NULL || py[0] == '\0')
        py = "python3";
    if (src == NULL || src[0] == '\0') {
        print_error("LIBCERT_SRC is not set: run the tests through ctest\n");
        _fail(__FILE__, __LINE__);
    }
    assert_true(asprintf(&script_path, "%s/tests/emulator/%s", src, script) > 0);
    s->dir = h_tmpdir();
    port_file = h_path(s->dir, "port");
    log_file = h_path(s->dir, "server.log");
    argv[n++] = (char *)py;
    argv[n++] = script_path;
    argv[n++] = "--port";
    argv[n++] = "0";
    argv[n++] = "--port-file";
    argv[n++] = port_file;
    for (size_t i = 0; args != NULL && args[i] != NULL && n < 39; i++)
        argv[n++] = (char *)args[i];
    argv[n] = NULL;
    fd = open(log_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    assert_true(fd >= 0);
    /* fork + exec rather than posix_spawn: the server must die with the test even when the
     * test crashes before its teardown (PR_SET_PDEATHSIG). */
    parent = getpid();
    s->pid = fork();
    assert_true(s->pid >= 0);
    if (s->pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent)
            _exit(126); /* the test is already gone */
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        execvp(py, argv);
        _exit(127);
    }
    close(fd);
    for (;;) {
        FILE *f = fopen(port_file, "r");
        int status;

        if (f != NULL) {
            int ok = fscanf(f, "%d", &s->port);

            fclose(f);
            if (ok == 1 && s->port > 0)
                break;
        }
        if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
            print_error("%s exited before answering; its log:\n", script);
            h_print_file(log_file);
            s->pid = 0;
            _fail(__FILE__, __LINE__);
        }
        if (h_now_seconds() - t0 > 60) {
            print_error("%s did not start within 60 s; its log:\n", script);
            h_print_file(log_file);
            h_server_stop(s);
            _fail(__FILE__, __LINE__);
        }
        h_sleep_ms(20);
    }
    s->startup_s = h_now_seconds() - t0;
    snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%d", s->port);
    free(script_path);
    free(port_file);
    free(log_file);
}

void h_server_stop(h_server *s)
{
    if (s->pid > 0) {
        double t0 = h_now_seconds();
        int status;

        kill(s->pid, SIGTERM);
        while (waitpid(s->pid, &status, WNOHANG) == 0) {
            if (h_now_seconds() - t0 > 10) {
                kill(s->pid, SIGKILL);
                waitpid(s->pid, &status, 0);
                break;
            }
            h_sleep_ms(10);
        }
    }
    if (s->dir != NULL) {
        h_rmtree(s->dir);
        free(s->dir);
    }
    memset(s, 0, sizeof(*s));
}

char *h_http(int port, const char *method, const char *path, const char *body, int *status)
{
    struct sockaddr_in sa;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    char *req = NULL, *data = NULL, *p;
    size_t len = 0, cap = 0, blen = body ? strlen(body) : 0;
    int n;

    *status = 0;
    assert_true(fd >= 0);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        print_error("h_http: cannot connect to 127.0.0.1:%d: %s\n", port, strerror(errno));
        close(fd);
        _fail(__FILE__, __LINE__);
    }
    n = asprintf(&req,
                 "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n"
                 "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                 method, path, port, blen, body ? body : "");
    assert_true(n > 0);
    assert_int_equal(write(fd, req, (size_t)n), n);
    free(req);
    for (;;) {
        ssize_t r;

        if (cap - len < 4097) {
            cap = cap ? cap * 2 : 16384;
            data = realloc(data, cap);
            assert_non_null(data);
        }
        r = read(fd, data + len, cap - len - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        len += (size_t)r;
    }
    close(fd);
    if (data == NULL)
        return strdup("");
    data[len] = '\0';
    if (sscanf(data, "HTTP/%*s %d", status) != 1)
        *status = 0;
    p = strstr(data, "\r\n\r\n");
    p = strdup(p ? p + 4 : "");
    free(data);
    assert_non_null(p);
    return p;
}

void h_setenv(const char *name, const char *value)
{
    if (value == NULL)
        assert_int_equal(unsetenv(name), 0);
    else
        assert_int_equal(setenv(name, value, 1), 0);
}
