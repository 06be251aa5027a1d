#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mem.h"

char tsq_buf_empty[1];

void
tsq_buf_init(struct tsq_buf *b)
{
	b->data = tsq_buf_empty;
	b->len = 0;
	b->cap = 0;
}

void
tsq_buf_free(struct tsq_buf *b)
{
	if (b->cap)
		free(b->data);
	tsq_buf_init(b);
}

void
tsq_buf_reset(struct tsq_buf *b)
{
	tsq_buf_truncate(b, 0);
}

void
tsq_buf_grow(struct tsq_buf *b, size_t extra)
{
	size_t need;

	if (extra > (size_t)-1 - b->len - 1)
		(void)xreallocarray(NULL, (size_t)-1, 2);	/* reports and exits */
	need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap < ((size_t)-1) / 2 ? cap * 2 : need;
	if (b->cap == 0) {
		b->data = xmalloc(cap);
		b->data[0] = '\0';
	} else {
		b->data = xrealloc(b->data, cap);
	}
	b->cap = cap;
}

void
tsq_buf_adds(struct tsq_buf *b, const char *s)
{
	tsq_buf_add(b, s, strlen(s));
}

void
tsq_buf_vaddf(struct tsq_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n <= 0)
		return;
	tsq_buf_grow(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
tsq_buf_addf(struct tsq_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tsq_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void
tsq_buf_truncate(struct tsq_buf *b, size_t len)
{
	if (len >= b->len)
		return;
	b->len = len;
	b->data[len] = '\0';
}

void
tsq_buf_rtrim(struct tsq_buf *b)
{
	while (b->len > 0 && (b->data[b->len - 1] == '\n' || b->data[b->len - 1] == '\r' ||
	    b->data[b->len - 1] == ' ' || b->data[b->len - 1] == '\t'))
		b->len--;
	if (b->cap)
		b->data[b->len] = '\0';
}

char *
tsq_buf_detach(struct tsq_buf *b)
{
	char *s = b->cap ? b->data : xstrdup("");

	tsq_buf_init(b);
	return s;
}
