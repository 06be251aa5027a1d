#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

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
	}
	return "unknown error";
}

static const char *
skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
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
 * Stops with an error at anything else.
 */
static enum tsq_parse_status
parse_duration_at(const char *s, const char *p, bool require_unit, int64_t *usec,
    size_t *pos)
{
	int64_t total = 0;
	bool any = false;

	while (*p != '\0' && *p != ' ' && *p != '\t') {

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
		int64_t unit = unit_usec(p, &ulen);
		if (unit == 0) {
			if (*p != '\0' && *p != ' ' && *p != '\t')
				return syntax_at(s, p, pos);
			if (require_unit || any)
				return syntax_at(s, p, pos);
			unit = TSQ_USEC_PER_SEC;
		}
		p += ulen;
		if (whole > (uint64_t)INT64_MAX / (uint64_t)unit)
			return TSQ_PARSE_RANGE;
		int64_t part = (int64_t)whole * unit + (int64_t)(frac * (uint64_t)unit / scale);
		if (total > INT64_MAX - part)
			return TSQ_PARSE_RANGE;
		total += part;
		any = true;
	}
	if (!any)
		return TSQ_PARSE_EMPTY;
	*usec = total;
	return TSQ_PARSE_OK;
}

enum tsq_parse_status
tsq_parse_duration(const char *s, int64_t *usec, size_t *pos)
{
	const char *p = skip_blanks(s);
	int64_t v;
	enum tsq_parse_status st;

	if (*p == '\0')
		return TSQ_PARSE_EMPTY;
	st = parse_duration_at(s, p, false, &v, pos);
	if (st != TSQ_PARSE_OK)
		return st;
	*usec = v;
	return TSQ_PARSE_OK;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's method). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int
days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : dm[m - 1];
}

/* Exactly N digits at *P into *V. */
static bool
digits(const char **p, int n, int *v)
{
	int r = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return false;
		r = r * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*v = r;
	return true;
}

static enum tsq_parse_status
parse_iso(const char *s, const char *p, struct tsq_time *out, size_t *pos)
{
	int y, mo, d, hh = 0, mi = 0, ss = 0;
	int64_t frac_us = 0;
	int64_t offset_s = 0;
	bool has_zone = false;

	if (!digits(&p, 4, &y) || *p != '-')
		return syntax_at(s, p, pos);
	p++;
	if (!digits(&p, 2, &mo) || *p != '-')
		return syntax_at(s, p, pos);
	p++;
	if (!digits(&p, 2, &d))
		return syntax_at(s, p, pos);
	if (mo < 1 || mo > 12 || d < 1 || y < 1 || d > days_in_month(y, mo))
		return TSQ_PARSE_RANGE;
	if ((*p == 'T' || *p == 't' || *p == ' ') && isdigit((unsigned char)p[1])) {
		p++;
		if (!digits(&p, 2, &hh) || *p != ':')
			return syntax_at(s, p, pos);
		p++;
		if (!digits(&p, 2, &mi))
			return syntax_at(s, p, pos);
		if (*p == ':') {
			p++;
			if (!digits(&p, 2, &ss))
				return syntax_at(s, p, pos);
			if (*p == '.' || *p == ',') {
				int64_t scale = 100000;
				p++;
				if (!isdigit((unsigned char)*p))
					return syntax_at(s, p, pos);
				for (; isdigit((unsigned char)*p); p++) {
					frac_us += (*p - '0') * scale;
					scale /= 10;
				}
			}
		}
		if (hh > 24 || mi > 59 || ss > 59 || (hh == 24 && (mi || ss || frac_us)))
			return TSQ_PARSE_RANGE;
	}
	p = skip_blanks(p);
	if (*p == 'Z' || *p == 'z') {
		has_zone = true;
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
		if (!digits(&p, 2, &oh))
			return syntax_at(s, p, pos);
		if (*p == ':')
			p++;
		if (isdigit((unsigned char)*p) && !digits(&p, 2, &om))
			return syntax_at(s, p, pos);
		if (oh > 15 || om > 59)
			return TSQ_PARSE_RANGE;
		offset_s = sign * (oh * 3600 + om * 60);
		has_zone = true;
	}
	p = skip_blanks(p);
	if (*p != '\0')
		return syntax_at(s, p, pos);
	int64_t days = days_from_civil(y, mo, d);
	out->usec = ((days * 86400 + hh * 3600 + mi * 60 + ss) - offset_s) * TSQ_USEC_PER_SEC
	    + frac_us;
	out->has_zone = has_zone;
	return TSQ_PARSE_OK;
}

/*
 * Epoch numbers: the magnitude tells the unit.  Seconds up to 1e11 (the year
 * 5138), milliseconds up to 1e14, microseconds up to 1e17, nanoseconds above.
 */
