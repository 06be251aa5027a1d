/*
 * refresh.c - the rollups of a table refreshed over what changed, whole
 * buckets, never back past its retention horizon (maint.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cancel.h"
#include "datetime.h"
#include "log.h"
#include "maint-int.h"
#include "mem.h"
#include "script.h"

void
maint_rollups_free(struct maint_rollup *r, int n)
{
	for (int i = 0; i < n; i++) {
		free(r[i].reg);
		free(r[i].name);
	}
	free(r);
}

/* The rollups that read table T, sources first.  -1 on failure (reported). */
int
maint_rollups_of(struct tsq_maint *m, const struct tsq_relation *t, struct maint_rollup **out)
{
	char path[64];
	const char *params[2] = { t->schema, t->name };
	PGresult *res;

	*out = NULL;
	if (tsq_backend_own_partitions(m->s.b.kind) && !m->has_rollup_tables)
		return 0;
	if (m->s.b.kind == TSQ_BACKEND_TIMESCALEDB && !m->s.b.has_continuous_aggregates)
		return 0;
	if (!maint_checked(m, maint_backend_sql(m, "rollups.sql", path, sizeof path), 2, params, &res))
		return -1;
	int n = PQntuples(res);
	struct maint_rollup *r = xcalloc((size_t)n + 1, sizeof *r);
	for (int i = 0; i < n; i++) {
		r[i].reg = xstrdup(PQgetvalue(res, i, 0));
		r[i].bucket = maint_int64(res, i, 1, 0);
		r[i].name = xstrdup(PQnfields(res) > 2 ? PQgetvalue(res, i, 2) : PQgetvalue(res, i, 0));
	}
	PQclear(res);
	*out = r;
	return n;
}

/* ---- rollups ---- */

int64_t
maint_floor_to(int64_t t, int64_t step)
{
	/* Buckets are aligned as TimescaleDB aligns them: on 2000-01-03 UTC. */
	const int64_t origin = INT64_C(946857600) * TSQ_USEC_PER_SEC;
	if (step <= 0 || t == INT64_MIN || t == INT64_MAX)
		return t;
	int64_t d = t - origin, q = d / step;
	if (d % step < 0)
		q--;
	return origin + q * step;
}

int64_t
maint_ceil_to(int64_t t, int64_t step)
{
	int64_t f = maint_floor_to(t, step);
	return f == t || t == INT64_MAX ? t : f + step;
}

void
maint_after_rows(struct tsq_maint *m, struct maint_action *a, const PGresult *res)
{
	(void)m;
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		a->rows = maint_int64(res, 0, 0, -1);
}

/* TimescaleDB: how many rows a refresh wrote is known only when it is none. */
static void
after_ts_refresh(struct tsq_maint *m, struct maint_action *a, const PGresult *res)
{
	(void)res;
	if (m->up_to_date)
		a->rows = 0;
}

/*
 * The time before which T's raw data may be (partly) gone: what tsq-compress
 * dropped (tsq.retention), or where TimescaleDB's own retention job drops.
 * Rollups before it are final: recomputing them from what is left would
 * replace a day's bars with those of a few late rows.  INT64_MIN when none.
 */
int64_t
maint_horizon(struct tsq_maint *m, const struct tsq_relation *t)
{
	int64_t h = INT64_MIN;
	const char *params[2] = { t->schema, t->name };
	PGresult *res;

	if (m->has_retention && maint_checked(m, "compress/horizon.sql", 2, params, &res)) {
		if (PQntuples(res) == 1)
			h = maint_int64(res, 0, 0, INT64_MIN);
		PQclear(res);
	}
	if (t->hypertable && m->s.b.kind == TSQ_BACKEND_TIMESCALEDB) {
		char now[32];
		snprintf(now, sizeof now, "%" PRId64, m->now);
		const char *p[2] = { t->display, now };
		if (maint_checked(m, "timescaledb/retention_horizon.sql", 2, p, &res)) {
			if (PQntuples(res) == 1 && maint_int64(res, 0, 0, INT64_MIN) > h)
				h = maint_int64(res, 0, 0, INT64_MIN);
			PQclear(res);
		}
	}
	return h;
}

