/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The two certificate stores behind one set of operations (store.h): IAM server certificates
 * and ACM. What differs between them stays here: IAM names and paths, ACM ARNs and InUseBy, the
 * error codes that say "in use" and "gone".
 */
#include "libcert/store.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "libcert/checks.h"
#include "libcert/partition.h"
#include "ops/ops_int.h"
#include "util/error_int.h"
#include "x509/x509_int.h"

const char *cert_store_name(cert_store_kind k)
{
    return k == CERT_STORE_ACM ? "acm" : "iam";
}

bool cert_store_parse(const char *text, cert_store_kind *out)
{
    if (text != NULL && strcmp(text, "iam") == 0)
        *out = CERT_STORE_IAM;
    else if (text != NULL && strcmp(text, "acm") == 0)
        *out = CERT_STORE_ACM;
    else
        return false;
    return true;
}

cert_store_kind cert_store_of(const char *spec)
{
    return cert_acm_arn_parse(spec, NULL) ? CERT_STORE_ACM : CERT_STORE_IAM;
}

bool cert_store_of_viewer(const cert_cf_viewer *v, cert_store_kind *out)
{
    if (v->iam_certificate_id != NULL) {
        *out = CERT_STORE_IAM;
        return true;
    }
    if (v->acm_certificate_arn != NULL) {
        *out = CERT_STORE_ACM;
        return true;
    }
    return false;
}

bool cert_store_viewer_uses(const cert_cf_viewer *v, const char *id)
{
    return id != NULL &&
           ((v->iam_certificate_id != NULL && strcmp(v->iam_certificate_id, id) == 0) ||
            (v->acm_certificate_arn != NULL && strcmp(v->acm_certificate_arn, id) == 0));
}

cert_err cert_store_check(const cert_aws *aws, cert_store_kind kind)
{
    const char *p = cert_aws_partition(aws);

    if (kind == CERT_STORE_IAM || cert_partition_cloudfront_acm_region(p) != NULL)
        return CERT_OK;
    /* aws-rules.md, ACM for CloudFront: "In the China regions (partition aws-cn) CloudFront does
     * not support ACM: IAM is required there"; other partitions have no CloudFront at all. */
    if (cert_partition_has_service(p, "cloudfront"))
        return cert__error_set(CERT_E_INPUT,
                               "--store acm: CloudFront in partition %s (region %s) does not take "
                               "ACM certificates, only IAM ones; use --store iam",
                               p, cert_aws_region(aws) ? cert_aws_region(aws) : "none");
    return cert__error_set(CERT_E_INPUT,
                           "--store acm: libcert's ACM store is ACM in the region CloudFront takes "
                           "certificates from, and partition %s (region %s) has no CloudFront; "
                           "use --store iam",
                           p, cert_aws_region(aws) ? cert_aws_region(aws) : "none");
}

/* ---- records ---- */

void cert_store_cert_clear(cert_store_cert *c)
{
    if (c == NULL)
        return;
    cert_iam_cert_clear(&c->meta);
    cert_acm_cert_clear(&c->acm);
    c->store = CERT_STORE_IAM;
}

void cert_store_certs_free(cert_store_cert *v, size_t n)
{
    for (size_t i = 0; v != NULL && i < n; i++)
        cert_store_cert_clear(&v[i]);
    free(v);
}

/* The generic fields of an ACM record (store.h: id, name and arn the ARN, no path). */
static cert_err meta_of_acm(const cert_acm_cert *a, cert_iam_cert *m)
{
    cert_iam_cert_clear(m);
    m->id = strdup(a->arn);
    m->name = strdup(a->arn);
    m->arn = strdup(a->arn);
    m->upload_date = a->imported_at != INT64_MIN ? a->imported_at : a->created_at;
    m->expiration = a->not_after;
    if (m->id == NULL || m->name == NULL || m->arn == NULL) {
        cert_iam_cert_clear(m);
        return cert__error_nomem();
    }
    return CERT_OK;
}

