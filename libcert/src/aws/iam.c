/* SPDX-License-Identifier: Apache-2.0 */
/* IAM server certificates over the query API (IAM API Reference, version 2010-05-08). */
#include "libcert/iam.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_int.h"
#include "page_int.h"
#include "util/error_int.h"
#include "util/time_int.h"

/* IAM API Reference, UploadServerCertificate: CertificateBody and PrivateKey 1..16,384,
 * CertificateChain 1..2,097,152 characters of [\u0009\u000A\u000D\u0020-\u00FF]; Tags at most 50,
 * key 1..128 and value 0..256 characters. */
#define BODY_MAX 16384
#define KEY_MAX 16384
#define CHAIN_MAX 2097152
#define TAGS_MAX 50

static bool charset_ok(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p != '\t' && *p != '\n' && *p != '\r' && *p < 0x20)
            return false;
    }
    return true;
}

static bool tag_ok(const cert_aws_tag *t)
{
    size_t k = t->key ? strlen(t->key) : 0, v = t->value ? strlen(t->value) : 0;

    return k >= 1 && k <= 128 && v <= 256;
}

/* ---- the query protocol ---- */

/* Send one IAM action; the answer in *resp (cert_aws__response_free() it, also on failure). */
static cert_err send_action_to(cert_aws *aws, const char *action, cert_buf *params,
                               const aws_body_sink *sink, aws_response *resp)
{
    cert_err err = CERT_OK;
    cert_buf body;
    aws_request req;
    static const cert_http_header form = {"Content-Type",
                                          "application/x-www-form-urlencoded; charset=utf-8"};

    cert__buf_init(&body, (size_t)-2, true); /* may hold a private key */
    memset(resp, 0, sizeof(*resp));
    CERT_TRY(cert_aws__query_add(&body, "Action", action));
    CERT_TRY(cert_aws__query_add(&body, "Version", "2010-05-08"));
    if (params->len > 0) {
        CERT_TRY(cert__buf_add(&body, "&", 1, NULL));
        CERT_TRY(cert__buf_add(&body, params->ptr, params->len, NULL));
    }
    memset(&req, 0, sizeof(req));
    req.service = CERT_AWS_IAM;
    req.action = action;
    req.method = "POST";
    req.path = "/";
    req.headers = &form;
    req.header_count = 1;
    req.body = (const uint8_t *)body.ptr;
    req.body_len = body.len;
    req.sink = sink;
    err = cert_aws__send(aws, &req, resp);

done:
    cert__buf_free(&body);
    return err;
}

static cert_err send_action(cert_aws *aws, const char *action, cert_buf *params, aws_response *resp)
{
    return send_action_to(aws, action, params, NULL, resp);
}

static cert_err call(cert_aws *aws, const char *action, cert_buf *params, xmlDoc **doc_out)
{
    cert_err err;
    aws_response resp;

    *doc_out = NULL;
    err = send_action(aws, action, params, &resp);
    if (err == CERT_OK && (*doc_out = cert_aws__response_xml(&resp)) == NULL)
        err = cert__error_set(CERT_E_NET, "IAM %s: the answer is not XML (HTTP %ld, %zu bytes)",
                              action, resp.status, resp.body.len);
    cert_aws__response_free(&resp);
    return err;
}

static int64_t time_or_unknown(const char *t)
{
    int64_t v = INT64_MIN;

    if (t != NULL && cert__time_parse(t, &v) < 0) {
        cert_error_clear();
        v = INT64_MIN;
    }
    return v;
}

/* ServerCertificateMetadata from its fields (by name), as a tree or a streamed record gives
 * them. A NULL field is absent; allocation failures show as absent too, and are told apart by
 * the required ones. */
