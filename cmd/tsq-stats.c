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
 *
 * Options and exits; the engine is stats.h.
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
#include "pager.h"
#include "prom.h"
#include "stats.h"

enum {
	OPT_NO_HEADER = TSQ_OPT_FIRST_PRIVATE,
	OPT_NO_PAGER,
	OPT_WIDE,
	OPT_EXACT,
	OPT_POLICIES,
	OPT_CHUNKS,
	OPT_SYMBOLS,
	OPT_QUALITY,
	OPT_NODES,
	OPT_QUERIES,
	OPT_SINCE,
	OPT_SESSION,
	OPT_WEEKDAYS,
	OPT_SPIKE_THRESHOLD,
	OPT_FROZEN_AFTER,
	OPT_STALE_AFTER,
	OPT_FAIL_ON_QUALITY,
	OPT_TIMEOUT,
	OPT_LABEL,
	OPT_LIMIT,
};

enum { MAX_LABELS = 8 };

enum view {
	VIEW_OVERVIEW = TSQ_STATS_OVERVIEW,
	VIEW_POLICIES = TSQ_STATS_POLICIES,
	VIEW_CHUNKS = TSQ_STATS_CHUNKS,
	VIEW_SYMBOLS = TSQ_STATS_SYMBOLS,
	VIEW_QUALITY = TSQ_STATS_QUALITY,
	VIEW_NODES = TSQ_STATS_NODES,
	VIEW_QUERIES = TSQ_STATS_QUERIES,
};

struct options {
	struct tsq_common_opts common;
	enum view view;
	const char *view_option;	/* "policies" ... as given */
	bool prometheus;		/* -F prometheus */
	bool format_given;
	enum tsq_out_format format;	/* the others */
	const char *output;		/* -o FILE, written whole or not at all */
	bool no_header;
	bool no_pager;
	bool wide;
	struct tsq_stats_opts stats;	/* --exact, and what the views that read rows look at */
	bool fail_on_quality;
	char *labels[MAX_LABELS];	/* --label NAME=VALUE */
	bool limit_given;
	/* options given that go with some views only, for the message */
	const char *needs_rows, *needs_quality;
	char **tables;
	int ntables;
};

