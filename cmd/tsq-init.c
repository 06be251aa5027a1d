/*
 * tsq-init - create the market-data schema, idempotently; or bring up the
 * private local database (--local) and create it there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsq.h"

enum {
	OPT_LOCAL = TSQ_OPT_FIRST_PRIVATE,
	OPT_STOP,
	OPT_BACKEND,
	OPT_SCHEMA,
	OPT_NUMERIC,
	OPT_CHUNK_INTERVAL,
	OPT_NO_ROLLUPS,
	OPT_DRY_RUN,
	OPT_TABLE,
	OPT_TIME_COLUMN,
	OPT_SHARDS,
	OPT_MIGRATE,
};

struct options {
	struct tsq_common_opts common;
	bool local;
	bool stop;
	bool backend_auto;
	enum tsq_backend_kind backend;
	const char *schema;
	bool numeric;
	int64_t chunk_usec;		/* --chunk-interval */
	char chunk_interval[64];
	bool no_rollups;
	bool dry_run;
	const char *table;
	const char *time_column;
	const char *shards;		/* --shards, checked; NULL: the cluster's default */
	bool migrate;			/* --migrate */
	int schema_version;		/* recorded for --schema; 0: none */
};

static const struct tsq_optdef option_defs[] = {
	{ "local", OPT_LOCAL, 0, NULL, "create and start a private PostgreSQL under $TSQ_HOME\n"
	    "and install the schema there", "Options:", TSQ_TO_TRUE(local) },
	{ "stop", OPT_STOP, 0, NULL, "with --local: stop the private server", NULL, TSQ_TO_TRUE(stop) },
	{ "backend", OPT_BACKEND, 0, "KIND",
	    "auto, timescaledb, postgres or citus (default: auto)", NULL, TSQ_BY_CODE },
	{ "schema", OPT_SCHEMA, 0, "NAME", "schema for the tables (default: public)", NULL, TSQ_BY_CODE },
	{ "numeric", OPT_NUMERIC, 0, NULL, "store prices and volumes as numeric", NULL,
	    TSQ_TO_TRUE(numeric) },
	{ "chunk-interval", OPT_CHUNK_INTERVAL, 0, "DURATION",
	    "TimescaleDB chunk width (default: 1d)", NULL, TSQ_TO_DURATION(chunk_usec, 1) },
	{ "shards", OPT_SHARDS, 0, "N", "Citus: shards of each distributed table (default: the\n"
	    "cluster's citus.shard_count)", NULL, TSQ_BY_CODE },
	{ "no-rollups", OPT_NO_ROLLUPS, 0, NULL, "do not create the rollups of candles and trades", NULL,
	    TSQ_TO_TRUE(no_rollups) },
	{ "migrate", OPT_MIGRATE, 0, NULL, "with --backend timescaledb: turn a schema made for plain\n"
	    "PostgreSQL into hypertables and continuous aggregates,\n"
	    "every row kept", NULL, TSQ_TO_TRUE(migrate) },
	{ "dry-run", OPT_DRY_RUN, 0, NULL, "print the SQL that would run, change nothing", NULL,
	    TSQ_TO_TRUE(dry_run) },
	{ "table", OPT_TABLE, 0, "NAME", "turn this existing table into a hypertable", NULL,
	    TSQ_TO_TEXT(table) },
	{ "time-column", OPT_TIME_COLUMN, 0, "COLUMN", "the time column of --table", NULL,
	    TSQ_TO_TEXT(time_column) },
	TSQ_OPT_END,
};

static void
usage(void)
{
	printf("%s creates the tsq market-data schema: tables, hypertables or time\n"
	    "partitions, rollups and default policies.  Running it again changes\n"
	    "nothing that is already there.\n\n", tsq_progname());
	printf("Usage:\n"
	    "  %1$s [OPTION]...\n"
	    "  %1$s --table=NAME --time-column=COLUMN [OPTION]...\n"
	    "  %1$s --local [--stop]\n\n", tsq_progname());
	tsq_opt_help(stdout, option_defs);
	tsq_help_common(stdout);
}

