/*
 * script.h - runs tsq's SQL scripts (the files under sql/) step by step, idempotently.
 *
 * A script is a list of steps.  Each starts with header comment lines:
 *
 *	-- step: table ohlcv                 what it does, for messages
 *	-- unless: SELECT EXISTS (...)        skip the step when this returns true
 *	-- params: schema, chunk_interval     variables bound as $1, $2 ...
 *	-- only: rollups                      run only when that flag is set
 *	-- each: table=ohlcv; days=7          run the step once per such line,
 *	-- each: table=trades; days=2         each time with these @tokens@
 *	-- each-of: rollups                   once per "-- each:" line of a list
 *	                                      (sql/lists/rollups.sql)
 *	-- version: 2                         the schema version in which the
 *	                                      step's object took its present form
 *
 * followed by the SQL to run.  Variables are passed as bind parameters, never
 * pasted into the text; a statement that cannot take parameters (DDL) gets
 * none.  The only text substitutions are @name@ tokens (in the SQL, the
 * unless: check and the step's name) whose values are fixed choices made by
 * tsq itself (such as the price column type) or written in the script's
 * each: lines, never input.
 *
 * A step with "-- version: N" runs even when its unless: check finds its
 * object, on a schema whose recorded version is below N: it replaces the
 * object in place (CREATE OR REPLACE), which is how a schema made by an
 * earlier tsq is brought up to date.  The versions and what changed in each
 * are listed in sql/finish.sql.
 *
 * Within a step's SQL, and within a query's (query.c), the lines between
 * "-- repeat: NAME" and "-- end repeat" are written once per line of list
 * NAME, with that line's @tokens@.
 */
#ifndef TSQ_SCRIPT_H
#define TSQ_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <libpq-fe.h>

#include "buf.h"

struct tsq_script_var {
	const char *name;
	const char *value;
};

struct tsq_script_opts {
	const struct tsq_script_var *vars;	/* bind variables, NULL name ends */
	const struct tsq_script_var *tokens;	/* @name@ substitutions, NULL name ends */
	const char *const *flags;		/* enabled "only:" flags, NULL ends */
	FILE *dry_run;				/* print instead of executing */
	int from_version;			/* the schema's recorded version, 0: none */
};

struct tsq_script_outcome {
	int executed;
	int skipped;
	struct tsq_buf failed_step;	/* name of the step that failed, if any */
};

/*
 * Run the steps of TEXT.  Each step that runs is announced with tsq_info().
 * Returns NULL on success, else the failed result (the caller reports and
 * clears it).  OUT is filled either way.
 */
PGresult *tsq_script_run(PGconn *conn, const char *text, const struct tsq_script_opts *opts,
    struct tsq_script_outcome *out);

/*
 * SQL with each @name@ replaced by its token value, appended to OUT; an
 * unknown @...@ stays as it is.  The values are tsq's own choices, or names
 * the server quoted: never input.
 */
void tsq_sql_substitute(struct tsq_buf *out, const char *sql, const struct tsq_script_var *tokens);

/*
 * Whether LINE is the header comment "-- KEY: value" of an SQL file (blanks
 * allowed around each part), the form of script steps and of query files.
 * If so *VALUE points to the value within LINE, which is cut after it
 * (trailing blanks dropped).
 */
bool tsq_sql_header(char *line, const char *key, char **value);

/*
 * TEXT with its "-- repeat: NAME" ... "-- end repeat" blocks written once
 * per line of list NAME, the line's @tokens@ substituted (others are left).
 * Returns a string to free.
 */
char *tsq_sql_repeat(const char *text);

/* The SQL files compiled into the binaries, by path under sql/. */
const char *tsq_sql_file(const char *path);
/* The path of the I-th compiled-in file, NULL past the last: for listings. */
const char *tsq_sql_file_name(size_t i);

#endif
