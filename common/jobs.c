/*
 * jobs.c - TimescaleDB's own policy jobs made to match the stored policy
 * (maint.h, --native).
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
#include "policy.h"

/* ---- TimescaleDB's own policy jobs (--native) ---- */

/* One policy job, as TimescaleDB has it or as the stored policy wants it. */
struct job {
	int64_t id;		/* 0: wanted, not there yet */
	char kind[12];		/* "compression", "retention", "refresh" */
	char *target;		/* the hypertable, or the rollup refreshed */
	int64_t after;		/* compress_after, drop_after or start_offset; -1 none */
	int64_t end_offset;	/* refresh only; -1 none */
	int64_t schedule;	/* schedule_interval; -1: TimescaleDB's default */
	bool scheduled;
	bool one_batch;		/* refreshes in one transaction (see job_add.sql) */
	bool matched;
};

static void
jobs_free(struct job *j, int n)
{
	for (int i = 0; i < n; i++)
		free(j[i].target);
	free(j);
}

/* TimescaleDB's policy jobs on T and its rollups; -1 on failure (reported). */
static int
jobs_of(struct tsq_maint *m, const struct tsq_relation *t, struct job **out)
{
	const char *params[3] = { t->schema, t->name, m->s.b.policy_in_batches ? "true" : "false" };
	PGresult *res;

	*out = NULL;
	if (!maint_checked(m, "timescaledb/jobs.sql", 3, params, &res))
		return -1;
	int n = PQntuples(res);
	struct job *j = xcalloc((size_t)n + 1, sizeof *j);
	for (int i = 0; i < n; i++) {
		j[i].id = maint_int64(res, i, 0, 0);
		snprintf(j[i].kind, sizeof j[i].kind, "%s", PQgetvalue(res, i, 1));
		j[i].target = xstrdup(PQgetvalue(res, i, 2));
		j[i].after = maint_int64(res, i, 3, -1);
		j[i].end_offset = maint_int64(res, i, 4, -1);
		j[i].scheduled = PQgetvalue(res, i, 5)[0] == 't';
		j[i].schedule = maint_int64(res, i, 6, -1);
		j[i].one_batch = PQgetvalue(res, i, 7)[0] == 't';
	}
	PQclear(res);
	*out = j;
	return n;
}

bool
maint_jobs_applying(struct tsq_maint *m, const struct tsq_relation *t, int64_t *compression,
    int64_t *retention)
{
	struct job *have;
	int n;

	*compression = *retention = 0;
	if (!t->hypertable || m->s.b.kind != TSQ_BACKEND_TIMESCALEDB)
		return true;
	if ((n = jobs_of(m, t, &have)) < 0)
		return false;
	for (int i = 0; i < n; i++) {
		if (!have[i].scheduled || strcmp(have[i].target, t->display) != 0)
			continue;
		if (strcmp(have[i].kind, "compression") == 0 && !*compression)
			*compression = have[i].id;
		else if (strcmp(have[i].kind, "retention") == 0 && !*retention)
			*retention = have[i].id;
	}
	jobs_free(have, n);
	return true;
}

/* "refresh of public.ohlcv_5m, start_offset 7d, end_offset 5m", after "ID (" when known. */
static void
job_describe(const struct job *j, bool settings, struct tsq_buf *out)
{
	static const char *const setting[] = { "compress_after", "drop_after", "start_offset" };
	int k = strcmp(j->kind, "compression") == 0 ? 0 : strcmp(j->kind, "retention") == 0 ? 1 : 2;

	if (j->id)
		tsq_buf_addf(out, "%" PRId64 " (", j->id);
	tsq_buf_addf(out, "%s %s %s", j->kind, k == 2 ? "of" : "on", j->target);
	if (settings) {
		tsq_buf_addf(out, ", %s ", setting[k]);
		if (j->after < 0)
			tsq_buf_adds(out, "unset");
		else
			tsq_policy_format_duration(j->after, out);
		if (k == 2) {
			tsq_buf_adds(out, ", end_offset ");
			if (j->end_offset < 0)
				tsq_buf_adds(out, "unset");
			else
				tsq_policy_format_duration(j->end_offset, out);
			if (!j->one_batch)
				tsq_buf_adds(out, ", in batches");
		}
	}
	if (j->id)
		tsq_buf_addc(out, ')');
}

static bool
job_same(const struct job *have, const struct job *want)
{
	return strcmp(have->kind, want->kind) == 0 && strcmp(have->target, want->target) == 0 &&
	    have->after == want->after && have->end_offset == want->end_offset &&
	    have->one_batch == want->one_batch;
}

/* Do KIND ("add job", ...) on job J with SQL file PATH. */
static void
job_act(struct tsq_maint *m, const struct tsq_relation *t, const char *kind, const struct job *j,
    bool settings, const char *path, int n, const char *const *params)
{
	struct tsq_buf target = TSQ_BUF_INIT;
	struct maint_action a = { t, kind, "job", NULL, INT64_MIN, INT64_MAX, -1, -1, -1 };

	job_describe(j, settings, &target);
	a.target = target.data;
	maint_do(m, &a, path, n, params, NULL);
	tsq_buf_free(&target);
}

/* Jobs A and B are of one kind on one target. */
static bool
same_place(const struct job *a, const struct job *b)
{
	return strcmp(a->kind, b->kind) == 0 && strcmp(a->target, b->target) == 0;
}