static int
run_script(PGconn *conn, const char *path, const struct tsq_script_opts *so, int *executed)
{
	const char *text = tsq_sql_file(path);
	struct tsq_script_outcome out = { 0, 0, TSQ_BUF_INIT };
	PGresult *failed;

	if (text == NULL) {
		tsq_error("internal error: no SQL script \"%s\"", path);
		return TSQ_EXIT_FAILURE;
	}
	failed = tsq_script_run(conn, text, so, &out);
	*executed += out.executed;
	if (failed) {
		tsq_error("step \"%s\" of %s failed", out.failed_step.data, path);
		tsq_report_result(failed);
		PQclear(failed);
		tsq_buf_free(&out.failed_step);
		return TSQ_EXIT_FAILURE;
	}
	tsq_buf_free(&out.failed_step);
	return TSQ_EXIT_OK;
}

/*
 * Bring up the local cluster and make sure its "tsq" database exists.  Fills
 * the connection options so that the rest of the run goes there.
 */
static int
start_local(struct options *o, struct tsq_local *local)
{
	struct tsq_buf err = TSQ_BUF_INIT, hint = TSQ_BUF_INIT;
	bool changed;
	int rc = TSQ_EXIT_OK;

	if (!tsq_local_paths(local, &err)) {
		tsq_error("%s", err.data);
		rc = TSQ_EXIT_FAILURE;
		goto out;
	}
	if (o->stop) {
		if (!tsq_local_stop(local, &changed, &err)) {
			tsq_error("%s", err.data);
			rc = TSQ_EXIT_FAILURE;
		} else {
			tsq_info(changed ? "stopped the local database in \"%s\"" :
			    "the local database in \"%s\" is not running", local->home);
		}
		goto out;
	}
	if (o->dry_run && !tsq_local_running(local)) {
		tsq_error("the local database in \"%s\" is not running", local->home);
		tsq_hint("run \"%s --local\" without --dry-run first", tsq_progname());
		rc = TSQ_EXIT_UNAVAILABLE;
		goto out;
	}
	if (!tsq_local_start(local, &changed, &err, &hint)) {
		tsq_error("%s", err.data);
		if (hint.len)
			tsq_hint("%s", hint.data);
		rc = TSQ_EXIT_UNAVAILABLE;
		goto out;
	}
	if (changed)
		tsq_info("started the local database in \"%s\"", local->home);

	/* Create the database from the maintenance database. */
	struct tsq_conn_opts maint = { .host = local->sockdir, .port = TSQ_LOCAL_PORT,
		.user = TSQ_LOCAL_USER, .dbname = "postgres", .password = TSQ_PASSWORD_NEVER };
	const struct tsq_script_var db[] = { {"dbname", TSQ_LOCAL_DBNAME}, {NULL, NULL} };
	const struct tsq_script_opts so = { db, db, NULL, o->dry_run ? stdout : NULL, 0 };
	PGconn *conn;
	int executed = 0;
	if (tsq_conn_open(&maint, &conn, &err) != TSQ_CONN_OK) {
		tsq_error("%s", err.data);
		rc = TSQ_EXIT_CONNECT;
		goto out;
	}
	rc = run_script(conn, "local/database.sql", &so, &executed);
	PQfinish(conn);
	o->common.conn.host = local->sockdir;
	o->common.conn.port = TSQ_LOCAL_PORT;
	o->common.conn.user = TSQ_LOCAL_USER;
	o->common.conn.dbname = TSQ_LOCAL_DBNAME;
out:
	tsq_buf_free(&err);
	tsq_buf_free(&hint);
	return rc;
}

/*
 * The backend SCHEMA was installed for and the schema version recorded, or
 * "" and 0 when tsq-init has not run there.
 */
static void
installed_backend(PGconn *conn, const char *schema, char *out, size_t size, int *version)
{
	const char *params[1] = { schema };
	PGresult *res = tsq_exec(conn, "SELECT to_regclass('tsq.installations') IS NOT NULL", 0, NULL);
	bool exists = tsq_result_ok(res) && PQgetvalue(res, 0, 0)[0] == 't';

	*out = '\0';
	*version = 0;
	PQclear(res);
	if (!exists)
		return;
	res = tsq_exec(conn, "SELECT backend, version FROM tsq.installations WHERE schema_name = $1",
	    1, params);
	if (tsq_result_ok(res) && PQntuples(res) == 1) {
		snprintf(out, size, "%s", PQgetvalue(res, 0, 0));
		*version = atoi(PQgetvalue(res, 0, 1));
	}
	PQclear(res);
}