static const struct tsq_optdef option_defs[] = {
	{ "policies", OPT_POLICIES, 0, NULL, "tsq-compress's record per table and action, and\n"
	    "TimescaleDB's own jobs, failures first in mind", "Options:", TSQ_BY_CODE },
	{ "chunks", OPT_CHUNKS, 0, NULL, "one row per chunk or partition: range, rows, bytes,\n"
	    "bytes before compression, state", NULL, TSQ_BY_CODE },
	{ "symbols", OPT_SYMBOLS, 0, NULL, "per symbol and timeframe: first and last time, rows,\n"
	    "candles missing from the grid (reads the rows)", NULL, TSQ_BY_CODE },
	{ "quality", OPT_QUALITY, 0, NULL, "check the candles: gaps, OHLC consistency, prices,\n"
	    "volumes, frozen feed, spikes, future times,\n"
	    "misaligned times, stale symbols (reads the rows);\n"
	    "ticks: stale symbols", NULL, TSQ_BY_CODE },
	{ "nodes", OPT_NODES, 0, NULL, "Citus: per table and node, shards, bytes, rows,\n"
	    "columnar bytes before and after compression", NULL, TSQ_BY_CODE },
	{ "queries", OPT_QUERIES, 0, NULL, "the statements that cost the most time, from\n"
	    "pg_stat_statements: calls, total, mean and largest\n"
	    "time, rows, blocks read", NULL, TSQ_BY_CODE },
	{ "exact", OPT_EXACT, 0, NULL, "count rows and symbols exactly (scans every row)", NULL,
	    TSQ_TO_TRUE(stats.exact) },
	{ "timeout", OPT_TIMEOUT, 0, "DURATION", "give up a statement, or a lock wait, after\n"
	    "DURATION: exit 75 naming the table (default 1m;\n"
	    "off: wait as long as it takes)", NULL, TSQ_BY_CODE },
	{ "since", OPT_SINCE, 0, "TIME", "only rows from TIME on (2024-03-01, 7d for 7 days\n"
	    "ago); only the chunks or partitions from then are read",
	    "\nOptions of --symbols and --quality:", TSQ_BY_CODE },
	{ "session", OPT_SESSION, 0, "HH:MM-HH:MM",
	    "candles are due only within these hours of the day\n"
	    "(in the --tz zone; may run past midnight)", NULL, TSQ_BY_CODE },
	{ "weekdays", OPT_WEEKDAYS, 0, NULL, "candles are due Monday to Friday only", NULL, TSQ_BY_CODE },
	{ "spike-threshold", OPT_SPIKE_THRESHOLD, 0, "PCT",
	    "a close-to-close move beyond PCT % is a spike\n"
	    "(default 10)", "\nOptions of --quality:", TSQ_BY_CODE },
	{ "frozen-after", OPT_FROZEN_AFTER, 0, "N",
	    "more than N flat candles in a row repeating the close\n"
	    "are a frozen feed (default 10)", NULL, TSQ_BY_CODE },
	{ "stale-after", OPT_STALE_AFTER, 0, "DURATION",
	    "a symbol with no row for DURATION is stale\n"
	    "(default 1d; the symbols: the active ones of the\n"
	    "symbols table, and those with rows in 7 x DURATION)", NULL, TSQ_BY_CODE },
	{ "fail-on-quality", OPT_FAIL_ON_QUALITY, 0, NULL,
	    "exit 65 when a check finds a problem", NULL, TSQ_BY_CODE },
	{ "limit", OPT_LIMIT, 0, "N", "how many statements (default 10)",
	    "\nOptions of --queries:", TSQ_BY_CODE },
	{ "format", 'F', 'F', "FORMAT", "table, csv, tsv, jsonl, json, markdown or prometheus\n"
	    "(default: table on a terminal, csv otherwise)", "\nOutput:", TSQ_BY_CODE },
	{ "output", 'o', 'o', "FILE", "write to FILE through a temporary file renamed\n"
	    "into place, so a reader never sees half of it", NULL, TSQ_TO_TEXT(output) },
	{ "no-header", OPT_NO_HEADER, 0, NULL, "leave out the column names", NULL,
	    TSQ_TO_TRUE(no_header) },
	{ "wide", OPT_WIDE, 0, NULL, "on a terminal, every column of the overview\n"
	    "(default: the ones that fit about 120 columns)", NULL, TSQ_TO_TRUE(wide) },
	{ "no-pager", OPT_NO_PAGER, 0, NULL, "never page the report on a terminal\n"
	    "(default: through $TSQ_PAGER, $PAGER or less when it\n"
	    "does not fit the screen)", NULL, TSQ_TO_TRUE(no_pager) },
	{ "label", OPT_LABEL, 0, "NAME=VALUE", "with -F prometheus: add this label to every\n"
	    "series, after database (repeatable)", NULL, TSQ_BY_CODE },
	{ "tz", TSQ_OPT_TZ, 0, "ZONE", "time zone of the times shown and of --session\n"
	    "(default: UTC)", NULL, TSQ_TO_TEXT(common.conn.tz) },
	TSQ_OPT_END,
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
	    "  %1$s [OPTION]... --nodes [TABLE]...\n"
	    "  %1$s [OPTION]... --queries [--limit=N]\n\n",
	    tsq_progname());
	printf("TABLEs default to those with a stored policy (tsq-init's own); for --symbols\n"
	    "and --quality, to ohlcv.\n\n");
	tsq_opt_help(stdout, option_defs);
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

	if (dash == NULL || !parse_hhmm(s, (size_t)(dash - s), o->stats.session_start) ||
	    !parse_hhmm(dash + 1, strlen(dash + 1), o->stats.session_end) ||
	    strcmp(o->stats.session_start, o->stats.session_end) == 0) {
		tsq_error("invalid value \"%s\" for option --session: expected two different "
		    "times of day as HH:MM-HH:MM, such as 09:30-16:00", s);
		return false;
	}
	return true;
}

/* The report's formats: tsq-query's but the sparklines, and Prometheus's. */
#define PROMETHEUS (-1)
static const struct tsq_opt_choice stats_formats[] = {
	TSQ_OUT_REPORT_FORMATS,
	{ "prometheus", PROMETHEUS },
	{ NULL, 0 },
};

/* --label NAME=VALUE, checked. */
static bool
add_label(struct options *o, char *arg)
{
	char *eq = strchr(arg, '=');
	const char *why = NULL;

	if (eq == NULL) {
		tsq_error("invalid value \"%s\" for option --label: expected NAME=VALUE", arg);
		return false;
	}
	*eq = '\0';
	bool ok = tsq_prom_label_name_ok(arg, &why);
	if (!ok)
		tsq_error("invalid label name \"%s\" in --label: %s", arg, why);
	*eq = '=';
	if (ok && o->stats.nlabels == MAX_LABELS) {
		tsq_error("too many --label options (at most %d)", MAX_LABELS);
		ok = false;
	}
	if (ok)
		o->labels[o->stats.nlabels++] = arg;
	return ok;
}

