/*
 * parse.h - checked parsing of numbers and durations, as they come from the
 * command line (points in time: datetime.h).  Nothing here prints or exits: each parser
 * returns a status and, on a syntax error, the byte offset where it stopped.
 */
#ifndef TSQ_PARSE_H
#define TSQ_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tsq_parse_status {
	TSQ_PARSE_OK = 0,
	TSQ_PARSE_EMPTY,	/* nothing but blanks */
	TSQ_PARSE_SYNTAX,	/* *pos: offset of the first byte that does not fit */
	TSQ_PARSE_RANGE,	/* well formed, out of range */
	TSQ_PARSE_FIELD,	/* a date or time field out of range (month 13, 25:00) */
	TSQ_PARSE_ZONE,		/* a UTC offset out of range (+16:00) */
	TSQ_PARSE_ZONE_NAME,	/* a time zone name the server would not know */
};

#define TSQ_USEC_PER_SEC INT64_C(1000000)

const char *tsq_parse_strerror(enum tsq_parse_status st);

/* A decimal integer within [min, max]; surrounding blanks are allowed. */
enum tsq_parse_status tsq_parse_int64(const char *s, int64_t min, int64_t max,
    int64_t *out, size_t *pos);

/*
 * A length of time: one or more NUMBER UNIT pairs ("90s", "1h30m", "1.5h"),
 * units us, ms, s, m/min, h, d, w, or PostgreSQL's words with blanks
 * between ("7 days", "1 hour 30 minutes"); a bare number is seconds.
 * Anything after it but blanks, months and negative durations are refused.
 */
enum tsq_parse_status tsq_parse_duration(const char *s, int64_t *usec, size_t *pos);
/*
 * A whole number of calendar months: "1 month", "3 months", "3mo", "1y",
 * "2 years" (up to 120,000 months); nothing else.
 */
enum tsq_parse_status tsq_parse_months(const char *s, int64_t *months, size_t *pos);
/* The same, each number with its unit; stops at a blank. */
enum tsq_parse_status tsq_parse_duration_units(const char *s, int64_t *usec, size_t *pos);

#endif
