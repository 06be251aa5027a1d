#include <string.h>

#include "json.h"

/*
 * The length of the valid UTF-8 sequence at S (of at most LEN bytes), or 0
 * when the byte there does not start one.
 */
static size_t
utf8_sequence(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	size_t n;
	unsigned int cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (n > len)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates, past U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

bool
tsq_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	while (p < end) {
		size_t n = *p == 0 ? 0 : utf8_sequence(p, (size_t)(end - p));
		if (n == 0)
			return false;
		p += n;
	}
	return true;
}

void
tsq_json_quote(struct tsq_buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	tsq_buf_addc(out, '"');
	while (p < end) {
		/* Copy the run of plain ASCII that needs no escape in one go. */
		const unsigned char *run = p;
		while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
			p++;
		if (p > run)
			tsq_buf_add(out, (const char *)run, (size_t)(p - run));
		if (p == end)
			break;
		unsigned char c = *p;
		if (c >= 0x80) {
			size_t n = utf8_sequence(p, (size_t)(end - p));
			if (n == 0) {
				tsq_buf_adds(out, "\xef\xbf\xbd");
				n = 1;
			} else {
				tsq_buf_add(out, (const char *)p, n);
			}
			p += n;
			continue;
		}
		if (c == '"' || c == '\\')
			tsq_buf_addf(out, "\\%c", c);
		else if (c == '\n')
			tsq_buf_adds(out, "\\n");
		else if (c == '\r')
			tsq_buf_adds(out, "\\r");
		else if (c == '\t')
			tsq_buf_adds(out, "\\t");
		else
			tsq_buf_addf(out, "\\u%04x", c);
		p++;
	}
	tsq_buf_addc(out, '"');
}

json_t *
tsq_json_text(const char *s, size_t len)
{
	if (tsq_utf8_valid(s, len))
		return json_stringn(s, len);
	/* Keep what is valid, U+FFFD for each byte that is not (a NUL stays a NUL). */
	struct tsq_buf b = TSQ_BUF_INIT;
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	while (p < end) {
		size_t n = utf8_sequence(p, (size_t)(end - p));
		if (n == 0) {
			tsq_buf_adds(&b, "\xef\xbf\xbd");
			n = 1;
		} else {
			tsq_buf_add(&b, (const char *)p, n);
		}
		p += n;
	}
	json_t *v = json_stringn(b.data, b.len);
	tsq_buf_free(&b);
	return v;
}
