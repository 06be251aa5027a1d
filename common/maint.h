/*
 * maint.h - storage maintenance by policy: what tsq-compress does.
 *
 * A table's wanted policy is stored in tsq.policies (policy.h parses it).
 * Applying it runs the steps of a table, in order: refresh the rollups that
 * read it, compress what is old enough, drop what is past retention (never
 * before its rollups were refreshed over it), create partitions ahead.
 * Every step holds the table's advisory lock, does one chunk, partition or
 * rollup range per statement (each its own transaction), records the action
 * in tsq.policy_runs and logs it, and goes on past a failure so that one run
 * reports all of them.  With dry_run, actions are printed instead.
 *
 *	rc = tsq_maint_open(&m, &opts, &conn);
 *	if (rc == 0)
 *		rc = tsq_maint_run(&m, tables, ntables);	(or another action)
 *	rc = tsq_maint_finish(&m, rc);
 *	tsq_maint_close(&m);
 *
 * Every function returns an exit status for what stops the action before it
 * starts (a table that does not exist: 64); failures of single actions are
 * counted in FAILURES and a table held by another run sets LOCKED_OUT, which
 * tsq_maint_finish() turns into the run's status.  Everything is reported on
 * standard error as it happens.
 */
#ifndef TSQ_MAINT_H
#define TSQ_MAINT_H

#include <stdbool.h>
#include <stdint.h>
#include <libpq-fe.h>

#include "conn.h"
#include "session.h"

struct tsq_maint_opts {
	bool dry_run;		/* print the actions, change nothing */
	bool native;		/* make TimescaleDB's own policy jobs match the stored policy */
	bool keep_tables;	/* detach old partitions instead of dropping them */
	bool skip_if_locked;	/* a table another run holds is skipped quietly */
	int64_t lock_timeout;	/* microseconds an action waits for a lock */
};

struct tsq_maint {
	struct tsq_session s;
	const struct tsq_maint_opts *o;
	int64_t now;		/* the server's clock, microseconds since 1970 */
	int failures;		/* actions that failed */
	bool locked_out;	/* a table was held by another run */
	bool has_rollup_tables;	/* plain PostgreSQL: tsq.rollups exists */
	bool has_retention;	/* tsq.retention exists (tsq-init of this version) */
	bool up_to_date;	/* TimescaleDB said the refresh found nothing to do */
	PQnoticeReceiver notices;	/* where the other notices go */
	char run[24];		/* this run's number, in every record it writes */
};

/* One-shot storage actions on a table, outside its policy. */
enum tsq_maint_action {
	TSQ_MAINT_COMPRESS,	/* chunks that ended before a time */
	TSQ_MAINT_DECOMPRESS,	/* chunks that overlap a range */
	TSQ_MAINT_DROP,		/* chunks or partitions that ended before a time */
};

/*
 * Connect, look at the server (its clock, tsq's schema), set the session
 * up for maintenance (notices, lock_timeout) and catch SIGINT and SIGTERM
 * (cancel.h).  0 when ready; M is to be closed either way.
 */
int tsq_maint_open(struct tsq_maint *m, const struct tsq_maint_opts *o,
    const struct tsq_conn_opts *conn);

/* Apply the stored policies of the NAMES (all stored ones when N is 0). */
int tsq_maint_run(struct tsq_maint *m, char *const *names, int n);

/*
 * Do ACTION on TABLE: compress or drop what ended before CUT, decompress
 * what overlaps [FROM, TO).  OPTION is the action's option, for messages.
 */
int tsq_maint_act(struct tsq_maint *m, enum tsq_maint_action action, const char *option,
    const char *table, int64_t cut, int64_t from, int64_t to);

/*
 * Refresh ROLLUP over [FROM, TO) (INT64_MIN/INT64_MAX: open), under the
 * lock of the raw table under it, never back past its retention horizon.
 */
int tsq_maint_refresh(struct tsq_maint *m, const char *rollup, int64_t from, int64_t to);

/* Store TABLE's policy, changed by SETTINGS (policy.h); --native: its jobs too. */
int tsq_maint_set_policy(struct tsq_maint *m, const char *table, const char *settings);
int tsq_maint_remove_policy(struct tsq_maint *m, const char *table);

/* The stored policies of the NAMES (all when N is 0), one row each, in *OUT. */
int tsq_maint_policies(struct tsq_maint *m, char *const *names, int n, PGresult **out);

/* The run's exit status, given RC so far: a signal, failed actions, a locked table. */
int tsq_maint_finish(struct tsq_maint *m, int rc);
void tsq_maint_close(struct tsq_maint *m);

#endif
