/* maint.c - the steps of a policy run and the one-shot actions (maint.h). */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cancel.h"
#include "exit.h"
#include "ident.h"
#include "log.h"
#include "maint-int.h"
#include "mem.h"
#include "route.h"
#include "script.h"

/*
 * TimescaleDB answers a refresh that finds nothing invalidated with a
 * notice, its only sign that nothing was written (the procedure returns
 * nothing): noted for the action in progress, and not passed on.
 */
static void
notice_receiver(void *arg, const PGresult *res)
{
	struct tsq_maint *m = arg;
	const char *severity = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	static const char done[] = "is already up-to-date";

	if (severity && strcmp(severity, "NOTICE") == 0 && msg &&
	    strlen(msg) >= sizeof done - 1 &&
	    strcmp(msg + strlen(msg) - (sizeof done - 1), done) == 0) {
		m->up_to_date = true;
		return;
	}
	m->notices(NULL, res);
}

int
tsq_maint_open(struct tsq_maint *m, const struct tsq_maint_opts *o,
    const struct tsq_conn_opts *conn)
{
	PGresult *res;
	int rc;

	memset(m, 0, sizeof *m);
	m->o = o;
	if ((rc = tsq_session_open(&m->s, conn, "public")) != TSQ_EXIT_OK)
		return rc;
	if (o->native && m->s.b.kind != TSQ_BACKEND_TIMESCALEDB) {
		tsq_error("--native needs TimescaleDB, and this database has no timescaledb "
		    "extension");
		return TSQ_EXIT_UNAVAILABLE;
	}
	m->notices = PQsetNoticeReceiver(m->s.conn, notice_receiver, m);
	char ms[32];
	snprintf(ms, sizeof ms, "%lld", (long long)(o->lock_timeout / 1000));
	const char *params[1] = { ms };
	if (!maint_checked(m, "compress/session.sql", 1, params, &res))
		return TSQ_EXIT_FAILURE;
	m->now = maint_int64(res, 0, 0, 0);
	bool installed = PQgetvalue(res, 0, 1)[0] == 't';
	m->has_rollup_tables = PQgetvalue(res, 0, 2)[0] == 't';
	m->has_retention = PQgetvalue(res, 0, 3)[0] == 't';
	PQclear(res);
	PQclear(maint_sql(m, "compress/check_client.sql", 0, NULL));
	char host[256] = "", name[320];
	gethostname(host, sizeof host - 1);
	snprintf(name, sizeof name, "%s pid %ld on %s", tsq_progname(), (long)getpid(), host);
	const char *np[2] = { name, tsq_progname() };
	PQclear(maint_sql(m, "compress/client_name.sql", 2, np));
	if (!installed) {
		tsq_error("tsq's schema is not installed in this database (or is older than "
		    "tsq-compress)");
		tsq_hint("run tsq-init: it adds the tsq.policies and tsq.policy_runs tables");
		return TSQ_EXIT_UNAVAILABLE;
	}
	tsq_cancel_setup();
	tsq_cancel_register(m->s.conn);
	return TSQ_EXIT_OK;
}

int
tsq_maint_finish(struct tsq_maint *m, int rc)
{
	if (rc == TSQ_EXIT_OK && tsq_cancel_signal())
		rc = tsq_cancel_signal() == SIGINT ? TSQ_EXIT_SIGINT : TSQ_EXIT_SIGTERM;
	else if (rc == TSQ_EXIT_OK && m->failures)
		rc = TSQ_EXIT_FAILURE;
	else if (rc == TSQ_EXIT_OK && m->locked_out)
		rc = TSQ_EXIT_TEMPFAIL;
	if (m->failures > 1)
		tsq_error("%d actions failed", m->failures);
	return rc;
}

void
tsq_maint_close(struct tsq_maint *m)
{
	tsq_cancel_release();
	tsq_session_close(&m->s);
}

/* The stored policy of T.  0 none, 1 found, -1 failure (reported). */
static int
policy_load(struct tsq_maint *m, const struct tsq_relation *t, struct tsq_policy *p)
{
	const char *params[2] = { t->schema, t->name };
	PGresult *res;

	tsq_policy_init(p);
	if (!maint_checked(m, "compress/policy.sql", 2, params, &res))
		return -1;
	int found = PQntuples(res) > 0;
	for (int i = 0; found && i < TSQ_POLICY_NSETTINGS; i++)
		p->usec[i] = maint_int64(res, 0, i, TSQ_POLICY_OFF);
	PQclear(res);
	return found;
}

