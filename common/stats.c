/* stats.c - tsq-stats' session, its tables, and the views of rows it reads whole (stats.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit.h"
#include "ident.h"
#include "log.h"
#include "mem.h"
#include "pgcodes.h"
#include "prom.h"
#include "script.h"
#include "stats-int.h"

int
tsq_stats_open(struct tsq_stats *s, const struct tsq_stats_opts *o,
    const struct tsq_conn_opts *conn)
{
	PGresult *res;
	int rc;

	memset(s, 0, sizeof *s);
	s->o = o;
	if ((rc = tsq_session_open(&s->s, conn, "public")) != TSQ_EXIT_OK)
		return rc;
	char ms[32];
	snprintf(ms, sizeof ms, "%lld", (long long)(o->timeout_usec / 1000));
	const char *tp[1] = { ms };
	if (!stats_checked(s, "stats/session.sql", 1, tp, &res))
		return TSQ_EXIT_FAILURE;
	PQclear(res);
	if (!stats_checked(s, "stats/server.sql", 0, NULL, &res))
		return s->timed_out ? TSQ_EXIT_TEMPFAIL : TSQ_EXIT_FAILURE;
	s->version = stats_dup(res, 0, 0);
	s->ts_version = stats_dup(res, 0, 1);
	s->license = stats_dup(res, 0, 2);
	s->database = stats_dup(res, 0, 3);
	s->database_bytes = stats_int64(res, 0, 4, -1);
	TSQ_PG_FLAGS(res, 0, 5, &s->scheduler, &s->has_writes, &s->has_nodes, &s->has_policies,
	    &s->has_runs, &s->has_rollups, &s->has_partitions, &s->has_newest_row);
	PQclear(res);
	tsq_prom_fix("database", s->database ? s->database : "");
	for (int i = 0; i < o->nlabels; i++) {
		char *eq = strchr(o->labels[i], '=');
		char *name = xstrndup(o->labels[i], eq ? (size_t)(eq - o->labels[i]) : 0);
		tsq_prom_fix(name, eq ? eq + 1 : "");
		free(name);
	}
	return TSQ_EXIT_OK;
}

void
tsq_stats_close(struct tsq_stats *s)
{
	tsq_opt_list_free(s->tables, s->ntables);
	tsq_buf_free(&s->table_array);
	PQclear(s->cluster);
	TSQ_FREE(s->version, s->ts_version, s->license, s->database, s->reading);
	tsq_prom_fix_clear();
	tsq_session_close(&s->s);
}

/* Table NAME, found by the server, into the list; false (reported) when it is not one. */
static bool
table_add(struct tsq_stats *s, const char *name)
{
	struct tsq_relation r;

	if (!tsq_relation_lookup(s->s.conn, NULL, name, &r))
		return false;
	s->tables[s->ntables++] = r.display;
	r.display = NULL;
	tsq_relation_free(&r);
	return true;
}

int
tsq_stats_tables(struct tsq_stats *s, char *const *names, int n, enum tsq_stats_view view)
{
	static char *const ohlcv[] = { "ohlcv" };
	PGresult *res = NULL;

	if (view == TSQ_STATS_QUERIES)
		return TSQ_EXIT_OK;	/* statements, not tables */
	if (n == 0 && view == TSQ_STATS_SYMBOLS) {
		names = ohlcv;
		n = 1;
	} else if (n == 0 && view == TSQ_STATS_QUALITY) {
		/* The candles, trades and quotes there are. */
		if (!stats_checked(s, "stats/quality_tables.sql", 0, NULL, &res))
			return TSQ_EXIT_FAILURE;
		n = PQntuples(res);
	} else if (n == 0 && s->has_policies) {
		if (!stats_checked(s, "stats/tables.sql", 0, NULL, &res))
			return TSQ_EXIT_FAILURE;
		n = PQntuples(res);
	}
	s->tables = xcalloc((size_t)n + 1, sizeof *s->tables);
	bool ok = true;
	for (int i = 0; i < n && ok; i++)
		ok = table_add(s, res ? PQgetvalue(res, i, 0) : names[i]);
	PQclear(res);
	if (!ok)
		return TSQ_EXIT_USAGE;
	/* As a regclass[] literal for the SQL that filters by table. */
	tsq_array_literal(&s->table_array, (const char *const *)s->tables, s->ntables);
	return TSQ_EXIT_OK;
}

bool
stats_checked(struct tsq_stats *s, const char *path, int n, const char *const *params,
    PGresult **out)
{
	PGresult *res = tsq_exec(s->s.conn, tsq_sql_file(path), n, params);

	if (!tsq_result_ok(res)) {
		stats_failed(s, res);
		PQclear(res);
		return false;
	}
	*out = res;
	return true;
}

