#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/stat.h>

#include "datetime.h"
#include "mem.h"

/*
 * PostgreSQL's limits, in its own units (since 2000-01-01): timestamps from
 * 4714-11-24 BC 00:00 (Julian day 0) up to, not including, 294277-01-01
 * 00:00 UTC; dates up to, not including, 5874898-01-01.
 */
#define PG_MIN_TIMESTAMP INT64_C(-211813488000000000)
#define PG_END_TIMESTAMP INT64_C(9223371331200000000)
#define PG_MIN_DATE INT64_C(-2451545)
#define PG_END_DATE (INT64_C(2147483494) - INT64_C(2451545))

/* The largest UTC offset PostgreSQL takes: 15:59:59. */
#define MAX_OFFSET_HOURS 15

int64_t
tsq_days_from_civil(int64_t y, int m, int d)
{
	/* H. Hinnant's days_from_civil. */
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
tsq_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static bool
leap_year(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int64_t y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap_year(y) ? 29 : dm[m - 1];
}

/* 0-9, as isdigit() has it in every locale, without its table lookup per character. */
static inline bool
is_digit(char c)
{
	return (unsigned char)(c - '0') < 10;
}

/* The text being parsed: [p, end), with the start kept for error positions. */
struct scan {
	const char *start, *p, *end;
};

static bool
more(const struct scan *sc)
{
	return sc->p < sc->end;
}

static bool
at_digit(const struct scan *sc)
{
	return sc->p < sc->end && is_digit(*sc->p);
}

static bool
at_char(const struct scan *sc, char c)
{
	return sc->p < sc->end && *sc->p == c;
}

static bool
at_space(const struct scan *sc)
{
	return sc->p < sc->end && isspace((unsigned char)*sc->p);
}

static size_t
skip_space(struct scan *sc)
{
	size_t n = 0;
	while (at_space(sc))
		sc->p++, n++;
	return n;
}

static enum tsq_parse_status
syntax(const struct scan *sc, size_t *pos)
{
	if (pos)
		*pos = (size_t)(sc->p - sc->start);
	return TSQ_PARSE_SYNTAX;
}

/* Exactly N digits. */
static bool
digits(struct scan *sc, int n, int *v)
{
	int r = 0;
	if (sc->end - sc->p < n)
		return false;
	for (int i = 0; i < n; i++) {
		if (!is_digit(sc->p[i]))
			return false;
		r = r * 10 + (sc->p[i] - '0');
	}
	sc->p += n;
	*v = r;
	return true;
}

/* From MIN to MAX digits, as many as there are. */
static bool
digits_between(struct scan *sc, int min, int max, int64_t *v)
{
	int64_t r = 0;
	int n = 0;
	while (n < max && at_digit(sc)) {
		r = r * 10 + (*sc->p++ - '0');
		n++;
	}
	*v = r;
	return n >= min;
}

static bool
at_word(const struct scan *sc, const char *w)
{
	size_t n = strlen(w);
	return (size_t)(sc->end - sc->p) >= n && strncasecmp(sc->p, w, n) == 0 &&
	    ((size_t)(sc->end - sc->p) == n || !isalpha((unsigned char)sc->p[n]));
}

/*
 * A fraction of a second after its '.': PostgreSQL reads it with strtod and
 * rounds fraction * 1e6 with rint(), and so does this, for more than six
 * digits; up to six, the digits are the exact microseconds.
 */
static bool
fraction(struct scan *sc, int64_t *usec)
{
	const char *d = sc->p;
	int64_t v = 0;
	int n = 0;

	while (at_digit(sc)) {
		if (n < 6)
			v = v * 10 + (*sc->p - '0');
		sc->p++;
		n++;
	}
	if (n == 0)
		return false;
	if (n <= 6) {
		for (int i = n; i < 6; i++)
			v *= 10;
		*usec = v;
		return true;
	}
	char buf[64];
	size_t len = (size_t)(sc->p - d) < sizeof buf - 2 ? (size_t)(sc->p - d) : sizeof buf - 2;
	buf[0] = '.';
	memcpy(buf + 1, d, len);
	buf[len + 1] = '\0';
	*usec = (int64_t)rint(strtod(buf, NULL) * 1e6);
	return true;
}

/* A run of digits (at least one) as an int; false when there is none or it overflows. */
static bool
digit_run(struct scan *sc, int *v, int *n)
{
	int64_t r = 0;

	*n = 0;
	while (at_digit(sc)) {
		r = r * 10 + (*sc->p++ - '0');
		if (r > INT32_MAX)
			r = INT32_MAX;	/* out of range anyway */
		(*n)++;
	}
	*v = (int)r;
	return *n > 0;
}

/*
 * A UTC offset at sc->p, past its sign, read as PostgreSQL reads one: hours
 * of any number of digits, then :MM and :SS (of any number of digits too),
 * or without a colon, three digits or more as HMM or HHMM.  At most
 * 15:59:59.
 */
static enum tsq_parse_status
offset_digits(struct scan *sc, int sign, int32_t *offset, size_t *pos)
{
	int h, m = 0, s = 0, n;

	if (!digit_run(sc, &h, &n))
		return syntax(sc, pos);
	if (at_char(sc, ':')) {
		sc->p++;
		if (!digit_run(sc, &m, &n))
			return syntax(sc, pos);
		if (at_char(sc, ':')) {
			sc->p++;
			if (!digit_run(sc, &s, &n))
				return syntax(sc, pos);
		}
	} else if (n >= 3) {
		m = h % 100;
		h /= 100;
	}
	if (h > MAX_OFFSET_HOURS || m > 59 || s > 59)
		return TSQ_PARSE_ZONE;
	*offset = sign * (h * 3600 + m * 60 + s);
	return TSQ_PARSE_OK;
}

/*
 * An optional zone: Z, UTC, GMT, or a signed offset, with blanks before it
 * or none.  AFTER_DATE: it follows a date with no time, where a '-' without
 * a blank before it is not taken as an offset.
 */
static enum tsq_parse_status
zone(struct scan *sc, bool after_date, struct tsq_datetime *dt, size_t *pos)
{
	const char *mark = sc->p;
	size_t blanks = skip_space(sc);

	if (at_word(sc, "Z") || at_word(sc, "UTC") || at_word(sc, "GMT")) {
		sc->p += at_word(sc, "Z") ? 1 : 3;
		dt->has_zone = true;
		dt->offset = 0;
		return TSQ_PARSE_OK;
	}
	/* A sign, blanks (the server skips them), a digit. */
	const char *digit = sc->p + 1;
	while (digit < sc->end && isspace((unsigned char)*digit))
		digit++;
	if ((at_char(sc, '+') || at_char(sc, '-')) && digit < sc->end &&
	    is_digit(*digit)) {
		if (after_date && blanks == 0 && *sc->p == '-')
			return syntax(sc, pos);
		int sign = *sc->p == '-' ? -1 : 1;
		sc->p = digit;
		enum tsq_parse_status st = offset_digits(sc, sign, &dt->offset, pos);
		if (st != TSQ_PARSE_OK)
			return st;
		dt->has_zone = true;
		return TSQ_PARSE_OK;
	}
	/*
	 * A zone's name ("EST", "America/New_York", "Etc/GMT+5"), looked up when
	 * the value is converted (tsq_datetime_zone); an era is not one.
	 */
	if (more(sc) && isalpha((unsigned char)*sc->p) && !at_word(sc, "BC") && !at_word(sc, "AD") &&
	    !(after_date && blanks == 0)) {
		const char *w = sc->p;
		while (sc->p < sc->end && (isalnum((unsigned char)*sc->p) || strchr("/_+-", *sc->p)))
			sc->p++;
		dt->zone_name = w;
		dt->zone_len = (size_t)(sc->p - w);
		return TSQ_PARSE_OK;
	}
	sc->p = mark;
	return TSQ_PARSE_OK;
}

/* One or two digits, and not three. */
static bool
digits12(struct scan *sc, int *v)
{
	int64_t r;
	if (!digits_between(sc, 1, 2, &r) || at_digit(sc))
		return false;
	*v = (int)r;
	return true;
}

static enum tsq_parse_status iso_time(struct scan *sc, int64_t y, int mo, int d,
    struct tsq_datetime *dt, size_t *pos);

/* YYYY-M[M]-D[D][(T| )H[H]:M[M][:S[S][.f]]][ZONE], sc->p on the year. */
static enum tsq_parse_status
iso(struct scan *sc, struct tsq_datetime *dt, size_t *pos)
{
	int64_t y;
	int mo, d;

	if (!digits_between(sc, 4, 7, &y) || at_digit(sc) || !at_char(sc, '-'))
		return syntax(sc, pos);
	sc->p++;
	/* YYYY-DDD, the day of the year (ISO 8601's ordinal date), as the server reads it. */
	if (sc->end - sc->p >= 3 && is_digit(sc->p[0]) &&
	    is_digit(sc->p[1]) && is_digit(sc->p[2]) &&
	    (sc->end - sc->p == 3 || !(is_digit(sc->p[3]) || sc->p[3] == '-'))) {
		if (!digits(sc, 3, &d) || d < 1 || d > 366)
			return syntax(sc, pos);
		return iso_time(sc, y, -1, d, dt, pos);
	}
	if (!digits12(sc, &mo) || !at_char(sc, '-'))
		return syntax(sc, pos);
	sc->p++;
	if (!digits12(sc, &d))
		return syntax(sc, pos);
	return iso_time(sc, y, mo, d, dt, pos);
}

/*
 * YYYYMMDD or YYMMDD, as PostgreSQL reads a date of 8 or 6 digits (a year
 * of two digits is 1970-2069), then what may follow an ISO date.  N is the
 * number of digits at sc->p.
 */
static enum tsq_parse_status
compact(struct scan *sc, int n, struct tsq_datetime *dt, size_t *pos)
{
	int64_t y;
	int mo, d;

	if (!digits(sc, n == 8 ? 4 : 2, &mo))
		return syntax(sc, pos);
	y = mo;
	if (n == 6)
		y += y < 70 ? 2000 : 1900;
	if (!digits(sc, 2, &mo) || !digits(sc, 2, &d))
		return syntax(sc, pos);
	return iso_time(sc, y, mo, d, dt, pos);
}

/*
 * What follows the date Y-MO-D (MO -1: D is the day of the year):
 * [(T| )H[H]:M[M][:S[S][.f]]][ ][AM|PM][ZONE][ ][AD|BC].
 */
static enum tsq_parse_status
iso_time(struct scan *sc, int64_t y, int mo, int d, struct tsq_datetime *dt, size_t *pos)
{
	int hh = 0, mi = 0, ss = 0;
	int64_t frac = 0;
	bool has_time = false;
	enum tsq_parse_status st;

	/* 'T' or blanks, then a time. */
	const char *mark = sc->p;
	if (at_char(sc, 'T') || at_char(sc, 't')) {
		sc->p++;
		if (!at_digit(sc))
			return syntax(sc, pos);
		has_time = true;
	} else if (at_space(sc)) {
		skip_space(sc);
		if (at_digit(sc))
			has_time = true;
		else
			sc->p = mark;	/* blanks before a zone, or at the end */
	}
	if (has_time) {
		if (!digits12(sc, &hh) || !at_char(sc, ':'))
			return syntax(sc, pos);
		sc->p++;
		if (!digits12(sc, &mi))
			return syntax(sc, pos);
		if (at_char(sc, ':')) {
			sc->p++;
			if (!digits12(sc, &ss))
				return syntax(sc, pos);
			if (at_char(sc, '.')) {
				sc->p++;
				if (!fraction(sc, &frac))
					return syntax(sc, pos);
			}
		}
	}
	/* AM or PM after the time (or after a date: noon or midnight), as the server takes them. */
	const char *before = sc->p, *q = sc->p;
	int meridian = 0;
	/* (Most values end here, or go on with a zone: a word is looked for only after blanks and a letter.) */
	while (q < sc->end && isspace((unsigned char)*q))
		q++;
	if (q < sc->end && (*q == 'A' || *q == 'a' || *q == 'P' || *q == 'p') &&
	    (sc->p = q, at_word(sc, "AM") || at_word(sc, "PM"))) {
		meridian = at_word(sc, "AM") ? 1 : 2;
		sc->p += 2;
		/* "PM-05" is a POSIX zone named PM to the server, not noon: refused. */
		if (at_char(sc, '+') || at_char(sc, '-'))
			return syntax(sc, pos);
	} else {
		sc->p = before;
	}
	dt->has_zone = false;
	dt->offset = 0;
	dt->zone_name = dt->zone_rules = NULL;
	dt->zone_len = 0;
	if ((st = zone(sc, !has_time && !meridian, dt, pos)) != TSQ_PARSE_OK)
		return st;
	skip_space(sc);
	/* An era at the end, as PostgreSQL writes years before 1 (DateStyle ISO: "... BC"). */
	bool letter = more(sc) && isalpha((unsigned char)*sc->p);
	bool bc = letter && at_word(sc, "BC");
	if (bc || (letter && at_word(sc, "AD"))) {
		sc->p += 2;
		skip_space(sc);
	}
	if (more(sc))
		return syntax(sc, pos);

	/* The whole text is well formed: now the fields' ranges. */
	if (y < 1)
		return TSQ_PARSE_FIELD;
	if (bc)
		y = 1 - y;	/* 1 BC is the year 0 of the proleptic calendar */
	if (mo != -1 && (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)))
		return TSQ_PARSE_FIELD;
	if (meridian) {
		if (hh > 12)
			return TSQ_PARSE_FIELD;
		if (meridian == 1 && hh == 12)
			hh = 0;
		else if (meridian == 2 && hh != 12)
			hh += 12;
	}
	/* 24:00:00 and a leap second :60 are taken, as long as the total is at most 24:00:00. */
	int64_t usec = ((int64_t)hh * 3600 + mi * 60 + ss) * TSQ_USEC_PER_SEC + frac;
	if (hh > 24 || mi > 59 || ss > 60 || usec > TSQ_USEC_PER_DAY)
		return TSQ_PARSE_FIELD;
	dt->days = mo != -1 ? tsq_days_from_civil(y, mo, d) : tsq_days_from_civil(y, 1, 1) + d - 1;
	dt->usec = usec;
	dt->instant = false;
	return TSQ_PARSE_OK;
}

