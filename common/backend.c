#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "conn.h"

const char *
tsq_backend_name(enum tsq_backend_kind kind)
{
	return kind == TSQ_BACKEND_TIMESCALEDB ? "timescaledb" : "postgres";
}

bool
tsq_backend_parse(const char *s, enum tsq_backend_kind *kind, bool *is_auto)
{
	*is_auto = false;
	if (strcmp(s, "auto") == 0)
		*is_auto = true;
	else if (strcmp(s, "timescaledb") == 0)
		*kind = TSQ_BACKEND_TIMESCALEDB;
	else if (strcmp(s, "postgres") == 0 || strcmp(s, "postgresql") == 0)
		*kind = TSQ_BACKEND_POSTGRES;
	else
		return false;
	return true;
}

PGresult *
tsq_backend_detect(PGconn *conn, struct tsq_backend *b)
{
	/* The feature probes look for the functions by name, wherever installed. */
	static const char sql[] =
	    "SELECT e.extversion,"
	    " current_setting('timescaledb.license', true),"
	    " EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'),"
	    " EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'compress_chunk'),"
	    " EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'refresh_continuous_aggregate'),"
	    " EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'add_compression_policy')"
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
	b->timescaledb_available = PQgetvalue(res, 0, 2)[0] == 't';
	b->has_compression = PQgetvalue(res, 0, 3)[0] == 't';
	b->has_continuous_aggregates = PQgetvalue(res, 0, 4)[0] == 't';
	b->has_policies = PQgetvalue(res, 0, 5)[0] == 't';
	PQclear(res);
	return NULL;
}
