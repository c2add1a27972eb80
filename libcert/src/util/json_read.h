/* SPDX-License-Identifier: Apache-2.0 */
/* Reading JSON documents that can be large: ACM's answers, whose ListCertificates pages hold up
 * to 1,000 certificates (~600 KB). jansson writes every document libcert sends or prints
 * (util/json.h) and reads the small ones (credentials, the SSO portal, error bodies); its reader
 * took 62% of the instructions of `certls --store acm` over 1,000 certificates and is the whole
 * cost bench/certup.sh found between an ACM import and an IAM upload. cJSON parses the same text
 * five times faster; cert__json_read() holds what it accepts to the rules jansson's reader
 * (JSON_REJECT_DUPLICATES) kept for these answers, so that what libcert reads is exactly what the
 * text says and every string can be written again as JSON (cert__json_sink_string()). */
#ifndef LIBCERT_UTIL_JSON_READ_H
#define LIBCERT_UTIL_JSON_READ_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* The document in text[0, len) (need not end in NUL), or NULL with the reason in why (at most
 * size bytes, naming the byte offset where it applies). Refused, beyond what cJSON refuses:
 *   - bytes that are not UTF-8 (RFC 3629), and control characters other than tab, line feed and
 *     carriage return, anywhere (a raw one is never valid JSON; NUL would cut a string short);
 *   - the escape \u0000 (cJSON would end the string there, where jansson refuses it);
 *   - anything but white space after the value (a second document, a stray byte);
 *   - an object naming a member twice, at any depth (readers disagree on which one counts).
 * cJSON limits nesting to CJSON_NESTING_LIMIT (1,000) levels. Known to be stricter than jansson
 * only on numbers of more than 63 characters, which no AWS answer holds. The caller owns the
 * result and frees it with cJSON_Delete(). */
cJSON *cert__json_read(const char *text, size_t len, char *why, size_t size);

#endif
