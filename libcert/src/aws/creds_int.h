/* The credential providers (creds.c runs the chain; creds_*.c implement the providers). */
#ifndef LIBCERT_AWS_CREDS_INT_H
#define LIBCERT_AWS_CREDS_INT_H

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
cert_err cert_aws__creds_container(cert_aws *aws, aws_creds *out);
cert_err cert_aws__creds_imds(cert_aws *aws, aws_creds *out);

#endif
