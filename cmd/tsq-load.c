/*
 * tsq-load - load CSV, TSV and JSON-lines files into a table, fast, with
 * upserts, and without losing a row: every record read ends up in the table
 * or in the reject file, with its line and the reason.
 *
 * This file holds the options, the loop over the inputs, the summary and the
 * exit codes.  The load itself is libtsq's ingest.h: reader (records) ->
 * mapper (binary COPY tuple, key) -> pool (rounds of batches written by
 * worker connections, loader.h) -> rejects and checkpoint.
 */
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tsq.h"
#include "cancel.h"
#include "ingest.h"

#define DEFAULT_BATCH_SIZE 25000
#define MAX_BATCH_SIZE 10000000

enum {
	OPT_FORMAT = TSQ_OPT_FIRST_PRIVATE,
	OPT_DELIMITER,
	OPT_QUOTE,
	OPT_NULL,
	OPT_DECIMAL_MARK,
	OPT_GROUP_MARK,
	OPT_NO_HEADER,
	OPT_COLUMNS,
	OPT_MAP,
	OPT_SET,
	OPT_SKIP_COLUMNS,
	OPT_IGNORE_EXTRA,
	OPT_SKIP_EMPTY_ROWS,
	OPT_TIME_FORMAT,
	OPT_ON_CONFLICT,
	OPT_DEDUPE,
	OPT_BATCH_SIZE,
	OPT_WORKERS,
	OPT_DRY_RUN,
	OPT_REJECTS,
	OPT_MAX_ERRORS,
	OPT_MAX_ERROR_RATIO,
	OPT_STATS,
	OPT_RESUME,
	OPT_CHECKPOINT,
	OPT_PROGRESS,
	OPT_FLUSH_INTERVAL,
	OPT_RETRY,
	OPT_BUFFER,
	OPT_STATUS_INTERVAL,
	OPT_PENDING,
};

static const struct tsq_opt_choice conflict_modes[] = {
	{ "update", TSQ_CONFLICT_UPDATE },
	{ "nothing", TSQ_CONFLICT_NOTHING },
	{ "error", TSQ_CONFLICT_ERROR },
	{ NULL, 0 },
};

static const struct tsq_opt_choice dedupe_modes[] = {
	{ "last", TSQ_DEDUPE_LAST },
	{ "first", TSQ_DEDUPE_FIRST },
	{ "error", TSQ_DEDUPE_ERROR },
	{ NULL, 0 },
};

struct options {
	struct tsq_common_opts common;
	struct tsq_ingest_opts in;
	struct tsq_time_format time_format;	/* pattern NULL when not given */
	const char *tz;
	const char *stats;
	bool progress;
	char **files;
	int nfiles;
};

