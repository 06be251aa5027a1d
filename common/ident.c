#include <string.h>

#include "ident.h"

void
tsq_quote_ident(struct tsq_buf *out, const char *name)
{
	tsq_buf_addc(out, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			tsq_buf_addc(out, '"');
		tsq_buf_addc(out, *p);
	}
	tsq_buf_addc(out, '"');
}

void
tsq_quote_literal(struct tsq_buf *out, const char *s)
{
	tsq_buf_adds(out, "E'");
	/* Quote, backslash and line ends as backslash escapes; other controls in hex. */
	static const char special[] = "'\\\n\r\t", escape[] = "'\\nrt";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		const char *sp = strchr(special, *p);
		if (sp) {
			tsq_buf_addc(out, '\\');
			tsq_buf_addc(out, escape[sp - special]);
		} else if (*p < 0x20 || *p == 0x7f) {
			tsq_buf_addf(out, "\\x%02x", *p);
		} else {
			tsq_buf_addc(out, (char)*p);
		}
	}
	tsq_buf_addc(out, '\'');
}

void
tsq_array_literal(struct tsq_buf *out, const char *const *elems, int n)
{
	tsq_buf_addc(out, '{');
	for (int i = 0; i < n; i++) {
		tsq_buf_adds(out, i ? ",\"" : "\"");
		for (const char *c = elems[i]; *c; c++) {
			if (*c == '"' || *c == '\\')
				tsq_buf_addc(out, '\\');
			tsq_buf_addc(out, *c);
		}
		tsq_buf_addc(out, '"');
	}
	tsq_buf_addc(out, '}');
}
