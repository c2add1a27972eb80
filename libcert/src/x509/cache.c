/* SPDX-License-Identifier: Apache-2.0 */
/* A cache of parsed CA certificates keyed by the SHA-256 of their DER, shared by threads. */
#include <openssl/evp.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "bundle_int.h"
#include "util/error_int.h"

typedef struct slot {
    uint8_t md[32];
    X509 *x509;
} slot;

struct cert_cache {
    pthread_mutex_t lock;
    slot *slots;
    size_t n, cap; /* open addressing, cap a power of two, kept at most half full */
};

cert_err cert_cache_new(cert_cache **out)
{
    cert_cache *c;

    if (out == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_cache_new: out is NULL");
    *out = NULL;
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        return cert__error_nomem();
    c->cap = 64;
    c->slots = calloc(c->cap, sizeof(*c->slots));
    if (c->slots == NULL) {
        free(c);
        return cert__error_nomem();
    }
    pthread_mutex_init(&c->lock, NULL);
    *out = c;
    return CERT_OK;
}

void cert_cache_free(cert_cache *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->cap; i++)
        X509_free(c->slots[i].x509);
    free(c->slots);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static size_t find(const slot *slots, size_t cap, const uint8_t md[32])
{
    size_t h;

    memcpy(&h, md, sizeof(h)); /* a SHA-256 is already uniformly spread */
    for (size_t i = h & (cap - 1);; i = (i + 1) & (cap - 1)) {
        if (slots[i].x509 == NULL || memcmp(slots[i].md, md, 32) == 0)
            return i;
    }
}

X509 *cert_cache__get(cert_cache *c, const uint8_t md[32])
{
    X509 *x;

    pthread_mutex_lock(&c->lock);
    x = c->slots[find(c->slots, c->cap, md)].x509;
    if (x != NULL && !X509_up_ref(x))
        x = NULL;
    pthread_mutex_unlock(&c->lock);
    return x;
}

void cert_cache__put(cert_cache *c, const uint8_t md[32], X509 *x509)
{
    size_t i;

    /* Compute the extension cache now, under no lock contention later: X509 objects shared
     * between threads should be fully initialised first. */
    X509_check_purpose(x509, -1, 0);
    pthread_mutex_lock(&c->lock);
    if ((c->n + 1) * 2 > c->cap) {
        size_t ncap = c->cap * 2;
        slot *ns = calloc(ncap, sizeof(*ns));

        if (ns == NULL)
            goto out; /* a cache that cannot grow just stops caching */
        for (size_t j = 0; j < c->cap; j++) {
            if (c->slots[j].x509 != NULL)
                ns[find(ns, ncap, c->slots[j].md)] = c->slots[j];
        }
        free(c->slots);
        c->slots = ns;
        c->cap = ncap;
    }
    i = find(c->slots, c->cap, md);
    if (c->slots[i].x509 == NULL && X509_up_ref(x509)) {
        memcpy(c->slots[i].md, md, 32);
        c->slots[i].x509 = x509;
        c->n++;
    }
out:
    pthread_mutex_unlock(&c->lock);
}

static pthread_once_t sha_once = PTHREAD_ONCE_INIT;
static EVP_MD *sha256_md;

static void sha_init(void)
{
    /* Fetched once: an implicit fetch on every digest costs a locked lookup in OpenSSL 3. */
    sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

__attribute__((destructor)) static void sha_fini(void)
{
    EVP_MD_free(sha256_md);
    sha256_md = NULL;
}

const EVP_MD *cert__sha256_md(void)
{
    pthread_once(&sha_once, sha_init);
    return sha256_md ? sha256_md : EVP_sha256();
}

bool cert__sha256(const uint8_t *data, size_t len, uint8_t out[32])
{
    return EVP_Digest(data, len, out, NULL, cert__sha256_md(), NULL) == 1;
}
