/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The credential_process provider: a profile's command, run without a shell, whose stdout is
 * the credentials as JSON. Reference: IAM User Guide, "Sourcing credentials with an external
 * process"; botocore's ProcessProvider. The output is secret: read into a wiped buffer, never
 * quoted in a message.
 */
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "creds_int.h"
#include "util/error_int.h"

/* A credential process's output cap, and how long it may run (botocore has no timeout; a tool
 * that hangs forever on a stuck helper is worse than one that says so). */
#define PROCESS_OUTPUT_MAX (64u << 10)
#define PROCESS_TIMEOUT_MS 60000L

/*
 * Split a command line into words as Python's shlex.split() does in POSIX mode, which is what
 * botocore runs credential_process through: blanks separate words, '...' is literal, inside
 * "..." a backslash escapes only '"' and '\', outside quotes it escapes any character; quoted
 * and unquoted parts of one word join. Nothing is expanded ($VAR, globs, ~).
 *
 * Why not /bin/sh -c: botocore (and so the AWS CLI v1) runs the words without a shell, so a
 * config line means the same to both, and nothing from the config file is ever interpreted by
 * a shell (no pipes, redirections or command substitution a profile could smuggle in).
 */
static cert_err split_command(const char *cmd, const char *name, char ***argv_out)
{
    size_t len = strlen(cmd), nw = 0, o = 0;
    char *store = malloc(len * 2 + 2), **argv = calloc(len / 2 + 2, sizeof(*argv));
    const char *p = cmd;
    bool in_word = false;

    *argv_out = NULL;
    if (store == NULL || argv == NULL) {
        free(store);
        free(argv);
        return cert__error_nomem();
    }
    while (*p != '\0') {
        char c = *p;

        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (in_word) {
                store[o++] = '\0';
                in_word = false;
            }
            p++;
            continue;
        }
        if (!in_word) {
            argv[nw++] = store + o;
            in_word = true;
        }
        if (c == '\\') {
            if (p[1] == '\0')
                goto unterminated;
            store[o++] = p[1];
            p += 2;
        } else if (c == '\'') {
            const char *end = strchr(p + 1, '\'');

            if (end == NULL)
                goto unterminated;
            memcpy(store + o, p + 1, (size_t)(end - p - 1));
            o += (size_t)(end - p - 1);
            p = end + 1;
        } else if (c == '"') {
            for (p++;; p++) {
                if (*p == '\0')
                    goto unterminated;
                if (*p == '"')
                    break;
                if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
                    p++;
                store[o++] = *p;
            }
            p++;
        } else {
            store[o++] = c;
            p++;
        }
    }
    if (in_word)
        store[o++] = '\0';
    if (nw == 0) {
        free(store);
        free(argv);
        return cert__error_set(CERT_E_INPUT,
                               "profile %s: credential_process is empty; give the "
                               "command that prints credentials",
                               name);
    }
    argv[nw] = NULL;
    *argv_out = argv; /* argv[0] is the start of store */
    return CERT_OK;

unterminated:
    free(store);
    free(argv);
    return cert__error_set(CERT_E_INPUT,
                           "profile %s: credential_process has an unterminated quote or a "
                           "trailing backslash; fix the command line",
                           name);
}

