/*
 * The rule set. Each code has one severity (the catalogue below); --allow downgrades an error to
 * a warning and says so.
 */
#include "libcert/checks.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcert/key.h"
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

/* IAM API Reference, UploadServerCertificate: CertificateBody and PrivateKey at most 16,384
 * characters, CertificateChain at most 2,097,152. */
#define IAM_BODY_MAX 16384
#define IAM_KEY_MAX 16384
#define IAM_CHAIN_MAX 2097152

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

typedef struct ctx {
    const cert_chain *chain;
    const cert_bundle *b;
    const cert_check_opts *o;
    int64_t now;
    cert_findings *f;
} ctx;

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

static cert_err add(ctx *c, const char *code, size_t item, const cert_source *src, const char *fmt,
                    ...) CERT_PRINTF(5, 6);

static cert_err add(ctx *c, const char *code, size_t item, const cert_source *src, const char *fmt,
                    ...)
{
    va_list ap;
    cert_err err;

    va_start(ap, fmt);
    err = vadd(c->f, c->o->allow, c->o->allow_count, c->o->key_required, code, item, src, fmt, ap);
    va_end(ap);
    return err;
}

static const char *subj(X509 *x, char *buf, size_t size)
{
    return cert__name_string(X509_get_subject_name(x), buf, size);
}

static const cert_source *csrc(ctx *c, size_t item)
{
    return item == SIZE_MAX ? NULL : cert_bundle_cert_source(c->b, item);
}

static long long days(int64_t secs)
{
    return (long long)(secs / 86400);
}

/* ---- rules ---- */

static cert_err check_key(ctx *c)
{
    size_t leaf = cert_chain_leaf_item(c->chain);
    char s[512], d[300];

    if (cert_chain_key(c->chain) != NULL || c->o->key_not_expected)
        return CERT_OK;
    if (cert_bundle_key_count(c->b) == 0)
        return add(c, "key.missing", leaf, csrc(c, leaf),
                   "no private key in the input; add the key file (key.pem, privkey.pem)");
    return add(c, "key.mismatch", leaf, cert_bundle_key_source(c->b, 0),
               "%s does not match the leaf %s (%s); the key belongs to another certificate",
               cert_bundle_key_count(c->b) == 1 ? "the private key" : "none of the private keys",
               subj(cert_chain_leaf(c->chain), s, sizeof(s)),
               cert_source_describe(csrc(c, leaf), d, sizeof(d)));
}

