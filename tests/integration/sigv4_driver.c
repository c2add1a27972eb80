/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reads one JSON request per line on stdin and prints what cert_sigv4_sign() makes of it, one
 * line each, for tests/integration/test_sigv4_botocore.py:
 *   {"method", "host", "path", "query", "headers": [[name, value], ...], "body_hex", "region",
 *    "service", "time", "akid", "secret", "token" (or null)}
 *   -> "OK <X-Amz-Date> <Authorization>" or "ERR <code> <message>"
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcert/aws.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static uint8_t *unhex(const char *s, size_t *len)
{
    size_t n = strlen(s) / 2;
    uint8_t *b = malloc(n + 1);

    if (b == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)(hexval(s[2 * i]) * 16 + hexval(s[2 * i + 1]));
    *len = n;
    return b;
}

static int sign_line(const char *line)
{
    json_error_t jerr;
    json_t *j = json_loads(line, 0, &jerr), *hs;
    cert_sigv4_request r;
    cert_aws_credentials c;
    cert_sigv4_signed out;
    cert_http_header *h = NULL;
    uint8_t *body = NULL;
    size_t body_len = 0, n;
    cert_err err;

    if (j == NULL) {
        fprintf(stderr, "sigv4_driver: bad JSON line: %s\n", jerr.text);
        return 1;
    }
    memset(&r, 0, sizeof(r));
    memset(&c, 0, sizeof(c));
    r.method = json_string_value(json_object_get(j, "method"));
    r.host = json_string_value(json_object_get(j, "host"));
    r.path = json_string_value(json_object_get(j, "path"));
    r.query = json_string_value(json_object_get(j, "query"));
    r.region = json_string_value(json_object_get(j, "region"));
    r.service = json_string_value(json_object_get(j, "service"));
    r.time = (int64_t)json_integer_value(json_object_get(j, "time"));
    hs = json_object_get(j, "headers");
    n = json_array_size(hs);
    h = calloc(n + 1, sizeof(*h));
    for (size_t i = 0; h != NULL && i < n; i++) {
        h[i].name = json_string_value(json_array_get(json_array_get(hs, i), 0));
        h[i].value = json_string_value(json_array_get(json_array_get(hs, i), 1));
    }
    r.headers = h;
    r.header_count = n;
    if (json_string_value(json_object_get(j, "body_hex")) != NULL)
        body = unhex(json_string_value(json_object_get(j, "body_hex")), &body_len);
    r.body = body;
    r.body_len = body_len;
    c.access_key_id = json_string_value(json_object_get(j, "akid"));
    c.secret_access_key = json_string_value(json_object_get(j, "secret"));
    c.session_token = json_string_value(json_object_get(j, "token"));
    err = cert_sigv4_sign(&r, &c, &out);
    if (err == CERT_OK)
        printf("OK %s %s\n", out.amz_date, out.authorization);
    else
        printf("ERR %d %s\n", (int)err, cert_error_last()->message);
    free(body);
    free(h);
    json_decref(j);
    return 0;
}

int main(void)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;

    while ((n = getline(&line, &cap, stdin)) > 0) {
        if (line[n - 1] == '\n')
            line[n - 1] = '\0';
        if (line[0] != '\0')
            rc |= sign_line(line);
    }
    free(line);
    fflush(stdout);
    return rc;
}
