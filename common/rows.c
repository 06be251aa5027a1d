#include <ctype.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "cancel.h"
#include "conn.h"
#include "rows.h"

#define FETCH_SQL "FETCH 2500 FROM tsq_rows"
_Static_assert(TSQ_ROWS_BATCH_SIZE == 2500, "FETCH_SQL asks for TSQ_ROWS_BATCH_SIZE rows");

bool
tsq_rows_is_query(const char *sql)
{
	static const char *const starts[] = { "select", "with", "values", "table" };
	const char *p = sql;

	for (;;) {
		p += strspn(p, " \t\r\n(");
		if (p[0] == '-' && p[1] == '-') {
			p = strchr(p, '\n');
			if (p == NULL)
				return false;
		} else if (p[0] == '/' && p[1] == '*') {
			p = strstr(p + 2, "*/");
			if (p == NULL)
				return false;
			p += 2;
		} else {
			break;
		}
	}
	for (size_t i = 0; i < sizeof starts / sizeof *starts; i++) {
		size_t n = strlen(starts[i]);
		if (strncasecmp(p, starts[i], n) != 0)
			continue;
		/* The keyword itself, not the start of a longer word. */
		char next = p[n];
		return next != '_' && next != '$' && !isalnum((unsigned char)next);
	}
	return false;
}

/* A failed result holding CONN's error message (libpq copies it in). */
static PGresult *
conn_failure(PGconn *conn)
{
	return PQmakeEmptyPGresult(conn, PGRES_FATAL_ERROR);
}

/* Wait for the result of what was sent; the rest of its results dropped. */
static PGresult *
wait_result(PGconn *conn)
{
	PGresult *res, *more;

	tsq_cancel_running(true);
	/*
	 * A cancel that reaches the server before the statement does is lost
	 * (an idle server session ignores it), so while no result has come a
	 * signal's cancel is sent again every quarter of a second.
	 */
	while (PQisBusy(conn) && PQsocket(conn) >= 0) {
		struct pollfd pfd = { .fd = PQsocket(conn), .events = POLLIN };
		int n = poll(&pfd, 1, 250);
		if (n > 0 && !PQconsumeInput(conn))
			break;
		if (n == 0)
			tsq_cancel_repeat();
	}
	res = PQgetResult(conn);
	while ((more = PQgetResult(conn)) != NULL)
		PQclear(more);
	tsq_cancel_running(false);
	return res;
}

/* A statement run now, cancellable; NULL when it went well. */
static PGresult *
run_now(PGconn *conn, const char *sql, int nparams, const Oid *types, const char *const *values)
{
	PGresult *res;

	if (!PQsendQueryParams(conn, sql, nparams, types, values, NULL, NULL, 0))
		return conn_failure(conn);
	res = wait_result(conn);
	if (tsq_result_ok(res)) {
		PQclear(res);
		return NULL;
	}
	return res;
}

/*
 * The steps of a stream start only while no signal has come: a signal that
 * came between two steps cancelled nothing, so the next must not begin.
 */
static PGresult *
run_step(PGconn *conn, const char *sql, int nparams, const Oid *types, const char *const *values)
{
	if (tsq_cancel_signal())
		return conn_failure(conn);
	return run_now(conn, sql, nparams, types, values);
}

static bool
fail(struct tsq_rows *r, PGresult *res)
{
	if (r->failure == NULL)
		r->failure = res;
	else
		PQclear(res);
	r->done = true;
	return false;
}

static bool
send_fetch(struct tsq_rows *r)
{
	if (tsq_cancel_signal() || !PQsendQuery(r->conn, FETCH_SQL))
		return fail(r, conn_failure(r->conn));
	r->in_flight = true;
	return true;
}

PGresult *
tsq_rows_open(struct tsq_rows *r, PGconn *conn, const struct tsq_statement *st)
{
	PGresult *res;

	memset(r, 0, sizeof *r);
	r->conn = conn;
	r->first = true;
	r->cursor = tsq_rows_is_query(st->sql);
	if (st->timeout_usec > 0) {
		char ms[32];
		const char *params[1] = { ms };
		snprintf(ms, sizeof ms, "%lld", (long long)(st->timeout_usec / 1000));
		if ((res = run_step(conn, "SELECT set_config('statement_timeout', $1, false)", 1, NULL,
		    params)) != NULL)
			goto failed;
	}
	if (!r->cursor) {
		if (tsq_cancel_signal() || !PQsendQueryParams(conn, st->sql, st->nparams, st->types,
		    st->values, NULL, NULL, 0)) {
			res = conn_failure(conn);
			goto failed;
		}
		r->in_flight = true;
		return NULL;
	}
	if ((res = run_step(conn, "BEGIN", 0, NULL, NULL)) != NULL)
		goto failed;
	struct tsq_buf sql = TSQ_BUF_INIT;
	tsq_buf_adds(&sql, "DECLARE tsq_rows NO SCROLL CURSOR FOR ");
	tsq_buf_adds(&sql, st->sql);
	res = run_step(conn, sql.data, st->nparams, st->types, st->values);
	tsq_buf_free(&sql);
	if (res != NULL || !send_fetch(r)) {
		if (res == NULL) {
			res = r->failure;
			r->failure = NULL;
		}
		PQclear(PQexec(conn, "ROLLBACK"));
		goto failed;
	}
	return NULL;
failed:
	r->done = true;
	r->in_flight = false;
	r->cursor = false;
	return res;
}

enum tsq_rows_status
tsq_rows_next(struct tsq_rows *r, PGresult **batch)
{
	PQclear(r->batch);
	r->batch = NULL;
	*batch = NULL;
	if (r->done)
		return r->failure ? TSQ_ROWS_FAILED : TSQ_ROWS_END;
	if (tsq_cancel_signal()) {
		r->done = true;
		return TSQ_ROWS_FAILED;
	}
	PGresult *res = wait_result(r->conn);
	r->in_flight = false;
	if (!tsq_result_ok(res)) {
		fail(r, res ? res : conn_failure(r->conn));
		return TSQ_ROWS_FAILED;
	}
	bool first = r->first;
	r->first = false;
	if (!r->cursor) {
		r->done = true;
		*batch = r->batch = res;
		return TSQ_ROWS_BATCH;
	}
	int n = PQntuples(res);
	if (n < TSQ_ROWS_BATCH_SIZE)
		r->done = true;
	else if (!send_fetch(r)) {
		PQclear(res);
		return TSQ_ROWS_FAILED;
	}
	if (n == 0 && !first) {
		PQclear(res);
		return TSQ_ROWS_END;
	}
	*batch = r->batch = res;
	return TSQ_ROWS_BATCH;
}

PGresult *
tsq_rows_close(struct tsq_rows *r)
{
	PQclear(r->batch);
	r->batch = NULL;
	if (r->in_flight) {
		PQclear(wait_result(r->conn));
		r->in_flight = false;
	}
	if (r->cursor) {
		bool finished = r->done && r->failure == NULL && !tsq_cancel_signal();
		PGresult *res = run_now(r->conn, finished ? "COMMIT" : "ROLLBACK", 0, NULL, NULL);
		if (res)
			fail(r, res);
		r->cursor = false;
	}
	PGresult *failure = r->failure;
	r->failure = NULL;
	r->done = true;
	return failure;
}
