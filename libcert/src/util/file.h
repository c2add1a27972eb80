/* SPDX-License-Identifier: Apache-2.0 */
/* Bounded file reads and all-or-nothing file writes. */
#ifndef LIBCERT_UTIL_FILE_H
#define LIBCERT_UTIL_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "buf.h"

/**
 * Read a whole file ("-" is standard input) into `out`, which is initialised here as a secret
 * buffer (files may hold keys) capped at `max` bytes.
 * @return CERT_OK; CERT_E_IO (message names the path and errno); CERT_E_INPUT (too large)
 */
cert_err cert__file_read(const char *path, size_t max, cert_buf *out);

/** A file written under a temporary name, not yet in place. */
typedef struct cert_tmpfile {
    char *tmp_path;
    char *final_path;
    int slot; /* in the signal-cleanup registry, -1 if none */
    bool committed;
    dev_t dev; /* the file this run created (a rename keeps them): what it may remove */
    ino_t ino;
} cert_tmpfile;

/**
 * Create a temporary file beside `final_path` (O_EXCL, mode 0600), write `data`, set `mode`,
 * fsync and close it.
 * @return CERT_OK; CERT_E_IO; CERT_E_NOMEM. On failure nothing is left on disk.
 */
cert_err cert__tmpfile_write(const char *final_path, const void *data, size_t len, mode_t mode,
                             cert_tmpfile *out);

/**
 * Move a written temporary into place: without `force` only if nothing exists there
 * (renameat2 RENAME_NOREPLACE, or link+unlink), with it by rename(). Then fsync the directory.
 * Without force the final path stays registered (cert__tmpfile_abort_all() removes it) until
 * cert__tmpfile_discard(): a set of files committed one by one stays all or nothing.
 * @return CERT_OK; CERT_E_EXISTS; CERT_E_IO
 */
cert_err cert__tmpfile_commit(cert_tmpfile *t, bool force);

/** Unlink the temporary if still there, forget the paths. Safe on a zeroed struct. */
void cert__tmpfile_discard(cert_tmpfile *t);

/** Unlink the final path of a committed file while it is still the file this run created
 * (device and inode), never one that another process put there since. */
void cert__tmpfile_unlink_final(const cert_tmpfile *t);

/** Unlink every registered temporary file, and every final path registered by a commit without
 * force, each only while it is still the file this run created (device and inode compared):
 * another process may have created the final path between the caller's existence check and
 * our rename. Async-signal-safe. */
void cert__tmpfile_abort_all(void);

/** Join a directory and a name into a new string ("dir/name"); NULL dir means the name alone. */
char *cert__path_join(const char *dir, const char *name);

#endif