static const struct tsq_optdef option_defs[] = {
	{ "format", OPT_FORMAT, 0, "FORMAT",
	    "csv, tsv, jsonl, rejects or auto (default: auto)", "Input:",
	    TSQ_TO_CHOICE(in.format, tsq_formats) },
	{ "delimiter", OPT_DELIMITER, 0, "CHAR",
	    "field delimiter (default: , for csv, tab for tsv)", NULL, TSQ_TO_CHAR(in.delimiter) },
	{ "quote", OPT_QUOTE, 0, "CHAR", "CSV quote character (default: \")", NULL,
	    TSQ_TO_CHAR(in.quote) },
	{ "null", OPT_NULL, 0, "STRING", "a field equal to STRING is NULL", NULL,
	    TSQ_TO_TEXT(in.map.null_string) },
	{ "decimal-mark", OPT_DECIMAL_MARK, 0, "CHAR",
	    "numbers have CHAR as the decimal mark (24100,50)", NULL,
	    TSQ_TO_CHAR(in.map.conv.decimal_mark) },
	{ "group-mark", OPT_GROUP_MARK, 0, "CHAR",
	    "numbers group thousands with CHAR (24.100,50)", NULL, TSQ_TO_CHAR(in.map.conv.group_mark) },
	{ "no-header", OPT_NO_HEADER, 0, NULL, "the first line is data (see --columns)", NULL,
	    TSQ_TO_TRUE(in.no_header) },
	{ "columns", OPT_COLUMNS, 0, "A,B,...", "the input's column names, in order", NULL, TSQ_BY_CODE },
	{ "map", OPT_MAP, 0, "SRC=DST,...", "load input column SRC into table column DST; A+B=DST\n"
	    "joins two columns (a date and a time) into one value", NULL, TSQ_BY_CODE },
	{ "set", OPT_SET, 0, "COLUMN=VALUE",
	    "give COLUMN this value in every row (repeatable)", NULL, TSQ_BY_CODE },
	{ "skip-columns", OPT_SKIP_COLUMNS, 0, "A,...", "ignore these input columns", NULL, TSQ_BY_CODE },
	{ "ignore-extra", OPT_IGNORE_EXTRA, 0, NULL,
	    "ignore input columns the table does not have", NULL, TSQ_TO_TRUE(in.map.ignore_extra) },
	{ "skip-empty-rows", OPT_SKIP_EMPTY_ROWS, 0, NULL,
	    "skip rows with no value but their key (empty, null\n"
	    "or NaN: vendors' filler rows), counted as skipped", NULL, TSQ_TO_TRUE(in.map.skip_empty) },
	{ "time-format", OPT_TIME_FORMAT, 0, "FMT",
	    "pattern of time values (%Y-%m-%d %H:%M:%S ...)", NULL, TSQ_BY_CODE },
	{ "tz", TSQ_OPT_TZ, 0, "ZONE",
	    "time zone of time values that name none (default: UTC)", NULL, TSQ_TO_TEXT(tz) },
	{ "on-conflict", OPT_ON_CONFLICT, 0, "MODE",
	    "update, nothing or error (default: update when the\n"
	    "table has a key, else plain insert)", "\nWriting:", TSQ_BY_CODE },
	{ "dedupe", OPT_DEDUPE, 0, "MODE", "duplicate keys in the input: last, first or error\n"
	    "(default: last)", NULL, TSQ_TO_CHOICE(in.dedupe, dedupe_modes) },
	{ "batch-size", OPT_BATCH_SIZE, 0, "N", "rows per transaction (default: 25000)", NULL,
	    TSQ_TO_INT(in.batch_size, 1, MAX_BATCH_SIZE) },
	{ "workers", OPT_WORKERS, 0, "N",
	    "parallel connections, rows routed by key (default: 1)", NULL, TSQ_BY_CODE },
	{ "dry-run", OPT_DRY_RUN, 0, NULL,
	    "read, convert and check everything, write nothing", NULL, TSQ_TO_TRUE(in.dry_run) },
	{ "rejects", OPT_REJECTS, 0, "FILE",
	    "reject file (default: ./NAME.rejects.jsonl)", "\nBad rows and reporting:",
	    TSQ_TO_TEXT(in.rejects) },
	{ "max-errors", OPT_MAX_ERRORS, 0, "N",
	    "stop after more than N rejected rows (none: no limit)", NULL, TSQ_BY_CODE },
	{ "max-error-ratio", OPT_MAX_ERROR_RATIO, 0, "R",
	    "stop when more than this fraction is rejected", NULL, TSQ_BY_CODE },
	{ "stats", OPT_STATS, 0, "FILE", "write the counts as JSON to FILE", NULL, TSQ_TO_TEXT(stats) },
	{ "checkpoint", OPT_CHECKPOINT, 0, "FILE",
	    "record the progress of committed batches in FILE", NULL, TSQ_TO_TEXT(in.checkpoint) },
	{ "resume", OPT_RESUME, 0, NULL, "skip what --checkpoint FILE says is committed", NULL,
	    TSQ_TO_TRUE(in.resume) },
	{ "progress", OPT_PROGRESS, 0, NULL,
	    "show the progress meter even when stderr is not a terminal", NULL, TSQ_TO_TRUE(progress) },
	{ "flush-interval", OPT_FLUSH_INTERVAL, 0, "DUR",
	    "write a batch when its oldest row has waited DUR (default:\n"
	    "1s for live input, off for files; 0 or off: never)",
	    "\nLive input (a pipe, a socket, a terminal):", TSQ_TO_DURATION_OFF(in.flush_interval) },
	{ "retry", OPT_RETRY, 0, "DUR", "seek a lost connection again for DUR, then write each\n"
	    "batch exactly once (default: 5m live, 0 for files)", NULL, TSQ_TO_DURATION_OFF(in.retry) },
	{ "buffer", OPT_BUFFER, 0, "SIZE", "hold at most SIZE bytes read and not written; reading\n"
	    "waits when they are held (default: 64MiB)", NULL, TSQ_TO_SIZE(in.buffer) },
	{ "status-interval", OPT_STATUS_INTERVAL, 0, "DUR",
	    "with -v or --log-format json, a status line every\n"
	    "DUR (default: 60s live, off for files)", NULL, TSQ_TO_DURATION_OFF(in.status_interval) },
	{ "pending", OPT_PENDING, 0, "FILE",
	    "rows read and never written, when the load stops or a\n"
	    "second signal comes (default: ./NAME.pending.jsonl)", NULL, TSQ_TO_TEXT(in.pending) },
	TSQ_OPT_END,
};