/* Take an ACM record (moved) into a store record. */
static cert_err take_acm(cert_acm_cert *a, cert_store_cert *out)
{
    cert_store_cert_clear(out);
    out->store = CERT_STORE_ACM;
    out->acm = *a;
    memset(a, 0, sizeof(*a));
    cert_acm_cert_clear(a);
    return meta_of_acm(&out->acm, &out->meta);
}

cert_err cert_store_get(cert_aws *aws, cert_store_kind kind, const char *spec, cert_store_cert *out,
                        char **body, char **chain)
{
    cert_acm_cert a;
    cert_err err;

    memset(&a, 0, sizeof(a));
    cert_acm_cert_clear(&a);
    if (body)
        *body = NULL;
    if (chain)
        *chain = NULL;
    memset(out, 0, sizeof(*out));
    cert_store_cert_clear(out);
    if (kind == CERT_STORE_IAM) {
        out->store = CERT_STORE_IAM;
        return cert_ops__resolve(aws, spec, &out->meta, body, chain);
    }
    if ((err = cert_acm_describe(aws, spec, &a)) < 0)
        return err;
    if ((err = take_acm(&a, out)) < 0)
        return err;
    if ((body != NULL || chain != NULL) && (err = cert_acm_get(aws, spec, body, chain)) < 0)
        cert_store_cert_clear(out);
    return err;
}

cert_err cert_store_list(cert_aws *aws, cert_store_kind kind, cert_store_cert **out,
                         size_t *count_out)
{
    cert_iam_cert *iv = NULL;
    cert_acm_cert *av = NULL;
    size_t n = 0;
    cert_store_cert *v;
    cert_err err;

    *out = NULL;
    *count_out = 0;
    err = kind == CERT_STORE_IAM ? cert_iam_list(aws, NULL, 0, &iv, &n)
                                 : cert_acm_list(aws, 0, &av, &n);
    if (err < 0)
        return err;
    if ((v = calloc(n ? n : 1, sizeof(*v))) == NULL) {
        err = cert__error_nomem();
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        cert_acm_cert_clear(&v[i].acm);
        v[i].store = kind;
        if (kind == CERT_STORE_IAM) {
            v[i].meta = iv[i];
            memset(&iv[i], 0, sizeof(iv[i]));
        } else if ((err = take_acm(&av[i], &v[i])) < 0) {
            cert_store_certs_free(v, n);
            goto done;
        }
    }
    *out = v;
    *count_out = n;

done:
    cert_iam_certs_free(iv, n);
    cert_acm_certs_free(av, n);
    return err;
}

cert_err cert_store_delete(cert_aws *aws, const cert_store_cert *c)
{
    if (c->store == CERT_STORE_ACM)
        return cert_acm_delete(aws, c->meta.arn);
    return cert_iam_delete(aws, c->meta.name);
}

static bool code_is(const cert_aws *aws, const char *code)
{
    return strcmp(cert_aws_last_error(aws)->code, code) == 0;
}

bool cert_store_in_use_error(const cert_aws *aws)
{
    /* IAM API Reference, DeleteServerCertificate: DeleteConflict; ACM API Reference,
     * DeleteCertificate: ResourceInUseException. */
    return code_is(aws, "DeleteConflict") || code_is(aws, "ResourceInUseException");
}

bool cert_store_gone_error(const cert_aws *aws)
{
    return code_is(aws, "NoSuchEntity") || code_is(aws, "ResourceNotFoundException");
}

cert_err cert_store_tags(cert_aws *aws, const cert_store_cert *c, cert_aws_tag **out,
                         size_t *count_out)
{
    if (c->store == CERT_STORE_ACM)
        return cert_acm_list_tags(aws, c->meta.arn, out, count_out);
    return cert_iam_list_tags(aws, c->meta.name, out, count_out);
}

cert_err cert_store_tag(cert_aws *aws, const cert_store_cert *c, const cert_aws_tag *tags,
                        size_t count)
{
    if (c->store == CERT_STORE_ACM)
        return cert_acm_add_tags(aws, c->meta.arn, tags, count);
    return cert_iam_tag(aws, c->meta.name, tags, count);
}

