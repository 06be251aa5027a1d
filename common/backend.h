/*
 * backend.h - which kind of server we are talking to.
 *
 * tsq runs on TimescaleDB (hypertables, compression, continuous aggregates,
 * policies), on plain PostgreSQL (native range partitions and rollup tables
 * that tsq refreshes itself) and on a Citus cluster (PostgreSQL's layout, its
 * tables distributed by symbol from the coordinator).  The tools ask this
 * module what the server is and take per-backend SQL from sql/<backend>/
 * (tsq_backend_sql()); nothing else in tsq should test for an extension on
 * its own.
 */
#ifndef TSQ_BACKEND_H
#define TSQ_BACKEND_H

#include <stdbool.h>
#include <stdint.h>
#include <libpq-fe.h>

#include "opt.h"

enum tsq_backend_kind {
	TSQ_BACKEND_POSTGRES,
	TSQ_BACKEND_TIMESCALEDB,
	TSQ_BACKEND_CITUS,
};

struct tsq_backend {
	enum tsq_backend_kind kind;
	int server_version;		/* PQserverVersion(): 150018, 170005 */
	char timescaledb_version[32];	/* installed extension, "" if none */
	int ts_major, ts_minor;
	char license[16];		/* timescaledb.license: "apache", "timescale" */
	bool timescaledb_available;	/* its files are installed on the server */
	bool timescaledb_preloaded;	/* in shared_preload_libraries: CREATE EXTENSION works */
	bool has_compression;		/* compress_chunk(); on Citus its columnar access method */
	bool has_continuous_aggregates;	/* refresh_continuous_aggregate() */
	bool has_policies;		/* add_compression_policy() */
	/*
	 * refresh_continuous_aggregate() takes options and refreshes in batches
	 * (2.28 and later), which can leave a bucket unmaterialized: tsq asks
	 * for one batch.
	 */
	bool refresh_in_batches;
	/*
	 * add_continuous_aggregate_policy() takes buckets_per_batch (2.23 and
	 * 2.28 here): a refresh job then commits a few buckets at a time, newest
	 * first.  Between two commits (until the next run, after a job stopped
	 * half-way) the rollup's watermark is past older buckets not
	 * materialized yet, and a query sees them neither from the rollup nor
	 * from the raw rows: tsq's refresh jobs are set to one batch.
	 */
	bool policy_in_batches;
	char citus_version[32];		/* the citus extension in this database, "" if none */
};

/* Probe the server.  Returns NULL, or the failed result for the caller to report. */
PGresult *tsq_backend_detect(PGconn *conn, struct tsq_backend *b);

/* "timescaledb", "postgres" or "citus": the name users see and the sql/ folder. */
const char *tsq_backend_name(enum tsq_backend_kind kind);
/* "TimescaleDB", "plain PostgreSQL" or "Citus": for sentences. */
const char *tsq_backend_title(enum tsq_backend_kind kind);

/*
 * Whether tsq keeps the time partitions and the rollup tables itself (plain
 * PostgreSQL and Citus), rather than TimescaleDB's chunks and continuous
 * aggregates.
 */
bool tsq_backend_own_partitions(enum tsq_backend_kind kind);

/*
 * Whether compression is of a partitioned table's old partitions, each
 * rewritten by an access method (Citus: columnar), rather than of
 * TimescaleDB's chunks.
 */
bool tsq_backend_compresses_partitions(enum tsq_backend_kind kind);

/*
 * The path (under sql/, for tsq_sql_file()) of the SQL file NAME for KIND,
 * written to BUF: <backend>/NAME, or on Citus postgres/NAME where Citus
 * needs nothing else.  NULL when there is no such file.
 */
const char *tsq_backend_sql(enum tsq_backend_kind kind, const char *name, char *buf,
    size_t size);

/*
 * The scripts that make tsq's schema on KIND after tables.sql, in order
 * (paths under sql/), NULL-terminated.
 */
const char *const *tsq_backend_schema_scripts(enum tsq_backend_kind kind);
/* Parse a backend's name as tsq_backend_name() writes it, or "auto". */
bool tsq_backend_parse(const char *s, enum tsq_backend_kind *kind, bool *is_auto);
/* The values of --backend: TSQ_BACKEND_AUTO or a kind. */
#define TSQ_BACKEND_AUTO (-1)
extern const struct tsq_opt_choice tsq_backend_choices[];

/*
 * The backend "auto" settles on for a server probed into B: Citus when the
 * database has the extension, else TimescaleDB when the database has it or
 * the server offers it, else PostgreSQL.
 */
enum tsq_backend_kind tsq_backend_preferred(const struct tsq_backend *b);

/*
 * What ends CREATE TABLE for tsq's time-series tables on KIND: range
 * partitioning on the time column on plain PostgreSQL (tsq makes the daily
 * partitions), nothing on TimescaleDB (create_hypertable follows).
 */
const char *tsq_backend_table_clause(enum tsq_backend_kind kind);

/*
 * The SQL script (a path under sql/, for tsq_script_run) that creates the
 * extension KIND needs in the database, or NULL when it needs none.  Run it
 * only when the extension can be created (on TimescaleDB: its library
 * preloaded), then probe again.
 */
const char *tsq_backend_extension_script(enum tsq_backend_kind kind);

struct tsq_table;

/*
 * Before rows with times in [FROM_USEC, TO_USEC] are written to T: on plain
 * PostgreSQL create the daily partitions they need (when T is partitioned
 * on its time column and tsq-init's functions are installed); on TimescaleDB
 * older than 2.11 decompress the compressed chunks they fall in.  Returns
 * NULL, or the failed result; *CHANGED counts partitions or chunks touched.
 */
PGresult *tsq_backend_before_write(PGconn *conn, const struct tsq_backend *b,
    const struct tsq_table *t, int64_t from_usec, int64_t to_usec, long *changed);

/*
 * Record in tsq.touched that rows with times in [FROM_USEC, TO_USEC) are
 * about to be written to T, so that tsq-compress refreshes the rollups over
 * them.  *KNOWN caches whether the table exists (0 not yet asked, 1 yes, -1
 * no: nothing to do).  Returns NULL, or the failed result.
 */
PGresult *tsq_backend_note_write(PGconn *conn, const struct tsq_table *t, int64_t from_usec,
    int64_t to_usec, int *known);

/*
 * Record in tsq.writes that rows were committed to T just now, for
 * tsq-stats' last_insert; nothing when tsq's schema does not have it.
 * Returns NULL, or the failed result.
 */
PGresult *tsq_backend_note_written(PGconn *conn, const struct tsq_table *t);

/*
 * SQL to run at the start of each transaction that writes to T, or NULL: on
 * TimescaleDB 2.11 and later it lifts the limit on rows decompressed by one
 * transaction, so loading into a compressed range works; on Citus, for a
 * load that COPYs every batch straight into T (COPY true), it keeps the
 * connections to the shards from one batch to the next.
 */
const char *tsq_backend_write_setup(const struct tsq_backend *b, const struct tsq_table *t,
    bool copy);

/*
 * Booleans from a row of a result: column FIRST + i ('t' or not) into
 * *FLAGS[i], for each flag given: TSQ_PG_FLAGS(res, 0, 2, &b->x, &b->y).
 */
void tsq_pg_flags(const PGresult *res, int row, int first, bool *const *flags, size_t n);
#define TSQ_PG_FLAGS(res, row, first, ...)						\
	tsq_pg_flags((res), (row), (first), (bool *const[]){ __VA_ARGS__ },		\
	    sizeof((bool *const[]){ __VA_ARGS__ }) / sizeof(bool *))

#endif
