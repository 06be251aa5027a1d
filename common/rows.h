/*
 * rows.h - the rows of one statement, a batch at a time.
 *
 * A statement that returns rows (SELECT, WITH, VALUES, TABLE) is read
 * through a cursor in a transaction of its own, a few thousand rows per
 * FETCH, and the next FETCH is already on its way while the caller writes
 * the batch it has: the client's memory stays flat however many rows come
 * back, and server and client work at the same time.  Any other statement
 * runs as it is and gives its one result.
 *
 * Optional: a statement timeout (the server cancels, SQLSTATE 57014), and
 * Ctrl-C / SIGTERM (cancel.h): when the tool has called tsq_cancel_setup() and
 * registered CONN, a signal cancels the statement or FETCH that is running,
 * and the stream ends with TSQ_ROWS_FAILED at once or before the next batch;
 * tsq_cancel_signal() tells it from a server error.
 *
 *	struct tsq_rows r;
 *	PGresult *res = tsq_rows_open(&r, conn, &st);
 *	while (res == NULL && tsq_rows_next(&r, &batch) == TSQ_ROWS_BATCH)
 *		write the rows of batch (it stays valid until the next call);
 *	res = tsq_rows_close(&r);	(the failure, if any: report and clear it)
 */
#ifndef TSQ_ROWS_H
#define TSQ_ROWS_H

#include <stdbool.h>
#include <stdint.h>
#include <libpq-fe.h>

/* Rows asked for by each FETCH. */
#define TSQ_ROWS_BATCH_SIZE 2500

struct tsq_statement {
	const char *sql;
	int nparams;
	const Oid *types;		/* NULL: the server infers them */
	const char *const *values;	/* text; NULL entries are SQL NULL */
	int64_t timeout_usec;		/* 0: none */
};

enum tsq_rows_status {
	TSQ_ROWS_BATCH,		/* *batch holds rows (or, at the first call, none) */
	TSQ_ROWS_END,		/* no more */
	TSQ_ROWS_FAILED,	/* tsq_rows_close() returns why */
};

struct tsq_rows {
	PGconn *conn;
	bool cursor;		/* read through a cursor, not as one result */
	bool in_flight;		/* a FETCH is on its way */
	bool first;		/* no batch handed out yet */
	bool done;
	PGresult *batch;	/* the batch handed out last */
	PGresult *failure;	/* the first failed result */
};

/*
 * Whether SQL is a statement a cursor can read: it starts, after blanks,
 * comments and parentheses, with SELECT, WITH, VALUES or TABLE.
 */
bool tsq_rows_is_query(const char *sql);

/*
 * Start ST on CONN (idle, outside a transaction).  Returns NULL, or the
 * failed result: then R is closed already (tsq_rows_close() returns NULL).
 */
PGresult *tsq_rows_open(struct tsq_rows *r, PGconn *conn, const struct tsq_statement *st);

/*
 * The next batch in *BATCH, owned by R until the next call.  The first call
 * always gives a result with the columns (possibly no rows); a statement
 * that returns no rows gives its command result once.
 */
enum tsq_rows_status tsq_rows_next(struct tsq_rows *r, PGresult **batch);

/*
 * End the stream: commit after the last batch, roll back otherwise.
 * Returns NULL, or the first failure (the caller reports and clears it).
 */
PGresult *tsq_rows_close(struct tsq_rows *r);

#endif
