/* Unit tests for common/policy.c: settings, checks, durations written back. */
#include "tap.h"
#include "tsq.h"
#include "policy.h"

#define DAY INT64_C(86400000000)
#define HOUR INT64_C(3600000000)

static void
parse_fails(const char *in, const char *want)
{
	struct tsq_policy p;
	struct tsq_buf err = TSQ_BUF_INIT;

	tsq_policy_init(&p);
	ok(!tsq_policy_parse(in, &p, &err), "\"%s\" is refused", in);
	is_str(err.data, want, "\"%s\": the message", in);
	tsq_buf_free(&err);
}

static void
check_fails(const struct tsq_policy *p, enum tsq_policy_table kind,
    const struct tsq_policy_rollups *r, const char *want)
{
	struct tsq_buf err = TSQ_BUF_INIT;

	ok(!tsq_policy_check(p, kind, r, &err), "conflict found: %s", want);
	is_str(err.data, want, "conflict message");
	tsq_buf_free(&err);
}

static void
duration_is(int64_t usec, const char *want)
{
	struct tsq_buf b = TSQ_BUF_INIT;

	tsq_policy_format_duration(usec, &b);
	is_str(b.data, want, "%lld us is %s", (long long)usec, want);
	tsq_buf_free(&b);
}

int
main(void)
{
	struct tsq_policy p;
	struct tsq_buf err = TSQ_BUF_INIT;
	struct tsq_policy_rollups none = { NULL, 0 }, daily = { "public.ohlcv_1d", DAY };

	/* Parsing changes only what is named. */
	tsq_policy_init(&p);
	p.usec[TSQ_POLICY_PREMAKE] = 3 * DAY;
	ok(tsq_policy_parse("compress_after=7d,drop_after=36h,refresh_window=off", &p, &err),
	    "three settings parse");
	is_int(p.usec[TSQ_POLICY_COMPRESS_AFTER], 7 * DAY, "compress_after");
	is_int(p.usec[TSQ_POLICY_DROP_AFTER], 36 * HOUR, "drop_after");
	is_int(p.usec[TSQ_POLICY_REFRESH_WINDOW], TSQ_POLICY_OFF, "refresh_window off");
	is_int(p.usec[TSQ_POLICY_PREMAKE], 3 * DAY, "premake kept");

	parse_fails("", "no settings given: expected NAME=VALUE[,NAME=VALUE]...");
	parse_fails("compress_after", "invalid setting \"compress_after\": expected NAME=VALUE");
	parse_fails("keep=3d", "unknown setting \"keep\": expected compress_after, drop_after, "
	    "refresh_window or premake");
	parse_fails("drop_after=0", "invalid value \"0\" for drop_after: expected a positive "
	    "duration such as 7d or 12h, or off");
	parse_fails("drop_after=7x", "invalid value \"7x\" for drop_after: expected a positive "
	    "duration such as 7d or 12h, or off");
	parse_fails("drop_after=", "invalid value \"\" for drop_after: expected a positive "
	    "duration such as 7d or 12h, or off");
	parse_fails("premake=1d,premake=2d", "setting premake given twice");
	parse_fails("premake=1d,", "invalid setting \"\": expected NAME=VALUE");

	/* Checks. */
	tsq_policy_init(&p);
	p.usec[TSQ_POLICY_COMPRESS_AFTER] = 7 * DAY;
	p.usec[TSQ_POLICY_DROP_AFTER] = 7 * DAY;
	check_fails(&p, TSQ_POLICY_HYPERTABLE, &none, "compress_after (7d) equals drop_after (7d): "
	    "chunks would be dropped before they were ever compressed");
	p.usec[TSQ_POLICY_DROP_AFTER] = 2 * DAY;
	check_fails(&p, TSQ_POLICY_HYPERTABLE, &none, "compress_after (7d) is not shorter than "
	    "drop_after (2d): chunks would be dropped before they were ever compressed");
	p.usec[TSQ_POLICY_DROP_AFTER] = 8 * DAY - HOUR;
	p.usec[TSQ_POLICY_REFRESH_WINDOW] = 7 * DAY;
	check_fails(&p, TSQ_POLICY_HYPERTABLE, &daily, "drop_after (7d23h) reaches into the rollups' "
	    "refresh window: refresh_window (7d) plus the bucket of public.ohlcv_1d (1d) must end "
	    "before raw data is dropped");
	ok(tsq_policy_check(&p, TSQ_POLICY_HYPERTABLE, &none, &err), "no rollups: no window conflict");
	p.usec[TSQ_POLICY_DROP_AFTER] = 8 * DAY;
	ok(tsq_policy_check(&p, TSQ_POLICY_HYPERTABLE, &daily, &err), "a window that ends in time");
	check_fails(&p, TSQ_POLICY_PLAIN, &none, "drop_after needs a hypertable or a table "
	    "partitioned by time: this table is neither");
	tsq_policy_init(&p);
	p.usec[TSQ_POLICY_PREMAKE] = DAY;
	check_fails(&p, TSQ_POLICY_HYPERTABLE, &none, "premake applies to tables partitioned by "
	    "time on plain PostgreSQL (TimescaleDB creates chunks as rows arrive)");
	ok(tsq_policy_check(&p, TSQ_POLICY_PARTITIONED, &none, &err), "premake on partitions");

	/* Durations as they are shown. */
	duration_is(0, "0s");
	duration_is(7 * DAY, "7d");
	duration_is(36 * HOUR, "1d12h");
	duration_is(90 * INT64_C(60000000), "1h30m");
	duration_is(1500, "1ms500us");
	tsq_buf_free(&err);
	return done_testing();
}