void
stats_failed(struct tsq_stats *s, const PGresult *res)
{
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

	if (s->o->timeout_usec <= 0 || state == NULL || (strcmp(state, TSQ_STATE_QUERY_CANCELED) != 0 &&
	    strcmp(state, TSQ_STATE_LOCK_NOT_AVAILABLE) != 0)) {
		tsq_report_result(res);
		return;
	}
	s->timed_out = true;
	tsq_error("could not read %s within --timeout %s: %s", s->reading ? s->reading : "the catalog",
	    s->o->timeout_text ? s->o->timeout_text : "", PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
	tsq_hint("another session holds a lock on it (a compression, a drop or a refresh under "
	    "way?): see pg_locks, or give a longer --timeout");
}

int64_t
stats_int64(const PGresult *res, int row, int col, int64_t if_null)
{
	return PQgetisnull(res, row, col) ? if_null : strtoll(PQgetvalue(res, row, col), NULL, 10);
}

char *
stats_dup(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : xstrdup(PQgetvalue(res, row, col));
}

void
stats_put_int(char *buf, size_t size, int64_t v, const char **slot)
{
	if (v < 0) {
		*slot = NULL;
		return;
	}
	snprintf(buf, size, "%" PRId64, v);
	*slot = buf;
}

struct tsq_out
stats_out_begin(struct tsq_stats *s, int ncols, char *const *names, const unsigned int *types)
{
	struct tsq_out out = { 0 };

	out.f = s->out->f;
	out.format = s->out->format;
	out.header = s->out->header;
	out.footer = false;
	out.digits = 12;
	tsq_out_begin(&out, ncols, names, types);
	return out;
}

PGresult *
stats_run(struct tsq_stats *s, char *sql, int n, const char *const *params)
{
	PGresult *res = tsq_exec(s->s.conn, sql, n, params);

	free(sql);
	if (tsq_result_ok(res))
		return res;
	stats_failed(s, res);
	PQclear(res);
	return NULL;
}

bool
stats_row_names(struct tsq_stats *s, struct stats_row *r, const char *reg)
{
	struct tsq_relation rel;

	free(s->reading);
	s->reading = xstrdup(reg);
	if (!tsq_relation_lookup(s->s.conn, &s->s.b, reg, &rel))
		return false;
	r->schema = rel.schema;
	r->name = rel.name;
	r->display = rel.display;
	r->kind = rel.hypertable ? "hypertable" : rel.relkind == 'p' ? "partitioned" :
	    rel.relkind == 'v' ? "view" : rel.relkind == 'm' ? "materialized view" : "table";
	return true;
}

void
stats_row_free(struct stats_row *r)
{
	TSQ_FREE(r->schema, r->name, r->display, r->source, r->time_min, r->time_max,
	    r->last_insert);
}

bool
stats_node_rows(struct tsq_stats *s, int i, struct stats_row *r, PGresult **res)
{
	*res = NULL;
	if (!stats_row_names(s, r, s->tables[i]))
		return false;
	const char *p[1] = { s->tables[i] };
	return stats_checked(s, "citus/stats_nodes.sql", 1, p, res);
}

/* ---- --policies ---- */

static int
policies(struct tsq_stats *s)
{
	static char *names[] = { "source", "schema", "table", "action", "scheduled", "schedule_seconds",
	    "last_start", "last_finish", "status", "last_error", "last_success", "next_start",
	    "failures" };
	static const unsigned int types[] = { TSQ_OID_TEXT, TSQ_OID_TEXT, TSQ_OID_TEXT,
	    TSQ_OID_TEXT, TSQ_OID_BOOL, TSQ_OID_FLOAT8, TSQ_OID_TIMESTAMPTZ, TSQ_OID_TIMESTAMPTZ,
	    TSQ_OID_TEXT, TSQ_OID_TEXT, TSQ_OID_TIMESTAMPTZ, TSQ_OID_TIMESTAMPTZ, TSQ_OID_INT8 };
	enum { NCOLS = sizeof names / sizeof names[0] };
	const char *p[1] = { s->table_array.data };
	PGresult *runs = NULL, *overdue = NULL, *jobs = NULL, *differ = NULL;
	int rc = TSQ_EXIT_FAILURE;

	bool has = s->has_runs;

	if (has && !stats_checked(s, "stats/policy_runs.sql", 1, p, &runs))
		goto out;
	if (has && s->s.b.kind == TSQ_BACKEND_TIMESCALEDB &&
	    !stats_checked(s, "timescaledb/stats_overdue.sql", 1, p, &overdue))
		goto out;
	if (s->s.b.kind == TSQ_BACKEND_TIMESCALEDB && s->s.b.has_policies &&
	    !stats_checked(s, "timescaledb/stats_jobs.sql", 1, p, &jobs))
		goto out;
	if (jobs && s->has_policies && !stats_checked(s, "timescaledb/stats_jobs_differ.sql", 0, NULL,
	    &differ))
		goto out;
	struct tsq_out out = stats_out_begin(s, NCOLS, names, types);
	for (int i = 0; runs && i < PQntuples(runs); i++) {
		const char *v[NCOLS] = { "tsq", PQgetvalue(runs, i, 0), PQgetvalue(runs, i, 1),
		    PQgetvalue(runs, i, 2), NULL, NULL };
		for (int c = 0; c < 4; c++)
			v[6 + c] = PQgetisnull(runs, i, 3 + c) ? NULL : PQgetvalue(runs, i, 3 + c);
		v[10] = PQgetisnull(runs, i, 7) ? NULL : PQgetvalue(runs, i, 7);
		v[12] = PQgetvalue(runs, i, 9);
		tsq_out_row(&out, (char *const *)v);
	}
	/* Compression that is behind is a failure, whatever the jobs report. */
	for (int i = 0; overdue && i < PQntuples(overdue); i++) {
		int64_t late = stats_int64(overdue, i, 2, 0);
		char msg[128], count[32];
		snprintf(msg, sizeof msg, "%" PRId64 " chunk%s older than compress_after not compressed",
		    late, late == 1 ? "" : "s");
		snprintf(count, sizeof count, "%" PRId64, late);
		const char *v[NCOLS] = { "tsq", PQgetvalue(overdue, i, 0), PQgetvalue(overdue, i, 1),
		    "compress_after", NULL, NULL, NULL, NULL, late ? "failed" : "ok",
		    late ? msg : NULL, NULL, NULL, count };
		tsq_out_row(&out, (char *const *)v);
	}
	for (int i = 0; jobs && i < PQntuples(jobs); i++) {
		char action[96];
		snprintf(action, sizeof action, "%s (job %s)", PQgetvalue(jobs, i, 1), PQgetvalue(jobs, i, 0));
		const char *v[NCOLS] = { "timescaledb", PQgetvalue(jobs, i, 2), PQgetvalue(jobs, i, 3),
		    action, PQgetvalue(jobs, i, 4), PQgetvalue(jobs, i, 5) };
		v[6] = PQgetisnull(jobs, i, 6) ? NULL : PQgetvalue(jobs, i, 6);
		v[8] = PQgetisnull(jobs, i, 8) ? NULL : PQgetvalue(jobs, i, 8);
		v[9] = PQgetisnull(jobs, i, 12) ? NULL : PQgetvalue(jobs, i, 12);
		v[10] = PQgetisnull(jobs, i, 7) ? NULL : PQgetvalue(jobs, i, 7);
		v[11] = PQgetisnull(jobs, i, 9) ? NULL : PQgetvalue(jobs, i, 9);
		v[12] = PQgetisnull(jobs, i, 11) ? NULL : PQgetvalue(jobs, i, 11);
		/* A job that does not apply the stored policy is a failure of the policy. */
		for (int d = 0; differ && d < PQntuples(differ); d++) {
			if (strcmp(PQgetvalue(differ, d, 0), PQgetvalue(jobs, i, 0)) == 0) {
				v[8] = "differs";
				v[9] = PQgetvalue(differ, d, 1);
			}
		}
		tsq_out_row(&out, (char *const *)v);
	}
	tsq_out_end(&out);
	tsq_out_free(&out);
	rc = TSQ_EXIT_OK;
out:
	PQclear(runs);
	PQclear(overdue);
	PQclear(jobs);
	PQclear(differ);
	return rc;
}

/* ---- views of a row per part of each table: --chunks, --nodes ---- */

/*
 * A view whose rows are those of a statement run for each table: the
 * table's schema and name, then the statement's columns.  ROWS_OF gives the
 * names of table I and its result (NULL: none), false on failure (reported).
 */
struct part_view {
	char *const *names;
	const unsigned int *types;
	int ncols;
	bool (*rows_of)(struct tsq_stats *s, int i, struct stats_row *r, PGresult **res);
};

static int
part_view(struct tsq_stats *s, const struct part_view *pv)
{
	struct tsq_out out = stats_out_begin(s, pv->ncols, pv->names, pv->types);
	const char *v[16] = { NULL };
	int rc = TSQ_EXIT_OK;

	for (int i = 0; i < s->ntables && rc == TSQ_EXIT_OK; i++) {
		struct stats_row r = { 0 };
		PGresult *res = NULL;
		if (!pv->rows_of(s, i, &r, &res))
			rc = TSQ_EXIT_FAILURE;
		v[0] = r.schema;
		v[1] = r.name;
		for (int k = 0; res && k < PQntuples(res); k++) {
			for (int c = 0; c < pv->ncols - 2; c++)
				v[2 + c] = PQgetisnull(res, k, c) ? NULL : PQgetvalue(res, k, c);
			tsq_out_row(&out, (char *const *)v);
		}
		PQclear(res);
		stats_row_free(&r);
	}
	tsq_out_end(&out);
	tsq_out_free(&out);
	return rc;
}

/* Table I's chunks or partitions (none for a table that has neither). */
static bool
chunk_rows(struct tsq_stats *s, int i, struct stats_row *r, PGresult **res)
{
	char own[64];
	const char *path = NULL;

	if (!stats_row_names(s, r, s->tables[i]))
		return false;
	const char *p[2] = { r->schema, r->name };
	if (tsq_backend_own_partitions(s->s.b.kind) && s->has_partitions)
		path = tsq_backend_sql(s->s.b.kind, "stats_chunks.sql", own, sizeof own);
	else if (strcmp(r->kind, "hypertable") == 0)
		path = "timescaledb/stats_chunks.sql";
	return path == NULL || stats_checked(s, path, 2, p, res);
}

static int
chunks_view(struct tsq_stats *s)
{
	static char *const names[] = { "schema", "table", "chunk", "range_start", "range_end", "rows",
	    "bytes", "bytes_before_compression", "state" };
	static const unsigned int types[] = { TSQ_OID_TEXT, TSQ_OID_TEXT, TSQ_OID_TEXT,
	    TSQ_OID_TIMESTAMPTZ, TSQ_OID_TIMESTAMPTZ, TSQ_OID_INT8, TSQ_OID_INT8, TSQ_OID_INT8,
	    TSQ_OID_TEXT };
	static const struct part_view pv = { names, types, sizeof names / sizeof names[0], chunk_rows };

	return part_view(s, &pv);
}

static int
nodes_view(struct tsq_stats *s)
{
	static char *const names[] = { "schema", "table", "node", "shards", "bytes", "rows",
	    "columnar_bytes", "columnar_bytes_before_compression", "distributed_by" };
	static const unsigned int types[] = { TSQ_OID_TEXT, TSQ_OID_TEXT, TSQ_OID_TEXT,
	    TSQ_OID_INT8, TSQ_OID_INT8, TSQ_OID_INT8, TSQ_OID_INT8, TSQ_OID_INT8, TSQ_OID_TEXT };
	static const struct part_view pv = { names, types, sizeof names / sizeof names[0],
	    stats_node_rows };

	if (!s->has_nodes) {
		tsq_error("--nodes needs a Citus cluster that tsq-init has set up (tsq.node_stats)");
		return TSQ_EXIT_UNAVAILABLE;
	}
	if (s->out->prometheus)
		return stats_prom_nodes(s, s->out->f) ? TSQ_EXIT_OK : TSQ_EXIT_FAILURE;
	return part_view(s, &pv);
}


int
tsq_stats_report(struct tsq_stats *s, enum tsq_stats_view view, const struct tsq_stats_out *out,
    bool *problems)
{
	int rc;

	*problems = false;
	s->out = out;
	static int (*const views[])(struct tsq_stats *) = {
		[TSQ_STATS_OVERVIEW] = stats_overview,
		[TSQ_STATS_POLICIES] = policies,
		[TSQ_STATS_CHUNKS] = chunks_view,
		[TSQ_STATS_SYMBOLS] = stats_symbols,
		[TSQ_STATS_NODES] = nodes_view,
		[TSQ_STATS_QUERIES] = stats_statements,
	};
	if (view == TSQ_STATS_QUALITY)
		rc = stats_quality(s, problems);
	else if (view == TSQ_STATS_POLICIES && out->prometheus)
		rc = stats_prom_policies(s, out->f) ? TSQ_EXIT_OK : TSQ_EXIT_FAILURE;
	else
		rc = views[view](s);
	s->out = NULL;
	return rc != TSQ_EXIT_OK && s->timed_out ? TSQ_EXIT_TEMPFAIL : rc;
}