static cert_err check_notes(ctx *c)
{
    cert_err err = CERT_OK;
    bool mismatch = cert_chain_key(c->chain) == NULL && cert_bundle_key_count(c->b) > 0;
    char s[512], d[300];

    for (size_t i = 0; i < cert_chain_note_count(c->chain); i++) {
        const cert_chain_note *n = cert_chain_note_at(c->chain, i);
        X509 *x = cert_bundle_cert_at(c->b, n->item);

        switch (n->kind) {
        case CERT_NOTE_DUPLICATE:
            err = add(c, "chain.duplicate", n->item, csrc(c, n->item),
                      "%s appears more than once; the copy was dropped", subj(x, s, sizeof(s)));
            break;
        case CERT_NOTE_DUPLICATE_KEY:
            err = add(c, "chain.duplicate", SIZE_MAX, cert_bundle_key_source(c->b, n->item),
                      "the same private key appears more than once; the copy was dropped");
            break;
        case CERT_NOTE_UNRELATED:
            err = add(c, "unrelated.cert", n->item, csrc(c, n->item),
                      "%s is not on the leaf's path; left out", subj(x, s, sizeof(s)));
            break;
        case CERT_NOTE_UNRELATED_KEY:
            if (!mismatch)
                err = add(c, "unrelated.key", SIZE_MAX, cert_bundle_key_source(c->b, n->item),
                          "a private key that is not the leaf's; left out");
            break;
        case CERT_NOTE_ALT_PATH:
            err = add(c, "chain.alt_path", n->item, csrc(c, n->item),
                      "%s belongs to another path to a root (a cross-sign); left out "
                      "(--preferred-chain picks a path)",
                      subj(x, s, sizeof(s)));
            break;
        case CERT_NOTE_EXPIRED_CROSS:
            err = add(c, "chain.cross_expired", n->item, csrc(c, n->item),
                      "%s is an expired certificate of another path (a cross-sign); dropped",
                      subj(x, s, sizeof(s)));
            break;
        case CERT_NOTE_ROOT_OMITTED:
            err = add(c, "chain.root_omitted", n->item, csrc(c, n->item),
                      "the root %s is left out of the chain (IAM and CloudFront do not want it; "
                      "--with-root keeps it)",
                      subj(x, s, sizeof(s)));
            break;
        case CERT_NOTE_INPUT_ORDER:
            err = add(c, "chain.order", SIZE_MAX, NULL,
                      "the input listed the chain in another order; it is written leaf first, "
                      "then each issuer");
            break;
        }
        if (err < 0)
            return err;
    }
    for (size_t i = 0; i < cert_bundle_skipped_count(c->b); i++) {
        const char *label;
        const cert_source *src = cert_bundle_skipped_at(c->b, i, &label);

        snprintf(d, sizeof(d), "%s: block %zu (line %zu)", src->file, src->block, src->line);
        err = add(c, "input.ignored", SIZE_MAX, NULL, "%s: a %s block was skipped", d, label);
        if (err < 0)
            return err;
    }
    (void)d;
    return CERT_OK;
}

static cert_err check_trust(ctx *c)
{
    char s[512], t[512];
    size_t n = cert_chain_path_length(c->chain);
    X509 *top = n ? cert_chain_path_at(c->chain, n - 1) : cert_chain_leaf(c->chain);
    size_t top_item = n ? cert_chain_path_item_at(c->chain, n - 1) : cert_chain_leaf_item(c->chain);
    cert_err err = CERT_OK;

    switch (cert_chain_trust(c->chain)) {
    case CERT_TRUST_OK:
        break;
    case CERT_TRUST_INCOMPLETE:
        err = add(c, "chain.incomplete", top_item, csrc(c, top_item),
                  "no certificate for %s, the issuer of %s; add that intermediate to the input "
                  "(or, for a private CA, give its root with --ca-file)",
                  cert_chain_missing_issuer(c->chain), subj(top, s, sizeof(s)));
        break;
    case CERT_TRUST_UNTRUSTED:
        err = add(c, "chain.untrusted", SIZE_MAX, NULL,
                  "the chain does not verify to a trusted root: %s (for a private CA, give its "
                  "root with --ca-file)",
                  cert_chain_trust_reason(c->chain));
        break;
    case CERT_TRUST_TOO_LONG:
        err = add(c, "chain.too_long", top_item, csrc(c, top_item),
                  "the path from the leaf is longer than %zu certificates: %s, the %zuth, still "
                  "has an issuer above it and no root is reached within the limit; give the "
                  "shorter chain the CA offers (or raise --max-depth)",
                  n, subj(top, s, sizeof(s)), n);
        break;
    case CERT_TRUST_LOOP:
        err = add(c, "chain.loop", top_item, csrc(c, top_item),
                  "%s was issued by %s, which is already on the path: the issuers certify each "
                  "other in a loop and no path reaches a root; add the root that issued one of "
                  "them (for a private CA, give it with --ca-file)",
                  subj(top, s, sizeof(s)),
                  cert__name_string(X509_get_issuer_name(top), t, sizeof(t)));
        break;
    }
    if (err == CERT_OK && cert_chain_trust(c->chain) != CERT_TRUST_OK &&
        cert_chain_counter(c->chain, CERT_CHAIN_BOUNDED))
        err = add(c, "chain.bounded", SIZE_MAX, NULL,
                  "the path search stopped at its bounds (%zu paths, %zu signature checks, %zu "
                  "issuer candidates) before finding a valid path; the input holds too many "
                  "candidate issuers: give only the chain of this leaf",
                  cert_chain_counter(c->chain, CERT_CHAIN_PATHS_FOUND),
                  cert_chain_counter(c->chain, CERT_CHAIN_SIG_CHECKS),
                  cert_chain_counter(c->chain, CERT_CHAIN_CANDIDATES));
    return err;
}

