/* Unit tests for common/parse.c: integers, durations, points in time. */
#include "tap.h"
#include "tsq.h"

#define NOW INT64_C(1700000000000000)	/* 2023-11-14T22:13:20Z */

static void
time_is(const char *in, const char *want, int want_zone)
{
	struct tsq_time t = { 0, false };
	size_t pos = 0;
	char buf[TSQ_TIME_BUFSIZE];
	enum tsq_parse_status st = tsq_parse_time(in, NOW, &t, &pos);

	tsq_format_time(t.usec, buf);
	is_str(st == TSQ_PARSE_OK ? buf : tsq_parse_strerror(st), want, "time \"%s\"", in);
	if (want_zone >= 0)
		is_int(t.has_zone, want_zone, "time \"%s\" zone flag", in);
}

static void
time_fails(const char *in, enum tsq_parse_status want, size_t want_pos)
{
	struct tsq_time t;
	size_t pos = 999;
	enum tsq_parse_status st = tsq_parse_time(in, NOW, &t, &pos);

	is_str(tsq_parse_strerror(st), tsq_parse_strerror(want), "time \"%s\" refused", in);
	if (want == TSQ_PARSE_SYNTAX)
		is_int(pos, want_pos, "time \"%s\" error position", in);
}

static void
duration_is(const char *in, int64_t want_usec)
{
	int64_t v = -1;
	size_t pos;
	enum tsq_parse_status st = tsq_parse_duration(in, &v, &pos);

	ok(st == TSQ_PARSE_OK, "duration \"%s\" parses", in);
	is_int(v, want_usec, "duration \"%s\" value", in);
}

