#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "convert.h"
#include "decimal.h"
#include "json.h"
#include "datetime.h"
#include "mem.h"
#include "pgcodes.h"


const char tsq_copy_header[19] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";
const char tsq_copy_trailer[2] = "\377\377";

static const struct { uint32_t oid; enum tsq_conv conv; } known_types[] = {
	{TSQ_OID_BOOL, TSQ_CONV_BOOL}, {TSQ_OID_NAME, TSQ_CONV_TEXT},
	{TSQ_OID_INT8, TSQ_CONV_INT8}, {TSQ_OID_INT2, TSQ_CONV_INT2},
	{TSQ_OID_INT4, TSQ_CONV_INT4}, {TSQ_OID_TEXT, TSQ_CONV_TEXT},
	{TSQ_OID_JSON, TSQ_CONV_JSON}, {TSQ_OID_FLOAT4, TSQ_CONV_FLOAT4},
	{TSQ_OID_FLOAT8, TSQ_CONV_FLOAT8}, {TSQ_OID_BPCHAR, TSQ_CONV_TEXT},
	{TSQ_OID_VARCHAR, TSQ_CONV_TEXT}, {TSQ_OID_DATE, TSQ_CONV_DATE},
	{TSQ_OID_TIMESTAMP, TSQ_CONV_TIMESTAMP}, {TSQ_OID_TIMESTAMPTZ, TSQ_CONV_TIMESTAMPTZ},
	{TSQ_OID_NUMERIC, TSQ_CONV_NUMERIC}, {TSQ_OID_JSONB, TSQ_CONV_JSONB},
};

static enum tsq_conv
conv_of(uint32_t oid)
{
	for (size_t i = 0; i < sizeof known_types / sizeof known_types[0]; i++)
		if (known_types[i].oid == oid)
			return known_types[i].conv;
	return TSQ_CONV_OTHER;
}

void
tsq_type_init(struct tsq_type *t, uint32_t oid, uint32_t elem_oid, const char *name)
{
	memset(t, 0, sizeof *t);
	t->oid = oid;
	t->name = name;
	t->conv = conv_of(oid);
	if (t->conv == TSQ_CONV_OTHER && elem_oid != 0) {
		t->elem_oid = elem_oid;
		t->elem_conv = conv_of(elem_oid);
		if (t->elem_conv != TSQ_CONV_OTHER)
			t->conv = TSQ_CONV_ARRAY;
	}
}

void
tsq_copy_null(struct tsq_buf *out)
{
	tsq_put_u32(out, UINT32_MAX);
}

static const char *
syntax(struct tsq_buf *msg, const char *type, const char *s)
{
	tsq_buf_reset(msg);
	tsq_buf_addf(msg, "invalid input syntax for type %s: \"%s\"", type, s);
	return msg->data;
}

static const char *
range(struct tsq_buf *msg, const char *type, const char *s)
{
	tsq_buf_reset(msg);
	tsq_buf_addf(msg, "value \"%s\" is out of range for type %s", s, type);
	return msg->data;
}

static const char *
conv_text(const char *s, size_t len, struct tsq_buf *out, struct tsq_buf *msg)
{
	if (!tsq_utf8_valid(s, len)) {
		tsq_buf_reset(msg);
		tsq_buf_adds(msg, "invalid byte sequence for encoding \"UTF8\"");
		return msg->data;
	}
	tsq_put_u32(out, (uint32_t)len);
	tsq_buf_add(out, s, len);
	return NULL;
}