/* The problems the path verification found (chain_check.c): each is a finding. */
static cert_err check_path(ctx *c)
{
    for (size_t i = 0; i < cert_chain__problem_count(c->chain); i++) {
        size_t item;
        const char *msg, *code = cert_chain__problem_at(c->chain, i, &item, &msg);
        cert_err err = add(c, code, item, csrc(c, item), "%s", msg);

        if (err < 0)
            return err;
    }
    return CERT_OK;
}

/* The leaf's validity; those above it are the path verification's (chain_check.c). */
static cert_err check_validity(ctx *c)
{
    X509 *x = cert_chain_leaf(c->chain);
    size_t item = cert_chain_leaf_item(c->chain);
    int64_t nb, na;
    char s[512], t[32];
    cert_err err;

    if (!cert__x509_validity(x, &nb, &na))
        return CERT_OK; /* OpenSSL would not have parsed it */
    if (na < c->now)
        return add(c, "cert.expired", item, csrc(c, item), "%s expired on %s (%lld days ago)",
                   subj(x, s, sizeof(s)), cert__time_format(na, t, sizeof(t)), days(c->now - na));
    if (nb > c->now) {
        err = add(c, "cert.not_yet_valid", item, csrc(c, item),
                  "%s is not valid until %s (%lld days from now); check the clock, or wait "
                  "(IAM rejects it as MalformedCertificate)",
                  subj(x, s, sizeof(s)), cert__time_format(nb, t, sizeof(t)), days(nb - c->now));
        if (err < 0)
            return err;
    }
    if (na - c->now < 86400)
        return add(c, "cert.expires_imminent", item, csrc(c, item),
                   "%s expires on %s, in less than 24 hours; renew it (CloudFront: replace a "
                   "certificate at least 24 hours before it expires)",
                   subj(x, s, sizeof(s)), cert__time_format(na, t, sizeof(t)));
    if (na - c->now < (int64_t)c->o->days * 86400)
        return add(c, "cert.expires_soon", item, csrc(c, item),
                   "%s expires on %s, in %lld days; renew it", subj(x, s, sizeof(s)),
                   cert__time_format(na, t, sizeof(t)), days(na - c->now));
    return CERT_OK;
}

/*
 * CloudFront developer guide, "Requirements for using SSL/TLS certificates with CloudFront"
 * (cnames-and-https-requirements.html), and ACM's "Prerequisites for importing certificates"
 * (import-certificate-prerequisites.html): RSA 1024, 2048, 3072 and 4096 bits and ECDSA P-256
 * (prime256v1, named) only. Everything else is key.unsupported; RSA 1024 is accepted by
 * CloudFront but is key.weak.
 */
