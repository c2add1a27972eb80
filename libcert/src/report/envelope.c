/*
 * The JSON envelope every tool's document carries (render.h), and AWS's records as the AWS CLI
 * prints them.
 */
#include <string.h>

#include "report/render_int.h"
#include "util/error_int.h"

json_t *cert__str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *cert__failure_json(const cert_failure *f)
{
    json_t *e = json_object();

    json_object_set_new(e, "message", json_string(f->message ? f->message : ""));
    json_object_set_new(e, "code", json_string(cert_err_name(f->err)));
    if (f->aws_code != NULL || f->http_status > 0) {
        json_object_set_new(e, "aws_code", cert__str_or_null(f->aws_code));
        json_object_set_new(e, "request_id", cert__str_or_null(f->request_id));
        json_object_set_new(e, "http_status", json_integer(f->http_status));
    }
    return e;
}

void cert__envelope_set(json_t *o, int schema, cert_exit exit, const cert_failure *f)
{
    json_object_set_new(o, "schema", json_integer(schema));
    json_object_set_new(o, "exit_code", json_integer(exit));
    if (f != NULL && f->err < 0)
        json_object_set_new(o, "error", cert__failure_json(f));
}

cert_err cert__json_emit(json_t *doc, FILE *f)
{
    cert_err err;

    if (doc == NULL)
        return cert__error_nomem();
    err = cert__json_write(doc, f);
    json_decref(doc);
    if (err == CERT_E_IO)
        return cert__error_set(CERT_E_IO, "cannot write the result");
    return err == CERT_E_NOMEM ? cert__error_nomem() : err;
}

/* ServerCertificateMetadata's members in the AWS CLI's order, each with its text (NULL: null),
 * to `each`: the one list behind the JSON tree and the streamed members. */
static void meta_fields(const cert_iam_cert *m,
                        void (*each)(const char *key, const char *value, void *ud), void *ud)
{
    char up[32], exp[32];

    each("Path", m->path ? m->path : "", ud);
    each("ServerCertificateName", m->name ? m->name : "", ud);
    each("ServerCertificateId", m->id ? m->id : "", ud);
    each("Arn", m->arn ? m->arn : "", ud);
    each("UploadDate",
         m->upload_date == INT64_MIN ? NULL : cert_aws_time_format(m->upload_date, up, sizeof(up)),
         ud);
    each("Expiration",
         m->expiration == INT64_MIN ? NULL : cert_aws_time_format(m->expiration, exp, sizeof(exp)),
         ud);
}

static void meta_set(const char *key, const char *value, void *ud)
{
    json_object_set_new(ud, key, value ? json_string(value) : json_null());
}

json_t *cert__meta_json(const cert_iam_cert *m)
{
    json_t *o = json_object();

    if (o != NULL)
        meta_fields(m, meta_set, o);
    return o;
}

static void meta_put(const char *key, const char *value, void *ud)
{
    cert__json_sink_key(ud, key);
    cert__json_sink_string(ud, value);
}

void cert__meta_members(cert_json_sink *s, const cert_iam_cert *m)
{
    meta_fields(m, meta_put, s);
}

cert_err cert_failure_write(const char *list_key, int schema, const cert_failure *failure, FILE *f)
{
    json_t *o = json_object(), *lc = json_object();

    if (list_key == NULL || failure == NULL || f == NULL) {
        json_decref(o);
        json_decref(lc);
        return cert__error_set(CERT_E_INVALID, "cert_failure_write: NULL argument");
    }
    json_object_set_new(o, list_key, json_array());
    cert__envelope_set(lc, schema, cert_exit_for_err(failure->err), failure);
    json_object_set_new(o, "libcert", lc);
    return cert__json_emit(o, f);
}
