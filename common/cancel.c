#include <signal.h>
#include <string.h>

#include "cancel.h"

static volatile sig_atomic_t got_signal;
static volatile sig_atomic_t running;
static PGcancel *cancels[TSQ_CANCEL_MAX];
static volatile sig_atomic_t ncancels;
static volatile sig_atomic_t cancelled;
static volatile sig_atomic_t drain;	/* the first signal stops input, the second cancels */
static volatile sig_atomic_t aborted;

/* Async-signal-safe: PQcancel is documented to be callable from a handler. */
static void
cancel_all(void)
{
	char errbuf[256];

	cancelled = 1;
	for (int i = 0; i < ncancels; i++)
		if (cancels[i])
			PQcancel(cancels[i], errbuf, sizeof errbuf);
}

static void
on_signal(int sig)
{
	if (drain && got_signal != 0)
		aborted = 1;
	if (got_signal == 0)
		got_signal = sig;
	if (running && !cancelled && (!drain || aborted))
		cancel_all();
}

void
tsq_cancel_setup(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: a blocked read returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

void
tsq_cancel_setup_drain(void)
{
	struct sigaction sa;

	drain = 1;
	tsq_cancel_setup();
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	/* A log reader that went away must not end the load: writes fail with EPIPE instead. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

bool
tsq_cancel_aborted(void)
{
	return !drain ? got_signal != 0 : aborted != 0;
}

void
tsq_cancel_register(PGconn *conn)
{
	if (ncancels < TSQ_CANCEL_MAX) {
		cancels[ncancels] = PQgetCancel(conn);
		ncancels++;
	}
}

void
tsq_cancel_release(void)
{
	int n = ncancels;

	ncancels = 0;
	for (int i = 0; i < n; i++) {
		PQfreeCancel(cancels[i]);
		cancels[i] = NULL;
	}
}

void
tsq_cancel_running(bool r)
{
	/*
	 * A signal that came while nothing was marked running (say between
	 * sending a statement and waiting for it) cancels now, once.
	 */
	running = r;
	if (r && got_signal && !cancelled && (!drain || aborted))
		cancel_all();
}

int
tsq_cancel_signal(void)
{
	return got_signal;
}

void
tsq_cancel_repeat(void)
{
	if (got_signal && running && (!drain || aborted))
		cancel_all();
}