/* Q = N / 10^K, rounded half to even; STICKY: digits beyond N were not all zero. */
static unsigned __int128
div_pow10_even(unsigned __int128 n, int k, bool sticky)
{
	unsigned __int128 p = 1;
	for (int i = 0; i < k; i++)
		p *= 10;
	unsigned __int128 q = n / p, r = n % p;
	if (r * 2 > p || (r * 2 == p && (sticky || (q & 1))))
		q++;
	return q;
}

/*
 * An epoch number.  The magnitude of its whole part says the unit, unless
 * SECONDS says it is seconds whatever its size (%s); the value is rounded
 * half to even to the microsecond.
 */
static enum tsq_parse_status
epoch(struct scan *sc, struct tsq_datetime *dt, size_t *pos, bool seconds)
{
	bool neg = false, sticky = false;
	unsigned __int128 n = 0;
	int whole_digits = 0, frac_digits = 0;
	uint64_t whole = 0;

	if (at_char(sc, '-')) {
		neg = true;
		sc->p++;
	}
	if (!at_digit(sc))
		return syntax(sc, pos);
	for (; at_digit(sc); sc->p++) {
		if (n == 0 && *sc->p == '0')
			continue;
		if (++whole_digits > 20) {
			/* Too large for any unit: still read it all, for the syntax. */
			continue;
		}
		n = n * 10 + (unsigned)(*sc->p - '0');
	}
	if (whole_digits <= 20 && n <= UINT64_MAX)
		whole = (uint64_t)n;
	if (at_char(sc, '.')) {
		sc->p++;
		if (!at_digit(sc))
			return syntax(sc, pos);
		for (; at_digit(sc); sc->p++) {
			if (frac_digits < 15) {
				n = n * 10 + (unsigned)(*sc->p - '0');
				frac_digits++;
			} else if (*sc->p != '0') {
				sticky = true;
			}
		}
	}
	skip_space(sc);
	if (more(sc))
		return syntax(sc, pos);
	if (whole_digits > 20)
		return TSQ_PARSE_RANGE;

	/* Decimal exponent of the unit in microseconds. */
	int e = seconds || whole < UINT64_C(100000000000) ? 6 :
	    whole < UINT64_C(100000000000000) ? 3 : whole < UINT64_C(100000000000000000) ? 0 : -3;
	int k = frac_digits - e;	/* digits to drop (k > 0) or zeros to add */
	unsigned __int128 us;
	if (k > 0) {
		us = div_pow10_even(n, k, sticky);
	} else {
		us = n;
		for (int i = 0; i < -k; i++)
			us *= 10;
	}
	if (us > (unsigned __int128)INT64_MAX)
		return TSQ_PARSE_RANGE;
	int64_t v = neg ? -(int64_t)us : (int64_t)us;
	/* Floor division, without overflow near INT64_MIN. */
	dt->days = v / TSQ_USEC_PER_DAY - (v % TSQ_USEC_PER_DAY < 0);
	dt->usec = v % TSQ_USEC_PER_DAY + (v % TSQ_USEC_PER_DAY < 0 ? TSQ_USEC_PER_DAY : 0);
	dt->offset = 0;
	dt->has_zone = true;
	dt->instant = true;
	return TSQ_PARSE_OK;
}

