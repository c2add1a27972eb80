/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IAM server certificates (IAM API Reference, API version 2010-05-08): upload, get, list (every
 * page), update, delete, tags, and the account's quota. Field names, patterns and limits are
 * those of the API reference; arguments are checked before anything is sent.
 */
#ifndef LIBCERT_IAM_H
#define LIBCERT_IAM_H

#include <openssl/x509.h>
#include <stdio.h>

#include "aws.h"
#include "records.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What UploadServerCertificate sends. Borrowed strings. */
typedef struct cert_iam_upload_req {
    const char *name;        /**< ServerCertificateName: [\w+=,.@-]+, 1 to 128 */
    const char *path;        /**< Path: "/" or /.../ of U+0021..U+007E, at most 512; NULL is "/" */
    const char *body;        /**< CertificateBody: the leaf PEM, at most 16,384 characters */
    const char *chain;       /**< CertificateChain: issuer first; NULL or "" for none */
    const char *private_key; /**< PrivateKey: unencrypted PEM, at most 16,384 characters */
    const cert_aws_tag *tags;
    size_t tag_count; /**< at most 50 */
} cert_iam_upload_req;

/**
 * UploadServerCertificate: one request.
 * @param req borrowed; the key is sent, never logged
 * @param out the new certificate's metadata, owned by the caller (cert_iam_cert_clear())
 * @return CERT_OK; CERT_E_INVALID (a field breaks the API's pattern or length: nothing sent);
 *         CERT_E_AWS (cert_aws_last_error(): EntityAlreadyExists, LimitExceeded,
 *         MalformedCertificate, KeyPairMismatch, ...); CERT_E_NET; CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_iam_upload(cert_aws *aws, const cert_iam_upload_req *req,
                                     cert_iam_cert *out);

/**
 * GetServerCertificate.
 * @param meta_out  metadata, owned by the caller; may be NULL
 * @param body_out  CertificateBody as IAM holds it, new string (free()); may be NULL
 * @param chain_out CertificateChain, new string or NULL when IAM has none; may be NULL
 * @return CERT_OK; CERT_E_INVALID; CERT_E_AWS (NoSuchEntity, ...); CERT_E_NET; CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_iam_get(cert_aws *aws, const char *name, cert_iam_cert *meta_out,
                                  char **body_out, char **chain_out);

/**
 * ListServerCertificates, every page (Marker / IsTruncated).
 * @param path_prefix PathPrefix, NULL for all
 * @param page_size   MaxItems per request, 1 to 1000; 0 means 1000 (the fewest requests)
 * @param out         new array owned by the caller (cert_iam_certs_free()), in IAM's order
 * @param count_out   its length
 */
CERT_EXTERN cert_err cert_iam_list(cert_aws *aws, const char *path_prefix, unsigned int page_size,
                                   cert_iam_cert **out, size_t *count_out);

/** UpdateServerCertificate: a new path and/or name (NULL keeps it). */
CERT_EXTERN cert_err cert_iam_update(cert_aws *aws, const char *name, const char *new_path,
                                     const char *new_name);

/** DeleteServerCertificate. CERT_E_AWS DeleteConflict while something uses it. */
CERT_EXTERN cert_err cert_iam_delete(cert_aws *aws, const char *name);

/** TagServerCertificate. */
CERT_EXTERN cert_err cert_iam_tag(cert_aws *aws, const char *name, const cert_aws_tag *tags,
                                  size_t count);

/** ListServerCertificateTags, every page; *out owned by the caller (cert_iam_tags_free()). */
CERT_EXTERN cert_err cert_iam_list_tags(cert_aws *aws, const char *name, cert_aws_tag **out,
                                        size_t *count_out);

/** GetAccountSummary: ServerCertificates and ServerCertificatesQuota (-1 when absent). */
CERT_EXTERN cert_err cert_iam_quota(cert_aws *aws, long *used_out, long *quota_out);

/** Whether `name` fits ServerCertificateName's pattern [\w+=,.@-]+ and 1 to 128 characters. */
CERT_EXTERN bool cert_iam_name_valid(const char *name);

/** Whether `path` fits Path's pattern ("/" or "/" U+0021..U+007E... "/") and 1 to 512. */
CERT_EXTERN bool cert_iam_path_valid(const char *path);

/**
 * The name certup gives a certificate: its first DNS name ("*" written "wildcard"), its
 * notAfter date and the first 8 hex digits of its SHA-256, e.g.
 * "www.example.com-2026-06-01-1a2b3c4d", made to fit the name pattern and 128 characters.
 * @param leaf borrowed
 * @param buf  at least 129 bytes
 * @return buf
 */
CERT_EXTERN char *cert_iam_name_for(const X509 *leaf, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif
