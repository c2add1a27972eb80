/* SPDX-License-Identifier: Apache-2.0 */
/* Rotate internals shared by the stages (rotate.c), the deletion of what was replaced
 * (rotate_delete.c) and the live checks (live_dist.c). */
#ifndef LIBCERT_OPS_ROTATE_INT_H
#define LIBCERT_OPS_ROTATE_INT_H

#include "libcert/rotate.h"
#include "ops/attach_int.h"
#include "ops/record_int.h"

typedef struct rotate_run {
    const cert_rotate_opts *o;
    cert_rotate_result *r;
    cert_aws *aws;
    cert_put_result preview; /* the upload as it would be: name, path, body, chain */
    bool exists;             /* IAM holds the new certificate already (a rerun) */
    bool uploaded;           /* this run uploaded it */
    cert_iam_cert existing;  /* ... its metadata */
    cert_aws_tag *tags;      /* ... its tags */
    size_t ntags;
    replaced *record; /* what it replaces: read from its tags, then this run's plan */
    size_t nrecord, record_cap;
    cert_attach_opts ao;
    attach_run ar; /* the plan and its application */
    bool ar_ready;
    /* the store */
    cert_store_kind store;
    bool store_known;           /* --store, or --replace's certificate, said it before the plan */
    bool searched;              /* the_new_certificate() ran for the store */
    cert_acm_cert existing_acm; /* ACM: the import that holds the new certificate already */
    bool need_new;              /* ACM: a distribution gets the new import attached (not all are
                                   re-imported in place) */
    char **reimport;            /* ACM: the ARNs re-imported in place, each once */
    size_t nreimport;
} rotate_run;

/* Record why the run stopped, with AWS's detail (the first reason is kept). */
cert_err cert_rotate__stop_aws(rotate_run *rn, cert_err err);

/* Record why the run stopped, from a failure the library filled (the first reason is kept). */
cert_err cert_rotate__stop_copy(rotate_run *rn, const cert_failure *f);

/* Whether --store was given (cert_rotate_opts version 4). */
bool cert_rotate__store_set(const cert_rotate_opts *o);

/* The record on the certificate found (its tags) into rn->record. false: stopped, *err says
 * why. */
bool cert_rotate__read_record(rotate_run *rn, const cert_store_cert *sc, cert_err *err);

/* The store half (rotate_acm.c). Without --store: the store the planned distributions serve
 * from, refusing one that serves from the other (rotate.store). */
void cert_rotate__decide_store(rotate_run *rn);

/* ACM: whether an import holds the new leaf and chain already (rn->existing_acm, rn->exists,
 * the record on it). false: stopped, *err says why. */
bool cert_rotate__acm_new_certificate(rotate_run *rn, cert_err *err);

/* ACM: each planned distribution re-imported in place, unchanged, or given the new import
 * (rn->need_new, rn->reimport). */
cert_err cert_rotate__acm_plan(rotate_run *rn);

/* ACM: the re-imports the plan chose (r->reimports), each distribution's state after its own.
 * false: stopped, *err says why. */
bool cert_rotate__reimport_all(rotate_run *rn, cert_err *err);

/* --delete-old: delete what this job provably replaced (rotate_delete.c). */
cert_err cert_rotate__delete_old(rotate_run *rn);

/* verify-live: a TLS handshake per alias of every confirmed distribution, r->live filled. */
cert_err cert_rotate__live_checks(const cert_rotate_opts *o, cert_rotate_result *r, X509 *leaf);

#endif
