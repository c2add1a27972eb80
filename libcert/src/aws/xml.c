/* SPDX-License-Identifier: Apache-2.0 */
/* AWS's XML, parsed with libxml2 safely: no entity expansion, no DTD loading, no network. */
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlreader.h>
#include <stdlib.h>
#include <string.h>

#include "aws_int.h"
#include "util/buf.h"
#include "util/error_int.h"
#include "util/json.h"

/* The largest XML answer libcert reads (ListServerCertificates with 1,000 items is ~500 KB). */
#define XML_MAX (32u << 20)

xmlDoc *cert_aws__xml_parse(const char *data, size_t len)
{
    int n;

    if (data == NULL || len == 0 || len > XML_MAX)
        return NULL;
    n = (int)len;
    /* Not XML_PARSE_NOENT (that would substitute entities) nor XML_PARSE_DTDLOAD/DTDATTR;
     * XML_PARSE_NONET forbids any fetch; no XML_PARSE_HUGE, so libxml2's own limits on depth
     * and text size stay on. */
    return xmlReadMemory(data, n, "aws.xml", NULL,
                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                             XML_PARSE_NOBLANKS);
}

xmlDoc *cert_aws__xml_parse_doc(const char *data, size_t len)
{
    if (data == NULL || len == 0 || len > XML_MAX)
        return NULL;
    return xmlReadMemory(data, (int)len, "aws.xml", NULL,
                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

#define STREAM_DEPTH 16 /* AWS's list answers are 4 deep; deeper elements are never picked */

cert_err cert_aws__xml_stream(const char *data, size_t len, const cert_aws_xml_pick *picks,
                              size_t npicks, cert_aws_xml_take take, void *ud)
{
    const xmlChar *names[STREAM_DEPTH]; /* the open elements' names, from libxml2's dictionary */
    xmlTextReader *r;
    cert_err err = CERT_OK;
    int rc;

    if (data == NULL || len == 0 || len > XML_MAX)
        return cert__error_set(CERT_E_NET, "the answer is not XML (%zu bytes)", len);
    /* The same options as cert_aws__xml_parse(). */
    r = xmlReaderForMemory(data, (int)len, "aws.xml", NULL,
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                               XML_PARSE_NOBLANKS);
    if (r == NULL)
        return cert__error_nomem();
    rc = xmlTextReaderRead(r);
    while (rc == 1) {
        int depth = xmlTextReaderDepth(r);
        size_t i = npicks;

        if (xmlTextReaderNodeType(r) == XML_READER_TYPE_ELEMENT && depth >= 0 &&
            depth < STREAM_DEPTH) {
            names[depth] = xmlTextReaderConstLocalName(r);
            for (i = 0; i < npicks; i++) {
                if (depth > 0 && xmlStrEqual(names[depth], BAD_CAST picks[i].name) &&
                    xmlStrEqual(names[depth - 1], BAD_CAST picks[i].parent))
                    break;
            }
        }
        if (i == npicks) {
            rc = xmlTextReaderRead(r);
            continue;
        }
        {
            xmlNode *n = xmlTextReaderExpand(r);

            if (n == NULL) {
                rc = -1;
                break;
            }
            if ((err = take(n, i, ud)) < 0)
                break;
        }
        rc = xmlTextReaderNext(r); /* frees the subtree just taken */
    }
    xmlFreeTextReader(r);
    if (err < 0)
        return err;
    if (rc < 0)
        return cert__error_set(CERT_E_NET, "the answer is not well-formed XML");
    return CERT_OK;
}

/* ---- flat records through SAX2 ---- */

typedef struct flat {
    const cert_aws_xml_pick *picks;
    size_t npicks;
    cert_aws_xml_take_record take;
    void *ud;
    xmlParserCtxt *ctxt;
    cert_err err;
    int depth;                          /* of the element being read (the root is 0) */
    const xmlChar *names[STREAM_DEPTH]; /* open elements' local names (libxml2's dictionary) */
    int pick_depth;                     /* depth of the element being picked; -1: none */
    size_t pick;
    int field;       /* index of the child whose text is being gathered; -1: none */
    cert_buf text;   /* the picked element's text */
    cert_buf fields; /* each field's text, NUL-terminated, one after another */
    size_t nfields;
    const xmlChar *field_names[CERT_AWS_XML_FIELDS];
    size_t field_at[CERT_AWS_XML_FIELDS];
} flat;

static void flat_fail(flat *f, cert_err err)
{
    if (f->err == CERT_OK)
        f->err = err;
    xmlStopParser(f->ctxt);
}

static void flat_start(void *ud, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
                       int nns, const xmlChar **ns, int nattr, int ndefaulted,
                       const xmlChar **attrs)
{
    flat *f = ud;
    int d = ++f->depth;

    (void)prefix, (void)uri, (void)nns, (void)ns, (void)nattr, (void)ndefaulted, (void)attrs;
    if (d < STREAM_DEPTH)
        f->names[d] = local;
    if (f->pick_depth < 0 && d > 0 && d < STREAM_DEPTH) {
        for (size_t i = 0; i < f->npicks; i++) {
            if (xmlStrEqual(local, BAD_CAST f->picks[i].name) &&
                xmlStrEqual(f->names[d - 1], BAD_CAST f->picks[i].parent)) {
                f->pick_depth = d;
                f->pick = i;
                f->text.len = f->fields.len = 0;
                if (f->text.ptr != NULL)
                    f->text.ptr[0] = '\0';
                f->nfields = 0;
                f->field = -1;
                return;
            }
        }
    }
    if (f->pick_depth >= 0 && d == f->pick_depth + 1) {
        f->field = -1;
        for (size_t i = 0; i < f->nfields; i++) {
            if (xmlStrEqual(f->field_names[i], local))
                return; /* the first of a name counts */
        }
        if (f->nfields == CERT_AWS_XML_FIELDS)
            return;
        f->field_names[f->nfields] = local;
        f->field_at[f->nfields] = f->fields.len;
        f->field = (int)f->nfields++;
    }
}

static void flat_text(void *ud, const xmlChar *ch, int len)
{
    flat *f = ud;
    cert_err err;

    if (f->pick_depth < 0 || len <= 0)
        return;
    if ((err = cert__buf_add(&f->text, ch, (size_t)len, "XML text")) < 0 ||
        (f->field >= 0 && (err = cert__buf_add(&f->fields, ch, (size_t)len, "XML text")) < 0))
        flat_fail(f, err);
}

static void flat_end(void *ud, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
    flat *f = ud;
    int d = f->depth--;
    cert_aws_xml_record r;
    cert_err err;

    (void)local, (void)prefix, (void)uri;
    if (f->pick_depth < 0)
        return;
    if (d == f->pick_depth + 1 && f->field >= 0) {
        if ((err = cert__buf_add(&f->fields, "", 1, "XML text")) < 0)
            flat_fail(f, err);
        f->field = -1;
        return;
    }
    if (d != f->pick_depth)
        return;
    f->pick_depth = -1;
    r.text = f->text.ptr ? f->text.ptr : "";
    r.nfields = f->nfields;
    for (size_t i = 0; i < f->nfields; i++) {
        r.names[i] = (const char *)f->field_names[i];
        r.values[i] = f->fields.ptr + f->field_at[i];
    }
    if ((err = f->take(&r, f->pick, f->ud)) < 0)
        flat_fail(f, err);
}

/* Parse errors are read from the context afterwards; nothing is printed. */
static void flat_quiet(void *ud, xmlErrorPtr e)
{
    (void)ud, (void)e;
}

const char *cert_aws__xml_record_get(const cert_aws_xml_record *r, const char *name)
{
    for (size_t i = 0; i < r->nfields; i++) {
        if (strcmp(r->names[i], name) == 0)
            return r->values[i];
    }
    return NULL;
}

/* The flat reader, fed as the answer arrives: libxml2's push parser with our SAX2 handlers. */
struct cert_aws_xml_flat {
    flat f;
    xmlSAXHandler sax;
    size_t total; /* bytes fed so far */
};

cert_err cert_aws__xml_flat_new(const cert_aws_xml_pick *picks, size_t npicks,
                                cert_aws_xml_take_record take, void *ud, cert_aws_xml_flat **out)
{
    cert_aws_xml_flat *x;

    *out = NULL;
    if ((x = calloc(1, sizeof(*x))) == NULL)
        return cert__error_nomem();
    /* Only elements and text: with no getEntity handler a reference to a declared entity is an
     * error, never an expansion; no DTD is read (no internalSubset/externalSubset handlers) and
     * XML_PARSE_NONET forbids any fetch. No XML_PARSE_HUGE: libxml2's limits stay on. */
    x->sax.initialized = XML_SAX2_MAGIC;
    x->sax.startElementNs = flat_start;
    x->sax.endElementNs = flat_end;
    x->sax.characters = flat_text;
    x->sax.cdataBlock = flat_text;
    x->sax.ignorableWhitespace = flat_text;
    x->sax.serror = flat_quiet;
    x->f.picks = picks;
    x->f.npicks = npicks;
    x->f.take = take;
    x->f.ud = ud;
    x->f.depth = -1;
    x->f.pick_depth = -1;
    x->f.field = -1;
    cert__buf_init(&x->f.text, XML_MAX, false);
    cert__buf_init(&x->f.fields, XML_MAX, false);
    /* libxml2 copies the handler. Nothing is parsed before the first feed: the encoding is
     * detected from the first bytes there. */
    x->f.ctxt = xmlCreatePushParserCtxt(&x->sax, &x->f, NULL, 0, "aws.xml");
    if (x->f.ctxt == NULL) {
        free(x);
        return cert__error_nomem();
    }
    xmlCtxtUseOptions(x->f.ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    *out = x;
    return CERT_OK;
}

/* The reader's state after libxml2 returned: an error from take(), or malformed XML. */
static cert_err flat_status(cert_aws_xml_flat *x)
{
    if (x->f.err < 0)
        return x->f.err;
    if (!x->f.ctxt->wellFormed)
        return cert__error_set(CERT_E_NET, "the answer is not well-formed XML");
    return CERT_OK;
}

cert_err cert_aws__xml_flat_feed(cert_aws_xml_flat *x, const char *p, size_t n)
{
    cert_err err;

    if ((err = flat_status(x)) < 0)
        return err;
    if (n > XML_MAX - x->total)
        return cert__error_set(CERT_E_NET, "the answer is larger than %u bytes", XML_MAX);
    x->total += n;
    while (n > 0) { /* xmlParseChunk() takes an int */
        int k = n > (1u << 20) ? (1 << 20) : (int)n;

        xmlParseChunk(x->f.ctxt, p, k, 0);
        if ((err = flat_status(x)) < 0)
            return err;
        p += k;
        n -= (size_t)k;
    }
    return CERT_OK;
}

cert_err cert_aws__xml_flat_end(cert_aws_xml_flat *x)
{
    cert_err err;

    if ((err = flat_status(x)) < 0)
        return err;
    if (x->total == 0)
        return cert__error_set(CERT_E_NET, "the answer is not XML (0 bytes)");
    xmlParseChunk(x->f.ctxt, NULL, 0, 1); /* a document cut short is not well-formed */
    return flat_status(x);
}

bool cert_aws__xml_flat_malformed(const cert_aws_xml_flat *x)
{
    return x != NULL && x->f.err >= 0 && !x->f.ctxt->wellFormed;
}

void cert_aws__xml_flat_free(cert_aws_xml_flat *x)
{
    if (x == NULL)
        return;
    /* Without a startDocument handler libxml2 builds no document, except one: for "expat
     * compatibility" it records entity declarations in a stand-in document (never used here:
     * references to them are errors), which the caller frees. */
    if (x->f.ctxt->myDoc != NULL) {
        xmlFreeDoc(x->f.ctxt->myDoc);
        x->f.ctxt->myDoc = NULL;
    }
    xmlFreeParserCtxt(x->f.ctxt);
    cert__buf_free(&x->f.text);
    cert__buf_free(&x->f.fields);
    free(x);
}

char *cert_aws__xml_text(xmlNode *n)
{
    xmlChar *t = xmlNodeGetContent(n);
    char *s = strdup(t ? (const char *)t : "");

    xmlFree(t);
    return s;
}

static bool named(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

xmlNode *cert_aws__xml_child(xmlNode *parent, const char *name)
{
    for (xmlNode *c = parent ? parent->children : NULL; c != NULL; c = c->next) {
        if (named(c, name))
            return c;
    }
    return NULL;
}

xmlNode *cert_aws__xml_find(xmlNode *from, const char *name)
{
    for (xmlNode *c = from; c != NULL; c = c->next) {
        xmlNode *r;

        if (named(c, name))
            return c;
        r = cert_aws__xml_find(c->children, name);
        if (r != NULL)
            return r;
    }
    return NULL;
}

char *cert_aws__xml_child_text(xmlNode *parent, const char *name)
{
    xmlNode *c = cert_aws__xml_child(parent, name);

    return c != NULL ? cert_aws__xml_text(c) : NULL;
}

static char *dup_or_empty(const char *s)
{
    return strdup(s ? s : "");
}

void cert_aws__parse_error(const char *body, size_t len, char **code, char **message,
                           char **request_id)
{
    xmlDoc *doc;

    *code = *message = *request_id = NULL;
    doc = cert_aws__xml_parse(body, len);
    if (doc != NULL) {
        xmlNode *root = xmlDocGetRootElement(doc);
        xmlNode *err = cert_aws__xml_find(root, "Error");

        if (err != NULL) {
            *code = cert_aws__xml_child_text(err, "Code");
            *message = cert_aws__xml_child_text(err, "Message");
        }
        *request_id = cert_aws__xml_child_text(root, "RequestId");
        if (*request_id == NULL)
            *request_id = cert_aws__xml_child_text(root, "RequestID");
        xmlFreeDoc(doc);
    } else if (body != NULL && len > 0 && len < (1u << 20) && body[0] == '{') {
        /* JSON services (SSO portal): {"__type": "...", "message": "..."} */
        json_t *j = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);

        if (j != NULL) {
            const char *t = json_string_value(json_object_get(j, "__type"));
            const char *m = json_string_value(json_object_get(j, "message"));

            if (t == NULL)
                t = json_string_value(json_object_get(j, "code"));
            if (m == NULL)
                m = json_string_value(json_object_get(j, "Message"));
            if (t != NULL && strchr(t, '#') != NULL)
                t = strchr(t, '#') + 1;
            *code = t ? strdup(t) : NULL;
            *message = m ? strdup(m) : NULL;
            json_decref(j);
        }
    }
    if (*code == NULL)
        *code = dup_or_empty(NULL);
    if (*message == NULL)
        *message = dup_or_empty(NULL);
    if (*request_id == NULL)
        *request_id = dup_or_empty(NULL);
}
