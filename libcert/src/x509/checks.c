/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rule set. Each code has one severity (the catalogue below); --allow downgrades an error to
 * a warning and says so. This file holds the catalogue, the list of findings and
 * cert_checks_run(); the rules are in checks_leaf.c (the leaf: its key, validity, use and
 * names) and checks_chain.c (the chain: trust, path, notes, IAM's limits and path).
 */
#include "libcert/checks.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error_int.h"
#include "util/time_int.h"
#include "x509_int.h"

typedef struct code_info {
    const char *code;
    cert_severity sev;
    const char *about;
} code_info;

/* Order here is the order findings of one severity are listed in. */
static const code_info catalogue[] = {
    {"key.missing", CERT_SEV_ERROR,
     "no private key in the input (a warning for certcheck, which may look at certificates "
     "alone)"},
    {"key.mismatch", CERT_SEV_ERROR, "the private key does not match the leaf certificate"},
    {"chain.incomplete", CERT_SEV_ERROR, "an issuer is missing between the leaf and a root"},
    {"chain.too_long", CERT_SEV_ERROR,
     "the path from the leaf goes on past --max-depth certificates (default 12)"},
    {"chain.loop", CERT_SEV_ERROR,
     "the issuers certify each other in a loop and no path reaches a root"},
    {"chain.untrusted", CERT_SEV_ERROR, "the chain does not verify up to a trusted root"},
    {"chain.profile", CERT_SEV_ERROR,
     "a certificate of the path breaks an RFC 5280 rule browsers enforce (basicConstraints, "
     "keyUsage, pathLenConstraint, critical or malformed extensions)"},
    {"chain.eku", CERT_SEV_ERROR,
     "an intermediate or the root has an extended key usage without serverAuth"},
    {"chain.key", CERT_SEV_ERROR,
     "an intermediate or the root has a key browsers do not take (DSA, EdDSA, RSA-PSS, a curve "
     "other than P-256/P-384/P-521, explicit curve parameters)"},
    {"name.constraint", CERT_SEV_ERROR,
     "a name of a certificate violates the name constraints of a CA above it"},
    {"cert.revoked", CERT_SEV_ERROR, "a certificate of the path is revoked by a --crl"},
    {"cert.expired", CERT_SEV_ERROR, "the leaf, an intermediate or the root has expired"},
    {"cert.not_yet_valid", CERT_SEV_ERROR,
     "notBefore is in the future (IAM answers this clock skew with MalformedCertificate)"},
    {"cert.expires_imminent", CERT_SEV_ERROR,
     "the leaf expires within 24 hours (CloudFront: replace at least 24 hours before)"},
    {"cert.ct", CERT_SEV_ERROR,
     "under a public root, the leaf has fewer embedded SCTs than the browsers' CT policies "
     "require"},
    {"cert.lifetime", CERT_SEV_ERROR,
     "under a public root, the leaf is valid longer than browsers allow (398 days for one "
     "issued since 2020-09-01)"},
    {"key.unsupported", CERT_SEV_ERROR,
     "CloudFront takes RSA 1024/2048/3072/4096 and ECDSA P-256 (named curve) keys only"},
    {"key.weak", CERT_SEV_ERROR, "RSA key below 2048 bits on the leaf or a CA certificate"},
    {"sig.weak", CERT_SEV_ERROR,
     "MD5 or SHA-1 signature on the leaf or an intermediate (the root's own is not checked)"},
    {"cert.not_server", CERT_SEV_ERROR,
     "the leaf cannot authenticate a TLS server (EKU without serverAuth, or CA:TRUE)"},
    {"name.no_san", CERT_SEV_ERROR,
     "the leaf has no DNS or IP subjectAltName: browsers do not use the CN"},
    {"name.uncovered", CERT_SEV_ERROR, "a --host name is not covered by the leaf's names"},
    {"limit.body", CERT_SEV_ERROR, "the certificate PEM exceeds IAM's 16,384 characters"},
    {"limit.key", CERT_SEV_ERROR, "the private key PEM exceeds IAM's 16,384 characters"},
    {"limit.chain", CERT_SEV_ERROR, "the chain PEM exceeds IAM's 2,097,152 characters"},
    {"iam.path", CERT_SEV_ERROR,
     "the IAM certificate is not under /cloudfront/, so CloudFront cannot use it"},
    {"iam.differs", CERT_SEV_ERROR,
     "IAM does not hold exactly the leaf and chain of the --expect bundle"},
    {"handle.unmatched", CERT_SEV_ERROR,
     "certattach, certrotate: a --distribution, --alias or --replace matched no distribution"},
    {"rotate.downgrade", CERT_SEV_ERROR,
     "certrotate: a distribution serves a certificate that expires later than the new one"},
    {"rotate.store", CERT_SEV_ERROR,
     "certrotate: a distribution serves CloudFront's default certificate, or the matched "
     "distributions serve from both IAM and ACM, and --store does not say where to go"},
    {"served.differs", CERT_SEV_ERROR,
     "the server sent another leaf than the expected one (--expect, --iam)"},
    {"live.differs", CERT_SEV_ERROR,
     "an address of an alias served another leaf than the distribution's certificate"},
    {"live.unresolved", CERT_SEV_ERROR,
     "an alias (or the name checked under a wildcard alias) does not resolve"},
    {"live.unreachable", CERT_SEV_ERROR, "no TLS handshake with an address of an alias"},
    {"dns.other_distribution", CERT_SEV_ERROR,
     "an alias's Route 53 record points at another CloudFront distribution"},
    {"dns.missing", CERT_SEV_ERROR,
     "the alias's hosted zone has no A, AAAA or CNAME record for it (nor a wildcard)"},
    {"acm.managed", CERT_SEV_ERROR,
     "the ACM certificate is ACM-issued (AMAZON_ISSUED, PRIVATE): never re-imported or replaced"},
    {"acm.shared", CERT_SEV_ERROR,
     "a re-import would reach resources (InUseBy) this run did not match and check"},
    {"acm.reimport.key", CERT_SEV_ERROR,
     "a re-import must keep the key algorithm and size of the certificate in the ARN"},
    {"acm.reimport.key_usage", CERT_SEV_ERROR,
     "a re-import must keep every key usage (keyEncipherment may go on ECDSA)"},
    {"acm.reimport.eku", CERT_SEV_ERROR,
     "a re-import must keep every extended key usage (clientAuth may go)"},
    {"acm.region", CERT_SEV_ERROR,
     "the ACM certificate is not in the region (us-east-1) or partition CloudFront takes it from"},
    {"acm.status", CERT_SEV_ERROR, "the ACM certificate is not ISSUED (pending, expired, revoked)"},
    {"cert.expires_soon", CERT_SEV_WARNING, "the leaf expires within --days (default 30)"},
    {"chain.expires_first", CERT_SEV_WARNING,
     "an intermediate or the root expires before the leaf"},
    {"chain.cross_expired", CERT_SEV_WARNING,
     "an expired cross-signed certificate was dropped from the chain"},
    {"chain.bounded", CERT_SEV_WARNING,
     "no path validated and the path search stopped at a bound; paths past it were not tried"},
    {"cert.profile", CERT_SEV_WARNING,
     "a certificate breaks an RFC 5280 or CA/Browser Forum issuance rule that browsers "
     "tolerate"},
    {"name.profile", CERT_SEV_WARNING,
     "the leaf's names break an issuance rule (a CN not among the SANs, an underscore)"},
    {"crl.stale", CERT_SEV_WARNING, "a --crl is not current at --at; it was not used"},
    {"crl.unrelated", CERT_SEV_WARNING,
     "a --crl was signed by no certificate of the path; it was not used"},
    {"unrelated.cert", CERT_SEV_WARNING, "a certificate is not on the leaf's path; left out"},
    {"unrelated.key", CERT_SEV_WARNING, "a private key that is not the leaf's; left out"},
    {"dns.elsewhere", CERT_SEV_WARNING,
     "an alias's Route 53 record points somewhere that is not CloudFront (--live checks what "
     "it serves)"},
    {"dns.routing", CERT_SEV_WARNING,
     "a record of an alias's routing policy (weighted, failover, ...) leads elsewhere"},
    {"dns.ambiguous", CERT_SEV_WARNING,
     "several public hosted zones of the account have the alias's zone name"},
    {"live.unrouted", CERT_SEV_WARNING,
     "an address was not checked: this host has no route for its family"},
    {"live.chain", CERT_SEV_WARNING,
     "an address served the distribution's leaf with an incomplete or untrusted chain"},
    {"chain.order", CERT_SEV_INFO, "the input listed the chain in another order"},
    {"chain.duplicate", CERT_SEV_INFO, "a certificate or key appeared twice; the copy dropped"},
    {"chain.root_omitted", CERT_SEV_INFO,
     "the self-signed root was left out of the chain (--with-root keeps it)"},
    {"chain.alt_path", CERT_SEV_INFO,
     "a certificate of another valid path (a cross-sign) was left out"},
    {"input.ignored", CERT_SEV_INFO, "a PEM block that is not a certificate or key was skipped"},
    {"iam.same", CERT_SEV_INFO, "IAM holds exactly the leaf and chain of the --expect bundle"},
    {"served.same", CERT_SEV_INFO, "the server sent the expected leaf"},
    {"served.ocsp", CERT_SEV_INFO,
     "whether the server stapled an OCSP response (when the leaf names a responder)"},
    {"dns.no_zone", CERT_SEV_INFO,
     "an alias is in no public hosted zone of the account (--live checks it by resolution)"},
};

#define NCODES (sizeof(catalogue) / sizeof(catalogue[0]))

typedef struct finding_int {
    cert_finding pub;
    size_t rank; /* catalogue position */
    size_t seq;
} finding_int;

struct cert_findings {
    finding_int *v;
    size_t n, cap;
};

static const cert_check_opts default_opts = CERT_CHECK_OPTS_INIT;

const char *cert_check_code_at(size_t i, cert_severity *sev_out, const char **about_out)
{
    if (i >= NCODES)
        return NULL;
    if (sev_out != NULL)
        *sev_out = catalogue[i].sev;
    if (about_out != NULL)
        *about_out = catalogue[i].about;
    return catalogue[i].code;
}

static size_t code_rank(const char *code)
{
    for (size_t i = 0; i < NCODES; i++) {
        if (strcmp(catalogue[i].code, code) == 0)
            return i;
    }
    return SIZE_MAX;
}

bool cert_check_code_known(const char *code)
{
    return code != NULL && code_rank(code) != SIZE_MAX;
}

cert_severity cert_check__severity(const char *code)
{
    size_t r = code_rank(code);

    return r == SIZE_MAX ? CERT_SEV_ERROR : catalogue[r].sev;
}

const char *cert_severity_name(cert_severity s)
{
    switch (s) {
    case CERT_SEV_ERROR:
        return "error";
    case CERT_SEV_WARNING:
        return "warning";
    case CERT_SEV_INFO:
        return "info";
    }
    return "unknown";
}

cert_err cert_time_parse(const char *text, int64_t *out)
{
    return cert__time_parse(text, out);
}

/* ---- building the list ---- */

/* One finding into f: its catalogue severity (key.missing a warning unless the key is
 * required), downgraded when `allow` names it, the message formatted. */
static cert_err vadd(cert_findings *f, const char *const *allow, size_t nallow, bool key_required,
                     const char *code, size_t item, const cert_source *src, const char *fmt,
                     va_list ap) CERT_PRINTF(8, 0);

static cert_err vadd(cert_findings *f, const char *const *allow, size_t nallow, bool key_required,
                     const char *code, size_t item, const cert_source *src, const char *fmt,
                     va_list ap)
{
    finding_int *fi;
    size_t rank = code_rank(code);
    char msg[1024];
    int n;

    if (rank == SIZE_MAX)
        return cert__error_set(CERT_E_INTERNAL, "finding code %s is not in the catalogue", code);
    if (f->n == f->cap) {
        size_t ncap = f->cap ? f->cap * 2 : 8;
        finding_int *nv = realloc(f->v, ncap * sizeof(*nv));

        if (nv == NULL)
            return cert__error_nomem();
        f->v = nv;
        f->cap = ncap;
    }
    n = vsnprintf(msg, sizeof(msg), fmt, ap);
    if (n < 0)
        return cert__error_set(CERT_E_INTERNAL, "formatting a finding failed");
    fi = &f->v[f->n];
    memset(fi, 0, sizeof(*fi));
    fi->rank = rank;
    fi->seq = f->n;
    fi->pub.code = catalogue[rank].code;
    fi->pub.severity = catalogue[rank].sev;
    if (strcmp(code, "key.missing") == 0 && !key_required)
        fi->pub.severity = CERT_SEV_WARNING;
    fi->pub.item = item;
    fi->pub.source = src;
    for (size_t i = 0; i < nallow; i++) {
        if (fi->pub.severity == CERT_SEV_ERROR && strcmp(allow[i], code) == 0) {
            fi->pub.severity = CERT_SEV_WARNING;
            fi->pub.allowed = true;
            if ((size_t)n < sizeof(msg))
                snprintf(msg + n, sizeof(msg) - (size_t)n, " (allowed by --allow %s)", code);
        }
    }
    fi->pub.message = strdup(msg);
    if (fi->pub.message == NULL)
        return cert__error_nomem();
    f->n++;
    return CERT_OK;
}

cert_err cert_checks__add(checks_ctx *c, const char *code, size_t item, const cert_source *src,
                          const char *fmt, ...)
{
    va_list ap;
    cert_err err;

    va_start(ap, fmt);
    err = vadd(c->f, c->o->allow, c->o->allow_count, c->o->key_required, code, item, src, fmt, ap);
    va_end(ap);
    return err;
}

const char *cert_checks__subj(X509 *x, char *buf, size_t size)
{
    return cert__name_string(X509_get_subject_name(x), buf, size);
}

const cert_source *cert_checks__csrc(checks_ctx *c, size_t item)
{
    return item == SIZE_MAX ? NULL : cert_bundle_cert_source(c->b, item);
}

static int cmp_finding(const void *a, const void *b)
{
    const finding_int *x = a, *y = b;

    if (x->pub.severity != y->pub.severity)
        return x->pub.severity > y->pub.severity ? -1 : 1;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

bool cert_check_allowed(const cert_check_opts *o, const char *code)
{
    for (size_t i = 0; o != NULL && code != NULL && i < o->allow_count; i++) {
        if (strcmp(o->allow[i], code) == 0)
            return true;
    }
    return false;
}

cert_err cert_checks__allow_valid(const cert_check_opts *o)
{
    for (size_t i = 0; i < o->allow_count; i++) {
        if (!cert_check_code_known(o->allow[i]))
            return cert__error_set(CERT_E_INVALID, "--allow %s: not a finding code (see --help)",
                                   o->allow[i]);
    }
    return CERT_OK;
}

cert_err cert_checks_run(const cert_chain *chain, const cert_check_opts *o, cert_findings **out)
{
    cert_err err = CERT_OK;
    checks_ctx c;

    if (out == NULL || chain == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_checks_run: NULL argument");
    *out = NULL;
    if (o == NULL)
        o = &default_opts;
    if (cert_checks__allow_valid(o) < 0)
        return CERT_E_INVALID;
    memset(&c, 0, sizeof(c));
    c.chain = chain;
    c.b = cert_chain_bundle(chain);
    c.o = o;
    c.now = cert__time_resolve(o->now);
    c.f = calloc(1, sizeof(*c.f));
    if (c.f == NULL)
        CERT_NOMEM();
    CERT_TRY(cert_checks__key(&c));
    CERT_TRY(cert_checks__trust(&c));
    CERT_TRY(cert_checks__validity(&c));
    CERT_TRY(cert_checks__path(&c));
    CERT_TRY(cert_checks__key_type(&c));
    CERT_TRY(cert_checks__server(&c));
    CERT_TRY(cert_checks__names(&c));
    CERT_TRY(cert_checks__limits(&c));
    CERT_TRY(cert_checks__iam(&c));
    CERT_TRY(cert_checks__notes(&c));
    if (c.f->n > 1)
        qsort(c.f->v, c.f->n, sizeof(*c.f->v), cmp_finding);
    *out = c.f;
    c.f = NULL;

done:
    cert_findings_free(c.f);
    return err;
}

cert_err cert_findings__add(cert_findings **f, const char *const *allow, size_t nallow,
                            const char *code, size_t item, const cert_source *src, const char *fmt,
                            ...)
{
    va_list ap;
    cert_err err;

    if (*f == NULL && (*f = calloc(1, sizeof(**f))) == NULL)
        return cert__error_nomem();
    va_start(ap, fmt);
    err = vadd(*f, allow, nallow, false, code, item, src, fmt, ap);
    va_end(ap);
    if (err == CERT_OK && (*f)->n > 1)
        qsort((*f)->v, (*f)->n, sizeof(*(*f)->v), cmp_finding);
    return err;
}

void cert_findings_free(cert_findings *f)
{
    if (f == NULL)
        return;
    for (size_t i = 0; i < f->n; i++)
        free((char *)f->v[i].pub.message);
    free(f->v);
    free(f);
}

size_t cert_findings_count(const cert_findings *f)
{
    return f ? f->n : 0;
}

const cert_finding *cert_findings_at(const cert_findings *f, size_t i)
{
    return f && i < f->n ? &f->v[i].pub : NULL;
}

const cert_finding *cert_findings_find(const cert_findings *f, const char *code)
{
    for (size_t i = 0; f && i < f->n; i++) {
        if (strcmp(f->v[i].pub.code, code) == 0)
            return &f->v[i].pub;
    }
    return NULL;
}

size_t cert_findings_count_severity(const cert_findings *f, cert_severity s)
{
    size_t n = 0;

    for (size_t i = 0; f && i < f->n; i++)
        n += f->v[i].pub.severity == s;
    return n;
}
