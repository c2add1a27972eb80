/* SPDX-License-Identifier: Apache-2.0 */
/* Putting a checked chain into IAM in one request, idempotently (certup, certrotate). */
#include "libcert/upload.h"

#include <ctype.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/aws_int.h"
#include "libcert/checks.h"
#include "libcert/inventory.h"
#include "libcert/results.h"
#include "libcert/split.h"
#include "ops/ops_int.h"
#include "util/error_int.h"
#include "util/time_int.h"

static const cert_put_opts default_opts = CERT_PUT_OPTS_INIT;

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

bool cert_upload_tag_present(const cert_aws_tag *tags, size_t count)
{
    /* IAM User Guide, "Tagging IAM resources": tag keys are not case sensitive for IAM. */
    for (size_t i = 0; tags != NULL && i < count; i++) {
        if (tags[i].key != NULL && strcasecmp(tags[i].key, CERT_TAG_UPLOADED) == 0)
            return true;
    }
    return false;
}

/* The tool named in the upload tag: the option, else the session's tool, else "libcert"; only
 * when it fits IAM's tag value pattern [\p{L}\p{Z}\p{N}_.:/=+\-@]* (IAM API Reference, Tag). */
const char *cert_ops__uploader(const cert_aws *aws, const cert_put_opts *o)
{
    const char *u = o->uploader ? o->uploader : cert_aws__tool(aws);
    size_t n = u ? strlen(u) : 0;

    if (n == 0 || n > 256)
        return "libcert";
    for (size_t i = 0; i < n; i++) {
        if (!isalnum((unsigned char)u[i]) && strchr("_.:/=+-@ ", u[i]) == NULL)
            return "libcert";
    }
    return u;
}

/* The request's name, path and texts, checked as IAM would check them; nothing is sent. */
cert_err cert_ops__put_prepare(const cert_chain *c, const cert_put_opts *o, cert_put_result *out,
                               char **key, size_t *key_len)
{
    cert_err err = CERT_OK;
    size_t len;

    if (cert_chain_key(c) == NULL)
        return cert__error_set(CERT_E_INVALID,
                               "no private key matches the leaf; IAM needs the key with the "
                               "certificate");
    /* IAM API Reference, UploadServerCertificate, Tags: at most 50, and libcert's is one. */
    if (o->tag_count > CERT_PUT_TAGS_MAX)
        return cert__error_set(CERT_E_INVALID,
                               "%zu tags: IAM takes 50 per certificate and libcert adds its own "
                               "(%s), so give at most %d",
                               o->tag_count, CERT_TAG_UPLOADED, CERT_PUT_TAGS_MAX);
    if (cert_upload_tag_present(o->tags, o->tag_count))
        return cert__error_set(CERT_E_INVALID,
                               "tag %s is the one libcert puts on what it uploads; give another "
                               "key",
                               CERT_TAG_UPLOADED);
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
    CERT_TRY(cert_split_render(c, CERT_PART_CERT, o->key_format, &out->body, &len));
    /* The path from the leaf's issuer up, never the root (IAM API Reference,
     * CertificateChain). */
    CERT_TRY(cert_chain_write_pem(c, false, &out->chain, &len));
    CERT_TRY(cert_key_write_pem(cert_chain_key(c), o->key_format, key, key_len));
    cert_key_describe(cert_chain_key(c), out->key_type, sizeof(out->key_type));
    out->key_len = *key_len;

done:
    return err;
}

/* EntityAlreadyExists: one request in the common case, and the conflict sorted out now (a
 * retried upload whose first attempt reached IAM lands here too). Compare DER, not text: IAM
 * and the AWS CLI rewrite line endings. */
