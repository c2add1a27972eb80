/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Partitions and endpoints (partition.h): the generated table (partition_table.c) walked as
 * botocore's EndpointResolver.construct_endpoint walks data/endpoints.json (botocore/regions.py:
 * _endpoint_for_partition, _region_match, _resolve, _expand_template), for the services libcert
 * uses and without variants (FIPS, dual-stack).
 */
#include <regex.h>
#include <stdio.h>
#include <string.h>

#include "aws/partition_int.h"
#include "util/error_int.h"

/* Region names go into host names: letters, digits and '-' only (every region and pseudo-region
 * of botocore's data is lower-case). */
static bool region_ok(const char *r)
{
    size_t n = strlen(r);

    if (n == 0 || n >= 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = r[i];

        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return false;
    }
    return true;
}

static const part_def *partition_named(const char *id)
{
    for (size_t i = 0; id != NULL && i < cert_aws__partition_count; i++) {
        if (strcmp(cert_aws__partitions[i].id, id) == 0)
            return &cert_aws__partitions[i];
    }
    return NULL;
}

static const part_service *service_in(const part_def *p, const char *service)
{
    for (size_t i = 0; p != NULL && i < p->service_count; i++) {
        if (strcmp(p->services[i].name, service) == 0)
            return &p->services[i];
    }
    return NULL;
}

static const part_endpoint *endpoint_in(const part_service *s, const char *name)
{
    for (size_t i = 0; s != NULL && i < s->endpoint_count; i++) {
        if (strcmp(s->endpoints[i].name, name) == 0)
            return &s->endpoints[i];
    }
    return NULL;
}

/* botocore's _region_match: listed, or matching the partition's regionRegex. */
static bool region_match(const part_def *p, const char *region)
{
    regex_t re;
    bool m;

    for (size_t i = 0; i < p->region_count; i++) {
        if (strcmp(p->regions[i], region) == 0)
            return true;
    }
    if (regcomp(&re, p->region_ere, REG_EXTENDED | REG_NOSUB) != 0)
        return false;
    m = regexec(&re, region, 0, NULL, 0) == 0;
    regfree(&re);
    return m;
}

/* The partition that resolves a region: the first whose service lists it exactly, else the first
 * whose regions claim it (botocore tries each partition in order with both tests). */
static const part_def *partition_for(const char *service, const char *region)
{
    for (size_t i = 0; i < cert_aws__partition_count; i++) {
        const part_def *p = &cert_aws__partitions[i];

        if (endpoint_in(service_in(p, service), region) != NULL || region_match(p, region))
            return p;
    }
    return NULL;
}

const char *cert_partition_of_region(const char *region)
{
    const part_def *p = NULL;

    for (size_t i = 0; region != NULL && p == NULL && i < cert_aws__partition_count; i++) {
        if (region_match(&cert_aws__partitions[i], region))
            p = &cert_aws__partitions[i];
    }
    return p != NULL ? p->id : cert_aws__partitions[0].id;
}

bool cert_partition_has_service(const char *partition, const char *service)
{
    return service != NULL && service_in(partition_named(partition), service) != NULL;
}

const char *cert_partition_dns_suffix(const char *partition)
{
    const part_def *p = partition_named(partition);

    return p != NULL ? p->dns_suffix : NULL;
}

const char *cert_partition_cloudfront_acm_region(const char *partition)
{
    /* CloudFront Developer Guide, "Requirements for using SSL/TLS certificates with CloudFront"
     * (us-east-1 only); "Amazon CloudFront in China Regions" (no ACM: IAM certificates only). */
    if (partition != NULL && strcmp(partition, "aws") == 0)
        return "us-east-1";
    return NULL;
}

const char *cert_partition_data_version(void)
{
    return cert_aws__partition_data_version;
}

/* botocore's _expand_template: {service}, {region}, {dnsSuffix}. */
static cert_err expand(const char *tmpl, const char *service, const char *region,
                       const char *suffix, char *out, size_t size)
{
    size_t o = 0;

    for (const char *t = tmpl; *t != '\0';) {
        const char *v = NULL;
        size_t skip = 0;

        if (strncmp(t, "{service}", 9) == 0)
            v = service, skip = 9;
        else if (strncmp(t, "{region}", 8) == 0)
            v = region, skip = 8;
        else if (strncmp(t, "{dnsSuffix}", 11) == 0)
            v = suffix, skip = 11;
        if (v != NULL) {
            size_t n = strlen(v);

            if (o + n >= size)
                return cert__error_set(CERT_E_INVALID, "endpoint host name too long");
            memcpy(out + o, v, n);
            o += n;
            t += skip;
            continue;
        }
        if (o + 1 >= size)
            return cert__error_set(CERT_E_INVALID, "endpoint host name too long");
        out[o++] = *t++;
    }
    out[o] = '\0';
    return CERT_OK;
}

cert_err cert_endpoint_resolve(const char *service, const char *region, cert_endpoint *out)
{
    const part_def *p;
    const part_service *s;
    const part_endpoint *e;
    const char *name, *host, *scope;

    memset(out, 0, sizeof(*out));
    if (service == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_endpoint_resolve: no service");
    if (region != NULL && !region_ok(region))
        return cert__error_set(CERT_E_INVALID,
                               "region \"%s\" is not a region name (letters, digits and -, e.g. "
                               "eu-west-1)",
                               region);
    if (region == NULL) {
        /* botocore: no region means the service's partitionEndpoint, from the first partition
         * (aws) */
        p = &cert_aws__partitions[0];
        s = service_in(p, service);
        if (s == NULL || s->partition_endpoint == NULL)
            return cert__error_set(CERT_E_INVALID, "%s needs a region (--region, AWS_REGION)",
                                   service);
        region = s->partition_endpoint;
    } else {
        /* A region no partition claims is partition aws (botocore's endpoint rules). */
        p = partition_for(service, region);
        if (p == NULL)
            p = &cert_aws__partitions[0];
        s = service_in(p, service);
    }
    if (s == NULL)
        return cert__error_set(CERT_E_INVALID,
                               "%s is not available in partition %s (region %s); botocore's "
                               "endpoint data lists it in none of its regions",
                               service, p->id, region);
    /* The region's own endpoint; else, not regionalized, the partition's. */
    name = region;
    e = endpoint_in(s, region);
    if (e == NULL && s->partition_endpoint != NULL && !s->regionalized) {
        name = s->partition_endpoint;
        e = endpoint_in(s, name);
    }
    host = e != NULL && e->hostname != NULL ? e->hostname
           : s->default_hostname != NULL    ? s->default_hostname
                                            : p->hostname;
    scope = e != NULL && e->signing_region != NULL ? e->signing_region
            : s->default_signing_region != NULL    ? s->default_signing_region
                                                   : name;
    snprintf(out->partition, sizeof(out->partition), "%s", p->id);
    if (strlen(scope) >= sizeof(out->signing_region))
        return cert__error_set(CERT_E_INVALID, "signing region too long");
    snprintf(out->signing_region, sizeof(out->signing_region), "%s", scope);
    return expand(host, service, name, p->dns_suffix, out->hostname, sizeof(out->hostname));
}
