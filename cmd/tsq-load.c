/*
 * tsq-load - load CSV, TSV and JSON-lines files into a table, fast, with
 * upserts, and without losing a row: every record read ends up in the table
 * or in the reject file, with its line and the reason.
 *
 * One straight path: reader -> record -> mapping (header, --map, --set) ->
 * conversion to binary COPY -> batch (dedupe by key) -> writer (COPY, and
 * INSERT .. ON CONFLICT from a staging table) -> accounting and rejects.
 */
#include <errno.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tsq.h"

#define DEFAULT_BATCH_SIZE 25000
#define MAX_WORKERS 64

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

/* A NAME=VALUE pair from --map or --set. */
struct pair {
	char *name, *value;
};

struct options {
	struct tsq_common_opts common;
	enum tsq_format format;
	char delimiter, quote;
	const char *null_string;
	bool no_header;
	char **columns;
	int ncolumns;
	struct pair *maps;
	int nmaps;
	struct pair *sets;
	int nsets;
	char **skip;
	int nskip;
	bool ignore_extra;
	struct tsq_time_format time_format;	/* pattern NULL when not given */
	const char *tz;
	bool conflict_given;
	enum tsq_conflict conflict;
	enum tsq_dedupe dedupe;
	long batch_size;
	int workers;
	bool dry_run;
	const char *rejects;
	long max_errors;	/* -1: no limit */
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
	    "      --map=SRC=DST,...    load input column SRC into table column DST\n"
	    "      --set=COLUMN=VALUE   give COLUMN this value in every row (repeatable)\n"
	    "      --skip-columns=A,... ignore these input columns\n"
	    "      --ignore-extra       ignore input columns the table does not have\n"
	    "      --time-format=FMT    strptime(3) pattern for time values\n"
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
	    "      --max-errors=N       stop after more than N rejected rows\n"
	    "      --max-error-ratio=R  stop when more than this fraction is rejected\n"
	    "      --stats=FILE         write the counts as JSON to FILE\n"
	    "      --checkpoint=FILE    record the progress of committed batches in FILE\n"
	    "      --resume             skip what --checkpoint FILE says is committed\n"
	    "      --progress           show the progress meter even when stderr is not a terminal\n");
	tsq_help_common(stdout);
}

/* ---- option parsing ---- */

static bool
parse_char(const char *opt, const char *arg, char *out)
{
	if (strcmp(arg, "\\t") == 0 || strcmp(arg, "tab") == 0) {
		*out = '\t';
		return true;
	}
	if (strlen(arg) != 1 || arg[0] == '\n' || arg[0] == '\r') {
		tsq_error("invalid value \"%s\" for option --%s: give one character", arg, opt);
		return false;
	}
	*out = arg[0];
	return true;
}

static char **
split_list(const char *arg, int *n)
{
	char *copy = xstrdup(arg), *save = NULL, *tok;
	char **list = NULL;

	*n = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		list = xreallocarray(list, (size_t)*n + 2, sizeof *list);
		list[(*n)++] = xstrdup(tok);
		list[*n] = NULL;
	}
	free(copy);
	return list;
}

static bool
add_pairs(const char *opt, const char *arg, bool list, struct pair **pairs, int *n)
{
	char *copy = xstrdup(arg), *p = copy, *next;

	do {
		next = list ? strchr(p, ',') : NULL;
		if (next)
			*next++ = '\0';
		char *eq = strchr(p, '=');
		if (eq == NULL || eq == p || (list && eq[1] == '\0')) {
			tsq_error("invalid value \"%s\" for option --%s: expected NAME=VALUE", arg, opt);
			free(copy);
			return false;
		}
		*eq = '\0';
		*pairs = xreallocarray(*pairs, (size_t)*n + 1, sizeof **pairs);
		(*pairs)[*n].name = xstrdup(p);
		(*pairs)[*n].value = xstrdup(eq + 1);
		(*n)++;
		p = next;
	} while (p);
	free(copy);
	return true;
}

static bool
parse_long(const char *opt, const char *arg, long min, long max, long *out)
{
	int64_t v;
	size_t pos;

	if (tsq_parse_int64(arg, min, max, &v, &pos) != TSQ_PARSE_OK) {
		tsq_error("invalid value \"%s\" for option --%s: expected a number from %ld to %ld",
		    arg, opt, min, max);
		return false;
	}
	*out = (long)v;
	return true;
}

