/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Certificate revocation lists given with --crl, and their use on a path.
 *
 * A CRL counts only when its signature verifies with the key of a certificate on the path whose
 * subject is the CRL's issuer, and it is current at the checks' clock (thisUpdate <= now <=
 * nextUpdate, RFC 5280 6.3.3 (a)); then a certificate that this issuer issued and the CRL lists
 * is revoked. Indirect CRLs, delta CRLs and partitioned CRLs (issuingDistributionPoint) are not
 * interpreted: such a CRL is used as a full CRL of its issuer, which can only add revocations.
 */
#include <limits.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

#include "profile_int.h"
#include "util/buf.h"
#include "util/error_int.h"
#include "util/file.h"
#include "util/time_int.h"
#include "x509_int.h"

#define CRL_FILE_MAX (64u << 20) /* bytes read from one --crl file */

typedef struct crl_entry {
    X509_CRL *crl;
    char *label; /* "FILE" or "FILE (CRL n)" for messages */
} crl_entry;

struct cert_crls {
    crl_entry *v;
    size_t n, cap;
};

cert_err cert_crls_new(cert_crls **out)
{
    if (out == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_crls_new: out is NULL");
    *out = calloc(1, sizeof(**out));
    return *out == NULL ? cert__error_nomem() : CERT_OK;
}

void cert_crls_free(cert_crls *crls)
{
    if (crls == NULL)
        return;
    for (size_t i = 0; i < crls->n; i++) {
        X509_CRL_free(crls->v[i].crl);
        free(crls->v[i].label);
    }
    free(crls->v);
    free(crls);
}

size_t cert_crls_count(const cert_crls *crls)
{
    return crls == NULL ? 0 : crls->n;
}

static cert_err push(cert_crls *crls, X509_CRL *crl, const char *path, size_t nth)
{
    cert_err err = cert__array_reserve(&crls->v, &crls->cap, crls->n, 4, sizeof(*crls->v));
    char *label = NULL;

    if (err < 0)
        return err;
    if (nth == 0 ? (label = strdup(path)) == NULL
                 : asprintf(&label, "%s (CRL %zu)", path, nth) < 0) {
        label = NULL;
        return cert__error_nomem();
    }
    crls->v[crls->n].crl = crl;
    crls->v[crls->n].label = label;
    crls->n++;
    return CERT_OK;
}

cert_err cert_crls_load_file(cert_crls *crls, const char *path)
{
    cert_err err = CERT_OK;
    cert_buf buf;
    BIO *bio = NULL;
    X509_CRL *crl = NULL;
    size_t found = 0, blocks = 0;

    if (crls == NULL || path == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_crls_load_file: NULL argument");
    memset(&buf, 0, sizeof(buf));
    CERT_TRY(cert__file_read(path, CRL_FILE_MAX, &buf));
    if (buf.len > INT_MAX)
        CERT_FAIL(CERT_E_INPUT, "%s: too large for a CRL", path);
    for (const char *p = buf.ptr; (p = strstr(p, "-----BEGIN X509 CRL-----")) != NULL; p++)
        blocks++;
    if (blocks > 0) {
        bio = BIO_new_mem_buf(buf.ptr, (int)buf.len);
        if (bio == NULL)
            CERT_NOMEM();
        while ((crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL)) != NULL) {
            found++;
            /* Numbered only when the file holds several. */
            CERT_TRY(push(crls, crl, path, blocks > 1 ? found : 0));
            crl = NULL;
        }
        ERR_clear_error();
        if (found == 0)
            CERT_FAIL(CERT_E_INPUT,
                      "%s: the X509 CRL block is not a CRL; give the CRL as PEM or "
                      "DER",
                      path);
    } else {
        const unsigned char *p = (const unsigned char *)buf.ptr;

        crl = d2i_X509_CRL(NULL, &p, (long)buf.len);
        if (crl == NULL || p != (const unsigned char *)buf.ptr + buf.len)
            CERT_FAIL(CERT_E_INPUT,
                      "%s: not a CRL (PEM X509 CRL or DER); give the CRL the CA "
                      "publishes",
                      path);
        CERT_TRY(push(crls, crl, path, 0));
        crl = NULL;
    }

done:
    ERR_clear_error();
    X509_CRL_free(crl);
    BIO_free(bio);
    cert__buf_free(&buf);
    return err;
}

/* ---- on a path ---- */

static bool crl_time(const ASN1_TIME *t, int64_t *out)
{
    return t != NULL && cert__asn1_time_get(t, out);
}

/* The position on the path whose subject issued the CRL and whose key signed it, or SIZE_MAX. */
static size_t crl_issuer(X509_CRL *crl, X509 *const *xs, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(xs[j])) != 0)
            continue;
        if (X509_CRL_verify(crl, X509_get0_pubkey(xs[j])) == 1) {
            ERR_clear_error();
            return j;
        }
        ERR_clear_error();
    }
    return SIZE_MAX;
}