static const char *
conv_bool(const char *s, struct tsq_buf *out, struct tsq_buf *msg)
{
	static const char *const yes[] = {"t", "true", "y", "yes", "on", "1"};
	static const char *const no[] = {"f", "false", "n", "no", "off", "0"};
	char v = -1;
	const char *p = s;
	size_t n;

	while (isspace((unsigned char)*p))
		p++;
	n = strlen(p);
	while (n > 0 && isspace((unsigned char)p[n - 1]))
		n--;
	for (size_t i = 0; i < 6 && v < 0; i++) {
		if (strlen(yes[i]) == n && strncasecmp(p, yes[i], n) == 0)
			v = 1;
		else if (strlen(no[i]) == n && strncasecmp(p, no[i], n) == 0)
			v = 0;
	}
	if (v < 0)
		return syntax(msg, "boolean", s);
	tsq_put_u32(out, 1);
	tsq_buf_addc(out, v);
	return NULL;
}

static const char *
conv_int(enum tsq_conv conv, const char *s, struct tsq_buf *out, struct tsq_buf *msg)
{
	int64_t v, lo, hi;
	size_t pos;

	switch (conv) {
	case TSQ_CONV_INT2: lo = INT16_MIN; hi = INT16_MAX; break;
	case TSQ_CONV_INT4: lo = INT32_MIN; hi = INT32_MAX; break;
	default: lo = INT64_MIN; hi = INT64_MAX; break;
	}
	const char *type = conv == TSQ_CONV_INT2 ? "smallint" : conv == TSQ_CONV_INT4 ?
	    "integer" : "bigint";
	switch (tsq_parse_int64(s, lo, hi, &v, &pos)) {
	case TSQ_PARSE_OK:
		break;
	case TSQ_PARSE_RANGE:
		return range(msg, type, s);
	default:
		return syntax(msg, type, s);
	}
	if (conv == TSQ_CONV_INT2) {
		tsq_put_u32(out, 2);
		tsq_put_u16(out, (uint16_t)v);
	} else if (conv == TSQ_CONV_INT4) {
		tsq_put_u32(out, 4);
		tsq_put_u32(out, (uint32_t)v);
	} else {
		tsq_put_u32(out, 8);
		tsq_put_u64(out, (uint64_t)v);
	}
	return NULL;
}

static const char *
conv_float(enum tsq_conv conv, const char *s, size_t len, struct tsq_buf *out,
    struct tsq_buf *msg)
{
	const char *type = conv == TSQ_CONV_FLOAT4 ? "real" : "double precision";
	union { float f; uint32_t u; } f;
	union { double d; uint64_t u; } d;
	char *end;

	/* Blanks around the number are allowed, as the server allows them. */
	size_t n = len;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	/* The server reads real with strtof and double precision with strtod. */
	errno = 0;
	if (conv == TSQ_CONV_FLOAT4) {
		if (!tsq_decimal_float(s, n, &f.f)) {
			f.f = strtof(s, &end);
			if (end != s + n || n == 0)
				return syntax(msg, type, s);
			if (errno == ERANGE && (f.f == 0 || isinf(f.f)))
				return range(msg, type, s);
		}
		tsq_put_u32(out, 4);
		tsq_put_u32(out, f.u);
	} else {
		if (!tsq_decimal_double(s, n, &d.d)) {
			d.d = strtod(s, &end);
			if (end != s + n || n == 0)
				return syntax(msg, type, s);
			if (errno == ERANGE && (d.d == 0 || isinf(d.d)))
				return range(msg, type, s);
		}
		tsq_put_u32(out, 8);
		tsq_put_u64(out, d.u);
	}
	return NULL;
}

/* PostgreSQL's limits for numeric: digits before the point, and the scale. */
#define NUMERIC_MAX_INT_DIGITS 131072
#define NUMERIC_MAX_DSCALE 16383

static const char *
numeric_overflow(struct tsq_buf *msg)
{
	tsq_buf_reset(msg);
	tsq_buf_adds(msg, "value overflows numeric format");
	return msg->data;
}

/* NaN, Infinity, -Infinity: the numeric's sign word alone. */
static void
numeric_special(struct tsq_buf *out, uint16_t special)
{
	tsq_put_u32(out, 8);
	tsq_put_u16(out, 0);
	tsq_put_u16(out, 0);
	tsq_put_u16(out, special);
	tsq_put_u16(out, 0);
}