static void
free_list(char **list, int n)
{
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

static void
free_pairs(struct pair *pairs, int n)
{
	for (int i = 0; i < n; i++) {
		free(pairs[i].name);
		free(pairs[i].value);
	}
	free(pairs);
}

static void
options_free(struct options *o)
{
	free_list(o->columns, o->ncolumns);
	free_list(o->skip, o->nskip);
	free_pairs(o->maps, o->nmaps);
	free_pairs(o->sets, o->nsets);
	tsq_time_format_free(&o->time_format);
}

static int
parse_options(int argc, char **argv, struct options *o)
{
	int c;
	long n;

	o->format = TSQ_FORMAT_AUTO;
	o->batch_size = DEFAULT_BATCH_SIZE;
	o->workers = 1;
	o->max_errors = -1;
	o->max_error_ratio = -1;
	o->dedupe = TSQ_DEDUPE_LAST;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, long_options, NULL)) != -1) {
		switch (c) {
		case OPT_FORMAT:
			if (!tsq_format_parse(optarg, &o->format)) {
				tsq_error("invalid value \"%s\" for option --format: expected csv, tsv, "
				    "jsonl, rejects or auto", optarg);
				return TSQ_EXIT_USAGE;
			}
			break;
		case OPT_DELIMITER:
			if (!parse_char("delimiter", optarg, &o->delimiter))
				return TSQ_EXIT_USAGE;
			break;
		case OPT_QUOTE:
			if (!parse_char("quote", optarg, &o->quote))
				return TSQ_EXIT_USAGE;
			break;
		case OPT_NULL:
			o->null_string = optarg;
			break;
		case OPT_NO_HEADER:
			o->no_header = true;
			break;
		case OPT_COLUMNS:
			free_list(o->columns, o->ncolumns);
			o->columns = split_list(optarg, &o->ncolumns);
			break;
		case OPT_MAP:
			if (!add_pairs("map", optarg, true, &o->maps, &o->nmaps))
				return TSQ_EXIT_USAGE;
			break;
		case OPT_SET:
			if (!add_pairs("set", optarg, false, &o->sets, &o->nsets))
				return TSQ_EXIT_USAGE;
			break;
		case OPT_SKIP_COLUMNS:
			free_list(o->skip, o->nskip);
			o->skip = split_list(optarg, &o->nskip);
			break;
		case OPT_IGNORE_EXTRA:
			o->ignore_extra = true;
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
			if (strcmp(optarg, "update") == 0)
				o->conflict = TSQ_CONFLICT_UPDATE;
			else if (strcmp(optarg, "nothing") == 0)
				o->conflict = TSQ_CONFLICT_NOTHING;
			else if (strcmp(optarg, "error") == 0)
				o->conflict = TSQ_CONFLICT_ERROR;
			else {
				tsq_error("invalid value \"%s\" for option --on-conflict: expected update, "
				    "nothing or error", optarg);
				return TSQ_EXIT_USAGE;
			}
			break;
		case OPT_DEDUPE:
			if (strcmp(optarg, "last") == 0)
				o->dedupe = TSQ_DEDUPE_LAST;
			else if (strcmp(optarg, "first") == 0)
				o->dedupe = TSQ_DEDUPE_FIRST;
			else if (strcmp(optarg, "error") == 0)
				o->dedupe = TSQ_DEDUPE_ERROR;
			else {
				tsq_error("invalid value \"%s\" for option --dedupe: expected last, first "
				    "or error", optarg);
				return TSQ_EXIT_USAGE;
			}
			break;
		case OPT_BATCH_SIZE:
			if (!parse_long("batch-size", optarg, 1, 10000000, &o->batch_size))
				return TSQ_EXIT_USAGE;
			break;
		case OPT_WORKERS:
			if (!parse_long("workers", optarg, 1, MAX_WORKERS, &n))
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
			if (!parse_long("max-errors", optarg, 0, LONG_MAX, &o->max_errors))
				return TSQ_EXIT_USAGE;
			break;
		case OPT_MAX_ERROR_RATIO: {
			char *end;
			errno = 0;
			o->max_error_ratio = strtod(optarg, &end);
			if (end == optarg || *end || errno || !(o->max_error_ratio >= 0 &&
			    o->max_error_ratio <= 1)) {
				tsq_error("invalid value \"%s\" for option --max-error-ratio: expected a "
				    "number from 0 to 1", optarg);
				return TSQ_EXIT_USAGE;
			}
			break;
		}
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
	return -1;
}

/* ---- the state of a load ---- */

struct worker {
	PGconn *conn;
	struct tsq_writer writer;
	struct tsq_batch *job;	/* the batch it is writing */
	pthread_t thread;
	bool ok;
};

/*
 * A sorted set of UTC days (days since 1970-01-01): the days a chunk has rows
 * for, and the days whose partitions are known to exist.
 */
struct dayset {
	int32_t *day;
	size_t n, cap;
	int32_t last;		/* the day added last: rows come in time order mostly */
};

static bool
dayset_has(const struct dayset *d, int32_t day, size_t *at)
{
	size_t lo = 0, hi = d->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (d->day[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	*at = lo;
	return lo < d->n && d->day[lo] == day;
}

static void
dayset_add(struct dayset *d, int32_t day)
{
	size_t at;

	if (d->n > 0 && d->last == day)
		return;
	d->last = day;
	if (dayset_has(d, day, &at))
		return;
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->day = xreallocarray(d->day, d->cap, sizeof *d->day);
	}
	memmove(d->day + at + 1, d->day + at, (d->n - at) * sizeof *d->day);
	d->day[at] = day;
	d->n++;
}

/* The rows of one round of transactions: a batch per worker. */
struct chunk {
	struct tsq_batch *batch;
	uint64_t *read;		/* rows handed to each batch, duplicates included */
	uint64_t *dups;
	long rows;
	long end_line;		/* last physical line read into it */
	int64_t end_offset;	/* the input offset just past that line */
	struct dayset days;	/* UTC days of the time column */
	bool inflight;
};

struct totals {
	uint64_t read, inserted, updated, unchanged, duplicates, rejected, batches;
};

/* How the fields of the input become the fields of a COPY row. */
struct mapping {
	char **src;		/* input column names */
	int nsrc;
	int *src_field;		/* input column -> row field, -1 ignored */
	int *field_col;		/* row field -> table column */
	int nfields, ninput;	/* fields from the input come first, then --set ones */
	struct tsq_buf set_bytes;	/* the --set fields, encoded once */
	size_t *set_off;
	bool ready;
};

struct load {
	struct options *o;
	struct tsq_backend backend;
	struct tsq_table table;
	struct tsq_load_plan plan;
	bool planned;
	struct worker *workers;
	int nworkers;
	struct tsq_convert_opts conv;
	struct totals t;
	struct tsq_progress progress;
	int64_t started;
	/* the input being read */
	struct tsq_input in;
	struct tsq_reader *reader;
	const char *display;
	const char *input;	/* as named on the command line */
	struct mapping map;
	char *header_raw;	/* the header record as read, for reject records */
	struct chunk chunks[2];
	int cur;		/* the chunk being read into */
	uint64_t fast_batches;
	struct dayset ensured;	/* days whose partitions exist */
	long committed_line;	/* last line of the last committed batch */
	bool batch_failed;
	/* rejects */
	FILE *rejects;
	char *rejects_path;
	const char *rejects_for;	/* input the open reject file belongs to */
	bool rejects_shared;
	/* checkpoint */
	json_t *checkpoint;
	char identity[64];
	/* why it stopped, when it did */
	struct tsq_buf stop;
	int stop_code;
	/* scratch */
	struct tsq_buf tuple, key, msg;
	size_t *field_start;
	struct tsq_field *values;
};

static volatile sig_atomic_t got_signal;
static volatile sig_atomic_t writing;	/* workers are running statements */
static PGcancel *cancels[MAX_WORKERS];
static int ncancels;

/* Remember the signal and cancel what the workers are running. */
static void
on_signal(int sig)
{
	char errbuf[256];

	got_signal = sig;
	if (!writing)
		return;
	for (int i = 0; i < ncancels; i++)
		if (cancels[i])
			PQcancel(cancels[i], errbuf, sizeof errbuf);
}

static void
install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: a blocked read returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

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

/* ---- rejects ---- */

static char *
default_rejects_path(const char *input)
{
	struct tsq_buf b = TSQ_BUF_INIT;
	char *copy = xstrdup(input);

	tsq_buf_addf(&b, "./%s.rejects.jsonl", strcmp(input, "-") == 0 ? "stdin" : basename(copy));
	free(copy);
	return tsq_buf_detach(&b);
}

static json_t *
json_text(const char *s, size_t len)
{
	json_t *v = json_stringn(s, len);
	if (v)
		return v;
	/* Not UTF-8: keep what can be kept, mark the rest with U+FFFD. */
	struct tsq_buf b = TSQ_BUF_INIT;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80 && c != 0)
			tsq_buf_addc(&b, (char)c);
		else if (c != 0) {
			size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
			json_t *try = n > 1 && i + n <= len ? json_stringn(s + i, n) : NULL;
			if (try) {
				tsq_buf_add(&b, s + i, n);
				json_decref(try);
				i += n - 1;
			} else {
				tsq_buf_adds(&b, "\xef\xbf\xbd");
			}
		} else {
			tsq_buf_adds(&b, "\xef\xbf\xbd");
		}
	}
	v = json_stringn(b.data, b.len);
	tsq_buf_free(&b);
	return v;
}

static bool
open_rejects(struct load *L, const char *path, bool append)
{
	L->rejects = fopen(path, append ? "a" : "w");
	if (L->rejects == NULL) {
		tsq_error("could not open reject file \"%s\": %s", path, strerror(errno));
		return false;
	}
	/* A record per write: a killed load keeps every reject it reported. */
	setvbuf(L->rejects, NULL, _IOLBF, 0);
	return true;
}

/*
 * One reject record.  Of the record's text at most TSQ_RECORD_PREFIX bytes
 * are written; a longer one says its full size and "truncated": true (it
 * cannot be loaded back from the reject file, and says so then).
 */
