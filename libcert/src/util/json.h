/* SPDX-License-Identifier: Apache-2.0 */
/* Writing JSON documents: whole, or piece by piece for long lists. */
#ifndef LIBCERT_UTIL_JSON_H
#define LIBCERT_UTIL_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "libcert/error.h"

/* Dump `j` (JSON_INDENT(2), insertion order) and a newline to f, in 32 KiB writes (jansson's own
 * json_dumpf() calls fwrite() for every token, which dominates a listing of a thousand items).
 * Does not take the reference. CERT_E_IO when f fails, CERT_E_NOMEM otherwise. */
cert_err cert__json_write(const json_t *j, FILE *f);

/* A document written in pieces: the frame as literal text, each item of a long list dumped as it
 * is built and then freed, so that writing 1,000 items costs the memory of one. The output is
 * what cert__json_write() would print for the whole tree. Errors are sticky and reported by
 * cert__json_sink_end(). */
#define CERT_JSON_SINK_DEPTH 8

typedef struct cert_json_sink {
    FILE *f;
    size_t len;
    int indent; /* spaces added after every newline of a dumped value */
    bool failed, nomem;
    /* the containers opened with cert__json_sink_open(): their depth in the document, whether
     * a member was written */
    int depth;
    int base[CERT_JSON_SINK_DEPTH];
    char kind[CERT_JSON_SINK_DEPTH]; /* the closing bracket */
    bool members[CERT_JSON_SINK_DEPTH];
    char buf[32768];
} cert_json_sink;

void cert__json_sink_init(cert_json_sink *s, FILE *f);

/* Literal text, as is. */
void cert__json_sink_text(cert_json_sink *s, const char *text);

/* `j` dumped as cert__json_write() does, each line after its first indented by `indent` more
 * spaces (the depth at which it sits in the document). Does not take the reference. */
void cert__json_sink_value(cert_json_sink *s, const json_t *j, int indent);

/* Members written straight into the sink, in exactly the layout cert__json_sink_value() gives
 * (JSON_INDENT(2)), for the items of a long list: building a json_t for each of a thousand items
 * and dumping it cost more than the request that fetched them. The text is only written, never
 * parsed (jansson parses); strings are escaped as jansson escapes them, and must be UTF-8.
 *
 * cert__json_sink_open() starts an object ('{') or array ('[') that sits `depth` levels deep in
 * the document (the indentation of its closing bracket is 2 * depth); cert__json_sink_key()
 * starts a member of the innermost object, cert__json_sink_item() an element of the innermost
 * array; a value follows (a string, a number, a literal, or another container);
 * cert__json_sink_close() ends the innermost container. At most CERT_JSON_SINK_DEPTH deep. */
void cert__json_sink_open(cert_json_sink *s, char bracket, int depth);
void cert__json_sink_key(cert_json_sink *s, const char *key);
void cert__json_sink_item(cert_json_sink *s);
void cert__json_sink_close(cert_json_sink *s);
void cert__json_sink_string(cert_json_sink *s, const char *v); /* NULL writes null */
void cert__json_sink_int(cert_json_sink *s, long long v);
void cert__json_sink_literal(cert_json_sink *s, const char *v); /* true, false, null */

/* Write what is left. CERT_E_IO when a write failed, CERT_E_NOMEM when a dump ran out. */
cert_err cert__json_sink_end(cert_json_sink *s);

#endif