static cert_err check_key_type(ctx *c)
{
    X509 *leaf = cert_chain_leaf(c->chain);
    size_t item = cert_chain_leaf_item(c->chain);
    EVP_PKEY *pk = X509_get0_pubkey(leaf);
    char d[128];
    int bits;

    ERR_clear_error();
    if (pk == NULL)
        return add(c, "key.unsupported", item, csrc(c, item),
                   "the leaf's public key cannot be read (unknown algorithm)");
    cert_key_describe(pk, d, sizeof(d));
    bits = EVP_PKEY_get_bits(pk);
    switch (EVP_PKEY_get_base_id(pk)) {
    case EVP_PKEY_RSA:
        if (bits != 1024 && bits != 2048 && bits != 3072 && bits != 4096)
            return add(c, "key.unsupported", item, csrc(c, item),
                       "the leaf's key is %s; CloudFront takes RSA 1024, 2048, 3072 or 4096 and "
                       "ECDSA P-256: reissue it with one of those",
                       d);
        if (bits < 2048)
            return add(c, "key.weak", item, csrc(c, item),
                       "the leaf's key is %s, below 2048 bits; reissue it with RSA 2048 or "
                       "ECDSA P-256",
                       d);
        return CERT_OK;
    case EVP_PKEY_EC: {
        char group[64] = "";

        if (cert__ec_group(pk, group, sizeof(group)) && strcmp(group, "prime256v1") == 0)
            return CERT_OK;
        break;
    }
    default:
        break;
    }
    return add(c, "key.unsupported", item, csrc(c, item),
               "the leaf's key is %s; CloudFront takes RSA 1024, 2048, 3072 or 4096 and ECDSA "
               "P-256 (named curve): reissue it with one of those",
               d);
}

/*
 * Whether the leaf can authenticate a TLS server. A CA:TRUE leaf: CloudFront's rule, and the
 * CA/Browser Forum BR 7.1.2.7.8 (Chromium warns, kTargetCertShouldNotBeCa). An EKU without
 * serverAuth: every browser refuses it. An EKU with anyExtendedKeyUsage but not serverAuth:
 * mozilla::pkix refuses it (MatchEKU never treats anyExtendedKeyUsage as serverAuth; Chromium
 * only warns, kEkuLacksServerAuthButHasAnyEKU). id-kp-OCSPSigning in a leaf: mozilla::pkix
 * CheckExtendedKeyUsage refuses it for any purpose but OCSP signing.
 */
static cert_err check_server(ctx *c)
{
    X509 *leaf = cert_chain_leaf(c->chain);
    size_t item = cert_chain_leaf_item(c->chain);
    uint32_t fl = X509_get_extension_flags(leaf), xku = X509_get_extended_key_usage(leaf);
    char s[512];
    cert_err err;

    if (fl & EXFLAG_CA) {
        err = add(c, "cert.not_server", item, csrc(c, item),
                  "the leaf %s is a CA certificate (basicConstraints CA:TRUE), not a server "
                  "certificate",
                  subj(leaf, s, sizeof(s)));
        if (err < 0)
            return err;
    }
    if (!(fl & EXFLAG_XKUSAGE))
        return CERT_OK;
    if (!(xku & XKU_SSL_SERVER))
        return add(c, "cert.not_server", item, csrc(c, item),
                   (xku & XKU_ANYEKU)
                       ? "the leaf %s has an extended key usage with anyExtendedKeyUsage but "
                         "not serverAuth; Firefox refuses it"
                       : "the leaf %s has an extended key usage without serverAuth; TLS "
                         "clients will reject it",
                   subj(leaf, s, sizeof(s)));
    if (xku & XKU_OCSP_SIGN)
        return add(c, "cert.not_server", item, csrc(c, item),
                   "the leaf %s has OCSPSigning in its extended key usage; Firefox refuses it "
                   "for TLS",
                   subj(leaf, s, sizeof(s)));
    return CERT_OK;
}

/* A leaf's subjectAltName, as browsers read it. */
typedef struct san_facts {
    size_t dns, ip;       /* DNS and IP entries */
    const char *cn;       /* the subject CN (borrowed from the caller) */
    bool cn_listed;       /* the CN is one of the DNS or IP entries */
    char underscore[256]; /* the first DNS entry with an underscore */
} san_facts;

