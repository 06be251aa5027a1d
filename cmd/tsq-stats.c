/*
 * tsq-stats - what is in the database and how it is stored, whether the
 * storage policies run, and whether the candles can be trusted.
 *
 * The overview answers from the catalog, the planner's statistics and
 * TimescaleDB's size functions, plus one index probe per table for its time
 * range: it never scans the rows (--exact does).  --policies lists what
 * tsq-compress recorded and TimescaleDB's own jobs.  --symbols and --quality
 * read the rows (from --since on): per symbol, and the data-quality checks.
 * -F prometheus writes metrics for node_exporter's textfile collector.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tsq.h"
#include "format.h"
#include "ident.h"

enum {
	OPT_NO_HEADER = TSQ_OPT_FIRST_PRIVATE,
	OPT_EXACT,
	OPT_POLICIES,
	OPT_CHUNKS,
	OPT_SYMBOLS,
	OPT_QUALITY,
	OPT_NODES,
	OPT_SINCE,
	OPT_SESSION,
	OPT_WEEKDAYS,
	OPT_SPIKE_THRESHOLD,
	OPT_FROZEN_AFTER,
	OPT_STALE_AFTER,
	OPT_FAIL_ON_QUALITY,
};

enum view {
	VIEW_OVERVIEW,
	VIEW_POLICIES,
	VIEW_CHUNKS,
	VIEW_SYMBOLS,
	VIEW_QUALITY,
	VIEW_NODES,
};

static const char shortopts[] = TSQ_COMMON_SHORTOPTS "F:o:";
static const struct option long_options[] = {
	{"format", required_argument, NULL, 'F'},
	{"output", required_argument, NULL, 'o'},
	{"no-header", no_argument, NULL, OPT_NO_HEADER},
	{"exact", no_argument, NULL, OPT_EXACT},
	{"policies", no_argument, NULL, OPT_POLICIES},
	{"chunks", no_argument, NULL, OPT_CHUNKS},
	{"symbols", no_argument, NULL, OPT_SYMBOLS},
	{"quality", no_argument, NULL, OPT_QUALITY},
	{"nodes", no_argument, NULL, OPT_NODES},
	{"since", required_argument, NULL, OPT_SINCE},
	{"session", required_argument, NULL, OPT_SESSION},
	{"weekdays", no_argument, NULL, OPT_WEEKDAYS},
	{"spike-threshold", required_argument, NULL, OPT_SPIKE_THRESHOLD},
	{"frozen-after", required_argument, NULL, OPT_FROZEN_AFTER},
	{"stale-after", required_argument, NULL, OPT_STALE_AFTER},
	{"fail-on-quality", no_argument, NULL, OPT_FAIL_ON_QUALITY},
	{"tz", required_argument, NULL, TSQ_OPT_TZ},
	TSQ_COMMON_LONGOPTS,
	{NULL, 0, NULL, 0},
};

struct options {
	struct tsq_common_opts common;
	enum view view;
	const char *view_option;	/* "--policies" ... as given */
	bool prometheus;		/* -F prometheus */
	bool format_given;
	enum tsq_out_format format;	/* the others */
	const char *output;		/* -o FILE, written whole or not at all */
	bool no_header;
	bool exact;
	/* --symbols and --quality */
	char since[TSQ_TIME_BUFSIZE];	/* -infinity unless --since */
	char session_start[6], session_end[6];	/* HH:MM; "" around the clock */
	bool weekdays;
	/* --quality */
	const char *spike_text, *frozen_text, *stale_text;
	double spike;			/* percent */
	int64_t frozen;			/* candles */
	int64_t stale_usec;
	bool fail_on_quality;
	/* options given that go with some views only, for the message */
	const char *needs_rows, *needs_quality;
	char **tables;
	int ntables;
};

static void
usage(void)
{
	printf("%s reports what the database holds and how it is stored: rows, time range,\n"
	    "symbols, chunks or partitions, sizes, compression, how far each rollup lags,\n"
	    "and whether the storage policies run.  It reads the catalog and the\n"
	    "statistics, not the rows.\n\n", tsq_progname());
	printf("Usage:\n"
	    "  %1$s [OPTION]... [TABLE]...\n"
	    "  %1$s [OPTION]... --policies [TABLE]...\n"
	    "  %1$s [OPTION]... --chunks [TABLE]...\n"
	    "  %1$s [OPTION]... --symbols [--since=TIME] [TABLE]...\n"
	    "  %1$s [OPTION]... --quality [--since=TIME] [--fail-on-quality] [TABLE]...\n"
	    "  %1$s [OPTION]... --nodes [TABLE]...\n\n",
	    tsq_progname());
	printf("TABLEs default to those with a stored policy (tsq-init's own); for --symbols\n"
	    "and --quality, to ohlcv.\n\n"
	    "Options:\n"
	    "      --policies           tsq-compress's record per table and action, and\n"
	    "                           TimescaleDB's own jobs, failures first in mind\n"
	    "      --chunks             one row per chunk or partition: range, rows, bytes,\n"
	    "                           bytes before compression, state\n"
	    "      --symbols            per symbol and timeframe: first and last time, rows,\n"
	    "                           candles missing from the grid (reads the rows)\n"
	    "      --quality            check the candles: gaps, OHLC consistency, prices,\n"
	    "                           volumes, frozen feed, spikes, future times,\n"
	    "                           misaligned times, stale symbols (reads the rows)\n"
	    "      --nodes              Citus: per table and node, shards, bytes, rows,\n"
	    "                           columnar bytes before and after compression\n"
	    "      --exact              count rows and symbols exactly (scans every row)\n\n"
	    "Options of --symbols and --quality:\n"
	    "      --since=TIME         only rows from TIME on (2024-03-01, 7d for 7 days\n"
	    "                           ago); only the chunks or partitions from then are read\n"
	    "      --session=HH:MM-HH:MM  candles are due only within these hours of the day\n"
	    "                           (in the --tz zone; may run past midnight)\n"
	    "      --weekdays           candles are due Monday to Friday only\n\n"
	    "Options of --quality:\n"
	    "      --spike-threshold=PCT  a close-to-close move beyond PCT %% is a spike\n"
	    "                           (default 10)\n"
	    "      --frozen-after=N     more than N flat candles in a row repeating the close\n"
	    "                           are a frozen feed (default 10)\n"
	    "      --stale-after=DURATION  an active symbol with no row for DURATION is\n"
	    "                           stale (default 1d)\n"
	    "      --fail-on-quality    exit 65 when a check finds a problem\n\n"
	    "Output:\n"
	    "  -F, --format=FORMAT      table, csv, tsv, jsonl, json, markdown or prometheus\n"
	    "                           (default: table on a terminal, csv otherwise)\n"
	    "  -o, --output=FILE        write to FILE through a temporary file renamed\n"
	    "                           into place, so a reader never sees half of it\n"
	    "      --no-header          leave out the column names\n"
	    "      --tz=ZONE            time zone of the times shown and of --session\n"
	    "                           (default: UTC)\n");
	tsq_help_common(stdout);
}

