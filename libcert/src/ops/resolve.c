/* SPDX-License-Identifier: Apache-2.0 */
/* A certificate named on the command line, to the certificate IAM holds (ops_int.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "libcert/iam.h"
#include "ops/ops_int.h"
#include "util/error_int.h"

bool cert_ops__is_cert_id(const char *s)
{
    size_t n = strlen(s);

    /* ServerCertificateId: "ASCA" and upper-case letters and digits (IAM User Guide,
     * "IAM identifiers", unique ID prefixes). */
    if (n < 16 || n > 128 || strncmp(s, "ASCA", 4) != 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!isupper((unsigned char)s[i]) && !isdigit((unsigned char)s[i]))
            return false;
    }
    return true;
}

cert_err cert_ops__name_of_id(cert_aws *aws, const char *id, char **name_out)
{
    cert_iam_cert *v = NULL;
    size_t n = 0;
    cert_err err = cert_iam_list(aws, NULL, 0, &v, &n);

    *name_out = NULL;
    for (size_t i = 0; err == CERT_OK && i < n && *name_out == NULL; i++) {
        if (strcmp(v[i].id, id) == 0 && (*name_out = strdup(v[i].name)) == NULL)
            err = cert__error_nomem();
    }
    cert_iam_certs_free(v, n);
    return err;
}

cert_err cert_ops__resolve(cert_aws *aws, const char *spec, cert_iam_cert *meta, char **body,
                           char **chain)
{
    const char *name = spec;
    char *found = NULL;
    cert_err err;

    if (strncmp(spec, "arn:", 4) == 0) {
        const char *slash = strrchr(spec, '/');

        if (slash == NULL || strstr(spec, ":server-certificate/") == NULL || slash[1] == '\0')
            return cert__error_set(CERT_E_INVALID,
                                   "%s is not a server certificate ARN "
                                   "(arn:aws:iam::ACCOUNT:server-certificate/PATH/NAME)",
                                   spec);
        name = slash + 1;
    } else if (cert_ops__is_cert_id(spec)) {
        if ((err = cert_ops__name_of_id(aws, spec, &found)) < 0)
            return err;
        if (found == NULL)
            return cert__error_set(CERT_E_AWS,
                                   "no IAM server certificate has the id %s (NoSuchEntity)", spec);
        name = found;
    }
    err = cert_iam_get(aws, name, meta, body, chain);
    free(found);
    return err;
}