static cert_err meta_from(const char *path, const char *name, const char *id, const char *arn,
                          const char *uploaded, const char *expires, cert_iam_cert *out)
{
    memset(out, 0, sizeof(*out));
    if (name == NULL || id == NULL)
        return cert__error_set(CERT_E_NET, "IAM answered without ServerCertificateName or "
                                           "ServerCertificateId");
    out->path = strdup(path ? path : "/");
    out->name = strdup(name);
    out->id = strdup(id);
    out->arn = strdup(arn ? arn : "");
    out->upload_date = time_or_unknown(uploaded);
    out->expiration = time_or_unknown(expires);
    if (out->path == NULL || out->name == NULL || out->id == NULL || out->arn == NULL) {
        cert_iam_cert_clear(out);
        return cert__error_nomem();
    }
    return CERT_OK;
}

static cert_err parse_meta(xmlNode *m, cert_iam_cert *out)
{
    static const char *const names[] = {
        "Path", "ServerCertificateName", "ServerCertificateId", "Arn", "UploadDate", "Expiration"};
    char *f[6];
    cert_err err;

    for (size_t i = 0; i < 6; i++)
        f[i] = cert_aws__xml_child_text(m, names[i]);
    err = meta_from(f[0], f[1], f[2], f[3], f[4], f[5], out);
    for (size_t i = 0; i < 6; i++)
        free(f[i]);
    return err;
}

static cert_err check_name(const char *name)
{
    if (!cert_iam_name_valid(name))
        return cert__error_set(CERT_E_INVALID,
                               "certificate name \"%s\" is not one IAM takes: 1 to 128 of "
                               "letters, digits and _+=,.@-",
                               name ? name : "");
    return CERT_OK;
}