/* "HH:MM" with 00 <= HH <= 23 and 00 <= MM <= 59, copied to OUT; else false. */
static bool
parse_hhmm(const char *s, size_t n, char out[6])
{
	if (n != 5 || s[2] != ':')
		return false;
	for (size_t i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return false;
	if ((s[0] - '0') * 10 + (s[1] - '0') > 23 || s[3] > '5')
		return false;
	memcpy(out, s, 5);
	out[5] = '\0';
	return true;
}

/* --session=HH:MM-HH:MM, start and end different. */
static bool
parse_session(const char *s, struct options *o)
{
	const char *dash = strchr(s, '-');

	if (dash == NULL || !parse_hhmm(s, (size_t)(dash - s), o->session_start) ||
	    !parse_hhmm(dash + 1, strlen(dash + 1), o->session_end) ||
	    strcmp(o->session_start, o->session_end) == 0) {
		tsq_error("invalid value \"%s\" for option --session: expected two different "
		    "times of day as HH:MM-HH:MM, such as 09:30-16:00", s);
		return false;
	}
	return true;
}

/* Note that option NAME goes with the views that read rows (or --quality only). */
static void
needs_view(struct options *o, const char *name, bool quality_only)
{
	if (quality_only)
		o->needs_quality = name;
	else
		o->needs_rows = name;
}

/* The report's formats: tsq-query's but the sparklines, and Prometheus's. */
#define PROMETHEUS (-1)
static const struct tsq_opt_choice stats_formats[] = {
	TSQ_OUT_REPORT_FORMATS,
	{ "prometheus", PROMETHEUS },
	{ NULL, 0 },
};

static int
parse_options(int argc, char **argv, struct options *o)
{
	int c, v;

	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, long_options, NULL)) != -1) {
		bool ok = true;
		switch (c) {
		case 'F':
			o->format_given = true;
			if (!tsq_opt_choose("format", optarg, stats_formats, &v))
				ok = false;
			else if (v == PROMETHEUS)
				o->prometheus = true;
			else
				o->format = (enum tsq_out_format)v;
			break;
		case 'o':
			o->output = optarg;
			break;
		case OPT_NO_HEADER:
			o->no_header = true;
			break;
		case OPT_EXACT:
			o->exact = true;
			break;
		case OPT_POLICIES:
		case OPT_CHUNKS:
		case OPT_SYMBOLS:
		case OPT_QUALITY:
		case OPT_NODES: {
			static const char *const names[] = { "--policies", "--chunks", "--symbols",
			    "--quality", "--nodes" };
			const char *name = names[c - OPT_POLICIES];
			if (o->view != VIEW_OVERVIEW && strcmp(o->view_option, name) != 0) {
				tsq_error("%s and %s cannot be used together", o->view_option, name);
				ok = false;
			}
			o->view = VIEW_POLICIES + (c - OPT_POLICIES);
			o->view_option = name;
			break;
		}
		case OPT_SINCE: {
			struct tsq_time t;
			size_t pos;
			needs_view(o, "--since", false);
			if (tsq_parse_time(optarg, tsq_now_usec(), &t, &pos) != TSQ_PARSE_OK) {
				tsq_error("invalid value \"%s\" for option --since: expected a time "
				    "such as 2024-03-01, 2024-03-01T09:30:00Z or 7d (ago)", optarg);
				ok = false;
			} else {
				tsq_format_time(t.usec, o->since);
			}
			break;
		}
		case OPT_SESSION:
			needs_view(o, "--session", false);
			ok = parse_session(optarg, o);
			break;
		case OPT_WEEKDAYS:
			needs_view(o, "--weekdays", false);
			o->weekdays = true;
			break;
		case OPT_SPIKE_THRESHOLD:
			needs_view(o, "--spike-threshold", true);
			ok = tsq_opt_real("spike-threshold", optarg, 0, INFINITY, true, &o->spike);
			o->spike_text = optarg;
			break;
		case OPT_FROZEN_AFTER:
			needs_view(o, "--frozen-after", true);
			ok = tsq_opt_int("frozen-after", optarg, 1, 1000000, &o->frozen);
			o->frozen_text = optarg;
			break;
		case OPT_STALE_AFTER:
			needs_view(o, "--stale-after", true);
			ok = tsq_opt_duration("stale-after", optarg, 1, &o->stale_usec);
			o->stale_text = optarg;
			break;
		case OPT_FAIL_ON_QUALITY:
			needs_view(o, "--fail-on-quality", true);
			o->fail_on_quality = true;
			break;
		case TSQ_OPT_TZ:
			o->common.conn.tz = optarg;
			break;
		default:
			ok = tsq_opt_common_or_bad(c, optarg, &o->common, argv, shortopts, long_options);
		}
		if (!ok)
			return TSQ_EXIT_USAGE;
	}
	if (o->common.help || o->common.version)
		return -1;
	o->tables = argv + optind;
	o->ntables = argc - optind;
	if (o->output && *o->output == '\0') {
		tsq_error("--output needs a file name");
		return TSQ_EXIT_USAGE;
	}
	if ((o->view == VIEW_CHUNKS || o->view == VIEW_SYMBOLS) && o->prometheus) {
		tsq_error("%s has no Prometheus form: a series per %s is more than a monitoring "
		    "system should keep", o->view_option, o->view == VIEW_CHUNKS ? "chunk" : "symbol");
		return TSQ_EXIT_USAGE;
	}
	if (o->needs_quality && o->view != VIEW_QUALITY) {
		tsq_error("%s goes with --quality", o->needs_quality);
		return TSQ_EXIT_USAGE;
	}
	if (o->needs_rows && o->view != VIEW_QUALITY && o->view != VIEW_SYMBOLS) {
		tsq_error("%s goes with --symbols or --quality", o->needs_rows);
		return TSQ_EXIT_USAGE;
	}
	if (o->exact && o->view != VIEW_OVERVIEW) {
		tsq_error("--exact goes with the overview only");
		return TSQ_EXIT_USAGE;
	}
	if (!o->format_given)
		o->format = isatty(STDOUT_FILENO) && !o->output ? TSQ_OUT_TABLE : TSQ_OUT_CSV;
	return -1;
}

/* ---- the session ---- */

struct session {
	PGconn *conn;
	struct tsq_backend b;
	const struct options *o;
	FILE *out;
	/* the server */
	char *version, *ts_version, *license, *database;
	int64_t database_bytes;
	bool scheduler;
	bool has_writes;	/* tsq.writes, tsq-load's record of its loads */
	bool has_nodes;		/* tsq.node_stats: a Citus cluster's shards, node by node */
	PGresult *cluster;	/* citus/stats_cluster.sql, read once when first needed */
	/* the tables asked for: regclass texts, and as one regclass[] literal */
	char **tables;
	int ntables;
	struct tsq_buf table_array;
	int failures;
};

static bool
run_checked(struct session *s, const char *path, int n, const char *const *params,
    PGresult **out)
{
	PGresult *res = tsq_exec(s->conn, tsq_sql_file(path), n, params);

	if (!tsq_result_ok(res)) {
		tsq_report_result(res);
		PQclear(res);
		return false;
	}
	*out = res;
	return true;
}

static int64_t
value_int64(const PGresult *res, int row, int col, int64_t if_null)
{
	return PQgetisnull(res, row, col) ? if_null : strtoll(PQgetvalue(res, row, col), NULL, 10);
}

static char *
value_dup(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : xstrdup(PQgetvalue(res, row, col));
}

/* The tables named, or those with a stored policy: each resolved by the server. */
static bool
tables_resolve(struct session *s)
{
	const struct options *o = s->o;
	PGresult *res = NULL;
	char **names = o->tables;
	int n = o->ntables;
	static char *ohlcv[] = { "ohlcv", NULL };

	if (n == 0 && (o->view == VIEW_SYMBOLS || o->view == VIEW_QUALITY)) {
		names = ohlcv;
		n = 1;
	} else if (n == 0) {
		res = tsq_exec(s->conn, "SELECT to_regclass('tsq.policies') IS NOT NULL", 0, NULL);
		bool has = tsq_result_ok(res) && PQgetvalue(res, 0, 0)[0] == 't';
		PQclear(res);
		res = NULL;
		if (has) {
			if (!run_checked(s, "stats/tables.sql", 0, NULL, &res))
				return false;
			n = PQntuples(res);
			names = xcalloc((size_t)n + 1, sizeof *names);
			for (int i = 0; i < n; i++)
				names[i] = PQgetvalue(res, i, 0);
		}
	}
	s->tables = xcalloc((size_t)n + 1, sizeof *s->tables);
	bool ok = true;
	for (int i = 0; i < n && ok; i++) {
		const char *p[1] = { names[i] };
		PGresult *r = tsq_exec(s->conn, "SELECT to_regclass($1)::text, "
		    "(SELECT relkind FROM pg_class WHERE oid = to_regclass($1))", 1, p);
		if (!tsq_result_ok(r)) {
			tsq_report_result(r);
			ok = false;
		} else if (PQgetisnull(r, 0, 0)) {
			tsq_error("table \"%s\" does not exist", names[i]);
			ok = false;
		} else if (strchr("rpvm", PQgetvalue(r, 0, 1)[0]) == NULL) {
			tsq_error("\"%s\" is not a table", names[i]);
			ok = false;
		} else {
			s->tables[s->ntables++] = xstrdup(PQgetvalue(r, 0, 0));
		}
		PQclear(r);
	}
	if (res) {
		free(names);
		PQclear(res);
	}
	(void)ohlcv;
	if (!ok)
		return false;
	/* As a regclass[] literal for the SQL that filters by table. */
	tsq_buf_addc(&s->table_array, '{');
	for (int i = 0; i < s->ntables; i++) {
		tsq_buf_adds(&s->table_array, i ? ",\"" : "\"");
		for (const char *c = s->tables[i]; *c; c++) {
			if (*c == '"' || *c == '\\')
				tsq_buf_addc(&s->table_array, '\\');
			tsq_buf_addc(&s->table_array, *c);
		}
		tsq_buf_addc(&s->table_array, '"');
	}
	tsq_buf_addc(&s->table_array, '}');
	return true;
}

/* ---- the overview ---- */

/* One row of the overview: a table or one of its rollups. */
struct row {
	char *schema, *name, *display;
	const char *kind;	/* "hypertable", "partitioned", "table", "view", "rollup" */
	char *source;		/* a rollup: the table it reads */
	int64_t rows, partitions, compressed;
	int64_t total, table, index, toast;
	int64_t before, after;	/* bytes of the compressed chunks before and after */
	char *time_min, *time_max;	/* as the server shows them */
	int64_t max_usec;	/* for the lag */
	bool has_max;
	int64_t symbols;
	double lag;		/* a rollup: seconds behind its source's newest row */
	bool has_lag;
	char *last_insert;	/* when tsq-load last committed rows to it */
	int64_t last_insert_usec;
};

static void
row_free(struct row *r)
{
	free(r->schema);
	free(r->name);
	free(r->display);
	free(r->source);
	free(r->time_min);
	free(r->time_max);
	free(r->last_insert);
}

