#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ident.h"
#include "log.h"
#include "mem.h"
#include "route.h"
#include "script.h"

/* What a worker says besides errors is not the user's concern: the coordinator speaks for the cluster. */
static void
ignore_notice(void *arg, const PGresult *res)
{
	(void)arg;
	(void)res;
}

/* A connection to HOST:PORT made with COORD's settings (user, database, password, SSL...). */
static PGconn *
connect_like(PGconn *coord, const char *host, const char *port)
{
	PQconninfoOption *opts = PQconninfo(coord);
	const char *keys[64], *vals[64];
	int n = 0;

	for (const PQconninfoOption *o = opts; o && o->keyword && n < 60; o++) {
		if (o->val == NULL || strcmp(o->keyword, "host") == 0 ||
		    strcmp(o->keyword, "hostaddr") == 0 || strcmp(o->keyword, "port") == 0)
			continue;
		keys[n] = o->keyword;
		vals[n++] = o->val;
	}
	keys[n] = "host";
	vals[n++] = host;
	keys[n] = "port";
	vals[n++] = port;
	keys[n] = NULL;
	vals[n] = NULL;
	PGconn *c = PQconnectdbParams(keys, vals, 0);
	PQconninfoFree(opts);
	PQsetNoticeReceiver(c, ignore_notice, NULL);
	return c;
}

/* The node HOST:PORT among R's, added when new. */
static int
node_of(struct tsq_route *r, const char *host, const char *port)
{
	for (int k = 0; k < r->nnodes; k++)
		if (strcmp(r->nodes[k].host, host) == 0 && strcmp(r->nodes[k].port, port) == 0)
			return k;
	struct tsq_route_node *nd = &r->nodes[r->nnodes];
	nd->host = xstrdup(host);
	nd->port = xstrdup(port);
	tsq_buf_init(&nd->empty);
	tsq_buf_init(&nd->send);
	tsq_buf_init(&nd->err);
	return r->nnodes++;
}

/* R's shards from the catalog of COORD; false with ERR. */
static bool
read_shards(struct tsq_route *r, PGconn *coord, const char *cols, struct tsq_buf *err)
{
	const char *params[1] = { r->table };
	PGresult *res = tsq_exec(coord, tsq_sql_file("citus/route_shards.sql"), 1, params);
	bool ok = tsq_result_ok(res) && PQntuples(res) > 0;

	if (!ok)
		tsq_buf_addf(err, "could not read where the shards of %s are: %s", r->table,
		    tsq_result_ok(res) ? "none found" : PQresultErrorMessage(res));
	int n = ok ? PQntuples(res) : 0;
	r->shards = xcalloc((size_t)n + 1, sizeof *r->shards);
	r->nodes = xcalloc((size_t)n + 1, sizeof *r->nodes);
	for (int i = 0; i < n && ok; i++) {
		struct tsq_route_shard *s = &r->shards[r->nshards++];
		if (strcmp(PQgetvalue(res, i, 4), "1") != 0) {
			tsq_buf_addf(err, "shard %s of %s has more than one placement",
			    PQgetvalue(res, i, 0), r->table);
			ok = false;
		}
		s->id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		s->node = node_of(r, PQgetvalue(res, i, 2), PQgetvalue(res, i, 3));
		struct tsq_buf *empty = &r->nodes[s->node].empty;
		tsq_buf_adds(empty, empty->len ? ", " : "TRUNCATE ");
		tsq_buf_adds(empty, PQgetvalue(res, i, 1));
		struct tsq_buf copy = TSQ_BUF_INIT;
		tsq_buf_addf(&copy, "COPY %s %s FROM STDIN (FORMAT binary)", PQgetvalue(res, i, 1), cols);
		s->copy = tsq_buf_detach(&copy);
	}
	PQclear(res);
	tsq_buf_rtrim(err);
	return ok;
}

bool
tsq_route_open(struct tsq_route *r, PGconn *coord, const char *table, const char *cols,
    int field, struct tsq_buf *err)
{
	memset(r, 0, sizeof *r);
	r->table = xstrdup(table);
	r->field = field;
	tsq_buf_init(&r->arena);
	if (!read_shards(r, coord, cols, err))
		return false;
	for (int k = 0; k < r->nnodes; k++) {
		struct tsq_route_node *nd = &r->nodes[k];
		nd->conn = connect_like(coord, nd->host, nd->port);
		/*
		 * Citus refuses to change a shard by hand unless asked; the rows
		 * are scratch, so nothing is gained by waiting for their flush.
		 */
		PGresult *res = PQstatus(nd->conn) == CONNECTION_OK ? PQexec(nd->conn,
		    "SET citus.enable_manual_changes_to_shards = on; SET synchronous_commit = off; "
		    "SET client_encoding = 'UTF8'") : NULL;
		if (!tsq_result_ok(res)) {
			tsq_buf_addf(err, "could not connect to the worker %s:%s: %s", nd->host, nd->port,
			    PQerrorMessage(nd->conn));
			tsq_buf_rtrim(err);
			PQclear(res);
			return false;
		}
		PQclear(res);
	}
	return true;
}