cert_err cert_iam_upload(cert_aws *aws, const cert_iam_upload_req *r, cert_iam_cert *out)
{
    cert_err err = CERT_OK;
    cert_buf q;
    xmlDoc *doc = NULL;
    xmlNode *m;
    const char *path = r && r->path ? r->path : "/";

    cert__buf_init(&q, (size_t)-2, true);
    if (out == NULL || r == NULL || r->body == NULL || r->private_key == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_iam_upload: NULL argument");
    memset(out, 0, sizeof(*out));
    CERT_TRY(check_name(r->name));
    if (!cert_iam_path_valid(path))
        CERT_FAIL(CERT_E_INVALID,
                  "path \"%s\" is not one IAM takes: \"/\" or /.../ of printable ASCII, at most "
                  "512 characters",
                  path);
    if (strlen(r->body) > BODY_MAX || strlen(r->private_key) > KEY_MAX ||
        (r->chain && strlen(r->chain) > CHAIN_MAX))
        CERT_FAIL(CERT_E_INVALID, "certificate, key or chain longer than IAM takes");
    if (!charset_ok(r->body) || !charset_ok(r->private_key) || (r->chain && !charset_ok(r->chain)))
        CERT_FAIL(CERT_E_INVALID, "certificate, key or chain has characters IAM does not take");
    if (r->tag_count > TAGS_MAX)
        CERT_FAIL(CERT_E_INVALID, "%zu tags: IAM takes at most %d", r->tag_count, TAGS_MAX);
    CERT_TRY(cert_aws__query_add(&q, "ServerCertificateName", r->name));
    CERT_TRY(cert_aws__query_add(&q, "Path", path));
    CERT_TRY(cert_aws__query_add(&q, "CertificateBody", r->body));
    CERT_TRY(cert_aws__query_add(&q, "PrivateKey", r->private_key));
    if (r->chain != NULL && r->chain[0] != '\0')
        CERT_TRY(cert_aws__query_add(&q, "CertificateChain", r->chain));
    for (size_t i = 0; i < r->tag_count; i++) {
        char k[64];

        if (!tag_ok(&r->tags[i]))
            CERT_FAIL(CERT_E_INVALID, "tag %s: keys are 1 to 128 characters, values at most 256",
                      r->tags[i].key ? r->tags[i].key : "");
        snprintf(k, sizeof(k), "Tags.member.%zu.Key", i + 1);
        CERT_TRY(cert_aws__query_add(&q, k, r->tags[i].key));
        snprintf(k, sizeof(k), "Tags.member.%zu.Value", i + 1);
        CERT_TRY(cert_aws__query_add(&q, k, r->tags[i].value ? r->tags[i].value : ""));
    }
    CERT_TRY(call(aws, "UploadServerCertificate", &q, &doc));
    m = cert_aws__xml_find(xmlDocGetRootElement(doc), "ServerCertificateMetadata");
    if (m == NULL)
        CERT_FAIL(CERT_E_NET, "IAM answered UploadServerCertificate without metadata");
    CERT_TRY(parse_meta(m, out));

done:
    xmlFreeDoc(doc);
    cert__buf_free(&q);
    return err;
}

cert_err cert_iam_get(cert_aws *aws, const char *name, cert_iam_cert *meta_out, char **body_out,
                      char **chain_out)
{
    cert_err err = CERT_OK;
    cert_buf q;
    xmlDoc *doc = NULL;
    xmlNode *sc;
    cert_iam_cert meta;
    char *body = NULL, *chain = NULL;

    cert__buf_init(&q, (size_t)-2, false);
    memset(&meta, 0, sizeof(meta));
    if (body_out)
        *body_out = NULL;
    if (chain_out)
        *chain_out = NULL;
    CERT_TRY(check_name(name));
    CERT_TRY(cert_aws__query_add(&q, "ServerCertificateName", name));
    CERT_TRY(call(aws, "GetServerCertificate", &q, &doc));
    sc = cert_aws__xml_find(xmlDocGetRootElement(doc), "ServerCertificate");
    if (sc == NULL || cert_aws__xml_child(sc, "ServerCertificateMetadata") == NULL)
        CERT_FAIL(CERT_E_NET, "IAM answered GetServerCertificate without ServerCertificate");
    CERT_TRY(parse_meta(cert_aws__xml_child(sc, "ServerCertificateMetadata"), &meta));
    body = cert_aws__xml_child_text(sc, "CertificateBody");
    chain = cert_aws__xml_child_text(sc, "CertificateChain");
    if (body == NULL)
        CERT_FAIL(CERT_E_NET, "IAM answered GetServerCertificate without CertificateBody");
    if (meta_out) {
        *meta_out = meta;
        memset(&meta, 0, sizeof(meta));
    }
    if (body_out) {
        *body_out = body;
        body = NULL;
    }
    if (chain_out) {
        *chain_out = chain;
        chain = NULL;
    }

done:
    cert_iam_cert_clear(&meta);
    free(body);
    free(chain);
    xmlFreeDoc(doc);
    cert__buf_free(&q);
    return err;
}

/* ---- ListServerCertificates, read as it arrives ---- */

static const aws_page_spec list_spec = {
    "IAM", "ListServerCertificates", {{"Marker", "Marker", false}}, 1, false};

static const cert_aws_xml_pick list_picks[] = {
    {"ServerCertificateMetadataList", "member"},
    {"ListServerCertificatesResult", "IsTruncated"},
    {"ListServerCertificatesResult", "Marker"},
};

/* One page of ListServerCertificates read as it arrives (the request's body sink): its items are
 * appended to the list, and a retried answer first takes back the items of the one before. */
typedef struct list_stream {
    aws_pager *pg;
    cert_iam_cert **v;
    size_t *n, *cap;
    size_t n0; /* items before this page */
    size_t bytes;
    cert_aws_xml_flat *x;
    bool bad;      /* the answer stopped being well-formed XML: the rest is not read */
    bool has_more; /* IsTruncated came: every ListServerCertificates result holds it */
    bool ended;    /* list_end() ran on this answer; end_err is its verdict */
    cert_err end_err;
} list_stream;

static cert_err take_list_item(const cert_aws_xml_record *rec, size_t pick, void *ud)
{
    list_stream *s = ud;
    cert_err err;

    if (pick == 1) { /* IsTruncated */
        cert_aws__page_truncated(s->pg, strcmp(rec->text, "true") == 0);
        s->has_more = true;
        return CERT_OK;
    }
    if (pick == 2) /* Marker */
        return cert_aws__page_cursor(s->pg, 0, rec->text);
    if ((err = cert_aws__page_item(s->pg)) < 0) /* past the cap: stop reading at once */
        return err;
    if (cert__array_reserve(s->v, s->cap, *s->n, 64, sizeof(**s->v)) < 0)
        return CERT_E_NOMEM;
    err =
        meta_from(cert_aws__xml_record_get(rec, "Path"),
                  cert_aws__xml_record_get(rec, "ServerCertificateName"),
                  cert_aws__xml_record_get(rec, "ServerCertificateId"),
                  cert_aws__xml_record_get(rec, "Arn"), cert_aws__xml_record_get(rec, "UploadDate"),
                  cert_aws__xml_record_get(rec, "Expiration"), &(*s->v)[*s->n]);
    if (err < 0)
        return err;
    (*s->n)++;
    return CERT_OK;
}

static void list_forget(list_stream *s)
{
    for (size_t i = s->n0; i < *s->n; i++)
        cert_iam_cert_clear(&(*s->v)[i]);
    *s->n = s->n0;
    s->bytes = 0;
    s->bad = s->has_more = s->ended = false;
    s->end_err = CERT_OK;
    cert_aws__xml_flat_free(s->x);
    s->x = NULL;
    cert_aws__page_begin(s->pg);
}

static cert_err list_start(void *ud)
{
    list_stream *s = ud;

    list_forget(s);
    return cert_aws__xml_flat_new(list_picks, 3, take_list_item, s, &s->x);
}

/* Malformed XML stops the read at the first bad byte as a broken body (the request layer
 * retries it); what take() refuses (the cap) stops it for good. */
static cert_err list_data(void *ud, const char *p, size_t n)
{
    list_stream *s = ud;
    cert_err err;

    s->bytes += n;
    err = cert_aws__xml_flat_feed(s->x, p, n);
    if (err == CERT_E_NET && cert_aws__xml_flat_malformed(s->x)) {
        s->bad = true;
        return cert__error_set(CERT_AWS_BROKEN_BODY,
                               "the answer is not well-formed XML (%zu bytes read)", s->bytes);
    }
    return err;
}

/* The answer came whole: one whole well-formed ListServerCertificates result? */
static cert_err list_end(void *ud)
{
    list_stream *s = ud;
    cert_err err;

    if (s->ended)
        return s->end_err;
    s->ended = true;
    err = cert_aws__xml_flat_end(s->x);
    if (err == CERT_E_NET && s->bytes == 0)
        err = cert__error_set(CERT_AWS_BROKEN_BODY, "the answer is empty");
    else if (err == CERT_E_NET && cert_aws__xml_flat_malformed(s->x))
        err =
            cert__error_set(CERT_AWS_BROKEN_BODY,
                            "the answer is not well-formed XML (%zu bytes, cut short?)", s->bytes);
    else if (err == CERT_OK && !s->has_more)
        err = cert__error_set(CERT_AWS_BROKEN_BODY,
                              "the answer is not a ListServerCertificates result (no IsTruncated)");
    s->end_err = err;
    return err;
}

/* The page's end: unless the read already failed (err), whether what came was one whole
 * document. The reader is freed either way; a broken body is CERT_E_NET here. */
static cert_err list_finish(list_stream *s, cert_err err)
{
    if (err == CERT_OK)
        err = list_end(s);
    if (err == CERT_AWS_BROKEN_BODY)
        err = cert__error_set(CERT_E_NET, "%s", cert_error_last()->message);
    cert_aws__xml_flat_free(s->x);
    s->x = NULL;
    return err;
}

static void list_stream_init(list_stream *s, aws_pager *pg, cert_iam_cert **v, size_t *n,
                             size_t *cap)
{
    memset(s, 0, sizeof(*s));
    s->pg = pg;
    s->v = v;
    s->n = n;
    s->cap = cap;
    s->n0 = *n;
}

cert_err cert_iam__parse_list_chunks(const char *body, size_t len, size_t chunk, cert_iam_cert **v,
                                     size_t *n, size_t *cap, bool *more, char **marker)
{
    aws_pager pg;
    list_stream s;
    cert_err err;

    *more = false;
    *marker = NULL;
    cert_aws__pager_init(&pg, &list_spec, 0);
    list_stream_init(&s, &pg, v, n, cap);
    if (body == NULL)
        len = 0; /* nothing fed: "not XML (0 bytes)" */
    if (chunk == 0)
        chunk = len;
    err = list_start(&s);
    for (size_t at = 0; err == CERT_OK && at < len; at += chunk)
        err = list_data(&s, body + at, len - at < chunk ? len - at : chunk);
    err = list_finish(&s, err);
    if (err == CERT_OK && cert_aws__page_more(&pg)) { /* the Marker only when IAM has more */
        *more = true;
        *marker = pg.next[0];
        pg.next[0] = NULL;
    }
    cert_aws__pager_free(&pg);
    return err;
}

cert_err cert_iam__parse_list_page(const char *body, size_t len, cert_iam_cert **v, size_t *n,
                                   size_t *cap, bool *more, char **marker)
{
    return cert_iam__parse_list_chunks(body, len, 0, v, n, cap, more, marker);
}

/* A listing of ListServerCertificates: what each request asks, and what came so far. */
typedef struct list_ctx {
    cert_aws *aws;
    const char *prefix;
    char page_size[16];
    cert_iam_cert *v;
    size_t n, cap;
} list_ctx;

/* One page, parsed as it arrives (500 KB for 1,000 certificates). */
static cert_err list_fetch(aws_pager *pg, void *ud)
{
    list_ctx *c = ud;
    cert_err err = CERT_OK;
    cert_buf q;
    aws_response resp;
    list_stream ls;
    aws_body_sink sink = {list_start, list_data, &ls, list_end};

    cert__buf_init(&q, (size_t)-2, false);
    memset(&resp, 0, sizeof(resp));
    list_stream_init(&ls, pg, &c->v, &c->n, &c->cap);
    if (c->prefix != NULL)
        CERT_TRY(cert_aws__query_add(&q, "PathPrefix", c->prefix));
    CERT_TRY(cert_aws__query_add(&q, "MaxItems", c->page_size));
    CERT_TRY(cert_aws__page_query(pg, &q));
    err = send_action_to(c->aws, "ListServerCertificates", &q, &sink, &resp);
    /* an answer came and was read (or refused by the reader): was it a list? A broken body the
     * attempts could not get past is send's error as it stands. */
    if (err == CERT_OK || (resp.sink_err < 0 && resp.sink_err != CERT_AWS_BROKEN_BODY)) {
        err = list_finish(&ls, err);
        if (err == CERT_E_NET)
            err =
                cert__error_set(CERT_E_NET, "IAM ListServerCertificates: %s (HTTP %ld, %zu bytes)",
                                cert_error_last()->message, resp.status, ls.bytes);
    }

done:
    cert__buf_free(&q);
    cert_aws__xml_flat_free(ls.x);
    cert_aws__response_free(&resp);
    return err;
}

cert_err cert_iam_list(cert_aws *aws, const char *prefix, unsigned int page_size,
                       cert_iam_cert **out, size_t *count_out)
{
    list_ctx c;
    cert_err err;

    *out = NULL;
    *count_out = 0;
    if (page_size == 0)
        page_size = 1000;
    if (page_size > 1000)
        return cert__error_set(CERT_E_INVALID, "MaxItems %u: IAM takes 1 to 1000", page_size);
    if (prefix != NULL && (prefix[0] != '/' || strlen(prefix) > 512))
        return cert__error_set(CERT_E_INVALID,
                               "path prefix \"%s\" must begin with / (at most 512 "
                               "characters)",
                               prefix);
    memset(&c, 0, sizeof(c));
    c.aws = aws;
    c.prefix = prefix;
    snprintf(c.page_size, sizeof(c.page_size), "%u", page_size);
    err = cert_aws__page_all(aws, &list_spec, list_fetch, &c);
    if (err < 0) {
        cert_iam_certs_free(c.v, c.n);
        return err;
    }
    *out = c.v;
    *count_out = c.n;
    return CERT_OK;
}

static cert_err simple(cert_aws *aws, const char *action, cert_buf *q)
{
    xmlDoc *doc = NULL;
    cert_err err = call(aws, action, q, &doc);

    xmlFreeDoc(doc);
    cert__buf_free(q);
    return err;
}

cert_err cert_iam_update(cert_aws *aws, const char *name, const char *new_path,
                         const char *new_name)
{
    cert_err err;
    cert_buf q;

    cert__buf_init(&q, (size_t)-2, false);
    if ((err = check_name(name)) < 0)
        return err;
    if (new_path != NULL && !cert_iam_path_valid(new_path))
        return cert__error_set(CERT_E_INVALID, "path \"%s\" is not one IAM takes", new_path);
    if (new_name != NULL && (err = check_name(new_name)) < 0)
        return err;
    err = cert_aws__query_add(&q, "ServerCertificateName", name);
    if (err == CERT_OK && new_path != NULL)
        err = cert_aws__query_add(&q, "NewPath", new_path);
    if (err == CERT_OK && new_name != NULL)
        err = cert_aws__query_add(&q, "NewServerCertificateName", new_name);
    if (err < 0) {
        cert__buf_free(&q);
        return err;
    }
    return simple(aws, "UpdateServerCertificate", &q);
}

cert_err cert_iam_delete(cert_aws *aws, const char *name)
{
    cert_err err;
    cert_buf q;

    cert__buf_init(&q, (size_t)-2, false);
    if ((err = check_name(name)) < 0 ||
        (err = cert_aws__query_add(&q, "ServerCertificateName", name)) < 0) {
        cert__buf_free(&q);
        return err;
    }
    return simple(aws, "DeleteServerCertificate", &q);
}

cert_err cert_iam_tag(cert_aws *aws, const char *name, const cert_aws_tag *tags, size_t count)
{
    cert_err err;
    cert_buf q;

    cert__buf_init(&q, (size_t)-2, false);
    if ((err = check_name(name)) < 0)
        return err;
    if (count == 0 || count > TAGS_MAX)
        return cert__error_set(CERT_E_INVALID, "give 1 to %d tags", TAGS_MAX);
    err = cert_aws__query_add(&q, "ServerCertificateName", name);
    for (size_t i = 0; err == CERT_OK && i < count; i++) {
        char k[64];

        if (!tag_ok(&tags[i])) {
            err = cert__error_set(CERT_E_INVALID,
                                  "tag %s: keys are 1 to 128 characters, values "
                                  "at most 256",
                                  tags[i].key ? tags[i].key : "");
            break;
        }
        snprintf(k, sizeof(k), "Tags.member.%zu.Key", i + 1);
        err = cert_aws__query_add(&q, k, tags[i].key);
        snprintf(k, sizeof(k), "Tags.member.%zu.Value", i + 1);
        if (err == CERT_OK)
            err = cert_aws__query_add(&q, k, tags[i].value ? tags[i].value : "");
    }
    if (err < 0) {
        cert__buf_free(&q);
        return err;
    }
    return simple(aws, "TagServerCertificate", &q);
}

/* ---- ListServerCertificateTags ---- */

static const aws_page_spec tags_spec = {
    "IAM", "ListServerCertificateTags", {{"Marker", "Marker", false}}, 1, false};

/* A listing of one certificate's tags. */
typedef struct tags_ctx {
    cert_aws *aws;
    const char *name;
    cert_aws_tag *v;
    size_t n, cap;
} tags_ctx;

static cert_err tags_fetch(aws_pager *pg, void *ud)
{
    tags_ctx *c = ud;
    cert_err err = CERT_OK;
    cert_buf q;
    xmlDoc *doc = NULL;
    xmlNode *res, *tags;
    char *text = NULL;

    cert__buf_init(&q, (size_t)-2, false);
    CERT_TRY(cert_aws__query_add(&q, "ServerCertificateName", c->name));
    CERT_TRY(cert_aws__page_query(pg, &q));
    CERT_TRY(call(c->aws, "ListServerCertificateTags", &q, &doc));
    res = cert_aws__xml_find(xmlDocGetRootElement(doc), "ListServerCertificateTagsResult");
    tags = cert_aws__xml_child(res, "Tags");
    for (xmlNode *m = tags ? tags->children : NULL; m != NULL; m = m->next) {
        if (m->type != XML_ELEMENT_NODE)
            continue;
        CERT_TRY(cert_aws__page_item(pg));
        if (cert__array_reserve(&c->v, &c->cap, c->n, 16, sizeof(*c->v)) < 0)
            CERT_NOMEM();
        c->v[c->n].key = cert_aws__xml_child_text(m, "Key");
        c->v[c->n].value = cert_aws__xml_child_text(m, "Value");
        if (c->v[c->n].key == NULL)
            c->v[c->n].key = strdup("");
        if (c->v[c->n].value == NULL)
            c->v[c->n].value = strdup("");
        c->n++;
    }
    text = cert_aws__xml_child_text(res, "IsTruncated");
    cert_aws__page_truncated(pg, text != NULL && strcmp(text, "true") == 0);
    free(text);
    if ((text = cert_aws__xml_child_text(res, "Marker")) != NULL)
        CERT_TRY(cert_aws__page_cursor(pg, 0, text));

done:
    free(text);
    xmlFreeDoc(doc);
    cert__buf_free(&q);
    return err;
}

cert_err cert_iam_list_tags(cert_aws *aws, const char *name, cert_aws_tag **out, size_t *count_out)
{
    tags_ctx c;
    cert_err err;

    *out = NULL;
    *count_out = 0;
    if ((err = check_name(name)) < 0)
        return err;
    memset(&c, 0, sizeof(c));
    c.aws = aws;
    c.name = name;
    err = cert_aws__page_all(aws, &tags_spec, tags_fetch, &c);
    if (err < 0) {
        cert_iam_tags_free(c.v, c.n);
        return err;
    }
    *out = c.v;
    *count_out = c.n;
    return CERT_OK;
}

cert_err cert_iam_quota(cert_aws *aws, long *used_out, long *quota_out)
{
    cert_err err;
    cert_buf q;
    xmlDoc *doc = NULL;
    xmlNode *map;

    *used_out = *quota_out = -1;
    cert__buf_init(&q, (size_t)-2, false);
    err = call(aws, "GetAccountSummary", &q, &doc);
    cert__buf_free(&q);
    if (err < 0)
        return err;
    map = cert_aws__xml_find(xmlDocGetRootElement(doc), "SummaryMap");
    for (xmlNode *e = map ? map->children : NULL; e != NULL; e = e->next) {
        char *k = cert_aws__xml_child_text(e, "key"), *v = cert_aws__xml_child_text(e, "value");

        if (k != NULL && v != NULL && strcmp(k, "ServerCertificates") == 0)
            *used_out = strtol(v, NULL, 10);
        if (k != NULL && v != NULL && strcmp(k, "ServerCertificatesQuota") == 0)
            *quota_out = strtol(v, NULL, 10);
        free(k);
        free(v);
    }
    xmlFreeDoc(doc);
    return CERT_OK;
}