/* Record that T's raw data before END was dropped. */
/* Refresh rollup R of T over [FROM, TO), widened to whole buckets. */
bool
maint_refresh_one(struct tsq_maint *m, const struct tsq_relation *t, const struct maint_rollup *r, int64_t from,
    int64_t to, int64_t horizon)
{
	char f[TSQ_TIME_BUFSIZE], e[TSQ_TIME_BUFSIZE];
	struct maint_action a = { t, "refresh", "rollup", r->reg, maint_floor_to(from, r->bucket),
	    maint_ceil_to(to, r->bucket), -1, -1, -1 };

	/* Never a bucket with raw data dropped from it: only whole buckets after the horizon. */
	if (horizon != INT64_MIN && a.from < maint_ceil_to(horizon, r->bucket))
		a.from = maint_ceil_to(horizon, r->bucket);
	if (a.from >= a.to) {
		maint_range_end(horizon, true, f);
		tsq_verbose("not refreshing %s before %s: %s's raw data there was dropped, its "
		    "buckets are final", r->reg, f, t->display);
		return true;
	}

	if (a.from != INT64_MIN)
		tsq_format_time(a.from, f);
	if (a.to != INT64_MAX)
		tsq_format_time(a.to, e);
	if (m->s.b.kind == TSQ_BACKEND_TIMESCALEDB) {
		const char *params[3] = { r->reg, a.from == INT64_MIN ? NULL : f,
		    a.to == INT64_MAX ? NULL : e };
		m->up_to_date = false;
		return maint_do(m, &a, m->s.b.refresh_in_batches ? "timescaledb/refresh_one_batch.sql" :
		    "timescaledb/refresh.sql", 3, params, after_ts_refresh);
	}
	const char *params[4] = { t->schema, r->name, a.from == INT64_MIN ? NULL : f,
	    a.to == INT64_MAX ? NULL : e };
	return maint_do(m, &a, "postgres/refresh.sql", 4, params, maint_after_rows);
}

static void
range_add(struct maint_range **v, int *n, int64_t from, int64_t to)
{
	*v = xreallocarray(*v, (size_t)*n + 1, sizeof **v);
	(*v)[*n].from = from;
	(*v)[*n].to = to;
	(*n)++;
}

static int
range_cmp(const void *a, const void *b)
{
	const struct maint_range *x = a, *y = b;
	return x->from < y->from ? -1 : x->from > y->from;
}

/* Sort and merge overlapping or adjacent ranges in place; the new count. */
int
maint_ranges_merge(struct maint_range *v, int n)
{
	int m = 0;

	if (n == 0)
		return 0;
	qsort(v, (size_t)n, sizeof *v, range_cmp);
	for (int i = 0; i < n; i++) {
		if (m > 0 && v[i].from <= v[m - 1].to) {
			if (v[i].to > v[m - 1].to)
				v[m - 1].to = v[i].to;
		} else {
			v[m++] = v[i];
		}
	}
	return m;
}

/*
 * Refresh T's rollups, sources first, over: the ranges tsq-load recorded,
 * the trailing WINDOW (TimescaleDB; -1 none), and EXTRA (what the drop step
 * is about to remove: it must be materialized first).  The recorded ranges
 * are cleared once every refresh succeeded.
 */
int
maint_refresh_rollups(struct tsq_maint *m, const struct tsq_relation *t, int64_t window,
    const struct maint_range *extra, int nextra)
{
	const char *params[3] = { t->schema, t->name, NULL };
	struct maint_rollup *r;
	struct maint_range *ranges = NULL;
	int nranges = 0, nr;
	PGresult *res;

	if ((nr = maint_rollups_of(m, t, &r)) < 0) {
		m->failures++;
		return 1;
	}
	if (!maint_checked(m, "compress/touched.sql", 2, params, &res)) {
		m->failures++;
		maint_rollups_free(r, nr);
		return 1;
	}
	/* The ids of the records read, as one array literal: exactly these are cleared. */
	struct tsq_buf ids = TSQ_BUF_INIT;
	for (int i = 0; i < PQntuples(res); i++) {
		const char *a = PQgetvalue(res, i, 2);
		size_t n = strlen(a);
		tsq_buf_adds(&ids, ids.len ? "," : "{");
		if (n >= 2)
			tsq_buf_add(&ids, a + 1, n - 2);
		range_add(&ranges, &nranges, maint_int64(res, i, 0, INT64_MIN),
		    maint_int64(res, i, 1, INT64_MAX));
	}
	char *last_id = NULL;
	if (ids.len) {
		tsq_buf_addc(&ids, '}');
		last_id = tsq_buf_detach(&ids);
	}
	tsq_buf_free(&ids);
	PQclear(res);
	if (window >= 0 && m->s.b.kind == TSQ_BACKEND_TIMESCALEDB)
		range_add(&ranges, &nranges, m->now - window, INT64_MAX);
	for (int i = 0; i < nextra; i++)
		range_add(&ranges, &nranges, extra[i].from, extra[i].to);
	nranges = maint_ranges_merge(ranges, nranges);

	int failed = 0;
	int64_t horizon = maint_horizon(m, t);
	for (int i = 0; i < nr && !tsq_cancel_signal(); i++)
		for (int k = 0; k < nranges; k++)
			failed += !maint_refresh_one(m, t, &r[i], ranges[k].from, ranges[k].to, horizon);
	if (last_id && failed == 0 && !m->o->dry_run && !tsq_cancel_signal()) {
		params[2] = last_id;
		if (!maint_checked(m, "compress/touched_clear.sql", 3, params, NULL)) {
			m->failures++;
			failed++;
		}
	}
	free(last_id);
	free(ranges);
	maint_rollups_free(r, nr);
	return failed;
}