static void
usage(void)
{
	printf("%s loads CSV, TSV and JSON-lines files into a table: binary COPY, upserts,\n"
	    "and every row either in the table or in a reject file with its line and\n"
	    "the reason.\n\n", tsq_progname());
	printf("Usage:\n  %s [OPTION]... TABLE [FILE]...\n\n"
	    "With no FILE, or when FILE is -, read standard input.  gzip and zstd input\n"
	    "is decompressed on the fly.\n\n", tsq_progname());
	tsq_opt_help(stdout, option_defs);
	tsq_help_common(stdout);
}

/* ---- option parsing ---- */

static void
options_free(void *arg)
{
	struct options *o = arg;
	tsq_opt_list_free(o->in.columns, o->in.ncolumns);
	tsq_opt_list_free(o->in.map.skip, o->in.map.nskip);
	tsq_opt_pairs_free(o->in.map.maps, o->in.map.nmaps);
	tsq_opt_pairs_free(o->in.map.sets, o->in.map.nsets);
	tsq_time_format_free(&o->time_format);
}

/* The options that need more than a place to go. */
static bool
by_code(void *arg, const struct tsq_optdef *def, const char *value)
{
	struct options *o = arg;
	struct tsq_buf err = TSQ_BUF_INIT;
	int v;
	int64_t n;

	switch (def->key) {
	case OPT_COLUMNS:
		tsq_opt_list_free(o->in.columns, o->in.ncolumns);
		o->in.columns = tsq_opt_list(value, &o->in.ncolumns);
		return true;
	case OPT_SKIP_COLUMNS:
		tsq_opt_list_free(o->in.map.skip, o->in.map.nskip);
		o->in.map.skip = tsq_opt_list(value, &o->in.map.nskip);
		return true;
	case OPT_MAP:
		return tsq_opt_pairs("map", value, true, &o->in.map.maps, &o->in.map.nmaps);
	case OPT_SET:
		return tsq_opt_pairs("set", value, false, &o->in.map.sets, &o->in.map.nsets);
	case OPT_TIME_FORMAT:
		tsq_time_format_free(&o->time_format);
		if (tsq_time_format_compile(&o->time_format, value, &err))
			return true;
		tsq_error("%s", err.data);
		tsq_buf_free(&err);
		return false;
	case OPT_ON_CONFLICT:
		o->in.conflict_given = true;
		if (!tsq_opt_choose("on-conflict", value, conflict_modes, &v))
			return false;
		o->in.conflict = (enum tsq_conflict)v;
		return true;
	case OPT_WORKERS:
		if (!tsq_opt_int("workers", value, 1, TSQ_POOL_MAX_WORKERS, &n))
			return false;
		o->in.workers = (int)n;
		return true;
	default:	/* --max-errors, --max-error-ratio: the other one is off unless given */
		if (!o->in.limits_given) {
			o->in.max_errors = -1;
			o->in.max_error_ratio = -1;
		}
		o->in.limits_given = true;
		if (def->key == OPT_MAX_ERRORS) {
			o->in.max_errors = -1;
			return strcmp(value, "none") == 0 ||
			    tsq_opt_int("max-errors", value, 0, INT64_MAX, &o->in.max_errors);
		}
		o->in.max_error_ratio = -1;
		return strcmp(value, "none") == 0 ||
		    tsq_opt_real("max-error-ratio", value, 0, 1, false, &o->in.max_error_ratio);
	}
}