/* Schema and name of regclass text REG, and the quoted name. */
static bool
row_names(struct session *s, struct row *r, const char *reg)
{
	const char *p[1] = { reg };
	PGresult *res = tsq_exec(s->conn, "SELECT n.nspname, c.relname, c.relkind, "
	    "format('%I.%I', n.nspname, c.relname) FROM pg_class c "
	    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1::regclass", 1, p);

	if (!tsq_result_ok(res) || PQntuples(res) != 1) {
		tsq_report_result(res);
		PQclear(res);
		return false;
	}
	r->schema = xstrdup(PQgetvalue(res, 0, 0));
	r->name = xstrdup(PQgetvalue(res, 0, 1));
	char kind = PQgetvalue(res, 0, 2)[0];
	r->kind = kind == 'p' ? "partitioned" : kind == 'v' ? "view" :
	    kind == 'm' ? "materialized view" : "table";
	r->display = xstrdup(PQgetvalue(res, 0, 3));
	PQclear(res);
	return true;
}

/*
 * One end of the time range of partitioned table row R over column TIME
 * from its partitions in the order of their ranges, the oldest first for
 * the minimum (MAX false), the newest first for the maximum: each partition
 * is read alone until one has rows.  Plain PostgreSQL has no index on the
 * time of tsq's tables, and min() over the parent would read every row.
 * Sets *FOUND; false on failure (reported).
 */
static bool
partitions_end(struct session *s, struct row *r, const PGresult *parts, const char *time,
    bool max, bool *found)
{
	int n = PQntuples(parts);

	*found = false;
	for (int k = 0; k < n && !*found; k++) {
		struct tsq_buf q = TSQ_BUF_INIT;
		tsq_buf_adds(&q, max ? "SELECT max(" : "SELECT min(");
		tsq_quote_ident(&q, time);
		tsq_buf_adds(&q, "), (extract(epoch FROM max(");
		tsq_quote_ident(&q, time);
		tsq_buf_addf(&q, ")) * 1000000)::bigint FROM %s",
		    PQgetvalue(parts, max ? n - 1 - k : k, 0));
		PGresult *res = tsq_exec(s->conn, q.data, 0, NULL);
		tsq_buf_free(&q);
		if (!tsq_result_ok(res)) {
			tsq_report_result(res);
			PQclear(res);
			return false;
		}
		if (!PQgetisnull(res, 0, 0)) {
			*found = true;
			if (max) {
				r->time_max = value_dup(res, 0, 0);
				r->has_max = true;
				r->max_usec = value_int64(res, 0, 1, 0);
			} else {
				r->time_min = value_dup(res, 0, 0);
			}
		}
		PQclear(res);
	}
	return true;
}

/*
 * The time range of table row R partitioned by TIME, read partition by
 * partition when tsq-init's tsq.partitions() knows all their ranges.
 * *DONE is false when it does not (the caller reads the parent).
 */
static bool
partitions_range(struct session *s, struct row *r, const char *time, bool *done)
{
	const char *p[2] = { r->schema, r->name };
	PGresult *res = tsq_exec(s->conn, "SELECT to_regprocedure('tsq.partitions(text,text)') "
	    "IS NOT NULL", 0, NULL);
	bool found;

	*done = false;
	if (!tsq_result_ok(res)) {
		tsq_report_result(res);
		PQclear(res);
		return false;
	}
	bool has = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	if (!has)
		return true;
	if (!run_checked(s, "postgres/stats_partitions.sql", 2, p, &res))
		return false;
	bool ok = true;
	if (PQntuples(res) > 0) {
		ok = partitions_end(s, r, res, time, false, &found);
		if (ok && found)
			ok = partitions_end(s, r, res, time, true, &found);
		*done = ok;
	}
	PQclear(res);
	return ok;
}

/*
 * The time range of REL (quoted) over column TIME (unquoted), and with
 * SYMBOLS its distinct symbols; --exact counts the rows too.  min() and
 * max() on the time column read one end of its index each (on TimescaleDB;
 * tsq's partitioned tables are read partition by partition).
 */
static bool
row_scan(struct session *s, struct row *r, const char *rel, const char *time, bool symbols)
{
	struct tsq_buf q = TSQ_BUF_INIT;
	bool exact = s->o->exact;

	if (!exact && r->kind[0] == 'p' && tsq_backend_own_partitions(s->b.kind)) {
		bool done;
		if (!partitions_range(s, r, time, &done))
			return false;
		if (done)
			return true;
	}

	tsq_buf_adds(&q, "SELECT min(");
	tsq_quote_ident(&q, time);
	tsq_buf_adds(&q, "), max(");
	tsq_quote_ident(&q, time);
	tsq_buf_adds(&q, "), (extract(epoch FROM max(");
	tsq_quote_ident(&q, time);
	tsq_buf_adds(&q, ")) * 1000000)::bigint");
	if (exact)
		tsq_buf_addf(&q, ", count(*)%s", symbols ? ", count(DISTINCT symbol)" : "");
	tsq_buf_addf(&q, " FROM %s", rel);
	PGresult *res = tsq_exec(s->conn, q.data, 0, NULL);
	tsq_buf_free(&q);
	if (!tsq_result_ok(res)) {
		tsq_report_result(res);
		PQclear(res);
		return false;
	}
	r->time_min = value_dup(res, 0, 0);
	r->time_max = value_dup(res, 0, 1);
	r->has_max = !PQgetisnull(res, 0, 2);
	r->max_usec = value_int64(res, 0, 2, 0);
	if (exact) {
		r->rows = value_int64(res, 0, 3, -1);
		if (symbols)
			r->symbols = value_int64(res, 0, 4, -1);
	}
	PQclear(res);
	return true;
}

/* Time column, symbol column and the estimate of distinct symbols of REG. */
static bool
row_columns(struct session *s, struct row *r, const char *reg, char **time)
{
	const char *p[1] = { reg };
	PGresult *res;

	*time = NULL;
	if (!run_checked(s, "stats/columns.sql", 1, p, &res))
		return false;
	if (r->kind[0] == 'h') {
		const char *hp[2] = { r->schema, r->name };
		PGresult *t;
		if (!run_checked(s, "timescaledb/stats_time_column.sql", 2, hp, &t)) {
			PQclear(res);
			return false;
		}
		if (PQntuples(t) == 1)
			*time = xstrdup(PQgetvalue(t, 0, 0));
		PQclear(t);
	}
	if (*time == NULL)
		*time = value_dup(res, 0, 0);
	bool symbols = PQgetvalue(res, 0, 1)[0] == 't';
	if (symbols && !PQgetisnull(res, 0, 2)) {
		double d = strtod(PQgetvalue(res, 0, 2), NULL);
		r->symbols = d < 0 ? llround(-d * (double)r->rows) : llround(d);
	} else if (symbols && r->kind[0] == 'h') {
		/* Compressed rows leave the hypertable without statistics: its chunks have them. */
		const char *hp[2] = { r->schema, r->name };
		PGresult *c;
		if (run_checked(s, "timescaledb/stats_symbols.sql", 2, hp, &c)) {
			r->symbols = value_int64(c, 0, 0, r->symbols);
			PQclear(c);
		}
	}
	PQclear(res);
	return symbols;
}

/*
 * A table a Citus cluster holds: its rows, bytes and compression over every
 * node, in place of the coordinator's own figures.  Every table's are read
 * at the first: each reading asks every node afresh.
 */
static bool
cluster_sizes(struct session *s, struct row *r)
{
	PGresult *res;

	if (s->cluster == NULL && !run_checked(s, "citus/stats_cluster.sql", 0, NULL, &s->cluster))
		return false;
	res = s->cluster;
	for (int i = 0; i < PQntuples(res); i++) {
		if (strcmp(PQgetvalue(res, i, 0), r->display) != 0)
			continue;
		r->rows = value_int64(res, i, 1, -1);
		r->total = value_int64(res, i, 2, -1);
		r->table = value_int64(res, i, 3, -1);
		r->index = r->total >= 0 && r->table >= 0 ? r->total - r->table : -1;
		r->toast = -1;	/* within table: Citus measures the two together */
		r->compressed = value_int64(res, i, 4, -1);
		r->before = value_int64(res, i, 5, -1);
		r->after = value_int64(res, i, 6, -1);
		break;
	}
	return true;
}

static bool
row_sizes(struct session *s, struct row *r, const char *reg)
{
	PGresult *res;

	if (r->kind[0] == 'h') {
		const char *p[2] = { r->schema, r->name };
		if (!run_checked(s, "timescaledb/stats_hypertable.sql", 2, p, &res))
			return false;
		r->partitions = value_int64(res, 0, 0, -1);
		r->compressed = value_int64(res, 0, 1, -1);
		r->rows = value_int64(res, 0, 2, -1);
		r->total = value_int64(res, 0, 3, -1);
		r->table = value_int64(res, 0, 4, -1);
		r->index = value_int64(res, 0, 5, -1);
		r->toast = value_int64(res, 0, 6, -1);
		r->before = value_int64(res, 0, 7, -1);
		r->after = value_int64(res, 0, 8, -1);
	} else {
		const char *p[1] = { reg };
		if (!run_checked(s, "stats/relation.sql", 1, p, &res))
			return false;
		r->partitions = r->kind[0] == 'p' ? value_int64(res, 0, 0, -1) : -1;
		r->rows = value_int64(res, 0, 1, -1);
		r->total = value_int64(res, 0, 2, -1);
		r->table = value_int64(res, 0, 3, -1);
		r->index = value_int64(res, 0, 4, -1);
		r->toast = value_int64(res, 0, 5, -1);
		if (s->has_nodes) {
			PQclear(res);
			return cluster_sizes(s, r);
		}
	}
	PQclear(res);
	return true;
}

/* Fill row R for table REG (regclass text). */
static bool
row_fill(struct session *s, struct row *r, const char *reg)
{
	r->rows = r->partitions = r->compressed = r->symbols = -1;
	r->total = r->table = r->index = r->toast = r->before = r->after = -1;
	if (!row_names(s, r, reg))
		return false;
	if (s->b.kind == TSQ_BACKEND_TIMESCALEDB) {
		const char *p[2] = { r->schema, r->name };
		PGresult *res = tsq_exec(s->conn, "SELECT EXISTS (SELECT 1 FROM "
		    "timescaledb_information.hypertables WHERE hypertable_schema = $1 AND "
		    "hypertable_name = $2)", 2, p);
		if (!tsq_result_ok(res)) {
			tsq_report_result(res);
			PQclear(res);
			return false;
		}
		if (PQgetvalue(res, 0, 0)[0] == 't')
			r->kind = "hypertable";
		PQclear(res);
	}
	if (!row_sizes(s, r, reg))
		return false;
	if (s->has_writes) {
		const char *p[2] = { r->schema, r->name };
		PGresult *res;
		if (!run_checked(s, "stats/last_write.sql", 2, p, &res))
			return false;
		if (PQntuples(res) == 1) {
			r->last_insert = value_dup(res, 0, 0);
			r->last_insert_usec = value_int64(res, 0, 1, 0);
		}
		PQclear(res);
	}
	char *time;
	bool symbols = row_columns(s, r, reg, &time);
	bool ok = time == NULL || row_scan(s, r, r->display, time, symbols);
	free(time);
	return ok;
}

/* The rollups of table row T, appended to ROWS; false on failure (reported). */
static bool
rollups_fill(struct session *s, const struct row *t, struct row **rows, int *n, int *cap)
{
	char path[64];
	const char *p[2] = { t->schema, t->name };
	PGresult *res;

	if (s->b.kind == TSQ_BACKEND_TIMESCALEDB && !s->b.has_continuous_aggregates)
		return true;
	if (tsq_backend_own_partitions(s->b.kind)) {
		res = tsq_exec(s->conn, "SELECT to_regclass('tsq.rollups') IS NOT NULL", 0, NULL);
		bool has = tsq_result_ok(res) && PQgetvalue(res, 0, 0)[0] == 't';
		PQclear(res);
		if (!has)
			return true;
	}
	if (!run_checked(s, tsq_backend_sql(s->b.kind, "rollups.sql", path, sizeof path), 2, p,
	    &res))
		return false;
	bool ok = true;
	for (int i = 0; i < PQntuples(res) && ok; i++) {
		const char *view = PQgetvalue(res, i, 0);
		if (*n == *cap) {
			*cap *= 2;
			*rows = xreallocarray(*rows, (size_t)*cap, sizeof **rows);
		}
		struct row *r = &(*rows)[(*n)++];
		memset(r, 0, sizeof *r);
		if (tsq_backend_own_partitions(s->b.kind)) {
			ok = row_fill(s, r, view);
		} else {
			/* A continuous aggregate: the hypertable it materializes into. */
			const char *vp[1] = { view };
			r->rows = r->partitions = r->compressed = r->symbols = -1;
			r->total = r->table = r->index = r->toast = r->before = r->after = -1;
			PGresult *m = NULL;
			ok = row_names(s, r, view) && run_checked(s, "timescaledb/stats_rollup.sql", 1, vp, &m);
			if (ok && PQntuples(m) == 1) {
				struct row mat = { 0 };
				char *reg = xstrdup(PQgetvalue(m, 0, 0));
				mat.kind = "hypertable";
				ok = row_names(s, &mat, reg);
				mat.kind = "hypertable";
				ok = ok && row_sizes(s, &mat, reg) &&
				    (PQgetisnull(m, 0, 1) || row_scan(s, &mat, reg, PQgetvalue(m, 0, 1), false));
				r->rows = mat.rows;
				r->partitions = mat.partitions;
				r->compressed = mat.compressed;
				r->total = mat.total;
				r->table = mat.table;
				r->index = mat.index;
				r->toast = mat.toast;
				r->before = mat.before;
				r->after = mat.after;
				r->time_min = mat.time_min;
				r->time_max = mat.time_max;
				r->max_usec = mat.max_usec;
				r->has_max = mat.has_max;
				mat.time_min = mat.time_max = NULL;
				row_free(&mat);
				free(reg);
			}
			PQclear(m);
		}
		r->kind = "rollup";
		r->source = xstrdup(t->display);
		if (r->has_max && t->has_max) {
			r->has_lag = true;
			r->lag = (double)(t->max_usec - r->max_usec) / 1e6;
		} else if (t->has_max) {
			r->has_lag = false;	/* nothing materialized yet */
		}
	}
	PQclear(res);
	return ok;
}

static void
put_int(char *buf, size_t size, int64_t v, const char **slot)
{
	if (v < 0) {
		*slot = NULL;
		return;
	}
	snprintf(buf, size, "%" PRId64, v);
	*slot = buf;
}

/* -o FILE, or standard output. */
static bool
output_open(struct session *s, struct tsq_outfile *out)
{
	struct tsq_buf err = TSQ_BUF_INIT;

	memset(out, 0, sizeof *out);
	s->out = stdout;
	if (!s->o->output)
		return true;
	if (!tsq_outfile_open(out, s->o->output, &err)) {
		tsq_error("%s", err.data);
		tsq_buf_free(&err);
		return false;
	}
	s->out = out->f;
	return true;
}

/* Finish the output: with -o, the file is replaced only by a complete report. */
static bool
output_close(struct session *s, struct tsq_outfile *out, bool ok)
{
	struct tsq_buf err = TSQ_BUF_INIT;
	bool written = true;

	if (!s->o->output)
		return true;	/* standard output: tsq_stdout_finish() checks it */
	s->out = NULL;
	if (!ok) {
		tsq_outfile_abort(out);
		return true;
	}
	if (!(written = tsq_outfile_commit(out, &err)))
		tsq_error("%s", err.data);
	tsq_buf_free(&err);
	return written;
}

/* ---- prometheus ---- */

/* A label value with \, " and line feeds escaped, as the text format wants. */
static void
prom_label(FILE *f, const char *name, const char *value)
{
	fprintf(f, "%s=\"", name);
	for (const char *c = value; *c; c++) {
		if (*c == '\\' || *c == '"')
			fputc('\\', f), fputc(*c, f);
		else if (*c == '\n')
			fputs("\\n", f);
		else
			fputc(*c, f);
	}
	fputc('"', f);
}

struct prom_sample {
	const char *schema, *table, *action;
	double value;
	const char *label;	/* the name of the third label: NULL for "action" */
};

/* One metric: HELP and TYPE once, then its samples. */
static void
prom_metric(FILE *f, const char *name, const char *type, const char *help,
    const struct prom_sample *v, int n)
{
	if (n == 0)
		return;
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
	for (int i = 0; i < n; i++) {
		fputs(name, f);
		if (v[i].schema) {
			fputc('{', f);
			prom_label(f, "schema", v[i].schema);
			fputc(',', f);
			prom_label(f, "table", v[i].table);
			if (v[i].action) {
				fputc(',', f);
				prom_label(f, v[i].label ? v[i].label : "action", v[i].action);
			}
			fputc('}', f);
		}
		fprintf(f, " %.17g\n", v[i].value);
	}
}

/* A metric of the table rows whose field, read by GET, is known (>= 0). */
static void
prom_rows(FILE *f, const char *name, const char *help, const struct row *rows, int n,
    bool rollups, double (*get)(const struct row *))
{
	struct prom_sample *v = xcalloc((size_t)n + 1, sizeof *v);
	int k = 0;

	for (int i = 0; i < n; i++) {
		if ((strcmp(rows[i].kind, "rollup") == 0) != rollups)
			continue;
		double x = get(&rows[i]);
		if (x < 0 || isnan(x))
			continue;
		v[k++] = (struct prom_sample){ rows[i].schema, rows[i].name, NULL, x, NULL };
	}
	prom_metric(f, name, "gauge", help, v, k);
	free(v);
}

static double get_rows(const struct row *r) { return (double)r->rows; }
static double get_total(const struct row *r) { return (double)r->total; }
static double get_table(const struct row *r) { return (double)r->table; }
static double get_index(const struct row *r) { return (double)r->index; }
static double get_toast(const struct row *r) { return (double)r->toast; }
static double get_parts(const struct row *r) { return (double)r->partitions; }
static double get_compressed(const struct row *r) { return (double)r->compressed; }
static double get_symbols(const struct row *r) { return (double)r->symbols; }
static double get_newest(const struct row *r) { return r->has_max ? (double)r->max_usec / 1e6 : -1; }
static double get_lag(const struct row *r) { return r->has_lag ? (r->lag < 0 ? 0 : r->lag) : -1; }
static double get_loaded(const struct row *r) { return r->last_insert ? (double)r->last_insert_usec / 1e6 : -1; }

static double
get_ratio(const struct row *r)
{
	return r->before > 0 && r->after >= 0 ? (double)r->after / (double)r->before : -1;
}

/* The rows of tsq.node_stats for the asked-for table I; false (reported) on failure. */
static bool
node_rows(struct session *s, int i, struct row *r, PGresult **res)
{
	*res = NULL;
	if (!row_names(s, r, s->tables[i]))
		return false;
	const char *p[1] = { s->tables[i] };
	return run_checked(s, "citus/stats_nodes.sql", 1, p, res);
}

/* A Citus cluster: shards, bytes and rows of each table on each node. */
static bool
prom_nodes(struct session *s, FILE *f)
{
	static const struct {
		const char *name, *help;
		int col;
	} metrics[] = {
		{ "tsq_node_table_shards", "Shards of the table (of all its partitions) on the node.", 1 },
		{ "tsq_node_table_size_bytes", "Bytes of the table's shards on the node.", 2 },
		{ "tsq_node_table_rows", "Rows of the table on the node (the shards' estimate).", 3 },
		{ "tsq_node_table_columnar_bytes", "Bytes of the table's columnar (compressed) shards "
		    "on the node.", 4 },
	};
	enum { NMETRICS = sizeof metrics / sizeof metrics[0] };
	PGresult **res = xcalloc((size_t)s->ntables + 1, sizeof *res);
	struct row *r = xcalloc((size_t)s->ntables + 1, sizeof *r);
	bool ok = true;
	int total = 0;

	for (int i = 0; i < s->ntables && ok; i++) {
		ok = node_rows(s, i, &r[i], &res[i]);
		total += res[i] ? PQntuples(res[i]) : 0;
	}
	struct prom_sample *v = xcalloc((size_t)total + 1, sizeof *v);
	for (int m = 0; m < NMETRICS && ok; m++) {
		int k = 0;
		for (int i = 0; i < s->ntables; i++)
			for (int j = 0; res[i] && j < PQntuples(res[i]); j++)
				if (!PQgetisnull(res[i], j, metrics[m].col))
					v[k++] = (struct prom_sample){ r[i].schema, r[i].name,
					    PQgetvalue(res[i], j, 0),
					    strtod(PQgetvalue(res[i], j, metrics[m].col), NULL), "node" };
		prom_metric(f, metrics[m].name, "gauge", metrics[m].help, v, k);
	}
	for (int i = 0; i < s->ntables; i++) {
		PQclear(res[i]);
		row_free(&r[i]);
	}
	free(v);
	free(r);
	free(res);
	return ok;
}

/* Policy metrics: what tsq-compress recorded, chunks overdue, TimescaleDB's jobs. */
static bool
prom_policies(struct session *s, FILE *f)
{
	const char *p[1] = { s->table_array.data };
	PGresult *res;

	res = tsq_exec(s->conn, "SELECT to_regclass('tsq.policy_runs') IS NOT NULL", 0, NULL);
	bool has = tsq_result_ok(res) && PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	if (has) {
		if (!run_checked(s, "stats/policy_runs.sql", 1, p, &res))
			return false;
		int n = PQntuples(res);
		struct prom_sample *last = xcalloc((size_t)n + 1, sizeof *last);
		struct prom_sample *dur = xcalloc((size_t)n + 1, sizeof *dur);
		struct prom_sample *fail = xcalloc((size_t)n + 1, sizeof *fail);
		int nl = 0, nd = 0;
		for (int i = 0; i < n; i++) {
			struct prom_sample x = { PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
			    PQgetvalue(res, i, 2), 0, NULL };
			if (!PQgetisnull(res, i, 10)) {
				last[nl] = x;
				last[nl++].value = strtod(PQgetvalue(res, i, 10), NULL);
				dur[nd] = x;
				dur[nd++].value = strtod(PQgetvalue(res, i, 8), NULL);
			}
			fail[i] = x;
			fail[i].value = strtod(PQgetvalue(res, i, 9), NULL);
		}
		prom_metric(f, "tsq_policy_last_success_timestamp_seconds", "gauge",
		    "When the last successful action of tsq-compress on the table ended.", last, nl);
		prom_metric(f, "tsq_policy_last_success_duration_seconds", "gauge",
		    "How long the last successful action of tsq-compress on the table took.", dur, nd);
		prom_metric(f, "tsq_policy_failures", "gauge",
		    "Actions of tsq-compress on the table that failed since the last success.", fail, n);
		free(last);
		free(dur);
		free(fail);
		PQclear(res);
	}
	if (s->b.kind != TSQ_BACKEND_TIMESCALEDB)
		return true;
	if (has) {
		if (!run_checked(s, "timescaledb/stats_overdue.sql", 1, p, &res))
			return false;
		int n = PQntuples(res);
		struct prom_sample *v = xcalloc((size_t)n + 1, sizeof *v);
		for (int i = 0; i < n; i++)
			v[i] = (struct prom_sample){ PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), NULL,
			    strtod(PQgetvalue(res, i, 2), NULL), NULL };
		prom_metric(f, "tsq_chunks_overdue", "gauge",
		    "Chunks older than the table's compress_after that are not fully compressed.", v, n);
		free(v);
		PQclear(res);
	}
	if (!s->b.has_policies)
		return true;
	if (!run_checked(s, "timescaledb/stats_jobs.sql", 1, p, &res))
		return false;
	int n = PQntuples(res);
	struct prom_sample *cf = xcalloc((size_t)n + 1, sizeof *cf);
	struct prom_sample *ok = xcalloc((size_t)n + 1, sizeof *ok);
	struct prom_sample *ls = xcalloc((size_t)n + 1, sizeof *ls);
	int nls = 0;
	for (int i = 0; i < n; i++) {
		struct prom_sample x = { PQgetvalue(res, i, 2), PQgetvalue(res, i, 3),
		    PQgetvalue(res, i, 1), 0, NULL };
		cf[i] = x;
		cf[i].value = (double)value_int64(res, i, 11, 0);
		ok[i] = x;
		ok[i].value = strcmp(PQgetvalue(res, i, 8), "Success") == 0;
		if (!PQgetisnull(res, i, 13)) {
			ls[nls] = x;
			ls[nls++].value = strtod(PQgetvalue(res, i, 13), NULL);
		}
	}
	prom_metric(f, "tsq_timescaledb_job_consecutive_failures", "gauge",
	    "Consecutive failures of TimescaleDB's own policy job (action: its procedure).", cf, n);
	prom_metric(f, "tsq_timescaledb_job_last_run_success", "gauge",
	    "1 when the last run of TimescaleDB's own policy job succeeded.", ok, n);
	prom_metric(f, "tsq_timescaledb_job_last_success_timestamp_seconds", "gauge",
	    "When TimescaleDB's own policy job last finished successfully.", ls, nls);
	free(cf);
	free(ok);
	free(ls);
	PQclear(res);
	return true;
}