static void
write_reject(struct load *L, long line, int64_t offset, const char *column, const char *error,
    const char *sqlstate, const char *raw, size_t rawlen, int64_t rawsize, enum tsq_format format)
{
	if (L->rejects == NULL && !open_rejects(L, L->rejects_path, L->o->resume)) {
		stop_load(L, TSQ_EXIT_FAILURE, "cannot write rejected rows");
		L->t.rejected++;
		L->t.read++;
		return;
	}
	json_t *o = json_object();
	json_object_set_new(o, "file", json_text(L->display, strlen(L->display)));
	json_object_set_new(o, "line", json_integer(line));
	json_object_set_new(o, "offset", json_integer(offset));
	json_object_set_new(o, "column", column ? json_text(column, strlen(column)) : json_null());
	json_object_set_new(o, "error", json_text(error, strlen(error)));
	json_object_set_new(o, "sqlstate", sqlstate ? json_string(sqlstate) : json_null());
	if (rawlen > TSQ_RECORD_PREFIX)
		rawlen = TSQ_RECORD_PREFIX;
	json_object_set_new(o, "record", json_text(raw, rawlen));
	if (rawsize > (int64_t)rawlen) {
		json_object_set_new(o, "record_bytes", json_integer(rawsize));
		json_object_set_new(o, "truncated", json_true());
	}
	json_object_set_new(o, "format", json_string(tsq_format_name(format)));
	json_object_set_new(o, "header", L->header_raw && format != TSQ_FORMAT_JSONL ?
	    json_text(L->header_raw, strlen(L->header_raw)) : json_null());
	json_dumpf(o, L->rejects, JSON_COMPACT | JSON_PRESERVE_ORDER);
	fputc('\n', L->rejects);
	json_decref(o);
	L->t.rejected++;
	L->t.read++;
	tsq_verbose("%s:%ld: rejected: %s", L->display, line, error);
	if (L->o->max_errors >= 0 && L->t.rejected > (uint64_t)L->o->max_errors)
		stop_load(L, TSQ_EXIT_FAILURE, "more than %ld rows rejected (--max-errors)",
		    L->o->max_errors);
}

static void
reject_record(struct load *L, const struct tsq_record *rec, const char *column, const char *error)
{
	write_reject(L, rec->line, rec->offset, column, error, NULL, rec->raw, rec->rawlen, rec->rawsize,
	    rec->format);
}

/* ---- checkpoint ---- */

static void
load_checkpoint(struct load *L)
{
	json_error_t jerr;

	L->checkpoint = NULL;
	if (L->o->resume) {
		L->checkpoint = json_load_file(L->o->checkpoint, 0, &jerr);
		if (L->checkpoint == NULL && access(L->o->checkpoint, F_OK) == 0)
			tsq_warning("ignoring checkpoint \"%s\": %s", L->o->checkpoint, jerr.text);
	}
	if (!json_is_object(L->checkpoint)) {
		json_decref(L->checkpoint);
		L->checkpoint = json_object();
	}
}

static json_t *
checkpoint_entry(struct load *L, const char *input)
{
	json_t *files = json_object_get(L->checkpoint, "files");

	if (!json_is_object(files)) {
		files = json_object();
		json_object_set_new(L->checkpoint, "files", files);
	}
	json_t *e = json_object_get(files, input);
	if (!json_is_object(e)) {
		e = json_object();
		json_object_set_new(files, input, e);
	}
	return e;
}

static void
save_checkpoint(struct load *L, const char *input, int64_t offset, long line, bool done)
{
	if (L->o->checkpoint == NULL || L->o->dry_run)
		return;
	json_t *e = checkpoint_entry(L, input);
	json_object_set_new(L->checkpoint, "table", json_string(L->table.quoted));
	json_object_set_new(e, "identity", json_string(L->identity));
	json_object_set_new(e, "offset", json_integer(offset));
	json_object_set_new(e, "line", json_integer(line));
	json_object_set_new(e, "done", json_boolean(done));
	if (L->rejects_path)
		json_object_set_new(e, "rejects", json_string(L->rejects_path));
	struct tsq_buf tmp = TSQ_BUF_INIT;
	tsq_buf_addf(&tmp, "%s.tmp", L->o->checkpoint);
	if (json_dump_file(L->checkpoint, tmp.data, JSON_INDENT(1) | JSON_PRESERVE_ORDER) != 0 ||
	    rename(tmp.data, L->o->checkpoint) != 0) {
		tsq_warning("could not write checkpoint \"%s\": %s", L->o->checkpoint, strerror(errno));
	}
	tsq_buf_free(&tmp);
}

/* ---- mapping ---- */

static bool
listed(char **list, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcasecmp(list[i], name) == 0)
			return true;
	return false;
}

static void
mapping_free(struct mapping *m)
{
	for (int i = 0; i < m->nsrc; i++)
		free(m->src[i]);
	free(m->src);
	free(m->src_field);
	free(m->field_col);
	free(m->set_off);
	tsq_buf_free(&m->set_bytes);
	memset(m, 0, sizeof *m);
}

/*
 * Build the mapping from input column names NAMES.  Any problem is a usage
 * error, reported before a row is loaded.
 */
static bool
mapping_build(struct load *L, char **names, int n)
{
	struct options *o = L->o;
	const struct tsq_table *t = &L->table;
	struct mapping *m = &L->map;
	bool ok = true;
	int *used = xcalloc((size_t)t->ncols + 1, sizeof *used);

	mapping_free(m);
	tsq_buf_init(&m->set_bytes);
	m->nsrc = n;
	m->src = xcalloc((size_t)n + 1, sizeof *m->src);
	m->src_field = xcalloc((size_t)n + 1, sizeof *m->src_field);
	m->field_col = xcalloc((size_t)(n + o->nsets) + 1, sizeof *m->field_col);
	m->set_off = xcalloc((size_t)o->nsets + 2, sizeof *m->set_off);
	for (int i = 0; i < o->nmaps; i++) {
		if (tsq_table_column(t, o->maps[i].value) < 0) {
			tsq_error("--map %s=%s: table %s has no column \"%s\"", o->maps[i].name,
			    o->maps[i].value, t->quoted, o->maps[i].value);
			ok = false;
		}
		bool found = false;
		for (int j = 0; j < n; j++)
			found |= strcasecmp(names[j], o->maps[i].name) == 0;
		if (!found && n > 0) {
			tsq_error("--map %s=%s: the input has no column \"%s\"", o->maps[i].name,
			    o->maps[i].value, o->maps[i].name);
			ok = false;
		}
	}
	for (int i = 0; i < n; i++) {
		const char *name = names[i];
		m->src[i] = xstrdup(name);
		m->src_field[i] = -1;
		if (listed(o->skip, o->nskip, name))
			continue;
		for (int j = 0; j < o->nmaps; j++)
			if (strcasecmp(o->maps[j].name, name) == 0)
				name = o->maps[j].value;
		int col = tsq_table_column(t, name);
		if (col < 0) {
			if (!o->ignore_extra) {
				tsq_error("table %s has no column \"%s\" (input column %d)", t->quoted,
				    name, i + 1);
				ok = false;
			}
			continue;
		}
		if (t->cols[col].generated) {
			tsq_error("column \"%s\" of table %s is generated and cannot be loaded",
			    t->cols[col].name, t->quoted);
			ok = false;
			continue;
		}
		if (used[col]) {
			tsq_error("column \"%s\" appears twice in the input (columns %d and %d)",
			    t->cols[col].name, used[col], i + 1);
			ok = false;
			continue;
		}
		used[col] = i + 1;
		m->src_field[i] = m->nfields;
		m->field_col[m->nfields++] = col;
	}
	m->ninput = m->nfields;
	for (int i = 0; i < o->nsets; i++) {
		int col = tsq_table_column(t, o->sets[i].name);
		if (col < 0) {
			tsq_error("--set %s: table %s has no column \"%s\"", o->sets[i].name, t->quoted,
			    o->sets[i].name);
			ok = false;
			continue;
		}
		if (used[col]) {
			tsq_error("--set %s: column \"%s\" also comes from the input", o->sets[i].name,
			    t->cols[col].name);
			ok = false;
			continue;
		}
		used[col] = -1;
		int64_t usec;
		const char *e = tsq_convert(&t->cols[col].type, o->sets[i].value,
		    strlen(o->sets[i].value), false, &L->conv, &m->set_bytes, &usec, &L->msg);
		if (e) {
			tsq_error("--set %s: %s", o->sets[i].name, e);
			ok = false;
			continue;
		}
		m->set_off[m->nfields - m->ninput + 1] = m->set_bytes.len;
		m->field_col[m->nfields++] = col;
	}
	if (ok && m->nfields == 0) {
		tsq_error("no input column matches a column of table %s", t->quoted);
		ok = false;
	}
	for (int c = 0; ok && c < t->ncols; c++) {
		const struct tsq_column *col = &t->cols[c];
		if (!used[c] && col->not_null && !col->has_default && !col->generated) {
			tsq_error("column \"%s\" of table %s needs a value, and the input does not "
			    "have it", col->name, t->quoted);
			tsq_hint("add it to the input, or give it with --set %s=VALUE", col->name);
			ok = false;
		}
	}
	free(used);
	m->ready = ok;
	return ok;
}

