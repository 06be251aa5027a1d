/*
 * indicator.h - technical indicators computed by tsq-query as the rows
 * stream past, in one pass and constant memory.
 *
 * A query file names one with "-- compute: NAME".  Its SQL returns the
 * candles in time order, warm-up rows included, with these columns:
 *
 *   close                  (and time, symbol: passed through)
 *   _high, _low, _volume   the inputs an indicator needs besides the close
 *   _session               vwap: the sums restart where this changes
 *   _shown                 false for the warm-up rows before from
 *
 * The rows written are those with _shown true, with the columns whose names
 * do not start with '_', followed by the indicator's columns (double
 * precision; NULL where the history is too short).  Parameters are the
 * query's own, by name (period, fast, slow, signal, k, ...).
 *
 * Each follows TA-Lib's definitions and conventions, as the SQL aggregates
 * tsq.ema, tsq.rsi, tsq.wilder and tsq.wilder_sum of tsq's schema do for
 * SQL users; tests check both against TA-Lib.
 */
#ifndef TSQ_INDICATOR_H
#define TSQ_INDICATOR_H

#include <stdbool.h>

#include "buf.h"
#include "query.h"

struct tsq_indicator;

/*
 * Indicator NAME with the parameters of Q (bound); NULL with a message in
 * ERR when there is no such indicator or a parameter is out of range.
 */
struct tsq_indicator *tsq_indicator_new(const char *name, const struct tsq_query *q,
    struct tsq_buf *err);

/*
 * Bind to the result's columns.  The output columns are set in *NCOLS,
 * *NAMES and *TYPES (owned by IND).  False with a message in ERR when an
 * input column is missing.
 */
bool tsq_indicator_begin(struct tsq_indicator *ind, int ncols, char *const *names,
    const unsigned int *types, int *out_ncols, char *const **out_names,
    const unsigned int **out_types, struct tsq_buf *err);

/*
 * One row of the result (text values, NULL for NULL): the values to write
 * (valid until the next call), or NULL for a warm-up row.
 */
char *const *tsq_indicator_row(struct tsq_indicator *ind, char *const *vals);

void tsq_indicator_free(struct tsq_indicator *ind);

#endif
