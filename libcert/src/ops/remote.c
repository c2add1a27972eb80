/*
 * Reports on what AWS holds: an IAM server certificate, and the certificate a CloudFront
 * distribution serves, checked as a local bundle is (certcheck --iam, --distribution).
 */
#include "libcert/remote.h"

#include <stdlib.h>
#include <string.h>

#include "libcert/cloudfront.h"
#include "libcert/iam.h"
#include "ops/ops_int.h"
#include "util/error_int.h"

static const cert_report_opts default_opts = CERT_REPORT_OPTS_INIT;

cert_err cert_remote_report_iam(cert_aws *aws, const char *name, const cert_report_opts *o,
                                cert_report **out)
{
    cert_err err = CERT_OK;
    cert_iam_cert meta;
    char *body = NULL, *chain = NULL, *label = NULL;
    cert_report_opts ro;

    memset(&meta, 0, sizeof(meta));
    if (out == NULL || aws == NULL || name == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_remote_report_iam: NULL argument");
    *out = NULL;
    ro = o ? *o : default_opts;
    CERT_TRY(cert_iam_get(aws, name, &meta, &body, &chain));
    ro.check.key_not_expected = true;
    ro.check.key_required = false;
    ro.check.iam_path = meta.path;
    if (asprintf(&label, "iam:%s", name) < 0) {
        label = NULL;
        CERT_NOMEM();
    }
    err = cert_report_build_pem(label, body, chain, &ro, out);

done:
    free(label);
    free(body);
    free(chain);
    cert_iam_cert_clear(&meta);
    return err;
}

cert_err cert_remote_report_distribution(cert_aws *aws, const char *id, const cert_report_opts *o,
                                         cert_report **out)
{
    cert_err err = CERT_OK;
    cert_cf_config *cfg = NULL;
    cert_cf_viewer v;
    char *name = NULL;
    const char *const *aliases;
    cert_report_opts ro;

    memset(&v, 0, sizeof(v));
    if (out == NULL || aws == NULL || id == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_remote_report_distribution: NULL argument");
    *out = NULL;
    ro = o ? *o : default_opts;
    CERT_TRY(cert_cf_config_get(aws, id, &cfg));
    CERT_TRY(cert_cf_config_viewer(cfg, &v));
    if (v.iam_certificate_id == NULL)
        CERT_FAIL(CERT_E_INPUT,
                  "distribution %s uses %s, not an IAM certificate; nothing for "
                  "libcert to check",
                  id,
                  v.acm_certificate_arn ? "an ACM certificate"
                                        : "CloudFront's default "
                                          "certificate");
    CERT_TRY(cert_ops__name_of_id(aws, v.iam_certificate_id, &name));
    if (name == NULL)
        CERT_FAIL(CERT_E_AWS,
                  "distribution %s uses IAM certificate %s, which is not in IAM "
                  "(NoSuchEntity)",
                  id, v.iam_certificate_id);
    ro.check.host_count = cert_cf_config_aliases(cfg, &aliases);
    ro.check.hosts = aliases;
    err = cert_remote_report_iam(aws, name, &ro, out);

done:
    free(name);
    cert_cf_viewer_clear(&v);
    cert_cf_config_free(cfg);
    return err;
}
