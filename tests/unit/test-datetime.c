/*
 * Unit tests for common/datetime.c: the grammar of time values, epoch
 * numbers by magnitude, --time-format patterns, and the values each column
 * type stores.  The expected values follow PostgreSQL's own input functions
 * (tests/datetime.bats compares thousands more with a live server).
 */
#include <stdlib.h>
#include <time.h>

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

/* PostgreSQL's microseconds since 2000-01-01 as ISO 8601, for any year. */
static void
pg_format(int64_t pg, char *out, size_t size)
{
	__int128 v = (__int128)pg + TSQ_PG_EPOCH_USEC;
	__int128 days = v / TSQ_USEC_PER_DAY, rem = v % TSQ_USEC_PER_DAY;
	if (rem < 0) {
		rem += TSQ_USEC_PER_DAY;
		days--;
	}
	int64_t y, us = (int64_t)rem;
	int m, d;
	tsq_civil_from_days((int64_t)days, &y, &m, &d);
	int n = snprintf(out, size, "%04lld-%02d-%02dT%02d:%02d:%02d", (long long)y, m, d,
	    (int)(us / 3600000000), (int)(us / 60000000 % 60), (int)(us / 1000000 % 60));
	if (us % 1000000)
		n += snprintf(out + n, size - (size_t)n, ".%06lld", (long long)(us % 1000000));
	snprintf(out + n, size - (size_t)n, "Z");
}

/* What each type stores for IN, as PostgreSQL would print it (UTC). */
static const char *
stored(const char *in, bool local)
{
	static char out[256];
	struct tsq_datetime dt;
	size_t pos;
	int64_t tz, ts;
	int32_t d;
	char a[64], b[64], c[64];
	enum tsq_parse_status st = tsq_parse_datetime(in, strlen(in), &dt, &pos);

	if (st != TSQ_PARSE_OK) {
		snprintf(out, sizeof out, "%s", tsq_parse_strerror(st));
		return out;
	}
	bool ok_tz = tsq_datetime_timestamptz(&dt, local, &tz);
	bool ok_ts = tsq_datetime_timestamp(&dt, local, &ts);
	bool ok_d = tsq_datetime_date(&dt, local, &d);
	pg_format(tz, a, sizeof a);
	pg_format(ts, b, sizeof b);
	int64_t y;
	int mo, dd;
	tsq_civil_from_days((int64_t)d + TSQ_PG_EPOCH_DAYS, &y, &mo, &dd);
	snprintf(c, sizeof c, "%04lld-%02d-%02d", (long long)y, mo, dd);
	snprintf(out, sizeof out, "%s | %s | %s", ok_tz ? a : "range", ok_ts ? b : "range",
	    ok_d ? c : "range");
	return out;
}

static const char *
with_format(const char *pattern, const char *in)
{
	static char out[256];
	struct tsq_time_format tf;
	struct tsq_buf err = TSQ_BUF_INIT;
	struct tsq_datetime dt;
	size_t pos;
	int64_t tz;

	if (!tsq_time_format_compile(&tf, pattern, &err)) {
		snprintf(out, sizeof out, "%s", err.data);
		tsq_buf_free(&err);
		return out;
	}
	enum tsq_parse_status st = tsq_time_format_parse(&tf, in, strlen(in), &dt, &pos);
	tsq_time_format_free(&tf);
	if (st != TSQ_PARSE_OK) {
		snprintf(out, sizeof out, "%s", tsq_parse_strerror(st));
		return out;
	}
	if (!tsq_datetime_timestamptz(&dt, false, &tz))
		return "range";
	tsq_format_time(tz + TSQ_PG_EPOCH_USEC, out);
	return out;
}