enum tsq_parse_status
tsq_parse_datetime(const char *s, size_t len, struct tsq_datetime *dt, size_t *pos)
{
	struct scan sc = { s, s, s + len };

	memset(dt, 0, sizeof *dt);
	skip_space(&sc);
	if (!more(&sc))
		return TSQ_PARSE_EMPTY;
	/* Four digits and a '-' (or more digits, then '-'): a date. */
	const char *q = sc.p;
	while (q < sc.end && is_digit(*q))
		q++;
	if (q - sc.p >= 4 && q < sc.end && *q == '-')
		return iso(&sc, dt, pos);
	/*
	 * Eight or six digits alone (or before a time) are a date, as the server
	 * reads them; fourteen are refused rather than taken for milliseconds:
	 * they are a date and time (YYYYMMDDHHMMSS) far more often.
	 */
	bool alone = q == sc.end || isspace((unsigned char)*q) || *q == 'T' || *q == 't';
	if ((q - sc.p == 8 || q - sc.p == 6) && alone)
		return compact(&sc, (int)(q - sc.p), dt, pos);
	if (q - sc.p == 14 && alone) {
		*pos = 0;
		return TSQ_PARSE_FIELD;
	}
	return epoch(&sc, dt, pos, false);
}

/* ---- --time-format ---- */