static bool
write_prometheus(struct session *s, const struct row *rows, int n)
{
	FILE *f = s->out;
	struct prom_sample one = { 0 };

	fprintf(f, "# HELP tsq_server_info The server tsq-stats read: versions in the labels.\n"
	    "# TYPE tsq_server_info gauge\ntsq_server_info{");
	prom_label(f, "version", s->version);
	fputc(',', f);
	prom_label(f, "timescaledb", s->ts_version ? s->ts_version : "");
	fputc(',', f);
	prom_label(f, "license", s->license ? s->license : "");
	fputs("} 1\n", f);
	one.value = (double)s->database_bytes;
	prom_metric(f, "tsq_database_size_bytes", "gauge", "Size of the database on disk.", &one, 1);
	if (s->b.kind == TSQ_BACKEND_TIMESCALEDB) {
		one.value = s->scheduler;
		prom_metric(f, "tsq_timescaledb_scheduler_running", "gauge",
		    "1 when TimescaleDB's job scheduler runs for this database.", &one, 1);
	}
	prom_rows(f, "tsq_table_rows", "Rows of the table (the planner's estimate unless --exact).",
	    rows, n, false, get_rows);
	prom_rows(f, "tsq_table_size_bytes", "Total size of the table: heap, indexes, TOAST, "
	    "compressed chunks.", rows, n, false, get_total);
	prom_rows(f, "tsq_table_heap_bytes", "Size of the table's heap.", rows, n, false, get_table);
	prom_rows(f, "tsq_table_index_bytes", "Size of the table's indexes.", rows, n, false, get_index);
	prom_rows(f, "tsq_table_toast_bytes", "Size of the table's TOAST.", rows, n, false, get_toast);
	prom_rows(f, "tsq_table_chunks", "Chunks (TimescaleDB) or partitions (PostgreSQL).",
	    rows, n, false, get_parts);
	prom_rows(f, "tsq_table_compressed_chunks", "Compressed chunks.", rows, n, false,
	    get_compressed);
	prom_rows(f, "tsq_table_compressed_size_ratio", "Size of the compressed chunks after "
	    "compression over their size before (0-1).", rows, n, false, get_ratio);
	prom_rows(f, "tsq_table_symbols", "Distinct symbols (the planner's estimate unless --exact).",
	    rows, n, false, get_symbols);
	prom_rows(f, "tsq_table_newest_timestamp_seconds", "Time of the newest row.", rows, n, false,
	    get_newest);
	prom_rows(f, "tsq_table_last_insert_timestamp_seconds", "When tsq-load last committed rows "
	    "to the table.", rows, n, false, get_loaded);
	prom_rows(f, "tsq_rollup_size_bytes", "Total size of the rollup's materialized data.",
	    rows, n, true, get_total);
	prom_rows(f, "tsq_rollup_lag_seconds", "How far the rollup's newest bucket is behind the "
	    "newest row of the table it reads.", rows, n, true, get_lag);
	if (s->has_nodes && !prom_nodes(s, f))
		return false;
	return prom_policies(s, f);
}