/* What is read, and as what: the text, the time, whether it named a zone. */
static const struct {
	const char *in, *want;
	int zone;
} read_cases[] = {
	/* ISO 8601. */
	{ "2024-03-01", "2024-03-01T00:00:00Z", 0 },
	{ "2024-03-01T12:30", "2024-03-01T12:30:00Z", 0 },
	{ "2024-03-01 12:30:15", "2024-03-01T12:30:15Z", 0 },
	{ "2024-03-01T12:30:15.25Z", "2024-03-01T12:30:15.250000Z", 1 },
	{ "2024-03-01T12:30:15+02:00", "2024-03-01T10:30:15Z", 1 },
	{ "2024-03-01T12:30:15-0530", "2024-03-01T18:00:15Z", 1 },
	{ "2024-03-01 12:30:15+02", "2024-03-01T10:30:15Z", 1 },
	{ "2024-03-01 12:30:15 +05:30:15", "2024-03-01T07:00:00Z", 1 },
	{ "2024-02-29", "2024-02-29T00:00:00Z", 0 },
	{ "1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z", 1 },
	{ "2024-03-01T24:00:00", "2024-03-02T00:00:00Z", 0 },
	{ "2024-03-01 23:59:60", "2024-03-02T00:00:00Z", 0 },
	{ "2024-03-01 12:00:00 UTC", "2024-03-01T12:00:00Z", 1 },
	{ "2000-04-09+05", "2000-04-08T19:00:00Z", 1 },
	{ "2000-04-09 -05", "2000-04-09T05:00:00Z", 1 },

	/* Epoch numbers, unit by magnitude, fractions too, rounded half to even. */
	{ "1700000000", "2023-11-14T22:13:20Z", 1 },
	{ "1700000000.5", "2023-11-14T22:13:20.500000Z", 1 },
	{ "1700000000123", "2023-11-14T22:13:20.123000Z", 1 },
	{ "1709294400000.5", "2024-03-01T12:00:00.000500Z", 1 },
	{ "1700000000123456", "2023-11-14T22:13:20.123456Z", 1 },
	{ "1700000000123456.5", "2023-11-14T22:13:20.123456Z", 1 },
	{ "1700000000123457.5", "2023-11-14T22:13:20.123458Z", 1 },
	{ "1700000000123456789", "2023-11-14T22:13:20.123457Z", 1 },
	{ "0", "1970-01-01T00:00:00Z", 1 },
	{ "-1.5", "1969-12-31T23:59:58.500000Z", 1 },

	/* now and relative forms. */
	{ "now", "2023-11-14T22:13:20Z", 1 },
	{ "-24h", "2023-11-13T22:13:20Z", 1 },
	{ "7d", "2023-11-07T22:13:20Z", 1 },
	{ "30m", "2023-11-14T21:43:20Z", 1 },
	{ "+1h", "2023-11-14T23:13:20Z", 1 },
	{ "1h30m", "2023-11-14T20:43:20Z", 1 },

	/* Forms the server reads, read as it reads them (the second audit, items 8, 25, 29). */
	{ "20240101", "2024-01-01T00:00:00Z", 0 },
	{ "990108", "1999-01-08T00:00:00Z", 0 },
	{ "690108 12:30", "2069-01-08T12:30:00Z", 0 },
	{ "2024-001", "2024-01-01T00:00:00Z", 0 },
	{ "2023-366", "2024-01-01T00:00:00Z", 0 },
	{ "2024-01-01 12:00 AM", "2024-01-01T00:00:00Z", 0 },
	{ "2024-01-01 12:30pm", "2024-01-01T12:30:00Z", 0 },
	{ "2024-01-01 1:05 PM +01", "2024-01-01T12:05:00Z", 1 },
	{ "2024-01-01 12:00+1", "2024-01-01T11:00:00Z", 1 },
	{ "2024-01-01 12:00-1:30", "2024-01-01T13:30:00Z", 1 },
	{ "2024-01-01 12:00+130", "2024-01-01T10:30:00Z", 1 },
	{ "2024-01-01 23:59:60", "2024-01-02T00:00:00Z", 0 },
	{ "0044-03-15 12:00:00+00 BC", "-043-03-15T12:00:00Z", 1 },	/* 44 BC is the year -43 */
};

