/* SPDX-License-Identifier: Apache-2.0 */
/* Split: the chain as cert.pem, chain.pem, key.pem, fullchain.pem; all or nothing. */
#include "libcert/split.h"

#include <errno.h>
#include <openssl/pem.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/error_int.h"
#include "util/file.h"
#include "x509_int.h"

static const cert_split_opts default_opts = CERT_SPLIT_OPTS_INIT;

const char *cert_split_part_name(cert_split_part part)
{
    switch (part) {
    case CERT_PART_CERT:
        return "cert.pem";
    case CERT_PART_CHAIN:
        return "chain.pem";
    case CERT_PART_KEY:
        return "key.pem";
    case CERT_PART_FULLCHAIN:
        return "fullchain.pem";
    }
    return "unknown.pem";
}

cert_err cert_split_render(const cert_chain *c, cert_split_part part, cert_key_format fmt,
                           char **out, size_t *len_out)
{
    cert_err err = CERT_OK;
    BIO *bio = NULL;

    if (c == NULL || out == NULL || len_out == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_split_render: NULL argument");
    *out = NULL;
    *len_out = 0;
    if (part == CERT_PART_KEY) {
        if (cert_chain_key(c) == NULL)
            return cert__error_set(CERT_E_INVALID, "no private key for the leaf to write");
        return cert_key_write_pem(cert_chain_key(c), fmt, out, len_out);
    }
    bio = BIO_new(BIO_s_mem());
    if (bio == NULL)
        CERT_NOMEM();
    if ((part == CERT_PART_CERT || part == CERT_PART_FULLCHAIN) &&
        !PEM_write_bio_X509(bio, cert_chain_leaf(c)))
        CERT_FAIL_SSL(CERT_E_INTERNAL, "cannot encode a certificate");
    /* The chain as cert_chain_write_pem() writes it, the root kept when the chain holds it. */
    if (part == CERT_PART_CHAIN || part == CERT_PART_FULLCHAIN)
        CERT_TRY(cert_chain__write_pem_bio(c, true, bio));
    CERT_TRY(cert__bio_dup(bio, out, len_out));

done:
    BIO_free(bio);
    return err;
}

size_t cert_split_parts(const cert_split_opts *o, cert_split_part parts[4])
{
    size_t n = 0;

    if (o == NULL)
        o = &default_opts;
    parts[n++] = CERT_PART_CERT;
    parts[n++] = CERT_PART_CHAIN;
    if (!o->no_key)
        parts[n++] = CERT_PART_KEY;
    if (o->fullchain)
        parts[n++] = CERT_PART_FULLCHAIN;
    return n;
}

cert_err cert_split_path(const cert_split_opts *o, cert_split_part part, char **out)
{
    char *name = NULL;

    if (o == NULL)
        o = &default_opts;
    *out = NULL;
    if (asprintf(&name, "%s%s", o->prefix ? o->prefix : "", cert_split_part_name(part)) < 0)
        return cert__error_nomem();
    *out = cert__path_join(o->out_dir, name);
    free(name);
    return *out ? CERT_OK : cert__error_nomem();
}

void cert_split_abort(void)
{
    cert__tmpfile_abort_all();
}

cert_err cert_split_write(const cert_chain *c, const cert_split_opts *o)
{
    cert_err err = CERT_OK;
    cert_split_part parts[4];
    size_t nparts = 0, written = 0;
    cert_tmpfile tmp[4];
    char *paths[4] = {NULL, NULL, NULL, NULL};
    struct stat st;

    memset(tmp, 0, sizeof(tmp));
    for (size_t i = 0; i < 4; i++)
        tmp[i].slot = -1;
    if (c == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_split_write: NULL chain");
    if (o == NULL)
        o = &default_opts;
    if (!o->no_key && cert_chain_key(c) == NULL)
        return cert__error_set(CERT_E_INVALID,
                               "no private key matches the leaf; nothing written (use --no-key "
                               "to write the certificates alone)");
    nparts = cert_split_parts(o, parts);
    if (o->out_dir != NULL && (stat(o->out_dir, &st) != 0 || !S_ISDIR(st.st_mode)))
        CERT_FAIL(CERT_E_IO, "%s: not a directory; create it first", o->out_dir);
    /* Refuse before writing anything: an existing file stops the whole split. */
    for (size_t i = 0; i < nparts; i++) {
        CERT_TRY(cert_split_path(o, parts[i], &paths[i]));
        if (!o->force && lstat(paths[i], &st) == 0)
            CERT_FAIL(CERT_E_EXISTS, "%s: already exists; nothing written (--force overwrites)",
                      paths[i]);
    }
    for (size_t i = 0; i < nparts; i++) {
        char *data = NULL;
        size_t len = 0;

        CERT_TRY(cert_split_render(c, parts[i], o->key_format, &data, &len));
        err = cert__tmpfile_write(paths[i], data, len, parts[i] == CERT_PART_KEY ? 0600 : 0644,
                                  &tmp[i]);
        cert_secret_free(data, len);
        if (err < 0)
            goto done;
    }
    {
        /* With --force a rename replaces the old file, so an interrupt cannot take it back:
         * hold SIGINT, SIGTERM and SIGHUP for the few renames instead (they are delivered just
         * after, to a complete split). Without --force an interrupt removes what was moved. */
        sigset_t block, old;

        sigemptyset(&block);
        sigaddset(&block, SIGINT);
        sigaddset(&block, SIGTERM);
        sigaddset(&block, SIGHUP);
        if (o->force)
            pthread_sigmask(SIG_BLOCK, &block, &old);
        for (; written < nparts; written++) {
            err = cert__tmpfile_commit(&tmp[written], o->force);
            if (err < 0)
                break;
        }
        if (err == CERT_OK)
            for (size_t i = 0; i < nparts; i++)
                cert__tmpfile_discard(&tmp[i]); /* in place: forget them */
        if (o->force)
            pthread_sigmask(SIG_SETMASK, &old, NULL);
        if (err < 0)
            goto done;
    }

done:
    if (err < 0 && !o->force) {
        /* All or nothing: take back what was already moved into place (what this run created
         * only: the device and inode must still be ours). */
        for (size_t i = 0; i < written; i++)
            cert__tmpfile_unlink_final(&tmp[i]);
    }
    for (size_t i = 0; i < 4; i++) {
        cert__tmpfile_discard(&tmp[i]);
        free(paths[i]);
    }
    return err;
}
