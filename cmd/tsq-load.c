/*
 * tsq-load - load CSV, TSV and JSON-lines files into a table, fast, with
 * upserts, and without losing a row: every record read ends up in the table
 * or in the reject file, with its line and the reason.
 *
 * This file holds the options, the loop over the inputs and the exit codes.
 * The path of a record goes through libtsq: reader (records) -> mapper
 * (binary COPY tuple, key) -> pool (rounds of batches written by worker
 * connections, loader.h) -> rejects and checkpoint.
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
#include "checkpoint.h"
#include "mapper.h"
#include "pool.h"
#include "rejects.h"

#define DEFAULT_BATCH_SIZE 25000
#define MAX_BATCH_SIZE 10000000
/* A round of batches also ends at this many bytes, whatever its rows. */
#define ROUND_BYTES (32u * 1024 * 1024)
/* Without --max-errors or --max-error-ratio, a load stops when more than
 * DEFAULT_MAX_ERRORS records and more than half of those read were rejected:
 * the input is clearly not what the table expects. */
#define DEFAULT_MAX_ERRORS 1000
#define DEFAULT_MAX_ERROR_RATIO 0.5

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
	TSQ_COMMON_LONGOPTS,
	{NULL, 0, NULL, 0},
};

struct options {
	struct tsq_common_opts common;
	enum tsq_format format;
	char delimiter, quote;
	bool no_header;
	char **columns;
	int ncolumns;
	struct tsq_mapper_opts map;
	struct tsq_time_format time_format;	/* pattern NULL when not given */
	const char *tz;
	bool conflict_given;
	enum tsq_conflict conflict;
	enum tsq_dedupe dedupe;
	int64_t batch_size;
	int workers;
	bool dry_run;
	const char *rejects;
	bool limits_given;	/* --max-errors or --max-error-ratio */
	int64_t max_errors;	/* -1: no limit */
	double max_error_ratio;	/* < 0: no limit */
	const char *stats;
	bool resume;
	const char *checkpoint;
	bool progress;
	const char *table;
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
	tsq_help_common(stdout);
}

/* ---- option parsing ---- */