static void
hint_preload(void)
{
	tsq_hint("add timescaledb to shared_preload_libraries in postgresql.conf, restart the "
	    "server, and run %s again", tsq_progname());
}

/*
 * Settle which backend to install for.  "auto" keeps the backend the schema
 * was installed for, and otherwise takes TimescaleDB when it is installed in
 * the database or can be (its files are on the server and its library is
 * preloaded), plain PostgreSQL otherwise.
 */
static int
choose_backend(PGconn *conn, struct options *o, struct tsq_backend *b)
{
	PGresult *res = tsq_backend_detect(conn, b);
	char recorded[32];
	enum tsq_backend_kind kind;
	bool is_auto;

	if (res) {
		tsq_report_result(res);
		PQclear(res);
		return TSQ_EXIT_FAILURE;
	}
	installed_backend(conn, o->schema, recorded, sizeof recorded, &o->schema_version);
	if (o->schema_version > TSQ_SCHEMA_VERSION) {
		tsq_error("schema \"%s\" is at version %d of tsq's schema, made by a newer tsq; "
		    "this %s knows versions up to %d", o->schema, o->schema_version, tsq_progname(),
		    TSQ_SCHEMA_VERSION);
		tsq_hint("run the newer release's tsq-init, or install that release");
		return TSQ_EXIT_DATAERR;
	}
	if (*recorded && tsq_backend_parse(recorded, &kind, &is_auto) && !is_auto) {
		if (o->migrate && (kind != TSQ_BACKEND_POSTGRES || o->backend_auto ||
		    o->backend != TSQ_BACKEND_TIMESCALEDB)) {
			tsq_error("--migrate moves a schema made for postgres to --backend=timescaledb; "
			    "\"%s\" holds tsq's tables for %s", o->schema, recorded);
			return TSQ_EXIT_USAGE;
		}
		if (o->migrate) {
			/* The rest as for TimescaleDB: the migration scripts run in install(). */
		} else if (o->backend_auto) {
			o->backend = kind;
			if (kind == TSQ_BACKEND_POSTGRES && b->timescaledb_available &&
			    b->timescaledb_preloaded)
				tsq_hint("TimescaleDB is loaded on this server now: \"%s --backend "
				    "timescaledb --migrate\" turns \"%s\"'s tables into hypertables (every row "
				    "kept) and its rollups into continuous aggregates", tsq_progname(),
				    o->schema);
		} else if (o->backend != kind) {
			tsq_error("schema \"%s\" holds tsq's tables for %s, not %s", o->schema, recorded,
			    tsq_backend_name(o->backend));
			tsq_hint("use --backend=%s, or another --schema", recorded);
			return TSQ_EXIT_USAGE;
		}
	} else if (o->migrate) {
		tsq_error("--migrate needs a schema tsq-init made for postgres; \"%s\" has none",
		    o->schema);
		return TSQ_EXIT_USAGE;
	} else if (o->backend_auto) {
		o->backend = tsq_backend_preferred(b);
	}
	if (o->backend == TSQ_BACKEND_CITUS && !b->citus_version[0]) {
		tsq_error("Citus is not installed in this database");
		tsq_hint("create the citus extension on the coordinator and on every worker, add "
		    "the workers with citus_add_node(), then run %s on the coordinator", tsq_progname());
		return TSQ_EXIT_UNAVAILABLE;
	}
	if (o->backend != TSQ_BACKEND_TIMESCALEDB || b->timescaledb_version[0])
		return TSQ_EXIT_OK;
	if (!b->timescaledb_available) {
		tsq_error("TimescaleDB is not available on this server");
		tsq_hint("install the timescaledb extension, or use --backend=postgres");
		return TSQ_EXIT_UNAVAILABLE;
	}
	/*
	 * Without the preloaded library, CREATE EXTENSION makes the server end
	 * the session with FATAL: check first.
	 */
	if (!b->timescaledb_preloaded) {
		if (o->backend_auto) {
			tsq_warning("TimescaleDB is installed on the server but not loaded: using plain "
			    "PostgreSQL");
			hint_preload();
			o->backend = TSQ_BACKEND_POSTGRES;
			return TSQ_EXIT_OK;
		}
		tsq_error("TimescaleDB is installed on the server but not loaded");
		hint_preload();
		return TSQ_EXIT_UNAVAILABLE;
	}
	const struct tsq_script_opts so = { NULL, NULL, NULL, o->dry_run ? stdout : NULL, 0 };
	int executed = 0;
	if (run_script(conn, tsq_backend_extension_script(o->backend), &so, &executed) !=
	    TSQ_EXIT_OK)
		return TSQ_EXIT_UNAVAILABLE;
	if (o->dry_run)
		return TSQ_EXIT_OK;
	/* Now with its version and features. */
	if ((res = tsq_backend_detect(conn, b)) != NULL) {
		tsq_report_result(res);
		PQclear(res);
		return TSQ_EXIT_FAILURE;
	}
	return TSQ_EXIT_OK;
}