static cert_err already_exists(cert_aws *aws, cert_put_result *out)
{
    char saved[1024], exp[32] = "unknown";
    int attempts = out->attempts;
    char *iam_body = NULL, *iam_chain = NULL;
    cert_err err;

    snprintf(saved, sizeof(saved), "%s", cert_error_last()->message);
    err = cert_iam_get(aws, out->name, &out->meta, &iam_body, &iam_chain);
    out->attempts = attempts;
    if (err < 0)
        goto done;
    if (cert_bundle_same_certs(out->body, iam_body) &&
        cert_bundle_same_certs(out->chain, iam_chain ? iam_chain : "")) {
        out->status = CERT_PUT_EXISTS;
        goto done;
    }
    if (out->meta.expiration != INT64_MIN)
        cert__time_format(out->meta.expiration, exp, sizeof(exp));
    err = cert__error_set(CERT_E_AWS,
                          "IAM already holds a different certificate named %s (id %s, "
                          "expires %s); give another --name, or delete that one first",
                          out->name, out->meta.id, exp);
    cert_aws__set_last(aws, "IAM", "UploadServerCertificate", "EntityAlreadyExists", saved, "", 409,
                       attempts);

done:
    free(iam_body);
    free(iam_chain);
    return err;
}

/* LimitExceeded: say what could go to make room. */
static cert_err limit_exceeded(cert_aws *aws, cert_put_result *out)
{
    char saved[1024];

    snprintf(saved, sizeof(saved), "%s", cert_error_last()->message);
    if (list_removable(aws, out) < 0)
        return cert__error_set(CERT_E_AWS,
                               "%s; IAM's server-certificate quota is full, and listing what "
                               "could go failed too",
                               saved);
    return cert__error_set(CERT_E_AWS,
                           "%s; IAM's server-certificate quota is full: %zu expired "
                           "certificate%s under /cloudfront/ that no distribution uses "
                           "could go (certprune --yes deletes them), or ask AWS for a "
                           "higher quota",
                           saved, out->removable_count, out->removable_count == 1 ? "" : "s");
}

static cert_err upload(cert_aws *aws, const cert_put_opts *o, const char *key, cert_put_result *out)
{
    cert_iam_upload_req req;
    const cert_aws_error *ae;
    cert_err err;
    cert_aws_tag tags[CERT_PUT_TAGS_MAX + 1];

    /* The caller's tags, then libcert's: sent with the upload itself, so no certificate of ours
     * is ever in IAM without it (prepare() checked the count). */
    for (size_t i = 0; i < o->tag_count; i++)
        tags[i] = o->tags[i];
    tags[o->tag_count].key = (char *)CERT_TAG_UPLOADED;
    tags[o->tag_count].value = (char *)cert_ops__uploader(aws, o);
    memset(&req, 0, sizeof(req));
    req.name = out->name;
    req.path = out->path;
    req.body = out->body;
    req.chain = out->chain;
    req.private_key = key;
    req.tags = tags;
    req.tag_count = o->tag_count + 1;
    err = cert_iam_upload(aws, &req, &out->meta);
    ae = cert_aws_last_error(aws);
    out->attempts = ae->attempts;
    if (err == CERT_OK)
        out->status = CERT_PUT_UPLOADED;
    else if (err == CERT_E_AWS && strcmp(ae->code, "EntityAlreadyExists") == 0)
        err = already_exists(aws, out);
    else if (err == CERT_E_AWS && strcmp(ae->code, "LimitExceeded") == 0)
        err = limit_exceeded(aws, out);
    return err;
}

cert_err cert_iam_put(cert_aws *aws, const cert_chain *c, const cert_put_opts *o,
                      cert_put_result *out)
{
    cert_err err = CERT_OK;
    char *key = NULL;
    size_t key_len = 0;

    if (out == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_iam_put: NULL result");
    memset(out, 0, sizeof(*out));
    out->version = CERT_RESULTS_VERSION;
    out->meta.upload_date = out->meta.expiration = INT64_MIN;
    cert_acm_cert_clear(&out->acm);
    if (c == NULL)
        err = cert__error_set(CERT_E_INVALID, "cert_iam_put: NULL chain");
    else
        err = cert_ops__put_prepare(c, o ? o : &default_opts, out, &key, &key_len);
    if (err == CERT_OK && (o == NULL || !o->dry_run))
        err = upload(aws, o ? o : &default_opts, key, out);
    else if (err == CERT_OK)
        out->status = CERT_PUT_DRY_RUN;
    cert_secret_free(key, key_len);
    if (err < 0 && err != CERT_E_NOMEM && cert_aws_failure(aws, err, &out->failure) < 0)
        err = CERT_E_NOMEM;
    return err;
}
