#include <errno.h>
#include <inttypes.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cancel.h"
#include "datetime.h"
#include "log.h"
#include "mem.h"
#include "pool.h"
#include "route.h"
#include "script.h"
#include "symseen.h"
#include "pgcodes.h"

/* A batch that fails on a deadlock is tried this many times in all. */
#define ATTEMPTS 4

struct tsq_worker {
	PGconn *conn;
	struct tsq_writer writer;
	struct tsq_pool *pool;
	const struct tsq_round *round;	/* the round its batch belongs to */
	volatile int finished;		/* its batch is written (or failed): it can be joined */
	bool gave_up;			/* its connection was not found again within --retry */
	int64_t lost_since;		/* when its batch first failed for a lost connection */
	uint64_t recovered_rejected;	/* refused rows of a batch found committed after a reconnect */
	struct tsq_batch *job;	/* the batch it is writing */
	pthread_t thread;
	bool ok;
	uint64_t retries;
	struct tsq_load_counts seen;	/* writer.counts at the last round accounted */
	/*
	 * The symbols table is told of a batch's symbols (tsq.note_symbols) in
	 * the batch's transaction when one is new to this load, when the last
	 * note is SYMBOLS_EVERY old, or when the load ends; in between they wait
	 * in UNNOTED (their rows committed) for the next note.  On Citus the
	 * symbols table is a reference table, whose every write is a two-phase
	 * commit over all the nodes.
	 */
	struct tsq_symseen noted;	/* the symbols noted so far */
	struct tsq_symseen unnoted;
	struct tsq_symseen note;	/* what the batch in flight notes */
	int64_t noted_at;
	bool noting;			/* the batch in flight notes its symbols */
	bool deferred;			/* or leaves them for a later note */
};

/* At most this long between two notes of the symbols a load writes. */
#define SYMBOLS_EVERY_USEC 5000000

/* A sorted set of UTC days (days since 1970-01-01). */
struct tsq_daylist {
	int32_t *day;
	size_t n, cap;
	int32_t last;		/* the day added last: rows come in time order mostly */
};

struct tsq_round {
	struct tsq_batch *batch;	/* one per worker */
	uint64_t read, dups;
	long rows;
	long end_line;
	int64_t end_offset;
	struct tsq_prefix end_prefix;	/* the input's bytes before end_offset */
	struct tsq_daylist days;	/* UTC days of the time column */
	struct tsq_symseen *seen;	/* per worker: the symbols of its batch, for tsq.note_symbols */
	int64_t first_usec;		/* when its first row came (tsq_now_usec) */
	bool inflight;
	bool failed;			/* written and failed: its rows wait for tsq_pool_discard */
};

static bool
day_find(const struct tsq_daylist *d, int32_t day, size_t *at)
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
day_add(struct tsq_daylist *d, int32_t day)
{
	size_t at;

	if (d->n > 0 && d->last == day)
		return;
	d->last = day;
	if (day_find(d, day, &at))
		return;
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->day = xreallocarray(d->day, d->cap, sizeof *d->day);
	}
	memmove(d->day + at + 1, d->day + at, (d->n - at) * sizeof *d->day);
	d->day[at] = day;
	d->n++;
}

/*
 * A batch's buffers keep their size from one round to the next, which saves
 * reallocating them; but rows go to workers by key, so over many rounds each
 * worker's batch could grow to a whole round's bytes and N workers hold N
 * rounds.  A buffer past its share of a round is given back.
 */
static void
trim(struct tsq_buf *b, size_t share)
{
	if (b->cap > share + 65536)
		tsq_buf_free(b);
}

static void
round_reset(struct tsq_pool *p, struct tsq_round *r)
{
	size_t share = p->o.batch_bytes / (size_t)p->nworkers;

	for (int i = 0; i < p->nworkers; i++) {
		tsq_batch_reset(&r->batch[i]);
		trim(&r->batch[i].data, share);
		trim(&r->batch[i].raw, share);
		trim(&r->batch[i].keys, share);
	}
	r->read = r->dups = 0;
	r->rows = 0;
	r->days.n = 0;
	for (int i = 0; i < p->nworkers; i++)
		tsq_symseen_reset(&r->seen[i]);
	r->failed = false;
}

/*
 * Settle what loads left prepared on the workers (route.h), before this one
 * writes keys they may hold.  What cannot be settled now waits for the next
 * load (-v says why).
 */
static bool
recover_prepared(PGconn *conn, struct tsq_buf *err)
{
	struct tsq_buf why = TSQ_BUF_INIT;
	bool ok = tsq_route_recover(conn, &why) >= 0;

	if (!ok && err)
		tsq_buf_add(err, why.data, why.len);
	else if (!ok)
		tsq_verbose("%s", why.data);
	tsq_buf_free(&why);
	return ok;
}

void
tsq_pool_recover(struct tsq_pool *p)
{
	if (p->o.backend && p->o.backend->kind == TSQ_BACKEND_CITUS && !p->o.dry_run)
		recover_prepared(tsq_pool_conn(p), NULL);
}