static bool
plan_load(struct load *L)
{
	struct tsq_buf err = TSQ_BUF_INIT;
	enum tsq_conflict conflict = L->o->conflict;

	if (!L->o->conflict_given)
		conflict = L->table.nkey > 0 ? TSQ_CONFLICT_UPDATE : TSQ_CONFLICT_NONE;
	if (L->planned)
		tsq_load_plan_free(&L->plan);
	if (!tsq_load_plan_init(&L->plan, &L->table, L->map.field_col, L->map.nfields, conflict,
	    L->o->dedupe, tsq_backend_write_setup(&L->backend, &L->table), &err)) {
		tsq_error("%s", err.data);
		tsq_hint("use --on-conflict only with such a table");
		tsq_buf_free(&err);
		return false;
	}
	L->planned = true;
	for (int i = 0; i < L->nworkers; i++) {
		struct worker *w = &L->workers[i];
		if (w->writer.staged) {
			/* The staging table of an earlier plan may have other columns. */
			PGresult *res = PQexec(w->conn, "DROP TABLE pg_temp.tsq_load_stage");
			PQclear(res);
		}
		struct tsq_load_counts counts = w->writer.counts;
		tsq_writer_free(&w->writer);
		tsq_writer_init(&w->writer, w->conn, &L->plan);
		w->writer.counts = counts;
	}
	tsq_verbose("write path: %s", L->plan.direct ? L->plan.copy_sql : L->plan.insert_sql);
	return true;
}

/* ---- batches ---- */

/*
 * Rows are committed a chunk at a time (--batch-size rows, one transaction
 * per worker).  While the workers write one chunk, the main thread reads the
 * next into the other: the client's parsing and the server's writing overlap.
 */
static void
chunk_reset(struct load *L, struct chunk *C)
{
	for (int i = 0; i < L->nworkers; i++) {
		tsq_batch_reset(&C->batch[i]);
		C->read[i] = C->dups[i] = 0;
	}
	C->rows = 0;
	C->days.n = 0;
}

/*
 * Before the workers write a chunk: partitions for the days it has rows on
 * (plain PostgreSQL), compressed chunks opened (old TimescaleDB).  Runs of
 * consecutive days go in one call.
 */
static void
prepare_days(struct load *L, struct chunk *C)
{
	const int64_t day_usec = INT64_C(86400000000);
	size_t at;

	for (size_t i = 0; i < C->days.n;) {
		size_t j = i;
		while (j + 1 < C->days.n && C->days.day[j + 1] == C->days.day[j] + 1)
			j++;
		bool known = true;
		for (size_t k = i; k <= j && known; k++)
			known = dayset_has(&L->ensured, C->days.day[k], &at);
		if (!known) {
			long changed;
			PGresult *res = tsq_backend_before_write(L->workers[0].conn, &L->backend,
			    &L->table, C->days.day[i] * day_usec, C->days.day[j] * day_usec + day_usec - 1,
			    &changed);
			if (res) {
				struct tsq_buf msg = TSQ_BUF_INIT;
				tsq_result_message(res, L->workers[0].conn, &msg);
				tsq_warning("could not prepare partitions for the rows: %s", msg.data);
				tsq_buf_free(&msg);
				PQclear(res);
			} else {
				if (changed)
					tsq_verbose("created or decompressed %ld partitions or chunks", changed);
				for (size_t k = i; k <= j; k++)
					dayset_add(&L->ensured, C->days.day[k]);
			}
		}
		i = j + 1;
	}
}

static void *
flush_worker(void *arg)
{
	struct worker *w = arg;
	w->ok = tsq_writer_flush(&w->writer, w->job);
	return NULL;
}

static void
check_error_ratio(struct load *L)
{
	if (L->o->max_error_ratio >= 0 && L->t.read > 0 &&
	    (double)L->t.rejected / (double)L->t.read > L->o->max_error_ratio)
		stop_load(L, TSQ_EXIT_FAILURE, "%.4g of the rows were rejected (--max-error-ratio %g)",
		    (double)L->t.rejected / (double)L->t.read, L->o->max_error_ratio);
}

/*
 * Wait for the chunk in flight, then account for it: counts, the rows the
 * server refused, the checkpoint.  Returns false when it failed.
 */
