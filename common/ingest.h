/*
 * ingest.h - one load: input files read record by record, each record into
 * the pool's rounds (pool.h) or the reject file (rejects.h), with the totals,
 * the checkpoint (checkpoint.h), the error limits and the reason the load
 * stopped, if it did.  tsq-load is options, a loop over its inputs and exit
 * codes around it:
 *
 *	rc = tsq_ingest_open(&L, &opts, &conn);
 *	for each input while rc == 0 && !tsq_ingest_stopped(&L):
 *		rc = tsq_ingest_input(&L, input);
 *	tsq_ingest_finish(&L);		(records when rows were written)
 *	... report L.t, L.stop, L.committed_line ...
 *	tsq_ingest_close(&L, &err);
 */
#ifndef TSQ_INGEST_H
#define TSQ_INGEST_H

#include <stdbool.h>
#include <stdint.h>

#include "backend.h"
#include "buf.h"
#include "catalog.h"
#include "checkpoint.h"
#include "conn.h"
#include "input.h"
#include "loader.h"
#include "mapper.h"
#include "pool.h"
#include "progress.h"
#include "reader.h"
#include "rejects.h"

/*
 * Without max_errors or max_error_ratio (limits_given false), a load stops
 * when more than TSQ_INGEST_MAX_ERRORS records and more than
 * TSQ_INGEST_MAX_ERROR_RATIO of those read were rejected: the input is
 * clearly not what the table expects.
 */
#define TSQ_INGEST_MAX_ERRORS 1000
#define TSQ_INGEST_MAX_ERROR_RATIO 0.5

/* What tsq-load's options say about the load (see tsq-load(1)). */
struct tsq_ingest_opts {
	const char *table;
	enum tsq_format format;
	char delimiter, quote;		/* 0: the format's own */
	bool no_header;
	char **columns;			/* --columns, or NULL */
	int ncolumns;
	struct tsq_mapper_opts map;
	bool conflict_given;
	enum tsq_conflict conflict;
	enum tsq_dedupe dedupe;
	int64_t batch_size;
	int workers;
	bool dry_run;
	const char *rejects;		/* one reject file for every input, or NULL */
	bool limits_given;		/* max_errors or max_error_ratio given */
	int64_t max_errors;		/* -1: no limit */
	double max_error_ratio;		/* < 0: no limit */
	const char *checkpoint;		/* or NULL */
	bool resume;
	bool progress;			/* show the progress meter */
	const char *pending;		/* the pending file (rows read, not written), or NULL */
	/*
	 * Inputs that are not regular files (pipes, sockets, terminals) are
	 * live: their batches are also written when their oldest row has
	 * waited flush_interval, a lost connection is sought again for retry,
	 * and a status line comes every status_interval.  Each -1: the default
	 * (1 s, 5 min and 60 s for live input; none for files); 0: never.
	 */
	int64_t flush_interval, retry, status_interval;
	size_t buffer;			/* bytes read and not yet written, at most (0: 64 MiB) */
	const char *tz;			/* --tz, or NULL */
};

struct tsq_ingest_totals {
	uint64_t read, inserted, updated, unchanged, duplicates, rejected, batches, fast, retries;
	uint64_t pending;		/* read, never written: in the pending file */
	uint64_t skipped;		/* --skip-empty-rows: rows with no value but their key */
	uint64_t empty;			/* without it: such rows loaded or rejected */
};

struct tsq_ingest {
	const struct tsq_ingest_opts *o;
	struct tsq_backend backend;
	struct tsq_table table;
	struct tsq_load_plan plan;
	bool planned;
	struct tsq_pool pool;
	struct tsq_mapper_opts map_opts;	/* the options' mapping, for this server */
	struct tsq_mapper map;
	bool mapped;
	struct tsq_mapped row;
	struct tsq_ingest_totals t;
	struct tsq_progress progress;
	/* the input being read */
	struct tsq_input in;
	struct tsq_reader *reader;
	const char *display;		/* its name in messages */
	const char *input;		/* as named on the command line */
	bool keyed;			/* JSON lines: records name their fields */
	char *header_raw;		/* the header record as read, for reject records */
	char *source;			/* its name in tsq.loads: the real path; NULL for a pipe */
	/* a resumed input: the offset up to which each worker had committed its rows */
	int64_t *skip_until, skip_max;
	int skip_workers;
	bool resumed_done;		/* and the load it resumed had read it to its end */
	/* the load's record in tsq.loads (see sql/common.sql), when the schema has it */
	bool has_loads;
	char *load_id;
	long committed_line;		/* last line of the input committed or rejected */
	struct tsq_rejects *rejects;
	bool rejects_shared;		/* --rejects: one file for every input */
	struct tsq_rejects *pending;	/* rows read and never written, in the reject format */
	bool live;			/* the input is not a regular file (see tsq_ingest_opts) */
	int64_t flush_usec, status_usec, last_status, started;
	uint64_t live_records;		/* records read since the clock was last looked at */
	struct tsq_checkpoint *checkpoint;
	/* why it stopped, when it did */
	struct tsq_buf stop;
	int stop_code;			/* the exit status it calls for */
	const PGresult *stop_result;	/* the server's error behind the stop, if any */
	/* --format rejects: the options the reject file's "load" gave (not given again) */
	struct tsq_pair *load_maps, *load_sets;
	int nload_maps, nload_sets;
	char **load_skip;
	int nload_skip;
	struct tsq_time_format load_time_format;
};

/*
 * Connect (CONN), look at the server and the table O names, read the
 * checkpoint.  Returns an exit status (0: ready); the problem is reported.
 * L is to be closed either way.
 */
int tsq_ingest_open(struct tsq_ingest *L, const struct tsq_ingest_opts *o,
    const struct tsq_conn_opts *conn);

/*
 * Load one input ("-": stdin).  Returns an exit status for problems found
 * before its rows (a missing file, a bad header: reported); a load that
 * stopped on the way says so in L->stop (or tsq_cancel_signal()).
 */
int tsq_ingest_input(struct tsq_ingest *L, const char *input);

/* The load stopped: a limit, a failure, a signal.  No further input. */
bool tsq_ingest_stopped(const struct tsq_ingest *L);

/* After the last input: record when rows were committed, for tsq-stats. */
void tsq_ingest_finish(struct tsq_ingest *L);

/* Free everything; false with ERR set when the reject file could not be written. */
bool tsq_ingest_close(struct tsq_ingest *L, struct tsq_buf *err);

#endif