enum tsq_conn_status
tsq_pool_open(struct tsq_pool *p, const struct tsq_conn_opts *conn,
    const struct tsq_pool_opts *o, struct tsq_buf *err)
{
	int n = o->dry_run ? 1 : o->workers;

	memset(p, 0, sizeof *p);
	p->o = *o;
	p->conn_opts = conn;
	tsq_buf_init(&p->failure);
#ifdef __GLIBC__
	/*
	 * Batch buffers of megabytes come and go on several threads: with
	 * glibc's sliding mmap threshold they end up in heaps that never shrink
	 * (4 workers held 60 % more than 1 with rows of 4 MiB).  A fixed
	 * threshold maps them on their own and gives them back when freed.
	 */
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
	p->workers = xcalloc((size_t)n, sizeof *p->workers);
	p->nworkers = n;
	p->rounds = xcalloc(2, sizeof *p->rounds);
	p->ensured = xcalloc(1, sizeof *p->ensured);
	tsq_keyset_init(&p->keys);
	for (int r = 0; r < 2; r++) {
		p->rounds[r].batch = xcalloc((size_t)n, sizeof *p->rounds[r].batch);
		p->rounds[r].seen = xcalloc((size_t)n, sizeof *p->rounds[r].seen);
		for (int i = 0; i < n; i++) {
			tsq_batch_init(&p->rounds[r].batch[i]);
			tsq_symseen_init(&p->rounds[r].seen[i]);
		}
	}
	for (int i = 0; i < n; i++) {
		struct tsq_worker *w = &p->workers[i];
		tsq_writer_init(&w->writer, NULL, NULL);
		tsq_symseen_init(&w->noted);
		tsq_symseen_init(&w->unnoted);
		tsq_symseen_init(&w->note);
		enum tsq_conn_status st = tsq_conn_open(conn, &w->conn, err);
		if (st != TSQ_CONN_OK)
			return st;
		w->writer.conn = w->conn;
		tsq_cancel_register(w->conn);
	}
	return TSQ_CONN_OK;
}

PGconn *
tsq_pool_conn(const struct tsq_pool *p)
{
	return p->workers[0].conn;
}

static void pause_usec(int64_t usec);

bool
tsq_pool_settle(struct tsq_pool *p, struct tsq_buf *err)
{
	int64_t started = tsq_now_usec(), wait = 500000;
	struct tsq_worker *w = &p->workers[0];

	if (p->workers == NULL || p->o.backend == NULL || p->o.backend->kind != TSQ_BACKEND_CITUS ||
	    !tsq_conn_take_commit_doubt())
		return true;
	for (;;) {
		if (PQstatus(w->conn) != CONNECTION_OK) {
			PGconn *conn = NULL;
			tsq_buf_reset(err);
			if (tsq_conn_open(p->conn_opts, &conn, err) == TSQ_CONN_OK) {
				PQfinish(w->conn);
				w->conn = w->writer.conn = conn;
				w->writer.staged = w->writer.iso_made = false;
				tsq_cancel_register(conn);
			}
		}
		if (PQstatus(w->conn) == CONNECTION_OK) {
			PGresult *res = tsq_exec(w->conn, tsq_sql_file("citus/recover.sql"), 0, NULL);
			bool ok = tsq_result_ok(res);
			tsq_buf_reset(err);
			if (ok)
				tsq_verbose("Citus committed %s transactions left prepared on the workers",
				    PQgetvalue(res, 0, 0));
			else
				tsq_result_message(res, w->conn, err);
			PQclear(res);
			/* And tsq-load's own parts, prepared by route.h. */
			if (ok && recover_prepared(w->conn, err))
				return true;
		}
		int64_t left = started + p->o.retry_usec - tsq_now_usec();
		if (left <= 0 || tsq_cancel_aborted())
			return false;
		pause_usec(wait < left ? wait : left);
		wait = wait * 2 > 15000000 ? 15000000 : wait * 2;
	}
}

bool
tsq_pool_set_plan(struct tsq_pool *p, const struct tsq_load_plan *plan)
{
	bool ok = tsq_pool_finish(p);

	p->plan = plan;
	for (int i = 0; i < p->nworkers; i++) {
		struct tsq_worker *w = &p->workers[i];
		tsq_writer_drop_stage(&w->writer);
		if (w->writer.staged || w->writer.iso_made) {
			/* The staging tables of an earlier plan may have other columns. */
			PGresult *res = PQexec(w->conn, "DROP TABLE IF EXISTS pg_temp.tsq_load_stage, "
			    "pg_temp.tsq_load_iso, pg_temp.tsq_load_iso_out");
			PQclear(res);
		}
		struct tsq_load_counts counts = w->writer.counts;
		tsq_writer_free(&w->writer);
		tsq_writer_init(&w->writer, w->conn, plan);
		w->writer.counts = counts;
	}
	return ok;
}

/* A row read into round R (its first starts the clock), a duplicate or not. */
static void
round_count(struct tsq_round *r, bool duplicate)
{
	if (r->rows == 0)
		r->first_usec = tsq_now_usec();
	r->read++;
	r->rows++;
	r->dups += duplicate;
}

