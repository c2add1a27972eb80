/* SPDX-License-Identifier: Apache-2.0 */
#include <arpa/inet.h>
#include <ctype.h>
#include <openssl/bio.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/error_int.h"
#include "util/time_int.h"
#include "x509_int.h"

char *cert__name_string(const X509_NAME *name, char *buf, size_t size)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *data;
    long n;

    if (size == 0)
        return buf;
    buf[0] = '\0';
    if (bio == NULL)
        return buf;
    /* RFC 2253 with UTF-8 kept as is (not escaped to \XX) so messages stay readable. */
    if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
        n = BIO_get_mem_data(bio, &data);
        if (n > 0) {
            size_t len = (size_t)n < size - 1 ? (size_t)n : size - 1;

            memcpy(buf, data, len);
            buf[len] = '\0';
        }
    }
    BIO_free(bio);
    return buf;
}

cert_err cert__bio_dup(BIO *bio, char **out, size_t *len_out)
{
    char *data;
    long n = BIO_get_mem_data(bio, &data);
    size_t len = n > 0 ? (size_t)n : 0;

    *len_out = 0;
    *out = malloc(len + 1);
    if (*out == NULL)
        return cert__error_nomem();
    if (len > 0)
        memcpy(*out, data, len);
    (*out)[len] = '\0';
    *len_out = len;
    return CERT_OK;
}

char *cert__name_cn(const X509_NAME *name, char *buf, size_t size)
{
    int i = -1, last = -1;
    const ASN1_STRING *s;
    unsigned char *utf8 = NULL;
    int n;

    if (size == 0)
        return buf;
    buf[0] = '\0';
    while ((i = X509_NAME_get_index_by_NID(name, NID_commonName, i)) >= 0)
        last = i;
    if (last < 0)
        return buf;
    s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, last));
    n = ASN1_STRING_to_UTF8(&utf8, s);
    if (n > 0) {
        size_t len = (size_t)n < size - 1 ? (size_t)n : size - 1;

        memcpy(buf, utf8, len);
        buf[len] = '\0';
    }
    OPENSSL_free(utf8);
    return buf;
}

char *cert__hex32(const uint8_t md[32], char *buf)
{
    static const char hex[] = "0123456789abcdef";

    for (size_t i = 0; i < 32; i++) {
        buf[2 * i] = hex[md[i] >> 4];
        buf[2 * i + 1] = hex[md[i] & 15];
    }
    buf[64] = '\0';
    return buf;
}

bool cert__x509_validity(const X509 *x, int64_t *not_before, int64_t *not_after)
{
    return cert__asn1_time_get(X509_get0_notBefore(x), not_before) &&
           cert__asn1_time_get(X509_get0_notAfter(x), not_after);
}

/* Each DNS name (and unless dns_only, each IP address) of the subjectAltName, as text, to cb. */
static size_t names_each(const X509 *x, bool dns_only, void (*cb)(const char *name, void *ud),
                         void *ud)
{
    GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    size_t n = 0;

    for (int i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens); i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
        char buf[256];

        if (g->type == GEN_DNS) {
            int len = ASN1_STRING_length(g->d.dNSName);

            snprintf(buf, sizeof(buf), "%.*s", len,
                     (const char *)ASN1_STRING_get0_data(g->d.dNSName));
        } else if (g->type == GEN_IPADD && !dns_only) {
            const unsigned char *ip = ASN1_STRING_get0_data(g->d.iPAddress);
            int len = ASN1_STRING_length(g->d.iPAddress);

            if (!((len == 4 && inet_ntop(AF_INET, ip, buf, sizeof(buf)) != NULL) ||
                  (len == 16 && inet_ntop(AF_INET6, ip, buf, sizeof(buf)) != NULL)))
                continue;
        } else {
            continue;
        }
        cb(buf, ud);
        n++;
    }
    GENERAL_NAMES_free(gens);
    return n;
}

size_t cert__x509_names(const X509 *x, void (*cb)(const char *name, void *ud), void *ud)
{
    return names_each(x, false, cb, ud);
}

size_t cert__x509_dns_names(const X509 *x, void (*cb)(const char *name, void *ud), void *ud)
{
    return names_each(x, true, cb, ud);
}

/* The DNS names gathered for cert__x509_dns_set(), lower-cased, without a trailing dot. */
typedef struct dns_list {
    char **v;
    size_t n, cap;
    bool nomem;
} dns_list;

static void dns_take(const char *name, void *ud)
{
    dns_list *l = ud;
    size_t len = strlen(name);
    char *s;

    if (l->nomem)
        return;
    if (len > 0 && name[len - 1] == '.')
        len--;
    if (len == 0)
        return;
    if (cert__array_reserve(&l->v, &l->cap, l->n, 8, sizeof(*l->v)) < 0 ||
        (s = strndup(name, len)) == NULL) {
        l->nomem = true;
        return;
    }
    for (char *p = s; *p != '\0'; p++)
        *p = (char)tolower((unsigned char)*p);
    l->v[l->n++] = s;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

cert_err cert__x509_dns_set(const X509 *x, char **out)
{
    dns_list l = {NULL, 0, 0, false};
    size_t len = 0, k = 0;
    char *key = NULL;
    cert_err err = CERT_OK;

    *out = NULL;
    cert__x509_dns_names(x, dns_take, &l);
    if (l.nomem)
        CERT_NOMEM();
    if (l.n == 0)
        goto done;
    qsort(l.v, l.n, sizeof(*l.v), cmp_str);
    for (size_t i = 0; i < l.n; i++)
        len += strlen(l.v[i]) + 1;
    if ((key = malloc(len + 1)) == NULL)
        CERT_NOMEM();
    for (size_t i = 0; i < l.n; i++) {
        size_t nl = strlen(l.v[i]);

        if (i > 0 && strcmp(l.v[i], l.v[i - 1]) == 0)
            continue; /* a set: the same name twice is one name */
        if (k > 0)
            key[k++] = '\n';
        memcpy(key + k, l.v[i], nl);
        k += nl;
    }
    key[k] = '\0';
    *out = key;

done:
    for (size_t i = 0; i < l.n; i++)
        free(l.v[i]);
    free(l.v);
    return err;
}
