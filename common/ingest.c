#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/random.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cancel.h"
#include "ingest.h"
#include "log.h"
#include "mem.h"
#include "exit.h"
#include "script.h"

/* Rows read and not yet written are held in at most this many bytes (--buffer). */
#define DEFAULT_BUFFER ((size_t)64 * 1024 * 1024)

static void
stop_load(struct tsq_ingest *L, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
stop_load(struct tsq_ingest *L, int code, const char *fmt, ...)
{
	va_list ap;

	if (L->stop.len)
		return;
	va_start(ap, fmt);
	tsq_buf_vaddf(&L->stop, fmt, ap);
	va_end(ap);
	L->stop_code = code;
}

bool
tsq_ingest_stopped(const struct tsq_ingest *L)
{
	return L->stop.len > 0 || tsq_cancel_signal() != 0;
}

/* ---- rejects ---- */

static void
check_limits(struct tsq_ingest *L)
{
	const struct tsq_ingest_opts *o = L->o;
	/* Rows not yet committed count as read: they are. */
	uint64_t read = L->t.read + (uint64_t)tsq_pool_pending(&L->pool);
	double ratio = read ? (double)L->t.rejected / (double)read : 0;

	if (!o->limits_given) {
		if (L->t.rejected > TSQ_INGEST_MAX_ERRORS && ratio > TSQ_INGEST_MAX_ERROR_RATIO)
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
write_reject(struct tsq_ingest *L, struct tsq_reject *rj)
{
	struct tsq_buf err = TSQ_BUF_INIT;

	rj->file = L->display;
	rj->header = L->header_raw;
	if (!tsq_rejects_write(L->rejects, rj, &err)) {
		stop_load(L, TSQ_EXIT_CANTCREAT, "%s", err.data);
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
reject_record(struct tsq_ingest *L, const struct tsq_record *rec, const char *column,
    const char *error)
{
	struct tsq_reject rj = { NULL, rec->line, rec->offset, column, error, NULL, rec->raw,
		rec->rawlen, rec->rawsize, rec->format, NULL, -1, rec->element + 1 };
	bool ok = write_reject(L, &rj);
	if (ok)
		check_limits(L);
	return ok;
}

/*
 * The pool's hook, on a worker's thread before its batch commits: a row the
 * server refused, to the reject file (which several threads may write).  It
 * is counted with its round, on the main thread.
 */
static bool
server_rejected(void *arg, const struct tsq_row *row, const char *raw,
    const struct tsq_server_reject *why, int worker)
{
	struct tsq_ingest *L = arg;
	struct tsq_reject rj = { L->display, row->line, row->offset, why->column, why->error,
		why->sqlstate, raw, row->raw_len, row->raw_size, (enum tsq_format)row->tag,
		L->header_raw, worker, row->element };
	struct tsq_buf err = TSQ_BUF_INIT;
	bool ok = tsq_rejects_write(L->rejects, &rj, &err);

	if (ok)
		tsq_verbose("%s:%ld: rejected: %s", L->display, rj.line, rj.error);
	else
		tsq_error("%s", err.data);
	tsq_buf_free(&err);
	return ok;
}

/* The pool's hook: a round is committed. */
static void
round_committed(void *arg, const struct tsq_round_done *d)
{
	struct tsq_ingest *L = arg;
	struct tsq_buf err = TSQ_BUF_INIT;

	L->t.read += d->read;
	L->t.rejected += d->rejected;
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
	if (L->checkpoint && !L->o->dry_run && d->end_offset > 0) {
		struct tsq_resume_point rp = { d->end_offset, d->end_line + 1, "", false };
		tsq_prefix_format(&d->end_prefix, rp.hash);
		if (!tsq_checkpoint_save(L->checkpoint, L->table.quoted, L->input, &rp,
		    tsq_rejects_path(L->rejects), &err))
			stop_load(L, TSQ_EXIT_CANTCREAT, "%s", err.data);
	}
	tsq_buf_free(&err);
	check_limits(L);
}

/* The pending file: beside the reject file, or --pending. */
static struct tsq_rejects *
pending_file(struct tsq_ingest *L)
{
	if (L->pending == NULL) {
		struct tsq_buf path = TSQ_BUF_INIT;
		if (L->o->pending) {
			tsq_buf_adds(&path, L->o->pending);
		} else {
			char *copy = xstrdup(L->input ? L->input : "-");
			tsq_buf_addf(&path, "./%s.pending.jsonl", strcmp(copy, "-") == 0 ? "stdin" :
			    basename(copy));
			free(copy);
		}
		L->pending = tsq_rejects_new(path.data, true);
		tsq_buf_free(&path);
	}
	return L->pending;
}

/*
 * The pool's hook: a row read that will not be written (the load stopped,
 * or a second signal came).  It goes to the pending file, in the reject
 * file's format, so that "tsq-load --format rejects" loads it later.
 */
static void
row_pending(void *arg, const struct tsq_row *row, const char *raw, const char *why)
{
	struct tsq_ingest *L = arg;
	struct tsq_buf msg = TSQ_BUF_INIT, err = TSQ_BUF_INIT;
	tsq_buf_addf(&msg, "not written: %s", why);
	struct tsq_reject rj = { L->display, row->line, row->offset, NULL, msg.data, NULL, raw,
		row->raw_len, row->raw_size, (enum tsq_format)row->tag, L->header_raw, -1, row->element };

	if (tsq_rejects_write(pending_file(L), &rj, &err))
		L->t.pending++;
	else if (L->t.pending == 0)
		tsq_error("%s: the rows read and not written are lost", err.data);
	tsq_buf_free(&msg);
	tsq_buf_free(&err);
}

/* The pool's hook: a round dropped after its rows went to the pending file. */
static void
round_discarded(void *arg, const struct tsq_round_done *d)
{
	struct tsq_ingest *L = arg;

	L->t.read += d->read;
	L->t.duplicates += d->duplicates;
}

/*
 * Hints for a header that cannot be mapped: one that reads as data (half
 * its names or more numbers or times: the file has no header), or a CSV
 * header with tabs in its names (the file is TSV).
 */
static void
header_hints(struct tsq_ingest *L, const struct tsq_record *header)
{
	size_t data = 0;
	bool tabs = false;

	for (size_t i = 0; i < header->nfields; i++) {
		const char *v = header->fields[i].val;
		struct tsq_time t;
		size_t pos;
		char *end = NULL;
		if (v == NULL || *v == '\0')
			continue;
		tabs |= strchr(v, '\t') != NULL;
		(void)strtod(v, &end);
		if ((end && end != v && *end == '\0') || tsq_parse_time(v, 0, &t, &pos) == TSQ_PARSE_OK)
			data++;
	}
	if (tabs && tsq_reader_format(L->reader) == TSQ_FORMAT_CSV)
		tsq_hint("the header has tabs in it: is the input TSV (--format tsv)?");
	else if (data >= 2 && data * 2 >= header->nfields)
		tsq_hint("the first line looks like data, not names: --no-header, with --columns "
		    "naming the columns if they are not the table's, in its order");
}

/* ---- the options a reject file records ---- */

static void
add_texts(json_t *o, const char *key, char *const *v, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, tsq_json_text(v[i], strlen(v[i])));
	json_object_set_new(o, key, a);
}

static void
add_pairs(json_t *o, const char *key, const struct tsq_pair *p, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++) {
		struct tsq_buf b = TSQ_BUF_INIT;
		tsq_buf_addf(&b, "%s=%s", p[i].name, p[i].value);
		json_array_append_new(a, tsq_json_text(b.data, b.len));
		tsq_buf_free(&b);
	}
	json_object_set_new(o, key, a);
}

static void
add_char(json_t *o, const char *key, char c)
{
	char s[2] = { c, '\0' };
	if (c)
		json_object_set_new(o, key, tsq_json_text(s, 1));
}

/*
 * How this input is read and mapped, for its reject file: what a reload
 * with --format rejects needs and would not have without the options
 * again.  A reject file's own "load" is passed on as it is.
 */
static json_t *
load_options(struct tsq_ingest *L)
{
	const struct tsq_ingest_opts *o = L->o;
	const struct tsq_mapper_opts *m = &L->map_opts;
	const json_t *given = tsq_reader_rejects_load(L->reader);
	json_t *j;

	if (given)
		return json_deep_copy(given);
	j = json_object();
	add_char(j, "delimiter", o->delimiter);
	add_char(j, "quote", o->quote);
	if (o->columns)
		add_texts(j, "columns", o->columns, o->ncolumns);
	if (m->nmaps)
		add_pairs(j, "map", m->maps, m->nmaps);
	if (m->nsets)
		add_pairs(j, "set", m->sets, m->nsets);
	if (m->nskip)
		add_texts(j, "skip_columns", m->skip, m->nskip);
	if (m->ignore_extra)
		json_object_set_new(j, "ignore_extra", json_true());
	if (m->skip_empty)
		json_object_set_new(j, "skip_empty_rows", json_true());
	if (m->null_string)
		json_object_set_new(j, "null", tsq_json_text(m->null_string, strlen(m->null_string)));
	if (m->conv.time_format)
		json_object_set_new(j, "time_format", tsq_json_text(m->conv.time_format->pattern,
		    strlen(m->conv.time_format->pattern)));
	if (o->tz)
		json_object_set_new(j, "tz", tsq_json_text(o->tz, strlen(o->tz)));
	add_char(j, "decimal_mark", m->conv.decimal_mark);
	add_char(j, "group_mark", m->conv.group_mark);
	return j;
}

/* The strings of array KEY of LOAD, copied; *N of them. */
static char **
load_texts(const json_t *load, const char *key, int *n)
{
	json_t *a = json_object_get(load, key);
	size_t count = json_is_array(a) ? json_array_size(a) : 0;
	char **v = xcalloc(count + 1, sizeof *v);

	*n = 0;
	for (size_t i = 0; i < count; i++)
		if (json_is_string(json_array_get(a, i)))
			v[(*n)++] = xstrdup(json_string_value(json_array_get(a, i)));
	return v;
}

/* "NAME=VALUE" strings of array KEY of LOAD as pairs; false (reported) when one is not. */
static bool
load_pairs(const json_t *load, const char *key, const char *option, struct tsq_pair **out, int *nout)
{
	int n;
	char **v = load_texts(load, key, &n);
	bool ok = true;

	for (int i = 0; i < n && ok; i++)
		ok = tsq_opt_pairs(option, v[i], false, out, nout);
	tsq_opt_list_free(v, n);
	return ok;
}

/*
 * --format rejects: the options the reject file recorded ("load") where
 * they were not given again: the mapping, the time format and zone, the
 * number marks.  False when one cannot be used (reported).
 */
static bool
take_load(struct tsq_ingest *L)
{
	const json_t *load = tsq_reader_rejects_load(L->reader);
	struct tsq_mapper_opts *m = &L->map_opts;
	struct tsq_buf err = TSQ_BUF_INIT;
	const char *v;

	if (load == NULL)
		return true;
	if (m->nmaps == 0 && L->nload_maps == 0) {
		if (!load_pairs(load, "map", "map", &L->load_maps, &L->nload_maps))
			return false;
		m->maps = L->load_maps;
		m->nmaps = L->nload_maps;
	}
	if (m->nsets == 0 && L->nload_sets == 0) {
		if (!load_pairs(load, "set", "set", &L->load_sets, &L->nload_sets))
			return false;
		m->sets = L->load_sets;
		m->nsets = L->nload_sets;
	}
	if (m->nskip == 0 && L->load_skip == NULL) {
		L->load_skip = load_texts(load, "skip_columns", &L->nload_skip);
		m->skip = L->load_skip;
		m->nskip = L->nload_skip;
	}
	m->ignore_extra |= json_is_true(json_object_get(load, "ignore_extra"));
	m->skip_empty |= json_is_true(json_object_get(load, "skip_empty_rows"));
	if (m->null_string == NULL && (v = json_string_value(json_object_get(load, "null"))))
		m->null_string = v;
	if (m->conv.time_format == NULL && (v = json_string_value(json_object_get(load, "time_format")))) {
		if (!tsq_time_format_compile(&L->load_time_format, v, &err)) {
			tsq_error("the reject file's time format: %s", err.data);
			tsq_buf_free(&err);
			return false;
		}
		m->conv.time_format = &L->load_time_format;
	}
	if (!m->conv.local_tz && (v = json_string_value(json_object_get(load, "tz")))) {
		setenv("TZ", v, 1);
		tzset();
		m->conv.local_tz = true;
	}
	if (m->conv.decimal_mark == 0 && (v = json_string_value(json_object_get(load, "decimal_mark"))))
		m->conv.decimal_mark = *v;
	if (m->conv.group_mark == 0 && (v = json_string_value(json_object_get(load, "group_mark"))))
		m->conv.group_mark = *v;
	return true;
}

/* ---- the write path ---- */

static bool
plan_load(struct tsq_ingest *L)
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
	    L->o->dedupe, tsq_backend_write_setup(&L->backend, &L->table,
	    conflict == TSQ_CONFLICT_NONE || conflict == TSQ_CONFLICT_ERROR), &err)) {
		tsq_error("%s", err.data);
		tsq_hint("use --on-conflict only with such a table");
		tsq_buf_free(&err);
		return false;
	}
	L->planned = true;
	tsq_mapper_set_key(&L->map, L->plan.keypos, L->plan.nkey);
	tsq_pool_set_plan(&L->pool, &L->plan);
	if (L->plan.distributed_stage)
		tsq_verbose("write path: each connection stages its rows in a table distributed like %s",
		    L->plan.table->quoted);
	else
		tsq_verbose("write path: %s", L->plan.direct ? L->plan.copy_sql : L->plan.stage.insert);
	return true;
}

