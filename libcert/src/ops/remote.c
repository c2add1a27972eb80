/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reports on what AWS holds: an IAM server certificate, and the certificate a CloudFront
 * distribution serves, checked as a local bundle is (certcheck --iam, --distribution).
 */
#include "libcert/remote.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "libcert/cloudfront.h"
#include "libcert/iam.h"
#include "libcert/partition.h"
#include "libcert/store.h"
#include "ops/ops_int.h"
#include "util/error_int.h"

static const cert_report_opts default_opts = CERT_REPORT_OPTS_INIT;

/* The pipeline on what a store holds: no key expected; IAM's path rule when iam_path is given;
 * the input labelled "STORE:ID". */
static cert_err stored_report(const char *store, const char *id, const char *body,
                              const char *chain, const char *iam_path, const cert_report_opts *o,
                              cert_report **out)
{
    cert_report_opts ro = o ? *o : default_opts;
    char *label = NULL;
    cert_err err;

    ro.check.key_not_expected = true;
    ro.check.key_required = false;
    ro.check.iam_path = iam_path;
    if (asprintf(&label, "%s:%s", store, id) < 0)
        return cert__error_nomem();
    err = cert_report_build_pem(label, body, chain, &ro, out);
    free(label);
    return err;
}

cert_err cert_remote_report_iam(cert_aws *aws, const char *name, const cert_report_opts *o,
                                cert_report **out)
{
    cert_err err = CERT_OK;
    cert_iam_cert meta;
    char *body = NULL, *chain = NULL;

    memset(&meta, 0, sizeof(meta));
    if (out == NULL || aws == NULL || name == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_remote_report_iam: NULL argument");
    *out = NULL;
    CERT_TRY(cert_iam_get(aws, name, &meta, &body, &chain));
    err = stored_report("iam", name, body, chain, meta.path, o, out);

done:
    free(body);
    free(chain);
    cert_iam_cert_clear(&meta);
    return err;
}

cert_err cert_remote_report_acm(cert_aws *aws, const char *arn, const cert_report_opts *o,
                                cert_report **out)
{
    cert_err err = CERT_OK;
    cert_store_cert sc;
    char *body = NULL, *chain = NULL;
    const char *want;
    cert_acm_arn a;

    memset(&sc, 0, sizeof(sc));
    cert_store_cert_clear(&sc);
    if (out == NULL || aws == NULL || arn == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_remote_report_acm: NULL argument");
    *out = NULL;
    if (!cert_acm_arn_parse(arn, &a))
        return cert__error_set(CERT_E_INVALID,
                               "%s is not an ACM certificate ARN "
                               "(arn:aws:acm:us-east-1:ACCOUNT:certificate/ID)",
                               arn);
    CERT_TRY(cert_store_check(aws, CERT_STORE_ACM));
    want = cert_partition_cloudfront_acm_region(cert_aws_partition(aws));
    if (strcmp(a.partition, cert_aws_partition(aws)) != 0 || strcmp(a.region, want) != 0)
        CERT_FAIL(CERT_E_INPUT,
                  "%s is in %s, region %s; libcert's ACM store is ACM in %s, region %s, where "
                  "CloudFront takes certificates from",
                  arn, a.partition, a.region, cert_aws_partition(aws), want);
    CERT_TRY(cert_store_get(aws, CERT_STORE_ACM, arn, &sc, &body, &chain));
    err = stored_report("acm", arn, body, chain, NULL, o, out);

done:
    free(body);
    free(chain);
    cert_store_cert_clear(&sc);
    return err;
}

static cert_err name_of_id(cert_aws *aws, remote_names *c, const char *id, const char **name_out)
{
    cert_err err = CERT_OK;

    *name_out = NULL;
    if (!c->listed) {
        if ((err = cert_iam_list(aws, NULL, 0, &c->v, &c->n)) < 0)
            return err;
        c->listed = true;
    }
    for (size_t i = 0; i < c->n && *name_out == NULL; i++) {
        if (strcmp(c->v[i].id, id) == 0)
            *name_out = c->v[i].name;
    }
    return CERT_OK;
}

/* The aliases, then each --host name not among them (compared without case): the hosts the
 * certificate must cover. */
static cert_err join_hosts(const char *const *aliases, size_t na, const cert_check_opts *check,
                           const char ***out, size_t *count_out)
{
    const char **v = calloc(na + check->host_count ? na + check->host_count : 1, sizeof(*v));
    size_t n = 0;

    *out = NULL;
    *count_out = 0;
    if (v == NULL)
        return cert__error_nomem();
    for (size_t i = 0; i < na; i++)
        v[n++] = aliases[i];
    for (size_t i = 0; i < check->host_count; i++) {
        bool dup = false;

        for (size_t k = 0; k < n && !dup; k++)
            dup = strcasecmp(v[k], check->hosts[i]) == 0;
        if (!dup)
            v[n++] = check->hosts[i];
    }
    *out = v;
    *count_out = n;
    return CERT_OK;
}

void cert_remote__names_free(remote_names *n)
{
    cert_iam_certs_free(n->v, n->n);
    memset(n, 0, sizeof(*n));
}

cert_err cert_remote__dist_report(cert_aws *aws, remote_names *names, const char *id,
                                  const cert_report_opts *o, cert_cf_dist *dist, cert_report **out)
{
    cert_err err = CERT_OK;
    cert_cf_config *cfg = NULL;
    cert_cf_viewer v;
    const char *name = NULL;
    const char *const *aliases;
    const char **hosts = NULL;
    size_t na, nh;
    cert_report_opts ro = *o;

    memset(&v, 0, sizeof(v));
    *out = NULL;
    if (dist != NULL) {
        /* GetDistribution: the same configuration, and the DomainName the live checks need. */
        CERT_TRY(cert_cf_get(aws, id, dist));
        if (dist->iam_certificate_id != NULL &&
            (v.iam_certificate_id = strdup(dist->iam_certificate_id)) == NULL)
            CERT_NOMEM();
        v.acm_certificate_arn = dist->acm_certificate_arn; /* borrowed */
        aliases = (const char *const *)dist->aliases;
        na = dist->alias_count;
    } else {
        CERT_TRY(cert_cf_config_get(aws, id, &cfg));
        CERT_TRY(cert_cf_config_viewer(cfg, &v));
        na = cert_cf_config_aliases(cfg, &aliases);
    }
    if (v.iam_certificate_id == NULL && v.acm_certificate_arn == NULL)
        CERT_FAIL(CERT_E_INPUT,
                  "distribution %s uses CloudFront's default certificate; nothing for libcert to "
                  "check",
                  id);
    if (v.iam_certificate_id != NULL) {
        CERT_TRY(name_of_id(aws, names, v.iam_certificate_id, &name));
        if (name == NULL)
            CERT_FAIL(CERT_E_AWS,
                      "distribution %s uses IAM certificate %s, which is not in IAM "
                      "(NoSuchEntity)",
                      id, v.iam_certificate_id);
    }
    CERT_TRY(join_hosts(aliases, na, &o->check, &hosts, &nh));
    ro.check.hosts = hosts;
    ro.check.host_count = nh;
    if (v.iam_certificate_id != NULL)
        CERT_TRY(cert_remote_report_iam(aws, name, &ro, out));
    else
        CERT_TRY(cert_remote_report_acm(aws, v.acm_certificate_arn, &ro, out));
    CERT_TRY(
        cert_report_set_distribution(*out, id, aliases, na, o->check.hosts, o->check.host_count));

done:
    if (err < 0) {
        cert_report_free(*out);
        *out = NULL;
    }
    free((void *)hosts);
    if (dist != NULL)
        v.acm_certificate_arn = NULL; /* the distribution's */
    cert_cf_viewer_clear(&v);
    cert_cf_config_free(cfg);
    return err;
}

cert_err cert_remote_report_distribution(cert_aws *aws, const char *id, const cert_report_opts *o,
                                         cert_report **out)
{
    remote_names names = {NULL, 0, false};
    cert_err err;

    if (out == NULL || aws == NULL || id == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_remote_report_distribution: NULL argument");
    if ((err = cert_aws_service_check(aws, CERT_AWS_CLOUDFRONT)) < 0)
        return err;
    err = cert_remote__dist_report(aws, &names, id, o ? o : &default_opts, NULL, out);
    cert_remote__names_free(&names);
    return err;
}

cert_err cert_remote_report_distributions(cert_aws *aws, const char *const *ids, size_t count,
                                          const cert_report_opts *o, cert_report ***out)
{
    cert_err err = CERT_OK;
    remote_names names = {NULL, 0, false};
    cert_report **v = NULL;
    cert_failure f = {CERT_OK, NULL, NULL, NULL, 0};
    size_t n = 0;

    if (out == NULL || aws == NULL || ids == NULL || count == 0)
        return cert__error_set(CERT_E_INVALID, "cert_remote_report_distributions: NULL argument");
    *out = NULL;
    if (o == NULL)
        o = &default_opts;
    if ((err = cert_aws_service_check(aws, CERT_AWS_CLOUDFRONT)) < 0)
        return err;
    if ((v = calloc(count, sizeof(*v))) == NULL)
        CERT_NOMEM();
    for (; n < count; n++) {
        err = cert_remote__dist_report(aws, &names, ids[n], o, NULL, &v[n]);
        if (err == CERT_E_NOMEM || err == CERT_E_INVALID)
            goto done;
        if (err == CERT_OK)
            continue;
        /* This distribution's own failure: its report says why, the others go on. */
        CERT_TRY(cert_remote__failure_report(aws, err, ids[n], &f, &v[n]));
    }
    *out = v;
    v = NULL;

done:
    cert_reports_free(v, count);
    cert_failure_clear(&f);
    cert_remote__names_free(&names);
    return err;
}

cert_err cert_remote__failure_report(const cert_aws *aws, cert_err err, const char *id,
                                     cert_failure *f, cert_report **out)
{
    cert_err e;

    if ((e = cert_aws_failure(aws, err, f)) < 0 || (e = cert_report_new_failure(id, f, out)) < 0)
        return e;
    return cert_report_set_distribution(*out, id, NULL, 0, NULL, 0);
}
