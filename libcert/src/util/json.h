/* Writing a JSON document in one piece. */
#ifndef LIBCERT_UTIL_JSON_H
#define LIBCERT_UTIL_JSON_H

#include <jansson.h>
#include <stdio.h>

#include "libcert/error.h"

/* Dump `j` (JSON_INDENT(2), insertion order) and a newline to f, in 32 KiB writes (jansson's own
 * json_dumpf() calls fwrite() for every token, which dominates a listing of a thousand items).
 * Does not take the reference. CERT_E_IO when f fails, CERT_E_NOMEM otherwise. */
cert_err cert__json_write(const json_t *j, FILE *f);

#endif