/* ---- the overview as rows ---- */

static void
format_ratio(const struct row *r, char *buf, size_t size, const char **slot)
{
	if (r->before > 0 && r->after > 0) {
		snprintf(buf, size, "%.2f", (double)r->before / (double)r->after);
		*slot = buf;
	} else {
		*slot = NULL;
	}
}

static struct tsq_out
out_begin(struct session *s, int ncols, char *const *names, const unsigned int *types)
{
	struct tsq_out out = { 0 };

	out.f = s->out;
	out.format = s->o->format;
	out.header = !s->o->no_header;
	out.footer = false;
	tsq_out_begin(&out, ncols, names, types);
	return out;
}

enum { OID_TEXT = 25, OID_INT8 = 20, OID_FLOAT8 = 701, OID_TIMESTAMPTZ = 1184, OID_BOOL = 16 };

static void
write_overview(struct session *s, const struct row *rows, int n)
{
	static char *names[] = { "schema", "table", "kind", "source", "rows", "time_min", "time_max",
	    "symbols", "chunks", "compressed_chunks", "total_bytes", "table_bytes", "index_bytes",
	    "toast_bytes", "compression_ratio", "lag_seconds", "last_insert", "backend" };
	static const unsigned int types[] = { OID_TEXT, OID_TEXT, OID_TEXT, OID_TEXT, OID_INT8,
	    OID_TIMESTAMPTZ, OID_TIMESTAMPTZ, OID_INT8, OID_INT8, OID_INT8, OID_INT8, OID_INT8,
	    OID_INT8, OID_INT8, OID_FLOAT8, OID_FLOAT8, OID_TIMESTAMPTZ, OID_TEXT };
	enum { NCOLS = sizeof names / sizeof names[0] };

	if (s->o->format == TSQ_OUT_TABLE || s->o->format == TSQ_OUT_MARKDOWN) {
		struct tsq_buf db = TSQ_BUF_INIT;
		tsq_term_safe(&db, s->database);
		fprintf(s->out, "%s: PostgreSQL %s", db.data, s->version);
		tsq_buf_free(&db);
		if (s->ts_version)
			fprintf(s->out, ", TimescaleDB %s (%s license)", s->ts_version,
			    s->license ? s->license : "unknown");
		else if (s->b.citus_version[0])
			fprintf(s->out, ", Citus %s", s->b.citus_version);
		else
			fputs(", plain PostgreSQL", s->out);
		fprintf(s->out, ", %" PRId64 " bytes%s\n\n", s->database_bytes,
		    s->b.citus_version[0] ? " on the coordinator" : "");
	}
	struct tsq_out out = out_begin(s, NCOLS, names, types);
	for (int i = 0; i < n; i++) {
		const struct row *r = &rows[i];
		char b[10][32];
		const char *v[NCOLS] = { r->schema, r->name, r->kind, r->source, NULL, r->time_min,
		    r->time_max };
		put_int(b[0], sizeof b[0], r->rows, &v[4]);
		put_int(b[1], sizeof b[1], r->symbols, &v[7]);
		put_int(b[2], sizeof b[2], r->partitions, &v[8]);
		put_int(b[3], sizeof b[3], r->compressed, &v[9]);
		put_int(b[4], sizeof b[4], r->total, &v[10]);
		put_int(b[5], sizeof b[5], r->table, &v[11]);
		put_int(b[6], sizeof b[6], r->index, &v[12]);
		put_int(b[7], sizeof b[7], r->toast, &v[13]);
		format_ratio(r, b[8], sizeof b[8], &v[14]);
		if (r->has_lag) {
			snprintf(b[9], sizeof b[9], "%.6f", r->lag);
			v[15] = b[9];
		}
		v[16] = r->last_insert;
		v[17] = tsq_backend_name(s->b.kind);
		tsq_out_row(&out, (char *const *)v);
	}
	tsq_out_end(&out);
	tsq_out_free(&out);
}

