#include <errno.h>
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
#include "tsq.h"

/* A round of batches also ends at this many bytes, whatever its rows. */
#define ROUND_BYTES (32u * 1024 * 1024)

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
	struct tsq_ingest *L = arg;
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
	struct tsq_ingest *L = arg;
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
		stop_load(L, TSQ_EXIT_CANTCREAT, "%s", err.data);
	tsq_buf_free(&err);
	check_limits(L);
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
	tsq_verbose("write path: %s", L->plan.direct ? L->plan.copy_sql : L->plan.insert_sql);
	return true;
}

/* Names for the input columns, and the mapping from them. */
static bool
map_input(struct tsq_ingest *L, const struct tsq_record *header)
{
	const struct tsq_ingest_opts *o = L->o;
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
	if (!L->keyed)
		tsq_reader_one_column(L->reader, n == 1);
	if (L->mapped)
		tsq_mapper_free(&L->map);
	L->mapped = true;
	if (!tsq_mapper_init(&L->map, &L->table, &L->map_opts, names, n, L->keyed, &err) && ok) {
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
	if (st == TSQ_MAP_REJECT)
		return reject_record(L, rec, L->row.column, L->row.error);

	struct tsq_row_origin origin = { rec->raw, rec->rawlen, rec->rawsize, rec->format,
		rec->line, rec->offset, 0 };
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
 * With --resume, skip what the checkpoint says is committed (REC is the
 * first record).  Returns RESUME_AT when REC is skipped too, RESUME_DONE when
 * the whole input is.
 */
static enum tsq_resume
resume_input(struct tsq_ingest *L, const struct tsq_record *rec)
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

int
tsq_ingest_input(struct tsq_ingest *L, const char *input)
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
	while (!tsq_ingest_stopped(L)) {
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
	if (first && !tsq_ingest_stopped(L))
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
		stop_load(L, TSQ_EXIT_CANTCREAT, "%s", err.data);
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


/* Rows were committed: say when, for tsq-stats (a failure only warns). */
static void
note_written(struct tsq_ingest *L)
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


/* Connect, look at the server and the table. */
static int
open_load(struct tsq_ingest *L, const struct tsq_conn_opts *conn)
{
	struct tsq_buf err = TSQ_BUF_INIT;
	struct tsq_pool_opts po = { L->o->workers, L->o->batch_size, ROUND_BYTES, L->o->dry_run,
		&L->backend, &L->table, { L, server_rejected, round_committed } };
	int rc = TSQ_EXIT_OK;

	enum tsq_conn_status st = tsq_pool_open(&L->pool, conn, &po, &err);
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
	/* Values are read as this server reads them. */
	L->map_opts = L->o->map;
	L->map_opts.conv.plus_infinity = L->backend.server_version >= 160000;
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

int
tsq_ingest_open(struct tsq_ingest *L, const struct tsq_ingest_opts *o,
    const struct tsq_conn_opts *conn)
{
	struct tsq_buf warn = TSQ_BUF_INIT;

	memset(L, 0, sizeof *L);
	L->o = o;
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
	tsq_progress_clear(&L->progress);
	if (L->t.inserted + L->t.updated > 0 && !L->o->dry_run)
		note_written(L);
}

bool
tsq_ingest_close(struct tsq_ingest *L, struct tsq_buf *err)
{
	bool ok = L->rejects == NULL || tsq_rejects_close(L->rejects, err);

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
	tsq_buf_free(&L->stop);
	return ok;
}