void
tsq_route_close(struct tsq_route *r)
{
	for (int k = 0; k < r->nnodes; k++) {
		PQfinish(r->nodes[k].conn);
		TSQ_FREE(r->nodes[k].host, r->nodes[k].port);
		tsq_buf_free(&r->nodes[k].empty);
		tsq_buf_free(&r->nodes[k].send);
		tsq_buf_free(&r->nodes[k].err);
	}
	for (int i = 0; i < r->nshards; i++)
		free(r->shards[i].copy);
	TSQ_FREE(r->table, r->shards, r->nodes, r->values, r->slots, r->order, r->shard_of);
	tsq_buf_free(&r->arena);
	memset(r, 0, sizeof *r);
}

/* Field FIELD of a binary COPY tuple T of LEN bytes: its bytes, or NULL when it is NULL or absent. */
static const char *
field_at(const char *t, size_t len, int field, size_t *flen)
{
	size_t at = 2;

	for (int f = 0; at + 4 <= len; f++) {
		const unsigned char *p = (const unsigned char *)t + at;
		int32_t l = (int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]);
		at += 4;
		if (f == field) {
			if (l < 0 || at + (size_t)l > len)
				return NULL;
			*flen = (size_t)l;
			return t + at;
		}
		if (l > 0)
			at += (size_t)l;
	}
	return NULL;
}

/* The value V (LEN bytes, hash H) among those seen: its index, added (shard -1) when new. */
static size_t
value_of(struct tsq_route *r, const char *v, size_t len, uint64_t h)
{
	if (2 * (r->nvalues + 1) > r->nslots) {
		size_t nslots = r->nslots ? 2 * r->nslots : 64;
		free(r->slots);
		r->slots = xcalloc(nslots, sizeof *r->slots);
		r->nslots = nslots;
		for (size_t i = 0; i < r->nvalues; i++) {
			size_t j = (size_t)r->values[i].hash & (nslots - 1);
			while (r->slots[j])
				j = (j + 1) & (nslots - 1);
			r->slots[j] = i + 1;
		}
	}
	size_t j = (size_t)h & (r->nslots - 1);
	for (; r->slots[j]; j = (j + 1) & (r->nslots - 1)) {
		const struct tsq_route_value *e = &r->values[r->slots[j] - 1];
		if (e->hash == h && e->len == len && memcmp(r->arena.data + e->off, v, len) == 0)
			return r->slots[j] - 1;
	}
	if (r->nvalues == r->vcap) {
		r->vcap = r->vcap ? 2 * r->vcap : 64;
		r->values = xreallocarray(r->values, r->vcap, sizeof *r->values);
	}
	r->values[r->nvalues] = (struct tsq_route_value){ r->arena.len, len, h, -1 };
	tsq_buf_add(&r->arena, v, len);
	tsq_buf_addc(&r->arena, '\0');
	r->slots[j] = r->nvalues + 1;
	return r->nvalues++;
}

/* Ask Citus for the shards of the values from FIRST on; false with ERR. */
static bool
ask_shards(struct tsq_route *r, PGconn *coord, size_t first, struct tsq_buf *err)
{
	size_t n = r->nvalues - first;
	const char **list = xcalloc(n + 1, sizeof *list);
	struct tsq_buf array = TSQ_BUF_INIT;

	for (size_t i = 0; i < n; i++)
		list[i] = r->arena.data + r->values[first + i].off;
	tsq_array_literal(&array, list, (int)n);
	free(list);
	/* Inside the batch's transaction, a failure here must not end it. */
	bool in_tx = PQtransactionStatus(coord) == PQTRANS_INTRANS;
	if (in_tx)
		PQclear(PQexec(coord, "SAVEPOINT tsq_route"));
	const char *params[2] = { r->table, array.data };
	PGresult *res = tsq_exec(coord, tsq_sql_file("citus/route_values.sql"), 2, params);
	if (in_tx)
		PQclear(PQexec(coord, tsq_result_ok(res) ? "RELEASE SAVEPOINT tsq_route" :
		    "ROLLBACK TO SAVEPOINT tsq_route"));
	tsq_buf_free(&array);
	bool ok = tsq_result_ok(res) && (size_t)PQntuples(res) == n;
	if (!ok)
		tsq_buf_addf(err, "could not ask Citus where rows go: %s", PQresultErrorMessage(res));
	for (size_t i = 0; i < n && ok; i++) {
		int64_t id = strtoll(PQgetvalue(res, (int)i, 0), NULL, 10);
		struct tsq_route_value *v = &r->values[first + i];
		for (int s = 0; s < r->nshards && v->shard < 0; s++)
			if (r->shards[s].id == id)
				v->shard = s;
		if (v->shard < 0) {
			tsq_buf_addf(err, "shard %lld of %s is not where it was", (long long)id, r->table);
			ok = false;
		}
	}
	PQclear(res);
	tsq_buf_rtrim(err);
	return ok;
}

