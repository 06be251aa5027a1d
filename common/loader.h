/*
 * loader.h - the write side of tsq-load: batches of rows in PostgreSQL's
 * binary COPY format, deduplicated by key, written through one connection.
 *
 *   plan    how rows reach the table: COPY straight into it, or COPY into a
 *           staging table (temporary; on Citus distributed like the table)
 *           and an INSERT .. SELECT .. ON CONFLICT
 *   batch   the rows of one transaction, with their source (file, line,
 *           offset, raw text) so a row the server refuses can be reported
 *   writer  one connection; commits a batch, isolating rows the server
 *           refuses (the rest of the batch still lands)
 *
 * Duplicate keys are settled when a row joins its batch, before anything
 * reaches the server, so an upsert never meets the same key twice.
 */
#ifndef TSQ_LOADER_H
#define TSQ_LOADER_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <libpq-fe.h>

#include "buf.h"
#include "catalog.h"

enum tsq_conflict {
	TSQ_CONFLICT_NONE,	/* no key: plain insert */
	TSQ_CONFLICT_UPDATE,	/* upsert, skipping rows whose values are unchanged */
	TSQ_CONFLICT_NOTHING,	/* keep the row already there */
	TSQ_CONFLICT_ERROR,	/* a key already there rejects the new row */
};

enum tsq_dedupe {
	TSQ_DEDUPE_LAST,
	TSQ_DEDUPE_FIRST,
	TSQ_DEDUPE_ERROR,
};

struct tsq_colsets;

/*
 * The statements that write through one staging table.  On one server the
 * plan's own, for a temporary table; on Citus each writer has its own, for
 * an unlogged table distributed and colocated like the target, so that the
 * INSERT .. SELECT and the pruning run on the workers, shard by shard, and
 * no row passes back through the coordinator.
 */
struct tsq_stage {
	char *name;		/* ready for SQL */
	char *create;		/* creates it */
	char *copy;		/* COPY into it */
	char *empty;		/* TRUNCATE it (a distributed one keeps rows past a commit) */
	char *drop;
	char *insert;		/* staging table to table */
	char *insert_new;	/* partitioned or distributed upserts: the new keys first, DO NOTHING */
	char *insert_plain;	/* a distributed one: into a range that holds nothing, no ON CONFLICT */
	char *prune;		/* drop staged rows the table holds unchanged */
	char *prune_range;	/* the same, reading only [$1, $2] of the time column */
	char *unchanged_range;	/* how many staged rows it holds unchanged, in [$1, $2] */
	char *count;		/* how many rows it holds */
	bool tagged;		/* the INSERTs' counts are in their command tags, not a row */
};

struct tsq_load_plan {
	const struct tsq_table *table;
	int *cols;		/* table column of each field of a row */
	int ncols;
	int *keypos;		/* fields that make up the dedupe key */
	int nkey;
	enum tsq_conflict conflict;
	enum tsq_dedupe dedupe;
	bool direct;		/* COPY straight into the table */
	bool distributed_stage;	/* each writer stages in a distributed table of its own
				 * (with the first batch, for the rows routed through it) */
	const char *setup_sql;	/* run after BEGIN, or NULL */
	char *copy_sql;		/* direct: COPY into the table */
	struct tsq_stage stage;	/* neither direct nor distributed_stage: the temporary table */
	char *direct_copy_sql;	/* COPY into the table, for batches into an empty range */
	char *range_sql;	/* is any row in [$1, $2] of the time column already? */
	char *iso_sql;		/* creates the isolation table: staged columns and a row number */
	char *iso_copy_sql;	/* COPY into it, each row with its number */
	struct tsq_colsets *cs;	/* the columns written, for the isolation statements */
};

/*
 * Settle the write path for loading columns COLS of T.  Returns false with
 * ERR set if CONFLICT cannot be honoured (no key to judge conflicts on).
 */
