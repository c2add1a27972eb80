/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rules about the leaf (checks.c runs them): whether its key is in the input, its
 * validity, its key type, whether it can serve TLS, its names.
 */
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

#include "libcert/checks.h"
#include "libcert/key.h"
#include "util/time_int.h"
#include "x509_int.h"

static long long days(int64_t secs)
{
    return (long long)(secs / 86400);
}

cert_err cert_checks__key(checks_ctx *c)
{
    size_t leaf = cert_chain_leaf_item(c->chain);
    char s[512], d[300];

    if (cert_chain_key(c->chain) != NULL || c->o->key_not_expected)
        return CERT_OK;
    if (cert_bundle_key_count(c->b) == 0)
        return cert_checks__add(
            c, "key.missing", leaf, cert_checks__csrc(c, leaf),
            "no private key in the input; add the key file (key.pem, privkey.pem)");
    return cert_checks__add(
        c, "key.mismatch", leaf, cert_bundle_key_source(c->b, 0),
        "%s does not match the leaf %s (%s); the key belongs to another certificate",
        cert_bundle_key_count(c->b) == 1 ? "the private key" : "none of the private keys",
        cert_checks__subj(cert_chain_leaf(c->chain), s, sizeof(s)),
        cert_source_describe(cert_checks__csrc(c, leaf), d, sizeof(d)));
}

/* The leaf's validity; those above it are the path verification's (chain_check.c). */
cert_err cert_checks__validity(checks_ctx *c)
{
    X509 *x = cert_chain_leaf(c->chain);
    size_t item = cert_chain_leaf_item(c->chain);
    int64_t nb, na;
    char s[512], t[32];
    cert_err err;

    if (!cert__x509_validity(x, &nb, &na))
        return CERT_OK; /* OpenSSL would not have parsed it */
    if (na < c->now)
        return cert_checks__add(c, "cert.expired", item, cert_checks__csrc(c, item),
                                "%s expired on %s (%lld days ago)",
                                cert_checks__subj(x, s, sizeof(s)),
                                cert__time_format(na, t, sizeof(t)), days(c->now - na));
    if (nb > c->now) {
        err = cert_checks__add(
            c, "cert.not_yet_valid", item, cert_checks__csrc(c, item),
            "%s is not valid until %s (%lld days from now); check the clock, or wait "
            "(IAM rejects it as MalformedCertificate)",
            cert_checks__subj(x, s, sizeof(s)), cert__time_format(nb, t, sizeof(t)),
            days(nb - c->now));
        if (err < 0)
            return err;
    }
    if (na - c->now < 86400)
        return cert_checks__add(
            c, "cert.expires_imminent", item, cert_checks__csrc(c, item),
            "%s expires on %s, in less than 24 hours; renew it (CloudFront: replace a "
            "certificate at least 24 hours before it expires)",
            cert_checks__subj(x, s, sizeof(s)), cert__time_format(na, t, sizeof(t)));
    if (na - c->now < (int64_t)c->o->days * 86400)
        return cert_checks__add(c, "cert.expires_soon", item, cert_checks__csrc(c, item),
                                "%s expires on %s, in %lld days; renew it",
                                cert_checks__subj(x, s, sizeof(s)),
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
cert_err cert_checks__key_type(checks_ctx *c)
{
    X509 *leaf = cert_chain_leaf(c->chain);
    size_t item = cert_chain_leaf_item(c->chain);
    EVP_PKEY *pk = X509_get0_pubkey(leaf);
    char d[128];
    int bits;

    ERR_clear_error();
    if (pk == NULL)
        return cert_checks__add(c, "key.unsupported", item, cert_checks__csrc(c, item),
                                "the leaf's public key cannot be read (unknown algorithm)");
    cert_key_describe(pk, d, sizeof(d));
    bits = EVP_PKEY_get_bits(pk);
    switch (EVP_PKEY_get_base_id(pk)) {
    case EVP_PKEY_RSA:
        if (bits != 1024 && bits != 2048 && bits != 3072 && bits != 4096)
            return cert_checks__add(
                c, "key.unsupported", item, cert_checks__csrc(c, item),
                "the leaf's key is %s; CloudFront takes RSA 1024, 2048, 3072 or 4096 and "
                "ECDSA P-256: reissue it with one of those",
                d);
        if (bits < 2048)
            return cert_checks__add(
                c, "key.weak", item, cert_checks__csrc(c, item),
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
    return cert_checks__add(
        c, "key.unsupported", item, cert_checks__csrc(c, item),
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
cert_err cert_checks__server(checks_ctx *c)
{
    X509 *leaf = cert_chain_leaf(c->chain);
    size_t item = cert_chain_leaf_item(c->chain);
    uint32_t fl = X509_get_extension_flags(leaf), xku = X509_get_extended_key_usage(leaf);
    char s[512];
    cert_err err;

    if (fl & EXFLAG_CA) {
        err = cert_checks__add(
            c, "cert.not_server", item, cert_checks__csrc(c, item),
            "the leaf %s is a CA certificate (basicConstraints CA:TRUE), not a server "
            "certificate",
            cert_checks__subj(leaf, s, sizeof(s)));
        if (err < 0)
            return err;
    }
    if (!(fl & EXFLAG_XKUSAGE))
        return CERT_OK;
    if (!(xku & XKU_SSL_SERVER))
        return cert_checks__add(
            c, "cert.not_server", item, cert_checks__csrc(c, item),
            (xku & XKU_ANYEKU)
                ? "the leaf %s has an extended key usage with anyExtendedKeyUsage but "
                  "not serverAuth; Firefox refuses it"
                : "the leaf %s has an extended key usage without serverAuth; TLS "
                  "clients will reject it",
            cert_checks__subj(leaf, s, sizeof(s)));
    if (xku & XKU_OCSP_SIGN)
        return cert_checks__add(
            c, "cert.not_server", item, cert_checks__csrc(c, item),
            "the leaf %s has OCSPSigning in its extended key usage; Firefox refuses it "
            "for TLS",
            cert_checks__subj(leaf, s, sizeof(s)));
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
cert_err cert_checks__names(checks_ctx *c)
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
        err = cert_checks__add(
            c, "name.no_san", item, cert_checks__csrc(c, item),
            "the leaf %s has no DNS or IP subjectAltName; browsers match host names "
            "against the subjectAltName only and do not use the CN%s%s: reissue it with "
            "the names in the subjectAltName",
            cert_checks__subj(leaf, s, sizeof(s)), cn[0] ? " " : "", cn[0] ? cn : "");
    else if (cn[0] != '\0' && !f.cn_listed)
        err = cert_checks__add(
            c, "name.profile", item, cert_checks__csrc(c, item),
            "the leaf's CN %s is not among its subjectAltName entries (CA/Browser Forum BR "
            "7.1.4.3); browsers ignore the CN",
            cn);
    if (err == CERT_OK && f.underscore[0] != '\0')
        err = cert_checks__add(
            c, "name.profile", item, cert_checks__csrc(c, item),
            "the leaf's DNS name %s has an underscore, which the CA/Browser Forum BR no "
            "longer allow (ballot SC12, 2019-04-01)",
            f.underscore);
    for (size_t i = 0; i < c->o->host_count && err == CERT_OK; i++) {
        if (!cert_name_covers(leaf, c->o->hosts[i]))
            err = cert_checks__add(
                c, "name.uncovered", item, cert_checks__csrc(c, item),
                "%s is not covered by the leaf %s (its subjectAltName does not include it, "
                "nor a wildcard for it)",
                c->o->hosts[i], cert_checks__subj(leaf, s, sizeof(s)));
    }
    return err;
}