/* ---- a table's policy, step by step ---- */

/* What the steps of one table's run share. */
struct policy_run {
	const struct tsq_relation *t;
	struct tsq_policy p;
	bool droppable;			/* a hypertable or partitioned: data goes by age */
	struct maint_range gone;	/* what the drop step will remove */
	int ngone;
	int refresh_failed;		/* refreshes that failed: nothing is dropped then */
	int64_t compression_job;	/* TimescaleDB's scheduled jobs that apply those parts: */
	int64_t retention_job;		/* their ids, 0 none */
};

static int64_t
setting(const struct policy_run *r, enum tsq_policy_setting s)
{
	return r->p.usec[s];
}

/*
 * The rollups, over what was loaded, the trailing window and what the drop
 * step is about to remove (materialized before it goes).
 */
static void
step_refresh(struct tsq_maint *m, struct policy_run *r)
{
	int64_t drop = setting(r, TSQ_POLICY_DROP_AFTER);

	if (drop != TSQ_POLICY_OFF && r->droppable &&
	    (r->ngone = maint_drop_region(m, r->t, m->now - drop, &r->gone)) < 0) {
		m->failures++;
		r->ngone = 0;
	}
	r->refresh_failed = maint_refresh_rollups(m, r->t, setting(r, TSQ_POLICY_REFRESH_WINDOW),
	    &r->gone, r->ngone);
}

/* Chunks old enough, but none about to be dropped. */
static void
step_compress(struct tsq_maint *m, struct policy_run *r)
{
	int64_t compress = setting(r, TSQ_POLICY_COMPRESS_AFTER), drop = setting(r, TSQ_POLICY_DROP_AFTER);

	if (compress == TSQ_POLICY_OFF)
		return;
	if (r->compression_job) {
		tsq_verbose("left the compression of %s to TimescaleDB's job %" PRId64, r->t->display,
		    r->compression_job);
		return;
	}
	if (!maint_compressible(m, r->t) || !m->s.b.has_compression) {
		tsq_verbose("skipped compression of %s: %s", r->t->display,
		    maint_why_not_compressible(m));
		return;
	}
	maint_compress_older(m, r->t, m->now - compress,
	    drop != TSQ_POLICY_OFF && r->ngone ? m->now - drop : INT64_MIN);
}

/* What is past retention, once its rollups were refreshed over it. */
static void
step_drop(struct tsq_maint *m, struct policy_run *r)
{
	int64_t drop = setting(r, TSQ_POLICY_DROP_AFTER);

	if (drop == TSQ_POLICY_OFF || !r->droppable)
		return;
	if (r->retention_job) {
		tsq_verbose("left the drops of %s to TimescaleDB's job %" PRId64, r->t->display,
		    r->retention_job);
		return;
	}
	if (r->refresh_failed)
		tsq_error("not dropping anything from %s: its rollups could not be refreshed first",
		    r->t->display);
	else if (r->ngone)
		maint_drop_older(m, r->t, m->now - drop, setting(r, TSQ_POLICY_REFRESH_WINDOW), true);
}

/* Partitions ahead (tsq's own partitioning). */
static void
step_premake(struct tsq_maint *m, struct policy_run *r)
{
	int64_t ahead = setting(r, TSQ_POLICY_PREMAKE);

	if (ahead != TSQ_POLICY_OFF && r->t->relkind == 'p' && !r->t->hypertable)
		maint_premake(m, r->t, ahead);
}

/* The steps of a run, in order; a signal stops before the next. */
static const struct {
	const char *name;
	void (*run)(struct tsq_maint *, struct policy_run *);
} steps[] = {
	{ "refresh", step_refresh },
	{ "compress", step_compress },
	{ "drop", step_drop },
	{ "premake", step_premake },
};

/* Apply T's stored policy under its lock. */
static void
run_policy(struct tsq_maint *m, const struct tsq_relation *t)
{
	struct policy_run r = { .t = t, .droppable = t->hypertable || t->relkind == 'p' };
	int found = policy_load(m, t, &r.p);

	if (found <= 0) {
		if (found == 0) {
			tsq_error("%s has no stored policy", t->display);
			tsq_hint("set one with --set-policy");
		}
		m->failures++;
		return;
	}
	if (!maint_lock(m, t))
		return;
	if (m->o->native)
		maint_native_sync(m, t, &r.p, false);
	if (!maint_jobs_applying(m, t, &r.compression_job, &r.retention_job))
		m->failures++;
	for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
		if (i > 0 && tsq_cancel_signal())
			break;
		steps[i].run(m, &r);
	}
	maint_unlock(m, t);
}

