/*
 * libFuzzer target: the parsers of numbers, durations and points in time
 * as the command line gives them, and --time-format patterns (compiled from
 * the first half of the input, applied to the second).  Invariants: a
 * parsed duration is not negative; an error position lies within the text;
 * a parsed time prints and reads back as itself.
 */
#include <stdlib.h>
#include <string.h>

#include "tsq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct tsq_buf err = TSQ_BUF_INIT;
	int64_t v;
	size_t pos = 0;
	struct tsq_time t;
	struct tsq_datetime dt;

	memcpy(s, data, size);
	s[size] = '\0';
	size_t len = strlen(s);
	if (tsq_parse_int64(s, INT64_MIN, INT64_MAX, &v, &pos) == TSQ_PARSE_SYNTAX && pos > len)
		abort();
	pos = 0;
	enum tsq_parse_status st = tsq_parse_duration(s, &v, &pos);
	if ((st == TSQ_PARSE_OK && v < 0) || (st == TSQ_PARSE_SYNTAX && pos > len))
		abort();
	pos = 0;
	if (tsq_parse_time(s, INT64_C(1700000000000000), &t, &pos) == TSQ_PARSE_OK &&
	    t.usec > INT64_C(-62135596800000000) && t.usec < INT64_C(253402300800000000)) {
		char iso[TSQ_TIME_BUFSIZE];
		struct tsq_time back;
		tsq_format_time(t.usec, iso);
		if (tsq_parse_time(iso, 0, &back, &pos) != TSQ_PARSE_OK || back.usec != t.usec)
			abort();
	}
	pos = 0;
	if (tsq_parse_datetime(s, size, &dt, &pos) == TSQ_PARSE_SYNTAX && pos > size)
		abort();
	/* A pattern and a value: the input split at its first NUL or in two. */
	size_t half = len < size ? len : size / 2;
	char *pattern = strndup((const char *)data, half);
	struct tsq_time_format tf;
	if (tsq_time_format_compile(&tf, pattern, &err)) {
		int64_t pg;
		int32_t d;
		if (tsq_time_format_parse(&tf, (const char *)data + half, size - half, &dt, &pos) ==
		    TSQ_PARSE_OK) {
			tsq_datetime_timestamptz(&dt, false, &pg);
			tsq_datetime_timestamp(&dt, true, &pg);
			tsq_datetime_date(&dt, false, &d);
		}
		tsq_time_format_free(&tf);
	}
	free(pattern);
	free(s);
	tsq_buf_free(&err);
	return 0;
}
