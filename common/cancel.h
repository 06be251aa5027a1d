/*
 * cancel.h - Ctrl-C and SIGTERM for the tools that run statements.
 *
 * After tsq_cancel_setup(), the first SIGINT or SIGTERM is remembered and,
 * while statements are running (tsq_cancel_running(true)), a cancel request
 * goes to every registered connection, so that a long COPY or query stops
 * at once.  The tool then sees tsq_cancel_signal() and winds down cleanly:
 * nothing is killed half-way.  Blocking reads are interrupted (EINTR).
 */
#ifndef TSQ_CANCEL_H
#define TSQ_CANCEL_H

#include <stdbool.h>
#include <libpq-fe.h>

void tsq_cancel_setup(void);
/*
 * For a tool that must finish what it holds (tsq-load): the first SIGINT,
 * SIGTERM or SIGHUP only says stop reading (tsq_cancel_signal()); a second
 * one aborts (tsq_cancel_aborted()) and cancels the running statements.
 * SIGPIPE is ignored.
 */
void tsq_cancel_setup_drain(void);
/* A signal asked to give up at once (after tsq_cancel_setup(): any signal). */
bool tsq_cancel_aborted(void);
/* Cancel CONN's statements on a signal; up to TSQ_CANCEL_MAX connections. */
#define TSQ_CANCEL_MAX 64
void tsq_cancel_register(PGconn *conn);
void tsq_cancel_release(void);
/*
 * Whether statements are running now, to be cancelled by a signal.  Marking
 * them running after a signal that has not cancelled anything yet sends the
 * cancel requests then; they go once per run of the program.
 */
void tsq_cancel_running(bool running);
/*
 * Send the cancel requests again when a signal came and statements are
 * running: one the server received before the statement was ignored.
 */
void tsq_cancel_repeat(void);
/* The signal received (SIGINT, SIGTERM, SIGHUP), or 0. */
int tsq_cancel_signal(void);

#endif
