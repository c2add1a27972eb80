/* SPDX-License-Identifier: Apache-2.0 */
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error_int.h"

cert_err cert__file_read(const char *path, size_t max, cert_buf *out)
{
    cert_err err = CERT_OK;
    int fd = -1;
    bool is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? "<stdin>" : path;
    struct stat st;
    char chunk[16384];

    cert__buf_init(out, max, true);
    if (is_stdin) {
        fd = STDIN_FILENO;
    } else {
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
            CERT_FAIL(CERT_E_IO, "%s: cannot open (%s); check the path", path, strerror(errno));
    }
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uintmax_t)st.st_size > max)
        CERT_FAIL(CERT_E_INPUT, "%s: %jd bytes is larger than the limit of %zu bytes", name,
                  (intmax_t)st.st_size, max);
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
        CERT_FAIL(CERT_E_IO, "%s: is a directory", name);
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));

        if (n < 0) {
            if (errno == EINTR)
                continue;
            CERT_FAIL(CERT_E_IO, "%s: cannot read: %s", name, strerror(errno));
        }
        if (n == 0)
            break;
        err = cert__buf_add(out, chunk, (size_t)n, name);
        if (err < 0)
            goto done;
    }
    if (out->ptr == NULL)
        CERT_TRY(cert__buf_add(out, "", 0, name));

done:
    explicit_bzero(chunk, sizeof(chunk));
    if (fd >= 0 && !is_stdin)
        close(fd);
    if (err < 0)
        cert__buf_free(out);
    return err;
}

/* Registry of files in flight, for cert__tmpfile_abort_all() in a signal handler: plain arrays
 * and sig_atomic_t flags, nothing a handler cannot touch. A slot holds the temporary and, once a
 * commit without --force has started, the final path too: an interrupt between two renames then
 * removes what was already moved into place, so that a split stays all or nothing. */
#define TMP_SLOTS 16
static char tmp_paths[TMP_SLOTS][PATH_MAX];
static char final_paths[TMP_SLOTS][PATH_MAX];
static volatile dev_t tmp_dev[TMP_SLOTS]; /* the file created: set before tmp_used */
static volatile ino_t tmp_ino[TMP_SLOTS];
static volatile sig_atomic_t tmp_used[TMP_SLOTS];
static volatile sig_atomic_t final_set[TMP_SLOTS];

static int registry_add(const char *path, dev_t dev, ino_t ino)
{
    for (int i = 0; i < TMP_SLOTS; i++) {
        if (!tmp_used[i] && strlen(path) < PATH_MAX) {
            memcpy(tmp_paths[i], path, strlen(path) + 1);
            tmp_dev[i] = dev;
            tmp_ino[i] = ino;
            final_set[i] = 0;
            tmp_used[i] = 1;
            return i;
        }
    }
    return -1;
}

static void registry_set_final(int slot, const char *final)
{
    if (slot >= 0 && slot < TMP_SLOTS && strlen(final) < PATH_MAX) {
        memcpy(final_paths[slot], final, strlen(final) + 1);
        final_set[slot] = 1;
    }
}

static void registry_remove(int slot)
{
    if (slot >= 0 && slot < TMP_SLOTS) {
        tmp_used[slot] = 0;
        final_set[slot] = 0;
    }
}

/* Unlink path while it is the file (dev, ino). lstat() and unlink() are async-signal-safe. A
 * file swapped in between the two calls is the one window left: no call unlinks by inode. */
static void unlink_if_ours(const char *path, dev_t dev, ino_t ino)
{
    struct stat st;

    if (lstat(path, &st) == 0 && st.st_dev == dev && st.st_ino == ino)
        unlink(path);
}

void cert__tmpfile_abort_all(void)
{
    for (int i = 0; i < TMP_SLOTS; i++) {
        if (tmp_used[i]) {
            unlink_if_ours(tmp_paths[i], tmp_dev[i], tmp_ino[i]);
            if (final_set[i])
                unlink_if_ours(final_paths[i], tmp_dev[i], tmp_ino[i]);
            tmp_used[i] = 0;
            final_set[i] = 0;
        }
    }
}

void cert__tmpfile_unlink_final(const cert_tmpfile *t)
{
    if (t->final_path != NULL && t->committed)
        unlink_if_ours(t->final_path, t->dev, t->ino);
}

char *cert__path_join(const char *dir, const char *name)
{
    size_t dl = dir ? strlen(dir) : 0, nl = strlen(name);
    char *p = malloc(dl + nl + 2);

    if (p == NULL)
        return NULL;
    if (dl == 0) {
        memcpy(p, name, nl + 1);
    } else {
        memcpy(p, dir, dl);
        if (dir[dl - 1] != '/')
            p[dl++] = '/';
        memcpy(p + dl, name, nl + 1);
    }
    return p;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *d;

    if (slash == NULL)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    d = strndup(path, (size_t)(slash - path));
    return d;
}

