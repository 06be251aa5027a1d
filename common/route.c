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

/* A node's setting NAME is not "0" (asked on its connection). */
static bool
setting_nonzero(PGconn *conn, const char *name)
{
	const char *params[1] = { name };
	PGresult *res = PQexecParams(conn, "SELECT current_setting($1)", 1, NULL, params, NULL,
	    NULL, 0);
	bool ok = tsq_result_ok(res) && strcmp(PQgetvalue(res, 0, 0), "0") != 0;
	PQclear(res);
	return ok;
}

bool
tsq_route_open(struct tsq_route *r, PGconn *coord, const char *table, const char *cols,
    int field, bool own, struct tsq_buf *err)
{
	memset(r, 0, sizeof *r);
	r->table = xstrdup(table);
	r->field = field;
	r->own = own;
	tsq_buf_init(&r->arena);
	if (!read_shards(r, coord, cols, err))
		return false;
	for (int k = 0; k < r->nnodes; k++) {
		struct tsq_route_node *nd = &r->nodes[k];
		nd->conn = connect_like(coord, nd->host, nd->port);
		/*
		 * Citus refuses to change a shard by hand unless asked.  Scratch
		 * rows gain nothing by waiting for their flush; a prepared part is
		 * flushed whatever this says.
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
		if (own && !setting_nonzero(nd->conn, "max_prepared_transactions")) {
			tsq_buf_addf(err, "the worker %s:%s takes no prepared transaction "
			    "(max_prepared_transactions = 0)", nd->host, nd->port);
			return false;
		}
	}
	return true;
}

void
tsq_route_close(struct tsq_route *r)
{
	/*
	 * Parts still prepared here are those of a commit whose answer was lost:
	 * only the coordinator knows how it ended, and tsq_route_recover asks it.
	 */
	for (int k = 0; k < r->nnodes; k++) {
		PQclear(r->nodes[k].failed);
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

/*
 * Node K's rows of r->batch, in one transaction there: committed (scratch:
 * the node's shards emptied first) or prepared as r->gid.  nd->ok, and
 * nd->err and nd->failed when it failed.
 */
struct fill {
	struct tsq_route *r;
	int k;
};

/* Run SQL on ND as a step of its fill: false, with ND's failure kept, when it fails. */
static bool
step(struct tsq_route_node *nd, PGresult *res)
{
	if (res && (PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK)) {
		PQclear(res);
		return true;
	}
	nd->failed = res;
	return false;
}

static void *
fill_node(void *arg)
{
	const struct fill *f = arg;
	struct tsq_route *r = f->r;
	struct tsq_route_node *nd = &r->nodes[f->k];
	bool any = false;

	for (int s = 0; s < r->nshards; s++)
		any |= r->shards[s].node == f->k && r->shards[s].n > 0;
	/* A node without rows of the batch has no part in it (scratch: its shards are emptied still). */
	nd->ok = true;
	if (r->own && !any)
		return NULL;
	nd->ok = step(nd, PQexec(nd->conn, "BEGIN")) &&
	    (r->own || step(nd, PQexec(nd->conn, nd->empty.data)));
	for (int s = 0; s < r->nshards && nd->ok; s++) {
		const struct tsq_route_shard *sh = &r->shards[s];
		if (sh->node != f->k || sh->n == 0)
			continue;
		nd->ok = step(nd, tsq_copy_batch(nd->conn, &nd->send, sh->copy, r->batch,
		    r->order + sh->first, sh->n, false));
	}
	if (nd->ok && r->own) {
		struct tsq_buf sql = TSQ_BUF_INIT;
		tsq_buf_addf(&sql, "PREPARE TRANSACTION '%s'", r->gid);
		nd->ok = nd->prepared = step(nd, PQexec(nd->conn, sql.data));
		tsq_buf_free(&sql);
	} else if (nd->ok) {
		nd->ok = step(nd, PQexec(nd->conn, "COMMIT"));
	}
	if (!nd->ok) {
		tsq_buf_reset(&nd->err);
		tsq_buf_addf(&nd->err, "could not %s rows on the worker %s:%s: %s",
		    r->own ? "write" : "stage", nd->host, nd->port,
		    nd->failed ? PQresultErrorMessage(nd->failed) : PQerrorMessage(nd->conn));
		tsq_buf_rtrim(&nd->err);
		PQclear(PQexec(nd->conn, "ROLLBACK"));
	}
	return NULL;
}

bool
tsq_route_copy(struct tsq_route *r, PGconn *coord, const struct tsq_batch *b, const size_t *idx,
    size_t n, const char *xid, PGresult **failed, struct tsq_buf *err)
{
	struct fill *f;
	pthread_t *th;
	bool ok = true;

	*failed = NULL;
	if (!group_rows(r, coord, b, idx, n, err))
		return false;
	r->batch = b;
	/* The id comes from the server as digits; anything else is refused before it is named. */
	if (r->own && (xid == NULL || xid[0] == '\0' || strspn(xid, "0123456789") != strlen(xid) ||
	    strlen(xid) > 20)) {
		tsq_buf_addf(err, "no transaction id to prepare the rows under");
		return false;
	}
	if (r->own)
		snprintf(r->gid, sizeof r->gid, "tsq_load_%s", xid);
	f = xcalloc((size_t)r->nnodes, sizeof *f);
	th = xcalloc((size_t)r->nnodes, sizeof *th);
	/*
	 * The other nodes' threads first, then node 0 in this one (and a node
	 * whose thread cannot start): all of them at once.
	 */
	for (int k = r->nnodes - 1; k >= 0; k--) {
		f[k] = (struct fill){ r, k };
		r->nodes[k].prepared = false;
		if (k == 0 || pthread_create(&th[k], NULL, fill_node, &f[k]) != 0) {
			fill_node(&f[k]);
			f[k].k = -1;
		}
	}
	for (int k = 0; k < r->nnodes; k++) {
		struct tsq_route_node *nd = &r->nodes[k];
		if (f[k].k >= 0)
			pthread_join(th[k], NULL);
		if (!nd->ok && ok) {
			tsq_buf_adds(err, nd->err.data);
			*failed = nd->failed;
			nd->failed = NULL;
			ok = false;
		}
		PQclear(nd->failed);
		nd->failed = NULL;
	}
	TSQ_FREE(f, th);
	if (!ok && tsq_route_pending(r)) {
		struct tsq_buf why = TSQ_BUF_INIT;
		if (!tsq_route_settle(r, false, &why))
			tsq_buf_addf(err, "; %s", why.data);
		tsq_buf_free(&why);
	}
	return ok;
}

bool
tsq_route_pending(const struct tsq_route *r)
{
	for (int k = 0; k < r->nnodes; k++)
		if (r->nodes[k].prepared)
			return true;
	return false;
}

/* The prepared transaction GID ended on CONN as COMMIT says: sent, not waited for. */
static bool
send_end(PGconn *conn, const char *gid, bool commit)
{
	struct tsq_buf sql = TSQ_BUF_INIT;
	tsq_buf_addf(&sql, "%s PREPARED '%s'", commit ? "COMMIT" : "ROLLBACK", gid);
	bool ok = PQsendQuery(conn, sql.data) == 1;
	tsq_buf_free(&sql);
	return ok;
}

/* The result of send_end: done, or found done already (by tsq_route_recover). */
static bool
end_result(PGconn *conn)
{
	PGresult *res, *more;
	bool ok;

	res = PQgetResult(conn);
	while ((more = PQgetResult(conn)) != NULL)
		PQclear(more);
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	ok = tsq_result_ok(res) || (state && strcmp(state, "42704") == 0);
	PQclear(res);
	return ok;
}

bool
tsq_route_settle(struct tsq_route *r, bool commit, struct tsq_buf *err)
{
	bool ok = true;

	/* Every node told first, then every answer read: the nodes work side by side. */
	for (int k = 0; k < r->nnodes; k++) {
		struct tsq_route_node *nd = &r->nodes[k];
		if (nd->prepared && !send_end(nd->conn, r->gid, commit))
			nd->ok = false;
	}
	for (int k = 0; k < r->nnodes; k++) {
		struct tsq_route_node *nd = &r->nodes[k];
		if (!nd->prepared)
			continue;
		nd->prepared = false;
		if (nd->ok && end_result(nd->conn))
			continue;
		tsq_buf_addf(err, "%sthe rows of transaction %s on the worker %s:%s are still prepared: %s",
		    ok ? "" : "; ", r->gid, nd->host, nd->port, PQerrorMessage(nd->conn));
		tsq_buf_rtrim(err);
		ok = false;
	}
	return ok;
}

/*
 * Settle the parts GIDS (separated by spaces) prepared on the node HOST:PORT:
 * how many were.
 */
static int
recover_node(PGconn *coord, const char *host, const char *port, char *gids, struct tsq_buf *err)
{
	PGconn *conn = NULL;
	int settled = 0;

	for (char *save = NULL, *gid = strtok_r(gids, " ", &save); gid;
	    gid = strtok_r(NULL, " ", &save)) {
		const char *xid = gid + strlen("tsq_load_");
		if (strncmp(gid, "tsq_load_", strlen("tsq_load_")) != 0 || *xid == '\0' ||
		    strspn(xid, "0123456789") != strlen(xid) || strlen(xid) > 20)
			continue;
		const char *params[1] = { xid };
		PGresult *res = PQexecParams(coord, "SELECT pg_xact_status($1::xid8)", 1, NULL, params,
		    NULL, NULL, 0);
		const char *status = tsq_result_ok(res) && !PQgetisnull(res, 0, 0) ?
		    PQgetvalue(res, 0, 0) : "";
		bool commit = strcmp(status, "committed") == 0;
		bool abort = strcmp(status, "aborted") == 0;
		PQclear(res);
		if (!commit && !abort)
			continue;	/* its load still runs */
		if (conn == NULL)
			conn = connect_like(coord, host, port);
		if (!send_end(conn, gid, commit) || !end_result(conn)) {
			tsq_buf_addf(err, "could not %s the prepared transaction %s on the worker %s:%s: %s",
			    commit ? "commit" : "roll back", gid, host, port, PQerrorMessage(conn));
			tsq_buf_rtrim(err);
			break;
		}
		tsq_verbose("%s the rows of an earlier batch left prepared on %s:%s (%s)",
		    commit ? "committed" : "rolled back", host, port, gid);
		settled++;
	}
	PQfinish(conn);
	return settled;
}

int
tsq_route_recover(PGconn *coord, struct tsq_buf *err)
{
	PGresult *res = tsq_exec(coord, tsq_sql_file("citus/prepared_leftovers.sql"), 0, NULL);
	int settled = 0;

	if (!tsq_result_ok(res)) {
		tsq_buf_addf(err, "could not ask the workers for prepared transactions: %s",
		    PQresultErrorMessage(res));
		tsq_buf_rtrim(err);
		PQclear(res);
		return -1;
	}
	for (int i = 0; i < PQntuples(res); i++) {
		const char *host = PQgetvalue(res, i, 0), *port = PQgetvalue(res, i, 1);
		struct tsq_buf why = TSQ_BUF_INIT;
		if (PQgetvalue(res, i, 2)[0] != 't') {
			tsq_buf_addf(&why, "could not ask the worker %s:%s for prepared transactions: %s",
			    host, port, PQgetvalue(res, i, 3));
			tsq_buf_rtrim(&why);
		} else {
			char *gids = xstrdup(PQgetvalue(res, i, 3));
			settled += recover_node(coord, host, port, gids, &why);
			free(gids);
		}
		if (why.len)
			tsq_buf_addf(err, "%s%s", err->len ? "; " : "", why.data);
		tsq_buf_free(&why);
	}
	PQclear(res);
	return err->len ? -1 : settled;
}
