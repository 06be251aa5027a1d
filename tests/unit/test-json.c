/*
 * Unit tests for common/json.c: the one rule by which every JSON string tsq
 * writes is made, for the text form and the jansson form alike.
 */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "json.h"

/* S (LEN bytes) through both forms: the same JSON text, and WANT. */
static void
quoted_is(const char *s, size_t len, const char *want, const char *what)
{
	struct tsq_buf b = TSQ_BUF_INIT;
	json_t *v = tsq_json_text(s, len);

	tsq_json_quote(&b, s, len);
	is_str(b.data, want, "%s", what);
	/* The text form read back by jansson equals the jansson form. */
	json_t *back = json_loadb(b.data, b.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	ok(back && json_equal(back, v), "%s: jansson's string is the same", what);
	json_decref(back);
	json_decref(v);
	tsq_buf_free(&b);
}

/* A literal and its length, NUL bytes inside counted. */
#define LIT(s) (s), sizeof(s) - 1

/* The input, its JSON string, what it shows. */
static const struct {
	const char *in;
	size_t len;
	const char *want, *what;
} cases[] = {
	/* Plain text, and what JSON escapes. */
	{ LIT("plain"), "\"plain\"", "ASCII as it is" },
	{ LIT(""), "\"\"", "the empty string" },
	{ LIT("a\"b\\c"), "\"a\\\"b\\\\c\"", "quote and backslash escaped" },
	{ LIT("l1\nl2\r\t\x01\x1f"), "\"l1\\nl2\\r\\t\\u0001\\u001f\"", "control characters escaped" },
	{ LIT("a\0b"), "\"a\\u0000b\"", "a NUL inside is kept, escaped" },
	/* Valid UTF-8 kept; each byte of an invalid sequence U+FFFD. */
	{ LIT("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x88"), "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x88\"", "valid UTF-8 of two, three and four bytes kept" },
	{ LIT("x\xffy"), "\"x\xef\xbf\xbdy\"", "a byte that starts nothing: U+FFFD" },
	{ LIT("\x80"), "\"\xef\xbf\xbd\"", "a stray continuation byte: U+FFFD" },
	{ LIT("\xc0\xaf"), "\"\xef\xbf\xbd\xef\xbf\xbd\"", "an overlong form: each byte U+FFFD" },
	{ LIT("\xed\xa0\x80"), "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"", "a surrogate: refused" },
	{ LIT("\xf4\x90\x80\x80"), "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"", "past U+10FFFF: refused" },
	{ LIT("ab\xe2\x82"), "\"ab\xef\xbf\xbd\xef\xbf\xbd\"", "a sequence cut off at the end" },
};

int
main(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		quoted_is(cases[i].in, cases[i].len, cases[i].want, cases[i].what);
	ok(tsq_utf8_valid("caf\xc3\xa9", 5) && !tsq_utf8_valid("caf\xc3", 4) &&
	    !tsq_utf8_valid("a\0b", 3), "validity: whole sequences, no NUL");
	return done_testing();
}