static const char *reason_text(const X509_REVOKED *rev)
{
    ASN1_ENUMERATED *r = X509_REVOKED_get_ext_d2i(rev, NID_crl_reason, NULL, NULL);
    long code = r != NULL ? ASN1_ENUMERATED_get(r) : -1;
    static const char *const names[] = {
        "unspecified",   "keyCompromise",        "cACompromise",    "affiliationChanged",
        "superseded",    "cessationOfOperation", "certificateHold", "(unused)",
        "removeFromCRL", "privilegeWithdrawn",   "aACompromise"};

    ASN1_ENUMERATED_free(r);
    ERR_clear_error();
    return code >= 0 && code <= 10 ? names[code] : NULL;
}

cert_err cert__crl_check(const cert_crls *crls, X509 *const *xs, size_t n, bool anchored,
                         int64_t now, cproblems *out)
{
    cert_err err = CERT_OK;
    char s[500], t[32], t2[32];

    (void)anchored;
    for (size_t k = 0; k < crls->n && err == CERT_OK; k++) {
        X509_CRL *crl = crls->v[k].crl;
        size_t j = crl_issuer(crl, xs, n);
        int64_t this_upd = 0, next_upd = 0;
        bool has_next;

        if (j == SIZE_MAX) {
            err = cert_chain__problem_add(
                out, "crl.unrelated", SIZE_MAX, false,
                "%s: the CRL of %s was not signed by any certificate of the path; not used",
                crls->v[k].label, cert__name_string(X509_CRL_get_issuer(crl), s, sizeof(s)));
            continue;
        }
        has_next = crl_time(X509_CRL_get0_nextUpdate(crl), &next_upd);
        if (!crl_time(X509_CRL_get0_lastUpdate(crl), &this_upd) || this_upd > now ||
            (has_next && next_upd < now)) {
            err = cert_chain__problem_add(
                out, "crl.stale", SIZE_MAX, false,
                "%s: the CRL of %s is not current (thisUpdate %s, nextUpdate %s); not used: get "
                "the CA's current CRL",
                crls->v[k].label, cert__name_string(X509_CRL_get_issuer(crl), s, sizeof(s)),
                cert__time_format(this_upd, t, sizeof(t)),
                has_next ? cert__time_format(next_upd, t2, sizeof(t2)) : "none");
            continue;
        }
        /* The certificate the CRL's issuer issued on this path: the one below it. */
        if (j == 0)
            continue;
        {
            X509_REVOKED *rev = NULL;
            X509 *x = xs[j - 1];
            int64_t when = 0;
            const char *why;

            if (X509_CRL_get0_by_cert(crl, &rev, x) != 1 || rev == NULL) {
                ERR_clear_error();
                continue;
            }
            crl_time(X509_REVOKED_get0_revocationDate(rev), &when);
            why = reason_text(rev);
            err = cert_chain__problem_add(
                out, "cert.revoked", j - 1, false,
                "%s %s was revoked on %s%s%s%s (%s); browsers that check revocation refuse it",
                j - 1 == 0 ? "the leaf" : "the intermediate",
                cert__name_string(X509_get_subject_name(x), s, sizeof(s)),
                cert__time_format(when, t, sizeof(t)), why ? " (" : "", why ? why : "",
                why ? ")" : "", crls->v[k].label);
        }
    }
    return err;
}
