/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The partition table from outside, for tests/integration/test_partitions.py, which compares it
 * with botocore's endpoint data:
 *
 *   partition_driver resolve     each stdin line "SERVICE REGION" (REGION "-": none) to a JSON
 *                                line {"service", "region", "partition", "hostname",
 *                                "signing_region"} or {"service", "region", "error"}
 *   partition_driver session     a session made as a tool makes one (--region from argv[2] when
 *                                given, else the environment and profile): its region, partition
 *                                and, per service, {"endpoint", "signing_region", "available"}
 *   partition_driver version     the data version the table was generated from
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcert/aws.h"
#include "libcert/partition.h"

static void emit(json_t *o)
{
    char *text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);

    puts(text ? text : "{}");
    free(text);
    json_decref(o);
}

static int resolve(void)
{
    char line[512], service[128], region[128];

    while (fgets(line, sizeof(line), stdin) != NULL) {
        json_t *o = json_object();
        cert_endpoint e;

        if (sscanf(line, "%127s %127s", service, region) != 2)
            continue;
        json_object_set_new(o, "service", json_string(service));
        json_object_set_new(o, "region",
                            strcmp(region, "-") == 0 ? json_null() : json_string(region));
        if (cert_endpoint_resolve(service, strcmp(region, "-") == 0 ? NULL : region, &e) < 0) {
            json_object_set_new(o, "error", json_string(cert_error_last()->message));
        } else {
            json_object_set_new(o, "partition", json_string(e.partition));
            json_object_set_new(o, "hostname", json_string(e.hostname));
            json_object_set_new(o, "signing_region", json_string(e.signing_region));
        }
        emit(o);
    }
    return 0;
}

static int session(const char *region)
{
    static const char *const names[CERT_AWS_SERVICE_COUNT] = {"iam", "cloudfront", "sts",
                                                              "sso", "route53",    "acm"};
    cert_aws_opts opts = CERT_AWS_OPTS_INIT;
    cert_aws *aws = NULL;
    json_t *o = json_object(), *svc = json_object();

    opts.region = region;
    if (cert_aws_new(&opts, &aws) < 0) {
        json_object_set_new(o, "error", json_string(cert_error_last()->message));
        emit(o);
        json_decref(svc);
        return 3;
    }
    json_object_set_new(o, "region",
                        cert_aws_region(aws) ? json_string(cert_aws_region(aws)) : json_null());
    json_object_set_new(o, "partition", json_string(cert_aws_partition(aws)));
    for (int s = 0; s < CERT_AWS_SERVICE_COUNT; s++) {
        json_t *x = json_object();

        json_object_set_new(x, "endpoint",
                            json_string(cert_aws_endpoint(aws, (cert_aws_service)s)));
        json_object_set_new(x, "signing_region",
                            json_string(cert_aws_signing_region(aws, (cert_aws_service)s)));
        json_object_set_new(x, "available",
                            json_boolean(cert_aws_service_check(aws, (cert_aws_service)s) == 0));
        json_object_set_new(svc, names[s], x);
    }
    json_object_set_new(o, "services", svc);
    emit(o);
    cert_aws_free(aws);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "resolve") == 0)
        return resolve();
    if (argc >= 2 && strcmp(argv[1], "session") == 0)
        return session(argc > 2 ? argv[2] : NULL);
    if (argc >= 2 && strcmp(argv[1], "version") == 0) {
        puts(cert_partition_data_version());
        return 0;
    }
    fprintf(stderr, "usage: partition_driver resolve|session [REGION]|version\n");
    return 2;
}
