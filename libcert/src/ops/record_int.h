/* SPDX-License-Identifier: Apache-2.0 */
/* The record certrotate keeps on the certificate it put on distributions: which certificates it
 * replaced, on which distributions (record.c). It lets a rerun, after the old certificate was
 * deleted, know what that job replaced; --delete-old deletes nothing else. */
#ifndef LIBCERT_OPS_RECORD_INT_H
#define LIBCERT_OPS_RECORD_INT_H

#include "libcert/records.h"

/* Tags on the new certificate (IAM tags, or ACM tags sent with ImportCertificate), one per
 * replaced certificate:
 *   libcert:replaces:<ServerCertificateId or ACM ARN> = "<ServerCertificateName> <dist id> ..."
 * with more distributions in libcert:replaces:<id>:2, :3, ... when the value (at most 256
 * characters of [\p{L}\p{Z}\p{N}_.:/=+\-@]) is full; a name a tag cannot hold (a comma) is "-".
 * (IAM API Reference, Tag: Key 1-128, Value 0-256 characters, that class.) */
#define RECORD_TAG_PREFIX "libcert:replaces:"

typedef struct replaced {
    char *id;   /* ServerCertificateId, or an ACM certificate's ARN */
    char *name; /* ServerCertificateName; NULL when not recorded */
    char **dists;
    size_t ndists;
    bool fresh; /* added or grown by this run: not on the certificate yet */
} replaced;

void cert_ops__record_free(replaced *v, size_t n);

/* Read the record from a certificate's tags (others ignored). */
cert_err cert_ops__record_parse(const cert_aws_tag *tags, size_t ntags, replaced **out,
                                size_t *count);

/* Add "id (name) was replaced on dist" to the record; marks what is new fresh. */
cert_err cert_ops__record_add(replaced **v, size_t *n, size_t *cap, const char *id,
                              const char *name, const char *dist);

/* The tags for the fresh entries (all of their continuation tags), owned by the caller
 * (cert_iam_tags_free()). */
cert_err cert_ops__record_tags(const replaced *v, size_t n, bool fresh_only, cert_aws_tag **out,
                               size_t *count);

/* The entry for a certificate named by id or name; NULL when none. */
const replaced *cert_ops__record_find(const replaced *v, size_t n, const char *id_or_name);

#endif
