#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "catalog.h"
#include "conn.h"
#include "datetime.h"
#include "opt.h"
#include "script.h"

const char *
tsq_backend_name(enum tsq_backend_kind kind)
{
	switch (kind) {
	case TSQ_BACKEND_TIMESCALEDB:
		return "timescaledb";
	case TSQ_BACKEND_CITUS:
		return "citus";
	case TSQ_BACKEND_POSTGRES:
		break;
	}
	return "postgres";
}

const char *
tsq_backend_title(enum tsq_backend_kind kind)
{
	switch (kind) {
	case TSQ_BACKEND_TIMESCALEDB:
		return "TimescaleDB";
	case TSQ_BACKEND_CITUS:
		return "Citus";
	case TSQ_BACKEND_POSTGRES:
		break;
	}
	return "plain PostgreSQL";
}

bool
tsq_backend_own_partitions(enum tsq_backend_kind kind)
{
	return kind != TSQ_BACKEND_TIMESCALEDB;
}

const char *
tsq_backend_sql(enum tsq_backend_kind kind, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", tsq_backend_name(kind), name);
	if (tsq_sql_file(buf) != NULL)
		return buf;
	if (kind != TSQ_BACKEND_CITUS)
		return NULL;
	snprintf(buf, size, "postgres/%s", name);
	return tsq_sql_file(buf) != NULL ? buf : NULL;
}

bool
tsq_backend_compresses_partitions(enum tsq_backend_kind kind)
{
	return kind == TSQ_BACKEND_CITUS;
}

const char *const *
tsq_backend_schema_scripts(enum tsq_backend_kind kind)
{
	static const char *const postgres[] = { "postgres/schema.sql", NULL };
	static const char *const timescaledb[] = { "timescaledb/schema.sql", NULL };
	static const char *const citus[] = { "citus/partitions.sql", "postgres/schema.sql",
	    "citus/schema.sql", NULL };

	return kind == TSQ_BACKEND_TIMESCALEDB ? timescaledb : kind == TSQ_BACKEND_CITUS ? citus :
	    postgres;
}

enum tsq_backend_kind
tsq_backend_preferred(const struct tsq_backend *b)
{
	if (b->citus_version[0])
		return TSQ_BACKEND_CITUS;
	return b->timescaledb_version[0] || b->timescaledb_available ?
	    TSQ_BACKEND_TIMESCALEDB : TSQ_BACKEND_POSTGRES;
}

const char *
tsq_backend_table_clause(enum tsq_backend_kind kind)
{
	return tsq_backend_own_partitions(kind) ? "PARTITION BY RANGE (time)" : "";
}

const char *
tsq_backend_extension_script(enum tsq_backend_kind kind)
{
	return kind == TSQ_BACKEND_TIMESCALEDB ? "timescaledb/extension.sql" : NULL;
}

const struct tsq_opt_choice tsq_backend_choices[] = {
	{ "auto", TSQ_BACKEND_AUTO },
	{ "timescaledb", TSQ_BACKEND_TIMESCALEDB },
	{ "postgres", TSQ_BACKEND_POSTGRES },
	{ "citus", TSQ_BACKEND_CITUS },
	{ NULL, 0 },
};

bool
tsq_backend_parse(const char *s, enum tsq_backend_kind *kind, bool *is_auto)
{
	int v;

	if (!tsq_opt_lookup(s, tsq_backend_choices, &v))
		return false;
	*is_auto = v == TSQ_BACKEND_AUTO;
	if (!*is_auto)
		*kind = (enum tsq_backend_kind)v;
	return true;
}