static int
install(PGconn *conn, struct options *o, const struct tsq_backend *b)
{
	const char *backend = tsq_backend_name(o->backend);
	struct tsq_buf err = TSQ_BUF_INIT;
	int executed = 0, rc;
	char version[16];
	snprintf(version, sizeof version, "%d", TSQ_SCHEMA_VERSION);
	const struct tsq_script_var vars[] = {
		{"schema", o->schema},
		{"schema_version", version},
		{"chunk_interval", o->chunk_interval},
		{"backend", backend},
		{"numeric", o->numeric ? "true" : "false"},
		{"table", o->table},
		{"time_column", o->time_column},
		{"shards", o->shards},
		{"one_batch", b->policy_in_batches ? "true" : "false"},
		{NULL, NULL},
	};
	const struct tsq_script_var tokens[] = {
		{"price", o->numeric ? "numeric" : "double precision"},
		{"partitioning", tsq_backend_table_clause(o->backend)},
		{"schema_version", version},
		{NULL, NULL},
	};
	const char *flags[] = { o->no_rollups ? NULL : "rollups", NULL };
	struct tsq_script_opts so = { vars, tokens, flags, o->dry_run ? stdout : NULL,
		o->schema_version };

	if (o->table) {
		char convert[64];
		if (tsq_backend_sql(o->backend, "convert.sql", convert, sizeof convert) == NULL) {
			tsq_error("%s cannot turn an existing table into a partitioned table in "
			    "place", tsq_backend_title(o->backend));
			tsq_hint("create a new table with PARTITION BY RANGE (%s) and copy the rows "
			    "into it, or use a server with TimescaleDB", o->time_column);
			rc = TSQ_EXIT_UNAVAILABLE;
		} else {
			rc = run_script(conn, convert, &so, &executed);
		}
		goto out;
	}

	rc = run_script(conn, "common.sql", &so, &executed);
	if (rc != TSQ_EXIT_OK)
		goto out;
	if (!tsq_conn_set_search_path(conn, o->schema, &err)) {
		tsq_error("could not set the search path: %s", err.data);
		rc = TSQ_EXIT_FAILURE;
		goto out;
	}
	if (o->dry_run) {
		struct tsq_buf lit = TSQ_BUF_INIT;
		tsq_quote_literal(&lit, o->schema);
		printf("-- the following runs with search_path set to schema %s\n\n", lit.data);
		tsq_buf_free(&lit);
	}
	if (o->migrate && (rc = run_script(conn, "timescaledb/migrate.sql", &so, &executed)) !=
	    TSQ_EXIT_OK)
		goto out;
	if ((rc = run_script(conn, "tables.sql", &so, &executed)) != TSQ_EXIT_OK)
		goto out;
	for (const char *const *sc = tsq_backend_schema_scripts(o->backend); *sc; sc++)
		if ((rc = run_script(conn, *sc, &so, &executed)) != TSQ_EXIT_OK)
			goto out;
	if (o->migrate && (rc = run_script(conn, "timescaledb/migrate_refresh.sql", &so,
	    &executed)) != TSQ_EXIT_OK)
		goto out;
	if ((rc = run_script(conn, "policies.sql", &so, &executed)) != TSQ_EXIT_OK ||
	    (rc = run_script(conn, "finish.sql", &so, &executed)) != TSQ_EXIT_OK)
		goto out;
out:
	if (rc == TSQ_EXIT_OK && !o->dry_run) {
		const char *what = o->table ? o->table : o->schema;
		const char *tsv = o->backend == TSQ_BACKEND_TIMESCALEDB ?
		    b->timescaledb_version : "";
		if (!o->table && o->schema_version > 0 && o->schema_version < TSQ_SCHEMA_VERSION)
			tsq_info("brought \"%s\" from version %d of tsq's schema to %d", what,
			    o->schema_version, TSQ_SCHEMA_VERSION);
		if (executed == 0)
			tsq_info("\"%s\" is up to date (%s%s%s): nothing to do", what, backend,
			    *tsv ? " " : "", tsv);
		else
			tsq_info("\"%s\" is ready (%s%s%s): %d change%s", what, backend,
			    *tsv ? " " : "", tsv, executed, executed == 1 ? "" : "s");
	} else if (rc == TSQ_EXIT_OK && executed == 0) {
		printf("-- nothing to do\n");
	}
	tsq_buf_free(&err);
	return rc;
}