static enum tsq_parse_status
parse_epoch(const char *s, const char *p, struct tsq_time *out, size_t *pos)
{
	bool neg = false;
	uint64_t whole = 0;
	int ndigits = 0;
	int64_t frac_us = 0;

	if (*p == '-')
		neg = true, p++;
	for (; isdigit((unsigned char)*p); p++, ndigits++) {
		if (whole > (UINT64_MAX - 9) / 10)
			return TSQ_PARSE_RANGE;
		whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (ndigits == 0)
		return syntax_at(s, p, pos);
	bool has_frac = false;
	if (*p == '.') {
		int64_t scale = 100000;
		has_frac = true;
		p++;
		if (!isdigit((unsigned char)*p))
			return syntax_at(s, p, pos);
		for (; isdigit((unsigned char)*p); p++) {
			frac_us += (*p - '0') * scale;
			scale /= 10;
		}
	}
	p = skip_blanks(p);
	if (*p != '\0')
		return syntax_at(s, p, pos);

	int64_t us;
	if (whole < UINT64_C(100000000000) || has_frac) {
		if (whole > (uint64_t)INT64_MAX / 1000000)
			return TSQ_PARSE_RANGE;
		us = (int64_t)whole * TSQ_USEC_PER_SEC + frac_us;
	} else if (whole < UINT64_C(100000000000000)) {
		us = (int64_t)whole * 1000;
	} else if (whole < UINT64_C(100000000000000000)) {
		us = (int64_t)whole;
	} else {
		us = (int64_t)(whole / 1000);
	}
	out->usec = neg ? -us : us;
	out->has_zone = true;
	return TSQ_PARSE_OK;
}

enum tsq_parse_status
tsq_parse_time(const char *s, int64_t now_usec, struct tsq_time *out, size_t *pos)
{
	const char *p = skip_blanks(s);
	const char *q;
	int64_t delta;
	enum tsq_parse_status st;

	if (*p == '\0')
		return TSQ_PARSE_EMPTY;
	if (strncmp(p, "now", 3) == 0 && *skip_blanks(p + 3) == '\0') {
		out->usec = now_usec;
		out->has_zone = true;
		return TSQ_PARSE_OK;
	}
	/* YYYY-MM... is a date; anything else made of digits is epoch or relative. */
	if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) &&
	    isdigit((unsigned char)p[2]) && isdigit((unsigned char)p[3]) && p[4] == '-')
		return parse_iso(s, p, out, pos);

	q = p;
	if (*q == '-' || *q == '+')
		q++;
	while (isdigit((unsigned char)*q) || *q == '.')
		q++;
	if (q > p && isalpha((unsigned char)*q)) {
		/* Relative: 7d, -24h (ago), +1h (ahead). */
		bool ahead = *p == '+';
		st = parse_duration_at(s, p + (*p == '-' || *p == '+'), true, &delta, pos);
		if (st != TSQ_PARSE_OK)
			return st == TSQ_PARSE_EMPTY ? syntax_at(s, p, pos) : st;
		out->usec = ahead ? now_usec + delta : now_usec - delta;
		out->has_zone = true;
		return TSQ_PARSE_OK;
	}
	if (*p == '+')
		return syntax_at(s, p, pos);
	return parse_epoch(s, p, out, pos);
}

enum tsq_parse_status
tsq_parse_timestamp(const char *s, struct tsq_time *out, size_t *pos)
{
	const char *p = skip_blanks(s);

	if (*p == '\0')
		return TSQ_PARSE_EMPTY;
	if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) &&
	    isdigit((unsigned char)p[2]) && isdigit((unsigned char)p[3]) && p[4] == '-')
		return parse_iso(s, p, out, pos);
	return parse_epoch(s, p, out, pos);
}

int64_t
tsq_now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * TSQ_USEC_PER_SEC + ts.tv_nsec / 1000;
}

void
tsq_format_time(int64_t usec, char out[TSQ_TIME_BUFSIZE])
{
	int64_t secs = usec / TSQ_USEC_PER_SEC, frac = usec % TSQ_USEC_PER_SEC;
	if (frac < 0) {
		frac += TSQ_USEC_PER_SEC;
		secs--;
	}
	int64_t days = secs / 86400, rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	int y, m, d;
	civil_from_days(days, &y, &m, &d);
	int n = snprintf(out, TSQ_TIME_BUFSIZE, "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d,
	    (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
	if (frac)
		n += snprintf(out + n, (size_t)(TSQ_TIME_BUFSIZE - n), ".%06" PRId64, frac);
	snprintf(out + n, (size_t)(TSQ_TIME_BUFSIZE - n), "Z");
}
