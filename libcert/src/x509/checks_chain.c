/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rules about the chain (checks.c runs them): its trust, the problems of its path, what
 * was dropped or reordered, IAM's size limits and path, the --expect comparison.
 */
#include <stdio.h>

#include "libcert/checks.h"
#include "libcert/key.h"
#include "x509_int.h"

/* IAM API Reference, UploadServerCertificate: CertificateBody and PrivateKey at most 16,384
 * characters, CertificateChain at most 2,097,152. */
#define IAM_BODY_MAX 16384
#define IAM_KEY_MAX 16384
#define IAM_CHAIN_MAX 2097152

cert_err cert_checks__notes(checks_ctx *c)
{
    cert_err err = CERT_OK;
    bool mismatch = cert_chain_key(c->chain) == NULL && cert_bundle_key_count(c->b) > 0;
    char s[512], d[300];

    for (size_t i = 0; i < cert_chain_note_count(c->chain); i++) {
        const cert_chain_note *n = cert_chain_note_at(c->chain, i);
        X509 *x = cert_bundle_cert_at(c->b, n->item);

        switch (n->kind) {
        case CERT_NOTE_DUPLICATE:
            err = cert_checks__add(c, "chain.duplicate", n->item, cert_checks__csrc(c, n->item),
                                   "%s appears more than once; the copy was dropped",
                                   cert_checks__subj(x, s, sizeof(s)));
            break;
        case CERT_NOTE_DUPLICATE_KEY:
            err = cert_checks__add(
                c, "chain.duplicate", SIZE_MAX, cert_bundle_key_source(c->b, n->item),
                "the same private key appears more than once; the copy was dropped");
            break;
        case CERT_NOTE_UNRELATED:
            err = cert_checks__add(c, "unrelated.cert", n->item, cert_checks__csrc(c, n->item),
                                   "%s is not on the leaf's path; left out",
                                   cert_checks__subj(x, s, sizeof(s)));
            break;
        case CERT_NOTE_UNRELATED_KEY:
            if (!mismatch)
                err = cert_checks__add(c, "unrelated.key", SIZE_MAX,
                                       cert_bundle_key_source(c->b, n->item),
                                       "a private key that is not the leaf's; left out");
            break;
        case CERT_NOTE_ALT_PATH:
            err = cert_checks__add(c, "chain.alt_path", n->item, cert_checks__csrc(c, n->item),
                                   "%s belongs to another path to a root (a cross-sign); left out "
                                   "(--preferred-chain picks a path)",
                                   cert_checks__subj(x, s, sizeof(s)));
            break;
        case CERT_NOTE_EXPIRED_CROSS:
            err = cert_checks__add(
                c, "chain.cross_expired", n->item, cert_checks__csrc(c, n->item),
                "%s is an expired certificate of another path (a cross-sign); dropped",
                cert_checks__subj(x, s, sizeof(s)));
            break;
        case CERT_NOTE_ROOT_OMITTED:
            err = cert_checks__add(
                c, "chain.root_omitted", n->item, cert_checks__csrc(c, n->item),
                "the root %s is left out of the chain (IAM and CloudFront do not want it; "
                "--with-root keeps it)",
                cert_checks__subj(x, s, sizeof(s)));
            break;
        case CERT_NOTE_INPUT_ORDER:
            err = cert_checks__add(
                c, "chain.order", SIZE_MAX, NULL,
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
        err = cert_checks__add(c, "input.ignored", SIZE_MAX, NULL, "%s: a %s block was skipped", d,
                               label);
        if (err < 0)
            return err;
    }
    (void)d;
    return CERT_OK;
}

cert_err cert_checks__trust(checks_ctx *c)
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
        err = cert_checks__add(
            c, "chain.incomplete", top_item, cert_checks__csrc(c, top_item),
            "no certificate for %s, the issuer of %s; add that intermediate to the input "
            "(or, for a private CA, give its root with --ca-file)",
            cert_chain_missing_issuer(c->chain), cert_checks__subj(top, s, sizeof(s)));
        break;
    case CERT_TRUST_UNTRUSTED:
        err = cert_checks__add(
            c, "chain.untrusted", SIZE_MAX, NULL,
            "the chain does not verify to a trusted root: %s (for a private CA, give its "
            "root with --ca-file)",
            cert_chain_trust_reason(c->chain));
        break;
    case CERT_TRUST_TOO_LONG:
        err = cert_checks__add(
            c, "chain.too_long", top_item, cert_checks__csrc(c, top_item),
            "the path from the leaf is longer than %zu certificates: %s, the %zuth, still "
            "has an issuer above it and no root is reached within the limit; give the "
            "shorter chain the CA offers (or raise --max-depth)",
            n, cert_checks__subj(top, s, sizeof(s)), n);
        break;
    case CERT_TRUST_LOOP:
        err = cert_checks__add(
            c, "chain.loop", top_item, cert_checks__csrc(c, top_item),
            "%s was issued by %s, which is already on the path: the issuers certify each "
            "other in a loop and no path reaches a root; add the root that issued one of "
            "them (for a private CA, give it with --ca-file)",
            cert_checks__subj(top, s, sizeof(s)),
            cert__name_string(X509_get_issuer_name(top), t, sizeof(t)));
        break;
    }
    if (err == CERT_OK && cert_chain_trust(c->chain) != CERT_TRUST_OK &&
        cert_chain_counter(c->chain, CERT_CHAIN_BOUNDED))
        err = cert_checks__add(
            c, "chain.bounded", SIZE_MAX, NULL,
            "the path search stopped at its bounds (%zu paths, %zu signature checks, %zu "
            "issuer candidates) before finding a valid path; the input holds too many "
            "candidate issuers: give only the chain of this leaf",
            cert_chain_counter(c->chain, CERT_CHAIN_PATHS_FOUND),
            cert_chain_counter(c->chain, CERT_CHAIN_SIG_CHECKS),
            cert_chain_counter(c->chain, CERT_CHAIN_CANDIDATES));
    return err;
}