static long elapsed_since(const struct timespec *t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (long)((t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000);
}

static long process_timeout_ms(void)
{
    const char *v = getenv("LIBCERT_CREDENTIAL_PROCESS_TIMEOUT_MS"); /* a test knob */
    long ms = v ? strtol(v, NULL, 10) : 0;

    return ms > 0 ? ms : PROCESS_TIMEOUT_MS;
}

/* Start argv without a shell in a process group of its own (so that a timeout stops its
 * children too), its stdout the writing end of a new pipe whose reading end goes to *fd_out;
 * its stderr passes through to ours, stdin is inherited (a helper may prompt on the
 * terminal). */
static cert_err spawn(char *const argv[], const char *name, pid_t *pid_out, int *fd_out)
{
    cert_err err = CERT_OK;
    int fds[2] = {-1, -1};
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    bool fa_ok = false, attr_ok = false;
    sigset_t mask, def;
    int rc;

    *pid_out = -1;
    *fd_out = -1;
    /* posix_spawnp() reports a missing program as an error only where it is a real spawn (not
     * a fork + exec, as under valgrind, which exits 127): check a path ourselves. */
    if (strchr(argv[0], '/') != NULL && access(argv[0], X_OK) != 0)
        CERT_FAIL(CERT_E_INPUT, "profile %s: credential_process: cannot run %s: %s", name, argv[0],
                  strerror(errno));
    if (pipe2(fds, O_CLOEXEC) != 0)
        CERT_FAIL(CERT_E_INPUT, "profile %s: credential_process: cannot make a pipe: %s", name,
                  strerror(errno));
    if (posix_spawn_file_actions_init(&fa) != 0)
        CERT_NOMEM();
    fa_ok = true;
    if (posix_spawnattr_init(&attr) != 0)
        CERT_NOMEM();
    attr_ok = true;
    /* The child's stdout is the pipe (dup2 drops close-on-exec on fd 1; every other descriptor
     * of ours is close-on-exec or inherited as the caller chose). Signals start from their
     * defaults, unblocked, whatever the calling program did with them. */
    if (posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO) != 0)
        CERT_NOMEM();
    sigemptyset(&mask);
    sigemptyset(&def);
    sigaddset(&def, SIGPIPE);
    sigaddset(&def, SIGCHLD);
    posix_spawnattr_setsigmask(&attr, &mask);
    posix_spawnattr_setsigdefault(&attr, &def);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                        POSIX_SPAWN_SETPGROUP);
    rc = posix_spawnp(pid_out, argv[0], &fa, &attr, argv, environ);
    if (rc != 0) {
        *pid_out = -1;
        CERT_FAIL(CERT_E_INPUT, "profile %s: credential_process: cannot run %s: %s", name, argv[0],
                  strerror(rc));
    }
    *fd_out = fds[0];
    fds[0] = -1;

done:
    if (fds[0] >= 0)
        close(fds[0]);
    if (fds[1] >= 0)
        close(fds[1]);
    if (fa_ok)
        posix_spawn_file_actions_destroy(&fa);
    if (attr_ok)
        posix_spawnattr_destroy(&attr);
    return err;
}

/* The helper while it runs. */
typedef struct helper {
    pid_t pid;       /* also its process group's id */
    int fd;          /* its stdout */
    int status;      /* its wait status once reaped */
    bool reaped;     /* waited for */
    bool unwaitable; /* waitpid() says ECHILD: the program reaps children itself (SIGCHLD
                        ignored); go by the output alone */
    bool terminal;   /* it was given the terminal (tty_give()) */
    const char *name, *prog;
} helper;

/* Whether the helper has exited (reaping it). */
static bool exited(helper *h)
{
    pid_t w;

    if (h->reaped)
        return true;
    if (h->unwaitable)
        return false;
    while ((w = waitpid(h->pid, &h->status, WNOHANG)) < 0 && errno == EINTR)
        ;
    if (w == h->pid)
        h->reaped = true;
    else if (w < 0)
        h->unwaitable = true;
    return h->reaped;
}

static cert_err add_output(helper *h, cert_buf *out, const char *p, size_t n)
{
    if (cert__buf_add(out, p, n, NULL) < 0)
        return cert__error_set(CERT_E_INPUT,
                               "profile %s: credential_process %s printed more than %u bytes; it "
                               "was stopped",
                               h->name, h->prog, PROCESS_OUTPUT_MAX);
    return CERT_OK;
}

/* What is left in the pipe once the helper has exited: what it wrote is all there; a child it
 * left behind may hold the pipe open for as long as it likes, so nothing more is waited for. */
static cert_err drain(helper *h, cert_buf *out, char *chunk, size_t size)
{
    int fl = fcntl(h->fd, F_GETFL);

    if (fl < 0 || fcntl(h->fd, F_SETFL, fl | O_NONBLOCK) < 0)
        return cert__error_set(CERT_E_INPUT, "profile %s: credential_process: fcntl: %s", h->name,
                               strerror(errno));
    for (;;) {
        ssize_t n = read(h->fd, chunk, size);
        cert_err err;

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return CERT_OK; /* EOF, or nothing more for now (EAGAIN) */
        if ((err = add_output(h, out, chunk, (size_t)n)) < 0)
            return err;
    }
}

