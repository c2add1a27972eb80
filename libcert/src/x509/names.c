/* SPDX-License-Identifier: Apache-2.0 */
/* Host name coverage (RFC 9525, RFC 6125 section 6.4) and the CloudFront path predicate. */
#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <openssl/x509v3.h>
#include <string.h>

#include "libcert/checks.h"
#include "x509_int.h"

/* RFC 6125 6.4.3: a wildcard is the whole left-most label only ("*.example.com"), covers
 * exactly one label, and never a public suffix alone ("*.com"). Case-insensitive (6.4.1). */
static bool dns_match(const char *pat, size_t plen, const char *host)
{
    size_t hlen = strlen(host);
    const char *dot;

    if (plen > 0 && pat[plen - 1] == '.')
        plen--;
    if (plen == hlen && OPENSSL_strncasecmp(pat, host, hlen) == 0)
        return true;
    if (plen < 4 || pat[0] != '*' || pat[1] != '.' || memchr(pat + 1, '*', plen - 1) != NULL)
        return false;
    if (memchr(pat + 2, '.', plen - 2) == NULL)
        return false; /* "*.com" */
    if (host[0] == '*')
        return false; /* a wildcard host needs the identical name (handled by the caller) */
    dot = strchr(host, '.');
    if (dot == NULL || dot == host)
        return false;
    return strlen(dot + 1) == plen - 2 && OPENSSL_strncasecmp(dot + 1, pat + 2, plen - 2) == 0;
}

bool cert_name_covers(const X509 *cert, const char *host_in)
{
    char host[256];
    unsigned char ip[16];
    size_t iplen = 0, n;
    GENERAL_NAMES *gens;
    bool found = false, wildcard_host;

    if (cert == NULL || host_in == NULL)
        return false;
    n = strlen(host_in);
    if (n == 0 || n >= sizeof(host))
        return false;
    memcpy(host, host_in, n + 1);
    if (host[n - 1] == '.')
        host[--n] = '\0';
    if (inet_pton(AF_INET, host, ip) == 1)
        iplen = 4;
    else if (inet_pton(AF_INET6, host, ip) == 1)
        iplen = 16;
    wildcard_host = host[0] == '*';
    gens = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
    for (int i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens) && !found; i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);

        if (g->type == GEN_DNS) {
            const char *d = (const char *)ASN1_STRING_get0_data(g->d.dNSName);
            size_t dl = (size_t)ASN1_STRING_length(g->d.dNSName);

            if (iplen > 0 || memchr(d, '\0', dl) != NULL)
                continue;
            if (wildcard_host) /* CloudFront: *.example.com needs the SAN *.example.com */
                found = dl == n && OPENSSL_strncasecmp(d, host, n) == 0;
            else
                found = dns_match(d, dl, host);
        } else if (g->type == GEN_IPADD) {
            found = iplen > 0 && (size_t)ASN1_STRING_length(g->d.iPAddress) == iplen &&
                    memcmp(ASN1_STRING_get0_data(g->d.iPAddress), ip, iplen) == 0;
        }
    }
    GENERAL_NAMES_free(gens);
    /* The subject's CN is never a name: browsers match the subjectAltName only (Chrome since 58,
     * Firefox since 48) and RFC 9525 section 6.3 drops CN-IDs (RFC 6125's fallback). */
    return found;
}

bool cert_iam_path_cloudfront(const char *path)
{
    /* "the path must begin with /cloudfront and must include a trailing slash (for example,
     * /cloudfront/test/)": CloudFront developer guide, "Importing an SSL/TLS certificate". */
    return path != NULL && strncmp(path, "/cloudfront/", 12) == 0 && path[strlen(path) - 1] == '/';
}
