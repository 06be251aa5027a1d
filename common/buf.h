/*
 * buf.h - the one growable string of tsq.
 *
 * Rules: a struct tsq_buf is initialised with TSQ_BUF_INIT or tsq_buf_init();
 * from then on b->data is never NULL and always NUL terminated, b->len is the
 * number of bytes before that NUL (the data may hold other NULs when it is
 * binary).  Growth goes through xrealloc, so appending cannot fail.  A buf that
 * has grown must be released with tsq_buf_free() or handed off with
 * tsq_buf_detach().
 */
#ifndef TSQ_BUF_H
#define TSQ_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

struct tsq_buf {
	char *data;
	size_t len;
	size_t cap;		/* 0 while data points at the shared empty string */
};

extern char tsq_buf_empty[];
#define TSQ_BUF_INIT { tsq_buf_empty, 0, 0 }

void tsq_buf_init(struct tsq_buf *b);
void tsq_buf_free(struct tsq_buf *b);
void tsq_buf_reset(struct tsq_buf *b);
void tsq_buf_grow(struct tsq_buf *b, size_t extra);
void tsq_buf_adds(struct tsq_buf *b, const char *s);

/*
 * Appending is the inner loop of tsq-load (several appends a field), so the
 * common case, room already there, is inline.
 */
static inline void
tsq_buf_add(struct tsq_buf *b, const void *data, size_t len)
{
	if (len == 0)
		return;
	if (len >= b->cap - b->len)	/* b->cap > b->len unless cap is 0 */
		tsq_buf_grow(b, len);
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

static inline void
tsq_buf_addc(struct tsq_buf *b, char c)
{
	if (b->cap - b->len < 2)
		tsq_buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}
void tsq_buf_addf(struct tsq_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void tsq_buf_vaddf(struct tsq_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
void tsq_buf_truncate(struct tsq_buf *b, size_t len);
void tsq_buf_rtrim(struct tsq_buf *b);
char *tsq_buf_detach(struct tsq_buf *b);

#endif
