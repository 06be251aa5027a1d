/*
 * stats.h - what tsq-stats reports: what the database holds and how it is
 * stored, whether the storage policies run, whether the candles can be
 * trusted.
 *
 *	rc = tsq_stats_open(&st, &opts, &conn);
 *	rc = tsq_stats_tables(&st, names, n, view);	(the tables to report on)
 *	rc = tsq_stats_report(&st, view, &out, &problems);
 *	tsq_stats_close(&st);
 *
 * The overview answers from the catalog, the planner's statistics and
 * TimescaleDB's size functions, plus one index probe per table for its time
 * range: it never scans the rows unless exact is asked for.  The symbols
 * and quality views read the rows from since on.  Every view is written as
 * rows in one of format.h's formats or, where it has one, as Prometheus's
 * text format (prom.h).  Each function returns an exit status (0: done);
 * problems are reported on standard error.
 */
#ifndef TSQ_STATS_H
#define TSQ_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <libpq-fe.h>

#include "buf.h"
#include "conn.h"
#include "datetime.h"
#include "format.h"
#include "session.h"

enum tsq_stats_view {
	TSQ_STATS_OVERVIEW,	/* per table and rollup: rows, range, sizes, lag */
	TSQ_STATS_POLICIES,	/* tsq-compress's record and TimescaleDB's jobs */
	TSQ_STATS_CHUNKS,	/* per chunk or partition */
	TSQ_STATS_SYMBOLS,	/* per symbol and timeframe (reads the rows) */
	TSQ_STATS_QUALITY,	/* the data-quality checks (reads the rows) */
	TSQ_STATS_NODES,	/* a Citus cluster, per table and node */
	TSQ_STATS_QUERIES,	/* the statements that cost the most (pg_stat_statements) */
};

/* What the views that read rows look at, and what the checks hold them to. */
struct tsq_stats_opts {
	bool exact;				/* the overview counts rows and symbols */
	char since[TSQ_TIME_BUFSIZE];		/* rows from then on; "-infinity" */
	char session_start[6], session_end[6];	/* HH:MM: candles due then; "" all day */
	bool weekdays;				/* candles due Monday to Friday only */
	double spike;				/* percent: a bigger close-to-close move */
	int64_t frozen;				/* more flat candles in a row: frozen */
	int64_t stale_usec;			/* an active symbol without rows this long */
	const char *stale_text;			/* as given, for the rule shown; NULL: 1d */
	int64_t timeout_usec;			/* statement and lock timeout; 0: none */
	const char *timeout_text;		/* as given, for messages */
	char *const *labels;			/* NAME=VALUE: labels of every metric */
	int nlabels;
	int64_t limit;				/* --queries: how many statements */
};

/* Where a report goes. */
struct tsq_stats_out {
	FILE *f;
	bool prometheus;		/* Prometheus's text format, else FORMAT */
	enum tsq_out_format format;
	bool header;
	/* The overview for a terminal: fewer, shorter columns (not --wide) */
	bool narrow;
};

struct tsq_stats {
	struct tsq_session s;
	const struct tsq_stats_opts *o;
	const struct tsq_stats_out *out;	/* the report being written */
	/* the server */
	char *version, *ts_version, *license, *database;
	int64_t database_bytes;
	bool scheduler;		/* TimescaleDB's job scheduler runs for this database */
	bool has_writes;	/* tsq.writes, tsq-load's record of its loads */
	bool has_nodes;		/* tsq.node_stats: a Citus cluster's shards, node by node */
	bool has_policies;	/* tsq.policies: the stored policies */
	bool has_runs;		/* tsq.policy_runs: tsq-compress's record */
	bool has_rollups;	/* tsq.rollups (tsq's own partitioning) */
	bool has_partitions;	/* tsq.partitions(), the ranges of tsq's partitions */
	bool has_newest_row;	/* tsq.newest_row(), for the stale check (schema version 3) */
	PGresult *cluster;	/* citus/stats_cluster.sql, read once when first needed */
	char *reading;		/* the table being read, for messages */
	bool timed_out;		/* a statement ran into --timeout: exit 75 */
	/* the tables asked for: schema-qualified names, and as one regclass[] literal */
	char **tables;
	int ntables;
	struct tsq_buf table_array;
};

/*
 * Connect, set the timeouts, read what the server is; the database's name
 * and O's labels become labels of every metric (prom.h).  ST is to be
 * closed either way.
 */
int tsq_stats_open(struct tsq_stats *st, const struct tsq_stats_opts *o,
    const struct tsq_conn_opts *conn);

/*
 * The tables to report on: the N NAMES, or when there are none those with
 * a stored policy (for the views that read candles, ohlcv).  64 when one is
 * not a table.
 */
int tsq_stats_tables(struct tsq_stats *st, char *const *names, int n, enum tsq_stats_view view);

/*
 * Write VIEW of the tables to OUT.  *PROBLEMS: the quality checks found
 * some.  64 for a table the view cannot read (the quality checks of a table
 * without a time and a symbol column), 69 for --nodes without a Citus
 * cluster, 75 when a statement ran into the timeout (a lock held too long:
 * the message names the table).
 */
int tsq_stats_report(struct tsq_stats *st, enum tsq_stats_view view,
    const struct tsq_stats_out *out, bool *problems);

void tsq_stats_close(struct tsq_stats *st);

#endif