static const char *const month_names[] = {
	"january", "february", "march", "april", "may", "june", "july", "august",
	"september", "october", "november", "december",
};
static const char *const day_names[] = {
	"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
};

/* A name of the list, full or its first three letters; its index, or -1. */
static int
name_of(struct scan *sc, const char *const *names, int n)
{
	for (int i = 0; i < n; i++) {
		size_t full = strlen(names[i]);
		if ((size_t)(sc->end - sc->p) >= full && strncasecmp(sc->p, names[i], full) == 0) {
			sc->p += full;
			return i;
		}
	}
	for (int i = 0; i < n; i++) {
		if (sc->end - sc->p >= 3 && strncasecmp(sc->p, names[i], 3) == 0) {
			sc->p += 3;
			return i;
		}
	}
	return -1;
}

/* The fields a pattern gives, filled as its directives are met. */
struct fields {
	int64_t year;
	int mon, mday, yday, hour, min, sec;
	int64_t frac;
	int pm;			/* -1 none, 0 AM, 1 PM */
	bool twelve;		/* the hour came from %I */
	bool have_year, have_mon, have_mday, have_yday, have_epoch;
	struct tsq_datetime epoch;
};

static const char *const expansions[][2] = {
	{"T", "%H:%M:%S"}, {"R", "%H:%M"}, {"D", "%m/%d/%y"}, {"F", "%Y-%m-%d"},
};

static const char *
expansion(char c)
{
	for (size_t i = 0; i < sizeof expansions / sizeof expansions[0]; i++)
		if (expansions[i][0][0] == c)
			return expansions[i][1];
	return NULL;
}

/*
 * A numeric field of a pattern, %C (Y y m e d j H I M S f), into F; NEXT is
 * the pattern's character after it.  1 read, 0 the input does not hold one,
 * -1 not a numeric field.
 */
