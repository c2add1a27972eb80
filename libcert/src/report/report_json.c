/* SPDX-License-Identifier: Apache-2.0 */
/* JSON rendering of a report (schema documented in docs/certcheck.1.scd). */
#include <string.h>

#include "libcert/key.h"
#include "report_int.h"
#include "util/time_int.h"
#include "x509/x509_int.h"

static const char *format_name(cert_format f)
{
    switch (f) {
    case CERT_FMT_PEM:
        return "pem";
    case CERT_FMT_DER:
        return "der";
    case CERT_FMT_PKCS12:
        return "pkcs12";
    case CERT_FMT_PKCS7:
        return "pkcs7";
    }
    return "unknown";
}

static json_t *source_json(const cert_source *s)
{
    json_t *o;

    if (s == NULL)
        return json_null();
    o = json_object();
    json_object_set_new(o, "file", json_string(s->file));
    json_object_set_new(o, "kind", json_string(s->kind == CERT_ITEM_CERT ? "certificate" : "key"));
    json_object_set_new(o, "index", json_integer((json_int_t)s->index));
    json_object_set_new(o, "format", json_string(format_name(s->format)));
    if (s->line > 0) {
        json_object_set_new(o, "block", json_integer((json_int_t)s->block));
        json_object_set_new(o, "line", json_integer((json_int_t)s->line));
    }
    if (s->member > 0)
        json_object_set_new(o, "member", json_integer((json_int_t)s->member));
    if (s->kind == CERT_ITEM_KEY)
        json_object_set_new(o, "encrypted", json_boolean(s->encrypted));
    return o;
}

static json_t *time_json(int64_t t)
{
    char buf[32];

    return json_string(cert__time_format(t, buf, sizeof(buf)));
}

static void add_name(const char *name, void *ud)
{
    json_array_append_new((json_t *)ud, json_string(name));
}

static json_t *names_json(X509 *x)
{
    json_t *a = json_array();

    cert__x509_names(x, add_name, a);
    return a;
}

static json_t *cert_json(const cert_bundle *b, X509 *x, size_t item, bool full)
{
    json_t *o = json_object();
    char buf[1024], hex[65];
    int64_t nb, na;
    uint8_t md[32];
    unsigned int mdlen = 0;
    const uint8_t *sha = item != SIZE_MAX ? cert_bundle_cert_sha256(b, item) : NULL;

    json_object_set_new(o, "subject",
                        json_string(cert__name_string(X509_get_subject_name(x), buf, sizeof(buf))));
    json_object_set_new(o, "issuer",
                        json_string(cert__name_string(X509_get_issuer_name(x), buf, sizeof(buf))));
    if (full) {
        const ASN1_INTEGER *serial = X509_get0_serialNumber(x);
        BIGNUM *bn = ASN1_INTEGER_to_BN(serial, NULL);
        char *h = bn ? BN_bn2hex(bn) : NULL;

        json_object_set_new(o, "serial", h ? json_string(h) : json_null());
        OPENSSL_free(h);
        BN_free(bn);
    }
    if (cert__x509_validity(x, &nb, &na)) {
        json_object_set_new(o, "not_before", time_json(nb));
        json_object_set_new(o, "not_after", time_json(na));
    }
    if (sha == NULL && X509_digest(x, EVP_sha256(), md, &mdlen) && mdlen == 32)
        sha = md;
    json_object_set_new(o, "sha256", sha ? json_string(cert__hex32(sha, hex)) : json_null());
    if (full) {
        json_object_set_new(o, "names", names_json(x));
        json_object_set_new(o, "key",
                            json_string(cert_key_describe(X509_get0_pubkey(x), buf, sizeof(buf))));
    }
    json_object_set_new(o, "source",
                        item != SIZE_MAX ? source_json(cert_bundle_cert_source(b, item))
                                         : json_null());
    return o;
}

static const char *status_name(const cert_report *r)
{
    int code = r->outcome >= 0 ? r->outcome : (int)cert_report_exit_code(r);

    return code == 0 ? "ok" : code == 1 ? "fail" : "error";
}