size_t cert_store_users(const cert_store_cert *c, const cert_cf_dist *dists, size_t n,
                        const char ***ids_out)
{
    const char **v = calloc(n ? n : 1, sizeof(*v));
    size_t k = 0;

    *ids_out = NULL;
    if (v == NULL)
        return SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        const char *uses =
            c->store == CERT_STORE_ACM ? dists[i].acm_certificate_arn : dists[i].iam_certificate_id;

        if (uses != NULL && c->meta.id != NULL && strcmp(uses, c->meta.id) == 0)
            v[k++] = dists[i].id;
    }
    *ids_out = v;
    return k;
}

/* ---- ACM's view of a leaf ---- */

void cert_store_acm_key_algorithm(const X509 *leaf, char *alg, size_t size)
{
    EVP_PKEY *k = X509_get0_pubkey(leaf);
    char group[64] = "";
    size_t glen = 0;

    snprintf(alg, size, "%s", "");
    if (k == NULL)
        return;
    /* botocore model acm, KeyAlgorithm: RSA_1024 .. RSA_4096, EC_prime256v1, EC_secp384r1,
     * EC_secp521r1 (OpenSSL's curve names are these). */
    if (EVP_PKEY_get_base_id(k) == EVP_PKEY_RSA) {
        int bits = EVP_PKEY_get_bits(k);

        if (bits == 1024 || bits == 2048 || bits == 3072 || bits == 4096)
            snprintf(alg, size, "RSA_%d", bits);
    } else if (EVP_PKEY_get_base_id(k) == EVP_PKEY_EC &&
               EVP_PKEY_get_group_name(k, group, sizeof(group), &glen) == 1 &&
               (strcmp(group, "prime256v1") == 0 || strcmp(group, "secp384r1") == 0 ||
                strcmp(group, "secp521r1") == 0)) {
        snprintf(alg, size, "EC_%s", group);
    }
}

/* Key usages as ACM names them (botocore model, KeyUsageName); none without the extension. */
size_t cert_store__key_usages(const X509 *leaf, const char **out)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } ku[] = {
        {KU_DIGITAL_SIGNATURE, "DIGITAL_SIGNATURE"},
        {KU_NON_REPUDIATION, "NON_REPUDIATION"},
        {KU_KEY_ENCIPHERMENT, "KEY_ENCIPHERMENT"},
        {KU_DATA_ENCIPHERMENT, "DATA_ENCIPHERMENT"},
        {KU_KEY_AGREEMENT, "KEY_AGREEMENT"},
        {KU_KEY_CERT_SIGN, "CERTIFICATE_SIGNING"},
        {KU_CRL_SIGN, "CRL_SIGNING"},
        {KU_ENCIPHER_ONLY, "ENCIPHER_ONLY"},
        {KU_DECIPHER_ONLY, "DECIPHER_ONLY"},
    };
    uint32_t bits = X509_get_key_usage((X509 *)leaf);
    size_t n = 0;

    if ((X509_get_extension_flags((X509 *)leaf) & EXFLAG_KUSAGE) == 0)
        return 0;
    for (size_t i = 0; i < sizeof(ku) / sizeof(ku[0]); i++) {
        if (bits & ku[i].bit)
            out[n++] = ku[i].name;
    }
    return n;
}

/* Extended key usages as ACM names them (botocore model, ExtendedKeyUsageName; an OID it has no
 * name for is CUSTOM). At most `max`. */
