/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Benchmark input: N bundles (leaf, intermediate 2, intermediate 1, PKCS#8 key), each leaf a
 * distinct certificate issued by the fixtures' intermediate 2, valid from yesterday for 90 days.
 * Keys come from a small pool (RSA 2048): parsing costs the same whether a key is unique or not,
 * and generating a thousand keys would cost minutes.
 *   mkbundles FIXTURES_DIR OUT_DIR N [POOL]
 */
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die(const char *what)
{
    fprintf(stderr, "mkbundles: %s\n", what);
    ERR_print_errors_fp(stderr);
    exit(1);
}

static X509 *load_cert(const char *dir, const char *name)
{
    char path[4096];
    FILE *f;
    X509 *x;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "r");
    if (f == NULL)
        die(path);
    x = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    if (x == NULL)
        die(path);
    return x;
}

static EVP_PKEY *load_key(const char *dir, const char *name)
{
    char path[4096];
    FILE *f;
    EVP_PKEY *k;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "r");
    if (f == NULL)
        die(path);
    k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    if (k == NULL)
        die(path);
    return k;
}

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509_EXTENSION *ext;

    X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
    ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (ext == NULL || !X509_add_ext(x, ext, -1))
        die("extension");
    X509_EXTENSION_free(ext);
}

int main(int argc, char **argv)
{
    X509 *int1, *int2;
    EVP_PKEY *int2_key, **pool;
    long n, npool;

    if (argc < 4) {
        fprintf(stderr, "usage: mkbundles FIXTURES_DIR OUT_DIR N [POOL]\n");
        return 2;
    }
    n = atol(argv[3]);
    npool = argc > 4 ? atol(argv[4]) : 16;
    if (n <= 0 || npool <= 0)
        die("bad N or POOL");
    int1 = load_cert(argv[1], "int1.pem");
    int2 = load_cert(argv[1], "int2.pem");
    int2_key = load_key(argv[1], "int2.key");
    pool = calloc((size_t)npool, sizeof(*pool));
    for (long i = 0; i < npool; i++) {
        pool[i] = EVP_RSA_gen(2048);
        if (pool[i] == NULL)
            die("RSA key generation");
    }
    for (long i = 0; i < n; i++) {
        X509 *x = X509_new();
        X509_NAME *name = X509_NAME_new();
        char host[128], san[160], path[4096];
        FILE *f;

        snprintf(host, sizeof(host), "host-%05ld.example.com", i);
        snprintf(san, sizeof(san), "DNS:%s", host);
        X509_set_version(x, 2);
        ASN1_INTEGER_set(X509_get_serialNumber(x), 0x100000 + i);
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)host, -1, -1,
                                   0);
        X509_set_subject_name(x, name);
        X509_set_issuer_name(x, X509_get_subject_name(int2));
        X509_gmtime_adj(X509_getm_notBefore(x), -86400);
        X509_gmtime_adj(X509_getm_notAfter(x), 90L * 86400);
        X509_set_pubkey(x, pool[i % npool]);
        add_ext(x, int2, NID_basic_constraints, "critical,CA:FALSE");
        add_ext(x, int2, NID_key_usage, "critical,digitalSignature,keyEncipherment");
        add_ext(x, int2, NID_ext_key_usage, "serverAuth");
        add_ext(x, int2, NID_subject_alt_name, san);
        add_ext(x, int2, NID_subject_key_identifier, "hash");
        add_ext(x, int2, NID_authority_key_identifier, "keyid");
        if (!X509_sign(x, int2_key, EVP_sha256()))
            die("signing");
        snprintf(path, sizeof(path), "%s/bundle-%05ld.pem", argv[2], i);
        f = fopen(path, "w");
        if (f == NULL)
            die(path);
        if (!PEM_write_X509(f, x) || !PEM_write_X509(f, int2) || !PEM_write_X509(f, int1) ||
            !PEM_write_PrivateKey(f, pool[i % npool], NULL, NULL, 0, NULL, NULL))
            die("writing");
        fclose(f);
        X509_NAME_free(name);
        X509_free(x);
    }
    for (long i = 0; i < npool; i++)
        EVP_PKEY_free(pool[i]);
    free(pool);
    X509_free(int1);
    X509_free(int2);
    EVP_PKEY_free(int2_key);
    return 0;
}