/* The error that stopped the pipeline, with AWS's detail when AWS answered. */
static json_t *error_json(const cert_report *r)
{
    json_t *e = json_object();

    json_object_set_new(e, "code", json_string(cert_err_name(r->err)));
    json_object_set_new(e, "message", json_string(r->err_msg ? r->err_msg : ""));
    if (r->aws_code != NULL) {
        json_object_set_new(e, "aws_code", json_string(r->aws_code));
        json_object_set_new(e, "request_id",
                            r->request_id ? json_string(r->request_id) : json_null());
        json_object_set_new(e, "http_status", json_integer(r->http_status));
    }
    return e;
}

/* "leaf", "key", "chain", "root", "trust". */
static void chain_members(json_t *o, const cert_report *r)
{
    const cert_chain *c = r->chain;
    const cert_bundle *b = r->bundle;
    X509 *root = cert_chain_root(c);
    json_t *chain = json_array(), *rj, *rejected = json_array();
    size_t ki = cert_chain_key_item(c), item = SIZE_MAX;

    json_object_set_new(o, "leaf", cert_json(b, cert_chain_leaf(c), cert_chain_leaf_item(c), true));
    if (ki != SIZE_MAX) {
        json_t *k = json_object();
        char d[128];

        json_object_set_new(k, "type",
                            json_string(cert_key_describe(cert_chain_key(c), d, sizeof(d))));
        json_object_set_new(k, "source", source_json(cert_bundle_key_source(b, ki)));
        json_object_set_new(o, "key", k);
    } else {
        json_object_set_new(o, "key", json_null());
    }
    for (size_t i = 0; i < cert_chain_count(c); i++)
        json_array_append_new(chain,
                              cert_json(b, cert_chain_at(c, i), cert_chain_item_at(c, i), false));
    json_object_set_new(o, "chain", chain);
    if (root == NULL) {
        json_object_set_new(o, "root", json_null());
    } else {
        for (size_t i = 0; cert_chain_root_in_bundle(c) && i < cert_bundle_cert_count(b); i++) {
            if (cert_bundle_cert_at(b, i) == root) {
                item = i;
                break;
            }
        }
        rj = cert_json(b, root, item, false);
        json_object_set_new(rj, "in_input", json_boolean(cert_chain_root_in_bundle(c)));
        json_object_set_new(o, "root", rj);
    }
    json_object_set_new(o, "trust", json_string(cert_trust_status_name(cert_chain_trust(c))));
    /* The better-ranked paths that were tried and failed, each with why. */
    for (size_t i = 0; i < cert_chain_rejected_count(c); i++) {
        json_t *rp = json_object(), *certs = json_array();
        char buf[1024];

        for (size_t j = 0; j < cert_chain_rejected_length(c, i); j++)
            json_array_append_new(
                certs,
                json_string(cert__name_string(
                    X509_get_subject_name(cert_chain_rejected_cert(c, i, j)), buf, sizeof(buf))));
        json_object_set_new(rp, "path", certs);
        json_object_set_new(rp, "reason", json_string(cert_chain_rejected_reason(c, i)));
        json_array_append_new(rejected, rp);
    }
    json_object_set_new(o, "rejected_paths", rejected);
}

static json_t *finding_json(const cert_bundle *b, const cert_finding *f)
{
    json_t *fo = json_object();

    json_object_set_new(fo, "code", json_string(f->code));
    json_object_set_new(fo, "severity", json_string(cert_severity_name(f->severity)));
    json_object_set_new(fo, "message", json_string(f->message));
    if (f->allowed)
        json_object_set_new(fo, "allowed", json_true());
    if (f->item != SIZE_MAX) {
        json_t *co = json_object();
        char buf[1024], hex[65];
        X509 *x = cert_bundle_cert_at(b, f->item);

        json_object_set_new(
            co, "subject",
            json_string(cert__name_string(X509_get_subject_name(x), buf, sizeof(buf))));
        json_object_set_new(co, "sha256",
                            json_string(cert__hex32(cert_bundle_cert_sha256(b, f->item), hex)));
        json_object_set_new(fo, "certificate", co);
    } else {
        json_object_set_new(fo, "certificate", json_null());
    }
    json_object_set_new(fo, "source", source_json(f->source));
    return fo;
}

