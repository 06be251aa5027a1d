/*
 * json.h - text as JSON strings, one way for every JSON tsq writes (JSON
 * lines output, JSON logs, reject records, stats files).
 *
 * The rule: quotes, backslashes and control characters are escaped; valid
 * UTF-8 is kept as it is; every byte that does not start a valid UTF-8
 * sequence (a stray continuation byte, an overlong form, a surrogate, a
 * code point past U+10FFFF, a cut-off sequence) becomes U+FFFD.  Where the
 * exact bytes matter (a reject record) they are kept beside, in base64.
 * This module depends only on buf.h and jansson: the logger may use it.
 */
#ifndef TSQ_JSON_H
#define TSQ_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "buf.h"

/* Append the LEN bytes at S to OUT as one JSON string, quotes included. */
void tsq_json_quote(struct tsq_buf *out, const char *s, size_t len);

/* The LEN bytes at S as a jansson string, by the same rule. */
json_t *tsq_json_text(const char *s, size_t len);

/* Whether the LEN bytes at S are all valid UTF-8 (and hold no NUL). */
bool tsq_utf8_valid(const char *s, size_t len);

#endif