static void san_scan(X509 *x, san_facts *f)
{
    GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);

    ERR_clear_error();
    for (int i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens); i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);

        if (g->type == GEN_DNS) {
            const char *d = (const char *)ASN1_STRING_get0_data(g->d.dNSName);
            size_t n = (size_t)ASN1_STRING_length(g->d.dNSName);

            f->dns++;
            if (n == strlen(f->cn) && OPENSSL_strncasecmp(d, f->cn, n) == 0)
                f->cn_listed = true;
            if (f->underscore[0] == '\0' && memchr(d, '_', n) != NULL)
                snprintf(f->underscore, sizeof(f->underscore), "%.*s", (int)(n > 200 ? 200 : n), d);
        } else if (g->type == GEN_IPADD) {
            char ip[64] = "";
            const unsigned char *a = ASN1_STRING_get0_data(g->d.iPAddress);
            int len = ASN1_STRING_length(g->d.iPAddress);

            f->ip++;
            if (len == 4)
                snprintf(ip, sizeof(ip), "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
            if (ip[0] != '\0' && strcmp(ip, f->cn) == 0)
                f->cn_listed = true;
        }
    }
    GENERAL_NAMES_free(gens);
}

/*
 * Names as browsers match them: the subjectAltName only (Chrome since 58, Firefox since 48; RFC
 * 9525 drops the CN), so a leaf without a DNS or IP entry names no host (name.no_san, whether or
 * not --host is given). The CA/Browser Forum BR 7.1.4.3 wants the CN, when present, to be one of
 * the SANs, and ballot SC12 ended underscores in DNS names (2019-04-01): warnings (name.profile),
 * browsers match such names all the same.
 */
static cert_err check_names(ctx *c)
{
    X509 *leaf = cert_chain_leaf(c->chain);
    size_t item = cert_chain_leaf_item(c->chain);
    char s[512], cn[256];
    san_facts f;
    cert_err err = CERT_OK;

    memset(&f, 0, sizeof(f));
    f.cn = cert__name_cn(X509_get_subject_name(leaf), cn, sizeof(cn));
    san_scan(leaf, &f);
    if (f.dns + f.ip == 0)
        err = add(c, "name.no_san", item, csrc(c, item),
                  "the leaf %s has no DNS or IP subjectAltName; browsers match host names "
                  "against the subjectAltName only and do not use the CN%s%s: reissue it with "
                  "the names in the subjectAltName",
                  subj(leaf, s, sizeof(s)), cn[0] ? " " : "", cn[0] ? cn : "");
    else if (cn[0] != '\0' && !f.cn_listed)
        err = add(c, "name.profile", item, csrc(c, item),
                  "the leaf's CN %s is not among its subjectAltName entries (CA/Browser Forum BR "
                  "7.1.4.3); browsers ignore the CN",
                  cn);
    if (err == CERT_OK && f.underscore[0] != '\0')
        err = add(c, "name.profile", item, csrc(c, item),
                  "the leaf's DNS name %s has an underscore, which the CA/Browser Forum BR no "
                  "longer allow (ballot SC12, 2019-04-01)",
                  f.underscore);
    for (size_t i = 0; i < c->o->host_count && err == CERT_OK; i++) {
        if (!cert_name_covers(leaf, c->o->hosts[i]))
            err = add(c, "name.uncovered", item, csrc(c, item),
                      "%s is not covered by the leaf %s (its subjectAltName does not include it, "
                      "nor a wildcard for it)",
                      c->o->hosts[i], subj(leaf, s, sizeof(s)));
    }
    return err;
}

/* Length of the PEM we write for DER of n bytes: 64-character base64 lines. */
static size_t pem_len(size_t n, size_t label_len)
{
    size_t b64 = (n + 2) / 3 * 4, lines = (b64 + 63) / 64;

    return 11 + label_len + 6 + b64 + lines + 9 + label_len + 6;
}

