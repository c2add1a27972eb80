/* Putting a checked chain into IAM in one request, idempotently (certup, certrotate). */
#include "libcert/upload.h"

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws_int.h"
#include "libcert/checks.h"
#include "libcert/inventory.h"
#include "libcert/split.h"
#include "util/error_int.h"
#include "util/json.h"
#include "util/time_int.h"

static const cert_put_opts default_opts = CERT_PUT_OPTS_INIT;

void cert_put_result_clear(cert_put_result *r)
{
    if (r == NULL)
        return;
    cert_iam_cert_clear(&r->meta);
    free(r->body);
    free(r->chain);
    cert_iam_certs_free(r->removable, r->removable_count);
    memset(r, 0, sizeof(*r));
    r->meta.upload_date = r->meta.expiration = INT64_MIN;
}

/* The intermediates as PEM, without the root even when the chain keeps it: IAM wants the path
 * from the leaf's issuer up, no root (IAM API Reference, CertificateChain). */
static cert_err render_chain(const cert_chain *c, char **out)
{
    cert_err err = CERT_OK;
    BIO *bio = BIO_new(BIO_s_mem());
    X509 *root = cert_chain_root(c);
    char *data;
    long n;

    *out = NULL;
    if (bio == NULL)
        return cert__error_nomem();
    for (size_t i = 0; i < cert_chain_count(c); i++) {
        if (cert_chain_at(c, i) == root)
            continue;
        if (!PEM_write_bio_X509(bio, cert_chain_at(c, i)))
            CERT_FAIL_SSL(CERT_E_INTERNAL, "cannot encode the chain");
    }
    n = BIO_get_mem_data(bio, &data);
    *out = strndup(n > 0 ? data : "", n > 0 ? (size_t)n : 0);
    if (*out == NULL)
        CERT_NOMEM();

done:
    BIO_free(bio);
    return err;
}

static cert_err list_removable(cert_aws *aws, cert_put_result *out)
{
    cert_err err;
    cert_inventory *inv = NULL;
    cert_inventory_opts io = CERT_INVENTORY_OPTS_INIT;
    size_t n = 0;

    io.path_prefix = "/cloudfront/";
    io.in_use = true;
    err = cert_inventory_build(aws, &io, &inv);
    if (err < 0)
        return err;
    for (size_t i = 0; i < cert_inventory_count(inv); i++)
        n += cert_inventory_removable(inv, i);
    out->removable = calloc(n ? n : 1, sizeof(*out->removable));
    if (out->removable == NULL) {
        cert_inventory_free(inv);
        return cert__error_nomem();
    }
    for (size_t i = 0; i < cert_inventory_count(inv); i++) {
        if (!cert_inventory_removable(inv, i))
            continue;
        if (cert_iam_cert_copy(&out->removable[out->removable_count], cert_inventory_at(inv, i)) <
            0) {
            cert_inventory_free(inv);
            return cert__error_nomem();
        }
        out->removable_count++;
    }
    cert_inventory_free(inv);
    return CERT_OK;
}

