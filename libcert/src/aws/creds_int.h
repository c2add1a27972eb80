/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The credential providers (creds.c runs the chain; creds_<provider>.c implement one provider
 * each, as aws-c-auth does; creds_util.c holds what several of them share).
 */
#ifndef LIBCERT_AWS_CREDS_INT_H
#define LIBCERT_AWS_CREDS_INT_H

#include <jansson.h>

#include "aws_int.h"

/* A provider that is not configured returns this (positive: not an error), and the chain goes
 * on to the next. CERT_OK means `out` is filled; an error stops the chain. */
#define CERT_CREDS_NONE ((cert_err)1)

/* profile NULL: the active profile, being resolved for the session (the environment's web
 * identity variables count only then); a name: a source_profile. depth counts source_profile
 * hops (cert_aws__creds_for_profile refuses more than 8). Secrets read on the way are wiped. */
cert_err cert_aws__creds_env(cert_aws *aws, aws_creds *out);
cert_err cert_aws__creds_profile_keys(cert_aws *aws, const char *profile, bool credentials_file,
                                      aws_creds *out);
cert_err cert_aws__creds_for_profile(cert_aws *aws, const char *profile, int depth, aws_creds *out);
cert_err cert_aws__creds_assume_role(cert_aws *aws, const char *profile, int depth, aws_creds *out);
cert_err cert_aws__creds_web_identity(cert_aws *aws, const char *profile, aws_creds *out);
cert_err cert_aws__creds_sso(cert_aws *aws, const char *profile, aws_creds *out);
cert_err cert_aws__creds_process(cert_aws *aws, const char *profile, aws_creds *out);

/* A credential_process's output (`len` bytes of JSON, not necessarily NUL-terminated) into
 * `out`; errors name profile `name` and the program `prog` and never quote the output (it is
 * secret). For cert_aws__creds_process() and the fuzzer. */
cert_err cert_aws__creds_process_parse(const char *text, size_t len, const char *name,
                                       const char *prog, aws_creds *out);
cert_err cert_aws__creds_container(cert_aws *aws, aws_creds *out);
cert_err cert_aws__creds_imds(cert_aws *aws, aws_creds *out);

/* ---- shared by the providers (creds_util.c, creds_sts.c) ---- */

/* Token files (web identity, container authorization): STS takes web identity tokens of at
 * most 20,000 characters. */
#define CERT_AWS_TOKEN_FILE_MAX (64u << 10)

/* The profile's name for messages: `profile`, or the active one when it is NULL. */
const char *cert_aws__profile_name(cert_aws *aws, const char *profile);

/* A setting of a profile (NULL: the active one), as cert_aws__config_get(). */
const char *cert_aws__profile_get(cert_aws *aws, const char *profile, const char *key);

/* Where a profile's setting is, for messages: the credentials file when it is there. */
const char *cert_aws__profile_file_of(cert_aws *aws, const char *profile, const char *key);

/* "profile dev: " + the callee's message (which already names the service and the answer). */
cert_err cert_aws__profile_error(cert_err err, const char *name);

/* A role session name as botocore makes one ("botocore-session-<epoch>"), named for us. */
void cert_aws__session_name(char buf[64]);

/* Wipe and free a secret string; NULL is a no-op. */
void cert_aws__secret_free(char *s);

/* json_decref() after wiping every string value (jansson keeps them in its own allocations). */
void cert_aws__json_free_secret(json_t *j);

/* A member's string value, NULL when absent or not a string (borrowed from o). */
const char *cert_aws__json_str(const json_t *o, const char *key);

/* RFC 3339 / ISO 8601 as the providers write it, also the AWS CLI v2's SSO cache's old
 * "2019-11-14T04:05:45UTC". false when it is not a time. */
bool cert_aws__creds_time(const char *text, int64_t *out);

/* A token file's contents without trailing white space (a JWT holds none; editors add "\n"),
 * one line, not empty; out is capped at CERT_AWS_TOKEN_FILE_MAX by the caller's init. `what`
 * names the file's setting for messages. */
cert_err cert_aws__token_file_read(const char *path, const char *what, cert_buf *out);

/* AccessKeyId, SecretAccessKey, Token, Expiration: the container and IMDS answers' shape.
 * `what` names the endpoint for messages, `source` is the credentials' static description. */
cert_err cert_aws__creds_from_json(const json_t *j, const char *what, const char *source,
                                   aws_creds *out);

/* STS's query API version, which every STS body names. */
#define CERT_AWS_STS_VERSION "2011-06-15"

/* POST an STS query action (`body`: the whole form, Action and Version included) and take
 * <Credentials> from its result (AssumeRole and AssumeRoleWithWebIdentity API references).
 * signer NULL: unsigned. Errors name profile `name`. */
cert_err cert_aws__creds_sts(cert_aws *aws, const char *action, const cert_buf *body,
                             const aws_creds *signer, const char *name, const char *source,
                             aws_creds *out);

#endif
