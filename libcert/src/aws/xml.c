/* AWS's XML, parsed with libxml2 safely: no entity expansion, no DTD loading, no network. */
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <stdlib.h>
#include <string.h>

#include "aws_int.h"
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

cert_err cert_aws_write_json_failure(const char *list_key, int exit_code, const cert_aws *aws,
                                     FILE *f)
{
    json_t *o = json_object(), *lc = json_object(), *e = json_object();
    int rc;

    json_object_set_new(o, list_key ? list_key : "Items", json_array());
    json_object_set_new(lc, "schema", json_integer(1));
    json_object_set_new(lc, "exit_code", json_integer(exit_code));
    json_object_set_new(e, "message", json_string(cert_error_last()->message));
    if (aws != NULL && aws->last.code != NULL && aws->last.code[0] != '\0') {
        json_object_set_new(e, "aws_code", json_string(aws->last.code));
        json_object_set_new(e, "request_id", json_string(aws->last.request_id));
    }
    json_object_set_new(lc, "error", e);
    json_object_set_new(o, "libcert", lc);
    rc = cert__json_write(o, f) == CERT_OK ? 0 : -1;
    json_decref(o);
    return rc == 0 ? CERT_OK : CERT_E_IO;
}