size_t cert_store__extended_key_usages(const X509 *leaf, const char **out, size_t max)
{
    EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(leaf, NID_ext_key_usage, NULL, NULL);
    size_t n = 0;

    for (int i = 0; eku != NULL && i < sk_ASN1_OBJECT_num(eku) && n < max; i++) {
        switch (OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, i))) {
        case NID_server_auth:
            out[n++] = "TLS_WEB_SERVER_AUTHENTICATION";
            break;
        case NID_client_auth:
            out[n++] = "TLS_WEB_CLIENT_AUTHENTICATION";
            break;
        case NID_code_sign:
            out[n++] = "CODE_SIGNING";
            break;
        case NID_email_protect:
            out[n++] = "EMAIL_PROTECTION";
            break;
        case NID_time_stamp:
            out[n++] = "TIME_STAMPING";
            break;
        case NID_OCSP_sign:
            out[n++] = "OCSP_SIGNING";
            break;
        case NID_ipsecEndSystem:
            out[n++] = "IPSEC_END_SYSTEM";
            break;
        case NID_ipsecTunnel:
            out[n++] = "IPSEC_TUNNEL";
            break;
        case NID_ipsecUser:
            out[n++] = "IPSEC_USER";
            break;
        case NID_anyExtendedKeyUsage:
            out[n++] = "ANY";
            break;
        default:
            out[n++] = "CUSTOM";
            break;
        }
    }
    EXTENDED_KEY_USAGE_free(eku);
    return n;
}

static bool among(const char *name, const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(v[i], name) == 0)
            return true;
    }
    return false;
}

static cert_err refuse(cert_refusal **v, size_t *n, const cert_check_opts *allow, const char *code,
                       const char *fmt, ...) CERT_PRINTF(5, 6);

static cert_err refuse(cert_refusal **v, size_t *n, const cert_check_opts *allow, const char *code,
                       const char *fmt, ...)
{
    cert_refusal *nv = realloc(*v, (*n + 1) * sizeof(*nv));
    va_list ap;
    int len;

    if (nv == NULL)
        return cert__error_nomem();
    *v = nv;
    nv[*n].code = code;
    nv[*n].allowed = cert_check_allowed(allow, code);
    va_start(ap, fmt);
    len = vasprintf(&nv[*n].message, fmt, ap);
    va_end(ap);
    if (len < 0)
        return cert__error_nomem();
    (*n)++;
    return CERT_OK;
}

bool cert_refusals_block(const cert_refusal *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!v[i].allowed)
            return true;
    }
    return false;
}

/* Whether an InUseBy entry is one of the matched distributions
 * (arn:PARTITION:cloudfront::ACCOUNT:distribution/ID). */
static bool matched_user(const char *user, const char *const *matched, size_t n)
{
    const char *slash = strrchr(user, '/');

    if (strstr(user, ":cloudfront::") == NULL || slash == NULL || slash - user < 12 ||
        strncmp(slash - 12, "distribution", 12) != 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(slash + 1, matched[i]) == 0)
            return true;
    }
    return false;
}

typedef struct cover {
    const X509 *leaf;
    char missing[256];
} cover;

static void cover_one(const char *name, void *ud)
{
    cover *c = ud;

    if (c->missing[0] == '\0' && !cert_name_covers(c->leaf, name))
        snprintf(c->missing, sizeof(c->missing), "%s", name);
}

/* Whether the new leaf covers every DNS name of the current certificate; *missing the first it
 * does not (or why it cannot be told). */
static bool covers_current(const X509 *leaf, const char *current_pem, char *missing, size_t size)
{
    BIO *bio = current_pem ? BIO_new_mem_buf(current_pem, -1) : NULL;
    X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
    cover c = {leaf, ""};

    BIO_free(bio);
    ERR_clear_error();
    if (x == NULL) {
        snprintf(missing, size, "%s", "(its certificate could not be read)");
        return false;
    }
    cert__x509_dns_names(x, cover_one, &c);
    X509_free(x);
    snprintf(missing, size, "%s", c.missing);
    return c.missing[0] == '\0';
}

