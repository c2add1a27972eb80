/* SPDX-License-Identifier: Apache-2.0 */
/* Binary input: DER certificates and keys, PKCS#12, PKCS#7, encrypted PKCS#8. */
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <string.h>

#include "bundle_int.h"
#include "util/error_int.h"
#include "util/size.h"

/* The DER value at `data` must span the whole input (trailing blanks allowed, as some tools
 * append a newline). */
static bool spans(const unsigned char *p, const uint8_t *data, size_t len)
{
    const uint8_t *end = data + len;

    if (p < data || p > end)
        return false;
    while (p < end && (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t' || *p == 0))
        p++;
    return p == end;
}

cert_err cert_bundle__load_pkcs7(load_ctx *ctx, const uint8_t *der, size_t len, cert_format fmt)
{
    cert_err err = CERT_OK;
    const unsigned char *p = der;
    PKCS7 *p7 = NULL;
    STACK_OF(X509) *certs = NULL;
    long llen;
    char where[512];

    if (!cert__size_to_long(len, &llen))
        CERT_FAIL(CERT_E_INPUT, "%s: PKCS#7 too large", ctx->name);
    p7 = d2i_PKCS7(NULL, &p, llen);
    if (p7 == NULL || !spans(p, der, len))
        CERT_FAIL_SSL(CERT_E_INPUT,
                      "%s: not a valid PKCS#7 structure; the file is damaged, get a fresh copy",
                      cert_bundle__where(ctx, where, sizeof(where)));
    if (PKCS7_type_is_signed(p7) && p7->d.sign != NULL)
        certs = p7->d.sign->cert;
    else if (PKCS7_type_is_signedAndEnveloped(p7) && p7->d.signed_and_enveloped != NULL)
        certs = p7->d.signed_and_enveloped->cert;
    for (int i = 0; certs != NULL && i < sk_X509_num(certs); i++) {
        X509 *x = sk_X509_value(certs, i);
        cert_source src;

        CERT_TRY(cert_bundle__count_item(ctx));
        src = cert_bundle__source(ctx, CERT_ITEM_CERT, CERT_FMT_PKCS7);
        src.member = (size_t)i + 1;
        (void)fmt;
        if (!X509_up_ref(x))
            CERT_NOMEM();
        CERT_TRY(cert_bundle__add_cert(ctx, x, src));
    }
    if (certs == NULL || sk_X509_num(certs) == 0)
        CERT_FAIL(CERT_E_INPUT, "%s: PKCS#7 holds no certificates",
                  cert_bundle__where(ctx, where, sizeof(where)));

done:
    PKCS7_free(p7);
    return err;
}

/* Passphrase for the current file; *missing says it could not be had at all. */
static cert_err get_pass(load_ctx *ctx, const char **pass, size_t *len, const char *what)
{
    if (ctx->opts->passin == NULL)
        return cert__error_set(CERT_E_INPUT, "%s: encrypted; give its passphrase with --passin",
                               what);
    return cert_passin__get(ctx->opts->passin, what, pass, len);
}

cert_err cert_bundle__load_p8_encrypted(load_ctx *ctx, const uint8_t *der, size_t len,
                                        cert_format fmt)
{
    cert_err err = CERT_OK;
    const unsigned char *p = der;
    X509_SIG *sig = NULL;
    const X509_ALGOR *alg = NULL;
    PKCS8_PRIV_KEY_INFO *p8 = NULL;
    EVP_PKEY *pkey = NULL;
    const char *pass = NULL;
    size_t plen = 0;
    long llen;
    int ipl;
    char where[512], what[600];
    cert_source src;

    cert_bundle__where(ctx, where, sizeof(where));
    snprintf(what, sizeof(what), "%s", where);
    if (!cert__size_to_long(len, &llen))
        CERT_FAIL(CERT_E_INPUT, "%s: too large", what);
    sig = d2i_X509_SIG(NULL, &p, llen);
    if (sig == NULL || !spans(p, der, len))
        CERT_FAIL_SSL(CERT_E_INPUT,
                      "%s: not a valid encrypted PKCS#8 key; get a fresh copy of the file", what);
    X509_SIG_get0(sig, &alg, NULL);
    /* Read the KDF's cost from the file before running it. */
    CERT_TRY(cert_pbe__check(alg, ctx, what));
    CERT_TRY(get_pass(ctx, &pass, &plen, what));
    if (!cert__size_to_int(plen, &ipl))
        CERT_FAIL(CERT_E_INPUT, "%s: passphrase too long", what);
    p8 = PKCS8_decrypt(sig, pass, ipl);
    if (p8 == NULL) {
        cert_passin__reject(ctx->opts->passin);
        CERT_FAIL_SSL(CERT_E_INPUT,
                      "%s: cannot decrypt the key: wrong passphrase; give the right one "
                      "with --passin",
                      what);
    }
    pkey = EVP_PKCS82PKEY(p8);
    if (pkey == NULL)
        CERT_FAIL_SSL(CERT_E_INPUT,
                      "%s: decrypted, but not a valid private key; get a fresh copy of the "
                      "file",
                      what);
    src = cert_bundle__source(ctx, CERT_ITEM_KEY, fmt);
    src.encrypted = true;
    err = cert_bundle__add_key(ctx, pkey, src);
    pkey = NULL;

done:
    EVP_PKEY_free(pkey);
    PKCS8_PRIV_KEY_INFO_free(p8);
    X509_SIG_free(sig);
    return err;
}

static cert_err p12_bag(load_ctx *ctx, const PKCS12_SAFEBAG *bag, const char *pass, int ipl,
                        size_t *member)
{
    cert_err err = CERT_OK;
    X509 *x = NULL;
    EVP_PKEY *pkey = NULL;
    PKCS8_PRIV_KEY_INFO *p8 = NULL;
    cert_source src;
    char what[600];

    (*member)++;
    snprintf(what, sizeof(what), "%s: PKCS#12 member %zu", ctx->name, *member);
    switch (PKCS12_SAFEBAG_get_nid(bag)) {
    case NID_certBag:
        if (PKCS12_SAFEBAG_get_bag_nid(bag) != NID_x509Certificate)
            break;
        CERT_TRY(cert_bundle__count_item(ctx));
        x = PKCS12_SAFEBAG_get1_cert(bag);
        if (x == NULL)
            CERT_FAIL_SSL(CERT_E_INPUT,
                          "%s: not a valid certificate; export the PKCS#12 file again", what);
        src = cert_bundle__source(ctx, CERT_ITEM_CERT, CERT_FMT_PKCS12);
        src.member = *member;
        err = cert_bundle__add_cert(ctx, x, src);
        x = NULL;
        break;
    case NID_keyBag:
        CERT_TRY(cert_bundle__count_item(ctx));
        pkey = EVP_PKCS82PKEY(PKCS12_SAFEBAG_get0_p8inf(bag));
        if (pkey == NULL)
            CERT_FAIL_SSL(CERT_E_INPUT, "%s: not a valid private key", what);
        src = cert_bundle__source(ctx, CERT_ITEM_KEY, CERT_FMT_PKCS12);
        src.member = *member;
        err = cert_bundle__add_key(ctx, pkey, src);
        pkey = NULL;
        break;
    case NID_pkcs8ShroudedKeyBag: {
        const X509_ALGOR *alg = NULL;

        CERT_TRY(cert_bundle__count_item(ctx));
        X509_SIG_get0(PKCS12_SAFEBAG_get0_pkcs8(bag), &alg, NULL);
        CERT_TRY(cert_pbe__check(alg, ctx, what));
        p8 = PKCS12_decrypt_skey(bag, pass, ipl);
        if (p8 == NULL)
            CERT_FAIL_SSL(CERT_E_INPUT,
                          "%s: cannot decrypt the key: wrong passphrase; give the right one "
                          "with --passin",
                          what);
        pkey = EVP_PKCS82PKEY(p8);
        if (pkey == NULL)
            CERT_FAIL_SSL(CERT_E_INPUT, "%s: not a valid private key", what);
        src = cert_bundle__source(ctx, CERT_ITEM_KEY, CERT_FMT_PKCS12);
        src.member = *member;
        src.encrypted = true;
        err = cert_bundle__add_key(ctx, pkey, src);
        pkey = NULL;
        break;
    }
    case NID_safeContentsBag: {
        const STACK_OF(PKCS12_SAFEBAG) *inner = PKCS12_SAFEBAG_get0_safes(bag);

        for (int i = 0; i < sk_PKCS12_SAFEBAG_num(inner); i++)
            CERT_TRY(p12_bag(ctx, sk_PKCS12_SAFEBAG_value(inner, i), pass, ipl, member));
        break;
    }
    default:
        break; /* CRL and secret bags: not ours */
    }

done:
    X509_free(x);
    EVP_PKEY_free(pkey);
    PKCS8_PRIV_KEY_INFO_free(p8);
    return err;
}

/* Refuse a MAC iteration count that would take minutes to check; *work_out is what one check
 * of the MAC costs (PKCS#12's default count is 1). */
static cert_err p12_mac_cost(load_ctx *ctx, const PKCS12 *p12, uint64_t *work_out)
{
    const ASN1_INTEGER *iter = NULL;
    int64_t n = 1;

    PKCS12_get0_mac(NULL, NULL, NULL, &iter, p12);
    if (iter != NULL &&
        (!ASN1_INTEGER_get_int64(&n, iter) || n < 1 || (uint64_t)n > ctx->opts->max_kdf_iterations))
        return cert__error_set(CERT_E_INPUT,
                               "%s: PKCS#12 MAC iteration count is absurd (over %llu); refusing "
                               "to spend minutes on it; re-export the file with default settings",
                               ctx->name, (unsigned long long)ctx->opts->max_kdf_iterations);
    *work_out = (uint64_t)n;
    return CERT_OK;
}

/* One check of the MAC with a passphrase, its key derivation charged to the bundle first. */
static cert_err p12_mac_try(load_ctx *ctx, PKCS12 *p12, uint64_t work, const char *pass, int ipl,
                            bool *ok)
{
    cert_err err = cert_bundle__kdf_charge(ctx, work, ctx->name);

    *ok = err == CERT_OK && PKCS12_verify_mac(p12, pass, ipl);
    return err;
}

/*
 * The passphrase that opens the file. With a MAC: "" or none (files exported without a
 * password), else --passin's, checked against the MAC. Without one there is nothing to test a
 * passphrase with: --passin's if given, else "". *pass_out is borrowed (a literal or passin's).
 */
static cert_err p12_passphrase(load_ctx *ctx, PKCS12 *p12, const char **pass_out, int *ipl_out)
{
    cert_err err = CERT_OK;
    const char *pass = NULL;
    size_t plen = 0;
    int ipl = 0;

    if (PKCS12_mac_present(p12)) {
        uint64_t work = 1;
        bool ok = false;

        /* Files exported without a password use "" or none; each try derives the MAC key. */
        CERT_TRY(p12_mac_cost(ctx, p12, &work));
        CERT_TRY(p12_mac_try(ctx, p12, work, "", 0, &ok));
        pass = "";
        if (!ok) {
            CERT_TRY(p12_mac_try(ctx, p12, work, NULL, 0, &ok));
            pass = NULL;
        }
        if (!ok) {
            ERR_clear_error();
            CERT_TRY(get_pass(ctx, &pass, &plen, ctx->name));
            if (!cert__size_to_int(plen, &ipl))
                CERT_FAIL(CERT_E_INPUT, "%s: passphrase too long", ctx->name);
            CERT_TRY(p12_mac_try(ctx, p12, work, pass, ipl, &ok));
            if (!ok) {
                cert_passin__reject(ctx->opts->passin);
                ERR_clear_error();
                CERT_FAIL(CERT_E_INPUT,
                          "%s: wrong passphrase (the PKCS#12 integrity check failed); give the "
                          "right one with --passin",
                          ctx->name);
            }
        }
    } else if (ctx->opts->passin != NULL &&
               cert_passin__get(ctx->opts->passin, ctx->name, &pass, &plen) == CERT_OK) {
        if (!cert__size_to_int(plen, &ipl))
            CERT_FAIL(CERT_E_INPUT, "%s: passphrase too long", ctx->name);
    } else {
        cert_error_clear();
        pass = "";
    }
    *pass_out = pass;
    *ipl_out = ipl;

done:
    return err;
}

/* The bags of one part of the authenticated safe (`i`, 0-based): plain, or encrypted with the
 * passphrase; parts of other types are not ours. */
static cert_err p12_part(load_ctx *ctx, const PKCS12 *p12, PKCS7 *p7, int i, const char *pass,
                         int ipl, size_t *member)
{
    cert_err err = CERT_OK;
    STACK_OF(PKCS12_SAFEBAG) *bags = NULL;
    int nid = OBJ_obj2nid(p7->type);
    char what[600];

    if (nid == NID_pkcs7_data) {
        bags = PKCS12_unpack_p7data(p7);
    } else if (nid == NID_pkcs7_encrypted) {
        snprintf(what, sizeof(what), "%s: PKCS#12 encrypted part %d", ctx->name, i + 1);
        if (p7->d.encrypted == NULL || p7->d.encrypted->enc_data == NULL)
            CERT_FAIL(CERT_E_INPUT, "%s is malformed", what);
        CERT_TRY(cert_pbe__check(p7->d.encrypted->enc_data->algorithm, ctx, what));
        bags = PKCS12_unpack_p7encdata(p7, pass, ipl);
        if (bags == NULL) {
            if (!PKCS12_mac_present(p12) && ctx->opts->passin == NULL)
                CERT_FAIL_SSL(CERT_E_INPUT, "%s: encrypted; give its passphrase with --passin",
                              what);
            CERT_FAIL_SSL(CERT_E_INPUT,
                          "%s: cannot decrypt; give the right passphrase with --passin", what);
        }
    } else {
        return CERT_OK;
    }
    if (bags == NULL)
        CERT_FAIL_SSL(CERT_E_INPUT, "%s: PKCS#12 part %d is malformed; export it again", ctx->name,
                      i + 1);
    for (int j = 0; j < sk_PKCS12_SAFEBAG_num(bags); j++)
        CERT_TRY(p12_bag(ctx, sk_PKCS12_SAFEBAG_value(bags, j), pass, ipl, member));

done:
    sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
    return err;
}

cert_err cert_bundle__load_pkcs12(load_ctx *ctx, const uint8_t *der, size_t len)
{
    cert_err err = CERT_OK;
    const unsigned char *p = der;
    PKCS12 *p12 = NULL;
    STACK_OF(PKCS7) *safes = NULL;
    const char *pass = NULL;
    size_t member = 0;
    int ipl = 0;
    long llen;

    if (!cert__size_to_long(len, &llen))
        CERT_FAIL(CERT_E_INPUT, "%s: PKCS#12 too large", ctx->name);
    p12 = d2i_PKCS12(NULL, &p, llen);
    if (p12 == NULL || !spans(p, der, len))
        CERT_FAIL_SSL(CERT_E_INPUT, "%s: not a valid PKCS#12 file; export it again", ctx->name);
    CERT_TRY(p12_passphrase(ctx, p12, &pass, &ipl));
    safes = PKCS12_unpack_authsafes(p12);
    if (safes == NULL)
        CERT_FAIL_SSL(CERT_E_INPUT, "%s: PKCS#12 contents are malformed; export it again",
                      ctx->name);
    for (int i = 0; i < sk_PKCS7_num(safes); i++)
        CERT_TRY(p12_part(ctx, p12, sk_PKCS7_value(safes, i), i, pass, ipl, &member));

done:
    sk_PKCS7_pop_free(safes, PKCS7_free);
    PKCS12_free(p12);
    ERR_clear_error();
    return err;
}

cert_err cert_bundle__load_der(load_ctx *ctx, const uint8_t *data, size_t len)
{
    const unsigned char *p;
    long llen;
    X509 *x;
    PKCS12 *p12;
    PKCS7 *p7;
    X509_SIG *sig;
    EVP_PKEY *pkey;

    if (!cert__size_to_long(len, &llen))
        return cert__error_set(CERT_E_INPUT, "%s: too large", ctx->name);
    /* Try each DER form in turn; OpenSSL's decoders are safe on arbitrary bytes. */
    p = data;
    x = d2i_X509(NULL, &p, llen);
    if (x != NULL) {
        X509_free(x);
        if (spans(p, data, len)) {
            cert_err err = cert_bundle__count_item(ctx);

            if (err < 0)
                return err;
            return cert_bundle__add_cert_der(ctx, data, (size_t)(p - data),
                                             cert_bundle__source(ctx, CERT_ITEM_CERT, CERT_FMT_DER),
                                             false);
        }
    }
    p = data;
    p12 = d2i_PKCS12(NULL, &p, llen);
    if (p12 != NULL) {
        PKCS12_free(p12);
        if (spans(p, data, len))
            return cert_bundle__load_pkcs12(ctx, data, len);
    }
    p = data;
    p7 = d2i_PKCS7(NULL, &p, llen);
    if (p7 != NULL) {
        PKCS7_free(p7);
        if (spans(p, data, len))
            return cert_bundle__load_pkcs7(ctx, data, len, CERT_FMT_DER);
    }
    p = data;
    sig = d2i_X509_SIG(NULL, &p, llen);
    if (sig != NULL) {
        X509_SIG_free(sig);
        if (spans(p, data, len)) {
            cert_err err = cert_bundle__count_item(ctx);

            if (err < 0)
                return err;
            return cert_bundle__load_p8_encrypted(ctx, data, len, CERT_FMT_DER);
        }
    }
    pkey = cert_key__decode_der(ctx->opts->libctx, data, len);
    if (pkey != NULL) {
        {
            cert_err err = cert_bundle__count_item(ctx);

            if (err < 0) {
                EVP_PKEY_free(pkey);
                return err;
            }
            return cert_bundle__add_key(ctx, pkey,
                                        cert_bundle__source(ctx, CERT_ITEM_KEY, CERT_FMT_DER));
        }
    }
    ERR_clear_error();
    return cert__error_set(CERT_E_INPUT,
                           "%s: not a certificate, key, PKCS#12 or PKCS#7 (neither PEM nor valid "
                           "DER); the file may be truncated or damaged",
                           ctx->name);
}
