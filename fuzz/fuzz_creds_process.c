/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: what a credential_process prints (libcert/src/aws/creds_process.c), JSON
 * from a program named in a config file, parsed as the provider parses it. Checks beyond "no
 * crash": credentials are only accepted with a key id and a secret that are not empty, and an
 * error's message never quotes the output (it is secret): none of its string values, and
 * nothing of an output that is not a JSON object.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/creds_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The messages' own words: a value that is part of them proves nothing. */
static const char fixed_words[] =
    "profile fuzz: credential_process /bin/helper printed no JSON object; it must print "
    "{\"Version\": 1, \"AccessKeyId\": ..., \"SecretAccessKey\": ...} printed no \"Version\": 1; "
    "only version 1 is supported printed no AccessKeyId or SecretAccessKey printed a "
    "SessionToken that is not a string printed an Expiration that is not an RFC 3339 time";

/* Whether msg holds one of the string values (8 characters or more) of the JSON object j. */
static bool quotes_value(const char *msg, json_t *j)
{
    const char *key;
    json_t *v;

    json_object_foreach(j, key, v)
    {
        const char *s = json_string_value(v);

        if (s != NULL && strlen(s) >= 8 && strstr(fixed_words, s) == NULL && strstr(msg, s) != NULL)
            return true;
        if (json_is_object(v) && quotes_value(msg, v))
            return true;
    }
    return false;
}

/* An error may quote no secret: no string value of the output, nor (when it is not JSON at all)
 * any of it: then the message is the one fixed sentence with a line and a column. */
static bool quotes_input(const char *msg, const uint8_t *data, size_t size)
{
    static const char not_json[] =
        "profile fuzz: credential_process /bin/helper printed no JSON object (line ";
    json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    bool bad;

    if (json_is_object(j))
        bad = quotes_value(msg, j);
    else
        bad = strncmp(msg, not_json, sizeof(not_json) - 1) != 0;
    json_decref(j);
    return bad;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    aws_creds c;
    cert_err err;

    memset(&c, 0, sizeof(c));
    err = cert_aws__creds_process_parse((const char *)data, size, "fuzz", "/bin/helper", &c);
    if (err == CERT_OK) {
        if (!cert_aws__given(c.access_key_id) || !cert_aws__given(c.secret_access_key))
            abort();
    } else {
        const cert_error *e = cert_error_last();

        if (e == NULL || e->message == NULL || quotes_input(e->message, data, size))
            abort();
    }
    cert_aws__creds_clear(&c);
    cert_error_clear();
    return 0;
}
