/*
 * journal.c - the SQL a maintenance run sends, each action recorded in
 * tsq.policy_runs and logged (or printed on --dry-run), the table's lock
 * (maint.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cancel.h"
#include "datetime.h"
#include "log.h"
#include "maint-int.h"
#include "mem.h"
#include "rejects.h"
#include "script.h"

PGresult *
maint_sql(struct tsq_maint *m, const char *path, int n, const char *const *params)
{
	return tsq_exec(m->s.conn, tsq_sql_file(path), n, params);
}

/* Run SQL whose failure ends the tool: false after reporting it. */
bool
maint_checked(struct tsq_maint *m, const char *path, int n, const char *const *params,
    PGresult **out)
{
	PGresult *res = maint_sql(m, path, n, params);

	if (!tsq_result_ok(res)) {
		tsq_report_result(res);
		PQclear(res);
		return false;
	}
	if (out)
		*out = res;
	else
		PQclear(res);
	return true;
}

const char *
maint_backend_sql(const struct tsq_maint *m, const char *name, char *buf, size_t size)
{
	return tsq_backend_sql(m->s.b.kind, name, buf, size);
}

int64_t
maint_int64(const PGresult *res, int row, int col, int64_t if_null)
{
	return PQgetisnull(res, row, col) ? if_null : strtoll(PQgetvalue(res, row, col), NULL, 10);
}

void
maint_range_end(int64_t usec, bool low, char out[TSQ_TIME_BUFSIZE])
{
	if (usec == INT64_MIN || usec == INT64_MAX)
		snprintf(out, TSQ_TIME_BUFSIZE, "%s", low ? "-infinity" : "infinity");
	else
		tsq_format_time(usec, out);
}

static void
describe_action(const struct maint_action *a, struct tsq_buf *out)
{
	char from[TSQ_TIME_BUFSIZE], to[TSQ_TIME_BUFSIZE];

	if (strcmp(a->what, "job") == 0) {
		tsq_buf_adds(out, a->target);
		return;
	}
	tsq_buf_addf(out, "%s %s %s", a->what, a->target,
	    strcmp(a->what, "rollup") == 0 ? "over" : "of");
	if (strcmp(a->what, "rollup") != 0)
		tsq_buf_addf(out, " %s", a->table->display);
	if (a->from != INT64_MIN || a->to != INT64_MAX || strcmp(a->what, "rollup") == 0) {
		maint_range_end(a->from, true, from);
		maint_range_end(a->to, false, to);
		tsq_buf_addf(out, " [%s, %s)", from, to);
	}
}

static json_t *
json_int_or_null(int64_t v)
{
	return v < 0 ? json_null() : json_integer((json_int_t)v);
}

static void
log_action(const struct maint_action *a, const char *status, double seconds, const char *error)
{
	struct tsq_buf msg = TSQ_BUF_INIT;
	json_t *f = json_object();

	json_object_set_new(f, "table", tsq_json_text(a->table->display, strlen(a->table->display)));
	json_object_set_new(f, "action", json_string(a->kind));
	json_object_set_new(f, a->what, tsq_json_text(a->target, strlen(a->target)));
	json_object_set_new(f, "bytes_before", json_int_or_null(a->bytes_before));
	json_object_set_new(f, "bytes_after", json_int_or_null(a->bytes_after));
	json_object_set_new(f, "rows", json_int_or_null(a->rows));
	json_object_set_new(f, "seconds", json_real(seconds));
	json_object_set_new(f, "status", json_string(status));
	if (error)
		json_object_set_new(f, "error", tsq_json_text(error, strlen(error)));
	tsq_buf_addf(&msg, "%s: %s ", status, a->kind);
	describe_action(a, &msg);
	if (a->bytes_before >= 0 && a->bytes_after >= 0)
		tsq_buf_addf(&msg, ", %" PRId64 " -> %" PRId64 " bytes", a->bytes_before, a->bytes_after);
	else if (a->bytes_before >= 0)
		tsq_buf_addf(&msg, ", %" PRId64 " bytes", a->bytes_before);
	if (a->rows >= 0)
		tsq_buf_addf(&msg, ", %" PRId64 " %s", a->rows,
		    strcmp(a->kind, "premake") == 0 ? "partitions created" : "rows written");
	tsq_buf_addf(&msg, " (%.3f s)", seconds);
	tsq_log_event(f, "%s", msg.data);
	tsq_buf_free(&msg);
}

/* The record of action A, started; its id in ID ("" when it could not be written). */
static void
record_begin(struct tsq_maint *m, const struct maint_action *a, char id[32])
{
	char from[TSQ_TIME_BUFSIZE], to[TSQ_TIME_BUFSIZE], bytes[32];
	const char *params[8] = { a->table->schema, a->table->name, a->kind, a->target,
	    NULL, NULL, NULL, m->run };

	if (a->from != INT64_MIN) {
		tsq_format_time(a->from, from);
		params[4] = from;
	}
	if (a->to != INT64_MAX) {
		tsq_format_time(a->to, to);
		params[5] = to;
	}
	if (a->bytes_before >= 0) {
		snprintf(bytes, sizeof bytes, "%" PRId64, a->bytes_before);
		params[6] = bytes;
	}
	id[0] = '\0';
	if (m->run[0] == '\0') {
		/* The run's number, taken when it first records an action. */
		PGresult *r = tsq_exec(m->s.conn, "SELECT nextval('tsq.policy_run_ids')", 0, NULL);
		if (tsq_result_ok(r))
			snprintf(m->run, sizeof m->run, "%s", PQgetvalue(r, 0, 0));
		else
			tsq_report_result(r);
		PQclear(r);
	}
	params[7] = m->run[0] ? m->run : NULL;
	PGresult *res = maint_sql(m, "compress/run_begin.sql", 8, params);
	if (tsq_result_ok(res))
		snprintf(id, 32, "%s", PQgetvalue(res, 0, 0));
	else
		tsq_report_result(res);
	PQclear(res);
}