static cert_err check_limits(ctx *c)
{
    X509 *leaf = cert_chain_leaf(c->chain);
    size_t item = cert_chain_leaf_item(c->chain), total = 0, body;
    int n = i2d_X509(leaf, NULL);
    EVP_PKEY *key = cert_chain_key(c->chain);
    cert_err err;

    body = pem_len(n > 0 ? (size_t)n : 0, 11);
    if (body > IAM_BODY_MAX) {
        err = add(c, "limit.body", item, csrc(c, item),
                  "the certificate is %zu characters as PEM; IAM takes at most %d", body,
                  IAM_BODY_MAX);
        if (err < 0)
            return err;
    }
    for (size_t i = 0; i < cert_chain_count(c->chain); i++) {
        n = i2d_X509(cert_chain_at(c->chain, i), NULL);
        total += pem_len(n > 0 ? (size_t)n : 0, 11);
    }
    if (total > IAM_CHAIN_MAX) {
        err = add(c, "limit.chain", SIZE_MAX, NULL,
                  "the chain is %zu characters as PEM; IAM takes at most %d", total, IAM_CHAIN_MAX);
        if (err < 0)
            return err;
    }
    /* A key CloudFront takes (RSA <= 4096, P-256) is under 3,300 characters as PKCS#8 PEM:
     * encode only the others, to measure them. */
    if (key != NULL &&
        (EVP_PKEY_get_bits(key) > 4096 || EVP_PKEY_get_base_id(key) == EVP_PKEY_DSA)) {
        char *pem = NULL;
        size_t len = 0;

        if (cert_key_write_pem(key, CERT_KEY_PKCS8, &pem, &len) == CERT_OK) {
            cert_secret_free(pem, len);
            if (len > IAM_KEY_MAX)
                return add(c, "limit.key", SIZE_MAX,
                           cert_bundle_key_source(c->b, cert_chain_key_item(c->chain)),
                           "the private key is %zu characters as PEM; IAM takes at most %d", len,
                           IAM_KEY_MAX);
        }
        cert_error_clear();
    }
    return CERT_OK;
}

/* CloudFront developer guide, "Importing an SSL/TLS certificate": a certificate not under
 * /cloudfront/ is never offered to CloudFront. */
static cert_err check_iam(ctx *c)
{
    size_t item = cert_chain_leaf_item(c->chain);
    const cert_chain *e = c->o->expect;
    bool same;

    if (c->o->iam_path != NULL && !cert_iam_path_cloudfront(c->o->iam_path)) {
        cert_err err = add(c, "iam.path", item, csrc(c, item),
                           "the certificate's IAM path is %s; CloudFront uses only certificates "
                           "under /cloudfront/ (certls --fix-path moves it without re-uploading)",
                           c->o->iam_path);

        if (err < 0)
            return err;
    }
    if (e == NULL)
        return CERT_OK;
    same = X509_cmp(cert_chain_leaf(c->chain), cert_chain_leaf(e)) == 0;
    {
        /* Intermediates only: neither side counts a root. */
        size_t na = 0, nb = 0;
        X509 *ra = cert_chain_root(c->chain), *rb = cert_chain_root(e);

        for (size_t i = 0; i < cert_chain_count(c->chain); i++)
            na += cert_chain_at(c->chain, i) != ra;
        for (size_t i = 0; i < cert_chain_count(e); i++)
            nb += cert_chain_at(e, i) != rb;
        same = same && na == nb;
        for (size_t i = 0; same && i < na; i++)
            same = X509_cmp(cert_chain_at(c->chain, i), cert_chain_at(e, i)) == 0;
    }
    if (same)
        return add(c, "iam.same", item, csrc(c, item),
                   "IAM holds exactly the leaf and chain of the expected bundle");
    return add(c, "iam.differs", item, csrc(c, item),
               "IAM holds another leaf or chain than the expected bundle (compared as DER)");
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
    ctx c;

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
    CERT_TRY(check_key(&c));
    CERT_TRY(check_trust(&c));
    CERT_TRY(check_validity(&c));
    CERT_TRY(check_path(&c));
    CERT_TRY(check_key_type(&c));
    CERT_TRY(check_server(&c));
    CERT_TRY(check_names(&c));
    CERT_TRY(check_limits(&c));
    CERT_TRY(check_iam(&c));
    CERT_TRY(check_notes(&c));
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
