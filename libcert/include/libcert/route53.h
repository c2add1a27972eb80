/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Route 53 (Route 53 API Reference, version 2013-04-01), read only: the account's hosted zones,
 * the records at one name, and a health check's status. What an alias of a CloudFront
 * distribution points at is read from these; nothing here changes DNS.
 *
 * Names are compared as Route 53 and DNS compare them: without case, with or without the
 * trailing dot, escape codes ("\052" for "*") decoded (Route 53 Developer Guide, "DNS domain name
 * format": Route 53 keeps names in lower case and answers other characters as \three-digit octal
 * codes).
 */
#ifndef LIBCERT_ROUTE53_H
#define LIBCERT_ROUTE53_H

#include "aws.h"
#include "records.h"

#ifdef __cplusplus
extern "C" {
#endif

/** CloudFront's hosted zone id, the AliasTarget/HostedZoneId of an alias record that points at a
 * distribution (Route 53 API Reference, AliasTarget). */
#define CERT_R53_CLOUDFRONT_ZONE "Z2FDTNDATAQYW2"

/**
 * ListHostedZonesByName, every page (dnsname / hostedzoneid / IsTruncated, through the
 * paginator): every hosted zone of the account, public and private, in Route 53's order (names
 * with their labels reversed).
 * @param out       new array owned by the caller (cert_r53_zones_free()); NULL on failure
 * @param count_out its length
 * @return CERT_OK; CERT_E_AWS (AccessDenied, ...); CERT_E_NET (a malformed answer, retries ran
 *         out); CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_r53_list_zones(cert_aws *aws, cert_r53_zone **out, size_t *count_out);

/**
 * The records at one name of a hosted zone: ListResourceRecordSets from that name
 * (StartRecordName), following NextRecordName / NextRecordType / NextRecordIdentifier through the
 * paginator while the records keep that name, and no further.
 * @param zone_id the zone's Id, with or without "/hostedzone/"
 * @param name    the name (any case, trailing dot or not, "*" or "\052")
 * @param out     new array owned by the caller (cert_r53_records_free()), possibly empty
 * @return CERT_OK; CERT_E_INVALID (a zone id or name that cannot be sent); CERT_E_AWS
 *         (NoSuchHostedZone, ...); CERT_E_NET; CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_r53_list_records(cert_aws *aws, const char *zone_id, const char *name,
                                           cert_r53_record **out, size_t *count_out);

/**
 * GetHealthCheckStatus: what Route 53's checkers observe now, counted.
 * @param out written; owned by the caller (cert_r53_health_clear()); zeroed on failure
 * @return CERT_OK; CERT_E_INVALID (an id that cannot be sent); CERT_E_AWS (NoSuchHealthCheck);
 *         CERT_E_NET; CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_r53_health_status(cert_aws *aws, const char *health_check_id,
                                            cert_r53_health *out);

/**
 * A name in the one form libcert compares: escape codes decoded, lower case, no trailing dot
 * ("\052.Example.COM." -> "*.example.com").
 * @param buf  written; at least 256 bytes hold any DNS name
 * @return buf; NULL when the name does not fit or has a malformed escape
 */
CERT_EXTERN char *cert_r53_name_canon(const char *name, char *buf, size_t size);

/** Whether two names are the same DNS name (cert_r53_name_canon() of each is equal). */
CERT_EXTERN bool cert_r53_name_same(const char *a, const char *b);

#ifdef __cplusplus
}
#endif

#endif