int
tsq_maint_run(struct tsq_maint *m, char *const *names, int n)
{
	PGresult *res = NULL;
	char **all = NULL;

	/*
	 * On Citus, the parts of batches tsq-load left prepared on the workers
	 * (route.h) hold their keys locked and keep vacuum back until settled:
	 * a run settles them when no load has.
	 */
	if (m->s.b.kind == TSQ_BACKEND_CITUS && !m->o->dry_run) {
		struct tsq_buf err = TSQ_BUF_INIT;
		if (tsq_route_recover(m->s.conn, &err) < 0)
			tsq_warning("%s", err.data);
		tsq_buf_free(&err);
	}

	if (n == 0) {
		if (!maint_checked(m, "compress/policy_tables.sql", 0, NULL, &res))
			return TSQ_EXIT_FAILURE;
		n = PQntuples(res);
		all = xcalloc((size_t)n + 1, sizeof *all);
		for (int i = 0; i < n; i++)
			all[i] = PQgetvalue(res, i, 0);
		names = all;
	}
	for (int i = 0; i < n && !tsq_cancel_signal(); i++) {
		struct tsq_relation t;
		if (!tsq_relation_lookup(m->s.conn, &m->s.b, names[i], &t)) {
			m->failures++;
			continue;
		}
		run_policy(m, &t);
		tsq_relation_free(&t);
	}
	free(all);
	PQclear(res);
	/* Keep the record of runs from growing for ever. */
	if (!m->o->dry_run && !tsq_cancel_signal()) {
		if (!maint_checked(m, "compress/runs_prune.sql", 0, NULL, &res)) {
			m->failures++;
		} else {
			long gone = atol(PQgetvalue(res, 0, 0));
			if (gone > 0)
				tsq_verbose("forgot %ld records of runs older than 90 days", gone);
			PQclear(res);
		}
	}
	return TSQ_EXIT_OK;
}

/* ---- one-shot actions ---- */

/* Whether ACTION can be done on T: an exit status, the problem reported. */
static int
action_possible(const struct tsq_maint *m, enum tsq_maint_action action, const char *option,
    const struct tsq_relation *t)
{
	if (action == TSQ_MAINT_DROP) {
		if (!t->hypertable && t->relkind != 'p') {
			tsq_error("%s is neither a hypertable nor partitioned: there is nothing to drop "
			    "by age", t->display);
			return TSQ_EXIT_USAGE;
		}
		return TSQ_EXIT_OK;
	}
	if (!m->s.b.has_compression) {
		tsq_error("%s needs TimescaleDB, or Citus with citus_columnar: plain PostgreSQL "
		    "has no compression", option);
		return TSQ_EXIT_UNAVAILABLE;
	}
	if (!maint_compressible(m, t)) {
		tsq_error("%s cannot be compressed: %s", t->display, maint_why_not_compressible(m));
		return TSQ_EXIT_USAGE;
	}
	return TSQ_EXIT_OK;
}

int
tsq_maint_act(struct tsq_maint *m, enum tsq_maint_action action, const char *option,
    const char *table, int64_t cut, int64_t from, int64_t to)
{
	struct tsq_relation t;
	int rc;

	if (!tsq_relation_lookup(m->s.conn, &m->s.b, table, &t))
		return TSQ_EXIT_USAGE;
	if ((rc = action_possible(m, action, option, &t)) == TSQ_EXIT_OK && maint_lock(m, &t)) {
		if (action == TSQ_MAINT_COMPRESS)
			maint_compress_older(m, &t, cut, INT64_MIN);
		else if (action == TSQ_MAINT_DECOMPRESS)
			maint_decompress(m, &t, from, to);
		else
			maint_drop_older(m, &t, cut, TSQ_POLICY_OFF, false);
		maint_unlock(m, &t);
	}
	tsq_relation_free(&t);
	return rc;
}

/*
 * The rollup V: its row of rollup_named.sql (name, bucket, unquoted name,
 * source), or NULL (reported, *RC set).
 */