/* The problems the path verification found (chain_check.c): each is a finding. */
cert_err cert_checks__path(checks_ctx *c)
{
    for (size_t i = 0; i < cert_chain__problem_count(c->chain); i++) {
        size_t item;
        const char *msg, *code = cert_chain__problem_at(c->chain, i, &item, &msg);
        cert_err err = cert_checks__add(c, code, item, cert_checks__csrc(c, item), "%s", msg);

        if (err < 0)
            return err;
    }
    return CERT_OK;
}

/* Length of the PEM we write for DER of n bytes: 64-character base64 lines. */
static size_t pem_len(size_t n, size_t label_len)
{
    size_t b64 = (n + 2) / 3 * 4, lines = (b64 + 63) / 64;

    return 11 + label_len + 6 + b64 + lines + 9 + label_len + 6;
}

cert_err cert_checks__limits(checks_ctx *c)
{
    X509 *leaf = cert_chain_leaf(c->chain);
    size_t item = cert_chain_leaf_item(c->chain), total = 0, body;
    int n = i2d_X509(leaf, NULL);
    EVP_PKEY *key = cert_chain_key(c->chain);
    cert_err err;

    body = pem_len(n > 0 ? (size_t)n : 0, 11);
    if (body > IAM_BODY_MAX) {
        err = cert_checks__add(c, "limit.body", item, cert_checks__csrc(c, item),
                               "the certificate is %zu characters as PEM; IAM takes at most %d",
                               body, IAM_BODY_MAX);
        if (err < 0)
            return err;
    }
    for (size_t i = 0; i < cert_chain_count(c->chain); i++) {
        n = i2d_X509(cert_chain_at(c->chain, i), NULL);
        total += pem_len(n > 0 ? (size_t)n : 0, 11);
    }
    if (total > IAM_CHAIN_MAX) {
        err = cert_checks__add(c, "limit.chain", SIZE_MAX, NULL,
                               "the chain is %zu characters as PEM; IAM takes at most %d", total,
                               IAM_CHAIN_MAX);
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
                return cert_checks__add(
                    c, "limit.key", SIZE_MAX,
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
cert_err cert_checks__iam(checks_ctx *c)
{
    size_t item = cert_chain_leaf_item(c->chain);
    const cert_chain *e = c->o->expect;
    bool same;

    if (c->o->iam_path != NULL && !cert_iam_path_cloudfront(c->o->iam_path)) {
        cert_err err =
            cert_checks__add(c, "iam.path", item, cert_checks__csrc(c, item),
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
        return cert_checks__add(c, "iam.same", item, cert_checks__csrc(c, item),
                                "IAM holds exactly the leaf and chain of the expected bundle");
    return cert_checks__add(
        c, "iam.differs", item, cert_checks__csrc(c, item),
        "IAM holds another leaf or chain than the expected bundle (compared as DER)");
}
