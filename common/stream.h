/*
 * stream.h - a query of tsq-query run and its rows written as they come.
 *
 * The statement goes through rows.h (a cursor, a few thousand rows a
 * FETCH), each batch is written to a format.h output at once, through an
 * indicator (indicator.h) when the query computes one.  Ctrl-C or SIGTERM
 * (cancel.h, set up by the tool) cancels it on the server.
 */
#ifndef TSQ_STREAM_H
#define TSQ_STREAM_H

#include <stdbool.h>
#include <stdint.h>
#include <libpq-fe.h>

#include "format.h"
#include "indicator.h"
#include "query.h"

/*
 * Run Q's SQL with its bound parameters (EXPLAIN: its plan, one line a
 * row) and write its rows to OUT; with IND the indicator's columns are
 * added and its warm-up rows left out.  TIMEOUT_USEC: a statement timeout
 * (0: none).  Returns an exit status: 0; 1 a failure (reported); 75 the
 * statement timed out; 130 or 143 a signal stopped it ("interrupted").
 */
int tsq_stream_query(PGconn *conn, const struct tsq_query *q, struct tsq_out *out, bool explain,
    int64_t timeout_usec, struct tsq_indicator *ind);

#endif