static int
match_number(char c, char next, struct scan *sc, struct fields *f)
{
	int64_t v;

	switch (c) {
	case 'Y':
		if (at_char(sc, '+'))
			sc->p++;
		if (!digits_between(sc, 1, 4, &v))
			return 0;
		f->year = v;
		f->have_year = true;
		break;
	case 'y':
		if (!digits_between(sc, 1, 2, &v))
			return 0;
		f->year = v < 69 ? 2000 + v : 1900 + v;
		f->have_year = true;
		break;
	case 'm':
		if (!digits_between(sc, 1, 2, &v))
			return 0;
		f->mon = (int)v;
		f->have_mon = true;
		break;
	case 'e':
		skip_space(sc);
		/* fall through */
	case 'd':
		if (!digits_between(sc, 1, 2, &v))
			return 0;
		f->mday = (int)v;
		f->have_mday = true;
		break;
	case 'j':
		if (!digits_between(sc, 1, 3, &v))
			return 0;
		f->yday = (int)v;
		f->have_yday = true;
		break;
	case 'H':
	case 'I':
		if (!digits_between(sc, 1, 2, &v))
			return 0;
		f->hour = (int)v;
		f->twelve = c == 'I';
		break;
	case 'M':
		if (!digits_between(sc, 1, 2, &v))
			return 0;
		f->min = (int)v;
		break;
	case 'S':
		if (!digits_between(sc, 1, 2, &v))
			return 0;
		f->sec = (int)v;
		/* An optional fraction, unless the pattern itself goes on with '.'. */
		if ((at_char(sc, '.') || at_char(sc, ',')) && next != '.' && next != ',' &&
		    sc->end - sc->p > 1 && is_digit(sc->p[1])) {
			sc->p++;
			fraction(sc, &f->frac);
		}
		break;
	case 'f':
		if (!fraction(sc, &f->frac))
			return 0;
		break;
	default:
		return -1;
	}
	return 1;
}

/* Any other field of a pattern, %C, into F. */
static enum tsq_parse_status
match_field(char c, struct scan *sc, struct fields *f, size_t *pos)
{
	switch (c) {
	case 'p':
		if (at_word(sc, "AM") || at_word(sc, "PM")) {
			f->pm = toupper((unsigned char)*sc->p) == 'P';
			sc->p += 2;
		} else if (sc->end - sc->p >= 4 && (strncasecmp(sc->p, "a.m.", 4) == 0 ||
		    strncasecmp(sc->p, "p.m.", 4) == 0)) {
			f->pm = toupper((unsigned char)*sc->p) == 'P';
			sc->p += 4;
		} else {
			return syntax(sc, pos);
		}
		break;
	case 'b':
	case 'B':
	case 'h': {
		int m = name_of(sc, month_names, 12);
		if (m < 0)
			return syntax(sc, pos);
		f->mon = m + 1;
		f->have_mon = true;
		break;
	}
	case 'a':
	case 'A':
		if (name_of(sc, day_names, 7) < 0)
			return syntax(sc, pos);
		break;
	case 'z': {
		struct tsq_datetime z = { 0, 0, 0, false, false, NULL, 0, NULL };
		if (at_word(sc, "Z")) {
			sc->p++;
			z.has_zone = true;
		} else if (at_char(sc, '+') || at_char(sc, '-')) {
			int sign = *sc->p++ == '-' ? -1 : 1;
			enum tsq_parse_status st = offset_digits(sc, sign, &z.offset, pos);
			if (st != TSQ_PARSE_OK)
				return st;
			z.has_zone = true;
		} else {
			return syntax(sc, pos);
		}
		f->epoch.offset = z.offset;
		f->epoch.has_zone = true;
		break;
	}
	case 'Z':
		if (at_word(sc, "Z"))
			sc->p++;
		else if (at_word(sc, "UTC") || at_word(sc, "GMT"))
			sc->p += 3;
		else
			return syntax(sc, pos);
		f->epoch.offset = 0;
		f->epoch.has_zone = true;
		break;
	case 's': {
		struct scan num = *sc;
		/* The number runs to the next character that cannot be part of it. */
		const char *q = sc->p + (at_char(sc, '-') ? 1 : 0);
		while (q < sc->end && (is_digit(*q) || *q == '.'))
			q++;
		num.end = q;
		struct tsq_datetime e;
		/* Seconds whatever the magnitude: %s says the unit. */
		enum tsq_parse_status st = epoch(&num, &e, pos, true);
		if (st != TSQ_PARSE_OK)
			return st;
		sc->p = q;
		f->epoch.days = e.days;
		f->epoch.usec = e.usec;
		f->have_epoch = true;
		break;
	}
	case 'n':
	case 't':
		skip_space(sc);
		break;
	case '%':
		if (!at_char(sc, '%'))
			return syntax(sc, pos);
		sc->p++;
		break;
	default:
		return syntax(sc, pos);
	}
	return TSQ_PARSE_OK;
}

/* Match PATTERN against the text; fills F.  Returns a status; *POS on error. */
static enum tsq_parse_status
match(const char *pattern, struct scan *sc, struct fields *f, size_t *pos)
{
	for (const char *p = pattern; *p; p++) {
		if (isspace((unsigned char)*p)) {
			skip_space(sc);
			continue;
		}
		if (*p != '%') {
			if (!at_char(sc, *p))
				return syntax(sc, pos);
			sc->p++;
			continue;
		}
		char c = *++p;
		const char *exp = expansion(c);
		enum tsq_parse_status st;
		if (exp) {
			st = match(exp, sc, f, pos);
		} else {
			int got = match_number(c, p[1], sc, f);
			st = got > 0 ? TSQ_PARSE_OK : got == 0 ? syntax(sc, pos) :
			    match_field(c, sc, f, pos);
		}
		if (st != TSQ_PARSE_OK)
			return st;
	}
	return TSQ_PARSE_OK;
}

