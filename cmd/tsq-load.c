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
#include <errno.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
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
	OPT_NO_HEADER,
	OPT_COLUMNS,
	OPT_MAP,
	OPT_SET,
	OPT_SKIP_COLUMNS,
	OPT_IGNORE_EXTRA,
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

static const char shortopts[] = TSQ_COMMON_SHORTOPTS;
static const struct option long_options[] = {
	{"format", required_argument, NULL, OPT_FORMAT},
	{"delimiter", required_argument, NULL, OPT_DELIMITER},
	{"quote", required_argument, NULL, OPT_QUOTE},
	{"null", required_argument, NULL, OPT_NULL},
	{"no-header", no_argument, NULL, OPT_NO_HEADER},
	{"columns", required_argument, NULL, OPT_COLUMNS},
	{"map", required_argument, NULL, OPT_MAP},
	{"set", required_argument, NULL, OPT_SET},
	{"skip-columns", required_argument, NULL, OPT_SKIP_COLUMNS},
	{"ignore-extra", no_argument, NULL, OPT_IGNORE_EXTRA},
	{"time-format", required_argument, NULL, OPT_TIME_FORMAT},
	{"tz", required_argument, NULL, TSQ_OPT_TZ},
	{"on-conflict", required_argument, NULL, OPT_ON_CONFLICT},
	{"dedupe", required_argument, NULL, OPT_DEDUPE},
	{"batch-size", required_argument, NULL, OPT_BATCH_SIZE},
	{"workers", required_argument, NULL, OPT_WORKERS},
	{"dry-run", no_argument, NULL, OPT_DRY_RUN},
	{"rejects", required_argument, NULL, OPT_REJECTS},
	{"max-errors", required_argument, NULL, OPT_MAX_ERRORS},
	{"max-error-ratio", required_argument, NULL, OPT_MAX_ERROR_RATIO},
	{"stats", required_argument, NULL, OPT_STATS},
	{"resume", no_argument, NULL, OPT_RESUME},
	{"checkpoint", required_argument, NULL, OPT_CHECKPOINT},
	{"progress", no_argument, NULL, OPT_PROGRESS},
	{"flush-interval", required_argument, NULL, OPT_FLUSH_INTERVAL},
	{"retry", required_argument, NULL, OPT_RETRY},
	{"buffer", required_argument, NULL, OPT_BUFFER},
	{"status-interval", required_argument, NULL, OPT_STATUS_INTERVAL},
	{"pending", required_argument, NULL, OPT_PENDING},
	TSQ_COMMON_LONGOPTS,
	{NULL, 0, NULL, 0},
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

static void
usage(void)
{
	printf("%s loads CSV, TSV and JSON-lines files into a table: binary COPY, upserts,\n"
	    "and every row either in the table or in a reject file with its line and\n"
	    "the reason.\n\n", tsq_progname());
	printf("Usage:\n  %s [OPTION]... TABLE [FILE]...\n\n"
	    "With no FILE, or when FILE is -, read standard input.  gzip and zstd input\n"
	    "is decompressed on the fly.\n\n", tsq_progname());
	printf("Input:\n"
	    "      --format=FORMAT      csv, tsv, jsonl, rejects or auto (default: auto)\n"
	    "      --delimiter=CHAR     field delimiter (default: , for csv, tab for tsv)\n"
	    "      --quote=CHAR         CSV quote character (default: \")\n"
	    "      --null=STRING        a field equal to STRING is NULL\n"
	    "      --no-header          the first line is data (see --columns)\n"
	    "      --columns=A,B,...    the input's column names, in order\n"
	    "      --map=SRC=DST,...    load input column SRC into table column DST; A+B=DST\n"
	    "                           joins two columns (a date and a time) into one value\n"
	    "      --set=COLUMN=VALUE   give COLUMN this value in every row (repeatable)\n"
	    "      --skip-columns=A,... ignore these input columns\n"
	    "      --ignore-extra       ignore input columns the table does not have\n"
	    "      --time-format=FMT    pattern of time values (%%Y-%%m-%%d %%H:%%M:%%S ...)\n"
	    "      --tz=ZONE            time zone of time values that name none (default: UTC)\n");
	printf("\nWriting:\n"
	    "      --on-conflict=MODE   update, nothing or error (default: update when the\n"
	    "                           table has a key, else plain insert)\n"
	    "      --dedupe=MODE        duplicate keys in the input: last, first or error\n"
	    "                           (default: last)\n"
	    "      --batch-size=N       rows per transaction (default: %d)\n"
	    "      --workers=N          parallel connections, rows routed by key (default: 1)\n"
	    "      --dry-run            read, convert and check everything, write nothing\n",
	    DEFAULT_BATCH_SIZE);
	printf("\nBad rows and reporting:\n"
	    "      --rejects=FILE       reject file (default: ./NAME.rejects.jsonl)\n"
	    "      --max-errors=N       stop after more than N rejected rows (none: no limit)\n"
	    "      --max-error-ratio=R  stop when more than this fraction is rejected\n"
	    "      --stats=FILE         write the counts as JSON to FILE\n"
	    "      --checkpoint=FILE    record the progress of committed batches in FILE\n"
	    "      --resume             skip what --checkpoint FILE says is committed\n"
	    "      --progress           show the progress meter even when stderr is not a terminal\n");
	printf("\nLive input (a pipe, a socket, a terminal):\n"
	    "      --flush-interval=DUR write a batch when its oldest row has waited DUR (default:\n"
	    "                           1s for live input, off for files; 0 or off: never)\n"
	    "      --retry=DUR          seek a lost connection again for DUR, then write each\n"
	    "                           batch exactly once (default: 5m live, 0 for files)\n"
	    "      --buffer=SIZE        hold at most SIZE bytes read and not written; reading\n"
	    "                           waits when they are held (default: 64MiB)\n"
	    "      --status-interval=DUR  with -v or --log-format json, a status line every\n"
	    "                           DUR (default: 60s live, off for files)\n"
	    "      --pending=FILE       rows read and never written, when the load stops or a\n"
	    "                           second signal comes (default: ./NAME.pending.jsonl)\n");
	tsq_help_common(stdout);
}

/* ---- option parsing ---- */

static void
options_free(struct options *o)
{
	tsq_opt_list_free(o->in.columns, o->in.ncolumns);
	tsq_opt_list_free(o->in.map.skip, o->in.map.nskip);
	tsq_opt_pairs_free(o->in.map.maps, o->in.map.nmaps);
	tsq_opt_pairs_free(o->in.map.sets, o->in.map.nsets);
	tsq_time_format_free(&o->time_format);
}

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

/* A duration, or 0 / "off" for never. */
static bool
opt_duration_or_off(const char *option, const char *arg, int64_t *usec)
{
	if (strcmp(arg, "off") == 0 || strcmp(arg, "0") == 0) {
		*usec = 0;
		return true;
	}
	return tsq_opt_duration(option, arg, 1, usec);
}

/* A size in bytes: a number with an optional k, M or G (or KiB, MiB, GiB), at least 1 MiB. */
static bool
opt_size(const char *option, const char *arg, size_t *bytes)
{
	char *end;
	errno = 0;
	double v = strtod(arg, &end);
	uint64_t unit = 1;

	if (end != arg && (strcasecmp(end, "k") == 0 || strcasecmp(end, "kb") == 0 ||
	    strcasecmp(end, "kib") == 0))
		unit = 1024;
	else if (end != arg && (strcasecmp(end, "m") == 0 || strcasecmp(end, "mb") == 0 ||
	    strcasecmp(end, "mib") == 0))
		unit = 1024 * 1024;
	else if (end != arg && (strcasecmp(end, "g") == 0 || strcasecmp(end, "gb") == 0 ||
	    strcasecmp(end, "gib") == 0))
		unit = 1024 * 1024 * 1024;
	else if (end == arg || *end != '\0')
		unit = 0;
	if (unit == 0 || errno || !(v * (double)unit >= 1024 * 1024) || v * (double)unit > 1e12) {
		tsq_error("invalid value \"%s\" for option --%s: expected a size from 1MiB, such as "
		    "64MiB or 512k", arg, option);
		return false;
	}
	*bytes = (size_t)(v * (double)unit);
	return true;
}

static int
parse_options(int argc, char **argv, struct options *o)
{
	int c, v;
	int64_t n;

	o->in.format = TSQ_FORMAT_AUTO;
	o->in.batch_size = DEFAULT_BATCH_SIZE;
	o->in.workers = 1;
	o->in.max_errors = TSQ_INGEST_MAX_ERRORS;
	o->in.max_error_ratio = TSQ_INGEST_MAX_ERROR_RATIO;
	o->in.dedupe = TSQ_DEDUPE_LAST;
	o->in.flush_interval = o->in.retry = o->in.status_interval = -1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, long_options, NULL)) != -1) {
		switch (c) {
		case OPT_FORMAT:
			if (!tsq_opt_choose("format", optarg, tsq_formats, &v))
				return TSQ_EXIT_USAGE;
			o->in.format = (enum tsq_format)v;
			break;
		case OPT_DELIMITER:
			if (!tsq_opt_char("delimiter", optarg, &o->in.delimiter))
				return TSQ_EXIT_USAGE;
			break;
		case OPT_QUOTE:
			if (!tsq_opt_char("quote", optarg, &o->in.quote))
				return TSQ_EXIT_USAGE;
			break;
		case OPT_NULL:
			o->in.map.null_string = optarg;
			break;
		case OPT_NO_HEADER:
			o->in.no_header = true;
			break;
		case OPT_COLUMNS:
			tsq_opt_list_free(o->in.columns, o->in.ncolumns);
			o->in.columns = tsq_opt_list(optarg, &o->in.ncolumns);
			break;
		case OPT_MAP:
			if (!tsq_opt_pairs("map", optarg, true, &o->in.map.maps, &o->in.map.nmaps))
				return TSQ_EXIT_USAGE;
			break;
		case OPT_SET:
			if (!tsq_opt_pairs("set", optarg, false, &o->in.map.sets, &o->in.map.nsets))
				return TSQ_EXIT_USAGE;
			break;
		case OPT_SKIP_COLUMNS:
			tsq_opt_list_free(o->in.map.skip, o->in.map.nskip);
			o->in.map.skip = tsq_opt_list(optarg, &o->in.map.nskip);
			break;
		case OPT_IGNORE_EXTRA:
			o->in.map.ignore_extra = true;
			break;
		case OPT_TIME_FORMAT: {
			struct tsq_buf err = TSQ_BUF_INIT;
			tsq_time_format_free(&o->time_format);
			if (!tsq_time_format_compile(&o->time_format, optarg, &err)) {
				tsq_error("%s", err.data);
				tsq_buf_free(&err);
				return TSQ_EXIT_USAGE;
			}
			break;
		}
		case TSQ_OPT_TZ:
			o->tz = optarg;
			break;
		case OPT_ON_CONFLICT:
			o->in.conflict_given = true;
			if (!tsq_opt_choose("on-conflict", optarg, conflict_modes, &v))
				return TSQ_EXIT_USAGE;
			o->in.conflict = (enum tsq_conflict)v;
			break;
		case OPT_DEDUPE:
			if (!tsq_opt_choose("dedupe", optarg, dedupe_modes, &v))
				return TSQ_EXIT_USAGE;
			o->in.dedupe = (enum tsq_dedupe)v;
			break;
		case OPT_BATCH_SIZE:
			if (!tsq_opt_int("batch-size", optarg, 1, MAX_BATCH_SIZE, &o->in.batch_size))
				return TSQ_EXIT_USAGE;
			break;
		case OPT_WORKERS:
			if (!tsq_opt_int("workers", optarg, 1, TSQ_POOL_MAX_WORKERS, &n))
				return TSQ_EXIT_USAGE;
			o->in.workers = (int)n;
			break;
		case OPT_DRY_RUN:
			o->in.dry_run = true;
			break;
		case OPT_REJECTS:
			o->in.rejects = optarg;
			break;
		case OPT_MAX_ERRORS:
			if (!o->in.limits_given)
				o->in.max_error_ratio = -1;
			o->in.limits_given = true;
			if (strcmp(optarg, "none") == 0)
				o->in.max_errors = -1;
			else if (!tsq_opt_int("max-errors", optarg, 0, INT64_MAX, &o->in.max_errors))
				return TSQ_EXIT_USAGE;
			break;
		case OPT_MAX_ERROR_RATIO:
			if (!o->in.limits_given)
				o->in.max_errors = -1;
			o->in.limits_given = true;
			if (strcmp(optarg, "none") == 0)
				o->in.max_error_ratio = -1;
			else if (!tsq_opt_real("max-error-ratio", optarg, 0, 1, false, &o->in.max_error_ratio))
				return TSQ_EXIT_USAGE;
			break;
		case OPT_STATS:
			o->stats = optarg;
			break;
		case OPT_RESUME:
			o->in.resume = true;
			break;
		case OPT_CHECKPOINT:
			o->in.checkpoint = optarg;
			break;
		case OPT_PROGRESS:
			o->progress = true;
			break;
		case OPT_FLUSH_INTERVAL:
			if (!opt_duration_or_off("flush-interval", optarg, &o->in.flush_interval))
				return TSQ_EXIT_USAGE;
			break;
		case OPT_RETRY:
			if (!opt_duration_or_off("retry", optarg, &o->in.retry))
				return TSQ_EXIT_USAGE;
			break;
		case OPT_STATUS_INTERVAL:
			if (!opt_duration_or_off("status-interval", optarg, &o->in.status_interval))
				return TSQ_EXIT_USAGE;
			break;
		case OPT_BUFFER:
			if (!opt_size("buffer", optarg, &o->in.buffer))
				return TSQ_EXIT_USAGE;
			break;
		case OPT_PENDING:
			o->in.pending = optarg;
			break;
		default:
			if (!tsq_opt_common_or_bad(c, optarg, &o->common, argv, shortopts, long_options))
				return TSQ_EXIT_USAGE;
		}
	}
	if (o->common.help || o->common.version)
		return TSQ_EXIT_OK;
	if (optind >= argc) {
		tsq_error("no table given");
		tsq_try_help();
		return TSQ_EXIT_USAGE;
	}
	o->in.table = argv[optind++];
	o->files = argv + optind;
	o->nfiles = argc - optind;
	if (o->in.no_header && o->in.format == TSQ_FORMAT_JSONL) {
		tsq_error("--no-header does not apply to JSON lines");
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

	char pending[48] = "";
	if (t->pending)
		snprintf(pending, sizeof pending, ", pending %llu", (unsigned long long)t->pending);
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
}

