/*
 * metrics.c - the overview, the policies and the nodes of tsq-stats as
 * Prometheus metrics (stats.h, prom.h).
 */
#include <inttypes.h>
#include <math.h>
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

static void
prom_rows(FILE *f, const char *name, const char *help, const struct stats_row *rows, int n,
    bool rollups, double (*get)(const struct stats_row *))
{
	struct tsq_prom_sample *v = xcalloc((size_t)n + 1, sizeof *v);
	int k = 0;

	for (int i = 0; i < n; i++) {
		if ((strcmp(rows[i].kind, "rollup") == 0) != rollups)
			continue;
		double x = get(&rows[i]);
		if (x < 0 || isnan(x))
			continue;
		v[k++] = (struct tsq_prom_sample){ rows[i].schema, rows[i].name, NULL, x, NULL };
	}
	tsq_prom_metric(f, name, "gauge", help, v, k);
	free(v);
}

static double get_rows(const struct stats_row *r) { return (double)r->rows; }
static double get_total(const struct stats_row *r) { return (double)r->total; }
static double get_table(const struct stats_row *r) { return (double)r->table; }
static double get_index(const struct stats_row *r) { return (double)r->index; }
static double get_toast(const struct stats_row *r) { return (double)r->toast; }
static double get_parts(const struct stats_row *r) { return (double)r->partitions; }
static double get_compressed(const struct stats_row *r) { return (double)r->compressed; }
static double get_symbols(const struct stats_row *r) { return (double)r->symbols; }
static double get_newest(const struct stats_row *r) { return r->has_max ? (double)r->max_usec / 1e6 : -1; }
static double get_lag(const struct stats_row *r) { return r->has_lag ? (r->lag < 0 ? 0 : r->lag) : -1; }
static double get_loaded(const struct stats_row *r) { return r->last_insert ? (double)r->last_insert_usec / 1e6 : -1; }

static double
get_ratio(const struct stats_row *r)
{
	return r->before > 0 && r->after >= 0 ? (double)r->after / (double)r->before : -1;
}

/* The rows of tsq.node_stats for the asked-for table I; false (reported) on failure. */
bool
stats_prom_nodes(struct tsq_stats *s, FILE *f)
{
	static const struct {
		const char *name, *help;
		int col;
	} metrics[] = {
		{ "tsq_node_table_shards",
		    "Shards of the table (of all its partitions) on the node.", 1 },
		{ "tsq_node_table_size_bytes", "Bytes of the table's shards on the node.", 2 },
		{ "tsq_node_table_rows",
		    "Rows of the table on the node (the shards' estimate).", 3 },
		{ "tsq_node_table_columnar_bytes",
		    "Bytes of the table's columnar (compressed) shards "
		    "on the node.", 4 },
	};
	enum { NMETRICS = sizeof metrics / sizeof metrics[0] };
	PGresult **res = xcalloc((size_t)s->ntables + 1, sizeof *res);
	struct stats_row *r = xcalloc((size_t)s->ntables + 1, sizeof *r);
	bool ok = true;
	int total = 0;

	for (int i = 0; i < s->ntables && ok; i++) {
		ok = stats_node_rows(s, i, &r[i], &res[i]);
		total += res[i] ? PQntuples(res[i]) : 0;
	}
	struct tsq_prom_sample *v = xcalloc((size_t)total + 1, sizeof *v);
	for (int m = 0; m < NMETRICS && ok; m++) {
		int k = 0;
		for (int i = 0; i < s->ntables; i++)
			for (int j = 0; res[i] && j < PQntuples(res[i]); j++)
				if (!PQgetisnull(res[i], j, metrics[m].col))
					v[k++] = (struct tsq_prom_sample){ r[i].schema, r[i].name,
					    PQgetvalue(res[i], j, 0),
					    strtod(PQgetvalue(res[i], j, metrics[m].col), NULL), "node" };
		tsq_prom_metric(f, metrics[m].name, "gauge", metrics[m].help, v, k);
	}
	for (int i = 0; i < s->ntables; i++) {
		PQclear(res[i]);
		stats_row_free(&r[i]);
	}
	free(v);
	free(r);
	free(res);
	return ok;
}

/*
 * A gauge from a column of a statement's rows: a sample per row, labelled
 * schema, table and action from the columns LABELS, valued by COL: its
 * number, or with ONE_IF 1 when the text is that and 0 otherwise.  A NULL
 * is no sample, or with NULL_IS_ZERO a sample of 0.
 */
struct col_gauge {
	const char *name, *help;
	int col;
	bool null_is_zero;
	const char *one_if;
};

static void
column_gauges(FILE *f, const PGresult *res, const int labels[3], const struct col_gauge *g,
    size_t ng)
{
	int n = PQntuples(res);
	struct tsq_prom_sample *v = xcalloc((size_t)n + 1, sizeof *v);

	for (size_t m = 0; m < ng; m++) {
		int k = 0;
		for (int i = 0; i < n; i++) {
			const char *t = PQgetvalue(res, i, g[m].col);
			if (PQgetisnull(res, i, g[m].col) && !g[m].null_is_zero)
				continue;
			v[k++] = (struct tsq_prom_sample){ PQgetvalue(res, i, labels[0]),
			    PQgetvalue(res, i, labels[1]), PQgetvalue(res, i, labels[2]),
			    g[m].one_if ? strcmp(t, g[m].one_if) == 0 : strtod(t, NULL), NULL };
		}
		tsq_prom_metric(f, g[m].name, "gauge", g[m].help, v, k);
	}
	free(v);
}

