/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CloudFront's values for a ViewerCertificate, from botocore's cloudfront 2020-05-31 model
 * (SSLSupportMethod, MinimumProtocolVersion) and API_ViewerCertificate: the one table that
 * certattach and certrotate check their options against.
 */
#include <string.h>

#include "libcert/cloudfront.h"

static const char *const ssl_methods[] = {"sni-only", "vip", "static-ip", NULL};

static const char *const protocol_versions[] = {
    "SSLv3",        "TLSv1",        "TLSv1_2016",   "TLSv1.1_2016", "TLSv1.2_2018",
    "TLSv1.2_2019", "TLSv1.2_2021", "TLSv1.3_2025", "TLSv1.2_2025", NULL};

static bool one_of(const char *v, const char *const *set)
{
    for (; v != NULL && *set != NULL; set++) {
        if (strcmp(v, *set) == 0)
            return true;
    }
    return false;
}

bool cert_cf_ssl_support_method_valid(const char *method)
{
    return one_of(method, ssl_methods);
}

bool cert_cf_min_protocol_valid(const char *version)
{
    return one_of(version, protocol_versions);
}

const char *const *cert_cf_min_protocol_versions(void)
{
    return protocol_versions;
}