static int
overview(struct session *s)
{
	int cap = 8, n = 0;
	struct row *rows = xcalloc((size_t)cap, sizeof *rows);
	bool ok = true;

	for (int i = 0; i < s->ntables && ok; i++) {
		if (n == cap) {
			cap *= 2;
			rows = xreallocarray(rows, (size_t)cap, sizeof *rows);
		}
		struct row *t = &rows[n++];
		memset(t, 0, sizeof *t);
		ok = row_fill(s, t, s->tables[i]);
		if (ok) {
			struct row copy = *t;	/* rows may move as rollups are added */
			ok = rollups_fill(s, &copy, &rows, &n, &cap);
		}
	}
	if (ok) {
		if (s->o->prometheus)
			ok = write_prometheus(s, rows, n);
		else
			write_overview(s, rows, n);
	}
	for (int i = 0; i < n; i++)
		row_free(&rows[i]);
	free(rows);
	return ok ? TSQ_EXIT_OK : TSQ_EXIT_FAILURE;
}

/* ---- --policies ---- */

static int
policies(struct session *s)
{
	static char *names[] = { "source", "schema", "table", "action", "scheduled", "schedule_seconds",
	    "last_start", "last_finish", "status", "last_error", "last_success", "next_start",
	    "failures" };
	static const unsigned int types[] = { OID_TEXT, OID_TEXT, OID_TEXT, OID_TEXT, OID_BOOL,
	    OID_FLOAT8, OID_TIMESTAMPTZ, OID_TIMESTAMPTZ, OID_TEXT, OID_TEXT, OID_TIMESTAMPTZ,
	    OID_TIMESTAMPTZ, OID_INT8 };
	enum { NCOLS = sizeof names / sizeof names[0] };
	const char *p[1] = { s->table_array.data };
	PGresult *runs = NULL, *overdue = NULL, *jobs = NULL;
	int rc = TSQ_EXIT_FAILURE;

	PGresult *res = tsq_exec(s->conn, "SELECT to_regclass('tsq.policy_runs') IS NOT NULL", 0, NULL);
	bool has = tsq_result_ok(res) && PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	if (has && !run_checked(s, "stats/policy_runs.sql", 1, p, &runs))
		goto out;
	if (has && s->b.kind == TSQ_BACKEND_TIMESCALEDB &&
	    !run_checked(s, "timescaledb/stats_overdue.sql", 1, p, &overdue))
		goto out;
	if (s->b.kind == TSQ_BACKEND_TIMESCALEDB && s->b.has_policies &&
	    !run_checked(s, "timescaledb/stats_jobs.sql", 1, p, &jobs))
		goto out;
	struct tsq_out out = out_begin(s, NCOLS, names, types);
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
		int64_t late = value_int64(overdue, i, 2, 0);
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
		tsq_out_row(&out, (char *const *)v);
	}
	tsq_out_end(&out);
	tsq_out_free(&out);
	rc = TSQ_EXIT_OK;
out:
	PQclear(runs);
	PQclear(overdue);
	PQclear(jobs);
	return rc;
}

/* ---- --chunks ---- */

static int
chunks_view(struct session *s)
{
	static char *names[] = { "schema", "table", "chunk", "range_start", "range_end", "rows",
	    "bytes", "bytes_before_compression", "state" };
	static const unsigned int types[] = { OID_TEXT, OID_TEXT, OID_TEXT, OID_TIMESTAMPTZ,
	    OID_TIMESTAMPTZ, OID_INT8, OID_INT8, OID_INT8, OID_TEXT };
	enum { NCOLS = sizeof names / sizeof names[0] };
	struct tsq_out out = out_begin(s, NCOLS, names, types);
	int rc = TSQ_EXIT_OK;

	for (int i = 0; i < s->ntables && rc == TSQ_EXIT_OK; i++) {
		struct row r = { 0 };
		if (!row_names(s, &r, s->tables[i])) {
			rc = TSQ_EXIT_FAILURE;
			break;
		}
		const char *p[2] = { r.schema, r.name };
		const char *path = NULL;
		char own[64];
		PGresult *res = NULL;
		if (tsq_backend_own_partitions(s->b.kind)) {
			res = tsq_exec(s->conn, "SELECT to_regprocedure('tsq.partitions(text,text)') IS NOT NULL",
			    0, NULL);
			if (tsq_result_ok(res) && PQgetvalue(res, 0, 0)[0] == 't')
				path = tsq_backend_sql(s->b.kind, "stats_chunks.sql", own, sizeof own);
		} else {
			res = tsq_exec(s->conn, "SELECT EXISTS (SELECT 1 FROM timescaledb_information.hypertables"
			    " WHERE hypertable_schema = $1 AND hypertable_name = $2)", 2, p);
			if (tsq_result_ok(res) && PQgetvalue(res, 0, 0)[0] == 't')
				path = "timescaledb/stats_chunks.sql";
		}
		PQclear(res);
		res = NULL;
		if (path && !run_checked(s, path, 2, p, &res))
			rc = TSQ_EXIT_FAILURE;
		for (int k = 0; res && k < PQntuples(res); k++) {
			const char *v[NCOLS] = { r.schema, r.name };
			for (int c = 0; c < 7; c++)
				v[2 + c] = PQgetisnull(res, k, c) ? NULL : PQgetvalue(res, k, c);
			tsq_out_row(&out, (char *const *)v);
		}
		PQclear(res);
		row_free(&r);
	}
	tsq_out_end(&out);
	tsq_out_free(&out);
	return rc;
}

/* ---- --nodes ---- */

