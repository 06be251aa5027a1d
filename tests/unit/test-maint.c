/*
 * Unit tests for the maintenance engine's arithmetic (common/maint-int.h):
 * buckets aligned as TimescaleDB's time_bucket aligns them (weeks start on
 * Monday 2000-01-03), and the ranges a refresh covers merged.  The expected
 * times were computed with Python's datetime.
 */
#include <inttypes.h>
#include <stdint.h>

#include "tap.h"
#include "tsq.h"
#include "maint-int.h"

#define MIN (INT64_C(60) * 1000000)
#define DAY (INT64_C(86400) * 1000000)

int
main(void)
{
	const int64_t wed_1007 = INT64_C(1709719620000000);	/* 2024-03-06 10:07 UTC */

	is_int(maint_floor_to(wed_1007, 5 * MIN), INT64_C(1709719500000000), "5m down: 10:05");
	is_int(maint_ceil_to(wed_1007, 5 * MIN), INT64_C(1709719800000000), "5m up: 10:10");
	is_int(maint_floor_to(wed_1007, DAY), INT64_C(1709683200000000), "a day down: midnight");
	is_int(maint_ceil_to(wed_1007, DAY), INT64_C(1709769600000000), "a day up: next midnight");
	is_int(maint_floor_to(wed_1007, 7 * DAY), INT64_C(1709510400000000),
	    "a week down: Monday 2024-03-04");
	is_int(maint_ceil_to(wed_1007, 7 * DAY), INT64_C(1710115200000000),
	    "a week up: Monday 2024-03-11");
	is_int(maint_floor_to(INT64_C(946684740000000), 7 * DAY), INT64_C(946252800000000),
	    "before the origin: Friday 1999-12-31 goes to Monday 1999-12-27");
	is_int(maint_ceil_to(INT64_C(1709683200000000), DAY), INT64_C(1709683200000000),
	    "a bucket's start is its own ceiling");
	is_int(maint_floor_to(INT64_MIN, DAY), INT64_MIN, "an open start stays open");
	is_int(maint_ceil_to(INT64_MAX, DAY), INT64_MAX, "an open end stays open");
	is_int(maint_floor_to(wed_1007, 0), wed_1007, "an unknown width leaves the time");

	struct maint_range v[] = { { 50, 60 }, { 10, 20 }, { 20, 30 }, { 15, 18 }, { 40, 45 },
	    { INT64_MIN, 5 }, { 44, INT64_MAX } };
	int n = maint_ranges_merge(v, (int)(sizeof v / sizeof *v));
	is_int(n, 3, "seven ranges become three");
	ok(v[0].from == INT64_MIN && v[0].to == 5, "an open start kept first");
	ok(v[1].from == 10 && v[1].to == 30, "touching and inner ranges merged: [10, 30)");
	ok(v[2].from == 40 && v[2].to == INT64_MAX, "overlaps up to an open end: [40, infinity)");
	is_int(maint_ranges_merge(v, 0), 0, "no ranges, none");
	return done_testing();
}
