/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Split: write a built chain as the files a server (or IAM) wants: cert.pem, chain.pem, key.pem
 * and optionally fullchain.pem, all or nothing.
 */
#ifndef LIBCERT_SPLIT_H
#define LIBCERT_SPLIT_H

#include "chain.h"
#include "key.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One output of a split. */
typedef enum cert_split_part {
    CERT_PART_CERT = 0,  /**< the leaf */
    CERT_PART_CHAIN,     /**< the chain in issuing order, the leaf's issuer first */
    CERT_PART_KEY,       /**< the private key, unencrypted */
    CERT_PART_FULLCHAIN, /**< the leaf, then the chain */
} cert_split_part;

/** Options for cert_split_write(). Initialise with CERT_SPLIT_OPTS_INIT. */
typedef struct cert_split_opts {
    unsigned int version;
    const char *out_dir;        /**< borrowed; NULL means "." */
    const char *prefix;         /**< borrowed; prepended to each file name; NULL for none */
    bool fullchain;             /**< also write fullchain.pem */
    bool no_key;                /**< do not write key.pem */
    bool force;                 /**< overwrite existing files (and nothing else) */
    cert_key_format key_format; /**< form of key.pem */
} cert_split_opts;

#define CERT_SPLIT_OPTS_VERSION 1
#define CERT_SPLIT_OPTS_INIT                                                                       \
    {                                                                                              \
        CERT_SPLIT_OPTS_VERSION, NULL, NULL, false, false, false, CERT_KEY_PKCS8                   \
    }

/**
 * Render one part as PEM (LF line endings; the same chain always gives the same bytes).
 * CERT_PART_CHAIN is what cert_chain_write_pem(chain, true, ...) writes; CERT_PART_FULLCHAIN is
 * the leaf followed by it.
 * @param chain borrowed
 * @param part  which part; CERT_PART_KEY needs a key in the chain
 * @param fmt   form of the key (ignored for other parts)
 * @param out   new NUL-terminated buffer owned by the caller; free it with
 *              cert_secret_free(*out, *len_out) (it may hold a key); NULL on failure
 * @param len_out its length without the NUL
 * @return CERT_OK; CERT_E_INVALID (no key for CERT_PART_KEY; no traditional form); CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_split_render(const cert_chain *chain, cert_split_part part,
                                       cert_key_format fmt, char **out, size_t *len_out);

/**
 * Write the parts to files, all or nothing: every file is written under a temporary name
 * (O_EXCL), flushed and then moved into place; without opts->force an existing file stops the
 * whole split before anything is written. key.pem is created 0600, the others 0644. A signal
 * that ends the process meanwhile leaves no partial file if the caller's handler calls
 * cert_split_abort().
 * @param chain borrowed; needs a key unless opts->no_key
 * @param opts  borrowed; NULL means CERT_SPLIT_OPTS_INIT
 * @return CERT_OK; CERT_E_EXISTS (a file exists: cert_error_last() names it and says --force);
 *         CERT_E_IO; CERT_E_INVALID (no key and not no_key); CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_split_write(const cert_chain *chain, const cert_split_opts *opts);

/**
 * The parts cert_split_write() writes for these options, in order (cert, chain, key, fullchain).
 * @param opts  borrowed; NULL means CERT_SPLIT_OPTS_INIT
 * @param parts filled with up to 4 parts
 * @return how many
 */
CERT_EXTERN size_t cert_split_parts(const cert_split_opts *opts, cert_split_part parts[4]);

/**
 * The path cert_split_write() writes a part to: out_dir, prefix and the part's name.
 * @param opts borrowed; NULL means CERT_SPLIT_OPTS_INIT
 * @param out  new string owned by the caller (free()); NULL on failure
 * @return CERT_OK or CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_split_path(const cert_split_opts *opts, cert_split_part part, char **out);

/**
 * The file name cert_split_write() gives a part ("cert.pem", "fullchain.pem").
 * @return static string
 */
CERT_EXTERN const char *cert_split_part_name(cert_split_part part);

/**
 * Remove every temporary file a cert_split_write() in progress has created, and (without force)
 * every part it has already moved into place. Only files this run created go: each path is
 * removed only while its device and inode are those of the file created, so an output another
 * process created after the existence check stays. Async-signal-safe: meant for a
 * SIGINT/SIGTERM handler, which should then re-raise the signal.
 */
CERT_EXTERN void cert_split_abort(void);

#ifdef __cplusplus
}
#endif

#endif