/* Names for the input columns, and the mapping from them. */
static bool
map_input(struct tsq_ingest *L, const struct tsq_record *header)
{
	const struct tsq_ingest_opts *o = L->o;
	struct tsq_buf err = TSQ_BUF_INIT;
	char **names, **unnamed = NULL;
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
		unnamed = xcalloc(header->nfields + 1, sizeof *unnamed);
		for (size_t i = 0; i < header->nfields; i++) {
			const char *v = header->fields[i].val;
			/* A column without a name (pandas' index): "column" and its
			 * position from 0, as DuckDB names it. */
			if (v == NULL || *v == '\0') {
				char name[32];
				snprintf(name, sizeof name, "column%zu", i);
				v = unnamed[i] = xstrdup(name);
			}
			names[n++] = (char *)v;
		}
		if (header->error) {
			tsq_data_error(L->display, header->line, "bad header: %s", header->error);
			ok = false;
		}
	}
	if (!L->keyed)
		tsq_reader_one_column(L->reader, n == 1);
	if (!take_load(L))
		ok = false;
	if (L->mapped)
		tsq_mapper_free(&L->map);
	L->mapped = true;
	if (!tsq_mapper_init(&L->map, &L->table, &L->map_opts, names, n, L->keyed, &err) && ok) {
		/* One message a line, each an error. */
		for (char *line = strtok(err.data, "\n"); line; line = strtok(NULL, "\n"))
			tsq_error("%s", line);
		if (strstr(err.data, "needs a value"))
			tsq_hint("add it to the input, or give it with --set COLUMN=VALUE");
		if (names != o->columns && !L->keyed && !o->no_header)
			header_hints(L, header);
		for (size_t i = 0; unnamed && i < header->nfields; i++)
			if (unnamed[i] && strstr(err.data, unnamed[i]))
				tsq_hint("header column %zu has no name, so it is \"%s\" (an index column?): "
				    "--skip-columns %s drops it", i + 1, unnamed[i], unnamed[i]);
		ok = false;
	}
	if (names != o->columns)
		free(names);
	for (size_t i = 0; unnamed && i < header->nfields; i++)
		free(unnamed[i]);
	free(unnamed);
	tsq_buf_free(&err);
	if (ok && L->rejects) {
		json_t *load = load_options(L);
		tsq_rejects_set_load(L->rejects, load);
		json_decref(load);
	}
	/* JSON lines: the first record brings the columns, and the plan. */
	return ok && (L->map.nfields == 0 || plan_load(L));
}

