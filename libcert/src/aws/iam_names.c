/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IAM names and paths (IAM API Reference, UploadServerCertificate: ServerCertificateName,
 * Path), the name libcert gives a certificate, and whether two PEM texts hold the same
 * certificates. No requests: iam.c sends them.
 */
#include <openssl/evp.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

#include "libcert/iam.h"
#include "util/time_int.h"

bool cert_iam_name_valid(const char *name)
{
    size_t n = name ? strlen(name) : 0;

    if (n < 1 || n > 128)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];

        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              strchr("_+=,.@-", c) != NULL))
            return false;
    }
    return true;
}

bool cert_iam_path_valid(const char *path)
{
    size_t n = path ? strlen(path) : 0;

    if (n < 1 || n > 512 || path[0] != '/' || path[n - 1] != '/')
        return false;
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)path[i] < 0x21 || (unsigned char)path[i] > 0x7e)
            return false;
    }
    return true;
}

char *cert_iam_name_for(const X509 *leaf, char *buf, size_t size)
{
    GENERAL_NAMES *gens = X509_get_ext_d2i(leaf, NID_subject_alt_name, NULL, NULL);
    char dns[256] = "", date[32], hex[9];
    unsigned char md[32];
    unsigned int mdlen = 0;
    int64_t nb = 0, na = 0;
    size_t room, o = 0;

    for (int i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens) && dns[0] == '\0'; i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);

        if (g->type == GEN_DNS)
            snprintf(dns, sizeof(dns), "%.*s", ASN1_STRING_length(g->d.dNSName),
                     (const char *)ASN1_STRING_get0_data(g->d.dNSName));
    }
    GENERAL_NAMES_free(gens);
    if (dns[0] == '\0') {
        X509_NAME *subj = X509_get_subject_name(leaf);
        int idx = X509_NAME_get_index_by_NID(subj, NID_commonName, -1);
        unsigned char *utf8 = NULL;

        if (idx >= 0 && ASN1_STRING_to_UTF8(
                            &utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subj, idx))) > 0)
            snprintf(dns, sizeof(dns), "%s", utf8);
        OPENSSL_free(utf8);
    }
    if (dns[0] == '\0')
        snprintf(dns, sizeof(dns), "certificate");
    nb = 0;
    if (!cert__asn1_time_get(X509_get0_notAfter(leaf), &na))
        na = 0;
    (void)nb;
    cert__time_format(na, date, sizeof(date));
    date[10] = '\0';
    if (!X509_digest(leaf, EVP_sha256(), md, &mdlen) || mdlen < 4)
        memset(md, 0, sizeof(md));
    snprintf(hex, sizeof(hex), "%02x%02x%02x%02x", md[0], md[1], md[2], md[3]);
    /* dns part: "*" -> "wildcard", other characters outside [\w+=,.@-] -> "-" */
    if (size < 2)
        return buf;
    room = size - 1 < 128 ? size - 1 : 128;
    room = room > 21 ? room - 21 : 0; /* "-YYYY-MM-DD-xxxxxxxx" */
    for (const char *p = dns; *p != '\0' && o < room; p++) {
        if (*p == '*') {
            const char *w = "wildcard";

            for (; *w && o < room; w++)
                buf[o++] = *w;
        } else if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                   (*p >= '0' && *p <= '9') || strchr("_+=,.@-", *p) != NULL) {
            buf[o++] = *p;
        } else {
            buf[o++] = '-';
        }
    }
    snprintf(buf + o, size - o, "-%s-%s", date, hex);
    return buf;
}
