/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The floor for certcheck --each: a minimal single-threaded loop that does nothing but parse
 * each bundle with OpenSSL, verify its signatures up to the root and match the key. No chain
 * search, no checks, no report. certcheck must be at or below this per bundle.
 *   floor ROOT_PEM BUNDLE...
 */
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    FILE *f;
    X509 *root;
    long ok = 0;

    if (argc < 3) {
        fprintf(stderr, "usage: floor ROOT_PEM BUNDLE...\n");
        return 2;
    }
    f = fopen(argv[1], "r");
    root = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    if (root == NULL)
        return 1;
    for (int i = 2; i < argc; i++) {
        BIO *bio = BIO_new_file(argv[i], "r");
        X509 *c[3] = {NULL, NULL, NULL};
        EVP_PKEY *key = NULL;

        if (bio == NULL)
            return 1;
        for (int k = 0; k < 3; k++)
            c[k] = PEM_read_bio_X509(bio, NULL, NULL, NULL);
        key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
        if (c[0] && c[1] && c[2] && key && X509_verify(c[0], X509_get0_pubkey(c[1])) == 1 &&
            X509_verify(c[1], X509_get0_pubkey(c[2])) == 1 &&
            X509_verify(c[2], X509_get0_pubkey(root)) == 1 &&
            EVP_PKEY_eq(X509_get0_pubkey(c[0]), key) == 1)
            ok++;
        for (int k = 0; k < 3; k++)
            X509_free(c[k]);
        EVP_PKEY_free(key);
        BIO_free(bio);
    }
    X509_free(root);
    printf("%ld of %d bundles verified\n", ok, argc - 2);
    return ok == argc - 2 ? 0 : 1;
}