static PGresult *
rollup_row(struct tsq_maint *m, const struct tsq_relation *v, int *rc)
{
	char path[64];
	const char *params[1] = { v->oid_text };
	PGresult *res;

	*rc = TSQ_EXIT_USAGE;
	if (tsq_backend_own_partitions(m->s.b.kind) && !m->has_rollup_tables) {
		tsq_error("%s is not a rollup: no rollups are installed here", v->display);
		return NULL;
	}
	if (!maint_checked(m, maint_backend_sql(m, "rollup_named.sql", path, sizeof path), 1, params,
	    &res)) {
		*rc = TSQ_EXIT_FAILURE;
		return NULL;
	}
	if (PQntuples(res) == 0 || PQgetisnull(res, 0, 3)) {
		tsq_error("%s is not a rollup (%s)", v->display, m->s.b.kind == TSQ_BACKEND_TIMESCALEDB ?
		    "a continuous aggregate" : "a table in tsq.rollups");
		PQclear(res);
		return NULL;
	}
	*rc = TSQ_EXIT_OK;
	return res;
}

/*
 * The rollup is named, not the table under it: the refresh takes the lock
 * of the raw table at the bottom of its ladder (as a run of that table
 * does) and goes no further back than that table's retention horizon.
 */
int
tsq_maint_refresh(struct tsq_maint *m, const char *rollup, int64_t from, int64_t to)
{
	struct tsq_relation v, raw;
	int rc;

	if (!tsq_relation_lookup(m->s.conn, &m->s.b, rollup, &v))
		return TSQ_EXIT_USAGE;
	PGresult *res = rollup_row(m, &v, &rc);
	tsq_relation_free(&v);
	if (res == NULL)
		return rc;
	struct maint_rollup r = { xstrdup(PQgetvalue(res, 0, 0)), xstrdup(PQgetvalue(res, 0, 2)),
	    maint_int64(res, 0, 1, 0) };
	bool found = tsq_relation_lookup(m->s.conn, &m->s.b, PQgetvalue(res, 0, 3), &raw);
	PQclear(res);
	if (!found) {
		rc = TSQ_EXIT_FAILURE;
	} else {
		if (maint_lock(m, &raw)) {
			maint_refresh_one(m, &raw, &r, from, to, maint_horizon(m, &raw));
			maint_unlock(m, &raw);
		}
		tsq_relation_free(&raw);
	}
	free(r.reg);
	free(r.name);
	return rc;
}

/* ---- stored policies ---- */

static enum tsq_policy_table
table_kind(const struct tsq_relation *t)
{
	if (t->hypertable)
		return TSQ_POLICY_HYPERTABLE;
	return t->relkind == 'p' ? TSQ_POLICY_PARTITIONED : TSQ_POLICY_PLAIN;
}

/* Whether P suits T and the rollups that read it: false (reported) when not. */
static bool
policy_fits(struct tsq_maint *m, const struct tsq_relation *t, const struct tsq_policy *p,
    int *rc)
{
	struct tsq_buf err = TSQ_BUF_INIT;
	struct tsq_policy_rollups w = { NULL, 0 };
	struct maint_rollup *r;
	int nr = maint_rollups_of(m, t, &r);

	if (nr < 0) {
		*rc = TSQ_EXIT_FAILURE;
		return false;
	}
	for (int i = 0; i < nr; i++) {
		if (w.widest == NULL || r[i].bucket > w.widest_bucket) {
			w.widest = r[i].reg;
			w.widest_bucket = r[i].bucket;
		}
	}
	bool ok = tsq_policy_check(p, table_kind(t), &w, &err);
	if (!ok) {
		tsq_error("policy of %s: %s", t->display, err.data);
		*rc = TSQ_EXIT_USAGE;
	}
	maint_rollups_free(r, nr);
	tsq_buf_free(&err);
	return ok;
}

