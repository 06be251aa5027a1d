/*
 * stats-int.h - the parts of tsq-stats' engine (stats.h) and what they
 * offer each other; nothing outside stats.c, inventory.c, metrics.c and
 * quality.c includes it.
 *
 *	stats.c		the session, the tables, the policies, chunks and nodes
 *			views, and what the others share
 *	inventory.c	the overview: a row per table and rollup
 *	metrics.c	the overview, policies and nodes as Prometheus metrics
 *	quality.c	the symbols view and the data-quality checks
 *	statements.c	--queries: pg_stat_statements
 */
#ifndef TSQ_STATS_INT_H
#define TSQ_STATS_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <libpq-fe.h>

#include "catalog.h"
#include "format.h"
#include "stats.h"

/* One row of the overview: a table or one of its rollups. */
struct stats_row {
	char *schema, *name, *display;
	const char *kind;	/* "hypertable", "partitioned", "table", "view", "rollup" */
	char *source;		/* a rollup: the table it reads */
	/* What is measured, from rows to has_max: a rollup copies it whole. */
	int64_t rows, partitions, compressed;
	int64_t total, table, index, toast;
	int64_t before, after;	/* bytes of the compressed chunks before and after */
	char *time_min, *time_max;	/* as the server shows them */
	int64_t max_usec;	/* for the lag */
	bool has_max;
	int64_t symbols;
	double lag;		/* a rollup: seconds behind its source's newest row */
	bool has_lag;
	char *last_insert;	/* when tsq-load last committed rows to it */
	int64_t last_insert_usec;
};

/* stats.c */
/*
 * Report the failure RES: a statement stopped by the timeout (or a lock
 * not granted in time) names the table being read and sets s->timed_out.
 */
void stats_failed(struct tsq_stats *s, const PGresult *res);
/*
 * Run SQL, made here (malloc'd, freed here; names quoted by
 * tsq_quote_ident, values only as PARAMS): the result, or NULL after
 * reporting its failure.
 */
PGresult *stats_run(struct tsq_stats *s, char *sql, int n, const char *const *params);
/* Run SQL file PATH into *OUT; false after reporting its failure. */
bool stats_checked(struct tsq_stats *s, const char *path, int n, const char *const *params,
    PGresult **out);
int64_t stats_int64(const PGresult *res, int row, int col, int64_t if_null);
/* The value, copied; NULL for NULL. */
char *stats_dup(const PGresult *res, int row, int col);
/* V as text in BUF, into *SLOT; a NULL slot when V is negative (unknown). */
void stats_put_int(char *buf, size_t size, int64_t v, const char **slot);
/* The report's rows begun, with these columns. */
struct tsq_out stats_out_begin(struct tsq_stats *s, int ncols, char *const *names,
    const unsigned int *types);
/* Names and kind of relation REG into R; false (reported) when it is not there. */
bool stats_row_names(struct tsq_stats *s, struct stats_row *r, const char *reg);
void stats_row_free(struct stats_row *r);
/* The rows of tsq.node_stats for the asked-for table I. */
bool stats_node_rows(struct tsq_stats *s, int i, struct stats_row *r, PGresult **res);

/* inventory.c */
int stats_overview(struct tsq_stats *s);

/* metrics.c */
bool stats_prom_overview(struct tsq_stats *s, const struct stats_row *rows, int n);
bool stats_prom_nodes(struct tsq_stats *s, FILE *f);
bool stats_prom_policies(struct tsq_stats *s, FILE *f);

/* statements.c */
int stats_statements(struct tsq_stats *s);

/* quality.c */
int stats_symbols(struct tsq_stats *s);
int stats_quality(struct tsq_stats *s, bool *problems);

#endif