/* The options of the views that read rows (--symbols, --quality) into O. */
static bool
rows_option(struct options *o, const struct tsq_optdef *def, const char *value)
{
	struct tsq_time t;
	size_t pos;

	if (def->key >= OPT_SPIKE_THRESHOLD)
		o->needs_quality = def->name;
	else
		o->needs_rows = def->name;
	switch (def->key) {
	case OPT_SINCE:
		if (tsq_parse_time(value, tsq_now_usec(), &t, &pos) != TSQ_PARSE_OK) {
			tsq_error("invalid value \"%s\" for option --since: expected a time "
			    "such as 2024-03-01, 2024-03-01T09:30:00Z or 7d (ago)", value);
			return false;
		}
		tsq_format_time(t.usec, o->stats.since);
		return true;
	case OPT_SESSION:
		return parse_session(value, o);
	case OPT_WEEKDAYS:
		o->stats.weekdays = true;
		return true;
	case OPT_SPIKE_THRESHOLD:
		return tsq_opt_real("spike-threshold", value, 0, INFINITY, true, &o->stats.spike);
	case OPT_FROZEN_AFTER:
		return tsq_opt_int("frozen-after", value, 1, 1000000, &o->stats.frozen);
	case OPT_STALE_AFTER:
		o->stats.stale_text = value;
		return tsq_opt_duration("stale-after", value, 1, &o->stats.stale_usec);
	default:	/* --fail-on-quality */
		o->fail_on_quality = true;
		return true;
	}
}

/* A view (--policies ...): one of them. */
static bool
view_option(struct options *o, const struct tsq_optdef *def)
{
	if (o->view != VIEW_OVERVIEW && strcmp(o->view_option, def->name) != 0) {
		tsq_error("--%s and --%s cannot be used together", o->view_option, def->name);
		return false;
	}
	o->view = VIEW_POLICIES + (def->key - OPT_POLICIES);
	o->view_option = def->name;
	return true;
}

/* The options that need more than a place to go. */
static bool
by_code(void *arg, const struct tsq_optdef *def, const char *value)
{
	struct options *o = arg;
	int v;

	switch (def->key) {
	case 'F':
		o->format_given = true;
		if (!tsq_opt_choose("format", value, stats_formats, &v))
			return false;
		if (v == PROMETHEUS)
			o->prometheus = true;
		else
			o->format = (enum tsq_out_format)v;
		return true;
	case OPT_TIMEOUT:
		o->stats.timeout_text = value;
		if (!tsq_opt_duration_or_off("timeout", value, &o->stats.timeout_usec))
			return false;
		if (o->stats.timeout_usec > 0 && o->stats.timeout_usec < 1000) {
			tsq_error("invalid value \"%s\" for option --timeout: expected at least 1ms, "
			    "or off", value);
			return false;
		}
		return true;
	case OPT_LABEL:
		return add_label(o, (char *)value);
	case OPT_LIMIT:
		o->limit_given = true;
		return tsq_opt_int("limit", value, 1, 1000000, &o->stats.limit);
	case OPT_POLICIES:
	case OPT_CHUNKS:
	case OPT_SYMBOLS:
	case OPT_QUALITY:
	case OPT_NODES:
	case OPT_QUERIES:
		return view_option(o, def);
	default:
		return rows_option(o, def, value);
	}
}

