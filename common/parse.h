/*
 * parse.h - checked parsing of numbers, durations and points in time, as they
 * come from the command line.  Nothing here prints or exits: each parser
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
};

#define TSQ_USEC_PER_SEC INT64_C(1000000)

/* A point in time: microseconds since 1970-01-01 00:00:00 UTC. */
struct tsq_time {
	int64_t usec;
	bool has_zone;		/* false: the text named no zone; usec reads it as UTC */
};

const char *tsq_parse_strerror(enum tsq_parse_status st);

/* A decimal integer within [min, max]; surrounding blanks are allowed. */
enum tsq_parse_status tsq_parse_int64(const char *s, int64_t min, int64_t max,
    int64_t *out, size_t *pos);

/*
 * A length of time: one or more NUMBER UNIT pairs ("90s", "1h30m", "1.5h"),
 * units us, ms, s, m/min, h, d, w; a bare number is seconds.  Negative
 * durations are refused.
 */
enum tsq_parse_status tsq_parse_duration(const char *s, int64_t *usec, size_t *pos);

/*
 * A point in time as the command line gives it:
 *   ISO 8601: 2024-03-01, 2024-03-01T12:00, 2024-03-01 12:00:00.5+02:00, ...Z
 *   epoch:    1709294400 (s), 1709294400000 (ms), ...(us), ...(ns), by magnitude
 *   now
 *   relative: 7d, -24h, 30m (ago), +1h (ahead); units as for durations
 * NOW_USEC is the present, passed in so results are reproducible.
 */
enum tsq_parse_status tsq_parse_time(const char *s, int64_t now_usec,
    struct tsq_time *out, size_t *pos);

/*
 * A point in time as data holds it: ISO 8601 or an epoch number (unit by
 * magnitude, as above); "now" and relative forms are not data.
 */
enum tsq_parse_status tsq_parse_timestamp(const char *s, struct tsq_time *out, size_t *pos);

/* The wall-clock present in microseconds since the epoch. */
int64_t tsq_now_usec(void);

/* USEC as ISO 8601 in UTC: 2024-03-01T12:00:00Z (fraction only if non-zero). */
#define TSQ_TIME_BUFSIZE 40
void tsq_format_time(int64_t usec, char out[TSQ_TIME_BUFSIZE]);

#endif