/* "findings" and "summary". */
static void findings_members(json_t *o, const cert_report *r)
{
    json_t *fa = json_array(), *sum = json_object();
    const cert_findings *fs = r->findings;

    for (size_t i = 0; i < cert_findings_count(fs); i++)
        json_array_append_new(fa, finding_json(r->bundle, cert_findings_at(fs, i)));
    json_object_set_new(o, "findings", fa);
    json_object_set_new(sum, "errors",
                        json_integer((json_int_t)cert_findings_count_severity(fs, CERT_SEV_ERROR)));
    json_object_set_new(
        sum, "warnings",
        json_integer((json_int_t)cert_findings_count_severity(fs, CERT_SEV_WARNING)));
    json_object_set_new(sum, "info",
                        json_integer((json_int_t)cert_findings_count_severity(fs, CERT_SEV_INFO)));
    json_object_set_new(o, "summary", sum);
}

static json_t *written_json(const cert_report *r)
{
    json_t *w = json_array();

    for (size_t i = 0; i + 1 < r->noutputs; i += 2) {
        json_t *e = json_object();

        json_object_set_new(e, "part", json_string(r->outputs[i]));
        json_object_set_new(e, "path", json_string(r->outputs[i + 1]));
        json_array_append_new(w, e);
    }
    return w;
}

/* {"Id", "Aliases", "names": [{"name", "source", "covered"}]}. */
static json_t *dist_json(const report_dist *d)
{
    json_t *o = json_object(), *aliases = json_array(), *names = json_array();

    for (size_t i = 0; i < d->nalias; i++)
        json_array_append_new(aliases, json_string(d->aliases[i]));
    for (size_t i = 0; i < d->nnames; i++) {
        json_t *n = json_object();

        json_object_set_new(n, "name", json_string(d->names[i].name));
        json_object_set_new(n, "source", json_string(d->names[i].from_host ? "host" : "alias"));
        json_object_set_new(n, "covered",
                            d->names[i].covered < 0 ? json_null()
                                                    : json_boolean(d->names[i].covered));
        json_array_append_new(names, n);
    }
    json_object_set_new(o, "Id", json_string(d->id));
    json_object_set_new(o, "Aliases", aliases);
    json_object_set_new(o, "names", names);
    return o;
}

json_t *cert_report__json(const cert_report *r, bool top)
{
    json_t *o = json_object(), *a;

    if (o == NULL)
        return NULL;
    if (top)
        json_object_set_new(o, "schema", json_integer(CERT_SCHEMA_REPORT));
    a = json_array();
    for (size_t i = 0; i < r->ninputs; i++)
        json_array_append_new(a, json_string(r->inputs[i]));
    json_object_set_new(o, "input", a);
    json_object_set_new(o, "status", json_string(status_name(r)));
    json_object_set_new(o, "exit_code",
                        json_integer(r->outcome >= 0 ? r->outcome : (int)cert_report_exit_code(r)));
    if (r->outcome_msg != NULL) {
        json_t *oc = json_object();

        json_object_set_new(oc, "message", json_string(r->outcome_msg));
        json_object_set_new(o, "outcome", oc);
    }
    json_object_set_new(o, "now", time_json(r->now));
    if (r->dist != NULL) {
        json_t *d = dist_json(r->dist);

        if (r->live != NULL)
            cert_report__live_json(r->live, d);
        json_object_set_new(o, "distribution", d);
    }
    if (r->served != NULL)
        json_object_set_new(o, "served", cert_report__served_json(r->served));
    if (r->err < 0)
        json_object_set_new(o, "error", error_json(r));
    if (r->chain != NULL)
        chain_members(o, r);
    if (r->findings != NULL)
        findings_members(o, r);
    else
        json_object_set_new(o, "findings", json_array());
    if (r->noutputs > 0)
        json_object_set_new(o, "written", written_json(r));
    return o;
}
