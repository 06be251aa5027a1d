#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cancel.h"
#include "exit.h"
#include "log.h"
#include "mem.h"
#include "pager.h"
#include "pgcodes.h"
#include "rows.h"
#include "stream.h"

static int
failed(PGresult *res)
{
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	int rc = state && strcmp(state, TSQ_STATE_QUERY_CANCELED) == 0 ? TSQ_EXIT_TEMPFAIL : TSQ_EXIT_FAILURE;

	tsq_report_result(res);
	PQclear(res);
	return rc;
}

/*
 * Write the rows of RES; with IND, its output instead: the indicator's
 * columns added, the warm-up rows left out.  False when the columns do not
 * suit IND (reported).
 */
static bool
write_rows(struct tsq_out *out, PGresult *res, bool *begun, struct tsq_indicator *ind)
{
	int ncols = PQnfields(res), nrows = PQntuples(res);
	char **vals = xcalloc((size_t)ncols + 1, sizeof *vals);

	if (!*begun) {
		char **names = xcalloc((size_t)ncols + 1, sizeof *names);
		unsigned int *types = xcalloc((size_t)ncols + 1, sizeof *types);
		for (int c = 0; c < ncols; c++) {
			names[c] = PQfname(res, c);
			types[c] = PQftype(res, c);
		}
		bool ok = true;
		struct tsq_buf err = TSQ_BUF_INIT;
		if (ind) {
			int n;
			char *const *onames;
			const unsigned int *otypes;
			ok = tsq_indicator_begin(ind, ncols, names, types, &n, &onames, &otypes, &err) &&
			    tsq_out_check(out, n, onames, otypes, &err);
			if (ok)
				tsq_out_begin(out, n, onames, otypes);
		} else if ((ok = tsq_out_check(out, ncols, names, types, &err))) {
			tsq_out_begin(out, ncols, names, types);
		}
		if (!ok)
			tsq_error("%s", err.data);
		tsq_buf_free(&err);
		free(names);
		free(types);
		if (!ok) {
			free(vals);
			return false;
		}
		*begun = true;
	}
	for (int r = 0; r < nrows; r++) {
		for (int c = 0; c < ncols; c++)
			vals[c] = PQgetisnull(res, r, c) ? NULL : PQgetvalue(res, r, c);
		if (ind == NULL) {
			tsq_out_row(out, vals);
		} else {
			char *const *row = tsq_indicator_row(ind, vals);
			if (row)
				tsq_out_row(out, row);
		}
	}
	free(vals);
	return true;
}

int
tsq_stream_query(PGconn *conn, const struct tsq_query *q, struct tsq_out *out, bool explain,
    int64_t timeout_usec, struct tsq_indicator *ind)
{
	const char **values = xcalloc((size_t)q->nparams + 1, sizeof *values);
	Oid *types = xcalloc((size_t)q->nparams + 1, sizeof *types);
	struct tsq_buf sql = TSQ_BUF_INIT;
	struct tsq_rows rows;
	PGresult *batch;
	bool begun = false, wrote = true;
	enum tsq_rows_status st = TSQ_ROWS_FAILED;
	int rc = TSQ_EXIT_OK;

	for (int i = 0; i < q->nparams; i++) {
		values[i] = q->params[i].is_null ? NULL : q->params[i].value;
		types[i] = tsq_param_type_oid(q->params[i].type);
	}
	tsq_buf_adds(&sql, explain ? "EXPLAIN " : "");
	tsq_buf_adds(&sql, q->sql);
	struct tsq_statement stmt = { sql.data, q->nparams, types, values, timeout_usec };
	PGresult *res = tsq_rows_open(&rows, conn, &stmt);
	/* A failed start has closed the stream already. */
	while (res == NULL && wrote && (st = tsq_rows_next(&rows, &batch)) == TSQ_ROWS_BATCH) {
		if (PQresultStatus(batch) != PGRES_TUPLES_OK)
			continue;
		if (explain) {
			for (int r = 0; r < PQntuples(batch); r++)
				fprintf(out->f, "%s\n", PQgetvalue(batch, r, 0));
		} else if (!write_rows(out, batch, &begun, ind)) {
			rc = TSQ_EXIT_FAILURE;
			wrote = false;
		}
		if (ferror(out->f) && tsq_pager_gone()) {
			/* The user left the pager: the rest is not wanted. */
			wrote = false;
		} else if (ferror(out->f)) {
			tsq_error("could not write the rows: %s", strerror(errno));
			if (out->f == stdout)
				tsq_stdout_reported();
			rc = TSQ_EXIT_FAILURE;
			wrote = false;
		}
	}
	if (begun && rc == TSQ_EXIT_OK && st == TSQ_ROWS_END)
		tsq_out_end(out);
	if (res == NULL)
		res = tsq_rows_close(&rows);
	if (tsq_cancel_signal()) {
		/* The server's "canceling statement" is ours: say what happened. */
		PQclear(res);
		tsq_error("interrupted");
		rc = tsq_cancel_signal() == SIGTERM ? TSQ_EXIT_SIGTERM : TSQ_EXIT_SIGINT;
	} else if (res) {
		rc = rc == TSQ_EXIT_OK ? failed(res) : (PQclear(res), rc);
	}
	tsq_buf_free(&sql);
	free(values);
	free(types);
	return rc;
}