bool tsq_load_plan_init(struct tsq_load_plan *p, const struct tsq_table *t, const int *cols,
    int ncols, enum tsq_conflict conflict, enum tsq_dedupe dedupe, const char *setup_sql,
    struct tsq_buf *err);
void tsq_load_plan_free(struct tsq_load_plan *p);

/* Where a row came from, for a reject record if the server refuses it. */
struct tsq_row_origin {
	const char *raw;	/* the record's text: its first TSQ_RECORD_PREFIX bytes are kept */
	size_t rawlen;
	int64_t rawsize;	/* its full size */
	uint32_t tag;		/* the caller's (tsq-load: the record's format) */
	long line;
	int64_t offset;
	uint64_t absent;	/* fields (bit F for field F) that take their column's default */
	int64_t element;	/* 1 + its index in a JSON array document; 0: none */
};

/*
 * A batch's buffers hold at most this many bytes of tuples, keys and text
 * (offsets are 32 bits); callers cap batches well below it.
 */
#define TSQ_BATCH_MAX_BYTES (UINT32_MAX / 2)

struct tsq_row {
	uint32_t off, len;		/* the tuple in data */
	uint32_t key_off, key_len;	/* the key in keys */
	uint32_t raw_off, raw_len;	/* the record text in raw */
	uint32_t tag;
	long line;
	int64_t offset;
	int64_t raw_size;
	int64_t element;		/* as tsq_row_origin's */
	uint64_t hash;
	uint64_t absent;		/* fields that take their column's default */
	bool alive;			/* false once a later duplicate replaced it */
	bool reject_written;		/* its reject record is written (a batch sent again skips it) */
};

struct tsq_batch {
	struct tsq_buf data, keys, raw;
	struct tsq_row *rows;
	size_t n, cap, alive;
	uint64_t *slots;		/* open addressing over rows (loader.c: slot_of) */
	size_t nslots;
	int64_t min_time, max_time;	/* of the rows' time column (the caller sets them) */
	size_t *order, norder, order_cap;	/* the live rows as written (tsq_batch_seal) */
	bool sealed;
	bool any_absent;		/* a row has fields that take their default: written from ISO */
};

enum tsq_add_result {
	TSQ_ADD_OK,
	TSQ_ADD_DUPLICATE,	/* a duplicate was dropped (the new row or an older one) */
	TSQ_ADD_REFUSED,	/* --dedupe error: the new row repeats a key */
};

void tsq_batch_init(struct tsq_batch *b);
void tsq_batch_reset(struct tsq_batch *b);
void tsq_batch_free(struct tsq_batch *b);

/*
 * Every key of a load, for --dedupe first and error, which hold across the
 * whole input (not only within a batch): the key bytes and the line they
 * came on, in one arena, found by hash.  Costs the keys' size plus about 20
 * bytes a key.
 */
struct tsq_keyset {
	struct tsq_buf arena;	/* per key: line (int64), length (uint32), bytes */
	uint64_t *slots;	/* hash bits above, arena offset + 1 below (40 bits) */
	size_t nslots, n;
};

void tsq_keyset_init(struct tsq_keyset *s);
void tsq_keyset_free(struct tsq_keyset *s);
/*
 * True, with *FIRST_LINE, when KEY was added before; otherwise it is added
 * with LINE.
 */
bool tsq_keyset_seen(struct tsq_keyset *s, const void *key, size_t klen, uint64_t hash, long line,
    long *first_line);

/* The hash of a key, for dedupe and for routing rows to workers. */
uint64_t tsq_key_hash(const void *key, size_t len);

/*
 * Add a row: TUPLE is its binary COPY tuple, KEY the bytes of its key
 * fields (empty when there is no key).  For TSQ_ADD_REFUSED, *FIRST_LINE is
 * the line of the row that had the key first.
 */
enum tsq_add_result tsq_batch_add(struct tsq_batch *b, enum tsq_dedupe dedupe,
    const void *tuple, size_t tlen, const void *key, size_t klen, uint64_t hash,
    const struct tsq_row_origin *origin, long *first_line);