/* What is refused, and why: the text, the status, the offset of the bad byte. */
static const struct {
	const char *in;
	enum tsq_parse_status want;
	size_t at;
} refused_cases[] = {
	/* Malformed, or out of range: refused, never wrapped. */
	{ "20240101120000", TSQ_PARSE_FIELD, 0 },
	{ "20241301", TSQ_PARSE_FIELD, 0 },
	{ "2024-01-01 23:59:60.5", TSQ_PARSE_FIELD, 0 },
	{ "2024-01-01 13:00 PM", TSQ_PARSE_FIELD, 0 },
	{ "2024-01-01 12:00PM-05", TSQ_PARSE_SYNTAX, 18 },
	{ "2024-367", TSQ_PARSE_SYNTAX, 8 },
	{ "0000-01-01 BC", TSQ_PARSE_FIELD, 0 },
	{ "", TSQ_PARSE_EMPTY, 0 },
	{ "   ", TSQ_PARSE_EMPTY, 0 },
	{ "2024-13-01", TSQ_PARSE_FIELD, 0 },
	{ "2023-02-29", TSQ_PARSE_FIELD, 0 },
	{ "0000-01-01", TSQ_PARSE_FIELD, 0 },
	{ "2024-03-01T25:00", TSQ_PARSE_FIELD, 0 },
	{ "2024-03-01T12:60", TSQ_PARSE_FIELD, 0 },
	{ "2024-03-01T24:00:01", TSQ_PARSE_FIELD, 0 },
	{ "2024-03-01T12:00:61", TSQ_PARSE_FIELD, 0 },
	{ "2024-03-01T12:30:15+16", TSQ_PARSE_ZONE, 0 },
	{ "2024-03-01T12:30:15+05:60", TSQ_PARSE_ZONE, 0 },
	{ "2024-03-01X", TSQ_PARSE_SYNTAX, 10 },
	{ "2024-03-01T", TSQ_PARSE_SYNTAX, 11 },
	{ "2000-04-09-13:34", TSQ_PARSE_SYNTAX, 10 },
	{ "2024-03-01 12:30:15+053015", TSQ_PARSE_ZONE, 0 },	/* as the server: out of range */
	{ "2024-03-01 12:00:00,5", TSQ_PARSE_SYNTAX, 19 },
	{ "yesterday", TSQ_PARSE_SYNTAX, 0 },
	{ "12abc", TSQ_PARSE_SYNTAX, 2 },
	{ "7x", TSQ_PARSE_SYNTAX, 1 },
	{ "+5", TSQ_PARSE_SYNTAX, 0 },
	{ "1700000000 junk", TSQ_PARSE_SYNTAX, 11 },
	{ "2024-03-01T12:30:15.", TSQ_PARSE_SYNTAX, 20 },
	{ "-9223372036854.9", TSQ_PARSE_OK, 0 },
	{ "99999999999999999999999", TSQ_PARSE_RANGE, 0 },
	{ "-9223372036854775808999", TSQ_PARSE_RANGE, 0 },
	{ "106751991167300d", TSQ_PARSE_RANGE, 0 },
	{ "294277-01-01", TSQ_PARSE_RANGE, 0 },
};

static void
times_read(void)
{
	for (size_t i = 0; i < sizeof read_cases / sizeof *read_cases; i++)
		time_is(read_cases[i].in, read_cases[i].want, read_cases[i].zone);
}

static void
times_refused(void)
{
	for (size_t i = 0; i < sizeof refused_cases / sizeof *refused_cases; i++)
		time_fails(refused_cases[i].in, refused_cases[i].want, refused_cases[i].at);
}

