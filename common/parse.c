#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "parse.h"

const char *
tsq_parse_strerror(enum tsq_parse_status st)
{
	switch (st) {
	case TSQ_PARSE_OK:
		return "ok";
	case TSQ_PARSE_EMPTY:
		return "empty value";
	case TSQ_PARSE_SYNTAX:
		return "invalid syntax";
	case TSQ_PARSE_RANGE:
		return "value out of range";
	case TSQ_PARSE_FIELD:
		return "date or time field out of range";
	case TSQ_PARSE_ZONE:
		return "time zone offset out of range";
	case TSQ_PARSE_ZONE_NAME:
		return "time zone not recognized";
	}
	return "unknown error";
}

static const char *
skip_blanks(const char *p)
{
	/* What the server's integer input skips: isspace(), a line feed included. */
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

static enum tsq_parse_status
syntax_at(const char *s, const char *p, size_t *pos)
{
	if (pos)
		*pos = (size_t)(p - s);
	return TSQ_PARSE_SYNTAX;
}

enum tsq_parse_status
tsq_parse_int64(const char *s, int64_t min, int64_t max, int64_t *out, size_t *pos)
{
	const char *p = skip_blanks(s);
	bool neg = false;
	uint64_t v = 0, limit;

	if (*p == '\0')
		return TSQ_PARSE_EMPTY;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (!isdigit((unsigned char)*p))
		return syntax_at(s, p, pos);
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	bool overflow = false;
	for (; isdigit((unsigned char)*p); p++) {
		unsigned d = (unsigned)(*p - '0');
		if (v > (limit - d) / 10)
			overflow = true;
		else
			v = v * 10 + d;
	}
	p = skip_blanks(p);
	if (*p != '\0')
		return syntax_at(s, p, pos);
	if (overflow)
		return TSQ_PARSE_RANGE;
	int64_t r = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
	if (r < min || r > max)
		return TSQ_PARSE_RANGE;
	*out = r;
	return TSQ_PARSE_OK;
}

/* Length of the unit at P in microseconds, or 0; *len gets its length. */
static int64_t
unit_usec(const char *p, size_t *len)
{
	static const struct {
		const char *name;
		int64_t usec;
	} units[] = {
		{"us", 1}, {"ms", 1000}, {"min", 60 * TSQ_USEC_PER_SEC},
		{"s", TSQ_USEC_PER_SEC}, {"m", 60 * TSQ_USEC_PER_SEC},
		{"h", 3600 * TSQ_USEC_PER_SEC}, {"d", 86400 * TSQ_USEC_PER_SEC},
		{"w", 7 * 86400 * TSQ_USEC_PER_SEC},
		/* PostgreSQL's words, as in '7 days' or '1 hour 30 minutes'. */
		{"microseconds", 1}, {"microsecond", 1},
		{"milliseconds", 1000}, {"millisecond", 1000},
		{"seconds", TSQ_USEC_PER_SEC}, {"second", TSQ_USEC_PER_SEC},
		{"secs", TSQ_USEC_PER_SEC}, {"sec", TSQ_USEC_PER_SEC},
		{"minutes", 60 * TSQ_USEC_PER_SEC}, {"minute", 60 * TSQ_USEC_PER_SEC},
		{"mins", 60 * TSQ_USEC_PER_SEC},
		{"hours", 3600 * TSQ_USEC_PER_SEC}, {"hour", 3600 * TSQ_USEC_PER_SEC},
		{"days", 86400 * TSQ_USEC_PER_SEC}, {"day", 86400 * TSQ_USEC_PER_SEC},
		{"weeks", 7 * 86400 * TSQ_USEC_PER_SEC}, {"week", 7 * 86400 * TSQ_USEC_PER_SEC},
	};
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		size_t n = strlen(units[i].name);
		if (strncmp(p, units[i].name, n) == 0 && !isalpha((unsigned char)p[n])) {
			*len = n;
			return units[i].usec;
		}
	}
	return 0;
}