/* Group the rows IDX[0..N) of B by shard in r->order; false with ERR. */
static bool
group_rows(struct tsq_route *r, PGconn *coord, const struct tsq_batch *b, const size_t *idx,
    size_t n, struct tsq_buf *err)
{
	size_t known = r->nvalues;

	if (n > r->cap) {
		r->cap = n;
		r->order = xreallocarray(r->order, n, sizeof *r->order);
		r->shard_of = xreallocarray(r->shard_of, n, sizeof *r->shard_of);
	}
	for (size_t i = 0; i < n; i++) {
		const struct tsq_row *row = &b->rows[idx[i]];
		size_t len;
		const char *v = field_at(b->data.data + row->off, row->len, r->field, &len);
		if (v == NULL) {
			tsq_buf_addf(err, "a row has no value of the distribution column");
			return false;
		}
		r->shard_of[i] = value_of(r, v, len, tsq_key_hash(v, len));
	}
	if (r->nvalues > known && !ask_shards(r, coord, known, err))
		return false;
	for (int s = 0; s < r->nshards; s++)
		r->shards[s].n = 0;
	for (size_t i = 0; i < n; i++) {
		r->shard_of[i] = (size_t)r->values[r->shard_of[i]].shard;
		r->shards[r->shard_of[i]].n++;
	}
	size_t at = 0;
	for (int s = 0; s < r->nshards; s++) {
		r->shards[s].first = at;
		at += r->shards[s].n;
		r->shards[s].n = 0;
	}
	for (size_t i = 0; i < n; i++) {
		struct tsq_route_shard *s = &r->shards[r->shard_of[i]];
		r->order[s->first + s->n++] = idx[i];
	}
	return true;
}

/* Node ND's shards emptied and given their rows of r->batch, in one transaction: nd->ok, nd->err. */
struct fill {
	struct tsq_route *r;
	int k;
};

static void *
fill_node(void *arg)
{
	const struct fill *f = arg;
	struct tsq_route *r = f->r;
	struct tsq_route_node *nd = &r->nodes[f->k];
	PGresult *res = PQexec(nd->conn, "BEGIN");

	nd->ok = tsq_result_ok(res);
	PQclear(res);
	if (nd->ok) {
		res = PQexec(nd->conn, nd->empty.data);
		nd->ok = tsq_result_ok(res);
		PQclear(res);
	}
	for (int s = 0; s < r->nshards && nd->ok; s++) {
		const struct tsq_route_shard *sh = &r->shards[s];
		if (sh->node != f->k || sh->n == 0)
			continue;
		res = tsq_copy_batch(nd->conn, &nd->send, sh->copy, r->batch, r->order + sh->first,
		    sh->n, false);
		nd->ok = PQresultStatus(res) == PGRES_COMMAND_OK;
		PQclear(res);
	}
	if (nd->ok) {
		res = PQexec(nd->conn, "COMMIT");
		nd->ok = tsq_result_ok(res);
		PQclear(res);
	}
	if (!nd->ok) {
		tsq_buf_reset(&nd->err);
		tsq_buf_addf(&nd->err, "could not stage rows on the worker %s:%s: %s", nd->host,
		    nd->port, PQerrorMessage(nd->conn));
		tsq_buf_rtrim(&nd->err);
		PQclear(PQexec(nd->conn, "ROLLBACK"));
	}
	return NULL;
}

bool
tsq_route_copy(struct tsq_route *r, PGconn *coord, const struct tsq_batch *b, const size_t *idx,
    size_t n, struct tsq_buf *err)
{
	struct fill *f;
	pthread_t *th;
	bool ok = true;

	if (!group_rows(r, coord, b, idx, n, err))
		return false;
	r->batch = b;
	f = xcalloc((size_t)r->nnodes, sizeof *f);
	th = xcalloc((size_t)r->nnodes, sizeof *th);
	/*
	 * The other nodes' threads first, then node 0 in this one (and a node
	 * whose thread cannot start): all of them at once.
	 */
	for (int k = r->nnodes - 1; k >= 0; k--) {
		f[k] = (struct fill){ r, k };
		if (k == 0 || pthread_create(&th[k], NULL, fill_node, &f[k]) != 0) {
			fill_node(&f[k]);
			f[k].k = -1;
		}
	}
	for (int k = 0; k < r->nnodes; k++) {
		if (f[k].k >= 0)
			pthread_join(th[k], NULL);
		if (!r->nodes[k].ok && ok) {
			tsq_buf_adds(err, r->nodes[k].err.data);
			ok = false;
		}
	}
	TSQ_FREE(f, th);
	return ok;
}