/*
 * JSON lines bring a key the load has no column for yet: commit what was
 * read with the columns known so far, then go on with the new ones too.
 */
static bool
extend_mapping(struct tsq_ingest *L, const struct tsq_record *rec)
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
take_record(struct tsq_ingest *L, const struct tsq_record *rec)
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
	if (st == TSQ_MAP_SKIP) {
		L->t.skipped++;
		L->t.read++;
		return true;
	}
	L->t.empty += L->row.empty;
	if (st == TSQ_MAP_REJECT)
		return reject_record(L, rec, L->row.column, L->row.error);
	/* Resumed: this row's worker committed it already (see resume_input). */
	if (rec->offset < L->skip_max &&
	    rec->offset < L->skip_until[L->row.route_hash % (uint64_t)L->skip_workers])
		return true;

	struct tsq_row_origin origin = { rec->raw, rec->rawlen, rec->rawsize, rec->format,
		rec->line, rec->offset, 0, rec->element + 1 };
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
rejects_for_input(struct tsq_ingest *L, const char *input)
{
	struct tsq_buf err = TSQ_BUF_INIT;

	if (L->rejects_shared)
		return;
	if (L->rejects && !tsq_rejects_close(L->rejects, &err))
		stop_load(L, TSQ_EXIT_CANTCREAT, "%s", err.data);
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
drop_stale_rejects(struct tsq_ingest *L)
{
	const char *path = tsq_rejects_path(L->rejects);

	if (L->o->resume || L->rejects_shared || tsq_rejects_written(L->rejects) ||
	    access(path, F_OK) != 0)
		return;
	if (unlink(path) == 0)
		tsq_info("removed \"%s\" of an earlier load: nothing was rejected this time", path);
}

/*
 * Where the last load of this input into this table committed to: its
 * workers' rows of tsq.loads (the batches' own record), or the checkpoint
 * file where the schema has no tsq.loads.  *N workers' offsets in OFF (one
 * when they come from the file); the point to read on from (the smallest)
 * in RP.  False with the load stopped when the record cannot be used.
 */
static bool
find_resume(struct tsq_ingest *L, struct tsq_resume_point *rp, int64_t **off, int *n, bool *found)
{
	*found = false;
	*off = NULL;
	*n = 0;
	if (L->has_loads && L->source) {
		const char *params[3] = { L->table.schema, L->table.name, L->source };
		PGresult *res = tsq_exec(tsq_pool_conn(&L->pool), tsq_sql_file("load/progress_find.sql"),
		    3, params);
		if (!tsq_result_ok(res)) {
			struct tsq_buf msg = TSQ_BUF_INIT;
			tsq_result_message(res, tsq_pool_conn(&L->pool), &msg);
			stop_load(L, TSQ_EXIT_FAILURE, "could not read the progress of the last load: %s",
			    msg.data);
			tsq_buf_free(&msg);
			PQclear(res);
			return false;
		}
		if (PQntuples(res) > 0) {
			int workers = atoi(PQgetvalue(res, 0, 2)), lowest = -1;
			*n = workers > 0 && workers <= TSQ_POOL_MAX_WORKERS ? workers : 1;
			*off = xcalloc((size_t)*n, sizeof **off);
			bool all = PQntuples(res) == *n, done = true;
			for (int i = 0; i < PQntuples(res); i++) {
				int w = atoi(PQgetvalue(res, i, 1));
				if (w < 0 || w >= *n)
					continue;
				(*off)[w] = strtoll(PQgetvalue(res, i, 3), NULL, 10);
				done &= PQgetvalue(res, i, 6)[0] == 't';
				if (lowest < 0 || (*off)[w] < strtoll(PQgetvalue(res, lowest, 3), NULL, 10))
					lowest = i;
			}
			/* A worker without a row committed nothing of this input. */
			if (lowest >= 0 && all) {
				rp->offset = strtoll(PQgetvalue(res, lowest, 3), NULL, 10);
				rp->line = atol(PQgetvalue(res, lowest, 4));
				snprintf(rp->hash, sizeof rp->hash, "%s", PQgetvalue(res, lowest, 5));
			} else {
				rp->offset = 0;
				rp->line = 1;
			}
			rp->done = done && all;
			/* The resumed load goes on under its own id. */
			free(L->load_id);
			L->load_id = xstrdup(PQgetvalue(res, 0, 0));
			if (L->pool.load_id)
				L->pool.load_id = L->load_id;
			*found = true;
		}
		PQclear(res);
		if (*found)
			return true;
	}
	if (L->checkpoint == NULL)
		return true;
	switch (tsq_checkpoint_find(L->checkpoint, L->input, rp)) {
	case TSQ_RESUME_NONE:
		return true;
	case TSQ_RESUME_OLD:
		stop_load(L, TSQ_EXIT_USAGE, "checkpoint \"%s\" was written by an earlier tsq-load and "
		    "does not say what %s held, so a resume could skip rows of a file that changed: "
		    "remove it, or load without --resume (rows already in the table are updated, not "
		    "written twice)", L->o->checkpoint, L->display);
		return false;
	case TSQ_RESUME_AT:
		break;
	}
	*n = 1;
	*off = xcalloc(1, sizeof **off);
	(*off)[0] = rp->offset;
	*found = true;
	return true;
}

/* A load that does not resume registers itself as the last load of its source. */
static void
start_record(struct tsq_ingest *L)
{
	char workers[16];

	if (!L->pool.load_id)
		return;
	snprintf(workers, sizeof workers, "%d", L->pool.nworkers);
	const char *params[5] = { L->load_id, workers, L->table.schema, L->table.name,
	    L->pool.source };
	PGresult *res = tsq_exec(tsq_pool_conn(&L->pool), tsq_sql_file("load/progress_start.sql"), 5,
	    params);
	if (!tsq_result_ok(res)) {
		struct tsq_buf msg = TSQ_BUF_INIT;
		tsq_result_message(res, tsq_pool_conn(&L->pool), &msg);
		stop_load(L, TSQ_EXIT_FAILURE, "could not record the load in tsq.loads: %s", msg.data);
		tsq_buf_free(&msg);
	}
	PQclear(res);
}

/*
 * With --resume, go on from where the last load of this input committed,
 * once the bytes before that point are shown to be the same ones (a file
 * that grew goes on; one that changed is refused).  With several workers
 * each committed up to its own point: reading goes on from the lowest, and
 * take_record() passes over the rows of the workers that were further on.
 * Returns false when the load stops.
 */
static bool
resume_input(struct tsq_ingest *L)
{
	struct tsq_resume_point rp;
	struct tsq_buf err = TSQ_BUF_INIT;
	int64_t *off;
	int n;
	bool found;

	if (!L->o->resume) {
		start_record(L);
		return !tsq_ingest_stopped(L);
	}
	if (L->checkpoint == NULL && (!L->has_loads || L->source == NULL)) {
		stop_load(L, TSQ_EXIT_USAGE, "--resume of %s needs --checkpoint=FILE: %s", L->display,
		    L->has_loads ? "a pipe has no name to find its last load by" :
		    "this database has no record of loads (tsq-init of this version adds tsq.loads)");
		return false;
	}
	if (!find_resume(L, &rp, &off, &n, &found))
		return false;
	if (!found) {
		tsq_info("%s: nothing of it was loaded before: loading all of it", L->display);
		return true;
	}
	if (rp.offset > 0) {
		char hash[TSQ_PREFIX_HASH_SIZE];
		bool reached = tsq_reader_skip_to(L->reader, rp.offset, rp.line, &err);
		struct tsq_prefix prefix = tsq_reader_prefix(L->reader);
		tsq_prefix_format(&prefix, hash);
		if (!reached || strcmp(hash, rp.hash) != 0) {
			stop_load(L, TSQ_EXIT_DATAERR, "%s is not the input whose first %lld bytes (to "
			    "line %ld) were loaded: it changed since; load it without --resume to load all "
			    "of it (rows already in the table are updated, not written twice)", L->display,
			    (long long)rp.offset, rp.line - 1);
			tsq_buf_free(&err);
			free(off);
			return false;
		}
	}
	long dropped = tsq_rejects_prune(tsq_rejects_path(L->rejects), L->display, rp.offset, off, n,
	    &err);
	if (dropped < 0)
		stop_load(L, TSQ_EXIT_CANTCREAT, "%s", err.data);
	else if (dropped)
		tsq_verbose("%s: dropped %ld reject records past the point resumed from",
		    tsq_rejects_path(L->rejects), dropped);
	tsq_buf_free(&err);
	L->resumed_done = rp.done;
	if (rp.offset > 0) {
		if (!rp.done)
			tsq_info("%s: resuming at line %ld", L->display, rp.line);
		L->committed_line = rp.line - 1;
		struct tsq_prefix at = tsq_reader_prefix(L->reader);
		tsq_pool_advance(&L->pool, rp.line - 1, rp.offset, &at);
	}
	free(L->skip_until);
	L->skip_until = off;
	L->skip_workers = n;
	L->skip_max = 0;
	for (int i = 0; i < n; i++)
		if (off[i] > L->skip_max)
			L->skip_max = off[i];
	return !tsq_ingest_stopped(L);
}

/* Read the header (CSV, TSV, reject files) and set up the mapping. */
static int
start_input(struct tsq_ingest *L, struct tsq_buf *err)
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

/*
 * Live input (not a regular file: a pipe, a socket, a terminal) is written
 * by time as well as by size, and rides out a lost connection; a file keeps
 * the plain path, at its full speed.
 */
static void
live_settings(struct tsq_ingest *L)
{
	struct stat st;

	L->live = L->in.compression == TSQ_COMPRESSION_NONE && fstat(L->in.fd, &st) == 0 &&
	    !S_ISREG(st.st_mode);
	L->flush_usec = L->o->flush_interval >= 0 ? L->o->flush_interval :
	    L->live ? TSQ_USEC_PER_SEC : 0;
	L->status_usec = L->o->status_interval >= 0 ? L->o->status_interval :
	    L->live ? 60 * TSQ_USEC_PER_SEC : 0;
	L->pool.o.retry_usec = L->o->retry >= 0 ? L->o->retry : L->live ? 300 * TSQ_USEC_PER_SEC : 0;
	L->last_status = tsq_now_usec();
}

/* With -v or --log-format json, every --status-interval: how the load goes. */
static void
status_line(struct tsq_ingest *L, int64_t now)
{
	if (L->status_usec <= 0 || now - L->last_status < L->status_usec)
		return;
	L->last_status = now;
	double secs = (double)(now - L->started) / 1e6;
	int64_t oldest = tsq_pool_oldest(&L->pool);
	double age = oldest == INT64_MAX ? 0 : (double)(now - oldest) / 1e6;
	uint64_t held = (uint64_t)tsq_pool_pending(&L->pool);
	uint64_t committed = L->t.inserted + L->t.updated + L->t.unchanged;
	json_t *f = json_pack("{s:I,s:I,s:I,s:I,s:I,s:f,s:f}", "read", (json_int_t)(L->t.read + held),
	    "committed", (json_int_t)committed, "rejected", (json_int_t)L->t.rejected,
	    "duplicates", (json_int_t)L->t.duplicates, "held", (json_int_t)held,
	    "rows_per_second", secs > 0 ? (double)(L->t.read + held) / secs : 0.0,
	    "oldest_held_seconds", age);
	tsq_log_event(f, "status: read %llu, committed %llu, rejected %llu, duplicates %llu, "
	    "held %llu; %.0f rows/s; the oldest row held waited %.1f s",
	    (unsigned long long)(L->t.read + held), (unsigned long long)committed,
	    (unsigned long long)L->t.rejected, (unsigned long long)L->t.duplicates,
	    (unsigned long long)held, secs > 0 ? (double)(L->t.read + held) / secs : 0.0, age);
}

/*
 * Before reading a record of input that is written by time: write the round
 * being read when its oldest row has waited long enough, account for a round
 * written meanwhile, and wait for a whole line without blocking past the
 * next of these.  False when the load is to stop (a failure, a signal).
 */
static bool
live_wait(struct tsq_ingest *L)
{
	struct tsq_buf err = TSQ_BUF_INIT;

	/*
	 * Input that keeps coming (a whole line waiting) needs no clock at every
	 * record: the time is looked at every 1024 of them.
	 */
	if (tsq_reader_ready(L->reader) && (++L->live_records & 1023) != 0)
		return true;
	for (;;) {
		int64_t now = tsq_now_usec(), oldest = tsq_pool_oldest(&L->pool);
		if (!tsq_pool_collect(&L->pool))
			return false;
		if (oldest != INT64_MAX && now - oldest >= L->flush_usec && !tsq_pool_busy(&L->pool)) {
			if (!tsq_pool_flush(&L->pool))
				return false;
			continue;
		}
		status_line(L, now);
		tsq_progress_update(&L->progress, L->t.inserted + L->t.updated + L->t.unchanged,
		    (uint64_t)tsq_pool_pending(&L->pool), L->in.raw_read, L->in.size);
		if (tsq_reader_ready(L->reader))
			return true;
		if (tsq_ingest_stopped(L))
			return false;
		int64_t wait = TSQ_USEC_PER_SEC;
		if (oldest != INT64_MAX && oldest + L->flush_usec - now < wait)
			wait = oldest + L->flush_usec - now;
		if (tsq_pool_busy(&L->pool) && wait > 20000)
			wait = 20000;	/* a round is being written: account for it soon */
		if (L->status_usec > 0 && L->last_status + L->status_usec - now < wait)
			wait = L->last_status + L->status_usec - now;
		int got = tsq_reader_wait(L->reader, wait > 0 ? (int)((wait + 999) / 1000) : 0, &err);
		if (got < 0) {
			if (!tsq_cancel_signal())
				stop_load(L, TSQ_EXIT_FAILURE, "%s", err.data);
			tsq_buf_free(&err);
			return false;
		}
	}
}

/* The input was read to its end: every worker's record says so, and the checkpoint. */
static void
input_done(struct tsq_ingest *L, struct tsq_buf *err)
{
	struct tsq_resume_point rp = { tsq_reader_hashed(L->reader), L->committed_line + 1, "", true };
	char offset[32], line[32];

	struct tsq_prefix prefix = tsq_reader_prefix(L->reader);
	tsq_prefix_format(&prefix, rp.hash);
	if (L->has_loads && L->source) {
		snprintf(offset, sizeof offset, "%" PRId64, rp.offset);
		snprintf(line, sizeof line, "%ld", rp.line);
		const char *params[5] = { L->load_id, L->source, offset, line, rp.hash };
		PGresult *res = tsq_exec(tsq_pool_conn(&L->pool), tsq_sql_file("load/progress_done.sql"),
		    5, params);
		if (!tsq_result_ok(res)) {
			struct tsq_buf msg = TSQ_BUF_INIT;
			tsq_result_message(res, tsq_pool_conn(&L->pool), &msg);
			tsq_warning("could not record that %s was loaded to its end: %s", L->display,
			    msg.data);
			tsq_buf_free(&msg);
		}
		PQclear(res);
	}
	if (L->checkpoint && !tsq_checkpoint_save(L->checkpoint, L->table.quoted, L->input, &rp,
	    tsq_rejects_path(L->rejects), err))
		stop_load(L, TSQ_EXIT_CANTCREAT, "%s", err->data);
}

/*
 * The name a load's progress is recorded under: a regular file's real path
 * (a resume may name it another way), or NULL for standard input and pipes,
 * which cannot be read again.
 */
static char *
source_of(const char *input)
{
	struct stat st;

	if (strcmp(input, "-") == 0 || stat(input, &st) != 0 || !S_ISREG(st.st_mode))
		return NULL;
	return realpath(input, NULL);
}

int
tsq_ingest_input(struct tsq_ingest *L, const char *input)
{
	struct tsq_buf err = TSQ_BUF_INIT;
	struct tsq_record rec;
	struct tsq_reader_opts ro = { L->o->format, L->o->delimiter, L->o->quote, 0, L->o->columns,
		L->o->ncolumns };
	enum tsq_read_status st;
	int rc;

	if (!tsq_input_open(&L->in, input, &err)) {
		tsq_error("%s", err.data);
		tsq_buf_free(&err);
		return errno == ENOENT || errno == EISDIR ? TSQ_EXIT_NOINPUT : TSQ_EXIT_FAILURE;
	}
	L->display = L->in.display;
	L->input = input;
	free(L->source);
	L->source = source_of(input);
	/* A pipe's progress is recorded too, under its own name (it cannot be resumed). */
	L->pool.source = L->source ? L->source : L->in.display;
	L->pool.load_id = L->has_loads && !L->o->dry_run ? L->load_id : NULL;
	free(L->skip_until);
	L->skip_until = NULL;
	L->skip_max = 0;
	L->reader = tsq_reader_open(&L->in, &ro);
	L->committed_line = 0;
	live_settings(L);
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
	if (!resume_input(L))
		goto out;
	uint64_t records = 0;
	while (!tsq_ingest_stopped(L)) {
		if (L->flush_usec > 0 && !live_wait(L))
			break;
		st = tsq_reader_next(L->reader, &rec, &err);
		if (st == TSQ_READ_EOF) {
			if (L->resumed_done && records == 0)
				tsq_info("%s: already loaded, to line %ld; nothing came after", L->display,
				    L->committed_line);
			else if (L->resumed_done)
				tsq_info("%s: loaded before; the %llu record%s added since loaded now",
				    L->display, (unsigned long long)records, records == 1 ? "" : "s");
			break;
		}
		records++;
		if (st == TSQ_READ_ERROR) {
			if (!tsq_cancel_signal())
				stop_load(L, TSQ_EXIT_FAILURE, "%s", err.data);
			break;
		}
		if (!take_record(L, &rec))
			break;
		/* Every record up to here is in the round being read or the reject file. */
		struct tsq_prefix prefix = tsq_reader_prefix(L->reader);
		tsq_pool_advance(&L->pool, rec.last_line, rec.end, &prefix);
		if (tsq_pool_full(&L->pool) && !tsq_pool_flush(&L->pool))
			break;
		tsq_progress_update(&L->progress, L->t.inserted + L->t.updated + L->t.unchanged,
		    (uint64_t)tsq_pool_pending(&L->pool), L->in.raw_read, L->in.size);
	}
	/*
	 * Rows read before a limit or a signal stopped the load are good rows:
	 * they are written.  After a failed batch or a second signal, what was
	 * not written goes to the pending file.
	 */
	if (tsq_cancel_aborted() || L->pool.stopped || !tsq_pool_finish(&L->pool)) {
		tsq_pool_discard(&L->pool);
		goto out;
	}
	if (L->stop.len || tsq_cancel_signal())
		goto out;
done:
	drop_stale_rejects(L);
	if (!L->o->dry_run)
		input_done(L, &err);
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


/* Connect, look at the server and the table. */
static int
open_load(struct tsq_ingest *L, const struct tsq_conn_opts *conn)
{
	struct tsq_buf err = TSQ_BUF_INIT;
	struct tsq_pool_opts po = {
		.workers = L->o->workers, .batch_rows = L->o->batch_size,
		/* Two rounds in memory: each is half of --buffer. */
		.batch_bytes = (L->o->buffer ? L->o->buffer : DEFAULT_BUFFER) / 2,
		.dry_run = L->o->dry_run, .backend = &L->backend, .table = &L->table,
		.hooks = { .arg = L, .rejected = server_rejected, .committed = round_committed,
		    .pending = row_pending, .discarded = round_discarded },
	};
	int rc = TSQ_EXIT_OK;

	enum tsq_conn_status st = tsq_pool_open(&L->pool, conn, &po, &err);
	if (st != TSQ_CONN_OK) {
		rc = tsq_conn_report(conn, st, err.data);
		goto out;
	}
	PGresult *res = tsq_backend_detect(tsq_pool_conn(&L->pool), &L->backend);
	if (res) {
		tsq_report_result(res);
		PQclear(res);
		rc = TSQ_EXIT_FAILURE;
		goto out;
	}
	tsq_pool_recover(&L->pool);
	/* Values are read as this server reads them: its time zone abbreviations too. */
	res = tsq_exec(tsq_pool_conn(&L->pool), tsq_sql_file("load/abbrevs.sql"), 0, NULL);
	if (tsq_result_ok(res)) {
		int n = PQntuples(res);
		char **names = xcalloc((size_t)n + 1, sizeof *names);
		int32_t *offsets = xcalloc((size_t)n + 1, sizeof *offsets);
		for (int i = 0; i < n; i++) {
			names[i] = PQgetvalue(res, i, 0);
			offsets[i] = (int32_t)atoi(PQgetvalue(res, i, 1));
		}
		tsq_datetime_set_abbrevs(names, offsets, n);
		free(names);
		free(offsets);
	}
	PQclear(res);
	L->map_opts = L->o->map;
	L->map_opts.conv.plus_infinity = L->backend.server_version >= 160000;
	res = tsq_exec(tsq_pool_conn(&L->pool), "SELECT to_regclass('tsq.loads') IS NOT NULL", 0, NULL);
	L->has_loads = tsq_result_ok(res) && PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
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

/* 32 hex digits, random: what tells this load's records from every other's. */
static char *
new_load_id(void)
{
	unsigned char b[16];
	char *id = xmalloc(33);

	if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b) {
		/* No entropy to be had: the time and the process are unique enough here. */
		int64_t t = tsq_now_usec();
		pid_t pid = getpid();
		memset(b, 0, sizeof b);
		memcpy(b, &t, sizeof t);
		memcpy(b + 8, &pid, sizeof pid);
	}
	for (int i = 0; i < 16; i++)
		snprintf(id + 2 * i, 3, "%02x", b[i]);
	return id;
}

int
tsq_ingest_open(struct tsq_ingest *L, const struct tsq_ingest_opts *o,
    const struct tsq_conn_opts *conn)
{
	struct tsq_buf warn = TSQ_BUF_INIT;

	memset(L, 0, sizeof *L);
	L->o = o;
	L->load_id = new_load_id();
	L->started = tsq_now_usec();
	tsq_buf_init(&L->stop);
	tsq_mapped_init(&L->row);
	tsq_progress_init(&L->progress, o->progress);
	if (o->checkpoint) {
		L->checkpoint = tsq_checkpoint_load(o->checkpoint, o->resume, &warn);
		if (warn.len)
			tsq_warning("%s", warn.data);
		tsq_buf_free(&warn);
	}
	return open_load(L, conn);
}

void
tsq_ingest_finish(struct tsq_ingest *L)
{
	struct tsq_buf err = TSQ_BUF_INIT;

	tsq_progress_clear(&L->progress);
	if (!tsq_pool_settle(&L->pool, &err))
		tsq_warning("some rows committed on a Citus worker wait there, prepared, until "
		    "their commit is finished (by Citus within citus.recover_2pc_interval, or at once "
		    "with SELECT recover_prepared_transactions(); by the next tsq-load or tsq-compress "
		    "--run for those tsq-load prepared itself): %s", err.data);
	tsq_buf_free(&err);
	/* New partitions or chunks analyzed: row estimates right after the load. */
	if (!L->o->dry_run && !tsq_cancel_signal() && L->t.inserted > 0 && L->pool.workers) {
		char oid[16];
		snprintf(oid, sizeof oid, "%u", L->table.oid);
		const char *p[1] = { oid };
		PGresult *res = tsq_exec(tsq_pool_conn(&L->pool), tsq_sql_file("load/analyze.sql"), 1, p);
		if (tsq_result_ok(res) && !PQgetisnull(res, 0, 0) && atoi(PQgetvalue(res, 0, 0)) > 0)
			tsq_verbose("analyzed %s partitions or chunks of %s that had never been",
			    PQgetvalue(res, 0, 0), L->table.quoted);
		else if (!tsq_result_ok(res))
			tsq_warning("could not analyze the new partitions of %s: %s", L->table.quoted,
			    PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
		PQclear(res);
	}
}

bool
tsq_ingest_close(struct tsq_ingest *L, struct tsq_buf *err)
{
	bool ok = L->rejects == NULL || tsq_rejects_close(L->rejects, err);

	if (L->pending && !tsq_rejects_close(L->pending, err))
		ok = false;
	L->pending = NULL;
	L->rejects = NULL;
	tsq_pool_close(&L->pool);
	if (L->planned)
		tsq_load_plan_free(&L->plan);
	if (L->mapped)
		tsq_mapper_free(&L->map);
	tsq_mapped_free(&L->row);
	tsq_table_free(&L->table);
	tsq_checkpoint_free(L->checkpoint);
	free(L->header_raw);
	free(L->load_id);
	tsq_opt_pairs_free(L->load_maps, L->nload_maps);
	tsq_opt_pairs_free(L->load_sets, L->nload_sets);
	tsq_opt_list_free(L->load_skip, L->nload_skip);
	tsq_time_format_free(&L->load_time_format);
	free(L->source);
	free(L->skip_until);
	tsq_buf_free(&L->stop);
	return ok;
}
