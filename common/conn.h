/*
 * conn.h - connecting to PostgreSQL the way psql does.
 *
 * -d/--dbname takes a database name, a conninfo string or a postgresql:// URI;
 * -h -p -U override its parts.  Anything not given is left to libpq, so PG*
 * variables, pg_service.conf and .pgpass keep working.  TSQ_DB names the
 * default connection; with nothing given at all and the cluster of
 * "tsq-init --local" present, that cluster is used.
 */
#ifndef TSQ_CONN_H
#define TSQ_CONN_H

#include <stdbool.h>
#include <libpq-fe.h>

#include "buf.h"

enum tsq_password_mode {
	TSQ_PASSWORD_AUTO,	/* ask on a terminal if the server wants one */
	TSQ_PASSWORD_NEVER,	/* -w */
	TSQ_PASSWORD_FORCE,	/* -W */
};

struct tsq_conn_opts {
	const char *dbname;
	const char *host;
	const char *port;
	const char *user;
	enum tsq_password_mode password;
	const char *tz;		/* session TimeZone; NULL means UTC */
};

enum tsq_conn_status {
	TSQ_CONN_OK,
	TSQ_CONN_FAILED,	/* could not connect: exit 2 */
	TSQ_CONN_BAD_SETTING,	/* connected, but a session setting (--tz) was refused */
};

/*
 * Open a connection and apply the session settings for machine output
 * (DateStyle ISO, IntervalStyle postgres, extra_float_digits 3, TimeZone).
 * On failure *conn is NULL and ERR holds one line saying why.
 */
enum tsq_conn_status tsq_conn_open(const struct tsq_conn_opts *opts, PGconn **conn,
    struct tsq_buf *err);

/*
 * The exit status every tool gives a connection outcome: 0, 2 when it could
 * not connect, 64 when the server refused a setting the user gave (--tz).
 */
int tsq_conn_exit(enum tsq_conn_status st);

/*
 * Report a failed connection (MSG from tsq_conn_open) on standard error,
 * with a hint where no database was named and none answered (tsq-init
 * --local makes or starts one); its exit status.
 */
int tsq_conn_report(const struct tsq_conn_opts *opts, enum tsq_conn_status st, const char *msg);

/*
 * tsq_conn_open() for a tool: a failure is reported on standard error.
 * Returns the exit status of the outcome (0: connected).
 */
int tsq_connect(const struct tsq_conn_opts *opts, PGconn **conn);

/*
 * Whether, since the last call, a Citus coordinator warned that it could
 * not commit on a worker a transaction it had committed itself ("failed to
 * commit transaction on HOST:PORT"): the rows wait, prepared on the worker,
 * for Citus's recovery.  Clears the note; any connection's notices count.
 */
bool tsq_conn_take_commit_doubt(void);
/* The same of a part of a batch tsq-load prepared on a worker itself (route.h). */
void tsq_conn_note_commit_doubt(void);

/*
 * Make SCHEMA the first schema of the search path, followed by tsq's own
 * schema and public.  Returns false with ERR set on failure.
 */
bool tsq_conn_set_search_path(PGconn *conn, const char *schema, struct tsq_buf *err);

/*
 * Run SQL with NPARAMS text parameters.  Returns the result, which the caller
 * clears; check it with tsq_result_ok().
 */
PGresult *tsq_exec(PGconn *conn, const char *sql, int nparams, const char *const *params);
bool tsq_result_ok(const PGresult *res);
/*
 * Append the message of failed result RES to OUT, one line, never empty: the
 * server's primary message, else what libpq says about RES or CONN (a
 * connection that dropped has no server message).
 */
void tsq_result_message(const PGresult *res, PGconn *conn, struct tsq_buf *out);
/* Log a failed result as error, detail and hint lines. */
void tsq_report_result(const PGresult *res);
/*
 * Log only the detail and hint of a failed result (its message was told
 * already), one line each of theirs: the server's line breaks are kept.
 */
void tsq_report_details(const PGresult *res);

#endif
