/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What several credential providers share: profile settings and messages, secret wiping, the
 * JSON and time formats the providers read.
 */
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "creds_int.h"
#include "util/error_int.h"
#include "util/file.h"
#include "util/time_int.h"

const char *cert_aws__profile_name(cert_aws *aws, const char *profile)
{
    return profile != NULL ? profile : cert_aws__config_profile(aws->cfg);
}

const char *cert_aws__profile_get(cert_aws *aws, const char *profile, const char *key)
{
    return cert_aws__config_get(aws->cfg, profile, key);
}

const char *cert_aws__profile_file_of(cert_aws *aws, const char *profile, const char *key)
{
    bool creds = cert_aws__config_get_in(aws->cfg, profile, key, true) != NULL;

    return cert_aws__config_file(aws->cfg, creds);
}

cert_err cert_aws__profile_error(cert_err err, const char *name)
{
    return cert__error_set(err, "profile %s: %s", name, cert_error_last()->message);
}

void cert_aws__session_name(char buf[64])
{
    snprintf(buf, 64, "libcert-session-%lld", (long long)cert_aws__now());
}

void cert_aws__secret_free(char *s)
{
    if (s != NULL) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

static void json_wipe(json_t *j)
{
    if (json_is_string(j)) {
        OPENSSL_cleanse((char *)json_string_value(j), json_string_length(j));
    } else if (json_is_object(j)) {
        const char *k;
        json_t *v;

        json_object_foreach(j, k, v)
        {
            json_wipe(v);
        }
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;

        json_array_foreach(j, i, v)
        {
            json_wipe(v);
        }
    }
}

void cert_aws__json_free_secret(json_t *j)
{
    if (j != NULL) {
        json_wipe(j);
        json_decref(j);
    }
}

const char *cert_aws__json_str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

bool cert_aws__creds_time(const char *text, int64_t *out)
{
    char buf[64];
    size_t n;

    if (text == NULL || (n = strlen(text)) >= sizeof(buf) || n < 4)
        return false;
    memcpy(buf, text, n + 1);
    if (strcmp(buf + n - 3, "UTC") == 0) {
        buf[n - 3] = 'Z';
        buf[n - 2] = '\0';
    }
    return cert__time_parse(buf, out) == CERT_OK;
}

cert_err cert_aws__token_file_read(const char *path, const char *what, cert_buf *out)
{
    cert_err err = cert__file_read(path, CERT_AWS_TOKEN_FILE_MAX, out);

    if (err < 0)
        return cert__error_set(CERT_E_INPUT, "%s: %s", what, cert_error_last()->message);
    while (out->len > 0 && (out->ptr[out->len - 1] == '\n' || out->ptr[out->len - 1] == '\r' ||
                            out->ptr[out->len - 1] == ' ' || out->ptr[out->len - 1] == '\t'))
        out->ptr[--out->len] = '\0';
    if (out->len == 0)
        return cert__error_set(CERT_E_INPUT, "%s: %s is empty; it must hold the token", what, path);
    if (memchr(out->ptr, '\0', out->len) != NULL || strpbrk(out->ptr, "\r\n") != NULL)
        return cert__error_set(CERT_E_INPUT,
                               "%s: %s holds more than one line; it must hold the "
                               "token alone",
                               what, path);
    return CERT_OK;
}

cert_err cert_aws__creds_from_json(const json_t *j, const char *what, const char *source,
                                   aws_creds *out)
{
    int64_t expiration = INT64_MAX;
    const char *exp = cert_aws__json_str(j, "Expiration");
    const char *akid = cert_aws__json_str(j, "AccessKeyId");
    const char *secret = cert_aws__json_str(j, "SecretAccessKey");

    if (!cert_aws__given(akid) || !cert_aws__given(secret))
        return cert__error_set(CERT_E_NET,
                               "%s answered no AccessKeyId and SecretAccessKey; check the "
                               "endpoint",
                               what);
    if (cert_aws__given(exp) && !cert_aws__creds_time(exp, &expiration))
        return cert__error_set(CERT_E_NET, "%s answered an Expiration that is not a time", what);
    return cert_aws__creds_set(out, akid, secret, cert_aws__json_str(j, "Token"), expiration,
                               source);
}