/* TABLE and the FILEs, and what the options given say together: -1 to go on, else the exit status. */
static int
check_options(void *arg, int nargs, char **args)
{
	struct options *o = arg;

	if (nargs == 0) {
		tsq_error("no table given");
		tsq_try_help();
		return TSQ_EXIT_USAGE;
	}
	o->in.table = args[0];
	o->files = args + 1;
	o->nfiles = nargs - 1;
	if (o->in.no_header && o->in.format == TSQ_FORMAT_JSONL) {
		tsq_error("--no-header does not apply to JSON lines");
		return TSQ_EXIT_USAGE;
	}
	const struct tsq_convert_opts *cv = &o->in.map.conv;
	char dec = cv->decimal_mark ? cv->decimal_mark : '.';
	if (dec == cv->group_mark || (cv->decimal_mark && strchr("0123456789+-eE", dec)) ||
	    (cv->group_mark && strchr("0123456789+-eE", cv->group_mark))) {
		tsq_error("--decimal-mark \"%c\" and --group-mark \"%c\" cannot be told apart "
		    "from each other or from a number's own characters", dec,
		    cv->group_mark ? cv->group_mark : ' ');
		return TSQ_EXIT_USAGE;
	}
	if ((o->in.delimiter ? o->in.delimiter : ',') == (o->in.quote ? o->in.quote : '"')) {
		tsq_error("--delimiter and --quote are the same character \"%c\"",
		    o->in.delimiter ? o->in.delimiter : ',');
		return TSQ_EXIT_USAGE;
	}
	return -1;
}

/* ---- setup and summary ---- */

static void
print_summary(const struct options *o, const struct tsq_ingest *L, double secs)
{
	double rate = secs > 0 ? (double)L->t.read / secs : 0;
	const struct tsq_ingest_totals *t = &L->t;

	char pending[96] = "";
	if (t->skipped || o->in.map.skip_empty)
		snprintf(pending, sizeof pending, ", skipped %llu", (unsigned long long)t->skipped);
	if (t->pending)
		snprintf(pending + strlen(pending), sizeof pending - strlen(pending), ", pending %llu",
		    (unsigned long long)t->pending);
	tsq_info("%s%s: read %llu, inserted %llu, updated %llu, unchanged %llu, duplicates %llu, "
	    "rejected %llu%s; %llu batch%s in %.2f s (%.0f rows/s)",
	    o->in.dry_run ? "dry run, nothing written: " : "", L->table.quoted ? L->table.quoted :
	    o->in.table, (unsigned long long)t->read, (unsigned long long)t->inserted,
	    (unsigned long long)t->updated, (unsigned long long)t->unchanged,
	    (unsigned long long)t->duplicates, (unsigned long long)t->rejected, pending,
	    (unsigned long long)t->batches, t->batches == 1 ? "" : "es", secs, rate);
	if (t->pending && L->pending)
		tsq_warning("%llu row%s read and not written: see \"%s\" (load it with --format "
		    "rejects)", (unsigned long long)t->pending, t->pending == 1 ? "" : "s",
		    tsq_rejects_path(L->pending));
	if (t->rejected && L->rejects && tsq_rejects_written(L->rejects))
		tsq_warning("%llu row%s rejected: see \"%s\"", (unsigned long long)t->rejected,
		    t->rejected == 1 ? "" : "s", tsq_rejects_path(L->rejects));
	if (t->empty)
		tsq_hint("%llu row%s had no value but the key (all empty, null or NaN: a vendor's "
		    "filler rows?): --skip-empty-rows leaves such rows out", (unsigned long long)t->empty,
		    t->empty == 1 ? "" : "s");
}