/*
 * The order a batch is written in: its rows IDX[0..N) in runs by the leading
 * field of their key (a symbol, mostly), each value's rows in the order they
 * came, the values in the order they first came.  Left as they are when
 * there is no key or its leading field is nearly unique (one value in eight
 * rows or more).  Rows the server refuses are still reported in input order.
 */
void tsq_batch_order(const struct tsq_batch *b, size_t *idx, size_t n);
/*
 * Settle the rows B is written with, and their order, into b->order: done
 * by the reading thread when the batch is full, so that the writer starts
 * at once (tsq_writer_flush seals a batch that is not).
 */
void tsq_batch_seal(struct tsq_batch *b);
/* The bytes the batch holds. */
size_t tsq_batch_bytes(const struct tsq_batch *b);

struct tsq_load_counts {
	uint64_t inserted, updated, unchanged;
	uint64_t fast_batches;	/* batches copied straight in: their time range was empty */
};

struct tsq_server_reject {
	size_t row;		/* index into the batch */
	char *error, *sqlstate, *column;
};

/*
 * Run in each batch's transaction just before its COMMIT, so that what it
 * records (the time ranges written, for tsq-compress) is committed with the
 * rows or not at all.  False with ERR set: the batch is not committed.
 */
struct tsq_writer_hook {
	bool (*before_commit)(void *arg, PGconn *conn, struct tsq_buf *err);
	void *arg;
};

struct tsq_route;

struct tsq_writer {
	PGconn *conn;
	struct tsq_writer_hook hook;
	const struct tsq_load_plan *plan;
	bool staged;			/* the staging table exists */
	bool iso_made;			/* and the isolation table */
	bool no_plpgsql;		/* the server cannot write rows one by one in PL/pgSQL */
	bool stage_dirty;
	bool stage_kept;		/* the staging table keeps its rows past a commit (distributed) */
	struct tsq_stage stage;		/* plan->distributed_stage: the writer's own */
	struct tsq_route *route;	/* and its rows sent straight to its shards (route.h) */
	struct tsq_route *own;		/* the table's shards, written straight in two phases */
	bool own_tried;
	struct tsq_load_counts counts;	/* committed so far */
	struct tsq_load_counts last;	/* of the batch being committed (for the hook) */
	struct tsq_server_reject *rejects;	/* of the last flush */
	size_t nrejects, rcap;
	PGresult *fatal;		/* why the last flush failed */
	struct tsq_buf fatal_msg;
	struct tsq_buf send;		/* rows gathered for one CopyData message */
};

void tsq_writer_init(struct tsq_writer *w, PGconn *conn, const struct tsq_load_plan *plan);
void tsq_writer_free(struct tsq_writer *w);
/* Drop the writer's distributed staging table, if it made one (at the end of a load). */
void tsq_writer_drop_stage(struct tsq_writer *w);

/*
 * Write the live rows of B in one transaction and commit it.  Rows the
 * server refuses are left out and listed in w->rejects; the others are
 * committed.  Returns false when the batch could not be committed at all
 * (w->fatal_msg says why, w->fatal holds the server's error if there was
 * one); nothing of it was written then.
 */
bool tsq_writer_flush(struct tsq_writer *w, struct tsq_batch *b);

/*
 * COPY (statement SQL, binary) the rows IDX[0..N) of B over CONN, gathered
 * in OUT into messages of up to 256 kB whatever the order of the rows (a
 * message per row would cost the server a message header each).  NUMBERED
 * adds to each row its position in IDX and the fields that take their
 * default (the isolation table's tsq_n and tsq_absent).  The COPY's result.
 */
PGresult *tsq_copy_batch(PGconn *conn, struct tsq_buf *out, const char *sql,
    const struct tsq_batch *b, const size_t *idx, size_t n, bool numbered);

/* SQLSTATEs that blame a row rather than the load. */
bool tsq_sqlstate_is_row_error(const char *sqlstate);

#endif
