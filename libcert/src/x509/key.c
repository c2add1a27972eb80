/* SPDX-License-Identifier: Apache-2.0 */
/* Keys: match, describe, export. */
#include "libcert/key.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle_int.h"
#include "util/error_int.h"

bool cert_key_matches(const X509 *cert, const EVP_PKEY *key)
{
    const EVP_PKEY *pub = X509_get0_pubkey(cert);
    bool ok = pub != NULL && key != NULL && EVP_PKEY_eq(pub, key) == 1;

    ERR_clear_error();
    return ok;
}

char *cert_key_describe(const EVP_PKEY *key, char *buf, size_t size)
{
    char group[64] = "";
    int explicit_params = 0;

    if (size == 0)
        return buf;
    if (key == NULL) {
        snprintf(buf, size, "no key");
        return buf;
    }
    switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
        snprintf(buf, size, "RSA %d", EVP_PKEY_get_bits(key));
        break;
    case EVP_PKEY_RSA_PSS:
        snprintf(buf, size, "RSA-PSS %d", EVP_PKEY_get_bits(key));
        break;
    case EVP_PKEY_DSA:
        snprintf(buf, size, "DSA %d", EVP_PKEY_get_bits(key));
        break;
    case EVP_PKEY_EC: {
        size_t glen = 0;

        if (!EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                            &glen))
            group[0] = '\0';
        EVP_PKEY_get_int_param(key, OSSL_PKEY_PARAM_EC_DECODED_FROM_EXPLICIT_PARAMS,
                               &explicit_params);
        if (strcmp(group, "prime256v1") == 0)
            snprintf(group, sizeof(group), "P-256");
        else if (strcmp(group, "secp384r1") == 0)
            snprintf(group, sizeof(group), "P-384");
        else if (strcmp(group, "secp521r1") == 0)
            snprintf(group, sizeof(group), "P-521");
        if (group[0] == '\0')
            snprintf(buf, size, "ECDSA %d-bit (explicit parameters)", EVP_PKEY_get_bits(key));
        else
            snprintf(buf, size, "ECDSA %s%s", group,
                     explicit_params ? " (explicit parameters)" : "");
        break;
    }
    case EVP_PKEY_ED25519:
        snprintf(buf, size, "Ed25519");
        break;
    case EVP_PKEY_ED448:
        snprintf(buf, size, "Ed448");
        break;
    default: {
        const char *name = EVP_PKEY_get0_type_name(key);

        snprintf(buf, size, "%s %d", name ? name : "unknown key", EVP_PKEY_get_bits(key));
    }
    }
    ERR_clear_error();
    return buf;
}

void cert_secret_free(void *ptr, size_t len)
{
    if (ptr == NULL)
        return;
    OPENSSL_cleanse(ptr, len);
    free(ptr);
}

/* ---- the input's own PKCS#8 ----
 *
 * Writing a key as PKCS#8 goes through OpenSSL's encoders, whose first use costs more than the
 * rest of an upload's local work. When the key came in as plain PKCS#8 v1 without attributes
 * (what `openssl genpkey` and certbot write), re-encoding gives the same structure, so the
 * input's DER is kept with the key (EVP_PKEY ex_data, wiped and freed with it) and written
 * back as it was. */

typedef struct pkcs8_der {
    size_t len;
    unsigned char der[];
} pkcs8_der;

static int pkcs8_index = -1;
static pthread_once_t pkcs8_once = PTHREAD_ONCE_INIT;

static void pkcs8_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
    pkcs8_der *k = ptr;

    (void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
    if (k != NULL) {
        OPENSSL_cleanse(k->der, k->len);
        free(k);
    }
}

static void pkcs8_init(void)
{
    pkcs8_index =
        CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_EVP_PKEY, 0, NULL, NULL, NULL, pkcs8_free);
}

/* Keep `der` with pkey when it is plain PKCS#8: version 0 (not OneAsymmetricKey's 1), no
 * attributes, nothing after it. Best effort: without it, the encoder is used. */
static void remember_pkcs8(EVP_PKEY *pkey, const uint8_t *der, size_t len)
{
    const unsigned char *p = der;
    PKCS8_PRIV_KEY_INFO *p8;
    const STACK_OF(X509_ATTRIBUTE) * attrs;
    size_t hdr;
    pkcs8_der *k;
    bool plain;

    /* SEQUENCE, its length (short or long form), then INTEGER 0 */
    if (len < 8 || der[0] != 0x30)
        return;
    hdr = der[1] < 0x80 ? 2 : 2 + (size_t)(der[1] & 0x7f);
    if (hdr + 3 > len || memcmp(der + hdr, "\x02\x01\x00", 3) != 0)
        return;
    p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)len);
    if (p8 == NULL || (size_t)(p - der) != len) {
        PKCS8_PRIV_KEY_INFO_free(p8);
        return;
    }
    attrs = PKCS8_pkey_get0_attrs(p8);
    plain = attrs == NULL || sk_X509_ATTRIBUTE_num(attrs) <= 0;
    PKCS8_PRIV_KEY_INFO_free(p8);
    if (!plain)
        return;
    pthread_once(&pkcs8_once, pkcs8_init);
    if (pkcs8_index < 0 || (k = malloc(sizeof(*k) + len)) == NULL)
        return;
    k->len = len;
    memcpy(k->der, der, len);
    if (!EVP_PKEY_set_ex_data(pkey, pkcs8_index, k)) {
        OPENSSL_cleanse(k->der, len);
        free(k);
    }
}

