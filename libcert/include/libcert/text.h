/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Text for a person's terminal: every piece of untrusted text (certificate names, AWS's
 * messages, file names) goes out through here, so that nothing in it can act on the terminal.
 * JSON is not text in this sense: it keeps the exact values (jansson escapes them).
 */
#ifndef LIBCERT_TEXT_H
#define LIBCERT_TEXT_H

#include <stdarg.h>
#include <stdio.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Write `len` bytes of `s` to `f` with what a terminal would act on made visible:
 * - C0 control characters (U+0000 to U+001F) but the tab, and a line feed when `lines` is true,
 *   and DEL, as \xHH (ESC is \x1b, CR \x0d);
 * - C1 control characters (U+0080 to U+009F, written as UTF-8) and the bidirectional controls
 *   U+061C, U+200E, U+200F, U+202A to U+202E and U+2066 to U+2069, as \u{HHHH};
 * - every byte that is not part of valid UTF-8 (a lone continuation byte, a truncated or
 *   overlong sequence, a surrogate, past U+10FFFF), as \xHH.
 * Everything else, valid UTF-8 included, is written as it is. Colour and cursor codes of our
 * own are written with fputs(), never through here.
 * @param lines true when `s` is made of lines (a line feed ends a line); false for one line or
 *              one value, where a line feed could forge a line of ours
 */
CERT_EXTERN void cert_text_write(FILE *f, const char *s, size_t len, bool lines);

/** printf into cert_text_write(f, ..., true): for a format of our own whose arguments are
 * untrusted. */
CERT_EXTERN void cert_text_writef(FILE *f, const char *fmt, ...) CERT_PRINTF(2, 3);

/** The same with a va_list, and `lines` as for cert_text_write(). */
CERT_EXTERN void cert_text_vwritef(FILE *f, bool lines, const char *fmt, va_list ap)
    CERT_PRINTF(3, 0);

#ifdef __cplusplus
}
#endif

#endif