static void
options_free(struct options *o)
{
	tsq_opt_list_free(o->columns, o->ncolumns);
	tsq_opt_list_free(o->map.skip, o->map.nskip);
	tsq_opt_pairs_free(o->map.maps, o->map.nmaps);
	tsq_opt_pairs_free(o->map.sets, o->map.nsets);
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

static int
parse_options(int argc, char **argv, struct options *o)
{
	int c, v;
	int64_t n;

	o->format = TSQ_FORMAT_AUTO;
	o->batch_size = DEFAULT_BATCH_SIZE;
	o->workers = 1;
	o->max_errors = DEFAULT_MAX_ERRORS;
	o->max_error_ratio = DEFAULT_MAX_ERROR_RATIO;
	o->dedupe = TSQ_DEDUPE_LAST;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, long_options, NULL)) != -1) {
		switch (c) {
		case OPT_FORMAT:
			if (!tsq_opt_choose("format", optarg, tsq_formats, &v))
				return TSQ_EXIT_USAGE;
			o->format = (enum tsq_format)v;
			break;
		case OPT_DELIMITER:
			if (!tsq_opt_char("delimiter", optarg, &o->delimiter))
				return TSQ_EXIT_USAGE;
			break;
		case OPT_QUOTE:
			if (!tsq_opt_char("quote", optarg, &o->quote))
				return TSQ_EXIT_USAGE;
			break;
		case OPT_NULL:
			o->map.null_string = optarg;
			break;
		case OPT_NO_HEADER:
			o->no_header = true;
			break;
		case OPT_COLUMNS:
			tsq_opt_list_free(o->columns, o->ncolumns);
			o->columns = tsq_opt_list(optarg, &o->ncolumns);
			break;
		case OPT_MAP:
			if (!tsq_opt_pairs("map", optarg, true, &o->map.maps, &o->map.nmaps))
				return TSQ_EXIT_USAGE;
			break;
		case OPT_SET:
			if (!tsq_opt_pairs("set", optarg, false, &o->map.sets, &o->map.nsets))
				return TSQ_EXIT_USAGE;
			break;
		case OPT_SKIP_COLUMNS:
			tsq_opt_list_free(o->map.skip, o->map.nskip);
			o->map.skip = tsq_opt_list(optarg, &o->map.nskip);
			break;
		case OPT_IGNORE_EXTRA:
			o->map.ignore_extra = true;
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
			o->conflict_given = true;
			if (!tsq_opt_choose("on-conflict", optarg, conflict_modes, &v))
				return TSQ_EXIT_USAGE;
			o->conflict = (enum tsq_conflict)v;
			break;
		case OPT_DEDUPE:
			if (!tsq_opt_choose("dedupe", optarg, dedupe_modes, &v))
				return TSQ_EXIT_USAGE;
			o->dedupe = (enum tsq_dedupe)v;
			break;
		case OPT_BATCH_SIZE:
			if (!tsq_opt_int("batch-size", optarg, 1, MAX_BATCH_SIZE, &o->batch_size))
				return TSQ_EXIT_USAGE;
			break;
		case OPT_WORKERS:
			if (!tsq_opt_int("workers", optarg, 1, TSQ_POOL_MAX_WORKERS, &n))
				return TSQ_EXIT_USAGE;
			o->workers = (int)n;
			break;
		case OPT_DRY_RUN:
			o->dry_run = true;
			break;
		case OPT_REJECTS:
			o->rejects = optarg;
			break;
		case OPT_MAX_ERRORS:
			if (!o->limits_given)
				o->max_error_ratio = -1;
			o->limits_given = true;
			if (strcmp(optarg, "none") == 0)
				o->max_errors = -1;
			else if (!tsq_opt_int("max-errors", optarg, 0, INT64_MAX, &o->max_errors))
				return TSQ_EXIT_USAGE;
			break;
		case OPT_MAX_ERROR_RATIO:
			if (!o->limits_given)
				o->max_errors = -1;
			o->limits_given = true;
			if (strcmp(optarg, "none") == 0)
				o->max_error_ratio = -1;
			else if (!tsq_opt_real("max-error-ratio", optarg, 0, 1, false, &o->max_error_ratio))
				return TSQ_EXIT_USAGE;
			break;
		case OPT_STATS:
			o->stats = optarg;
			break;
		case OPT_RESUME:
			o->resume = true;
			break;
		case OPT_CHECKPOINT:
			o->checkpoint = optarg;
			break;
		case OPT_PROGRESS:
			o->progress = true;
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
	o->table = argv[optind++];
	o->files = argv + optind;
	o->nfiles = argc - optind;
	if (o->resume && o->checkpoint == NULL) {
		tsq_error("--resume needs --checkpoint=FILE");
		return TSQ_EXIT_USAGE;
	}
	if (o->no_header && o->format == TSQ_FORMAT_JSONL) {
		tsq_error("--no-header does not apply to JSON lines");
		return TSQ_EXIT_USAGE;
	}
	if ((o->delimiter ? o->delimiter : ',') == (o->quote ? o->quote : '"')) {
		tsq_error("--delimiter and --quote are the same character \"%c\"",
		    o->delimiter ? o->delimiter : ',');
		return TSQ_EXIT_USAGE;
	}
	return -1;
}

/* ---- the state of a load ---- */

struct totals {
	uint64_t read, inserted, updated, unchanged, duplicates, rejected, batches, fast, retries;
};

struct load {
	struct options *o;
	struct tsq_backend backend;
	struct tsq_table table;
	struct tsq_load_plan plan;
	bool planned;
	struct tsq_pool pool;
	struct tsq_mapper map;
	bool mapped;
	struct tsq_mapped row;
	struct totals t;
	struct tsq_progress progress;
	int64_t started;
	/* the input being read */
	struct tsq_input in;
	struct tsq_reader *reader;
	const char *display;
	const char *input;		/* as named on the command line */
	bool keyed;			/* JSON lines: records name their fields */
	char *header_raw;		/* the header record as read, for reject records */
	char identity[33];
	long committed_line;		/* last line of the input committed or rejected */
	struct tsq_rejects *rejects;
	bool rejects_shared;		/* --rejects: one file for every input */
	struct tsq_checkpoint *checkpoint;
	/* why it stopped, when it did */
	struct tsq_buf stop;
	int stop_code;
	const PGresult *stop_result;	/* the server's error behind the stop, if any */
};

static void
stop_load(struct load *L, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
stop_load(struct load *L, int code, const char *fmt, ...)
{
	va_list ap;

	if (L->stop.len)
		return;
	va_start(ap, fmt);
	tsq_buf_vaddf(&L->stop, fmt, ap);
	va_end(ap);
	L->stop_code = code;
}

static bool
stopped(const struct load *L)
{
	return L->stop.len > 0 || tsq_cancel_signal() != 0;
}

/* ---- rejects ---- */

static void
check_limits(struct load *L)
{
	const struct options *o = L->o;
	/* Rows not yet committed count as read: they are. */
	uint64_t read = L->t.read + (uint64_t)tsq_pool_pending(&L->pool);
	double ratio = read ? (double)L->t.rejected / (double)read : 0;

	if (!o->limits_given) {
		if (L->t.rejected > DEFAULT_MAX_ERRORS && ratio > DEFAULT_MAX_ERROR_RATIO)
			stop_load(L, TSQ_EXIT_FAILURE, "%llu of %llu records rejected: is the input "
			    "what table %s expects? (--max-errors and --max-error-ratio set other "
			    "limits)", (unsigned long long)L->t.rejected, (unsigned long long)read,
			    L->table.quoted);
		return;
	}
	if (o->max_errors >= 0 && L->t.rejected > (uint64_t)o->max_errors)
		stop_load(L, TSQ_EXIT_FAILURE, "more than %lld rows rejected (--max-errors)",
		    (long long)o->max_errors);
	if (o->max_error_ratio >= 0 && ratio > o->max_error_ratio)
		stop_load(L, TSQ_EXIT_FAILURE, "%.4g of the rows were rejected (--max-error-ratio %g)",
		    ratio, o->max_error_ratio);
}

/*
 * Record one rejected record.  False when it could not be written: the load
 * stops, and the record is not counted (the checkpoint must not pass it).
 */
static bool
write_reject(struct load *L, struct tsq_reject *rj)
{
	struct tsq_buf err = TSQ_BUF_INIT;

	rj->file = L->display;
	rj->header = L->header_raw;
	if (!tsq_rejects_write(L->rejects, rj, &err)) {
		stop_load(L, TSQ_EXIT_FAILURE, "%s", err.data);
		tsq_buf_free(&err);
		return false;
	}
	tsq_buf_free(&err);
	L->t.rejected++;
	L->t.read++;
	tsq_verbose("%s:%ld: rejected: %s", L->display, rj->line, rj->error);
	return true;
}

static bool
reject_record(struct load *L, const struct tsq_record *rec, const char *column, const char *error)
{
	struct tsq_reject rj = { NULL, rec->line, rec->offset, column, error, NULL, rec->raw,
		rec->rawlen, rec->rawsize, rec->format, NULL };
	bool ok = write_reject(L, &rj);
	if (ok)
		check_limits(L);
	return ok;
}

/* The pool's hook: a row the server refused. */
static bool
server_rejected(void *arg, const struct tsq_row *row, const char *raw,
    const struct tsq_server_reject *why)
{
	struct load *L = arg;
	struct tsq_reject rj = { NULL, row->line, row->offset, why->column, why->error,
		why->sqlstate, raw, row->raw_len, row->raw_size, (enum tsq_format)row->tag, NULL };

	if (!write_reject(L, &rj))
		return false;
	L->t.read--;	/* counted with its round */
	return true;
}

/* The pool's hook: a round is committed. */
static void
round_committed(void *arg, const struct tsq_round_done *d)
{
	struct load *L = arg;
	struct tsq_buf err = TSQ_BUF_INIT;

	L->t.read += d->read;
	L->t.duplicates += d->duplicates;
	L->t.inserted += d->inserted;
	L->t.updated += d->updated;
	L->t.unchanged += d->unchanged;
	L->t.fast += d->fast_batches;
	L->t.retries += d->retries;
	if (d->read > 0)
		L->t.batches++;
	if (d->read > 0)
		tsq_verbose("batch %llu: up to line %ld: inserted %llu, updated %llu, unchanged %llu%s%s",
		    (unsigned long long)L->t.batches, d->end_line, (unsigned long long)d->inserted,
		    (unsigned long long)d->updated, (unsigned long long)d->unchanged,
		    d->fast_batches ? " (copied straight in: its time range was empty)" : "",
		    d->retries ? " (written again after a deadlock)" : "");
	if (d->end_offset > 0)
		L->committed_line = d->end_line;
	if (L->checkpoint && !L->o->dry_run && d->end_offset > 0 &&
	    !tsq_checkpoint_save(L->checkpoint, L->table.quoted, L->input, L->identity,
	    d->end_offset, d->end_line + 1, false, tsq_rejects_path(L->rejects), &err))
		tsq_warning("%s", err.data);
	tsq_buf_free(&err);
	check_limits(L);
}

/* ---- the write path ---- */

static bool
plan_load(struct load *L)
{
	struct tsq_buf err = TSQ_BUF_INIT;
	enum tsq_conflict conflict = L->o->conflict;

	if (!L->o->conflict_given)
		conflict = L->table.nkey > 0 ? TSQ_CONFLICT_UPDATE : TSQ_CONFLICT_NONE;
	if (!tsq_pool_finish(&L->pool))
		return false;
	if (L->planned)
		tsq_load_plan_free(&L->plan);
	L->planned = false;
	if (!tsq_load_plan_init(&L->plan, &L->table, L->map.field_col, L->map.nfields, conflict,
	    L->o->dedupe, tsq_backend_write_setup(&L->backend, &L->table), &err)) {
		tsq_error("%s", err.data);
		tsq_hint("use --on-conflict only with such a table");
		tsq_buf_free(&err);
		return false;
	}
	L->planned = true;
	tsq_mapper_set_key(&L->map, L->plan.keypos, L->plan.nkey);
	tsq_pool_set_plan(&L->pool, &L->plan);
	tsq_verbose("write path: %s", L->plan.direct ? L->plan.copy_sql : L->plan.insert_sql);
	return true;
}

/* Names for the input columns, and the mapping from them. */
static bool
map_input(struct load *L, const struct tsq_record *header)
{
	const struct options *o = L->o;
	struct tsq_buf err = TSQ_BUF_INIT;
	char **names;
	int n = 0;
	bool ok = true;

	if (o->columns) {
		names = o->columns;
		n = o->ncolumns;
	} else if (L->keyed) {
		names = NULL;
	} else if (o->no_header) {
		names = xcalloc((size_t)L->table.ncols + 1, sizeof *names);
		for (int i = 0; i < L->table.ncols; i++)
			if (!L->table.cols[i].generated)
				names[n++] = L->table.cols[i].name;
	} else {
		names = xcalloc(header->nfields + 1, sizeof *names);
		for (size_t i = 0; i < header->nfields; i++) {
			const char *v = header->fields[i].val;
			if (v == NULL || *v == '\0') {
				tsq_data_error(L->display, header->line, "header column %zu has no name",
				    i + 1);
				ok = false;
			}
			names[n++] = (char *)(v ? v : "");
		}
		if (header->error) {
			tsq_data_error(L->display, header->line, "bad header: %s", header->error);
			ok = false;
		}
	}
	if (L->mapped)
		tsq_mapper_free(&L->map);
	L->mapped = true;
	if (!tsq_mapper_init(&L->map, &L->table, &o->map, names, n, L->keyed, &err) && ok) {
		/* One message a line, each an error. */
		for (char *line = strtok(err.data, "\n"); line; line = strtok(NULL, "\n"))
			tsq_error("%s", line);
		if (strstr(err.data, "needs a value"))
			tsq_hint("add it to the input, or give it with --set COLUMN=VALUE");
		ok = false;
	}
	if (names != o->columns)
		free(names);
	tsq_buf_free(&err);
	/* JSON lines: the first record brings the columns, and the plan. */
	return ok && (L->map.nfields == 0 || plan_load(L));
}

/*
 * JSON lines bring a key the load has no column for yet: commit what was
 * read with the columns known so far, then go on with the new ones too.
 */
static bool
extend_mapping(struct load *L, const struct tsq_record *rec)
{
	struct tsq_buf err = TSQ_BUF_INIT;
	int before = L->map.ninput;

	if (!tsq_pool_finish(&L->pool))
		return false;
	if (!tsq_mapper_extend(&L->map, rec, &err)) {
		stop_load(L, TSQ_EXIT_USAGE, "%s", err.data);
		tsq_buf_free(&err);
		return false;
	}
	tsq_buf_free(&err);
	for (int i = before; i < L->map.ninput; i++)
		tsq_verbose("%s: column \"%s\" joins the load", L->display,
		    L->table.cols[L->map.field_col[i]].name);
	return plan_load(L);
}

/*
 * One record into the round being read, or the reject file.  False when the
 * record could not be accounted for: the load stops before it, and the
 * checkpoint does not pass it.
 */
static bool
take_record(struct load *L, const struct tsq_record *rec)
{
	enum tsq_map_status st;

	if (rec->error)
		return reject_record(L, rec, NULL, rec->error);
	st = tsq_mapper_encode(&L->map, rec, L->keyed, &L->row);
	if (st == TSQ_MAP_NEW_COLUMNS) {
		if (!extend_mapping(L, rec))
			return false;
		st = tsq_mapper_encode(&L->map, rec, L->keyed, &L->row);
		if (st == TSQ_MAP_NEW_COLUMNS) {
			stop_load(L, TSQ_EXIT_FAILURE, "%s:%ld: a key of the record cannot join the load",
			    L->display, rec->line);
			return false;
		}
	}
	if (st == TSQ_MAP_REJECT)
		return reject_record(L, rec, L->row.column, L->row.error);

	struct tsq_row_origin origin = { rec->raw, rec->rawlen, rec->rawsize, rec->format,
		rec->line, rec->offset };
	long first_line = 0;
	if (tsq_pool_add(&L->pool, &L->row, L->o->dedupe, &origin, &first_line) == TSQ_ADD_REFUSED) {
		struct tsq_buf msg = TSQ_BUF_INIT;
		tsq_buf_addf(&msg, "duplicate key: the same key is on line %ld (--dedupe error)",
		    first_line);
		bool ok = reject_record(L, rec, NULL, msg.data);
		tsq_buf_free(&msg);
		return ok;
	}
	return true;
}

/* ---- one input ---- */

static char *
default_rejects_path(const char *input)
{
	struct tsq_buf b = TSQ_BUF_INIT;
	char *copy = xstrdup(input);

	tsq_buf_addf(&b, "./%s.rejects.jsonl", strcmp(input, "-") == 0 ? "stdin" : basename(copy));
	free(copy);
	return tsq_buf_detach(&b);
}

static void
rejects_for_input(struct load *L, const char *input)
{
	struct tsq_buf err = TSQ_BUF_INIT;

	if (L->rejects_shared)
		return;
	if (L->rejects && !tsq_rejects_close(L->rejects, &err))
		stop_load(L, TSQ_EXIT_FAILURE, "%s", err.data);
	tsq_buf_free(&err);
	L->rejects_shared = L->o->rejects != NULL;
	if (L->o->rejects) {
		L->rejects = tsq_rejects_new(L->o->rejects, L->o->resume);
	} else {
		char *path = default_rejects_path(input);
		L->rejects = tsq_rejects_new(path, L->o->resume);
		free(path);
	}
}

/*
 * The default reject file describes the last load of its input: when this
 * load rejected nothing, one left by an earlier load would mislead.
 */
static void
drop_stale_rejects(struct load *L)
{
	const char *path = tsq_rejects_path(L->rejects);

	if (L->o->resume || L->rejects_shared || tsq_rejects_written(L->rejects) ||
	    access(path, F_OK) != 0)
		return;
	if (unlink(path) == 0)
		tsq_info("removed \"%s\" of an earlier load: nothing was rejected this time", path);
}

/*
 * With --resume, skip what the checkpoint says is committed (REC is the
 * first record).  Returns RESUME_AT when REC is skipped too, RESUME_DONE when
 * the whole input is.
 */
static enum tsq_resume
resume_input(struct load *L, const struct tsq_record *rec)
{
	int64_t offset = 0;
	long line = 0;
	struct tsq_buf err = TSQ_BUF_INIT;

	if (!L->o->resume)
		return TSQ_RESUME_NONE;
	enum tsq_resume r = tsq_checkpoint_find(L->checkpoint, L->input, L->identity, &offset, &line);
	switch (r) {
	case TSQ_RESUME_NONE:
		return r;
	case TSQ_RESUME_OTHER:
		tsq_warning("%s: the input differs from the checkpoint; loading all of it", L->display);
		return r;
	case TSQ_RESUME_DONE:
		tsq_info("%s: already loaded (checkpoint \"%s\")", L->display, L->o->checkpoint);
		return r;
	case TSQ_RESUME_AT:
		break;
	}
	if (rec == NULL || offset <= rec->offset)
		return TSQ_RESUME_NONE;
	if (!tsq_reader_skip_to(L->reader, offset, line, &err)) {
		tsq_warning("%s: cannot resume: %s; loading all of it", L->display, err.data);
		tsq_buf_free(&err);
		return TSQ_RESUME_NONE;
	}
	long dropped = tsq_rejects_prune(tsq_rejects_path(L->rejects), L->display, offset, &err);
	if (dropped < 0)
		tsq_warning("%s", err.data);
	else if (dropped)
		tsq_verbose("%s: dropped %ld reject records past the checkpoint",
		    tsq_rejects_path(L->rejects), dropped);
	tsq_buf_free(&err);
	tsq_info("%s: resuming at line %ld", L->display, line);
	L->committed_line = line - 1;
	tsq_pool_advance(&L->pool, line - 1, offset);
	return TSQ_RESUME_AT;
}

/* Read the header (CSV, TSV, reject files) and set up the mapping. */
static int
start_input(struct load *L, struct tsq_buf *err)
{
	struct tsq_record rec;
	enum tsq_format fmt = tsq_reader_format(L->reader);

	L->keyed = fmt == TSQ_FORMAT_JSONL;
	if (fmt == TSQ_FORMAT_JSONL || (L->o->no_header && fmt != TSQ_FORMAT_REJECTS))
		return map_input(L, NULL) ? TSQ_EXIT_OK : TSQ_EXIT_USAGE;
	enum tsq_read_status st = tsq_reader_header(L->reader, &rec, err);
	if (st == TSQ_READ_ERROR) {
		stop_load(L, TSQ_EXIT_FAILURE, "%s", err->data[0] ? err->data : "interrupted");
		return TSQ_EXIT_FAILURE;
	}
	if (st == TSQ_READ_EOF) {
		tsq_info("%s: empty input", L->display);
		return -1;
	}
	if (rec.raw)
		L->header_raw = xstrndup(rec.raw, rec.rawlen);
	/* A reject file of JSON-lines records, or of records without a header. */
	if (fmt == TSQ_FORMAT_REJECTS && rec.nfields == 0)
		L->keyed = true;
	return map_input(L, L->keyed ? NULL : &rec) ? TSQ_EXIT_OK : TSQ_EXIT_USAGE;
}

static int
load_input(struct load *L, const char *input)
{
	struct tsq_buf err = TSQ_BUF_INIT;
	struct tsq_record rec;
	struct tsq_reader_opts ro = { L->o->format, L->o->delimiter, L->o->quote, 0 };
	enum tsq_read_status st;
	int rc;

	if (!tsq_input_open(&L->in, input, &err)) {
		tsq_error("%s", err.data);
		tsq_buf_free(&err);
		return errno == ENOENT || errno == EISDIR ? TSQ_EXIT_NOINPUT : TSQ_EXIT_FAILURE;
	}
	L->display = L->in.display;
	L->input = input;
	L->reader = tsq_reader_open(&L->in, &ro);
	L->committed_line = 0;
	free(L->header_raw);
	L->header_raw = NULL;
	tsq_pool_reset_position(&L->pool);
	rejects_for_input(L, input);

	rc = start_input(L, &err);
	if (rc != TSQ_EXIT_OK) {
		if (rc < 0) {
			rc = TSQ_EXIT_OK;
			goto done;
		}
		goto out;
	}
	bool first = true;
	while (!stopped(L)) {
		st = tsq_reader_next(L->reader, &rec, &err);
		if (st == TSQ_READ_EOF)
			break;
		if (st == TSQ_READ_ERROR) {
			if (!tsq_cancel_signal())
				stop_load(L, TSQ_EXIT_FAILURE, "%s", err.data);
			break;
		}
		if (first) {
			first = false;
			tsq_checkpoint_identity(L->header_raw ? L->header_raw : "",
			    L->header_raw ? strlen(L->header_raw) : 0, rec.raw, rec.rawlen, L->identity);
			enum tsq_resume r = resume_input(L, &rec);
			if (r == TSQ_RESUME_DONE)
				goto out;
			if (r == TSQ_RESUME_AT)
				continue;
		}
		if (!take_record(L, &rec))
			break;
		/* Every record up to here is in the round being read or the reject file. */
		tsq_pool_advance(&L->pool, rec.last_line, rec.end);
		if (tsq_pool_full(&L->pool) && !tsq_pool_flush(&L->pool))
			break;
		tsq_progress_update(&L->progress, L->t.read + (uint64_t)tsq_pool_pending(&L->pool),
		    L->in.raw_read, L->in.size);
	}
	if (first && !stopped(L))
		tsq_checkpoint_identity(L->header_raw ? L->header_raw : "",
		    L->header_raw ? strlen(L->header_raw) : 0, "", 0, L->identity);
	/*
	 * Rows read before a limit stopped the load are good rows: keep them.
	 * After a signal or a failed batch, the round being read is dropped.
	 */
	if (tsq_cancel_signal() || L->pool.stopped) {
		tsq_pool_discard(&L->pool);
		goto out;
	}
	if (!tsq_pool_finish(&L->pool) || L->stop.len)
		goto out;
done:
	drop_stale_rejects(L);
	if (L->checkpoint && !L->o->dry_run && !tsq_checkpoint_save(L->checkpoint,
	    L->table.quoted, input, L->identity, tsq_reader_offset(L->reader),
	    L->committed_line + 1, true, tsq_rejects_path(L->rejects), &err))
		tsq_warning("%s", err.data);
out:
	if (L->pool.stopped && L->pool.failure.len) {
		stop_load(L, TSQ_EXIT_FAILURE, "%s", L->pool.failure.data);
		L->stop_result = L->pool.failed_result;
	}
	tsq_reader_close(L->reader);
	L->reader = NULL;
	tsq_input_close(&L->in);
	tsq_buf_free(&err);
	return rc;
}

/* ---- setup and summary ---- */

/* Rows were committed: say when, for tsq-stats (a failure only warns). */
static void
note_written(struct load *L)
{
	PGconn *conn = tsq_pool_conn(&L->pool);

	if (conn == NULL || PQstatus(conn) != CONNECTION_OK ||
	    PQtransactionStatus(conn) != PQTRANS_IDLE || tsq_cancel_signal())
		return;
	PGresult *res = tsq_backend_note_written(conn, &L->table);
	if (res) {
		struct tsq_buf msg = TSQ_BUF_INIT;
		tsq_result_message(res, conn, &msg);
		tsq_warning("could not record the time of the load for tsq-stats: %s", msg.data);
		tsq_buf_free(&msg);
		PQclear(res);
	}
}

static void
print_summary(struct load *L)
{
	double secs = (double)(tsq_now_usec() - L->started) / 1e6;
	double rate = secs > 0 ? (double)L->t.read / secs : 0;
	struct totals *t = &L->t;

	tsq_progress_clear(&L->progress);
	tsq_info("%s%s: read %llu, inserted %llu, updated %llu, unchanged %llu, duplicates %llu, "
	    "rejected %llu; %llu batch%s in %.2f s (%.0f rows/s)",
	    L->o->dry_run ? "dry run, nothing written: " : "", L->table.quoted ? L->table.quoted :
	    L->o->table, (unsigned long long)t->read, (unsigned long long)t->inserted,
	    (unsigned long long)t->updated, (unsigned long long)t->unchanged,
	    (unsigned long long)t->duplicates, (unsigned long long)t->rejected,
	    (unsigned long long)t->batches, t->batches == 1 ? "" : "es", secs, rate);
	if (t->rejected && L->rejects && tsq_rejects_written(L->rejects))
		tsq_warning("%llu row%s rejected: see \"%s\"", (unsigned long long)t->rejected,
		    t->rejected == 1 ? "" : "s", tsq_rejects_path(L->rejects));
	if (L->o->stats) {
		json_t *o = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:f,s:f}",
		    "read", (json_int_t)t->read, "inserted", (json_int_t)t->inserted,
		    "updated", (json_int_t)t->updated, "unchanged", (json_int_t)t->unchanged,
		    "duplicates", (json_int_t)t->duplicates, "rejected", (json_int_t)t->rejected,
		    "batches", (json_int_t)t->batches, "seconds", secs, "rows_per_second", rate);
		json_object_set_new(o, "stopped", L->stop.len ? json_string(L->stop.data) :
		    tsq_cancel_signal() ? json_string("interrupted") : json_null());
		json_object_set_new(o, "last_committed_line", json_integer(L->committed_line));
		if (json_dump_file(o, L->o->stats, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
			tsq_warning("could not write \"%s\": %s", L->o->stats, strerror(errno));
		json_decref(o);
	}
}

/*
 * Inputs exist and are files (or stdin), and no file tsq-load writes is one
 * of them: --rejects, --stats or --checkpoint naming an input would truncate
 * it under the load.
 */
static int
check_files(const struct options *o)
{
	const char *outputs[3][2] = { { "--rejects", o->rejects }, { "--stats", o->stats },
		{ "--checkpoint", o->checkpoint } };
	struct stat in, out;

	for (int i = 0; i < o->nfiles; i++) {
		const char *f = o->files[i];
		if (strcmp(f, "-") == 0)
			continue;
		if (stat(f, &in) != 0 || access(f, R_OK) != 0) {
			tsq_error("could not open file \"%s\": %s", f, strerror(errno));
			return TSQ_EXIT_NOINPUT;
		}
		if (S_ISDIR(in.st_mode)) {
			tsq_error("could not open file \"%s\": it is a directory", f);
			return TSQ_EXIT_NOINPUT;
		}
		for (int k = 0; k < 3; k++) {
			const char *path = outputs[k][1];
			if (path && (strcmp(path, f) == 0 || (stat(path, &out) == 0 &&
			    out.st_dev == in.st_dev && out.st_ino == in.st_ino))) {
				tsq_error("%s \"%s\" is an input file: it would be overwritten", outputs[k][0],
				    path);
				return TSQ_EXIT_USAGE;
			}
		}
	}
	for (int a = 0; a < 3; a++)
		for (int b = a + 1; b < 3; b++)
			if (outputs[a][1] && outputs[b][1] && strcmp(outputs[a][1], outputs[b][1]) == 0) {
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

/* Connect, look at the server and the table. */
static int
open_load(struct load *L)
{
	struct tsq_buf err = TSQ_BUF_INIT;
	struct tsq_pool_opts po = { L->o->workers, L->o->batch_size, ROUND_BYTES, L->o->dry_run,
		&L->backend, &L->table, { L, server_rejected, round_committed } };
	int rc = TSQ_EXIT_OK;

	enum tsq_conn_status st = tsq_pool_open(&L->pool, &L->o->common.conn, &po, &err);
	if (st != TSQ_CONN_OK) {
		tsq_error("%s", err.data);
		rc = tsq_conn_exit(st);
		goto out;
	}
	PGresult *res = tsq_backend_detect(tsq_pool_conn(&L->pool), &L->backend);
	if (res) {
		tsq_report_result(res);
		PQclear(res);
		rc = TSQ_EXIT_FAILURE;
		goto out;
	}
	struct tsq_buf hint = TSQ_BUF_INIT;
	if (!tsq_table_describe(tsq_pool_conn(&L->pool), &L->backend, L->o->table, &L->table, &err,
	    &hint)) {
		tsq_error("%s", err.data);
		if (hint.len)
			tsq_hint("%s", hint.data);
		rc = TSQ_EXIT_USAGE;
	}
	tsq_buf_free(&hint);
out:
	tsq_buf_free(&err);
	return rc;
}

static int run(struct options *opts);

static int
tool_main(int argc, char **argv)
{
	struct options o;
	int rc;

	tsq_log_init(argv[0]);
	if (tsq_opt_early(argc, argv)) {
		usage();
		return TSQ_EXIT_OK;
	}
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
	struct load L;
	struct tsq_buf warn = TSQ_BUF_INIT, err = TSQ_BUF_INIT;
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

	memset(&L, 0, sizeof L);
	L.o = o;
	o->map.conv.time_format = o->time_format.pattern ? &o->time_format : NULL;
	o->map.conv.local_tz = o->tz != NULL;
	L.started = tsq_now_usec();
	tsq_buf_init(&L.stop);
	tsq_mapped_init(&L.row);
	tsq_progress_init(&L.progress, tsq_log_get_level() >= TSQ_LOG_INFO &&
	    (o->progress || isatty(STDERR_FILENO)));
	if (o->checkpoint) {
		L.checkpoint = tsq_checkpoint_load(o->checkpoint, o->resume, &warn);
		if (warn.len)
			tsq_warning("%s", warn.data);
	}
	tsq_cancel_setup();
	rc = open_load(&L);
	if (rc != TSQ_EXIT_OK)
		goto out;

	static char *stdin_only[] = { "-", NULL };
	char **files = o->nfiles ? o->files : stdin_only;
	int nfiles = o->nfiles ? o->nfiles : 1;
	for (int i = 0; i < nfiles && rc == TSQ_EXIT_OK && !stopped(&L); i++)
		rc = load_input(&L, files[i]);
	if (L.t.inserted + L.t.updated > 0 && !o->dry_run)
		note_written(&L);
	/* A usage error is found before any row of its input: counts only if an earlier input gave some. */
	if (rc != TSQ_EXIT_USAGE || L.t.read > 0)
		print_summary(&L);
	if (tsq_cancel_signal()) {
		tsq_error("interrupted; everything up to line %ld of %s is committed",
		    L.committed_line, L.display ? L.display : "the input");
		rc = tsq_cancel_signal() == SIGTERM ? TSQ_EXIT_SIGTERM : TSQ_EXIT_SIGINT;
	} else if (L.stop.len) {
		tsq_error("stopped: %s", L.stop.data);
		tsq_report_details(L.stop_result);
		tsq_detail("everything up to line %ld of %s is committed", L.committed_line,
		    L.display ? L.display : "the input");
		rc = L.stop_code ? L.stop_code : TSQ_EXIT_FAILURE;
	} else if (rc == TSQ_EXIT_OK && L.t.rejected > 0) {
		rc = TSQ_EXIT_DATAERR;
	}
out:
	if (L.rejects && !tsq_rejects_close(L.rejects, &err)) {
		tsq_error("%s", err.data);
		rc = TSQ_EXIT_FAILURE;
	}
	tsq_pool_close(&L.pool);
	if (L.planned)
		tsq_load_plan_free(&L.plan);
	if (L.mapped)
		tsq_mapper_free(&L.map);
	tsq_mapped_free(&L.row);
	tsq_table_free(&L.table);
	tsq_checkpoint_free(L.checkpoint);
	free(L.header_raw);
	tsq_buf_free(&L.stop);
	tsq_buf_free(&warn);
	tsq_buf_free(&err);
	return rc;
}

int
main(int argc, char **argv)
{
	return tsq_stdout_finish(tool_main(argc, argv));
}