static int
nodes_view(struct session *s)
{
	static char *names[] = { "schema", "table", "node", "shards", "bytes", "rows",
	    "columnar_bytes", "columnar_bytes_before_compression", "distributed_by" };
	static const unsigned int types[] = { OID_TEXT, OID_TEXT, OID_TEXT, OID_INT8, OID_INT8,
	    OID_INT8, OID_INT8, OID_INT8, OID_TEXT };
	enum { NCOLS = sizeof names / sizeof names[0] };

	if (!s->has_nodes) {
		tsq_error("--nodes needs a Citus cluster that tsq-init has set up (tsq.node_stats)");
		return TSQ_EXIT_UNAVAILABLE;
	}
	if (s->o->prometheus)
		return prom_nodes(s, s->out) ? TSQ_EXIT_OK : TSQ_EXIT_FAILURE;
	struct tsq_out out = out_begin(s, NCOLS, names, types);
	int rc = TSQ_EXIT_OK;
	for (int i = 0; i < s->ntables && rc == TSQ_EXIT_OK; i++) {
		struct row r = { 0 };
		PGresult *res;
		if (!node_rows(s, i, &r, &res))
			rc = TSQ_EXIT_FAILURE;
		for (int k = 0; res && k < PQntuples(res); k++) {
			const char *v[NCOLS] = { r.schema, r.name };
			for (int c = 0; c < NCOLS - 2; c++)
				v[2 + c] = PQgetisnull(res, k, c) ? NULL : PQgetvalue(res, k, c);
			tsq_out_row(&out, (char *const *)v);
		}
		PQclear(res);
		row_free(&r);
	}
	tsq_out_end(&out);
	tsq_out_free(&out);
	return rc;
}

/* ---- --symbols and --quality ---- */

/*
 * The SQL of sql/quality/FILE for table row R (or the backend's own version,
 * <backend>/quality_FILE, where it needs one): @table@ and @symbols@ become
 * names the server quoted, @timeframe@ the timeframe column or TF_NONE, and
 * @step@ and @missing@ the shared fragments of sql/quality.
 */
static char *
quality_sql(const struct session *s, const char *file, const struct row *r, const char *symbols,
    bool timeframe, const char *tf_none)
{
	char path[64], own[64];
	struct tsq_buf fragment[2] = { TSQ_BUF_INIT, TSQ_BUF_INIT }, out = TSQ_BUF_INIT;
	static const char *const names[2] = { "quality/step.sql", "quality/missing.sql" };

	/* The fragments without their comment lines. */
	for (int i = 0; i < 2; i++) {
		for (const char *l = tsq_sql_file(names[i]); *l;) {
			const char *nl = strchr(l, '\n');
			size_t n = nl ? (size_t)(nl - l) + 1 : strlen(l);
			if (strncmp(l, "--", 2) != 0)
				tsq_buf_add(&fragment[i], l, n);
			l += n;
		}
	}
	const struct tsq_script_var tokens[] = {
		{ "table", r->display },
		{ "symbols", symbols ? symbols : "" },
		{ "timeframe", timeframe ? "timeframe" : tf_none },
		{ "step", fragment[0].data },
		{ "missing", fragment[1].data },
		{ NULL, NULL },
	};
	snprintf(own, sizeof own, "quality_%s", file);
	if (!tsq_backend_sql(s->b.kind, own, path, sizeof path))
		snprintf(path, sizeof path, "quality/%s", file);
	tsq_sql_substitute(&out, tsq_sql_file(path), tokens);
	tsq_buf_free(&fragment[0]);
	tsq_buf_free(&fragment[1]);
	return tsq_buf_detach(&out);
}

/*
 * Which of the columns the checks need table row R lacks (a list for the
 * message, "" when none), and whether it has a timeframe column.
 */
static bool
row_shape(struct session *s, const struct row *r, const char *needed, char **lacks,
    bool *timeframe)
{
	const char *p[2] = { r->display, needed };
	PGresult *res = tsq_exec(s->conn, tsq_sql_file("stats/lacks.sql"), 2, p);

	if (!tsq_result_ok(res)) {
		tsq_report_result(res);
		PQclear(res);
		return false;
	}
	*lacks = xstrdup(PQgetvalue(res, 0, 0));
	*timeframe = PQgetvalue(res, 0, 1)[0] == 't';
	PQclear(res);
	return true;
}

/* The parameters $1 to $4 of the SQL in sql/quality: since and the session. */
static void
rows_params(const struct options *o, const char **p)
{
	p[0] = o->since;
	p[1] = o->session_start[0] ? o->session_start : NULL;
	p[2] = o->session_end[0] ? o->session_end : NULL;
	p[3] = o->weekdays ? "true" : "false";
}

static int
symbols_view(struct session *s)
{
	static char *names[] = { "schema", "table", "symbol", "timeframe", "first", "last", "rows",
	    "missing" };
	static const unsigned int types[] = { OID_TEXT, OID_TEXT, OID_TEXT, OID_TEXT,
	    OID_TIMESTAMPTZ, OID_TIMESTAMPTZ, OID_INT8, OID_INT8 };
	enum { NCOLS = sizeof names / sizeof names[0] };
	struct tsq_out out = out_begin(s, NCOLS, names, types);
	int rc = TSQ_EXIT_OK;

	for (int i = 0; i < s->ntables && rc == TSQ_EXIT_OK; i++) {
		struct row r = { 0 };
		char *lacks = NULL, *sql = NULL;
		bool timeframe;
		PGresult *res = NULL;
		const char *p[4];

		if (!row_names(s, &r, s->tables[i]) || !row_shape(s, &r, "{time,symbol}", &lacks,
		    &timeframe)) {
			rc = TSQ_EXIT_FAILURE;
		} else if (*lacks) {
			tsq_error("--symbols needs columns time and symbol: %s has no %s", r.display, lacks);
			rc = TSQ_EXIT_USAGE;
		} else {
			sql = quality_sql(s, "symbols.sql", &r, NULL, timeframe, "NULL");
			rows_params(s->o, p);
			res = tsq_exec(s->conn, sql, 4, p);
			if (!tsq_result_ok(res)) {
				tsq_report_result(res);
				rc = TSQ_EXIT_FAILURE;
			}
		}
		for (int k = 0; rc == TSQ_EXIT_OK && k < PQntuples(res); k++) {
			const char *v[NCOLS] = { r.schema, r.name };
			for (int c = 0; c < 6; c++)
				v[2 + c] = PQgetisnull(res, k, c) ? NULL : PQgetvalue(res, k, c);
			tsq_out_row(&out, (char *const *)v);
		}
		PQclear(res);
		free(sql);
		free(lacks);
		row_free(&r);
	}
	tsq_out_end(&out);
	tsq_out_free(&out);
	return rc;
}

/* One check's outcome on one table. */
struct check {
	const char *name;
	int64_t problems;	/* -1: skipped */
	char *examples;
	char rule[160];
};

#define NCHECKS 9

/* What each check holds the candles to, for the rule column. */
static void
checks_rules(const struct options *o, bool timeframe, struct check *k)
{
	char grid[96];

	if (o->session_start[0])
		snprintf(grid, sizeof grid, "from %s to %s%s", o->session_start, o->session_end,
		    o->weekdays ? ", Monday to Friday" : "");
	else
		snprintf(grid, sizeof grid, "%s", o->weekdays ? "all day, Monday to Friday" :
		    "around the clock");
	snprintf(k[0].rule, sizeof k[0].rule, "a candle every timeframe step, %s", grid);
	snprintf(k[1].rule, sizeof k[1].rule, "low <= open, close <= high");
	snprintf(k[2].rule, sizeof k[2].rule, "open, high, low and close above 0, not NaN");
	snprintf(k[3].rule, sizeof k[3].rule, "volume above 0, not NaN");
	snprintf(k[4].rule, sizeof k[4].rule, "at most %" PRId64 " flat candles in a row repeating "
	    "the close", o->frozen);
	snprintf(k[5].rule, sizeof k[5].rule, "close-to-close moves within %g %%", o->spike);
	snprintf(k[6].rule, sizeof k[6].rule, "no candle after now");
	snprintf(k[7].rule, sizeof k[7].rule, "times on the timeframe's grid (from midnight UTC)");
	snprintf(k[8].rule, sizeof k[8].rule, "each active symbol has rows in the last %s",
	    o->stale_text ? o->stale_text : "1d");
	if (!timeframe) {
		k[0].problems = k[7].problems = -1;
		snprintf(k[0].rule, sizeof k[0].rule, "no timeframe column");
		snprintf(k[7].rule, sizeof k[7].rule, "no timeframe column");
	}
}

/*
 * Run the checks on table row R into K (NCHECKS of them, in the order of
 * the output).  False on failure, reported.
 */