static bool
wait_inflight(struct load *L)
{
	struct chunk *C = &L->chunks[L->cur ^ 1];
	uint64_t ins = 0, upd = 0, unch = 0, fast = 0;
	bool ok = true;

	if (!C->inflight)
		return true;
	C->inflight = false;
	for (int i = 0; i < L->nworkers; i++)
		pthread_join(L->workers[i].thread, NULL);
	writing = 0;
	for (int i = 0; i < L->nworkers; i++) {
		struct worker *w = &L->workers[i];
		ins += w->writer.counts.inserted;
		upd += w->writer.counts.updated;
		unch += w->writer.counts.unchanged;
		fast += w->writer.counts.fast_batches;
		if (!w->ok) {
			ok = false;
			const char *state = w->writer.fatal ?
			    PQresultErrorField(w->writer.fatal, PG_DIAG_SQLSTATE) : NULL;
			if (got_signal == 0 || state == NULL || strcmp(state, "57014") != 0) {
				tsq_error("could not write the rows up to line %ld: %s", C->end_line,
				    w->writer.fatal_msg.data);
				if (w->writer.fatal)
					tsq_report_result(w->writer.fatal);
			}
			continue;
		}
		L->t.read += C->read[i];
		L->t.duplicates += C->dups[i];
		for (size_t r = 0; r < w->writer.nrejects; r++) {
			const struct tsq_server_reject *rj = &w->writer.rejects[r];
			const struct tsq_row *row = &C->batch[i].rows[rj->row];
			L->t.read--;	/* write_reject counts it */
			write_reject(L, row->line, row->offset, rj->column, rj->error, rj->sqlstate,
			    C->batch[i].raw.data + row->raw_off, row->raw_len, row->raw_len,
			    (enum tsq_format)row->tag);
		}
	}
	tsq_verbose("batch %llu: up to line %ld: inserted %llu, updated %llu, unchanged %llu%s",
	    (unsigned long long)L->t.batches + 1, C->end_line,
	    (unsigned long long)(ins - L->t.inserted), (unsigned long long)(upd - L->t.updated),
	    (unsigned long long)(unch - L->t.unchanged),
	    fast > L->fast_batches ? " (copied straight in: its time range was empty)" : "");
	L->t.inserted = ins;
	L->t.updated = upd;
	L->t.unchanged = unch;
	L->fast_batches = fast;
	if (ok) {
		L->t.batches++;
		L->committed_line = C->end_line;
		save_checkpoint(L, L->input, C->end_offset, C->end_line + 1, false);
		check_error_ratio(L);
	} else {
		L->batch_failed = true;
		if (!got_signal)
			stop_load(L, TSQ_EXIT_FAILURE, "a batch could not be written");
	}
	chunk_reset(L, C);
	return ok;
}

/*
 * Hand the chunk being read to the workers and switch to the other one.
 * Returns false when the load must stop.
 */