/* The TABLEs, and what the options given say together: an exit status, or -1 to go on. */
static int
check_options(void *arg, int nargs, char **args)
{
	struct options *o = arg;

	o->tables = args;
	o->ntables = nargs;
	if (o->output && *o->output == '\0') {
		tsq_error("--output needs a file name");
		return TSQ_EXIT_USAGE;
	}
	if ((o->view == VIEW_CHUNKS || o->view == VIEW_SYMBOLS) && o->prometheus) {
		tsq_error("--%s has no Prometheus form: a series per %s is more than a monitoring "
		    "system should keep", o->view_option, o->view == VIEW_CHUNKS ? "chunk" : "symbol");
		return TSQ_EXIT_USAGE;
	}
	if (o->needs_quality && o->view != VIEW_QUALITY) {
		tsq_error("--%s goes with --quality", o->needs_quality);
		return TSQ_EXIT_USAGE;
	}
	if (o->needs_rows && o->view != VIEW_QUALITY && o->view != VIEW_SYMBOLS) {
		tsq_error("--%s goes with --symbols or --quality", o->needs_rows);
		return TSQ_EXIT_USAGE;
	}
	if (o->limit_given && o->view != VIEW_QUERIES) {
		tsq_error("--limit goes with --queries");
		return TSQ_EXIT_USAGE;
	}
	if (o->view == VIEW_QUERIES && o->ntables > 0) {
		tsq_error("--queries reports statements, not tables: no TABLE goes with it");
		return TSQ_EXIT_USAGE;
	}
	if (o->stats.nlabels > 0 && !o->prometheus) {
		tsq_error("--label goes with -F prometheus");
		return TSQ_EXIT_USAGE;
	}
	o->stats.labels = o->labels;
	if (o->stats.exact && o->view != VIEW_OVERVIEW) {
		tsq_error("--exact goes with the overview only");
		return TSQ_EXIT_USAGE;
	}
	if (!o->format_given)
		o->format = isatty(STDOUT_FILENO) && !o->output ? TSQ_OUT_TABLE : TSQ_OUT_CSV;
	return -1;
}



/* -o FILE, or standard output; false (reported) when the file cannot be made. */
static bool
output_open(const struct options *o, struct tsq_outfile *file, FILE **f)
{
	struct tsq_buf err = TSQ_BUF_INIT;
	bool ok = true;

	memset(file, 0, sizeof *file);
	*f = stdout;
	if (o->output && (ok = tsq_outfile_open(file, o->output, &err)))
		*f = file->f;
	else if (o->output)
		tsq_error("%s", err.data);
	tsq_buf_free(&err);
	return ok;
}

/* Finish the output: with -o, the file is replaced only by a complete report. */
static bool
output_close(const struct options *o, struct tsq_outfile *file, bool ok)
{
	struct tsq_buf err = TSQ_BUF_INIT;
	bool written = true;

	if (!o->output)
		return true;	/* standard output: tsq_stdout_finish() checks it */
	if (!ok)
		tsq_outfile_abort(file);
	else if (!(written = tsq_outfile_commit(file, &err)))
		tsq_error("%s", err.data);
	tsq_buf_free(&err);
	return written;
}

static int
run(void *arg)
{
	const struct options *o = arg;
	struct tsq_stats st;
	struct tsq_outfile file;
	struct tsq_stats_out out = { stdout, o->prometheus, o->format, !o->no_header,
		o->format == TSQ_OUT_TABLE && !o->wide && !o->output && isatty(STDOUT_FILENO) };
	bool problems = false;
	int rc = tsq_stats_open(&st, &o->stats, &o->common.conn);

	if (rc == TSQ_EXIT_OK)
		rc = tsq_stats_tables(&st, o->tables, o->ntables, (enum tsq_stats_view)o->view);
	if (rc == TSQ_EXIT_OK && !output_open(o, &file, &out.f))
		rc = TSQ_EXIT_CANTCREAT;
	else if (rc == TSQ_EXIT_OK) {
		/* On a terminal, through a pager when the report does not fit. */
		struct tsq_pager *pager = NULL;
		if (!o->output && tsq_pager_wanted(stdout, !o->no_pager)) {
			FILE *f = tsq_pager_open(&pager, stdout);
			if (f)
				out.f = f;
		}
		rc = tsq_stats_report(&st, (enum tsq_stats_view)o->view, &out, &problems);
		if (pager && tsq_pager_close(pager) != 0 && rc == TSQ_EXIT_OK) {
			tsq_error("could not write the report: %s", strerror(errno));
			tsq_stdout_reported();
			rc = TSQ_EXIT_FAILURE;
		}
		if (!output_close(o, &file, rc == TSQ_EXIT_OK) && rc == TSQ_EXIT_OK)
			rc = TSQ_EXIT_CANTCREAT;
	}
	tsq_stats_close(&st);
	if (rc == TSQ_EXIT_OK && problems && o->fail_on_quality)
		rc = TSQ_EXIT_DATAERR;
	return rc;
}

static struct options options = { .stats = { .since = "-infinity", .spike = 10, .frozen = 10,
	.stale_usec = 86400 * TSQ_USEC_PER_SEC, .timeout_usec = 60 * TSQ_USEC_PER_SEC, .limit = 10,
	.timeout_text = "1m" } };

TSQ_TOOL_MAIN(usage, option_defs, by_code, check_options, run, NULL, &options)