static bool
checks_run(struct session *s, const struct row *r, bool timeframe, struct check *k)
{
	const struct options *o = s->o;
	char spike[32], frozen[24], examples[8], stale[40];
	const char *p[7];
	PGresult *res;

	snprintf(spike, sizeof spike, "%.17g", o->spike);
	snprintf(frozen, sizeof frozen, "%" PRId64, o->frozen);
	snprintf(examples, sizeof examples, "5");
	rows_params(o, p);
	p[4] = spike;
	p[5] = frozen;
	p[6] = examples;
	char *sql = quality_sql(s, "candles.sql", r, NULL, timeframe, "NULL");
	res = tsq_exec(s->conn, sql, 7, p);
	free(sql);
	if (!tsq_result_ok(res) || PQntuples(res) != NCHECKS - 1) {
		tsq_report_result(res);
		PQclear(res);
		return false;
	}
	for (int i = 0; i < NCHECKS - 1; i++) {
		k[i].name = xstrdup(PQgetvalue(res, i, 0));
		if (k[i].problems == 0)
			k[i].problems = value_int64(res, i, 1, 0);
		k[i].examples = value_dup(res, i, 2);
	}
	PQclear(res);

	/* Stale symbols: those the symbols table of the same schema says are active. */
	k[8].name = xstrdup("stale");
	const char *sp[1] = { r->schema };
	res = tsq_exec(s->conn, tsq_sql_file("stats/symbols_table.sql"), 1, sp);
	if (!tsq_result_ok(res)) {
		tsq_report_result(res);
		PQclear(res);
		return false;
	}
	if (PQgetisnull(res, 0, 0)) {
		k[8].problems = -1;
		snprintf(k[8].rule, sizeof k[8].rule, "no symbols table with an active column");
		PQclear(res);
		return true;
	}
	char *symbols = xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	snprintf(stale, sizeof stale, "%" PRId64 " microseconds", o->stale_usec);
	const char *q[2] = { stale, examples };
	sql = quality_sql(s, "stale.sql", r, symbols, timeframe, "NULL");
	free(symbols);
	res = tsq_exec(s->conn, sql, 2, q);
	free(sql);
	if (!tsq_result_ok(res)) {
		tsq_report_result(res);
		PQclear(res);
		return false;
	}
	k[8].problems = value_int64(res, 0, 0, 0);
	k[8].examples = value_dup(res, 0, 1);
	PQclear(res);
	return true;
}

static void
checks_free(struct check *k)
{
	for (int i = 0; i < NCHECKS; i++) {
		free((char *)k[i].name);
		free(k[i].examples);
	}
}

static int
quality_view(struct session *s)
{
	static char *names[] = { "schema", "table", "check", "status", "problems", "examples",
	    "rule" };
	static const unsigned int types[] = { OID_TEXT, OID_TEXT, OID_TEXT, OID_TEXT, OID_INT8,
	    OID_TEXT, OID_TEXT };
	enum { NCOLS = sizeof names / sizeof names[0] };
	struct tsq_out out = { 0 };
	struct prom_sample *samples = NULL;
	int nsamples = 0, rc = TSQ_EXIT_OK;
	bool found = false;

	if (s->o->prometheus)
		samples = xcalloc((size_t)s->ntables * NCHECKS + 1, sizeof *samples);
	else
		out = out_begin(s, NCOLS, names, types);
	struct check *all = xcalloc((size_t)s->ntables * NCHECKS + 1, sizeof *all);
	struct row *rows = xcalloc((size_t)s->ntables + 1, sizeof *rows);
	for (int i = 0; i < s->ntables && rc == TSQ_EXIT_OK; i++) {
		struct row *r = &rows[i];
		struct check *k = &all[i * NCHECKS];
		char *lacks = NULL;
		bool timeframe;

		if (!row_names(s, r, s->tables[i]) ||
		    !row_shape(s, r, "{time,symbol,open,high,low,close,volume}", &lacks, &timeframe)) {
			rc = TSQ_EXIT_FAILURE;
		} else if (*lacks) {
			tsq_error("--quality checks candles: %s has no %s", r->display, lacks);
			rc = TSQ_EXIT_USAGE;
		} else {
			checks_rules(s->o, timeframe, k);
			if (!checks_run(s, r, timeframe, k))
				rc = TSQ_EXIT_FAILURE;
		}
		free(lacks);
		for (int c = 0; rc == TSQ_EXIT_OK && c < NCHECKS; c++) {
			char count[24];
			const char *status = k[c].problems < 0 ? "skipped" :
			    k[c].problems > 0 ? "failed" : "ok";
			found |= k[c].problems > 0;
			if (s->o->prometheus) {
				if (k[c].problems >= 0)
					samples[nsamples++] = (struct prom_sample){ r->schema, r->name,
					    k[c].name, (double)k[c].problems, "check" };
				continue;
			}
			const char *v[NCOLS] = { r->schema, r->name, k[c].name, status, NULL,
			    k[c].examples, k[c].rule };
			put_int(count, sizeof count, k[c].problems, &v[4]);
			tsq_out_row(&out, (char *const *)v);
		}
	}
	if (s->o->prometheus && rc == TSQ_EXIT_OK)
		prom_metric(s->out, "tsq_quality_problems", "gauge", "Problems the data-quality "
		    "check found in the table (check: which; see tsq-stats(1)).", samples, nsamples);
	else if (!s->o->prometheus) {
		tsq_out_end(&out);
		tsq_out_free(&out);
	}
	for (int i = 0; i < s->ntables; i++) {
		checks_free(&all[i * NCHECKS]);
		row_free(&rows[i]);
	}
	free(all);
	free(rows);
	free(samples);
	if (rc == TSQ_EXIT_OK && found && s->o->fail_on_quality)
		rc = TSQ_EXIT_DATAERR;
	return rc;
}

/* ---- connecting ---- */

static int
session_open(struct session *s, const struct options *o)
{
	struct tsq_buf err = TSQ_BUF_INIT;
	PGresult *res;

	memset(s, 0, sizeof *s);
	s->o = o;
	int rc = tsq_connect(&o->common.conn, &s->conn);
	if (rc != TSQ_EXIT_OK)
		return rc;
	if ((res = tsq_backend_detect(s->conn, &s->b)) != NULL) {
		tsq_report_result(res);
		PQclear(res);
		return TSQ_EXIT_FAILURE;
	}
	if (!tsq_conn_set_search_path(s->conn, "public", &err)) {
		tsq_error("%s", err.data);
		tsq_buf_free(&err);
		return TSQ_EXIT_FAILURE;
	}
	tsq_buf_free(&err);
	/*
	 * Compiling the checks' plans costs more than it saves on the few days
	 * --since usually asks for (0.7 s of a 1 s report on 10M rows).
	 */
	res = tsq_exec(s->conn, "SELECT set_config('jit', 'off', false)", 0, NULL);
	PQclear(res);
	if (!run_checked(s, "stats/server.sql", 0, NULL, &res))
		return TSQ_EXIT_FAILURE;
	s->version = value_dup(res, 0, 0);
	s->ts_version = value_dup(res, 0, 1);
	s->license = value_dup(res, 0, 2);
	s->database = value_dup(res, 0, 3);
	s->database_bytes = value_int64(res, 0, 4, -1);
	s->scheduler = PQgetvalue(res, 0, 5)[0] == 't';
	s->has_writes = PQgetvalue(res, 0, 6)[0] == 't';
	s->has_nodes = PQgetvalue(res, 0, 7)[0] == 't';
	PQclear(res);
	return TSQ_EXIT_OK;
}

static void
session_close(struct session *s)
{
	for (int i = 0; i < s->ntables; i++)
		free(s->tables[i]);
	free(s->tables);
	tsq_buf_free(&s->table_array);
	PQclear(s->cluster);
	free(s->version);
	free(s->ts_version);
	free(s->license);
	free(s->database);
	if (s->conn)
		PQfinish(s->conn);
}

static int
run(const struct options *o)
{
	struct session s;
	struct tsq_outfile out;
	int rc = session_open(&s, o);

	if (rc == TSQ_EXIT_OK && !tables_resolve(&s))
		rc = TSQ_EXIT_USAGE;
	if (rc == TSQ_EXIT_OK && !output_open(&s, &out))
		rc = TSQ_EXIT_CANTCREAT;
	if (rc == TSQ_EXIT_OK) {
		if (o->view == VIEW_POLICIES && o->prometheus)
			rc = prom_policies(&s, s.out) ? TSQ_EXIT_OK : TSQ_EXIT_FAILURE;
		else if (o->view == VIEW_POLICIES)
			rc = policies(&s);
		else if (o->view == VIEW_CHUNKS)
			rc = chunks_view(&s);
		else if (o->view == VIEW_SYMBOLS)
			rc = symbols_view(&s);
		else if (o->view == VIEW_QUALITY)
			rc = quality_view(&s);
		else if (o->view == VIEW_NODES)
			rc = nodes_view(&s);
		else
			rc = overview(&s);
		if (!output_close(&s, &out, rc == TSQ_EXIT_OK) && rc == TSQ_EXIT_OK)
			rc = TSQ_EXIT_CANTCREAT;
	}
	session_close(&s);
	return rc;
}

static int
tool_main(int argc, char **argv)
{
	struct options o;
	int rc;

	if (tsq_opt_start(argc, argv, usage))
		return TSQ_EXIT_OK;
	memset(&o, 0, sizeof o);
	snprintf(o.since, sizeof o.since, "-infinity");
	o.spike = 10;
	o.frozen = 10;
	o.stale_usec = 86400 * TSQ_USEC_PER_SEC;
	rc = parse_options(argc, argv, &o);
	if (rc >= 0)
		return rc;
	if (o.common.help)
		usage();
	else if (o.common.version)
		tsq_print_version();
	else
		rc = run(&o);
	return rc < 0 ? TSQ_EXIT_OK : rc;
}

int
main(int argc, char **argv)
{
	return tsq_stdout_finish(tool_main(argc, argv));
}