bool
tsq_time_format_compile(struct tsq_time_format *tf, const char *pattern, struct tsq_buf *err)
{
	static const char known[] = "YymdejHIMSfpbBhaAzZsTRDFnt%";
	bool date = false, epoch_sec = false, year = false, month = false, day = false;

	memset(tf, 0, sizeof *tf);
	for (const char *p = pattern; *p; p++) {
		if (*p != '%')
			continue;
		char c = *++p;
		if (c == '\0' || strchr(known, c) == NULL) {
			tsq_buf_addf(err, "--time-format \"%s\": %s is not a directive tsq knows",
			    pattern, c ? (char[]){ '%', c, '\0' } : "a lone %");
			return false;
		}
		year |= c == 'Y' || c == 'y' || c == 'D' || c == 'F';
		month |= c == 'm' || c == 'b' || c == 'B' || c == 'h' || c == 'D' || c == 'F' || c == 'j';
		day |= c == 'd' || c == 'e' || c == 'D' || c == 'F' || c == 'j';
		epoch_sec |= c == 's';
	}
	date = year && month && day;
	if (!date && !epoch_sec) {
		tsq_buf_addf(err, "--time-format \"%s\" gives no date: it needs a year, a month and "
		    "a day (%%Y %%m %%d, or %%F), or %%s", pattern);
		return false;
	}
	tf->pattern = xstrdup(pattern);
	return true;
}

void
tsq_time_format_free(struct tsq_time_format *tf)
{
	free(tf->pattern);
	tf->pattern = NULL;
}

enum tsq_parse_status
tsq_time_format_parse(const struct tsq_time_format *tf, const char *s, size_t len,
    struct tsq_datetime *dt, size_t *pos)
{
	struct scan sc = { s, s, s + len };
	struct fields f;
	enum tsq_parse_status st;

	memset(&f, 0, sizeof f);
	f.pm = -1;
	skip_space(&sc);
	if (!more(&sc))
		return TSQ_PARSE_EMPTY;
	if ((st = match(tf->pattern, &sc, &f, pos)) != TSQ_PARSE_OK)
		return st;
	skip_space(&sc);
	if (more(&sc))
		return syntax(&sc, pos);
	if (f.have_epoch) {
		*dt = f.epoch;
		dt->has_zone = true;
		dt->instant = true;
		return TSQ_PARSE_OK;
	}
	if (f.twelve) {
		if (f.hour < 1 || f.hour > 12)
			return TSQ_PARSE_FIELD;
		if (f.pm >= 0)
			f.hour = f.hour % 12 + (f.pm ? 12 : 0);
	} else if (f.pm >= 0 && f.hour <= 12) {
		f.hour = f.hour % 12 + (f.pm ? 12 : 0);
	}
	if (f.year < 1)
		return TSQ_PARSE_FIELD;
	if (f.have_yday && !f.have_mon) {
		if (f.yday < 1 || f.yday > (leap_year(f.year) ? 366 : 365))
			return TSQ_PARSE_FIELD;
		dt->days = tsq_days_from_civil(f.year, 1, 1) + f.yday - 1;
	} else {
		if (f.mon < 1 || f.mon > 12 || f.mday < 1 || f.mday > days_in_month(f.year, f.mon))
			return TSQ_PARSE_FIELD;
		dt->days = tsq_days_from_civil(f.year, f.mon, f.mday);
	}
	if (f.hour > 24 || f.min > 59 || f.sec > 60 ||
	    (f.hour == 24 && (f.min > 0 || f.sec > 0 || f.frac > 0)))
		return TSQ_PARSE_FIELD;
	dt->usec = ((int64_t)f.hour * 3600 + f.min * 60 + f.sec) * TSQ_USEC_PER_SEC + f.frac;
	dt->offset = f.epoch.offset;
	dt->has_zone = f.epoch.has_zone;
	dt->instant = false;
	return TSQ_PARSE_OK;
}

/* ---- zones named in values ---- */

static struct {
	char **names;
	int32_t *offsets;
	int n;
} abbrevs;

void
tsq_datetime_set_abbrevs(char *const *names, const int32_t *offsets, int n)
{
	for (int i = 0; i < abbrevs.n; i++)
		free(abbrevs.names[i]);
	free(abbrevs.names);
	free(abbrevs.offsets);
	abbrevs.names = xcalloc((size_t)n + 1, sizeof *abbrevs.names);
	abbrevs.offsets = xcalloc((size_t)n + 1, sizeof *abbrevs.offsets);
	for (int i = 0; i < n; i++) {
		abbrevs.names[i] = xstrdup(names[i]);
		abbrevs.offsets[i] = offsets[i];
	}
	abbrevs.n = n;
}

/* The directory of the time zone database: TZDIR, else the system's. */
static const char *
tz_dir(void)
{
	const char *d = getenv("TZDIR");
	return d && *d ? d : "/usr/share/zoneinfo";
}

/*
 * NAME (LEN bytes) as a file of the time zone database, each part matched
 * ignoring case as the server matches them, into OUT; false when there is
 * none (or the name climbs out of the directory).
 */
static bool
tz_file(const char *name, size_t len, char *out, size_t size)
{
	char path[1024];
	size_t used = 0;
	const char *p = name, *end = name + len;

	snprintf(path, sizeof path, "%s", tz_dir());
	out[0] = '\0';
	while (p < end) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		size_t n = slash ? (size_t)(slash - p) : (size_t)(end - p);
		if (n == 0 || (n <= 2 && strncmp(p, "..", n) == 0 && p[0] == '.'))
			return false;
		DIR *d = opendir(path);
		struct dirent *e;
		bool found = false;
		while (d && (e = readdir(d)) != NULL && !found)
			if (strlen(e->d_name) == n && strncasecmp(e->d_name, p, n) == 0 &&
			    strlen(path) + n + 2 < sizeof path && used + n + 2 < size) {
				snprintf(path + strlen(path), sizeof path - strlen(path), "/%s", e->d_name);
				used += (size_t)snprintf(out + used, size - used, "%s%s", used ? "/" : "", e->d_name);
				found = true;
			}
		if (d)
			closedir(d);
		if (!found)
			return false;
		p += n + (slash != NULL);
	}
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

