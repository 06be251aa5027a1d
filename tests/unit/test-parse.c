/* Unit tests for common/parse.c: integers and durations. */
#include "tap.h"
#include "tsq.h"

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
	/* PostgreSQL's way of writing them; once read as 7 seconds, the rest ignored. */
	duration_is("7 days", 7 * 86400 * TSQ_USEC_PER_SEC);
	duration_is("1 day", 86400 * TSQ_USEC_PER_SEC);
	duration_is("1 hour 30 minutes", 5400 * TSQ_USEC_PER_SEC);
	duration_is("2 weeks", 14 * 86400 * TSQ_USEC_PER_SEC);
	duration_is(" 45 sec ", 45 * TSQ_USEC_PER_SEC);
	duration_is("1 h 30 m", 5400 * TSQ_USEC_PER_SEC);
	is_int(tsq_parse_duration("1 month", &v, &pos), TSQ_PARSE_SYNTAX,
	    "a month has no fixed length");
	is_int(pos, 2, "the error is at the unit");
	is_int(tsq_parse_duration("365 days please", &v, &pos), TSQ_PARSE_SYNTAX,
	    "words after the duration are refused, not ignored");
	is_int(tsq_parse_duration("1 2", &v, &pos), TSQ_PARSE_SYNTAX, "two bare numbers");
	is_int(tsq_parse_duration("5 x", &v, &pos), TSQ_PARSE_SYNTAX, "an unknown unit after a blank");
	is_int(tsq_parse_duration("", &v, &pos), TSQ_PARSE_EMPTY, "empty duration");
	is_int(tsq_parse_duration("5x", &v, &pos), TSQ_PARSE_SYNTAX, "unknown unit");
	is_int(pos, 1, "unknown unit position");
	is_int(tsq_parse_duration("-5m", &v, &pos), TSQ_PARSE_SYNTAX, "negative duration");
	is_int(tsq_parse_duration("1h30", &v, &pos), TSQ_PARSE_SYNTAX, "bare number after a unit");
	is_int(tsq_parse_duration("99999999999999999999d", &v, &pos), TSQ_PARSE_RANGE,
	    "huge duration");
	is_int(tsq_parse_duration("1.h", &v, &pos), TSQ_PARSE_SYNTAX, "dot without fraction");

	/* Overflow is a range error, never a wrapped value. */
	is_int(tsq_parse_duration("99999999999.999999999999w", &v, &pos), TSQ_PARSE_RANGE,
	    "a fraction of a huge duration");
	is_int(tsq_parse_duration("1.999999999999w", &v, &pos), TSQ_PARSE_OK,
	    "twelve fraction digits of a week");

	/* Calendar months, whole, for interval parameters. */
	static const struct {
		const char *in;
		int64_t months;
	} month_cases[] = {
		{"1 month", 1}, {"3 months", 3}, {"3mo", 3}, {" 2 Months ", 2}, {"1y", 12},
		{"2 years", 24}, {"1 mon", 1}, {"10000 years", 120000},
	};
	for (size_t i = 0; i < sizeof month_cases / sizeof month_cases[0]; i++) {
		v = -1;
		ok(tsq_parse_months(month_cases[i].in, &v, &pos) == TSQ_PARSE_OK &&
		    v == month_cases[i].months, "months \"%s\" is %" PRId64, month_cases[i].in,
		    month_cases[i].months);
	}
	static const char *const not_months[] = { "month", "1 month 2 days", "1.5 months", "1m",
	    "-1 month", "1 monthly", "10001 years", "" };
	for (size_t i = 0; i < sizeof not_months / sizeof not_months[0]; i++)
		ok(tsq_parse_months(not_months[i], &v, &pos) != TSQ_PARSE_OK, "months refuse \"%s\"",
		    not_months[i]);
	return done_testing();
}
