/* SPDX-License-Identifier: Apache-2.0 */
/* Passphrases the OpenSSL way: pass:, env:, file:, fd:, or a prompt on the terminal. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "bundle_int.h"
#include "util/error_int.h"

#define PASS_MAX 1024

typedef enum { SRC_PROMPT, SRC_PASS, SRC_ENV, SRC_FILE, SRC_FD } pass_src;

struct cert_passin {
    pass_src src;
    char *arg; /* text, variable, path or fd number */
    bool batch;
    bool have;
    char pass[PASS_MAX];
    size_t len;
    pthread_mutex_t lock;
};

cert_err cert_passin_new(const char *spec, bool batch, cert_passin **out)
{
    cert_passin *p;
    pass_src src = SRC_PROMPT;
    const char *arg = "";

    if (out == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_passin_new: out is NULL");
    *out = NULL;
    if (spec != NULL) {
        if (strncmp(spec, "pass:", 5) == 0) {
            src = SRC_PASS;
            arg = spec + 5;
        } else if (strncmp(spec, "env:", 4) == 0) {
            src = SRC_ENV;
            arg = spec + 4;
        } else if (strncmp(spec, "file:", 5) == 0) {
            src = SRC_FILE;
            arg = spec + 5;
        } else if (strncmp(spec, "fd:", 3) == 0) {
            char *end;
            long fd;

            src = SRC_FD;
            arg = spec + 3;
            fd = strtol(arg, &end, 10);
            if (*arg == '\0' || *end != '\0' || fd < 0 || fd > 65535)
                return cert__error_set(CERT_E_INVALID, "--passin fd:%s: not a file descriptor",
                                       arg);
        } else {
            /* Never echo the argument: it may be a passphrase typed without "pass:". */
            return cert__error_set(CERT_E_INVALID,
                                   "--passin: give pass:TEXT, env:VAR, file:PATH or fd:N");
        }
        if (src != SRC_PASS && *arg == '\0')
            return cert__error_set(CERT_E_INVALID, "--passin: the %s form needs an argument",
                                   src == SRC_ENV    ? "env:"
                                   : src == SRC_FILE ? "file:"
                                                     : "fd:");
    }
    p = calloc(1, sizeof(*p));
    if (p == NULL)
        return cert__error_nomem();
    p->arg = strdup(arg);
    if (p->arg == NULL) {
        free(p);
        return cert__error_nomem();
    }
    p->src = src;
    p->batch = batch;
    pthread_mutex_init(&p->lock, NULL);
    *out = p;
    return CERT_OK;
}

void cert_passin_free(cert_passin *p)
{
    if (p == NULL)
        return;
    OPENSSL_cleanse(p->pass, sizeof(p->pass));
    if (p->arg != NULL) {
        OPENSSL_cleanse(p->arg, strlen(p->arg));
        free(p->arg);
    }
    pthread_mutex_destroy(&p->lock);
    free(p);
}

/* First line of fd, without its newline. */
static cert_err read_line(int fd, cert_passin *p, const char *what)
{
    size_t n = 0;

    for (;;) {
        char c;
        ssize_t r = read(fd, &c, 1);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return cert__error_set(CERT_E_INPUT, "%s: cannot read the passphrase: %s", what,
                                   strerror(errno));
        if (r == 0 || c == '\n')
            break;
        if (n + 1 >= sizeof(p->pass))
            return cert__error_set(CERT_E_INPUT, "%s: passphrase longer than %d bytes", what,
                                   PASS_MAX - 1);
        p->pass[n++] = c;
    }
    if (n > 0 && p->pass[n - 1] == '\r')
        n--;
    p->pass[n] = '\0';
    p->len = n;
    return CERT_OK;
}

static cert_err prompt(cert_passin *p, const char *for_name)
{
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    struct termios old, quiet;
    bool restore = false;
    cert_err err;
    char msg[600];
    int n;

    if (fd < 0)
        return cert__error_set(CERT_E_INPUT,
                               "%s: encrypted, and there is no terminal to ask on; give its "
                               "passphrase with --passin",
                               for_name);
    if (tcgetattr(fd, &old) == 0) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
        quiet.c_lflag |= ICANON;
        restore = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
    }
    n = snprintf(msg, sizeof(msg), "Enter pass phrase for %s:", for_name);
    if (n > 0)
        (void)!write(fd, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
    err = read_line(fd, p, for_name);
    if (restore)
        tcsetattr(fd, TCSAFLUSH, &old);
    (void)!write(fd, "\n", 1);
    close(fd);
    return err;
}

static cert_err resolve(cert_passin *p, const char *for_name)
{
    switch (p->src) {
    case SRC_PASS: {
        size_t n = strlen(p->arg);

        if (n >= sizeof(p->pass))
            return cert__error_set(CERT_E_INPUT, "--passin: passphrase longer than %d bytes",
                                   PASS_MAX - 1);
        memcpy(p->pass, p->arg, n + 1);
        p->len = n;
        return CERT_OK;
    }
    case SRC_ENV: {
        const char *v = getenv(p->arg);
        size_t n;

        if (v == NULL)
            return cert__error_set(CERT_E_INPUT,
                                   "%s: encrypted, and --passin env:%s is not set in the "
                                   "environment",
                                   for_name, p->arg);
        n = strlen(v);
        if (n >= sizeof(p->pass))
            return cert__error_set(CERT_E_INPUT, "--passin env:%s: longer than %d bytes", p->arg,
                                   PASS_MAX - 1);
        memcpy(p->pass, v, n + 1);
        p->len = n;
        return CERT_OK;
    }
    case SRC_FILE: {
        int fd = open(p->arg, O_RDONLY | O_CLOEXEC);
        cert_err err;

        if (fd < 0)
            return cert__error_set(CERT_E_INPUT, "--passin file:%s: cannot open: %s", p->arg,
                                   strerror(errno));
        err = read_line(fd, p, p->arg);
        close(fd);
        return err;
    }
    case SRC_FD:
        return read_line(atoi(p->arg), p, "--passin fd");
    case SRC_PROMPT:
        if (p->batch)
            return cert__error_set(CERT_E_INPUT,
                                   "%s: encrypted; give its passphrase with --passin (--batch "
                                   "never asks)",
                                   for_name);
        return prompt(p, for_name);
    }
    return cert__error_set(CERT_E_INTERNAL, "passin: bad source");
}

cert_err cert_passin__get(cert_passin *p, const char *for_name, const char **pass_out,
                          size_t *len_out)
{
    cert_err err = CERT_OK;

    if (p == NULL)
        return cert__error_set(CERT_E_INPUT, "%s: encrypted; give its passphrase with --passin",
                               for_name);
    pthread_mutex_lock(&p->lock);
    if (!p->have) {
        err = resolve(p, for_name);
        if (err == CERT_OK)
            p->have = true;
    }
    pthread_mutex_unlock(&p->lock);
    if (err < 0)
        return err;
    *pass_out = p->pass;
    *len_out = p->len;
    return CERT_OK;
}

void cert_passin__reject(cert_passin *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->lock);
    /* A prompted passphrase that was wrong is asked for again next time; a given one is what it
     * is (fd: cannot be read twice). */
    if (p->src == SRC_PROMPT) {
        p->have = false;
        OPENSSL_cleanse(p->pass, sizeof(p->pass));
        p->len = 0;
    }
    pthread_mutex_unlock(&p->lock);
}
