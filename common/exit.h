/*
 * exit.h - the exit statuses of the tools.
 */
#ifndef TSQ_EXIT_H
#define TSQ_EXIT_H

/*
 * Exit codes, the same in every tool (see tsq(7), EXIT STATUS).  The
 * engines that run a tool's whole job (connecting, a load, a maintenance
 * run) return them; the lower modules return errors to those.
 */
enum tsq_exit {
	TSQ_EXIT_OK = 0,
	TSQ_EXIT_FAILURE = 1,
	TSQ_EXIT_CONNECT = 2,
	TSQ_EXIT_USAGE = 64,
	TSQ_EXIT_DATAERR = 65,
	TSQ_EXIT_NOINPUT = 66,
	TSQ_EXIT_UNAVAILABLE = 69,
	TSQ_EXIT_CANTCREAT = 73,
	TSQ_EXIT_TEMPFAIL = 75,
	TSQ_EXIT_SIGHUP = 129,
	TSQ_EXIT_SIGINT = 130,
	TSQ_EXIT_SIGTERM = 143,
};

#endif