/*
 * The numeric whose significant digits are D[0..ND) (values 0-9), POINT of
 * them before the decimal point, FRAC after it as written, times 10^EXP10,
 * in PostgreSQL's binary form: base-10000 groups, weight, sign, dscale.
 */
static const char *
numeric_encode(const char *d, int64_t nd, int64_t point, int64_t frac, int64_t exp10, bool neg,
    struct tsq_buf *out, struct tsq_buf *msg)
{
	/* value = 0.d1d2... x 10^(point + exp10), with point counted in digits */
	int64_t dscale = frac - exp10 > 0 ? frac - exp10 : 0;
	int64_t pt = point + exp10;	/* digits before the decimal point */
	int64_t first = 0, last = nd;
	while (first < nd && d[first] == 0) {
		first++;
		pt--;
	}
	while (last > first && d[last - 1] == 0)
		last--;
	if (dscale > NUMERIC_MAX_DSCALE || (first < last && pt > NUMERIC_MAX_INT_DIGITS)) {
		return numeric_overflow(msg);
	}
	if (first == last) {
		numeric_special(out, 0);
		tsq_buf_truncate(out, out->len - 2);
		tsq_put_u16(out, (uint16_t)dscale);
		return NULL;
	}
	/* Align so that the decimal point falls on a group boundary. */
	int64_t pad = ((pt % 4) + 4) % 4;
	pad = pad ? 4 - pad : 0;
	int64_t weight = (pt + pad) / 4 - 1;
	int64_t ngroups = (pad + (last - first) + 3) / 4;
	tsq_put_u32(out, (uint32_t)(8 + 2 * ngroups));
	tsq_put_u16(out, (uint16_t)ngroups);
	tsq_put_u16(out, (uint16_t)(int16_t)weight);
	tsq_put_u16(out, neg ? 0x4000 : 0);
	tsq_put_u16(out, (uint16_t)dscale);
	for (int64_t g = 0; g < ngroups; g++) {
		int v = 0;
		for (int64_t k = 0; k < 4; k++) {
			int64_t i = g * 4 + k - pad;	/* index into d[first..last) */
			v = v * 10 + (i >= 0 && i < last - first ? d[first + i] : 0);
		}
		tsq_put_u16(out, (uint16_t)v);
	}
	return NULL;
}

/*
 * numeric in base 10000: ndigits, weight (of the first digit group), sign,
 * display scale, then the groups.  Any number of digits PostgreSQL takes
 * (131072 before the point, a scale of 16383), exponents included.
 */