/*
 * The jobs policy P asks for on T and its NR rollups R, into a new *OUT:
 * how many.  A rollup whose bucket is no constant interval gets none
 * (reported, a failure).
 */
static int
wanted_jobs(struct tsq_maint *m, const struct tsq_relation *t, const struct tsq_policy *p,
    const struct maint_rollup *r, int nr, struct job **out)
{
	struct job *want = xcalloc((size_t)nr + 3, sizeof *want);
	int nwant = 0;
	static const struct {
		const char *kind;
		int setting;
	} own[] = { {"compression", TSQ_POLICY_COMPRESS_AFTER}, {"retention", TSQ_POLICY_DROP_AFTER} };
	for (size_t k = 0; k < sizeof own / sizeof own[0]; k++) {
		if (p->usec[own[k].setting] == TSQ_POLICY_OFF)
			continue;
		struct job *w = &want[nwant++];
		snprintf(w->kind, sizeof w->kind, "%s", own[k].kind);
		w->target = t->display;
		w->after = p->usec[own[k].setting];
		w->end_offset = w->schedule = -1;
		w->one_batch = true;
	}
	for (int i = 0; i < nr && p->usec[TSQ_POLICY_REFRESH_WINDOW] != TSQ_POLICY_OFF; i++) {
		if (r[i].bucket <= 0) {
			tsq_error("no refresh job for %s: its bucket width is not a constant interval",
			    r[i].reg);
			m->failures++;
			continue;
		}
		struct job *w = &want[nwant++];
		snprintf(w->kind, sizeof w->kind, "refresh");
		w->target = r[i].reg;
		w->after = p->usec[TSQ_POLICY_REFRESH_WINDOW];
		w->end_offset = w->schedule = r[i].bucket;
		w->one_batch = true;
	}
	*out = want;
	return nwant;
}

/*
 * Make TimescaleDB's policy jobs on T and its rollups what policy P asks
 * for: one compression job with P's compress_after, one retention job with
 * its drop_after, and on each rollup one refresh job over the trailing
 * refresh_window that ends a bucket before now.  A job that differs is
 * deleted and added again (several refresh jobs on one rollup, possible
 * since 2.21, become one); a matching job that was paused is resumed.
 */
void
maint_native_sync(struct tsq_maint *m, const struct tsq_relation *t, const struct tsq_policy *p,
    bool existing_only)
{
	struct job *have, *want;
	struct maint_rollup *r;
	int nhave, nr, nwant;

	if (!t->hypertable) {
		tsq_verbose("no TimescaleDB jobs for %s: it is not a hypertable", t->display);
		return;
	}
	if ((nr = maint_rollups_of(m, t, &r)) < 0) {
		m->failures++;
		return;
	}
	if ((nhave = jobs_of(m, t, &have)) < 0) {
		m->failures++;
		maint_rollups_free(r, nr);
		return;
	}
	nwant = wanted_jobs(m, t, p, r, nr, &want);
	/* In step only: a job of a kind and target that is not there is not added. */
	for (int i = 0; existing_only && i < nwant; i++) {
		bool there = false;
		for (int h = 0; h < nhave && !there; h++)
			there = same_place(&have[h], &want[i]);
		if (!there)
			want[i--] = want[--nwant];
	}
	/* Keep the first job that matches each wanted one. */
	for (int i = 0; i < nwant; i++) {
		for (int h = 0; h < nhave && !want[i].matched; h++) {
			if (!have[h].matched && job_same(&have[h], &want[i])) {
				have[h].matched = want[i].matched = true;
				want[i].id = have[h].id;
				want[i].scheduled = have[h].scheduled;
			}
		}
	}
	/* Delete the rest first: TimescaleDB refuses a second job of a kind. */
	for (int h = 0; h < nhave && !tsq_cancel_signal(); h++) {
		if (have[h].matched)
			continue;
		char id[24];
		snprintf(id, sizeof id, "%" PRId64, have[h].id);
		const char *params[1] = { id };
		job_act(m, t, "delete job", &have[h], true, "timescaledb/job_delete.sql", 1, params);
	}
	for (int i = 0; i < nwant && !tsq_cancel_signal(); i++) {
		char id[24], after[24], end[24], sched[24];
		if (want[i].matched) {
			if (want[i].scheduled)
				continue;
			snprintf(id, sizeof id, "%" PRId64, want[i].id);
			const char *params[1] = { id };
			job_act(m, t, "resume job", &want[i], false, "timescaledb/job_resume.sql", 1,
			    params);
			continue;
		}
		/* A replaced job keeps its schedule. */
		for (int h = 0; h < nhave; h++)
			if (same_place(&have[h], &want[i]) && have[h].schedule > 0) {
				want[i].schedule = have[h].schedule;
				break;
			}
		snprintf(after, sizeof after, "%" PRId64, want[i].after);
		snprintf(end, sizeof end, "%" PRId64, want[i].end_offset);
		snprintf(sched, sizeof sched, "%" PRId64, want[i].schedule);
		const char *params[6] = { want[i].kind, want[i].target, after,
		    want[i].end_offset < 0 ? NULL : end, want[i].schedule < 0 ? NULL : sched,
		    m->s.b.policy_in_batches ? "true" : "false" };
		job_act(m, t, "add job", &want[i], true, "timescaledb/job_add.sql", 6, params);
	}
	free(want);
	jobs_free(have, nhave);
	maint_rollups_free(r, nr);
}