/* Store P as T's policy (printed instead on --dry-run); false on failure (reported). */
static bool
policy_store(struct tsq_maint *m, const struct tsq_relation *t, const struct tsq_policy *p)
{
	char v[TSQ_POLICY_NSETTINGS][32];
	const char *params[2 + TSQ_POLICY_NSETTINGS] = { t->schema, t->name };

	if (m->o->dry_run) {
		struct tsq_buf line = TSQ_BUF_INIT;
		tsq_buf_addf(&line, "set policy of %s:", t->display);
		for (int i = 0; i < TSQ_POLICY_NSETTINGS; i++) {
			tsq_buf_addf(&line, "%s %s=", i ? "," : "", tsq_policy_setting_name(i));
			if (p->usec[i] == TSQ_POLICY_OFF)
				tsq_buf_adds(&line, "off");
			else
				tsq_policy_format_duration(p->usec[i], &line);
		}
		printf("%s\n", line.data);
		tsq_buf_free(&line);
		return true;
	}
	for (int i = 0; i < TSQ_POLICY_NSETTINGS; i++) {
		snprintf(v[i], sizeof v[i], "%" PRId64, p->usec[i]);
		params[2 + i] = p->usec[i] == TSQ_POLICY_OFF ? NULL : v[i];
	}
	return maint_checked(m, "compress/policy_set.sql", 2 + TSQ_POLICY_NSETTINGS, params, NULL);
}

int
tsq_maint_set_policy(struct tsq_maint *m, const char *table, const char *settings)
{
	struct tsq_relation t;
	struct tsq_policy p;
	struct tsq_buf err = TSQ_BUF_INIT;
	int rc = TSQ_EXIT_OK;

	if (!tsq_relation_lookup(m->s.conn, &m->s.b, table, &t))
		return TSQ_EXIT_USAGE;
	if (policy_load(m, &t, &p) < 0) {
		rc = TSQ_EXIT_FAILURE;
	} else if (!tsq_policy_parse(settings, &p, &err)) {
		tsq_error("%s", err.data);
		rc = TSQ_EXIT_USAGE;
	} else if (policy_fits(m, &t, &p, &rc)) {
		if (!policy_store(m, &t, &p))
			rc = TSQ_EXIT_FAILURE;
		else if (m->o->native)
			maint_native_sync(m, &t, &p, false);
		else if (!m->o->dry_run && t.hypertable && m->s.b.kind == TSQ_BACKEND_TIMESCALEDB)
			maint_native_sync(m, &t, &p, true);	/* the jobs there stay in step */
	}
	tsq_buf_free(&err);
	tsq_relation_free(&t);
	return rc;
}

int
tsq_maint_remove_policy(struct tsq_maint *m, const char *table)
{
	struct tsq_relation t;
	const char *params[2];
	PGresult *res;
	int rc = TSQ_EXIT_OK;

	if (!tsq_relation_lookup(m->s.conn, &m->s.b, table, &t))
		return TSQ_EXIT_USAGE;
	params[0] = t.schema;
	params[1] = t.name;
	if (m->o->dry_run) {
		printf("remove policy of %s\n", t.display);
	} else if (!maint_checked(m, "compress/policy_remove.sql", 2, params, &res)) {
		rc = TSQ_EXIT_FAILURE;
	} else {
		int n = PQntuples(res);
		PQclear(res);
		if (n == 0 && !m->o->native) {
			tsq_error("%s has no stored policy", t.display);
			rc = TSQ_EXIT_USAGE;
		}
	}
	if (rc == TSQ_EXIT_OK && m->o->native) {
		struct tsq_policy none;
		tsq_policy_init(&none);
		maint_native_sync(m, &t, &none, false);
	}
	tsq_relation_free(&t);
	return rc;
}

int
tsq_maint_policies(struct tsq_maint *m, char *const *names, int n, PGresult **out)
{
	struct tsq_buf oids = TSQ_BUF_INIT;
	char (*oid)[16] = xcalloc((size_t)n + 1, sizeof *oid);
	const char **elems = xcalloc((size_t)n + 1, sizeof *elems);
	int rc = TSQ_EXIT_OK;

	*out = NULL;
	for (int i = 0; i < n && rc == TSQ_EXIT_OK; i++) {
		struct tsq_relation t;
		if (!tsq_relation_lookup(m->s.conn, &m->s.b, names[i], &t)) {
			rc = TSQ_EXIT_USAGE;
			break;
		}
		snprintf(oid[i], sizeof oid[i], "%s", t.oid_text);
		elems[i] = oid[i];
		tsq_relation_free(&t);
	}
	tsq_array_literal(&oids, elems, n);
	const char *params[1] = { n ? oids.data : NULL };
	if (rc == TSQ_EXIT_OK && !maint_checked(m, "compress/policy_show.sql", 1, params, out))
		rc = TSQ_EXIT_FAILURE;
	tsq_buf_free(&oids);
	free(elems);
	free(oid);
	return rc;
}