static const char *
conv_numeric(const char *s, size_t len, struct tsq_buf *out, struct tsq_buf *msg)
{
	const char *p = s, *end = s + len;
	bool neg = false;
	int64_t point = -1, frac = 0, exp10 = 0;

	while (p < end && isspace((unsigned char)*p))
		p++;
	if (p < end && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	if (strncasecmp(p, "nan", 3) == 0 || strncasecmp(p, "inf", 3) == 0) {
		bool nan = strncasecmp(p, "nan", 3) == 0;
		const char *e = p + (nan ? 3 : strncasecmp(p, "infinity", 8) == 0 ? 8 : 3);
		while (e < end && isspace((unsigned char)*e))
			e++;
		if (e != end || (nan && neg))
			return syntax(msg, "numeric", s);
		numeric_special(out, nan ? 0xC000 : neg ? 0xF000 : 0xD000);
		return NULL;
	}
	/* The significant digits: leading zeros of the whole part dropped. */
	int64_t nd = 0;
	bool any = false;
	char *d = xmalloc(len + 1);
	for (; p < end; p++) {
		if (isdigit((unsigned char)*p)) {
			any = true;
			if (nd == 0 && *p == '0' && point < 0)
				continue;
			d[nd++] = (char)(*p - '0');
			if (point >= 0)
				frac++;
		} else if (*p == '.' && point < 0) {
			point = nd;
		} else {
			break;
		}
	}
	if (!any) {
		free(d);
		return syntax(msg, "numeric", s);
	}
	if (point < 0)
		point = nd;
	if (p < end && (*p == 'e' || *p == 'E')) {
		bool eneg = false;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		if (p == end || !isdigit((unsigned char)*p)) {
			free(d);
			return syntax(msg, "numeric", s);
		}
		/* Saturated: anything this large overflows whatever the digits. */
		for (; p < end && isdigit((unsigned char)*p); p++)
			if (exp10 < INT64_C(1000000000))
				exp10 = exp10 * 10 + (*p - '0');
		if (eneg)
			exp10 = -exp10;
	}
	while (p < end && isspace((unsigned char)*p))
		p++;
	if (p != end) {
		free(d);
		return syntax(msg, "numeric", s);
	}

	const char *e = numeric_encode(d, nd, point, frac, exp10, neg, out, msg);
	free(d);
	return e;
}

static const char *
conv_json(enum tsq_conv conv, const char *s, size_t len, bool is_json, struct tsq_buf *out,
    struct tsq_buf *msg)
{
	if (!is_json) {
		json_error_t jerr;
		json_t *v = json_loadb(s, len, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL, &jerr);
		if (v == NULL) {
			tsq_buf_reset(msg);
			tsq_buf_addf(msg, "invalid input syntax for type %s: %s",
			    conv == TSQ_CONV_JSONB ? "jsonb" : "json", jerr.text);
			return msg->data;
		}
		json_decref(v);
	}
	if (!tsq_utf8_valid(s, len))
		return syntax(msg, conv == TSQ_CONV_JSONB ? "jsonb" : "json", s);
	if (conv == TSQ_CONV_JSONB) {
		tsq_put_u32(out, (uint32_t)len + 1);
		tsq_buf_addc(out, 1);	/* jsonb's binary format version */
	} else {
		tsq_put_u32(out, (uint32_t)len);
	}
	tsq_buf_add(out, s, len);
	return NULL;
}

/* The value of a time type, clamped to what an int64 of microseconds holds. */
static int64_t
clamp_usec(__int128 v)
{
	return v > INT64_MAX ? INT64_MAX - 1 : v < INT64_MIN ? INT64_MIN + 1 : (int64_t)v;
}

static const char *
conv_time(enum tsq_conv conv, const char *s, size_t len, const struct tsq_convert_opts *o,
    struct tsq_buf *out, int64_t *usec, struct tsq_buf *msg)
{
	const char *type = conv == TSQ_CONV_TIMESTAMPTZ ? "timestamp with time zone" :
	    conv == TSQ_CONV_TIMESTAMP ? "timestamp without time zone" : "date";
	struct tsq_datetime dt;
	size_t pos;
	const char *p = s, *end = s + len;

	memset(&dt, 0, sizeof dt);
	while (p < end && isspace((unsigned char)*p))
		p++;
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	/* PostgreSQL's special values that are constants. */
	size_t n = (size_t)(end - p);
	/* PostgreSQL 15 takes infinity and -infinity; +infinity from 16 on. */
	if ((n == 8 && strncasecmp(p, "infinity", 8) == 0) ||
	    (n == 9 && strncasecmp(p, "-infinity", 9) == 0) ||
	    (n == 9 && o->plus_infinity && strncasecmp(p, "+infinity", 9) == 0)) {
		bool neg = *p == '-';
		if (conv == TSQ_CONV_DATE) {
			tsq_put_u32(out, 4);
			tsq_put_u32(out, neg ? (uint32_t)INT32_MIN : (uint32_t)INT32_MAX);
		} else {
			tsq_put_u32(out, 8);
			tsq_put_u64(out, neg ? (uint64_t)INT64_MIN : (uint64_t)INT64_MAX);
		}
		*usec = neg ? INT64_MIN : INT64_MAX;
		return NULL;
	}
	/* "epoch" is midnight of 1970-01-01: UTC for timestamptz, the wall clock for the others. */
	enum tsq_parse_status st = n == 5 && strncasecmp(p, "epoch", 5) == 0 ?
	    tsq_parse_datetime("1970-01-01 00:00:00+00", 22, &dt, &pos) : o->time_format ?
	    tsq_time_format_parse(o->time_format, s, len, &dt, &pos) :
	    tsq_parse_datetime(s, len, &dt, &pos);
	tsq_buf_reset(msg);
	switch (st) {
	case TSQ_PARSE_OK:
		break;
	case TSQ_PARSE_FIELD:
		tsq_buf_addf(msg, "date/time field value out of range: \"%s\"", s);
		return msg->data;
	case TSQ_PARSE_ZONE_NAME:
		break;
	case TSQ_PARSE_ZONE:
		tsq_buf_addf(msg, "time zone displacement out of range: \"%s\"", s);
		return msg->data;
	case TSQ_PARSE_RANGE:
		tsq_buf_addf(msg, "%s out of range: \"%s\"", conv == TSQ_CONV_DATE ? "date" : "timestamp", s);
		return msg->data;
	default:
		if (o->time_format)
			tsq_buf_addf(msg, "value \"%s\" does not match --time-format \"%s\"", s,
			    o->time_format->pattern);
		else
			tsq_buf_addf(msg, "invalid input syntax for type %s: \"%s\"", type, s);
		return msg->data;
	}
	/* A zone named after the time: an abbreviation of the server's, or a zone of the database. */
	if (dt.zone_name && tsq_datetime_zone(&dt) != TSQ_PARSE_OK) {
		tsq_buf_adds(msg, "time zone \"");
		for (size_t i = 0; i < dt.zone_len; i++)
			tsq_buf_addc(msg, (char)tolower((unsigned char)dt.zone_name[i]));
		tsq_buf_adds(msg, "\" not recognized");
		return msg->data;
	}
	if (conv == TSQ_CONV_DATE) {
		int32_t days;
		if (!tsq_datetime_date(&dt, o->local_tz, &days)) {
			tsq_buf_addf(msg, "date out of range: \"%s\"", s);
			return msg->data;
		}
		tsq_put_u32(out, 4);
		tsq_put_u32(out, (uint32_t)days);
		*usec = clamp_usec(((__int128)days + TSQ_PG_EPOCH_DAYS) * TSQ_USEC_PER_DAY);
		return NULL;
	}
	int64_t v;
	bool ok = conv == TSQ_CONV_TIMESTAMPTZ ? tsq_datetime_timestamptz(&dt, o->local_tz, &v) :
	    tsq_datetime_timestamp(&dt, o->local_tz, &v);
	if (!ok) {
		tsq_buf_addf(msg, "timestamp out of range: \"%s\"", s);
		return msg->data;
	}
	tsq_put_u32(out, 8);
	tsq_put_u64(out, (uint64_t)v);
	*usec = clamp_usec((__int128)v + TSQ_PG_EPOCH_USEC);
	return NULL;
}

static const char *convert_scalar(enum tsq_conv conv, const struct tsq_type *t, const char *s,
    size_t len, bool is_json, const struct tsq_convert_opts *o, struct tsq_buf *out,
    int64_t *usec, struct tsq_buf *msg);

static const char *
malformed_array(struct tsq_buf *msg, const char *s, const char *why)
{
	tsq_buf_reset(msg);
	tsq_buf_addf(msg, "malformed array literal: \"%s\" (%s)", s, why);
	return msg->data;
}

static void
json_ws(const char **p, const char *end)
{
	while (*p < end && (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r'))
		(*p)++;
}

/*
 * The elements of a JSON array, numbers as they are written (never through
 * a double), strings unescaped, true and false as words, null as NULL.
 */
static const char *
split_json_array(const char *s, size_t len, struct tsq_buf *elems, size_t *n, bool **nulls)
{
	const char *p = s, *end = s + len;

	json_ws(&p, end);
	if (p == end || *p != '[')
		return "expected a JSON array";
	p++;
	*nulls = xreallocarray(*nulls, len + 1, sizeof **nulls);
	json_ws(&p, end);
	if (p < end && *p == ']') {
		p++;
		json_ws(&p, end);
		return p == end ? NULL : "expected a JSON array";
	}
	for (;;) {
		json_ws(&p, end);
		if (p == end)
			return "expected a JSON array";
		(*nulls)[*n] = false;
		if (*p == '"') {
			const char *q = p + 1;
			while (q < end && *q != '"')
				q += *q == '\\' ? 2 : 1;
			if (q >= end)
				return "expected a JSON array";
			json_t *str = json_loadb(p, (size_t)(q + 1 - p), JSON_DECODE_ANY, NULL);
			if (!json_is_string(str)) {
				json_decref(str);
				return "expected a JSON array";
			}
			tsq_buf_add(elems, json_string_value(str), json_string_length(str));
			json_decref(str);
			p = q + 1;
		} else if (*p == '[' || *p == '{') {
			return "nested arrays are not supported";
		} else if ((size_t)(end - p) >= 4 && memcmp(p, "null", 4) == 0) {
			(*nulls)[*n] = true;
			p += 4;
		} else {
			/* A number, true or false: its text as written. */
			const char *q = p;
			while (q < end && (isalnum((unsigned char)*q) || *q == '-' || *q == '+' || *q == '.'))
				q++;
			if (q == p)
				return "expected a JSON array";
			tsq_buf_add(elems, p, (size_t)(q - p));
			p = q;
		}
		tsq_buf_addc(elems, '\0');
		(*n)++;
		json_ws(&p, end);
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		if (p < end && *p == ']') {
			p++;
			json_ws(&p, end);
			return p == end ? NULL : "expected a JSON array";
		}
		return "expected a JSON array";
	}
}

/*
 * The elements of a one-dimensional array literal, read as the server's
 * array_in reads one: blanks around an element are not part of it, a
 * backslash keeps the next character whatever it is (a blank at the end
 * too), a quoted element may hold anything, NULL unquoted and unescaped is
 * the null value; an empty element, a quote in the middle of an element or
 * text after a quoted one is malformed.
 */
static const char *
split_literal(const char *s, size_t len, struct tsq_buf *elems, size_t *n, bool **nulls,
    struct tsq_buf *msg)
{
	const char *p = s, *end = s + len;

	while (p < end && isspace((unsigned char)*p))
		p++;
	if (p < end && *p == '[')
		return malformed_array(msg, s, "array bounds are not supported");
	if (p == end || *p != '{')
		return malformed_array(msg, s, "it must start with \"{\"");
	p++;
	*nulls = xreallocarray(*nulls, len + 1, sizeof **nulls);
	while (p < end && isspace((unsigned char)*p))
		p++;
	if (p < end && *p == '}') {
		for (p++; p < end && isspace((unsigned char)*p); p++)
			;
		return p == end ? NULL : malformed_array(msg, s, "junk after the closing \"}\"");
	}
	for (;;) {
		size_t start = elems->len, keep = start;
		bool quoting = false, in_quotes = false, after_quote = false;

		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p < end && *p == '{')
			return "multidimensional arrays are not supported";
		if (p == end || *p == ',' || *p == '}')
			return malformed_array(msg, s, "an element is empty");
		for (; p < end; p++) {
			char c = *p;
			if (c == '\\') {
				if (after_quote)
					return malformed_array(msg, s, "text after a quoted element");
				if (++p == end)
					break;
				tsq_buf_addc(elems, *p);
				keep = elems->len;
				quoting = true;
			} else if (in_quotes) {
				if (c == '"') {
					in_quotes = false;
					after_quote = true;
				} else {
					tsq_buf_addc(elems, c);
				}
				keep = elems->len;
			} else if (c == '"') {
				if (quoting || elems->len > start)
					return malformed_array(msg, s, "a quote in the middle of an element");
				in_quotes = quoting = true;
			} else if (c == ',' || c == '}') {
				break;
			} else if (c == '{') {
				return malformed_array(msg, s, "a \"{\" in the middle of an element");
			} else if (isspace((unsigned char)c)) {
				if (!after_quote)
					tsq_buf_addc(elems, c);
			} else if (after_quote) {
				return malformed_array(msg, s, "text after a quoted element");
			} else {
				tsq_buf_addc(elems, c);
				keep = elems->len;
			}
		}
		if (p == end)
			return malformed_array(msg, s, "it must end with \"}\"");
		tsq_buf_truncate(elems, keep);
		(*nulls)[*n] = !quoting && keep - start == 4 &&
		    strncasecmp(elems->data + start, "null", 4) == 0;
		tsq_buf_addc(elems, '\0');
		(*n)++;
		if (*p++ == '}') {
			while (p < end && isspace((unsigned char)*p))
				p++;
			return p == end ? NULL : malformed_array(msg, s, "junk after the closing \"}\"");
		}
	}
}

/* Array elements from PostgreSQL's literal {a,"b c",NULL} or a JSON array. */
static const char *
split_array(const char *s, size_t len, bool is_json, struct tsq_buf *elems, size_t *n,
    bool **nulls, struct tsq_buf *msg)
{
	*n = 0;
	tsq_buf_reset(elems);
	return is_json ? split_json_array(s, len, elems, n, nulls) :
	    split_literal(s, len, elems, n, nulls, msg);
}

static const char *
conv_array(const struct tsq_type *t, const char *s, size_t len, bool is_json,
    const struct tsq_convert_opts *o, struct tsq_buf *out, struct tsq_buf *msg)
{
	struct tsq_buf elems = TSQ_BUF_INIT, body = TSQ_BUF_INIT;
	bool *nulls = NULL, has_null = false;
	size_t n;
	int64_t usec;
	const char *e = split_array(s, len, is_json, &elems, &n, &nulls, msg);

	if (e == NULL) {
		const char *p = elems.data;
		for (size_t i = 0; i < n && e == NULL; i++) {
			size_t l = strlen(p);
			if (nulls[i]) {
				has_null = true;
				tsq_copy_null(&body);
			} else {
				e = convert_scalar(t->elem_conv, t, p, l, false, o, &body, &usec, msg);
			}
			p += l + 1;
		}
	}
	if (e == NULL) {
		tsq_put_u32(out, (uint32_t)(12 + (n ? 8 : 0) + body.len));
		tsq_put_u32(out, n ? 1 : 0);
		tsq_put_u32(out, has_null);
		tsq_put_u32(out, t->elem_oid);
		if (n) {
			tsq_put_u32(out, (uint32_t)n);
			tsq_put_u32(out, 1);
		}
		tsq_buf_add(out, body.data, body.len);
	}
	free(nulls);
	tsq_buf_free(&elems);
	tsq_buf_free(&body);
	return e;
}

static const char *
convert_scalar(enum tsq_conv conv, const struct tsq_type *t, const char *s, size_t len,
    bool is_json, const struct tsq_convert_opts *o, struct tsq_buf *out, int64_t *usec,
    struct tsq_buf *msg)
{
	switch (conv) {
	case TSQ_CONV_BOOL:
		return conv_bool(s, out, msg);
	case TSQ_CONV_INT2:
	case TSQ_CONV_INT4:
	case TSQ_CONV_INT8:
		return conv_int(conv, s, out, msg);
	case TSQ_CONV_FLOAT4:
	case TSQ_CONV_FLOAT8:
		return conv_float(conv, s, len, out, msg);
	case TSQ_CONV_NUMERIC:
		return conv_numeric(s, len, out, msg);
	case TSQ_CONV_JSON:
	case TSQ_CONV_JSONB:
		return conv_json(conv, s, len, is_json, out, msg);
	case TSQ_CONV_TIMESTAMPTZ:
	case TSQ_CONV_TIMESTAMP:
	case TSQ_CONV_DATE:
		return conv_time(conv, s, len, o, out, usec, msg);
	case TSQ_CONV_ARRAY:
		return conv_array(t, s, len, is_json, o, out, msg);
	default:
		return conv_text(s, len, out, msg);
	}
}

/*
 * The number S (LEN bytes) written with O's decimal and grouping marks, as
 * the point-decimal text the converters read, into OUT.  Grouping marks only
 * between digits of the whole part, three digits after each; a point that is
 * not a mark of the format is refused (with a decimal comma, "1.234" would
 * otherwise read as a fraction).  NULL, or why the value is refused.
 */
static const char *
unmark_number(const char *s, size_t len, const struct tsq_convert_opts *o, struct tsq_buf *out,
    struct tsq_buf *msg)
{
	char dec = o->decimal_mark ? o->decimal_mark : '.', grp = o->group_mark;
	size_t run = 0;		/* digits since the start of the whole part or the last mark */
	bool whole = true, grouped = false, digits = false;

	/* Blanks around the number, as the server allows them (and a blank may group). */
	while (len > 0 && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	tsq_buf_reset(out);
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9') {
			run++;
			digits = true;
			tsq_buf_addc(out, c);
		} else if (whole && grp && c == grp) {
			if (run == 0 || run > 3 || (grouped && run != 3))
				goto misplaced;
			grouped = true;
			run = 0;
		} else if (whole && c == dec) {
			if (grouped && run != 3)
				goto misplaced;
			whole = false;
			tsq_buf_addc(out, '.');
		} else if (c == '.' || c == ',' || (grp && c == grp)) {
			goto misplaced;
		} else {
			/* Signs, blanks, exponents, NaN and Infinity: as they are. */
			if (whole && digits && grouped && run != 3)
				goto misplaced;
			if (digits)
				whole = false;
			tsq_buf_addc(out, c);
		}
	}
	if (whole && grouped && run != 3)
		goto misplaced;
	return NULL;
misplaced:
	tsq_buf_reset(msg);
	tsq_buf_addf(msg, "invalid number \"%.*s\": the decimal mark is \"%c\"", (int)(len > 64 ? 64 : len),
	    s, dec);
	if (grp)
		tsq_buf_addf(msg, " and the grouping mark \"%c\", between groups of three digits", grp);
	else
		tsq_buf_adds(msg, ", with no grouping mark");
	return msg->data;
}

const char *
tsq_convert(const struct tsq_type *t, const char *s, size_t len, bool is_json,
    const struct tsq_convert_opts *o, struct tsq_buf *out, int64_t *usec, struct tsq_buf *msg)
{
	size_t mark = out->len;

	/*
	 * The converters below read numbers and words as C strings: a NUL byte
	 * would end the value early ("12\0345" read as 12).  The server refuses
	 * the byte in every type, and so does this.
	 */
	if (memchr(s, '\0', len) != NULL) {
		tsq_buf_reset(msg);
		tsq_buf_adds(msg, "invalid byte sequence for encoding \"UTF8\": 0x00");
		return msg->data;
	}
	bool number = t->conv >= TSQ_CONV_INT2 && t->conv <= TSQ_CONV_NUMERIC;
	const char *e;
	if (number && !is_json && (o->decimal_mark || o->group_mark)) {
		struct tsq_buf text = TSQ_BUF_INIT;
		e = unmark_number(s, len, o, &text, msg);
		if (e == NULL)
			e = convert_scalar(t->conv, t, text.data ? text.data : "", text.len, false, o, out,
			    usec, msg);
		tsq_buf_free(&text);
	} else {
		e = convert_scalar(t->conv, t, s, len, is_json, o, out, usec, msg);
	}
	if (e)
		tsq_buf_truncate(out, mark);
	return e;
}