PGresult *
tsq_backend_detect(PGconn *conn, struct tsq_backend *b)
{
	/*
	 * The feature probes look for the functions by name, wherever installed.
	 * TimescaleDB's loader, once preloaded, defines its settings with their
	 * types; shared_preload_libraries itself is readable by superusers only,
	 * and a setting written in postgresql.conf without the loader is a mere
	 * placeholder of type string.
	 */
	static const char sql[] =
	    "SELECT e.extversion,"
	    " current_setting('timescaledb.license', true),"
	    " EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'),"
	    " EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'compress_chunk'),"
	    " EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'refresh_continuous_aggregate'),"
	    " EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'add_compression_policy'),"
	    " EXISTS (SELECT 1 FROM pg_settings WHERE name = 'timescaledb.max_background_workers'"
	    "         AND vartype = 'integer'),"
	    " EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'refresh_continuous_aggregate'"
	    "         AND 'options' = ANY (proargnames)),"
	    " EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'add_continuous_aggregate_policy'"
	    "         AND 'buckets_per_batch' = ANY (proargnames)),"
	    " (SELECT extversion FROM pg_extension WHERE extname = 'citus'),"
	    " EXISTS (SELECT 1 FROM pg_am WHERE amname = 'columnar')"
	    " FROM (SELECT 1) AS one"
	    " LEFT JOIN pg_extension e ON e.extname = 'timescaledb'";
	PGresult *res = tsq_exec(conn, sql, 0, NULL);

	memset(b, 0, sizeof *b);
	if (!tsq_result_ok(res) || PQntuples(res) != 1)
		return res;
	b->server_version = PQserverVersion(conn);
	if (!PQgetisnull(res, 0, 0)) {
		snprintf(b->timescaledb_version, sizeof b->timescaledb_version, "%s",
		    PQgetvalue(res, 0, 0));
		b->ts_major = atoi(b->timescaledb_version);
		const char *dot = strchr(b->timescaledb_version, '.');
		b->ts_minor = dot ? atoi(dot + 1) : 0;
		b->kind = TSQ_BACKEND_TIMESCALEDB;
	} else {
		b->kind = TSQ_BACKEND_POSTGRES;
	}
	if (!PQgetisnull(res, 0, 1))
		snprintf(b->license, sizeof b->license, "%s", PQgetvalue(res, 0, 1));
	TSQ_PG_FLAGS(res, 0, 2, &b->timescaledb_available, &b->has_compression,
	    &b->has_continuous_aggregates, &b->has_policies, &b->timescaledb_preloaded,
	    &b->refresh_in_batches, &b->policy_in_batches);
	if (!PQgetisnull(res, 0, 9)) {
		snprintf(b->citus_version, sizeof b->citus_version, "%s", PQgetvalue(res, 0, 9));
		if (b->kind == TSQ_BACKEND_POSTGRES) {
			b->kind = TSQ_BACKEND_CITUS;
			b->has_compression = PQgetvalue(res, 0, 10)[0] == 't';
		}
	}
	PQclear(res);
	return NULL;
}

static bool
timescaledb_at_least(const struct tsq_backend *b, int major, int minor)
{
	return b->ts_major > major || (b->ts_major == major && b->ts_minor >= minor);
}

PGresult *
tsq_backend_before_write(PGconn *conn, const struct tsq_backend *b, const struct tsq_table *t,
    int64_t from_usec, int64_t to_usec, long *changed)
{
	char from[TSQ_TIME_BUFSIZE], to[TSQ_TIME_BUFSIZE];
	const char *params[4] = { t->schema, t->name, from, to };
	const char *path;
	char buf[64];

	*changed = 0;
	if (t->time_col < 0)
		return NULL;
	if (b->kind == TSQ_BACKEND_TIMESCALEDB && t->hypertable) {
		if (timescaledb_at_least(b, 2, 11) || !b->has_compression)
			return NULL;
		path = "timescaledb/before_write.sql";
	} else if (t->relkind == 'p') {
		PGresult *probe = tsq_exec(conn, "SELECT to_regprocedure("
		    "'tsq.create_partitions(text,text,timestamp with time zone,timestamp with time zone)')"
		    " IS NOT NULL", 0, NULL);
		bool installed = tsq_result_ok(probe) && PQgetvalue(probe, 0, 0)[0] == 't';
		PQclear(probe);
		if (!installed)
			return NULL;
		/*
		 * tsq's daily partitions, whatever else the database has (a schema
		 * made for PostgreSQL where TimescaleDB is installed too).
		 */
		path = tsq_backend_sql(b->kind == TSQ_BACKEND_CITUS ? b->kind : TSQ_BACKEND_POSTGRES,
		    "before_write.sql", buf, sizeof buf);
	} else {
		return NULL;
	}
	/* Infinite times have no partition to create. */
	if (from_usec == INT64_MIN || to_usec == INT64_MAX)
		return NULL;
	tsq_format_time(from_usec, from);
	tsq_format_time(to_usec, to);
	PGresult *res = tsq_exec(conn, tsq_sql_file(path), 4, params);
	if (!tsq_result_ok(res))
		return res;
	*changed = atol(PQgetvalue(res, 0, 0));
	PQclear(res);
	return NULL;
}

