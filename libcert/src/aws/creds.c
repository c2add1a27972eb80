/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Credentials, resolved in the AWS CLI's (botocore's) order:
 *   1. the environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
 *      (skipped when --profile was given: --profile beats the environment, AWS_PROFILE does not)
 *   2. the profile's role_arn with source_profile or credential_source (STS AssumeRole)
 *   3. web identity: the profile's web_identity_token_file + role_arn, or
 *      AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (STS AssumeRoleWithWebIdentity)
 *   4. SSO: the profile's sso_session (or legacy sso_start_url): the token cache that
 *      `aws sso login` writes, then the portal's GetRoleCredentials
 *   5. the shared credentials file's keys for the profile
 *   6. the profile's credential_process
 *   7. the config file's keys for the profile
 *   8. container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI)
 *   9. EC2 instance metadata (IMDSv2), unless AWS_EC2_METADATA_DISABLED
 * A provider that is configured but fails stops the chain with its error, as botocore does.
 *
 * Steps 2-7 are one profile's chain (cert_aws__creds_for_profile). A source_profile is resolved
 * with the same chain, one level deeper, with botocore's two differences: the environment's
 * AWS_WEB_IDENTITY_TOKEN_FILE / AWS_ROLE_ARN count only for the profile being resolved (the
 * providers tell by profile == NULL), and static keys in a source profile win over its own
 * role_arn, which lets a profile name itself as source_profile to hold the keys its role is
 * assumed with. Temporary credentials carry their expiration and are resolved again (the whole
 * chain) when less than 5 minutes are left, here and in cert_aws__send.
 */
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "creds_int.h"
#include "util/error_int.h"

void cert_aws__creds_clear(aws_creds *c)
{
    if (c->secret_access_key != NULL) {
        OPENSSL_cleanse(c->secret_access_key, strlen(c->secret_access_key));
        free(c->secret_access_key);
    }
    if (c->session_token != NULL) {
        OPENSSL_cleanse(c->session_token, strlen(c->session_token));
        free(c->session_token);
    }
    free(c->access_key_id);
    memset(c, 0, sizeof(*c));
}

cert_err cert_aws__creds_set(aws_creds *c, const char *akid, const char *secret, const char *token,
                             int64_t expiration, const char *source)
{
    cert_aws__creds_clear(c);
    c->access_key_id = strdup(akid);
    c->secret_access_key = strdup(secret);
    c->session_token = token && *token ? strdup(token) : NULL;
    c->expiration = expiration;
    c->source = source;
    if (c->access_key_id == NULL || c->secret_access_key == NULL ||
        (token && *token && c->session_token == NULL)) {
        cert_aws__creds_clear(c);
        return cert__error_nomem();
    }
    return CERT_OK;
}

bool cert_aws__creds_stale(const aws_creds *c, int64_t now)
{
    /* Refresh temporary credentials five minutes before they expire, so that a request signed
     * now does not arrive with expired credentials. */
    return c->expiration != INT64_MAX && c->expiration - now < 300;
}

cert_err cert_aws__creds_env(cert_aws *aws, aws_creds *out)
{
    const char *id = getenv("AWS_ACCESS_KEY_ID"), *secret = getenv("AWS_SECRET_ACCESS_KEY");

    (void)aws;
    if (!cert_aws__given(id) && !cert_aws__given(secret))
        return CERT_CREDS_NONE;
    if (!cert_aws__given(id) || !cert_aws__given(secret))
        return cert__error_set(CERT_E_INPUT,
                               "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together");
    return cert_aws__creds_set(out, id, secret, getenv("AWS_SESSION_TOKEN"), INT64_MAX,
                               "environment");
}

cert_err cert_aws__creds_profile_keys(cert_aws *aws, const char *profile, bool credentials_file,
                                      aws_creds *out)
{
    const char *id =
        cert_aws__config_get_in(aws->cfg, profile, "aws_access_key_id", credentials_file);
    const char *secret =
        cert_aws__config_get_in(aws->cfg, profile, "aws_secret_access_key", credentials_file);
    const char *token =
        cert_aws__config_get_in(aws->cfg, profile, "aws_session_token", credentials_file);

    if (!cert_aws__given(id) && !cert_aws__given(secret))
        return CERT_CREDS_NONE;
    if (!cert_aws__given(id) || !cert_aws__given(secret))
        return cert__error_set(CERT_E_INPUT,
                               "profile %s in %s has only one of aws_access_key_id and "
                               "aws_secret_access_key; set both",
                               profile ? profile : cert_aws__config_profile(aws->cfg),
                               cert_aws__config_file(aws->cfg, credentials_file));
    return cert_aws__creds_set(out, id, secret, token, INT64_MAX,
                               credentials_file ? "shared credentials file" : "config file");
}

cert_err cert_aws__creds_for_profile(cert_aws *aws, const char *profile, int depth, aws_creds *out)
{
    cert_err err;

    if (depth > 8)
        return cert__error_set(CERT_E_INPUT,
                               "profile %s: the source_profile chain is longer than 8 profiles (a "
                               "loop?); fix source_profile",
                               profile);
    err = cert_aws__creds_assume_role(aws, profile, depth, out);
    if (err != CERT_CREDS_NONE)
        return err;
    err = cert_aws__creds_web_identity(aws, profile, out);
    if (err != CERT_CREDS_NONE)
        return err;
    err = cert_aws__creds_sso(aws, profile, out);
    if (err != CERT_CREDS_NONE)
        return err;
    err = cert_aws__creds_profile_keys(aws, profile, true, out);
    if (err != CERT_CREDS_NONE)
        return err;
    err = cert_aws__creds_process(aws, profile, out);
    if (err != CERT_CREDS_NONE)
        return err;
    return cert_aws__creds_profile_keys(aws, profile, false, out);
}

cert_err cert_aws__creds_resolve(cert_aws *aws, aws_creds *out)
{
    cert_err err;

    if (!aws->explicit_profile) {
        err = cert_aws__creds_env(aws, out);
        if (err != CERT_CREDS_NONE)
            return err;
    }
    err = cert_aws__creds_for_profile(aws, NULL, 0, out);
    if (err != CERT_CREDS_NONE)
        return err;
    err = cert_aws__creds_container(aws, out);
    if (err != CERT_CREDS_NONE)
        return err;
    err = cert_aws__creds_imds(aws, out);
    if (err != CERT_CREDS_NONE)
        return err;
    return cert__error_set(CERT_E_INPUT,
                           "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                           "or configure profile %s in %s (or pass --profile)",
                           cert_aws__config_profile(aws->cfg),
                           cert_aws__config_file(aws->cfg, true));
}

cert_err cert_aws_resolve_credentials(cert_aws *aws, const char **source_out)
{
    cert_err err;

    if (!aws->have_creds || cert_aws__creds_stale(&aws->creds, cert_aws__now())) {
        err = cert_aws__creds_resolve(aws, &aws->creds);
        if (err < 0)
            return err;
        aws->have_creds = true;
    }
    if (source_out != NULL)
        *source_out = aws->creds.source;
    return CERT_OK;
}