/* What each type stores, and the patterns of --time-format. */
static void
types_and_patterns(void)
{
	/* What each type stores: timestamptz, timestamp, date. */
	is_str(stored("1999-04-14T10:23-03:52", false),
	    "1999-04-14T14:15:00Z | 1999-04-14T10:23:00Z | 1999-04-14",
	    "timestamp and date ignore the offset, as PostgreSQL does");
	is_str(stored("2024-03-01 23:00:00-05", false),
	    "2024-03-02T04:00:00Z | 2024-03-01T23:00:00Z | 2024-03-01", "a date keeps its own day");
	is_str(stored("2024-03-01 12:00:00.1234565", false),
	    "2024-03-01T12:00:00.123456Z | 2024-03-01T12:00:00.123456Z | 2024-03-01",
	    "seven fraction digits rounded as PostgreSQL rounds them");
	is_str(stored("2024-03-01 12:00:00.9999995", false),
	    "2024-03-01T12:00:01Z | 2024-03-01T12:00:01Z | 2024-03-01", "rounding carries into the seconds");
	is_str(stored("294276-12-31 23:59:59.999999", false),
	    "294276-12-31T23:59:59.999999Z | 294276-12-31T23:59:59.999999Z | 294276-12-31",
	    "the last microsecond of the timestamp range");
	is_str(stored("294276-12-31 23:00:00-05", false),
	    "range | 294276-12-31T23:00:00Z | 294276-12-31", "past the range in UTC");
	is_str(stored("5874897-12-31", false), "range | range | 5874897-12-31",
	    "dates reach further than timestamps");
	is_str(stored("5874898-01-01", false), "range | range | range", "past every range");
	is_str(stored("-9223372036854.9", false),
	    "1677-09-21T00:12:43.145100Z | 1677-09-21T00:12:43.145100Z | 1677-09-21",
	    "a large negative epoch is milliseconds");

	/* --tz: local wall times, including the ones a clock change skips or repeats. */
	setenv("TZ", "Europe/Prague", 1);
	tzset();
	is_str(stored("2024-07-01 09:30", true),
	    "2024-07-01T07:30:00Z | 2024-07-01T09:30:00Z | 2024-07-01", "summer time");
	is_str(stored("2024-03-31 02:30", true),
	    "2024-03-31T01:30:00Z | 2024-03-31T02:30:00Z | 2024-03-31",
	    "a skipped local time takes the offset before the change");
	is_str(stored("2024-10-27 02:30", true),
	    "2024-10-27T01:30:00Z | 2024-10-27T02:30:00Z | 2024-10-27",
	    "a repeated local time takes the offset after the change");
	is_str(stored("1719819000", true),
	    "2024-07-01T07:30:00Z | 2024-07-01T09:30:00Z | 2024-07-01",
	    "an epoch is an instant; timestamp and date take its wall time in the zone");
	setenv("TZ", "UTC", 1);
	tzset();

	/* --time-format: the pattern, the text, the time or a part of the message, what it shows. */
	static const struct {
		const char *pattern, *in, *want, *what;
	} formats[] = {
		{ "%d.%m.%Y %H:%M:%S", "02.01.2024 14:30:02.036", "2024-01-02T14:30:02.036000Z", "%S keeps a fraction" },
		{ "%d.%m.%Y %H:%M:%S.%f", "02.01.2024 14:30:02.123456789", "2024-01-02T14:30:02.123457Z", "%f takes nanoseconds, rounded" },
		{ "%Y%m%d %H%M%S", "20240102 143000", "2024-01-02T14:30:00Z", "digits without separators" },
		{ "%Y.%m.%d %H:%M", "2024.01.02 14:30", "2024-01-02T14:30:00Z", "dots between the date's fields" },
		{ "%m/%d/%Y %I:%M %p", "01/02/2024 02:30 PM", "2024-01-02T14:30:00Z", "twelve-hour clock" },
		{ "%d %b %Y %H:%M %z", "02 Jan 2024 14:30 +0100", "2024-01-02T13:30:00Z", "month name and offset" },
		{ "%s", "1704205800.25", "2024-01-02T14:30:00.250000Z", "%s is seconds with a fraction" },
		{ "%s", "20000000000000", "value out of range", "%s of year 635,000 is out of range" },
		{ "%s", "-7000000000000", "range", "%s of 219,855 BC is before the timestamp range" },
		{ "%Y-%m-%d", "2024-02-30", "date or time field out of range", "the fields' ranges are checked" },
		{ "%d/%m/%Y", "02/01/2024x", "invalid syntax", "text left over" },
		{ "%H:%M", "14:30", "--time-format \"%H:%M\" gives no date: it needs a year, a month and a day (%Y %m %d, or %F), or %s", "a pattern without a date is refused when compiled" },
		{ "%Y %Q", "x", "--time-format \"%Y %Q\": %Q is not a directive tsq knows", "an unknown directive is refused when compiled" },
	};
	for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
		is_str(with_format(formats[i].pattern, formats[i].in), formats[i].want, "%s",
		    formats[i].what);
}

int
main(void)
{
	times_read();
	times_refused();
	types_and_patterns();
	return done_testing();
}