/* Policy metrics: what tsq-compress recorded, chunks overdue, TimescaleDB's jobs. */
bool
stats_prom_policies(struct tsq_stats *s, FILE *f)
{
	static const int run_labels[3] = { 0, 1, 2 }, job_labels[3] = { 2, 3, 1 };
	static const struct col_gauge runs[] = {
		{ "tsq_policy_last_success_timestamp_seconds",
		    "When the last successful action of tsq-compress on the table ended.", 10, false, NULL },
		{ "tsq_policy_last_success_duration_seconds",
		    "How long the last successful action of tsq-compress on the table took.", 8, false, NULL },
		{ "tsq_policy_failures",
		    "Actions of tsq-compress on the table that failed since the last success.", 9, true, NULL },
	};
	static const struct col_gauge jobs[] = {
		{ "tsq_timescaledb_job_consecutive_failures",
		    "Consecutive failures of TimescaleDB's own policy job (action: its procedure).", 11,
		    true, NULL },
		{ "tsq_timescaledb_job_last_run_success",
		    "1 when the last run of TimescaleDB's own policy job succeeded.", 8, true, "Success" },
		{ "tsq_timescaledb_job_last_success_timestamp_seconds",
		    "When TimescaleDB's own policy job last finished successfully.", 13, false, NULL },
	};
	const char *p[1] = { s->table_array.data };
	bool has = s->has_runs;
	PGresult *res;

	if (has) {
		if (!stats_checked(s, "stats/policy_runs.sql", 1, p, &res))
			return false;
		column_gauges(f, res, run_labels, runs, sizeof runs / sizeof runs[0]);
		PQclear(res);
	}
	if (s->s.b.kind != TSQ_BACKEND_TIMESCALEDB)
		return true;
	if (has) {
		if (!stats_checked(s, "timescaledb/stats_overdue.sql", 1, p, &res))
			return false;
		int n = PQntuples(res);
		struct tsq_prom_sample *v = xcalloc((size_t)n + 1, sizeof *v);
		for (int i = 0; i < n; i++)
			v[i] = (struct tsq_prom_sample){ PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), NULL,
			    strtod(PQgetvalue(res, i, 2), NULL), NULL };
		tsq_prom_metric(f, "tsq_chunks_overdue", "gauge",
		    "Chunks older than the table's compress_after that are not fully compressed.", v, n);
		free(v);
		PQclear(res);
	}
	if (!s->s.b.has_policies)
		return true;
	if (!stats_checked(s, "timescaledb/stats_jobs.sql", 1, p, &res))
		return false;
	column_gauges(f, res, job_labels, jobs, sizeof jobs / sizeof jobs[0]);
	PQclear(res);
	return true;
}

bool
stats_prom_overview(struct tsq_stats *s, const struct stats_row *rows, int n)
{
	FILE *f = s->out->f;
	struct tsq_prom_sample one = { 0 };

	fprintf(f, "# HELP tsq_server_info The server tsq-stats read: versions in the labels.\n"
	    "# TYPE tsq_server_info gauge\n");
	tsq_prom_open(f, "tsq_server_info");
	tsq_prom_next(f);
	tsq_prom_label(f, "version", s->version);
	tsq_prom_next(f);
	tsq_prom_label(f, "timescaledb", s->ts_version ? s->ts_version : "");
	tsq_prom_next(f);
	tsq_prom_label(f, "license", s->license ? s->license : "");
	tsq_prom_close(f, 1);
	one.value = (double)s->database_bytes;
	tsq_prom_metric(f, "tsq_database_size_bytes", "gauge", "Size of the database on disk.", &one, 1);
	if (s->s.b.kind == TSQ_BACKEND_TIMESCALEDB) {
		one.value = s->scheduler;
		tsq_prom_metric(f, "tsq_timescaledb_scheduler_running", "gauge",
		    "1 when TimescaleDB's job scheduler runs for this database.", &one, 1);
	}
	static const struct {
		const char *name, *help;
		bool rollups;
		double (*get)(const struct stats_row *);
	} gauges[] = {
		{ "tsq_table_rows",
		    "Rows of the table (the planner's estimate unless --exact).", false, get_rows },
		{ "tsq_table_size_bytes",
		    "Total size of the table: heap, indexes, TOAST, compressed chunks.", false, get_total },
		{ "tsq_table_heap_bytes", "Size of the table's heap.", false, get_table },
		{ "tsq_table_index_bytes", "Size of the table's indexes.", false, get_index },
		{ "tsq_table_toast_bytes", "Size of the table's TOAST.", false, get_toast },
		{ "tsq_table_chunks",
		    "Chunks (TimescaleDB) or partitions (PostgreSQL).", false, get_parts },
		{ "tsq_table_compressed_chunks", "Compressed chunks.", false, get_compressed },
		{ "tsq_table_compressed_size_ratio",
		    "Size of the compressed chunks after compression over their size before (0-1).", false, get_ratio },
		{ "tsq_table_symbols",
		    "Distinct symbols (the planner's estimate unless --exact).", false, get_symbols },
		{ "tsq_table_newest_timestamp_seconds",
		    "Time of the newest row.", false, get_newest },
		{ "tsq_table_last_insert_timestamp_seconds",
		    "When tsq-load last committed rows to the table.", false, get_loaded },
		{ "tsq_rollup_size_bytes",
		    "Total size of the rollup's materialized data.", true, get_total },
		{ "tsq_rollup_lag_seconds",
		    "How far the rollup's newest bucket is behind the newest row of the table it reads.", true, get_lag },
	};
	for (size_t g = 0; g < sizeof gauges / sizeof gauges[0]; g++)
		prom_rows(f, gauges[g].name, gauges[g].help, rows, n, gauges[g].rollups, gauges[g].get);
	if (s->has_nodes && !stats_prom_nodes(s, f))
		return false;
	return stats_prom_policies(s, f);
}