enum tsq_parse_status
tsq_datetime_zone(struct tsq_datetime *dt)
{
	/* The last names looked up in the database, and what they are called there. */
	static struct {
		char given[64];
		char name[256];
		bool known;
	} seen[8];
	static int next;

	if (dt->zone_name == NULL)
		return TSQ_PARSE_OK;
	for (int i = 0; i < abbrevs.n; i++)
		if (strlen(abbrevs.names[i]) == dt->zone_len &&
		    strncasecmp(abbrevs.names[i], dt->zone_name, dt->zone_len) == 0) {
			dt->has_zone = true;
			dt->offset = abbrevs.offsets[i];
			dt->zone_name = NULL;
			return TSQ_PARSE_OK;
		}
	if (dt->zone_len >= sizeof seen[0].given)
		return TSQ_PARSE_ZONE_NAME;
	for (int i = 0; i < 8; i++)
		if (strlen(seen[i].given) == dt->zone_len &&
		    memcmp(seen[i].given, dt->zone_name, dt->zone_len) == 0) {
			dt->zone_rules = seen[i].known ? seen[i].name : NULL;
			return seen[i].known ? TSQ_PARSE_OK : TSQ_PARSE_ZONE_NAME;
		}
	int k = next++ % 8;
	memcpy(seen[k].given, dt->zone_name, dt->zone_len);
	seen[k].given[dt->zone_len] = '\0';
	seen[k].known = tz_file(dt->zone_name, dt->zone_len, seen[k].name, sizeof seen[k].name);
	dt->zone_rules = seen[k].known ? seen[k].name : NULL;
	return seen[k].known ? TSQ_PARSE_OK : TSQ_PARSE_ZONE_NAME;
}

/*
 * TZ as the zone rules RULES say (NULL: as it was when first changed: --tz,
 * or the system's), set only when it changes: a file of values in one zone
 * reads that zone's rules once.
 */
static void
use_zone(const char *rules)
{
	static bool saved;
	static char *base;	/* TZ before the first change; NULL: unset */
	static char current[256];

	if (!saved) {
		const char *tz = getenv("TZ");
		base = tz ? xstrdup(tz) : NULL;
		snprintf(current, sizeof current, "%s", tz ? tz : "");
		saved = true;
	}
	const char *want = rules ? rules : base ? base : "";
	if (strcmp(want, current) == 0)
		return;
	if (rules || base)
		setenv("TZ", want, 1);
	else
		unsetenv("TZ");
	tzset();
	snprintf(current, sizeof current, "%s", want);
}

/* ---- to PostgreSQL's values ---- */

/* The UTC offset of $TZ at the instant SECS, in seconds east. */
static bool
zone_offset(int64_t secs, int64_t *offset)
{
	time_t t = (time_t)secs;
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return false;
	*offset = tm.tm_gmtoff;
	return true;
}

/*
 * The instant of wall-clock time WALL (seconds, read as UTC) in $TZ.  Around
 * a change of offset a wall time may not exist (spring forward) or exist
 * twice (fall back); like PostgreSQL, take the offset in force before the
 * change for the first and the one after it for the second.
 */
static bool
wall_to_instant(int64_t wall, int64_t *instant)
{
	int64_t before, after, off_a, off_b;

	if (!zone_offset(wall - 86400, &before) || !zone_offset(wall + 86400, &after))
		return false;
	if (before == after) {
		*instant = wall - before;
		return true;
	}
	bool a_ok = zone_offset(wall - before, &off_a) && off_a == before;
	bool b_ok = zone_offset(wall - after, &off_b) && off_b == after;
	if (a_ok && b_ok)
		*instant = wall - after;	/* exists twice: the later reading */
	else if (!a_ok && !b_ok)
		*instant = wall - before;	/* does not exist: the offset before */
	else
		*instant = wall - (a_ok ? before : after);
	return true;
}

static bool
in_timestamp_range(__int128 v)
{
	return v >= PG_MIN_TIMESTAMP && v < PG_END_TIMESTAMP;
}

/* Wall-clock time of DT in microseconds since 2000-01-01, as 128 bits. */
static __int128
wall_usec(const struct tsq_datetime *dt)
{
	return (__int128)(dt->days - TSQ_PG_EPOCH_DAYS) * TSQ_USEC_PER_DAY + dt->usec;
}

/* Seconds of a microsecond count, rounded down, and what is left. */
static int64_t
floor_sec(__int128 usec, int64_t *rem)
{
	__int128 s = usec / TSQ_USEC_PER_SEC, r = usec % TSQ_USEC_PER_SEC;
	if (r < 0) {
		r += TSQ_USEC_PER_SEC;
		s--;
	}
	*rem = (int64_t)r;
	return (int64_t)s;
}

