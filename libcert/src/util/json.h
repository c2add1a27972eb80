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
typedef struct cert_json_sink {
    FILE *f;
    size_t len;
    int indent; /* spaces added after every newline of a dumped value */
    bool failed, nomem;
    char buf[32768];
} cert_json_sink;

void cert__json_sink_init(cert_json_sink *s, FILE *f);

/* Literal text, as is. */
void cert__json_sink_text(cert_json_sink *s, const char *text);

/* `j` dumped as cert__json_write() does, each line after its first indented by `indent` more
 * spaces (the depth at which it sits in the document). Does not take the reference. */
void cert__json_sink_value(cert_json_sink *s, const json_t *j, int indent);

/* Write what is left. CERT_E_IO when a write failed, CERT_E_NOMEM when a dump ran out. */
cert_err cert__json_sink_end(cert_json_sink *s);

#endif