enum tsq_add_result
tsq_pool_add(struct tsq_pool *p, const struct tsq_mapped *row, enum tsq_dedupe dedupe,
    const struct tsq_row_origin *origin, long *first_line)
{
	struct tsq_round *r = &p->rounds[p->cur];
	int wi = (int)(row->route_hash % (uint64_t)p->nworkers);
	struct tsq_batch *b = &r->batch[wi];
	struct tsq_row_origin o = *origin;
	o.absent = row->absent;
	/* first and error hold across the whole input: a key seen in any batch before. */
	if (dedupe != TSQ_DEDUPE_LAST && row->key.len > 0 &&
	    tsq_keyset_seen(&p->keys, row->key.data, row->key.len, row->key_hash, origin->line,
	    first_line)) {
		if (dedupe == TSQ_DEDUPE_ERROR)
			return TSQ_ADD_REFUSED;
		round_count(r, true);
		return TSQ_ADD_DUPLICATE;
	}
	enum tsq_add_result res = tsq_batch_add(b, dedupe, row->tuple.data, row->tuple.len,
	    row->key.data, row->key.len, row->key_hash, &o, first_line);

	if (res == TSQ_ADD_REFUSED)
		return res;
	round_count(r, res == TSQ_ADD_DUPLICATE);
	if (row->has_time) {
		if (row->time < b->min_time)
			b->min_time = row->time;
		if (row->time > b->max_time)
			b->max_time = row->time;
		if (row->time != INT64_MIN && row->time != INT64_MAX)
			day_add(&r->days, (int32_t)(row->time / TSQ_USEC_PER_DAY -
			    (row->time % TSQ_USEC_PER_DAY < 0)));
		if (row->symbol_len > 0)
			tsq_symseen_add(&r->seen[wi], row->tuple.data + row->symbol_off, row->symbol_len,
			    row->time);
	}
	return res;
}

void
tsq_pool_advance(struct tsq_pool *p, long end_line, int64_t end_offset,
    const struct tsq_prefix *prefix)
{
	p->rounds[p->cur].end_line = end_line;
	p->rounds[p->cur].end_offset = end_offset;
	p->rounds[p->cur].end_prefix = *prefix;
}

bool
tsq_pool_full(const struct tsq_pool *p)
{
	const struct tsq_round *r = &p->rounds[p->cur];
	size_t bytes = 0;

	if (r->rows >= p->o.batch_rows)
		return true;
	for (int i = 0; i < p->nworkers; i++)
		bytes += tsq_batch_bytes(&r->batch[i]);
	return bytes >= p->o.batch_bytes;
}

long
tsq_pool_pending(const struct tsq_pool *p)
{
	return p->rounds[0].rows + p->rounds[1].rows;
}

void
tsq_pool_reset_position(struct tsq_pool *p)
{
	for (int r = 0; r < 2; r++) {
		p->rounds[r].end_line = 0;
		p->rounds[r].end_offset = 0;
		memset(&p->rounds[r].end_prefix, 0, sizeof p->rounds[r].end_prefix);
	}
}