bool
tsq_datetime_timestamptz(const struct tsq_datetime *dt, bool local, int64_t *pg_usec)
{
	__int128 v = wall_usec(dt);

	/* Far outside the range, the zone cannot bring it back. */
	if (v < (__int128)PG_MIN_TIMESTAMP - TSQ_USEC_PER_DAY ||
	    v > (__int128)PG_END_TIMESTAMP + TSQ_USEC_PER_DAY)
		return false;
	if (dt->has_zone) {
		v -= (__int128)dt->offset * TSQ_USEC_PER_SEC;
	} else if (local || dt->zone_rules) {
		int64_t rem, instant;
		int64_t wall = floor_sec(v + TSQ_PG_EPOCH_USEC, &rem);
		use_zone(dt->zone_rules);
		if (!wall_to_instant(wall, &instant))
			return false;
		v = ((__int128)instant * TSQ_USEC_PER_SEC + rem) - TSQ_PG_EPOCH_USEC;
	}
	if (!in_timestamp_range(v))
		return false;
	*pg_usec = (int64_t)v;
	return true;
}

/* The wall time of an epoch instant: in $TZ when LOCAL, else in UTC. */
static bool
instant_wall(const struct tsq_datetime *dt, bool local, __int128 *v)
{
	*v = wall_usec(dt);
	if (local) {
		int64_t rem, off;
		int64_t secs = floor_sec(*v + TSQ_PG_EPOCH_USEC, &rem);
		use_zone(NULL);
		if (!zone_offset(secs, &off))
			return false;
		*v += (__int128)off * TSQ_USEC_PER_SEC;
	}
	return true;
}

bool
tsq_datetime_timestamp(const struct tsq_datetime *dt, bool local, int64_t *pg_usec)
{
	__int128 v;

	/* A text's offset is ignored, as PostgreSQL ignores it for this type. */
	if (dt->instant) {
		if (!instant_wall(dt, local, &v))
			return false;
	} else {
		v = wall_usec(dt);
	}
	if (!in_timestamp_range(v))
		return false;
	*pg_usec = (int64_t)v;
	return true;
}

bool
tsq_datetime_date(const struct tsq_datetime *dt, bool local, int32_t *pg_days)
{
	int64_t days = dt->days - TSQ_PG_EPOCH_DAYS;

	/* The time and any offset are ignored; an instant is dated where it falls. */
	if (dt->instant) {
		__int128 v;
		if (!instant_wall(dt, local, &v))
			return false;
		__int128 d = v / TSQ_USEC_PER_DAY;
		if (v % TSQ_USEC_PER_DAY < 0)
			d--;
		days = (int64_t)d;
	}
	if (days < PG_MIN_DATE || days >= PG_END_DATE)
		return false;
	*pg_days = (int32_t)days;
	return true;
}

/* ---- the command line ---- */

enum tsq_parse_status
tsq_parse_time(const char *s, int64_t now_usec, struct tsq_time *out, size_t *pos)
{
	struct scan sc = { s, s, s + strlen(s) };
	struct tsq_datetime dt;
	enum tsq_parse_status st;
	int64_t delta;

	skip_space(&sc);
	if (!more(&sc))
		return TSQ_PARSE_EMPTY;
	if (at_word(&sc, "now")) {
		sc.p += 3;
		skip_space(&sc);
		if (more(&sc))
			return syntax(&sc, pos);
		out->usec = now_usec;
		out->has_zone = true;
		return TSQ_PARSE_OK;
	}
	/* Relative: digits (and a point) then a unit letter, with a sign or not. */
	const char *q = sc.p + (at_char(&sc, '-') || at_char(&sc, '+'));
	const char *digits_start = q;
	while (q < sc.end && (is_digit(*q) || *q == '.'))
		q++;
	if (q > digits_start && q < sc.end && isalpha((unsigned char)*q)) {
		bool ahead = at_char(&sc, '+');
		size_t at = 0;
		st = tsq_parse_duration_units(digits_start, &delta, &at);
		if (st == TSQ_PARSE_SYNTAX && pos)
			*pos = (size_t)(digits_start - s) + at;
		if (st != TSQ_PARSE_OK)
			return st == TSQ_PARSE_EMPTY ? syntax(&sc, pos) : st;
		__int128 v = (__int128)now_usec + (ahead ? delta : -(__int128)delta);
		if (v < INT64_MIN || v > INT64_MAX)
			return TSQ_PARSE_RANGE;
		out->usec = (int64_t)v;
		out->has_zone = true;
		return TSQ_PARSE_OK;
	}
	if (at_char(&sc, '+'))
		return syntax(&sc, pos);
	st = tsq_parse_datetime(s, (size_t)(sc.end - s), &dt, pos);
	if (st == TSQ_PARSE_OK)
		st = tsq_datetime_zone(&dt);
	if (st != TSQ_PARSE_OK)
		return st;
	int64_t pg;
	if (!tsq_datetime_timestamptz(&dt, false, &pg) || pg > INT64_MAX - TSQ_PG_EPOCH_USEC)
		return TSQ_PARSE_RANGE;
	out->usec = pg + TSQ_PG_EPOCH_USEC;
	out->has_zone = dt.has_zone || dt.zone_rules;
	return TSQ_PARSE_OK;
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
	int64_t y;
	int m, d;
	tsq_civil_from_days(days, &y, &m, &d);
	int n = snprintf(out, TSQ_TIME_BUFSIZE, "%04lld-%02d-%02dT%02d:%02d:%02d", (long long)y, m, d,
	    (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
	if (frac)
		n += snprintf(out + n, (size_t)(TSQ_TIME_BUFSIZE - n), ".%06lld", (long long)frac);
	snprintf(out + n, (size_t)(TSQ_TIME_BUFSIZE - n), "Z");
}
