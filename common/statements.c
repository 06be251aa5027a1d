/*
 * statements.c - tsq-stats --queries: the statements that cost the most,
 * from pg_stat_statements (stats.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit.h"
#include "log.h"
#include "mem.h"
#include "pgcodes.h"
#include "prom.h"
#include "script.h"
#include "stats-int.h"

/* The schema of pg_stat_statements, quoted, or NULL after saying how to get it (exit 69). */
static char *
statements_schema(struct tsq_stats *s)
{
	PGresult *res;
	char *schema = NULL;

	if (!stats_checked(s, "stats/statements_check.sql", 0, NULL, &res))
		return NULL;
	bool loaded = PQgetvalue(res, 0, 1)[0] == 't';
	bool available = PQgetvalue(res, 0, 3)[0] == 't';
	if (!available) {
		tsq_error("--queries reads pg_stat_statements, which this server does not have");
		tsq_hint("install PostgreSQL's contrib modules (Debian's postgresql-15 has them), add "
		    "pg_stat_statements to shared_preload_libraries in postgresql.conf, restart the "
		    "server, then run CREATE EXTENSION pg_stat_statements in this database");
	} else if (!loaded) {
		const char *now = PQgetvalue(res, 0, 2);
		tsq_error("--queries reads pg_stat_statements, and the server does not load it");
		tsq_hint("set shared_preload_libraries = '%s%spg_stat_statements' in postgresql.conf "
		    "(or with ALTER SYSTEM), restart the server, then run CREATE EXTENSION "
		    "pg_stat_statements in this database", now, *now ? "," : "");
	} else if (PQgetisnull(res, 0, 0)) {
		tsq_error("--queries reads pg_stat_statements: the server loads it, and this "
		    "database has not created the extension");
		tsq_hint("run CREATE EXTENSION pg_stat_statements in this database");
	} else {
		schema = xstrdup(PQgetvalue(res, 0, 0));
	}
	PQclear(res);
	return schema;
}

/* The statements as Prometheus metrics, labelled queryid (and query, in tsq_statement_info). */
static void
statements_prom(FILE *f, const PGresult *res)
{
	static const struct {
		const char *name, *type, *help;
		int col;
	} metrics[] = {
		{ "tsq_statement_calls_total", "counter", "Times the statement ran.", 2 },
		{ "tsq_statement_seconds_total", "counter", "Time the statement ran, in all.", 3 },
		{ "tsq_statement_mean_seconds", "gauge", "Mean time of one run of the statement.", 4 },
		{ "tsq_statement_max_seconds", "gauge", "Longest run of the statement.", 5 },
		{ "tsq_statement_rows_total", "counter", "Rows the statement returned or changed.", 6 },
		{ "tsq_statement_shared_blocks_read_total", "counter", "Shared blocks the statement "
		    "read from outside the buffer cache.", 7 },
	};
	int n = PQntuples(res);

	if (n == 0)
		return;
	fputs("# HELP tsq_statement_info The statements that cost the most time "
	    "(pg_stat_statements), their normalized text in the query label.\n"
	    "# TYPE tsq_statement_info gauge\n", f);
	for (int i = 0; i < n; i++) {
		char query[201];
		snprintf(query, sizeof query, "%s", PQgetvalue(res, i, 1));
		tsq_prom_open(f, "tsq_statement_info");
		tsq_prom_next(f);
		tsq_prom_label(f, "queryid", PQgetvalue(res, i, 0));
		tsq_prom_next(f);
		tsq_prom_label(f, "query", query);
		tsq_prom_close(f, 1);
	}
	for (size_t m = 0; m < sizeof metrics / sizeof metrics[0]; m++) {
		fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", metrics[m].name, metrics[m].help,
		    metrics[m].name, metrics[m].type);
		for (int i = 0; i < n; i++) {
			tsq_prom_open(f, metrics[m].name);
			tsq_prom_next(f);
			tsq_prom_label(f, "queryid", PQgetvalue(res, i, 0));
			tsq_prom_close(f, strtod(PQgetvalue(res, i, metrics[m].col), NULL));
		}
	}
	if (!PQgetisnull(res, 0, 9)) {
		fputs("# HELP tsq_statement_stats_reset_timestamp_seconds Since when "
		    "pg_stat_statements counts (its last reset).\n"
		    "# TYPE tsq_statement_stats_reset_timestamp_seconds gauge\n", f);
		tsq_prom_open(f, "tsq_statement_stats_reset_timestamp_seconds");
		tsq_prom_close(f, strtod(PQgetvalue(res, 0, 9), NULL));
	}
}

int
stats_statements(struct tsq_stats *s)
{
	static char *names[] = { "queryid", "query", "calls", "total_seconds", "mean_seconds",
	    "max_seconds", "rows", "shared_blocks_read", "since" };
	static const unsigned int types[] = { TSQ_OID_TEXT, TSQ_OID_TEXT, TSQ_OID_INT8,
	    TSQ_OID_NUMERIC, TSQ_OID_NUMERIC, TSQ_OID_NUMERIC, TSQ_OID_INT8, TSQ_OID_INT8,
	    TSQ_OID_TIMESTAMPTZ };
	enum { NCOLS = sizeof names / sizeof names[0] };
	char *schema = statements_schema(s);
	char limit[24];

	if (schema == NULL)
		return s->timed_out ? TSQ_EXIT_TEMPFAIL : TSQ_EXIT_UNAVAILABLE;
	const struct tsq_script_var tokens[] = { { "schema", schema }, { NULL, NULL } };
	struct tsq_buf sql = TSQ_BUF_INIT;
	tsq_sql_substitute(&sql, tsq_sql_file("stats/statements.sql"), tokens);
	free(schema);
	snprintf(limit, sizeof limit, "%" PRId64, s->o->limit);
	const char *p[1] = { limit };
	PGresult *res = tsq_exec(s->s.conn, sql.data, 1, p);
	tsq_buf_free(&sql);
	if (!tsq_result_ok(res)) {
		stats_failed(s, res);
		PQclear(res);
		return s->timed_out ? TSQ_EXIT_TEMPFAIL : TSQ_EXIT_FAILURE;
	}
	if (s->out->prometheus) {
		statements_prom(s->out->f, res);
	} else {
		struct tsq_out out = stats_out_begin(s, NCOLS, names, types);
		for (int i = 0; i < PQntuples(res); i++) {
			const char *v[NCOLS];
			for (int c = 0; c < NCOLS; c++)
				v[c] = PQgetisnull(res, i, c) ? NULL : PQgetvalue(res, i, c);
			tsq_out_row(&out, (char *const *)v);
		}
		tsq_out_end(&out);
		tsq_out_free(&out);
	}
	PQclear(res);
	return TSQ_EXIT_OK;
}
