/*
 * maint-int.h - the parts of the maintenance engine (maint.h) and what they
 * offer each other; nothing outside maint*.c, journal.c, storage.c,
 * refresh.c and jobs.c includes it.
 *
 *	journal.c	SQL files run for the engine; actions recorded, logged,
 *			printed on --dry-run; the table's advisory lock
 *	refresh.c	the rollups of a table, refreshed over what changed
 *	storage.c	chunks and partitions compressed, dropped, made ahead
 *	jobs.c		TimescaleDB's policy jobs made to match (--native)
 *	maint.c		the steps of a policy run and the one-shot actions
 */
#ifndef TSQ_MAINT_INT_H
#define TSQ_MAINT_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <libpq-fe.h>

#include "buf.h"
#include "catalog.h"
#include "datetime.h"
#include "maint.h"
#include "policy.h"

/* A rollup reading a table. */
struct maint_rollup {
	char *reg;		/* schema.name quoted, for regclass and messages */
	char *name;		/* unquoted (plain PostgreSQL: tsq.refresh_rollup's argument) */
	int64_t bucket;		/* microseconds, 0 when unknown */
};

/* [from, to) in microseconds; INT64_MIN / INT64_MAX when open. */
struct maint_range {
	int64_t from, to;
};

/* One action on a chunk, partition, rollup range or job. */
struct maint_action {
	const struct tsq_relation *table;
	const char *kind;	/* "compress", "drop", ... as recorded */
	const char *what;	/* "chunk", "partition", "rollup", "job" */
	const char *target;	/* its name */
	int64_t from, to;	/* the range, INT64_MIN / INT64_MAX when open */
	int64_t bytes_before, bytes_after;	/* -1 unknown */
	int64_t rows;		/* -1 unknown */
};

/* journal.c */
PGresult *maint_sql(struct tsq_maint *m, const char *path, int n, const char *const *params);
/* Run SQL file PATH; false after reporting its failure.  *OUT: the result, if wanted. */
bool maint_checked(struct tsq_maint *m, const char *path, int n, const char *const *params,
    PGresult **out);
/* The backend's own SQL file NAME ("timescaledb/NAME"), or NULL when it has none. */
const char *maint_backend_sql(const struct tsq_maint *m, const char *name, char *buf, size_t size);
int64_t maint_int64(const PGresult *res, int row, int col, int64_t if_null);
/* USEC as a time, or -infinity / infinity (LOW: the start of a range). */
void maint_range_end(int64_t usec, bool low, char out[TSQ_TIME_BUFSIZE]);
/*
 * Do action A: run SQL file PATH with PARAMS (one statement, its own
 * transaction), recorded and logged; AFTER reads the result (rows, bytes).
 * A failure is reported and counted; false then.
 */
bool maint_do(struct tsq_maint *m, struct maint_action *a, const char *path, int n,
    const char *const *params, void (*after)(struct tsq_maint *, struct maint_action *,
    const PGresult *));
/* Take T's lock.  False when another run holds it (reported, or quietly skipped). */
bool maint_lock(struct tsq_maint *m, const struct tsq_relation *t);
void maint_unlock(struct tsq_maint *m, const struct tsq_relation *t);

/* refresh.c */
/* The rollups that read T, sources first.  -1 on failure (reported). */
int maint_rollups_of(struct tsq_maint *m, const struct tsq_relation *t, struct maint_rollup **out);
void maint_rollups_free(struct maint_rollup *r, int n);
/* T down to a multiple of STEP from TimescaleDB's origin (2000-01-03 UTC). */
int64_t maint_floor_to(int64_t t, int64_t step);
/* T up to the next multiple of STEP (T itself when it is one). */
int64_t maint_ceil_to(int64_t t, int64_t step);
/* Sort the N ranges of V and merge those that overlap or touch; the new count. */
int maint_ranges_merge(struct maint_range *v, int n);
/* An action's row count from its result's one value. */
void maint_after_rows(struct tsq_maint *m, struct maint_action *a, const PGresult *res);
/* The time before which T's raw data may be gone (INT64_MIN: none). */
int64_t maint_horizon(struct tsq_maint *m, const struct tsq_relation *t);
bool maint_refresh_one(struct tsq_maint *m, const struct tsq_relation *t,
    const struct maint_rollup *r, int64_t from, int64_t to, int64_t horizon);
/*
 * Refresh T's rollups over what tsq-load recorded, the trailing WINDOW
 * (-1: none) and EXTRA; the number of refreshes that failed.
 */
int maint_refresh_rollups(struct tsq_maint *m, const struct tsq_relation *t, int64_t window,
    const struct maint_range *extra, int nextra);

/* storage.c */
bool maint_compressible(const struct tsq_maint *m, const struct tsq_relation *t);
const char *maint_why_not_compressible(const struct tsq_maint *m);
void maint_compress_older(struct tsq_maint *m, const struct tsq_relation *t, int64_t cut,
    int64_t drop_cut);
void maint_decompress(struct tsq_maint *m, const struct tsq_relation *t, int64_t from, int64_t to);
/* What a drop at CUT removes from T, in *GONE: 1, 0 when nothing, -1 on failure. */
int maint_drop_region(struct tsq_maint *m, const struct tsq_relation *t, int64_t cut,
    struct maint_range *gone);
void maint_drop_older(struct tsq_maint *m, const struct tsq_relation *t, int64_t cut,
    int64_t window, bool refreshed);
void maint_premake(struct tsq_maint *m, const struct tsq_relation *t, int64_t ahead);

/* jobs.c */
/*
 * Make TimescaleDB's jobs on T and its rollups follow P; EXISTING_ONLY: only
 * the jobs there are (a kind that has none is not added), so that they stay
 * in step with a policy changed without --native.
 */
void maint_native_sync(struct tsq_maint *m, const struct tsq_relation *t,
    const struct tsq_policy *p, bool existing_only);
/*
 * The scheduled TimescaleDB jobs that compress and drop T (their ids; 0:
 * none), which then apply those parts of its policy: tsq-compress leaves them
 * to the jobs.  False on failure (reported).
 */
bool maint_jobs_applying(struct tsq_maint *m, const struct tsq_relation *t, int64_t *compression,
    int64_t *retention);

#endif