PGresult *
tsq_backend_note_write(PGconn *conn, const struct tsq_table *t, int64_t from_usec,
    int64_t to_usec, int *known)
{
	char from[TSQ_TIME_BUFSIZE], to[TSQ_TIME_BUFSIZE];
	const char *params[4] = { t->schema, t->name, from, to };

	if (*known == 0) {
		PGresult *probe = tsq_exec(conn, "SELECT to_regclass('tsq.touched') IS NOT NULL", 0, NULL);
		if (!tsq_result_ok(probe))
			return probe;
		*known = PQgetvalue(probe, 0, 0)[0] == 't' ? 1 : -1;
		PQclear(probe);
	}
	if (*known < 0 || t->time_col < 0 || from_usec == INT64_MIN || to_usec == INT64_MAX)
		return NULL;
	tsq_format_time(from_usec, from);
	tsq_format_time(to_usec, to);
	PGresult *res = tsq_exec(conn, tsq_sql_file("compress/touched_record.sql"), 4, params);
	if (!tsq_result_ok(res))
		return res;
	PQclear(res);
	return NULL;
}

PGresult *
tsq_backend_note_written(PGconn *conn, const struct tsq_table *t)
{
	const char *params[2] = { t->schema, t->name };
	PGresult *res = tsq_exec(conn, "SELECT to_regclass('tsq.writes') IS NOT NULL", 0, NULL);

	if (!tsq_result_ok(res))
		return res;
	bool has = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	if (!has)
		return NULL;
	res = tsq_exec(conn, tsq_sql_file("stats/written.sql"), 2, params);
	if (!tsq_result_ok(res))
		return res;
	PQclear(res);
	return NULL;
}

const char *
tsq_backend_write_setup(const struct tsq_backend *b, const struct tsq_table *t, bool copy)
{
	/*
	 * Citus keeps one connection per worker between transactions by
	 * default, and a COPY into a distributed table opens one per shard:
	 * every batch would connect again to most shards (a second per batch
	 * of 25,000 rows on two workers).  Keep as many as its executor uses.
	 * Only for loads that COPY each batch: measured on the staged path
	 * (which reads the table before each batch), more connections kept
	 * made a load a third slower.
	 */
	if (b->kind == TSQ_BACKEND_CITUS && t->distributed && (copy || t->dist_col >= 0))
		return "SELECT set_config('citus.max_cached_conns_per_worker',"
		    " current_setting('citus.max_adaptive_executor_pool_size'), false)";
	if (b->kind != TSQ_BACKEND_TIMESCALEDB || !t->hypertable || !timescaledb_at_least(b, 2, 11))
		return NULL;
	return "SELECT set_config('timescaledb.max_tuples_decompressed_per_dml_transaction', '0', true)";
}

void
tsq_pg_flags(const PGresult *res, int row, int first, bool *const *flags, size_t n)
{
	for (size_t i = 0; i < n; i++)
		*flags[i] = PQgetvalue(res, row, first + (int)i)[0] == 't';
}