/* The helper's output until it exits or closes it (capped), within `limit` ms from t0. Its
 * exit is checked every POLL_MS: a background child it started may keep its stdout open long
 * after it is done (botocore waits for that EOF; we do not). */
#define POLL_MS 20
static cert_err read_output(helper *h, const struct timespec *t0, long limit, cert_buf *out)
{
    cert_err err = CERT_OK;
    char chunk[4096];

    for (;;) {
        struct pollfd pfd = {h->fd, POLLIN, 0};
        long left = limit - elapsed_since(t0);
        ssize_t n;
        int rc;

        if (exited(h)) {
            err = drain(h, out, chunk, sizeof(chunk));
            goto done;
        }
        if (left <= 0)
            CERT_FAIL(CERT_E_INPUT,
                      "profile %s: credential_process %s did not finish within %.1f s; it was "
                      "stopped",
                      h->name, h->prog, (double)limit / 1000.0);
        rc = poll(&pfd, 1, left > POLL_MS ? POLL_MS : (int)left);
        if (rc < 0 && errno != EINTR)
            CERT_FAIL(CERT_E_INPUT, "profile %s: credential_process: poll: %s", h->name,
                      strerror(errno));
        if (rc <= 0)
            continue;
        n = read(h->fd, chunk, sizeof(chunk));
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            CERT_FAIL(CERT_E_INPUT, "profile %s: credential_process: read: %s", h->name,
                      strerror(errno));
        }
        if (n == 0)
            break;
        CERT_TRY(add_output(h, out, chunk, (size_t)n));
    }

done:
    OPENSSL_cleanse(chunk, sizeof(chunk));
    return err;
}

/* Output closed: wait for the exit within what is left of the time limit. */
static cert_err wait_exit(helper *h, const struct timespec *t0, long limit)
{
    for (;;) {
        if (exited(h))
            return CERT_OK;
        if (h->unwaitable) {
            h->status = 0;
            return CERT_OK;
        }
        if (elapsed_since(t0) >= limit)
            return cert__error_set(CERT_E_INPUT,
                                   "profile %s: credential_process %s did not exit within %.1f "
                                   "s; it was stopped",
                                   h->name, h->prog, (double)limit / 1000.0);
        {
            struct timespec ts = {0, 5000000};

            nanosleep(&ts, NULL);
        }
    }
}

/* A helper in a process group of its own is in the background of our terminal: one that
 * prompts (an MFA code) would be stopped by SIGTTIN. When our group holds the terminal, it is
 * handed to the helper's group while it runs, as a shell does for a job, and taken back after
 * (with SIGTTOU blocked: we ask from the background). */
static void tty_give(helper *h)
{
    if (isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp())
        h->terminal = tcsetpgrp(STDIN_FILENO, h->pid) == 0;
}

static void tty_take_back(helper *h)
{
    sigset_t ttou, old;

    if (!h->terminal)
        return;
    sigemptyset(&ttou);
    sigaddset(&ttou, SIGTTOU);
    pthread_sigmask(SIG_BLOCK, &ttou, &old);
    (void)tcsetpgrp(STDIN_FILENO, getpgrp());
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    h->terminal = false;
}

/* Run argv: its stdout into out (capped), its wait status into *status. Past the time limit
 * it is killed with its process group. */
static cert_err run_process(char *const argv[], const char *name, cert_buf *out, int *status)
{
    cert_err err = CERT_OK;
    helper h = {-1, -1, -1, false, false, false, name, argv[0]};
    struct timespec t0;
    long limit = process_timeout_ms();

    *status = -1;
    CERT_TRY(spawn(argv, name, &h.pid, &h.fd));
    tty_give(&h);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CERT_TRY(read_output(&h, &t0, limit, out));
    if (!h.reaped)
        CERT_TRY(wait_exit(&h, &t0, limit));

done:
    if (h.pid > 0 && !h.reaped && err < 0) {
        /* The whole group, while its leader is not reaped (so the id cannot have been reused):
         * a child the helper started goes too. */
        kill(-h.pid, SIGKILL);
        while (!h.unwaitable && waitpid(h.pid, &h.status, 0) < 0 && errno == EINTR)
            ;
    }
    tty_take_back(&h);
    if (h.fd >= 0)
        close(h.fd);
    *status = h.status;
    return err;
}