/* The counts as JSON in --stats FILE.  False when it could not be written (reported). */
static bool
write_stats(const struct options *o, const struct tsq_ingest *L, double secs)
{
	const struct tsq_ingest_totals *t = &L->t;
	struct tsq_buf err = TSQ_BUF_INIT;
	double rate = secs > 0 ? (double)t->read / secs : 0;
	json_t *j = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:f,s:f}",
	    "read", (json_int_t)t->read, "inserted", (json_int_t)t->inserted,
	    "updated", (json_int_t)t->updated, "unchanged", (json_int_t)t->unchanged,
	    "duplicates", (json_int_t)t->duplicates, "rejected", (json_int_t)t->rejected,
	    "skipped", (json_int_t)t->skipped, "pending", (json_int_t)t->pending,
	    "batches", (json_int_t)t->batches, "seconds", secs, "rows_per_second", rate);

	json_object_set_new(j, "stopped", L->stop.len ? json_string(L->stop.data) :
	    tsq_cancel_signal() ? json_string("interrupted") : json_null());
	json_object_set_new(j, "last_committed_line", json_integer(L->committed_line));
	char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	struct tsq_buf body = TSQ_BUF_INIT;
	json_decref(j);
	tsq_buf_addf(&body, "%s\n", text);
	free(text);
	bool ok = tsq_outfile_write(o->stats, body.data, body.len, &err);
	if (!ok)
		tsq_error("--stats: %s", err.data);
	tsq_buf_free(&body);
	tsq_buf_free(&err);
	return ok;
}

static bool
check_tz(const char *tz)
{
	struct tsq_buf path = TSQ_BUF_INIT;
	bool ok = strcmp(tz, "UTC") == 0 || strcmp(tz, "utc") == 0;

	if (!ok && strstr(tz, "..") == NULL) {
		tsq_buf_addf(&path, "/usr/share/zoneinfo/%s", tz);
		ok = access(path.data, R_OK) == 0;
	}
	tsq_buf_free(&path);
	if (!ok)
		tsq_error("invalid value \"%s\" for option --tz: unknown time zone", tz);
	return ok;
}

