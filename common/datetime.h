/*
 * datetime.h - points in time as data and the command line write them, and
 * the values PostgreSQL stores for them.
 *
 * Parsing gives a struct tsq_datetime: the civil date and time of day as
 * written, with the UTC offset if the text named one.  Turning it into a
 * column's value is a separate step, because the types read it differently,
 * exactly as PostgreSQL's input functions do: timestamp with time zone
 * applies the offset (or the session's zone when there is none), timestamp
 * without time zone ignores any offset, date ignores the time and the offset.
 *
 * The grammar (anything else is refused, never guessed at):
 *
 *   ISO 8601   YYYY-MM-DD[(T| )HH:MM[:SS[.fraction]]][ ][ZONE]
 *              year of 4 to 7 digits, the other fields of one or two (as
 *              PostgreSQL reads 2024-3-1 9:05); 24:00 and a leap second :60 as
 *              PostgreSQL takes them; a fraction of more than six digits is
 *              rounded to the microsecond as PostgreSQL rounds it
 *              and an era at the end, AD or BC, as PostgreSQL writes years
 *              before 1 ("0044-03-15 12:00:00+00 BC")
 *   ZONE       Z, UTC, GMT, +HH, +HHMM, +HH:MM, +HH:MM:SS (or -), at most
 *              15:59:59; a zone right after a date without a time cannot
 *              start with '-' (PostgreSQL reads that as a malformed date)
 *   compact    YYYYMMDD or YYMMDD (eight or six digits, a two-digit year
 *              1970-2069), alone or followed by a time and zone as above:
 *              a date, as PostgreSQL reads it; fourteen digits alone
 *              (YYYYMMDDHHMMSS, as often as milliseconds) are refused
 *   epoch      [-]DIGITS[.DIGITS] otherwise: seconds below 1e11,
 *              milliseconds below 1e14, microseconds below 1e17,
 *              nanoseconds above, the magnitude of the whole part deciding
 *              for fractions too; rounded half to even to the microsecond
 *
 * Nothing here prints or exits; the parsers are given a length and never
 * read past it, so a NUL byte inside the value is refused like any other.
 */
#ifndef TSQ_DATETIME_H
#define TSQ_DATETIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "parse.h"

#define TSQ_USEC_PER_DAY (INT64_C(86400) * TSQ_USEC_PER_SEC)

struct tsq_datetime {
	int64_t days;		/* the civil date: days since 1970-01-01 (proleptic Gregorian) */
	int64_t usec;		/* the time of day, from 0 to 24:00 (:60 may add a second) */
	int32_t offset;		/* seconds east of UTC, when has_zone */
	bool has_zone;
	bool instant;		/* an epoch number: a point in time rather than a date and time */
	/*
	 * A zone named after the time ("EST", "America/New_York"), in the text
	 * parsed: tsq_datetime_zone() makes it an offset (an abbreviation) or
	 * the zone whose rules give the offset (zone_rules).
	 */
	const char *zone_name;
	size_t zone_len;
	const char *zone_rules;	/* a name of the time zone database, as TZ takes it */
};

/*
 * The time zone abbreviations the server knows (pg_timezone_abbrevs: each
 * name and its offset, seconds east), copied; until they are given, none.
 */
void tsq_datetime_set_abbrevs(char *const *names, const int32_t *offsets, int n);

/*
 * DT's zone name, when it has one, as the server reads it: an abbreviation
 * first, then a name of the time zone database (any case).  TSQ_PARSE_OK, or
 * TSQ_PARSE_ZONE_NAME when it is neither.
 */
enum tsq_parse_status tsq_datetime_zone(struct tsq_datetime *dt);

/* A value of the text: ISO 8601 or an epoch number (see above). */
enum tsq_parse_status tsq_parse_datetime(const char *s, size_t len, struct tsq_datetime *dt,
    size_t *pos);

/*
 * A --time-format pattern, compiled once.  Directives: %Y %y %m %d %e %j
 * %H %I %M %S (with an optional .fraction) %f (fraction digits) %p %b %B %h
 * %a %A %z %Z (Z, UTC, GMT) %s (epoch seconds, with an optional fraction)
 * %T %R %D %F %n %t %%; white space matches any run of white space; other
 * characters match themselves.
 */
struct tsq_time_format {
	char *pattern;
};

/* False with ERR set (naming the directive) when PATTERN cannot be used. */
bool tsq_time_format_compile(struct tsq_time_format *tf, const char *pattern, struct tsq_buf *err);
void tsq_time_format_free(struct tsq_time_format *tf);
enum tsq_parse_status tsq_time_format_parse(const struct tsq_time_format *tf, const char *s,
    size_t len, struct tsq_datetime *dt, size_t *pos);

/*
 * The value of DT for a column, in PostgreSQL's binary representation:
 * microseconds (timestamps) or days (date) since 2000-01-01.  LOCAL says a
 * text without an offset is a wall-clock time in $TZ (--tz) rather than in
 * UTC; a local time that does not exist or exists twice (a daylight-saving
 * change) is read as PostgreSQL reads it.  False when the value is out of
 * the type's range.
 */
bool tsq_datetime_timestamptz(const struct tsq_datetime *dt, bool local, int64_t *pg_usec);
bool tsq_datetime_timestamp(const struct tsq_datetime *dt, bool local, int64_t *pg_usec);
bool tsq_datetime_date(const struct tsq_datetime *dt, bool local, int32_t *pg_days);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t tsq_days_from_civil(int64_t y, int m, int d);
void tsq_civil_from_days(int64_t days, int64_t *y, int *m, int *d);

/* Microseconds between 1970-01-01 and PostgreSQL's epoch, 2000-01-01. */
#define TSQ_PG_EPOCH_USEC (INT64_C(946684800) * TSQ_USEC_PER_SEC)
#define TSQ_PG_EPOCH_DAYS INT64_C(10957)

/* A point in time: microseconds since 1970-01-01 00:00:00 UTC. */
struct tsq_time {
	int64_t usec;
	bool has_zone;		/* false: the text named no zone; usec reads it as UTC */
};

/*
 * A point in time as the command line gives it: ISO 8601 or an epoch
 * number as above, "now", or a relative form: 7d, -24h, 30m (ago), +1h
 * (ahead), units as for durations.  NOW_USEC is the present, passed in so
 * results are reproducible.
 */
enum tsq_parse_status tsq_parse_time(const char *s, int64_t now_usec, struct tsq_time *out,
    size_t *pos);

/* The wall-clock present in microseconds since the epoch. */
int64_t tsq_now_usec(void);

/* USEC as ISO 8601 in UTC: 2024-03-01T12:00:00Z (fraction only if non-zero). */
#define TSQ_TIME_BUFSIZE 40
void tsq_format_time(int64_t usec, char out[TSQ_TIME_BUFSIZE]);

#endif