cert_err cert_aws__creds_process_parse(const char *text, size_t len, const char *name,
                                       const char *prog, aws_creds *out)
{
    cert_err err = CERT_OK;
    json_t *j = NULL, *version;
    json_error_t jerr;
    int64_t expiration = INT64_MAX;
    const char *akid, *secret, *token, *exp;

    /* The output is secret: never quoted in a message (jansson's error text quotes it). */
    j = json_loadb(text ? text : "", len, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(j))
        CERT_FAIL(CERT_E_INPUT,
                  "profile %s: credential_process %s printed no JSON object (line %d, column "
                  "%d); it must print {\"Version\": 1, \"AccessKeyId\": ..., "
                  "\"SecretAccessKey\": ...}",
                  name, prog, jerr.line, jerr.column);
    /* "Sourcing credentials with an external process" (IAM User Guide): Version 1 only. */
    version = json_object_get(j, "Version");
    if (!json_is_integer(version) || json_integer_value(version) != 1)
        CERT_FAIL(CERT_E_INPUT,
                  "profile %s: credential_process %s printed no \"Version\": 1; only version 1 "
                  "is supported",
                  name, prog);
    akid = cert_aws__json_str(j, "AccessKeyId");
    secret = cert_aws__json_str(j, "SecretAccessKey");
    token = cert_aws__json_str(j, "SessionToken");
    exp = cert_aws__json_str(j, "Expiration");
    if (!cert_aws__given(akid) || !cert_aws__given(secret))
        CERT_FAIL(CERT_E_INPUT,
                  "profile %s: credential_process %s printed no AccessKeyId or SecretAccessKey",
                  name, prog);
    if (json_object_get(j, "SessionToken") != NULL &&
        !json_is_null(json_object_get(j, "SessionToken")) && token == NULL)
        CERT_FAIL(CERT_E_INPUT,
                  "profile %s: credential_process %s printed a SessionToken that "
                  "is not a string",
                  name, prog);
    if (cert_aws__given(exp) && !cert_aws__creds_time(exp, &expiration))
        CERT_FAIL(CERT_E_INPUT,
                  "profile %s: credential_process %s printed an Expiration that is not an RFC "
                  "3339 time",
                  name, prog);
    CERT_TRY(cert_aws__creds_set(out, akid, secret, token, expiration, "credential_process"));

done:
    cert_aws__json_free_secret(j);
    return err;
}

cert_err cert_aws__creds_process(cert_aws *aws, const char *profile, aws_creds *out)
{
    cert_err err = CERT_OK;
    const char *name = cert_aws__profile_name(aws, profile);
    const char *cmd = cert_aws__profile_get(aws, profile, "credential_process");
    char **argv = NULL;
    cert_buf output;
    int status = -1;

    cert__buf_init(&output, PROCESS_OUTPUT_MAX, true);
    if (cmd == NULL)
        return CERT_CREDS_NONE;
    CERT_TRY(split_command(cmd, name, &argv));
    cert_aws__log(aws, "credentials: profile %s runs credential_process %s", name, argv[0]);
    CERT_TRY(run_process(argv, name, &output, &status));
    if (WIFSIGNALED(status))
        CERT_FAIL(CERT_E_INPUT,
                  "profile %s: credential_process %s was killed by signal %d; run it by hand "
                  "to see why",
                  name, argv[0], WTERMSIG(status));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        CERT_FAIL(CERT_E_INPUT,
                  "profile %s: credential_process %s exited with status %d%s (its messages are "
                  "on stderr above); fix it or run it by hand",
                  name, argv[0], WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                  WIFEXITED(status) && WEXITSTATUS(status) == 127 ? " (not found?)" : "");
    CERT_TRY(cert_aws__creds_process_parse(output.ptr, output.len, name, argv[0], out));

done:
    cert__buf_free(&output);
    if (argv != NULL) {
        free(argv[0]);
        free(argv);
    }
    return err;
}