cert_err cert_iam_put(cert_aws *aws, const cert_chain *c, const cert_put_opts *o,
                      cert_put_result *out)
{
    cert_err err = CERT_OK;
    char *key = NULL, *iam_body = NULL, *iam_chain = NULL;
    size_t key_len = 0;
    cert_iam_upload_req req;
    const cert_aws_error *ae;

    if (out == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_iam_put: NULL result");
    memset(out, 0, sizeof(*out));
    out->meta.upload_date = out->meta.expiration = INT64_MIN;
    if (c == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_iam_put: NULL chain");
    if (o == NULL)
        o = &default_opts;
    if (cert_chain_key(c) == NULL)
        return cert__error_set(CERT_E_INVALID,
                               "no private key matches the leaf; IAM needs the key with the "
                               "certificate");
    if (o->name != NULL)
        snprintf(out->name, sizeof(out->name), "%s", o->name);
    else
        cert_iam_name_for(cert_chain_leaf(c), out->name, sizeof(out->name));
    out->path = o->path ? o->path : "/cloudfront/";
    if (!cert_iam_name_valid(o->name ? o->name : out->name))
        return cert__error_set(CERT_E_INVALID,
                               "certificate name \"%s\" is not one IAM takes: 1 to 128 of "
                               "letters, digits and _+=,.@-",
                               o->name ? o->name : out->name);
    if (!cert_iam_path_valid(out->path))
        return cert__error_set(CERT_E_INVALID,
                               "path \"%s\" is not one IAM takes: \"/\" or /.../ of printable "
                               "ASCII (e.g. /cloudfront/)",
                               out->path);
    {
        size_t len;

        CERT_TRY(cert_split_render(c, CERT_PART_CERT, o->key_format, &out->body, &len));
    }
    CERT_TRY(render_chain(c, &out->chain));
    CERT_TRY(cert_key_write_pem(cert_chain_key(c), o->key_format, &key, &key_len));
    cert_key_describe(cert_chain_key(c), out->key_type, sizeof(out->key_type));
    out->key_len = key_len;
    if (o->dry_run) {
        out->status = CERT_PUT_DRY_RUN;
        goto done;
    }
    memset(&req, 0, sizeof(req));
    req.name = out->name;
    req.path = out->path;
    req.body = out->body;
    req.chain = out->chain;
    req.private_key = key;
    req.tags = o->tags;
    req.tag_count = o->tag_count;
    err = cert_iam_upload(aws, &req, &out->meta);
    ae = cert_aws_last_error(aws);
    out->attempts = ae->attempts;
    cert_secret_free(key, key_len);
    key = NULL;
    if (err == CERT_OK) {
        out->status = CERT_PUT_UPLOADED;
        goto done;
    }
    if (err == CERT_E_AWS && strcmp(ae->code, "EntityAlreadyExists") == 0) {
        /* One request in the common case; the conflict is sorted out now (a retried upload
         * whose first attempt reached IAM lands here too). Compare DER, not text: IAM and the
         * AWS CLI rewrite line endings. */
        char saved[1024];
        int attempts = out->attempts;

        snprintf(saved, sizeof(saved), "%s", cert_error_last()->message);
        err = cert_iam_get(aws, out->name, &out->meta, &iam_body, &iam_chain);
        out->attempts = attempts;
        if (err < 0)
            goto done;
        if (cert_pem_same_certs(out->body, iam_body) &&
            cert_pem_same_certs(out->chain, iam_chain ? iam_chain : "")) {
            out->status = CERT_PUT_EXISTS;
            err = CERT_OK;
            goto done;
        }
        {
            char exp[32] = "unknown";

            if (out->meta.expiration != INT64_MIN)
                cert__time_format(out->meta.expiration, exp, sizeof(exp));
            err = cert__error_set(CERT_E_AWS,
                                  "IAM already holds a different certificate named %s (id %s, "
                                  "expires %s); give another --name, or delete that one first",
                                  out->name, out->meta.id, exp);
        }
        cert_aws__set_last(aws, "IAM", "UploadServerCertificate", "EntityAlreadyExists", saved, "",
                           409, attempts);
        goto done;
    }
    if (err == CERT_E_AWS && strcmp(ae->code, "LimitExceeded") == 0) {
        char saved[1024];
        cert_err lerr;

        snprintf(saved, sizeof(saved), "%s", cert_error_last()->message);
        lerr = list_removable(aws, out);
        if (lerr < 0)
            err = cert__error_set(CERT_E_AWS,
                                  "%s; IAM's server-certificate quota is full, and listing what "
                                  "could go failed too",
                                  saved);
        else
            err =
                cert__error_set(CERT_E_AWS,
                                "%s; IAM's server-certificate quota is full: %zu expired "
                                "certificate%s under /cloudfront/ that no distribution uses "
                                "could go (certprune --yes deletes them), or ask AWS for a "
                                "higher quota",
                                saved, out->removable_count, out->removable_count == 1 ? "" : "s");
    }

done:
    cert_secret_free(key, key_len);
    free(iam_body);
    free(iam_chain);
    return err;
}

/* ---- rendering ---- */

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

json_t *cert_iam__meta_json(const cert_iam_cert *m)
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

void cert_iam__meta_members(cert_json_sink *s, const cert_iam_cert *m)
{
    meta_fields(m, meta_put, s);
}

static const char *status_name(cert_put_status s, cert_err err)
{
    if (err < 0)
        return "error";
    switch (s) {
    case CERT_PUT_UPLOADED:
        return "uploaded";
    case CERT_PUT_EXISTS:
        return "exists";
    case CERT_PUT_DRY_RUN:
        return "dry-run";
    }
    return "error";
}

cert_err cert_put_write(const cert_put_result *r, cert_err err, bool json, FILE *f)
{
    char exp[32] = "", up[32] = "";

    if (json) {
        json_t *o = json_object(), *lc = json_object();
        int rc;

        if (r->meta.name != NULL)
            json_object_set_new(o, "ServerCertificateMetadata", cert_iam__meta_json(&r->meta));
        json_object_set_new(lc, "schema", json_integer(1));
        json_object_set_new(lc, "status", json_string(status_name(r->status, err)));
        json_object_set_new(lc, "name", json_string(r->name));
        json_object_set_new(lc, "path", json_string(r->path ? r->path : ""));
        /* Where the certificate is, not where it was asked to go: an identical one already in
         * IAM may sit under another path. */
        json_object_set_new(
            lc, "cloudfront_usable",
            json_boolean(cert_iam_path_cloudfront(r->meta.path ? r->meta.path : r->path)));
        json_object_set_new(lc, "attempts", json_integer(r->attempts));
        if (err < 0) {
            json_t *e = json_object();

            json_object_set_new(e, "code", json_string(cert_err_name(err)));
            json_object_set_new(e, "message", json_string(cert_error_last()->message));
            json_object_set_new(lc, "error", e);
        }
        if (r->status == CERT_PUT_DRY_RUN && err == CERT_OK) {
            json_t *q = json_object();
            char red[128];

            snprintf(red, sizeof(red), "(redacted: %s private key, %zu characters)", r->key_type,
                     r->key_len);
            json_object_set_new(q, "ServerCertificateName", json_string(r->name));
            json_object_set_new(q, "Path", json_string(r->path));
            json_object_set_new(q, "CertificateBody", json_string(r->body ? r->body : ""));
            json_object_set_new(q, "CertificateChain", json_string(r->chain ? r->chain : ""));
            json_object_set_new(q, "PrivateKey", json_string(red));
            json_object_set_new(lc, "request", q);
        }
        if (r->removable_count > 0) {
            json_t *a = json_array();

            for (size_t i = 0; i < r->removable_count; i++)
                json_array_append_new(a, cert_iam__meta_json(&r->removable[i]));
            json_object_set_new(lc, "removable", a);
        }
        json_object_set_new(o, "libcert", lc);
        rc = cert__json_write(o, f) == CERT_OK ? 0 : -1;
        json_decref(o);
        return rc == 0 ? CERT_OK : cert__error_set(CERT_E_IO, "cannot write the result");
    }
    if (err < 0) {
        for (size_t i = 0; i < r->removable_count; i++) {
            if (r->removable[i].expiration != INT64_MIN)
                cert__time_format(r->removable[i].expiration, exp, sizeof(exp));
            fprintf(f, "  could go: %s (id %s, expired %.10s)\n", r->removable[i].name,
                    r->removable[i].id, exp);
        }
        return CERT_OK;
    }
    if (r->meta.expiration != INT64_MIN)
        cert__time_format(r->meta.expiration, exp, sizeof(exp));
    if (r->meta.upload_date != INT64_MIN)
        cert__time_format(r->meta.upload_date, up, sizeof(up));
    switch (r->status) {
    case CERT_PUT_UPLOADED:
        fprintf(f, "uploaded %s to IAM (path %s)\n  id %s\n  arn %s\n  expires %s\n", r->name,
                r->path, r->meta.id, r->meta.arn, exp);
        break;
    case CERT_PUT_EXISTS:
        fprintf(f,
                "IAM already holds this certificate and chain as %s (id %s, uploaded %s); "
                "nothing to do\n",
                r->name, r->meta.id, up);
        if (r->meta.path != NULL && !cert_iam_path_cloudfront(r->meta.path))
            fprintf(f,
                    "  but under %s, which CloudFront cannot use: certls --fix-path %s moves "
                    "it\n",
                    r->meta.path, r->name);
        break;
    case CERT_PUT_DRY_RUN:
        fprintf(f,
                "would upload to IAM (dry run, nothing sent):\n  ServerCertificateName %s\n"
                "  Path %s\n  PrivateKey (redacted: %s, %zu characters)\n"
                "  CertificateBody:\n%s  CertificateChain:\n%s",
                r->name, r->path, r->key_type, r->key_len, r->body,
                r->chain[0] ? r->chain : "  (none)\n");
        break;
    }
    return ferror(f) ? cert__error_set(CERT_E_IO, "cannot write the result") : CERT_OK;
}
