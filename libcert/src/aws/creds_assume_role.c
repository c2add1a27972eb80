/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The assume-role provider: a profile's role_arn, assumed with the credentials of its
 * source_profile or credential_source (STS AssumeRole). Reference: AWS SDKs and Tools Reference
 * Guide, "Assume role credentials"; botocore's AssumeRoleProvider.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "creds_int.h"
#include "util/error_int.h"

/* STS's DurationSeconds range (AssumeRole API reference). */
#define DURATION_MIN 900
#define DURATION_MAX 43200

static bool has_static_keys(cert_aws *aws, const char *profile)
{
    return cert_aws__profile_get(aws, profile, "aws_access_key_id") != NULL ||
           cert_aws__profile_get(aws, profile, "aws_secret_access_key") != NULL;
}

/* Whether the profile assumes a role (CERT_OK), does not (CERT_CREDS_NONE), or says so in a way
 * that cannot work (an error naming the setting). */
static cert_err check_settings(cert_aws *aws, const char *profile, int depth, const char *name)
{
    const char *role_arn = cert_aws__profile_get(aws, profile, "role_arn");
    const char *source_profile = cert_aws__profile_get(aws, profile, "source_profile");
    const char *credential_source = cert_aws__profile_get(aws, profile, "credential_source");

    /* botocore's AssumeRoleProvider: role_arn without web_identity_token_file (that is the
     * web identity provider's). In a source profile static keys win over role_arn
     * (_resolve_credentials_from_profile), which also lets a profile name itself as its
     * source_profile to hold the keys the role is assumed with. */
    if (role_arn == NULL || cert_aws__profile_get(aws, profile, "web_identity_token_file") != NULL)
        return CERT_CREDS_NONE;
    if (depth > 0 && has_static_keys(aws, profile))
        return CERT_CREDS_NONE;
    if (!cert_aws__given(role_arn))
        return cert__error_set(CERT_E_INPUT, "profile %s in %s: role_arn is empty; give the ARN",
                               name, cert_aws__profile_file_of(aws, profile, "role_arn"));
    if (cert_aws__profile_get(aws, profile, "mfa_serial") != NULL)
        return cert__error_set(CERT_E_INPUT,
                               "profile %s has mfa_serial: libcert cannot prompt for an MFA code; "
                               "use a profile without mfa_serial (for example with keys from "
                               "`aws sts get-session-token`)",
                               name);
    if (source_profile != NULL && credential_source != NULL)
        return cert__error_set(CERT_E_INPUT,
                               "profile %s has both source_profile and credential_source; "
                               "keep one",
                               name);
    if (!cert_aws__given(source_profile) && !cert_aws__given(credential_source))
        return cert__error_set(CERT_E_INPUT,
                               "profile %s has role_arn but no source_profile or "
                               "credential_source; set one to say which credentials assume the "
                               "role",
                               name);
    return CERT_OK;
}

/* credential_source (the reference guide's "Assume role credentials", credential_source). */
static cert_err from_credential_source(cert_aws *aws, const char *name, const char *src,
                                       aws_creds *out)
{
    cert_err err;

    if (strcmp(src, "Environment") == 0)
        err = cert_aws__creds_env(aws, out);
    else if (strcmp(src, "Ec2InstanceMetadata") == 0)
        err = cert_aws__creds_imds(aws, out);
    else if (strcmp(src, "EcsContainer") == 0)
        err = cert_aws__creds_container(aws, out);
    else
        return cert__error_set(CERT_E_INPUT,
                               "profile %s: credential_source %s is not supported; use "
                               "Environment, Ec2InstanceMetadata or EcsContainer",
                               name, src);
    if (err == CERT_CREDS_NONE)
        return cert__error_set(CERT_E_INPUT,
                               "profile %s: credential_source %s found no credentials; provide "
                               "them there or use source_profile",
                               name, src);
    return err;
}

/* The credentials the role is assumed with: credential_source's, else source_profile's (its
 * own chain, one level deeper). */