cert_err cert__tmpfile_write(const char *final_path, const void *data, size_t len, mode_t mode,
                             cert_tmpfile *out)
{
    cert_err err = CERT_OK;
    const char *base = strrchr(final_path, '/');
    char *dir = NULL, *tmpl = NULL, *name = NULL;
    int fd = -1;
    size_t off = 0;

    memset(out, 0, sizeof(*out));
    out->slot = -1;
    base = base ? base + 1 : final_path;
    dir = dir_of(final_path);
    if (dir == NULL)
        CERT_NOMEM();
    if (asprintf(&name, ".%s.tmp-XXXXXX", base) < 0) {
        name = NULL;
        CERT_NOMEM();
    }
    tmpl = cert__path_join(dir, name);
    if (tmpl == NULL)
        CERT_NOMEM();
    /* mkstemp: O_CREAT|O_EXCL, mode 0600, so a key is never readable by others, not even for a
     * moment; the final mode is set before any byte is visible under the final name. */
    fd = mkostemp(tmpl, O_CLOEXEC);
    if (fd < 0)
        CERT_FAIL(CERT_E_IO, "%s: cannot create a temporary file in %s: %s", final_path, dir,
                  strerror(errno));
    out->tmp_path = tmpl;
    tmpl = NULL;
    {
        struct stat st;

        if (fstat(fd, &st) != 0)
            CERT_FAIL(CERT_E_IO, "%s: cannot stat: %s", out->tmp_path, strerror(errno));
        out->dev = st.st_dev;
        out->ino = st.st_ino;
    }
    out->slot = registry_add(out->tmp_path, out->dev, out->ino);
    while (off < len) {
        ssize_t n = write(fd, (const char *)data + off, len - off);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            CERT_FAIL(CERT_E_IO, "%s: cannot write: %s", out->tmp_path, strerror(errno));
        }
        off += (size_t)n;
    }
    if (fchmod(fd, mode) != 0)
        CERT_FAIL(CERT_E_IO, "%s: cannot set mode: %s", out->tmp_path, strerror(errno));
    if (fsync(fd) != 0)
        CERT_FAIL(CERT_E_IO, "%s: cannot flush: %s", out->tmp_path, strerror(errno));
    if (close(fd) != 0) {
        fd = -1;
        CERT_FAIL(CERT_E_IO, "%s: cannot close: %s", out->tmp_path, strerror(errno));
    }
    fd = -1;
    out->final_path = strdup(final_path);
    if (out->final_path == NULL)
        CERT_NOMEM();

done:
    if (fd >= 0)
        close(fd);
    if (err < 0)
        cert__tmpfile_discard(out);
    free(dir);
    free(name);
    free(tmpl);
    return err;
}

static void fsync_dir(const char *path)
{
    char *dir = dir_of(path);
    int fd;

    if (dir == NULL)
        return;
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

cert_err cert__tmpfile_commit(cert_tmpfile *t, bool force)
{
    /* Without force the final path cannot exist yet (RENAME_NOREPLACE), so an interrupt may
     * remove it: note it before the rename. */
    if (!force)
        registry_set_final(t->slot, t->final_path);
    if (force) {
        if (rename(t->tmp_path, t->final_path) != 0)
            return cert__error_set(CERT_E_IO, "%s: cannot move into place: %s", t->final_path,
                                   strerror(errno));
    } else if (renameat2(AT_FDCWD, t->tmp_path, AT_FDCWD, t->final_path, RENAME_NOREPLACE) != 0) {
        int e = errno;

        if (e == EEXIST)
            return cert__error_set(CERT_E_EXISTS,
                                   "%s: already exists; remove it or use --force to overwrite",
                                   t->final_path);
        if (e != EINVAL && e != ENOSYS)
            return cert__error_set(CERT_E_IO, "%s: cannot move into place: %s", t->final_path,
                                   strerror(e));
        /* The file system has no RENAME_NOREPLACE: link() refuses to replace, too. */
        if (link(t->tmp_path, t->final_path) != 0) {
            e = errno;
            if (e == EEXIST)
                return cert__error_set(CERT_E_EXISTS,
                                       "%s: already exists; remove it or use --force to overwrite",
                                       t->final_path);
            return cert__error_set(CERT_E_IO, "%s: cannot move into place: %s", t->final_path,
                                   strerror(e));
        }
        unlink(t->tmp_path);
    }
    /* Still registered (with its final path) until the caller's whole set is in place:
     * cert__tmpfile_discard() forgets it. */
    if (force) {
        registry_remove(t->slot);
        t->slot = -1;
    }
    t->committed = true;
    fsync_dir(t->final_path);
    return CERT_OK;
}

void cert__tmpfile_discard(cert_tmpfile *t)
{
    if (t->tmp_path != NULL && !t->committed)
        unlink(t->tmp_path);
    registry_remove(t->slot);
    t->slot = -1;
    free(t->tmp_path);
    free(t->final_path);
    t->tmp_path = NULL;
    t->final_path = NULL;
}