static bool
flush_chunk(struct load *L)
{
	struct chunk *C = &L->chunks[L->cur];

	if (!wait_inflight(L))
		return false;
	if (C->rows == 0) {
		/* Nothing to write (all rejected, say): the checkpoint can move on. */
		if (C->end_offset > 0) {
			L->committed_line = C->end_line;
			save_checkpoint(L, L->input, C->end_offset, C->end_line + 1, false);
		}
		return true;
	}
	if (L->o->dry_run) {
		for (int i = 0; i < L->nworkers; i++) {
			L->t.read += C->read[i];
			L->t.duplicates += C->dups[i];
			L->t.inserted += C->batch[i].alive;
		}
		L->t.batches++;
		L->committed_line = C->end_line;
		check_error_ratio(L);
		chunk_reset(L, C);
		return true;
	}
	prepare_days(L, C);
	/* Signals go to the main thread, which may be waiting in read(). */
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	writing = 1;
	for (int i = 0; i < L->nworkers; i++) {
		L->workers[i].job = &C->batch[i];
		pthread_create(&L->workers[i].thread, NULL, flush_worker, &L->workers[i]);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	C->inflight = true;
	L->cur ^= 1;
	L->chunks[L->cur].end_line = C->end_line;
	L->chunks[L->cur].end_offset = C->end_offset;
	return true;
}

/* Everything read so far, committed: the chunk being read and the one in flight. */
static bool
flush_all(struct load *L)
{
	return flush_chunk(L) && wait_inflight(L);
}

/* ---- one record ---- */

static int
find_key(const struct mapping *m, int guess, const char *key)
{
	if (guess < m->nsrc && strcmp(m->src[guess], key) == 0)
		return guess;
	for (int i = 0; i < m->nsrc; i++)
		if (strcmp(m->src[i], key) == 0)
			return i;
	for (int i = 0; i < m->nsrc; i++)
		if (strcasecmp(m->src[i], key) == 0)
			return i;
	return -1;
}

/* JSON lines: the keys of the first good record name the input columns. */
static bool
map_json_keys(struct load *L, const struct tsq_record *rec)
{
	char **names;
	int n;

	if (L->o->columns)
		return mapping_build(L, L->o->columns, L->o->ncolumns);
	n = (int)rec->nfields;
	names = xcalloc((size_t)n + 1, sizeof *names);
	for (int i = 0; i < n; i++)
		names[i] = (char *)rec->fields[i].key;
	bool ok = mapping_build(L, names, n);
	free(names);
	return ok;
}

static void alloc_scratch(struct load *L);

static int
src_of_field(const struct mapping *m, int f)
{
	for (int i = 0; i < m->nsrc; i++)
		if (m->src_field[i] == f)
			return i;
	return 0;
}
static bool flush_all(struct load *L);

/*
 * JSON lines may bring a key later than the first record: commit what was
 * read with the columns known so far, then go on with the new one as well.
 */
static bool
extend_mapping(struct load *L, const char *key)
{
	int n = L->map.nsrc;
	char **names = xcalloc((size_t)n + 2, sizeof *names);

	if (!flush_all(L))
		return false;
	for (int i = 0; i < n; i++)
		names[i] = xstrdup(L->map.src[i]);
	names[n] = xstrdup(key);
	bool ok = mapping_build(L, names, n + 1) && plan_load(L);
	for (int i = 0; i <= n; i++)
		free(names[i]);
	free(names);
	if (!ok) {
		stop_load(L, TSQ_EXIT_USAGE, "cannot add column \"%s\"", key);
		return false;
	}
	alloc_scratch(L);
	tsq_verbose("%s: column \"%s\" joins the load", L->display, key);
	return true;
}

static void
process_record(struct load *L, const struct tsq_record *rec)
{
	struct mapping *m = &L->map;
	const struct tsq_table *t = &L->table;
	bool keyed = tsq_reader_format(L->reader) == TSQ_FORMAT_JSONL ||
	    (rec->nfields > 0 && rec->fields[0].key != NULL);

	for (int f = 0; f < m->nfields; f++)
		L->values[f] = (struct tsq_field){ NULL, NULL, 0, false };
	if (keyed) {
		for (size_t i = 0; i < rec->nfields; i++) {
			const struct tsq_field *fld = &rec->fields[i];
			int s = find_key(m, (int)i, fld->key);
			if (s < 0) {
				int col = tsq_table_column(t, fld->key);
				if (listed(L->o->skip, L->o->nskip, fld->key) ||
				    (col < 0 && L->o->ignore_extra))
					continue;
				if (col >= 0 && L->o->columns == NULL) {
					/* A column the first records did not have: add it. */
					if (extend_mapping(L, fld->key))
						process_record(L, rec);
					return;
				}
				tsq_buf_reset(&L->msg);
				if (col < 0)
					tsq_buf_addf(&L->msg, "table %s has no column \"%s\"", t->quoted,
					    fld->key);
				else
					tsq_buf_addf(&L->msg, "key \"%s\" is not in --columns", fld->key);
				reject_record(L, rec, fld->key, L->msg.data);
				return;
			}
			if (m->src_field[s] >= 0)
				L->values[m->src_field[s]] = *fld;
		}
	} else {
		if ((int)rec->nfields != m->nsrc) {
			tsq_buf_reset(&L->msg);
			tsq_buf_addf(&L->msg, "expected %d fields, found %zu", m->nsrc, rec->nfields);
			reject_record(L, rec, NULL, L->msg.data);
			return;
		}
		for (int i = 0; i < m->nsrc; i++)
			if (m->src_field[i] >= 0)
				L->values[m->src_field[i]] = rec->fields[i];
	}

	/* The COPY tuple: field count, then each field. */
	struct tsq_buf *tu = &L->tuple;
	tsq_buf_reset(tu);
	tsq_put_u16(tu, (uint16_t)m->nfields);
	int64_t row_time = INT64_MIN;
	bool has_time = false;
	for (int f = 0; f < m->ninput; f++) {
		const struct tsq_field *v = &L->values[f];
		const struct tsq_column *col = &t->cols[m->field_col[f]];
		L->field_start[f] = tu->len;
		bool null = v->val == NULL ||
		    (L->o->null_string && strcmp(v->val, L->o->null_string) == 0);
		if (null) {
			if (col->not_null) {
				tsq_buf_reset(&L->msg);
				if (keyed && v->key == NULL)
					tsq_buf_addf(&L->msg, "key \"%s\" is missing, and column \"%s\" "
					    "needs a value", L->map.src[src_of_field(m, f)], col->name);
				else
					tsq_buf_addf(&L->msg, "null value in column \"%s\" violates "
					    "not-null constraint", col->name);
				reject_record(L, rec, col->name, L->msg.data);
				return;
			}
			tsq_copy_null(tu);
			continue;
		}
		int64_t usec = 0;
		const char *e = tsq_convert(&col->type, v->val, v->len, v->json, &L->conv, tu, &usec,
		    &L->msg);
		if (e) {
			reject_record(L, rec, col->name, e);
			return;
		}
		if (m->field_col[f] == t->time_col) {
			row_time = usec;
			has_time = true;
		}
	}
	for (int f = m->ninput; f < m->nfields; f++) {
		int s = f - m->ninput;
		L->field_start[f] = tu->len;
		tsq_buf_add(tu, m->set_bytes.data + m->set_off[s], m->set_off[s + 1] - m->set_off[s]);
	}
	L->field_start[m->nfields] = tu->len;

	/* The key, and from it the worker. */
	tsq_buf_reset(&L->key);
	for (int k = 0; k < L->plan.nkey; k++) {
		int f = L->plan.keypos[k];
		tsq_buf_add(&L->key, tu->data + L->field_start[f],
		    L->field_start[f + 1] - L->field_start[f]);
	}
	uint64_t hash = L->key.len ? tsq_key_hash(L->key.data, L->key.len) : (uint64_t)rec->line;
	struct chunk *C = &L->chunks[L->cur];
	int wi = (int)(hash % (uint64_t)L->nworkers);
	struct tsq_batch *b = &C->batch[wi];
	long first_line = 0;
	switch (tsq_batch_add(b, L->o->dedupe, tu->data, tu->len, L->key.data, L->key.len,
	    hash, rec->raw, rec->rawlen, rec->format, rec->line, rec->offset, &first_line)) {
	case TSQ_ADD_OK:
		break;
	case TSQ_ADD_DUPLICATE:
		C->dups[wi]++;
		break;
	case TSQ_ADD_REFUSED:
		tsq_buf_reset(&L->msg);
		tsq_buf_addf(&L->msg, "duplicate key: the same key is on line %ld (--dedupe error)",
		    first_line);
		reject_record(L, rec, NULL, L->msg.data);
		return;
	}
	C->read[wi]++;
	C->rows++;
	if (has_time) {
		if (row_time < b->min_time)
			b->min_time = row_time;
		if (row_time > b->max_time)
			b->max_time = row_time;
		if (row_time != INT64_MIN && row_time != INT64_MAX)
			dayset_add(&C->days, (int32_t)(row_time >= 0 ? row_time / INT64_C(86400000000) :
			    -((-row_time + INT64_C(86399999999)) / INT64_C(86400000000))));
	}
}

/* ---- one input ---- */

static void
alloc_scratch(struct load *L)
{
	L->values = xreallocarray(L->values, (size_t)L->map.nfields + 1, sizeof *L->values);
	L->field_start = xreallocarray(L->field_start, (size_t)L->map.nfields + 2,
	    sizeof *L->field_start);
}

/* Names for the input columns: the header, --columns, or the table's own. */
static bool
map_header(struct load *L, const struct tsq_record *header)
{
	struct options *o = L->o;

	if (o->columns)
		return mapping_build(L, o->columns, o->ncolumns);
	if (o->no_header) {
		char **names = xcalloc((size_t)L->table.ncols + 1, sizeof *names);
		int n = 0;
		for (int i = 0; i < L->table.ncols; i++)
			if (!L->table.cols[i].generated)
				names[n++] = L->table.cols[i].name;
		bool ok = mapping_build(L, names, n);
		free(names);
		return ok;
	}
	char **names = xcalloc(header->nfields + 1, sizeof *names);
	bool ok = true;
	for (size_t i = 0; i < header->nfields; i++) {
		const char *v = header->fields[i].val;
		if (v == NULL || *v == '\0') {
			tsq_error("%s:%ld: header column %zu has no name", L->display, header->line, i + 1);
			ok = false;
		}
		names[i] = (char *)(v ? v : "");
	}
	if (header->error) {
		tsq_error("%s:%ld: bad header: %s", L->display, header->line, header->error);
		ok = false;
	}
	ok = ok && mapping_build(L, names, (int)header->nfields);
	free(names);
	return ok;
}

static void
compute_identity(struct load *L, const struct tsq_record *first)
{
	uint64_t h = tsq_key_hash(L->header_raw ? L->header_raw : "", L->header_raw ?
	    strlen(L->header_raw) : 0);
	uint64_t h2 = first ? tsq_key_hash(first->raw, first->rawlen) : 0;

	snprintf(L->identity, sizeof L->identity, "%016llx%016llx", (unsigned long long)h,
	    (unsigned long long)h2);
}

/*
 * A resumed input is read again from the checkpoint on: the records of it
 * that the killed run rejected past that point would be reported twice.
 * Keep only the reject records of other inputs and of earlier offsets.
 */
static void
prune_rejects(struct load *L, int64_t offset)
{
	FILE *in, *out;
	struct tsq_buf tmp = TSQ_BUF_INIT;
	char *line = NULL;
	size_t cap = 0;
	long dropped = 0;

	if (L->rejects) {
		fclose(L->rejects);
		L->rejects = NULL;
	}
	if ((in = fopen(L->rejects_path, "r")) == NULL)
		return;
	tsq_buf_addf(&tmp, "%s.tmp", L->rejects_path);
	if ((out = fopen(tmp.data, "w")) == NULL) {
		tsq_warning("could not write \"%s\": %s", tmp.data, strerror(errno));
		fclose(in);
		tsq_buf_free(&tmp);
		return;
	}
	while (getline(&line, &cap, in) > 0) {
		json_t *o = json_loads(line, 0, NULL);
		json_t *file = o ? json_object_get(o, "file") : NULL;
		json_t *off = o ? json_object_get(o, "offset") : NULL;
		bool later = json_is_string(file) && strcmp(json_string_value(file), L->display) == 0 &&
		    json_is_integer(off) && json_integer_value(off) >= offset;
		json_decref(o);
		if (later)
			dropped++;
		else
			fputs(line, out);
	}
	free(line);
	fclose(in);
	if (fclose(out) != 0 || rename(tmp.data, L->rejects_path) != 0)
		tsq_warning("could not rewrite \"%s\": %s", L->rejects_path, strerror(errno));
	else if (dropped)
		tsq_verbose("%s: dropped %ld reject records past the checkpoint", L->rejects_path, dropped);
	tsq_buf_free(&tmp);
}

/*
 * With --resume, skip what the checkpoint says is committed.  Returns 1 when
 * REC (the first data record) must be skipped too, 2 when the whole input is
 * done, 0 to go on normally.
 */
static int
resume_input(struct load *L, const char *input, const struct tsq_record *rec)
{
	json_t *files = json_object_get(L->checkpoint, "files");
	json_t *e = json_is_object(files) ? json_object_get(files, input) : NULL;

	if (!L->o->resume || e == NULL)
		return 0;
	if (!json_is_string(json_object_get(e, "identity")) ||
	    strcmp(json_string_value(json_object_get(e, "identity")), L->identity) != 0) {
		tsq_warning("%s: the input differs from the checkpoint; loading all of it", L->display);
		return 0;
	}
	if (json_is_true(json_object_get(e, "done"))) {
		tsq_info("%s: already loaded (checkpoint \"%s\")", L->display, L->o->checkpoint);
		return 2;
	}
	int64_t offset = json_integer_value(json_object_get(e, "offset"));
	long line = (long)json_integer_value(json_object_get(e, "line"));
	if (rec == NULL || offset <= rec->offset)
		return 0;
	struct tsq_buf err = TSQ_BUF_INIT;
	if (!tsq_reader_skip_to(L->reader, offset, line, &err)) {
		tsq_warning("%s: cannot resume: %s; loading all of it", L->display, err.data);
		tsq_buf_free(&err);
		return 0;
	}
	tsq_buf_free(&err);
	prune_rejects(L, offset);
	tsq_info("%s: resuming at line %ld", L->display, line);
	L->committed_line = line - 1;
	return 1;
}

static void
rejects_for_input(struct load *L, const char *input)
{
	if (L->rejects_shared && L->rejects_path)
		return;
	if (L->rejects) {
		fclose(L->rejects);
		L->rejects = NULL;
	}
	free(L->rejects_path);
	L->rejects_shared = L->o->rejects != NULL;
	L->rejects_path = L->o->rejects ? xstrdup(L->o->rejects) : default_rejects_path(input);
}

/*
 * The default reject file describes the last load of its input: when this
 * load rejected nothing, one left by an earlier load would mislead.
 */
static void
drop_stale_rejects(struct load *L)
{
	if (L->o->resume || L->rejects_shared || L->rejects || access(L->rejects_path, F_OK) != 0)
		return;
	if (unlink(L->rejects_path) == 0)
		tsq_info("removed \"%s\" of an earlier load: nothing was rejected this time",
		    L->rejects_path);
}

static int
load_input(struct load *L, const char *input)
{
	struct tsq_buf err = TSQ_BUF_INIT;
	struct tsq_record rec;
	struct tsq_reader_opts ro = { L->o->format, L->o->delimiter, L->o->quote, 0 };
	enum tsq_read_status st;
	int rc = TSQ_EXIT_OK;

	if (!tsq_input_open(&L->in, input, &err)) {
		tsq_error("%s", err.data);
		tsq_buf_free(&err);
		return errno == ENOENT ? TSQ_EXIT_NOINPUT : TSQ_EXIT_FAILURE;
	}
	L->display = L->in.display;
	L->input = input;
	L->reader = tsq_reader_open(&L->in, &ro);
	L->committed_line = 0;
	for (int c = 0; c < 2; c++) {
		chunk_reset(L, &L->chunks[c]);
		L->chunks[c].end_offset = 0;
		L->chunks[c].end_line = 0;
	}
	free(L->header_raw);
	L->header_raw = NULL;
	mapping_free(&L->map);
	rejects_for_input(L, input);

	enum tsq_format fmt = tsq_reader_format(L->reader);
	bool keyed = fmt == TSQ_FORMAT_JSONL;
	if (fmt == TSQ_FORMAT_CSV || fmt == TSQ_FORMAT_TSV || fmt == TSQ_FORMAT_REJECTS) {
		if (!L->o->no_header || fmt == TSQ_FORMAT_REJECTS) {
			st = tsq_reader_header(L->reader, &rec, &err);
			if (st == TSQ_READ_ERROR) {
				tsq_error("%s", err.data[0] ? err.data : "interrupted");
				rc = TSQ_EXIT_FAILURE;
				goto out;
			}
			if (st == TSQ_READ_EOF) {
				tsq_info("%s: empty input", L->display);
				goto done;
			}
			if (rec.raw)
				L->header_raw = xstrndup(rec.raw, rec.rawlen);
			if (fmt == TSQ_FORMAT_REJECTS && rec.nfields == 0) {
				keyed = true;	/* JSON-lines records, or no header */
				if (L->o->columns && !map_header(L, &rec)) {
					rc = TSQ_EXIT_USAGE;
					goto out;
				}
			} else if (!map_header(L, &rec)) {
				rc = TSQ_EXIT_USAGE;
				goto out;
			}
		} else if (!map_header(L, NULL)) {
			rc = TSQ_EXIT_USAGE;
			goto out;
		}
	}
	if (L->map.ready && !plan_load(L)) {
		rc = TSQ_EXIT_USAGE;
		goto out;
	}
	alloc_scratch(L);

	bool first = true;
	for (;;) {
		if (got_signal || L->stop.len)
			break;
		st = tsq_reader_next(L->reader, &rec, &err);
		if (st == TSQ_READ_EOF)
			break;
		if (st == TSQ_READ_ERROR) {
			if (got_signal)
				break;
			stop_load(L, TSQ_EXIT_FAILURE, "%s", err.data);
			break;
		}
		if (first) {
			first = false;
			compute_identity(L, &rec);
			int r = resume_input(L, input, &rec);
			if (r == 2)
				goto out;
			if (r == 1)
				continue;
		}
		if (rec.error) {
			reject_record(L, &rec, NULL, rec.error);
			continue;
		}
		if (keyed && !L->map.ready) {
			if (!map_json_keys(L, &rec) || !plan_load(L)) {
				rc = TSQ_EXIT_USAGE;
				goto out;
			}
			alloc_scratch(L);
		}
		process_record(L, &rec);
		struct chunk *C = &L->chunks[L->cur];
		C->end_offset = rec.end;
		C->end_line = rec.last_line;
		if (C->rows >= L->o->batch_size && !flush_chunk(L))
			break;
		tsq_progress_update(&L->progress, L->t.read + (uint64_t)C->rows,
		    L->in.raw_read, L->in.size);
	}
	if (first && !got_signal && !L->stop.len)
		compute_identity(L, NULL);
	/* Rows read before a limit stopped the load are good rows: keep them. */
	if (got_signal || L->batch_failed) {
		wait_inflight(L);
		goto out;
	}
	if (!flush_all(L) || L->stop.len)
		goto out;
done:
	drop_stale_rejects(L);
	save_checkpoint(L, input, tsq_reader_offset(L->reader), L->chunks[L->cur].end_line + 1, true);
out:
	tsq_reader_close(L->reader);
	L->reader = NULL;
	tsq_input_close(&L->in);
	tsq_buf_free(&err);
	return rc;
}

/* ---- setup and summary ---- */

static int
connect_workers(struct load *L)
{
	struct tsq_buf err = TSQ_BUF_INIT;
	int n = L->o->dry_run ? 1 : L->o->workers;

	L->workers = xcalloc((size_t)n, sizeof *L->workers);
	L->nworkers = n;
	for (int c = 0; c < 2; c++) {
		struct chunk *C = &L->chunks[c];
		C->batch = xcalloc((size_t)n, sizeof *C->batch);
		C->read = xcalloc((size_t)n, sizeof *C->read);
		C->dups = xcalloc((size_t)n, sizeof *C->dups);
		for (int i = 0; i < n; i++)
			tsq_batch_init(&C->batch[i]);
	}
	for (int i = 0; i < L->nworkers; i++) {
		struct worker *w = &L->workers[i];
		tsq_writer_init(&w->writer, NULL, &L->plan);
		switch (tsq_conn_open(&L->o->common.conn, &w->conn, &err)) {
		case TSQ_CONN_OK:
			break;
		case TSQ_CONN_BAD_SETTING:
			tsq_error("%s", err.data);
			tsq_buf_free(&err);
			return TSQ_EXIT_USAGE;
		default:
			tsq_error("%s", err.data);
			tsq_buf_free(&err);
			return TSQ_EXIT_CONNECT;
		}
		w->writer.conn = w->conn;
		cancels[i] = PQgetCancel(w->conn);
		ncancels = i + 1;
	}
	tsq_buf_free(&err);
	return TSQ_EXIT_OK;
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
	if (t->rejected && L->rejects_path)
		tsq_warning("%llu row%s rejected: see \"%s\"", (unsigned long long)t->rejected,
		    t->rejected == 1 ? "" : "s", L->rejects_path);
	if (L->o->stats) {
		json_t *o = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:f,s:f}",
		    "read", (json_int_t)t->read, "inserted", (json_int_t)t->inserted,
		    "updated", (json_int_t)t->updated, "unchanged", (json_int_t)t->unchanged,
		    "duplicates", (json_int_t)t->duplicates, "rejected", (json_int_t)t->rejected,
		    "batches", (json_int_t)t->batches, "seconds", secs, "rows_per_second", rate);
		json_object_set_new(o, "stopped", L->stop.len ? json_string(L->stop.data) :
		    got_signal ? json_string("interrupted") : json_null());
		json_object_set_new(o, "last_committed_line", json_integer(L->committed_line));
		if (json_dump_file(o, L->o->stats, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
			tsq_warning("could not write \"%s\": %s", L->o->stats, strerror(errno));
		json_decref(o);
	}
}

static bool
check_inputs(struct options *o)
{
	for (int i = 0; i < o->nfiles; i++) {
		struct stat st;
		if (strcmp(o->files[i], "-") == 0)
			continue;
		if (stat(o->files[i], &st) != 0 || access(o->files[i], R_OK) != 0) {
			tsq_error("could not open file \"%s\": %s", o->files[i], strerror(errno));
			return false;
		}
	}
	return true;
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

int
main(int argc, char **argv)
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
run(struct options *opts)
{
	struct options o = *opts;
	struct load L;
	int rc;

	if (o.tz) {
		if (!check_tz(o.tz))
			return TSQ_EXIT_USAGE;
		setenv("TZ", o.tz, 1);
		tzset();
		o.common.conn.tz = o.tz;
	}
	if (!check_inputs(&o))
		return TSQ_EXIT_NOINPUT;

	memset(&L, 0, sizeof L);
	L.o = &o;
	L.conv.time_format = o.time_format.pattern ? &o.time_format : NULL;
	L.conv.local_tz = o.tz != NULL;
	L.started = tsq_now_usec();
	tsq_buf_init(&L.stop);
	tsq_buf_init(&L.tuple);
	tsq_buf_init(&L.key);
	tsq_buf_init(&L.msg);
	tsq_progress_init(&L.progress, tsq_log_get_level() >= TSQ_LOG_INFO &&
	    (o.progress || isatty(STDERR_FILENO)));
	load_checkpoint(&L);

	rc = connect_workers(&L);
	if (rc != TSQ_EXIT_OK)
		goto out;
	PGresult *res = tsq_backend_detect(L.workers[0].conn, &L.backend);
	if (res) {
		tsq_report_result(res);
		PQclear(res);
		rc = TSQ_EXIT_FAILURE;
		goto out;
	}
	struct tsq_buf err = TSQ_BUF_INIT;
	if (!tsq_table_describe(L.workers[0].conn, &L.backend, o.table, &L.table, &err)) {
		tsq_error("%s", err.data);
		tsq_buf_free(&err);
		rc = TSQ_EXIT_USAGE;
		goto out;
	}
	tsq_buf_free(&err);
	install_signals();

	static char *stdin_only[] = { "-", NULL };
	char **files = o.nfiles ? o.files : stdin_only;
	int nfiles = o.nfiles ? o.nfiles : 1;
	for (int i = 0; i < nfiles && rc == TSQ_EXIT_OK; i++) {
		rc = load_input(&L, files[i]);
		if (got_signal || L.stop.len)
			break;
	}
	/* A usage error is found before any row of its input: counts only if an earlier input gave some. */
	if (rc != TSQ_EXIT_USAGE || L.t.read > 0)
		print_summary(&L);
	if (got_signal) {
		tsq_error("interrupted; everything up to line %ld of %s is committed",
		    L.committed_line, L.display ? L.display : "the input");
		rc = got_signal == SIGTERM ? TSQ_EXIT_SIGTERM : TSQ_EXIT_SIGINT;
	} else if (L.stop.len) {
		tsq_error("stopped: %s", L.stop.data);
		tsq_detail("everything up to line %ld of %s is committed", L.committed_line,
		    L.display ? L.display : "the input");
		rc = L.stop_code ? L.stop_code : TSQ_EXIT_FAILURE;
	} else if (rc == TSQ_EXIT_OK && L.t.rejected > 0) {
		rc = TSQ_EXIT_DATAERR;
	}
out:
	if (L.rejects && fclose(L.rejects) != 0) {
		tsq_error("could not write reject file \"%s\": %s", L.rejects_path, strerror(errno));
		rc = TSQ_EXIT_FAILURE;
	}
	for (int i = 0; i < ncancels; i++)
		PQfreeCancel(cancels[i]);
	for (int i = 0; L.workers && i < L.nworkers; i++) {
		tsq_writer_free(&L.workers[i].writer);
		for (int c = 0; c < 2; c++)
			tsq_batch_free(&L.chunks[c].batch[i]);
		if (L.workers[i].conn)
			PQfinish(L.workers[i].conn);
	}
	free(L.workers);
	for (int c = 0; c < 2; c++) {
		free(L.chunks[c].batch);
		free(L.chunks[c].read);
		free(L.chunks[c].dups);
		free(L.chunks[c].days.day);
	}
	free(L.ensured.day);
	if (L.planned)
		tsq_load_plan_free(&L.plan);
	mapping_free(&L.map);
	tsq_table_free(&L.table);
	json_decref(L.checkpoint);
	free(L.rejects_path);
	free(L.header_raw);
	free(L.values);
	free(L.field_start);
	tsq_buf_free(&L.stop);
	tsq_buf_free(&L.tuple);
	tsq_buf_free(&L.key);
	tsq_buf_free(&L.msg);
	return rc;
}
