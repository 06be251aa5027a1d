/*
 * route.h - the rows of a batch sent straight to the workers of a Citus
 * cluster, each into the shard of a distributed table that holds its
 * distribution value.  Which shard that is, Citus says
 * (get_shard_id_for_distribution_column), once per value: tsq keeps the
 * answers, so a batch asks only about the values it is the first to hold.
 *
 * Two uses.  A scratch table (tsq-load's staging table): each node's shards
 * are emptied and filled in one transaction of that node, committed at once.
 * A real table (tsq-load's plain inserts): each node's rows are written in a
 * transaction that is only prepared (PREPARE TRANSACTION 'tsq_load_X'), X
 * being the id of the coordinator's transaction for the batch.  That
 * transaction's commit is the decision: the nodes then commit their parts
 * (COMMIT PREPARED), or roll them back if it aborted.  A part left prepared
 * (tsq-load killed, a node down at the wrong moment) is settled by
 * tsq_route_recover from the coordinator's record of X: committed, aborted,
 * or still running.  So a batch stays all or nothing, as in a distributed
 * transaction of the coordinator, which no longer forwards every row.
 */
#ifndef TSQ_ROUTE_H
#define TSQ_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "buf.h"
#include "loader.h"

struct tsq_route_node {
	char *host, *port;
	PGconn *conn;
	struct tsq_buf empty;	/* TRUNCATE of the table's shards there */
	struct tsq_buf send;	/* rows gathered for one CopyData message */
	struct tsq_buf err;	/* why its last fill failed */
	PGresult *failed;	/* the statement that failed there, if one did */
	bool ok;
	bool prepared;		/* holds its part of the batch, prepared */
};

struct tsq_route_shard {
	int64_t id;
	int node;
	char *copy;		/* COPY into it */
	size_t first, n;	/* its rows of the batch being sent, in the route's order */
};

/* A distribution value seen, and its shard (-1: not asked yet). */
struct tsq_route_value {
	size_t off;		/* in the arena, NUL-terminated */
	size_t len;
	uint64_t hash;
	int shard;
};

struct tsq_route {
	char *table;
	struct tsq_route_shard *shards;
	int nshards;
	struct tsq_route_node *nodes;
	int nnodes;
	int field;		/* the distribution value's field in a row */
	struct tsq_buf arena;	/* the values seen */
	struct tsq_route_value *values;
	size_t nvalues, vcap;
	size_t *slots, nslots;	/* open addressing: value index + 1, 0 free */
	size_t *order, *shard_of, cap;	/* the batch's rows grouped by shard */
	const struct tsq_batch *batch;	/* being sent */
	bool own;		/* the table's own rows, committed in two phases */
	char gid[40];		/* of the parts prepared: tsq_load_X */
};

/*
 * The shards of distributed table TABLE (a name for SQL) as COORD's cluster
 * places them, and a connection to each node that holds one, made as COORD
 * was made but for the host and port.  COLS: the column list of the COPY
 * ("(a, b)"), FIELD the field of each row that holds the distribution
 * value (text, as binary COPY has it).  OWN: the table's own rows, written
 * in two phases (scratch rows otherwise).  False with ERR saying why when
 * any of that cannot be had (a shard placed twice, a node that cannot be
 * reached, or, for OWN, that takes no prepared transaction): the caller
 * goes through the coordinator then.
 */
bool tsq_route_open(struct tsq_route *r, PGconn *coord, const char *table, const char *cols,
    int field, bool own, struct tsq_buf *err);
/*
 * Send the rows IDX[0..N) of B to their shards, the nodes side by side (a
 * thread each); COORD asks Citus about new values.  Scratch rows replace
 * what the shards held, each node's part committed before this returns.
 * The table's own rows are prepared on each node that has some, as
 * tsq_load_XID (XID: the coordinator's transaction, whose commit decides),
 * until tsq_route_settle.  False with ERR (a row without a distribution
 * value, a shard that has moved, a node or a row that fails) and, when a
 * statement failed, *FAILED its result (the caller's to clear): nothing of
 * the table's own rows is left prepared then; a node may have committed
 * its scratch rows.
 */
bool tsq_route_copy(struct tsq_route *r, PGconn *coord, const struct tsq_batch *b,
    const size_t *idx, size_t n, const char *xid, PGresult **failed, struct tsq_buf *err);
/* Whether parts of a batch are prepared, waiting for tsq_route_settle. */
bool tsq_route_pending(const struct tsq_route *r);
/*
 * Commit (COMMIT true) or roll back the parts prepared.  False with ERR
 * naming the nodes that could not be told: their parts stay prepared for
 * tsq_route_recover.
 */
bool tsq_route_settle(struct tsq_route *r, bool commit, struct tsq_buf *err);
/* Close the nodes' connections; parts still prepared are left to tsq_route_recover. */
void tsq_route_close(struct tsq_route *r);
/*
 * Settle the parts of batches tsq-load left prepared on the nodes of
 * COORD's cluster (this database's): committed where the coordinator's
 * transaction committed, rolled back where it aborted, left alone while it
 * runs.  The number settled; -1 with ERR when the nodes cannot be asked.
 */
int tsq_route_recover(PGconn *coord, struct tsq_buf *err);

#endif