static cert_err source_credentials(cert_aws *aws, const char *profile, int depth, const char *name,
                                   aws_creds *out)
{
    const char *source_profile = cert_aws__profile_get(aws, profile, "source_profile");
    const char *credential_source = cert_aws__profile_get(aws, profile, "credential_source");
    cert_err err;

    if (cert_aws__given(credential_source))
        return from_credential_source(aws, name, credential_source, out);
    if (!cert_aws__config_has_profile(aws->cfg, source_profile))
        return cert__error_set(CERT_E_INPUT,
                               "profile %s: its source_profile %s is not in %s or %s; add it or "
                               "fix source_profile",
                               name, source_profile, cert_aws__config_file(aws->cfg, false),
                               cert_aws__config_file(aws->cfg, true));
    err = cert_aws__creds_for_profile(aws, source_profile, depth + 1, out);
    if (err == CERT_CREDS_NONE)
        return cert__error_set(CERT_E_INPUT,
                               "profile %s: its source_profile %s has no credentials; give it "
                               "keys, credential_process, SSO or a role",
                               name, source_profile);
    return err;
}

/* AssumeRole's form (STS API reference): RoleArn, RoleSessionName, ExternalId,
 * DurationSeconds from the profile. */
static cert_err assume_role_body(cert_aws *aws, const char *profile, const char *name,
                                 cert_buf *body)
{
    cert_err err = CERT_OK;
    const char *v = cert_aws__profile_get(aws, profile, "role_session_name");
    char session[64];

    if (cert_aws__given(v)) {
        snprintf(session, sizeof(session), "%s", v);
        if (strlen(v) >= sizeof(session))
            CERT_FAIL(CERT_E_INPUT, "profile %s: role_session_name is longer than 64 characters",
                      name);
    } else {
        cert_aws__session_name(session);
    }
    CERT_TRY(cert_aws__query_add(body, "Action", "AssumeRole"));
    CERT_TRY(cert_aws__query_add(body, "Version", CERT_AWS_STS_VERSION));
    CERT_TRY(cert_aws__query_add(body, "RoleArn", cert_aws__profile_get(aws, profile, "role_arn")));
    CERT_TRY(cert_aws__query_add(body, "RoleSessionName", session));
    v = cert_aws__profile_get(aws, profile, "external_id");
    if (cert_aws__given(v))
        CERT_TRY(cert_aws__query_add(body, "ExternalId", v));
    v = cert_aws__profile_get(aws, profile, "duration_seconds");
    if (v != NULL) {
        char *end;
        long d = strtol(v, &end, 10);

        if (end == v || *end != '\0' || d < DURATION_MIN || d > DURATION_MAX)
            CERT_FAIL(CERT_E_INPUT,
                      "profile %s in %s: duration_seconds %s is not a whole number of seconds "
                      "from %d to %d",
                      name, cert_aws__profile_file_of(aws, profile, "duration_seconds"), v,
                      DURATION_MIN, DURATION_MAX);
        CERT_TRY(cert_aws__query_add(body, "DurationSeconds", v));
    }

done:
    return err;
}

cert_err cert_aws__creds_assume_role(cert_aws *aws, const char *profile, int depth, aws_creds *out)
{
    cert_err err;
    const char *name = cert_aws__profile_name(aws, profile);
    aws_creds src;
    cert_buf body;

    err = check_settings(aws, profile, depth, name);
    if (err != CERT_OK)
        return err;
    memset(&src, 0, sizeof(src));
    cert__buf_init(&body, 1u << 16, true);
    CERT_TRY(source_credentials(aws, profile, depth, name, &src));
    CERT_TRY(assume_role_body(aws, profile, name, &body));
    cert_aws__log(aws, "credentials: profile %s assumes %s with credentials from %s", name,
                  cert_aws__profile_get(aws, profile, "role_arn"), src.source ? src.source : "?");
    CERT_TRY(cert_aws__creds_sts(aws, "AssumeRole", &body, &src, name, "assume role", out));

done:
    cert_aws__creds_clear(&src);
    cert__buf_free(&body);
    return err;
}
