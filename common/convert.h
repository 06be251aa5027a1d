/*
 * convert.h - field text to PostgreSQL's binary COPY representation, checked
 * on the client for the column's type.
 *
 * A value that does not fit its column is refused here with a message in
 * the server's own words ('invalid input syntax for type integer: "x"'), so
 * the row goes to the reject file without a round trip.  Types tsq does not
 * convert itself travel as text and are cast by the server.
 */
#ifndef TSQ_CONVERT_H
#define TSQ_CONVERT_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "buf.h"
#include "datetime.h"

enum tsq_conv {
	TSQ_CONV_TEXT,		/* text, varchar, char, name, citext: UTF-8 checked */
	TSQ_CONV_BOOL,
	TSQ_CONV_INT2,
	TSQ_CONV_INT4,
	TSQ_CONV_INT8,
	TSQ_CONV_FLOAT4,
	TSQ_CONV_FLOAT8,
	TSQ_CONV_NUMERIC,
	TSQ_CONV_JSON,
	TSQ_CONV_JSONB,
	TSQ_CONV_TIMESTAMPTZ,
	TSQ_CONV_TIMESTAMP,
	TSQ_CONV_DATE,
	TSQ_CONV_ARRAY,		/* one-dimensional array of one of the above */
	TSQ_CONV_OTHER,		/* sent as text, cast on the server */
};

struct tsq_type {
	enum tsq_conv conv;
	uint32_t oid;
	enum tsq_conv elem_conv;	/* arrays */
	uint32_t elem_oid;
	const char *name;		/* for messages: "integer", "timestamp with time zone" */
};

/* Settle how a column of type OID (element ELEM_OID for arrays) is converted. */
void tsq_type_init(struct tsq_type *t, uint32_t oid, uint32_t elem_oid, const char *name);

struct tsq_convert_opts {
	const struct tsq_time_format *time_format;	/* --time-format, or NULL */
	bool local_tz;			/* values without a zone are in $TZ, not UTC */
	bool plus_infinity;		/* "+infinity" is a time (PostgreSQL 16 and later) */
	/*
	 * Numbers written with another decimal mark (--decimal-mark ,) and a
	 * grouping mark between thousands (--group-mark .): "24.100,50".  0:
	 * the point, and no grouping.
	 */
	char decimal_mark, group_mark;
};

/*
 * Append the field for the text S (LEN bytes, NUL-terminated after them) to
 * OUT: a length word and the binary value.  A NUL byte among the LEN is
 * refused for every type, as the server refuses it.  IS_JSON says S is JSON
 * text (a nested value from JSON lines).  *USEC receives the value of time
 * types in microseconds since 1970-01-01 (wall-clock time for timestamp
 * without time zone, midnight for a date; clamped to the int64 range).
 * Returns NULL, or the reason the value was refused (in MSG's storage).
 */
const char *tsq_convert(const struct tsq_type *t, const char *s, size_t len, bool is_json,
    const struct tsq_convert_opts *o, struct tsq_buf *out, int64_t *usec,
    struct tsq_buf *msg);

/* The NULL field. */
void tsq_copy_null(struct tsq_buf *out);

/* The binary COPY header and trailer. */
extern const char tsq_copy_header[19];
extern const char tsq_copy_trailer[2];

static inline void
tsq_put_u16(struct tsq_buf *b, uint16_t v)
{
	char c[2] = { (char)(v >> 8), (char)v };
	tsq_buf_add(b, c, 2);
}

static inline void
tsq_put_u32(struct tsq_buf *b, uint32_t v)
{
	char c[4] = { (char)(v >> 24), (char)(v >> 16), (char)(v >> 8), (char)v };
	tsq_buf_add(b, c, 4);
}

static inline void
tsq_put_u64(struct tsq_buf *b, uint64_t v)
{
	tsq_put_u32(b, (uint32_t)(v >> 32));
	tsq_put_u32(b, (uint32_t)v);
}

#endif