cert_err cert_key_write_pem(const EVP_PKEY *key, cert_key_format fmt, char **out, size_t *len_out)
{
    cert_err err = CERT_OK;
    BIO *bio = NULL;
    char *data, *copy = NULL;
    long n;
    int ok;

    if (out == NULL || len_out == NULL || key == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_key_write_pem: NULL argument");
    *out = NULL;
    *len_out = 0;
    if (fmt == CERT_KEY_TRADITIONAL && EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA &&
        EVP_PKEY_get_base_id(key) != EVP_PKEY_EC)
        return cert__error_set(CERT_E_INVALID,
                               "the key has no traditional PEM form (only RSA and EC keys do); "
                               "use the PKCS#8 form");
    /* A secure-memory BIO: its buffer is wiped when freed. */
    bio = BIO_new(BIO_s_secmem());
    if (bio == NULL)
        CERT_NOMEM();
    if (fmt == CERT_KEY_TRADITIONAL) {
        ok = PEM_write_bio_PrivateKey_traditional(bio, key, NULL, NULL, 0, NULL, NULL);
    } else {
        const pkcs8_der *k = pkcs8_index >= 0 ? EVP_PKEY_get_ex_data(key, pkcs8_index) : NULL;

        if (k != NULL) /* the input's PKCS#8, as it was */
            ok = PEM_write_bio(bio, "PRIVATE KEY", "", k->der, (long)k->len) > 0;
        else
            ok = PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL);
    }
    if (!ok)
        CERT_FAIL_SSL(CERT_E_INTERNAL, "cannot encode the private key");
    n = BIO_get_mem_data(bio, &data);
    if (n <= 0)
        CERT_FAIL(CERT_E_INTERNAL, "cannot encode the private key");
    copy = malloc((size_t)n + 1);
    if (copy == NULL)
        CERT_NOMEM();
    memcpy(copy, data, (size_t)n);
    copy[n] = '\0';
    *out = copy;
    *len_out = (size_t)n;

done:
    BIO_free(bio);
    return err;
}

/* One DER private-key decoder per thread, built on first use and freed when the thread ends. */
typedef struct key_decoder {
    OSSL_DECODER_CTX *ctx;
    OSSL_LIB_CTX *libctx; /* the library context it was made for */
    EVP_PKEY *out;        /* where the decoder puts its result */
} key_decoder;

static pthread_key_t decoder_key;
static bool decoder_key_ok;
static pthread_once_t decoder_once = PTHREAD_ONCE_INIT;

static void decoder_free(void *p)
{
    key_decoder *d = p;

    if (d != NULL) {
        OSSL_DECODER_CTX_free(d->ctx);
        EVP_PKEY_free(d->out);
        free(d);
    }
}

static void decoder_init(void)
{
    decoder_key_ok = pthread_key_create(&decoder_key, decoder_free) == 0;
}

__attribute__((destructor)) static void decoder_fini(void)
{
    /* The main thread's decoder: thread-specific destructors do not run for it. */
    if (!decoder_key_ok)
        return; /* never made: decoder_key would name another library's data */
    decoder_free(pthread_getspecific(decoder_key));
    (void)pthread_setspecific(decoder_key, NULL);
}

EVP_PKEY *cert_key__decode_der(OSSL_LIB_CTX *libctx, const uint8_t *der, size_t len)
{
    key_decoder *d;
    const unsigned char *p = der;
    size_t left = len, used;
    EVP_PKEY *pkey;

    pthread_once(&decoder_once, decoder_init);
    if (!decoder_key_ok)
        return NULL;
    d = pthread_getspecific(decoder_key);
    if (d != NULL && d->libctx != libctx) {
        /* This thread now parses for another library context: make a decoder for it. */
        (void)pthread_setspecific(decoder_key, NULL);
        decoder_free(d);
        d = NULL;
    }
    if (d == NULL) {
        d = calloc(1, sizeof(*d));
        if (d == NULL)
            return NULL;
        /* Input "DER", any structure (PrivateKeyInfo or type-specific), any key type. */
        d->libctx = libctx;
        d->ctx = OSSL_DECODER_CTX_new_for_pkey(&d->out, "DER", NULL, NULL,
                                               OSSL_KEYMGMT_SELECT_KEYPAIR, libctx, NULL);
        if (d->ctx == NULL || pthread_setspecific(decoder_key, d) != 0) {
            decoder_free(d);
            return NULL;
        }
    }
    d->out = NULL;
    if (!OSSL_DECODER_from_data(d->ctx, &p, &left) || d->out == NULL) {
        EVP_PKEY_free(d->out);
        d->out = NULL;
        return NULL;
    }
    pkey = d->out;
    d->out = NULL;
    used = len - left;
    /* The whole input must be the key (trailing blanks allowed, as for other DER). */
    while (left > 0 && (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t' || *p == 0)) {
        p++;
        left--;
    }
    if (left != 0) {
        EVP_PKEY_free(pkey);
        return NULL;
    }
    remember_pkcs8(pkey, der, used);
    return pkey;
}