int
main(void)
{
	int64_t v;
	size_t pos;

	/* Integers. */
	ok(tsq_parse_int64("42", 0, 100, &v, &pos) == TSQ_PARSE_OK && v == 42, "int 42");
	ok(tsq_parse_int64(" -7 ", -10, 10, &v, &pos) == TSQ_PARSE_OK && v == -7, "int -7 with blanks");
	ok(tsq_parse_int64("-9223372036854775808", INT64_MIN, INT64_MAX, &v, &pos) == TSQ_PARSE_OK &&
	    v == INT64_MIN, "int64 minimum");
	is_int(tsq_parse_int64("9223372036854775808", INT64_MIN, INT64_MAX, &v, &pos),
	    TSQ_PARSE_RANGE, "int64 overflow is a range error");
	is_int(tsq_parse_int64("101", 0, 100, &v, &pos), TSQ_PARSE_RANGE, "int above max");
	is_int(tsq_parse_int64("", 0, 100, &v, &pos), TSQ_PARSE_EMPTY, "empty int");
	is_int(tsq_parse_int64("12x", 0, 100, &v, &pos), TSQ_PARSE_SYNTAX, "int with junk");
	is_int(pos, 2, "int junk position");
	is_int(tsq_parse_int64("x", 0, 100, &v, &pos), TSQ_PARSE_SYNTAX, "not a number");
	is_int(tsq_parse_int64("1 2", 0, 100, &v, &pos), TSQ_PARSE_SYNTAX, "two numbers");

	/* Durations. */
	duration_is("90", 90 * TSQ_USEC_PER_SEC);
	duration_is("30s", 30 * TSQ_USEC_PER_SEC);
	duration_is("5m", 300 * TSQ_USEC_PER_SEC);
	duration_is("5min", 300 * TSQ_USEC_PER_SEC);
	duration_is("1h30m", 5400 * TSQ_USEC_PER_SEC);
	duration_is("1.5h", 5400 * TSQ_USEC_PER_SEC);
	duration_is("2d", 2 * 86400 * TSQ_USEC_PER_SEC);
	duration_is("1w", 7 * 86400 * TSQ_USEC_PER_SEC);
	duration_is("250ms", 250000);
	duration_is("7us", 7);
	is_int(tsq_parse_duration("", &v, &pos), TSQ_PARSE_EMPTY, "empty duration");
	is_int(tsq_parse_duration("5x", &v, &pos), TSQ_PARSE_SYNTAX, "unknown unit");
	is_int(pos, 1, "unknown unit position");
	is_int(tsq_parse_duration("-5m", &v, &pos), TSQ_PARSE_SYNTAX, "negative duration");
	is_int(tsq_parse_duration("1h30", &v, &pos), TSQ_PARSE_SYNTAX, "bare number after a unit");
	is_int(tsq_parse_duration("99999999999999999999d", &v, &pos), TSQ_PARSE_RANGE,
	    "huge duration");
	is_int(tsq_parse_duration("1.h", &v, &pos), TSQ_PARSE_SYNTAX, "dot without fraction");

	/* ISO 8601. */
	time_is("2024-03-01", "2024-03-01T00:00:00Z", 0);
	time_is("2024-03-01T12:30", "2024-03-01T12:30:00Z", 0);
	time_is("2024-03-01 12:30:15", "2024-03-01T12:30:15Z", 0);
	time_is("2024-03-01T12:30:15.25Z", "2024-03-01T12:30:15.250000Z", 1);
	time_is("2024-03-01T12:30:15+02:00", "2024-03-01T10:30:15Z", 1);
	time_is("2024-03-01T12:30:15-0530", "2024-03-01T18:00:15Z", 1);
	time_is("2024-03-01 12:30:15+02", "2024-03-01T10:30:15Z", 1);
	time_is("2024-02-29", "2024-02-29T00:00:00Z", 0);
	time_is("1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z", 1);
	time_is("2024-03-01T24:00:00", "2024-03-02T00:00:00Z", 0);

	/* Epoch numbers, unit by magnitude. */
	time_is("1700000000", "2023-11-14T22:13:20Z", 1);
	time_is("1700000000.5", "2023-11-14T22:13:20.500000Z", 1);
	time_is("1700000000123", "2023-11-14T22:13:20.123000Z", 1);
	time_is("1700000000123456", "2023-11-14T22:13:20.123456Z", 1);
	time_is("1700000000123456789", "2023-11-14T22:13:20.123456Z", 1);
	time_is("0", "1970-01-01T00:00:00Z", 1);

	/* now and relative forms. */
	time_is("now", "2023-11-14T22:13:20Z", 1);
	time_is("-24h", "2023-11-13T22:13:20Z", 1);
	time_is("7d", "2023-11-07T22:13:20Z", 1);
	time_is("30m", "2023-11-14T21:43:20Z", 1);
	time_is("+1h", "2023-11-14T23:13:20Z", 1);
	time_is("1h30m", "2023-11-14T20:43:20Z", 1);

	/* Malformed. */
	time_fails("", TSQ_PARSE_EMPTY, 0);
	time_fails("   ", TSQ_PARSE_EMPTY, 0);
	time_fails("2024-13-01", TSQ_PARSE_RANGE, 0);
	time_fails("2023-02-29", TSQ_PARSE_RANGE, 0);
	time_fails("2024-03-01T25:00", TSQ_PARSE_RANGE, 0);
	time_fails("2024-03-01T12:60", TSQ_PARSE_RANGE, 0);
	time_fails("2024-03-01T12:30:15+99", TSQ_PARSE_RANGE, 0);
	time_fails("2024-03-01X", TSQ_PARSE_SYNTAX, 10);
	time_fails("2024-3-1", TSQ_PARSE_SYNTAX, 5);
	time_fails("yesterday", TSQ_PARSE_SYNTAX, 0);
	time_fails("12abc", TSQ_PARSE_SYNTAX, 2);
	time_fails("7x", TSQ_PARSE_SYNTAX, 1);
	time_fails("+5", TSQ_PARSE_SYNTAX, 0);
	time_fails("1700000000 junk", TSQ_PARSE_SYNTAX, 11);
	time_fails("2024-03-01T12:30:15.", TSQ_PARSE_SYNTAX, 20);

	return done_testing();
}