/* --backend, --schema and --shards: checked here. */
static bool
by_code(void *arg, const struct tsq_optdef *def, const char *value)
{
	struct options *o = arg;
	int v;
	int64_t n;

	switch (def->key) {
	case OPT_BACKEND:
		if (!tsq_opt_choose("backend", value, tsq_backend_choices, &v))
			return false;
		o->backend_auto = v == TSQ_BACKEND_AUTO;
		if (!o->backend_auto)
			o->backend = (enum tsq_backend_kind)v;
		return true;
	case OPT_SCHEMA:
		if (*value == '\0') {
			tsq_error("option --schema needs a name");
			return false;
		}
		o->schema = value;
		return true;
	default:	/* --shards */
		o->shards = value;
		return tsq_opt_int("shards", value, 1, 64000, &n);
	}
}

/* A usage error: WHY, and where to read more. */
static int
refused(const char *why)
{
	tsq_error("%s", why);
	tsq_try_help();
	return TSQ_EXIT_USAGE;
}

/* What the options given say together: -1 to go on, else the exit status (reported). */
static int
check_options(void *arg, int nargs, char **args)
{
	struct options *o = arg;
	const struct tsq_conn_opts *c = &o->common.conn;

	if (nargs > 0) {
		tsq_error("too many command-line arguments (first is \"%s\")", args[0]);
		tsq_try_help();
		return TSQ_EXIT_USAGE;
	}
	if (o->stop && !o->local)
		return refused("option --stop works only with --local");
	if (!o->table != !o->time_column)
		return refused("options --table and --time-column go together");
	if (o->migrate && (o->backend_auto || o->backend != TSQ_BACKEND_TIMESCALEDB || o->table))
		return refused("--migrate goes with --backend=timescaledb (and no --table)");
	if (o->local && (c->dbname || c->host || c->port || c->user))
		return refused("option --local cannot be combined with connection options");
	snprintf(o->chunk_interval, sizeof o->chunk_interval, "%lld microseconds",
	    (long long)o->chunk_usec);
	return -1;
}

/* The local cluster if asked for, the connection, the backend, the schema. */
static int
run(void *arg)
{
	struct options *o = arg;
	struct tsq_local local;
	PGconn *conn = NULL;
	struct tsq_backend backend;
	int rc;

	memset(&local, 0, sizeof local);
	if (o->local) {
		rc = start_local(o, &local);
		if (rc != TSQ_EXIT_OK || o->stop)
			goto out;
	}
	if ((rc = tsq_connect(&o->common.conn, &conn)) != TSQ_EXIT_OK)
		goto out;
	rc = choose_backend(conn, o, &backend);
	if (rc == TSQ_EXIT_OK && o->shards && o->backend != TSQ_BACKEND_CITUS) {
		tsq_error("option --shards is for Citus, not %s", tsq_backend_name(o->backend));
		rc = TSQ_EXIT_USAGE;
	}
	if (rc == TSQ_EXIT_OK)
		rc = install(conn, o, &backend);
	if (rc == TSQ_EXIT_OK && o->local && !o->dry_run) {
		struct tsq_buf info = TSQ_BUF_INIT;
		tsq_local_conninfo(&local, &info);
		printf("%s\n", info.data);
		tsq_info("the other tsq tools use this database when given no connection; "
		    "psql \"%s\" reaches it too", info.data);
		tsq_buf_free(&info);
	}
out:
	if (conn)
		PQfinish(conn);
	tsq_local_free(&local);
	return rc;
}

static struct options options = { .backend_auto = true, .schema = "public",
	.chunk_usec = 86400 * TSQ_USEC_PER_SEC };

TSQ_TOOL_MAIN(usage, option_defs, by_code, check_options, run, NULL, &options)
