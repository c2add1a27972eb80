/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Password-based encryption parameters, read before any key derivation runs, and OpenSSL's
 * legacy provider, loaded only when an input's cipher needs it.
 */
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/provider.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <string.h>

#include "bundle_int.h"
#include "util/error_int.h"

static pthread_mutex_t legacy_lock = PTHREAD_MUTEX_INITIALIZER;
static OSSL_PROVIDER *legacy_prov, *default_prov;

/* Load the legacy provider (RC2, DES, RC4, ...) next to the default one, once. The caller is on
 * the main thread before workers start (bundle.h says so). */
static cert_err load_legacy(const char *what)
{
    cert_err err = CERT_OK;

    pthread_mutex_lock(&legacy_lock);
    if (legacy_prov == NULL) {
        /* Loading any provider explicitly stops the default one from loading implicitly. */
        if (default_prov == NULL)
            default_prov = OSSL_PROVIDER_load(NULL, "default");
        legacy_prov = OSSL_PROVIDER_load(NULL, "legacy");
        if (legacy_prov == NULL)
            err = cert__error_openssl(CERT_E_INPUT,
                                      "%s uses a legacy cipher and OpenSSL's legacy provider "
                                      "cannot be loaded; re-export it with a modern cipher (AES)",
                                      what);
    }
    pthread_mutex_unlock(&legacy_lock);
    return err;
}

static cert_err need_cipher(const char *name, const char *what)
{
    EVP_CIPHER *c;

    if (name == NULL)
        return cert__error_set(CERT_E_INPUT, "%s: unknown encryption algorithm", what);
    c = EVP_CIPHER_fetch(NULL, name, NULL);
    if (c == NULL) {
        cert_err err;

        ERR_clear_error();
        err = load_legacy(what);
        if (err < 0)
            return err;
        c = EVP_CIPHER_fetch(NULL, name, NULL);
        if (c == NULL)
            return cert__error_openssl(CERT_E_INPUT, "%s: encryption algorithm %s is not supported",
                                       what, name);
    }
    EVP_CIPHER_free(c);
    return CERT_OK;
}

cert_err cert_pbe__check_cipher_name(const char *name, const char *what)
{
    return need_cipher(name, what);
}

static cert_err check_iter(const ASN1_INTEGER *iter, load_ctx *ctx, const char *what)
{
    const cert_bundle_opts *opts = ctx->opts;
    int64_t n;

    if (iter == NULL)
        return cert_bundle__kdf_charge(ctx, 1, what); /* the KDF's default applies: 1 */
    if (!ASN1_INTEGER_get_int64(&n, iter) || n < 1 || (uint64_t)n > opts->max_kdf_iterations)
        return cert__error_set(CERT_E_INPUT,
                               "%s: key-derivation iteration count is absurd (over %llu); "
                               "refusing to spend minutes on it; re-encrypt it with default "
                               "settings",
                               what, (unsigned long long)opts->max_kdf_iterations);
    return cert_bundle__kdf_charge(ctx, (uint64_t)n, what);
}

static cert_err check_pbes2(const X509_ALGOR *alg, load_ctx *ctx, const char *what)
{
    cert_err err = CERT_OK;
    PBE2PARAM *pbe2 = NULL;
    PBKDF2PARAM *kdf = NULL;
    SCRYPT_PARAMS *sp = NULL;
    const ASN1_OBJECT *obj;
    int kdf_nid, enc_nid;

    pbe2 = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), alg->parameter);
    if (pbe2 == NULL || pbe2->keyfunc == NULL || pbe2->encryption == NULL)
        CERT_FAIL(CERT_E_INPUT, "%s: malformed PBES2 parameters", what);
    X509_ALGOR_get0(&obj, NULL, NULL, pbe2->keyfunc);
    kdf_nid = OBJ_obj2nid(obj);
    if (kdf_nid == NID_id_pbkdf2) {
        kdf = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM), pbe2->keyfunc->parameter);
        if (kdf == NULL)
            CERT_FAIL(CERT_E_INPUT, "%s: malformed PBKDF2 parameters", what);
        CERT_TRY(check_iter(kdf->iter, ctx, what));
    } else if (kdf_nid == NID_id_scrypt) {
        uint64_t n = 0, r = 0, p = 0;

        sp = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(SCRYPT_PARAMS), pbe2->keyfunc->parameter);
        if (sp == NULL || !ASN1_INTEGER_get_uint64(&n, sp->costParameter) ||
            !ASN1_INTEGER_get_uint64(&r, sp->blockSize) ||
            !ASN1_INTEGER_get_uint64(&p, sp->parallelizationParameter))
            CERT_FAIL(CERT_E_INPUT, "%s: malformed scrypt parameters", what);
        /* scrypt costs about N*r*p block mixes and 128*N*r bytes; OpenSSL writes N=16384, r=8,
         * p=1. Allow 64 times that work, no more. */
        if (n == 0 || r == 0 || p == 0 || n > (1u << 20) || r > 32 || p > 16 ||
            n * r * p > (uint64_t)16384 * 8 * 64)
            CERT_FAIL(CERT_E_INPUT,
                      "%s: scrypt parameters are absurd (N=%llu r=%llu p=%llu); re-encrypt it "
                      "with default settings",
                      what, (unsigned long long)n, (unsigned long long)r, (unsigned long long)p);
        CERT_TRY(cert_bundle__kdf_charge(ctx, n * r * p, what));
    } else {
        CERT_FAIL(CERT_E_INPUT, "%s: unsupported key-derivation function %s", what,
                  OBJ_nid2sn(kdf_nid));
    }
    X509_ALGOR_get0(&obj, NULL, NULL, pbe2->encryption);
    enc_nid = OBJ_obj2nid(obj);
    CERT_TRY(need_cipher(enc_nid == NID_undef ? NULL : OBJ_nid2sn(enc_nid), what));

done:
    SCRYPT_PARAMS_free(sp);
    PBKDF2PARAM_free(kdf);
    PBE2PARAM_free(pbe2);
    return err;
}

cert_err cert_pbe__check(const X509_ALGOR *alg, load_ctx *ctx, const char *what)
{
    cert_err err = CERT_OK;
    const ASN1_OBJECT *obj;
    PBEPARAM *pbe = NULL;
    int nid, cipher_nid = NID_undef, md_nid = NID_undef;

    if (alg == NULL)
        return cert__error_set(CERT_E_INPUT, "%s: no encryption algorithm", what);
    X509_ALGOR_get0(&obj, NULL, NULL, alg);
    nid = OBJ_obj2nid(obj);
    if (nid == NID_pbes2)
        return check_pbes2(alg, ctx, what);
    /* PKCS#5 v1 and PKCS#12 PBE: one OID names KDF, digest and cipher. */
    if (!EVP_PBE_find(EVP_PBE_TYPE_OUTER, nid, &cipher_nid, &md_nid, NULL))
        CERT_FAIL(CERT_E_INPUT, "%s: unsupported encryption algorithm %s", what,
                  nid == NID_undef ? "(unknown)" : OBJ_nid2sn(nid));
    pbe = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBEPARAM), alg->parameter);
    if (pbe == NULL)
        CERT_FAIL(CERT_E_INPUT, "%s: malformed PBE parameters", what);
    CERT_TRY(check_iter(pbe->iter, ctx, what));
    if (cipher_nid != NID_undef)
        CERT_TRY(need_cipher(OBJ_nid2sn(cipher_nid), what));

done:
    ERR_clear_error();
    PBEPARAM_free(pbe);
    return err;
}
