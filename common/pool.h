/*
 * pool.h - the connections that write a load, and the rounds of batches in
 * flight.
 *
 * A round is one batch per worker.  While the workers write a round, each
 * batch in its own transaction on its own thread, the caller reads rows into
 * the next one: parsing and writing overlap, and memory holds two rounds.
 * A row goes to the worker its route hash names, so that two workers never
 * write the same key (or, on a compressed hypertable, the same compressed
 * batch).  A round is full at a number of rows or of bytes.
 *
 * When a round is committed the pool tells the caller through its hooks:
 * first each row the server refused (isolated from its batch, the rest of
 * which was written), then the round itself with the input position it
 * covers, for the accounting and the checkpoint.  A batch that fails on a
 * deadlock or a serialization failure (a concurrent compression, say) is
 * retried a few times before the load stops.
 */
#ifndef TSQ_POOL_H
#define TSQ_POOL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <libpq-fe.h>

#include "backend.h"
#include "buf.h"
#include "catalog.h"
#include "conn.h"
#include "loader.h"
#include "mapper.h"
#include "reader.h"

#define TSQ_POOL_MAX_WORKERS 64

/* What one committed round brought. */
struct tsq_round_done {
	uint64_t read;		/* rows that joined its batches, duplicates included */
	uint64_t rejected;	/* rows of them the server refused (already in the reject file) */
	uint64_t duplicates;	/* rows dropped for a later (or earlier) one of the same key */
	uint64_t inserted, updated, unchanged;
	uint64_t fast_batches;	/* batches copied straight in: their time range was empty */
	uint64_t retries;	/* batches written again after a deadlock */
	long end_line;		/* the input position the round reached */
	int64_t end_offset;
	struct tsq_prefix end_prefix;	/* the input's bytes up to it (reader.h) */
};

struct tsq_pool_hooks {
	void *arg;
	/*
	 * A row the server refused in WORKER's batch, called on that worker's
	 * thread before the batch commits (so that a crash cannot commit the
	 * batch and lose the record); false when it could not be recorded: the
	 * batch is not committed and the load stops.
	 */
	bool (*rejected)(void *arg, const struct tsq_row *row, const char *raw,
	    const struct tsq_server_reject *why, int worker);
	/* A round is committed and its refused rows recorded. */
	void (*committed)(void *arg, const struct tsq_round_done *done);
	/*
	 * A row read but never to be written (the load stopped, a second signal):
	 * WHY says what stopped it.  Then its round's figures (read, duplicates).
	 */
	void (*pending)(void *arg, const struct tsq_row *row, const char *raw, const char *why);
	void (*discarded)(void *arg, const struct tsq_round_done *done);
};

struct tsq_pool_opts {
	int workers;
	long batch_rows;	/* a round is full at this many rows */
	size_t batch_bytes;	/* or this many bytes */
	bool dry_run;		/* count, write nothing */
	int64_t retry_usec;	/* a lost connection is sought again this long (0: never) */
	const struct tsq_backend *backend;
	const struct tsq_table *table;
	struct tsq_pool_hooks hooks;
};

struct tsq_worker;
struct tsq_round;

struct tsq_pool {
	struct tsq_pool_opts o;
	const struct tsq_load_plan *plan;
	struct tsq_worker *workers;
	int nworkers;
	struct tsq_round *rounds;	/* two */
	int cur;			/* the round being read into */
	struct tsq_daylist *ensured;	/* days whose partitions exist */
	bool ensured_read;		/* with those the load found (ready_days.sql) */
	/*
	 * The load's record in tsq.loads, which each batch's transaction
	 * updates (NULL load_id: none): its id and the input being read.
	 */
	const char *load_id;
	const char *source;
	int writes_table;		/* tsq.writes exists: 0 not probed, 1 yes, -1 no */
	struct tsq_keyset keys;		/* --dedupe first, error: every key of the input so far */
	int touched_table;		/* tsq.touched exists: 0 not probed, 1 yes, -1 no */
	int symbols_table;		/* tsq.note_symbols: 2 naming the table, 1 without, -1 none, 0 unknown */
	bool finishing;			/* the rounds being written are the last before a pause or the end */
	const struct tsq_conn_opts *conn_opts;	/* for connecting again */
	struct tsq_buf failure;		/* why the load must stop, when it must */
	const PGresult *failed_result;	/* the server's error behind it, if any */
	bool stopped;
	bool gave_up;			/* a connection was lost and not found again in --retry */
};

/*
 * Connect the workers.  On failure ERR says why and the status tells a
 * refused connection from a refused session setting.
 */
enum tsq_conn_status tsq_pool_open(struct tsq_pool *p, const struct tsq_conn_opts *conn,
    const struct tsq_pool_opts *o, struct tsq_buf *err);
/* The first worker's connection, for the catalog and the partitions. */
PGconn *tsq_pool_conn(const struct tsq_pool *p);
/*
 * On Citus, after a worker node was lost between the two phases of a
 * commit (tsq_conn_take_commit_doubt()): have the coordinator commit on the
 * workers what it committed, so that every row the load counts is there
 * when it ends; tried again, while the node is away, for retry_usec.
 * False with ERR set when it could not be done (Citus's own recovery will).
 */
bool tsq_pool_settle(struct tsq_pool *p, struct tsq_buf *err);
/*
 * On Citus: settle the parts of batches that loads left prepared on the
 * workers (route.h: committed or rolled back as their coordinator
 * transaction ended), before this load writes.
 */
void tsq_pool_recover(struct tsq_pool *p);
/* Write with PLAN from now on (every round in flight is finished first). */
bool tsq_pool_set_plan(struct tsq_pool *p, const struct tsq_load_plan *plan);

/* Add a row to the round being read.  See tsq_batch_add. */
enum tsq_add_result tsq_pool_add(struct tsq_pool *p, const struct tsq_mapped *row,
    enum tsq_dedupe dedupe, const struct tsq_row_origin *origin, long *first_line);
/*
 * The input position up to which the round being read accounts for every
 * record, and the hash of the input's bytes before it.
 */
void tsq_pool_advance(struct tsq_pool *p, long end_line, int64_t end_offset,
    const struct tsq_prefix *prefix);
bool tsq_pool_full(const struct tsq_pool *p);
/* Rows read and not yet accounted for: in the round being read and in flight. */
long tsq_pool_pending(const struct tsq_pool *p);

/*
 * Wait for the round in flight, then hand the round being read to the
 * workers.  False when the load must stop (p->failure says why, unless a
 * signal stopped it).
 */
bool tsq_pool_flush(struct tsq_pool *p);
/* Everything read so far, committed (or failed). */
bool tsq_pool_finish(struct tsq_pool *p);
/*
 * After a stop: the rounds not written (the one that failed in flight, the
 * one being read) are given to the pending hook row by row and dropped.
 */
void tsq_pool_discard(struct tsq_pool *p);
/* A round is in flight and not all its batches are written yet. */
bool tsq_pool_busy(const struct tsq_pool *p);
/* Account for the round in flight if it is written, without waiting.  False when it failed. */
bool tsq_pool_collect(struct tsq_pool *p);
/* When the oldest row of the round being read came (tsq_now_usec), or INT64_MAX. */
int64_t tsq_pool_oldest(const struct tsq_pool *p);
/* Start reading a new input: positions restart. */
void tsq_pool_reset_position(struct tsq_pool *p);

void tsq_pool_close(struct tsq_pool *p);

#endif
