/* Keys: match, describe, export. */
#include "libcert/key.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/pem.h>
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
    if (fmt == CERT_KEY_TRADITIONAL)
        ok = PEM_write_bio_PrivateKey_traditional(bio, key, NULL, NULL, 0, NULL, NULL);
    else
        ok = PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL); /* PKCS#8 */
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
    size_t left = len;
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
    /* The whole input must be the key (trailing blanks allowed, as for other DER). */
    while (left > 0 && (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t' || *p == 0)) {
        p++;
        left--;
    }
    if (left != 0) {
        EVP_PKEY_free(pkey);
        return NULL;
    }
    return pkey;
}