cert_err cert_store_reimport_rules(const cert_acm_cert *cur, const char *current_pem,
                                   const X509 *leaf, const char *const *matched,
                                   size_t matched_count, const cert_check_opts *allow,
                                   cert_refusal **out, size_t *count_out)
{
    const char *have[16], *want[16];
    size_t nh, nw;
    char alg[32], missing[300], others[700] = "";
    size_t off = 0, outside = 0;
    cert_err err = CERT_OK;

    /* ACM User Guide, import-reimport: an ACM-issued certificate cannot be re-imported; libcert
     * never replaces one either (ACM renews it). */
    if (cur->type == NULL || strcmp(cur->type, "IMPORTED") != 0)
        return refuse(out, count_out, allow, "acm.managed",
                      "acm.managed: %s is %s by ACM (Type %s): ACM renews it; libcert never "
                      "re-imports or replaces it",
                      cur->arn,
                      cur->type && strcmp(cur->type, "PRIVATE") == 0 ? "issued privately"
                                                                     : "issued",
                      cur->type ? cur->type : "unknown");
    cert_store_acm_key_algorithm(leaf, alg, sizeof(alg));
    if (cur->key_algorithm == NULL || strcmp(alg, cur->key_algorithm) != 0)
        CERT_TRY(refuse(out, count_out, allow, "acm.reimport.key",
                        "acm.reimport.key: %s holds a %s certificate and the new one is %s; a "
                        "re-import must keep the key algorithm and size (ACM User Guide, "
                        "Reimport a certificate)",
                        cur->arn, cur->key_algorithm ? cur->key_algorithm : "(unknown)",
                        alg[0] ? alg : "a key ACM does not take"));
    /* Key usages may only grow; keyEncipherment may go on ECDSA (it means nothing there). */
    nw = cert_store__key_usages(leaf, want);
    for (size_t i = 0; i < cur->key_usage_count; i++) {
        const char *u = cur->key_usages[i];

        if (!among(u, want, nw) &&
            !(strcmp(u, "KEY_ENCIPHERMENT") == 0 && strncmp(alg, "EC_", 3) == 0))
            CERT_TRY(refuse(out, count_out, allow, "acm.reimport.key_usage",
                            "acm.reimport.key_usage: the certificate in %s has the key usage %s "
                            "and the new one lacks it; a re-import may only add key usages",
                            cur->arn, u));
    }
    /* Extended key usages may only grow; clientAuth may go (Let's Encrypt's default profile
     * dropped it in 2026). */
    nh = cert_store__extended_key_usages(leaf, have, sizeof(have) / sizeof(have[0]));
    for (size_t i = 0; i < cur->extended_key_usage_count; i++) {
        const char *u = cur->extended_key_usages[i];

        if (!among(u, have, nh) && strcmp(u, "TLS_WEB_CLIENT_AUTHENTICATION") != 0)
            CERT_TRY(refuse(out, count_out, allow, "acm.reimport.eku",
                            "acm.reimport.eku: the certificate in %s has the extended key usage "
                            "%s and the new one lacks it; a re-import may only add them (except "
                            "clientAuth)",
                            cur->arn, u));
    }
    /* A re-import reaches every user of the ARN at once and cannot be undone: only users this
     * run matched and checked, or, with --allow acm.shared, a certificate that covers every
     * name of the current one. */
    for (size_t i = 0; i < cur->in_use_by_count; i++) {
        int w;

        if (matched_user(cur->in_use_by[i], matched, matched_count))
            continue;
        outside++;
        w = snprintf(others + off, sizeof(others) - off, "%s%s", off ? ", " : "",
                     cur->in_use_by[i]);
        off += w > 0 && (size_t)w < sizeof(others) - off ? (size_t)w : 0;
    }
    if (outside > 0) {
        bool allowed = cert_check_allowed(allow, "acm.shared");
        bool covers = covers_current(leaf, current_pem, missing, sizeof(missing));

        if (allowed && !covers)
            CERT_TRY(refuse(out, count_out, NULL, "acm.shared",
                            "acm.shared: %s is also used by %s, and the new certificate does not "
                            "cover %s, a name of the one there now; --allow acm.shared re-imports "
                            "only a certificate that covers every name",
                            cur->arn, others, missing));
        else
            CERT_TRY(refuse(out, count_out, allow, "acm.shared",
                            "acm.shared: %s is also used by %s, which this run did not match; a "
                            "re-import reaches them all at once and cannot be undone (match them "
                            "too, or --allow acm.shared)",
                            cur->arn, others));
    }

done:
    return err;
}