/*
 * NUMBER[.FRACTION]UNIT pairs from P; REQUIRE_UNIT refuses a bare number.
 * SPACED: blanks may separate a number from its unit and one pair from the
 * next ("1 hour 30 minutes"), and only blanks may follow; otherwise the
 * first blank ends the duration.  Stops with an error at anything else.
 */
static enum tsq_parse_status
parse_duration_at(const char *s, const char *p, bool require_unit, bool spaced,
    int64_t *usec, size_t *pos)
{
	int64_t total = 0;
	bool any = false;

	for (;;) {
		if (spaced)
			p = skip_blanks(p);
		if (*p == '\0' || *p == ' ' || *p == '\t')
			break;

		uint64_t whole = 0;
		uint64_t frac = 0, scale = 1;

		if (!isdigit((unsigned char)*p))
			return syntax_at(s, p, pos);
		for (; isdigit((unsigned char)*p); p++) {
			if (whole > (UINT64_MAX - 9) / 10)
				return TSQ_PARSE_RANGE;
			whole = whole * 10 + (uint64_t)(*p - '0');
		}
		if (*p == '.') {
			p++;
			if (!isdigit((unsigned char)*p))
				return syntax_at(s, p, pos);
			for (; isdigit((unsigned char)*p); p++) {
				if (scale < UINT64_C(1000000000000)) {
					frac = frac * 10 + (uint64_t)(*p - '0');
					scale *= 10;
				}
			}
		}
		size_t ulen = 0;
		if (spaced)
			p = skip_blanks(p);
		int64_t unit = unit_usec(p, &ulen);
		if (unit == 0) {
			if (*p != '\0' && *p != ' ' && *p != '\t')
				return syntax_at(s, p, pos);
			if (require_unit || any)
				return syntax_at(s, p, pos);
			unit = TSQ_USEC_PER_SEC;
		}
		p += ulen;
		/* 128 bits: a fraction of twelve digits times a week's microseconds. */
		unsigned __int128 part = (unsigned __int128)whole * (uint64_t)unit +
		    (unsigned __int128)frac * (uint64_t)unit / scale;
		if (part > (unsigned __int128)(INT64_MAX - total))
			return TSQ_PARSE_RANGE;
		total += (int64_t)part;
		any = true;
	}
	if (!any)
		return TSQ_PARSE_EMPTY;
	*usec = total;
	return TSQ_PARSE_OK;
}

enum tsq_parse_status
tsq_parse_duration_units(const char *s, int64_t *usec, size_t *pos)
{
	return parse_duration_at(s, s, true, false, usec, pos);
}

enum tsq_parse_status
tsq_parse_duration(const char *s, int64_t *usec, size_t *pos)
{
	const char *p = skip_blanks(s);
	int64_t v;
	enum tsq_parse_status st;

	if (*p == '\0')
		return TSQ_PARSE_EMPTY;
	st = parse_duration_at(s, p, false, true, &v, pos);
	if (st != TSQ_PARSE_OK)
		return st;
	*usec = v;
	return TSQ_PARSE_OK;
}


enum tsq_parse_status
tsq_parse_months(const char *s, int64_t *months, size_t *pos)
{
	static const struct {
		const char *name;
		int per;
	} units[] = {
		{"months", 1}, {"month", 1}, {"mons", 1}, {"mon", 1}, {"mo", 1},
		{"years", 12}, {"year", 12}, {"yrs", 12}, {"yr", 12}, {"y", 12},
	};
	const char *p = skip_blanks(s);
	int64_t n = 0;

	if (*p == '\0')
		return TSQ_PARSE_EMPTY;
	if (*p < '0' || *p > '9')
		return syntax_at(s, p, pos);
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > (INT64_C(120000) - (*p - '0')) / 10)
			return TSQ_PARSE_RANGE;
		n = n * 10 + (*p - '0');
	}
	p = skip_blanks(p);
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		size_t len = strlen(units[i].name);
		if (strncasecmp(p, units[i].name, len) == 0 && *skip_blanks(p + len) == '\0') {
			if (n * units[i].per > INT64_C(120000))
				return TSQ_PARSE_RANGE;
			*months = n * units[i].per;
			return TSQ_PARSE_OK;
		}
	}
	return syntax_at(s, p, pos);
}