/* The counts as JSON in --stats FILE.  False when it could not be written (reported). */
static bool
write_stats(const struct options *o, const struct tsq_ingest *L, double secs)
{
	const struct tsq_ingest_totals *t = &L->t;
	struct tsq_buf err = TSQ_BUF_INIT;
	double rate = secs > 0 ? (double)t->read / secs : 0;
	json_t *j = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:f,s:f}",
	    "read", (json_int_t)t->read, "inserted", (json_int_t)t->inserted,
	    "updated", (json_int_t)t->updated, "unchanged", (json_int_t)t->unchanged,
	    "duplicates", (json_int_t)t->duplicates, "rejected", (json_int_t)t->rejected,
	    "pending", (json_int_t)t->pending,
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

/* Whether the file tsq-load would write at PATH is the input IN. */
static bool
same_file(const char *path, const struct stat *in)
{
	struct stat out;

	return stat(path, &out) == 0 && out.st_dev == in->st_dev && out.st_ino == in->st_ino &&
	    S_ISREG(out.st_mode);
}

/*
 * Inputs exist and are files (or stdin), and no file tsq-load writes is one
 * of them: --rejects, --stats or --checkpoint naming an input would truncate
 * it under the load.  Standard input counts too: "tsq-load --rejects x t < x"
 * reads the file it would replace.
 */