static void
fail(struct tsq_pool *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
fail(struct tsq_pool *p, const char *fmt, ...)
{
	va_list ap;

	p->stopped = true;
	if (p->failure.len)
		return;
	va_start(ap, fmt);
	tsq_buf_vaddf(&p->failure, fmt, ap);
	va_end(ap);
}

/*
 * Before the workers write a round: partitions for the days it has rows on
 * (plain PostgreSQL), compressed chunks opened (old TimescaleDB).  Runs of
 * consecutive days go in one call.
 */
/*
 * The days that partitions of heap cover already, as if prepared: the load
 * asks once, not once a day.  Not a partitioned table of tsq's (no
 * tsq.partitions): every day is prepared as it comes.
 */
static void
read_ready_days(struct tsq_pool *p)
{
	const struct tsq_table *t = p->o.table;
	const char *params[2] = { t->schema, t->name };

	p->ensured_read = true;
	if (t->relkind != 'p' || t->time_col < 0)
		return;
	PGresult *res = tsq_exec(tsq_pool_conn(p), tsq_sql_file("load/ready_days.sql"), 2, params);
	for (int i = 0; tsq_result_ok(res) && i < PQntuples(res); i++) {
		long first = atol(PQgetvalue(res, i, 0)), last = atol(PQgetvalue(res, i, 1));
		for (long d = first; d <= last && last - first < 100000; d++)
			day_add(p->ensured, (int32_t)d);
	}
	PQclear(res);
}

static void
prepare_days(struct tsq_pool *p, struct tsq_round *r)
{
	size_t at;

	if (!p->ensured_read)
		read_ready_days(p);

	for (size_t i = 0; i < r->days.n;) {
		size_t j = i;
		while (j + 1 < r->days.n && r->days.day[j + 1] == r->days.day[j] + 1)
			j++;
		bool known = true;
		for (size_t k = i; k <= j && known; k++)
			known = day_find(p->ensured, r->days.day[k], &at);
		if (!known) {
			long changed;
			int64_t from = r->days.day[i] * TSQ_USEC_PER_DAY;
			int64_t to = r->days.day[j] * TSQ_USEC_PER_DAY + TSQ_USEC_PER_DAY - 1;
			PGresult *res = tsq_backend_before_write(tsq_pool_conn(p), p->o.backend,
			    p->o.table, from, to, &changed);
			if (res) {
				struct tsq_buf msg = TSQ_BUF_INIT;
				tsq_result_message(res, tsq_pool_conn(p), &msg);
				tsq_warning("could not prepare partitions for the rows: %s", msg.data);
				tsq_buf_free(&msg);
				PQclear(res);
			} else {
				if (changed)
					tsq_verbose("created or decompressed %ld partitions or chunks", changed);
				for (size_t k = i; k <= j; k++)
					day_add(p->ensured, r->days.day[k]);
			}
		}
		i = j + 1;
	}
}

static bool
record_days(struct tsq_worker *w, PGconn *conn, struct tsq_buf *err)
{
	const struct tsq_round *r = w->round;
	int known = 1;

	for (size_t i = 0; i < r->days.n;) {
		size_t j = i;
		while (j + 1 < r->days.n && r->days.day[j + 1] == r->days.day[j] + 1)
			j++;
		PGresult *res = tsq_backend_note_write(conn, w->pool->o.table,
		    r->days.day[i] * TSQ_USEC_PER_DAY, (r->days.day[j] + 1) * TSQ_USEC_PER_DAY, &known);
		if (res) {
			tsq_buf_adds(err, "could not record the days written, for tsq-compress: ");
			tsq_result_message(res, conn, err);
			PQclear(res);
			return false;
		}
		i = j + 1;
	}
	return true;
}

/* Run the statement of sql/FILE in the batch's transaction; false with ERR saying WHAT failed. */
static bool
record(PGconn *conn, const char *file, int n, const char *const *params, const char *what,
    struct tsq_buf *err)
{
	PGresult *res = tsq_exec(conn, tsq_sql_file(file), n, params);
	bool ok = tsq_result_ok(res);

	if (!ok) {
		tsq_buf_addf(err, "could not record %s: ", what);
		tsq_result_message(res, conn, err);
	}
	PQclear(res);
	return ok;
}

/* The worker's row of tsq.loads: how far the load has committed its rows. */
static bool
record_progress(struct tsq_worker *w, PGconn *conn, struct tsq_buf *err)
{
	const struct tsq_pool *p = w->pool;
	const struct tsq_round *r = w->round;
	char worker[16], workers[16], offset[32], line[32];

	snprintf(worker, sizeof worker, "%d", (int)(w - p->workers));
	snprintf(workers, sizeof workers, "%d", p->nworkers);
	snprintf(offset, sizeof offset, "%" PRId64, r->end_offset);
	snprintf(line, sizeof line, "%ld", r->end_line + 1);
	char ins[24], upd[24], unch[24], rej[24];
	snprintf(ins, sizeof ins, "%" PRIu64, w->writer.last.inserted);
	snprintf(upd, sizeof upd, "%" PRIu64, w->writer.last.updated);
	snprintf(unch, sizeof unch, "%" PRIu64, w->writer.last.unchanged);
	snprintf(rej, sizeof rej, "%zu", w->writer.nrejects);
	char hash[TSQ_PREFIX_HASH_SIZE];
	tsq_prefix_format(&r->end_prefix, hash);
	const char *params[13] = { p->load_id, worker, workers, p->o.table->schema, p->o.table->name,
	    p->source, offset, line, hash, ins, upd, unch, rej };
	return record(conn, "load/progress.sql", 13, params, "the load's progress", err);
}

/* tsq.writes: when rows last reached the table, for tsq-stats (a live load shows as it writes). */
static bool
record_write(struct tsq_worker *w, PGconn *conn, struct tsq_buf *err)
{
	const struct tsq_table *t = w->pool->o.table;
	const char *params[2] = { t->schema, t->name };

	return record(conn, "stats/written.sql", 2, params, "the time of the write, for tsq-stats",
	    err);
}

/* The symbols of the worker's batch, into the symbols table of the table's schema. */
/* Note the symbols of S (with their times) in the symbols table, on CONN. */
static bool
write_symbols(struct tsq_pool *p, PGconn *conn, const struct tsq_symseen *s, struct tsq_buf *err)
{
	struct tsq_buf names = TSQ_BUF_INIT, firsts = TSQ_BUF_INIT, lasts = TSQ_BUF_INIT;
	const struct tsq_table *t = p->o.table;

	tsq_symseen_arrays(s, &names, &firsts, &lasts);
	const char *params[5] = { t->schema, t->name, names.data, firsts.data, lasts.data };
	/* With the table's name where the schema keeps it (version 4). */
	bool ok = p->symbols_table == 2 ?
	    record(conn, "load/symbols_of.sql", 5, params, "the symbols written, in the symbols table", err) :
	    record(conn, "load/symbols.sql", 4, (const char *[]){ t->schema, names.data, firsts.data,
		lasts.data }, "the symbols written, in the symbols table", err);
	tsq_buf_free(&names);
	tsq_buf_free(&firsts);
	tsq_buf_free(&lasts);
	return ok;
}

/* The symbols of worker W's batch, noted now or left for a later note (struct tsq_worker). */
static bool
record_symbols(struct tsq_worker *w, PGconn *conn, struct tsq_buf *err)
{
	const struct tsq_symseen *seen = &w->round->seen[w - w->pool->workers];

	w->noting = w->deferred = false;
	if (seen->n == 0)
		return true;
	if (!w->pool->finishing && tsq_symseen_within(seen, &w->noted) &&
	    tsq_now_usec() - w->noted_at < SYMBOLS_EVERY_USEC) {
		w->deferred = true;
		return true;
	}
	tsq_symseen_reset(&w->note);
	tsq_symseen_merge(&w->note, &w->unnoted);
	tsq_symseen_merge(&w->note, seen);
	w->noting = write_symbols(w->pool, conn, &w->note, err);
	return w->noting;
}

/* After worker W's batch committed: what it noted is noted; what it left waits. */
static void
symbols_committed(struct tsq_worker *w)
{
	if (w->noting) {
		tsq_symseen_reset(&w->unnoted);
		tsq_symseen_merge(&w->noted, &w->note);
		w->noted_at = tsq_now_usec();
	} else if (w->deferred) {
		tsq_symseen_merge(&w->unnoted, &w->round->seen[w - w->pool->workers]);
	}
	w->noting = w->deferred = false;
}

/* The symbols still waiting when a load's rows are all written: noted on their own. */
static void
note_left_symbols(struct tsq_pool *p)
{
	for (int i = 0; i < p->nworkers && p->symbols_table > 0; i++) {
		struct tsq_worker *w = &p->workers[i];
		struct tsq_buf err = TSQ_BUF_INIT;
		if (w->unnoted.n == 0)
			continue;
		if (write_symbols(p, w->conn, &w->unnoted, &err))
			tsq_symseen_reset(&w->unnoted);
		else
			tsq_warning("%s", err.data);
		tsq_buf_free(&err);
	}
}

/*
 * The writer's hook, in each batch's transaction just before its COMMIT:
 * the rows the server refused go to the reject file, the days the round has
 * rows on to tsq.touched (tsq-compress refreshes the rollups over every
 * batch, whenever it runs), and the load's progress to tsq.loads, all with
 * the rows or not at all: a crash after the commit loses no reject record,
 * and a resume or a retry knows exactly which batches are in.
 */
static bool
before_commit(void *arg, PGconn *conn, struct tsq_buf *err)
{
	struct tsq_worker *w = arg;
	struct tsq_pool *p = w->pool;
	const struct tsq_batch *b = w->job;

	for (size_t k = 0; k < w->writer.nrejects; k++) {
		const struct tsq_server_reject *rj = &w->writer.rejects[k];
		struct tsq_row *row = &w->job->rows[rj->row];
		/* A batch sent again (its connection lost before the commit) wrote it already. */
		if (row->reject_written)
			continue;
		if (!p->o.hooks.rejected(p->o.hooks.arg, row, b->raw.data + row->raw_off, rj,
		    p->nworkers > 1 ? (int)(w - p->workers) : -1)) {
			tsq_buf_adds(err, "could not write the reject file");
			return false;
		}
		row->reject_written = true;
	}
	if (p->touched_table > 0 && !record_days(w, conn, err))
		return false;
	if (p->load_id && p->source && w->round->end_offset > 0 && !record_progress(w, conn, err))
		return false;
	/* Only a batch that changed something is a write (a reload of unchanged rows is not). */
	bool changed = w->writer.last.inserted + w->writer.last.updated > 0;
	if (p->writes_table > 0 && changed && !record_write(w, conn, err))
		return false;
	if (p->symbols_table > 0 && changed && !record_symbols(w, conn, err))
		return false;
	return true;
}

static bool
transient(const struct tsq_writer *w)
{
	const char *state = w->fatal ? PQresultErrorField(w->fatal, PG_DIAG_SQLSTATE) : NULL;
	return state && (strcmp(state, TSQ_STATE_DEADLOCK_DETECTED) == 0 || strcmp(state, TSQ_STATE_SERIALIZATION_FAILURE) == 0);
}

/* Sleep USEC, in steps, unless a second signal asks to give up. */
static void
pause_usec(int64_t usec)
{
	while (usec > 0 && !tsq_cancel_aborted()) {
		int64_t step = usec < 100000 ? usec : 100000;
		struct timespec t = { 0, (long)step * 1000 };
		nanosleep(&t, NULL);
		usec -= step;
	}
}

/*
 * The connection of worker W was lost (a server restart, a failover):
 * connect again, with a pause that doubles up to 15 s, until p->o.retry_usec
 * has passed since it was lost.  Then look in tsq.loads whether the batch
 * committed before the connection went (its COMMIT sent, the answer lost):
 * then it is done, with the counts it recorded; else it is to be written
 * again.  False when the server did not come back in time (w->writer's
 * message says so).
 */
static bool
reconnect(struct tsq_worker *w, bool *committed)
{
	struct tsq_pool *p = w->pool;
	int64_t wait = 500000;
	struct tsq_buf why = TSQ_BUF_INIT, err = TSQ_BUF_INIT;

	*committed = false;
	if (w->lost_since == 0)
		w->lost_since = tsq_now_usec();
	int64_t lost = w->lost_since;
	tsq_buf_add(&why, w->writer.fatal_msg.data, w->writer.fatal_msg.len);
	for (int attempt = 1;; attempt++) {
		int64_t left = lost + p->o.retry_usec - tsq_now_usec();
		if (left <= 0 || tsq_cancel_aborted()) {
			tsq_buf_reset(&w->writer.fatal_msg);
			tsq_buf_addf(&w->writer.fatal_msg, "the server did not come back within --retry "
			    "(%.0f s): %s", (double)p->o.retry_usec / 1e6, why.data);
			tsq_buf_free(&why);
			tsq_buf_free(&err);
			return false;
		}
		int64_t nap = wait < left ? wait : left;
		tsq_warning("connection lost: %s; retrying in %.1f s (attempt %d, for %.0f s more)",
		    why.data, (double)nap / 1e6, attempt, (double)left / 1e6);
		pause_usec(nap);
		wait = wait * 2 > 15000000 ? 15000000 : wait * 2;
		/* A node behind the server (a Citus worker) was lost, not this connection. */
		if (PQstatus(w->conn) == CONNECTION_OK) {
			PGresult *probe = PQexec(w->conn, "SELECT 1");
			bool alive = PQresultStatus(probe) == PGRES_TUPLES_OK;
			PQclear(probe);
			if (alive)
				break;
		}
		PGconn *conn = NULL;
		tsq_buf_reset(&err);
		if (tsq_conn_open(p->conn_opts, &conn, &err) != TSQ_CONN_OK) {
			tsq_buf_reset(&why);
			tsq_buf_add(&why, err.data, err.len);
			continue;
		}
		PQfinish(w->conn);
		w->conn = w->writer.conn = conn;
		w->writer.staged = w->writer.iso_made = false;
		tsq_cancel_register(conn);
		break;
	}
	tsq_buf_free(&err);
	tsq_buf_free(&why);
	tsq_info("trying again after %.1f s", (double)(tsq_now_usec() - lost) / 1e6);
	/* The batch's parts a node kept prepared are settled before it is sent again. */
	tsq_pool_recover(p);
	/* The partitions the round needs, made on this connection (the server may be new). */
	for (size_t i = 0; i < w->round->days.n; i++) {
		long changed;
		int64_t from = w->round->days.day[i] * TSQ_USEC_PER_DAY;
		PGresult *res = tsq_backend_before_write(w->conn, p->o.backend, p->o.table, from,
		    from + TSQ_USEC_PER_DAY - 1, &changed);
		PQclear(res);
	}
	if (!p->load_id || !p->source)
		return true;
	char worker[16];
	snprintf(worker, sizeof worker, "%d", (int)(w - p->workers));
	const char *params[3] = { p->load_id, p->source, worker };
	PGresult *res = tsq_exec(w->conn, tsq_sql_file("load/progress_batch.sql"), 3, params);
	if (tsq_result_ok(res) && PQntuples(res) == 1 &&
	    strtoll(PQgetvalue(res, 0, 0), NULL, 10) >= w->round->end_offset) {
		*committed = true;
		w->writer.counts.inserted += strtoull(PQgetvalue(res, 0, 1), NULL, 10);
		w->writer.counts.updated += strtoull(PQgetvalue(res, 0, 2), NULL, 10);
		w->writer.counts.unchanged += strtoull(PQgetvalue(res, 0, 3), NULL, 10);
		w->recovered_rejected = strtoull(PQgetvalue(res, 0, 4), NULL, 10);
		tsq_info("the batch to line %ld was committed before the connection was lost: not "
		    "written again", w->round->end_line);
	}
	PQclear(res);
	return true;
}

/*
 * Whether the batch failed because the connection went: libpq may still
 * call it open after the server sent "terminating connection" (57P01) or
 * closed it (an error of libpq's own, without a SQLSTATE); a statement
 * tells.
 */
static bool
connection_lost(struct tsq_worker *w)
{
	/* A Citus coordinator that could not reach a worker: 08006 on a live connection. */
	const char *s = w->writer.fatal ? PQresultErrorField(w->writer.fatal, PG_DIAG_SQLSTATE) : NULL;
	const char *m = w->writer.fatal ?
	    PQresultErrorField(w->writer.fatal, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (s && strncmp(s, "08", 2) == 0)
		return true;
	/* And one whose worker went during the commit (Citus gives it no SQLSTATE of its own). */
	if (s && strcmp(s, TSQ_STATE_INTERNAL_ERROR) == 0 && m &&
	    strncmp(m, "failure on connection marked as essential", 41) == 0)
		return true;
	const char *state = w->writer.fatal ?
	    PQresultErrorField(w->writer.fatal, PG_DIAG_SQLSTATE) : NULL;

	if (PQstatus(w->conn) == CONNECTION_BAD)
		return true;
	if (state && strncmp(state, "08", 2) != 0 && strncmp(state, "57P", 3) != 0)
		return false;
	PGresult *res = PQexec(w->conn, "SELECT 1");
	bool alive = PQresultStatus(res) == PGRES_TUPLES_OK;
	PQclear(res);
	return !alive || PQstatus(w->conn) == CONNECTION_BAD;
}

/*
 * A worker's thread: write its batch, again after a deadlock or a
 * serialization failure (nothing of a failed attempt was committed), and,
 * with --retry, after the connection was lost and found again.
 */
static void *
write_batch(void *arg)
{
	struct tsq_worker *w = arg;

	for (int attempt = 1;; attempt++) {
		w->ok = tsq_writer_flush(&w->writer, w->job);
		if (w->ok)
			w->lost_since = 0;
		if (w->ok || tsq_cancel_aborted())
			break;
		if (w->pool->o.retry_usec > 0 && connection_lost(w)) {
			bool committed;
			if (!reconnect(w, &committed)) {
				w->gave_up = true;
				break;
			}
			if (committed) {
				w->ok = true;
				break;
			}
			attempt = 0;
			continue;
		}
		if (attempt == ATTEMPTS || !transient(&w->writer))
			break;
		w->retries++;
		struct timespec pause = { 0, 50000000L << (attempt - 1) };
		nanosleep(&pause, NULL);
	}
	w->finished = 1;
	return NULL;
}

/* What round R read, and where its input ended: the start of what is said of it. */
static struct tsq_round_done
round_done(const struct tsq_round *r)
{
	struct tsq_round_done done;

	memset(&done, 0, sizeof done);
	done.read = r->read;
	done.duplicates = r->dups;
	done.end_line = r->end_line;
	done.end_offset = r->end_offset;
	done.end_prefix = r->end_prefix;
	return done;
}

/* Wait for the round in flight and account for it.  False when it failed. */
static bool
wait_inflight(struct tsq_pool *p)
{
	struct tsq_round *r = &p->rounds[p->cur ^ 1];
	struct tsq_round_done done;
	bool ok = true;

	if (!r->inflight)
		return !p->stopped;
	r->inflight = false;
	for (int i = 0; i < p->nworkers; i++)
		pthread_join(p->workers[i].thread, NULL);
	tsq_cancel_running(false);
	done = round_done(r);
	for (int i = 0; i < p->nworkers && ok; i++) {
		struct tsq_worker *w = &p->workers[i];
		if (w->ok)
			continue;
		ok = false;
		const char *state = w->writer.fatal ?
		    PQresultErrorField(w->writer.fatal, PG_DIAG_SQLSTATE) : NULL;
		/* A statement cancelled by Ctrl-C: the signal says it all. */
		p->gave_up |= w->gave_up;
		if (tsq_cancel_aborted() && state && strcmp(state, TSQ_STATE_QUERY_CANCELED) == 0)
			p->stopped = true;
		else
			fail(p, "could not write the rows up to line %ld: %s", r->end_line,
			    w->writer.fatal_msg.data);
		p->failed_result = w->writer.fatal;
	}
	for (int i = 0; i < p->nworkers && ok; i++) {
		struct tsq_worker *w = &p->workers[i];
		done.rejected += w->writer.nrejects + w->recovered_rejected;
		w->recovered_rejected = 0;
		done.inserted += w->writer.counts.inserted - w->seen.inserted;
		done.updated += w->writer.counts.updated - w->seen.updated;
		done.unchanged += w->writer.counts.unchanged - w->seen.unchanged;
		done.fast_batches += w->writer.counts.fast_batches - w->seen.fast_batches;
		done.retries += w->retries;
		w->seen = w->writer.counts;
		w->retries = 0;
		symbols_committed(w);
	}
	if (!ok) {
		/* Its rows are not written: they wait for tsq_pool_discard (the pending file). */
		r->failed = true;
		return false;
	}
	p->o.hooks.committed(p->o.hooks.arg, &done);
	round_reset(p, r);
	return ok;
}

/* A dry run: the round counts as written, nothing is sent. */
static void
count_round(struct tsq_pool *p, struct tsq_round *r)
{
	struct tsq_round_done done = round_done(r);

	for (int i = 0; i < p->nworkers; i++)
		done.inserted += r->batch[i].alive;
	p->o.hooks.committed(p->o.hooks.arg, &done);
	round_reset(p, r);
}

bool
tsq_pool_flush(struct tsq_pool *p)
{
	struct tsq_round *r = &p->rounds[p->cur];

	/* While the round before is still being written: its writer starts at once. */
	for (int i = 0; i < p->nworkers && !p->o.dry_run; i++)
		tsq_batch_seal(&r->batch[i]);
	if (!wait_inflight(p))
		return false;
	if (r->rows == 0 || p->o.dry_run) {
		/* Nothing to write (all rejected, say): the position can move on. */
		if (r->rows > 0 || r->end_offset > 0)
			count_round(p, r);
		return true;
	}
	prepare_days(p, r);
	if (p->touched_table == 0) {
		PGresult *res = tsq_backend_note_write(tsq_pool_conn(p), p->o.table, INT64_MIN,
		    INT64_MAX, &p->touched_table);
		if (res) {
			p->touched_table = -1;
			PQclear(res);
		}
	}
	if (p->symbols_table == 0) {
		const char *sp[1] = { p->o.table->schema };
		PGresult *res = tsq_exec(tsq_pool_conn(p), tsq_sql_file("load/symbols_probe.sql"), 1, sp);
		p->symbols_table = tsq_result_ok(res) ? atoi(PQgetvalue(res, 0, 0)) : 0;
		if (p->symbols_table == 0)
			p->symbols_table = -1;
		PQclear(res);
	}
	if (p->writes_table == 0) {
		PGresult *res = tsq_exec(tsq_pool_conn(p), "SELECT to_regclass('tsq.writes') IS NOT NULL",
		    0, NULL);
		p->writes_table = tsq_result_ok(res) && PQgetvalue(res, 0, 0)[0] == 't' ? 1 : -1;
		PQclear(res);
	}
	/* Signals go to the main thread, which may be waiting in read(). */
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	tsq_cancel_running(true);
	for (int i = 0; i < p->nworkers; i++) {
		p->workers[i].job = &r->batch[i];
		p->workers[i].pool = p;
		p->workers[i].round = r;
		p->workers[i].writer.hook = (struct tsq_writer_hook){ before_commit, &p->workers[i] };
		p->workers[i].finished = 0;
		pthread_create(&p->workers[i].thread, NULL, write_batch, &p->workers[i]);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	r->inflight = true;
	p->cur ^= 1;
	p->rounds[p->cur].end_line = r->end_line;
	p->rounds[p->cur].end_offset = r->end_offset;
	p->rounds[p->cur].end_prefix = r->end_prefix;
	return true;
}

bool
tsq_pool_finish(struct tsq_pool *p)
{
	p->finishing = true;
	bool ok = tsq_pool_flush(p) && wait_inflight(p);
	p->finishing = false;
	if (ok && !p->o.dry_run)
		note_left_symbols(p);
	return ok;
}

/* Every row of round R not written, to the pending hook; its duplicates counted. */
static void
give_back(struct tsq_pool *p, struct tsq_round *r, const char *why)
{
	struct tsq_round_done done;

	memset(&done, 0, sizeof done);
	for (int i = 0; i < p->nworkers; i++) {
		const struct tsq_batch *b = &r->batch[i];
		for (size_t k = 0; k < b->n; k++)
			if (b->rows[k].alive && p->o.hooks.pending)
				p->o.hooks.pending(p->o.hooks.arg, &b->rows[k], b->raw.data + b->rows[k].raw_off,
				    why);
	}
	if (p->o.hooks.discarded && r->read > 0) {
		done.read = r->read;
		done.duplicates = r->dups;
		p->o.hooks.discarded(p->o.hooks.arg, &done);
	}
	round_reset(p, r);
}

void
tsq_pool_discard(struct tsq_pool *p)
{
	struct tsq_round *flight = &p->rounds[p->cur ^ 1];

	wait_inflight(p);
	const char *why = p->failure.len ? p->failure.data : "interrupted before it was written";
	/* The round in flight first: its rows came first. */
	if (flight->failed)
		give_back(p, flight, why);
	give_back(p, &p->rounds[p->cur], why);
}

bool
tsq_pool_busy(const struct tsq_pool *p)
{
	const struct tsq_round *r = &p->rounds[p->cur ^ 1];

	if (!r->inflight)
		return false;
	for (int i = 0; i < p->nworkers; i++)
		if (!p->workers[i].finished)
			return true;
	return false;
}

bool
tsq_pool_collect(struct tsq_pool *p)
{
	if (p->rounds[p->cur ^ 1].inflight && !tsq_pool_busy(p))
		return wait_inflight(p);
	return !p->stopped;
}

int64_t
tsq_pool_oldest(const struct tsq_pool *p)
{
	const struct tsq_round *r = &p->rounds[p->cur];

	return r->rows > 0 ? r->first_usec : INT64_MAX;
}

void
tsq_pool_close(struct tsq_pool *p)
{
	if (p->workers == NULL)
		return;
	tsq_cancel_release();
	for (int i = 0; i < p->nworkers; i++) {
		tsq_writer_drop_stage(&p->workers[i].writer);
		tsq_writer_free(&p->workers[i].writer);
		if (p->workers[i].conn)
			PQfinish(p->workers[i].conn);
		tsq_symseen_free(&p->workers[i].noted);
		tsq_symseen_free(&p->workers[i].unnoted);
		tsq_symseen_free(&p->workers[i].note);
	}
	for (int r = 0; r < 2; r++) {
		for (int i = 0; i < p->nworkers; i++) {
			tsq_batch_free(&p->rounds[r].batch[i]);
			tsq_symseen_free(&p->rounds[r].seen[i]);
		}
		free(p->rounds[r].batch);
		free(p->rounds[r].seen);
		free(p->rounds[r].days.day);
	}
	free(p->rounds);
	free(p->workers);
	free(p->ensured->day);
	free(p->ensured);
	tsq_keyset_free(&p->keys);
	tsq_buf_free(&p->failure);
	memset(p, 0, sizeof *p);
}
