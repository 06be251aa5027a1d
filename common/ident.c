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