/* The load itself, once the options are known. */
static int
run(void *arg)
{
	struct options *o = arg;
	struct tsq_ingest L;
	struct tsq_buf err = TSQ_BUF_INIT;
	int64_t started = tsq_now_usec();
	int rc;

	if (o->tz) {
		if (!check_tz(o->tz))
			return TSQ_EXIT_USAGE;
		setenv("TZ", o->tz, 1);
		tzset();
		o->common.conn.tz = o->tz;
	}
	static char *stdin_name[] = { "-" };
	const struct tsq_output_use outputs[] = { { "--rejects", o->in.rejects },
	    { "--stats", o->stats }, { "--checkpoint", o->in.checkpoint } };
	if ((rc = tsq_outputs_check(o->nfiles ? o->files : stdin_name, o->nfiles ? o->nfiles : 1,
	    outputs, 3)) != TSQ_EXIT_OK)
		return rc;

	o->in.map.conv.time_format = o->time_format.pattern ? &o->time_format : NULL;
	o->in.map.conv.local_tz = o->tz != NULL;
	o->in.tz = o->tz;
	o->in.progress = tsq_log_get_level() >= TSQ_LOG_INFO &&
	    (o->progress || isatty(STDERR_FILENO));
	tsq_cancel_setup_drain();
	rc = tsq_ingest_open(&L, &o->in, &o->common.conn);
	if (rc != TSQ_EXIT_OK)
		goto out;

	static char *stdin_only[] = { "-", NULL };
	char **files = o->nfiles ? o->files : stdin_only;
	int nfiles = o->nfiles ? o->nfiles : 1;
	for (int i = 0; i < nfiles && rc == TSQ_EXIT_OK && !tsq_ingest_stopped(&L); i++)
		rc = tsq_ingest_input(&L, files[i]);
	tsq_ingest_finish(&L);
	double secs = (double)(tsq_now_usec() - started) / 1e6;
	/* A usage error is found before any row of its input: counts only if an earlier input gave some. */
	if (rc != TSQ_EXIT_USAGE || L.t.read > 0)
		print_summary(o, &L, secs);
	bool stats_ok = o->stats == NULL || write_stats(o, &L, secs);
	if (tsq_cancel_signal()) {
		if (tsq_cancel_aborted())
			tsq_error("interrupted twice; everything up to line %ld of %s is committed",
			    L.committed_line, L.display ? L.display : "the input");
		else
			tsq_error("interrupted: every row read is accounted for, up to line %ld of %s",
			    L.committed_line, L.display ? L.display : "the input");
		rc = tsq_cancel_signal() == SIGTERM ? TSQ_EXIT_SIGTERM :
		    tsq_cancel_signal() == SIGHUP ? TSQ_EXIT_SIGHUP : TSQ_EXIT_SIGINT;
	} else if (L.stop.len) {
		tsq_error("stopped: %s", L.stop.data);
		tsq_report_details(L.stop_result);
		tsq_detail("everything up to line %ld of %s is committed", L.committed_line,
		    L.display ? L.display : "the input");
		rc = L.stop_code ? L.stop_code : TSQ_EXIT_FAILURE;
		/* The server did not come back in time: the rows are in the pending file. */
		if (L.pool.gave_up)
			rc = TSQ_EXIT_TEMPFAIL;
	} else if (rc == TSQ_EXIT_OK && L.t.rejected > 0) {
		rc = TSQ_EXIT_DATAERR;
	}
	/*
	 * 64 says nothing was loaded: an input that cannot be mapped after rows
	 * of an earlier one (or earlier records) were committed is bad input data.
	 */
	if (rc == TSQ_EXIT_USAGE && L.t.inserted + L.t.updated + L.t.unchanged + L.t.rejected > 0)
		rc = TSQ_EXIT_DATAERR;
	if (!stats_ok && (rc == TSQ_EXIT_OK || rc == TSQ_EXIT_DATAERR))
		rc = TSQ_EXIT_CANTCREAT;
out:
	if (!tsq_ingest_close(&L, &err)) {
		tsq_error("%s", err.data);
		if (rc == TSQ_EXIT_OK || rc == TSQ_EXIT_DATAERR)
			rc = TSQ_EXIT_CANTCREAT;
	}
	tsq_buf_free(&err);
	return rc;
}

static struct options options = { .in = {
	.format = TSQ_FORMAT_AUTO,
	.batch_size = DEFAULT_BATCH_SIZE,
	.workers = 1,
	.max_errors = TSQ_INGEST_MAX_ERRORS,
	.max_error_ratio = TSQ_INGEST_MAX_ERROR_RATIO,
	.dedupe = TSQ_DEDUPE_LAST,
	.flush_interval = -1,
	.retry = -1,
	.status_interval = -1,
} };

TSQ_TOOL_MAIN(usage, option_defs, by_code, check_options, run, options_free, &options)