static int
check_files(const struct options *o)
{
	const char *outputs[3][2] = { { "--rejects", o->in.rejects }, { "--stats", o->stats },
		{ "--checkpoint", o->in.checkpoint } };
	struct stat in;
	int nfiles = o->nfiles ? o->nfiles : 1;

	for (int i = 0; i < nfiles; i++) {
		const char *f = o->nfiles ? o->files[i] : "-";
		bool is_stdin = strcmp(f, "-") == 0;
		if (is_stdin) {
			if (fstat(STDIN_FILENO, &in) != 0)
				continue;
		} else if (stat(f, &in) != 0 || access(f, R_OK) != 0) {
			tsq_error("could not open file \"%s\": %s", f, strerror(errno));
			return TSQ_EXIT_NOINPUT;
		} else if (S_ISDIR(in.st_mode)) {
			tsq_error("could not open file \"%s\": it is a directory", f);
			return TSQ_EXIT_NOINPUT;
		}
		for (int k = 0; k < 3; k++) {
			const char *path = outputs[k][1];
			if (path && ((!is_stdin && strcmp(path, f) == 0) || same_file(path, &in))) {
				tsq_error("%s \"%s\" is %s: it would be overwritten", outputs[k][0],
				    path, is_stdin ? "the file on standard input" : "an input file");
				return TSQ_EXIT_USAGE;
			}
		}
	}
	struct stat dev;
	for (int a = 0; a < 3; a++)
		for (int b = a + 1; b < 3; b++)
			if (outputs[a][1] && outputs[b][1] && strcmp(outputs[a][1], outputs[b][1]) == 0 &&
			    !(stat(outputs[a][1], &dev) == 0 && !S_ISREG(dev.st_mode))) {
				tsq_error("%s and %s name the same file \"%s\"", outputs[a][0], outputs[b][0],
				    outputs[a][1]);
				return TSQ_EXIT_USAGE;
			}
	return TSQ_EXIT_OK;
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

static int run(struct options *opts);

static int
tool_main(int argc, char **argv)
{
	struct options o;
	int rc;

	if (tsq_opt_start(argc, argv, usage))
		return TSQ_EXIT_OK;
	memset(&o, 0, sizeof o);
	rc = parse_options(argc, argv, &o);
	if (rc < 0)
		rc = run(&o);
	else if (rc == TSQ_EXIT_OK && o.common.help)
		usage();
	else if (rc == TSQ_EXIT_OK && o.common.version)
		tsq_print_version();
	options_free(&o);
	return rc;
}

/* The load itself, once the options are known. */
static int
run(struct options *o)
{
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
	if ((rc = check_files(o)) != TSQ_EXIT_OK)
		return rc;

	o->in.map.conv.time_format = o->time_format.pattern ? &o->time_format : NULL;
	o->in.map.conv.local_tz = o->tz != NULL;
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

int
main(int argc, char **argv)
{
	return tsq_stdout_finish(tool_main(argc, argv));
}