static void
record_end(struct tsq_maint *m, const struct maint_action *a, const char *id, const char *status,
    const char *error)
{
	char bytes[32], rows[32], before[32];
	const char *params[6] = { id, status, error, NULL, NULL, NULL };

	if (*id == '\0')
		return;
	if (a->bytes_after >= 0) {
		snprintf(bytes, sizeof bytes, "%" PRId64, a->bytes_after);
		params[3] = bytes;
	}
	if (a->rows >= 0) {
		snprintf(rows, sizeof rows, "%" PRId64, a->rows);
		params[4] = rows;
	}
	if (a->bytes_before >= 0) {
		snprintf(before, sizeof before, "%" PRId64, a->bytes_before);
		params[5] = before;
	}
	PGresult *res = maint_sql(m, "compress/run_end.sql", 6, params);
	if (!tsq_result_ok(res))
		tsq_report_result(res);
	PQclear(res);
}

/*
 * Do action A: run SQL file PATH with PARAMS (one statement, its own
 * transaction).  When AFTER is given it reads the result (rows, bytes).
 * A failure is reported and counted; the run goes on.
 */
bool
maint_do(struct tsq_maint *m, struct maint_action *a, const char *path, int n, const char *const *params,
    void (*after)(struct tsq_maint *, struct maint_action *, const PGresult *))
{
	if (m->o->dry_run) {
		struct tsq_buf line = TSQ_BUF_INIT;
		tsq_buf_addf(&line, "%s ", a->kind);
		describe_action(a, &line);
		printf("%s\n", line.data);
		tsq_buf_free(&line);
		return true;
	}
	char id[32];
	record_begin(m, a, id);
	int64_t started = tsq_now_usec();
	tsq_cancel_running(true);
	PGresult *res = maint_sql(m, path, n, params);
	tsq_cancel_running(false);
	double seconds = (double)(tsq_now_usec() - started) / 1e6;
	if (!tsq_result_ok(res)) {
		struct tsq_buf msg = TSQ_BUF_INIT, what = TSQ_BUF_INIT;
		tsq_result_message(res, m->s.conn, &msg);
		describe_action(a, &what);
		tsq_error("could not %s %s: %s", a->kind, what.data, msg.data);
		tsq_report_details(res);
		record_end(m, a, id, tsq_cancel_signal() ? "interrupted" : "failed", msg.data);
		log_action(a, "failed", seconds, msg.data);
		tsq_buf_free(&msg);
		tsq_buf_free(&what);
		PQclear(res);
		m->failures++;
		return false;
	}
	if (after)
		after(m, a, res);
	PQclear(res);
	record_end(m, a, id, "ok", NULL);
	log_action(a, "ok", seconds, NULL);
	return true;
}

/* Take T's lock.  False when another run holds it (reported, or quietly skipped). */
bool
maint_lock(struct tsq_maint *m, const struct tsq_relation *t)
{
	const char *params[2] = { t->oid_text, NULL };
	PGresult *res;

	if (!maint_checked(m, "compress/lock.sql", 1, params, &res)) {
		m->failures++;
		return false;
	}
	bool got = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	if (got) {
		const char *p[2] = { t->schema, t->name };
		if (!m->o->dry_run && !maint_checked(m, "compress/run_interrupted.sql", 2, p, NULL))
			m->failures++;
		return true;
	}
	struct tsq_buf holder = TSQ_BUF_INIT;
	res = maint_sql(m, "compress/lock_holder.sql", 1, params);
	if (tsq_result_ok(res) && PQntuples(res) == 1) {
		tsq_buf_adds(&holder, " (");
		if (!PQgetisnull(res, 0, 2))
			tsq_buf_addf(&holder, "%s, ", PQgetvalue(res, 0, 2));
		if (!PQgetisnull(res, 0, 3))
			tsq_buf_addf(&holder, "from %s, ", PQgetvalue(res, 0, 3));
		tsq_buf_addf(&holder, "server pid %s, connected %s)", PQgetvalue(res, 0, 0),
		    PQgetisnull(res, 0, 1) ? "at an unknown time" : PQgetvalue(res, 0, 1));
	}
	PQclear(res);
	if (m->o->skip_if_locked) {
		tsq_verbose("skipped %s: another run holds it%s", t->display, holder.data);
	} else {
		tsq_error("%s is being worked on by another run%s", t->display, holder.data);
		m->locked_out = true;
	}
	tsq_buf_free(&holder);
	return false;
}

void
maint_unlock(struct tsq_maint *m, const struct tsq_relation *t)
{
	const char *params[1] = { t->oid_text };
	PGresult *res = maint_sql(m, "compress/unlock.sql", 1, params);
	PQclear(res);
}

