/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One AWS request through the library (credentials resolved as a tool would, SigV4, retries),
 * for tests/integration/test_sigv4_moto.py and test_creds_*.
 *
 *   aws_send_driver [--profile P] SERVICE METHOD PATH [QUERY [FORM-BODY]]
 *     SERVICE: iam, cloudfront, sts; a FORM-BODY is sent as application/x-www-form-urlencoded
 *   aws_send_driver [--profile P] --resolve
 *   aws_send_driver [--profile P] --iam-list PATH-PREFIX   (cert_iam_list, every page)
 *
 * Prints one JSON object: {"result", "message", "source", "status", "code", "body"} and exits 0
 * (success), 4 (CERT_E_AWS), 5 (CERT_E_NET) or 3 (anything else).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws_int.h"
#include "libcert/iam.h"

static int finish(cert_aws *aws, cert_err err, const char *source, const aws_response *resp)
{
    json_t *o = json_object();
    const cert_aws_error *e = aws ? cert_aws_last_error(aws) : NULL;
    char *text;

    json_object_set_new(o, "result", json_string(err == CERT_OK ? "ok" : cert_err_name(err)));
    json_object_set_new(o, "message",
                        json_string(err == CERT_OK ? "" : cert_error_last()->message));
    json_object_set_new(o, "source", json_string(source ? source : ""));
    json_object_set_new(o, "status", json_integer(e ? e->status : 0));
    json_object_set_new(o, "code", json_string(e ? e->code : ""));
    json_object_set_new(o, "body",
                        json_stringn(resp && resp->body.ptr ? resp->body.ptr : "",
                                     resp && resp->body.ptr ? resp->body.len : 0));
    text = json_dumps(o, JSON_COMPACT);
    puts(text ? text : "{}");
    free(text);
    json_decref(o);
    return err == CERT_OK ? 0 : err == CERT_E_AWS ? 4 : err == CERT_E_NET ? 5 : 3;
}

int main(int argc, char **argv)
{
    static const cert_http_header form[] = {
        {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    cert_aws_opts o = CERT_AWS_OPTS_INIT;
    cert_aws *aws = NULL;
    aws_request req;
    aws_response resp;
    const char *source = NULL;
    cert_err err;
    int i = 1, rc;

    if (argc > 2 && strcmp(argv[1], "--profile") == 0) {
        o.profile = argv[2];
        i = 3;
    }
    memset(&resp, 0, sizeof(resp));
    err = cert_aws_new(&o, &aws);
    if (err != CERT_OK)
        return finish(NULL, err, NULL, NULL);
    if (i < argc && strcmp(argv[i], "--resolve") == 0) {
        err = cert_aws_resolve_credentials(aws, &source);
        rc = finish(aws, err, source, NULL);
        cert_aws_free(aws);
        return rc;
    }
    if (i + 1 < argc && strcmp(argv[i], "--iam-list") == 0) {
        cert_iam_cert *v = NULL;
        size_t n = 0;
        char count[32];

        err = cert_iam_list(aws, argv[i + 1], 0, &v, &n);
        snprintf(count, sizeof(count), "%zu", n);
        memset(&resp, 0, sizeof(resp));
        resp.body.ptr = count;
        resp.body.len = strlen(count);
        rc = finish(aws, err, aws->have_creds ? aws->creds.source : NULL, &resp);
        cert_iam_certs_free(v, n);
        cert_aws_free(aws);
        return rc;
    }
    if (argc - i < 3) {
        fprintf(stderr,
                "usage: aws_send_driver [--profile P] SERVICE METHOD PATH [QUERY [BODY]]\n");
        cert_aws_free(aws);
        return 2;
    }
    memset(&req, 0, sizeof(req));
    req.service = strcmp(argv[i], "iam") == 0          ? CERT_AWS_IAM
                  : strcmp(argv[i], "cloudfront") == 0 ? CERT_AWS_CLOUDFRONT
                                                       : CERT_AWS_STS;
    req.method = argv[i + 1];
    req.path = argv[i + 2];
    req.query = argc - i > 3 && argv[i + 3][0] ? argv[i + 3] : NULL;
    req.action = "Driver";
    if (argc - i > 4) {
        req.body = (const uint8_t *)argv[i + 4];
        req.body_len = strlen(argv[i + 4]);
        req.headers = form;
        req.header_count = 1;
    }
    err = cert_aws__send(aws, &req, &resp);
    if (err == CERT_OK || aws->have_creds)
        source = aws->creds.source;
    rc = finish(aws, err, source, &resp);
    cert_aws__response_free(&resp);
    cert_aws_free(aws);
    return rc;
}
