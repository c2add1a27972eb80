/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Putting a checked chain into ACM, idempotently (cert_store_put() for the ACM store; certup
 * --store acm, certrotate). ACM has no name to conflict on, so finding an earlier import of the
 * same certificate takes a listing (ListCertificates of the leaf's key type) and a GetCertificate
 * of each candidate with the leaf's names, key and notAfter: the one exception to "fewest requests"
 * (design.md), paid only by the ACM store.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/aws_int.h"
#include "libcert/bundle.h"
#include "libcert/store.h"
#include "libcert/upload.h"
#include "ops/ops_int.h"
#include "util/error_int.h"
#include "util/time_int.h"
#include "x509/x509_int.h"

/* The leaf's DNS names as cert__x509_dns_set() makes them comparable; an ACM record's names the
 * same way (SubjectAlternativeNameSummaries: ACM lists the DNS names, or the CN when there is
 * none). */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *names_set(char *const *names, size_t n)
{
    char **v = calloc(n ? n : 1, sizeof(*v));
    size_t len = 1, k = 0;
    char *out = NULL;

    if (v == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(names[i]);

        if ((v[k] = strdup(names[i])) == NULL)
            goto done;
        for (char *p = v[k]; *p; p++)
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        if (l > 0 && v[k][l - 1] == '.')
            v[k][l - 1] = '\0';
        len += strlen(v[k]) + 1;
        k++;
    }
    qsort(v, k, sizeof(*v), cmp_str);
    if ((out = calloc(1, len)) == NULL)
        goto done;
    for (size_t i = 0; i < k; i++) {
        if (i > 0 && strcmp(v[i], v[i - 1]) == 0)
            continue;
        if (out[0] != '\0')
            strncat(out, "\n", len - strlen(out) - 1);
        strncat(out, v[i], len - strlen(out) - 1);
    }

done:
    for (size_t i = 0; i < k; i++)
        free(v[i]);
    free(v);
    return out;
}

/* Whether a listed ACM certificate could hold this leaf: imported, the same key algorithm,
 * notAfter and names. */
static bool candidate(const cert_acm_cert *c, const char *alg, int64_t not_after,
                      const char *leaf_names)
{
    char *names;
    bool same;

    if (c->type == NULL || strcmp(c->type, "IMPORTED") != 0 || c->key_algorithm == NULL ||
        strcmp(c->key_algorithm, alg) != 0 || c->not_after != not_after)
        return false;
    if ((names = names_set(c->names, c->name_count)) == NULL)
        return false;
    same = leaf_names != NULL ? strcmp(names, leaf_names) == 0 : true;
    free(names);
    return same;
}

/* What the listing keeps: an import with the leaf's key algorithm and notAfter (the names are
 * compared on the records, by candidate()). */
typedef struct find_key {
    const char *alg;
    int64_t not_after;
} find_key;

static bool keep_summary(void *ud, const char *type, const char *key_algorithm, int64_t not_after)
{
    const find_key *k = ud;

    return type != NULL && strcmp(type, "IMPORTED") == 0 && key_algorithm != NULL &&
           strcmp(key_algorithm, k->alg) == 0 && not_after == k->not_after;
}

/* The newest import first: a later import of the same leaf is the one a rerun made. */
static int cmp_imported(const void *a, const void *b)
{
    const cert_acm_cert *x = *(const cert_acm_cert *const *)a,
                        *y = *(const cert_acm_cert *const *)b;

    return x->imported_at == y->imported_at ? 0 : x->imported_at > y->imported_at ? -1 : 1;
}

cert_err cert_ops__acm_find(cert_aws *aws, const X509 *leaf, const char *body, const char *chain,
                            cert_acm_cert *found, bool *identical)
{
    cert_acm_cert *v = NULL, **cands = NULL;
    size_t n = 0, nc = 0;
    char alg[32], *leaf_names = NULL, *cb = NULL, *cc = NULL;
    int64_t nb, na;
    find_key key;
    cert_err err = CERT_OK;

    memset(found, 0, sizeof(*found));
    cert_acm_cert_clear(found);
    *identical = false;
    cert_store_acm_key_algorithm(leaf, alg, sizeof(alg));
    if (!cert__x509_validity(leaf, &nb, &na))
        return CERT_OK; /* nothing to compare with */
    CERT_TRY(cert__x509_dns_set(leaf, &leaf_names));
    key.alg = alg;
    key.not_after = na;
    /* only the leaf's key type listed (an import of it has that one), and only the summaries
     * that could hold the leaf made into records: the account may hold a thousand */
    CERT_TRY(cert_acm__list_matching(aws, 0, alg, keep_summary, &key, &v, &n));
    if ((cands = calloc(n ? n : 1, sizeof(*cands))) == NULL)
        CERT_NOMEM();
    for (size_t i = 0; i < n; i++) {
        if (candidate(&v[i], alg, na, leaf_names))
            cands[nc++] = &v[i];
    }
    qsort(cands, nc, sizeof(*cands), cmp_imported);
    for (size_t i = 0; i < nc && !*identical; i++) {
        free(cb);
        free(cc);
        cb = cc = NULL;
        err = cert_acm_get(aws, cands[i]->arn, &cb, &cc);
        if (err == CERT_E_AWS && cert_store_gone_error(aws)) { /* deleted since the listing */
            cert_error_clear();
            err = CERT_OK;
            continue;
        }
        CERT_TRY(err);
        if (!cert_bundle_same_certs(body, cb))
            continue;
        *identical = cert_bundle_same_certs(chain ? chain : "", cc ? cc : "");
        if (found->arn == NULL || *identical) {
            cert_acm_cert_clear(found);
            CERT_TRY(cert_acm_cert_copy(found, cands[i]));
        }
    }

done:
    if (err < 0)
        cert_acm_cert_clear(found);
    free(cb);
    free(cc);
    free(cands);
    free(leaf_names);
    cert_acm_certs_free(v, n);
    return err;
}

/* ---- cert_store_put() for ACM ---- */

/* The record of what was imported, from the leaf itself (a DescribeCertificate would cost a
 * request more than the import). */
static cert_err local_record(const cert_chain *c, const char *arn, cert_put_result *out)
{
    const X509 *leaf = cert_chain_leaf(c);
    cert_acm_cert *a = &out->acm;
    char alg[32], *set = NULL, cn[256];
    int64_t nb, na;

    cert_acm_cert_clear(a);
    cert_store_acm_key_algorithm(leaf, alg, sizeof(alg));
    if (cert__x509_validity(leaf, &nb, &na)) {
        a->not_before = nb;
        a->not_after = na;
    }
    cert__name_cn(X509_get_subject_name(leaf), cn, sizeof(cn));
    if ((a->arn = strdup(arn)) == NULL || (a->type = strdup("IMPORTED")) == NULL ||
        (a->key_algorithm = strdup(alg)) == NULL || (a->status = strdup("ISSUED")) == NULL ||
        (a->domain_name = strdup(cn)) == NULL || cert__x509_dns_set(leaf, &set) < 0)
        return cert__error_nomem();
    /* the names, one a line */
    for (char *p = set, *nl; p != NULL && *p; p = nl ? nl + 1 : NULL) {
        char **nv = realloc(a->names, (a->name_count + 1) * sizeof(*nv));

        nl = strchr(p, '\n');
        if (nv == NULL) {
            free(set);
            return cert__error_nomem();
        }
        a->names = nv;
        if ((nv[a->name_count] = strndup(p, nl ? (size_t)(nl - p) : strlen(p))) == NULL) {
            free(set);
            return cert__error_nomem();
        }
        a->name_count++;
    }
    free(set);
    {
        const char *ku[16], *eku[16];
        size_t nk = cert_store__key_usages(leaf, ku),
               ne = cert_store__extended_key_usages(leaf, eku, 16);

        a->key_usages = calloc(nk ? nk : 1, sizeof(char *));
        a->extended_key_usages = calloc(ne ? ne : 1, sizeof(char *));
        if (a->key_usages == NULL || a->extended_key_usages == NULL)
            return cert__error_nomem();
        for (size_t i = 0; i < nk; i++) {
            if ((a->key_usages[i] = strdup(ku[i])) == NULL)
                return cert__error_nomem();
            a->key_usage_count++;
        }
        for (size_t i = 0; i < ne; i++) {
            if ((a->extended_key_usages[i] = strdup(eku[i])) == NULL)
                return cert__error_nomem();
            a->extended_key_usage_count++;
        }
    }
    cert_iam_cert_clear(&out->meta);
    out->meta.id = strdup(arn);
    out->meta.name = strdup(arn);
    out->meta.arn = strdup(arn);
    out->meta.expiration = a->not_after;
    out->meta.upload_date = cert__time_resolve(CERT_TIME_NOW);
    return out->meta.id && out->meta.name && out->meta.arn ? CERT_OK : cert__error_nomem();
}

/* A found or described record as the result's. */
static cert_err take_record(const cert_acm_cert *a, cert_put_result *out)
{
    cert_acm_cert_clear(&out->acm);
    cert_iam_cert_clear(&out->meta);
    if (cert_acm_cert_copy(&out->acm, a) < 0)
        return CERT_E_NOMEM;
    out->meta.id = strdup(a->arn);
    out->meta.name = strdup(a->arn);
    out->meta.arn = strdup(a->arn);
    out->meta.expiration = a->not_after;
    out->meta.upload_date = a->imported_at;
    return out->meta.id && out->meta.name && out->meta.arn ? CERT_OK : cert__error_nomem();
}

/* The message of a refusal: the first rule that blocks, and how many more. */
static cert_err refused(cert_put_result *out)
{
    const cert_refusal *first = NULL;
    size_t n = 0;

    for (size_t i = 0; i < out->refusal_count; i++) {
        if (out->refusals[i].allowed)
            continue;
        first = first ? first : &out->refusals[i];
        n++;
    }
    return cert__error_set(CERT_E_REFUSED, "%s%s; nothing was sent",
                           first ? first->message : "refused",
                           n > 1 ? " (and more: see each refusal)" : "");
}

/* Re-import into `arn` after the rules, unless it holds the certificate already. */
static cert_err reimport(cert_aws *aws, const cert_chain *c, const cert_put_opts *o,
                         const char *arn, const char *key, cert_put_result *out)
{
    cert_acm_cert cur;
    char *body = NULL, *chain = NULL, *got = NULL;
    cert_acm_import_req req;
    cert_err err = CERT_OK;

    memset(&cur, 0, sizeof(cur));
    cert_acm_cert_clear(&cur);
    CERT_TRY(cert_acm_describe(aws, arn, &cur));
    CERT_TRY(cert_acm_get(aws, arn, &body, &chain));
    if (cert_bundle_same_certs(out->body, body) &&
        cert_bundle_same_certs(out->chain, chain ? chain : "")) {
        out->status = CERT_PUT_EXISTS; /* a rerun: nothing to send */
        CERT_TRY(take_record(&cur, out));
        goto done;
    }
    CERT_TRY(cert_store_reimport_rules(&cur, body, cert_chain_leaf(c), NULL, 0, o->allow,
                                       &out->refusals, &out->refusal_count));
    CERT_TRY(take_record(&cur, out)); /* what is there, for the refusal's rendering */
    if (cert_refusals_block(out->refusals, out->refusal_count)) {
        err = refused(out);
        goto done;
    }
    memset(&req, 0, sizeof(req));
    req.arn = arn;
    req.certificate = out->body;
    req.private_key = key;
    req.chain = out->chain;
    CERT_TRY(cert_acm_import(aws, &req, &got));
    out->status = CERT_PUT_REIMPORTED;
    out->attempts = cert_aws_last_error(aws)->attempts;
    CERT_TRY(local_record(c, got, out));
    /* the users stay: they are the ones it had */
    cert_acm_cert_clear(&cur);
    CERT_TRY(cert_acm_describe(aws, arn, &cur));
    cert_acm_cert_clear(&out->acm);
    CERT_TRY(cert_acm_cert_copy(&out->acm, &cur));

done:
    cert_acm_cert_clear(&cur);
    free(body);
    free(chain);
    free(got);
    return err;
}

/* ImportCertificate of a new certificate, sent again only when ACM does not hold it. A lost
 * answer is not resent by cert_acm_import() (a second import would be an orphan): the import is
 * looked for (cert_ops__acm_find()), taken when it is there, and sent again when it is not, while
 * the session's attempts last. *attempts: the imports sent. */
static cert_err import_looked_after(cert_aws *aws, const X509 *leaf, const cert_acm_import_req *req,
                                    char **arn, int *attempts)
{
    char why[512];
    cert_err err;

    *attempts = 0;
    for (;;) {
        cert_acm_cert found;
        bool identical = false;
        long wait;

        err = cert_acm_import(aws, req, arn);
        *attempts += cert_aws_last_error(aws)->attempts;
        if (err != CERT_E_NET || !aws->last_unknown)
            return err;
        snprintf(why, sizeof(why), "%s", cert_error_last()->message);
        cert_aws__log(aws, "ACM ImportCertificate: the answer was lost; looking for the import");
        err = cert_ops__acm_find(aws, leaf, req->certificate, req->chain, &found, &identical);
        if (err < 0)
            return err; /* cannot look: the outcome stays unknown, and a rerun looks */
        if (found.arn != NULL && identical) /* it was done */
            err = (*arn = strdup(found.arn)) != NULL ? CERT_OK : cert__error_nomem();
        cert_acm_cert_clear(&found);
        if (*arn != NULL || err < 0)
            return err;
        wait = cert_aws__retry_wait(aws, *attempts, false);
        if (wait < 0)
            return cert__error_set(CERT_E_NET,
                                   "%s; ACM does not hold the import after %d attempt%s; try "
                                   "again later (--max-attempts / AWS_MAX_ATTEMPTS allow more)",
                                   why, *attempts, *attempts == 1 ? "" : "s");
        cert_aws__log(aws, "ACM ImportCertificate: not there; importing again in %ld ms", wait);
        cert_aws__sleep_ms(wait);
    }
}

/* A new import, tagged (the caller's tags and CERT_TAG_UPLOADED, in the request itself). */
static cert_err import_new(cert_aws *aws, const cert_chain *c, const cert_put_opts *o,
                           const char *key, cert_put_result *out)
{
    cert_aws_tag tags[CERT_PUT_TAGS_MAX + 1];
    cert_acm_import_req req;
    char *arn = NULL;
    cert_err err;

    for (size_t i = 0; i < o->tag_count; i++)
        tags[i] = o->tags[i];
    tags[o->tag_count].key = (char *)CERT_TAG_UPLOADED;
    tags[o->tag_count].value = (char *)cert_ops__uploader(aws, o);
    memset(&req, 0, sizeof(req));
    req.certificate = out->body;
    req.private_key = key;
    req.chain = out->chain;
    req.tags = tags;
    req.tag_count = o->tag_count + 1;
    err = import_looked_after(aws, cert_chain_leaf(c), &req, &arn, &out->attempts);
    if (err == CERT_OK) {
        out->status = CERT_PUT_UPLOADED;
        err = local_record(c, arn, out);
    }
    free(arn);
    return err;
}

static cert_err acm_put(cert_aws *aws, const cert_chain *c, const cert_put_opts *o, const char *key,
                        cert_put_result *out)
{
    cert_acm_cert found;
    bool identical = false;
    cert_err err = CERT_OK;

    memset(&found, 0, sizeof(found));
    cert_acm_cert_clear(&found);
    CERT_TRY(cert_store_check(aws, CERT_STORE_ACM));
    if (o->reimport != NULL) {
        err = reimport(aws, c, o, o->reimport, key, out);
        goto done;
    }
    CERT_TRY(
        cert_ops__acm_find(aws, cert_chain_leaf(c), out->body, out->chain, &found, &identical));
    if (found.arn != NULL && identical) {
        out->status = CERT_PUT_EXISTS;
        err = take_record(&found, out);
    } else if (found.arn != NULL) { /* the same leaf with another chain: fix it in place */
        err = reimport(aws, c, o, found.arn, key, out);
    } else {
        err = import_new(aws, c, o, key, out);
    }

done:
    cert_acm_cert_clear(&found);
    return err;
}

cert_err cert_store_put(cert_aws *aws, const cert_chain *c, const cert_put_opts *o,
                        cert_put_result *out)
{
    static const cert_put_opts defaults = CERT_PUT_OPTS_INIT;
    char *key = NULL;
    size_t key_len = 0;
    cert_err err;

    if (o == NULL)
        o = &defaults;
    if (o->version < 3 || o->store == CERT_STORE_IAM)
        return cert_iam_put(aws, c, o, out);
    if (out == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_store_put: NULL result");
    memset(out, 0, sizeof(*out));
    out->version = CERT_RESULTS_VERSION;
    out->meta.upload_date = out->meta.expiration = INT64_MIN;
    cert_acm_cert_clear(&out->acm);
    out->store = CERT_STORE_ACM;
    if (c == NULL)
        err = cert__error_set(CERT_E_INVALID, "cert_store_put: NULL chain");
    else if (o->reimport != NULL && o->tag_count > 0)
        /* ACM API Reference, ImportCertificate, Tags: none on a re-import. */
        err = cert__error_set(CERT_E_INVALID, "ACM takes no tags on a re-import: give no --tag "
                                              "with --reimport");
    else if (o->reimport != NULL && !cert_acm_arn_parse(o->reimport, NULL))
        err = cert__error_set(CERT_E_INVALID,
                              "--reimport %s: not an ACM certificate ARN "
                              "(arn:aws:acm:us-east-1:ACCOUNT:certificate/ID)",
                              o->reimport);
    else
        err = cert_ops__put_prepare(c, o, out, &key, &key_len);
    if (err == CERT_OK && o->dry_run) {
        out->status = CERT_PUT_DRY_RUN;
        if (o->reimport != NULL && (out->acm.arn = strdup(o->reimport)) == NULL)
            err = cert__error_nomem();
    } else if (err == CERT_OK) {
        err = acm_put(aws, c, o, key, out);
    }
    cert_secret_free(key, key_len);
    if (err < 0 && err != CERT_E_NOMEM && cert_aws_failure(aws, err, &out->failure) < 0)
        err = CERT_E_NOMEM;
    return err;
}

/* ---- for certrotate, which searched and checked the rules itself ---- */

static cert_err start(const cert_chain *c, const cert_put_opts *o, cert_put_result *out, char **key,
                      size_t *key_len)
{
    memset(out, 0, sizeof(*out));
    out->version = CERT_RESULTS_VERSION;
    out->meta.upload_date = out->meta.expiration = INT64_MIN;
    cert_acm_cert_clear(&out->acm);
    out->store = CERT_STORE_ACM;
    return cert_ops__put_prepare(c, o, out, key, key_len);
}

cert_err cert_ops__acm_import_new(cert_aws *aws, const cert_chain *c, const cert_put_opts *o,
                                  cert_put_result *out)
{
    char *key = NULL;
    size_t key_len = 0;
    cert_err err = start(c, o, out, &key, &key_len);

    if (err == CERT_OK)
        err = import_new(aws, c, o, key, out);
    cert_secret_free(key, key_len);
    if (err < 0 && err != CERT_E_NOMEM && cert_aws_failure(aws, err, &out->failure) < 0)
        err = CERT_E_NOMEM;
    return err;
}

cert_err cert_ops__acm_reimport(cert_aws *aws, const cert_chain *c, const char *arn,
                                cert_put_result *out)
{
    static const cert_put_opts defaults = CERT_PUT_OPTS_INIT;
    cert_acm_import_req req;
    char *key = NULL, *got = NULL;
    size_t key_len = 0;
    cert_err err = start(c, &defaults, out, &key, &key_len);

    memset(&req, 0, sizeof(req));
    req.arn = arn;
    req.certificate = out->body;
    req.private_key = key;
    req.chain = out->chain;
    if (err == CERT_OK)
        err = cert_acm_import(aws, &req, &got);
    cert_secret_free(key, key_len);
    if (err == CERT_OK) {
        out->status = CERT_PUT_REIMPORTED;
        err = local_record(c, got, out);
    }
    free(got);
    if (err < 0 && err != CERT_E_NOMEM && cert_aws_failure(aws, err, &out->failure) < 0)
        err = CERT_E_NOMEM;
    return err;
}
