/*
 * route.h - the rows of a batch sent straight to the workers of a Citus
 * cluster, each into the shard of a distributed table that holds its
 * distribution value.  Which shard that is, Citus says
 * (get_shard_id_for_distribution_column), once per value: tsq keeps the
 * answers, so a batch asks only about the values it is the first to hold.
 *
 * tsq-load routes the rows of its own staging table only (scratch rows,
 * replaced every batch).  What reaches the real table still goes through
 * one distributed transaction of the coordinator (INSERT .. SELECT from the
 * staging table, shard by shard on the workers), so a batch stays all or
 * nothing; the coordinator no longer forwards every row.
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
	bool ok;
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
};

/*
 * The shards of distributed table TABLE (a name for SQL) as COORD's cluster
 * places them, and a connection to each node that holds one, made as COORD
 * was made but for the host and port.  COLS: the column list of the COPY
 * ("(a, b)"), FIELD the field of each row that holds the distribution
 * value (text, as binary COPY has it).  False with ERR saying why when any
 * of that cannot be had (a shard placed twice, a node that cannot be
 * reached): the caller goes through the coordinator then.
 */
bool tsq_route_open(struct tsq_route *r, PGconn *coord, const char *table, const char *cols,
    int field, struct tsq_buf *err);
/*
 * Replace what the shards hold with the rows IDX[0..N) of B: on each node,
 * in one transaction committed before this returns, its shards emptied and
 * each given its rows (the nodes side by side, a thread each).  COORD asks Citus about new values.  False with ERR
 * (a row without a distribution value, a shard that has moved, a node that
 * fails): a node may have committed its part then.
 */
bool tsq_route_copy(struct tsq_route *r, PGconn *coord, const struct tsq_batch *b,
    const size_t *idx, size_t n, struct tsq_buf *err);
void tsq_route_close(struct tsq_route *r);

#endif
