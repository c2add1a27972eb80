/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The web identity provider: a token file (an OIDC token from EKS, GitHub Actions, ...)
 * exchanged for a role's credentials (STS AssumeRoleWithWebIdentity). Reference: AWS SDKs and
 * Tools Reference Guide, "Assume role credentials" (web identity); botocore's
 * AssumeRoleWithWebIdentityProvider.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "creds_int.h"
#include "util/error_int.h"

cert_err cert_aws__creds_web_identity(cert_aws *aws, const char *profile, aws_creds *out)
{
    cert_err err = CERT_OK;
    const char *name = cert_aws__profile_name(aws, profile);
    /* The environment counts for the profile being resolved, not for a source_profile
     * (botocore's disable_env_vars); each variable overrides its profile setting. */
    bool use_env = profile == NULL;
    const char *env_file = use_env ? getenv("AWS_WEB_IDENTITY_TOKEN_FILE") : NULL;
    const char *env_arn = use_env ? getenv("AWS_ROLE_ARN") : NULL;
    const char *env_session = use_env ? getenv("AWS_ROLE_SESSION_NAME") : NULL;
    const char *token_file, *role_arn, *session_v;
    char what[300], session[64];
    cert_buf token, body;

    cert__buf_init(&token, CERT_AWS_TOKEN_FILE_MAX, true);
    cert__buf_init(&body, 1u << 17, true);
    token_file = cert_aws__given(env_file)
                     ? env_file
                     : cert_aws__profile_get(aws, profile, "web_identity_token_file");
    if (!cert_aws__given(token_file))
        return CERT_CREDS_NONE;
    if (cert_aws__given(env_file))
        snprintf(what, sizeof(what), "AWS_WEB_IDENTITY_TOKEN_FILE");
    else
        snprintf(what, sizeof(what), "profile %s: web_identity_token_file", name);
    role_arn = cert_aws__given(env_arn) ? env_arn : cert_aws__profile_get(aws, profile, "role_arn");
    if (!cert_aws__given(role_arn))
        return cert__error_set(CERT_E_INPUT,
                               "%s is set but no role to assume is: set AWS_ROLE_ARN or role_arn "
                               "in profile %s",
                               what, name);
    session_v = cert_aws__given(env_session)
                    ? env_session
                    : cert_aws__profile_get(aws, profile, "role_session_name");
    if (cert_aws__given(session_v)) {
        if (strlen(session_v) >= sizeof(session))
            return cert__error_set(CERT_E_INPUT,
                                   "the role session name for profile %s is longer than 64 "
                                   "characters",
                                   name);
        snprintf(session, sizeof(session), "%s", session_v);
    } else {
        cert_aws__session_name(session);
    }
    CERT_TRY(cert_aws__token_file_read(token_file, what, &token));
    /* AssumeRoleWithWebIdentity is not signed: the token is the credential (STS API
     * reference). */
    CERT_TRY(cert_aws__query_add(&body, "Action", "AssumeRoleWithWebIdentity"));
    CERT_TRY(cert_aws__query_add(&body, "Version", CERT_AWS_STS_VERSION));
    CERT_TRY(cert_aws__query_add(&body, "RoleArn", role_arn));
    CERT_TRY(cert_aws__query_add(&body, "RoleSessionName", session));
    CERT_TRY(cert_aws__query_add(&body, "WebIdentityToken", token.ptr));
    cert_aws__log(aws, "credentials: web identity for %s (token from %s)", role_arn, what);
    CERT_TRY(cert_aws__creds_sts(aws, "AssumeRoleWithWebIdentity", &body, NULL, name,
                                 "web identity", out));

done:
    cert__buf_free(&token);
    cert__buf_free(&body);
    return err;
}
