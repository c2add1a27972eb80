/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reports on what AWS holds: the certificate an IAM server certificate holds, and the one a
 * CloudFront distribution serves, put through the same pipeline as a local bundle (report.h).
 */
#ifndef LIBCERT_REMOTE_H
#define LIBCERT_REMOTE_H

#include "aws.h"
#include "report.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The pipeline for a certificate held in IAM: GetServerCertificate, then the same chain and
 * checks as for a local bundle (no key expected), plus CloudFront eligibility (iam.path) and,
 * when opts->check.expect is set, whether IAM holds exactly that chain (iam.differs / iam.same).
 * An AWS failure is returned, not recorded: there is nothing to report on.
 * @param aws  the session
 * @param name ServerCertificateName
 * @param opts borrowed; NULL means CERT_REPORT_OPTS_INIT
 * @param out  new report owned by the caller; its input reads "iam:NAME"
 * @return CERT_OK; CERT_E_AWS (NoSuchEntity, ...); CERT_E_NET; CERT_E_INVALID; CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_remote_report_iam(cert_aws *aws, const char *name,
                                            const cert_report_opts *opts, cert_report **out);

/**
 * The pipeline for a certificate held in ACM (certcheck --acm ARN): DescribeCertificate and
 * GetCertificate, then the same chain and checks as for a local bundle (no key expected) and,
 * when opts->check.expect is set, whether ACM holds exactly that chain (reported as iam.differs /
 * iam.same: the comparison's codes, whatever the store). ACM's ARN must be in the region CloudFront
 * takes certificates from (libcert's ACM store).
 * @param arn  the certificate's ARN
 * @param out  new report owned by the caller; its input reads "acm:ARN"
 * @return CERT_OK; CERT_E_INPUT (not in us-east-1 of the session's partition, or a partition
 *         whose CloudFront takes no ACM certificate); CERT_E_AWS (ResourceNotFoundException, ...);
 *         CERT_E_NET; CERT_E_INVALID (not an ACM ARN); CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_remote_report_acm(cert_aws *aws, const char *arn,
                                            const cert_report_opts *opts, cert_report **out);

/**
 * The pipeline for what a CloudFront distribution serves: its DistributionConfig, its IAM
 * certificate (found by listing the account: GetServerCertificate takes a name, the distribution
 * knows an id) or its ACM certificate, checked as cert_remote_report_iam() (or _acm()) does with
 * every alias as a host, plus the names in opts->check.hosts (--host) that are not among the
 * aliases. The report names the distribution and each name checked, covered or not
 * (cert_report_set_distribution()).
 * @param id the distribution's Id
 * @return CERT_OK; CERT_E_AWS (NoSuchDistribution, ...); CERT_E_INPUT (the distribution serves
 *         CloudFront's default certificate: nothing to check here); CERT_E_NET; CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_remote_report_distribution(cert_aws *aws, const char *id,
                                                     const cert_report_opts *opts,
                                                     cert_report **out);

/**
 * cert_remote_report_distribution() for each of several distributions, in order, the account's
 * certificates listed once for all. A failure of one distribution (NoSuchDistribution, not an
 * IAM certificate, AWS refused, retries ran out) is recorded as its report
 * (cert_report_new_failure(), labelled with its id, naming the distribution) and the others go
 * on; only memory and caller errors stop the run.
 * @param ids   borrowed; count of them, at least 1
 * @param opts  borrowed; NULL means CERT_REPORT_OPTS_INIT
 * @param out   new array of `count` reports owned by the caller (cert_reports_free()); NULL on
 *              failure
 * @return CERT_OK; CERT_E_INVALID; CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_remote_report_distributions(cert_aws *aws, const char *const *ids,
                                                      size_t count, const cert_report_opts *opts,
                                                      cert_report ***out);

#ifdef __cplusplus
}
#endif

#endif
