/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the shared config and credentials files (libcert/src/aws/config.c), which a
 * user, a provisioning tool or another program writes. The input is both files: the part before
 * the first NUL byte is the config file, the rest the credentials file. They are written to a
 * directory of their own (in /dev/shm when there is one: no disk I/O per run) and loaded through
 * the same internal API the session uses, then every lookup the credential providers make is
 * asked of them: the active profile, a named one, a source_profile chain, sso-session and
 * services sections.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/aws_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char cfg_path[256], creds_path[256];

static void setup(void)
{
    char dir[] = "/dev/shm/libcert-fuzz-config.XXXXXX";
    char fallback[] = "/tmp/libcert-fuzz-config.XXXXXX";
    const char *d = mkdtemp(dir);

    if (d == NULL)
        d = mkdtemp(fallback);
    if (d == NULL)
        abort();
    snprintf(cfg_path, sizeof(cfg_path), "%s/config", d);
    snprintf(creds_path, sizeof(creds_path), "%s/credentials", d);
    setenv("AWS_CONFIG_FILE", cfg_path, 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", creds_path, 1);
    unsetenv("AWS_PROFILE");
    unsetenv("AWS_DEFAULT_PROFILE");
}

static void write_file(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = fopen(path, "wb");

    if (f == NULL)
        abort();
    if (n > 0 && fwrite(p, 1, n, f) != n)
        abort();
    if (fclose(f) != 0)
        abort();
}

/* Every setting the providers and the session read, of one profile. */
static void ask(const aws_config *c, const char *profile)
{
    static const char *const keys[] = {
        "aws_access_key_id", "aws_secret_access_key",
        "aws_session_token", "region",
        "role_arn",          "source_profile",
        "credential_source", "credential_process",
        "sso_session",       "sso_start_url",
        "sso_account_id",    "web_identity_token_file",
        "endpoint_url",      "services",
        "ca_bundle",         "max_attempts",
    };
    const char *src = profile;

    (void)cert_aws__config_has_profile(c, profile ? profile : cert_aws__config_profile(c));
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        const char *v = cert_aws__config_get(c, profile, keys[i]);

        /* every value is a C string: reading it whole must stay inside its allocation */
        if (v != NULL && strlen(v) > (1u << 20))
            abort();
        (void)cert_aws__config_get_in(c, profile, keys[i], true);
        (void)cert_aws__config_get_in(c, profile, keys[i], false);
    }
    /* a source_profile chain, as creds_for_profile walks it (at most 8 hops there too) */
    for (int hop = 0; hop < 8 && src != NULL; hop++)
        src = cert_aws__config_get(c, src, "source_profile");
    const char *sso = cert_aws__config_get(c, profile, "sso_session");
    if (sso != NULL) {
        char sec[300];

        snprintf(sec, sizeof(sec), "sso-session %s", sso);
        (void)cert_aws__config_section_get(c, sec, "sso_region");
        (void)cert_aws__config_section_get(c, sec, "sso_start_url");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t cfg_len = nul ? (size_t)(nul - data) : size;
    aws_config *c = NULL;

    if (cfg_path[0] == '\0')
        setup();
    write_file(cfg_path, data, cfg_len);
    write_file(creds_path, nul ? nul + 1 : data + size, nul ? size - cfg_len - 1 : 0);
    /* the default profile, then a named one (which must exist in one of the files) */
    if (cert_aws__config_load(NULL, false, &c) == CERT_OK) {
        ask(c, NULL);
        ask(c, "default");
        (void)cert_aws__config_service_get(c, "iam", "endpoint_url");
        (void)cert_aws__config_service_get(c, "cloudfront", "endpoint_url");
        (void)cert_aws__config_file(c, true);
        cert_aws__config_free(c);
        c = NULL;
    }
    if (cert_aws__config_load("dev", true, &c) == CERT_OK) {
        if (strcmp(cert_aws__config_profile(c), "dev") != 0)
            abort();
        ask(c, NULL);
        cert_aws__config_free(c);
    }
    cert_error_clear();
    return 0;
}
